package node

import (
	"context"
	"reflect"
	"testing"
)

// TestFTExplainCLISimpleStrings: FT.EXPLAINCLI answers the plan's lines
// as RediSearch 2.8 does, an array of simple strings (not bulk strings)
// whose last one is empty, in RESP2 and RESP3 alike; go-redis reads the
// same lines.
func TestFTExplainCLISimpleStrings(t *testing.T) {
	tn := startNode(t, nil)
	rc := tn.raw(t)
	if got := rc.Do("FT.CREATE", "idx", "SCHEMA", "t", "TEXT", "n", "NUMERIC"); got != "+OK\r\n" {
		t.Fatalf("FT.CREATE = %q", got)
	}
	if got := rc.Do("FT.EXPLAINCLI", "idx", `@t:"hello" @n:[1 2]`); got != "*5\r\n+INTERSECT {\r\n+  @t:hello\r\n+  NUMERIC {1.000000 <= @n <= 2.000000}\r\n+}\r\n+\r\n" {
		t.Errorf("FT.EXPLAINCLI (RESP2) = %q", got)
	}
	if got := rc.Do3("HELLO", "3"); got[0] != '%' {
		t.Fatalf("HELLO 3 = %q", got)
	}
	if got := rc.Do3("FT.EXPLAINCLI", "idx", "hello"); got != "*5\r\n+UNION {\r\n+  hello\r\n+  +hello(expanded)\r\n+}\r\n+\r\n" {
		t.Errorf("FT.EXPLAINCLI (RESP3) = %q", got)
	}

	c := tn.client2(t)
	lines, err := c.Do(context.Background(), "FT.EXPLAINCLI", "idx", "hello").Slice()
	if want := []any{"UNION {", "  hello", "  +hello(expanded)", "}", ""}; err != nil || !reflect.DeepEqual(lines, want) {
		t.Errorf("go-redis FT.EXPLAINCLI = %#v, %v; want %#v", lines, err, want)
	}
}
