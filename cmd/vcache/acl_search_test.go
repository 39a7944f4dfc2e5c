package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestProxySearchACL: through `vcache proxy --aclfile` in front of two
// real nodes, a user limited to app:* can neither read other:'s documents
// through any index nor create, change or drop an index over them; every
// FT.* command on app:'s own index works. The denials are RediSearch's
// NOPERM, in the proxy's ACL LOG, and leave other:'s keys and indexes as
// they were.
func TestProxySearchACL(t *testing.T) {
	backends := startNode(t) + "," + startNode(t)
	path := filepath.Join(t.TempDir(), "users.acl")
	users := "user app on >pw ~app:* +@read +@write -@dangerous +@transaction\n" +
		"user ro on >pw %R~other:* ~app:* +@read +@write -@dangerous\n"
	if err := os.WriteFile(path, []byte(users), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, cancel, done := startCmd(t, "proxy", "--port", "0", "--backend", backends, "--aclfile", path, "--loglevel", "error")
	defer func() { cancel(); <-done }()
	ctx := context.Background()
	admin := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2})
	defer admin.Close()
	for i := range 8 {
		if err := admin.HSet(ctx, fmt.Sprintf("other:%d", i), "title", fmt.Sprintf("SECRET %d", i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]any{
		{"HSET", "app:1", "title", "hello"},
		{"SET", "other:str", "SECRET string"},
		{"VADD", "other:vs", "VALUES", "2", "1", "0", "secretelem"},
		{"FT.CREATE", "oidx", "ON", "HASH", "PREFIX", "1", "other:", "SCHEMA", "title", "TEXT"},
		{"FT.CREATE", "allidx", "ON", "HASH", "SCHEMA", "title", "TEXT"},
		{"FT.CREATE", "aidx", "ON", "HASH", "PREFIX", "1", "app:", "SCHEMA", "title", "TEXT"},
		{"FT.ALIASADD", "oalias", "oidx"},
	} {
		if err := admin.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	fingerprint := func() string {
		var b strings.Builder
		for i := range 8 {
			fmt.Fprintln(&b, admin.HGetAll(ctx, fmt.Sprintf("other:%d", i)).Val())
		}
		fmt.Fprintln(&b, admin.Get(ctx, "other:str").Val(), admin.Do(ctx, "VCARD", "other:vs").Val())
		list := admin.Do(ctx, "FT._LIST").Val()
		fmt.Fprintln(&b, list)
		for _, idx := range []string{"oidx", "allidx"} {
			info, _ := admin.Do(ctx, "FT.INFO", idx).Slice()
			fmt.Fprintln(&b, info)
		}
		return b.String()
	}
	before := fingerprint()
	if !strings.Contains(before, "SECRET 7") || !strings.Contains(before, "num_docs 8") {
		t.Fatalf("the setup is not what the test needs:\n%s", before)
	}

	const noperm = "NOPERM User does not have the required permissions to query the index"
	as := func(user string) *redis.Conn {
		c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, Username: user, Password: "pw", MaxRetries: -1})
		t.Cleanup(func() { c.Close() })
		return c.Conn()
	}
	app, ro := as("app"), as("ro")
	defer app.Close()
	defer ro.Close()
	for _, c := range []struct {
		who  *redis.Conn
		args []any
		want string // an error's text, or a part of the reply
	}{
		{app, []any{"FT.SEARCH", "oidx", "*"}, noperm},
		{app, []any{"FT.SEARCH", "oidx", "*", "NOCONTENT"}, noperm},
		{app, []any{"FT.SEARCH", "oidx", "*", "FORMAT", "EXPAND"}, noperm},
		{app, []any{"FT.AGGREGATE", "oidx", "*", "FORMAT", "EXPAND"}, noperm},
		{app, []any{"FT.SEARCH", "aidx", "*", "FORMAT", "EXPAND"}, "EXPAND format is only supported with RESP3"},
		{app, []any{"FT.SEARCH", "oidx", "@title:secret", "LIMIT", "0", "100"}, noperm},
		{app, []any{"FT.SEARCH", "allidx", "*"}, noperm},
		{app, []any{"FT.HYBRID", "oidx", "SEARCH", "secret", "VSIM", "@title", "$v", "PARAMS", "2", "v", "12345678"}, noperm},
		{app, []any{"FT.HYBRID", "oalias", "SEARCH", "*", "VSIM", "@title", "$v", "LOAD", "1", "title", "PARAMS", "2", "v", "12345678"}, noperm},
		{app, []any{"FT.HYBRID", "allidx", "SEARCH", "*", "VSIM", "@title", "$v", "PARAMS", "2", "v", "12345678"}, noperm},
		{app, []any{"FT.INFO", "oidx"}, noperm},
		{app, []any{"FT.INFO", "allidx"}, noperm},
		{app, []any{"FT.CREATE", "stolen", "ON", "HASH", "PREFIX", "1", "other:", "SCHEMA", "title", "TEXT"}, noperm},
		{app, []any{"FT.CREATE", "stolen", "ON", "HASH", "PREFIX", "2", "app:", "other:", "SCHEMA", "title", "TEXT"}, noperm},
		{app, []any{"FT.CREATE", "stolen", "ON", "HASH", "SCHEMA", "title", "TEXT"}, noperm},
		{app, []any{"FT.CREATE", "stolen", "ON", "HASH", "PREFIX", "1", "app", "SCHEMA", "title", "TEXT"}, noperm},
		{app, []any{"FT.CREATE", "stolen", "ON", "HASH", "PREFIX", "x", "SCHEMA", "title", "TEXT"}, noperm}, // unreadable: every key
		{app, []any{"FT.ALTER", "oidx", "SCHEMA", "ADD", "n", "NUMERIC"}, noperm},
		{app, []any{"FT.DROPINDEX", "oidx", "DD"}, noperm},
		{app, []any{"FT.DROPINDEX", "oidx"}, noperm},
		{app, []any{"FT.DROPINDEX", "allidx", "DD"}, noperm},
		{app, []any{"FT.DROPINDEX", "nosuch"}, "Unknown Index name"},
		{app, []any{"FT.SEARCH", "nosuch", "*"}, "nosuch: no such index"},
		{app, []any{"GET", "other:str"}, "NOPERM No permissions to access a key"},
		{app, []any{"VSIM", "other:vs", "ELE", "secretelem"}, "NOPERM No permissions to access a key"},
		{app, []any{"VEMB", "other:vs", "secretelem"}, "NOPERM No permissions to access a key"},
		{app, []any{"FT.SEARCH", "aidx", "*"}, "app:1 [title hello]"},
		{app, []any{"FT.INFO", "aidx"}, "prefixes [app:]"},
		{app, []any{"FT._LIST"}, "oidx"},
		{app, []any{"FT.CREATE", "mine", "ON", "HASH", "PREFIX", "1", "app:docs:", "SCHEMA", "title", "TEXT"}, "OK"},
		{app, []any{"FT.ALTER", "mine", "SCHEMA", "ADD", "n", "NUMERIC"}, "OK"},
		{app, []any{"FT.DROPINDEX", "mine", "DD"}, "OK"},
		// the commands whose spec names the index at another argument, or
		// an alias whose index they change too
		{app, []any{"FT.TAGVALS", "oidx", "title"}, noperm},
		{app, []any{"FT.SPELLCHECK", "oidx", "secret"}, noperm},
		{app, []any{"FT.SYNDUMP", "oalias"}, noperm},
		{app, []any{"FT.ALIASADD", "stolen", "oidx"}, noperm},
		{app, []any{"FT.ALIASADD", "stolen", "nosuch"}, "Unknown index name (or name is an alias itself)"},
		{app, []any{"FT.TAGVALS", "nosuch", "t"}, "Unknown Index name"},
		{app, []any{"FT.SYNDUMP", "nosuch"}, "Unknown index name"},
		{app, []any{"FT.INFO", "nosuch"}, "Unknown index name"},
		{app, []any{"FT.ALIASUPDATE", "oalias", "aidx"}, noperm},
		{app, []any{"FT.ALIASDEL", "oalias"}, noperm},
		{app, []any{"FT.ALIASADD", "mine", "aidx"}, "OK"},
		{app, []any{"FT.ALIASUPDATE", "mine", "oidx"}, noperm},
		{app, []any{"FT.ALIASUPDATE", "mine2", "aidx"}, "OK"},
		{app, []any{"FT.ALIASDEL", "mine"}, "OK"},
		{app, []any{"FT.ALIASDEL", "mine2"}, "OK"},
		{ro, []any{"FT.SYNDUMP", "oalias"}, "[]"},
		{ro, []any{"FT.ALIASDEL", "oalias"}, noperm},
		{ro, []any{"FT.DROP", "oidx"}, noperm},
		{ro, []any{"FT.SEARCH", "oidx", "*", "NOCONTENT"}, "[8 "},
		{ro, []any{"FT.SEARCH", "allidx", "*"}, noperm},
		{ro, []any{"FT.ALTER", "oidx", "SCHEMA", "ADD", "n", "NUMERIC"}, noperm},
		{ro, []any{"FT.DROPINDEX", "oidx", "DD"}, noperm},
	} {
		res, err := c.who.Do(ctx, c.args...).Result()
		got := fmt.Sprint(res)
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%v: got %q, want %q", c.args, got, c.want)
		}
		if c.who == app && strings.Contains(strings.ToLower(got), "secret") {
			t.Errorf("%v as app: the reply holds other:'s data: %s", c.args, got)
		}
	}
	// Queued in MULTI, checked when queued.
	if err := app.Do(ctx, "MULTI").Err(); err != nil {
		t.Fatal(err)
	}
	if err := app.Do(ctx, "FT.SEARCH", "oidx", "*").Err(); err == nil || err.Error() != noperm {
		t.Errorf("FT.SEARCH oidx in MULTI: %v", err)
	}
	if err := app.Do(ctx, "EXEC").Err(); err == nil || !strings.HasPrefix(err.Error(), "EXECABORT") {
		t.Errorf("EXEC: %v", err)
	}
	if after := fingerprint(); after != before {
		t.Errorf("other:'s keys or indexes changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	log, err := admin.Do(ctx, "ACL", "LOG").Slice()
	if err != nil {
		t.Fatal(err)
	}
	var objects []string
	for _, e := range log {
		fields, _ := e.([]any)
		for i := 0; i+1 < len(fields); i += 2 {
			if fields[i] == "object" {
				objects = append(objects, fmt.Sprint(fields[i+1]))
			}
		}
	}
	for _, want := range []string{"other:", "", "other:str", "other:vs"} {
		if !slices.Contains(objects, want) {
			t.Errorf("the proxy's ACL LOG has no entry for %q: %q", want, objects)
		}
	}
	// Without DD, reading the prefixes is enough, as in RediSearch.
	if err := ro.Do(ctx, "FT.DROPINDEX", "oidx").Err(); err != nil {
		t.Errorf("FT.DROPINDEX oidx as ro: %v", err)
	}
	if n := admin.Exists(ctx, "other:0", "other:7").Val(); n != 2 {
		t.Errorf("other:'s documents after FT.DROPINDEX without DD: %d of 2", n)
	}
}
