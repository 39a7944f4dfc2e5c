package cluster

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

// Errors of the Cluster lifecycle.
var (
	// ErrNameConflict: another alive member already uses this name.
	ErrNameConflict = errors.New("cluster: another member uses this node name")
	// ErrStarted: Start was called twice.
	ErrStarted = errors.New("cluster: already started")
	// ErrShutdown: the member was shut down.
	ErrShutdown = errors.New("cluster: shut down")
	// ErrNotStarted: the call needs Start first.
	ErrNotStarted = errors.New("cluster: not started")
)

// Cluster is this process's membership in a vcache cluster: its gossip
// member, its copy of the shard map, and, when it is the coordinator, the
// decisions. Make it with New, then Start; stop it with Leave (graceful:
// others fail over at once) and Shutdown. Shutdown without Leave looks like
// a crash to the others. All methods are safe for concurrent use.
type Cluster struct {
	cfg  Config
	log  *slog.Logger
	boot uint64
	meta []byte

	ml    atomic.Pointer[memberlist.Memberlist]
	queue *memberlist.TransmitLimitedQueue

	// cur is the published snapshot: the gossiped map with this member's
	// view. Only the loop goroutine stores it.
	cur atomic.Pointer[Map]
	// status is the autoscaler's latest state, made by the loop.
	status atomic.Pointer[Status]
	// offsets are the replication offsets members reported, made by the
	// loop.
	offsets atomic.Pointer[replOffsets]
	events  *eventLog
	evSeq   atomic.Uint64

	memMu    sync.Mutex           // guards members, failed, conflict
	members  map[NodeID]memberRec // alive members as memberlist reports them
	failed   map[NodeID]memberRec // members that left or failed, for reconnects
	conflict string               // address of a member that took our name
	memberCh chan struct{}        // cap 1: the member table changed
	inbox    chan inbound         // gossip messages, copied, for the loop
	outbox   chan outMsg          // reliable sends, for the sender
	migDone  chan migrationResult // Migrator results, for the loop
	dropped  atomic.Uint64        // messages dropped because a queue was full
	sent     atomic.Uint64        // messages queued or sent
	received atomic.Uint64        // messages received

	watchMu  sync.Mutex // guards watchers and changed
	watchers map[chan *Map]struct{}
	changed  chan struct{} // closed and replaced when the layout changes
	refresh  chan struct{} // cap 1: Router.Refresh asks the loop to catch up

	// stopping is set when Shutdown begins: memberlist's timers may still
	// write to the sockets it is closing, which is no error then.
	stopping atomic.Bool

	lifeMu  sync.Mutex // guards started, stopped, cancel
	started bool
	stopped bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup // every goroutine the Cluster starts

	loop *loopState // owned by the loop goroutine

	// clock is the origin of lease; lease is when this member's lease
	// ends, in nanoseconds after clock (noFence: never). Only the loop
	// goroutine stores it (fence.go).
	clock time.Time
	lease atomic.Int64
	// leaseMu guards the lease's stores, probes (this node's recent
	// probes, by number), probeSeq, acked (when this node last acked
	// each member's probe), holds and deciding. Probes and acks are
	// handled on memberlist's goroutines, off the loop.
	leaseMu  sync.Mutex
	probes   map[uint64]*probe
	probeSeq uint64
	acked    map[NodeID]time.Time
	holds    map[NodeID]*heldAcks // acks this node holds back (fencehold.go)
	deciding map[NodeID]bool      // members whose failover the coordinator weighs now (ownAck)
	// hold lets a test stop the loop, as a starved process's: the loop
	// waits for the channel it receives to close.
	hold chan chan struct{}
}

// memberRec is a member and the gossip address memberlist knows it by.
type memberRec struct {
	Member
	ip   net.IP
	port uint16
	at   time.Time // when it joined or failed
}

// inbound is a gossip message and when it arrived.
type inbound struct {
	b  []byte
	at time.Time
}

