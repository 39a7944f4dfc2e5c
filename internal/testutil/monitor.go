package testutil

import (
	"regexp"
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
