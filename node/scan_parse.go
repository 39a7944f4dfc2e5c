package node

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

// scanOpts is what SCAN, SSCAN, HSCAN and ZSCAN read after their cursor.
type scanOpts struct {
	match    string // MATCH's pattern; "" for none and for "*"
	count    int64  // COUNT, at least 1; 0 when not given
	typ      string // SCAN's TYPE, in lower case
	noValues bool   // HSCAN's NOVALUES
}

// parseScanOpts reads [MATCH pattern] [COUNT count] from args (the words
// after the cursor), with [TYPE type] when typeOK and NOVALUES when
// noValuesOK, and returns Redis's error text for a bad one.
func parseScanOpts(args [][]byte, typeOK, noValuesOK bool) (scanOpts, string) {
	var o scanOpts
	for i := 0; i < len(args); i++ {
		opt := strings.ToUpper(string(args[i]))
		if noValuesOK && opt == "NOVALUES" {
			o.noValues = true
			continue
		}
		if i+1 >= len(args) {
			return scanOpts{}, msgSyntax
		}
		switch {
		case opt == "MATCH":
			o.match = string(args[i+1])
		case opt == "COUNT":
			n, err := cache.ParseInt(args[i+1])
			if err != nil {
				return scanOpts{}, errText(err)
			}
			if n < 1 {
				return scanOpts{}, msgSyntax
			}
			o.count = n
		case opt == "TYPE" && typeOK:
			o.typ = strings.ToLower(string(args[i+1]))
		default:
			return scanOpts{}, msgSyntax
		}
		i++
	}
	if o.match == "*" {
		o.match = ""
	}
	return o, ""
}

// keyScanArgs is SSCAN's, HSCAN's and ZSCAN's parsed arguments.
type keyScanArgs struct {
	cursor   uint64
	match    string
	count    int // COUNT, 10 when not given
	noValues bool
}

// parseKeyScan parses SSCAN|HSCAN|ZSCAN key cursor [MATCH pattern] [COUNT count] (with
// HSCAN's NOVALUES when noValuesOK). Redis checks the cursor before it
// looks the key up and the options after: badCursor says the cursor is
// not one, msg is the options' error text.
func parseKeyScan(args [][]byte, noValuesOK bool) (ka keyScanArgs, badCursor bool, msg string) {
	cur, ok := command.ParseScanCursor(args[2])
	if !ok {
		return keyScanArgs{}, true, ""
	}
	so, msg := parseScanOpts(args[3:], false, noValuesOK)
	if msg != "" {
		return keyScanArgs{}, false, msg
	}
	ka = keyScanArgs{cursor: cur, match: so.match, count: 10, noValues: so.noValues}
	if so.count > 0 {
		ka.count = int(min(so.count, 1<<30))
	}
	return ka, false, ""
}

// keyScan reads SSCAN's, HSCAN's or ZSCAN's arguments (typ: the key's
// TYPE they need) and answers an error as Redis does, in its order: an
// invalid cursor first, then the key (missing: an empty scan; of another
// type: WRONGTYPE), then the options. It reports whether to go on.
func keyScan(cx *Ctx, typ string, noValuesOK bool) (keyScanArgs, bool) {
	ka, badCursor, msg := parseKeyScan(cx.Args, noValuesOK)
	switch {
	case badCursor:
		cx.Error("ERR invalid cursor")
	case msg != "":
		switch cx.Node.ks.Type(cx.Args[1]) {
		case "none":
			replyScan(cx, 0, nil)
		case typ:
			cx.Error(msg)
		default:
			cx.Err(cache.ErrWrongType)
		}
	default:
		return ka, true
	}
	return ka, false
}

// replyScan answers a scan: the next cursor and the elements.
func replyScan(cx *Ctx, next uint64, vals [][]byte) {
	cx.Array(2)
	cx.BulkString(strconv.FormatUint(next, 10))
	replyBulks(cx, vals)
}
