package node

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestInfoFieldsMonitorsRead: the INFO fields monitoring agents read are
// there, as redis-server 7.0.15 has them, with values that mean what they
// mean in Redis: run_id is one per node run, used_memory_peak is never
// below used_memory and stays when memory falls, the fragmentation ratio
// is RSS over used memory, the network rates follow the traffic.
func TestInfoFieldsMonitorsRead(t *testing.T) {
	ctx := context.Background()
	ref := infoFields(t, startRedisServer(t), "everything")
	c := startNode(t, nil).client(t)
	other := startNode(t, nil).client(t)
	got := infoFields(t, c, "everything")
	for _, k := range []string{"redis_git_sha1", "redis_git_dirty", "redis_build_id", "multiplexing_api",
		"process_supervised", "run_id", "server_time_usec", "hz", "configured_hz", "lru_clock", "executable",
		"config_file", "io_threads_active", "cluster_connections", "used_memory_peak", "used_memory_peak_human",
		"used_memory_peak_perc", "total_system_memory", "total_system_memory_human", "mem_fragmentation_ratio",
		"mem_fragmentation_bytes", "instantaneous_input_kbps", "instantaneous_output_kbps", "expired_stale_perc",
		"expired_time_cap_reached_count", "evicted_clients", "used_cpu_sys_children", "used_cpu_user_children"} {
		if _, ok := ref[k]; !ok {
			t.Errorf("redis-server has no %s: the list is wrong", k)
		}
		if _, ok := got[k]; !ok {
			t.Errorf("INFO everything has no %s (redis-server: %q)", k, ref[k])
		}
	}
	if _, ok := got["mem_allocator"]; ok {
		t.Error("INFO claims a mem_allocator")
	}
	id := got["run_id"]
	if len(id) != 40 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("run_id %q is not 40 hexadecimal digits", id)
	}
	if again := infoFields(t, c, "server")["run_id"]; again != id {
		t.Errorf("run_id changed within a run: %q then %q", id, again)
	}
	if theirs := infoFields(t, other, "server")["run_id"]; theirs == id {
		t.Errorf("two nodes have the same run_id %q", id)
	}
	if got["hz"] != ref["hz"] || got["multiplexing_api"] != ref["multiplexing_api"] {
		t.Errorf("hz %s multiplexing_api %s, redis-server %s %s", got["hz"], got["multiplexing_api"], ref["hz"], ref["multiplexing_api"])
	}

	num := func(f map[string]string, k string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSuffix(f[k], "%"), 64)
		if err != nil {
			t.Fatalf("%s = %q: %v", k, f[k], err)
		}
		return v
	}
	// Load about 8 MB, then delete it: the peak keeps the high mark.
	val := strings.Repeat("x", 8<<10)
	pipe := c.Pipeline()
	for i := range 1000 {
		pipe.Set(ctx, "peak:"+strconv.Itoa(i), val, 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	loaded := infoFields(t, c, "memory")
	if num(loaded, "used_memory_peak") < num(loaded, "used_memory") || num(loaded, "used_memory") < 8e6 {
		t.Fatalf("after an 8 MB load: used_memory %s, used_memory_peak %s", loaded["used_memory"], loaded["used_memory_peak"])
	}
	frag := num(loaded, "mem_fragmentation_ratio")
	if want := num(loaded, "used_memory_rss") / num(loaded, "used_memory"); frag < want*0.9 || frag > want*1.1 {
		t.Errorf("mem_fragmentation_ratio %v, RSS over used memory %v", frag, want)
	}
	if err := c.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	after := infoFields(t, c, "memory")
	if num(after, "used_memory_peak") < num(loaded, "used_memory") || num(after, "used_memory_peak_perc") >= 100 {
		t.Errorf("after FLUSHALL: used_memory_peak %s (was %s), used_memory_peak_perc %s",
			after["used_memory_peak"], loaded["used_memory"], after["used_memory_peak_perc"])
	}

	// Traffic shows in the rates within the sampling window (1.6 s).
	deadline := time.Now().Add(10 * time.Second)
	for {
		pipe := c.Pipeline()
		for i := range 100 {
			pipe.Set(ctx, "rate:"+strconv.Itoa(i), val, 0)
		}
		pipe.Exec(ctx)
		st := infoFields(t, c, "stats")
		if num(st, "instantaneous_input_kbps") > 0 && num(st, "instantaneous_output_kbps") > 0 {
			if num(st, "instantaneous_input_kbps") < num(st, "instantaneous_output_kbps") {
				t.Errorf("writing 8 KB values, input %s kbps is below output %s", st["instantaneous_input_kbps"], st["instantaneous_output_kbps"])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no network rate after 10s of writes: %v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
