package node

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/outbox"
)

// client is the state of one connection. The connection's goroutine owns
// it; fields other goroutines read (CLIENT LIST, INFO) are atomics or
// guarded by mu.
type client struct {
	id      int64
	addr    string
	laddr   string
	created time.Time
	conn    redcon.Conn
	cx      Ctx // reused for every command of this connection

	authed  bool
	user    *acl.User   // the ACL user it authenticated as (nil: internal clients, every right)
	multi   *multiState // non-nil between MULTI and EXEC/DISCARD
	watched []watch     // WATCHed slots and their versions
	asking  bool
	inExec  bool    // EXEC is running the queued commands and holds their stripes
	txl     *txLock // stripes held for a transaction that spans nodes (txlock.go)
	script  bool    // the client a script's redis.call runs commands as
	// kept is keptNext when the script the client just ran left every
	// stripe locked for the script that follows it in its pipeline (see
	// keepStripes), keptArmed while that next command runs: a script
	// takes them over (keptNone), any other command lets them go after
	// it (dropKept).
	kept uint8
	// hold is set while the client's script call on an event loop holds
	// what its script runs with (tryHold): holdMask its stripes; quick is
	// the script the loop found for it (scripting_loop.go).
	hold     bool
	holdMask uint64
	quick    quickRun
	// ranSlow is set when the last script the client ran was not quick:
	// served by a goroutine, it stays there (loop_return_linux.go).
	ranSlow bool
	// block is the waiter a blocking command just registered (see
	// blocking.go); readyKeys the keys EXEC's commands wrote, whose
	// blocked clients are served once EXEC ends.
	block     *waiter
	readyKeys []string
	// paused is set when the client pause held the command just run (no
	// reply yet: the connection waits for the pause to end and runs it
	// again, pause.go); pausedNow while it waits, for CLIENT LIST.
	paused    bool
	pausedNow atomic.Bool
	// readonly (READONLY): reads of slots this node replicates are served
	// here.
	readonly bool
	// replyOff and skipNext are CLIENT REPLY OFF and SKIP; skipping is set
	// while the skipped command runs (client_reply.go).
	replyOff, skipNext, skipping bool

	// subs are the client's pub/sub subscriptions (pubsub.go); out, once
	// it has subscribed, the queue its replies and messages go out
	// through (internal/outbox, pubsub_out.go).
	subs clientSubs
	out  atomic.Pointer[outbox.Queue]
	// deliv is the batch of the event loop running the client's commands
	// (the messages they publish are sent when the loop's round is done,
	// pubsub.go); nil while a goroutine serves the client.
	deliv *outBatch
	// monitor is set while the client is a monitor (MONITOR, monitor.go).
	monitor atomic.Bool
	// inMulti is multi != nil, for CLIENT LIST on other goroutines.
	inMulti atomic.Bool

	// track is the client's CLIENT TRACKING state (tracking.go);
	// scriptOf, for the client a script's commands run as, is the
	// script's caller.
	track    clientTrack
	scriptOf *client

	// quit is set when the client sent QUIT (connection.go).
	quit atomic.Bool

	// resp3 is set while the connection speaks RESP3 (HELLO 3); CLIENT
	// LIST reads it from other goroutines.
	resp3 atomic.Bool

	omem       atomic.Int64 // bytes of replies waiting to be sent (memory_extra.go)
	qbuf       atomic.Int64 // bytes its query buffer holds beyond the base (memory_extra.go)
	qcap       atomic.Int64 // its query buffer's size (0: released while idle)
	commands   atomic.Int64 // commands run on this connection
	lastActive atomic.Int64 // unix nanoseconds, from the node's coarse clock
	lastCmd    atomic.Pointer[string]

	// The owner's copies, so that a pipeline of one command does not
	// look the command up, or store the same values, again and again.
	last     *cmdEntry
	lastSeen int64
	// preSlot is the hash slot+1 of the next command's first key when the
	// prefetcher has computed it already (see runOne); 0: not known.
	preSlot int
	// tick is when the previous command of the pipeline being run ended
	// (since the node's start); 0 at the start of each read's commands.
	tick time.Duration

	// mu guards name, userName, libName and libVer.
	mu       sync.Mutex
	name     string
	userName string
	libName  string
	libVer   string
}

