package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// PythonWith returns a python3 on PATH that can import modules (as an
// import statement lists them: "redis" or "redis, numpy"), or skips the
// test when there is none.
func PythonWith(t testing.TB, modules string) string {
	t.Helper()
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		py := filepath.Join(dir, "python3")
		if _, err := os.Stat(py); err != nil {
			continue
		}
		if exec.Command(py, "-c", "import "+modules).Run() == nil {
			return py
		}
	}
	t.Skipf("no python3 on PATH that imports %s (Debian: python3-redis python3-numpy)", modules)
	return ""
}
