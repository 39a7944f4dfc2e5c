package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
	"github.com/vcache/vcache/node/nodetest"
)

func TestSemanticCacheHitsParaphrasesAndExpires(t *testing.T) {
	rdb := nodetest.Client(t)
	ctx := context.Background()
	c := &Cache{rdb: rdb, TTL: time.Hour, MaxDistance: 0.15}
	var out bytes.Buffer
	err := run(ctx, c, []string{
		"What is the capital of France?",
		"what is the capital city of France", // a paraphrase: hit
		"What is the capital of Spain?",      // near in words, but past the threshold: miss
		"How tall is Mount Everest?",
		"How tall is the Mount Everest?", // hit
	}, &out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"miss", "hit", "miss", "miss", "hit"}
	answers := []string{"Paris.", "Paris.", "Madrid.", "8,849 metres.", "8,849 metres."}
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s", out.String())
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, want[i]) || !strings.HasSuffix(l, answers[i]) {
			t.Errorf("line %d = %q, want a %s answering %s", i, l, want[i], answers[i])
		}
	}
	if c.LLMCalls != 3 {
		t.Errorf("the LLM was asked %d times, want 3", c.LLMCalls)
	}
	keys, err := rdb.Keys(ctx, "semcache:*").Result()
	if err != nil || len(keys) != 3 {
		t.Fatalf("cached answers: %v (%v), want 3", keys, err)
	}
	if ttl := rdb.TTL(ctx, keys[0]).Val(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("TTL of %s = %v, want up to an hour", keys[0], ttl)
	}

	// An answer cached for a second is gone once it expires.
	short := &Cache{rdb: rdb, TTL: time.Second, MaxDistance: 0.15}
	q := "Which river flows through Paris?"
	if _, hit, _, err := short.Ask(ctx, q); err != nil || hit {
		t.Fatalf("first ask: hit %v, err %v", hit, err)
	}
	if _, hit, _, err := short.Ask(ctx, q); err != nil || !hit {
		t.Fatalf("second ask: hit %v, err %v; want a hit", hit, err)
	}
	testutil.WaitFor(t, 10*time.Second, func() bool {
		_, _, hit, err := short.lookup(ctx, embed(q))
		if err != nil {
			t.Fatal(err)
		}
		return !hit
	}, "the cached answer to be gone after its 1s TTL")
}
