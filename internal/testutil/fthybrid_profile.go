package testutil

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// CheckFTHybridProfile checks FT.PROFILE index HYBRID [LIMITED] QUERY
// over index (LoadFTHybrid's) at addr, in RediSearch 8.4's shape:
// FT.HYBRID's own reply (the same results) with the profile after it,
// Shards then Coordinator, in RESP2 and RESP3. shards is how many shard
// profiles the reply holds: 1 on a node (no "Shard ID"), the nodes behind
// a proxy (each with its "Shard ID"). Times are not checked.
func CheckFTHybridProfile(t *testing.T, addr, index string, shards int, proxied bool) {
	t.Helper()
	ctx := context.Background()
	c2, c3 := protoClients(t, addr)
	blob := hybridBlob(hybridVec(100000))
	args := []any{"SEARCH", "apple", "VSIM", "@emb", "$v", "LIMIT", 0, 5, "PARAMS", 2, "v", blob}

	hy, err := c2.Do(ctx, append([]any{"FT.HYBRID", index}, args...)...).Slice()
	if err != nil {
		t.Fatal(err)
	}
	for _, limited := range []bool{false, true} {
		pargs := []any{"FT.PROFILE", index, "HYBRID"}
		if limited {
			pargs = append(pargs, "LIMITED")
		}
		p, err := c2.Do(ctx, append(append(pargs, "QUERY"), args...)...).Slice()
		if err != nil {
			t.Fatalf("FT.PROFILE HYBRID (LIMITED %v): %v", limited, err)
		}
		if len(p) != 9 || p[6] != "execution_time" {
			t.Fatalf("FT.PROFILE HYBRID = %d elements %v, want FT.HYBRID's 8 and the profile", len(p), p)
		}
		if !reflect.DeepEqual(p[:6], hy[:6]) {
			t.Errorf("FT.PROFILE HYBRID results = %v, want FT.HYBRID's %v", p[:6], hy[:6])
		}
		prof := kvOf(t, p[8], "profile")
		if got := fmt.Sprint(keysOf(p[8])); got != "[Shards Coordinator]" {
			t.Errorf("profile keys = %s, want [Shards Coordinator]", got)
		}
		list, _ := prof["Shards"].([]any)
		if len(list) != shards {
			t.Fatalf("profile Shards = %d, want %d", len(list), shards)
		}
		for _, s := range list {
			want := "[SEARCH VSIM]"
			if proxied {
				want = "[Shard ID SEARCH VSIM]"
			}
			if got := fmt.Sprint(keysOf(s)); got != want {
				t.Errorf("shard profile keys = %s, want %s", got, want)
			}
			sh := kvOf(t, s, "shard")
			for sub, procs := range map[string]string{
				"SEARCH": "[Index Scorer Sorter Loader Depleter]",
				"VSIM":   "[Index Metrics Applier Vector Normalizer Loader Depleter]",
			} {
				sp := kvOf(t, sh[sub], sub)
				for _, k := range []string{"Total profile time", "Warning", "Iterators profile", "Result processors profile"} {
					if _, ok := sp[k]; !ok {
						t.Errorf("%s profile %v lacks %q", sub, keysOf(sh[sub]), k)
					}
				}
				if proxied {
					continue // the shard's own FT.PROFILE SEARCH processors
				}
				if got := fmt.Sprint(processorTypes(sp["Result processors profile"])); got != procs {
					t.Errorf("%s result processors = %s, want %s", sub, got, procs)
				}
			}
			vsim := kvOf(t, sh["VSIM"], "VSIM")
			if it := kvOf(t, vsim["Iterators profile"], "VSIM iterators"); it["Type"] != "VECTOR" {
				t.Errorf("VSIM iterators = %v, want a VECTOR iterator", vsim["Iterators profile"])
			}
		}
		coord := kvOf(t, prof["Coordinator"], "Coordinator")
		rp := coord["Result processors profile"]
		if got := fmt.Sprint(processorTypes(rp)); got != "[Hybrid Merger Sorter]" {
			t.Errorf("coordinator processors = %s, want [Hybrid Merger Sorter]", got)
		}
		if n := processorCounts(rp); len(n) != 2 || n[0] != hy[1] || n[1] != int64(5) {
			t.Errorf("coordinator processed %v, want [%v 5] (the fused rows, LIMIT's page)", n, hy[1])
		}
		if proxied {
			sq := kvOf(t, coord["Subqueries result processors profile"], "Subqueries")
			for _, sub := range []string{"SEARCH", "VSIM"} {
				if got := fmt.Sprint(processorTypes(sq[sub])); got != "[Network Sorter]" {
					t.Errorf("coordinator %s processors = %s, want [Network Sorter]", sub, got)
				}
			}
		}
	}

	// NOSORT: the fused order, no Sorter.
	p, err := c2.Do(ctx, "FT.PROFILE", index, "HYBRID", "QUERY", "SEARCH", "apple", "VSIM", "@emb", "$v",
		"NOSORT", "PARAMS", 2, "v", blob).Slice()
	if err != nil || len(p) != 9 {
		t.Fatalf("FT.PROFILE HYBRID NOSORT = %v, %v", p, err)
	}
	coord := kvOf(t, kvOf(t, p[8], "profile")["Coordinator"], "Coordinator")
	if got := fmt.Sprint(processorTypes(coord["Result processors profile"])); got != "[Hybrid Merger]" {
		t.Errorf("NOSORT coordinator processors = %s, want [Hybrid Merger]", got)
	}

	// RESP3: FT.HYBRID's map with a Profile map.
	hy3, err := c3.Do(ctx, append([]any{"FT.HYBRID", index}, args...)...).Result()
	if err != nil {
		t.Fatal(err)
	}
	v, err := c3.Do(ctx, append([]any{"FT.PROFILE", index, "HYBRID", "QUERY"}, args...)...).Result()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := v.(map[any]any)
	if !ok || len(m) != 5 {
		t.Fatalf("RESP3 FT.PROFILE HYBRID = %#v, want FT.HYBRID's map and Profile", v)
	}
	hm, _ := hy3.(map[any]any)
	for _, k := range []string{"total_results", "results", "warnings"} {
		if !reflect.DeepEqual(m[k], hm[k]) {
			t.Errorf("RESP3 %s = %v, want FT.HYBRID's %v", k, m[k], hm[k])
		}
	}
	if _, ok := m["execution_time"].(float64); !ok {
		t.Errorf("RESP3 execution_time = %#v, want a double", m["execution_time"])
	}
	pm, _ := m["Profile"].(map[any]any)
	sl, _ := pm["Shards"].([]any)
	if len(sl) != shards {
		t.Fatalf("RESP3 Profile = %#v, want %d shards", m["Profile"], shards)
	}
	for _, s := range sl {
		sm, _ := s.(map[any]any)
		for _, sub := range []string{"SEARCH", "VSIM"} {
			sp, _ := sm[sub].(map[any]any)
			if _, ok := sp["Total profile time"].(float64); !ok {
				t.Errorf("RESP3 %s profile = %#v, want a map with a double Total profile time", sub, sm[sub])
			}
			if _, ok := sp["Iterators profile"].(map[any]any); !ok {
				t.Errorf("RESP3 %s iterators = %#v, want a map", sub, sp["Iterators profile"])
			}
		}
	}
	cm, _ := pm["Coordinator"].(map[any]any)
	procs, _ := cm["Result processors profile"].([]any)
	if len(procs) != 2 {
		t.Fatalf("RESP3 Coordinator = %#v, want 2 result processors", pm["Coordinator"])
	}
	if p0, _ := procs[0].(map[any]any); p0["Type"] != "Hybrid Merger" || p0["Results processed"] != hm["total_results"] {
		t.Errorf("RESP3 first processor = %#v, want the Hybrid Merger of %v rows", procs[0], hm["total_results"])
	}

	// Errors, in RediSearch's words; bad hybrid arguments as FT.HYBRID's.
	for _, tc := range []struct {
		args []any
		want string
	}{
		{[]any{"FT.PROFILE", index, "HYBRIDX", "QUERY", "SEARCH", "apple"}, "No `SEARCH`, `AGGREGATE`, or `HYBRID` provided"},
		{[]any{"FT.PROFILE", index, "QUERY", "SEARCH", "apple", "VSIM", "@emb", "$v"}, "No `SEARCH`, `AGGREGATE`, or `HYBRID` provided"},
		{[]any{"FT.PROFILE", index, "HYBRID", "SEARCH", "apple", "VSIM", "@emb", "$v", "PARAMS", 2, "v", blob}, "The QUERY keyword is expected"},
		{[]any{"FT.PROFILE", "nosuchidx", "HYBRID", "QUERY", "SEARCH", "apple", "VSIM", "@emb", "$v", "PARAMS", 2, "v", blob}, "no such index"},
		{[]any{"FT.PROFILE", index, "HYBRID", "QUERY", "SEARCH", "apple", "VSIM", "@emb", "$v", "WITHCURSOR", "PARAMS", 2, "v", blob}, "FT.PROFILE does not support cursor"},
	} {
		err := c2.Do(ctx, tc.args...).Err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args[:4], err, tc.want)
		}
	}
	for _, bad := range [][]any{
		{"VSIM", "@emb", "$v", "PARAMS", 2, "v", blob},
		{"SEARCH", "apple", "PARAMS", 2, "v", blob},
		{"SEARCH", "apple", "VSIM", "@emb", "$v"},
		{"SEARCH", "apple", "VSIM", "@emb", "noDollar", "PARAMS", 2, "v", blob},
	} {
		want := c2.Do(ctx, append([]any{"FT.HYBRID", index}, bad...)...).Err()
		got := c2.Do(ctx, append([]any{"FT.PROFILE", index, "HYBRID", "QUERY"}, bad...)...).Err()
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("FT.PROFILE HYBRID %v: %v, want FT.HYBRID's %v", bad[:3], got, want)
		}
	}
}

