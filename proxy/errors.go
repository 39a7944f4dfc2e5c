package proxy

import (
	"errors"
	"strings"

	"github.com/vcache/vcache/internal/command"
)

// Transport failures of a forwarded request. They are retried within the
// retry deadline; a client that still gets one sees errText's wording.
var (
	// ErrBackendDown means the node could not be reached.
	ErrBackendDown = errors.New("backend unreachable")
	// ErrConnLost means the connection to the node closed before it
	// answered.
	ErrConnLost = errors.New("backend connection lost")
	// ErrNoRoute means no node serves the slot.
	ErrNoRoute = errors.New("no node serves this slot")
	// ErrShutdown means the proxy is shutting down.
	ErrShutdown = errors.New("proxy shutting down")
)

// The error texts the proxy answers with itself, in Redis's words where
// Redis has them.
const (
	msgCrossSlot   = "CROSSSLOT Keys in request don't hash to the same slot (use {hash tags} to keep related keys together behind the proxy)"
	msgNestedMulti = "ERR MULTI calls can not be nested"
	msgExecNoMulti = "ERR EXEC without MULTI"
	msgDiscardNo   = "ERR DISCARD without MULTI"
	msgExecAbort   = "EXECABORT Transaction discarded because of previous errors."
	msgWatchMulti  = "ERR WATCH inside MULTI is not allowed"
	msgInvalidCur  = "ERR invalid cursor"
	msgInternal    = "ERR internal error"
)

// errText turns a transport failure into the RESP error a client sees.
func errText(err error) string {
	switch {
	case errors.Is(err, ErrNoRoute):
		return "CLUSTERDOWN Hash slot not served"
	case errors.Is(err, ErrShutdown):
		return "ERR proxy is shutting down"
	case errors.Is(err, ErrBackendDown), errors.Is(err, ErrConnLost), errors.Is(err, errReplyTimeout):
		return "TRYAGAIN " + err.Error() + "; try again later"
	}
	return "ERR " + err.Error()
}

// errReplyTimeout means a node owed replies for longer than ReplyTimeout.
var errReplyTimeout = errors.New("backend reply timeout")

// unknownCommand builds Redis's reply to a command it does not know.
func unknownCommand(args [][]byte) string { return command.UnknownError(args) }

func arityError(name string) string { return command.ArityError(name) }

// redirect is a parsed -MOVED or -ASK error.
type redirect struct {
	ask  bool
	slot int
	addr string
}

// replyClass says what to do with a node's reply.
type replyClass uint8

const (
	replyFinal replyClass = iota // pass it to the client
	replyMoved                   // -MOVED slot addr: go there, refresh the map
	replyAsk                     // -ASK slot addr: go there once, after ASKING
	replyRetry                   // -TRYAGAIN, -LOADING, -CLUSTERDOWN: wait and retry
)

// classify inspects a raw reply for the errors the proxy retries.
func classify(raw []byte) (replyClass, redirect) {
	if len(raw) < 4 || raw[0] != '-' {
		return replyFinal, redirect{}
	}
	msg := raw[1:]
	switch {
	case hasPrefix(msg, "MOVED "):
		if r, ok := parseRedirect(msg[6:]); ok {
			return replyMoved, r
		}
	case hasPrefix(msg, "ASK "):
		if r, ok := parseRedirect(msg[4:]); ok {
			r.ask = true
			return replyAsk, r
		}
	case hasPrefix(msg, "TRYAGAIN"), hasPrefix(msg, "LOADING"), hasPrefix(msg, "CLUSTERDOWN"):
		return replyRetry, redirect{}
	}
	return replyFinal, redirect{}
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

// parseRedirect parses "<slot> <host:port>\r\n".
func parseRedirect(b []byte) (redirect, bool) {
	s := strings.TrimRight(string(b), "\r\n")
	num, addr, ok := strings.Cut(s, " ")
	if !ok || addr == "" || strings.ContainsAny(addr, " ") {
		return redirect{}, false
	}
	slot := 0
	for _, c := range num {
		if c < '0' || c > '9' {
			return redirect{}, false
		}
		slot = slot*10 + int(c-'0')
		if slot >= 1<<14 {
			return redirect{}, false
		}
	}
	return redirect{slot: slot, addr: addr}, num != ""
}
