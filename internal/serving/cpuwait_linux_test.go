//go:build linux

package serving

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestRunDelay checks runDelay's sum against one read with the os
// package between two of its calls: run_delay only grows while the
// threads live (Go's threads outlive the test).
func TestRunDelay(t *testing.T) {
	var w cpuWait
	before, ok := w.runDelay()
	if !ok {
		t.Skip("no schedstat here")
	}
	var sum int64
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile("/proc/self/task/" + e.Name() + "/schedstat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) < 2 {
			t.Fatalf("schedstat of %s: %q", e.Name(), b)
		}
		v, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		sum += v
	}
	after, ok := w.runDelay()
	if !ok || before > sum || sum > after {
		t.Fatalf("runDelay %d, then the os package's sum %d, then runDelay %d (ok %v)", before, sum, after, ok)
	}
}
