// Package proxy is vcache's single client endpoint. It speaks RESP2 to
// clients (redis-cli, redis-benchmark, go-redis, redis-py) and forwards
// their commands to data nodes, hiding how many there are and where each
// key lives. Client commands are read with internal/resp's CommandReader
// (redcon's reader allocates three times per command, a third of the
// proxy's CPU at -P 16); forwarded commands travel as the raw bytes the
// client sent, re-encoded only when a multi-key command is split.
//
// What it owns:
//   - client sessions: AUTH, HELLO, CLIENT, COMMAND, SELECT, PING, ECHO,
//     QUIT and INFO are answered here (session.go, local.go, client.go,
//     introspect.go, info.go);
//   - ACL users (internal/acl, as on the nodes): AUTH user pass, the ACL
//     command, an ACL file, and the check of every command and key before
//     it is answered or routed, so a denied one never reaches a node
//     (acl.go);
//   - routing by hash slot with the shared command table, through a
//     Router that says which node serves a slot (router.go); how each
//     command is served is its spec's Proxy route, and the handlers a
//     route needs (proxyName) are bound by go generate (table.go,
//     handlers_gen.go);
//   - a small pool of long-lived pipelined connections per node, onto
//     which requests of many clients are coalesced (backend.go, conn.go);
//   - splitting multi-key commands, fanning out keyless ones and merging
//     replies, FT.SEARCH's scatter-gather included (multikey.go, fanout.go,
//     search.go, search_parse.go, search_admin.go);
//   - MULTI/EXEC and WATCH within one slot (multi.go), and across nodes
//     (multi_nodes.go, multi_split.go; multi-key commands the proxy
//     computes inside them: multi_compute.go);
//   - blocking commands on per-node pools of dedicated connections, and
//     CLIENT UNBLOCK (blocking.go, unblock.go);
//   - pub/sub: one subscription per channel on the nodes for all clients,
//     fanned out to each subscriber's bounded outbox (pubsub_hub.go,
//     pubsub_client.go, internal/outbox);
//   - set and sorted-set operations across nodes, gathered and combined
//     here (setgather.go, zsetgather.go);
//   - retries on MOVED, ASK, TRYAGAIN, LOADING and lost connections within
//     a deadline (retry.go), and its own metrics (metrics.go).
//
// Each client connection is served by one goroutine that takes the whole
// pipeline the client has sent (a round), submits it, waits for the
// replies and writes them in order; it reads nothing more until they are
// written, so a client that stops reading holds at most one round. Each
// backend connection has one reader goroutine; the write is done by a
// submitting session, for every session that queued commands meanwhile.
// Nothing else runs per request. Besides, Serve runs a map watcher, a
// refresher and a watchdog that closes connections to nodes that stop
// answering.
package proxy
