package testutil

import (
	"fmt"
	"testing"
	"time"
)

// maxPoll is the longest pause between two checks of a condition.
const maxPoll = 10 * time.Millisecond

// WaitFor calls cond until it returns true, pausing between calls (1 ms
// at first, then up to 10 ms), and fails the test with msg when it still
// returns false after timeout. cond runs on the test's goroutine, so it may
// itself fail the test.
func WaitFor(t testing.TB, timeout time.Duration, cond func() bool, msg string) {
	t.Helper()
	if err := poll(timeout, func() error {
		if cond() {
			return nil
		}
		return errNotYet
	}); err != nil {
		t.Fatalf("timed out after %v waiting for %s", timeout, msg)
	}
}

// WaitNil calls f until it returns nil, as WaitFor does, and fails the
// test with f's last error when it has not returned nil after timeout:
// for conditions whose failure message must say what was seen.
func WaitNil(t testing.TB, timeout time.Duration, f func() error) {
	t.Helper()
	if err := poll(timeout, f); err != nil {
		t.Fatalf("timed out after %v: %v", timeout, err)
	}
}

var errNotYet = fmt.Errorf("not yet")

// poll calls f until it returns nil or timeout has passed, and returns its
// last result.
func poll(timeout time.Duration, f func() error) error {
	deadline := time.Now().Add(timeout)
	pause := time.Millisecond
	for {
		err := f()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(pause) // the polling interval, bounded by the deadline
		pause = min(2*pause, maxPoll)
	}
}

// Until calls f until it returns nil, as WaitFor does, or timeout has
// passed, and returns f's last result: for waits that must not fail the
// test (a caller that retries, or reports on its own).
func Until(timeout time.Duration, f func() error) error {
	return poll(timeout, f)
}
