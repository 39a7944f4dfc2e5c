package node

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/internal/acl"
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
	inExec  bool // EXEC is running the queued commands and holds their stripes
	// readonly (READONLY): reads of slots this node replicates are served
	// here.
	readonly bool

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

	// mu guards name, libName and libVer.
	mu      sync.Mutex
	name    string
	libName string
	libVer  string
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

// info renders the client as one CLIENT LIST / CLIENT INFO line.
func (c *client) info(now time.Time) string {
	c.mu.Lock()
	name, lib, ver := c.name, c.libName, c.libVer
	c.mu.Unlock()
	cmd := "NULL"
	if p := c.lastCmd.Load(); p != nil {
		cmd = *p
	}
	flags := "N"
	if c.multi != nil {
		flags = "x"
	}
	age := int64(now.Sub(c.created).Seconds())
	idle := int64(now.Sub(time.Unix(0, c.lastActive.Load())).Seconds())
	return fmt.Sprintf("id=%d addr=%s laddr=%s fd=0 name=%s age=%d idle=%d flags=%s db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=%s user=default redir=-1 resp=2 lib-name=%s lib-ver=%s",
		c.id, c.addr, c.laddr, name, age, idle, flags, cmd, lib, ver)
}

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

// list returns the CLIENT LIST text, ordered by id.
func (r *clientRegistry) list(now time.Time) string {
	r.mu.Lock()
	cs := make([]*client, 0, len(r.byID))
	for _, c := range r.byID {
		cs = append(cs, c)
	}
	r.mu.Unlock()
	sort.Slice(cs, func(i, j int) bool { return cs[i].id < cs[j].id })
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.info(now))
		b.WriteByte('\n')
	}
	return b.String()
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

// kill closes the connections matching pred and returns how many.
func (r *clientRegistry) kill(pred func(*client) bool) int {
	r.mu.Lock()
	var victims []*client
	for _, c := range r.byID {
		if pred(c) {
			victims = append(victims, c)
		}
	}
	r.mu.Unlock()
	for _, c := range victims {
		_ = c.conn.NetConn().Close()
	}
	return len(victims)
}
