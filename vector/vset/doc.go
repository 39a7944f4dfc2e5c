// Package vset implements Redis 8 vector sets: a key holding named
// elements with vectors (compared by cosine similarity through an HNSW
// index) and optional JSON attributes, searched with VSIM and filtered by
// expressions such as `.year > 1950 and .genre == "drama"`.
//
// As in Redis, a set stores its vectors normalised and quantised as its
// first VADD asked: Q8 (the default) as int8 codes with a per-vector scale,
// NOQUANT as float32, BIN as sign bits (see vector.Quant); VEMB gives back
// the de-quantised vector at its original norm.
//
// The package knows nothing of the keyspace or the network; the node
// stores a *Set as a custom value and calls its methods.
package vset
