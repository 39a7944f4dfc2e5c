package cache

import (
	"testing"

	"github.com/vcache/vcache/internal/rdb"
)

// TestLegacyStreamGroupsEntriesRead: a stream of Redis 6.2 or older keeps
// no entries-read per group; loading one estimates it as Redis 7 does (a
// group at the first entry has read entries-added - length + 1, one
// before it entries-added - length), so XINFO shows entries-read and lag.
// A newer stream whose group says unknown stays unknown.
func TestLegacyStreamGroupsEntriesRead(t *testing.T) {
	id := func(ms uint64) rdb.StreamID { return rdb.StreamID{Ms: ms} }
	v := &rdb.StreamValue{
		Entries: []rdb.StreamEntry{{ID: id(5), Fields: [][]byte{[]byte("data"), []byte("e")}},
			{ID: id(6), Fields: [][]byte{[]byte("data"), []byte("f")}}},
		Last: id(6), First: id(5), EntriesAdded: 2, Legacy: true,
		Groups: []rdb.StreamGroup{{Name: []byte("g1"), LastID: id(5), EntriesRead: -1},
			{Name: []byte("g2"), LastID: id(0), EntriesRead: -1},
			{Name: []byte("g3"), LastID: id(6), EntriesRead: -1}},
	}
	want := map[string]int64{"g1": 1, "g2": 0, "g3": 2}
	s := streamFromRDB(v, 100)
	for _, g := range s.groups {
		if g.entriesRead != want[g.name] {
			t.Errorf("legacy %s: entries-read %d, want %d", g.name, g.entriesRead, want[g.name])
		}
	}
	v.Legacy = false
	for _, g := range streamFromRDB(v, 100).groups {
		if g.entriesRead != -1 {
			t.Errorf("%s: entries-read %d, want -1 (unknown) as stored", g.name, g.entriesRead)
		}
	}
}
