package cache

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/vcache/vcache/internal/keyslot"
)

const (
	stripeBits = 6
	numStripes = 1 << stripeBits // lock stripes; slot s lives in stripe s % numStripes
	perStripe  = keyslot.Count / numStripes
)

// kind is a value's type.
type kind uint8

const (
	kindString kind = iota + 1
	kindHash
	kindCustom
	kindZSet
	kindSet
	kindList
	kindStream
	kindJSON
)

// kindBits is how many low bits of entry.meta hold the kind (room for 15
// kinds); the key's length takes the rest.
const kindBits = 4

// entry is one key's value and metadata, 48 bytes (a Go size class: at
// 56 it would take 64). Guarded by its stripe's mutex.
type entry struct {
	data   *byte  // n bytes: the key, then (kindString) the value; never modified in place
	n      uint32 // bytes at data
	meta   uint32 // key length << kindBits | kind
	obj    any    // kindHash: map[string][]byte (values never modified in place) or packedHash (hashpack.go); kindZSet: *zset; kindSet: *setObj; kindList: *list; kindJSON: *jsonDoc; kindCustom: Custom
	exp    int64  // expiry, unix milliseconds; 0 = none
	access uint32 // LRU clock or LFU counter (see evict.go)
	mem8   uint32 // accounted bytes (key included) / 8: entrySize is a multiple of 8
}

// maxKeyLen is the longest key an entry holds (256 MiB - 1; Redis allows 512 MiB); maxEntryBytes the most a
// key and a string value may take together (the node allows 512 MiB
// values).
const (
	maxKeyLen     = 1<<(32-kindBits) - 1
	maxEntryBytes = 1<<32 - 1
)

// newEntry makes an entry for key holding val (a string's bytes, copied)
// or obj.
func newEntry(key string, k kind, val []byte, obj any) *entry {
	if len(key) > maxKeyLen || len(key)+len(val) > maxEntryBytes {
		panic("cache: key longer than 256 MiB or key and value longer than 4 GiB")
	}
	kv := make([]byte, len(key)+len(val))
	copy(kv, key)
	copy(kv[len(key):], val)
	e := &entry{obj: obj, meta: uint32(len(key))<<kindBits | uint32(k)}
	e.setKV(kv)
	return e
}

// kv returns the entry's key and string value.
func (e *entry) kv() []byte { return unsafe.Slice(e.data, e.n) }

// setKV makes kv the entry's bytes.
func (e *entry) setKV(kv []byte) { e.data, e.n = unsafe.SliceData(kv), uint32(len(kv)) }

// mem returns the entry's accounted bytes.
func (e *entry) mem() int64 { return int64(e.mem8) * 8 }

// setMem records the entry's accounted bytes (a multiple of 8).
func (e *entry) setMem(n int64) {
	if n%8 != 0 || n/8 > 1<<32-1 {
		panic("cache: accounted size not a multiple of 8 or over 32 GiB")
	}
	e.mem8 = uint32(n / 8)
}

// key returns the entry's key (sharing its bytes).
func (e *entry) key() string {
	return unsafe.String(e.data, int(e.meta>>kindBits))
}

// kind returns the type of the entry's value.
func (e *entry) kind() kind { return kind(e.meta & (1<<kindBits - 1)) }

// str returns a kindString entry's value.
func (e *entry) str() []byte { return e.kv()[e.meta>>kindBits:] }

// setStr replaces a kindString entry's value with a copy of v (in a new
// allocation: readers may still hold the old value); the new value is not
// marked raw.
func (e *entry) setStr(v []byte) {
	e.obj = nil
	k := int(e.meta >> kindBits)
	if k+len(v) > maxEntryBytes {
		panic("cache: key and value longer than 4 GiB")
	}
	kv := make([]byte, k+len(v))
	copy(kv, e.kv()[:k])
	copy(kv[k:], v)
	e.setKV(kv)
}

// readAs runs fn under key's stripe lock on the value of kind k at key,
// read from its entry by val (fn gets V's zero value, nil, when the key is
// missing); a key of another kind is ErrWrongType. The typed readers
// (hashRead, setRead, ...) are this with their kind.
func readAs[V any](ks *Keyspace, key []byte, k kind, val func(*entry) V, fn func(V)) error {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	var v V
	if e := ks.read(sh, slot, key); e != nil {
		if e.kind() != k {
			return ErrWrongType
		}
		v = val(e)
	}
	fn(v)
	return nil
}

