package node

import "strconv"

// setZSetConfig sets zset-max-listpack-entries or -value (or their
// zset-max-ziplist-* aliases): CONFIG GET reads them from encParams, the
// keyspace packs small sorted sets by them.
func (n *Node) setZSetConfig(name, val string) error {
	if _, err := n.encParams.set(name, val); err != nil {
		return err
	}
	entries, _ := strconv.ParseInt(n.encParams.get("zset-max-listpack-entries"), 10, 64)
	value, _ := strconv.ParseInt(n.encParams.get("zset-max-listpack-value"), 10, 64)
	n.ks.SetZSetListpack(entries, value)
	return nil
}
