package node

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// jsonClients returns go-redis clients speaking RESP2 and RESP3.
func jsonClients(t *testing.T, tn *testNode) map[string]*redis.Client {
	out := map[string]*redis.Client{}
	for _, proto := range []int{2, 3} {
		c := redis.NewClient(&redis.Options{Addr: tn.addr, MaxRetries: -1, Protocol: proto, UnstableResp3: true})
		t.Cleanup(func() { c.Close() })
		out[fmt.Sprintf("resp%d", proto)] = c
	}
	return out
}

type jsonProduct struct {
	Name   string   `json:"name"`
	Price  float64  `json:"price"`
	Stock  int      `json:"stock"`
	Colors []string `json:"colors"`
}

// TestJSONGoRedis drives the documents with go-redis v9's JSON methods in
// RESP2 and RESP3: a struct in, the same struct out, and the per-match
// replies of JSONPath.
func TestJSONGoRedis(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	for name, c := range jsonClients(t, tn) {
		t.Run(name, func(t *testing.T) {
			key := "p:" + name
			in := jsonProduct{Name: "earbuds", Price: 64.99, Stock: 17, Colors: []string{"black", "white"}}
			if err := c.JSONSet(ctx, key, "$", in).Err(); err != nil {
				t.Fatal(err)
			}
			got, err := c.JSONGet(ctx, key).Result()
			if err != nil {
				t.Fatal(err)
			}
			var out jsonProduct
			if err := json.Unmarshal([]byte(got), &out); err != nil || !reflect.DeepEqual(in, out) {
				t.Fatalf("JSON.GET = %s (%v), want %+v", got, err, in)
			}
			if n := c.JSONArrAppend(ctx, key, "$.colors", `"blue"`).Val(); !reflect.DeepEqual(n, []int64{3}) {
				t.Fatalf("JSON.ARRAPPEND = %v", n)
			}
			if v := c.JSONNumIncrBy(ctx, key, "$.stock", 3).Val(); v != "[20]" {
				t.Fatalf("JSON.NUMINCRBY = %q", v)
			}
			if v := c.JSONGet(ctx, key, "$.colors[-1]").Val(); v != `["blue"]` {
				t.Fatalf("JSON.GET $.colors[-1] = %q", v)
			}
			if v, err := c.JSONStrLen(ctx, key, "$.name").Result(); err != nil || len(v) != 1 || *v[0] != 7 {
				t.Fatalf("JSON.STRLEN = %v %v", v, err)
			}
			wantType := map[string]string{"resp2": "[number]", "resp3": "[[number]]"}[name]
			if v := c.JSONType(ctx, key, "$.price").Val(); fmt.Sprint(v) != wantType {
				t.Fatalf("JSON.TYPE = %v, want %s", v, wantType)
			}
			if err := c.JSONSetMode(ctx, key, "$.name", `"x"`, "NX").Err(); err != redis.Nil {
				t.Fatalf("JSON.SET NX on an existing path: %v, want redis.Nil", err)
			}
			other := key + ":2"
			c.JSONSet(ctx, other, "$", `{"name":"cable","price":5}`)
			if v := c.JSONMGet(ctx, "$.name", key, other, "missing").Val(); len(v) != 3 || v[2] != nil && v[2] != "" {
				t.Fatalf("JSON.MGET = %#v", v)
			}
			if v := c.Do(ctx, "JSON.GET", key, ".price").Val(); v != "64.99" {
				t.Fatalf("JSON.GET legacy .price = %#v", v)
			}
			if err := c.Do(ctx, "JSON.GET", key, ".nope").Err(); err == nil || err.Error() != "ERR Path does not exist" {
				t.Fatalf("JSON.GET legacy missing path: %v", err)
			}
			if n := c.JSONDel(ctx, key, "$.colors[0]").Val(); n != 1 {
				t.Fatalf("JSON.DEL = %d", n)
			}
			if v := c.JSONGet(ctx, key, "$.colors").Val(); v != `[["white","blue"]]` {
				t.Fatalf("after JSON.DEL: %s", v)
			}
			if v := c.Type(ctx, key).Val(); v != "ReJSON-RL" {
				t.Fatalf("TYPE = %q", v)
			}
			if err := c.HSet(ctx, key, "f", "v").Err(); err == nil || !strings.HasPrefix(err.Error(), "WRONGTYPE") {
				t.Fatalf("HSET on a JSON key: %v", err)
			}
		})
	}
}

