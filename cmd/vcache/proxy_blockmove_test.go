package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
	"github.com/vcache/vcache/proxy"
)

// BLMOVE and BRPOPLPUSH whose source and destination are on different
// vcache nodes, through the proxy (proxy/block_across_move.go).

// TestProxyBlockMoveAcrossNodes: BLMOVE and BRPOPLPUSH from a list on one
// node to a list on another answer through the proxy byte for byte as
// redis-server does with the same keys, RESP2 and RESP3: at once when the
// source holds something (or a type or an argument is wrong), a null
// after their timeout, and the element of a push made while they wait; a
// destination that became another type while they wait answers
// WRONGTYPE and leaves the pushed element in the source.
func TestProxyBlockMoveAcrossNodes(t *testing.T) {
	nodes, addr := txCluster(t)
	ref := startRedisRef(t)
	k := newBlockxKeys(t, nodes)
	for _, proto := range []int{2, 3} {
		via, want := dialProto(t, addr, proto), dialProto(t, ref, proto)
		do, recv := protoDo(proto), protoRecv(proto)
		both := func(args ...string) {
			t.Helper()
			if g, w := do(via, args...), do(want, args...); g != w {
				t.Errorf("RESP%d %v:\n proxy        %q\n redis-server %q", proto, args, g, w)
			}
		}
		lists := func() {
			t.Helper()
			both("LRANGE", k.lA, "0", "-1")
			both("LRANGE", k.lB, "0", "-1")
		}
		for _, st := range [][]string{
			{"FLUSHALL"},
			{"RPUSH", k.lA, "a1", "a2", "a3", "a4"},
			{"SET", k.str, "plain"},
			// At once: something is there.
			{"BLMOVE", k.lA, k.lB, "LEFT", "RIGHT", "0"},
			{"BLMOVE", k.lA, k.lB, "RIGHT", "LEFT", "1"},
			{"BRPOPLPUSH", k.lA, k.lB, "0"},
			{"LRANGE", k.lA, "0", "-1"},
			{"LRANGE", k.lB, "0", "-1"},
			{"BLMOVE", k.lB, k.lA, "LEFT", "LEFT", "0"},
			// Wrong type, bad arguments.
			{"BLMOVE", k.str, k.lB, "LEFT", "RIGHT", "0"},
			{"BLMOVE", k.lA, k.str, "LEFT", "RIGHT", "0"},
			{"BRPOPLPUSH", k.lA, k.str, "0"},
			{"LRANGE", k.lA, "0", "-1"},
			{"BLMOVE", k.lA, k.lB, "UP", "RIGHT", "0"},
			{"BLMOVE", k.lA, k.lB, "LEFT", "DOWN", "soon"},
			{"BLMOVE", k.lA, k.lB, "LEFT", "RIGHT", "soon"},
			{"BLMOVE", k.lA, k.lB, "LEFT", "RIGHT", "-1"},
			{"BRPOPLPUSH", k.lA, k.lB, "-0.5"},
			{"BRPOPLPUSH", k.lA, k.lB, "x"},
			// Nothing comes: the null reply after the timeout (a
			// destination of another type is not looked at before).
			{"DEL", k.lA},
			{"BLMOVE", k.lA, k.lB, "LEFT", "RIGHT", "0.02"},
			{"BRPOPLPUSH", k.lA, k.lB, "0.01"},
			{"BLMOVE", k.lA, k.str, "LEFT", "RIGHT", "0.01"},
		} {
			both(st...)
		}
		lists()

		// A push while they wait.
		for _, c := range []struct{ block, push []string }{
			{[]string{"BLMOVE", k.lA, k.lB, "LEFT", "RIGHT", "0"}, []string{"RPUSH", k.lA, "x", "y"}},
			{[]string{"BLMOVE", k.lA, k.lB, "RIGHT", "LEFT", "5"}, []string{"RPUSH", k.lA, "p", "q"}},
			{[]string{"BRPOPLPUSH", k.lA, k.lB, "0"}, []string{"LPUSH", k.lA, "r", "s"}},
			{[]string{"BRPOPLPUSH", k.lA, k.lB, "0"}, []string{"RPUSH", k.lA, "t"}},
		} {
			both("DEL", k.lA)
			blockThenPush(t, proto, via, want, addr, ref, nodes[0], c.block, c.push)
			lists()
		}

		// The destination becomes a string while the client waits.
		both("DEL", k.lA, k.lB)
		for _, conn := range []*testutil.Conn{via, want} {
			conn.Send("BLMOVE", k.lA, k.lB, "LEFT", "LEFT", "0")
			conn.Flush()
		}
		testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(ref) == 1 && blockedClients(addr) == 1 }, "both blocked")
		other, refOther := testutil.Dial(t, addr), testutil.Dial(t, ref)
		for _, st := range [][]string{{"SET", k.lB, "now a string"}, {"RPUSH", k.lA, "kept"}} {
			if g, w := other.Do(st...), refOther.Do(st...); g != w {
				t.Fatalf("%v: proxy %q, redis-server %q", st, g, w)
			}
		}
		if g, w := recv(via), recv(want); g != w {
			t.Errorf("RESP%d BLMOVE to a string:\n proxy        %q\n redis-server %q", proto, g, w)
		}
		both("LRANGE", k.lA, "0", "-1")
		both("GET", k.lB)
	}
	spread(t, nodes, k.lA, k.lB)
}

