package testutil

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

// SplitArgs splits a command line as redis-cli does: spaces separate,
// double quotes group and understand \n, \r, \t, \" and \xHH.
func SplitArgs(s string) ([]string, error) {
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
		if s[i] != '"' {
			for i < len(s) && s[i] != ' ' {
				b.WriteByte(s[i])
				i++
			}
			args = append(args, b.String())
			continue
		}
		for i++; ; i++ {
			if i >= len(s) {
				return nil, errors.New("unbalanced quotes")
			}
			c := s[i]
			if c == '"' {
				i++
				break
			}
			if c == '\\' && i+1 < len(s) {
				i++
				switch c = s[i]; c {
				case 'n':
					c = '\n'
				case 'r':
					c = '\r'
				case 't':
					c = '\t'
				case 'x':
					if i+2 < len(s) {
						v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
						if err != nil {
							return nil, errors.New("bad hex escape")
						}
						c = byte(v)
						i += 2
					}
				}
			}
			b.WriteByte(c)
		}
		args = append(args, b.String())
	}
}

// GoldenStep is one command of a golden file and the reply lines that
// follow it.
type GoldenStep struct {
	Line int // 1-based, the command's
	Args []string
	Want []string
}

// ReadGolden reads a golden file: a line "> CMD arg ..." is a command
// (split by SplitArgs), the lines after it up to the next command, a blank
// line or a # comment are its reply as redis-cli --no-raw prints it (or
// whatever form the test compares). It fails the test on a malformed file.
func ReadGolden(t testing.TB, path string) []GoldenStep {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var steps []GoldenStep
	var cur *GoldenStep
	for i, l := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(l, "> "):
			args, err := SplitArgs(l[2:])
			if err != nil {
				t.Fatalf("%s:%d: %v", path, i+1, err)
			}
			steps = append(steps, GoldenStep{Line: i + 1, Args: args})
			cur = &steps[len(steps)-1]
		case strings.HasPrefix(l, "#"), strings.TrimSpace(l) == "":
			cur = nil
		default:
			if cur == nil {
				t.Fatalf("%s:%d: reply line without a command: %q", path, i+1, l)
			}
			cur.Want = append(cur.Want, l)
		}
	}
	return steps
}