// outMsg is a message to send over TCP to one member.
type outMsg struct {
	to  NodeID
	msg []byte
}

// New checks cfg and returns a Cluster that is not started yet. logger may
// be nil (logs are discarded).
func New(cfg Config, logger *slog.Logger) (*Cluster, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	boot := uint64(time.Now().UnixNano())
	c := &Cluster{
		cfg:      cfg,
		log:      logger.With("component", "cluster", "node", cfg.Name),
		boot:     boot,
		meta:     encodeMeta(cfg.Role, boot, cfg.Addr, cfg.Zone),
		events:   newEventLog(cfg.EventLogSize),
		members:  map[NodeID]memberRec{},
		failed:   map[NodeID]memberRec{},
		memberCh: make(chan struct{}, 1),
		inbox:    make(chan inbound, 1024),
		outbox:   make(chan outMsg, 256),
		migDone:  make(chan migrationResult, 16),
		watchers: map[chan *Map]struct{}{},
		changed:  make(chan struct{}),
		refresh:  make(chan struct{}, 1),
		clock:    time.Now(),
		probes:   map[uint64]*probe{},
		acked:    map[NodeID]time.Time{},
		holds:    map[NodeID]*heldAcks{},
		deciding: map[NodeID]bool{},
		hold:     make(chan chan struct{}),
	}
	if cfg.Role != RoleNode || !cfg.RequireMajority {
		c.lease.Store(noFence)
	} else {
		c.lease.Store(noLease)
	}
	c.queue = &memberlist.TransmitLimitedQueue{NumNodes: c.numMembers, RetransmitMult: 3}
	c.cur.Store(emptyMap().withView(NodeID(cfg.Name), boot, nil, false))
	c.status.Store(&Status{})
	c.offsets.Store(&replOffsets{})
	return c, nil
}

func (c *Cluster) numMembers() int {
	if ml := c.ml.Load(); ml != nil {
		return ml.NumMembers()
	}
	return 1
}

// memberlistConfig turns c.cfg into memberlist's configuration.
func (c *Cluster) memberlistConfig() *memberlist.Config {
	cfg := c.cfg
	mc := memberlist.DefaultLANConfig()
	mc.Name = cfg.Name
	mc.BindAddr, mc.BindPort = cfg.BindAddr, cfg.BindPort
	mc.AdvertiseAddr, mc.AdvertisePort = cfg.AdvertiseAddr, cfg.AdvertisePort
	mc.Label = cfg.ClusterName
	mc.SecretKey = cfg.SecretKey
	mc.ProbeInterval, mc.ProbeTimeout = cfg.ProbeInterval, cfg.ProbeTimeout
	mc.GossipInterval = cfg.GossipInterval
	mc.SuspicionMult = cfg.SuspicionMult
	mc.PushPullInterval = cfg.PushPullInterval
	mc.TCPTimeout = cfg.TCPTimeout
	mc.DeadNodeReclaimTime = cfg.DeadNodeReclaimTime
	mc.GossipToTheDeadTime = max(mc.GossipToTheDeadTime, 2*cfg.ReconnectInterval)
	mc.Transport = cfg.Transport
	mc.Delegate = &delegate{c}
	mc.Events = &eventDelegate{c}
	mc.Conflict = &eventDelegate{c}
	mc.Alive = &eventDelegate{c}
	mc.Logger = log.New(&logWriter{log: c.log, stopping: &c.stopping}, "", 0)
	return mc
}

