package testutil

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// MonitorLine matches a MONITOR line: time, db 0, source and quoted
// arguments.
var MonitorLine = regexp.MustCompile(`^\+(\d+)\.(\d{6}) \[0 ([^\]]+)\] (.*)\r\n$`)

// MonitorHex is \xHH in a monitor.lines golden file's command lines.
var MonitorHex = regexp.MustCompile(`\\x[0-9a-f]{2}`)

// ReadMonitorLine reads one MONITOR line from m and returns its source
// and its quoted arguments; anything else fails t.
func ReadMonitorLine(t testing.TB, m interface{ ReadRaw() (string, error) }) (source, args string) {
	t.Helper()
	raw, err := m.ReadRaw()
	if err != nil {
		t.Fatalf("reading a monitor line: %v", err)
	}
	p := MonitorLine.FindStringSubmatch(raw)
	if p == nil {
		t.Fatalf("not a monitor line: %q", raw)
	}
	return p[3], p[4]
}

// MonitorGolden reads a monitor.lines golden file: its commands ("> "
// lines, \r\n and \xHH written out) as one pipeline, and the monitor
// lines redis-server gave for them ("< " lines: the source, "client" for
// the pipeline's own connection, then the quoted arguments).
func MonitorGolden(t testing.TB, path string) (pipeline string, want []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "> "):
			s := strings.ReplaceAll(line[2:], `\r\n`, "\r\n")
			b.WriteString(MonitorHex.ReplaceAllStringFunc(s, func(h string) string {
				v, _ := strconv.ParseUint(h[2:], 16, 8)
				return string([]byte{byte(v)})
			}))
		case strings.HasPrefix(line, "< "):
			want = append(want, line[2:])
		}
	}
	return b.String(), want
}
