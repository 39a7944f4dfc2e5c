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

// entry is one key's header, 12 bytes, guarded by its stripe's mutex. A
// kindString entry is the start of one allocation that holds the header,
// then the key, then the value: one allocation per key, the header on the
// key's cache line. An entry of another kind is the start of an objEntry.
// A string entry's bytes are never modified in place: a new value makes a
// new entry (Keyspace.setStr), readers may still hold the old one. Its
// expiry, if any, is in its stripe's volatile map (as Redis keeps
// expiries in a dict of their own), flagged by entryTTL.
type entry struct {
	meta   uint32 // key length << kindBits | kind
	n      uint32 // flags (entryTTL, entryRaw) | kindString: key and value bytes after the header
	access uint32 // LRU clock or LFU counter (see evict.go)
}

// objEntry is the entry of a key of a kind other than kindString.
type objEntry struct {
	entry
	mem8 uint32 // accounted bytes (key included) / 8: entrySize is a multiple of 8
	key  *byte  // the key's bytes (meta's length)
	obj  any    // kindHash: *ftab (ftab.go), packedHash (hashpack.go) or *hashEx; kindZSet: zsmall (zsmall.go) or *zset; kindSet: ssmall (ssmall.go) or *setObj; kindList: lsmall (listsmall.go) or *list; kindJSON: *jsonDoc; kindCustom: Custom
}

const (
	entryHdr = 12      // unsafe.Sizeof(entry{})
	entryTTL = 1 << 31 // entry.n: the key has an expiry (in stripe.volatile)
	entryRaw = 1 << 30 // entry.n: a string Redis would encode raw (strings_raw.go)
	nMask    = entryRaw - 1
)

// maxKeyLen is the longest key an entry holds (256 MiB - 1; Redis allows 512 MiB); maxEntryBytes the most a
// key and a string value may take together (the node allows 512 MiB
// values).
const (
	maxKeyLen     = 1<<(32-kindBits) - 1
	maxEntryBytes = nMask
)

// newEntry makes an entry for key holding val (a string's bytes, copied)
// or obj. For kindString, a non-nil obj marks the value raw (entryRaw).
func newEntry(key string, k kind, val []byte, obj any) *entry {
	if len(key) > maxKeyLen || len(key)+len(val) > maxEntryBytes {
		panic("cache: key longer than 256 MiB or key and value longer than 1 GiB")
	}
	if k == kindString {
		e, v := newString(key, len(val))
		copy(v, val)
		if obj != nil {
			e.n |= entryRaw
		}
		return e
	}
	o := newObjEntry(key)
	o.obj = obj
	switch v := obj.(type) {
	case *zset:
		o.obj = v.stored() // a packed set's bytes alone (zsmall.go)
	case *setObj:
		o.obj = v.stored() // a small set's bytes alone (ssmall.go)
	case *list:
		o.obj = v.stored() // a small list's bytes alone (listsmall.go)
	}
	o.meta = uint32(len(key))<<kindBits | uint32(k)
	return &o.entry
}

// newString makes a kindString entry for key with a value of vlen bytes,
// returned to be filled before the entry is shared.
func newString(key string, vlen int) (*entry, []byte) {
	size := entryHdr + len(key) + vlen
	// A multiple of 4: the allocator aligns a small allocation only as
	// far as its size allows, and the header's fields are 4-byte words.
	b := make([]byte, (size+3)&^3)
	e := (*entry)(unsafe.Pointer(&b[0]))
	e.meta = uint32(len(key))<<kindBits | uint32(kindString)
	e.n = uint32(len(key) + vlen)
	copy(b[entryHdr:], key)
	return e, b[entryHdr+len(key) : size]
}

// isObj reports whether e is an objEntry.
func (e *entry) isObj() bool { return e.kind() != kindString }

// objEntry returns e as an objEntry (e must not be a kindString entry).
func (e *entry) objEntry() *objEntry { return (*objEntry)(unsafe.Pointer(e)) }

// object returns the value of an entry of a kind other than kindString
// (nil for kindString).
func (e *entry) object() any {
	if !e.isObj() {
		return nil
	}
	return e.objEntry().obj
}

// setObject replaces a non-string entry's value.
func (e *entry) setObject(v any) { e.objEntry().obj = v }

// kv returns a kindString entry's key and value.
func (e *entry) kv() []byte {
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(e), entryHdr)), e.n&nMask)
}

// hasTTL reports whether e has an expiry (in its stripe's volatile map).
func (e *entry) hasTTL() bool { return e.n&entryTTL != 0 }

// mem returns the entry's accounted bytes.
func (e *entry) mem() int64 {
	if !e.isObj() {
		return entrySize(e) // a string's size follows from its lengths
	}
	return int64(e.objEntry().mem8) * 8
}

// setMem records the entry's accounted bytes (a multiple of 8); a string
// entry's are computed (mem).
func (e *entry) setMem(n int64) {
	if n%8 != 0 || n/8 > 1<<32-1 {
		panic("cache: accounted size not a multiple of 8 or over 32 GiB")
	}
	if e.isObj() {
		e.objEntry().mem8 = uint32(n / 8)
	}
}

