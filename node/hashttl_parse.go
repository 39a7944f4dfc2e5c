package node

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

// Argument parsing of the hash field expiration commands, with Redis 8's
// error texts.

const (
	msgFieldsMissing  = "ERR Mandatory argument FIELDS is missing or not at the right position"
	msgNumFieldsGT0   = "ERR Parameter `numFields` should be greater than 0"
	msgNumFieldsPos   = "ERR Number of fields must be a positive integer"
	msgNumFieldsMatch = "ERR The `numfields` parameter must match the number of arguments"
	msgExpireNeg      = "ERR invalid expire time, must be >= 0"
	msgHSetExFields   = "ERR invalid number of fields"
	msgHSetExCond     = "ERR Only one of FXX or FNX arguments can be specified"
	msgHSetExTTL      = "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified"
	msgHGetExTTL      = "ERR Only one of EX, PX, EXAT, PXAT or PERSIST arguments can be specified"
	msgUnknownArg     = "ERR unknown argument"

	// maxFieldDeadline is the latest field deadline Redis accepts (unix
	// ms: 2^46-1, its expiry buckets' limit).
	maxFieldDeadline = 1<<46 - 1
)

// parseFieldList reads "FIELDS numfields field..." at args[i:], which must
// end the command; countMsg is the error for a count that is not a
// positive integer.
func parseFieldList(args [][]byte, i int, countMsg string) ([][]byte, string) {
	if i >= len(args) || !strings.EqualFold(string(args[i]), "fields") {
		return nil, msgFieldsMissing
	}
	if i+1 >= len(args) {
		return nil, countMsg
	}
	n, err := strconv.ParseInt(string(args[i+1]), 10, 64)
	if err != nil || n < 1 {
		return nil, countMsg
	}
	if n != int64(len(args)-i-2) {
		return nil, msgNumFieldsMatch
	}
	return args[i+2:], ""
}

// fieldDeadline turns an expiry argument into a deadline (unix ms): v in
// seconds when sec, relative to now when rel. name is the command's, for
// the error text.
func fieldDeadline(arg []byte, sec, rel bool, now int64, name string) (int64, string) {
	v, err := strconv.ParseInt(string(arg), 10, 64)
	if err != nil {
		return 0, command.MsgNotInt
	}
	if v < 0 {
		return 0, msgExpireNeg
	}
	bad := "ERR invalid expire time in '" + name + "' command"
	if sec {
		if v > maxFieldDeadline/1000 {
			return 0, bad
		}
		v *= 1000
	}
	base := int64(0)
	if rel {
		base = now
	}
	if v > maxFieldDeadline-base {
		return 0, bad
	}
	return v + base, ""
}

// hexpireArgs is HEXPIRE/HPEXPIRE/HEXPIREAT/HPEXPIREAT's parsed form.
type hexpireArgs struct {
	at     int64 // deadline, unix ms
	cond   cache.ExpireCond
	fields [][]byte
}

// parseHExpire parses key time [NX|XX|GT|LT] FIELDS numfields field...
// (args[0] is the command name).
func parseHExpire(args [][]byte, sec, rel bool, now int64, name string) (hexpireArgs, string) {
	var a hexpireArgs
	if len(args) < 4 {
		return a, "ERR wrong number of arguments for '" + name + "' command"
	}
	at, msg := fieldDeadline(args[2], sec, rel, now, name)
	if msg != "" {
		return a, msg
	}
	a.at = at
	i := 3
	switch strings.ToLower(string(args[3])) {
	case "nx":
		a.cond, i = cache.ExpireNX, 4
	case "xx":
		a.cond, i = cache.ExpireXX, 4
	case "gt":
		a.cond, i = cache.ExpireGT, 4
	case "lt":
		a.cond, i = cache.ExpireLT, 4
	}
	a.fields, msg = parseFieldList(args, i, msgNumFieldsGT0)
	return a, msg
}

// expiryWord reads EX/PX/EXAT/PXAT: whether it is one, in seconds,
// relative.
func expiryWord(w []byte) (ok, sec, rel bool) {
	switch strings.ToLower(string(w)) {
	case "ex":
		return true, true, true
	case "px":
		return true, false, true
	case "exat":
		return true, true, false
	case "pxat":
		return true, false, false
	}
	return false, false, false
}

// hgetexArgs is HGETEX's parsed form.
type hgetexArgs struct {
	x      cache.FieldExpiry
	fields [][]byte
}

// parseHGetEx parses key [EX s|PX ms|EXAT t|PXAT t|PERSIST] FIELDS
// numfields field...
func parseHGetEx(args [][]byte, now int64) (hgetexArgs, string) {
	var a hgetexArgs
	i := 2
	for i < len(args) {
		w := args[i]
		if ok, sec, rel := expiryWord(w); ok {
			if a.x.Set || a.x.Persist {
				return a, msgHGetExTTL
			}
			if i+1 >= len(args) {
				return a, command.MsgNotInt
			}
			at, msg := fieldDeadline(args[i+1], sec, rel, now, "hgetex")
			if msg != "" {
				return a, msg
			}
			a.x.At, a.x.Set = at, true
			i += 2
			continue
		}
		if strings.EqualFold(string(w), "persist") {
			if a.x.Set || a.x.Persist {
				return a, msgHGetExTTL
			}
			a.x.Persist = true
			i++
			continue
		}
		break
	}
	var msg string
	a.fields, msg = parseFieldList(args, i, msgNumFieldsPos)
	return a, msg
}

// hsetexArgs is HSETEX's parsed form.
type hsetexArgs struct {
	fnx, fxx bool
	x        cache.FieldExpiry
	pairs    [][]byte
	ttlAt    int // index of the expiry's value in args (0: none)
}

// parseHSetEx parses key [FNX|FXX] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL]
// FIELDS numfields field value...
func parseHSetEx(args [][]byte, now int64) (hsetexArgs, string) {
	var a hsetexArgs
	for i := 2; i < len(args); {
		w := args[i]
		if ok, sec, rel := expiryWord(w); ok {
			if a.x.Set || a.x.Keep {
				return a, msgHSetExTTL
			}
			if i+1 >= len(args) {
				return a, command.MsgNotInt
			}
			at, msg := fieldDeadline(args[i+1], sec, rel, now, "hsetex")
			if msg != "" {
				return a, msg
			}
			a.x.At, a.x.Set, a.ttlAt = at, true, i+1
			i += 2
			continue
		}
		switch strings.ToLower(string(w)) {
		case "fnx", "fxx":
			if a.fnx || a.fxx {
				return a, msgHSetExCond
			}
			a.fnx = strings.EqualFold(string(w), "fnx")
			a.fxx = !a.fnx
			i++
		case "keepttl":
			if a.x.Set || a.x.Keep {
				return a, msgHSetExTTL
			}
			a.x.Keep = true
			i++
		case "fields":
			if i+1 >= len(args) {
				return a, msgHSetExFields
			}
			n, err := strconv.ParseInt(string(args[i+1]), 10, 64)
			if err != nil || n < 1 {
				return a, msgHSetExFields
			}
			if rest := int64(len(args) - i - 2); rest%2 != 0 || n != rest/2 {
				return a, "ERR wrong number of arguments for 'hsetex' command"
			}
			a.pairs = args[i+2:]
			return a, ""
		default:
			return a, msgUnknownArg
		}
	}
	return a, msgFieldsMissing
}
