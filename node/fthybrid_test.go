package node

import (
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestFTHybridFusion: FT.HYBRID's fused order and scores are RRF's and
// LINEAR's over the text list and the exact vector list (KNN, RANGE,
// FILTER, WINDOW, CONSTANT, ALPHA/BETA, both metrics).
func TestFTHybridFusion(t *testing.T) {
	tn := startNode(t, nil)
	testutil.LoadFTHybrid(t, tn.client2(t), "hy", "hy")
	testutil.CheckFTHybridFusion(t, tn.addr, "hy", "hy")
}

// TestFTHybridOptionsAndErrors: LOAD, SORTBY, YIELD_SCORE_AS, an inline
// vector, RESP3, and the errors for bad arguments, on a node.
func TestFTHybridOptionsAndErrors(t *testing.T) {
	tn := startNode(t, nil)
	testutil.LoadFTHybrid(t, tn.client2(t), "hy", "hy")
	testutil.CheckFTHybridOptions(t, tn.addr, "hy", "hy")
	testutil.CheckFTHybridErrors(t, tn.addr, "hy")
}

// TestFTHybridPipeline: the post-fusion APPLY, FILTER, GROUPBY/REDUCE,
// SORTBY and LIMIT, EXPLAINSCORE and WITHCURSOR with FT.CURSOR READ/DEL,
// on a node.
func TestFTHybridPipeline(t *testing.T) {
	tn := startNode(t, nil)
	testutil.LoadFTHybrid(t, tn.client2(t), "hy", "hy")
	testutil.CheckFTHybridPipeline(t, tn.addr, "hy", "hy")
}

// TestFTHybridExpand: FORMAT EXPAND over a JSON index, and its refusals.
func TestFTHybridExpand(t *testing.T) {
	tn := startNode(t, nil)
	testutil.LoadFTHybrid(t, tn.client2(t), "hy", "hy")
	testutil.CheckFTHybridExpand(t, tn.addr, "hx", "hx", "hy")
}

// TestFTProfileHybrid: FT.PROFILE HYBRID's reply (FT.HYBRID's, then the
// SEARCH and VSIM subqueries' profiles and the fusion's), RESP2 and
// RESP3, and its errors, on a node.
func TestFTProfileHybrid(t *testing.T) {
	tn := startNode(t, nil)
	testutil.LoadFTHybrid(t, tn.client2(t), "hy", "hy")
	testutil.CheckFTHybridProfile(t, tn.addr, "hy", 1, false)
}
