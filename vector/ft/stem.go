package ft

import "strings"

// English stemming: the Porter2 ("English") algorithm of the Snowball
// project, as published at snowballstem.org/algorithms/english/stemmer.html
// in its classic form (the one RediSearch's bundled libstemmer applies:
// the R1 exceptions gener, commun and arsen). Words are lower-case bytes;
// bytes outside a-z are consonants.

// stemEnglish returns the stem of the lower-case word w.
func stemEnglish(w string) string {
	if len(w) <= 2 {
		return w
	}
	if s, ok := stemException1[w]; ok {
		return s
	}
	b := []byte(strings.TrimPrefix(w, "'"))
	// Y for a y that is not a vowel: at the start or after a vowel.
	for i := range b {
		if b[i] == 'y' && (i == 0 || isVowel(b[i-1])) {
			b[i] = 'Y'
		}
	}
	st := &stemmer{b: b}
	st.regions()
	st.step0()
	st.step1a()
	if stemException2[string(st.b)] {
		return strings.ReplaceAll(string(st.b), "Y", "y")
	}
	st.step1b()
	st.step1c()
	st.step2()
	st.step3()
	st.step4()
	st.step5()
	return strings.ReplaceAll(string(st.b), "Y", "y")
}

// stemException1 are the words the algorithm stems by a list.
var stemException1 = map[string]string{
	"skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
	"idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl",
	"sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos", "bias": "bias", "andes": "andes",
}

// stemException2 are left as they are once Step 1a has run.
var stemException2 = map[string]bool{
	"inning": true, "outing": true, "canning": true, "herring": true,
	"earring": true, "proceed": true, "exceed": true, "succeed": true,
}

