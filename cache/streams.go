package cache

import (
	"errors"
	"math"
)

// Stream errors; the node adds "ERR " to those without a code of their
// own, and formats ErrNoGroup with the key and group names per command.
var (
	ErrStreamIDSmall     = errors.New("The ID specified in XADD is equal or smaller than the target stream top item")
	ErrStreamExhausted   = errors.New("The stream has exhausted the last possible ID, unable to add more items")
	ErrNoGroup           = errors.New("no such key or consumer group")
	ErrBusyGroup         = errors.New("consumer group name already exists")
	ErrXGroupKeyRequired = errors.New("The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
)

// streamRead runs fn on the stream at key (nil if missing).
func (ks *Keyspace) streamRead(key []byte, fn func(s *stream) error) error {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.read(sh, slot, key)
	if e == nil {
		return fn(nil)
	}
	if e.kind() != kindStream {
		return ErrWrongType
	}
	return fn(e.streamVal())
}

// streamWrite runs fn on the stream at key, creating an empty one first
// if create is set (fn gets nil for a missing key otherwise). fn reports
// whether it changed the stream; a new stream is stored only then. An
// empty stream stays (as in Redis).
func (ks *Keyspace) streamWrite(key []byte, create bool, fn func(s *stream) (bool, error)) error {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e != nil && e.kind() != kindStream {
		return ErrWrongType
	}
	if e == nil {
		if !create {
			_, err := fn(nil)
			return err
		}
		s := &stream{}
		changed, err := fn(s)
		if changed {
			ks.insert(sh, slot, newEntry(bstr(key), kindStream, nil, s))
		}
		return err
	}
	changed, err := fn(e.streamVal())
	if changed {
		ks.touch(e)
		ks.resize(sh, slot, e)
	}
	return err
}

// XAddArgs is a parsed XADD.
type XAddArgs struct {
	ID         StreamID
	IDGiven    bool // an explicit ID (else *)
	SeqGiven   bool // the ID's sequence was given (not ms-*)
	NoMkStream bool
	Trim       TrimArgs
	Fields     [][]byte // field, value, ...
}

// XAdd appends an entry and returns its ID; ok is false when NOMKSTREAM
// finds no stream.
func (ks *Keyspace) XAdd(key []byte, a *XAddArgs) (id StreamID, ok bool, err error) {
	err = ks.streamWrite(key, !a.NoMkStream, func(s *stream) (bool, error) {
		if s == nil {
			return false, nil
		}
		ok = true
		if s.lastID == MaxStreamID {
			return false, ErrStreamExhausted
		}
		switch {
		case a.IDGiven && a.SeqGiven:
			id = a.ID
		case a.IDGiven:
			id = StreamID{a.ID.Ms, 0}
			if s.lastID.Ms == a.ID.Ms {
				if s.lastID.Seq == math.MaxUint64 {
					return false, ErrStreamIDSmall
				}
				id.Seq = s.lastID.Seq + 1
			}
		default:
			now := uint64(max(ks.nowMs(), 0))
			if now > s.lastID.Ms {
				id = StreamID{now, 0}
			} else {
				id, _ = s.lastID.Incr()
			}
		}
		if id.Cmp(s.lastID) <= 0 {
			return false, ErrStreamIDSmall
		}
		s.appendEntry(id, a.Fields, int(min(ks.streamNode.Load(), 1<<30)))
		s.trim(a.Trim)
		return true, nil
	})
	return id, ok, err
}

// XLen returns the number of entries.
func (ks *Keyspace) XLen(key []byte) (int64, error) {
	var n int64
	err := ks.streamRead(key, func(s *stream) error {
		if s != nil {
			n = int64(s.length())
		}
		return nil
	})
	return n, err
}

// XRange returns the entries in [start, end], at most count (0: all),
// last first when rev.
func (ks *Keyspace) XRange(key []byte, start, end StreamID, count int, rev bool) ([]StreamEntry, error) {
	var out []StreamEntry
	err := ks.streamRead(key, func(s *stream) error {
		if s != nil {
			out = s.rangeEntries(start, end, count, rev)
		}
		return nil
	})
	return out, err
}

// XTrim trims the stream and returns how many entries it removed.
func (ks *Keyspace) XTrim(key []byte, t TrimArgs) (int64, error) {
	var n int64
	err := ks.streamWrite(key, false, func(s *stream) (bool, error) {
		if s == nil {
			return false, nil
		}
		n = s.trim(t)
		return n > 0, nil
	})
	return n, err
}

// XDel deletes entries by ID and returns how many existed.
func (ks *Keyspace) XDel(key []byte, ids []StreamID) (int64, error) {
	var n int64
	err := ks.streamWrite(key, false, func(s *stream) (bool, error) {
		if s == nil {
			return false, nil
		}
		for _, id := range ids {
			if s.del(id) {
				n++
			}
		}
		return n > 0, nil
	})
	return n, err
}

// XSetIDArgs is a parsed XSETID.
type XSetIDArgs struct {
	ID           StreamID
	EntriesAdded int64 // -1: not given
	MaxDeleted   StreamID
}

// XSetID sets the stream's last ID (and optionally its counters).
func (ks *Keyspace) XSetID(key []byte, a XSetIDArgs) error {
	return ks.streamWrite(key, false, func(s *stream) (bool, error) {
		if s == nil {
			return false, ErrNoSuchKey
		}
		if a.ID.Less(s.maxDeleted) {
			return false, errors.New("The ID specified in XSETID is smaller than current max_deleted_entry_id")
		}
		if s.length() > 0 {
			if a.ID.Less(s.lastValidID()) {
				return false, errors.New("The ID specified in XSETID is smaller than the target stream top item")
			}
			if a.EntriesAdded != -1 && int64(s.length()) > a.EntriesAdded {
				return false, errors.New("The entries_added specified in XSETID is smaller than the target stream length")
			}
		}
		s.lastID = a.ID
		if a.EntriesAdded != -1 {
			s.entriesAdded = uint64(a.EntriesAdded)
		}
		if !a.MaxDeleted.IsZero() {
			s.maxDeleted = a.MaxDeleted
		}
		return true, nil
	})
}

// StreamLastID returns the stream's last ID and whether key holds a
// stream (XREAD's $); ErrWrongType for another type.
func (ks *Keyspace) StreamLastID(key []byte) (StreamID, bool, error) {
	var id StreamID
	found := false
	err := ks.streamRead(key, func(s *stream) error {
		if s != nil {
			id, found = s.lastID, true
		}
		return nil
	})
	return id, found, err
}

// StreamHasGroup checks XREADGROUP's key: ErrWrongType, or ErrNoGroup
// when the stream or the group is missing.
func (ks *Keyspace) StreamHasGroup(key []byte, group string) error {
	return ks.streamRead(key, func(s *stream) error {
		if s == nil || s.group(group) == nil {
			return ErrNoGroup
		}
		return nil
	})
}

// XRead returns the entries after id, at most count (0: all); ok is false
// when there are none (the stream is then left out of the reply).
func (ks *Keyspace) XRead(key []byte, after StreamID, count int) (out []StreamEntry, ok bool, err error) {
	err = ks.streamRead(key, func(s *stream) error {
		if s == nil || s.length() == 0 || !after.Less(s.lastValidID()) {
			return nil
		}
		start, _ := after.Incr()
		out, ok = s.rangeEntries(start, MaxStreamID, count, false), true
		return nil
	})
	return out, ok, err
}

// SetStreamNodeMaxEntries sets stream-node-max-entries: how many entries
// a stream node holds, the unit approximate trimming removes (0: no
// limit).
func (ks *Keyspace) SetStreamNodeMaxEntries(n int64) { ks.streamNode.Store(max(n, 0)) }

// StreamNodeMaxEntries returns stream-node-max-entries.
func (ks *Keyspace) StreamNodeMaxEntries() int64 { return ks.streamNode.Load() }

// StreamClockMs is the keyspace's clock in unix milliseconds (XCLAIM's
// IDLE counts back from it).
func (ks *Keyspace) StreamClockMs() int64 { return ks.nowMs() }

// XGroupCheck checks XGROUP's key and group: ErrWrongType,
// ErrXGroupKeyRequired for a missing stream, ErrNoGroup for a missing
// group.
func (ks *Keyspace) XGroupCheck(key []byte, group string) error {
	return ks.streamRead(key, func(s *stream) error {
		if s == nil {
			return ErrXGroupKeyRequired
		}
		if s.group(group) == nil {
			return ErrNoGroup
		}
		return nil
	})
}
