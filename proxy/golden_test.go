package proxy

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/serving"
)

// readGolden returns the command lines of a golden file.
func readGolden(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lines = append(lines, splitWords(line))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// splitWords splits on spaces, keeping "quoted groups" together.
func splitWords(line string) []string {
	var words []string
	var cur strings.Builder
	quoted, any := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, any = !quoted, true
		case r == ' ' && !quoted:
			if any {
				words = append(words, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		words = append(words, cur.String())
	}
	return words
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
