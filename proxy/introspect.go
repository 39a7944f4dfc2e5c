package proxy

import (
	"fmt"
	"strings"

	"github.com/vcache/vcache/internal/keyslot"
)

// COMMAND describes the shared command table, as a node does, so that
// redis-cli's hints and clients that inspect commands work; CLUSTER
// answers what makes sense at a single endpoint.

// cmdCluster answers the CLUSTER subcommands that make sense at a single
// endpoint: KEYSLOT, and INFO saying the cluster is fine.
func cmdCluster(s *session, args [][]byte) {
	switch sub := strings.ToLower(string(args[1])); {
	case sub == "keyslot" && len(args) == 3:
		s.Int(int64(keyslot.Of(args[2])))
	case sub == "info" && len(args) == 2:
		rt := s.p.routes.Load()
		served := 0
		for _, b := range rt.slots {
			if b != 0 {
				served++
			}
		}
		state := "ok"
		if served < keyslot.Count {
			state = "fail"
		}
		s.BulkString(fmt.Sprintf("cluster_state:%s\r\ncluster_slots_assigned:%d\r\ncluster_slots_ok:%d\r\ncluster_known_nodes:%d\r\ncluster_size:%d\r\n",
			state, served, served, len(rt.nodes), len(rt.nodes)))
	default:
		s.Error("ERR CLUSTER " + strings.ToUpper(sub) + " is not available through the proxy; it is a single endpoint")
	}
}
