package testutil

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// CheckRESP3Maps checks, over addr (a node or a proxy), the RESP3 replies
// whose maps nest: XREAD and XINFO read with rueidis (RESP3 only), VSIM
// WITHSCORES/WITHATTRIBS, FT.INFO and FT.SPELLCHECK with go-redis
// speaking RESP3. Keys and the index are named from prefix.
func CheckRESP3Maps(t *testing.T, addr, prefix string) {
	t.Helper()
	ctx := context.Background()
	ru, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, ForceSingleClient: true, DisableCache: true})
	if err != nil {
		t.Fatalf("rueidis: %v", err)
	}
	defer ru.Close()
	s := "{" + prefix + "}s"
	for _, id := range []string{"1-1", "1-2"} {
		if err := ru.Do(ctx, ru.B().Xadd().Key(s).Id(id).FieldValue().FieldValue("f", id).Build()).Error(); err != nil {
			t.Fatalf("XADD: %v", err)
		}
	}
	ru.Do(ctx, ru.B().XgroupCreate().Key(s).Group("g").Id("0").Build())
	xr, err := ru.Do(ctx, ru.B().Xread().Streams().Key(s).Id("0").Build()).AsXRead()
	if err != nil || len(xr[s]) != 2 || xr[s][1].ID != "1-2" {
		t.Errorf("XREAD = %v, %v; want %s's two entries", xr, err, s)
	}
	if msg, err := ru.Do(ctx, ru.B().Xreadgroup().Group("g", "c").Streams().Key(s).Id(">").Build()).ToMessage(); err != nil || !msg.IsMap() {
		t.Errorf("XREADGROUP = %v, %v; want a map keyed by stream", msg, err)
	}
	if msg, err := ru.Do(ctx, ru.B().XinfoStream().Key(s).Build()).ToMessage(); err != nil || !msg.IsMap() {
		t.Errorf("XINFO STREAM = %v, %v; want a map", msg, err)
	}
	gs, err := ru.Do(ctx, ru.B().XinfoGroups().Key(s).Build()).ToArray()
	if err != nil || len(gs) != 1 || !gs[0].IsMap() {
		t.Errorf("XINFO GROUPS = %v, %v; want one map", gs, err)
	} else if m, _ := gs[0].AsMap(); len(m) != 6 {
		t.Errorf("XINFO GROUPS' group = %v; want its 6 fields", m)
	} else if p := m["pending"]; p.IsInt64() == false {
		t.Errorf("XINFO GROUPS' pending = %v; want an integer", m["pending"])
	}

	c3 := redis.NewClient(&redis.Options{Addr: addr, Protocol: 3, UnstableResp3: true, MaxRetries: -1})
	defer c3.Close()
	vs := prefix + "vs"
	c3.Do(ctx, "VADD", vs, "VALUES", "2", "1", "0", "a", "SETATTR", `{"x":1}`)
	c3.Do(ctx, "VADD", vs, "VALUES", "2", "0", "1", "b")
	for _, c := range []struct {
		opts []any
		want string
	}{
		{[]any{"WITHSCORES"}, "map[a:1 b:0.5]"},
		{[]any{"WITHATTRIBS"}, `map[a:{"x":1} b:<nil>]`},
		{[]any{"WITHSCORES", "WITHATTRIBS"}, `map[a:[1 {"x":1}] b:[0.5 <nil>]]`},
	} {
		v, err := c3.Do(ctx, append([]any{"VSIM", vs, "VALUES", "2", "1", "0"}, c.opts...)...).Result()
		if m, ok := v.(map[any]any); err != nil || !ok || fmt.Sprint(m) != c.want {
			t.Errorf("VSIM %v = %#v, %v; want the map %s", c.opts, v, err, c.want)
		}
	}

	idx := prefix + "idx"
	if err := c3.Do(ctx, "FT.CREATE", idx, "ON", "HASH", "PREFIX", "1", prefix+"d:", "SCHEMA", "t", "TEXT").Err(); err != nil {
		t.Fatal(err)
	}
	c3.HSet(ctx, prefix+"d:1", "t", "hello world")
	v, err := c3.Do(ctx, "FT.INFO", idx).Result()
	m, ok := v.(map[any]any)
	if def, _ := m["index_definition"].(map[any]any); err != nil || !ok || m["index_name"] != idx || def["key_type"] != "HASH" {
		t.Errorf("FT.INFO = %#v, %v; want a map with index_definition a map", v, err)
	}
	v, err = c3.Do(ctx, "FT.SPELLCHECK", idx, "helo").Result()
	if m, ok := v.(map[any]any); err != nil || !ok || fmt.Sprint(m["results"]) != "map[helo:[map[hello:1]]]" {
		t.Errorf("FT.SPELLCHECK = %#v, %v; want {results: {helo: [{hello: 1}]}}", v, err)
	}
}
