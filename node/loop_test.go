package node

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestClientThatDoesNotReadDoesNotStallOthers pipelines GETs whose replies
// (32 MiB) exceed what the socket holds, without reading them: other
// clients are still served meanwhile, and then every reply arrives, in
// order, in full. The event loops (also a single one) and
// goroutine-per-connection serving must all pass.
func TestClientThatDoesNotReadDoesNotStallOthers(t *testing.T) {
	for _, mode := range []struct {
		goroutines bool
		loops      int
	}{{false, 0}, {false, 1}, {true, 0}} {
		t.Run(fmt.Sprintf("ConnGoroutines=%v,IOThreads=%d", mode.goroutines, mode.loops), func(t *testing.T) {
			tn := startNode(t, func(c *Config) { c.ConnGoroutines, c.IOThreads = mode.goroutines, mode.loops })
			ctx := context.Background()
			c := tn.client(t)
			val := strings.Repeat("v", 64<<10)
			if err := c.Set(ctx, "big", val, 0).Err(); err != nil {
				t.Fatal(err)
			}
			slow, err := net.Dial("tcp", tn.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer slow.Close()
			const gets = 512
			go func() {
				w := bufio.NewWriter(slow)
				for i := 0; i < gets; i++ {
					fmt.Fprintf(w, "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n")
				}
				w.Flush()
			}()
			time.Sleep(200 * time.Millisecond)
			// Several fresh clients, so that every event loop is asked.
			for i := 0; i < 8; i++ {
				o := tn.client(t)
				cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				got, err := o.Incr(cctx, "counter").Result()
				cancel()
				if err != nil || got != int64(i+1) {
					t.Fatalf("client %d while another does not read: INCR = %d, %v", i, got, err)
				}
			}
			slow.SetReadDeadline(time.Now().Add(30 * time.Second))
			rd := bufio.NewReaderSize(slow, 1<<16)
			want := fmt.Sprintf("$%d\r\n%s\r\n", len(val), val)
			buf := make([]byte, len(want))
			for i := 0; i < gets; i++ {
				if _, err := io.ReadFull(rd, buf); err != nil {
					t.Fatalf("reply %d: %v", i, err)
				}
				if string(buf) != want {
					t.Fatalf("reply %d differs from the value", i)
				}
			}
		})
	}
}

// TestWaitOnEventLoopConnection runs WAIT (which leaves the event loop for
// a goroutine) in the middle of a pipeline: replies keep their order and
// the connection keeps working after it.
func TestWaitOnEventLoopConnection(t *testing.T) {
	tn := startNode(t, nil)
	rc := tn.raw(t)
	rc.send("SET", "a", "1")
	rc.send("WAIT", "0", "0")
	rc.send("GET", "a")
	for i, want := range []string{"OK", "(integer) 0", `"1"`} {
		got, err := rc.reply()
		if err != nil || got != want {
			t.Fatalf("reply %d = %q, %v; want %q", i, got, err, want)
		}
	}
	if got := rc.do("INCR", "n"); got != "(integer) 1" {
		t.Fatalf("after WAIT: INCR = %q", got)
	}
}

// TestClientKill closes another client by ID and by address, served by
// event loops or by goroutines: the killed connection reads end of file,
// the killer goes on, and the registry forgets the victim.
func TestClientKill(t *testing.T) {
	for _, goroutines := range []bool{false, true} {
		t.Run(fmt.Sprintf("ConnGoroutines=%v", goroutines), func(t *testing.T) {
			tn := startNode(t, func(c *Config) { c.ConnGoroutines = goroutines })
			killer := tn.raw(t)
			for _, by := range []string{"ID", "ADDR"} {
				victim := tn.raw(t)
				id := strings.TrimPrefix(victim.do("CLIENT", "ID"), "(integer) ")
				arg := id
				if by == "ADDR" {
					arg = victim.c.LocalAddr().String()
				}
				if got := killer.do("CLIENT", "KILL", by, arg); got != "(integer) 1" {
					t.Fatalf("CLIENT KILL %s %s = %q", by, arg, got)
				}
				victim.c.SetReadDeadline(time.Now().Add(5 * time.Second))
				if _, err := victim.rd.ReadByte(); err != io.EOF {
					t.Fatalf("killed by %s: read %v, want EOF", by, err)
				}
				// The loop forgets the connection once it has seen it close.
				for deadline := time.Now().Add(5 * time.Second); ; {
					got := killer.do("CLIENT", "KILL", "ID", id)
					if got == "(integer) 0" {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("killing %s again = %q, want 0", id, got)
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			if got := killer.do("PING"); got != "PONG" {
				t.Fatalf("killer after the kills: %q", got)
			}
		})
	}
}

// TestConfigSetTimeoutClosesIdleLoopClients sets the idle timeout while
// a client sits idle on a sleeping event loop: it is closed all the same.
func TestConfigSetTimeoutClosesIdleLoopClients(t *testing.T) {
	tn := startNode(t, nil)
	idle := tn.raw(t)
	if got := idle.do("PING"); got != "PONG" {
		t.Fatal(got)
	}
	admin := tn.raw(t)
	if got := admin.do("CONFIG", "SET", "timeout", "1"); got != "OK" {
		t.Fatalf("CONFIG SET timeout 1 = %q", got)
	}
	idle.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := idle.rd.ReadByte(); err != io.EOF {
		t.Fatalf("idle client: read %v, want EOF within the timeout", err)
	}
}
