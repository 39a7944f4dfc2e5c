package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/node"
	"github.com/vcache/vcache/vector/ft"
)

// serverFlags are the data node's command-line flags, named as Redis's
// configuration directives.
type serverFlags struct {
	port, bind, maxmemory, policy, requirepass, dir, dbfilename string
	maxBulk, aclFile, aclPubsub, io, frisoIni                   string
	maxClients                                                  int
	timeout                                                     time.Duration
	ioThreads, searchOffLoopDocs                                int
	luaDeprecatedAPI                                            bool
	tls                                                         tlsFlags
	processFlags
}

func (f *serverFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.port, "port", "6379", "TCP port to listen on (0 picks a free one)")
	fs.StringVar(&f.bind, "bind", "127.0.0.1", "address to listen on")
	fs.StringVar(&f.maxmemory, "maxmemory", "0", "memory limit for keys (e.g. 1gb; 0 = none)")
	fs.StringVar(&f.policy, "maxmemory-policy", "noeviction", "eviction policy: noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-ttl, volatile-random")
	fs.StringVar(&f.requirepass, "requirepass", "", "password clients must AUTH with")
	fs.StringVar(&f.aclPubsub, "acl-pubsub-default", "resetchannels", "pub/sub channels of new users and of the ACL file's: allchannels or resetchannels (none)")
	fs.StringVar(&f.aclFile, "aclfile", "", "ACL file of users (Redis's format: one \"user <name> <rules...>\" per line), loaded at start and by ACL LOAD, written by ACL SAVE")
	fs.StringVar(&f.dir, "dir", "", "directory for snapshots (empty: no persistence)")
	fs.StringVar(&f.dbfilename, "dbfilename", "dump.vcache", "snapshot file name inside --dir")
	fs.StringVar(&f.maxBulk, "proto-max-bulk-len", "512mb", "largest bulk string a client may send")
	fs.IntVar(&f.maxClients, "maxclients", 10000, "most simultaneous clients")
	fs.DurationVar(&f.timeout, "timeout", 0, "close client connections idle this long (0: never)")
	fs.StringVar(&f.io, "io", "auto", ioFlagHelp)
	fs.StringVar(&f.frisoIni, "friso-ini", "", frisoIniHelp)
	fs.IntVar(&f.ioThreads, "io-threads", 0, "event loops serving clients (0: one per core, as many serving as the load needs; N: N always)")
	fs.IntVar(&f.searchOffLoopDocs, "search-offloop-docs", 0, "serve FT.SEARCH, FT.AGGREGATE and FT.PROFILE off the event loops over an index of more documents than this (0: 10000; negative: never)")
	fs.BoolVar(&f.luaDeprecatedAPI, "lua-enable-deprecated-api", false, "give scripts and functions Lua's setfenv, getfenv and newproxy (off, as in Redis since CVE-2025-46818)")
	f.processFlags.register(fs)
	f.tls.register(fs, "other nodes")
}

// nodeConfig turns the flags into a node configuration.
func (f *serverFlags) nodeConfig() (node.Config, error) {
	cfg := node.DefaultConfig()
	mm, err := node.ParseMemory(f.maxmemory)
	if err != nil {
		return cfg, fmt.Errorf("--maxmemory: %w", err)
	}
	cfg.Cache.MaxMemory = mm
	if cfg.Cache.Policy, err = cache.ParsePolicy(f.policy); err != nil {
		return cfg, fmt.Errorf("--maxmemory-policy: %w", err)
	}
	if cfg.MaxBulkLen, err = node.ParseMemory(f.maxBulk); err != nil {
		return cfg, fmt.Errorf("--proto-max-bulk-len: %w", err)
	}
	if cfg.TLS, err = f.tls.server(); err != nil {
		return cfg, err
	}
	if cfg.TLS != nil {
		// Nodes that speak TLS to clients speak it to each other too
		// (migrations, replication).
		if cfg.PeerTLS, err = f.tls.client(); err != nil {
			return cfg, err
		}
	}
	cfg.RequirePass = f.requirepass
	cfg.ACLFile = f.aclFile
	cfg.ACLPubsubDefault = f.aclPubsub
	cfg.Dir = f.dir
	cfg.DBFilename = f.dbfilename
	cfg.MaxClients = f.maxClients
	cfg.IdleTimeout = f.timeout
	cfg.IOThreads = f.ioThreads
	cfg.SearchOffLoopDocs = f.searchOffLoopDocs
	cfg.LuaEnableDeprecatedAPI = f.luaDeprecatedAPI
	if cfg.Serving, err = servingGroup(f.io, false); err != nil {
		return cfg, err
	}
	cfg.Version = version
	return cfg, cfg.Validate()
}

