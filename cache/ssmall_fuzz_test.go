package cache

import (
	"slices"
	"strconv"
	"testing"
)

// sfuzzMembers are what FuzzSmallSets adds and removes: integers of each
// intset width (1 to 8 bytes, at their edges), non-canonical integers and
// strings.
var sfuzzMembers = []string{"1", "2", "-3", "0", "300", "70000", "-70000", "5000000000", "-9223372036854775808",
	"007", "+1", "a", "bb", "", "x y", "longer member", "127", "-128", "128", "8388607", "-8388608", "8388608",
	"-549755813889", "9223372036854775807"}

// FuzzSmallSets runs the operations a byte string spells on three sets
// through the keyspace (SADD, SREM, SPOP, SMOVE between them) under small
// limits, so they pass between intset, packed and hash forms, against a
// model; after each operation every set's members, count and encoding
// agree with the model, and replies taken earlier have not changed
// (a set's stored bytes are never written in place).
func FuzzSmallSets(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0, 0, 2, 0, 0, 3, 1, 0, 1, 0, 1, 9, 3, 0, 1, 2, 2, 0, 1})
	f.Add([]byte{0, 1, 0, 0, 1, 4, 0, 1, 5, 0, 1, 6, 0, 1, 7, 0, 1, 8, 2, 1, 3, 3, 1, 2, 5})
	f.Add([]byte{0, 2, 10, 0, 2, 11, 0, 2, 12, 1, 2, 10, 0, 2, 13, 0, 2, 14, 0, 2, 15, 2, 2, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		ks := newKS(t, nil)
		ks.SetMaxIntsetEntries(6)
		ks.SetSetListpack(5, 8)
		keys := [][]byte{[]byte("s0"), []byte("s1"), []byte("s2")}
		model := make([]map[string]bool, len(keys))
		for i := range model {
			model[i] = map[string]bool{}
		}
		type reply struct {
			got, want [][]byte
		}
		var replies []reply
		next := func() int {
			if len(ops) == 0 {
				return 0
			}
			b := ops[0]
			ops = ops[1:]
			return int(b)
		}
		for len(ops) > 0 {
			op, k := next()%4, next()%len(keys)
			m := sfuzzMembers[next()%len(sfuzzMembers)]
			switch op {
			case 0:
				n, err := ks.SAdd(keys[k], [][]byte{[]byte(m)})
				if want := !model[k][m]; err != nil || (n == 1) != want {
					t.Fatalf("SADD %s %q: %d %v, model new %v", keys[k], m, n, err, want)
				}
				model[k][m] = true
			case 1:
				n, err := ks.SRem(keys[k], [][]byte{[]byte(m)})
				if want := model[k][m]; err != nil || (n == 1) != want {
					t.Fatalf("SREM %s %q: %d %v, model had %v", keys[k], m, n, err, want)
				}
				delete(model[k], m)
			case 2:
				count := int64(next() % 3)
				got, err := ks.SPop(keys[k], count)
				if err != nil || len(got) != min(int(count), len(model[k])) {
					t.Fatalf("SPOP %s %d: %q %v, model has %d", keys[k], count, got, err, len(model[k]))
				}
				for _, g := range got {
					if !model[k][string(g)] {
						t.Fatalf("SPOP %s: %q not in the model", keys[k], g)
					}
					delete(model[k], string(g))
				}
				replies = append(replies, reply{got, slices.Clone(got)})
			case 3:
				d := next() % len(keys)
				ok, err := ks.SMove(keys[k], keys[d], []byte(m))
				if err != nil || ok != model[k][m] {
					t.Fatalf("SMOVE %s %s %q: %v %v, model had %v", keys[k], keys[d], m, ok, err, model[k][m])
				}
				if ok {
					delete(model[k], m)
					model[d][m] = true
				}
			}
			for i, key := range keys {
				got, err := ks.SMembers(key)
				if err != nil || len(got) != len(model[i]) {
					t.Fatalf("SMEMBERS %s: %q %v, model %v", key, got, err, model[i])
				}
				for _, g := range got {
					if !model[i][string(g)] {
						t.Fatalf("SMEMBERS %s: %q not in the model %v", key, g, model[i])
					}
				}
				replies = append(replies, reply{got, slices.Clone(got)})
				if n, _ := ks.SCard(key); n != len(model[i]) {
					t.Fatalf("SCARD %s = %d, model %d", key, n, len(model[i]))
				}
				if len(model[i]) > 0 {
					enc, _ := ks.Encoding(key)
					if want := sfuzzEncoding(model[i]); enc != want && !(enc == "hashtable" && want == "intset") {
						t.Fatalf("%s holding %v: %s, want %s", key, model[i], enc, want)
					}
				}
			}
			for _, r := range replies {
				for j := range r.got {
					if string(r.got[j]) != string(r.want[j]) {
						t.Fatalf("an earlier reply changed: %q, was %q", r.got[j], r.want[j])
					}
				}
			}
		}
	})
}

// sfuzzEncoding is the encoding a set of these members has while it is
// an intset (a set that was once past the limits stays a hash table).
func sfuzzEncoding(m map[string]bool) string {
	if len(m) > 6 {
		return "hashtable"
	}
	for s := range m {
		if v, err := strconv.ParseInt(s, 10, 64); err != nil || strconv.FormatInt(v, 10) != s {
			return "hashtable"
		}
	}
	return "intset"
}
