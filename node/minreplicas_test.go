package node

import (
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
)

// TestMinReplicasToWrite: with min-replicas-to-write above the replicas
// connected, writes and scripts that declare they write get NOREPLICAS,
// reads and read-only scripts run, as in Redis; 0 lets writes through
// again.
func TestMinReplicasToWrite(t *testing.T) {
	tn := startNode(t, nil)
	c := testutil.Dial(t, tn.addr)
	c.Do("SET", "x", "v")
	if got := c.Do("CONFIG", "SET", "min-replicas-to-write", "1"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET min-replicas-to-write 1 = %q", got)
	}
	if got := c.Do("CONFIG", "GET", "min-slaves-to-write"); got != "*2\r\n$19\r\nmin-slaves-to-write\r\n$1\r\n1\r\n" {
		t.Errorf("CONFIG GET min-slaves-to-write = %q", got)
	}
	noRepl := "-NOREPLICAS Not enough good replicas to write.\r\n"
	for _, c2 := range []struct {
		args []string
		want string
	}{
		{[]string{"SET", "x", "w"}, noRepl},
		{[]string{"GET", "x"}, "$1\r\nv\r\n"},
		{[]string{"EVAL", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", "1", "x"}, "$1\r\nv\r\n"},
		{[]string{"EVAL", "return redis.call('get', KEYS[1])", "1", "x"}, "$1\r\nv\r\n"},
		{[]string{"EVAL", "#!lua\nreturn redis.call('get', KEYS[1])", "1", "x"}, noRepl},
	} {
		if got := c.Do(c2.args...); got != c2.want {
			t.Errorf("%q = %q, want %q", c2.args, got, c2.want)
		}
	}
	if got := c.Do("EVAL", "return redis.call('set', KEYS[1], 'w')", "1", "x"); !strings.HasPrefix(got, "-NOREPLICAS ") {
		t.Errorf("a script's SET = %q, want NOREPLICAS", got)
	}
	c.Do("CONFIG", "SET", "min-replicas-to-write", "0")
	if got := c.Do("SET", "x", "w"); got != "+OK\r\n" {
		t.Errorf("SET after min-replicas-to-write 0 = %q", got)
	}
}

// TestConfigSetServerParams: CONFIG SET of bind, port, dir and dbfilename
// to the values CONFIG GET shows succeeds (tools set back all of CONFIG
// GET *), moving the listener is refused, and what Redis fixes at start
// is refused with its error.
func TestConfigSetServerParams(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.Dir = t.TempDir() })
	c := testutil.Dial(t, tn.addr)
	for _, p := range []string{"bind", "port", "dir", "dbfilename"} {
		v, _, err := resp.Parse([]byte(c.Do("CONFIG", "GET", p)))
		if err != nil || len(v.Elems) != 2 {
			t.Fatalf("CONFIG GET %s = %v, %v", p, v, err)
		}
		if got := c.Do("CONFIG", "SET", p, v.Elems[1].Text()); got != "+OK\r\n" {
			t.Errorf("CONFIG SET %s %q = %q, want OK", p, v.Elems[1].Text(), got)
		}
	}
	if got := c.Do("CONFIG", "SET", "port", "1"); !strings.HasPrefix(got, "-ERR CONFIG SET failed (possibly related to argument 'port')") {
		t.Errorf("CONFIG SET port 1 = %q", got)
	}
	if got := c.Do("CONFIG", "SET", "dbfilename", "a/b"); got != "-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename\r\n" {
		t.Errorf("CONFIG SET dbfilename a/b = %q", got)
	}
	for _, p := range []string{"databases", "cluster-enabled", "aclfile"} {
		want := "-ERR CONFIG SET failed (possibly related to argument '" + p + "') - can't set immutable config\r\n"
		if got := c.Do("CONFIG", "SET", p, "1"); got != want {
			t.Errorf("CONFIG SET %s = %q, want %q", p, got, want)
		}
	}
}
