package proxy

import (
	"bytes"
	"math/rand/v2"
	"strconv"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
)

// Computed commands in steps, and scratch keys. Some commands that span
// nodes need a second round of reads under the transaction's locks: LMPOP
// finds the first list that exists, then pops from it; PFCOUNT reads the
// HyperLogLogs of other nodes, then counts them on one. Such a command's
// txCompute also implements txThen: after its result, EXEC runs its next
// step in the next round (after the step's writes), and the client sees
// the last step's reply.
//
// A node computes what the proxy should not (HyperLogLog registers, GEO
// distances, SORT's order): the values a command needs from other nodes
// are copied to scratch keys of the slot of a key it holds, the command
// runs there on them, and the scratch keys are deleted, all in one
// MULTI/EXEC on that node, so no client ever sees them. A scratch key
// shares the slot, and so the lock, of that key.

// txThen is a computed command with another step to run.
type txThen interface {
	// then returns the next step after result, or nil when the command
	// is done.
	then() txCompute
}

// thenOf returns c's next step, or nil.
func thenOf(c txCompute) txCompute {
	if t, ok := c.(txThen); ok {
		return t.then()
	}
	return nil
}

// scratchKey returns a key name no client uses, in the slot of key.
func scratchKey(key []byte) []byte {
	slot := keyslot.Of(key)
	tag := key
	if i := bytes.IndexByte(key, '{'); i >= 0 {
		if j := bytes.IndexByte(key[i+1:], '}'); j > 0 {
			tag = key[i+1 : i+1+j]
		}
	}
	suffix := command.ScratchMark + strconv.FormatUint(rand.Uint64(), 36)
	k := append(append(append([]byte{'{'}, tag...), '}'), suffix...)
	if keyslot.Of(k) == slot {
		return k
	}
	// A key with a '}' and no hash tag: a name of that slot is searched
	// for (16384 tries on average; CRC16 of a counter reaches every slot
	// within a few hundred thousand).
	for i := 0; i < 1<<22; i++ {
		k = strconv.AppendInt(append(k[:0], suffix...), int64(i), 10)
		if keyslot.Of(k) == slot {
			break
		}
	}
	return k
}
