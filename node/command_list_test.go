package node

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestCommandListFiltersMatchRedis compares COMMAND LIST and its
// FILTERBY forms with redis-server's: the same errors, subcommands named
// "parent|sub", every one of them one Redis has too, and the same
// answers to the filters both servers' tables agree on.
func TestCommandListFiltersMatchRedis(t *testing.T) {
	ref := startRedisServer(t)
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	list := func(cl *redis.Client, args ...any) ([]string, string) {
		names, err := cl.Do(ctx, append([]any{"command", "list"}, args...)...).StringSlice()
		return names, replyErr(err)
	}
	for _, args := range [][]any{
		{"bad_arg"}, {"filterby", "bad_arg"}, {"filterby", "bad_arg", "bad_arg2"}, {"filterby", "pattern"},
		{"filterby", "pattern", "set"}, {"filterby", "pattern", "GET"}, {"filterby", "pattern", "non_exists*"},
		{"filterby", "aclcat", "non_existing_category"}, {"filterby", "module", "non_existing_module"},
	} {
		got, gerr := list(c, args...)
		want, werr := list(ref, args...)
		if !reflect.DeepEqual(got, want) || gerr != werr {
			t.Errorf("COMMAND LIST %v: vcache %q %q, redis %q %q", args, got, gerr, want, werr)
		}
	}
	all, _ := list(c)
	refAll, _ := list(ref)
	laterRedis := map[string]bool{"client|no-touch": true} // Redis 7.2's
	for _, name := range all {
		if strings.Contains(name, "|") && !slices.Contains(refAll, name) && !laterRedis[name] {
			t.Errorf("COMMAND LIST names %q, which Redis does not have", name)
		}
	}
	for _, want := range []string{"set", "client|list", "config|get", "object|encoding"} {
		if !slices.Contains(all, want) {
			t.Errorf("COMMAND LIST lacks %q", want)
		}
	}
	for _, f := range []struct {
		pattern      string
		want, absent []string
	}{
		{"config|*re*", []string{"config|resetstat", "config|rewrite"}, []string{"config", "config|get"}},
		{"cl*help", []string{"client|help", "cluster|help"}, []string{"client", "client|list"}},
		{"config*", []string{"config", "config|get", "config|set"}, []string{"client|list"}},
	} {
		got, err := list(c, "filterby", "pattern", f.pattern)
		for _, w := range f.want {
			if !slices.Contains(got, w) {
				t.Errorf("COMMAND LIST FILTERBY PATTERN %s = %q %q, lacks %q", f.pattern, got, err, w)
			}
		}
		for _, a := range f.absent {
			if slices.Contains(got, a) {
				t.Errorf("COMMAND LIST FILTERBY PATTERN %s = %q, has %q", f.pattern, got, a)
			}
		}
	}
	scripting, _ := list(c, "filterby", "aclcat", "scripting")
	if !slices.Contains(scripting, "eval") || !slices.Contains(scripting, "script|kill") || slices.Contains(scripting, "set") {
		t.Errorf("COMMAND LIST FILTERBY ACLCAT scripting = %q: want eval and script|kill, not set", scripting)
	}
}

// TestCommandInfoKeyRangesMatchRedis compares, for every command both
// servers have, COMMAND INFO's first key, last key, step and
// movablekeys flag with redis-server's: what cluster clients route by.
func TestCommandInfoKeyRangesMatchRedis(t *testing.T) {
	ref := startRedisServer(t)
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	type keys struct {
		first, last, step int64
		movable           bool
	}
	table := func(cl *redis.Client) map[string]keys {
		v, err := cl.Do(ctx, "command").Slice()
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]keys{}
		for _, e := range v {
			info := e.([]any)
			flags := info[2].([]any)
			m[info[0].(string)] = keys{info[3].(int64), info[4].(int64), info[5].(int64), slices.Contains(flags, any("movablekeys"))}
		}
		return m
	}
	got, want := table(c), table(ref)
	both := 0
	for name, g := range got {
		w, ok := want[name]
		if !ok {
			continue
		}
		both++
		if g != w {
			t.Errorf("COMMAND INFO %s: vcache keys %+v, redis %+v", name, g, w)
		}
	}
	if both < 150 {
		t.Errorf("only %d commands in both tables", both)
	}
	for _, name := range []string{"sort_ro", "zunionstore", "georadius", "xread", "eval"} {
		if !got[name].movable {
			t.Errorf("COMMAND INFO %s is not movablekeys", name)
		}
	}
}

// TestCommandHelpMatchesRedis compares COMMAND HELP, and the errors of
// COMMAND's subcommands given the wrong arguments, with redis-server's.
func TestCommandHelpMatchesRedis(t *testing.T) {
	ref := startRedisServer(t)
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	for _, args := range [][]any{{"help"}, {"HELP", "x"}, {"count", "x"}, {"nope"}, {"getkeys"}} {
		line := append([]any{"command"}, args...)
		want, werr := ref.Do(ctx, line...).Result()
		got, gerr := c.Do(ctx, line...).Result()
		if !reflect.DeepEqual(got, want) || replyErr(gerr) != replyErr(werr) {
			t.Errorf("COMMAND %v: vcache %q %v, redis %q %v", args, got, gerr, want, werr)
		}
	}
}
