package vector

// The float32 vectors of an HNSW graph, its largest array (512 bytes a node
// at 128 dimensions, a fifth of what a document of an FT index takes), are
// kept in chunks of vecChunk nodes. A graph that grew one flat array by an
// eighth copied it whole: for the moment of the copy the old array and the
// new one were both live, and the old one stayed in the heap as garbage
// until a collection, so the process held the whole array twice (22 MB
// beyond used_memory at 42,000 128-d vectors, twice that at 200mb of them),
// past maxmemory and the Go memory limit alike. Chunks grow by a new chunk;
// only the last, while it is not full, is regrown (at most vecChunk
// vectors copied). Capacity stays exact (growTo), as MemoryBytes counts it.
//
// The level-0 link lists (33 uint32 a node at M 16) and the search codes
// (a quarter of a vector) are chunked the same way: flat, the copy of the
// two at a growth of a 42,000-node graph put 11 MB of garbage beside 12 MB
// of new arrays, the peak of RSS when loading to maxmemory. What stays
// flat is a few bytes a node (levels, ids, norms, upper-level pointers).
const (
	vecShift = 10
	vecChunk = 1 << vecShift // nodes a chunk
	vecMask  = vecChunk - 1
)

// growChunks returns chunks (holding from nodes of stride values) with
// room for exactly to nodes.
func growChunks[T any](chunks [][]T, stride, from, to int) [][]T {
	for k := from / vecChunk; k*vecChunk < to; k++ {
		have := max(min(vecChunk, from-k*vecChunk), 0)
		want := min(vecChunk, to-k*vecChunk)
		if k < len(chunks) {
			chunks[k] = growTo(chunks[k], have*stride, want*stride)
		} else {
			chunks = append(chunks, make([]T, want*stride))
		}
	}
	return chunks
}

// growSizes returns the capacity of the flat arrays and the nodes of the
// chunked ones (capacity c and chunk nodes cc now) with room for n nodes:
// the capacity by nextCap, the chunks to the end of node n-1's chunk (or
// to the capacity, a graph of fewer than vecChunk nodes having one partial
// chunk). The flat arrays, a few bytes a node, keep nextCap's spare
// capacity; the chunked ones, nearly all of a node's bytes, have at most
// a chunk to spare: where they grew with the capacity, a graph that had
// just grown by an eighth held an eighth of its vectors and lists unused
// (640 bytes a vector on GloVe-100 at 100,000 vectors, 9% of them spare).
func growSizes(c, cc, n int) (int, int) {
	if n > c {
		c = max(n, nextCap(c))
	}
	if n > cc {
		cc = min(c, (n+vecMask)&^vecMask)
	}
	return c, cc
}

// growthFor returns how much MemoryBytes rises while n more vectors are
// inserted: a node's bytes for each that reuses a purged slot or a
// tombstone's (reclaimed before growing; MemoryBytes leaves them out),
// then, once those and the room of the chunks are used up, the growths.
func (h *hnsw) growthFor(n int) int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	h.idMu.Lock()
	reuse := len(h.free) + h.ndead
	next := int(h.next)
	h.idMu.Unlock()
	b := int64(min(n, reuse)) * h.nodeBytes()
	c, cc := h.capN, h.chunkN
	for left := n - reuse; left > 0; {
		take := min(left, cc-next)
		next, left = next+take, left-take
		if left == 0 {
			break
		}
		nc, ncc := growSizes(c, cc, next+1)
		b += h.arraysBytes(nc, ncc) - h.arraysBytes(c, cc)
		c, cc = nc, ncc
	}
	return b
}

// arraysBytes returns what the graph's per-node arrays take on the heap
// at capacity c with cc nodes in the chunks: each allocation rounded up
// to its size class (whole pages past 32 KiB), which nodeBytes a node
// leaves out: a 256-node graph's level-0 lists are 33.8 KB of links in a
// 40 KB allocation. The arrays are sized exactly (growTo, growChunks), so
// c and cc tell their sizes.
func (h *hnsw) arraysBytes(c, cc int) int64 {
	b := h.st.arraysBytes(c, cc) + SizeClass(c) + chunkedBytes(cc, (h.m0+1)*4) + SizeClass(c*8) + 2*SizeClass(c*4)
	if h.sq != nil {
		b += chunkedBytes(cc, h.sq.stride) + SizeClass(c*4)
	}
	return b
}

// chunkedBytes is what chunks of per bytes a node take for c nodes.
func chunkedBytes(c, per int) int64 {
	var b int64
	k := 0
	for ; k*vecChunk < c; k++ {
		b += SizeClass(min(vecChunk, c-k*vecChunk) * per)
	}
	return b + SizeClass(k*24)
}
