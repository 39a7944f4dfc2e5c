package cluster

import (
	"errors"
	"strings"
	"testing"
)

type keysInSlots map[int][]string

func (k keysInSlots) CountKeysInSlot(slot int) int { return len(k[slot]) }
func (k keysInSlots) KeysInSlot(slot, count int) []string {
	ks := k[slot]
	return ks[:min(count, len(ks))]
}

func commandCluster(t *testing.T) *Cluster {
	t.Helper()
	cfg := testConfig("a", 6379)
	c, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.cur.Store(goldenView(t))
	return c
}

func run(t *testing.T, c *Cluster, line string) (string, error) {
	t.Helper()
	var args [][]byte
	for _, f := range strings.Fields(line) {
		args = append(args, []byte(f))
	}
	var w respWriter
	err := c.Command(args, keysInSlots{12182: {"foo", "{foo}bar", "{foo}baz"}}, &w)
	if err != nil && w.b.Len() > 0 {
		t.Fatalf("%s: wrote %q and returned %v", line, w.b.String(), err)
	}
	return w.b.String(), err
}

func TestClusterCommand(t *testing.T) {
	c := commandCluster(t)
	for _, tc := range []struct {
		line string
		want string
	}{
		{"CLUSTER KEYSLOT foo", ":12182\r\n"},
		{"cluster keyslot {user1000}.following", ":3443\r\n"},
		{"CLUSTER COUNTKEYSINSLOT 12182", ":3\r\n"},
		{"CLUSTER COUNTKEYSINSLOT 0", ":0\r\n"},
		{"CLUSTER GETKEYSINSLOT 12182 2", "*2\r\n$3\r\nfoo\r\n$8\r\n{foo}bar\r\n"},
		{"CLUSTER GETKEYSINSLOT 12182 0", "*0\r\n"},
		{"CLUSTER MYID", "$40\r\n" + NodeID("a").RedisID() + "\r\n"},
		{"CLUSTER MYSHARDID", "$40\r\n" + ShardID(1).RedisID() + "\r\n"},
	} {
		got, err := run(t, c, tc.line)
		if err != nil || got != tc.want {
			t.Errorf("%s = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
	for _, line := range []string{"CLUSTER INFO", "CLUSTER NODES", "CLUSTER SLOTS", "CLUSTER SHARDS", "CLUSTER HELP",
		"CLUSTER AUTOSCALE PLAN", "CLUSTER AUTOSCALE status", "CLUSTER EVENTS", "CLUSTER EVENTS 5"} {
		if got, err := run(t, c, line); err != nil || got == "" {
			t.Errorf("%s = %q, %v", line, got, err)
		}
	}
	if got, _ := run(t, c, "CLUSTER INFO"); !strings.Contains(got, "cluster_state:fail\r\ncluster_slots_assigned:16384\r\n") {
		t.Errorf("CLUSTER INFO = %q", got)
	}
}

func TestClusterCommandErrors(t *testing.T) {
	c := commandCluster(t)
	for _, tc := range []struct {
		line     string
		sentinel error
		text     string
	}{
		{"CLUSTER", ErrWrongArgs, "wrong number of arguments for 'cluster' command"},
		{"CLUSTER FOO", ErrUnknownSubcommand, "unknown subcommand 'FOO'. Try CLUSTER HELP."},
		{"CLUSTER KEYSLOT", ErrWrongArgs, "wrong number of arguments for 'cluster|keyslot' command"},
		{"CLUSTER INFO extra", ErrWrongArgs, "wrong number of arguments for 'cluster|info' command"},
		{"CLUSTER COUNTKEYSINSLOT x", ErrNotInteger, "value is not an integer or out of range"},
		{"CLUSTER COUNTKEYSINSLOT 16384", ErrInvalidSlot, "Invalid slot"},
		{"CLUSTER GETKEYSINSLOT -1 10", ErrInvalidSlot, "Invalid slot or number of keys"},
		{"CLUSTER GETKEYSINSLOT 1 -10", ErrInvalidSlot, "Invalid slot or number of keys"},
		{"CLUSTER AUTOSCALE NOW", ErrUnknownSubcommand, "unknown subcommand 'AUTOSCALE NOW'. Try CLUSTER HELP."},
		{"CLUSTER EVENTS -1", ErrNotInteger, "value is not an integer or out of range"},
		{"CLUSTER ADDSLOTS 1", ErrUnsupported, "CLUSTER ADDSLOTS is not supported: vcache places slots itself"},
	} {
		_, err := run(t, c, tc.line)
		if !errors.Is(err, tc.sentinel) || err.Error() != tc.text {
			t.Errorf("%s: error %v, want %q (%v)", tc.line, err, tc.text, tc.sentinel)
		}
	}
}
