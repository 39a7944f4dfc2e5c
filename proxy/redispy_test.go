package proxy

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
)

// redisPyScript runs as redis-py users do: plain commands, a pipeline, a
// transaction with WATCH, SCAN, INFO.
const redisPyScript = `
import sys, redis
r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]), decode_responses=True)
assert r.ping()
r.set("py:a", "1"); r.mset({"py:b": "2", "py:c": "3"})
assert r.mget("py:a", "py:b", "py:c", "py:none") == ["1", "2", "3", None], r.mget("py:a", "py:b", "py:c")
p = r.pipeline(transaction=False)
for i in range(100):
    p.incr("py:n"); p.get("py:n")
res = p.execute()
assert res[-1] == "100", res[-2:]
def bump(pipe):
    v = int(pipe.get("{py}x") or 0)
    pipe.multi()
    pipe.set("{py}x", v + 1)
r.transaction(bump, "{py}x")
assert r.get("{py}x") == "1"
assert sorted(r.scan_iter("py:*")) == ["py:a", "py:b", "py:c", "py:n"], sorted(r.scan_iter("py:*"))
assert r.info()["redis_version"]
assert r.dbsize() == 5
print("ok")
`

func TestRedisPyThroughProxy(t *testing.T) {
	py := testutil.PythonWith(t, "redis")
	p := startProxy(t, Config{}, addrs(startRedises(t, 3)...)...)
	_, port, _ := strings.Cut(p.addr, ":")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-c", redisPyScript, port).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("redis-py through the proxy: %v\n%s", err, out)
	}
}
