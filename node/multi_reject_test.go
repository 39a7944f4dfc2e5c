package node

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/command"
)

// TestExecAbortBusyScript sends EXEC while another client's script is
// busy: EXEC answers EXECABORT with the BUSY reason, as Redis 7.0 does,
// none of the transaction runs, and the connection has left MULTI (after
// SCRIPT KILL its next PING answers, not QUEUED).
func TestExecAbortBusyScript(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	admin := tn.client(t)
	if err := admin.ConfigSet(ctx, "busy-reply-threshold", "50").Err(); err != nil {
		t.Fatal(err)
	}
	admin.Set(ctx, "xx", "1", 0)
	tx := tn.raw(t)
	if got := tx.do("MULTI"); got != "OK" {
		t.Fatalf("MULTI: %s", got)
	}
	if got := tx.do("INCR", "xx"); got != "QUEUED" {
		t.Fatalf("INCR: %s", got)
	}
	looper := tn.client(t)
	done := make(chan error, 1)
	go func() { done <- looper.Eval(ctx, "while true do end", nil).Err() }()
	waitFor(t, 10*time.Second, "BUSY from another client", func() bool {
		err := admin.Get(ctx, "xx").Err()
		return err != nil && strings.HasPrefix(err.Error(), "BUSY")
	})
	const busy = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	if got := tx.do("INCR", "xx"); got != "(error) "+busy {
		t.Fatalf("INCR queued during the script: %s", got)
	}
	if got, want := tx.do("EXEC"), "(error) EXECABORT Transaction discarded because of: "+busy; got != want {
		t.Fatalf("EXEC during the script:\n got %s\nwant %s", got, want)
	}
	if err := admin.ScriptKill(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the script did not stop after SCRIPT KILL")
	}
	if got := tx.do("PING", "asdf"); got != `"asdf"` {
		t.Fatalf("PING after the aborted EXEC: %s (still in MULTI?)", got)
	}
	if got := admin.Get(ctx, "xx").Val(); got != "1" {
		t.Fatalf("xx = %s: part of the aborted transaction ran", got)
	}
}

// TestExecAbortFollowsSpecFlag: every command flagged command.Exec that
// the dispatcher refuses inside MULTI (here by ACL) answers EXECABORT with
// the reason, and the transaction is discarded: nothing queued runs and
// the connection has left MULTI.
func TestExecAbortFollowsSpecFlag(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	admin := tn.client(t)
	n := 0
	for _, s := range command.NewTable(command.Specs()).All() {
		if !s.Has(command.Exec) {
			continue
		}
		n++
		user := "no" + s.Name
		if err := admin.Do(ctx, "ACL", "SETUSER", user, "on", "nopass", "~*", "+@all", "-"+s.Name).Err(); err != nil {
			t.Fatal(err)
		}
		c := tn.raw(t)
		if got := c.do("AUTH", user, "x"); got != "OK" {
			t.Fatalf("AUTH %s: %s", user, got)
		}
		if got := c.do("MULTI"); got != "OK" {
			t.Fatalf("MULTI: %s", got)
		}
		if got := c.do("SET", "k-"+s.Name, "v"); got != "QUEUED" {
			t.Fatalf("SET: %s", got)
		}
		want := "(error) EXECABORT Transaction discarded because of: NOPERM User " + user + " has no permissions to run the '" + s.Name + "' command"
		if got := c.do(strings.ToUpper(s.Name)); got != want {
			t.Errorf("%s refused in MULTI:\n got %s\nwant %s", s.Name, got, want)
		}
		if got := c.do("PING"); got != "PONG" {
			t.Errorf("PING after %s was refused: %s (still in MULTI?)", s.Name, got)
		}
		if got := admin.Exists(ctx, "k-"+s.Name).Val(); got != 0 {
			t.Errorf("a command queued before the refused %s ran", s.Name)
		}
	}
	if n == 0 {
		t.Fatal("no command is flagged Exec")
	}
}
