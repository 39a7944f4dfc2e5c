package command

import "strings"

// moveEvent names the events of LMOVE and BLMOVE: on the source (j 0) a
// pop, on the destination (j 1) a push, at the side its argument names.
func moveEvent(args [][]byte, j int) string {
	side := 3 + j
	if side < len(args) && strings.EqualFold(string(args[side]), "left") {
		return [2]string{"lpop", "lpush"}[j%2]
	}
	return [2]string{"rpop", "rpush"}[j%2]
}

// xgroupEvent names XGROUP's event after its subcommand
// (xgroup-create, xgroup-destroy, ...).
func xgroupEvent(args [][]byte, _ int) string {
	return "xgroup-" + strings.ToLower(string(args[1]))
}
