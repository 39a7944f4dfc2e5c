package testutil

import (
	"strings"
	"testing"
)

// pauseSteps is what the later scenarios of PauseTranscript share: the
// server, the controlling connection, and the transcript's steps.
type pauseSteps struct {
	t    testing.TB
	addr string
	ctl  *Conn
	note func(string)
	// waitHeld waits until the server counts n held clients.
	waitHeld func(n int)
}

// send writes a command without reading its reply.
func (p *pauseSteps) send(c *Conn, args ...string) {
	c.Send(args...)
	c.Flush()
}

// tx: CLIENT inside MULTI, and a pause issued there, which starts when
// EXEC ends. keys are three keys the transactions write.
func (p *pauseSteps) tx(keys []string) {
	ctl, note := p.ctl, p.note
	m, o := Dial(p.t, p.addr), Dial(p.t, p.addr)

	// A CLIENT line with an unknown subcommand or the wrong number of
	// arguments is refused as it is queued, which aborts the transaction.
	note(m.Do("MULTI"))
	note(m.Do("CLIENT", "PAUSE"))
	note(m.Do("CLIENT", "NOSUCH"))
	note(m.Do("CLIENT", "ID", "x"))
	note(m.Do("EXEC"))

	// The others run within EXEC, as the client's own.
	id := m.Do("CLIENT", "ID")
	note(m.Do("MULTI"))
	for _, args := range [][]string{
		{"CLIENT", "SETNAME", "txname"}, {"CLIENT", "GETNAME"}, {"CLIENT", "ID"},
		{"CLIENT", "PAUSE", "abc"}, {"CLIENT", "NO-EVICT", "maybe"}, {"CLIENT", "GETREDIR"},
		{"CLIENT", "UNBLOCK", "999999"}, {"CLIENT", "KILL", "ID", "999999"}, {"CLIENT", "UNPAUSE"},
		{"SET", keys[0], "0"}, {"CLIENT", "SETNAME", ""},
	} {
		note(m.Do(args...))
	}
	note(strings.ReplaceAll(m.Do("EXEC"), id, ":<the client's id>\r\n"))
	// Their replies in EXEC's are in the client's protocol.
	r3 := Dial(p.t, p.addr)
	r3.Do3("HELLO", "3")
	for _, args := range [][]string{
		{"MULTI"}, {"CLIENT", "GETNAME"}, {"CLIENT", "TRACKINGINFO"}, {"GET", keys[0]}, {"EXEC"},
	} {
		note(r3.Do3(args...))
	}

	// A pause issued inside MULTI starts when EXEC ends: the transaction's
	// write after it runs, a write pipelined right behind EXEC waits, as
	// does another client's.
	note(m.Do("MULTI"))
	note(m.Do("SET", keys[0], "1"))
	note(m.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	note(m.Do("SET", keys[1], "1"))
	m.Send("EXEC")
	m.Send("SET", keys[2], "1")
	m.Flush()
	note(m.Recv())
	p.waitHeld(1)
	p.send(o, "SET", keys[2], "2")
	p.waitHeld(2)
	note(ctl.Do("GET", keys[0]) + ctl.Do("GET", keys[1]) + ctl.Do("GET", keys[2]))
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note(m.Recv() + o.Recv())
	note(ctl.Do("GET", keys[2]))

	// A write pipelined right behind CLIENT PAUSE waits too.
	m.Send("CLIENT", "PAUSE", "100000", "WRITE")
	m.Send("INCR", keys[0])
	m.Flush()
	note(m.Recv())
	p.waitHeld(1)
	note(ctl.Do("GET", keys[0]))
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note(m.Recv())

	// CLIENT UNPAUSE inside MULTI: a transaction of reads is not held, and
	// the pause is over once EXEC has run.
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	note(m.Do("MULTI"))
	note(m.Do("GET", keys[0]))
	note(m.Do("CLIENT", "UNPAUSE"))
	note(m.Do("EXEC"))
	note(o.Do("SET", keys[1], "3"))

	// A pause queued in a transaction that does not run (DISCARD, a
	// WATCHed key that changed) never starts.
	note(m.Do("MULTI"))
	note(m.Do("CLIENT", "PAUSE", "100000", "ALL"))
	note(m.Do("DISCARD"))
	note(m.Do("WATCH", keys[0]))
	note(o.Do("SET", keys[0], "w"))
	note(m.Do("MULTI"))
	note(m.Do("CLIENT", "PAUSE", "100000", "ALL"))
	note(m.Do("EXEC"))
	note(o.Do("PING"))
}

// scripts: under a WRITE pause EVALSHA and FCALL of a script or function
// flagged no-writes go on, in MULTI too; those that may write wait, and so
// do those the server does not know, which fail once the pause ends, and
// an EXEC that queued one. key is a key a script names.
func (p *pauseSteps) scripts(key string) {
	ctl, note := p.ctl, p.note
	note(ctl.Do("SCRIPT", "FLUSH"))
	note(ctl.Do("FUNCTION", "FLUSH"))
	sha := func(reply string) string {
		parts := strings.Split(reply, "\r\n")
		if len(parts) < 2 || len(parts[1]) != 40 {
			p.t.Fatalf("SCRIPT LOAD: %q", reply)
		}
		return parts[1]
	}
	ro := sha(ctl.Do("SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 'ro'"))
	rw := sha(ctl.Do("SCRIPT", "LOAD", "return 'rw'"))
	note(ctl.Do("FUNCTION", "LOAD", "#!lua name=plib\n"+
		"redis.register_function{function_name='pro', callback=function() return 'pro' end, flags={'no-writes'}}\n"+
		"redis.register_function('prw', function() return 'prw' end)"))
	queued := Dial(p.t, p.addr)
	note(queued.Do("MULTI"))
	note(queued.Do("EVALSHA", rw, "0"))

	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	c := Dial(p.t, p.addr)
	note(c.Do("EVALSHA", ro, "0"))
	note(c.Do("EVALSHA", ro, "1", key))
	note(c.Do("FCALL", "pro", "0"))
	note(c.Do("MULTI"))
	note(c.Do("EVALSHA", ro, "0"))
	note(c.Do("FCALL", "pro", "1", key))
	note(c.Do("EVAL", "#!lua flags=no-writes\nreturn 'ev'", "0"))
	note(c.Do("EXEC"))
	var held []*Conn
	for i, args := range [][]string{
		{"EVALSHA", rw, "0"}, {"FCALL", "prw", "0"},
		{"EVALSHA", strings.Repeat("f", 40), "0"}, {"FCALL", "nosuch", "0"},
	} {
		h := Dial(p.t, p.addr)
		p.send(h, args...)
		p.waitHeld(i + 1)
		held = append(held, h)
	}
	p.send(queued, "EXEC")
	p.waitHeld(len(held) + 1)
	note(ctl.Do("CLIENT", "UNPAUSE"))
	for _, h := range held {
		note("held: " + h.Recv())
	}
	note("held: " + queued.Recv())
	note(ctl.Do("FUNCTION", "FLUSH"))
}
