package node

import (
	"testing"
)

// TestWaitKeys: VCACHE.WAITKEYS names the first of its keys that holds a
// list (or sorted set) at once, else waits; a push wakes it and also
// serves the BLPOP blocked after it (it pops nothing); a key of another
// type does not wake it; it answers a null after its timeout; bad
// arguments are errors.
func TestWaitKeys(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	w, b, prod := tn.raw(t), tn.raw(t), tn.raw(t)

	prod.do("RPUSH", "l2", "x")
	prod.do("ZADD", "z", "1", "m")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"VCACHE.WAITKEYS", "0", "LIST", "l1", "l2"}, `"l2"`},
		{[]string{"VCACHE.WAITKEYS", "0", "zset", "l2", "z"}, `"z"`},
		{[]string{"VCACHE.WAITKEYS", "10", "LIST", "l1", "z"}, "(nil)"},
		{[]string{"VCACHE.WAITKEYS", "-1", "LIST", "l1"}, "(error) ERR timeout is not an integer or out of range"},
		{[]string{"VCACHE.WAITKEYS", "0", "SET", "l1"}, "(error) ERR syntax error"},
	} {
		if got := w.do(tc.args...); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.args, got, tc.want)
		}
	}
	if got := prod.do("LRANGE", "l2", "0", "-1"); got != `1) "x"` {
		t.Fatalf("the list after WAITKEYS: %s", got)
	}

	prod.do("DEL", "l2")
	w.send("VCACHE.WAITKEYS", "0", "LIST", "l1", "l2")
	w.Flush()
	waitBlocked(t, c, 1)
	b.send("BLPOP", "l2", "0")
	b.Flush()
	waitBlocked(t, c, 2)
	prod.do("SET", "l1", "not a list")
	if got := prod.do("RPUSH", "l2", "y"); got != "(integer) 1" {
		t.Fatalf("RPUSH: %s", got)
	}
	if got, err := w.reply(); err != nil || got != `"l2"` {
		t.Errorf("WAITKEYS woken by a push: %s %v", got, err)
	}
	if got, err := b.reply(); err != nil || got != "1) \"l2\"\n2) \"y\"" {
		t.Errorf("BLPOP blocked after WAITKEYS: %q %v", got, err)
	}
	waitBlocked(t, c, 0)
}