// TestJSONResp3Shapes: under RESP3 JSON.NUMINCRBY answers numbers, not a
// JSON text, and JSON.RESP's floats are doubles.
func TestJSONResp3Shapes(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := jsonClients(t, tn)["resp3"]
	c.Do(ctx, "JSON.SET", "d", "$", `{"a":1,"b":1.5,"s":"x"}`)
	v, err := c.Do(ctx, "JSON.NUMINCRBY", "d", "$..*", "2").Result()
	if err != nil || !reflect.DeepEqual(v, []any{int64(3), 3.5, nil}) {
		t.Fatalf("RESP3 JSON.NUMINCRBY = %#v %v", v, err)
	}
	v, err = c.Do(ctx, "JSON.RESP", "d", "$.b").Result()
	if err != nil || !reflect.DeepEqual(v, []any{3.5}) {
		t.Fatalf("RESP3 JSON.RESP = %#v %v", v, err)
	}
}

// TestJSONConcurrentUpdates: concurrent NUMINCRBY and ARRAPPEND on one
// document lose no update.
func TestJSONConcurrentUpdates(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	c.JSONSet(ctx, "ctr", "$", `{"n":0,"log":[]}`)
	const workers, each = 8, 200
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := c.JSONNumIncrBy(ctx, "ctr", "$.n", 1).Err(); err != nil {
					t.Error(err)
					return
				}
				if err := c.JSONArrAppend(ctx, "ctr", "$.log", "1").Err(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if v := c.JSONGet(ctx, "ctr", "$.n").Val(); v != fmt.Sprintf("[%d]", workers*each) {
		t.Fatalf("n = %s, want [%d]", v, workers*each)
	}
	if v := c.JSONArrLen(ctx, "ctr", "$.log").Val(); len(v) != 1 || v[0] != workers*each {
		t.Fatalf("log length = %v", v)
	}
}

// TestJSONSurvivesRestart: SAVE, restart, and the documents (and a TTL)
// are back; COPY and RENAME carry documents; DUMP gives vcache's own
// payload, which RESTORE reads back.
func TestJSONSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }
	tn := startNode(t, withDir)
	c := tn.client(t)
	ctx := context.Background()
	doc := `{"title":"Ünïcode \"quoted\"\n","n":[1,2.5,-3e-7,1e21,null,true,false],"o":{"k":{}},"e":[]}`
	c.JSONSet(ctx, "doc", "$", doc)
	c.JSONSet(ctx, "ttl", "$", `[1]`)
	c.Expire(ctx, "ttl", time.Hour)
	want := c.JSONGet(ctx, "doc").Val()
	if want != `{"title":"Ünïcode \"quoted\"\n","n":[1,2.5,-3e-7,1e21,null,true,false],"o":{"k":{}},"e":[]}` {
		t.Fatalf("JSON.GET = %s", want)
	}
	if ok := c.Copy(ctx, "doc", "copy", 0, false).Val(); ok != 1 {
		t.Fatal("COPY failed")
	}
	c.JSONSet(ctx, "copy", "$.title", `"changed"`)
	if v := c.JSONGet(ctx, "doc", "$.title").Val(); !strings.Contains(v, "Ünïcode") {
		t.Fatalf("COPY shares the tree: the source's title is %s", v)
	}
	if err := c.Rename(ctx, "copy", "renamed").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Restore(ctx, "restored", 0, c.Dump(ctx, "doc").Val()).Err(); err != nil {
		t.Fatalf("RESTORE of a JSON document's DUMP: %v", err)
	}
	if got := c.JSONGet(ctx, "restored").Val(); got != want {
		t.Fatalf("JSON.GET of the restored document = %s", got)
	}
	if n := c.MemoryUsage(ctx, "doc").Val(); n < int64(len(doc)) {
		t.Fatalf("MEMORY USAGE = %d, less than the text's %d bytes", n, len(doc))
	}
	// A large document (kept as a tree, not as text): updates in place,
	// COPY, and the restart below.
	nums := make([]string, 3000)
	for i := range nums {
		nums[i] = fmt.Sprint(i)
	}
	c.JSONSet(ctx, "big", "$", `{"n":0,"arr":[`+strings.Join(nums, ",")+`]}`)
	c.JSONNumIncrBy(ctx, "big", "$.n", 5)
	c.JSONArrAppend(ctx, "big", "$.arr", "3000")
	c.Copy(ctx, "big", "bigcopy", 0, false)
	c.JSONArrPop(ctx, "bigcopy", "$.arr", -1)
	if v := c.JSONArrLen(ctx, "big", "$.arr").Val(); !reflect.DeepEqual(v, []int64{3001}) {
		t.Fatalf("big document's array after COPY and a pop of the copy: %v", v)
	}
	bigWant := c.JSONGet(ctx, "big").Val()
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()

	tn2 := startNode(t, withDir)
	c2 := tn2.client(t)
	if got := c2.JSONGet(ctx, "big").Val(); got != bigWant || !strings.HasPrefix(got, `{"n":5,"arr":[0,1,2`) {
		t.Fatalf("big document after restart: %.60s...", got)
	}
	if got := c2.JSONGet(ctx, "doc").Val(); got != want {
		t.Fatalf("after restart JSON.GET = %s, want %s", got, want)
	}
	if got := c2.JSONGet(ctx, "renamed", "$.title").Val(); got != `["changed"]` {
		t.Fatalf("after restart the renamed copy's title = %s", got)
	}
	if typ := c2.Type(ctx, "doc").Val(); typ != "ReJSON-RL" {
		t.Fatalf("TYPE after restart = %q", typ)
	}
	if ttl := c2.TTL(ctx, "ttl").Val(); ttl < 59*time.Minute {
		t.Fatalf("TTL of a document after restart = %v", ttl)
	}
}

