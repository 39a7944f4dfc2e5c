package proxy

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// readGolden returns the command lines of a golden file (one command a
// line, split as redis-cli does; # starts a comment).
func readGolden(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		args, err := testutil.SplitArgs(line)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, i+1, err)
		}
		lines = append(lines, args)
	}
	return lines
}

func TestGoldenRepliesMatchDirect(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		lines := readGolden(t, "testdata/golden.txt")
		for _, n := range []int{1, 3} {
			t.Run(fmt.Sprintf("%d backends", n), func(t *testing.T) {
				direct := startRedis(t)
				p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(startRedises(t, n)...)...)
				d, c := dialRaw(t, direct.addr), dialRaw(t, p.addr)
				for _, args := range lines {
					want, got := d.do(args...), c.do(args...)
					if got != want {
						t.Errorf("%s:\n proxy:  %s\n direct: %s", strings.Join(args, " "), trim(got), trim(want))
					}
				}
			})
		}
	})
}

func TestGoldenPipelined(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		// The same commands sent as one pipeline: same replies, same order.
		lines := readGolden(t, "testdata/golden.txt")
		direct := startRedis(t)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(startRedises(t, 3)...)...)
		d, c := dialRaw(t, direct.addr), dialRaw(t, p.addr)
		for _, args := range lines {
			d.send(args...)
			c.send(args...)
		}
		for _, args := range lines {
			want, got := d.recv(), c.recv()
			if got != want {
				t.Errorf("%s:\n proxy:  %s\n direct: %s", strings.Join(args, " "), trim(got), trim(want))
			}
		}
	})
}
