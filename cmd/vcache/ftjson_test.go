package main

import (
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestFTJSONReturnThroughProxy: RETURN of any JSONPath, DIALECT 3 and
// FORMAT EXPAND answer through the proxy over three nodes as one node
// answers them (testutil.CheckFTJSONReturn, which node's tests run on a
// node).
func TestFTJSONReturnThroughProxy(t *testing.T) {
	testutil.CheckFTJSONReturn(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)), "fj")
}

// TestFTJSONGeoArraysThroughProxy: JSON GEO fields with arrays of points
// through the proxy over three nodes (testutil.CheckFTJSONGeo).
func TestFTJSONGeoArraysThroughProxy(t *testing.T) {
	testutil.CheckFTJSONGeo(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)), "geo")
}

// TestFTProfileLimitedThroughProxy: FT.PROFILE SEARCH [LIMITED] through
// the proxy over three nodes: each shard's profile in LIMITED form
// (testutil.CheckFTProfileLimited).
func TestFTProfileLimitedThroughProxy(t *testing.T) {
	testutil.CheckFTProfileLimited(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)), "prof")
}

// TestFTJSONCursorExpandThroughProxy: the proxy's cursors of FT.AGGREGATE
// FORMAT EXPAND WITHCURSOR over three nodes read in the first batch's
// expanded shape (testutil.CheckFTJSONCursorExpand).
func TestFTJSONCursorExpandThroughProxy(t *testing.T) {
	testutil.CheckFTJSONCursorExpand(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)), "fc")
}

// TestFTExpandDialectThroughProxy: FORMAT EXPAND through the proxy over
// three nodes reads the query in the client's dialect, as a node does
// (testutil.CheckFTExpandDialect): the shards are asked for every match
// without their dialect being raised to 3.
func TestFTExpandDialectThroughProxy(t *testing.T) {
	testutil.CheckFTExpandDialect(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)), "fd")
}
