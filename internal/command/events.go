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

// setTTL reports whether a SET line gives its key a time to live (EX,
// PX, EXAT or PXAT, after the key and the value).
func setTTL(args [][]byte) bool {
	for i := 3; i < len(args); i++ {
		for _, opt := range [...]string{"ex", "px", "exat", "pxat"} {
			if EqualFold(args[i], opt) {
				return true
			}
		}
	}
	return false
}

// always is a TTLIf of the commands that always set a time to live.
func always([][]byte) bool { return true }
