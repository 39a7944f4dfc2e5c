package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/proxy"
)

// proxyFlags are the proxy's command-line flags.
type proxyFlags struct {
	port, bind, backends, requirepass, backendPass, aclFile, aclPubsub string
	io                                                                 string
	maxClients, conns, inFlight, ioThreads, blockingConns              int
	timeout, retry                                                     time.Duration
	backendTLS, readReplicas                                           bool
	tls                                                                tlsFlags
	cluster                                                            clusterFlags
	processFlags
}

func (f *proxyFlags) register(fs *flag.FlagSet) {
	def := proxy.DefaultConfig()
	fs.StringVar(&f.port, "port", "6380", "TCP port to listen on (0 picks a free one)")
	fs.StringVar(&f.bind, "bind", "127.0.0.1", "address to listen on")
	fs.StringVar(&f.backends, "backend", "127.0.0.1:6379", "data nodes, host:port,host:port,... (hash slots are split evenly, in order)")
	fs.StringVar(&f.requirepass, "requirepass", "", "password clients must AUTH with")
	fs.StringVar(&f.backendPass, "backend-password", "", "password the proxy sends to the nodes with AUTH")
	fs.StringVar(&f.aclPubsub, "acl-pubsub-default", "resetchannels", "pub/sub channels of the proxy's new users and of its ACL file's: allchannels or resetchannels (none)")
	fs.StringVar(&f.aclFile, "aclfile", "", "ACL file of the proxy's users (Redis's format: one \"user <name> <rules...>\" per line), loaded at start and by ACL LOAD, written by ACL SAVE")
	f.tls.register(fs, "the nodes (with --backend-tls)")
	fs.BoolVar(&f.backendTLS, "backend-tls", false, "connect to the nodes over TLS (their --tls-cert)")
	fs.IntVar(&f.maxClients, "maxclients", def.MaxClients, "most simultaneous clients")
	fs.IntVar(&f.maxClients, "max-clients", def.MaxClients, "the same as --maxclients (its old name)")
	fs.DurationVar(&f.timeout, "timeout", 0, "close client connections idle this long (0: never)")
	fs.IntVar(&f.conns, "backend-conns", def.ConnsPerBackend, "pipelined connections per node")
	fs.IntVar(&f.blockingConns, "max-blocking-conns", def.MaxBlockingConns, "most connections to one node that clients blocked in BLPOP and the like hold, one each; a blocking command beyond it gets an error")
	fs.IntVar(&f.inFlight, "batches-in-flight", def.BatchesInFlight, "writes an event loop may have awaiting replies on a node connection; requests arriving meanwhile go together in the next (0: no limit)")
	fs.StringVar(&f.io, "io", "auto", ioFlagHelp)
	fs.IntVar(&f.ioThreads, "io-threads", 0, "event loops serving plain TCP clients (0: one per two cores)")
	fs.DurationVar(&f.retry, "retry-deadline", def.RetryDeadline, "how long to retry a command through MOVED, failover or a lost node")
	f.processFlags.register(fs)
	fs.BoolVar(&f.readReplicas, "read-from-replicas", false, "with --join: send single-slot reads to a replica (one in --zone first); they may miss a write just acknowledged")
	f.cluster.register(fs, false)
}

// proxyConfig turns the flags into a proxy configuration.
func (f *proxyFlags) proxyConfig() (proxy.Config, error) {
	cfg := proxy.DefaultConfig()
	cfg.RequirePass = f.requirepass
	cfg.ACLFile = f.aclFile
	cfg.ACLPubsubDefault = f.aclPubsub
	cfg.BackendPassword = f.backendPass
	cfg.MaxClients = f.maxClients
	cfg.IdleTimeout = f.timeout
	cfg.ConnsPerBackend = f.conns
	cfg.BatchesInFlight = f.inFlight
	cfg.MaxBlockingConns = f.blockingConns
	cfg.Loops = f.ioThreads
	var err error
	if cfg.Serving, err = servingGroup(f.io, false); err != nil {
		return cfg, err
	}
	cfg.RetryDeadline = f.retry
	cfg.ReadFromReplicas, cfg.Zone = f.readReplicas, f.cluster.zone
	cfg.Version = version
	if cfg.TLS, err = f.tls.server(); err != nil {
		return cfg, err
	}
	if f.backendTLS {
		if cfg.BackendTLS, err = f.tls.client(); err != nil {
			return cfg, err
		}
	}
	return cfg, cfg.Validate()
}

// runProxy runs `vcache proxy`: one endpoint in front of the data nodes,
// until ctx is cancelled.
func runProxy(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("vcache proxy", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var f proxyFlags
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := f.proxyConfig()
	if err != nil {
		return err
	}
	log, err := newLogger(os.Stderr, f.logLevel)
	if err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(f.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()

	var addrs []string
	var router proxy.Router
	var gossip *cluster.Cluster
	cf := &f.cluster
	if cf.enabled() {
		// Learn the shard map by gossip, as a member that owns nothing.
		cc, err := cf.config(cluster.RoleProxy, f.port)
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
		for _, a := range strings.Split(f.backends, ",") {
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

	p, err := proxy.New(cfg, router, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(f.bind, f.port))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "vcache %s proxy listening on %s, nodes %s\n", version, ln.Addr(), strings.Join(addrs, ","))
	done := make(chan error, 2)
	actx, stopAdmin := context.WithCancel(ctx)
	defer stopAdmin()
	if a, err := startAdmin(actx, f.adminAddr, proxyAdmin(p, ln.Addr().String(), router, gossip), done); err != nil {
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
