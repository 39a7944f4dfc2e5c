package chaos

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// proc is one vcache process (a data node or the proxy) that can be
// killed, stopped, continued and started again with the same arguments,
// and so the same ports, name and data directory.
type proc struct {
	name string
	bin  string
	args []string
	addr string // RESP address
	log  string // file that collects its stdout and stderr

	// mu guards cmd, exited and paused.
	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
	paused bool          // SIGSTOPped and not yet continued
}

// start runs the process and waits (up to timeout) until it answers
// PING. It is an error if it is already running.
func (p *proc) start(ctx context.Context, timeout time.Duration) error {
	p.mu.Lock()
	if p.cmd != nil && !isClosed(p.exited) {
		p.mu.Unlock()
		return fmt.Errorf("%s is already running", p.name)
	}
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		p.mu.Unlock()
		return err
	}
	fmt.Fprintf(f, "---- chaos: start %s at %s\n", p.name, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(p.bin, p.args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		p.mu.Unlock()
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); f.Close(); close(exited) }()
	p.cmd, p.exited, p.paused = cmd, exited, false
	p.mu.Unlock()
	return p.waitPing(ctx, timeout)
}

// waitPing waits until the process answers PING.
func (p *proc) waitPing(ctx context.Context, timeout time.Duration) error {
	c := redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: time.Second})
	defer c.Close()
	return until(ctx, timeout, func() error {
		if !p.running() {
			return errStop(fmt.Errorf("%s exited (see %s)", p.name, filepath.Base(p.log)))
		}
		return c.Ping(ctx).Err()
	})
}

// running reports whether the process is alive (stopped counts as alive).
func (p *proc) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd != nil && !isClosed(p.exited)
}

// signal sends sig to the process.
func (p *proc) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || isClosed(p.exited) {
		return fmt.Errorf("%s is not running", p.name)
	}
	if err := p.cmd.Process.Signal(sig); err != nil {
		return err
	}
	switch sig {
	case syscall.SIGSTOP:
		p.paused = true
	case syscall.SIGCONT:
		p.paused = false
	}
	return nil
}

// waitExit waits up to timeout for the process to exit.
func (p *proc) waitExit(timeout time.Duration) bool {
	p.mu.Lock()
	ch := p.exited
	p.mu.Unlock()
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	case <-time.After(timeout):
		return false
	}
}

// kill ends the process with SIGKILL (continuing it first is not needed:
// SIGKILL ends a stopped process too) and waits for it.
func (p *proc) kill() {
	if p.signal(syscall.SIGKILL) == nil {
		p.waitExit(10 * time.Second)
	}
}

// isPaused reports whether the process is SIGSTOPped.
func (p *proc) isPaused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused && p.cmd != nil && !isClosed(p.exited)
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// stopErr ends until at once with its error.
type stopErr struct{ error }

func errStop(err error) error { return stopErr{err} }

// until calls f until it returns nil, ctx ends or timeout passes; it
// returns f's last error then. f is called every 100 ms.
func until(ctx context.Context, timeout time.Duration, f func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return nil
		}
		var se stopErr
		if errors.As(err, &se) {
			return se.error
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %v: %w", timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
