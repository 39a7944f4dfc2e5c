package ft

import (
	"slices"
	"sync"
)

// Watches. A search reads its documents' fields from the keyspace (an
// FT.AGGREGATE's rows, an FT.SEARCH's page) after it has matched them
// under mu and let go of it, so writers are not held up meanwhile. To
// answer as of one moment all the same, it watches the index from its
// match on: every Upsert and Delete, which the keyspace makes under the
// key's lock after the change itself, notes its document in each watch,
// so the search learns which documents may have changed since (view.go).

// watching is an Index's watches.
type watching struct {
	// watchMu guards watches together with mu: a search adds or removes
	// its watch holding mu for reading and watchMu, a writer reads them
	// holding mu for writing.
	watchMu sync.Mutex
	watches []*watch
	// gone is set, under mu for writing, when the index leaves its
	// catalog: its documents stop following the keyspace.
	gone bool
}

// A watch is one search's record of the documents changed since it
// began (or since it last took them). Written under the index's mu for
// writing, read by its search under mu for reading.
type watch struct {
	ids map[uint32]struct{}
	// all says that any document may have changed, or the index itself
	// (FT.ALTER, FT.SYNUPDATE, FT.DROPINDEX), or too many documents to
	// list (more than maxWatched).
	all bool
}

// maxWatched is how many changed documents a watch lists before it says
// all instead.
const maxWatched = 1 << 20

// noteChange tells the watches that document id changed. mu must be held
// for writing.
func (ix *Index) noteChange(id uint32) {
	for _, w := range ix.watches {
		if w.all {
			continue
		}
		if w.ids == nil {
			w.ids = map[uint32]struct{}{}
		}
		w.ids[id] = struct{}{}
		if len(w.ids) > maxWatched {
			w.all, w.ids = true, nil
		}
	}
}

// noteAll tells the watches that anything may have changed. mu must be
// held for writing.
func (ix *Index) noteAll() {
	for _, w := range ix.watches {
		w.all, w.ids = true, nil
	}
}

// leave marks the index gone from its catalog (FT.DROPINDEX): a search
// still reading it answers as if it had begun after the drop.
func (ix *Index) leave() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.gone = true
	ix.noteAll()
}

// Dropped reports whether the index has left its catalog (FT.DROPINDEX):
// a scan indexing the keyspace's documents for it stops.
func (ix *Index) Dropped() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.gone
}

// watchLocked starts a watch. mu must be held for reading.
func (ix *Index) watchLocked() *watch {
	w := &watch{}
	ix.watchMu.Lock()
	ix.watches = append(ix.watches, w)
	ix.watchMu.Unlock()
	return w
}

// unwatch ends w. mu must not be held.
func (ix *Index) unwatch(w *watch) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ix.watchMu.Lock()
	defer ix.watchMu.Unlock()
	ix.watches = slices.DeleteFunc(ix.watches, func(x *watch) bool { return x == w })
}

// take returns the documents changed since w began or was last taken,
// and whether any may have. mu must be held for reading.
func (w *watch) take() (map[uint32]struct{}, bool) {
	ids := w.ids
	w.ids = nil
	return ids, w.all
}
