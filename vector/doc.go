// Package vector holds vcache's vector indexes: HNSW (graph), IVFFLAT
// (k-means lists) and FLAT (exact), behind one Index interface, with the
// distance kernels they share.
//
// Distances are reported as RediSearch reports scores: L2 is the squared
// Euclidean distance, IP is 1 - dot product, COSINE is 1 - cosine
// similarity (vectors are stored normalised and compared by dot product).
// An HNSW index with the COSINE metric may store its vectors quantised
// (Params.Quant), as Redis 8 vector sets do: int8 codes with a per-vector
// scale, compared by an int8 dot product, or sign bits compared by Hamming
// distance.
//
// Every engine allows any number of concurrent searches together with
// inserts and removals.
package vector