type stemmer struct {
	b      []byte
	r1, r2 int // start of the regions R1 and R2 (len(b) when empty)
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// regions sets R1 (after the first non-vowel that follows a vowel, or
// after gener, commun or arsen) and R2 (the same, within R1).
func (s *stemmer) regions() {
	after := func(from int) int {
		for i := from + 1; i < len(s.b); i++ {
			if !isVowel(s.b[i]) && isVowel(s.b[i-1]) {
				return i + 1
			}
		}
		return len(s.b)
	}
	s.r1 = -1
	for _, p := range []string{"gener", "commun", "arsen"} {
		if strings.HasPrefix(string(s.b), p) {
			s.r1 = len(p)
		}
	}
	if s.r1 < 0 {
		s.r1 = after(0)
	}
	s.r2 = len(s.b)
	if s.r1 < len(s.b) {
		s.r2 = after(s.r1)
	}
}

func (s *stemmer) has(suffix string) bool { return strings.HasSuffix(string(s.b), suffix) }

// longest returns the longest of suffixes the word ends with ("" if none).
func (s *stemmer) longest(suffixes ...string) string {
	best := ""
	for _, x := range suffixes {
		if len(x) > len(best) && s.has(x) {
			best = x
		}
	}
	return best
}

func (s *stemmer) inR1(suffix string) bool { return len(s.b)-len(suffix) >= s.r1 }
func (s *stemmer) inR2(suffix string) bool { return len(s.b)-len(suffix) >= s.r2 }

// replace replaces suffix (which the word ends with) by with.
func (s *stemmer) replace(suffix, with string) {
	s.b = append(s.b[:len(s.b)-len(suffix)], with...)
}

// vowelIn reports whether b[:end] has a vowel.
func (s *stemmer) vowelIn(end int) bool {
	for i := 0; i < end; i++ {
		if isVowel(s.b[i]) {
			return true
		}
	}
	return false
}

// shortSyllableAt reports whether the word ends at end with a short
// syllable: a non-vowel, a vowel, then a non-vowel other than w, x or Y;
// or a vowel at the start followed by a non-vowel.
func (s *stemmer) shortSyllableAt(end int) bool {
	b := s.b[:end]
	n := len(b)
	if n == 2 {
		return isVowel(b[0]) && !isVowel(b[1])
	}
	if n >= 3 {
		c := b[n-1]
		return !isVowel(b[n-3]) && isVowel(b[n-2]) && !isVowel(c) && c != 'w' && c != 'x' && c != 'Y'
	}
	return false
}

// isShort: the word ends in a short syllable and R1 is empty.
func (s *stemmer) isShort() bool {
	return s.r1 >= len(s.b) && s.shortSyllableAt(len(s.b))
}

func (s *stemmer) step0() {
	if x := s.longest("'", "'s", "'s'"); x != "" {
		s.replace(x, "")
	}
}

func (s *stemmer) step1a() {
	switch x := s.longest("sses", "ied", "ies", "s", "us", "ss"); x {
	case "sses":
		s.replace(x, "ss")
	case "ied", "ies":
		if len(s.b)-len(x) > 1 {
			s.replace(x, "i")
		} else {
			s.replace(x, "ie")
		}
	case "s":
		// Delete if a vowel comes before the letter just before the s.
		if s.vowelIn(len(s.b) - 2) {
			s.replace(x, "")
		}
	}
}

func (s *stemmer) step1b() {
	switch x := s.longest("eed", "eedly", "ed", "edly", "ing", "ingly"); x {
	case "":
	case "eed", "eedly":
		if s.inR1(x) {
			s.replace(x, "ee")
		}
	default:
		if !s.vowelIn(len(s.b) - len(x)) {
			return
		}
		s.replace(x, "")
		switch {
		case s.has("at") || s.has("bl") || s.has("iz"):
			s.b = append(s.b, 'e')
		case s.endsDouble():
			s.b = s.b[:len(s.b)-1]
		case s.isShort():
			s.b = append(s.b, 'e')
		}
	}
}

func (s *stemmer) endsDouble() bool {
	for _, d := range []string{"bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"} {
		if s.has(d) {
			return true
		}
	}
	return false
}

func (s *stemmer) step1c() {
	n := len(s.b)
	if n > 2 && (s.b[n-1] == 'y' || s.b[n-1] == 'Y') && !isVowel(s.b[n-2]) {
		s.b[n-1] = 'i'
	}
}

var step2Rules = map[string]string{
	"tional": "tion", "enci": "ence", "anci": "ance", "abli": "able", "entli": "ent",
	"izer": "ize", "ization": "ize", "ational": "ate", "ation": "ate", "ator": "ate",
	"alism": "al", "aliti": "al", "alli": "al", "fulness": "ful", "ousli": "ous", "ousness": "ous",
	"iveness": "ive", "iviti": "ive", "biliti": "ble", "bli": "ble", "ogi": "og", "fulli": "ful",
	"lessli": "less", "li": "",
}

var step2Suffixes = keysOf(step2Rules)

func (s *stemmer) step2() {
	x := s.longest(step2Suffixes...)
	if x == "" || !s.inR1(x) {
		return
	}
	before := len(s.b) - len(x)
	switch x {
	case "ogi":
		if before < 1 || s.b[before-1] != 'l' {
			return
		}
	case "li":
		if before < 1 || !strings.ContainsRune("cdeghkmnrt", rune(s.b[before-1])) {
			return
		}
	}
	s.replace(x, step2Rules[x])
}

var step3Rules = map[string]string{
	"tional": "tion", "ational": "ate", "alize": "al", "icate": "ic", "iciti": "ic",
	"ical": "ic", "ful": "", "ness": "", "ative": "",
}

var step3Suffixes = keysOf(step3Rules)

func (s *stemmer) step3() {
	x := s.longest(step3Suffixes...)
	if x == "" || !s.inR1(x) || (x == "ative" && !s.inR2(x)) {
		return
	}
	s.replace(x, step3Rules[x])
}

var step4Suffixes = []string{"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement",
	"ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion"}

func (s *stemmer) step4() {
	x := s.longest(step4Suffixes...)
	if x == "" || !s.inR2(x) {
		return
	}
	if x == "ion" {
		before := len(s.b) - len(x)
		if before < 1 || (s.b[before-1] != 's' && s.b[before-1] != 't') {
			return
		}
	}
	s.replace(x, "")
}

func (s *stemmer) step5() {
	n := len(s.b)
	switch {
	case s.has("e"):
		if s.inR2("e") || (s.inR1("e") && !s.shortSyllableAt(n-1)) {
			s.b = s.b[:n-1]
		}
	case s.has("l"):
		if s.inR2("l") && n >= 2 && s.b[n-2] == 'l' {
			s.b = s.b[:n-1]
		}
	}
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
