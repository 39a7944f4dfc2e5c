// Package node is vcache's data node: a RESP2 server (redcon) whose command
// table (internal/command) dispatches to handlers over the cache keyspace
// and, later, the vector indexes and the cluster.
//
// A Node is made with New, serves a net.Listener with Serve and stops with
// Shutdown (or the SHUTDOWN command). Every connection runs on its own
// goroutine; a panicking handler is logged and closes only its connection.
package node