// hashMap returns a kindHash entry's fields (nil for other kinds).
func (e *entry) hashMap() map[string][]byte {
	switch o := e.obj.(type) {
	case map[string][]byte:
		return o
	case *hashEx: // hashttl.go
		return o.m
	}
	return nil
}

// zsetVal returns a kindZSet entry's sorted set (nil for other kinds).
func (e *entry) zsetVal() *zset {
	z, _ := e.obj.(*zset)
	return z
}

// setVal returns a kindSet entry's set (nil for other kinds).
func (e *entry) setVal() *setObj {
	s, _ := e.obj.(*setObj)
	return s
}

// streamVal returns a kindStream entry's stream (nil for other kinds).
func (e *entry) streamVal() *stream {
	s, _ := e.obj.(*stream)
	return s
}

// customVal returns a kindCustom entry's value (nil for other kinds).
func (e *entry) customVal() Custom {
	c, _ := e.obj.(Custom)
	return c
}

// stripe is a lock domain holding perStripe slots.
type stripe struct {
	// mu guards everything below, the entries in the maps, and the
	// tables' accounting.
	mu       sync.Mutex
	slots    [perStripe]table
	volatile map[*entry]struct{} // entries with a TTL, for expiry and volatile-* eviction
	hfe      map[*entry]struct{} // hashes with field TTLs (hashttl.go); nil until one
	keys     int
	hits     int64
	misses   int64
	mem      atomic.Int64 // accounted bytes (written under mu, read without)
	// keyVer are the key versions of this stripe's keys (keyver.go),
	// made by the first WATCH of one of them: written under mu, read
	// without.
	keyVer atomic.Pointer[keyVers]
}

// Keyspace is the set of keys of one node (or one cluster shard of it). All methods
// are safe for concurrent use.
type Keyspace struct {
	stripes [numStripes]stripe

	maxMemory atomic.Int64
	policy    atomic.Int32
	clock     atomic.Uint32 // coarse LRU clock in deciseconds
	expired   atomic.Int64
	evicted   atomic.Int64
	maxStr    int64
	// setIntLimit is set-max-intset-entries (see SetMaxIntsetEntries).
	setIntLimit atomic.Int64
	observer    Observer
	extra       func() int64 // Config.ExtraMemory, or nil
	decoders    map[string]func([]byte) (Custom, error)
	now         func() time.Time
	interval    time.Duration
	start       time.Time

	// streamNode is stream-node-max-entries (see SetStreamNodeMaxEntries).
	streamNode atomic.Int64

	// zsetLim is zset-max-listpack-* (see SetZSetListpack); nil: defaults.
	zsetLim atomic.Pointer[zlimits]
	// hashLim is hash-max-listpack-entries/-value (hashpack.go).
	hashLim hashLimits
}

// New makes an empty keyspace. It starts no goroutines: call Run for
// active expiry.
func New(cfg Config) (*Keyspace, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ks := &Keyspace{
		maxStr:   cfg.MaxStringLen,
		observer: cfg.Observer,
		extra:    cfg.ExtraMemory,
		decoders: cfg.Decoders,
		now:      cfg.Now,
		interval: cfg.ExpiryInterval,
	}
	if ks.now == nil {
		ks.now = time.Now
	}
	ks.start = ks.now()
	ks.maxMemory.Store(cfg.MaxMemory)
	ks.setIntLimit.Store(setIntLimit)
	ks.streamNode.Store(streamNodeEntries)
	ks.policy.Store(int32(cfg.Policy))
	for i := range ks.stripes {
		ks.stripes[i].volatile = make(map[*entry]struct{})
	}
	ks.tickClock()
	return ks, nil
}

// Run does background work (the active expiry cycle and the LRU clock)
// until ctx is done. The caller waits for it to return.
func (ks *Keyspace) Run(ctx context.Context) {
	t := time.NewTicker(ks.interval)
	defer t.Stop()
	next := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ks.tickClock()
			next = ks.activeExpireCycle(next, ks.interval/4)
			ks.activeExpireFields()
		}
	}
}

