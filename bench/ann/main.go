// Command ann measures vcache's vector engines (and the coder/hnsw library
// as a baseline) on a bench/data dataset: build time, then recall@10
// against the exact ground truth and single-threaded queries per second at
// several search breadths. It prints one JSON line per setting, in the same
// form as peers/ann_peers.py.
//
//	go run ./bench/ann -data bench/data/glove-100 -engines hnsw,ivfflat,coder
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	coder "github.com/coder/hnsw"

	"github.com/vcache/vcache/vector"
)

func main() {
	data := flag.String("data", "bench/data/glove-100", "dataset directory (bench/data.sh makes them)")
	engines := flag.String("engines", "hnsw,ivfflat,coder", "engines to run: hnsw, ivfflat, flat, coder")
	workers := flag.Int("workers", 2, "goroutines for the build")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the searches (not the build) to this file")
	rerank := flag.String("rerank", "f32,40", "hnsw, ivfflat: searches per ef (probes) on one index with int8 search codes: f32 walks "+
		"the graph (scans the lists) on float32 (the path of an index without codes), a number walks (scans) on the codes and "+
		"re-ranks that many on float32")
	efs := flag.String("ef", "10,20,40,80,160,320", "hnsw: search breadths")
	rounds := flag.Int("rounds", 1, "hnsw: times to repeat every search setting, interleaved (to see the noise)")
	flag.Parse()
	profilePath = *cpuprofile
	hnswModes, hnswEfs, hnswRounds = strings.Split(*rerank, ","), *efs, *rounds
	if err := run(*data, strings.Split(*engines, ","), *workers); err != nil {
		fmt.Fprintln(os.Stderr, "ann:", err)
		os.Exit(1)
	}
}

// profilePath, when set, receives a CPU profile of the vcache searches.
var profilePath string

// The hnsw engine's search settings (flags -rerank, -ef, -rounds).
var (
	hnswModes  []string
	hnswEfs    string
	hnswRounds int
)

type dataset struct {
	name          string
	base, queries [][]float32
	gt            [][]int32
	metric        vector.Metric
}

func readVecs(path string) ([][]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out [][]float32
	for len(b) >= 4 {
		d := int(binary.LittleEndian.Uint32(b))
		if len(b) < 4+4*d {
			return nil, fmt.Errorf("%s: truncated", path)
		}
		v := make([]float32, d)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4+4*i:]))
		}
		out = append(out, v)
		b = b[4+4*d:]
	}
	return out, nil
}

func load(dir string) (*dataset, error) {
	ds := &dataset{name: filepath.Base(dir)}
	var err error
	if ds.base, err = readVecs(filepath.Join(dir, "base.fvecs")); err != nil {
		return nil, err
	}
	if ds.queries, err = readVecs(filepath.Join(dir, "query.fvecs")); err != nil {
		return nil, err
	}
	gt, err := readVecs(filepath.Join(dir, "gt.ivecs"))
	if err != nil {
		return nil, err
	}
	for _, row := range gt {
		ids := make([]int32, len(row))
		for i, x := range row {
			ids[i] = int32(math.Float32bits(x))
		}
		ds.gt = append(ds.gt, ids)
	}
	m, err := os.ReadFile(filepath.Join(dir, "metric"))
	if err != nil {
		return nil, err
	}
	ds.metric = vector.L2
	if strings.TrimSpace(string(m)) == "cosine" {
		ds.metric = vector.Cosine
	}
	return ds, nil
}

func recallAt10(found [][]uint32, gt [][]int32) float64 {
	var sum float64
	for i, f := range found {
		want := map[int32]bool{}
		for _, g := range gt[i][:10] {
			want[g] = true
		}
		hit := 0
		for _, id := range f {
			if want[int32(id)] {
				hit++
			}
		}
		sum += float64(hit) / 10
	}
	return sum / float64(len(found))
}

func emit(ds *dataset, engine, param string, recall, qps, build float64) {
	emitCPU(ds, engine, param, recall, qps, 0, build)
}

// emitCPU adds cpu_qps, queries per second of CPU time used by the process
// (user and system, every thread: the garbage collector's work counts):
// on a machine shared with other work, wall-clock QPS follows the others'
// load, CPU QPS much less.
func emitCPU(ds *dataset, engine, param string, recall, qps, cpuQPS, build float64) {
	m := map[string]any{"dataset": ds.name, "engine": engine, "param": param, "recall": recall, "qps": qps, "build_s": build}
	if cpuQPS > 0 {
		m["cpu_qps"] = cpuQPS
	}
	b, _ := json.Marshal(m)
	fmt.Println(string(b))
}

// cpuSeconds is the process's user and system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func run(dir string, engines []string, workers int) error {
	ds, err := load(dir)
	if err != nil {
		return err
	}
	for _, e := range engines {
		switch e {
		case "hnsw", "ivfflat", "flat":
			if err := runVcache(ds, e, workers); err != nil {
				return err
			}
		case "coder":
			runCoder(ds)
		default:
			return fmt.Errorf("unknown engine %q", e)
		}
	}
	return nil
}

