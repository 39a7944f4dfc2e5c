package command

// setGetsValue reports whether a SET line asks for the old value (its
// GET option, after the key and the value), so reads the key.
func setGetsValue(args [][]byte) bool {
	for i := 3; i < len(args); i++ {
		if EqualFold(args[i], "get") {
			return true
		}
	}
	return false
}
