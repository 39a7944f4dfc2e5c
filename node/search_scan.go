package node

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/vector/ft"
)

// The scan that indexes the documents a keyspace holds when FT.CREATE (or
// FT.ALTER) makes or widens an index. RediSearch answers at once and
// indexes them in the background, FT.INFO showing indexing 1 and
// percent_indexed below 1 meanwhile, searches answering over what is
// indexed so far; a node does the same. The scan runs on a background
// goroutine a slot at a time, under that slot's stripe lock only: a write
// to a key waits for one slot's documents at most, and the event loops
// for none. The command answers once the scan has indexed scanInline
// documents or finished: a small keyspace is indexed before the reply,
// as clients that create an index and search it at once expect.
//
// A write during the scan is indexed by the keyspace's observer under the
// same stripe lock the scan reads the key under, and the index is in the
// catalog before the scan starts: a key the scan has passed follows its
// writes, one it has not reached is indexed as it is when the scan gets
// there, a deleted key leaves the index or is never read. FT.DROPINDEX
// stops the scan at its next slot, as does the node's shutdown. A
// snapshot taken meanwhile saves the documents indexed so far, and
// loading one indexes every document of the keyspace again as it loads
// (ft.Catalog.Load); a replica runs its own scan on the FT.CREATE its
// stream carries, and the documents a full sync or a migration imports
// after it reach the index through the observer.

// scanInline is how many documents the scan indexes before FT.CREATE
// answers.
const scanInline = 4096

// docScans are the scans under way, one per index.
type docScans struct {
	mu   sync.Mutex // guards jobs
	jobs map[*ft.Index]*docScan
}

// docScan is one index's scan.
type docScan struct {
	stop atomic.Bool   // set by a scan of the same index that replaces it
	done chan struct{} // closed when the scan has ended
}

// indexExisting indexes the hashes (or JSON documents) under ix's
// prefixes that exist already, stopping a scan of ix under way first (an
// FT.ALTER rescans what FT.CREATE's scan may have passed). It returns
// when the scan has indexed scanInline documents or ended; the rest goes
// on in the background (synchronously when the node is not serving).
func (n *Node) indexExisting(ix *ft.Index) {
	job := &docScan{done: make(chan struct{})}
	n.scans.mu.Lock()
	if n.scans.jobs == nil {
		n.scans.jobs = map[*ft.Index]*docScan{}
	}
	old := n.scans.jobs[ix]
	n.scans.jobs[ix] = job
	n.scans.mu.Unlock()
	if old != nil {
		old.stop.Store(true)
		<-old.done
	}
	ix.Scanning(0, keyslot.Count)
	first := make(chan struct{})
	var once sync.Once
	answer := func() { once.Do(func() { close(first) }) }
	run := func(ctx context.Context) {
		defer close(job.done)
		defer answer()
		defer n.scans.end(ix, job)
		n.scanDocs(ctx, ix, job, answer)
	}
	if !n.goBackground(run) {
		run(context.Background())
	}
	<-first
}

// end forgets job, ix's scan, unless another has replaced it.
func (s *docScans) end(ix *ft.Index, job *docScan) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.jobs[ix] == job {
		delete(s.jobs, ix)
	}
}

// scanDocs walks the keyspace for ix until it has seen every slot, ix is
// dropped, job is replaced or ctx ends; answer runs once scanInline
// documents are indexed. Between slots it reports its progress (FT.INFO)
// and waits for room in ix's HNSW buffers.
func (n *Node) scanDocs(ctx context.Context, ix *ft.Index, job *docScan, answer func()) {
	defer ix.EndScan()
	slots, docs := 0, 0
	upserted := func() { docs++ }
	pause := func() bool {
		slots++
		ix.Scanning(min(slots, keyslot.Count), keyslot.Count)
		if docs >= scanInline {
			answer()
		}
		if job.stop.Load() || ctx.Err() != nil || ix.Dropped() {
			return false
		}
		ix.WaitRoom()
		return true
	}
	if ix.Schema().OnJSON {
		indexJSONDocs(n.ks, ix, upserted, pause)
		return
	}
	n.ks.ForEachHash(ix.Schema().Prefixes, func(key string, fields map[string][]byte) {
		ix.Upsert(key, fields)
		upserted()
	}, pause)
}
