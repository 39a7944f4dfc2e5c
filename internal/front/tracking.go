package front

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/command"
)

// TrackingArgs is CLIENT TRACKING's parsed arguments, for the node and the
// proxy alike.
type TrackingArgs struct {
	On                           bool
	Redirect                     int64
	BCast, OptIn, OptOut, NoLoop bool
	Prefixes                     []string
}

// ParseTracking reads CLIENT TRACKING ON|OFF [options] (args[0] is CLIENT,
// args[1] TRACKING); msg is the error reply when they are wrong. Whether
// the options fit together (PREFIX without BCAST, OPTIN with OPTOUT...) is
// the caller's check: it depends on the client's current mode.
func ParseTracking(args [][]byte) (o TrackingArgs, msg string) {
	if len(args) < 3 {
		return o, command.ArityError("client|tracking")
	}
	for j := 3; j < len(args); j++ {
		more := j+1 < len(args)
		switch opt := strings.ToLower(string(args[j])); {
		case opt == "redirect" && more:
			j++
			if o.Redirect != 0 {
				return o, "ERR A client can only redirect to a single other client"
			}
			id, err := strconv.ParseInt(string(args[j]), 10, 64)
			if err != nil {
				return o, command.MsgNotInt
			}
			o.Redirect = id
		case opt == "bcast":
			o.BCast = true
		case opt == "optin":
			o.OptIn = true
		case opt == "optout":
			o.OptOut = true
		case opt == "noloop":
			o.NoLoop = true
		case opt == "prefix" && more:
			j++
			o.Prefixes = append(o.Prefixes, string(args[j]))
		default:
			return o, command.MsgSyntax
		}
	}
	switch strings.ToLower(string(args[2])) {
	case "on":
		o.On = true
	case "off":
	default:
		return o, command.MsgSyntax
	}
	return o, ""
}
