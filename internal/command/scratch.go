package command

import (
	"bytes"
	"strings"
)

// ScratchMark is in the name of every scratch key: a key the proxy makes
// for a moment, inside one MULTI/EXEC on a node, to compute a command
// whose keys span nodes (proxy/multi_compute_then.go). Nodes keep such
// keys out of KEYS, SCAN, RANDOMKEY, DBSIZE, keyspace notifications,
// MONITOR and the replication stream (node/scratch.go).
const ScratchMark = "\x00vcache-scratch-"

// IsScratch reports whether key is a scratch key.
func IsScratch(key []byte) bool {
	i := bytes.IndexByte(key, 0)
	return i >= 0 && bytes.Contains(key[i:], []byte(ScratchMark))
}

// IsScratchName is IsScratch of a key held as a string.
func IsScratchName(key string) bool {
	i := strings.IndexByte(key, 0)
	return i >= 0 && strings.Contains(key[i:], ScratchMark)
}
