package command

// migrateKeys is MIGRATE's MoreKeys (its FirstKey is 0): the key at
// position 3, or, with the KEYS option, the keys after it (the key
// argument must then be empty), skipping AUTH's one and AUTH2's two
// arguments, as Redis's migrateGetKeys does. A KEYS with a non-empty key
// argument names no key: the command answers its error.
func migrateKeys(args [][]byte, buf []int) []int {
	if len(args) < 6 {
		return buf
	}
	for i := 6; i < len(args); i++ {
		switch {
		case EqualFold(args[i], "auth"):
			i++
		case EqualFold(args[i], "auth2"):
			i += 2
		case EqualFold(args[i], "keys"):
			if len(args[3]) > 0 {
				return buf
			}
			for j := i + 1; j < len(args); j++ {
				buf = append(buf, j)
			}
			return buf
		}
	}
	return append(buf, 3)
}
