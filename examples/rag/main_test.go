package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vcache/vcache/node/nodetest"
)

func TestRAGExample(t *testing.T) {
	rdb := nodetest.Client(t)
	for range 2 { // a second run finds the index and rewrites the chunks
		var out bytes.Buffer
		if err := run(context.Background(), rdb, &out); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], prefix+"cats:0") || !strings.HasPrefix(lines[1], prefix+"dogs:0") {
			t.Fatalf("output:\n%s\nwant %[2]scats:0 then %[2]sdogs:0", out.String(), prefix)
		}
	}
	ctx := context.Background()
	if n := rdb.Exists(ctx, prefix+"cats:0", prefix+"rain:0").Val(); n != 2 {
		t.Errorf("%d of the chunk hashes exist, want 2", n)
	}
	// Unless -keep, the example leaves nothing behind: the README's own
	// index and prefix (docs, doc:) stay free.
	if err := cleanup(ctx, rdb); err != nil {
		t.Fatal(err)
	}
	if n := rdb.Exists(ctx, prefix+"cats:0", prefix+"rain:0").Val(); n != 0 {
		t.Errorf("%d chunk hashes left after cleanup", n)
	}
	if err := rdb.Do(ctx, "FT.INFO", index).Err(); err == nil {
		t.Error("the index is still there after cleanup")
	}
	if err := cleanup(ctx, rdb); err != nil {
		t.Errorf("a second cleanup (no index) = %v", err)
	}
}
