// Package vector holds vcache's vector indexes: HNSW (graph), IVFFLAT
// (k-means lists) and FLAT (exact), behind one Index interface, with the
// distance kernels they share.
//
// Distances are reported as RediSearch reports scores: L2 is the squared
// Euclidean distance, IP is 1 - dot product, COSINE is 1 - cosine
// similarity (vectors are stored normalised and compared by dot product).
// Every engine allows any number of concurrent searches together with
// inserts and removals.
package vector
