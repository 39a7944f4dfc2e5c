package ft

import (
	"sort"
	"strings"
	"sync"
)

// Suggestions are FT.SUGADD's auto-complete dictionaries, each under a
// key name. The node keeps them beside the keyspace: they are routed by
// their key's slot, but not listed by KEYS, not deleted by DEL and not
// saved in snapshots. Safe for concurrent use.
type Suggestions struct {
	mu    sync.Mutex // guards dicts
	dicts map[string]map[string]*suggestion
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

// NewSuggestions makes an empty store.
func NewSuggestions() *Suggestions { return &Suggestions{dicts: map[string]map[string]*suggestion{}} }

// Add adds text to key's dictionary with score (added to its score if
// incr) and returns the dictionary's size.
func (s *Suggestions) Add(key, text string, score float64, incr bool, payload []byte) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.dicts[key]
	if d == nil {
		d = map[string]*suggestion{}
		s.dicts[key] = d
	}
	folded := strings.ToLower(text)
	if old := d[folded]; old != nil && incr {
		old.score += score
		if payload != nil {
			old.payload = payload
		}
	} else {
		d[folded] = &suggestion{text: text, score: score, payload: payload}
	}
	return len(d)
}

// Del removes text from key's dictionary and reports whether it was
// there.
func (s *Suggestions) Del(key, text string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.dicts[key]
	folded := strings.ToLower(text)
	if d == nil || d[folded] == nil {
		return false
	}
	delete(d, folded)
	if len(d) == 0 {
		delete(s.dicts, key)
	}
	return true
}

// Len returns the size of key's dictionary.
func (s *Suggestions) Len(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.dicts[key])
}

// Get returns at most max suggestions of key's dictionary that start
// with prefix (in any case; with fuzzy, within one edit of it), highest
// score first.
func (s *Suggestions) Get(key, prefix string, fuzzy bool, max int) []Suggestion {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := []rune(strings.ToLower(prefix))
	var out []Suggestion
	for folded, sg := range s.dicts[key] {
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
