package main

import (
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestFTRESP3MapsThroughTheProxy: vcache dev's proxy merges FT.SEARCH and
// FT.AGGREGATE over three shards and answers a RESP3 client with
// RediSearch's result maps, as a node does.
func TestFTRESP3MapsThroughTheProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	testutil.CheckFTResp3(t, addr, "p3")
}

// TestRESP3NestedMapsThroughTheProxy: XREAD, XINFO, VSIM, FT.INFO and
// FT.SPELLCHECK through vcache dev's proxy answer a RESP3 client with the
// maps a node sends.
func TestRESP3NestedMapsThroughTheProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	testutil.CheckRESP3Maps(t, addr, "p3")
}

// TestFTReplyShapesThroughTheProxy: FT.TAGVALS, FT._LIST, FT.DICTDUMP,
// FT.CONFIG and FT.INFO through vcache dev's proxy answer RediSearch 2.8's
// RESP2 and RESP3 forms, as a node does.
func TestFTReplyShapesThroughTheProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	testutil.CheckFTReplyShapes(t, addr, "ps")
}

// TestFTContainsNeedsSuffixTrieThroughTheProxy: the proxy answers
// RediSearch 2.8's error for a suffix or infix term scoped to a TEXT field
// without WITHSUFFIXTRIE, as a node does.
func TestFTContainsNeedsSuffixTrieThroughTheProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	testutil.CheckFTContainsNoSuffixTrie(t, addr, "pc")
}
