package node

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// TestCommandGetKeysAndFlagsMatchesRedis compares COMMAND
// GETKEYSANDFLAGS and COMMAND GETKEYS, replies and errors, with
// redis-server's on command lines of every key-spec shape: one key,
// several, a source and a destination, flags that vary with the
// arguments, containers, scripts without keys, and bad lines.
func TestCommandGetKeysAndFlagsMatchesRedis(t *testing.T) {
	ref := startRedisServer(t)
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	lines := []string{
		"set k1 v1", "set k1 v1 get", "set k1 v1 ex 10 get", "mset k1 v1 k2 v2", "get k", "mget a b c",
		"lmove k1 k2 left right", "blmove a b left right 0", "rpoplpush a b", "smove a b m",
		"sort k1 store k2", "sort k1", "sort_ro k by w", "rename a b", "renamenx a b", "copy a b",
		"zunionstore d 2 a b", "zinterstore d 2 a b weights 1 2", "zrangestore d s 0 -1", "sinterstore d a b",
		"sunionstore d a b", "bitop and d a b", "pfmerge d a b", "pfcount a b", "pfadd a x",
		"georadius k 0 0 1 km store d", "georadius k 0 0 1 km storedist d", "georadiusbymember k m 1 km",
		"geosearchstore d s frommember m byradius 1 km", "geoadd k 0 0 m",
		"bitfield k get u8 0", "bitfield k set u8 0 1", "bitfield k incrby u8 0 1", "bitfield_ro k get u8 0",
		"del a b", "unlink a", "exists a b", "touch a b", "ttl a", "type a", "expire a 10", "persist a",
		"incr a", "append a b", "strlen a", "setnx a b", "getdel a", "getex a", "hset h f v", "hsetnx h f v",
		"hdel h f", "hexists h f", "hlen h", "lpush l a", "lpop l", "ltrim l 0 1", "llen l", "sadd s a",
		"srem s a", "spop s", "scard s", "zadd z 1 a", "zrem z a", "zpopmin z", "zcard z", "zmpop 2 a b min",
		"lmpop 2 a b left", "blpop a b 0", "bzpopmin a b 0", "xadd s * f v", "xread streams a b 0 0",
		"xreadgroup group g c streams a >", "xack s g 1-1", "xdel s 1-1", "xlen s", "xautoclaim s g c 0 0",
		"xgroup create k g $", "xgroup destroy k g", "xinfo stream k", "object encoding k", "memory usage k",
		"eval x 2 a b", "eval x 0", "eval_ro x 1 a", "fcall f 1 a", "fcall_ro f 0", "lcs a b", "dump k",
		"restore k 0 x", "watch a b",
		// errors
		"get", "nope k", "ping x", "get a b", "zunionstore d 0", "zunionstore d 5 a", "zunionstore d abc a", "zunionstore d -1 a",
		"zunion 3 a b", "sintercard 2 a", "zmpop 3 a b min", "eval x 5 a", "xread count 1",
	}
	for _, line := range lines {
		for _, sub := range []string{"getkeysandflags", "getkeys"} {
			args := []any{"command", sub}
			for _, a := range strings.Fields(line) {
				args = append(args, a)
			}
			want, werr := ref.Do(ctx, args...).Result()
			got, gerr := c.Do(ctx, args...).Result()
			if !reflect.DeepEqual(got, want) || replyErr(gerr) != replyErr(werr) {
				t.Errorf("COMMAND %s %s: vcache %v %v, redis %v %v", sub, line, got, gerr, want, werr)
			}
		}
	}
	// No arguments at all is the subcommand's arity error.
	_, err := c.Do(ctx, "command", "getkeysandflags").Result()
	if want := "ERR wrong number of arguments for 'command|getkeysandflags' command"; replyErr(err) != want {
		t.Errorf("COMMAND GETKEYSANDFLAGS: %v, want %q", err, want)
	}
}

// replyErr is err's text, empty for none.
func replyErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
