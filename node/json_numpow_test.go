package node

import (
	"context"
	"reflect"
	"testing"
)

// TestJSONNumPowBy: JSON.NUMPOWBY as RedisJSON documents it — the
// documented example, integer and float powers, overflow and
// not-a-number errors that leave the value alone, legacy paths, RESP3.
func TestJSONNumPowBy(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client2(t)
	do := func(args ...any) (any, error) { return c.Do(ctx, args...).Result() }
	get := func(key string) string {
		t.Helper()
		v, err := c.Do(ctx, "JSON.GET", key).Text()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if err := c.Do(ctx, "JSON.SET", "doc", ".", `{"a":"b","b":[{"a":2}, {"a":5}, {"a":"c"}]}`).Err(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, exp, want, doc string
	}{
		{"$.a", "2", "[null]", `{"a":"b","b":[{"a":2},{"a":5},{"a":"c"}]}`},
		{"$..a", "2", "[null,4,25,null]", `{"a":"b","b":[{"a":4},{"a":25},{"a":"c"}]}`},
		{"$.b[0].a", "-1.0", "[0.25]", `{"a":"b","b":[{"a":0.25},{"a":25},{"a":"c"}]}`},
		{"$.b[1].a", "0.5", "[5.0]", `{"a":"b","b":[{"a":0.25},{"a":5.0},{"a":"c"}]}`},
		{".b[0].a", "2", "0.0625", `{"a":"b","b":[{"a":0.0625},{"a":5.0},{"a":"c"}]}`},
		{"$.nothere", "2", "[]", `{"a":"b","b":[{"a":0.0625},{"a":5.0},{"a":"c"}]}`},
	} {
		v, err := do("JSON.NUMPOWBY", "doc", tc.path, tc.exp)
		if err != nil || v != tc.want {
			t.Fatalf("JSON.NUMPOWBY doc %s %s = %v %v, want %s", tc.path, tc.exp, v, err, tc.want)
		}
		if got := get("doc"); got != tc.doc {
			t.Fatalf("after NUMPOWBY %s %s: %s, want %s", tc.path, tc.exp, got, tc.doc)
		}
	}
	if err := c.Do(ctx, "JSON.SET", "n", "$", `{"i":3,"big":3037000500,"neg":-2,"z":0,"zero":0,"one":1}`).Err(); err != nil {
		t.Fatal(err)
	}
	ok := []struct{ path, exp, want string }{
		{"$.i", "4", "[81]"},
		{"$.neg", "63", "[-9223372036854775808]"},
		{"$.z", "0", "[1]"},
		{"$.one", "123456789", "[1]"},
	}
	for _, tc := range ok {
		if v, err := do("JSON.NUMPOWBY", "n", tc.path, tc.exp); err != nil || v != tc.want {
			t.Fatalf("NUMPOWBY n %s %s = %v %v, want %s", tc.path, tc.exp, v, err, tc.want)
		}
	}
	before := get("n")
	bad := []struct{ path, exp, want string }{
		{"$.big", "2", "ERR numeric overflow"},           // 3037000500² > 2^63-1
		{"$.i", "64", "ERR numeric overflow"},            // 81^64
		{"$.i", "-1", "ERR numeric overflow"},            // a negative integer exponent
		{"$.zero", "-1.0", "ERR result is not a number"}, // 0 ^ -1.0 is infinite
		{"$.neg", "0.5", "ERR result is not a number"},   // sqrt(-2)
		{"$.i", "x", "ERR expected value at line 1 column 1"},
	}
	for _, tc := range bad {
		_, err := do("JSON.NUMPOWBY", "n", tc.path, tc.exp)
		if err == nil || err.Error() != tc.want {
			t.Errorf("NUMPOWBY n %s %s: error %v, want %q", tc.path, tc.exp, err, tc.want)
		}
	}
	if got := get("n"); got != before {
		t.Fatalf("a failed NUMPOWBY changed the document: %s, was %s", got, before)
	}
	_, want := do("JSON.NUMINCRBY", "missing", "$", "2")
	if _, err := do("JSON.NUMPOWBY", "missing", "$", "2"); err == nil || want == nil || err.Error() != want.Error() {
		t.Fatalf("NUMPOWBY of a missing key: %v, want NUMINCRBY's %v", err, want)
	}
	if _, err := do("JSON.NUMPOWBY", "n", "$"); err == nil || err.Error() != "ERR wrong number of arguments for 'json.numpowby' command" {
		t.Fatalf("arity: %v", err)
	}
	// RESP3: one number per match.
	c3 := jsonClients(t, tn)["resp3"]
	v, err := c3.Do(ctx, "JSON.NUMPOWBY", "n", "$.i", "0.5").Result()
	if err != nil || !reflect.DeepEqual(v, []any{9.0}) {
		t.Fatalf("RESP3 NUMPOWBY = %#v %v", v, err)
	}
}
