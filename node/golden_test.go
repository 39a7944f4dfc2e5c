package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGolden replays testdata/*.txt against a fresh node each. In those
// files a line "> CMD arg ..." sends a command (arguments split like
// redis-cli: spaces separate, double quotes group and understand \n, \r,
// \t, \" and \xHH); the lines after it, up to the next command, are the
// reply as redis-cli --no-raw prints it. Lines starting with # are comments
// and blank lines end a reply. With VCACHE_GOLDEN_ADDR=host:port the files
// are replayed against that server instead, to check them against Redis;
// files whose first line starts with "#vcache-only" are skipped then.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			runGolden(t, f)
		})
	}
}

type goldenStep struct {
	line int
	args []string
	want []string
}

func runGolden(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var steps []goldenStep
	var cur *goldenStep
	for i, l := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(l, "> "):
			args, err := splitArgs(l[2:])
			if err != nil {
				t.Fatalf("%s:%d: %v", file, i+1, err)
			}
			steps = append(steps, goldenStep{line: i + 1, args: args})
			cur = &steps[len(steps)-1]
		case strings.HasPrefix(l, "#"), strings.TrimSpace(l) == "":
			cur = nil
		default:
			if cur == nil {
				t.Fatalf("%s:%d: reply line without a command: %q", file, i+1, l)
			}
			cur.want = append(cur.want, l)
		}
	}
	var rc *rawConn
	if addr := os.Getenv("VCACHE_GOLDEN_ADDR"); addr != "" {
		if strings.HasPrefix(string(data), "#vcache-only") {
			t.Skip("vcache-only file")
		}
		// Check the expectations against another server (redis-server).
		rc = (&testNode{addr: addr}).raw(t)
		rc.do("FLUSHALL")
		rc.do("CONFIG", "SET", "maxmemory-policy", "noeviction")
		rc.do("CONFIG", "SET", "maxmemory", "0")
	} else {
		rc = startNode(t, nil).raw(t)
	}
	for _, s := range steps {
		got := rc.do(s.args...)
		want := strings.Join(s.want, "\n")
		if got != want {
			t.Errorf("%s:%d: > %s\n got: %s\nwant: %s", filepath.Base(file), s.line, strings.Join(s.args, " "), got, want)
		}
	}
}

// splitArgs splits a command line as redis-cli does.
func splitArgs(s string) ([]string, error) {
	var args []string
	i := 0
	for {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) {
			return args, nil
		}
		var b strings.Builder
		if s[i] == '"' {
			i++
			for {
				if i >= len(s) {
					return nil, errUnbalanced
				}
				c := s[i]
				if c == '"' {
					i++
					break
				}
				if c == '\\' && i+1 < len(s) {
					i++
					switch s[i] {
					case 'n':
						c = '\n'
					case 'r':
						c = '\r'
					case 't':
						c = '\t'
					case 'x':
						if i+2 < len(s) {
							v, err := hexByte(s[i+1 : i+3])
							if err != nil {
								return nil, err
							}
							c = v
							i += 2
						}
					default:
						c = s[i]
					}
				}
				b.WriteByte(c)
				i++
			}
			args = append(args, b.String())
			continue
		}
		for i < len(s) && s[i] != ' ' {
			b.WriteByte(s[i])
			i++
		}
		args = append(args, b.String())
	}
}

type goldenErr string

func (e goldenErr) Error() string { return string(e) }

const errUnbalanced = goldenErr("unbalanced quotes")

func hexByte(h string) (byte, error) {
	var v byte
	for _, c := range []byte(h) {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= c - '0'
		case c >= 'a' && c <= 'f':
			v |= c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v |= c - 'A' + 10
		default:
			return 0, goldenErr("bad hex escape")
		}
	}
	return v, nil
}
