package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// labRuns counts the network labs made by this process.
var labRuns atomic.Int64

// netLab is a bridge in this network namespace and one network namespace
// per node, each joined to the bridge by a veth pair: cutting a node's
// veth partitions it from the others and from this process, while
// programs started inside its namespace still reach it.
type netLab struct {
	t      *testing.T
	prefix string // 10.213.N.
	tag    string
	nss    []string
}

// ipCmd runs ip with args and fails the test on error.
func (l *netLab) ip(args ...string) {
	l.t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		l.t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// newNetLab makes n namespaces, or skips the test where namespaces cannot
// be made (not root, or no CAP_NET_ADMIN in this container).
func newNetLab(t *testing.T, n int) *netLab {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root")
	}
	// Names are unique per run of the test in this process (go test
	// -count=2 runs it twice; a namespace goes away lazily).
	run := labRuns.Add(1)
	tag := fmt.Sprintf("%d%d", os.Getpid()%10000, run%10)
	l := &netLab{t: t, prefix: fmt.Sprintf("10.213.%d.", (os.Getpid()+int(run))%200+20), tag: tag}
	probe := "vcprobe" + tag
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		t.Skipf("cannot make a network namespace here: %v %s", err, out)
	}
	_ = exec.Command("ip", "netns", "del", probe).Run()
	br := "vcb" + tag
	t.Cleanup(func() {
		for i, ns := range l.nss {
			_ = exec.Command("ip", "link", "del", l.veth(i)).Run()
			_ = exec.Command("ip", "netns", "del", ns).Run()
		}
		_ = exec.Command("ip", "link", "del", br).Run()
	})
	l.ip("link", "add", br, "type", "bridge")
	l.ip("addr", "add", l.prefix+"1/24", "dev", br)
	l.ip("link", "set", br, "up")
	for i := 0; i < n; i++ {
		ns := fmt.Sprintf("vcns%s-%d", tag, i)
		l.ip("netns", "add", ns)
		l.nss = append(l.nss, ns)
		host, peer := l.veth(i), fmt.Sprintf("vcp%s-%d", tag, i)
		l.ip("link", "add", host, "type", "veth", "peer", "name", peer)
		l.ip("link", "set", peer, "netns", ns)
		l.ip("link", "set", host, "master", br, "up")
		l.ip("-n", ns, "link", "set", "lo", "up")
		l.ip("-n", ns, "addr", "add", l.addr(i)+"/24", "dev", peer)
		l.ip("-n", ns, "link", "set", peer, "up")
	}
	return l
}

func (l *netLab) veth(i int) string { return fmt.Sprintf("vcv%s-%d", l.tag, i) }

// addr is node i's IP address.
func (l *netLab) addr(i int) string { return fmt.Sprintf("%s%d", l.prefix, 10+i) }

// cut disconnects node i; heal reconnects it.
func (l *netLab) cut(i int)  { l.ip("link", "set", l.veth(i), "down") }
func (l *netLab) heal(i int) { l.ip("link", "set", l.veth(i), "up") }

// inNS runs a program inside node i's namespace and returns its output.
func (l *netLab) inNS(i int, name string, args ...string) string {
	out, _ := exec.Command("ip", append([]string{"netns", "exec", l.nss[i], name}, args...)...).CombinedOutput()
	return strings.TrimSpace(string(out))
}