func runVcache(ds *dataset, engine string, workers int) error {
	dim := len(ds.base[0])
	var p vector.Params
	var settings []vector.SearchOptions
	var label func(o vector.SearchOptions) string
	engineOf := func(vector.SearchOptions) string { return "vcache-" + engine }
	switch engine {
	case "hnsw":
		p = vector.DefaultParams(vector.HNSW, dim, ds.metric)
		p.M, p.EfConstruction = 16, 200
		p.Codes = vector.QuantInt8
		for r := 0; r < hnswRounds; r++ {
			for _, e := range strings.Split(hnswEfs, ",") {
				ef, err := strconv.Atoi(e)
				if err != nil {
					return fmt.Errorf("-ef: %v", err)
				}
				for _, m := range hnswModes {
					o := vector.SearchOptions{K: 10, Ef: ef, Float32: m == "f32"}
					if !o.Float32 {
						if o.Rerank, err = strconv.Atoi(m); err != nil || o.Rerank < 1 {
							return fmt.Errorf("-rerank: %q", m)
						}
					}
					settings = append(settings, o)
				}
			}
		}
		label = func(o vector.SearchOptions) string { return fmt.Sprintf("ef=%d", o.Ef) }
		engineOf = func(o vector.SearchOptions) string {
			if o.Float32 {
				return "vcache-hnsw-f32"
			}
			return fmt.Sprintf("vcache-hnsw-sq8-r%d", o.Rerank)
		}
	case "ivfflat":
		p = vector.DefaultParams(vector.IVFFLAT, dim, ds.metric)
		p.Lists = int(4 * math.Sqrt(float64(len(ds.base))))
		p.Codes = vector.QuantInt8
		for _, pr := range []int{4, 8, 16, 32, 64, 128} {
			for _, m := range hnswModes {
				o := vector.SearchOptions{K: 10, Probes: pr, Float32: m == "f32"}
				if !o.Float32 {
					var err error
					if o.Rerank, err = strconv.Atoi(m); err != nil || o.Rerank < 1 {
						return fmt.Errorf("-rerank: %q", m)
					}
				}
				settings = append(settings, o)
			}
		}
		label = func(o vector.SearchOptions) string { return fmt.Sprintf("probes=%d lists=%d", o.Probes, p.Lists) }
		engineOf = func(o vector.SearchOptions) string {
			if o.Float32 {
				return "vcache-ivfflat-f32"
			}
			return fmt.Sprintf("vcache-ivfflat-sq8-r%d", o.Rerank)
		}
	case "flat":
		p = vector.DefaultParams(vector.FLAT, dim, ds.metric)
		settings = []vector.SearchOptions{{K: 10}}
		label = func(vector.SearchOptions) string { return "exact" }
	}
	p.InitialCap = len(ds.base)
	ix, err := vector.New(p)
	if err != nil {
		return err
	}
	ids := make([]uint32, len(ds.base))
	for i := range ids {
		ids[i] = uint32(i)
	}
	start := time.Now()
	if err := vector.AddBatch(ix, ids, ds.base, workers); err != nil {
		return err
	}
	build := time.Since(start).Seconds()
	if profilePath != "" {
		f, err := os.Create(profilePath)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	for _, o := range settings {
		found := make([][]uint32, len(ds.queries))
		t, c := time.Now(), cpuSeconds()
		for i, q := range ds.queries {
			res, err := ix.Search(q, o)
			if err != nil {
				return err
			}
			for _, r := range res {
				found[i] = append(found[i], r.ID)
			}
		}
		dt, dc := time.Since(t).Seconds(), cpuSeconds()-c
		nq := float64(len(ds.queries))
		emitCPU(ds, engineOf(o), label(o), recallAt10(found, ds.gt), nq/dt, nq/max(dc, 1e-9), build)
	}
	fmt.Fprintf(os.Stderr, "vcache-%s: %.1f bytes per vector\n", engine, float64(ix.MemoryBytes())/float64(ix.Len()))
	return nil
}

// runCoder measures github.com/coder/hnsw v0.6.1, the library DESIGN.md
// named first, as a baseline.
func runCoder(ds *dataset) {
	g := coder.NewGraph[uint32]()
	g.M = 16
	g.Ml = 0.25
	if ds.metric == vector.Cosine {
		g.Distance = coder.CosineDistance
	} else {
		g.Distance = coder.EuclideanDistance
	}
	start := time.Now()
	for i, v := range ds.base {
		g.Add(coder.MakeNode(uint32(i), v))
	}
	build := time.Since(start).Seconds()
	for _, ef := range []int{20, 80, 320} {
		g.EfSearch = ef
		found := make([][]uint32, len(ds.queries))
		t := time.Now()
		for i, q := range ds.queries {
			for _, n := range g.Search(q, 10) {
				found[i] = append(found[i], n.Key)
			}
		}
		dt := time.Since(t).Seconds()
		emit(ds, "coder-hnsw", fmt.Sprintf("ef=%d", ef), recallAt10(found, ds.gt), float64(len(ds.queries))/dt, build)
	}
}
