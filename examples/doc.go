// Package examples holds small programs that use vcache as any Redis
// client would, with go-redis: examples/rag stores document chunks with
// their embeddings and finds the nearest ones; examples/semcache caches
// LLM answers by the meaning of the question. Each has a test that runs it
// against a real node.
package examples
