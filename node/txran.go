package node

import (
	"sync"
	"time"
)

// What a transaction that spans nodes ran on this node, for a proxy that
// lost its reply. The proxy sends a part's MULTI/EXEC on the connection
// that holds the part's VCACHE.TXLOCK (txlock.go); when the EXEC's reply
// does not come (the node slow past the proxy's patience, the connection
// closed), the proxy cannot tell whether it ran. It asks afterwards, on
// another connection:
//
//	VCACHE.TXRAN id key   -> the number of EXECs that ran under lock id
//	                         (-1: none known)
//
// key is one of the lock's keys: TXRAN waits for its stripe as any
// command on it does, so it answers only once the lock is released
// (TXUNLOCK, the connection's close, or its lease), when no EXEC can run
// under it any more. A lock's count is kept for txRanFor after its
// release, at most txRanMax of them.

const (
	txRanFor = time.Minute
	txRanMax = 4096
)

// txRanLog is the EXEC counts of released transaction locks.
type txRanLog struct {
	// mu guards counts and order.
	mu     sync.Mutex
	counts map[string]int
	order  []txRanEntry // oldest first
}

type txRanEntry struct {
	id string
	at time.Time
}

// note keeps lock id's count of EXECs, forgetting what is too old or too
// many.
func (t *txRanLog) note(id string, execs int) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts = map[string]int{}
	}
	drop := 0
	for drop < len(t.order) && (len(t.order)-drop >= txRanMax || now.Sub(t.order[drop].at) > txRanFor) {
		delete(t.counts, t.order[drop].id)
		drop++
	}
	t.order = append(t.order[:0], t.order[drop:]...)
	if _, ok := t.counts[id]; !ok {
		t.order = append(t.order, txRanEntry{id, now})
	}
	t.counts[id] = execs
}

// ran returns lock id's count of EXECs, or -1.
func (t *txRanLog) ran(id string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.counts[id]; ok {
		return n
	}
	return -1
}

func cmdVcacheTxRan(cx *Ctx) {
	cx.Int(int64(cx.Node.txRan.ran(string(cx.Args[1]))))
}
