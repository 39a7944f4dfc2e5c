package cache

import (
	"bytes"
	"errors"
	"fmt"
	"math"

	"github.com/vcache/vcache/internal/rdb"
)

// ErrBusyKey is RESTORE's error for an existing key without REPLACE.
var ErrBusyKey = errors.New("target key name already exists")

// ErrNoRDBForm is DUMP's error for a value that has no DUMP form at all
// (every kind has one today: custom values such as vector sets are dumped
// in vcache's own form, dump_native.go).
var ErrNoRDBForm = errors.New("no RDB serialization for this type")

// Dump returns the DUMP payload of key's value (Redis 7.0's RDB form),
// false when the key is missing.
func (ks *Keyspace) Dump(key []byte) ([]byte, bool, error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.read(sh, slot, key)
	if e == nil {
		return nil, false, nil
	}
	v, err := rdbValue(e)
	if err != nil {
		return nil, true, err
	}
	return rdb.Encode(v), true, nil
}

// rdbValue returns e's value for the RDB encoder. A new kind adds its
// case here (and one in fromRDB).
func rdbValue(e *entry) (rdb.Value, error) {
	if v, ok := nativeValue(e); ok {
		return v, nil
	}
	switch e.kind() {
	case kindString:
		return rdb.Value{Kind: rdb.String, Str: e.str()}, nil
	case kindHash:
		v := rdb.Value{Kind: rdb.Hash}
		e.view().each(func(f, val []byte) bool {
			v.Pairs = append(v.Pairs, f, val)
			return true
		})
		return v, nil
	case kindSet:
		v := rdb.Value{Kind: rdb.Set}
		e.setVal().each(func(m string) bool {
			v.Members = append(v.Members, []byte(m))
			return true
		})
		return v, nil
	case kindZSet:
		v := rdb.Value{Kind: rdb.ZSet}
		e.zsetVal().each(func(m string, s float64) bool {
			v.Z = append(v.Z, rdb.ZEntry{Member: []byte(m), Score: s})
			return true
		})
		return v, nil
	case kindList:
		v := rdb.Value{Kind: rdb.List}
		l := e.listVal()
		l.each(0, func(_ int, it []byte) bool {
			v.Items = append(v.Items, bytes.Clone(it)) // it is valid during the call only
			return true
		})
		l.release()
		return v, nil
	case kindStream:
		return rdb.Value{Kind: rdb.Stream, Stream: rdbStream(e.streamVal())}, nil
	case kindCustom:
		return customNative(e.customVal()) // dump_native.go
	case kindJSON:
		return rdb.Value{}, fmt.Errorf("%w: %s", ErrNoRDBForm, JSONTypeName)
	}
	return rdb.Value{}, fmt.Errorf("%w: kind %d", ErrNoRDBForm, e.kind())
}

// fromRDB builds an entry's kind and object (or string bytes) from a
// decoded value.
func (ks *Keyspace) fromRDB(v rdb.Value) (kind, []byte, any) {
	switch v.Kind {
	case rdb.Hash:
		val, obj := ks.hashFrom(v.Pairs, v.Packed) // packed when small, as Redis loads it
		return kindHash, val, obj
	case rdb.Set:
		s := &setObj{}
		for _, m := range v.Members {
			s.add(string(m), ks.setLimits())
		}
		return kindSet, nil, s
	case rdb.ZSet:
		z, lim := newZSet(), ks.zlim()
		for _, m := range v.Z {
			z.set(string(m.Member), m.Score, lim)
		}
		if v.Packed {
			lim.value = math.MaxInt // a listpack stays one by its count alone
		}
		z.fit(lim) // as Redis loads a small one: packed
		return kindZSet, nil, z
	case rdb.List:
		l := newList(v.Items, ks.listFill())
		l.setDepth(ks.listDepth.Load())
		return kindList, nil, l
	case rdb.Stream:
		return kindStream, nil, streamFromRDB(v.Stream, int(min(ks.streamNode.Load(), 1<<30)))
	}
	return kindString, v.Str, nil
}

// RestoreOptions are RESTORE's options, checked by the caller.
type RestoreOptions struct {
	// ExpireAt is the key's expiry in unix ms (0: none); one already past
	// restores nothing (and deletes the key with Replace).
	ExpireAt int64
	// Replace overwrites an existing key; without it an existing key is
	// ErrBusyKey.
	Replace bool
	// IdleSecs (>= 0) sets the key's LRU idle time; Freq (>= 0) its LFU
	// counter; -1 leaves each as a new key's.
	IdleSecs, Freq int64
}

// Restore creates key from a DUMP payload: ErrBusyKey for an existing
// key without Replace, rdb.ErrChecksum or rdb.ErrFormat for a bad payload.
func (ks *Keyspace) Restore(key, payload []byte, o RestoreOptions) error {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	old := ks.find(sh, slot, key)
	if old != nil && !o.Replace {
		return ErrBusyKey
	}
	v, err := rdb.Decode(payload)
	if err != nil {
		return err
	}
	var (
		k   kind
		val []byte
		obj any
	)
	if v.Kind == rdb.Native { // read before the old value goes: a bad payload changes nothing
		if k, obj, err = fromNative(v.Body, ks.nowMs(), ks.decoders); err != nil {
			return err
		}
	} else {
		k, val, obj = ks.fromRDB(v)
	}
	if old != nil {
		ks.del(sh, slot, string(key), old, ReasonDeleted)
	}
	if o.ExpireAt != 0 && o.ExpireAt <= ks.nowMs() {
		return nil
	}
	if obj == nil && k == kindHash && v.Kind == rdb.Native { // every field's TTL has passed
		return nil
	}
	e := newEntry(bstr(key), k, val, obj)
	ks.insertAt(sh, slot, e, o.ExpireAt)
	clock := ks.clock.Load()
	switch {
	case o.Freq >= 0 && (ks.Policy() == AllKeysLFU || ks.Policy() == VolatileLFU):
		e.access = (clock/600)&0xFFFF<<8 | uint32(o.Freq)
	case o.IdleSecs >= 0 && ks.Policy() != AllKeysLFU && ks.Policy() != VolatileLFU:
		e.access = clock - uint32(min(o.IdleSecs, 1<<28)*10) // modular, as Access reads it
	}
	if k == kindHash {
		hashChanged(ks, key, slot, e)
	}
	ks.jsonChanged(string(key), slot, e)
	return nil
}
