package node

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestVectorSetDumpRestore: DUMP of a vector set gives vcache's own
// payload (versioned, with a CRC) and RESTORE makes a copy that answers
// VSIM with the same neighbours and scores, VEMB, VINFO and VGETATTR as
// the original, in every quantisation; RESTORE's REPLACE, ABSTTL,
// IDLETIME and FREQ work as for the other types, an existing key without
// REPLACE is BUSYKEY, and a damaged payload is refused with Redis's error
// and creates nothing.
func TestVectorSetDumpRestore(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()

	data := randomVectors(7, 200, 16)
	vaddAll(t, c, "vs", "", data)
	for i := 0; i < 200; i += 10 {
		if err := c.Do(ctx, "VSETATTR", "vs", fmt.Sprintf("e%d", i), fmt.Sprintf(`{"i":%d}`, i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	p, err := c.Dump(ctx, "vs").Result()
	if err != nil {
		t.Fatalf("DUMP of a vector set: %v", err)
	}
	if err := c.Restore(ctx, "copy", 0, p).Err(); err != nil {
		t.Fatalf("RESTORE of a vector set: %v", err)
	}
	if typ := c.Type(ctx, "copy").Val(); typ != "vectorset" {
		t.Fatalf("TYPE of the restored key: %s", typ)
	}
	vsim := func(key string, args ...any) any {
		t.Helper()
		res, err := c.Do(ctx, append([]any{"VSIM", key}, args...)...).Result()
		if err != nil {
			t.Fatalf("VSIM %s %v: %v", key, args, err)
		}
		return res
	}
	for _, q := range [][]any{
		{"ELE", "e5", "COUNT", "10", "WITHSCORES"},
		{"FP32", vecBlob(data[42]...), "COUNT", "20", "WITHSCORES"},
		{"ELE", "e3", "COUNT", "5", "FILTER", ".i >= 100"},
	} {
		want, got := vsim("vs", q...), vsim("copy", q...)
		if reflect.ValueOf(want).Len() == 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("VSIM %v on the restored set: %v, original %v", q[:2], got, want)
		}
	}
	for _, e := range []string{"e0", "e10", "e190"} {
		if a, b := c.Do(ctx, "VGETATTR", "vs", e).Val(), c.Do(ctx, "VGETATTR", "copy", e).Val(); a == nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("VGETATTR %s: %v, original %v", e, b, a)
		}
	}
	if a, b := vinfo(t, c, "vs"), vinfo(t, c, "copy"); !reflect.DeepEqual(a, b) {
		t.Fatalf("VINFO of the restored set %v, original %v", b, a)
	}

	// Every quantisation round-trips exactly (the codes are kept, not
	// recomputed).
	for _, m := range quantModes {
		vaddAll(t, c, m.key, m.opt, data[:40])
		want := vsetFingerprint(t, c, m.key)
		mp, err := c.Dump(ctx, m.key).Result()
		if err != nil {
			t.Fatalf("DUMP %s: %v", m.key, err)
		}
		if err := c.Restore(ctx, m.key+":copy", 0, mp).Err(); err != nil {
			t.Fatalf("RESTORE %s: %v", m.key, err)
		}
		if got := vsetFingerprint(t, c, m.key+":copy"); got != want {
			t.Fatalf("%s restored: %s, original %s", m.key, got, want)
		}
	}

	// RESTORE's options.
	if err := c.Restore(ctx, "copy", 0, p).Err(); err == nil || err.Error() != "BUSYKEY Target key name already exists." {
		t.Fatalf("RESTORE onto an existing key: %v", err)
	}
	c.Set(ctx, "str", "x", 0)
	if err := c.RestoreReplace(ctx, "str", 0, p).Err(); err != nil || c.Type(ctx, "str").Val() != "vectorset" {
		t.Fatalf("RESTORE REPLACE over a string: %v, type %s", err, c.Type(ctx, "str").Val())
	}
	if err := c.Restore(ctx, "ttl", 5*time.Second, p).Err(); err != nil {
		t.Fatal(err)
	}
	if ms := c.PTTL(ctx, "ttl").Val(); ms <= 0 || ms > 5*time.Second {
		t.Fatalf("PTTL after RESTORE with 5000 ms: %v", ms)
	}
	abs := time.Now().Add(time.Minute).UnixMilli()
	if err := c.Do(ctx, "RESTORE", "abs", abs, p, "ABSTTL").Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.PExpireTime(ctx, "abs").Val(); got != time.Duration(abs)*time.Millisecond {
		t.Fatalf("PEXPIRETIME after RESTORE ABSTTL %d: %v", abs, got)
	}
	if err := c.Do(ctx, "RESTORE", "idle", 0, p, "IDLETIME", 1000).Err(); err != nil {
		t.Fatal(err)
	}
	if idle := c.ObjectIdleTime(ctx, "idle").Val(); idle < 1000*time.Second {
		t.Fatalf("OBJECT IDLETIME after RESTORE IDLETIME 1000: %v", idle)
	}
	c.ConfigSet(ctx, "maxmemory-policy", "allkeys-lfu")
	if err := c.Do(ctx, "RESTORE", "freq", 0, p, "FREQ", 42).Err(); err != nil {
		t.Fatal(err)
	}
	if f, err := c.Do(ctx, "OBJECT", "FREQ", "freq").Int(); err != nil || f != 42 {
		t.Fatalf("OBJECT FREQ after RESTORE FREQ 42: %v %v", f, err)
	}
	c.ConfigSet(ctx, "maxmemory-policy", "noeviction")

	// A damaged payload: a byte of the body changed, or cut short.
	bad := []byte(p)
	bad[len(bad)/2] ^= 0x40
	for name, payload := range map[string]string{"changed": string(bad), "cut": p[:len(p)-20]} {
		err := c.Restore(ctx, "bad", 0, payload).Err()
		if err == nil || err.Error() != "ERR DUMP payload version or checksum are wrong" {
			t.Fatalf("RESTORE of a %s payload: %v", name, err)
		}
	}
	if n := c.Exists(ctx, "bad").Val(); n != 0 {
		t.Fatalf("a refused RESTORE created the key")
	}
	if !strings.Contains(p, "vectorset") {
		t.Fatalf("payload does not name its type")
	}
}
