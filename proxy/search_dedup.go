package proxy

// While a shard splits or merges, a document can be on two nodes at once:
// the importing node indexes what it copies, and a promoted replica holds
// all of its old shard's keys until it drops those it does not own. Each
// node answers only for the slots its own map says it serves, but the
// nodes learn of a new map one after the other: for a moment the old
// owner and the new one both answer for the same key. The merge keeps one
// row per key.

// dropDuplicateRows keeps the first row of each key, in order, and
// returns the rows kept and how many were dropped. The caller orders the
// rows first (nearest first for a KNN), so the copy kept is the best.
func dropDuplicateRows(rows []ftRow) ([]ftRow, int64) {
	if len(rows) < 2 {
		return rows, 0
	}
	seen := make(map[string]struct{}, len(rows))
	kept := rows[:0]
	for _, r := range rows {
		if _, dup := seen[string(r.key.Str)]; dup {
			continue
		}
		seen[string(r.key.Str)] = struct{}{}
		kept = append(kept, r)
	}
	return kept, int64(len(rows) - len(kept))
}