// setMulti starts (m) or ends (nil) the client's transaction.
func (c *client) setMulti(m *multiState) {
	c.multi = m
	c.inMulti.Store(m != nil)
}

func (c *client) setName(s string) {
	c.mu.Lock()
	c.name = s
	c.mu.Unlock()
}

func (c *client) getName() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.name
}

// setUser makes u (nil: none) the client's user.
func (c *client) setUser(u *acl.User) {
	c.user, c.authed = u, u != nil
	name := ""
	if u != nil {
		name = u.Name()
	}
	c.mu.Lock()
	c.userName = name
	c.mu.Unlock()
}

// Info describes the client for CLIENT INFO and CLIENT LIST (front.Peer).
func (c *client) Info(now time.Time) front.ClientInfo {
	ci := front.ClientInfo{ID: c.id, Addr: c.addr, LAddr: c.laddr, Created: c.created,
		LastActive: time.Unix(0, c.lastActive.Load())}
	if p := c.lastCmd.Load(); p != nil {
		ci.Cmd = *p
	}
	if c.inMulti.Load() {
		ci.Flags = "x"
	}
	if c.subscribed() {
		ci.Flags += "P"
	}
	if c.monitor.Load() {
		ci.Flags += "O"
	}
	if c.pausedNow.Load() {
		ci.Flags += "b"
	}
	if n := c.cx.Node; n != nil {
		var tf string
		tf, redir := c.trackFlags(&n.track)
		ci.Flags += tf
		ci.Redir, ci.Tracking = redir, tf != ""
	}
	ci.Sub, ci.PSub, ci.SSub = c.subCount(subChannel), c.subCount(subPattern), c.subCount(subShard)
	if c.resp3.Load() {
		ci.Resp = 3
	}
	ci.OMem = c.omem.Load()
	ci.Qbuf = c.qbuf.Load()
	// The query buffer: its size, of which what it grew by beyond the
	// base is shown as used (0 and 0 once released while idle).
	qcap := c.qcap.Load()
	ci.QbufFree = max(qcap-ci.Qbuf, 0)
	ci.TotMem = qcap + ci.OMem
	c.mu.Lock()
	ci.Name, ci.User, ci.LibName, ci.LibVer = c.name, c.userName, c.libName, c.libVer
	c.mu.Unlock()
	return ci
}

// Kill closes the client's connection (front.Peer).
func (c *client) Kill() { _ = c.conn.NetConn().Close() }

// info renders the client as one CLIENT INFO line (ACL LOG's client-info).
func (c *client) info(now time.Time) string { return c.Info(now).String() }

// clientRegistry knows every connected client.
type clientRegistry struct {
	nextID atomic.Int64
	count  atomic.Int64
	total  atomic.Int64 // connections ever accepted
	refuse atomic.Int64 // connections refused (max clients)

	// mu guards byID.
	mu   sync.Mutex
	byID map[int64]*client
}

func (r *clientRegistry) add(c *client) {
	r.mu.Lock()
	if r.byID == nil {
		r.byID = make(map[int64]*client)
	}
	r.byID[c.id] = c
	r.mu.Unlock()
}

func (r *clientRegistry) remove(c *client) {
	r.mu.Lock()
	delete(r.byID, c.id)
	r.mu.Unlock()
}

// peers returns every connected client.
func (r *clientRegistry) peers() []front.Peer {
	r.mu.Lock()
	defer r.mu.Unlock()
	ps := make([]front.Peer, 0, len(r.byID))
	for _, c := range r.byID {
		ps = append(ps, c)
	}
	return ps
}

// commands sums the commands run by the connected clients.
func (r *clientRegistry) commands() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sum int64
	for _, c := range r.byID {
		sum += c.commands.Load()
	}
	return sum
}
