package command

import "strings"

// sortStoreKey is SORT's MoreKeys: the position of the destination of
// its last STORE option, skipping the arguments of LIMIT (two), GET and
// BY (one each), as Redis's sortGetKeys does.
func sortStoreKey(args [][]byte, buf []int) []int {
	store := 0
	for i := 2; i < len(args); i++ {
		switch strings.ToLower(string(args[i])) {
		case "limit":
			i += 2
		case "get", "by":
			i++
		case "store":
			if i+1 < len(args) {
				store = i + 1
			}
		}
	}
	if store == 0 {
		return buf
	}
	return append(buf, store)
}

// sortROKeys is SORT_RO's MoreKeys: no key besides the first. Its BY and
// GET patterns may name keys that no key position can list, so, as in
// Redis, SORT_RO's keys are movable (COMMAND INFO says movablekeys).
func sortROKeys(_ [][]byte, buf []int) []int { return buf }
