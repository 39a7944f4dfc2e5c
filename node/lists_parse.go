package node

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

// Argument parsers of the list commands, with Redis 7.0's error texts.

const (
	msgPositive   = "ERR value is out of range, must be positive"
	msgTimeoutNaN = "ERR timeout is not a float or out of range"
	msgTimeoutNeg = "ERR timeout is negative"
)

// parseCount reads a non-negative count (LPOP's).
func parseCount(b []byte) (int, bool) {
	n, err := cache.ParseInt(b)
	if err != nil || n < 0 {
		return 0, false
	}
	return int(min(n, math.MaxInt32)), true
}

// parseSide reads LEFT or RIGHT (true: left).
func parseSide(b []byte) (left, ok bool) {
	switch strings.ToLower(string(b)) {
	case "left":
		return true, true
	case "right":
		return false, true
	}
	return false, false
}

// parseTimeout reads a blocking command's timeout in seconds (a float,
// 0: forever) as milliseconds.
func parseTimeout(b []byte) (int64, string) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(f) || len(b) == 0 || strings.ContainsAny(string(b), " \t\r\n") {
		return 0, msgTimeoutNaN
	}
	// As Redis: a timeout too large for milliseconds in 64 bits (or
	// infinite) comes out negative.
	ms := math.Ceil(f * 1000)
	if f < 0 || ms >= math.MaxInt64 {
		return 0, msgTimeoutNeg
	}
	return int64(ms), ""
}

// parseLPos reads LPOS's options (after the element): RANK, COUNT and
// MAXLEN in any order. Count is -1 when COUNT is not given.
func parseLPos(args [][]byte) (cache.LPosQuery, string) {
	q := cache.LPosQuery{Rank: 1, Count: -1}
	for i := 0; i < len(args); i += 2 {
		if i+1 >= len(args) {
			return q, command.MsgSyntax
		}
		v, err := cache.ParseInt(args[i+1])
		if err != nil {
			return q, command.MsgNotInt
		}
		switch strings.ToLower(string(args[i])) {
		case "rank":
			if v == 0 {
				return q, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
			}
			q.Rank = v
		case "count":
			if v < 0 {
				return q, "ERR COUNT can't be negative"
			}
			q.Count = v
		case "maxlen":
			if v < 0 {
				return q, "ERR MAXLEN can't be negative"
			}
			q.MaxLen = v
		default:
			return q, command.MsgSyntax
		}
	}
	return q, ""
}

// mpop is LMPOP's arguments.
type mpop struct {
	keys  [][]byte
	left  bool
	count int
}

// parseMPop reads numkeys key [key ...] LEFT|RIGHT [COUNT count] (LMPOP's
// arguments, BLMPOP's after the timeout).
func parseMPop(args [][]byte) (mpop, string) {
	m := mpop{count: 1}
	nk, err := cache.ParseInt(args[0])
	if err != nil || nk <= 0 {
		return m, "ERR numkeys should be greater than 0"
	}
	if nk > int64(len(args)-2) {
		return m, command.MsgSyntax
	}
	m.keys = args[1 : 1+nk]
	rest := args[1+nk:]
	left, ok := parseSide(rest[0])
	if !ok {
		return m, command.MsgSyntax
	}
	m.left = left
	rest = rest[1:]
	countSeen := false
	for len(rest) > 0 {
		if strings.ToLower(string(rest[0])) != "count" || countSeen || len(rest) < 2 {
			return m, command.MsgSyntax
		}
		c, err := cache.ParseInt(rest[1])
		if err != nil || c <= 0 {
			return m, "ERR count should be greater than 0"
		}
		m.count = int(min(c, math.MaxInt32))
		countSeen = true
		rest = rest[2:]
	}
	return m, ""
}