// TestRedisPyJSON runs redis-py's r.json() client (Debian's python3-redis
// 4.3.4): every JSON call, each reply checked by the script, and an
// IndexType.JSON search index over the documents.
func TestRedisPyJSON(t *testing.T) {
	if out := runRedisPy(t, "redis", "redispy_json.py"); out != "ok 42" {
		t.Fatalf("redis-py printed:\n%s", out)
	}
}

// TestJSONReachesTheReplica: JSON writes replicate by their arguments, so
// the primary and its replica hold the same document, and a JSONPath
// update (NUMINCRBY over a filter) lands the same on both.
func TestJSONReachesTheReplica(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}})
	t.Cleanup(func() { cc.Close() })
	steps := [][]any{
		{"JSON.SET", "{j}doc", "$", `{"items":[{"p":5},{"p":15},{"p":7}],"tags":["a"]}`},
		{"JSON.NUMINCRBY", "{j}doc", "$.items[?(@.p<10)].p", "100"},
		{"JSON.ARRAPPEND", "{j}doc", "$.tags", `"b"`},
		{"JSON.DEL", "{j}doc", "$.items[1]"},
		{"JSON.MSET", "{j}doc", "$.new", "true", "{j}two", "$", "[2]"},
		{"JSON.MERGE", "{j}doc", "$", `{"tags":null,"m":{"x":1}}`},
	}
	for _, s := range steps {
		if err := cc.Do(ctx, s...).Err(); err != nil {
			t.Fatalf("%v: %v", s, err)
		}
	}
	const want = `"{\"items\":[{\"p\":105},{\"p\":107}],\"new\":true,\"m\":{\"x\":1}}"`
	for _, tn := range nodes {
		if got := tn.raw(t).do("WAIT", "1", "5000"); got != "(integer) 1" {
			t.Fatalf("WAIT 1 on %s: %s", tn.addr, got)
		}
	}
	holders := 0
	for _, tn := range nodes {
		rc := tn.raw(t)
		rc.do("READONLY")
		got := rc.do("JSON.GET", "{j}doc")
		if strings.HasPrefix(got, "(error) MOVED") {
			continue
		}
		holders++
		if got != want {
			t.Fatalf("node %s: JSON.GET = %s, want %s", tn.addr, got, want)
		}
		if got := rc.do("JSON.GET", "{j}two"); got != `"[2]"` {
			t.Fatalf("node %s: {j}two = %s", tn.addr, got)
		}
	}
	if holders != 2 {
		t.Fatalf("%d nodes hold the document, want the primary and its replica", holders)
	}
}

// TestJSONNumIncrByLegacyResp3: a RESP3 client gets an array of numbers
// from NUMINCRBY even with a legacy path, as from RedisJSON.
func TestJSONNumIncrByLegacyResp3(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := jsonClients(t, tn)["resp3"]
	c.Do(ctx, "JSON.SET", "d", "$", `{"a":1}`)
	if v, err := c.Do(ctx, "JSON.NUMINCRBY", "d", ".a", "1.5").Result(); err != nil || !reflect.DeepEqual(v, []any{2.5}) {
		t.Fatalf("RESP3 JSON.NUMINCRBY .a = %#v %v", v, err)
	}
	c2 := jsonClients(t, tn)["resp2"]
	if v, err := c2.Do(ctx, "JSON.NUMINCRBY", "d", ".a", "1").Result(); err != nil || v != "3.5" {
		t.Fatalf("RESP2 JSON.NUMINCRBY .a = %#v %v", v, err)
	}
}

// TestJSONScanType: SCAN's TYPE finds documents by RedisJSON's type name,
// in any case, as Redis matches module types.
func TestJSONScanType(t *testing.T) {
	tn := startNode(t, nil)
	rc := tn.raw(t)
	rc.do("JSON.SET", "j", "$", "1")
	rc.do("SET", "s", "x")
	for _, typ := range []string{"ReJSON-RL", "rejson-rl"} {
		if got := rc.do("SCAN", "0", "TYPE", typ, "COUNT", "100000"); got != "1) \"0\"\n2) 1) \"j\"" {
			t.Fatalf("SCAN TYPE %s = %s", typ, got)
		}
	}
}
