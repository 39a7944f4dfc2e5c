package ft

import "unicode/utf8"

// Hindi stemming: the Snowball Hindi algorithm
// (snowballstem.org/algorithms/hindi/stemmer.html), after Ramanathan and
// Rao's "A Lightweight Stemmer for Hindi": it removes the longest of a
// list of suffixes (written in Devanagari, with both the independent and
// the dependent form of a leading vowel) that leaves at least one
// letter. A suffix that begins with the implicit a of a consonant (ता,
// ना, कर, ...) is removed only after a consonant that is not the word's
// first letter; else a shorter suffix may be.

var (
	hiConsonant = vowelSet("कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसहऴऩऱऴक़ख़ग़ज़ड़ढ़फ़य़")
	hiSuffix    = suffixTable("् अ आ इ ई उ ऊ ए ओ एं ओं आं उआं उएं उओं आएं आओं इयां इयों आइयां आइयों आँ इयाँ आइयाँ अताएं "+
		"अताओं अनाएं अनाओं अता अती ईं अतीं अते आता आती आतीं आते अना अनी अने आना आने ऊंगा ऊंगी आऊंगा "+
		"आऊंगी एंगे एंगी आएंगे आएंगी ओगे ओगी आओगे आओगी एगा एगी आएगा आएगी आया आए आई आईं इए आओ आइए "+
		"अकर आकर ा ि ी ु ू े ो ें ों ां ुआं ुएं ुओं ाएं ाओं ियां ियों ाइयां ाइयों ाँ ियाँ ाइयाँ ीं "+
		"ाता ाती ातीं ाते ाना ाने ूंगा ूंगी ाऊंगा ाऊंगी ेंगे ेंगी ाएंगे ाएंगी ोगे ोगी ाओगे ाओगी ेगा "+
		"ेगी ाएगा ाएगी ाया ाए ाई ाईं िए ाओ ाइए ाकर",
		"ताएं ताओं नाएं नाओं ता ती तीं ते ना नी ने कर") // the second group: only after a consonant
)

// stemHindi returns the Hindi stem of the word s.
func stemHindi(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	r := []rune(s)
	for k := min(len(r)-1, 5); k > 0; k-- { // the longest suffix has 5 letters
		switch hiSuffix[string(r[len(r)-k:])] {
		case 1:
			return string(r[:len(r)-k])
		case 2:
			if at := len(r) - k - 1; at >= 1 && hiConsonant(r[at]) {
				return string(r[:len(r)-k])
			}
		}
	}
	return s
}
