package node

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/script"
	"github.com/vcache/vcache/vector/ft"
)

// Node is one vcache data node.
type Node struct {
	log    *slog.Logger
	ks     *cache.Keyspace
	search *ft.Catalog
	cl     atomic.Pointer[cluster.Cluster] // nil when standalone
	mig    migrationState
	repl   replState
	// fences are the replica moves' WAIT fences (spreadfence.go).
	fences spreadFences
	// minRepl is min-replicas-to-write and its lag (minreplicas.go).
	minRepl minReplicas
	// txHeld is the stripes VCACHE.TXLOCK holds (txlock.go).
	txHeld atomic.Uint64
	// txRan is the EXEC counts of released transaction locks (txran.go).
	txRan txRanLog
	// txDec is what the node knows as a transaction's decision node
	// (txcommit.go).
	txDec txDecisions
	// scratchGate keeps the proxy's scratch keys out of sight (scratch.go).
	scratchGate sync.RWMutex
	// clientOut is the bytes of replies waiting for event-loop clients
	// (memory_extra.go); maxmemory counts it.
	clientOut *atomic.Int64
	// clientIn is the bytes clients' query buffers hold beyond the small
	// one every connection has (memory_extra.go); maxmemory counts it.
	clientIn *atomic.Int64
	// replOut is the bytes replica links hold (memory_replicas.go): in
	// used_memory, not counted against maxmemory.
	replOut atomic.Int64
	// cmds holds the served commands' specs; cmdList their entries, by
	// spec ID.
	cmds    *command.Table
	cmdList []*cmdEntry
	acl     *acl.Table // users (ACL), built over cmds
	io      *serving.Group
	start   time.Time
	runID   string // INFO's run_id: random, one per node run

	// mu guards cfg's mutable fields (CONFIG SET), srv, ln and closing;
	// background goroutines are added to wg only under mu and while not
	// closing, so Shutdown's wg.Wait never races a wg.Add.
	mu      sync.RWMutex
	cfg     Config
	srv     *server
	ln      net.Listener
	closing bool

	clients clientRegistry
	blocked blockRegistry // clients blocked on lists (blocking.go)
	pause   front.Pause   // CLIENT PAUSE (pause.go)
	// expHolds hold expiry and eviction for the node's CLIENT PAUSE and
	// the proxies' (expiryhold.go).
	expHolds expiryHolds
	pubsub   pubsubState // subscriptions (pubsub.go)
	pubfwd   pubForward  // PUBLISH to the other nodes (pubsub_cluster.go)
	// monitors are the MONITOR clients (monitor.go).
	monitors monitorState
	track    tracker // client-side caching (tracking.go)
	// notifyFlags are notify-keyspace-events's classes (notify.go).
	notifyFlags atomic.Uint32
	listCfg     listConfig // list-* parameters (lists_config.go)
	stats       stats
	errs        errorStats  // INFO errorstats (errorstats.go)
	xcfg        extraConfig // parameters kept as Redis keeps them (config_set.go)
	slow        slowLog
	latency     latencyMonitor // LATENCY: events and subcommand histograms
	loopWait    atomic.Uint64  // io-threads-cpu-wait, float64 bits (0: off)

	// loopSrv is srv, for waking its event loops without n.mu
	// (loop_push_linux.go).
	loopSrv atomic.Pointer[server]

	// copyLive is the bulk copy in progress, for the status page;
	// copySignalHook, when set (tests only), replaces the node's headroom
	// signal for copies (copyrate.go).
	copyLive       sync.Map // *copyPacer -> CopyProgress
	copySignalHook atomic.Pointer[copySignal]
	// watchHook, when set (tests only), runs as the map watcher takes each
	// map, before it acts on it (migrate.go): a test holds a map there to
	// have it acted on late.
	watchHook atomic.Pointer[func(*cluster.Map)]

	// startupMem is used_memory_startup, the node's fixed structures
	// (memory_startup.go); set in New.
	startupMem int64

	encParams encodingParams // CONFIG's compact-encoding parameters (accepted, no effect)
	persist   persistState
	hll       hllConfig
	smap      snapMap   // the shard map in snapshots
	scripts   scripting // Lua scripts (scripting.go)

	// wg tracks background goroutines (expiry, sampling, BGSAVE).
	wg           sync.WaitGroup
	bgCtx        context.Context // ends at shutdown; set by Serve under mu
	bgCancel     context.CancelFunc
	shutdownReq  chan struct{} // closed by the SHUTDOWN command
	reqOnce      sync.Once
	shutdownOnce sync.Once
	done         chan struct{} // closed when Shutdown has finished
	saveOnStop   atomic.Bool

	// scans are the scans indexing existing documents for FT.CREATE and
	// FT.ALTER (search_scan.go).
	scans docScans

	// cursors holds FT.AGGREGATE WITHCURSOR's results.
	cursors ftargs.Cursors
	// offLoopDocs is Config.SearchOffLoopDocs, its default applied
	// (search_offloop.go).
	offLoopDocs int
}

