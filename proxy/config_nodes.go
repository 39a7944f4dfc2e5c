package proxy

import (
	"sort"
	"strings"
	"sync"

	"github.com/vcache/vcache/internal/glob"
	"github.com/vcache/vcache/internal/resp"
)

// The nodes' own parameters through the proxy. Some of a node's
// parameters are the service's, the same on every node: which keyspace
// events are published, the eviction policy, the slow log's threshold,
// the representation thresholds of the data types. Applications set them
// through the one endpoint they know (Spring Session and Redisson turn
// notify-keyspace-events on at start; test set-ups switch encodings), so
// CONFIG GET reads them from a node and CONFIG SET sends them to every
// node. The proxy remembers what it set and sets it again on every
// connection it opens to a node, so a node that joins later, restarts, or
// is promoted from replica to primary gets it too. Nothing else of a
// node's configuration is shown: its password, address and directory stay
// the node's (configcmd.go).

// nodeParams are the node parameters CONFIG SET through the proxy sends
// to every node; nodeReadOnly those CONFIG GET also reads from a node
// but CONFIG SET refuses (each node's own value).
var (
	nodeParams = map[string]bool{
		"notify-keyspace-events": true, "maxmemory-policy": true, "maxmemory-samples": true,
		"slowlog-log-slower-than": true, "slowlog-max-len": true,
		"busy-reply-threshold": true, "lua-time-limit": true,
		"hll-sparse-max-bytes": true, "stream-node-max-bytes": true, "stream-node-max-entries": true,
		"set-max-intset-entries": true, "set-max-listpack-entries": true, "set-max-listpack-value": true,
		"list-max-listpack-size": true, "list-max-ziplist-size": true, "list-compress-depth": true,
		"hash-max-listpack-entries": true, "hash-max-listpack-value": true,
		"hash-max-ziplist-entries": true, "hash-max-ziplist-value": true,
		"zset-max-listpack-entries": true, "zset-max-listpack-value": true,
		"zset-max-ziplist-entries": true, "zset-max-ziplist-value": true,
		"tracking-table-max-keys": true,
	}
	nodeReadOnly = map[string]bool{"maxmemory": true}
)

// nodeConfig is what CONFIG SET through this proxy has set on the nodes,
// in the order it was set (a later value of a name replaces the earlier).
type nodeConfig struct {
	mu    sync.Mutex
	names []string
	vals  map[string]string
}

// remember records pairs (name, value, name, value...) as set.
func (c *nodeConfig) remember(pairs []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.vals == nil {
		c.vals = map[string]string{}
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if _, ok := c.vals[pairs[i]]; !ok {
			c.names = append(c.names, pairs[i])
		}
		c.vals[pairs[i]] = pairs[i+1]
	}
}

// command returns CONFIG SET of everything remembered, nil if nothing is.
func (c *nodeConfig) command() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.names) == 0 {
		return nil
	}
	cmd := []string{"CONFIG", "SET"}
	for _, n := range c.names {
		cmd = append(cmd, n, c.vals[n])
	}
	return cmd
}

// isNodeParam reports whether name (lower case) is read from the nodes.
func isNodeParam(name string) bool { return nodeParams[name] || nodeReadOnly[name] }

// proxyConfig is CONFIG through the proxy: GET and SET may need the
// nodes; the other subcommands are the proxy's alone.
func proxyConfig(s *session, cmd resp.Command) (merger, string) {
	args := cmd.Args
	switch strings.ToLower(string(args[1])) {
	case "get":
		if len(args) < 3 {
			return nil, arityError("config|get")
		}
		return s.configGetNodes(args[2:]), ""
	case "set":
		if len(args) < 4 || len(args)%2 != 0 {
			return nil, arityError("config|set")
		}
		return s.configSetNodes(args[2:])
	}
	lo := len(s.local)
	cmdConfig(s, args)
	reply := append([]byte(nil), s.local[lo:]...)
	s.local = s.local[:lo]
	return rawReply(reply), ""
}

// rawReply is a reply the proxy already has.
type rawReply []byte

func (r rawReply) merge(_ *session, dst []byte) []byte { return append(dst, r...) }

// configGetMerge answers CONFIG GET: the proxy's own parameters matching
// the patterns and, from one node, the node parameters matching them.
type configGetMerge struct {
	patterns []string
	node     *call // nil when no node serves
}

func (s *session) configGetNodes(patterns [][]byte) merger {
	m := &configGetMerge{}
	for _, p := range patterns {
		m.patterns = append(m.patterns, strings.ToLower(string(p)))
	}
	wants := false
	for _, p := range m.patterns {
		for name := range nodeParams {
			wants = wants || glob.Match(p, name)
		}
		for name := range nodeReadOnly {
			wants = wants || glob.Match(p, name)
		}
	}
	if nodes := s.p.routes.Load().nodes; wants && len(nodes) > 0 {
		req := resp.AppendCommand(nil, append([]string{"CONFIG", "GET"}, m.patterns...)...)
		m.node = s.newCall(req)
		s.targetNode(m.node, nodes[0])
	}
	return m
}