func (ks *Keyspace) tickClock() {
	ks.clock.Store(uint32(ks.now().Sub(ks.start) / (100 * time.Millisecond)))
}

func (ks *Keyspace) nowMs() int64 { return ks.now().UnixMilli() }

// SetMaxMemory changes the memory limit (0 = none).
func (ks *Keyspace) SetMaxMemory(n int64) { ks.maxMemory.Store(n) }

// MaxMemory returns the memory limit.
func (ks *Keyspace) MaxMemory() int64 { return ks.maxMemory.Load() }

// SetPolicy changes the eviction policy.
func (ks *Keyspace) SetPolicy(p Policy) { ks.policy.Store(int32(p)) }

// Policy returns the eviction policy.
func (ks *Keyspace) Policy() Policy { return Policy(ks.policy.Load()) }

// Stats are the keyspace's counters, named after Redis's INFO fields.
// UsedMemory counts keys and ExtraMemory (Config.ExtraMemory) together;
// UsedMemory - ExtraMemory is the keys' own bytes.
type Stats struct {
	Keys, Expires, UsedMemory, ExtraMemory, MaxMemory, EvictedKeys, ExpiredKeys, Hits, Misses int64
}

// Stats returns current counters.
func (ks *Keyspace) Stats() Stats {
	st := Stats{MaxMemory: ks.maxMemory.Load(), EvictedKeys: ks.evicted.Load(), ExpiredKeys: ks.expired.Load()}
	for i := range ks.stripes {
		sh := &ks.stripes[i]
		sh.mu.Lock()
		st.Keys += int64(sh.keys)
		st.Expires += int64(len(sh.volatile))
		st.Hits += sh.hits
		st.Misses += sh.misses
		sh.mu.Unlock()
		st.UsedMemory += sh.mem.Load()
	}
	st.ExtraMemory = ks.extraMemory()
	st.UsedMemory += st.ExtraMemory
	return st
}

// ResetStats zeroes hits, misses, expired and evicted counts.
func (ks *Keyspace) ResetStats() {
	ks.expired.Store(0)
	ks.evicted.Store(0)
	for i := range ks.stripes {
		sh := &ks.stripes[i]
		sh.mu.Lock()
		sh.hits, sh.misses = 0, 0
		sh.mu.Unlock()
	}
}

// UsedMemory returns the accounted bytes of all keys plus the extra bytes
// held on their behalf (Config.ExtraMemory): what MaxMemory limits.
func (ks *Keyspace) UsedMemory() int64 {
	return ks.KeysMemory() + ks.extraMemory()
}

// KeysMemory returns the accounted bytes of all keys alone.
func (ks *Keyspace) KeysMemory() int64 {
	var n int64
	for i := range ks.stripes {
		n += ks.stripes[i].mem.Load()
	}
	return n
}

// extraMemory returns Config.ExtraMemory's bytes (0 without one).
func (ks *Keyspace) extraMemory() int64 {
	if ks.extra == nil {
		return 0
	}
	return max(ks.extra(), 0)
}

// Len returns the number of keys (expired ones not yet removed included).
func (ks *Keyspace) Len() int {
	n := 0
	for i := range ks.stripes {
		sh := &ks.stripes[i]
		sh.mu.Lock()
		n += sh.keys
		sh.mu.Unlock()
	}
	return n
}

// Flush removes every key; the versions of slots that held none stay
// as they were.
func (ks *Keyspace) Flush() {
	for i := range ks.stripes {
		sh := &ks.stripes[i]
		sh.mu.Lock()
		for j := range sh.slots {
			sh.slots[j].each(func(e *entry) bool {
				ks.removed(sh, e.key(), e, j*numStripes+i, ReasonFlush)
				ks.keyChanged(sh, e.key())
				return true
			})
			t := &sh.slots[j]
			if t.n > 0 { // a WATCH of a key that did not exist survives, as in Redis
				t.ver.Add(1)
			}
			t.s, t.n, t.mem = nil, 0, 0
		}
		sh.volatile = make(map[*entry]struct{})
		sh.hfe = nil
		sh.keys = 0
		sh.mem.Store(0)
		sh.mu.Unlock()
	}
}

// locate returns the stripe and slot map index of key.
func (ks *Keyspace) locate(key []byte) (sh *stripe, slot int) {
	slot = keyslot.Of(key)
	return &ks.stripes[slot&(numStripes-1)], slot
}

