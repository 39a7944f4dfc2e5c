package front

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/command"
)

// Conn is a client connection as the shared commands see it. Its methods
// are called from the goroutine serving the connection.
type Conn interface {
	Reply

	// ClientID is the connection's client id.
	ClientID() int64
	// Info describes the connection at now (CLIENT INFO).
	Info(now time.Time) ClientInfo
	// SetClientName names the connection (CLIENT SETNAME; "" clears it).
	SetClientName(name string)
	// ClientName returns the connection's name.
	ClientName() string
	// SetLib records the client library's name or version (CLIENT
	// SETINFO LIB-NAME / LIB-VER).
	SetLib(name, version *string)
	// Authenticate makes the connection the user that name and pass open
	// ("" name: the default user) and reports true, or logs the failure
	// in ACL LOG and reports false, leaving the connection as it was.
	Authenticate(name, pass string) bool
	// Authed reports whether the connection may run commands.
	Authed() bool
	// Quit closes the connection once the current reply is written.
	Quit()
	// Reset returns the connection to its state right after it was
	// accepted (RESET): no transaction, name or user of its own, RESP2.
	Reset()
	// SetProto makes the connection speak RESP2 (2) or RESP3 (3) from
	// its next reply on (HELLO).
	SetProto(proto int)
	// Proto is the protocol the connection speaks: 2 or 3.
	Proto() int

	// Server is the server the connection belongs to.
	Server() Server
}

// Server is what the shared commands need of the server itself.
type Server interface {
	// ACL returns the server's users.
	ACL() *acl.Table
	// Commands returns the commands the server serves.
	Commands() *command.Table
	// Peers returns every connected client, in no particular order.
	Peers() []Peer
	// Mode is how HELLO describes the server: mode "standalone" or
	// "cluster", role "master" or "replica".
	Mode() (mode, role string)
	// Pause is the server's client pause (CLIENT PAUSE, CLIENT UNPAUSE).
	Pause() *Pause
}

// Peer is one connected client, as CLIENT LIST and CLIENT KILL see it.
type Peer interface {
	// Info describes the client at now.
	Info(now time.Time) ClientInfo
	// Kill closes the client's connection (for the caller itself, after
	// the current reply: see Conn.Quit).
	Kill()
}

// ClientInfo is one client as CLIENT INFO and CLIENT LIST describe it.
type ClientInfo struct {
	ID          int64
	Addr, LAddr string
	Name        string
	Created     time.Time
	LastActive  time.Time
	// Flags as Redis shows them: "N" for none, "x" in MULTI.
	Flags string
	// Cmd is the last command run ("" if none).
	Cmd string
	// User is the ACL user ("" until the client authenticates).
	User            string
	LibName, LibVer string
	// Resp is the protocol the client speaks, 2 or 3 (0 counts as 2).
	Resp int
	// Sub, PSub and SSub count the client's channel, pattern and shard
	// channel subscriptions; OMem the reply bytes waiting to be sent.
	Sub, PSub, SSub int64
	OMem            int64
	// Qbuf is the unprocessed request bytes: for the client asking, the
	// command it is running (as in Redis's query buffer); else 0.
	Qbuf int64
	// QbufFree is the room left in the query buffer; TotMem the bytes the
	// connection holds in all (query buffer and replies); 0 TotMem counts
	// Qbuf and OMem.
	QbufFree, TotMem int64
	// Redir is the client CLIENT TRACKING redirects to (0: none; -1: not
	// tracking). Only the nodes set it: 0 here means -1.
	Redir int64
	// Tracking is set when the client tracks keys (Redir is then valid).
	Tracking bool
}

// String renders the client as one CLIENT LIST line (without newline), in
// Redis 7.2's field order; fields vcache does not keep are zero.
func (ci ClientInfo) String() string { return string(ci.appendTo(nil, time.Now())) }

func (ci ClientInfo) appendTo(b []byte, now time.Time) []byte {
	first := true
	field := func(k, v string) {
		if !first {
			b = append(b, ' ')
		}
		first = false
		b = append(b, k...)
		b = append(b, '=')
		b = append(b, v...)
	}
	num := func(k string, v int64) { field(k, strconv.FormatInt(v, 10)) }
	cmd, user, flags := ci.Cmd, ci.User, ci.Flags
	if cmd == "" {
		cmd = "NULL"
	}
	if user == "" {
		user = "default" // not authenticated yet, as Redis shows it
	}
	if flags == "" {
		flags = "N"
	}
	num("id", ci.ID)
	field("addr", ci.Addr)
	field("laddr", ci.LAddr)
	field("fd", "0")
	field("name", ci.Name)
	num("age", int64(now.Sub(ci.Created).Seconds()))
	num("idle", int64(now.Sub(ci.LastActive).Seconds()))
	field("flags", flags)
	b = append(b, " db=0"...)
	num("sub", ci.Sub)
	num("psub", ci.PSub)
	num("ssub", ci.SSub)
	b = append(b, " multi=-1"...)
	num("qbuf", ci.Qbuf)
	num("qbuf-free", ci.QbufFree)
	b = append(b, " argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0"...)
	num("omem", ci.OMem)
	if ci.TotMem == 0 {
		ci.TotMem = ci.Qbuf + ci.OMem
	}
	num("tot-mem", ci.TotMem)
	b = append(b, " events=r"...)
	field("cmd", cmd)
	field("user", user)
	if ci.Tracking {
		num("redir", ci.Redir)
	} else {
		field("redir", "-1")
	}
	field("resp", strconv.Itoa(max(ci.Resp, 2)))
	field("lib-name", ci.LibName)
	field("lib-ver", ci.LibVer)
	return b
}

// clientLines renders infos as CLIENT LIST's text: one line each, by id.
func clientLines(infos []ClientInfo, now time.Time) string {
	sortByID(infos)
	var b []byte
	for _, ci := range infos {
		b = ci.appendTo(b, now)
		b = append(b, '\n')
	}
	return string(b)
}

func sortByID(infos []ClientInfo) {
	slices.SortFunc(infos, func(a, b ClientInfo) int { return cmp.Compare(a.ID, b.ID) })
}

// lower returns b lower-cased, as a string.
func lower(b []byte) string { return strings.ToLower(string(b)) }