func (m *configGetMerge) merge(s *session, dst []byte) []byte {
	vals := map[string]string{}
	for _, pat := range m.patterns {
		for _, name := range configNames {
			if glob.Match(pat, name) {
				vals[name] = configParams[name].get(s.p)
			}
		}
	}
	if m.node != nil {
		s.settle(m.node)
		v, _, err := resp.Parse(m.node.reply)
		if err == nil && v.Kind == resp.Error {
			return append(dst, m.node.reply...)
		}
		if err == nil {
			for i := 0; i+1 < len(v.Elems); i += 2 {
				name := strings.ToLower(string(v.Elems[i].Str))
				if _, own := configParams[name]; isNodeParam(name) && !own {
					vals[name] = string(v.Elems[i+1].Str)
				}
			}
		}
	}
	names := make([]string, 0, len(vals))
	for name := range vals {
		names = append(names, name)
	}
	sort.Strings(names)
	if s.resp3.Load() {
		dst = resp.AppendMap(dst, len(names))
	} else {
		dst = resp.AppendArray(dst, 2*len(names))
	}
	for _, name := range names {
		dst = resp.AppendBulk(dst, name)
		dst = resp.AppendBulk(dst, vals[name])
	}
	return dst
}

// configSetMerge answers CONFIG SET once every node has taken the node
// parameters (all or nothing on the proxy's side: a node's refusal is the
// reply and the proxy's own parameters stay as they were).
type configSetMerge struct {
	calls  []*call
	own    [][]byte // the proxy's own pairs, applied after the nodes agree
	remote []string // the node pairs, remembered once applied
}

func (s *session) configSetNodes(pairs [][]byte) (merger, string) {
	m := &configSetMerge{}
	for i := 0; i < len(pairs); i += 2 {
		name := strings.ToLower(string(pairs[i]))
		switch {
		case nodeReadOnly[name]:
			return nil, "ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config"
		case nodeParams[name]:
			m.remote = append(m.remote, name, string(pairs[i+1]))
		default:
			m.own = append(m.own, pairs[i], pairs[i+1])
		}
	}
	if len(m.own) > 0 {
		// Checked first so that a refused proxy parameter sends nothing.
		if msg := s.p.configCheck(m.own); msg != "" {
			return nil, msg
		}
	}
	if len(m.remote) > 0 {
		for i := 0; i < len(m.remote); i += 2 {
			if nodeDup(m.remote[:i], m.remote[i]) {
				return nil, "ERR CONFIG SET failed (possibly related to argument '" + m.remote[i] + "') - duplicate parameter"
			}
		}
		req := resp.AppendCommand(nil, append([]string{"CONFIG", "SET"}, m.remote...)...)
		m.calls = s.fanout(req)
		if len(m.calls) == 0 {
			return nil, msgNoNodes
		}
	}
	return m, ""
}

// nodeDup reports whether name is among the names of pairs.
func nodeDup(pairs []string, name string) bool {
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i] == name {
			return true
		}
	}
	return false
}

func (m *configSetMerge) merge(s *session, dst []byte) []byte {
	if len(m.calls) > 0 {
		if _, errReply := s.settleAll(m.calls); errReply != nil {
			return append(dst, errReply...)
		}
		s.p.nodeCfg.remember(m.remote)
		s.p.setOnReplicas()
	}
	if len(m.own) > 0 {
		if msg := s.p.configSet(m.own); msg != "" {
			return resp.AppendError(dst, msg)
		}
	}
	return resp.AppendSimple(dst, "OK")
}

// MemberRouter is implemented by routers that know every data node,
// replicas and nodes serving no slot included.
type MemberRouter interface {
	// DataAddrs returns the RESP address of every data node.
	DataAddrs() []string
}

// setOnReplicas sends the remembered node parameters, in the background,
// to the data nodes that serve no slot (replicas, spares): the proxy has
// no connection to them until they serve, and then its connections set
// them again (dialBackend).
func (p *Proxy) setOnReplicas() {
	mr, ok := p.router.(MemberRouter)
	cmd := p.nodeCfg.command()
	if !ok || cmd == nil {
		return
	}
	serving := map[string]bool{}
	for _, a := range p.router.Addrs() {
		serving[a] = true
	}
	for _, addr := range mr.DataAddrs() {
		if serving[addr] {
			continue
		}
		p.mu.Lock()
		closing := p.closing
		if !closing {
			p.wg.Add(1)
		}
		p.mu.Unlock()
		if closing {
			return
		}
		go func() {
			defer p.wg.Done()
			nc, err := p.dialBackend(addr) // sets them on connect
			if err != nil {
				p.log.Debug("config: a node not serving slots is unreachable", "addr", addr, "err", err)
				return
			}
			nc.Close()
		}()
	}
}
