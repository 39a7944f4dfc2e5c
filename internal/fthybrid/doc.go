// Package fthybrid is FT.HYBRID (RediSearch 8.4) as the data node and the
// proxy share it: the argument grammar (Parse), the two FT.SEARCH
// commands a hybrid query runs (the full-text SEARCH and the vector VSIM,
// each cut to its fusion window), the fusion of their ranked lists by
// reciprocal rank (RRF) or by a weighted sum of scores (LINEAR), and the
// reply as RESP2 values, EXPLAINSCORE's explanation and WITHCURSOR's two
// cursors. Running the two searches is the caller's: a node
// runs them over its own index, the proxy over every shard, merging each
// list globally before the fusion. Errors are RediSearch-style texts.
// The post-fusion pipeline (GROUPBY/REDUCE, APPLY, FILTER, SORTBY,
// LIMIT) is FT.AGGREGATE's, from internal/ftargs.
package fthybrid
