package node

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestScriptKeysAndArgvFreshEachRun: KEYS and ARGV are kept from run to
// run of EVALSHA, but each run sees them as new tables holding exactly
// its own keys and arguments, whatever the run before did to them
// (added fields, a metatable, extra or missing elements, a float key,
// elements replaced).
func TestScriptKeysAndArgvFreshEachRun(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	body := `local n, m = 0, 0
for _ in pairs(KEYS) do n = n + 1 end
for _ in pairs(ARGV) do m = m + 1 end
local r = {tostring(#KEYS), tostring(n), tostring(#ARGV), tostring(m), tostring(getmetatable(KEYS) == nil), tostring(getmetatable(ARGV) == nil),
	table.concat(KEYS, ','), table.concat(ARGV, ','), tostring(KEYS.x), tostring(ARGV[5])}
local op = ARGV[1]
if op == 'field' then KEYS.x = 1; ARGV.y = KEYS
elseif op == 'meta' then setmetatable(KEYS, {__index = function() return 'm' end}); setmetatable(ARGV, {})
elseif op == 'grow' then KEYS[#KEYS + 1] = 'extra'; ARGV[5] = 'far'
elseif op == 'hole' then KEYS[1] = nil; ARGV[1] = nil
elseif op == 'float' then KEYS[1.5] = 'f'; ARGV[-1] = 'neg'
elseif op == 'clear' then for i = #KEYS, 1, -1 do KEYS[i] = nil end
elseif op == 'set' then KEYS[1] = 'z'; KEYS[2] = 5; ARGV[2] = 'w'
end
return r`
	sha, err := c.ScriptLoad(ctx, body).Result()
	if err != nil {
		t.Fatal(err)
	}
	runs := []struct {
		keys []string
		op   string
	}{
		{[]string{"a"}, "none"}, {[]string{"a", "b"}, "field"}, {[]string{"c"}, "none"}, {nil, "meta"},
		{[]string{"d", "e", "f"}, "none"}, {[]string{"g"}, "grow"}, {[]string{"h", "i"}, "none"},
		{[]string{"j", "k"}, "hole"}, {[]string{"l", "m"}, "float"}, {[]string{"n"}, "clear"},
		{[]string{"o", "p", "q"}, "none"}, {nil, "none"}, {[]string{"r"}, "none"},
		// The same keys and arguments again: the elements that hold them
		// still are kept, those a run replaced are set again.
		{[]string{"s", "t"}, "set"}, {[]string{"s", "t"}, "none"}, {[]string{"s", "t"}, "set"},
		{[]string{"s", "t"}, "set"}, {[]string{"s", "u"}, "none"}, {[]string{"v", "u"}, "none"},
		{[]string{"v", "u"}, "none"},
	}
	for i, run := range runs {
		args := []any{run.op, "x", "y"}[:1+i%3]
		got, err := c.EvalSha(ctx, sha, run.keys, args...).StringSlice()
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		argv := make([]string, len(args))
		for j, a := range args {
			argv[j] = a.(string)
		}
		want := []string{fmt.Sprint(len(run.keys)), fmt.Sprint(len(run.keys)), fmt.Sprint(len(args)), fmt.Sprint(len(args)),
			"true", "true", strings.Join(run.keys, ","), strings.Join(argv, ","), "nil", "nil"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("run %d (%v, after the last run's %q): %q, want %q", i, run.keys, runs[max(i-1, 0)].op, got, want)
		}
	}
}

// FuzzNumKeys: a script call's numkeys reads as strconv.ParseInt reads
// it (the value, and whether it is an integer at all).
func FuzzNumKeys(f *testing.F) {
	for _, s := range []string{"0", "1", "007", "123456789", "1234567890", "", "-1", "+2", "1a", " 1", "9223372036854775808", "٣"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, gerr := numKeys(b)
		want, werr := strconv.ParseInt(string(b), 10, 64)
		if got != want || (gerr == nil) != (werr == nil) {
			t.Fatalf("numKeys(%q) = %d, %v; ParseInt: %d, %v", b, got, gerr, want, werr)
		}
	})
}
