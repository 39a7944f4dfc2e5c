// Command ingest measures bulk loading of a bench/data dataset into an
// HNSW index (M 16, EF_CONSTRUCTION 200, the dataset's metric, int8 search
// codes as FT.CREATE makes them), one way per run:
//
//	-mode inproc: vector.AddBatch with -workers goroutines, in this process
//	-mode resp:   pipelined HSETs over one connection into a running vcache
//	              with FT.CREATE ... HNSW, timed from the first HSET until
//	              FT.INFO says every document is indexed (num_docs, and
//	              percent_indexed 1); meanwhile a second client runs one
//	              KNN query at a time and their latencies are kept
//
// Either way it then measures recall@10 at EF_RUNTIME -ef against the exact
// ground truth, and prints one JSON line (seconds, CPU seconds of this
// process, recall, and for resp the queries' p50/p99 during the load).
//
//	go run ./bench/ingest -mode inproc -data bench/data/glove-100
//	go run ./bench/ingest -mode resp -addr 127.0.0.1:6379 -data bench/data/glove-100
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/vcache/vcache/bench/load"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/vector"
)

func main() {
	mode := flag.String("mode", "inproc", "inproc or resp")
	addr := flag.String("addr", "127.0.0.1:6379", "resp: the vcache server")
	data := flag.String("data", "bench/data/glove-100", "dataset directory (bench/data.sh makes them)")
	workers := flag.Int("workers", 2, "inproc: goroutines for the build")
	n := flag.Int("n", 0, "load only the first n base vectors (0: all)")
	pipe := flag.Int("pipeline", 1000, "resp: HSETs per pipeline")
	ef := flag.Int("ef", 100, "EF_RUNTIME of the recall queries")
	timeout := flag.Duration("timeout", 10*time.Minute, "resp: give up waiting after this long")
	flag.Parse()
	ds, err := loadDataset(*data, *n)
	if err == nil {
		switch *mode {
		case "inproc":
			err = inproc(ds, *workers, *ef)
		case "resp":
			err = resp(ds, *addr, *pipe, *ef, *timeout)
		default:
			err = fmt.Errorf("unknown -mode %q", *mode)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(1)
	}
}

type dataset struct {
	name           string
	base, queries  [][]byte // float32 little-endian, as FT blobs
	dim            int
	gt             [][]int32
	metric, ftName string
}

func loadDataset(dir string, n int) (*dataset, error) {
	ds := &dataset{name: filepath.Base(dir), metric: "L2", ftName: "L2"}
	var err error
	if ds.base, ds.dim, err = load.ReadVecs(filepath.Join(dir, "base.fvecs")); err != nil {
		return nil, err
	}
	if ds.queries, _, err = load.ReadVecs(filepath.Join(dir, "query.fvecs")); err != nil {
		return nil, err
	}
	gt, _, err := load.ReadVecs(filepath.Join(dir, "gt.ivecs"))
	if err != nil {
		return nil, err
	}
	for _, g := range gt {
		row := make([]int32, len(g)/4)
		for i := range row {
			row[i] = int32(binary.LittleEndian.Uint32(g[4*i:]))
		}
		ds.gt = append(ds.gt, row)
	}
	if m, _ := os.ReadFile(filepath.Join(dir, "metric")); strings.TrimSpace(string(m)) == "cosine" {
		ds.metric, ds.ftName = "cosine", "COSINE"
	}
	if n > 0 && n < len(ds.base) {
		// The ground truth is of the whole base: recall is then only
		// indicative.
		ds.base = ds.base[:n]
	}
	return ds, nil
}

func floats(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// recall is the mean share of each query's true 10 nearest among found.
func recall(ds *dataset, found [][]int) float64 {
	var sum float64
	for i, f := range found {
		want := map[int]bool{}
		for _, id := range ds.gt[i][:10] {
			want[int(id)] = true
		}
		for _, id := range f {
			if want[id] {
				sum++
			}
		}
	}
	return sum / 10 / float64(len(found))
}

func emit(v map[string]any) {
	out, _ := json.Marshal(v)
	fmt.Println(string(out))
}

func inproc(ds *dataset, workers, ef int) error {
	metric := vector.L2
	if ds.metric == "cosine" {
		metric = vector.Cosine
	}
	p := vector.DefaultParams(vector.HNSW, ds.dim, metric)
	p.M, p.EfConstruction = 16, 200
	p.Codes = vector.QuantInt8 // as FT.CREATE makes an HNSW field
	ix, err := vector.New(p)
	if err != nil {
		return err
	}
	ids := make([]uint32, len(ds.base))
	vecs := make([][]float32, len(ds.base))
	for i := range ids {
		ids[i], vecs[i] = uint32(i), floats(ds.base[i])
	}
	t, c := time.Now(), cpuSeconds()
	if err := vector.AddBatch(ix, ids, vecs, workers); err != nil {
		return err
	}
	wall, cpu := time.Since(t).Seconds(), cpuSeconds()-c
	found := make([][]int, len(ds.queries))
	for i, q := range ds.queries {
		res, err := ix.Search(floats(q), vector.SearchOptions{K: 10, Ef: ef})
		if err != nil {
			return err
		}
		for _, r := range res {
			found[i] = append(found[i], int(r.ID))
		}
	}
	emit(map[string]any{"mode": "inproc", "dataset": ds.name, "n": len(ds.base), "workers": workers, "seconds": round(wall),
		"cpu_seconds": round(cpu), "recall": round(recall(ds, found))})
	return nil
}

func round(v float64) float64 { return math.Round(v*1000) / 1000 }

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())/10) / 100 }

