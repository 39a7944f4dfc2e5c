package node

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestSPopAndSRandMemberAreUniform pops one member of a fresh 10-member
// set 3000 times (and draws 3000 with SRANDMEMBER -3000): each member
// comes out 300 times give or take 100 (six standard deviations), for a
// hash set and an intset alike; counted draws are distinct members.
func TestSPopAndSRandMemberAreUniform(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	const trials, size = 3000, 10
	for _, prefix := range []string{"m", ""} { // "m0".. a hash set; "0".. an intset
		var members []any
		for i := range size {
			members = append(members, prefix+strconv.Itoa(i))
		}
		popped := map[string]int{}
		cmds, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for range trials {
				p.SAdd(ctx, "s", members...)
				p.SPop(ctx, "s")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, cmd := range cmds {
			if sc, ok := cmd.(*redis.StringCmd); ok {
				popped[sc.Val()]++
			}
		}
		c.SAdd(ctx, "s", members...)
		drawn, err := c.SRandMemberN(ctx, "s", -trials).Result()
		if err != nil || len(drawn) != trials {
			t.Fatalf("SRANDMEMBER s -%d: %d members, %v", trials, len(drawn), err)
		}
		rand := map[string]int{}
		for _, m := range drawn {
			rand[m]++
		}
		for _, m := range members {
			for what, counts := range map[string]map[string]int{"SPOP": popped, "SRANDMEMBER": rand} {
				if n := counts[m.(string)]; n < 200 || n > 400 {
					t.Errorf("%s returned %q %d times in %d, want 200..400", what, m, n, trials)
				}
			}
		}
		distinct, err := c.SRandMemberN(ctx, "s", 5).Result()
		if err != nil || len(distinct) != 5 || len(uniq(distinct)) != 5 {
			t.Fatalf("SRANDMEMBER s 5 = %v, %v: want 5 distinct members", distinct, err)
		}
		got, err := c.SPopN(ctx, "s", 4).Result()
		if err != nil || len(uniq(got)) != 4 {
			t.Fatalf("SPOP s 4 = %v, %v: want 4 distinct members", got, err)
		}
		for _, m := range got {
			if c.SIsMember(ctx, "s", m).Val() {
				t.Fatalf("SPOP returned %q but it is still a member", m)
			}
		}
		if n := c.SCard(ctx, "s").Val(); n != size-4 {
			t.Fatalf("SCARD after popping 4 of %d: %d", size, n)
		}
		c.Del(ctx, "s")
	}
}

func uniq(ms []string) []string {
	s := slices.Clone(ms)
	slices.Sort(s)
	return slices.Compact(s)
}

// TestSScanCoversTheSetUnderConcurrentSAdd scans a 5000-member set with
// COUNT 20 while another client adds 20000 members and the scanning
// client adds a batch between its calls: every member there from the
// start is returned.
func TestSScanCoversTheSetUnderConcurrentSAdd(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	var first []any
	for i := range 5000 {
		first = append(first, "first:"+strconv.Itoa(i))
	}
	if err := c.SAdd(ctx, "s", first...).Err(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		w := tn.client(t)
		for i := range 200 {
			var batch []any
			for j := range 100 {
				batch = append(batch, fmt.Sprintf("w:%d:%d", i, j))
			}
			if err := w.SAdd(ctx, "s", batch...).Err(); err != nil {
				errs <- err
				return
			}
		}
	}()
	seen := map[string]bool{}
	var cursor uint64
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; ; i++ {
		ms, next, err := c.SScan(ctx, "s", cursor, "", 20).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			seen[m] = true
		}
		c.SAdd(ctx, "s", "mine:"+strconv.Itoa(i), "mine2:"+strconv.Itoa(i))
		if cursor = next; cursor == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("SSCAN did not end after %d calls", i)
		}
	}
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	for _, m := range first {
		if !seen[m.(string)] {
			t.Fatalf("%s was in the set for the whole scan but SSCAN never returned it", m)
		}
	}
	if n := c.SCard(ctx, "s").Val(); n < 5000+20000 {
		t.Fatalf("SCARD %d after the writer's 20000 adds", n)
	}
}

// TestSetsSurviveRestart saves an intset, a hash set and a set with a TTL,
// restarts the node from the snapshot and finds the same members,
// encodings and TTL.
func TestSetsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client(t)
	ctx := context.Background()
	var big []any
	for i := range 1000 {
		big = append(big, "m"+strconv.Itoa(i))
	}
	c.SAdd(ctx, "ints", 5, -3, 9223372036854775807, 0)
	c.SAdd(ctx, "big", big...)
	c.SAdd(ctx, "ttl", "a", "b", "")
	c.Expire(ctx, "ttl", time.Hour)
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, k := range []string{"ints", "big", "ttl"} {
		want[k] = uniq(c.SMembers(ctx, k).Val())
	}
	tn.stop()

	c2 := startNode(t, func(c *Config) { c.Dir = dir }).client(t)
	for k, w := range want {
		got := uniq(c2.SMembers(ctx, k).Val())
		if !slices.Equal(got, w) {
			t.Fatalf("%s after restart: %d members %v..., want %d", k, len(got), got[:min(len(got), 5)], len(w))
		}
	}
	if got := c2.SMembers(ctx, "ints").Val(); !slices.Equal(got, []string{"-3", "0", "5", "9223372036854775807"}) {
		t.Fatalf("intset after restart: %v, want ascending", got)
	}
	for k, enc := range map[string]string{"ints": "intset", "big": "hashtable", "ttl": "hashtable"} {
		if got := c2.ObjectEncoding(ctx, k).Val(); got != enc {
			t.Errorf("OBJECT ENCODING %s after restart: %q, want %q", k, got, enc)
		}
	}
	if ttl := c2.TTL(ctx, "ttl").Val(); ttl < 59*time.Minute {
		t.Fatalf("TTL after restart: %v", ttl)
	}
	if ok := c2.SIsMember(ctx, "ttl", "").Val(); !ok {
		t.Fatal("the empty member was lost")
	}
}

