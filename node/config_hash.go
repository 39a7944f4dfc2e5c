package node

import "strconv"

// applyHashEncoding hands hash-max-listpack-entries and -value (and their
// ziplist aliases) to the keyspace, which packs hashes within them.
func (n *Node) applyHashEncoding() {
	entries, _ := strconv.ParseInt(n.encParams.get("hash-max-listpack-entries"), 10, 64)
	value, _ := strconv.ParseInt(n.encParams.get("hash-max-listpack-value"), 10, 64)
	n.ks.SetHashListpackLimits(entries, value)
}
