package cache

import (
	"bytes"
	"fmt"
	"maps"
	"strings"
	"testing"
)

// hashAtoms are the fields and values the fuzz target draws from: integers
// Redis's listpack packs as numbers (and near misses that must stay
// text), the empty string, and strings around the value limits.
var hashAtoms = []string{"", "0", "1", "-1", "12", "007", "-0", "+1", "1.5",
	"9223372036854775807", "-9223372036854775808", "9223372036854775808",
	"a", "abc", "field", strings.Repeat("x", 15), strings.Repeat("y", 16), strings.Repeat("z", 70)}

// hashModel is what a hash must hold and how Redis would encode it.
type hashModel struct {
	m      map[string]string
	packed bool // false once converted, until the key is deleted
}

// FuzzHashPack runs HSET/HSETNX/HDEL/HINCRBY sequences on one hash with
// small, fuzzed listpack limits and checks every reply, the content and
// OBJECT ENCODING against a map model and Redis's conversion rules; at the
// end the hash must survive COPY, DUMP/RESTORE and a snapshot round trip.
func FuzzHashPack(f *testing.F) {
	f.Add([]byte{4, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{0, 0, 10, 20, 30})
	f.Add([]byte{2, 3, 1, 1, 1, 17, 2, 2, 3, 3, 200, 100, 50})
	f.Add([]byte{127, 127, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17})
	f.Fuzz(runHashOps)
}

// runHashOps is FuzzHashPack's body: data[0] and data[1] pick the limits,
// then each three bytes an operation and its field and value.
func runHashOps(t *testing.T, data []byte) {
	if len(data) < 2 {
		return
	}
	ks := newKS(t, nil)
	entries, value := int(data[0]%9), int(data[1]%20)
	ks.SetHashListpackLimits(int64(entries), int64(value))
	key := []byte("h")
	md := hashModel{m: map[string]string{}, packed: true}
	atom := func(i int) []byte {
		if i < len(data) {
			return []byte(hashAtoms[int(data[i])%len(hashAtoms)])
		}
		return []byte("end")
	}
	for i := 2; i < len(data); i += 3 {
		op, a, b := data[i]%5, atom(i+1), atom(i+2)
		switch op {
		case 0, 1: // HSET one pair, or two (maybe the same field twice)
			fv := [][]byte{a, b}
			if op == 1 {
				fv = append(fv, b, a)
			}
			wasEmpty, want := len(md.m) == 0, 0
			for j := 0; j < len(fv); j += 2 {
				if _, ok := md.m[string(fv[j])]; !ok {
					want++ // a field repeated in one HSET counts once
				}
				md.m[string(fv[j])] = string(fv[j+1])
			}
			if wasEmpty {
				md.packed = true
			}
			if tooLong(fv, value) || len(md.m) > entries {
				md.packed = false
			}
			n, err := ks.HSet(key, fv, false)
			if err != nil || n != want {
				t.Fatalf("HSET %q = %d, %v; want %d", fv, n, err, want)
			}
		case 2: // HSETNX
			_, had := md.m[string(a)]
			if !had {
				if len(md.m) == 0 {
					md.packed = true
				}
				md.m[string(a)] = string(b)
				if tooLong([][]byte{a, b}, value) || len(md.m) > entries {
					md.packed = false
				}
			}
			n, err := ks.HSet(key, [][]byte{a, b}, true)
			if err != nil || (n == 1) == had {
				t.Fatalf("HSETNX %q %q = %d, %v; field there before: %v", a, b, n, err, had)
			}
		case 3: // HDEL
			_, had := md.m[string(a)]
			delete(md.m, string(a))
			n, err := ks.HDel(key, [][]byte{a, a})
			if err != nil || (n == 1) != had {
				t.Fatalf("HDEL %q = %d, %v; field there before: %v", a, n, err, had)
			}
		case 4: // HINCRBY by a small delta
			cur, had := md.m[string(a)]
			var x int64
			if had {
				v, err := ParseInt([]byte(cur))
				if err != nil || fmt.Sprint(v) != cur {
					if _, err := ks.HIncrBy(key, a, 1); err == nil {
						t.Fatalf("HINCRBY on %q succeeded", cur)
					}
					break
				}
				x = v
			}
			if x > 1<<62 {
				break
			}
			out, err := ks.HIncrBy(key, a, 3)
			if err != nil || out != x+3 {
				t.Fatalf("HINCRBY %q (was %q) = %d, %v", a, cur, out, err)
			}
			if len(md.m) == 0 {
				md.packed = true
			}
			md.m[string(a)] = fmt.Sprint(x + 3)
			if tooLong([][]byte{a, []byte(md.m[string(a)])}, value) || len(md.m) > entries {
				md.packed = false
			}
		}
		checkHash(t, ks, key, md)
	}
	if len(md.m) == 0 {
		return
	}
	// COPY, DUMP/RESTORE and a snapshot keep the content; a copy keeps
	// the encoding, a load packs again what fits.
	if ok, err := ks.Copy(key, []byte("copy"), false); !ok || err != nil {
		t.Fatalf("COPY: %v %v", ok, err)
	}
	checkHash(t, ks, []byte("copy"), md)
	fits := len(md.m) <= entries
	for f, v := range md.m {
		fits = fits && len(f) <= value && len(v) <= value
	}
	loaded := hashModel{m: md.m, packed: fits}
	payload, _, err := ks.Dump(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.Restore([]byte("restored"), payload, RestoreOptions{IdleSecs: -1, Freq: -1}); err != nil {
		t.Fatal(err)
	}
	checkHash(t, ks, []byte("restored"), loaded)
	var snap bytes.Buffer
	if err := ks.WriteSnapshot(&snap); err != nil {
		t.Fatal(err)
	}
	ks2 := newKS(t, nil)
	ks2.SetHashListpackLimits(int64(entries), int64(value))
	if err := ks2.ReadSnapshot(&snap); err != nil {
		t.Fatal(err)
	}
	checkHash(t, ks2, key, loaded)
}

// checkHash compares the hash at key with the model: content through
// every reader, and the encoding.
func checkHash(t *testing.T, ks *Keyspace, key []byte, md hashModel) {
	t.Helper()
	all, err := ks.HGetAll(key)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for i := 0; i+1 < len(all); i += 2 {
		if _, dup := got[string(all[i])]; dup {
			t.Fatalf("HGETALL repeats field %q", all[i])
		}
		got[string(all[i])] = string(all[i+1])
	}
	if !maps.Equal(got, md.m) {
		t.Fatalf("HGETALL = %q, want %q", got, md.m)
	}
	if n, _ := ks.HLen(key); n != len(md.m) {
		t.Fatalf("HLEN = %d, want %d", n, len(md.m))
	}
	for f, v := range md.m {
		if g, _ := ks.HGet(key, []byte(f)); string(g) != v || g == nil {
			t.Fatalf("HGET %q = %q, want %q", f, g, v)
		}
		if n, _ := ks.HStrLen(key, []byte(f)); n != len(v) {
			t.Fatalf("HSTRLEN %q = %d, want %d", f, n, len(v))
		}
	}
	if ok, _ := ks.HExists(key, []byte("not-an-atom")); ok {
		t.Fatal("HEXISTS of a missing field")
	}
	enc, ok := ks.Encoding(key)
	switch {
	case len(md.m) == 0 && ok:
		t.Fatalf("empty hash still exists (%s)", enc)
	case len(md.m) > 0 && md.packed && enc != "listpack", len(md.m) > 0 && !md.packed && enc != "hashtable":
		t.Fatalf("OBJECT ENCODING = %q, want packed=%v (%d fields)", enc, md.packed, len(md.m))
	}
}

// TestHSetNewKeyAllocations checks that HSET of a new small hash
// allocates only what it keeps (the entry, its key, the packed hash, and
// here the slot's table, which DEL emptied), not a copy of its arguments
// on the way.
func TestHSetNewKeyAllocations(t *testing.T) {
	ks := newKS(t, nil)
	fv := [][]byte{[]byte("name"), []byte("user1"), []byte("age"), []byte("42"), []byte("city"), []byte("paris"),
		[]byte("email"), []byte("user1@example.com"), []byte("active"), []byte("1")}
	key := []byte("h")
	allocs := testing.AllocsPerRun(20, func() {
		ks.Del(key)
		if n, err := ks.HSet(key, fv, false); err != nil || n != 5 {
			t.Fatalf("HSET: %d %v", n, err)
		}
	})
	t.Logf("%.0f allocations", allocs)
	if allocs > 4 {
		t.Fatalf("HSET of a new 5-field hash: %.0f allocations, want at most 4", allocs)
	}
}
