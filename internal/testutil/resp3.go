package testutil

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// RESP3Golden replays file on a fresh connection to addr (after FLUSHALL):
// a line "> CMD arg ..." sends a command (double quotes group words) and
// the next line is its exact reply as a Go string, where <int> stands for
// any integer and <any> for any text. Other lines are comments.
func RESP3Golden(t *testing.T, addr, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c := Dial(t, addr)
	c.Do3("FLUSHALL")
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "> ") {
			continue
		}
		if i+1 >= len(lines) {
			t.Fatalf("%s:%d: a command without its reply", file, i+1)
		}
		want, err := strconv.Unquote(lines[i+1])
		if err != nil {
			t.Fatalf("%s:%d: reply is not a Go string: %v", file, i+2, err)
		}
		if got := c.Do3(splitQuoted(l[2:])...); !GoldenMatch(want, got) {
			t.Errorf("%s:%d: > %s\n got: %q\nwant: %q", file, i+1, l[2:], got, want)
		}
		i++
	}
}

// splitQuoted splits a command line at spaces; double quotes group words.
func splitQuoted(s string) []string {
	var args []string
	for s = strings.TrimLeft(s, " "); s != ""; s = strings.TrimLeft(s, " ") {
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"') + 1
			if end == 0 {
				end = len(s)
			}
			args = append(args, s[1:end])
			s = s[min(end+1, len(s)):]
			continue
		}
		word, rest, _ := strings.Cut(s, " ")
		args = append(args, word)
		s = rest
	}
	return args
}

// GoldenMatch reports whether got is want, where <int> in want matches
// any integer and <any> any text.
func GoldenMatch(want, got string) bool {
	var re strings.Builder
	re.WriteString("(?s)^")
	last := 0
	for _, m := range placeholder.FindAllStringIndex(want, -1) {
		re.WriteString(regexp.QuoteMeta(want[last:m[0]]))
		if want[m[0]:m[1]] == "<int>" {
			re.WriteString(`-?[0-9]+`)
		} else {
			re.WriteString(`.*?`)
		}
		last = m[1]
	}
	re.WriteString(regexp.QuoteMeta(want[last:]) + "$")
	return regexp.MustCompile(re.String()).MatchString(got)
}

var placeholder = regexp.MustCompile(`<int>|<any>`)

// CheckGoRedis checks, through go-redis speaking proto (2 or 3) to addr,
// what a user of either protocol sees: HELLO's reply, GET of a missing
// key, HGETALL (a map exactly in RESP3), CONFIG GET, HRANDFIELD
// WITHVALUES, CLIENT INFO's resp field and INFO. Keys start with prefix.
func CheckGoRedis(t *testing.T, addr string, proto int, prefix string) {
	t.Helper()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, MaxRetries: -1})
	defer c.Close()
	hello, err := c.Do(ctx, "HELLO", proto).Result()
	if err != nil {
		t.Fatalf("HELLO %d: %v", proto, err)
	}
	if proto == 3 {
		m, ok := hello.(map[any]any)
		if !ok || m["proto"] != int64(3) || m["server"] != "redis" {
			t.Errorf("HELLO 3 = %#v, want a map with proto 3", hello)
		}
	} else if a, ok := hello.([]any); !ok || len(a) != 14 || a[5] != int64(2) {
		t.Errorf("HELLO 2 = %#v, want 14 elements with proto 2", hello)
	}
	key := prefix + strconv.Itoa(proto)
	if err := c.Get(ctx, key+"nokey").Err(); err != redis.Nil {
		t.Errorf("GET of a missing key: err %v, want redis.Nil", err)
	}
	if raw, err := c.Do(ctx, "GET", key+"nokey").Result(); err != redis.Nil || raw != nil {
		t.Errorf("Do GET of a missing key = %#v, %v; want nil, redis.Nil", raw, err)
	}
	c.HSet(ctx, key, "a", "1", "b", "2")
	if m, err := c.HGetAll(ctx, key).Result(); err != nil || len(m) != 2 || m["a"] != "1" || m["b"] != "2" {
		t.Errorf("HGETALL = %v, %v; want a:1 b:2", m, err)
	}
	raw, err := c.Do(ctx, "HGETALL", key).Result()
	if _, isMap := raw.(map[any]any); err != nil || isMap != (proto == 3) {
		t.Errorf("HGETALL raw = %#v, %v; a map exactly in RESP3", raw, err)
	}
	if m, err := c.ConfigGet(ctx, "timeout").Result(); err != nil || len(m) != 1 || m["timeout"] == "" {
		t.Errorf("CONFIG GET timeout = %v, %v", m, err)
	}
	c.HSet(ctx, key+"one", "f", "v")
	if kv, err := c.HRandFieldWithValues(ctx, key+"one", -2).Result(); err != nil || len(kv) != 2 || kv[0].Key != "f" || kv[1].Value != "v" {
		t.Errorf("HRANDFIELD -2 WITHVALUES = %v, %v; want f:v twice", kv, err)
	}
	if info, err := c.ClientInfo(ctx).Result(); err != nil || info.Resp != proto {
		t.Errorf("CLIENT INFO = %+v, %v; want resp=%d", info, err, proto)
	}
	if s, err := c.Info(ctx, "server").Result(); err != nil || !strings.Contains(s, "redis_version:") {
		t.Errorf("INFO server = %q, %v", s, err)
	}
}

// CheckRueidis checks SET, GET (of a key and of a missing one) and HGETALL
// through rueidis, a client that speaks RESP3 only (it opens with HELLO 3
// and gives up without it). Keys start with prefix.
func CheckRueidis(t *testing.T, addr, prefix string) {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, ForceSingleClient: true, DisableCache: true})
	if err != nil {
		t.Fatalf("rueidis: %v", err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Do(ctx, c.B().Set().Key(prefix+"k").Value("v").Build()).Error(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	if v, err := c.Do(ctx, c.B().Get().Key(prefix+"k").Build()).ToString(); err != nil || v != "v" {
		t.Errorf("GET = %q, %v; want v", v, err)
	}
	if err := c.Do(ctx, c.B().Get().Key(prefix+"nokey").Build()).Error(); !rueidis.IsRedisNil(err) {
		t.Errorf("GET of a missing key: err %v, want nil", err)
	}
	c.Do(ctx, c.B().Hset().Key(prefix+"h").FieldValue().FieldValue("a", "1").FieldValue("b", "2").Build())
	m, err := c.Do(ctx, c.B().Hgetall().Key(prefix+"h").Build()).AsStrMap()
	if err != nil || len(m) != 2 || m["a"] != "1" || m["b"] != "2" {
		t.Errorf("HGETALL = %v, %v; want a:1 b:2", m, err)
	}
	if msg, err := c.Do(ctx, c.B().Hgetall().Key(prefix+"h").Build()).ToMessage(); err != nil || !msg.IsMap() {
		t.Errorf("HGETALL = %v, %v; want a RESP3 map", msg, err)
	}
}
