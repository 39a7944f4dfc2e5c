package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestGolden replays testdata/*.txt against a fresh node each. In those
// files a line "> CMD arg ..." sends a command (arguments split like
// redis-cli: spaces separate, double quotes group and understand \n, \r,
// \t, \" and \xHH); the lines after it, up to the next command, are the
// reply as redis-cli --no-raw prints it. Lines starting with # are comments
// and blank lines end a reply. With VCACHE_GOLDEN_ADDR=host:port the files
// are replayed against that server instead, to check them against Redis;
// files whose first line starts with "#vcache-only" are skipped then.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			runGolden(t, f)
		})
	}
}

func runGolden(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	steps := testutil.ReadGolden(t, file)
	var rc *rawConn
	if addr := os.Getenv("VCACHE_GOLDEN_ADDR"); addr != "" {
		if strings.HasPrefix(string(data), "#vcache-only") {
			t.Skip("vcache-only file")
		}
		// Check the expectations against another server (redis-server).
		rc = (&testNode{addr: addr}).raw(t)
		rc.do("FLUSHALL")
		rc.do("CONFIG", "SET", "maxmemory-policy", "noeviction")
		rc.do("CONFIG", "SET", "maxmemory", "0")
	} else {
		rc = startNode(t, nil).raw(t)
	}
	for _, s := range steps {
		got := rc.do(s.Args...)
		want := strings.Join(s.Want, "\n")
		if got != want {
			t.Errorf("%s:%d: > %s\n got: %s\nwant: %s", filepath.Base(file), s.Line, strings.Join(s.Args, " "), got, want)
		}
	}
}
