package ft

import "unicode/utf8"

// Armenian stemming: the Snowball Armenian algorithm
// (snowballstem.org/algorithms/armenian/stemmer.html). Within RV (after
// the word's first vowel) it removes a case or plural ending (in R2),
// then a verb, an adjective and a noun suffix, each the longest that
// fits.

var (
	hyVowel  = vowelSet("աէիօւեոը")
	hyEnding = suffixTable("ները ներն ների ներդ երից ներից երի երդ երն երը ներին ությանն ությանը ությանս " +
		"ությանդ ության երին ին սա ոջ ից երով ներով երում ներում ուն ուդ վանս վանը վանդ անը անդ վան ոջը ոջս " +
		"ոջդ ոց ուց ոջից ցից վից վի վով ով անով անում վանից ամբ ան ներ եր վա ը ն դ ց ի")
	hyVerb = suffixTable("ում վում ալու ելու վել անալ ելուց ալուց ըալ ըել ալով ելով ալիս ելիս ենալ ացնալ " +
		"եցնել ցնել նել ատել ոտել կոտել տել ված եցվել ացվել եցիր ացիր եցինք ացինք վեցիր վեցինք վեցիք " +
		"վեցին ացրիր ացրեց ացրինք ացրիք ացրին եցիք ացիք եցին ացին ացար ացավ ացանք ացաք ացան վեցի ացրի " +
		"եցար եցավ ցանք ցաք ցան ացա ացի եցա չել եցի ար ավ անք աք ան ալ ել եց աց վե ա")
	hyAdjective = suffixTable("բար պես որէն ովին ակի լայն րորդ երորդ ական ալի կոտ եկեն որակ եղ վուն երեն " +
		"արան են ավետ գին իվ ատ ին")
	hyNoun = suffixTable("ածո անակ անօց արան արք պան ստան եղէն ենք իկ իչ իք մունք յակ յուն ոնք որդ ոց " +
		"չեք վածք վոր ավոր ություն ուկ ուհի ույթ ույք ուստ ուս ցի ալիք անիք իլ իչք ունք գար ու ակ ան ք")
)

// stemArmenian returns the Armenian stem of the lower-case word s.
func stemArmenian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(s)}
	w.rv, w.r2 = len(w.r), len(w.r)
	for i, c := range w.r {
		if hyVowel(c) {
			w.rv = i + 1
			w.r2 = pastVC(w.r, pastVC(w.r, i, hyVowel), hyVowel)
			break
		}
	}
	// The ending must lie in R2 as well: the longest in RV decides.
	if suf, a := w.longest(hyEnding, w.rv); a != 0 && w.inR2(suf) {
		w.cut(suf)
	}
	for _, t := range []map[string]int{hyVerb, hyAdjective, hyNoun} {
		if suf, a := w.longest(t, w.rv); a != 0 {
			w.cut(suf)
		}
	}
	return string(w.r)
}