// frisoIniHelp describes --friso-ini, RediSearch's FRISOINI.
const frisoIniHelp = "lexicon of Chinese segmentation (FT.CREATE ... LANGUAGE chinese): a friso.ini, a friso.lex.ini or its directory (empty: Debian's friso-dict when installed, else each CJK character is a word)"

// ioFlagHelp describes --io, the serving mode of node, proxy and dev.
const ioFlagHelp = "how plain TCP clients are served: auto, loops (epoll event loops) or goroutines (one per connection); TLS clients always have a goroutine"

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--loglevel: %w", err)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// runServer runs `vcache server` until ctx ends, a client sends SHUTDOWN
// or, with a snapshot directory, ctx ends and the snapshot is saved.
func runServer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runServerSignals(ctx, nil, args, stdout, stderr)
}

// runServerSignals is runServer taking every stop signal in sigs itself
// (see serveNode).
func runServerSignals(ctx context.Context, sigs <-chan os.Signal, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serverFlags
	f.register(fs)
	var cf clusterFlags
	cf.register(fs, true)
	var sc scaleFlags
	sc.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ft.SetChineseLexicon(f.frisoIni)
	cfg, err := f.nodeConfig()
	if err != nil {
		return err
	}
	if cf.enabled() {
		cc, err := cf.config(cluster.RoleNode, f.port)
		if err != nil {
			return err
		}
		sc.apply(&cc, cf.expect) // the first map has a shard per node it waited for
		switch ip := net.ParseIP(f.bind); {
		case cf.announce != "":
			if _, _, err := net.SplitHostPort(cf.announce); err != nil {
				return fmt.Errorf("--announce: %w", err)
			}
			cc.Addr = cf.announce
		case ip != nil && ip.IsUnspecified():
			return errors.New("--bind " + f.bind + " in a cluster needs --announce host:port, the address the proxy and other nodes reach this node at")
		}
		cfg.Cluster = &cc
	}
	log, err := newLogger(stderr, f.logLevel)
	if err != nil {
		return err
	}
	var gomem goMemTuner
	cfg.MaxMemoryChanged = gomem.set
	n, err := node.New(cfg, log)
	if err != nil {
		return err
	}
	gomem.used = n.Keyspace().UsedMemory
	gomem.changes = n.Keyspace().Changes
	gomem.slack = n.Keyspace()
	gomem.set(cfg.Cache.MaxMemory)
	tctx, stopTuner := context.WithCancel(ctx)
	var tuning sync.WaitGroup
	tuning.Add(1)
	go func() { defer tuning.Done(); gomem.run(tctx) }()
	defer tuning.Wait()
	defer stopTuner()
	ln, err := net.Listen("tcp", net.JoinHostPort(f.bind, f.port))
	if err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(f.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	fmt.Fprintf(stdout, "vcache %s data node listening on %s\n", version, ln.Addr())
	actx, stopAdmin := context.WithCancel(ctx)
	defer stopAdmin()
	if a, err := startAdmin(actx, f.adminAddr, nodeAdmin(n), nil); err != nil {
		ln.Close()
		return err
	} else if a != "" {
		fmt.Fprintf(stdout, "admin (metrics, status page) on http://%s/\n", a)
	}
	return serveNode(ctx, sigs, n, ln, log)
}
