package cache

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// sideIndex stands in for a vector index: it holds perDoc bytes for each
// hash the keyspace reports, and gives them back when the key goes.
type sideIndex struct {
	perDoc int64
	mu     sync.Mutex
	docs   map[string]bool
	bytes  atomic.Int64
}

func (s *sideIndex) HashChanged(key string, slot int, fields map[string][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.docs[key] {
		s.docs[key] = true
		s.bytes.Add(s.perDoc)
	}
}

func (s *sideIndex) KeyRemoved(key string, slot int, why Reason) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docs[key] {
		delete(s.docs, key)
		s.bytes.Add(-s.perDoc)
	}
}

// TestExtraMemory: bytes held outside the keyspace (Config.ExtraMemory)
// count in used memory and against maxmemory: under noeviction writes are
// refused once keys and extra bytes pass the limit; under allkeys-lru
// eviction goes on until both together fit, and the extra bytes of the
// evicted hashes go too.
func TestExtraMemory(t *testing.T) {
	const limit, perDoc = 1 << 20, 2000
	hset := func(ks *Keyspace, i int) {
		ks.HSet(fmt.Appendf(nil, "doc:%d", i), [][]byte{[]byte("v"), bytes.Repeat([]byte("x"), 100)}, false)
	}
	for _, p := range []Policy{NoEviction, AllKeysLRU} {
		t.Run(p.String(), func(t *testing.T) {
			side := &sideIndex{perDoc: perDoc, docs: map[string]bool{}}
			ks := newKS(t, func(c *Config) {
				c.MaxMemory, c.Policy, c.Observer, c.ExtraMemory = limit, p, side, side.bytes.Load
			})
			oomAt := -1
			for i := 0; i < 5000; i++ {
				if ks.OverMemory() {
					oomAt = i
					break
				}
				hset(ks, i)
			}
			if p != NoEviction {
				ks.OverMemory() // the node evicts after a write too
			}
			st := ks.Stats()
			if st.ExtraMemory != side.bytes.Load() || st.UsedMemory != ks.KeysMemory()+st.ExtraMemory {
				t.Fatalf("stats: used %d, extra %d; keys %d, side %d", st.UsedMemory, st.ExtraMemory, ks.KeysMemory(), side.bytes.Load())
			}
			perKey := ks.KeysMemory() / max(st.Keys, 1)
			switch p {
			case NoEviction:
				// Without the extra bytes the limit fits ~5000 keys.
				if oomAt < 0 || st.Keys > limit/perDoc {
					t.Fatalf("OOM at %d with %d keys (extra %d B)", oomAt, st.Keys, st.ExtraMemory)
				}
				if st.UsedMemory <= limit || st.UsedMemory > limit+perDoc+perKey {
					t.Fatalf("used %d at OOM, limit %d", st.UsedMemory, limit)
				}
			default:
				if oomAt >= 0 || st.EvictedKeys == 0 {
					t.Fatalf("OOM at %d, evicted %d", oomAt, st.EvictedKeys)
				}
				if st.UsedMemory > limit {
					t.Fatalf("used %d after eviction, limit %d", st.UsedMemory, limit)
				}
				if int64(len(side.docs)) != st.Keys {
					t.Fatalf("side index holds %d docs, keyspace %d keys", len(side.docs), st.Keys)
				}
			}
		})
	}
}