// key returns the entry's key (sharing its bytes).
func (e *entry) key() string {
	if e.isObj() {
		return unsafe.String(e.objEntry().key, int(e.meta>>kindBits))
	}
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(e), entryHdr)), int(e.meta>>kindBits))
}

// kind returns the type of the entry's value.
func (e *entry) kind() kind { return kind(e.meta & (1<<kindBits - 1)) }

// str returns a kindString entry's value.
func (e *entry) str() []byte { return e.kv()[e.meta>>kindBits:] }

// setStr replaces kindString entry e's value with a copy of v (the new
// value is not marked raw) and returns the entry that now holds key: a
// new one (readers may still hold the old value). The stripe's mutex
// must be held.
func (ks *Keyspace) setStr(sh *stripe, slot int, e *entry, v []byte) *entry {
	k := e.key()
	if len(k)+len(v) > maxEntryBytes {
		panic("cache: key and value longer than 1 GiB")
	}
	ne, nv := newString(k, len(v))
	copy(nv, v)
	ks.replace(sh, slot, e, ne)
	return ne
}

// replace puts kindString entry ne, made for e's key, in e's place,
// keeping e's expiry and access and accounting the change of size.
func (ks *Keyspace) replace(sh *stripe, slot int, e, ne *entry) {
	ne.access = e.access
	sh.slots[slot>>stripeBits].swap(e, ne)
	if e.hasTTL() {
		ne.n |= entryTTL
		sh.volatile[ne] = sh.volatile[e]
		delete(sh.volatile, e)
	}
	ks.accountMem(sh, slot, ne.mem()-e.mem()) // the caller's resize counts the change
}

// readAs runs fn under key's stripe lock on the value of kind k at key,
// read from its entry by val (fn gets V's zero value, nil, when the key is
// missing); a key of another kind is ErrWrongType. The typed readers
// (hashRead, setRead, ...) are this with their kind.
func readAs[V any](ks *Keyspace, key []byte, k kind, val func(*entry) V, fn func(V)) error {
	return readAsIn(ks, false, key, k, val, fn)
}

// readAsIn is readAs without taking the stripe's lock when held (the
// caller holds every stripe's: Freeze).
func readAsIn[V any](ks *Keyspace, held bool, key []byte, k kind, val func(*entry) V, fn func(V)) error {
	sh, slot := ks.locate(key)
	if !held {
		sh.mu.Lock()
		defer sh.mu.Unlock()
	}
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

// hashTab returns a kindHash entry's table of fields (nil for other
// kinds and packed hashes).
func (e *entry) hashTab() *ftab {
	switch o := e.object().(type) {
	case *ftab:
		return o
	case *hashEx: // hashttl.go
		return o.m
	}
	return nil
}

// zsetVal returns a kindZSet entry's sorted set (nil for other kinds).
// A packed one is a view of the bytes the entry keeps (zsmall.go): a
// command that changes it puts it back with zsetStore.
func (e *entry) zsetVal() *zset {
	switch z := e.object().(type) {
	case *zset:
		return z
	case zsmall:
		return z.view()
	}
	return nil
}

// setVal returns a kindSet entry's set (nil for other kinds).
// A small one is a view of the bytes the entry keeps (ssmall.go): a
// command that changes it puts it back with setStore.
func (e *entry) setVal() *setObj {
	switch s := e.object().(type) {
	case *setObj:
		return s
	case ssmall:
		return s.view()
	}
	return nil
}

// streamVal returns a kindStream entry's stream (nil for other kinds).
func (e *entry) streamVal() *stream {
	s, _ := e.object().(*stream)
	return s
}

// customVal returns a kindCustom entry's value (nil for other kinds).
func (e *entry) customVal() Custom {
	c, _ := e.object().(Custom)
	return c
}

// stripe is a lock domain holding perStripe slots.
type stripe struct {
	// mu guards everything below, the entries in the maps, and the
	// tables' accounting.
	mu       sync.Mutex
	slots    [perStripe]table
	volatile map[*entry]int64    // entries with a TTL and their expiry (unix ms), for expiry and volatile-* eviction
	hfe      map[*entry]struct{} // hashes with field TTLs (hashttl.go); nil until one
	keys     int
	hits     int64
	misses   int64
	mem      atomic.Int64 // accounted bytes (written under mu, read without)
	// keyVer are the key versions of this stripe's keys (keyver.go),
	// made by the first WATCH of one of them: written under mu, read
	// without.
	keyVer atomic.Pointer[keyVers]
	// held is set when find left an expired key in place because expiry
	// was held (HoldExpiry): an insert of that key removes it first.
	held bool
	// num holds an integer element as text while it is handed out under
	// mu (PopEach): on the heap already, so the hand-out allocates none.
	num scratch
}

// Keyspace is the set of keys of one node (or one cluster shard of it). All methods
// are safe for concurrent use.
type Keyspace struct {
	stripes [numStripes]stripe

	maxMemory  atomic.Int64
	policy     atomic.Int32
	clock      atomic.Uint32 // coarse LRU clock in deciseconds
	expired    atomic.Int64
	holdExp    atomic.Bool // HoldExpiry
	evicted    atomic.Int64
	evictSlack atomic.Int64 // SetEvictSlack
	maxStr     int64
	// setIntLimit is set-max-intset-entries (see SetMaxIntsetEntries).
	setIntLimit atomic.Int64
	observer    Observer
	extra       func() int64        // Config.ExtraMemory, or nil
	cycleDone   func(time.Duration) // Config.ExpireCycleDone, or nil
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
	// setPackLim is set-max-listpack-entries/-value (see
	// SetSetListpack); nil: defaults.
	setPackLim atomic.Pointer[[2]int]
	// listPack is list-max-listpack-size less its default (see
	// SetListPackSize).
	listPack atomic.Int32
	// listDepth is list-compress-depth (see SetListCompressDepth).
	listDepth atomic.Int32
}

// New makes an empty keyspace. It starts no goroutines: call Run for
// active expiry.
func New(cfg Config) (*Keyspace, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ks := &Keyspace{
		maxStr:    cfg.MaxStringLen,
		observer:  cfg.Observer,
		extra:     cfg.ExtraMemory,
		cycleDone: cfg.ExpireCycleDone,
		decoders:  cfg.Decoders,
		now:       cfg.Now,
		interval:  cfg.ExpiryInterval,
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
		ks.stripes[i].volatile = make(map[*entry]int64)
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
			if !ks.holdExp.Load() {
				var worked time.Duration
				next, worked = ks.activeExpireCycle(next, ks.interval/4)
				worked += ks.activeExpireFields()
				if ks.cycleDone != nil {
					ks.cycleDone(worked)
				}
			}
		}
	}
}

