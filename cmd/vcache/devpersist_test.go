package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// devProc is a `vcache dev` process.
type devProc struct {
	cmd    *exec.Cmd
	addr   string // the proxy
	admin  string // the status page
	data   string // the banner's "data:" line
	logs   *syncBuffer
	exited chan struct{}
	err    error // Wait's result, once exited is closed
}

// startDev runs `bin dev` on free ports with its data in dir and waits for
// its banner. It is killed when the test ends if it is still running.
func startDev(t *testing.T, bin, dir string) *devProc {
	t.Helper()
	d := &devProc{logs: &syncBuffer{}, exited: make(chan struct{})}
	d.cmd = exec.Command(bin, "dev", "--port", "0", "--admin-addr", "127.0.0.1:0", "--dir", dir)
	d.cmd.Stderr = d.logs
	out, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	go func() { d.err = d.cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() {
		_ = d.cmd.Process.Kill()
		<-d.exited
		if t.Failed() {
			t.Logf("logs of vcache dev:\n%s", tail(d.logs.String(), 4000))
		}
	})
	deadline := time.After(60 * time.Second)
	for d.admin == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("vcache dev exited before its banner:\n%s", d.logs.String())
			}
			switch f := strings.Fields(line); {
			case strings.Contains(line, " ready on "):
				d.addr = f[slices.Index(f, "on")+1]
			case strings.HasPrefix(line, "data: "):
				d.data = line
			case strings.HasPrefix(line, "status page"):
				d.admin = strings.TrimSuffix(strings.TrimPrefix(f[len(f)-1], "http://"), "/")
			}
		case <-deadline:
			t.Fatalf("no banner from vcache dev:\n%s", d.logs.String())
		}
	}
	return d
}

// stop sends SIGINT and returns how long the process took to exit.
func (d *devProc) stop(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	if err := d.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("vcache dev did not exit within 30 s of SIGINT")
	}
	took := time.Since(start)
	if d.err != nil {
		t.Fatalf("vcache dev exited with %v after SIGINT", d.err)
	}
	return took
}

