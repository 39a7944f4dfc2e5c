package command

import "strings"

// geoStoreKey is GEORADIUS's and GEORADIUSBYMEMBER's MoreKeys: the
// position of the destination of their last STORE or STOREDIST option,
// looked for from the fifth argument on, as Redis's georadiusGetKeys does.
func geoStoreKey(args [][]byte, buf []int) []int {
	store := 0
	for i := 5; i < len(args)-1; i++ {
		switch strings.ToLower(string(args[i])) {
		case "store", "storedist":
			store = i + 1
			i++
		}
	}
	if store == 0 {
		return buf
	}
	return append(buf, store)
}
