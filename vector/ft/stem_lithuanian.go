package ft

import (
	"strings"
	"unicode/utf8"
)

// Lithuanian stemming: the Snowball Lithuanian algorithm
// (snowballstem.org/algorithms/lithuanian/stemmer.html). It removes one
// inflectional ending in R1, then derivational suffixes in R1 for as long
// as there are any, after setting right a few words whose ending looks
// like another's (lietuvaite -> lietuvaitė); č and dž at the end go back
// to t and d.

var (
	ltVowel  = vowelSet("aeiyouąęįųėū")
	ltEnding = suffixTable("as ias is ys o io ui iui ą ią į u iu e yje y au i an ai iai ų ių ams am iams iam us " +
		"ius ais iais uose iuose uos iuos uosna iuosna ysna asis aisi osi ųsi uisi ąsi usi esi uo a ia os ios " +
		"oj oje ioje osna iosna om oms ioms omis iomis ose iose on ion ė ės ei ę ėj ėje ėms es ėmis ėse ėsna " +
		"ėn aus iaus umi iumi uje iuje iau ūs ums umis un iun ies ens enio eniui enį imi eniu enyje ie enie " +
		"enys ims enims enis imis enimis yse enyse iem iems ame iame uosi iuosi iesi asi iasi amės iamės at " +
		"ate iat iate atės iatės isi im imės it ite ome ot ote ėjo ėjosi otės eisi ėsi ėm ėme ėmės ėt ėte " +
		"ėtės ausi omės siu siuosi si siesi s ysis sim sime sit site čiau čiausi tum tumei tumeis tumeisi " +
		"tųsi tumėm tumėme tumėmės tute tumėt tumėte tumėtės k ki kimės uoti iuoti auti iauti oti ioti ėti " +
		"yti inti inėti enti telėti terėti ti ąs iąs įs tųs simės sitės kite")
	ltSuffix = suffixTable("ing išk ėt ot uot iuot yt iuk iul ėl yl učiuk uliuk utėait ok iok sv šv zgan op " +
		"iop ain ykšt ykšč esn aus iaus ias oj ioj aj iaj ąj iąj uoj iuoj iej ųj iųj ies uos iuos ais iais " +
		"os ios ąs iąs dav ant iant int ėj ę ėję ęs siant dam auj jam iau am")
	ltConflict = suffixTable("aite aitės", "uotės uote", "ėjime", "esiu", "asius", "avime", "ojime",
		"okatės okate")
	ltConflictTo = []string{"aitė", "uotė", "ėjimas", "esys", "asys", "avimas", "ojimas", "okatė"}
)

// stemLithuanian returns the Lithuanian stem of the lower-case word s.
func stemLithuanian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(s)}
	// R1 begins after the first consonant that follows a vowel, not
	// counting an a- prefix of a word of more than six letters.
	from := 0
	if len(w.r) > 6 && w.r[0] == 'a' {
		from = 1
	}
	w.r1 = len(w.r)
	for i := from; i < len(w.r); i++ {
		if ltVowel(w.r[i]) {
			for j := i + 1; j < len(w.r); j++ {
				if !ltVowel(w.r[j]) {
					w.r1 = j + 1
					break
				}
			}
			break
		}
	}
	if suf, a := w.longest(ltConflict, 0); a != 0 {
		w.swap(suf, ltConflictTo[a-1])
	}
	if suf, a := w.longest(ltEnding, w.r1); a != 0 {
		w.cut(suf)
	}
	ltFixChDz(w)
	for {
		suf, a := w.longest(ltSuffix, w.r1)
		if a == 0 {
			break
		}
		w.cut(suf)
	}
	ltFixChDz(w)
	if w.ends("gd") {
		w.cut("d")
	}
	return strings.TrimSuffix(string(w.r), "'")
}

// ltFixChDz turns a final č into t and dž into d.
func ltFixChDz(w *sbWord) {
	switch {
	case w.ends("č"):
		w.swap("č", "t")
	case w.ends("dž"):
		w.swap("dž", "d")
	}
}
