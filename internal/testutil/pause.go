package testutil

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// PauseParts picks the CLIENT PAUSE scenarios of PauseTranscript that only
// some servers run.
type PauseParts struct {
	// Scripts: a script that may write waits, EVAL_RO reads go on and
	// refuse PUBLISH; EVALSHA and FCALL wait or go on by their script's
	// or function's flags, which only a node knows (a proxy over
	// redis-servers cannot learn them, and holds every one).
	Scripts bool
	// Expiry: a key that expires while writes are paused looks gone but
	// stays until the pause ends (a node's own keys).
	Expiry bool
	// Keys are three keys the transactions with CLIENT PAUSE inside
	// write; nil: {t}1 {t}2 {t}3, in one slot. A proxy over vcache nodes
	// is given keys on different nodes, to run them across nodes.
	Keys []string
}

// PauseTranscript runs CLIENT PAUSE scenarios against the server at addr
// and returns what its clients saw, to compare with redis-server's
// (SameTranscript). The server's keys k l x n p e gone and parts.Keys are
// deleted first; with Scripts, its scripts and functions too.
func PauseTranscript(t testing.TB, addr string, parts PauseParts) []string {
	var out []string
	note := func(s string) { out = append(out, s) }
	ctl := Dial(t, addr)
	keys := parts.Keys
	if keys == nil {
		keys = []string{"{t}1", "{t}2", "{t}3"}
	}
	for _, k := range append([]string{"k", "l", "x", "n", "p", "e", "gone"}, keys...) {
		ctl.Do("DEL", k)
	}
	info := func(section, field string) int {
		m := regexp.MustCompile(field + `:(\d+)`).FindStringSubmatch(ctl.Do("INFO", section))
		if m == nil {
			t.Fatalf("no %s in INFO %s", field, section)
		}
		v, _ := strconv.Atoi(m[1])
		return v
	}
	waitHeld := func(want int) {
		t.Helper()
		WaitFor(t, 5*time.Second, func() bool {
			return info("clients", "blocked_clients") == want
		}, fmt.Sprintf("%d blocked clients", want))
	}
	send := func(c *Conn, args ...string) {
		c.Send(args...)
		c.Flush()
	}

	// Arguments.
	for _, args := range [][]string{
		{"CLIENT", "PAUSE"}, {"CLIENT", "PAUSE", "abc"}, {"CLIENT", "PAUSE", "-1"},
		{"CLIENT", "PAUSE", "10", "foo"}, {"CLIENT", "PAUSE", "abc", "foo"},
		{"CLIENT", "PAUSE", "10", "WRITE", "x"}, {"CLIENT", "UNPAUSE", "x"}, {"CLIENT", "UNPAUSE"},
		{"CLIENT", "PAUSE", "0"}, {"PING"},
	} {
		note(strings.Join(args, " ") + " -> " + ctl.Do(args...))
	}

	// WRITE: writes, PUBLISH (and scripts that may write) wait; reads,
	// read-only scripts and the pausing client's reads go on.
	w, pub := Dial(t, addr), Dial(t, addr)
	wid := strings.TrimSpace(strings.TrimPrefix(w.Do("CLIENT", "ID"), ":"))
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	send(w, "SET", "k", "v")
	waitHeld(1)
	send(pub, "PUBLISH", "ch", "m")
	waitHeld(2)
	var scr *Conn
	if parts.Scripts {
		scr = Dial(t, addr)
		send(scr, "EVAL", "return 1", "0")
		waitHeld(3)
	}
	flags := regexp.MustCompile(`flags=(\S+)`).FindStringSubmatch(ctl.Do("CLIENT", "LIST", "ID", wid))
	note("held client flags " + flags[1])
	note(ctl.Do("PING"))
	note(ctl.Do("GET", "k"))
	note(ctl.Do("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", "1", "k"))
	if parts.Scripts {
		note(ctl.Do("EVAL_RO", "return redis.call('get', 'k')", "1", "k"))
		ro := ctl.Do("EVAL_RO", "return redis.call('publish', 'ch', 'm')", "0")
		note(strings.SplitN(ro, " script:", 2)[0])
	}
	note(ctl.Do("CLIENT", "UNPAUSE"))
	held := w.Recv() + pub.Recv()
	if scr != nil {
		held += scr.Recv()
	}
	note("held: " + held)
	note(ctl.Do("GET", "k"))

	// What a held client pipelines after the held command waits behind
	// it, and a read before it too.
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	w.Send("GET", "p")
	w.Send("SET", "p", "1")
	w.Send("GET", "p")
	w.Flush()
	waitHeld(1)
	note(ctl.Do("GET", "p"))
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note(w.Recv() + w.Recv() + w.Recv())

	// The held clients resume in the order they were held.
	var cs []*Conn
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	for i := range 5 {
		c := Dial(t, addr)
		send(c, "RPUSH", "l", strconv.Itoa(i))
		waitHeld(i + 1)
		cs = append(cs, c)
	}
	note(ctl.Do("CLIENT", "UNPAUSE"))
	for _, c := range cs {
		note("in order: " + c.Recv())
	}

	// A write inside MULTI waits before it is queued; EXEC of queued
	// writes waits.
	m := Dial(t, addr)
	note(m.Do("MULTI"))
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	send(m, "SET", "x", "1")
	waitHeld(1)
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note(m.Recv())
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	send(m, "EXEC")
	waitHeld(1)
	note(ctl.Do("GET", "x"))
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note(m.Recv())

	if parts.Expiry {
		// Expired keys look gone but stay until the pause ends.
		before := info("stats", "expired_keys")
		note(ctl.Do("SET", "e", "v", "PX", "30"))
		note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
		time.Sleep(120 * time.Millisecond)
		note(ctl.Do("GET", "e"))
		note(ctl.Do("EXISTS", "e"))
		note(ctl.Do("DBSIZE"))
		note(fmt.Sprint("expired while paused: ", info("stats", "expired_keys")-before))
		note(ctl.Do("CLIENT", "UNPAUSE"))
		note(ctl.Do("GET", "e"))
		note(ctl.Do("DBSIZE"))
		note(fmt.Sprint("expired after: ", info("stats", "expired_keys")-before))
	}

	// A pause ends by itself; a later one extends it and widens WRITE to
	// ALL (PING waits then), never shortens or narrows it.
	note(ctl.Do("CLIENT", "PAUSE", "400", "WRITE"))
	note(ctl.Do("CLIENT", "PAUSE", "50", "ALL"))
	start := time.Now()
	note(w.Do("PING"))
	note(fmt.Sprint("PING held 250ms or more: ", time.Since(start) >= 250*time.Millisecond))
	note(ctl.Do("CLIENT", "PAUSE", "300", "ALL"))
	note(ctl.Do("CLIENT", "PAUSE", "10", "WRITE"))
	start = time.Now()
	send(w, "PING")
	send(pub, "GET", "k")
	note(w.Recv() + pub.Recv())
	note(fmt.Sprint("read held 200ms or more: ", time.Since(start) >= 200*time.Millisecond))
	note(ctl.Do("CLIENT", "PAUSE", "300", "WRITE"))
	start = time.Now()
	note(w.Do("INCR", "n"))
	note(fmt.Sprint("write held 200ms or more: ", time.Since(start) >= 200*time.Millisecond))

	// A held client that goes away is forgotten; its command never runs.
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	gone := Dial(t, addr)
	send(gone, "SET", "gone", "1")
	waitHeld(1)
	gone.Close()
	waitHeld(0)
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note(ctl.Do("EXISTS", "gone"))

	steps := &pauseSteps{t: t, addr: addr, ctl: ctl, note: note, waitHeld: waitHeld}
	steps.tx(keys) // pause_tx.go
	if parts.Scripts {
		steps.scripts(keys[0])
	}
	return out
}

// SameTranscript reports each step where what server name's clients saw
// (got) differs from redis-server's (want).
func SameTranscript(t testing.TB, name string, got, want []string) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("step %d: %s %q, redis-server %q", i, name, g, w)
		}
	}
}
