package main

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestFTHybridThroughTheProxy: vcache dev's proxy runs FT.HYBRID over
// three shards — each list merged over every shard before the fusion —
// and its fused order and scores are RRF's and LINEAR's over the global
// text list and the exact vector list, as a single node's.
func TestFTHybridThroughTheProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1})
	defer c.Close()
	testutil.LoadFTHybrid(t, c, "phy", "phy")
	testutil.CheckFTHybridFusion(t, addr, "phy", "phy")
}

// TestFTHybridOptionsThroughTheProxy: LOAD, SORTBY, YIELD_SCORE_AS, an
// inline vector, RESP3 and the argument errors through the proxy, as on a
// node.
func TestFTHybridOptionsThroughTheProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1})
	defer c.Close()
	testutil.LoadFTHybrid(t, c, "pho", "pho")
	testutil.CheckFTHybridOptions(t, addr, "pho", "pho")
	testutil.CheckFTHybridErrors(t, addr, "pho")
}

// TestFTHybridPipelineThroughTheProxy: the post-fusion pipeline runs at
// the proxy over the fused list, EXPLAINSCORE carries each shard's text
// explanation, and WITHCURSOR's cursors are the proxy's, as on a node.
func TestFTHybridPipelineThroughTheProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1})
	defer c.Close()
	testutil.LoadFTHybrid(t, c, "ppl", "ppl")
	testutil.CheckFTHybridPipeline(t, addr, "ppl", "ppl")
}

// TestFTHybridExpandThroughTheProxy: FORMAT EXPAND over a JSON index
// through the proxy, as on a node.
func TestFTHybridExpandThroughTheProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1})
	defer c.Close()
	testutil.LoadFTHybrid(t, c, "pxh", "pxh")
	testutil.CheckFTHybridExpand(t, addr, "pxj", "pxj", "pxh")
}

// TestFTProfileHybridThroughTheProxy: FT.PROFILE HYBRID through the proxy
// over three nodes: FT.HYBRID's reply, each shard's SEARCH and VSIM
// profiles under its Shard ID, and the proxy's merge and fusion as the
// Coordinator, RESP2 and RESP3, and the errors, as RediSearch's cluster.
func TestFTProfileHybridThroughTheProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1})
	defer c.Close()
	testutil.LoadFTHybrid(t, c, "pph", "pph")
	testutil.CheckFTHybridProfile(t, addr, "pph", 3, true)
}
