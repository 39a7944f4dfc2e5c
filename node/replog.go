package node

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// Replication, primary side: the backlog. While at least one replica
// streams from this node, every write command it runs is appended to the
// backlog as a frame: the command's slot (or "every slot" for keyless
// writes such as FT.CREATE), then the command in RESP. A frame's offset is
// the number of backlog bytes before it, as Redis's replication offset
// counts the bytes of its stream; master_repl_offset is the offset after the
// last frame. Replicas are sent the frames of the slots they replicate and
// acknowledge offsets, which WAIT counts.
//
// Writes to one slot are appended in the order they ran: a write holds its
// slot's stripe lock (replStripes) while it runs and is appended. A full
// sync takes the same lock per stripe while it snapshots that stripe's
// slots, so each stripe's snapshot is exactly the writes before one offset.

// replStripes is the number of write stripes; slot s is in stripe
// s % replStripes (the keyspace's lock shards use the same rule).
const replStripes = 64

// frameHeader is a frame's slot (uint16, frameAllSlots for keyless writes)
// and body length (uint32).
const frameHeader = 6

// frameAllSlots marks a frame every replica receives.
const frameAllSlots = 0xFFFF

// errBacklogGone means the frames a replica needs were trimmed away.
var errBacklogGone = errors.New("replication backlog no longer holds the offset")

// backlog is the recent write stream of this node, kept in a ring of
// exactly max bytes (Redis's repl-backlog-size), allocated when the
// backlog turns on; the ring counts toward maxmemory. Appending a frame
// that does not fit drops the oldest whole frames; a frame longer than
// the ring empties it (replicas that still need it get a full sync).
type backlog struct {
	// mu guards the fields below it; cond (on mu) is broadcast when
	// frames are appended or the backlog closes.
	mu     sync.Mutex
	cond   *sync.Cond
	ring   []byte // len max once on; frames from offset start begin at head
	head   int    // ring position of offset start
	n      int    // bytes held: end - start
	start  uint64
	frame  []byte // the frame being appended (reused)
	closed bool
	// max is the ring's size in bytes.
	max int

	// end is the offset after the last frame; written under mu.
	end atomic.Uint64
	// held is len(ring), for memory accounting; written under mu.
	held atomic.Int64
	// on is set while a replica streams: writes are appended only then.
	on atomic.Bool
	// id is the replication id (40 hex digits), new at every start.
	id string
}

func newBacklog(max int) *backlog {
	if max <= 0 {
		max = 16 << 20
	}
	var raw [20]byte
	_, _ = rand.Read(raw[:])
	b := &backlog{max: max, id: hex.EncodeToString(raw[:])}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// turnOn allocates the ring, if not yet, and turns appending on.
func (b *backlog) turnOn() {
	b.mu.Lock()
	if b.ring == nil {
		b.ring = make([]byte, b.max)
		b.held.Store(int64(len(b.ring)))
	}
	b.on.Store(true)
	b.mu.Unlock()
}

// appendCommand appends a frame for args on slot (-1: every slot).
func (b *backlog) appendCommand(slot int, args [][]byte) {
	tag := uint16(frameAllSlots)
	if slot >= 0 {
		tag = uint16(slot)
	}
	b.mu.Lock()
	if b.ring == nil {
		b.ring = make([]byte, b.max)
		b.held.Store(int64(len(b.ring)))
	}
	f := append(b.frame[:0], 0, 0, 0, 0, 0, 0)
	f = appendRESP(f, args)
	binary.LittleEndian.PutUint16(f, tag)
	binary.LittleEndian.PutUint32(f[2:], uint32(len(f)-frameHeader))
	b.end.Add(uint64(len(f)))
	if len(f) > len(b.ring) {
		b.start, b.head, b.n = b.end.Load(), 0, 0
	} else {
		for b.n+len(f) > len(b.ring) {
			b.dropOldest()
		}
		b.copyIn((b.head+b.n)%len(b.ring), f)
		b.n += len(f)
	}
	if cap(f) <= 64<<10 {
		b.frame = f
	}
	b.mu.Unlock()
	b.cond.Broadcast()
}

// dropOldest drops the first frame. The caller holds mu.
func (b *backlog) dropOldest() {
	var h [frameHeader]byte
	b.copyOut(h[:0], b.head, frameHeader)
	size := frameHeader + int(binary.LittleEndian.Uint32(h[2:]))
	b.head = (b.head + size) % len(b.ring)
	b.n -= size
	b.start += uint64(size)
}

// copyIn writes p into the ring at pos, wrapping. The caller holds mu.
func (b *backlog) copyIn(pos int, p []byte) {
	k := copy(b.ring[pos:], p)
	copy(b.ring, p[k:])
}

// copyOut appends size ring bytes from pos to dst, wrapping. The caller
// holds mu.
func (b *backlog) copyOut(dst []byte, pos, size int) []byte {
	if pos+size <= len(b.ring) {
		return append(dst, b.ring[pos:pos+size]...)
	}
	dst = append(dst, b.ring[pos:]...)
	return append(dst, b.ring[:size-(len(b.ring)-pos)]...)
}

// span returns the offset of the first frame held and the bytes held
// (INFO's repl_backlog_first_byte_offset and repl_backlog_histlen).
func (b *backlog) span() (uint64, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.start, b.n
}

// read copies the frames from offset from on into dst, waiting up to wait
// for one to arrive. It returns the frames, the offset after them, and
// errBacklogGone if from was dropped. It returns no frames when the wait
// ends, the backlog closes or stop reports true.
func (b *backlog) read(dst []byte, from uint64, wait time.Duration, stop func() bool) ([]byte, uint64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if from < b.start {
		return dst, from, errBacklogGone
	}
	if from == b.end.Load() && !b.closed && !stop() {
		t := time.AfterFunc(wait, func() {
			b.mu.Lock()
			b.cond.Broadcast()
			b.mu.Unlock()
		})
		b.cond.Wait()
		t.Stop()
	}
	if from < b.start {
		return dst, from, errBacklogGone
	}
	end := b.end.Load()
	if skip := int(from - b.start); skip < b.n {
		dst = b.copyOut(dst, (b.head+skip)%len(b.ring), b.n-skip)
	}
	return dst, end, nil
}

// wake makes every waiting read return.
func (b *backlog) wake() {
	b.mu.Lock()
	b.cond.Broadcast()
	b.mu.Unlock()
}

// close ends every read.
func (b *backlog) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cond.Broadcast()
}

