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

func TestTrackingModeFlags(t *testing.T) {
	cases := []struct {
		mode TrackingMode
		want string
	}{
		{TrackingMode{}, "off"},
		{TrackingMode{BCast: true, NoLoop: true}, "off"}, // off hides the rest
		{TrackingMode{On: true}, "on"},
		{TrackingMode{On: true, BCast: true, NoLoop: true, Broken: true}, "on bcast noloop broken_redirect"},
		{TrackingMode{On: true, OptIn: true}, "on optin"},
		{TrackingMode{On: true, OptIn: true, Caching: true}, "on optin caching-yes"},
		{TrackingMode{On: true, OptOut: true, Caching: true}, "on optout caching-no"},
		{TrackingMode{On: true, Caching: true}, "on"},
	}
	for _, c := range cases {
		if got := strings.Join(c.mode.Flags(), " "); got != c.want {
			t.Errorf("%+v: flags %q, want %q", c.mode, got, c.want)
		}
	}
}

func TestTrackingModeCachingError(t *testing.T) {
	const notOn = "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"
	cases := []struct {
		mode TrackingMode
		arg  string
		msg  string
	}{
		{TrackingMode{}, "yes", notOn},
		{TrackingMode{OptIn: true}, "yes", notOn},
		{TrackingMode{On: true, OptIn: true}, "YES", ""},
		{TrackingMode{On: true, OptOut: true}, "no", ""},
		{TrackingMode{On: true, OptOut: true}, "yes", "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."},
		{TrackingMode{On: true, OptIn: true}, "No", "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."},
		{TrackingMode{On: true, BCast: true}, "yes", "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."},
		{TrackingMode{On: true, OptIn: true}, "maybe", command.MsgSyntax},
	}
	for _, c := range cases {
		if msg := c.mode.CachingError([]byte(c.arg)); msg != c.msg {
			t.Errorf("%+v, CLIENT CACHING %s: %q, want %q", c.mode, c.arg, msg, c.msg)
		}
	}
}