// New makes a node from cfg, loading the snapshot in cfg.Dir if there is
// one. A snapshot that cannot be read is an error: the node does not start
// empty in its place.
func New(cfg Config, log *slog.Logger) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("node config: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	search := ft.NewCatalog()
	cc := cfg.Cache
	repl := newBacklog(cfg.ReplBacklogSize)
	notifier := &notifyObserver{}
	tracking := &trackObserver{}
	cc.Observer = observers{searchObserver{cat: search, repl: repl}, notifier, tracking}
	clientOut, clientIn := new(atomic.Int64), new(atomic.Int64)
	// FT indexes, replies waiting for clients and the replication backlog
	// (a ring of ReplBacklogSize once a replica streams, as Redis 7 keeps
	// up to repl-backlog-size in used memory) count against maxmemory, as
	// Redis counts its client buffers (memory_extra.go).
	// So do the Lua script caches (scripting_memory.go).
	smem := &scriptMemory{}
	cc.ExtraMemory = func() int64 {
		return search.MemoryBytes() + clientOut.Load() + clientIn.Load() + repl.held.Load() + smem.bytes()
	}
	// The keyspace's Run, which reports expire cycles, starts in Serve,
	// after n is set below.
	var n *Node
	cc.ExpireCycleDone = func(worked time.Duration) { n.latency.add("expire-cycle", worked.Milliseconds()) }
	cc.Decoders = vsetDecoders()
	cc.Decoders[ft.SugTypeName] = decodeSugDict
	ks, err := cache.New(cc)
	if err != nil {
		return nil, err
	}
	n = &Node{
		clientOut:   clientOut,
		clientIn:    clientIn,
		log:         log.With("component", "node"),
		ks:          ks,
		search:      search,
		cfg:         cfg,
		start:       time.Now(),
		runID:       newRunID(),
		shutdownReq: make(chan struct{}),
		done:        make(chan struct{}),
	}
	n.repl.log = repl
	n.offLoopDocs = cfg.SearchOffLoopDocs
	if n.offLoopDocs == 0 {
		n.offLoopDocs = defaultSearchOffLoopDocs
	}
	// A pause, the node's or a proxy's, keeps the dataset still.
	n.expHolds.ks = ks
	n.expHolds.lapsed = func(id string) {
		n.log.Warn("a proxy's hold on expiry ran out unreleased; expiring keys again", "holder", id)
	}
	n.pause.OnChange = n.expHolds.setPaused
	n.minRepl.maxLag.Store(10)
	lims := defaultBufLimits
	n.pubsub.limits.Store(&lims)
	notifier.n.Store(n)
	tracking.n.Store(n)
	n.track.maxKeys.Store(defaultTrackMaxKeys)
	n.repl.replicas = map[*replicaLink]struct{}{}
	n.repl.links = map[string]*primaryLink{}
	n.repl.copies = map[cluster.ShardID]*shardCopy{}
	n.slow.threshold.Store(10000) // Redis's defaults: 10 ms, 128 entries
	n.slow.maxLen.Store(128)
	n.listCfg.packSize.Store(-2) // Redis's default list-max-listpack-size
	lua := script.Config{DeprecatedAPI: cfg.LuaEnableDeprecatedAPI}
	n.scripts.engine = script.NewWith(lua)
	n.scripts.funcs = script.NewWith(lua)
	n.scripts.engine.SetJudge(n.judgeCalls)
	n.scripts.funcs.SetJudge(n.judgeCalls)
	n.scripts.mem = smem
	n.scripts.limit.Store(defaultScriptLimit)
	n.saveOnStop.Store(cfg.Dir != "")
	n.persist.lastSave.Store(n.start.Unix()) // as Redis, the data is saved at the start
	n.persist.bgLastTook.Store(-1)
	n.stats.clock.Store(n.start.UnixNano())
	n.cmds, n.cmdList = commandTable()
	n.startupMem = n.startupMemory()
	n.io = serving.Own(cfg.Serving)
	switch w := cfg.IOThreadsCPUWait; {
	case w == 0:
		n.loopWait.Store(math.Float64bits(defaultLoopCPUWait))
	case w > 0:
		n.loopWait.Store(math.Float64bits(w))
	}
	if n.acl, err = n.newACL(); err != nil {
		return nil, err
	}
	if err := n.loadSnapshot(); err != nil {
		return nil, err
	}
	return n, nil
}

// config returns a copy of the current configuration.
func (n *Node) config() Config {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.cfg
}

// Keyspace returns the node's keyspace.
func (n *Node) Keyspace() *cache.Keyspace { return n.ks }

// Addr returns the address the node listens on, or nil before Serve.
func (n *Node) Addr() net.Addr {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.ln == nil {
		return nil
	}
	return n.ln.Addr()
}

