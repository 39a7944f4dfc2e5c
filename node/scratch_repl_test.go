package node

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/command"
)

// TestScratchKeysNotReplicatedNorMonitored: a proxy's transaction that
// merges a scratch copy into a HyperLogLog (as PFMERGE across nodes does)
// shows MONITOR no command naming the scratch key, sends replicas none
// (the backlog holds no scratch key name), and leaves the replica with
// the same merged value as the primary.
func TestScratchKeysNotReplicatedNorMonitored(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	waitReplicated(t, nodes)
	var p *testNode
	for _, tn := range nodes {
		if tn.raw(t).do("PFADD", "{h}dst", "a", "b") == "(integer) 1" {
			p = tn
			break
		}
	}
	if p == nil {
		t.Fatal("no node takes writes to {h}dst")
	}
	a := p.raw(t)
	a.do("PFADD", "{h}src", "c", "d")
	mon := p.raw(t)
	mon.send("MONITOR")
	if got, err := mon.reply(); err != nil || got != "OK" {
		t.Fatalf("MONITOR: %q %v", got, err)
	}
	sk := "{h}" + command.ScratchMark + "t"
	src := a.do("GET", "{h}src")
	if !strings.HasPrefix(src, `"HYLL`) {
		t.Fatalf("GET of a HyperLogLog: %s", src)
	}
	raw := a.Do("GET", "{h}src")
	hll := raw[strings.Index(raw, "\r\n")+2 : len(raw)-2]
	from := p.repl.log.end.Load()
	if got := a.do("VCACHE.TXLOCK", "t1", "5000", "{h}dst"); got != "(integer) 1" {
		t.Fatalf("TXLOCK: %s", got)
	}
	for _, st := range [][]string{{"MULTI"}, {"SET", sk, hll}, {"PFMERGE", "{h}dst", sk}, {"DEL", sk}} {
		a.do(st...)
	}
	if got := a.do("EXEC"); got != "1) OK\n2) OK\n3) (integer) 1" {
		t.Fatalf("EXEC: %q", got)
	}
	a.do("VCACHE.TXUNLOCK", "t1")
	a.do("SET", "{h}marker", "x")
	sawExec := false
	for {
		line, err := mon.reply()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(line, "vcache-scratch") {
			t.Fatalf("MONITOR shows a scratch key: %q", line)
		}
		sawExec = sawExec || strings.Contains(line, `"EXEC"`)
		if strings.Contains(line, "marker") {
			break
		}
	}
	if !sawExec {
		t.Error("MONITOR did not show the transaction's EXEC")
	}
	frames, _, err := p.repl.log.read(nil, from, time.Millisecond, func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(frames, []byte(command.ScratchMark)) {
		t.Errorf("the replication stream names a scratch key: %q", frames)
	}
	if !bytes.Contains(frames, []byte("RESTORE")) {
		t.Errorf("the merge's effect is not in the replication stream: %q", frames)
	}
	waitEveryReplica(t, nodes)
	want := a.do("PFCOUNT", "{h}dst")
	if want != "(integer) 4" {
		t.Fatalf("PFCOUNT on the primary: %s", want)
	}
	copies := 0
	for _, tn := range nodes {
		if tn == p {
			continue
		}
		rc := tn.raw(t)
		rc.do("READONLY")
		got := rc.do("PFCOUNT", "{h}dst")
		if strings.Contains(got, "MOVED") {
			continue
		}
		copies++
		if got != want {
			t.Errorf("PFCOUNT on the replica %s: %s, want %s", tn.addr, got, want)
		}
		if got := rc.do("EXISTS", sk); got != "(integer) 0" {
			t.Errorf("the scratch key on the replica: %s", got)
		}
	}
	if copies == 0 {
		t.Error("no replica answered for {h}dst")
	}
}
