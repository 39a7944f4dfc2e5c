package node

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestScriptCachesInMemory: scripts cached by EVAL and SCRIPT LOAD and
// function libraries show in INFO memory and in used_memory, count
// toward maxmemory (a limit the dataset alone stays under refuses writes
// once the cache is counted), and SCRIPT FLUSH / FUNCTION FLUSH give the
// memory back.
func TestScriptCachesInMemory(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	if got := infoInt(t, c, "number_of_cached_scripts"); got != 0 {
		t.Fatalf("number_of_cached_scripts %d on a new node", got)
	}
	before, scriptsBefore := infoInt(t, c, "used_memory"), infoInt(t, c, "used_memory_scripts_eval")
	const scripts = 50
	pad := strings.Repeat("-- padding line of a long script\n", 300) // about 10 KB each
	total := 0
	for i := 0; i < scripts; i++ {
		body := fmt.Sprintf("%sreturn %d", pad, i)
		total += len(body)
		if i%2 == 0 {
			if err := c.ScriptLoad(ctx, body).Err(); err != nil {
				t.Fatal(err)
			}
		} else if err := c.Eval(ctx, body, nil).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// The same script again is cached once.
	if err := c.Eval(ctx, pad+"return 1", nil).Err(); err != nil {
		t.Fatal(err)
	}
	if got := infoInt(t, c, "number_of_cached_scripts"); got != scripts {
		t.Fatalf("number_of_cached_scripts %d, want %d", got, scripts)
	}
	eval := infoInt(t, c, "used_memory_scripts_eval")
	if eval-scriptsBefore < int64(total) {
		t.Fatalf("used_memory_scripts_eval %d after %d bytes of scripts", eval, total)
	}
	if infoInt(t, c, "used_memory_vm_eval") <= 0 {
		t.Fatal("used_memory_vm_eval is not reported")
	}
	used := infoInt(t, c, "used_memory")
	if used-before < int64(total) {
		t.Fatalf("used_memory %d -> %d after caching %d bytes of scripts", before, used, total)
	}
	// Counted toward maxmemory: a limit between the memory without the
	// cache and with it refuses writes under noeviction.
	if err := c.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err(); err != nil {
		t.Fatal(err)
	}
	counted := used - infoInt(t, c, "mem_not_counted_for_evict")
	if err := c.ConfigSet(ctx, "maxmemory", fmt.Sprint(counted-int64(total)/2)).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "k", "v", 0).Err(); err == nil || !strings.HasPrefix(err.Error(), "OOM ") {
		t.Fatalf("SET with the script cache over maxmemory: %v, want OOM", err)
	}
	if err := c.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if got := infoInt(t, c, "number_of_cached_scripts"); got != 0 {
		t.Fatalf("number_of_cached_scripts %d after SCRIPT FLUSH", got)
	}
	if got := infoInt(t, c, "used_memory_scripts_eval"); got != 0 {
		t.Fatalf("used_memory_scripts_eval %d after SCRIPT FLUSH", got)
	}
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET after SCRIPT FLUSH gave the memory back: %v", err)
	}
	if err := c.ConfigSet(ctx, "maxmemory", "0").Err(); err != nil {
		t.Fatal(err)
	}

	// Function libraries.
	lib := "#!lua name=memlib\n" + pad + "redis.register_function('memf', function() return 1 end)"
	if err := c.FunctionLoad(ctx, lib).Err(); err != nil {
		t.Fatal(err)
	}
	if got := infoInt(t, c, "used_memory_functions"); got < int64(len(lib)) {
		t.Fatalf("used_memory_functions %d after a %d-byte library", got, len(lib))
	}
	if got := infoInt(t, c, "number_of_libraries"); got != 1 {
		t.Fatalf("number_of_libraries %d", got)
	}
	if s, f := infoInt(t, c, "used_memory_scripts"), infoInt(t, c, "used_memory_functions"); s != f {
		t.Fatalf("used_memory_scripts %d, want the functions' %d with no EVAL script cached", s, f)
	}
	if err := c.FunctionFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if got := infoInt(t, c, "used_memory_functions"); got != 0 {
		t.Fatalf("used_memory_functions %d after FUNCTION FLUSH", got)
	}
}