// nodeAddr returns a data node's address from the proxy's status page.
func (d *devProc) nodeAddr(t *testing.T) string {
	t.Helper()
	resp, err := http.Get("http://" + d.admin + "/status.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct{ Nodes []string }
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || len(st.Nodes) == 0 {
		t.Fatalf("status.json: %v %+v", err, st)
	}
	return st.Nodes[0]
}

func vec(i int) []float32 {
	return []float32{float32(i % 7), float32(i % 11), float32(i % 13), float32(i)}
}

func blob(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return string(b)
}

// devState is what a user would check survived: every value, the TTLs,
// the nearest neighbours of a query, and the shards.
type devState struct {
	dbsize  int64
	strs    []any
	hashes  []map[string]string
	ttls    []time.Duration
	knnTop  string
	vsim    []any
	vcard   int64
	shards  int
	ftDocs  string
	indexes []any
	others  []string // the other types' keys, read back
}

// otherTypes writes a key of each remaining type; readOthers reads them
// back in a form to compare.
var otherTypes = [][]any{
	{"RPUSH", "list", "a", "b", "c", "7"},
	{"SADD", "set", "x", "y", "z"},
	{"SADD", "intset", "1", "2", "3"},
	{"ZADD", "zset", "1.5", "m1", "2", "m2", "-3", "m3"},
	{"XADD", "stream", "1-1", "f", "v"},
	{"XADD", "stream", "2-1", "g", "w"},
	{"XGROUP", "CREATE", "stream", "grp", "0"},
	{"PFADD", "hll", "a", "b", "c", "d"},
	{"SETBIT", "bits", "100", "1"},
}

var otherReads = [][]any{
	{"LRANGE", "list", "0", "-1"},
	{"SORT", "set", "ALPHA"},
	{"SMEMBERS", "intset"},
	{"ZRANGE", "zset", "0", "-1", "WITHSCORES"},
	{"XRANGE", "stream", "-", "+"},
	{"XINFO", "GROUPS", "stream"},
	{"PFCOUNT", "hll"},
	{"BITCOUNT", "bits"},
	{"TYPE", "hll"},
}

func readOthers(t *testing.T, c *redis.Client) []string {
	t.Helper()
	var out []string
	for _, cmd := range otherReads {
		v, err := c.Do(context.Background(), cmd...).Result()
		if err != nil {
			t.Fatalf("%v: %v", cmd, err)
		}
		out = append(out, fmt.Sprint(v))
	}
	return out
}

func readDevState(t *testing.T, d *devProc) devState {
	t.Helper()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: d.addr, Protocol: 2})
	defer c.Close()
	var s devState
	var err error
	if s.dbsize, err = c.DBSize(ctx).Result(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i := range 300 {
		keys = append(keys, fmt.Sprintf("s:%d", i))
	}
	if s.strs, err = c.MGet(ctx, keys...).Result(); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		h, err := c.HGetAll(ctx, fmt.Sprintf("h:%d", i)).Result()
		if err != nil {
			t.Fatal(err)
		}
		s.hashes = append(s.hashes, h)
	}
	for _, k := range []string{"s:0", "s:49", "h:0", "h:19", "s:299"} {
		ttl, err := c.TTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		s.ttls = append(s.ttls, ttl)
	}
	res, err := c.Do(ctx, "FT.SEARCH", "idx", "*=>[KNN 3 @emb $B AS score]", "PARAMS", "2", "B", blob([]float32{3, 5, 7, 40}),
		"SORTBY", "score", "RETURN", "1", "score", "DIALECT", "2").Slice()
	if err != nil || len(res) < 2 {
		t.Fatalf("FT.SEARCH: %v %v", res, err)
	}
	s.knnTop = fmt.Sprint(res[1])
	if s.vsim, err = c.Do(ctx, "VSIM", "vs", "VALUES", "4", "3", "5", "7", "12", "COUNT", "3").Slice(); err != nil {
		t.Fatalf("VSIM: %v", err)
	}
	if s.vcard, err = c.Do(ctx, "VCARD", "vs").Int64(); err != nil {
		t.Fatal(err)
	}
	if s.indexes, err = c.Do(ctx, "FT._LIST").Slice(); err != nil {
		t.Fatal(err)
	}
	// (FT.INFO's num_docs through the proxy counts the replicas' copies
	// too; a search counts each document once.)
	all, err := c.Do(ctx, "FT.SEARCH", "idx", "*", "LIMIT", "0", "0").Slice()
	if err != nil || len(all) == 0 {
		t.Fatalf("FT.SEARCH *: %v %v", all, err)
	}
	s.ftDocs = fmt.Sprint(all[0])
	s.others = readOthers(t, c)
	n := redis.NewClient(&redis.Options{Addr: d.nodeAddr(t), Protocol: 2})
	defer n.Close()
	shards, err := n.ClusterShards(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	s.shards = len(shards)
	return s
}

