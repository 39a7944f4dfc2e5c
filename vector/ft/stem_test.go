package ft

import "testing"

// TestStemEnglish checks the stemmer against the sample vocabulary the
// Porter2 algorithm's description publishes next to its output
// (snowballstem.org/algorithms/english/stemmer.html: the "consign ..."
// and "knack ..." columns), plus the special cases the description names
// (exception lists, the gener/commun/arsen regions, ies/ied, the short
// words of Step 1b).
func TestStemEnglish(t *testing.T) {
	pairs := [][2]string{
		// The published sample, first column.
		{"consign", "consign"}, {"consigned", "consign"}, {"consigning", "consign"}, {"consignment", "consign"},
		{"consist", "consist"}, {"consisted", "consist"}, {"consistency", "consist"}, {"consistent", "consist"},
		{"consistently", "consist"}, {"consisting", "consist"}, {"consists", "consist"}, {"consolation", "consol"},
		{"consolations", "consol"}, {"consolatory", "consolatori"}, {"console", "consol"}, {"consoled", "consol"},
		{"consoles", "consol"}, {"consolidate", "consolid"}, {"consolidated", "consolid"}, {"consolidating", "consolid"},
		{"consoling", "consol"}, {"consolingly", "consol"}, {"consols", "consol"}, {"consonant", "conson"},
		{"consort", "consort"}, {"consorted", "consort"}, {"consorting", "consort"}, {"conspicuous", "conspicu"},
		{"conspicuously", "conspicu"}, {"conspiracy", "conspiraci"}, {"conspirator", "conspir"}, {"conspirators", "conspir"},
		{"conspire", "conspir"}, {"conspired", "conspir"}, {"conspiring", "conspir"}, {"constable", "constabl"},
		{"constables", "constabl"}, {"constance", "constanc"}, {"constancy", "constanc"}, {"constant", "constant"},
		// The published sample, second column.
		{"knack", "knack"}, {"knackeries", "knackeri"}, {"knacks", "knack"}, {"knag", "knag"}, {"knave", "knave"},
		{"knaves", "knave"}, {"knavish", "knavish"}, {"kneaded", "knead"}, {"kneading", "knead"}, {"knee", "knee"},
		{"kneel", "kneel"}, {"kneeled", "kneel"}, {"kneeling", "kneel"}, {"kneels", "kneel"}, {"knees", "knee"},
		{"knell", "knell"}, {"knelt", "knelt"}, {"knew", "knew"}, {"knick", "knick"}, {"knif", "knif"},
		{"knife", "knife"}, {"knight", "knight"}, {"knightly", "knight"}, {"knights", "knight"}, {"knit", "knit"},
		{"knits", "knit"}, {"knitted", "knit"}, {"knitting", "knit"}, {"knives", "knive"}, {"knob", "knob"},
		{"knobs", "knob"}, {"knock", "knock"}, {"knocked", "knock"}, {"knocker", "knocker"}, {"knockers", "knocker"},
		{"knocking", "knock"}, {"knocks", "knock"}, {"knopp", "knopp"}, {"knot", "knot"}, {"knots", "knot"},
		// Cases the description spells out.
		{"skies", "sky"}, {"dying", "die"}, {"news", "news"}, {"early", "earli"}, {"inning", "inning"},
		{"proceed", "proceed"}, {"generously", "generous"}, {"communism", "communism"}, {"arsenal", "arsenal"},
		{"ties", "tie"}, {"cries", "cri"}, {"gas", "gas"}, {"this", "this"}, {"gaps", "gap"}, {"kiwis", "kiwi"},
		{"cry", "cri"}, {"by", "by"}, {"say", "say"}, {"hop", "hop"}, {"hopping", "hop"}, {"hoped", "hope"},
		{"luxuriating", "luxuri"}, {"running", "run"}, {"runs", "run"}, {"run", "run"}, {"a", "a"},
	}
	for _, p := range pairs {
		if got := stemEnglish(p[0]); got != p[1] {
			t.Errorf("stem(%q) = %q, want %q", p[0], got, p[1])
		}
	}
}

// FuzzStemEnglish: any bytes stem without a panic to a string no longer
// than the word plus one letter (Step 1b may add an e).
func FuzzStemEnglish(f *testing.F) {
	for _, s := range []string{"consign", "knackeries", "y", "'s", "yyyy", "\xff\xfe", "sses", "ied"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		if got := stemEnglish(w); len(got) > len(w)+1 {
			t.Fatalf("stem(%q) = %q: longer than the word", w, got)
		}
	})
}