// Start creates the gossip member (it binds the gossip port), starts the
// cluster's goroutines and joins cfg.Seeds. Unreachable seeds are retried
// in the background. So is a join refused because another member holds
// this name: that is what a process restarted at a new address sees until
// its previous run is declared dead (DeadNodeReclaimTime). The goroutines
// stop when ctx ends or at Shutdown.
func (c *Cluster) Start(ctx context.Context) error {
	c.lifeMu.Lock()
	switch {
	case c.stopped:
		c.lifeMu.Unlock()
		return ErrShutdown
	case c.started:
		c.lifeMu.Unlock()
		return ErrStarted
	}
	ml, err := memberlist.Create(c.memberlistConfig())
	if err != nil {
		c.lifeMu.Unlock()
		return fmt.Errorf("cluster: start gossip: %w", err)
	}
	c.ml.Store(ml)
	c.started = true
	ctx, c.cancel = context.WithCancel(ctx)
	c.loop = newLoopState(ctx, c)
	c.wg.Add(3)
	go func() { defer c.wg.Done(); c.run(ctx) }()
	go func() { defer c.wg.Done(); c.sendLoop(ctx) }()
	go func() { defer c.wg.Done(); c.reconnectLoop(ctx) }()
	c.lifeMu.Unlock()
	c.log.Info("cluster member started", "gossip", c.GossipAddr(), "role", c.cfg.Role.String(), "addr", c.cfg.Addr)
	if len(c.cfg.Seeds) > 0 {
		if _, err := c.join(c.cfg.Seeds); errors.Is(err, ErrNameConflict) {
			c.log.Error("node name in use; retrying until the old member is declared dead", "err", err)
		} else if err != nil {
			c.log.Warn("cannot join seeds yet, will retry", "seeds", c.cfg.Seeds, "err", err)
		}
	}
	return nil
}

// Join joins the cluster through the given gossip addresses and returns how
// many answered. It returns ErrNameConflict if an alive member at another
// address holds this member's name.
func (c *Cluster) Join(seeds []string) (int, error) {
	c.lifeMu.Lock()
	ok := c.started && !c.stopped
	c.lifeMu.Unlock()
	if !ok {
		return 0, ErrNotStarted
	}
	return c.join(seeds)
}

func (c *Cluster) join(seeds []string) (int, error) {
	c.memMu.Lock()
	c.conflict = ""
	c.memMu.Unlock()
	n, err := c.ml.Load().Join(seeds)
	c.memMu.Lock()
	conflict := c.conflict
	c.memMu.Unlock()
	if conflict != "" {
		return n, fmt.Errorf("%w (%s at %s)", ErrNameConflict, c.cfg.Name, conflict)
	}
	return n, err
}

// Leave tells the cluster this member is going away, so its shards fail
// over at once; call Shutdown next. It waits for the news to go out until
// ctx ends, or, without a deadline, for leaveWait: the few gossip rounds
// the broadcast takes. When every member leaves at once (a local cluster
// stopping) no one may be left to pass it on, so an unconfirmed leave is
// not an error: the others that remain see this member gone at their next
// probe. Leave is idempotent and does nothing after Shutdown.
func (c *Cluster) Leave(ctx context.Context) error {
	c.lifeMu.Lock()
	defer c.lifeMu.Unlock()
	if !c.started || c.stopped {
		return nil
	}
	timeout := c.cfg.leaveWait()
	if dl, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(dl), time.Millisecond)
	}
	start := time.Now()
	if err := c.ml.Load().Leave(timeout); err != nil {
		c.log.Debug("left the cluster without confirmation", "waited", time.Since(start), "err", err)
	}
	return nil
}

// Shutdown stops gossip and every goroutine of the Cluster and closes the
// Watch channels. Without Leave first, the others see a failure. It is
// idempotent; it returns ctx's error if the goroutines did not stop in time.
func (c *Cluster) Shutdown(ctx context.Context) error {
	c.lifeMu.Lock()
	if c.stopped {
		c.lifeMu.Unlock()
		return nil
	}
	c.stopped = true
	c.stopping.Store(true)
	started := c.started
	if c.cancel != nil {
		c.cancel()
	}
	c.lifeMu.Unlock()
	var err error
	if started {
		err = c.ml.Load().Shutdown()
	}
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	c.watchMu.Lock()
	for ch := range c.watchers {
		delete(c.watchers, ch)
		close(ch)
	}
	c.watchMu.Unlock()
	return err
}

