// Package vset implements Redis 8 vector sets: a key holding named
// elements with vectors (compared by cosine similarity through an HNSW
// index) and optional JSON attributes, searched with VSIM and filtered by
// expressions such as `.year > 1950 and .genre == "drama"`.
//
// The package knows nothing of the keyspace or the network; the node
// stores a *Set as a custom value and calls its methods.
package vset
