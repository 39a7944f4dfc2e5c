// Package rag is vcache's retrieval-augmented-generation demo: it splits
// documents into chunks, embeds them, stores each chunk as a hash with its
// vector in vcache, and answers a question with the nearest chunks.
//
// It talks to vcache only as a Redis client (go-redis, FT.CREATE, HSET,
// FT.SEARCH ... KNN), exactly as a RAG application would, so it works the
// same against one node, the proxy in front of a cluster, or any server
// that speaks the RediSearch dialect.
//
// Embedders sit behind the Embedder interface: GloVe (SIF-weighted average
// of word vectors, offline), any OpenAI-compatible /v1/embeddings endpoint,
// and the vectors shipped with a fixture (real model embeddings stored next
// to their text).
package rag
