package ft

import (
	"runtime"

	"github.com/vcache/vcache/vector"
)

// An HNSW field's engine is a vector.Tiered over the graph: Upsert puts
// the vector in a small buffer, searched exactly, and background workers
// (one per core) insert it into the graph, so a load over one connection
// uses every core and a search never waits for an insert behind mu. The
// buffer is bounded: Upsert waits for room before it takes mu (the
// writer's connection waits, searches go on).

// tier wraps an HNSW engine; other engines are returned as they are.
func (ix *Index) tier(e vector.Index) vector.Index {
	if e.Params().Algorithm != vector.HNSW {
		return e
	}
	t := vector.NewTiered(e, vector.DefaultTierLimit, runtime.GOMAXPROCS(0))
	// The workers' inserts grow the graph after the Upserts counted it.
	t.OnIdle = ix.refreshEngines
	t.OnFull = func(full bool) {
		if p := ix.fulls.Load(); p != nil {
			if full {
				p.Add(1)
			} else {
				p.Add(-1)
			}
		}
	}
	t.Direct = func() bool {
		d := ix.direct.Load()
		return d != nil && d.Load()
	}
	return t
}

// tiers returns the index's tiered engines.
func (ix *Index) tiers() []*vector.Tiered {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []*vector.Tiered
	for _, e := range ix.engine {
		if t, ok := e.(*vector.Tiered); ok {
			out = append(out, t)
		}
	}
	return out
}

// WaitRoom waits while one of the index's HNSW buffers is full (a scan
// that indexes existing documents waits between its batches, holding no
// lock). mu must not be held.
func (ix *Index) WaitRoom() { ix.waitRoom() }

// waitRoom waits while a tiered engine's buffer is full. mu must not be
// held.
func (ix *Index) waitRoom() {
	for _, t := range ix.tiers() {
		t.WaitRoom()
	}
}

// backlog returns the vector changes waiting for the workers. mu must
// be held.
func (ix *Index) backlog() int {
	n := 0
	for _, e := range ix.engine {
		if t, ok := e.(*vector.Tiered); ok {
			n = max(n, t.Backlog())
		}
	}
	return n
}

// Flush waits until the engines' workers have taken every change (tests,
// and callers that need the graphs complete).
func (ix *Index) Flush() {
	for _, t := range ix.tiers() {
		t.Flush()
	}
}

// stopTiers stops the workers of a dropped index. mu must not be held.
func (ix *Index) stopTiers() {
	for _, t := range ix.tiers() {
		t.Close()
	}
}

// SetDirect has the catalog's HNSW fields insert each vector in the
// writer, without the buffer (true), or through it (false): a node under
// maxmemory judges each write with the growth it causes in the graph at
// once, which inserts made later by the workers would escape. Cheap
// enough to call before every write.
func (c *Catalog) SetDirect(on bool) {
	if c.direct.Load() != on {
		c.direct.Store(on)
	}
}

// Close stops the HNSW workers of every index (a node shutting down,
// after its last snapshot: the buffered vectors stay searched, and the
// snapshot did not need them in the graphs).
func (c *Catalog) Close() {
	for _, ix := range c.all() {
		ix.stopTiers()
	}
}

// Backpressure reports whether an HNSW buffer is full: a write that may
// feed it waits for room (WaitRoom) before it takes any lock, off the
// event loops.
func (c *Catalog) Backpressure() bool { return c.full.Load() > 0 }

// WaitRoom waits while an index's HNSW buffer is full.
func (c *Catalog) WaitRoom() {
	for _, ix := range c.all() {
		ix.waitRoom()
	}
}

// Scanning tells the index how far a scan indexing its existing documents
// has gone (done of total parts of the keyspace): FT.INFO shows indexing 1
// and percent_indexed at most that until EndScan, as RediSearch does while
// it indexes the documents an FT.CREATE found.
func (ix *Index) Scanning(done, total int) {
	ix.scan.Store(1 + min(int64(done)*1_000_000/int64(max(total, 1)), 999_999))
}

// EndScan ends what Scanning reports.
func (ix *Index) EndScan() { ix.scan.Store(0) }

// scanned is the part of the keyspace a running scan has gone through, 1
// when none runs.
func (ix *Index) scanned() float64 {
	v := ix.scan.Load()
	if v == 0 {
		return 1
	}
	return float64(v-1) / 1_000_000
}
