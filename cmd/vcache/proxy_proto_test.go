package main

import (
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// Helpers of the tests that compare the proxy's replies with
// redis-server's in RESP2 and in RESP3.

// dialProto dials addr and, for proto 3, switches the connection to RESP3
// with HELLO 3.
func dialProto(t *testing.T, addr string, proto int) *testutil.Conn {
	t.Helper()
	c := testutil.Dial(t, addr)
	if proto == 3 {
		c.Do3("HELLO", "3")
	}
	return c
}

// protoDo returns a func that sends one command on c and returns its raw
// reply, read as RESP proto.
func protoDo(proto int) func(c *testutil.Conn, args ...string) string {
	if proto == 3 {
		return (*testutil.Conn).Do3
	}
	return (*testutil.Conn).Do
}

// protoRecv returns a func that reads one raw reply from c, as RESP proto.
func protoRecv(proto int) func(c *testutil.Conn) string {
	if proto == 3 {
		return (*testutil.Conn).Recv3
	}
	return (*testutil.Conn).Recv
}