// TestProxyBlockMoveAcrossNodesOrder: go-redis clients blocked in BLMOVE
// from a list on one node to a list on another are served in the order
// they blocked, one element each, every element landing once in the
// destination; a client whose timeout passes gets redis.Nil and moves
// nothing.
func TestProxyBlockMoveAcrossNodesOrder(t *testing.T) {
	nodes, addr := txCluster(t)
	k := newBlockxKeys(t, nodes)
	ctx := context.Background()
	prod := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { prod.Close() })

	if _, err := prod.BLMove(ctx, k.lA, k.lB, "LEFT", "RIGHT", time.Second).Result(); !errors.Is(err, redis.Nil) {
		t.Fatalf("BLMOVE of an empty list after its timeout: %v, want redis.Nil", err)
	}
	const n = 5
	got := make([]chan string, n)
	for i := range got {
		got[i] = make(chan string, 1)
		c := redis.NewClient(&redis.Options{Addr: addr, ReadTimeout: -1})
		t.Cleanup(func() { c.Close() })
		go func() {
			v, err := c.BLMove(ctx, k.lA, k.lB, "LEFT", "RIGHT", 0).Result()
			if err != nil {
				v = "error: " + err.Error()
			}
			got[i] <- v
		}()
		testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(addr) == i+1 }, strconv.Itoa(i+1)+" blocked")
	}
	var want []string
	for i := range got {
		el := "e" + strconv.Itoa(i)
		want = append(want, el)
		if err := prod.RPush(ctx, k.lA, el).Err(); err != nil {
			t.Fatal(err)
		}
		select {
		case v := <-got[i]:
			if v != el {
				t.Fatalf("waiter %d: %q, want %q", i, v, el)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("waiter %d not served", i)
		}
	}
	dst, err := prod.LRange(ctx, k.lB, 0, -1).Result()
	if err != nil || !slicesEqual(dst, want) {
		t.Errorf("destination after the moves: %q %v, want %q", dst, err, want)
	}
	if l, err := prod.LLen(ctx, k.lA).Result(); err != nil || l != 0 {
		t.Errorf("source after the moves: %d %v", l, err)
	}
	if got := blockedClients(addr); got != 0 {
		t.Errorf("proxy blocked_clients after serving every waiter: %d", got)
	}
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// slowLink relays TCP connections to a node, holding for hold whatever
// the proxy sends that contains mark (then what follows it), as a node
// slow to take one command would.
type slowLink struct {
	ln   net.Listener
	to   string
	mark []byte
	// mu guards hold.
	mu   sync.Mutex
	hold time.Duration
	wg   sync.WaitGroup
	// held counts the writes held and then passed on.
	held atomic.Int32
}

func startSlowLink(t *testing.T, to, mark string) *slowLink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &slowLink{ln: ln, to: to, mark: []byte(mark)}
	l.wg.Add(1)
	go l.serve()
	t.Cleanup(func() { ln.Close(); l.wg.Wait() })
	return l
}

func (l *slowLink) setHold(d time.Duration) {
	l.mu.Lock()
	l.hold = d
	l.mu.Unlock()
}

