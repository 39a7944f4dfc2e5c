package node

import (
	"io"
	"sync/atomic"

	"github.com/vcache/vcache/cluster"
)

// snapMap is the shard map a cluster node keeps in its snapshot.
type snapMap struct {
	// final is the map as it was when shutdown began, before the node
	// left the cluster; the shutdown snapshot keeps it.
	final atomic.Pointer[cluster.Map]
	// restored is the map the loaded snapshot held (nil: none); set
	// while New loads the snapshot, read-only after.
	restored *cluster.Map
}

// mapToSave returns the encoded shard map a snapshot keeps: the one from
// when shutdown began, or the current one; nil when standalone or before
// the first map.
func (n *Node) mapToSave() []byte {
	m := n.smap.final.Load()
	if m == nil {
		cl := n.cl.Load()
		if cl == nil {
			return nil
		}
		m = cl.Map()
	}
	b, err := m.MarshalBinary()
	if err != nil {
		return nil
	}
	return b
}

// readMap reads the snapshot's shard map section.
func (n *Node) readMap(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := cluster.UnmarshalMap(b)
	if err != nil {
		return err
	}
	n.smap.restored = m
	return nil
}

// RestoredMap returns the shard map of the snapshot the node loaded at
// start, or nil. A node in a cluster hands it to its member, which lays
// out the first map as it says when the whole cluster restarted.
func (n *Node) RestoredMap() *cluster.Map { return n.smap.restored }
