package node

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestPFDebugGetReg reads a sketch's registers with PFDEBUG GETREG: 16384
// of them, as many set as DECODE's VAL opcodes cover, the sketch is dense
// afterwards (TODENSE then has nothing to do) and counts the same.
func TestPFDebugGetReg(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	pfAddRange(t, c, "h", "e", 50)
	before := c.PFCount(ctx, "h").Val()
	if enc := c.Do(ctx, "PFDEBUG", "ENCODING", "h").Val(); enc != "sparse" {
		t.Fatalf("50 elements: encoding %v, want sparse", enc)
	}
	dec, err := c.Do(ctx, "PFDEBUG", "DECODE", "h").Text()
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, r := range sparseRegs(t, dec) {
		if r != 0 {
			want++
		}
	}
	regs, err := c.Do(ctx, "PFDEBUG", "GETREG", "h").Int64Slice()
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 16384 {
		t.Fatalf("GETREG returned %d registers", len(regs))
	}
	set := 0
	for _, r := range regs {
		if r < 0 || r > 51 {
			t.Fatalf("register value %d", r)
		}
		if r != 0 {
			set++
		}
	}
	if set != want || set == 0 {
		t.Fatalf("GETREG has %d registers set, DECODE said %d", set, want)
	}
	if enc := c.Do(ctx, "PFDEBUG", "ENCODING", "h").Val(); enc != "dense" {
		t.Fatalf("after GETREG: encoding %v, want dense", enc)
	}
	if n := c.Do(ctx, "PFDEBUG", "TODENSE", "h").Val(); n != int64(0) {
		t.Fatalf("TODENSE of a dense sketch = %v", n)
	}
	if n := c.StrLen(ctx, "h").Val(); n != 12304 {
		t.Fatalf("dense sketch is %d bytes", n)
	}
	if after := c.PFCount(ctx, "h").Val(); after != before {
		t.Fatalf("PFCOUNT %d before GETREG, %d after", before, after)
	}
	if err := c.Do(ctx, "PFSELFTEST").Err(); err != nil {
		t.Fatal(err)
	}
}

// sparseRegs expands PFDEBUG DECODE's opcodes (z:N, Z:N, v:VAL,N) into
// register values.
func sparseRegs(t *testing.T, text string) []int {
	t.Helper()
	var regs []int
	for _, op := range strings.Fields(text) {
		val, n := 0, 0
		var err error
		switch {
		case strings.HasPrefix(op, "v:"):
			_, err = fmt.Sscanf(op, "v:%d,%d", &val, &n)
		case strings.HasPrefix(op, "z:"), strings.HasPrefix(op, "Z:"):
			_, err = fmt.Sscanf(op[2:], "%d", &n)
		default:
			t.Fatalf("unknown opcode %q", op)
		}
		if err != nil || n < 1 {
			t.Fatalf("bad opcode %q: %v", op, err)
		}
		for range n {
			regs = append(regs, val)
		}
	}
	if len(regs) != 16384 {
		t.Fatalf("DECODE covers %d registers", len(regs))
	}
	return regs
}
