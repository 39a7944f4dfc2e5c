package ft

import (
	"sort"
	"strings"
	"sync"
)

// SugTypeName is what TYPE answers for a suggestion dictionary, as
// RediSearch's module type is named.
const SugTypeName = "trietype"

// SugDict is one FT.SUGADD auto-complete dictionary: the value of a key
// of its own (TYPE answers SugTypeName), so it lives in its key's slot
// and is saved, replicated, migrated, deleted and expired with it. Safe
// for concurrent use.
type SugDict struct {
	mu    sync.Mutex // guards m and bytes
	m     map[string]*suggestion
	bytes int64 // estimated heap bytes of m
}

type suggestion struct {
	text    string
	score   float64
	payload []byte
}

// Suggestion is one FT.SUGGET result.
type Suggestion struct {
	Text    string
	Score   float64
	Payload []byte // nil: none
}

// sugEntryBytes is the estimated overhead of one entry besides its
// strings.
const sugEntryBytes = 96

// NewSugDict makes an empty dictionary.
func NewSugDict() *SugDict { return &SugDict{m: map[string]*suggestion{}} }

// TypeName implements the keyspace's custom value.
func (d *SugDict) TypeName() string { return SugTypeName }

// MemoryBytes estimates the dictionary's heap bytes.
func (d *SugDict) MemoryBytes() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return 64 + d.bytes
}

func sugBytes(folded string, sg *suggestion) int64 {
	return sugEntryBytes + int64(len(folded)+len(sg.text)+len(sg.payload))
}

// Add adds text with score (added to its score if incr) and returns the
// dictionary's size.
func (d *SugDict) Add(text string, score float64, incr bool, payload []byte) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	folded := strings.ToLower(text)
	if old := d.m[folded]; old != nil && incr {
		d.bytes -= sugBytes(folded, old)
		old.score += score
		if payload != nil {
			old.payload = payload
		}
		d.bytes += sugBytes(folded, old)
	} else {
		if old != nil {
			d.bytes -= sugBytes(folded, old)
		}
		sg := &suggestion{text: text, score: score, payload: payload}
		d.m[folded] = sg
		d.bytes += sugBytes(folded, sg)
	}
	return len(d.m)
}

// Del removes text and reports whether it was there. As in RediSearch,
// an emptied dictionary stays (its key too).
func (d *SugDict) Del(text string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	folded := strings.ToLower(text)
	sg := d.m[folded]
	if sg == nil {
		return false
	}
	d.bytes -= sugBytes(folded, sg)
	delete(d.m, folded)
	return true
}

// Len returns the dictionary's size.
func (d *SugDict) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.m)
}

// Get returns at most max suggestions that start with prefix (in any
// case; with fuzzy, within one edit of it), highest score first.
func (d *SugDict) Get(prefix string, fuzzy bool, max int) []Suggestion {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := []rune(strings.ToLower(prefix))
	var out []Suggestion
	for folded, sg := range d.m {
		r := []rune(folded)
		ok := len(r) >= len(p) && string(r[:len(p)]) == string(p)
		if !ok && fuzzy {
			for n := max1(len(p)-1, 0); n <= len(p)+1 && n <= len(r); n++ {
				if levenshtein(r[:n], p, 1) <= 1 {
					ok = true
					break
				}
			}
		}
		if ok {
			out = append(out, Suggestion{Text: sg.text, Score: sg.score, Payload: sg.payload})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Text < out[j].Text
	})
	if max >= 0 && len(out) > max {
		out = out[:max]
	}
	return out
}

func max1(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// levenshtein returns the edit distance of a and b, or limit+1 when it is
// more than limit.
func levenshtein(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
