package node

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSmallStringSetsArePacked: a set of a few short strings costs about
// what a string key does in MEMORY USAGE (not a hash table's hundreds of
// bytes) and still says "hashtable" to OBJECT ENCODING, as Redis 7.0;
// past set-max-listpack-entries members or set-max-listpack-value bytes
// it costs a hash table's bytes, and every command sees the same members
// throughout.
func TestSmallStringSetsArePacked(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	c.SAdd(ctx, "s:1", "m")
	wantEncoding(t, c, "s:1", "hashtable")
	if got := c.MemoryUsage(ctx, "s:1").Val(); got > 104 {
		t.Errorf("MEMORY USAGE of a one-member set = %d, want at most 104", got)
	}
	c.SAdd(ctx, "s:i", 1, 2, "x", 3) // an intset turning into strings
	if got := c.SMembers(ctx, "s:i").Val(); strings.Join(got, ",") != "1,2,x,3" {
		t.Errorf("SMEMBERS s:i = %v, want 1,2,x,3 (intset's ascending, then added)", got)
	}
	wantEncoding(t, c, "s:i", "hashtable")

	// One member at a time up to the default 128, then one more.
	var want []string
	for i := range 128 {
		m := "member:" + strconv.Itoa(i)
		want = append(want, m)
		if n := c.SAdd(ctx, "s:n", m, m).Val(); n != 1 {
			t.Fatalf("SADD of new member %s twice = %d, want 1", m, n)
		}
	}
	packed := c.MemoryUsage(ctx, "s:n").Val()
	c.SAdd(ctx, "s:n", "member:128")
	want = append(want, "member:128")
	if hashed := c.MemoryUsage(ctx, "s:n").Val(); hashed < packed+2000 {
		t.Errorf("MEMORY USAGE of 128 members %d, of 129 %d: want the hash table's extra bytes past 128", packed, hashed)
	}
	slices.Sort(want)
	if got := uniq(c.SMembers(ctx, "s:n").Val()); !slices.Equal(got, want) {
		t.Fatalf("after conversion: %d members, want %d", len(got), len(want))
	}

	// A 64-byte member stays packed, a 65-byte one does not.
	long := strings.Repeat("x", 64)
	c.SAdd(ctx, "s:l", "a", long)
	at64 := c.MemoryUsage(ctx, "s:l").Val()
	c.SAdd(ctx, "s:l", long+"y")
	if at65 := c.MemoryUsage(ctx, "s:l").Val(); at65 < at64+100 {
		t.Errorf("MEMORY USAGE with a 64-byte member %d, then a 65-byte one %d: want the hash table's bytes", at64, at65)
	}
	if ok := c.SMIsMember(ctx, "s:l", "a", long, long+"y", "b").Val(); !slices.Equal(ok, []bool{true, true, true, false}) {
		t.Errorf("SMISMEMBER s:l = %v", ok)
	}

	// Removing, popping and moving members of a packed set.
	c.SAdd(ctx, "s:p", "a", "b", "c", "", "d")
	if n := c.SRem(ctx, "s:p", "b", "zz", "").Val(); n != 2 {
		t.Errorf("SREM = %d, want 2", n)
	}
	if got := c.SMembers(ctx, "s:p").Val(); strings.Join(got, ",") != "a,c,d" {
		t.Errorf("SMEMBERS after SREM = %v, want a,c,d", got)
	}
	if !c.SMove(ctx, "s:p", "s:q", "c").Val() || c.SIsMember(ctx, "s:p", "c").Val() || !c.SIsMember(ctx, "s:q", "c").Val() {
		t.Error("SMOVE c from s:p to s:q")
	}
	popped := c.SPopN(ctx, "s:p", 5).Val()
	if slices.Sort(popped); strings.Join(popped, ",") != "a,d" || c.Exists(ctx, "s:p").Val() != 0 {
		t.Errorf("SPOP 5 of {a, d} = %v, key left %d", popped, c.Exists(ctx, "s:p").Val())
	}

	// A lowered set-max-listpack-entries takes effect on the next add.
	if err := c.ConfigSet(ctx, "set-max-listpack-entries", "2").Err(); err != nil {
		t.Fatal(err)
	}
	c.SAdd(ctx, "s:c", "a", "b")
	two := c.MemoryUsage(ctx, "s:c").Val()
	c.SAdd(ctx, "s:c", "c")
	if three := c.MemoryUsage(ctx, "s:c").Val(); three < two+100 {
		t.Errorf("limit 2: MEMORY USAGE of 2 members %d, of 3 %d: want the hash table's bytes", two, three)
	}
	if got := uniq(c.SMembers(ctx, "s:c").Val()); strings.Join(got, ",") != "a,b,c" {
		t.Errorf("SMEMBERS s:c = %v", got)
	}
}
