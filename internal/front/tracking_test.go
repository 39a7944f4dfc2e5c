package front

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/command"
)

func TestParseTracking(t *testing.T) {
	cases := []struct {
		line string
		want TrackingArgs
		msg  string
	}{
		{"client tracking on", TrackingArgs{On: true}, ""},
		{"client tracking OFF", TrackingArgs{}, ""},
		{"client tracking on redirect 7 bcast prefix a: prefix b: noloop",
			TrackingArgs{On: true, Redirect: 7, BCast: true, NoLoop: true, Prefixes: []string{"a:", "b:"}}, ""},
		{"client tracking on optin", TrackingArgs{On: true, OptIn: true}, ""},
		{"client tracking on optout", TrackingArgs{On: true, OptOut: true}, ""},
		{"client tracking on redirect 1 redirect 2", TrackingArgs{}, "ERR A client can only redirect to a single other client"},
		{"client tracking on redirect x", TrackingArgs{}, command.MsgNotInt},
		{"client tracking on prefix", TrackingArgs{}, command.MsgSyntax},
		{"client tracking maybe", TrackingArgs{}, command.MsgSyntax},
		{"client tracking", TrackingArgs{}, command.ArityError("client|tracking")},
	}
	for _, c := range cases {
		var args [][]byte
		for _, f := range strings.Fields(c.line) {
			args = append(args, []byte(f))
		}
		got, msg := ParseTracking(args)
		if msg != c.msg {
			t.Errorf("%q: error %q, want %q", c.line, msg, c.msg)
			continue
		}
		if msg == "" && !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %+v, want %+v", c.line, got, c.want)
		}
	}
}
