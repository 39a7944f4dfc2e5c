package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestNumericRangeParamsThroughProxy: @n:[$lo $hi] with PARAMS answers
// the same bytes on one node and through the proxy over three, errors
// included.
func TestNumericRangeParamsThroughProxy(t *testing.T) {
	_, _, same := nodeAndProxy(t)
	same("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "n", "NUMERIC", "SORTABLE")
	for i := range 60 {
		same("HSET", fmt.Sprintf("d:%d", i), "n", fmt.Sprint(i))
	}
	lit := same("FT.SEARCH", "idx", "@n:[(10 20]", "SORTBY", "n", "NOCONTENT", "LIMIT", "0", "20")
	if !strings.HasPrefix(lit, "*11\r\n:10\r\n$4\r\nd:11\r\n") {
		t.Fatalf("literal range: %.200q", lit)
	}
	if got := same("FT.SEARCH", "idx", "@n:[($lo $hi]", "PARAMS", "4", "lo", "10", "hi", "20", "SORTBY", "n", "NOCONTENT", "LIMIT", "0", "20", "DIALECT", "2"); got != lit {
		t.Errorf("[($lo $hi] through the proxy: %.200q, want %.200q", got, lit)
	}
	if got := same("FT.AGGREGATE", "idx", "@n:[($lo +inf]", "PARAMS", "2", "lo", "49", "GROUPBY", "0", "REDUCE", "COUNT", "0", "AS", "c", "DIALECT", "2"); got != "*2\r\n:1\r\n*2\r\n$1\r\nc\r\n$2\r\n10\r\n" {
		t.Errorf("FT.AGGREGATE count over ($lo +inf]: %q", got)
	}
	for _, e := range [][2]string{
		{"@n:[$lo $max]", "-No such parameter `max`\r\n"},
		{"@n:[$lo $hi]", "-Bad upper range: x\r\n"},
		{"@n:[$hi $lo]", "-Bad lower range: x\r\n"},
	} {
		if got := same("FT.SEARCH", "idx", e[0], "PARAMS", "4", "lo", "1", "hi", "x", "DIALECT", "2"); got != e[1] {
			t.Errorf("%s: %q", e[0], got)
		}
	}
}
