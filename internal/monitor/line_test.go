package monitor

import (
	"testing"
	"time"
)

// TestLine: the time's microseconds are six digits, the source is in
// brackets after db 0, bytes are quoted as Redis's sdscatrepr quotes them
// and AUTH's password is redacted.
func TestLine(t *testing.T) {
	at := time.Unix(1700000000, 42000)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"SET", "a\x01\"", "\\\n\t\xff\a\b"}, `+1700000000.000042 [0 1.2.3.4:5] "SET" "a\x01\"" "\\\n\t\xff\a\b"` + "\r\n"},
		{[]string{"AUTH", "u", "pw"}, `+1700000000.000042 [0 1.2.3.4:5] "AUTH" "(redacted)" "(redacted)"` + "\r\n"},
		{[]string{"ACL", "SETUSER", "bob", "on", ">pw", "~*"}, `+1700000000.000042 [0 1.2.3.4:5] "ACL" "SETUSER" "bob" "on" "(redacted)" "~*"` + "\r\n"},
	} {
		args := make([][]byte, len(c.args))
		for i, a := range c.args {
			args[i] = []byte(a)
		}
		if got := string(Line(at, "1.2.3.4:5", args)); got != c.want {
			t.Errorf("Line(%q)\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}
