package node

import (
	"strings"

	"github.com/vcache/vcache/cache"
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
