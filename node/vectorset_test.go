package node

import (
	"context"
	"fmt"
	"testing"
)

func TestVectorSetSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client(t)
	ctx := context.Background()
	for i := 0; i < 300; i++ {
		err := c.Do(ctx, "VADD", "vs", "VALUES", "3", i%7, i%11, i%13, fmt.Sprintf("e%d", i), "SETATTR", fmt.Sprintf(`{"i": %d}`, i)).Err()
		if err != nil {
			t.Fatal(err)
		}
	}
	before, err := c.Do(ctx, "VSIM", "vs", "ELE", "e5", "COUNT", "5", "FILTER", ".i < 100").StringSlice()
	if err != nil || len(before) != 5 {
		t.Fatalf("VSIM before restart: %v %v", before, err)
	}
	tn.stop()
	tn2 := startNode(t, func(c *Config) { c.Dir = dir })
	c2 := tn2.client(t)
	after, err := c2.Do(ctx, "VSIM", "vs", "ELE", "e5", "COUNT", "5", "FILTER", ".i < 100").StringSlice()
	if err != nil || fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("VSIM after restart %v (%v), before %v", after, err, before)
	}
	if n := c2.Do(ctx, "VCARD", "vs").Val(); n != int64(300) {
		t.Fatalf("VCARD after restart = %v", n)
	}
}