// kvOf reads a flat name, value... list as a map.
func kvOf(t *testing.T, v any, what string) map[string]any {
	t.Helper()
	l, ok := v.([]any)
	if !ok || len(l)%2 != 0 {
		t.Fatalf("%s = %#v, want a name, value list", what, v)
	}
	m := map[string]any{}
	for i := 0; i < len(l); i += 2 {
		m[fmt.Sprint(l[i])] = l[i+1]
	}
	return m
}

// keysOf lists a flat name, value... list's names, in order.
func keysOf(v any) []string {
	l, _ := v.([]any)
	var out []string
	for i := 0; i+1 < len(l); i += 2 {
		out = append(out, fmt.Sprint(l[i]))
	}
	return out
}

// processorTypes lists the Type of each result processor in a profile's
// list.
func processorTypes(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, p := range l {
		pl, _ := p.([]any)
		for i := 0; i+1 < len(pl); i += 2 {
			if pl[i] == "Type" {
				out = append(out, fmt.Sprint(pl[i+1]))
			}
		}
	}
	return out
}

// processorCounts lists each result processor's "Results processed".
func processorCounts(v any) []any {
	l, _ := v.([]any)
	var out []any
	for _, p := range l {
		pl, _ := p.([]any)
		for i := 0; i+1 < len(pl); i += 2 {
			if pl[i] == "Results processed" {
				out = append(out, pl[i+1])
			}
		}
	}
	return out
}
