package proxy

import "github.com/vcache/vcache/internal/resp"

// proxyRole answers ROLE for the proxy: ["master", 0, []]. A client of the
// proxy reads and writes every shard through it, as through a master; it
// has no replication stream of its own (offset 0), and the nodes'
// replicas are reached through it, never beside it (ROLE on a node shows
// a shard's real replication).
func proxyRole(s *session, _ [][]byte) {
	s.local = resp.AppendArray(s.local, 3)
	s.local = resp.AppendBulk(s.local, "master")
	s.local = resp.AppendInt(s.local, 0)
	s.local = resp.AppendArray(s.local, 0)
}
