//go:build unix

package ft

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkTextTermQuery: one-term TEXT queries over 200,000 documents
// (BENCH_TEXT_DOCS to change it) of 20 words drawn from 5,000, a term
// planted in one document in 1,000 (rare), 100 (mid) and 10 (common):
// FT.SEARCH's default TFIDF scoring with NOCONTENT, and the count alone
// (LIMIT 0 0), a prefix (mid*: mid and midway, planted as often) and a
// term scoped to one field of two; and the cost of keeping the index
// (rewrite: a document rewritten with 20 other words; retouch: written
// again with the same text). Besides the wall time it reports the
// process's CPU per query (cpu-us/op: user and system time, the garbage
// collector's included), which the machine's other work moves far less.
func BenchmarkTextTermQuery(b *testing.B) {
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("BENCH_TEXT_DOCS")); err == nil && v > 0 {
		n = v
	}
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA title TEXT body TEXT"))
	if err != nil {
		b.Fatal(err)
	}
	ix, _ := NewIndex(s)
	r := rand.New(rand.NewPCG(5, 6))
	ws := make([]string, 20)
	texts := make([]map[string][]byte, n)
	for i := range n {
		for j := range ws {
			ws[j] = "w" + strconv.Itoa(r.IntN(5000))
		}
		for _, p := range []struct {
			every int
			word  string
		}{{1000, "rare"}, {100, "mid"}, {100, "midway"}, {10, "common"}} {
			if i%p.every == p.every/2 {
				ws[r.IntN(len(ws))] = p.word
			}
		}
		texts[i] = map[string][]byte{"title": []byte(ws[0] + " " + ws[1]), "body": []byte(strings.Join(ws[2:], " "))}
		ix.Upsert(fmt.Sprintf("d:%d", i), texts[i])
	}
	load := func(string) (map[string][]byte, bool) { return nil, true }
	for _, tc := range []struct{ name, args string }{
		{"rare", "rare NOCONTENT"},
		{"mid", "mid NOCONTENT"},
		{"common", "common NOCONTENT"},
		{"mid-count", "mid LIMIT 0 0"},
		{"mid-prefix", "mid* NOCONTENT"},
		{"mid-title", "@title:mid NOCONTENT"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req, err := ParseSearch(fieldsOf("idx " + tc.args))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var total int
			cpu0 := cpuTime()
			for b.Loop() {
				res, err := ix.Search(req, load)
				if err != nil {
					b.Fatal(err)
				}
				total = res.Total
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-us/op")
			b.ReportMetric(float64(total), "matches")
		})
	}
	for _, same := range []bool{false, true} {
		b.Run(map[bool]string{false: "rewrite", true: "retouch"}[same], func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu0 := cpuTime()
			for b.Loop() {
				k := i * 7919 % n
				if !same {
					for j := range ws {
						ws[j] = "w" + strconv.Itoa(r.IntN(5000))
					}
					texts[k] = map[string][]byte{"title": []byte(ws[0] + " " + ws[1]), "body": []byte(strings.Join(ws[2:], " "))}
				}
				ix.Upsert(fmt.Sprintf("d:%d", k), texts[k])
				i++
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-us/op")
		})
	}
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
