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
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "doc:cats:0") || !strings.HasPrefix(lines[1], "doc:dogs:0") {
			t.Fatalf("output:\n%s\nwant doc:cats:0 then doc:dogs:0", out.String())
		}
	}
	if n := rdb.Exists(context.Background(), "doc:cats:0", "doc:rain:0").Val(); n != 2 {
		t.Errorf("%d of the chunk hashes exist, want 2", n)
	}
}
