package proxy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// The INFO fields that are about the data add up over the nodes: memory
// used and allowed, and the keyspace's hits, misses, expiries and
// evictions. Fields about clients (connections, commands received) stay
// the proxy's own, since clients connect to it.

// nodeSums are, per section, the node fields INFO through the proxy adds
// up, in the order it writes them. A memory field is followed by its
// _human form. Resident set sizes are left out: nodes may share a process
// (vcache dev), and adding those up would count it once per node.
var nodeSums = map[string][]string{
	"memory": {"used_memory", "used_memory_peak", "maxmemory"},
	"stats": {"instantaneous_ops_per_sec", "total_net_input_bytes", "total_net_output_bytes",
		"expired_keys", "evicted_keys", "keyspace_hits", "keyspace_misses"},
}

// nodeFirst are, per section, the node fields INFO shows as the first
// node that has them says.
var nodeFirst = map[string][]string{"memory": {"maxmemory_policy"}}

// nodeSections returns the sections of sections that need the nodes'
// INFO.
func nodeSections(sections []string) []string {
	var out []string
	for _, sec := range sections {
		if sec == "keyspace" || nodeSums[sec] != nil {
			out = append(out, sec)
		}
	}
	return out
}

// nodeFields returns every "name:value" field of the nodes' INFO
// replies, one map per node that answered.
func (s *session) nodeFields(calls []*call) []map[string]string {
	var out []map[string]string
	for _, c := range calls {
		s.settle(c)
		v, _, err := resp.Parse(c.reply)
		if err != nil || v.Kind != resp.BulkString {
			continue
		}
		f := map[string]string{}
		for _, line := range strings.Split(string(v.Str), "\n") {
			if k, val, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && !strings.HasPrefix(k, "#") {
				f[k] = val
			}
		}
		out = append(out, f)
	}
	return out
}

// writeNodeSums writes section's summed and first-node fields; fields no
// node has are left out.
func (s *session) writeNodeSums(b *strings.Builder, section string, calls []*call) {
	nodes := s.nodeFields(calls)
	for _, k := range nodeSums[section] {
		var sum int64
		seen := false
		for _, f := range nodes {
			if n, err := strconv.ParseInt(f[k], 10, 64); err == nil {
				sum += n
				seen = true
			}
		}
		if !seen {
			continue
		}
		fmt.Fprintf(b, "%s:%d\r\n", k, sum)
		if section == "memory" {
			fmt.Fprintf(b, "%s_human:%s\r\n", k, humanBytes(sum))
		}
	}
	for _, k := range nodeFirst[section] {
		for _, f := range nodes {
			if v, ok := f[k]; ok {
				fmt.Fprintf(b, "%s:%s\r\n", k, v)
				break
			}
		}
	}
}

// humanBytes renders n bytes as Redis's INFO does (1.50M).
func humanBytes(n int64) string {
	f := float64(n)
	for _, u := range []struct {
		unit string
		size float64
	}{{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if f >= u.size {
			return fmt.Sprintf("%.2f%s", f/u.size, u.unit)
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// writeOneNodeSection writes the replication and cluster sections as the
// one node of a one-node cluster answers them: a primary with no
// replicas (the shards' replicas behind the proxy are not the client's
// business), in a cluster.
func (p *Proxy) writeOneNodeSection(b *strings.Builder, section string) {
	kv := func(k string, v any) { fmt.Fprintf(b, "%s:%v\r\n", k, v) }
	switch section {
	case "replication":
		kv("role", "master")
		kv("connected_slaves", 0)
		kv("master_failover_state", "no-failover")
		kv("master_replid", p.nodeID)
		kv("master_replid2", strings.Repeat("0", 40))
		kv("master_repl_offset", 0)
		kv("second_repl_offset", -1)
		kv("repl_backlog_active", 0)
	case "cluster":
		kv("cluster_enabled", 1)
	}
}
