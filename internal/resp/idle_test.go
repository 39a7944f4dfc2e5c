package resp

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestIdleReleaseGivesBackAnIdleBuffer: the deadline for an idle reader
// with a buffer is the release moment (earlier than a later idle
// timeout, later than an earlier one), kept while more than half of it
// is left; a read that ends there releases the buffer, any other ending
// (another deadline, another error, bytes buffered) does not.
func TestIdleReleaseGivesBackAnIdleBuffer(t *testing.T) {
	rd := NewCommandReader(strings.NewReader(""), 0)
	rd.Feed([]byte("*1\r\n$4\r\nPING\r\n"))
	if _, err := rd.ReadOnce(); err != nil {
		t.Fatal(err)
	}
	ir := IdleRelease{After: time.Second}
	start := time.Now()
	dl := ir.Deadline(rd, time.Time{})
	if dl.Before(start.Add(time.Second)) || dl.After(time.Now().Add(time.Second)) {
		t.Fatalf("deadline %v after the start, want 1s", dl.Sub(start))
	}
	if again := ir.Deadline(rd, time.Time{}); !again.Equal(dl) {
		t.Fatalf("deadline moved from %v to %v with most of it left", dl, again)
	}
	if idle := time.Now().Add(time.Hour); !ir.Deadline(rd, idle).Equal(dl) {
		t.Fatal("a later idle timeout replaced the release moment")
	}
	if idle := time.Now().Add(time.Millisecond); !ir.Deadline(rd, idle).Equal(idle) {
		t.Fatal("an earlier idle timeout is not the deadline")
	}
	if ir.Released(rd, os.ErrDeadlineExceeded, dl.Add(time.Hour)) || ir.Released(rd, fmt.Errorf("reset"), dl) {
		t.Fatal("released at another deadline or on another error")
	}
	if rd.Cap() == 0 {
		t.Fatal("buffer gone early")
	}
	if !ir.Released(rd, fmt.Errorf("read: %w", os.ErrDeadlineExceeded), dl) || rd.Cap() != 0 {
		t.Fatalf("not released at its moment (cap %d)", rd.Cap())
	}
	if ir.Released(rd, os.ErrDeadlineExceeded, dl) {
		t.Fatal("released twice")
	}
	rd.Feed([]byte("*1\r\n$4\r\nPI"))
	if dl := ir.Deadline(rd, time.Time{}); !dl.IsZero() {
		t.Fatalf("deadline %v with a command half read", dl)
	}
}
