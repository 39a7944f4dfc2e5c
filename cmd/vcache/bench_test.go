package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestBenchKV loads a real node with `vcache bench kv --json` and, when
// redis-server is installed, the same load against it in the same run:
// every request is counted, none fails, the keys written are there.
func TestBenchKV(t *testing.T) {
	addr, cancel, done := startCmd(t, "server", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	args := []string{"bench", "kv", "--addr", addr, "-c", "4", "-P", "8", "-n", "2000", "-r", "100", "-d", "10", "-t", "set,get,hset", "--json"}
	peer := ""
	if path, err := exec.LookPath("redis-server"); err == nil {
		port := freePort(t)
		cmd := exec.Command(path, "--port", port, "--save", "", "--appendonly", "no")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		peer = "127.0.0.1:" + port
		c := redis.NewClient(&redis.Options{Addr: peer})
		testutil.WaitFor(t, 10*time.Second, func() bool { return c.Ping(context.Background()).Err() == nil },
			"redis-server to start")
		c.Close()
		args = append(args, "--compare-with", peer)
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), args, &out, &errb); err != nil {
		t.Fatalf("vcache bench: %v\n%s", err, errb.String())
	}
	var runs []struct {
		Addr    string
		Results []struct {
			Test      string
			Requests  int
			Errors    int
			OpsPerSec float64 `json:"ops_per_sec"`
			P50       int64   `json:"p50_ns"`
			P99       int64   `json:"p99_ns"`
		}
	}
	if err := json.Unmarshal(out.Bytes(), &runs); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out.String())
	}
	if want := map[bool]int{true: 2, false: 1}[peer != ""]; len(runs) != want {
		t.Fatalf("%d runs, want %d", len(runs), want)
	}
	for _, r := range runs {
		if len(r.Results) != 3 {
			t.Fatalf("%s: %d results", r.Addr, len(r.Results))
		}
		for _, x := range r.Results {
			if x.Requests != 2000 || x.Errors != 0 || x.OpsPerSec <= 0 || x.P50 <= 0 || x.P99 < x.P50 {
				t.Errorf("%s %s: %+v", r.Addr, x.Test, x)
			}
		}
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	if n, err := c.DBSize(context.Background()).Result(); err != nil || n < 50 || n > 200 {
		t.Fatalf("after the load the node holds %d keys (%v); -r 100 for strings and hashes", n, err)
	}
	// The table form, and the plot: a bar per test.
	out.Reset()
	svg := filepath.Join(t.TempDir(), "kv.svg")
	if err := run(context.Background(), []string{"bench", "kv", "--addr", addr, "-n", "500", "-c", "2", "-t", "set,get", "--plot", svg}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "ops/s") || !strings.Contains(out.String(), "get") {
		t.Fatalf("table:\n%s", out.String())
	}
	if bars := svgElements(t, svg, "rect"); bars != 1+2+1 { // background, two bars, one legend key
		t.Fatalf("kv plot has %d rects, want 4", bars)
	}
}

// svgElements parses an SVG file as XML and counts its elements named name.
func svgElements(t *testing.T, path, name string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return n
			}
			t.Fatalf("%s is not well-formed: %v", path, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == name {
			n++
		}
	}
}

// TestBenchVector runs `vcache bench vector` against a node: FLAT is exact
// (recall 1), HNSW with EF_RUNTIME 64 on a small set is close to it.
func TestBenchVector(t *testing.T) {
	addr, cancel, done := startCmd(t, "server", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	for algo, minRecall := range map[string]float64{"FLAT": 1, "HNSW": 0.9} {
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"bench", "vector", "--addr", addr, "--algo", algo, "-n", "2000",
			"--dim", "16", "--queries", "100", "-c", "2", "--ef", "64", "--json"}, &out, &errb)
		if err != nil {
			t.Fatalf("%s: %v\n%s", algo, err, errb.String())
		}
		var r struct {
			Recall  float64
			QPS     float64
			Queries int
		}
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if r.Recall < minRecall || r.Queries != 100 || r.QPS <= 0 {
			t.Errorf("%s: %+v, want recall >= %v", algo, r, minRecall)
		}
	}
	// A sweep over EF_RUNTIME on the same data: a result and a plotted
	// point for each, recall at the widest search at least the narrowest's.
	var out, errb bytes.Buffer
	svg := filepath.Join(t.TempDir(), "vector.svg")
	err := run(context.Background(), []string{"bench", "vector", "--addr", addr, "--algo", "hnsw", "-n", "2000",
		"--dim", "16", "--queries", "100", "-c", "2", "--ef", "10,40,160", "--json", "--plot", svg}, &out, &errb)
	if err != nil {
		t.Fatalf("sweep: %v\n%s", err, errb.String())
	}
	var sweep []struct {
		EF     int `json:"ef_runtime"`
		Recall float64
	}
	if err := json.Unmarshal(out.Bytes(), &sweep); err != nil {
		t.Fatal(err)
	}
	if len(sweep) != 3 || sweep[0].EF != 10 || sweep[2].EF != 160 || sweep[2].Recall < sweep[0].Recall || sweep[2].Recall < 0.9 {
		t.Fatalf("sweep: %+v", sweep)
	}
	if pts := svgElements(t, svg, "circle"); pts != 3 {
		t.Fatalf("vector plot has %d points, want 3", pts)
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	if n := c.DBSize(context.Background()).Val(); n != 0 {
		t.Errorf("the benchmark left %d keys behind", n)
	}
}

// TestBenchScale runs a short `vcache bench scale` on the built binary:
// a row per second with throughput and no errors, a CSV and an SVG.
func TestBenchScale(t *testing.T) {
	if testing.Short() {
		t.Skip("starts vcache dev")
	}
	bin := buildVcache(t)
	out := filepath.Join(t.TempDir(), "scale")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"bench", "scale", "--bin", bin, "--out", out, "--clients", "2,4",
		"--step", "2s", "--keys", "1000", "--port", freePort(t)}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("vcache bench scale: %v\n%s", err, stderr.String())
	}
	csv, err := os.ReadFile(out + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[0], "t_s,clients,ops_per_s") {
		t.Fatalf("CSV:\n%s", csv)
	}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if ops, _ := strconv.ParseFloat(f[2], 64); ops <= 0 || f[5] != "0" {
			t.Errorf("a second with no throughput or with errors: %s", l)
		}
	}
	svg, err := os.ReadFile(out + ".svg")
	if err != nil || !strings.HasPrefix(string(svg), "<svg") || !strings.Contains(string(svg), "<polyline") {
		t.Fatalf("SVG: %v %.200s", err, svg)
	}
	if err := xml.Unmarshal(svg, new(struct{})); err != nil {
		t.Fatalf("the SVG is not well-formed XML: %v", err)
	}
}
