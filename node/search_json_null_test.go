package node

import (
	"context"
	"reflect"
	"testing"
)

// TestFTJSONReturnNull: RETURN of a path whose first match is JSON null
// answers a null for it (RESP2 nil bulk), as RediSearch 2.8 does, next to
// the fields that have values; a path that matches nothing is still left
// out, and DIALECT 3 shows the null inside its array.
func TestFTJSONReturnNull(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	for _, args := range [][]any{
		{"FT.CREATE", "jn", "ON", "JSON", "PREFIX", "1", "j:", "SCHEMA", "$.name", "AS", "name", "TAG", "$.v", "AS", "v", "TEXT"},
		{"JSON.SET", "j:1", "$", `{"name":"a","v":null,"arr":[null,2]}`},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	got, err := c.Do(ctx, "FT.SEARCH", "jn", "@name:{a}", "RETURN", "4", "name", "v", "$.arr[0]", "$.nothing").Slice()
	if err != nil {
		t.Fatal(err)
	}
	want := []any{int64(1), "j:1", []any{"name", "a", "v", nil, "$.arr[0]", nil}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("FT.SEARCH RETURN = %#v\nwant %#v", got, want)
	}
	// The exact RESP2 reply: nil bulks.
	rc := tn.raw(t)
	rc.Send("FT.SEARCH", "jn", "@name:{a}", "RETURN", "1", "v")
	v, err := rc.ReadValue()
	if err != nil || len(v.Elems) != 3 || len(v.Elems[2].Elems) != 2 {
		t.Fatalf("raw reply %#v, %v", v, err)
	}
	if null := v.Elems[2].Elems[1]; null.Kind != '$' || !null.Null {
		t.Fatalf("raw value %#v, want a nil bulk ($-1)", null)
	}
	got, err = c.Do(ctx, "FT.SEARCH", "jn", "@name:{a}", "RETURN", "1", "v", "DIALECT", "3").Slice()
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{int64(1), "j:1", []any{"v", "[null]"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("DIALECT 3 RETURN = %#v, want %#v", got, want)
	}
}