// TestDevKeepsEverythingAcrossARestart is a user's first hour: write
// strings and hashes (some with TTLs), a key of every other type, an FT
// index with documents and a vector set through vcache dev's proxy; Ctrl-C; start it again with the
// same directory; find it all.
func TestDevKeepsEverythingAcrossARestart(t *testing.T) {
	bin := buildVcache(t)
	dir := t.TempDir()
	d := startDev(t, bin, dir)
	if !strings.Contains(d.data, "(new;") {
		t.Fatalf("first start's banner: %q", d.data)
	}
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: d.addr, Protocol: 2})
	defer c.Close()
	pipe := c.Pipeline()
	for i := range 300 {
		ttl := time.Duration(0)
		if i < 50 {
			ttl = time.Hour
		}
		pipe.Set(ctx, fmt.Sprintf("s:%d", i), fmt.Sprintf("value-%d", i), ttl)
	}
	for i := range 100 {
		k := fmt.Sprintf("h:%d", i)
		pipe.HSet(ctx, k, "n", i, "name", fmt.Sprintf("item %d", i))
		if i < 20 {
			pipe.Expire(ctx, k, time.Hour)
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
		"emb", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "4", "DISTANCE_METRIC", "L2", "genre", "TAG").Err(); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		if err := c.HSet(ctx, fmt.Sprintf("doc:%d", i), "emb", blob(vec(i)), "genre", []string{"a", "b"}[i%2]).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 30 {
		v := vec(i)
		if err := c.Do(ctx, "VADD", "vs", "VALUES", "4", v[0], v[1], v[2], v[3], fmt.Sprintf("e%d", i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range otherTypes {
		if err := c.Do(ctx, cmd...).Err(); err != nil {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
	before := readDevState(t, d)
	if want := "[a b c 7]"; before.others[0] != want || before.others[6] != "4" || !strings.Contains(before.others[5], "grp") {
		t.Fatalf("the other types read back as %q before the restart", before.others)
	}
	if before.dbsize != 300+100+60+1+7 || before.vcard != 30 || before.ftDocs != "60" || before.shards != 3 {
		t.Fatalf("before the restart: dbsize %d, vcard %d, FT docs %s, shards %d", before.dbsize, before.vcard, before.ftDocs, before.shards)
	}

	took := d.stop(t)
	t.Logf("vcache dev stopped %s after SIGINT", took.Round(time.Millisecond))
	if took > 5*time.Second {
		t.Errorf("stopping took %s", took)
	}
	if logs := d.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("errors logged while running or stopping:\n%s", logs)
	}

	d2 := startDev(t, bin, dir)
	if !strings.Contains(d2.data, "restored 3 node snapshots") || !strings.Contains(d2.data, "the saved shard map: 3 shards") {
		t.Errorf("restart banner: %q", d2.data)
	}
	after := readDevState(t, d2)
	if after.dbsize != before.dbsize {
		t.Errorf("DBSIZE %d after the restart, %d before", after.dbsize, before.dbsize)
	}
	if !slices.Equal(after.strs, before.strs) {
		t.Errorf("strings differ after the restart")
	}
	for i := range before.hashes {
		if fmt.Sprint(after.hashes[i]) != fmt.Sprint(before.hashes[i]) {
			t.Errorf("h:%d = %v after the restart, %v before", i, after.hashes[i], before.hashes[i])
		}
	}
	// s:0, s:49, h:0 and h:19 expire in an hour; s:299 never.
	for i, ttl := range after.ttls {
		want := i < 4
		if (ttl > 0 && ttl <= time.Hour) != want || (!want && ttl != -1) {
			t.Errorf("TTL #%d = %s after the restart (before: %s)", i, ttl, before.ttls[i])
		}
	}
	if after.knnTop != before.knnTop || after.ftDocs != before.ftDocs || fmt.Sprint(after.indexes) != fmt.Sprint(before.indexes) {
		t.Errorf("FT after the restart: top %s, %s docs, indexes %v; before: %s, %s, %v",
			after.knnTop, after.ftDocs, after.indexes, before.knnTop, before.ftDocs, before.indexes)
	}
	if fmt.Sprint(after.vsim) != fmt.Sprint(before.vsim) || after.vcard != before.vcard {
		t.Errorf("vector set after the restart: VSIM %v, VCARD %d; before %v, %d", after.vsim, after.vcard, before.vsim, before.vcard)
	}
	if !slices.Equal(after.others, before.others) {
		t.Errorf("lists, sets, sorted sets, streams, HyperLogLogs and bitmaps after the restart:\n%q\nbefore:\n%q", after.others, before.others)
	}
	if after.shards != before.shards {
		t.Errorf("%d shards after the restart, %d before", after.shards, before.shards)
	}
	// Idle shards are merge candidates; the dry run shows the merges and
	// why none happens: the cluster stays at the shards it started with.
	n := redis.NewClient(&redis.Options{Addr: d2.nodeAddr(t), Protocol: 2})
	defer n.Close()
	var plan string
	testutil.WaitNil(t, 20*time.Second, func() error {
		plan, _ = n.Do(ctx, "CLUSTER", "AUTOSCALE", "PLAN").Text()
		if !strings.Contains(plan, "waiting merge shard:") || !strings.Contains(plan, "at the minimum of 3 shards") {
			return fmt.Errorf("CLUSTER AUTOSCALE PLAN of an idle vcache dev:\n%s", plan)
		}
		return nil
	})
	took = d2.stop(t)
	t.Logf("the restarted vcache dev stopped %s after SIGINT", took.Round(time.Millisecond))
	if logs := d2.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("errors logged by the restarted vcache dev:\n%s", logs)
	}
}
