// Command hnswmem measures the memory of vcache's HNSW index per vector: it
// loads the first -n vectors of a bench/data dataset, builds the index
// (M 16, EF_CONSTRUCTION 200 by default, the dataset's metric, float32
// vectors with or without int8 search codes) and prints one JSON line with
// the Go heap the index holds after a collection (HeapAlloc after the build
// less HeapAlloc before it, the vectors read from the file already on the
// heap in both) and what the index's MemoryBytes counts, each per vector.
// With -qps it also runs the ground truth's queries one at a time at each
// -ef and prints recall@10 and QPS (wall and CPU) per setting, as bench/ann.
//
//	go run ./bench/hnswmem -data bench/data/glove-100 -n 100000
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vcache/vcache/vector"
)

func main() {
	data := flag.String("data", "bench/data/glove-100", "dataset directory (bench/data.sh makes them)")
	n := flag.Int("n", 100000, "vectors to load (the first n of base.fvecs; 0: all)")
	m := flag.Int("m", 16, "M")
	efc := flag.Int("efc", 200, "EF_CONSTRUCTION")
	codes := flag.Bool("codes", false, "keep int8 search codes beside the float32 vectors (COMPRESSION SQ8)")
	workers := flag.Int("workers", 2, "goroutines for the build")
	qps := flag.Bool("qps", false, "also measure recall@10 and single-thread QPS at each -ef (float32 walk)")
	efs := flag.String("ef", "10,20,40,80,160,320", "search breadths for -qps")
	label := flag.String("label", "vcache", "engine name in the JSON lines")
	flag.Parse()
	if err := run(*data, *n, *m, *efc, *codes, *workers, *qps, *efs, *label); err != nil {
		fmt.Fprintln(os.Stderr, "hnswmem:", err)
		os.Exit(1)
	}
}

func readVecs(path string, limit int) ([][]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out [][]float32
	for len(b) >= 4 && (limit <= 0 || len(out) < limit) {
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

// heapAlloc is the live heap after a collection. Two collections: the
// first leaves sync.Pool's contents in its victim cache, the second frees
// them.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// cpuSeconds is the process's user and system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func emit(m map[string]any) {
	b, _ := json.Marshal(m)
	fmt.Println(string(b))
}

func run(dir string, n, m, efc int, codes bool, workers int, qps bool, efs, label string) error {
	base, err := readVecs(filepath.Join(dir, "base.fvecs"), n)
	if err != nil {
		return err
	}
	metricName, err := os.ReadFile(filepath.Join(dir, "metric"))
	if err != nil {
		return err
	}
	metric := vector.L2
	if strings.TrimSpace(string(metricName)) == "cosine" {
		metric = vector.Cosine
	}
	dim := len(base[0])
	p := vector.DefaultParams(vector.HNSW, dim, metric)
	p.M, p.EfConstruction = m, efc
	if codes {
		p.Codes = vector.QuantInt8
	}
	ids := make([]uint32, len(base))
	for i := range ids {
		ids[i] = uint32(i)
	}
	before := heapAlloc()
	ix, err := vector.New(p)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := vector.AddBatch(ix, ids, base, workers); err != nil {
		return err
	}
	build := time.Since(start).Seconds()
	after := heapAlloc()
	nv := float64(ix.Len())
	heap := float64(int64(after)-int64(before)) / nv
	mem := float64(ix.MemoryBytes()) / nv
	name := filepath.Base(dir)
	emit(map[string]any{"dataset": name, "engine": label, "n": ix.Len(), "dim": dim, "m": m, "efc": efc, "codes": codes,
		"heap_per_vector": heap, "memory_bytes_per_vector": mem, "raw_vector_bytes": 4 * dim, "build_s": build})
	if !qps {
		runtime.KeepAlive(base)
		return nil
	}
	base = nil
	queries, err := readVecs(filepath.Join(dir, "query.fvecs"), 0)
	if err != nil {
		return err
	}
	gt, err := readVecs(filepath.Join(dir, "gt.ivecs"), 0)
	if err != nil {
		return err
	}
	for _, e := range strings.Split(efs, ",") {
		ef, err := strconv.Atoi(e)
		if err != nil {
			return fmt.Errorf("-ef: %v", err)
		}
		o := vector.SearchOptions{K: 10, Ef: ef, Float32: true}
		var hits, total int
		t, c := time.Now(), cpuSeconds()
		for i, q := range queries {
			res, err := ix.Search(q, o)
			if err != nil {
				return err
			}
			want := map[uint32]bool{}
			for _, g := range gt[i][:10] {
				// Only ids among the first n vectors can be found; the
				// ground truth is over the whole base.
				want[math.Float32bits(g)] = true
			}
			for _, r := range res {
				if want[r.ID] {
					hits++
				}
			}
			total += 10
		}
		dt, dc := time.Since(t).Seconds(), cpuSeconds()-c
		nq := float64(len(queries))
		emit(map[string]any{"dataset": name, "engine": label, "param": fmt.Sprintf("ef=%d", ef),
			"recall": float64(hits) / float64(total), "qps": nq / dt, "cpu_qps": nq / max(dc, 1e-9), "build_s": build})
	}
	return nil
}
