//go:build linux

package rawio

import (
	"syscall"
	"testing"
	"time"
)

// TestPollFor checks that PollFor reports nothing when nothing is ready
// within its wait, and the poller's wake pipe once it has been woken, and
// that a wake from another goroutine ends a long wait with that event.
func TestPollFor(t *testing.T) {
	p, err := NewPoller()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	events := make([]syscall.EpollEvent, 8)
	n, err := PollFor(p.Epfd, events, 100*time.Microsecond)
	if err == syscall.ENOSYS || err == syscall.EPERM {
		t.Skipf("no epoll_pwait2 here: %v", err)
	}
	if err != nil || n != 0 {
		t.Fatalf("nothing ready: %d events, %v", n, err)
	}
	p.Wake()
	n, err = PollFor(p.Epfd, events, time.Second)
	if err != nil || n != 1 || !p.IsWake(int(events[0].Fd)) {
		t.Fatalf("after a wake: %d events (fd %d), %v", n, events[0].Fd, err)
	}
	p.DrainWake()
	n = 0

	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Wake()
	}()
	// A signal may end the wait early with no event: wait again until the
	// wake arrives, within a deadline far longer than one wait.
	deadline := time.Now().Add(10 * time.Second)
	for n == 0 || !p.IsWake(int(events[0].Fd)) {
		if time.Now().After(deadline) {
			t.Fatal("the wake from another goroutine never ended the wait")
		}
		if n, err = PollFor(p.Epfd, events, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	<-done
}
