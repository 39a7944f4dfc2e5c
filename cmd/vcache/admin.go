package main

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/admin"
	"github.com/vcache/vcache/node"
	"github.com/vcache/vcache/proxy"
)

// startAdmin serves /metrics, /status.json and the status page on addr
// until ctx ends; it returns the address it listens on ("" when addr is
// empty).
func startAdmin(ctx context.Context, addr string, cfg admin.Config, errc chan<- error) (string, error) {
	if addr == "" {
		return "", nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("--admin-addr: %w", err)
	}
	go func() {
		if err := admin.New(cfg).Serve(ctx, ln); err != nil && errc != nil {
			errc <- err
		}
	}()
	return ln.Addr().String(), nil
}

// proxyStatus is what a proxy's /status.json shows.
type proxyStatus struct {
	Role    string        `json:"role"`
	Addr    string        `json:"addr"`
	Clients int           `json:"clients"`
	Nodes   []string      `json:"nodes"`
	Cluster *cluster.View `json:"cluster,omitempty"`
}

// proxyAdmin is the admin endpoint of a proxy; member is its gossip
// member, nil with a static --backend list.
func proxyAdmin(p *proxy.Proxy, addr string, router proxy.Router, member *cluster.Cluster) admin.Config {
	return admin.Config{
		Metrics: func(w io.Writer) error { return p.WritePrometheus(w) },
		Status: func() any {
			st := proxyStatus{Role: "proxy", Addr: addr, Clients: p.Metrics().Clients, Nodes: router.Addrs()}
			if member != nil {
				v := member.View(20)
				st.Cluster = &v
			}
			return st
		},
	}
}

// nodeAdmin is the admin endpoint of a data node.
func nodeAdmin(n *node.Node) admin.Config {
	return admin.Config{
		Metrics: n.WritePrometheus,
		Status:  func() any { return n.Status() },
	}
}

// devAdmin is vcache dev's admin endpoint: the proxy's, with every data
// node's series on /metrics too, told apart by a node label.
func devAdmin(p *proxy.Proxy, addr string, member *cluster.Cluster, nodes []labeled) admin.Config {
	cfg := proxyAdmin(p, addr, member.Router(), member)
	cfg.Metrics = func(w io.Writer) error {
		if err := p.WritePrometheus(w); err != nil {
			return err
		}
		return writeLabeled(w, "node", nodes)
	}
	return cfg
}
