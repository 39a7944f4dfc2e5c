package node

import (
	"os"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestScriptingRESP3Golden replays testdata/resp3/scripting.txt: scripts
// that switch to RESP3 (redis.setresp) and return RESP3 types, answered
// byte for byte as redis-server 7.0.15 answers a RESP3 client and a RESP2
// one (with VCACHE_GOLDEN_ADDR set, against that server instead).
func TestScriptingRESP3Golden(t *testing.T) {
	addr := os.Getenv("VCACHE_GOLDEN_ADDR")
	if addr == "" {
		addr = startNode(t, nil).addr
	}
	testutil.RESP3Golden(t, addr, "testdata/resp3/scripting.txt")
}