// info reads FT.INFO's num_docs and percent_indexed.
func info(ctx context.Context, c *redis.Client) (docs int, pct float64, err error) {
	v, err := c.Do(ctx, "FT.INFO", "ingest").Slice()
	if err != nil {
		return 0, 0, err
	}
	pct = 1
	for i := 0; i+1 < len(v); i += 2 {
		k, _ := v[i].(string)
		s := fmt.Sprint(v[i+1])
		switch k {
		case "num_docs":
			f, _ := strconv.ParseFloat(s, 64)
			docs = int(f)
		case "percent_indexed":
			pct, _ = strconv.ParseFloat(s, 64)
		}
	}
	return docs, pct, nil
}

func knn(ctx context.Context, c *redis.Client, q []byte, ef int) ([]int, error) {
	res, err := c.Do(ctx, "FT.SEARCH", "ingest", "*=>[KNN 10 @emb $B EF_RUNTIME $EF]", "PARAMS", "4", "B", q, "EF", ef,
		"NOCONTENT", "DIALECT", "2").Slice()
	if err != nil {
		return nil, err
	}
	var out []int
	for _, k := range res[1:] {
		id, _ := strconv.Atoi(strings.TrimPrefix(fmt.Sprint(k), "v:"))
		out = append(out, id)
	}
	return out, nil
}

func resp(ds *dataset, addr string, pipe, ef int, timeout time.Duration) error {
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, PoolSize: 4, ReadTimeout: time.Minute, WriteTimeout: time.Minute})
	defer c.Close()
	c.Do(ctx, "FT.DROPINDEX", "ingest", "DD")
	if err := c.Do(ctx, "FT.CREATE", "ingest", "ON", "HASH", "PREFIX", "1", "v:", "SCHEMA", "emb", "VECTOR", "HNSW", "10",
		"TYPE", "FLOAT32", "DIM", ds.dim, "DISTANCE_METRIC", ds.ftName, "M", 16, "EF_CONSTRUCTION", 200).Err(); err != nil {
		return fmt.Errorf("FT.CREATE: %w", err)
	}
	// One query at a time while loading: their latencies.
	stop := make(chan struct{})
	var lat []time.Duration
	var qerr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			t := time.Now()
			if _, err := knn(ctx, c, ds.queries[i%len(ds.queries)], ef); err != nil {
				qerr = err
				return
			}
			lat = append(lat, time.Since(t))
			time.Sleep(10 * time.Millisecond)
		}
	}()
	start := time.Now()
	for s := 0; s < len(ds.base); s += pipe {
		p := c.Pipeline()
		for i := s; i < min(s+pipe, len(ds.base)); i++ {
			p.HSet(ctx, "v:"+strconv.Itoa(i), "emb", ds.base[i])
		}
		if _, err := p.Exec(ctx); err != nil {
			close(stop)
			wg.Wait()
			return err
		}
	}
	replied := time.Since(start)
	var docs int
	var pct float64
	for {
		var err error
		if docs, pct, err = info(ctx, c); err != nil {
			close(stop)
			wg.Wait()
			return err
		}
		if docs >= len(ds.base) && pct >= 1 {
			break
		}
		if time.Since(start) > timeout {
			close(stop)
			wg.Wait()
			return fmt.Errorf("%d of %d documents indexed (%.3f) after %v", docs, len(ds.base), pct, timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
	wall := time.Since(start)
	close(stop)
	wg.Wait()
	if qerr != nil {
		return fmt.Errorf("FT.SEARCH during the load: %w", qerr)
	}
	found := make([][]int, len(ds.queries))
	for i, q := range ds.queries {
		f, err := knn(ctx, c, q, ef)
		if err != nil {
			return err
		}
		found[i] = f
	}
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	p50, p99 := 0.0, 0.0
	if len(lat) > 0 {
		p50, p99 = ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100])
	}
	emit(map[string]any{"mode": "resp", "dataset": ds.name, "n": len(ds.base), "seconds": round(wall.Seconds()),
		"replied_seconds": round(replied.Seconds()), "docs": docs, "recall": round(recall(ds, found)),
		"queries_during_load": len(lat), "query_p50_ms": p50, "query_p99_ms": p99})
	return nil
}