// TestIntsetBecomesHashtableKeepingMembers adds integers up to
// set-max-intset-entries (intset), one more (hashtable), and with the limit
// lowered by CONFIG SET, a set turns over sooner; every member stays.
func TestIntsetBecomesHashtableKeepingMembers(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	var ints []any
	var want []string
	for i := range 512 {
		ints = append(ints, i*3-700)
		want = append(want, strconv.Itoa(i*3-700))
	}
	c.SAdd(ctx, "s", ints...)
	if enc := c.ObjectEncoding(ctx, "s").Val(); enc != "intset" {
		t.Fatalf("512 integers: %s, want intset", enc)
	}
	if got := c.SMembers(ctx, "s").Val(); !slices.Equal(got, want) {
		t.Fatalf("intset members not in ascending order")
	}
	c.SAdd(ctx, "s", 100000)
	want = append(want, "100000")
	if enc := c.ObjectEncoding(ctx, "s").Val(); enc != "hashtable" {
		t.Fatalf("513 integers: %s, want hashtable", enc)
	}
	slices.Sort(want)
	if got := uniq(c.SMembers(ctx, "s").Val()); !slices.Equal(got, want) {
		t.Fatalf("after conversion: %d members, want %d", len(got), len(want))
	}
	res, _ := c.SMIsMember(ctx, "s", "-700", "833", "100000", "-0701").Result()
	if fmt.Sprint(res) != "[true true true false]" {
		t.Fatalf("SMISMEMBER after conversion: %v", res)
	}

	if err := c.ConfigSet(ctx, "set-max-intset-entries", "4").Err(); err != nil {
		t.Fatal(err)
	}
	c.SAdd(ctx, "t", 1, 2, 3, 4)
	e1 := c.ObjectEncoding(ctx, "t").Val()
	c.SAdd(ctx, "t", 5)
	e2 := c.ObjectEncoding(ctx, "t").Val()
	if e1 != "intset" || e2 != "hashtable" {
		t.Fatalf("limit 4: %s then %s, want intset then hashtable", e1, e2)
	}
	if got := c.ConfigGet(ctx, "set-max-*").Val(); got["set-max-intset-entries"] != "4" || got["set-max-listpack-entries"] != "128" {
		t.Fatalf("CONFIG GET set-max-*: %v", got)
	}
	if err := c.ConfigSet(ctx, "set-max-listpack-entries", "64").Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.ConfigGet(ctx, "set-max-listpack-entries").Val(); got["set-max-listpack-entries"] != "64" {
		t.Fatalf("CONFIG GET set-max-listpack-entries after SET: %v", got)
	}
}

// TestSetCommandsInACluster: a clustered node answers CROSSSLOT to a
// multi-key set command whose keys are in different slots (SINTERCARD's
// LIMIT is not a key) and serves it when hash tags put them together.
func TestSetCommandsInACluster(t *testing.T) {
	nodes := startClusterNodes(t, 3)
	rc := slotOwner(t, nodes, "(integer) 3", "SADD", "{t}a", "1", "2", "3")
	wantCrossSlot(t, rc, [][]string{
		{"SUNION", "a", "b"}, {"SINTER", "a", "b"}, {"SDIFF", "a", "b"},
		{"SINTERCARD", "2", "a", "b"}, {"SMOVE", "a", "b", "x"},
		{"SINTERSTORE", "d", "a"}, {"SUNIONSTORE", "{t}d", "{t}a", "b"}, {"SDIFFSTORE", "d", "{t}a"},
	})
	rc.do("SADD", "{t}b", "2", "3", "4")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"SINTERCARD", "2", "{t}a", "{t}b", "LIMIT", "1"}, "(integer) 1"},
		{[]string{"SINTERCARD", "1", "{t}a"}, "(integer) 3"},
		{[]string{"SINTERSTORE", "{t}d", "{t}a", "{t}b"}, "(integer) 2"},
		{[]string{"SMOVE", "{t}a", "{t}b", "1"}, "(integer) 1"},
		{[]string{"SUNION", "{t}a", "{t}b"}, "1) \"1\"\n2) \"2\"\n3) \"3\"\n4) \"4\""},
	} {
		if got := rc.do(tc.args...); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.args, got, tc.want)
		}
	}
}
