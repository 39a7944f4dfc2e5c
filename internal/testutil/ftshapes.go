package testutil

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/resp"
)

// CheckFTReplyShapes checks, over addr (a node or a proxy), the reply
// forms of FT.TAGVALS, FT._LIST, FT.DICTDUMP, FT.CONFIG and FT.INFO in
// RESP2 and RESP3 against RediSearch 2.8's (tests/pytests/test_resp3.py
// and the reply code it tests): byte for byte over raw connections, and
// as go-redis v9 reads them. Keys, the index and the dictionary are named
// from prefix. FT.CONFIG SET TIMEOUT changes the server's setting.
func CheckFTReplyShapes(t *testing.T, addr, prefix string) {
	t.Helper()
	ctx := context.Background()
	r2 := Dial(t, addr)
	r3 := Dial(t, addr)
	if got := r3.Do3("HELLO", "3"); !strings.HasPrefix(got, "%") {
		t.Fatalf("HELLO 3 = %q", got)
	}
	both := func(args ...string) (v2, v3 string) {
		t.Helper()
		return r2.Do(args...), r3.Do3(args...)
	}
	idx := prefix + "idx"
	if got := r2.Do("FT.CREATE", idx, "ON", "HASH", "PREFIX", "1", prefix+":", "SCHEMA",
		"f1", "TAG", "f2", "TAG", "f5", "TAG", "t", "TEXT", "SORTABLE"); got != "+OK\r\n" {
		t.Fatalf("FT.CREATE = %q", got)
	}
	r2.Do("HSET", prefix+":1", "f1", "3", "f2", "3", "t", "hello world")
	r2.Do("HSET", prefix+":2", "f1", "3", "f2", "2", "t", "hello")

	// FT.TAGVALS: a set of bulk strings in RESP3.
	for _, c := range []struct{ field, want2, want3 string }{
		{"f1", "*1\r\n$1\r\n3\r\n", "~1\r\n$1\r\n3\r\n"},
		{"f2", "*2\r\n$1\r\n2\r\n$1\r\n3\r\n", "~2\r\n$1\r\n2\r\n$1\r\n3\r\n"},
		{"f5", "*0\r\n", "~0\r\n"},
	} {
		if v2, v3 := both("FT.TAGVALS", idx, c.field); v2 != c.want2 || v3 != c.want3 {
			t.Errorf("FT.TAGVALS %s = %q (RESP2), %q (RESP3); want %q, %q", c.field, v2, v3, c.want2, c.want3)
		}
	}

	// FT._LIST: simple strings, a set in RESP3.
	v2, v3 := both("FT._LIST")
	if !strings.HasPrefix(v2, "*") || !strings.Contains(v2, "\r\n+"+idx+"\r\n") ||
		!strings.HasPrefix(v3, "~") || !strings.Contains(v3, "\r\n+"+idx+"\r\n") || v3[1:] != v2[1:] {
		t.Errorf("FT._LIST = %q (RESP2), %q (RESP3); want an array and a set of simple strings with %s", v2, v3, idx)
	}

	// FT.DICTDUMP: a set of bulk strings in RESP3.
	dict := prefix + "dict"
	r2.Do("FT.DICTADD", dict, "foo", "1", "bar", "2")
	v2, v3 = both("FT.DICTDUMP", dict)
	if !strings.HasPrefix(v2, "*4\r\n") || v3 != "~"+v2[1:] || !strings.Contains(v2, "$3\r\nfoo\r\n") {
		t.Errorf("FT.DICTDUMP = %q (RESP2), %q (RESP3); want an array and a set of its 4 terms", v2, v3)
	}

	// FT.CONFIG: names simple strings, values bulk strings; GET a map in
	// RESP3, HELP a map of name to {Description, Value}.
	if got := r2.Do("FT.CONFIG", "SET", "TIMEOUT", "501"); got != "+OK\r\n" {
		t.Fatalf("FT.CONFIG SET TIMEOUT 501 = %q", got)
	}
	if v2, v3 := both("FT.CONFIG", "GET", "TIMEOUT"); v2 != "*1\r\n*2\r\n+TIMEOUT\r\n$3\r\n501\r\n" || v3 != "%1\r\n+TIMEOUT\r\n$3\r\n501\r\n" {
		t.Errorf("FT.CONFIG GET TIMEOUT = %q (RESP2), %q (RESP3)", v2, v3)
	}
	if v2, v3 := both("FT.CONFIG", "GET", "NOSUCHOPTION"); v2 != "*0\r\n" || v3 != "%0\r\n" {
		t.Errorf("FT.CONFIG GET NOSUCHOPTION = %q (RESP2), %q (RESP3)", v2, v3)
	}
	v2, v3 = both("FT.CONFIG", "HELP", "TIMEOUT")
	if !strings.HasPrefix(v2, "*1\r\n*5\r\n+TIMEOUT\r\n+Description\r\n+") || !strings.HasSuffix(v2, "\r\n+Value\r\n$3\r\n501\r\n") ||
		!strings.HasPrefix(v3, "%1\r\n+TIMEOUT\r\n%2\r\n+Description\r\n+") || !strings.HasSuffix(v3, "\r\n+Value\r\n$3\r\n501\r\n") {
		t.Errorf("FT.CONFIG HELP TIMEOUT = %q (RESP2), %q (RESP3)", v2, v3)
	}
	if v3 := r3.Do3("FT.CONFIG", "GET", "*"); !strings.HasPrefix(v3, "%") || !strings.Contains(v3, "\r\n+TIMEOUT\r\n$3\r\n501\r\n") {
		t.Errorf("RESP3 FT.CONFIG GET * = %q, want a map with TIMEOUT 501", v3)
	}

	// FT.INFO: RediSearch's doubles are bulk strings in RESP2 and doubles
	// in RESP3; names simple strings; an attribute a map with its flags.
	v2, v3 = both("FT.INFO", idx)
	for _, want := range []string{"+index_name\r\n+" + idx + "\r\n", "+num_docs\r\n$1\r\n2\r\n", "+num_records\r\n$",
		"+hash_indexing_failures\r\n$1\r\n0\r\n", "+number_of_uses\r\n:", "+WEIGHT\r\n$1\r\n1\r\n+SORTABLE\r\n"} {
		if !strings.Contains(v2, want) {
			t.Errorf("RESP2 FT.INFO has no %q: %q", want, v2)
		}
	}
	for _, want := range []string{"+index_name\r\n+" + idx + "\r\n", "+num_docs\r\n,2\r\n", "+num_records\r\n,",
		"+hash_indexing_failures\r\n,0\r\n", "+number_of_uses\r\n:", "+default_score\r\n,1\r\n", "+gc_stats\r\n%7\r\n+bytes_collected\r\n,0\r\n",
		"%5\r\n+identifier\r\n+f1\r\n+attribute\r\n+f1\r\n+type\r\n+TAG\r\n+SEPARATOR\r\n+,\r\n+flags\r\n*0\r\n",
		"%5\r\n+identifier\r\n+t\r\n+attribute\r\n+t\r\n+type\r\n+TEXT\r\n+WEIGHT\r\n,1\r\n+flags\r\n*1\r\n+SORTABLE\r\n"} {
		if !strings.Contains(v3, want) {
			t.Errorf("RESP3 FT.INFO has no %q: %q", want, v3)
		}
	}

	// FT.SUGGET: each score a double (a bulk string in RESP2), a null
	// where no dictionary is.
	sug := prefix + "sug"
	r2.Do("FT.SUGADD", sug, "hello", "1", "PAYLOAD", "pl")
	r2.Do("FT.SUGADD", sug, "help", "2")
	for _, opts := range [][]string{{"WITHSCORES"}, {"WITHSCORES", "WITHPAYLOADS"}, {"MAX", "1", "WITHSCORES"}} {
		v2, v3 := both(append([]string{"FT.SUGGET", sug, "hel"}, opts...)...)
		per := len(opts) + 1
		if opts[0] == "MAX" {
			per = 2
		}
		if want := scoresAsDoubles(v2, per); want == "" || v3 != want {
			t.Errorf("FT.SUGGET %v = %q (RESP2), %q (RESP3); want the RESP3 form %q", opts, v2, v3, want)
		}
	}
	if v2, v3 := both("FT.SUGGET", sug+"none", "hel"); v2 != "$-1\r\n" || v3 != "_\r\n" {
		t.Errorf("FT.SUGGET of no dictionary = %q (RESP2), %q (RESP3); want nulls", v2, v3)
	}

	// FT.SPELLCHECK: "TERM" a simple string, each score a double (a bulk
	// string in RESP2); {results: {term: [{suggestion: score}]}} in RESP3.
	v2, v3 = both("FT.SPELLCHECK", idx, "helo")
	if v2 != "*1\r\n*3\r\n+TERM\r\n$4\r\nhelo\r\n*1\r\n*2\r\n$1\r\n1\r\n$5\r\nhello\r\n" ||
		v3 != "%1\r\n+results\r\n%1\r\n$4\r\nhelo\r\n*1\r\n%1\r\n$5\r\nhello\r\n,1\r\n" {
		t.Errorf("FT.SPELLCHECK helo = %q (RESP2), %q (RESP3)", v2, v3)
	}

	// The same through go-redis.
	c2, c3 := protoClients(t, addr)
	for _, c := range []struct {
		proto int
		get   func() ([]string, error)
		want  []string
		what  string
	}{
		{2, func() ([]string, error) { return c2.FTTagVals(ctx, idx, "f2").Result() }, []string{"2", "3"}, "FTTagVals"},
		{3, func() ([]string, error) { return c3.FTTagVals(ctx, idx, "f2").Result() }, []string{"2", "3"}, "FTTagVals"},
		{2, func() ([]string, error) { return c2.FTDictDump(ctx, dict).Result() }, []string{"1", "2", "bar", "foo"}, "FTDictDump"},
		{3, func() ([]string, error) { return c3.FTDictDump(ctx, dict).Result() }, []string{"1", "2", "bar", "foo"}, "FTDictDump"},
	} {
		got, err := c.get()
		slices.Sort(got)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("go-redis RESP%d %s = %q, %v; want %q", c.proto, c.what, got, err, c.want)
		}
	}
	for _, c := range []struct {
		proto int
		get   func() (map[string]any, error)
	}{
		{2, func() (map[string]any, error) { return c2.FTConfigGet(ctx, "TIMEOUT").Result() }},
		{3, func() (map[string]any, error) { return c3.FTConfigGet(ctx, "TIMEOUT").Result() }},
	} {
		if got, err := c.get(); err != nil || fmt.Sprint(got) != "map[TIMEOUT:501]" {
			t.Errorf("go-redis RESP%d FTConfigGet TIMEOUT = %v, %v", c.proto, got, err)
		}
	}
	if l, err := c3.FT_List(ctx).Result(); err != nil || !slices.Contains(l, idx) {
		t.Errorf("go-redis RESP3 FT_List = %q, %v; want it to hold %s", l, err, idx)
	}
	if got, err := c3.Do(ctx, "FT.SUGGET", sug, "hel", "WITHSCORES").Slice(); err != nil || len(got) != 4 {
		t.Errorf("go-redis RESP3 FT.SUGGET WITHSCORES = %#v, %v", got, err)
	} else if _, ok := got[1].(float64); !ok {
		t.Errorf("go-redis RESP3 FT.SUGGET WITHSCORES score = %#v, want a float64", got[1])
	}
	info, err := c2.FTInfo(ctx, idx).Result()
	if err != nil || info.NumDocs != 2 || info.IndexName != idx || len(info.Attributes) != 4 || info.Attributes[3].Weight != 1 || !info.Attributes[3].Sortable {
		t.Errorf("go-redis RESP2 FTInfo = %+v, %v; want 2 documents and 4 attributes", info, err)
	}
	v, err := c3.Do(ctx, "FT.INFO", idx).Result()
	m, _ := v.(map[any]any)
	attrs, _ := m["attributes"].([]any)
	if err != nil || m["num_docs"] != float64(2) || m["number_of_uses"] != int64(0) || len(attrs) != 4 {
		t.Fatalf("go-redis RESP3 FT.INFO = %#v, %v; want num_docs 2.0 and 4 attributes", v, err)
	}
	if a, _ := attrs[3].(map[any]any); a["WEIGHT"] != float64(1) || fmt.Sprint(a["flags"]) != "[SORTABLE]" {
		t.Errorf("go-redis RESP3 FT.INFO attribute t = %#v, want WEIGHT 1.0 and flags [SORTABLE]", attrs[3])
	}
	if def, _ := m["index_definition"].(map[any]any); def["default_score"] != float64(1) || fmt.Sprint(def["prefixes"]) != "["+prefix+":]" {
		t.Errorf("go-redis RESP3 FT.INFO index_definition = %#v", m["index_definition"])
	}
}

// scoresAsDoubles returns the RESP3 form of raw, a RESP2 flat array of
// groups of per elements whose second elements are scores (bulk strings):
// the scores doubles; "" when raw is not of that form.
func scoresAsDoubles(raw string, per int) string {
	v, n, err := resp.Parse([]byte(raw))
	if err != nil || n != len(raw) || v.Kind != resp.Array || len(v.Elems) == 0 || len(v.Elems)%per != 0 {
		return ""
	}
	out := resp.AppendArray(nil, len(v.Elems))
	for i := range v.Elems {
		e := &v.Elems[i]
		switch {
		case i%per == 1 && e.Kind == resp.BulkString:
			out = append(append(append(out, ','), e.Str...), "\r\n"...)
		case e.Null:
			out = append(out, "_\r\n"...)
		default:
			out = e.AppendTo(out)
		}
	}
	return string(out)
}
