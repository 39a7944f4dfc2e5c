package node

import (
	"bufio"
	"errors"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/resp"
)

// migrateOpts is a MIGRATE command line, parsed.
type migrateOpts struct {
	addr          string
	db            int64
	timeout       time.Duration
	copy, replace bool
	auth          [][]byte // AUTH's arguments after the word, or nil
	keys          [][]byte
}

// parseMigrate parses MIGRATE host port key|"" db timeout [COPY]
// [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS key ...] with Redis 7.0's
// checks in its order; it returns the error to answer, or "".
func parseMigrate(args [][]byte) (o migrateOpts, msg string) {
	o.keys = args[3:4]
	for j := 6; j < len(args); j++ {
		more := len(args) - 1 - j
		switch {
		case command.EqualFold(args[j], "copy"):
			o.copy = true
		case command.EqualFold(args[j], "replace"):
			o.replace = true
		case command.EqualFold(args[j], "auth"):
			if more < 1 {
				return o, command.MsgSyntax
			}
			o.auth = args[j+1 : j+2]
			j++
		case command.EqualFold(args[j], "auth2"):
			if more < 2 {
				return o, command.MsgSyntax
			}
			o.auth = args[j+1 : j+3]
			j += 2
		case command.EqualFold(args[j], "keys"):
			if len(args[3]) != 0 {
				return o, "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string"
			}
			o.keys = args[j+1:]
			j = len(args)
		default:
			return o, command.MsgSyntax
		}
	}
	ms, err1 := strconv.ParseInt(string(args[5]), 10, 64)
	db, err2 := strconv.ParseInt(string(args[4]), 10, 64)
	if err1 != nil || err2 != nil {
		return o, command.MsgNotInt
	}
	if ms <= 0 {
		ms = 1000
	}
	o.addr = net.JoinHostPort(string(args[1]), string(args[2]))
	o.db, o.timeout = db, time.Duration(ms)*time.Millisecond
	return o, ""
}

// migrateKey is one key MIGRATE sends: its DUMP payload and time to live.
type migrateKey struct {
	key, payload []byte
	ttl          int64 // ms, 0: none
}

// cmdMigrate serves MIGRATE as Redis 7.0 does: the keys found here go to
// the target as RESTORE (after AUTH and SELECT), and each the target took
// is deleted here unless COPY (replicas get a DEL of those). Nothing
// found answers +NOKEY; an error the target answers comes back as
// "Target instance replied with error: ..."; a connection that fails
// before any reply is tried once more, then answers -IOERR. The command
// holds its keys' stripes while it waits for the target (at most its
// timeout per read or write), as Redis holds the whole server.
func cmdMigrate(cx *Ctx) {
	cx.replArgs = [][]byte{} // nothing to replicate unless a key moves
	o, msg := parseMigrate(cx.Args)
	if msg != "" {
		cx.Error(msg)
		return
	}
	ks := cx.Node.ks
	var out []migrateKey
	for _, k := range o.keys {
		p, ok, err := ks.Dump(k)
		if err != nil || !ok {
			continue
		}
		ttl := ks.TTL(k)
		switch {
		case ttl == -2:
			continue
		case ttl < 0:
			ttl = 0
		case ttl == 0:
			ttl = 1
		}
		out = append(out, migrateKey{key: k, payload: p, ttl: ttl})
	}
	if len(out) == 0 {
		cx.w.WriteString("NOKEY")
		return
	}
	req := migrateRequest(o, out)
	npre := 1 + b2i(o.auth != nil) // AUTH's and SELECT's replies
	var lines []string
	var err error
	for try := 0; ; try++ {
		lines, err = migrateSend(o, req, npre+len(out))
		if err == nil || len(lines) > npre || try > 0 || errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
	}
	if err != nil && len(lines) <= npre {
		var ce *connectError
		switch {
		case errors.As(err, &ce):
			cx.Error("IOERR error or timeout connecting to the client")
		case errors.Is(err, errMigrateWrite):
			cx.Error("IOERR error or timeout writing to target instance")
		default:
			cx.Error("IOERR error or timeout reading to target instance")
		}
		return
	}
	// An error answering AUTH or SELECT fails every key, as in Redis;
	// the reply names the first error.
	failed, preFailed := "", false
	for _, l := range lines[:npre] {
		if isErrLine(l) && failed == "" {
			failed, preFailed = l[1:], true
		}
	}
	del := [][]byte{[]byte("DEL")}
	for i, l := range lines[npre:] {
		if preFailed || isErrLine(l) {
			if failed == "" {
				failed = l[1:]
			}
			continue
		}
		if !o.copy && ks.Del(out[i].key) > 0 {
			del = append(del, out[i].key)
		}
	}
	if len(del) > 1 {
		cx.replArgs = del
	}
	switch {
	case failed != "":
		cx.Error("ERR Target instance replied with error: " + failed)
	case err != nil:
		cx.Error("IOERR error or timeout reading to target instance")
	default:
		cx.OK()
	}
}

func isErrLine(l string) bool { return len(l) > 0 && l[0] == '-' }

// migrateRequest writes the commands MIGRATE sends: AUTH when asked,
// SELECT, then a RESTORE per key (with REPLACE when asked).
func migrateRequest(o migrateOpts, keys []migrateKey) []byte {
	var b []byte
	if o.auth != nil {
		b = resp.AppendArray(b, 1+len(o.auth))
		b = resp.AppendBulk(b, "AUTH")
		for _, a := range o.auth {
			b = resp.AppendBulk(b, a)
		}
	}
	b = resp.AppendArray(b, 2)
	b = resp.AppendBulk(b, "SELECT")
	b = resp.AppendBulk(b, strconv.FormatInt(o.db, 10))
	for _, k := range keys {
		n := 4
		if o.replace {
			n = 5
		}
		b = resp.AppendArray(b, n)
		b = resp.AppendBulk(b, "RESTORE")
		b = resp.AppendBulk(b, k.key)
		b = resp.AppendBulk(b, strconv.FormatInt(k.ttl, 10))
		b = resp.AppendBulk(b, k.payload)
		if o.replace {
			b = resp.AppendBulk(b, "REPLACE")
		}
	}
	return b
}

type connectError struct{ error }

func (e *connectError) Unwrap() error { return e.error }

var errMigrateWrite = errors.New("migrate: write to the target failed")

// migrateSend connects to the target, writes req and reads n one-line
// replies; it returns the lines read (however many) and the first error.
func migrateSend(o migrateOpts, req []byte, n int) (lines []string, err error) {
	c, err := net.DialTimeout("tcp", o.addr, o.timeout)
	if err != nil {
		// Redis counts a connection refused as a failed write (its
		// connect only waits for the socket to be writable).
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, &connectError{err}
		}
		return nil, errors.Join(errMigrateWrite, err)
	}
	defer c.Close()
	for off := 0; off < len(req); {
		end := min(off+64<<10, len(req))
		_ = c.SetWriteDeadline(time.Now().Add(o.timeout))
		if _, err := c.Write(req[off:end]); err != nil {
			return nil, errors.Join(errMigrateWrite, err)
		}
		off = end
	}
	r := bufio.NewReader(c)
	for len(lines) < n {
		_ = c.SetReadDeadline(time.Now().Add(o.timeout))
		l, err := r.ReadString('\n')
		if err != nil {
			return lines, err
		}
		if len(l) >= 2 && l[len(l)-2] == '\r' {
			l = l[:len(l)-2]
		}
		lines = append(lines, l)
	}
	return lines, nil
}
