package ft

// Reading documents as of one moment. The index keeps what it filters
// by; the fields a search returns are read from the keyspace after the
// match, outside mu (Docs). A search is answered as of the moment of its
// match when none of the documents it read changed between that moment
// and their read (its watch says which changed: watch.go). Otherwise it
// tries again; an FT.AGGREGATE whose filter says by itself whether a
// document matches (reconcilable) instead moves its moment forward:
// it decides the changed documents again and reads them anew, until none
// of those changes in turn. After a few tries it reads with every key
// held still (Docs.Still), where only the keys its own reads find
// expired can change.

// Docs is where a search reads the documents' fields that the index does
// not keep: the node's keyspace.
type Docs struct {
	// Load returns the current fields of the document at key; false when
	// there is none.
	Load Loader
	// Pick, when set, reads some fields of the hash at key: fn(i, v) for
	// each names[i] it holds, v valid during the call only; false when
	// there is no hash at key. Without it a search reads with Load.
	Pick func(key string, names []string, fn func(i int, v []byte)) bool
	// Still, when set, runs fn while no document can change but for the
	// keys fn's reads find expired; Load and Pick called within fn do not
	// wait for what Still holds. Without it a search whose documents keep
	// changing under it answers after viewTries tries with what it read
	// last.
	Still func(fn func())
}

// viewTries is how many times a search reads its documents before it
// holds them still; viewRounds is how many times an FT.AGGREGATE moves
// its moment forward in one try.
const (
	viewTries  = 3
	viewRounds = 4
	// stillTries bounds the tries while documents are held still, where
	// only FT.ALTER or FT.SYNUPDATE can make one fail.
	stillTries = 16
)

// consistently runs attempt until it reports that what it read is as of
// one moment (done) or fails; attempt's still says that Docs.Still holds
// the documents.
func consistently(docs Docs, attempt func(still bool) (done bool, err error)) error {
	for try := 0; try < viewTries; try++ {
		done, err := attempt(false)
		if err != nil || done {
			return err
		}
	}
	if docs.Still == nil {
		return nil // what the last try read
	}
	var err error
	docs.Still(func() {
		for try := 0; try < stillTries; try++ {
			var done bool
			if done, err = attempt(true); err != nil || done {
				return
			}
		}
	})
	return err
}

// settled takes w's changes and reports whether none of the documents
// read says were among them (and the index did not change as a whole).
func (ix *Index) settled(w *watch, read func(id uint32) bool) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ids, all := w.take()
	if all {
		return false
	}
	for id := range ids {
		if read(id) {
			return false
		}
	}
	return true
}

// reconcilable reports whether whether a document matches n depends on
// that document alone (and the query), so that a document that changed
// can be decided again by itself: no vector range (its distances are
// worked out once per search), no tag or text pattern (expanded once
// over the index's words).
func reconcilable(n *Node) bool {
	switch n.Kind {
	case qVecRange:
		return false
	case qTag:
		for _, a := range n.tagAffix {
			if a != 0 {
				return false
			}
		}
	case qText:
		for _, t := range n.Terms {
			if expands(t) {
				return false
			}
		}
	}
	for _, k := range n.Kids {
		if !reconcilable(k) {
			return false
		}
	}
	return true
}
