package testutil

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The mix of bench/memlimit -mix, for the tests of memory limits: every
// kind of key a node holds, strings, hashes under an HNSW and a FLAT
// index, JSON documents under an index of TEXT, TAG, NUMERIC and VECTOR
// fields, lists, sets, sorted sets, streams and vector sets, in the
// bench's order (MixPattern).

// MixDim is the dimension of the mix's vectors.
const MixDim = 128

// MixVec returns the i-th vector of the mix as a FLOAT32 blob.
func MixVec(i int) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	b := make([]byte, 4*MixDim)
	for j := 0; j < MixDim; j++ {
		binary.LittleEndian.PutUint32(b[4*j:], math.Float32bits(r.Float32()*2-1))
	}
	return b
}

// MixKind is one kind of key of the mix: the indexes it needs and its
// i-th write (keys that are collections take several writes each).
type MixKind struct {
	Name  string
	N     int     // writes to load it alone
	Setup [][]any // FT.CREATE commands
	Write func(i int) []any
	Often bool // four writes a round of MixPattern, not one
}

// MixKinds returns the kinds of the mix.
func MixKinds() []MixKind {
	vecArgs := func(alg, metric string) []any {
		return []any{"VECTOR", alg, 6, "TYPE", "FLOAT32", "DIM", MixDim, "DISTANCE_METRIC", metric}
	}
	text := func(r *rand.Rand, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a' + byte(r.IntN(26))
		}
		return string(b)
	}
	r := rand.New(rand.NewPCG(3, 4))
	return []MixKind{
		{Name: "string", N: 20000, Often: true, Write: func(i int) []any {
			return []any{"SET", fmt.Sprintf("s:%d", i), text(r, 400)}
		}},
		{Name: "hash+HNSW", N: 8000, Often: true,
			Setup: [][]any{append([]any{"FT.CREATE", "hidx", "ON", "HASH", "PREFIX", 1, "h:", "SCHEMA", "genre", "TAG", "emb"}, vecArgs("HNSW", "L2")...)},
			Write: func(i int) []any {
				return []any{"HSET", fmt.Sprintf("h:%d", i), "genre", fmt.Sprintf("g%d", i%10), "emb", MixVec(i)}
			}},
		{Name: "hash+FLAT", N: 8000, Often: true,
			Setup: [][]any{append([]any{"FT.CREATE", "fidx", "ON", "HASH", "PREFIX", 1, "f:", "SCHEMA", "genre", "TAG", "emb"}, vecArgs("FLAT", "L2")...)},
			Write: func(i int) []any {
				return []any{"HSET", fmt.Sprintf("f:%d", i), "genre", fmt.Sprintf("g%d", i%10), "emb", MixVec(i)}
			}},
		{Name: "json+index", N: 2000,
			Setup: [][]any{append([]any{"FT.CREATE", "jidx", "ON", "JSON", "PREFIX", 1, "j:", "SCHEMA",
				"$.title", "AS", "title", "TEXT", "$.tag", "AS", "tag", "TAG", "$.price", "AS", "price", "NUMERIC",
				"$.emb", "AS", "emb"}, vecArgs("HNSW", "COSINE")...)},
			Write: func(i int) []any {
				var b strings.Builder
				b.WriteString(`{"title":"`)
				for w := 0; w < 8; w++ {
					fmt.Fprintf(&b, "w%d ", r.IntN(2000))
				}
				fmt.Fprintf(&b, `","tag":"t%d","price":%.2f,"emb":[`, i%16, r.Float64()*100)
				v := MixVec(i)
				for j := 0; j < MixDim; j++ {
					if j > 0 {
						b.WriteByte(',')
					}
					x := math.Float32frombits(binary.LittleEndian.Uint32(v[4*j:]))
					b.WriteString(strconv.FormatFloat(float64(x), 'g', 6, 32))
				}
				b.WriteString("]}")
				return []any{"JSON.SET", fmt.Sprintf("j:%d", i), "$", b.String()}
			}},
		{Name: "list", N: 20000, Often: true, Write: func(i int) []any {
			args := []any{"RPUSH", fmt.Sprintf("l:%d", i/32)}
			for e := 0; e < 8; e++ {
				args = append(args, text(r, 24))
			}
			return args
		}},
		{Name: "set", N: 20000, Often: true, Write: func(i int) []any {
			args := []any{"SADD", fmt.Sprintf("t:%d", i/32)}
			for e := 0; e < 8; e++ {
				args = append(args, fmt.Sprintf("member:%d:%d", i, e))
			}
			return args
		}},
		{Name: "zset", N: 20000, Often: true, Write: func(i int) []any {
			args := []any{"ZADD", fmt.Sprintf("z:%d", i/32)}
			for e := 0; e < 8; e++ {
				args = append(args, r.Float64()*1000, fmt.Sprintf("member:%d:%d", i, e))
			}
			return args
		}},
		{Name: "stream", N: 40000, Often: true, Write: func(i int) []any {
			return []any{"XADD", fmt.Sprintf("x:%d", i/32), "*", "user", fmt.Sprintf("u%d", r.IntN(10000)), "event", text(r, 32), "ts", i}
		}},
		{Name: "vset", N: 8000, Often: true, Write: func(i int) []any {
			return []any{"VADD", fmt.Sprintf("v:%d", i/256), "FP32", MixVec(i), fmt.Sprintf("e%d", i)}
		}},
		{Name: "small vset", N: 2000, Write: func(i int) []any {
			return []any{"VADD", fmt.Sprintf("w:%d", i/4), "FP32", MixVec(i), fmt.Sprintf("e%d", i)}
		}},
	}
}

// MixPattern is the order of the kinds' writes in a round of the mix, as
// bench/memlimit's: the kinds written often in turn four times, then the
// others once (a JSON document with a 128-d vector as a JSON array takes
// about ten times a hash's bytes, a vector set's graph starts at 64
// nodes).
func MixPattern(kinds []MixKind) []int {
	var p []int
	for r := 0; r < 4; r++ {
		for k, kind := range kinds {
			if kind.Often {
				p = append(p, k)
			}
		}
	}
	for k, kind := range kinds {
		if !kind.Often {
			p = append(p, k)
		}
	}
	return p
}
