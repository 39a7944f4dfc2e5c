package ftargs

import (
	"errors"
	"strconv"
	"strings"
)

// CursorCmd is a parsed FT.CURSOR command line.
type CursorCmd struct {
	// Sub is READ, DEL or GC.
	Sub string
	// Index and ID name the cursor (not for GC).
	Index string
	ID    uint64
	// Count is READ's COUNT, 0 when not given (the cursor's own count).
	Count int
}

// ParseCursor parses FT.CURSOR READ index id [COUNT n], FT.CURSOR DEL index
// id and FT.CURSOR GC (args[0] is the command's name), with RediSearch's
// error texts.
func ParseCursor(args [][]byte) (CursorCmd, error) {
	var c CursorCmd
	if len(args) < 2 {
		return c, errors.New("ERR wrong number of arguments for 'ft.cursor' command")
	}
	c.Sub = strings.ToUpper(string(args[1]))
	switch {
	case c.Sub == "GC":
		return c, nil
	case c.Sub != "READ" && c.Sub != "DEL":
		return c, errors.New("Unknown subcommand")
	case len(args) < 4 || c.Sub == "DEL" && len(args) > 4:
		return c, errors.New("ERR wrong number of arguments for 'ft.cursor' command")
	}
	c.Index = string(args[2])
	id, err := strconv.ParseUint(string(args[3]), 10, 63)
	if err != nil {
		return c, errors.New("Bad cursor ID")
	}
	c.ID = id
	if len(args) > 4 {
		if len(args) != 6 || !strings.EqualFold(string(args[4]), "COUNT") {
			return c, errors.New("Unknown argument `" + string(args[4]) + "` at position 3 for <main>")
		}
		n, err := strconv.ParseInt(string(args[5]), 10, 64)
		if err != nil || n < 0 {
			return c, errors.New("Bad arguments for COUNT: Could not convert argument to expected type")
		}
		c.Count = int(min(n, 1<<30))
	}
	return c, nil
}
