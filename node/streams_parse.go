package node

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
)

// Stream argument parsing: each parser returns a typed value or Redis's
// error text.

const (
	msgInvalidID  = "ERR Invalid stream ID specified as stream command argument"
	msgNotInteger = "ERR value is not an integer or out of range"
)

// streamInt parses a signed 64-bit integer as Redis's string2ll does (no
// sign but '-', no leading zeros or spaces).
func streamInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 || b[0] == '+' || (len(b) > 1 && b[0] == '0') ||
		(len(b) > 1 && b[0] == '-' && b[1] == '0') {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

// parseStrictID parses an ID that may not be "-" or "+".
func parseStrictID(b []byte) (cache.StreamID, string) {
	id, err := cache.ParseStreamID(b, 0, true, nil)
	if err != nil {
		return id, msgInvalidID
	}
	return id, ""
}

// parseIntervalID parses a range bound: "-", "+", an ID, or "(" and an
// ID (exclusive); missing is the sequence of a bare "ms".
func parseIntervalID(b []byte, missing uint64, start bool) (cache.StreamID, string) {
	if len(b) > 1 && b[0] == '(' {
		id, err := cache.ParseStreamID(b[1:], missing, true, nil)
		if err != nil {
			return id, msgInvalidID
		}
		var ok bool
		if start {
			if id, ok = id.Incr(); !ok {
				return id, "ERR invalid start ID for the interval"
			}
		} else if id, ok = id.Decr(); !ok {
			return id, "ERR invalid end ID for the interval"
		}
		return id, ""
	}
	id, err := cache.ParseStreamID(b, missing, false, nil)
	if err != nil {
		return id, msgInvalidID
	}
	return id, ""
}

// xaddArgs is a parsed XADD or XTRIM: the options, and for XADD the ID
// and the fields.
type xaddArgs struct {
	cache.XAddArgs
	defaultLimit bool // ~ without LIMIT: the limit follows stream-node-max-entries
}

// trimLimit returns the LIMIT of an approximate trim given none: 100 ×
// stream-node-max-entries, as Redis (10000 when that is 0), at most a
// million.
func trimLimit(nodeMax int64) int64 {
	n := 100 * nodeMax
	if n <= 0 {
		return 10000
	}
	return min(n, 1000000)
}

// parseXAdd parses XADD (xadd) or XTRIM's arguments after the key, as
// Redis 7.0 does, with its error texts.
func parseXAdd(args [][]byte, xadd bool) (xaddArgs, string) {
	var a xaddArgs
	limitGiven := false
	i := 2
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := string(args[i])
		switch {
		case xadd && opt == "*":
		case strings.EqualFold(opt, "maxlen") && more > 0, strings.EqualFold(opt, "minid") && more > 0:
			if a.Trim.Strategy != cache.TrimNone {
				return a, "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
			}
			approx := false
			if more >= 2 && (string(args[i+1]) == "~" || string(args[i+1]) == "=") {
				approx = string(args[i+1]) == "~"
				i++
			}
			if strings.EqualFold(opt, "maxlen") {
				n, ok := streamInt(args[i+1])
				if !ok {
					return a, msgNotInteger
				}
				if n < 0 {
					return a, "ERR The MAXLEN argument must be >= 0."
				}
				a.Trim.Strategy, a.Trim.MaxLen = cache.TrimMaxLen, n
			} else {
				id, msg := parseStrictID(args[i+1])
				if msg != "" {
					return a, msg
				}
				a.Trim.Strategy, a.Trim.MinID = cache.TrimMinID, id
			}
			a.Trim.Approx = approx
			i++
			continue
		case strings.EqualFold(opt, "limit") && more > 0:
			n, ok := streamInt(args[i+1])
			if !ok {
				return a, msgNotInteger
			}
			if n < 0 {
				return a, "ERR The LIMIT argument must be >= 0."
			}
			a.Trim.Limit, limitGiven = n, true
			i++
			continue
		case xadd && strings.EqualFold(opt, "nomkstream"):
			a.NoMkStream = true
			continue
		case xadd:
			id, err := cache.ParseStreamID(args[i], 0, true, &a.SeqGiven)
			if err != nil {
				return a, msgInvalidID
			}
			a.ID, a.IDGiven = id, true
		default:
			return a, "ERR syntax error"
		}
		break
	}
	if a.Trim.Limit != 0 && a.Trim.Strategy == cache.TrimNone {
		return a, "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
	}
	if !xadd && a.Trim.Strategy == cache.TrimNone {
		return a, "ERR syntax error, XTRIM must be called with a trimming strategy"
	}
	switch {
	case limitGiven && !a.Trim.Approx:
		return a, "ERR syntax error, LIMIT cannot be used without the special ~ option"
	case !limitGiven && a.Trim.Approx:
		a.defaultLimit = true
	case !limitGiven:
		a.Trim.Limit = 0
	}
	if !xadd {
		if i < len(args) {
			return a, "ERR syntax error"
		}
		return a, ""
	}
	if a.IDGiven && a.SeqGiven && a.ID.IsZero() {
		return a, "ERR The ID specified in XADD must be greater than 0-0"
	}
	fields := i + 1
	if n := len(args) - fields; n < 2 || n%2 == 1 {
		return a, "ERR wrong number of arguments for 'xadd' command"
	}
	a.Fields = args[fields:]
	return a, ""
}

// xreadArgs is a parsed XREAD or XREADGROUP.
type xreadArgs struct {
	count           int
	block           bool
	blockMs         int64 // BLOCK's timeout in milliseconds; 0: forever
	group, consumer string
	hasGroup        bool
	noack           bool
	keys, ids       [][]byte
}

// parseXRead parses XREAD (group false) or XREADGROUP.
func parseXRead(args [][]byte, group bool) (xreadArgs, string) {
	var a xreadArgs
	name := "XREAD"
	if group {
		name = "XREADGROUP"
	}
	streams := 0
	for i := 1; i < len(args); i++ {
		more := len(args) - 1 - i
		o := string(args[i])
		switch {
		case strings.EqualFold(o, "block") && more > 0:
			i++
			n, ok := streamInt(args[i])
			if !ok {
				return a, "ERR timeout is not an integer or out of range"
			}
			if n < 0 {
				return a, "ERR timeout is negative"
			}
			a.block, a.blockMs = true, n
		case strings.EqualFold(o, "count") && more > 0:
			i++
			n, ok := streamInt(args[i])
			if !ok {
				return a, msgNotInteger
			}
			a.count = int(min(max(n, 0), 1<<31))
		case strings.EqualFold(o, "streams") && more > 0:
			rest := len(args) - i - 1
			if rest%2 != 0 {
				sym := "$"
				if group {
					sym = ">"
				}
				return a, "ERR Unbalanced " + name + " list of streams: for each stream key an ID or '" + sym + "' must be specified."
			}
			streams = i + 1
			a.keys, a.ids = args[streams:streams+rest/2], args[streams+rest/2:]
			i = len(args)
		case strings.EqualFold(o, "group") && more >= 2:
			if !group {
				return a, "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."
			}
			a.group, a.consumer, a.hasGroup = string(args[i+1]), string(args[i+2]), true
			i += 2
		case strings.EqualFold(o, "noack"):
			if !group {
				return a, "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."
			}
			a.noack = true
		default:
			return a, "ERR syntax error"
		}
	}
	if streams == 0 {
		return a, "ERR syntax error"
	}
	if group && !a.hasGroup {
		return a, "ERR Missing GROUP option for XREADGROUP"
	}
	return a, ""
}