// Self returns this member's name.
func (c *Cluster) Self() NodeID { return NodeID(c.cfg.Name) }

// Boot returns the id of this run of the member.
func (c *Cluster) Boot() uint64 { return c.boot }

// GossipAddr returns the gossip address (host:port) others can join through,
// or "" before Start.
func (c *Cluster) GossipAddr() string {
	ml := c.ml.Load()
	if ml == nil {
		return ""
	}
	n := ml.LocalNode()
	return net.JoinHostPort(n.Addr.String(), strconv.Itoa(int(n.Port)))
}

// Map returns the current shard map with this member's view. It never
// returns nil; before the first map its Epoch is 0.
func (c *Cluster) Map() *Map { return c.cur.Load() }

// Members returns the alive members this member sees, sorted by name.
func (c *Cluster) Members() []Member { return c.cur.Load().Members() }

// Events returns up to n latest events, newest first.
func (c *Cluster) Events(n int) []Event { return c.events.last(n) }

// Status returns the autoscaler's state as of the last LoadInterval.
func (c *Cluster) Status() Status { return *c.status.Load() }

// Watch returns a channel that receives the current map and then every new
// one (a new epoch or a change of this member's view). A slow reader only
// misses intermediate maps: the channel holds the latest. It is closed when
// ctx ends or at Shutdown.
func (c *Cluster) Watch(ctx context.Context) <-chan *Map {
	ch := make(chan *Map, 1)
	c.watchMu.Lock()
	if c.isStopped() {
		c.watchMu.Unlock()
		close(ch)
		return ch
	}
	ch <- c.cur.Load()
	c.watchers[ch] = struct{}{}
	c.watchMu.Unlock()
	context.AfterFunc(ctx, func() {
		c.watchMu.Lock()
		defer c.watchMu.Unlock()
		if _, ok := c.watchers[ch]; ok {
			delete(c.watchers, ch)
			close(ch)
		}
	})
	return ch
}

func (c *Cluster) isStopped() bool {
	c.lifeMu.Lock()
	defer c.lifeMu.Unlock()
	return c.stopped
}

// notifyWatchers hands m to every watcher, replacing a map not read yet,
// and closes the Changed channel when the layout changed. Only the loop
// calls it, so the sends never block.
func (c *Cluster) notifyWatchers(m *Map, layoutChanged bool) {
	c.watchMu.Lock()
	defer c.watchMu.Unlock()
	if layoutChanged {
		close(c.changed)
		c.changed = make(chan struct{})
	}
	for ch := range c.watchers {
		select {
		case <-ch:
		default:
		}
		ch <- m
	}
}

// emit records an event, spreads it by gossip and logs it.
func (c *Cluster) emit(kind EventKind, shard ShardID, detail string, d time.Duration) {
	ev := Event{
		ID:   fmt.Sprintf("%s-%x-%d", c.cfg.Name, c.boot, c.evSeq.Add(1)),
		Time: time.UnixMilli(time.Now().UnixMilli()), Kind: kind, Shard: shard, Detail: detail, Duration: d,
	}
	c.events.add(ev)
	c.broadcast("ev/"+ev.ID, eventMsg{ev}.encode())
	c.log.Info("cluster event", "kind", string(kind), "shard", uint32(shard), "detail", detail, "duration", d)
}

// aliveMembers returns the member table sorted by name.
func (c *Cluster) aliveMembers() []Member {
	c.memMu.Lock()
	out := make([]Member, 0, len(c.members))
	for _, r := range c.members {
		out = append(out, r.Member)
	}
	c.memMu.Unlock()
	slices.SortFunc(out, func(a, b Member) int { return cmpString(a.ID, b.ID) })
	return out
}