// TestPartitionedPrimaryStepsDown runs three node processes in their own
// network namespaces and cuts off the primary of one shard. The majority
// promotes its replica and takes writes; the cut-off node, reached from
// inside its namespace, must not acknowledge writes once its slots have a
// new owner. After healing, every node reports the same single owner for
// every slot and the majority's write wins.
func TestPartitionedPrimaryStepsDown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes in network namespaces")
	}
	requireTool(t, "redis-cli")
	lab := newNetLab(t, 3)
	bin := buildVcache(t)
	const port = "6379"
	seed := lab.addr(0) + ":7946"
	var procs []*proc
	for i := 0; i < 3; i++ {
		addr := lab.addr(i) + ":" + port
		p := launchProc(t, addr, addr, exec.Command("ip", "netns", "exec", lab.nss[i], bin, "server", "--bind", lab.addr(i), "--port", port,
			"--gossip", lab.addr(i)+":7946", "--join", seed, "--node-name", fmt.Sprintf("n%d", i),
			"--replicas", "1", "--loglevel", "warn"))
		procs = append(procs, p)
	}
	ctx := context.Background()
	waitCond := func(d time.Duration, what string, cond func() bool) {
		t.Helper()
		testutil.WaitFor(t, d, cond, what)
	}
	clients := make([]*redis.Client, 3)
	for i, p := range procs {
		clients[i] = redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1, DialTimeout: time.Second,
			ReadTimeout: time.Second, WriteTimeout: time.Second})
		defer clients[i].Close()
	}
	waitCond(60*time.Second, "replication on every node", func() bool {
		for _, c := range clients {
			info, _ := c.Info(ctx, "replication").Result()
			if !strings.Contains(info, "connected_slaves:1") || !strings.Contains(info, "master_link_status:up") {
				return false
			}
		}
		return true
	})
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{procs[0].addr, procs[1].addr, procs[2].addr},
		MaxRedirects: 16, MinRetryBackoff: 10 * time.Millisecond, MaxRetryBackoff: 200 * time.Millisecond})
	defer cc.Close()
	// A key whose shard node 2 leads.
	const victim = 2
	key := ""
	for i := 0; key == ""; i++ {
		k := fmt.Sprintf("key:%d", i)
		if err := cc.Set(ctx, k, "before", 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
		if v, err := clients[victim].Get(ctx, k).Result(); err == nil && v == "before" {
			key = k
		}
	}
	if n, err := cc.Wait(ctx, 1, 5*time.Second).Result(); err != nil || n < 1 {
		// ClusterClient sends WAIT to one node; make sure the victim's
		// replica has the key.
		if n, err := clients[victim].Wait(ctx, 1, 5*time.Second).Result(); err != nil || n != 1 {
			t.Fatalf("WAIT on the victim: %d, %v", n, err)
		}
	}

	lab.cut(victim)
	cutAt := time.Now()
	// Inside the cut-off namespace, keep writing to the victim and note
	// what it acknowledges and when; outside, wait for the majority to
	// give the key's slot to another node.
	type attempt struct {
		at  time.Time
		out string
	}
	attempts := make(chan []attempt, 1)
	stopMinority := make(chan struct{})
	go func() {
		var seen []attempt
		for i := 0; ; i++ {
			select {
			case <-stopMinority:
				attempts <- seen
				return
			default:
			}
			out := lab.inNS(victim, "redis-cli", "-h", lab.addr(victim), "-p", port, "SET", key, fmt.Sprintf("minority-%d", i))
			seen = append(seen, attempt{time.Now(), out})
			time.Sleep(20 * time.Millisecond)
		}
	}()
	var promotedAt time.Time
	waitCond(30*time.Second, "the majority to take over the slot and accept a write", func() bool {
		if err := clients[0].Set(ctx, key, "majority", 0).Err(); err == nil {
			promotedAt = time.Now()
			return true
		}
		if err := clients[1].Set(ctx, key, "majority", 0).Err(); err == nil {
			promotedAt = time.Now()
			return true
		}
		return false
	})
	time.Sleep(time.Second) // let the minority keep trying a while
	close(stopMinority)
	seen := <-attempts
	acked := 0
	for _, a := range seen {
		if a.out == "OK" {
			acked++
			if a.at.After(promotedAt) {
				t.Errorf("the cut-off node acknowledged a write %v after the majority took its slot", a.at.Sub(promotedAt))
			}
		}
	}
	last := ""
	if len(seen) > 0 {
		last = seen[len(seen)-1].out
	}
	t.Logf("majority took over %v after the cut; the cut-off node acknowledged %d of %d writes (all before that), and last answered %q",
		promotedAt.Sub(cutAt), acked, len(seen), last)
	if !strings.HasPrefix(last, "CLUSTERDOWN") && !strings.HasPrefix(last, "MOVED") {
		t.Errorf("the cut-off node's last answer to a write was %q, want CLUSTERDOWN or MOVED", last)
	}

	lab.heal(victim)
	// From the heal on the old primary never serves its own copy of the
	// key (watchHealed); then one owner per slot on every node, and the
	// key holds the majority's value wherever it is read.
	gets := watchHealed(t, clients[victim], key, "before", "majority")
	t.Logf("the old primary followed the majority's map after %d GETs, none of them stale", gets)
	waitCond(30*time.Second, "every node to agree on the slots' owners", func() bool {
		var first string
		for i, c := range clients {
			slots, err := c.ClusterSlots(ctx).Result()
			if err != nil {
				return false
			}
			var b strings.Builder
			covered := 0
			for _, s := range slots {
				covered += s.End - s.Start + 1
				fmt.Fprintf(&b, "%d-%d:%s;", s.Start, s.End, s.Nodes[0].Addr)
			}
			if covered != 16384 {
				return false
			}
			if i == 0 {
				first = b.String()
			} else if b.String() != first {
				return false
			}
		}
		return true
	})
	if v, err := cc.Get(ctx, key).Result(); err != nil || v != "majority" {
		t.Fatalf("after healing %s = %q, %v; want the majority's write", key, v, err)
	}
	got := lab.inNS(victim, "redis-cli", "-h", lab.addr(victim), "-p", port, "GET", key)
	if got != "majority" && !strings.HasPrefix(got, "MOVED") {
		t.Fatalf("after healing the old primary answers GET %s with %q", key, got)
	}
}

// requireTool skips the test when a program is missing, except in CI
// (CI=1), where it fails.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required in CI", name)
		}
		t.Skipf("%s not installed", name)
	}
}
