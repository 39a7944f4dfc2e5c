package ft

import (
	"strings"
	"testing"
)

// spanWords returns text's words (wordSpans, English), those in scores
// matched with their score.
func spanWords(text string, scores map[string]float32) []fieldWord {
	var out []fieldWord
	wordSpans(text, "", func(word string, start, end int) {
		w := fieldWord{start: start, end: end}
		if s, ok := scores[word]; ok {
			w.match, w.term, w.score = true, word, s
		}
		out = append(out, w)
	})
	return out
}

// TestFragmentRules checks the fragmenter's rules one by one: a match at
// most 8 words after a fragment's last extends it, one more starts
// another; the best fragments by distinct terms' scores (earlier first
// among equals) come back in document order; context is LEN words less
// those inside, half each side, 6 bytes a word, cut to whole words; a
// field without a match is cut to FRAGS×LEN words and one more.
func TestFragmentRules(t *testing.T) {
	one := map[string]float32{"x": 1}
	text := "x w1 w2 w3 w4 w5 w6 w7 x w9 w10 w11 w12 w13 w14 w15 w16 x"
	frags := fragmentize(spanWords(text, one))
	if len(frags) != 2 || frags[0].matches != 2 || frags[0].total != 9 || frags[1].matches != 1 {
		t.Fatalf("fragments of %q: %+v", text, frags)
	}
	hl := snipSettings{mode: snipHighlight, open: "[", close: "]"}
	if got := highlightWhole(text, frags, hl.open, hl.close); got != strings.ReplaceAll(strings.ReplaceAll(text, "x ", "[x] "), " x", " [x]") {
		t.Errorf("highlighted: %q", got)
	}

	// Three fragments, "y z" one of two terms: it wins, then the first of
	// the equal others; they come back in document order.
	scores := map[string]float32{"x": 1, "y": 1, "z": 1}
	text = "x a1 a2 a3 a4 a5 a6 a7 a8 a9 x b1 b2 b3 b4 b5 b6 b7 b8 b9 y z c1"
	frags = fragmentize(spanWords(text, scores))
	// LEN 2: one word (6 bytes) each side. A context's edge is taken to
	// be inside a word, which it leaves out (b8 here; and c1, as the text
	// ends without a separator: only the byte after the fragment stays).
	set := snipSettings{mode: snipSummarize, frags: 2, length: 2, sep: "|"}
	if got, want := summarize(text, frags, set), "x a1 a2|b9 y z |"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	set.length = 6
	if got, want := summarize(text, frags, set), "x a1 a2 a3 a4 a5 a6|b5 b6 b7 b8 b9 y z |"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	// White space runs collapse inside a fragment, not in the separator.
	text = " alpha  x\n\n  beta gamma."
	frags = fragmentize(spanWords(text, one))
	set = snipSettings{mode: snipSummarize | snipHighlight, frags: 3, length: 20, sep: "\t\t", open: "<", close: ">"}
	if got, want := summarize(text, frags, set), "alpha <x> beta gamma\t\t"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	for _, c := range []struct {
		text   string
		frags  uint16
		length uint32
		want   string
	}{
		{"To change the use (Great Clips) at the end", 3, 20, "To change the use (Great Clips) at the"},
		{"To change the use (Great Clips) at the end", 3, 1, "To change the use ("},
		{"To change the use (Great Clips)", 3, 20, "To change the use (Great Clips)"},
		{"2017", 3, 20, "2"}, // RediSearch cuts back to a separator, keeping one byte
		{"TV-14", 3, 20, "TV-"},
		{"one two three", 0, 20, "one"},
		{"  a  b  ", 3, 20, " a b"},
		{"", 3, 20, ""},
	} {
		if got := trimSummary(c.text, snipSettings{mode: snipSummarize, frags: c.frags, length: c.length}); got != c.want {
			t.Errorf("trimSummary(%q, FRAGS %d LEN %d) = %q, want %q", c.text, c.frags, c.length, got, c.want)
		}
	}
}

// FuzzFragments: any text and matched words fragment, highlight and
// summarize without a panic; the highlighted text without its tags is
// the text, and a summary has at most FRAGS fragments.
func FuzzFragments(f *testing.F) {
	f.Add("The First Book of Moses, called Genesis {1:1} In the beginning", "beginning moses", uint16(3), uint32(20))
	f.Add("x w1 w2 w3 w4 w5 w6 w7 x w9 x", "x", uint16(1), uint32(0))
	f.Add("\xff\xfe ÉTÉ été x\x00y", "été x", uint16(70), uint32(4294967295))
	f.Add("", "", uint16(0), uint32(0))
	f.Fuzz(func(t *testing.T, text, matched string, frags uint16, length uint32) {
		scores := map[string]float32{}
		for i, w := range strings.Fields(strings.ToLower(matched)) {
			scores[w] = float32(i%3 + 1)
		}
		fr := fragmentize(spanWords(text, scores))
		whole := highlightWhole(text, fr, "\x01", "\x02")
		if strings.Count(text, "\x01") == 0 && strings.Count(text, "\x02") == 0 {
			if strings.NewReplacer("\x01", "", "\x02", "").Replace(whole) != text {
				t.Fatalf("highlight of %q: %q", text, whole)
			}
		}
		set := snipSettings{mode: snipSummarize, frags: frags, length: length, sep: "\x03"}
		if s := summarize(text, fr, set); strings.Count(s, "\x03") > int(frags) && !strings.Contains(text, "\x03") {
			t.Fatalf("summary of %q has more than %d fragments: %q", text, frags, s)
		}
		if s := trimSummary(text, set); len(s) > len(text) {
			t.Fatalf("trimSummary(%q) = %q", text, s)
		}
	})
}