// Serve answers clients on ln until ctx is cancelled, Shutdown is called or
// a client sends SHUTDOWN; then it shuts the node down (saving a snapshot
// when a directory is configured) and returns.
func (n *Node) Serve(ctx context.Context, ln net.Listener) error {
	n.mu.Lock()
	if n.srv != nil {
		n.mu.Unlock()
		return errors.New("node: already serving")
	}
	if n.closing {
		n.mu.Unlock()
		return errors.New("node: shut down")
	}
	if n.cfg.TLS != nil {
		ln = tls.NewListener(ln, n.cfg.TLS)
	}
	n.ln = ln
	n.srv = newServer(n, ln, n.cfg.IdleTimeout)
	n.loopSrv.Store(n.srv)
	srv := n.srv
	bg, cancel := context.WithCancel(context.Background())
	n.bgCtx, n.bgCancel = bg, cancel
	clusterCfg := n.cfg.Cluster
	n.wg.Add(2)
	if clusterCfg != nil {
		n.wg.Add(1) // the map watcher
	}
	n.mu.Unlock()

	if clusterCfg != nil {
		cl, err := n.startCluster(bg, *clusterCfg, ln.Addr().String())
		if err != nil {
			n.wg.Done()
			n.wg.Done()
			n.wg.Done()
			cancel()
			return err
		}
		go func() { defer n.wg.Done(); n.watchMap(bg, cl) }()
	}
	go func() { defer n.wg.Done(); n.ks.Run(bg) }()
	go func() { defer n.wg.Done(); n.sample(bg) }()

	served := make(chan error, 1)
	go func() { served <- srv.serve() }()
	n.log.Info("serving", "addr", ln.Addr().String())

	servedDone := false
	select {
	case <-ctx.Done():
	case <-n.shutdownReq:
	case <-n.done:
	case err := <-served:
		servedDone = true
		if err != nil {
			n.log.Error("serve", "err", err)
		}
	}
	err := n.Shutdown(context.Background())
	if !servedDone {
		<-served
	}
	return err
}

// limits returns the framing limits for a new connection.
func (n *Node) limits() limits {
	c := n.config()
	return limits{maxBulk: c.MaxBulkLen, maxMultiBulk: c.MaxMultiBulkLen, maxInline: c.MaxInlineLen}
}

// Shutdown stops accepting clients, closes connections, saves a snapshot
// (when a directory is configured and SHUTDOWN NOSAVE was not asked), stops
// background work and waits for it. It is safe to call more than once and
// from several goroutines; every call waits for the first to finish or for
// ctx.
func (n *Node) Shutdown(ctx context.Context) error {
	var err error
	n.shutdownOnce.Do(func() {
		n.mu.Lock()
		n.closing = true
		srv, ln, cancel := n.srv, n.ln, n.bgCancel
		n.mu.Unlock()
		n.stopCluster(ctx)
		n.stopLinks()
		n.repl.log.close()
		if srv != nil {
			srv.close()
		}
		if ln != nil {
			// Also close the listener itself: redcon's Close does nothing
			// if its Serve goroutine has not started yet.
			_ = ln.Close()
		}
		if n.saveOnStop.Load() {
			if serr := n.saveSnapshot(); serr != nil {
				err = serr
				n.log.Error("snapshot on shutdown", "err", serr)
			}
		}
		if cancel != nil {
			cancel()
		}
		n.wg.Wait()
		n.search.Close()
		n.log.Info("shut down")
		close(n.done)
	})
	select {
	case <-n.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Done is closed once the node has shut down.
func (n *Node) Done() <-chan struct{} { return n.done }

// requestShutdown asks Serve to shut the node down (the SHUTDOWN command).
func (n *Node) requestShutdown(save bool) {
	n.saveOnStop.Store(save)
	n.reqOnce.Do(func() { close(n.shutdownReq) })
}

// dialPeer connects to another node's RESP port, over TLS when the node is
// configured with PeerTLS.
func (n *Node) dialPeer(ctx context.Context, addr string, timeout time.Duration) (net.Conn, error) {
	nc, err := (&net.Dialer{Timeout: timeout}).DialContext(ctx, "tcp", addr)
	if err != nil || n.cfg.PeerTLS == nil {
		return nc, err
	}
	cfg := n.cfg.PeerTLS.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName, _, _ = net.SplitHostPort(addr)
	}
	tc := tls.Client(nc, cfg)
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		nc.Close()
		return nil, err
	}
	return tc, nil
}

// defaultLoopCPUWait is io-threads-cpu-wait's default (loopscale_linux.go).
const defaultLoopCPUWait = 0.3

// loopCPUWait is io-threads-cpu-wait: the processor wait over which no
// event loop is added; 0 when the check is off.
func (n *Node) loopCPUWait() float64 { return math.Float64frombits(n.loopWait.Load()) }
