package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/proxy"
)

// runProxy runs `vcache proxy`: one endpoint in front of the data nodes,
// until ctx is cancelled.
func runProxy(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("vcache proxy", flag.ContinueOnError)
	fs.SetOutput(stdout)
	def := proxy.DefaultConfig()
	port := fs.String("port", "6380", "TCP port to listen on (0 picks a free one)")
	bind := fs.String("bind", "127.0.0.1", "address to listen on")
	backends := fs.String("backend", "127.0.0.1:6379", "data nodes, host:port,host:port,... (hash slots are split evenly, in order)")
	requirepass := fs.String("requirepass", "", "password clients must AUTH with")
	backendPass := fs.String("backend-password", "", "password the proxy sends to the nodes with AUTH")
	aclFile := fs.String("aclfile", "", "ACL file of the proxy's users (Redis's format: one \"user <name> <rules...>\" per line), loaded at start and by ACL LOAD, written by ACL SAVE")
	var tf tlsFlags
	tf.register(fs, "the nodes (with --backend-tls)")
	backendTLS := fs.Bool("backend-tls", false, "connect to the nodes over TLS (their --tls-cert)")
	maxClients := fs.Int("maxclients", def.MaxClients, "most simultaneous clients")
	fs.IntVar(maxClients, "max-clients", def.MaxClients, "the same as --maxclients (its old name)")
	timeout := fs.Duration("timeout", 0, "close client connections idle this long (0: never)")
	conns := fs.Int("backend-conns", def.ConnsPerBackend, "pipelined connections per node")
	inFlight := fs.Int("batches-in-flight", def.BatchesInFlight, "writes an event loop may have awaiting replies on a node connection; requests arriving meanwhile go together in the next (0: no limit)")
	io := fs.String("io", "auto", ioFlagHelp)
	ioThreads := fs.Int("io-threads", 0, "event loops serving plain TCP clients (0: one per two cores)")
	retry := fs.Duration("retry-deadline", def.RetryDeadline, "how long to retry a command through MOVED, failover or a lost node")
	logLevel := fs.String("loglevel", "info", "log level: debug, info, warn, error")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file until shutdown")
	adminAddr := fs.String("admin-addr", "", "serve /metrics (Prometheus), /status.json and a status page on this host:port (empty: off)")
	readReplicas := fs.Bool("read-from-replicas", false, "with --join: send single-slot reads to a replica (one in --zone first); they may miss a write just acknowledged")
	var cf clusterFlags
	cf.register(fs, false)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--loglevel: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}

	var addrs []string
	var router proxy.Router
	var gossip *cluster.Cluster
	if cf.enabled() {
		// Learn the shard map by gossip, as a member that owns nothing.
		cc, err := cf.config(cluster.RoleProxy, *port)
		if err != nil {
			return err
		}
		member, err := cluster.New(cc, log.With("component", "cluster"))
		if err != nil {
			return err
		}
		if err := member.Start(ctx); err != nil {
			return err
		}
		defer member.Shutdown(context.Background())
		defer member.Leave(context.Background())
		router = member.Router()
		gossip = member
		addrs = []string{"gossip " + cf.join}
	} else {
		for _, a := range strings.Split(*backends, ",") {
			if a = strings.TrimSpace(a); a != "" {
				addrs = append(addrs, a)
			}
		}
		static, err := proxy.NewStaticRouter(addrs)
		if err != nil {
			return fmt.Errorf("--backend: %w", err)
		}
		router = static
	}

	cfg := def
	cfg.RequirePass = *requirepass
	cfg.ACLFile = *aclFile
	cfg.BackendPassword = *backendPass
	cfg.MaxClients = *maxClients
	cfg.IdleTimeout = *timeout
	cfg.ConnsPerBackend = *conns
	cfg.BatchesInFlight = *inFlight
	cfg.Loops = *ioThreads
	mode, err := serving.ParseMode(*io)
	if err != nil {
		return fmt.Errorf("--io: %w", err)
	}
	cfg.Serving = serving.NewGroup(mode, false)
	cfg.RetryDeadline = *retry
	cfg.ReadFromReplicas, cfg.Zone = *readReplicas, cf.zone
	cfg.Version = version
	if cfg.TLS, err = tf.server(); err != nil {
		return err
	}
	if *backendTLS {
		if cfg.BackendTLS, err = tf.client(); err != nil {
			return err
		}
	}

	p, err := proxy.New(cfg, router, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*bind, *port))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "vcache %s proxy listening on %s, nodes %s\n", version, ln.Addr(), strings.Join(addrs, ","))
	done := make(chan error, 2)
	actx, stopAdmin := context.WithCancel(ctx)
	defer stopAdmin()
	if a, err := startAdmin(actx, *adminAddr, proxyAdmin(p, ln.Addr().String(), router, gossip), done); err != nil {
		ln.Close()
		return err
	} else if a != "" {
		fmt.Fprintf(stdout, "admin (metrics, status page) on http://%s/\n", a)
	}
	go func() { done <- p.Serve(ctx, ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(sctx); err != nil {
		return err
	}
	return <-done
}
