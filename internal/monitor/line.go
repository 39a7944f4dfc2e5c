package monitor

import (
	"strconv"
	"time"

	"github.com/vcache/vcache/internal/command"
)

// Shown reports whether MONITOR shows the command line args of spec:
// admin commands (CONFIG, CLIENT LIST, ...) are left out, as in Redis.
func Shown(spec *command.Spec, args [][]byte) bool {
	return !spec.HasIn(args, command.Admin)
}

// AppendLine appends one MONITOR line to b, as Redis 7.0 writes it:
//
//	+<unix seconds>.<microseconds> [0 <source>] "cmd" "arg" ...
//
// source is the client's address, or "lua" for a script's commands;
// passwords are redacted (SecretArgs) and every argument is quoted as
// AppendRepr quotes it.
func AppendLine(b []byte, now time.Time, source string, args [][]byte) []byte {
	b = append(b, '+')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '.')
	us := now.Nanosecond() / 1000
	for d := 100000; d > 1 && us < d; d /= 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(us), 10)
	b = append(b, " [0 "...)
	b = append(b, source...)
	b = append(b, ']')
	secret := SecretArgs(args)
	for i, a := range args {
		b = append(b, ' ')
		if secret(i) {
			a = []byte(Redacted)
		}
		b = AppendRepr(b, a)
	}
	return append(b, '\r', '\n')
}

// Line returns one MONITOR line (AppendLine) in a buffer of its own.
func Line(now time.Time, source string, args [][]byte) []byte {
	return AppendLine(make([]byte, 0, 64+16*len(args)), now, source, args)
}

// AppendRepr appends s quoted as Redis quotes a string (sdscatrepr):
// backslash escapes for \\ \" \n \r \t \a \b, \xHH for other bytes that
// are not printable ASCII.
func AppendRepr(b, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, ch := range s {
		switch ch {
		case '\\', '"':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if ch >= 0x20 && ch < 0x7f {
				b = append(b, ch)
			} else {
				b = append(b, '\\', 'x', hex[ch>>4], hex[ch&15])
			}
		}
	}
	return append(b, '"')
}

// MsgKeyspace answers a monitor's command that reads or writes keys: a
// monitor is a replica to Redis, and may not touch the keyspace.
const MsgKeyspace = "ERR Replica can't interact with the keyspace"

// MsgDenyBlocking answers MONITOR run by EXEC (as Redis's deny-blocking
// clients).
const MsgDenyBlocking = "ERR MONITOR isn't allowed for DENY BLOCKING client"

// Denied returns the error of a command of spec that a monitor may not
// run, or "": like a Redis replica, it may not read or write keys.
func Denied(spec *command.Spec) string {
	if spec.Flags&(command.Write|command.Readonly) != 0 && !spec.Has(command.NoKeyspace) || spec.Has(command.MayReplicate) {
		return MsgKeyspace
	}
	return ""
}