func (l *slowLink) serve() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		n, err := net.Dial("tcp", l.to)
		if err != nil {
			c.Close()
			continue
		}
		l.wg.Add(2)
		go func() { // the proxy to the node, held at the mark
			defer l.wg.Done()
			defer n.(*net.TCPConn).CloseWrite()
			buf := make([]byte, 64<<10)
			for {
				k, err := c.Read(buf)
				if k > 0 {
					l.mu.Lock()
					hold := l.hold
					l.mu.Unlock()
					if hold > 0 && bytes.Contains(buf[:k], l.mark) {
						<-time.After(hold) // the node's slowness
					}
					_, werr := n.Write(buf[:k])
					if hold > 0 && bytes.Contains(buf[:k], l.mark) {
						l.held.Add(1)
					}
					if werr != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
		go func() { // the node to the proxy
			defer l.wg.Done()
			defer c.Close()
			io.Copy(c, n)
			n.Close()
		}()
	}
}

// TestProxyBlockMoveSlowDestination: a BLMOVE served while the
// destination's node is slow to take the push leaves the element in
// exactly one of the two lists, whatever the slowness: shorter than the
// proxy's patience (the move is answered), longer than it but within the
// node's lock lease (the push runs late; the proxy learns it did and
// answers the element), or longer than the lease (the node runs nothing;
// the element is back at the head of the source and the client gets an
// error).
func TestProxyBlockMoveSlowDestination(t *testing.T) {
	a, b, c := startNode(t), startNode(t), startNode(t)
	const mark = "slow-element"
	link := startSlowLink(t, b, mark)
	nodes := []string{a, link.ln.Addr().String(), c}
	cfg := proxy.DefaultConfig()
	cfg.ReplyTimeout = 500 * time.Millisecond
	addr := serveProxyWith(t, cfg, nodes...)
	src, dst := onNode(t, nodes, 0, "mvsrc"), onNode(t, nodes, 1, "mvdst")
	ctx := context.Background()
	cl := redis.NewClient(&redis.Options{Addr: addr, ReadTimeout: -1, MaxRetries: -1})
	t.Cleanup(func() { cl.Close() })

	for _, c := range []struct {
		hold  time.Duration
		moved bool
	}{
		{200 * time.Millisecond, true},
		{2 * time.Second, true},
		{7 * time.Second, false},
	} {
		link.setHold(0)
		if err := cl.Del(ctx, src, dst).Err(); err != nil {
			t.Fatal(err)
		}
		if err := cl.RPush(ctx, src, mark, "after").Err(); err != nil {
			t.Fatal(err)
		}
		link.setHold(c.hold)
		held := link.held.Load()
		v, err := cl.BLMove(ctx, src, dst, "LEFT", "RIGHT", 0).Result()
		link.setHold(0)
		switch {
		case c.moved && (err != nil || v != mark):
			t.Errorf("hold %v: BLMOVE %q %v, want %q", c.hold, v, err, mark)
		case !c.moved && err == nil:
			t.Errorf("hold %v: BLMOVE %q, want an error", c.hold, v)
		}
		wantSrc, wantDst := []string{"after"}, []string{mark}
		if !c.moved {
			wantSrc, wantDst = []string{mark, "after"}, nil
		}
		// Once the held push has reached the destination's node.
		testutil.WaitFor(t, 20*time.Second, func() bool { return link.held.Load() == held+1 }, "the held push passed on")
		testutil.WaitFor(t, 20*time.Second, func() bool {
			s, err1 := cl.LRange(ctx, src, 0, -1).Result()
			d, err2 := cl.LRange(ctx, dst, 0, -1).Result()
			return err1 == nil && err2 == nil && slicesEqual(s, wantSrc) && slicesEqual(d, wantDst)
		}, "hold "+c.hold.String()+": the element in one list only")
		if n, err := testutil.Do(b, "LLEN", dst); err != nil || n != ":"+strconv.Itoa(len(wantDst))+"\r\n" {
			t.Errorf("hold %v: LLEN of the destination on its node: %q %v", c.hold, n, err)
		}
	}
}

// TestProxyBlockMoveAcrossNodesConserves: go-redis clients moving
// elements with BLMOVE both ways between lists on two nodes while a
// pusher adds unique elements: every element pushed ends in exactly one
// of the two lists, none lost, none twice (a bounded load: 400 elements,
// 6 movers, 800 moves, at most a minute).
func TestProxyBlockMoveAcrossNodesConserves(t *testing.T) {
	nodes, addr := txCluster(t)
	k := newBlockxKeys(t, nodes)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const total, movers = 400, 6
	var wg sync.WaitGroup
	var moves atomic.Int64
	errs := make(chan error, movers+1)
	for i := 0; i < movers; i++ {
		src, dst := k.lA, k.lB
		if i%2 == 1 {
			src, dst = k.lB, k.lA
		}
		c := redis.NewClient(&redis.Options{Addr: addr, ReadTimeout: -1})
		t.Cleanup(func() { c.Close() })
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && moves.Load() < 2*total {
				_, err := c.BLMove(ctx, src, dst, "LEFT", "RIGHT", time.Second).Result()
				switch {
				case err == nil:
					moves.Add(1)
				case errors.Is(err, redis.Nil):
				case ctx.Err() != nil:
					return
				default:
					errs <- err
					return
				}
			}
		}()
	}
	pusher := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { pusher.Close() })
	for i := 0; i < total; i++ {
		key := k.lA
		if i%3 == 0 {
			key = k.lB
		}
		if err := pusher.RPush(ctx, key, "u"+strconv.Itoa(i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, time.Minute, func() bool { return moves.Load() >= 2*total || ctx.Err() != nil }, "the moves")
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("BLMOVE: %v", err)
	}
	seen := map[string]int{}
	for _, key := range []string{k.lA, k.lB} {
		els, err := pusher.LRange(context.Background(), key, 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, el := range els {
			seen[el]++
		}
	}
	lost, twice := 0, 0
	for i := 0; i < total; i++ {
		switch seen["u"+strconv.Itoa(i)] {
		case 0:
			lost++
		case 1:
		default:
			twice++
		}
	}
	if lost != 0 || twice != 0 || len(seen) != total {
		t.Errorf("after %d moves: %d elements lost, %d held twice, %d distinct (want %d)", moves.Load(), lost, twice, len(seen), total)
	}
	t.Logf("%d moves across nodes: %d lost, %d twice", moves.Load(), lost, twice)
}
