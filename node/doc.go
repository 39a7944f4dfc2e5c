// Package node is vcache's data node: a RESP server over the cache
// keyspace (cache), the vector indexes (vector) and, in a cluster, the
// shard map (cluster).
//
// Requests are read by vcache's own RESP reader (internal/resp) and
// replies written with redcon's writer. Connections are served by event
// loops on Linux (loop_linux.go: a few goroutines, each over an epoll
// set, as many serving as the load keeps busy) and by a goroutine each
// for TLS, on other platforms, in a goroutines serving mode
// (internal/serving: vcache dev's shared group picks it), and for
// commands flagged OffLoop, after which the connection goes back to a
// loop (loop_return_linux.go); a script whose bytecode proves that it
// ends quickly runs on the loop all the same (scripting_loop.go). Every command goes through one dispatcher
// (dispatch.go) that checks it against the shared command table
// (internal/command: arity, auth, ACL, routing, OOM) before its handler
// runs; the connection commands are internal/front's, shared with the
// proxy. A panicking handler is logged and closes only its connection.
//
// A Node is made with New, serves a net.Listener with Serve and stops with
// Shutdown (or the SHUTDOWN command).
package node
