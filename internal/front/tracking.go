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

// TrackingMode is a client's tracking mode as CLIENT TRACKINGINFO and
// CLIENT CACHING read it, for the node and the proxy alike.
type TrackingMode struct {
	On, BCast, OptIn, OptOut, NoLoop bool
	// Broken says the redirect client is gone (told once).
	Broken bool
	// Caching says CLIENT CACHING YES|NO is set for the next command.
	Caching bool
	// Redirect is the client that messages go to; 0: the client itself.
	Redirect int64
	// Prefixes are the BCAST prefixes.
	Prefixes []string
}

// Flags is CLIENT TRACKINGINFO's flags for m, in Redis's order.
func (m TrackingMode) Flags() []string {
	if !m.On {
		return []string{"off"}
	}
	flags := []string{"on"}
	add := func(ok bool, f string) {
		if ok {
			flags = append(flags, f)
		}
	}
	add(m.BCast, "bcast")
	add(m.OptIn, "optin")
	add(m.OptOut, "optout")
	add(m.OptIn && m.Caching, "caching-yes")
	add(m.OptOut && m.Caching, "caching-no")
	add(m.NoLoop, "noloop")
	add(m.Broken, "broken_redirect")
	return flags
}

// TrackingInfo writes CLIENT TRACKINGINFO's reply for m: its flags, the
// redirect client (-1 with tracking off) and the BCAST prefixes.
func TrackingInfo(r Reply, m TrackingMode) {
	flags := m.Flags()
	r.Map(3)
	r.BulkString("flags")
	r.Set(len(flags))
	for _, f := range flags {
		r.BulkString(f)
	}
	r.BulkString("redirect")
	if m.On {
		r.Int(m.Redirect)
	} else {
		r.Int(-1)
	}
	r.BulkString("prefixes")
	r.Array(len(m.Prefixes))
	for _, p := range m.Prefixes {
		r.BulkString(p)
	}
}

// CachingError is the error of CLIENT CACHING arg (YES or NO) under m,
// or "" when the client may set it.
func (m TrackingMode) CachingError(arg []byte) string {
	if !m.On {
		return "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"
	}
	switch strings.ToLower(string(arg)) {
	case "yes":
		if !m.OptIn {
			return "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
		}
	case "no":
		if !m.OptOut {
			return "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
		}
	default:
		return command.MsgSyntax
	}
	return ""
}