// has reports whether the backlog still holds every frame from offset on.
func (b *backlog) has(offset uint64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.start <= offset && offset <= b.end.Load()
}

// appendRESP appends args as a RESP array of bulk strings.
func appendRESP(dst []byte, args [][]byte) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}

// replicaLink is one replica streaming from this node, as INFO and WAIT
// see it.
type replicaLink struct {
	addr   string
	shard  string
	node   string // the replica's cluster name, when it sent one
	ranges string
	// ack is the offset the replica confirmed; online is set once its full
	// sync was sent.
	ack     atomic.Uint64
	online  atomic.Bool
	lastAck atomic.Int64 // unix nanoseconds
	// held is the bytes the stream to the replica holds (memory_replicas.go).
	held atomic.Int64
}

// replState is the node's replication state, both sides.
type replState struct {
	log *backlog
	// stripes lock the keys of each stripe of slots: writes exclusively
	// (a write and its append to the backlog are one step, and a full
	// sync snapshots a stripe under its lock), reads shared, and EXEC
	// holds every stripe its transaction touches.
	stripes [replStripes]sync.RWMutex

	// mu guards replicas, links and copies.
	mu       sync.Mutex
	replicas map[*replicaLink]struct{}
	links    map[string]*primaryLink
	copies   map[cluster.ShardID]*shardCopy // replcopy.go

	// led is the shards this node led in the last map followMap handled
	// (replstale.go); only the goroutine that follows the map uses it.
	led map[cluster.ShardID]bool

	// points are the cutovers of splits by promotion this node handed
	// over (handover_continue.go), oldest first; guarded by mu.
	points []*handoverPoint
	// marks holds, by link key, each link's *atomic.Pointer[handoverMark]
	// (handover_continue.go).
	marks sync.Map

	// noHandover is a test hook: replicas that ask to continue over a
	// copy kept at a split by promotion get a full sync instead.
	noHandover atomic.Bool

	// afterStripe is a test hook of the full sync (replcopy.go).
	afterStripe atomic.Pointer[syncHook]
	// beforeSend is a test hook of the stream (replsend.go).
	beforeSend atomic.Pointer[sendHook]
}

// addReplica registers a streaming replica and turns the backlog on.
func (r *replState) addReplica(l *replicaLink) {
	r.log.turnOn() // before r.mu: a read holds the backlog's mu while it calls stop
	r.mu.Lock()
	r.replicas[l] = struct{}{}
	r.mu.Unlock()
}

// removeReplica forgets a replica; the backlog stays on (a replica that
// reconnects soon can continue where it was).
func (r *replState) removeReplica(l *replicaLink) {
	r.mu.Lock()
	delete(r.replicas, l)
	r.mu.Unlock()
}

// replicaList returns the streaming replicas.
func (r *replState) replicaList() []*replicaLink {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*replicaLink, 0, len(r.replicas))
	for l := range r.replicas {
		out = append(out, l)
	}
	return out
}

// acked counts the online replicas that confirmed offset, per shard this
// node leads, and returns the fewest.
func (r *replState) acked(offset uint64) int {
	return r.ackedLed(offset, nil)
}

// ackedLed is acked where led names the shards this node leads: one of
// them with no replica streaming counts as none (a shard just made by a
// split must not be answered for by another shard's replica).
func (r *replState) ackedLed(offset uint64, led []string) int {
	return r.ackedCounted(offset, led, nil)
}

// ackedCounted is ackedLed counting only the links counts accepts (all
// when it is nil).
func (r *replState) ackedCounted(offset uint64, led []string, counts func(*replicaLink) bool) int {
	// Counted per shard and taken at the fewest: a node may lead several
	// shards, each with its own replica, and a WAIT after a write to one
	// shard must not be answered by another shard's replica (it was, and
	// a write acknowledged so could be lost when its primary died).
	per := map[string]int{}
	for _, s := range led {
		per[s] = 0
	}
	for _, l := range r.replicaList() {
		n := per[l.shard]
		if l.online.Load() && l.ack.Load() >= offset && (counts == nil || counts(l)) {
			n++
		}
		per[l.shard] = n
	}
	if len(per) == 0 {
		return 0
	}
	least := -1
	for _, n := range per {
		if least < 0 || n < least {
			least = n
		}
	}
	return least
}

// slotMask is a set of slots.
type slotMask [keyslot.Count / 64]uint64

func (m *slotMask) set(s int)      { m[s/64] |= 1 << (s % 64) }
func (m *slotMask) has(s int) bool { return m[s/64]&(1<<(s%64)) != 0 }
func (m *slotMask) slots() (out []int) {
	for s := 0; s < keyslot.Count; s++ {
		if m.has(s) {
			out = append(out, s)
		}
	}
	return out
}