// find returns key's live entry, removing it if it has expired. The stripe's
// mutex must be held.
func (ks *Keyspace) find(sh *stripe, slot int, key []byte) *entry {
	e := sh.slots[slot>>stripeBits].get(bstr(key))
	if e == nil {
		return nil
	}
	if e.exp != 0 && e.exp <= ks.nowMs() {
		ks.del(sh, slot, e.key(), e, ReasonExpired)
		ks.expired.Add(1)
		return nil
	}
	if e.kind() == kindHash && ks.lazyExpireFields(sh, slot, e) {
		return nil
	}
	return e
}

// read is find for read commands: it counts hits and misses and touches the
// entry for LRU/LFU.
func (ks *Keyspace) read(sh *stripe, slot int, key []byte) *entry {
	e := ks.find(sh, slot, key)
	if e == nil {
		sh.misses++
		return nil
	}
	sh.hits++
	ks.touch(e)
	return e
}

// insert stores a new entry (whose key must not exist). The stripe's mutex
// must be held.
func (ks *Keyspace) insert(sh *stripe, slot int, e *entry) {
	sh.slots[slot>>stripeBits].put(e)
	sh.keys++
	if e.exp != 0 {
		sh.volatile[e] = struct{}{}
	}
	ks.trackFields(sh, e)
	ks.touch(e)
	e.setMem(entrySize(e))
	ks.account(sh, slot, e.mem())
	ks.keyChanged(sh, e.key())
}

// del removes key's entry. The stripe's mutex must be held.
func (ks *Keyspace) del(sh *stripe, slot int, key string, e *entry, why Reason) {
	sh.slots[slot>>stripeBits].remove(e)
	if e.exp != 0 {
		delete(sh.volatile, e)
	}
	delete(sh.hfe, e)
	sh.keys--
	ks.account(sh, slot, -e.mem())
	ks.keyChanged(sh, key)
	ks.removed(sh, key, e, slot, why)
}

// removed tells the observer a hash (or any key) went away.
func (ks *Keyspace) removed(sh *stripe, key string, e *entry, slot int, why Reason) {
	if ks.observer != nil {
		ks.observer.KeyRemoved(key, slot, why)
	}
}

// setExpire changes e's expiry, keeping the volatile index right.
func (ks *Keyspace) setExpire(sh *stripe, slot int, e *entry, at int64) {
	if e.exp == at {
		return
	}
	ks.table(slot).ver.Add(1)
	ks.keyChanged(sh, e.key())
	switch {
	case e.exp == 0 && at != 0:
		sh.volatile[e] = struct{}{}
	case e.exp != 0 && at == 0:
		delete(sh.volatile, e)
	}
	e.exp = at
}

// resize re-accounts e after its value changed.
func (ks *Keyspace) resize(sh *stripe, slot int, e *entry) {
	n := entrySize(e)
	ks.account(sh, slot, n-e.mem())
	e.setMem(n)
	ks.keyChanged(sh, e.key())
}

// resizeBy re-accounts e after its value changed by delta bytes, as
// entrySize would count them (every term is a multiple of 8), when the
// caller knows the change without a walk of the whole value.
func (ks *Keyspace) resizeBy(sh *stripe, slot int, e *entry, delta int64) {
	ks.account(sh, slot, delta)
	e.setMem(e.mem() + delta)
	ks.keyChanged(sh, e.key())
}

func (ks *Keyspace) account(sh *stripe, slot int, delta int64) {
	t := &sh.slots[slot>>stripeBits]
	t.mem += delta
	sh.mem.Add(delta)
	t.ver.Add(1)
}

// SlotVersion returns a number that changes whenever a key of slot is
// written, expires or is removed. WATCH compares it: a change anywhere in
// the slot aborts the transaction (a false alarm at worst, never a miss).
func (ks *Keyspace) SlotVersion(slot int) uint64 {
	return ks.table(slot).ver.Load()
}

// table returns slot's table.
func (ks *Keyspace) table(slot int) *table {
	return &ks.stripes[slot&(numStripes-1)].slots[slot>>stripeBits]
}

// randomStripe returns a random stripe index.
func randomStripe() int { return rand.IntN(numStripes) }
