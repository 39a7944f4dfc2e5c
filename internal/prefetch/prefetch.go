// Package prefetch asks the CPU to start loading memory that is about to
// be read, so that several cache misses overlap instead of following one
// another: the HNSW search prefetches the next neighbour's vector while it
// measures the current one (as hnswlib does), and the node prefetches the
// keys of a pipeline before it runs it.
package prefetch