// HoldExpiry stops (on) or resumes the removal of expired keys, and
// eviction, as Redis's CLIENT PAUSE keeps the dataset still: while held,
// an expired key looks missing to every command but stays in place, and
// is neither counted as expired nor notified until it is removed later.
func (ks *Keyspace) HoldExpiry(on bool) {
	ks.holdExp.Store(on)
	if on {
		return
	}
	for i := range ks.stripes {
		sh := &ks.stripes[i]
		sh.mu.Lock()
		if !ks.holdExp.Load() {
			sh.held = false
		}
		sh.mu.Unlock()
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

// FixedMemory returns the bytes the keyspace holds whatever its keys:
// its lock stripes with their slot tables (about 770 KiB). UsedMemory
// does not count them.
func (ks *Keyspace) FixedMemory() int64 { return int64(unsafe.Sizeof(*ks)) }

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
			t.g, t.n, t.mem = nil, 0, 0
		}
		sh.volatile = make(map[*entry]int64)
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
	if e.hasTTL() && sh.volatile[e] <= ks.nowMs() {
		if ks.holdExp.Load() {
			// Expiry is held (CLIENT PAUSE): the key looks gone but stays.
			sh.held = true
			return nil
		}
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
func (ks *Keyspace) insert(sh *stripe, slot int, e *entry) { ks.insertAt(sh, slot, e, 0) }

// insertAt is insert for an entry that expires at unix ms at (0: never).
func (ks *Keyspace) insertAt(sh *stripe, slot int, e *entry, at int64) {
	if sh.held {
		// find may have called an expired key missing without removing
		// it: it goes now, as an expiry.
		if old := sh.slots[slot>>stripeBits].get(e.key()); old != nil {
			ks.del(sh, slot, old.key(), old, ReasonExpired)
			ks.expired.Add(1)
		}
	}
	sh.slots[slot>>stripeBits].put(e)
	sh.keys++
	if at != 0 {
		e.n |= entryTTL
		sh.volatile[e] = at
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
	if e.hasTTL() {
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

// expOf returns e's expiry in unix ms (0: none). The stripe's mutex must
// be held.
func (sh *stripe) expOf(e *entry) int64 {
	if !e.hasTTL() {
		return 0
	}
	return sh.volatile[e]
}

// setExpire changes e's expiry, keeping the volatile index and the
// accounting (an expiry costs volatileSlot) right.
func (ks *Keyspace) setExpire(sh *stripe, slot int, e *entry, at int64) {
	if sh.expOf(e) == at {
		return
	}
	ks.table(slot).ver.Add(1)
	ks.keyChanged(sh, e.key())
	var delta int64
	switch {
	case at == 0:
		delete(sh.volatile, e)
		e.n &^= entryTTL
		delta = -volatileSlot
	case !e.hasTTL():
		e.n |= entryTTL
		delta = volatileSlot
		fallthrough
	default:
		sh.volatile[e] = at
	}
	if e.isObj() {
		e.setMem(e.mem() + delta) // a string's follows from its flags
	}
	ks.accountMem(sh, slot, delta)
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
	ks.accountMem(sh, slot, delta)
	sh.slots[slot>>stripeBits].ver.Add(1)
}

// accountMem is account without a change of the slot's version, for a
// step of a change that counts itself once otherwise (Changes counts
// versions: rdb_changes_since_last_save).
func (ks *Keyspace) accountMem(sh *stripe, slot int, delta int64) {
	t := &sh.slots[slot>>stripeBits]
	t.mem += delta
	sh.mem.Add(delta)
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
