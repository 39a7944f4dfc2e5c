package node

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
)

// TestMonitorGolden sends testdata/monitor.lines's commands as one
// pipeline and reads the monitor's lines: each matches the line
// redis-server 7.0.15 gave for the same commands (quoting of binary
// arguments, "lua" for a script's commands after the script's own line,
// redacted passwords, admin commands and rejected commands left out,
// MULTI/EXEC in order).
func TestMonitorGolden(t *testing.T) {
	tn := startNode(t, nil)
	m := tn.raw(t)
	if got := m.Do("MONITOR"); got != "+OK\r\n" {
		t.Fatalf("MONITOR = %q", got)
	}
	pipeline, want := testutil.MonitorGolden(t, "testdata/monitor.lines")
	c := tn.raw(t)
	c.SendRaw(pipeline)
	c.Flush()
	addr := c.c.LocalAddr().String()
	for i, w := range want {
		src, args := testutil.ReadMonitorLine(t, m)
		wsrc, wargs, _ := strings.Cut(w, " ")
		if wsrc == "client" {
			wsrc = addr
		}
		if src != wsrc || args != wargs {
			t.Errorf("line %d: [%s] %s\nwant [%s] %s", i+1, src, args, wsrc, wargs)
		}
	}
}

// TestMonitorTime checks a line's time is now, in seconds and
// microseconds.
func TestMonitorTime(t *testing.T) {
	tn := startNode(t, nil)
	m := tn.raw(t)
	m.Do("MONITOR")
	before := time.Now()
	tn.raw(t).Do("PING")
	raw, err := m.ReadRaw()
	if err != nil {
		t.Fatal(err)
	}
	p := testutil.MonitorLine.FindStringSubmatch(raw)
	if p == nil || p[4] != `"PING"` {
		t.Fatalf("line %q", raw)
	}
	at, _ := time.Parse("2006-01-02", "1970-01-01")
	sec, _ := time.ParseDuration(p[1] + "s")
	us, _ := time.ParseDuration(p[2] + "us")
	got := at.Add(sec + us)
	if got.Before(before.Truncate(time.Microsecond)) || got.After(time.Now()) {
		t.Fatalf("line time %v, command sent at %v", got, before)
	}
}

// TestMonitorClientRules: a monitor may not touch keys ("Replica can't
// interact with the keyspace"), may PING (and sees its own PING after
// the reply), a second MONITOR gets no reply, CLIENT LIST shows flag O,
// RESET ends monitoring, and MONITOR inside MULTI is refused at EXEC.
func TestMonitorClientRules(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	other := tn.client(t)
	other.Ping(ctx) // connected (HELLO) before the monitor starts
	m := tn.raw(t)
	m.Do("MONITOR")
	if got := m.Do("GET", "k"); got != "-ERR Replica can't interact with the keyspace\r\n" {
		t.Fatalf("GET from a monitor = %q", got)
	}
	if got := m.Do("MONITOR", "extra"); got != "-ERR wrong number of arguments for 'monitor' command\r\n" {
		t.Fatalf("MONITOR extra = %q", got)
	}
	m.Send("MONITOR") // no reply
	if got := m.Do("PING"); got != "+PONG\r\n" {
		t.Fatalf("PING after a second MONITOR = %q", got)
	}
	if src, args := testutil.ReadMonitorLine(t, m); src != m.c.LocalAddr().String() || args != `"PING"` {
		t.Fatalf("the monitor's own PING: [%s] %s", src, args)
	}
	// As redis-server 7.0.15: ECHO and LASTSAVE touch no key (each shows
	// its line); PUBLISH, PFCOUNT and scripts may reach replicas.
	for _, args := range [][]string{{"ECHO", "x"}, {"LASTSAVE"}} {
		if got := m.Do(args...); strings.HasPrefix(got, "-") {
			t.Fatalf("%v from a monitor = %q", args, got)
		}
		if _, line := testutil.ReadMonitorLine(t, m); !strings.HasPrefix(line, `"`+args[0]+`"`) {
			t.Fatalf("the monitor's own %v: %s", args, line)
		}
	}
	for _, args := range [][]string{{"PUBLISH", "c", "m"}, {"PFCOUNT", "h"}, {"EVAL", "return 1", "0"}} {
		if got := m.Do(args...); got != "-ERR Replica can't interact with the keyspace\r\n" {
			t.Fatalf("%v from a monitor = %q", args, got)
		}
	}
	if list := other.ClientList(ctx).Val(); !strings.Contains(list, "addr="+m.c.LocalAddr().String()+" ") ||
		!regexp.MustCompile(`(?m)addr=`+regexp.QuoteMeta(m.c.LocalAddr().String())+` .* flags=O `).MatchString(list) {
		t.Fatalf("CLIENT LIST does not show the monitor with flag O:\n%s", list)
	}
	// CLIENT LIST is an admin command: no line. The next reply is RESET's.
	if got := m.Do("RESET"); got != "+RESET\r\n" {
		t.Fatalf("RESET = %q", got)
	}
	other.Set(ctx, "k", "v", 0)
	if got := m.Do("GET", "k"); got != "$1\r\nv\r\n" {
		t.Fatalf("GET after RESET = %q (a line of another client's SET?)", got)
	}

	x := tn.raw(t)
	x.Do("MULTI")
	x.Do("MONITOR")
	if got := x.Do("EXEC"); got != "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n" {
		t.Fatalf("MONITOR in MULTI: EXEC = %q", got)
	}
	if got := x.Do("GET", "k"); got != "$1\r\nv\r\n" {
		t.Fatalf("GET after EXEC = %q", got)
	}
}

// TestMonitorSlowIsCut: a monitor that never reads is disconnected once
// its queue passes client-output-buffer-limit normal's hard limit, and
// what waits for it never grows much past that limit.
func TestMonitorSlowIsCut(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	const hard = 1 << 20
	if err := c.ConfigSet(ctx, "client-output-buffer-limit", "normal 1mb 512kb 60").Err(); err != nil {
		t.Fatal(err)
	}
	m := tn.raw(t)
	m.Do("MONITOR")
	value := strings.Repeat("x", 64<<10)
	omem := regexp.MustCompile(`flags=O .* omem=(\d+)`)
	cut := false
	var most int64
	// The socket buffers take some megabytes first; 4,000 lines of 64 KB
	// are 256 MB, far more than enough.
	for i := 0; i < 4000 && !cut; i++ {
		if err := c.Set(ctx, "k", value, 0).Err(); err != nil {
			t.Fatal(err)
		}
		list := c.ClientList(ctx).Val()
		p := omem.FindStringSubmatch(list)
		if p == nil {
			cut = true
			break
		}
		var v int64
		for _, d := range p[1] {
			v = v*10 + int64(d-'0')
		}
		most = max(most, v)
	}
	if !cut {
		t.Fatal("the monitor that does not read was never disconnected")
	}
	if most > hard+int64(len(value))+1024 {
		t.Fatalf("a monitor's queue reached %d bytes; the hard limit is %d", most, hard)
	}
	if info := c.Info(ctx, "stats").Val(); !strings.Contains(info, "client_output_buffer_limit_disconnections:1\r\n") {
		t.Errorf("INFO stats does not count the disconnection")
	}
}
