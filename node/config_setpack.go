package node

import "strconv"

// applySetEncoding hands set-max-listpack-entries and -value to the
// keyspace, which packs small sets of strings within them (OBJECT
// ENCODING still says "hashtable" for them, as Redis 7.0 does).
func (n *Node) applySetEncoding() {
	entries, _ := strconv.ParseInt(n.encParams.get("set-max-listpack-entries"), 10, 64)
	value, _ := strconv.ParseInt(n.encParams.get("set-max-listpack-value"), 10, 64)
	n.ks.SetSetListpack(entries, value)
}
