package ft

import "unicode/utf8"

// Greek stemming: the Snowball Greek algorithm
// (snowballstem.org/algorithms/greek/stemmer.html), after Ntais's
// stemmer for Modern Greek as Saroukos revised it. Each step removes one
// family of endings; most then give back part of the ending when what is
// left is one of the step's listed stems (whole words: "atlimit"), or
// ends with one, or with a vowel. A word of fewer than three letters is
// only lower-cased, and accents and the final sigma go first.

var (
	grVowel  = vowelSet("αεηιουω")
	grVowel2 = vowelSet("αεηιοω")
	grPlain  = grLetters("ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫάέήίόύώΐΰϊϋΆΈΉΊΌΎΏς",
		"αβγδεζηθικλμνξοπρστυφχψωιυαεηιουωηυηυαεηιουωσ") // ΐ and ϊ: η, as the algorithm has it

	grStep1 = newSuffixes("φαγια φαγιου φαγιων", "σκαγια σκαγιου σκαγιων", "ολογιου ολογια ολογιων",
		"σογιου σογια σογιων", "τατογια τατογιου τατογιων", "κρεασ κρεατοσ κρεατα κρεατων",
		"περασ περατοσ περατη περατα περατων", "τερασ τερατοσ τερατα τερατων", "φωσ φωτοσ φωτα φωτων",
		"καθεστωσ καθεστωτοσ καθεστωτα καθεστωτων", "γεγονοσ γεγονοτοσ γεγονοτα γεγονοτων")
	grStep1To = []string{"φα", "σκα", "ολο", "σο", "τατο", "κρε", "περ", "τερ", "φω", "καθεστ", "γεγον"}

	grS1    = newSuffixes("ιζα ιζεσ ιζε ιζαμε ιζατε ιζαν ιζανε ιζω ιζεισ ιζει ιζουμε ιζετε ιζουν ιζουνε")
	grS1Exc = newSuffixes("αναμπα εμπα επα ξαναπα πα περιπα αθρο συναθρο δανε",
		"μαρκ κορν αμπαρ αρρ βαθυρι βαρκ β βολβορ γκρ γλυκορ γλυκυρ ιμπ λ λου μαρ μ πρ μπρ πολυρ π ρ πιπερορ")
	grS2    = newSuffixes("ωθηκα ωθηκεσ ωθηκε ωθηκαμε ωθηκατε ωθηκαν ωθηκανε")
	grS2Exc = newSuffixes("αλ βι εν υψ λι ζω σ χ")
	grS3    = newSuffixes("ισα ισεσ ισε ισαμε ισατε ισαν ισανε")
	grS3Exc = newSuffixes("αναμπα αθρο εμπα εσε εσωκλε επα ξαναπα επε περιπα συναθρο δανε κλε χαρτοπα εξαρχα "+
		"μετεπε αποκλε απεκλε εκλε πε",
		"αν αφ γε γιγαντοαφ γκε δημοκρατ κομ γκ μ π πουκαμ ολο λαρ")
	grS4    = newSuffixes("ισω ισεισ ισει ισουμε ισετε ισουν ισουνε")
	grS4Exc = newSuffixes("αναμπα εμπα εσε εσωκλε επα ξαναπα επε περιπα αθρο συναθρο δανε κλε χαρτοπα εξαρχα " +
		"μετεπε αποκλε απεκλε εκλε πε")
	grS5    = newSuffixes("ιστοσ ιστου ιστο ιστε ιστοι ιστων ιστουσ ιστη ιστησ ιστα ιστεσ")
	grS5Exc = newSuffixes("δανε συναθρο κλε σε εσωκλε ασε πλε",
		"μ π απ αρ ηδ κτ σκ σχ υψ φα χρ χτ ακτ αορ ασχ ατα αχν αχτ γεμ γυρ εμπ ευπ εχθ ηφα "+
			"καθ κακ κυλ λυγ μακ μεγ ταχ φιλ χωρ")
	grS6     = newSuffixes("ισμο ισμοι ισμοσ ισμου ισμουσ ισμων")
	grS6Exc  = newSuffixes("σε μετασε μικροσε εγκλε αποκλε", "δανε αντιδανε")
	grS6Swap = newSuffixes("αγνωστικ", "ατομικ", "γνωστικ", "εθνικ", "εκλεκτικ", "σκεπτικ", "τοπικ",
		"αλεξανδριν", "βυζαντιν", "θεατριν")
	grS6To  = []string{"αγνωστ", "ατομ", "γνωστ", "εθν", "εκλεκτ", "σκεπτ", "τοπ", "αλεξανδρ", "βυζαντ", "θεατρ"}
	grS7    = newSuffixes("αρακι αρακια ουδακι ουδακια")
	grS7Exc = newSuffixes("σ χ")
	grS8    = newSuffixes("ακι ακια ιτσα ιτσασ ιτσεσ ιτσων αρακι αρακια")
	grS8Exc = newSuffixes("βαμβ βρ καιμ κον κορ λαβρ λουλ μερ μουστ ναγκασ πλ ρ ρυ σ σκ σοκ σπαν τζ φαρμ χ καπακ "+
		"αλισφ αμβρ ανθρ κ φυλ κατραπ κλιμ μαλ σλοβ φ σφ τσεχοσλοβ",
		"β βαλ γιαν γλ ζ ηγουμεν καρδ μακρυν νυφ πατερ π τοσ τριπολ")
	grS9     = newSuffixes("ιδιο ιδια ιδιων")
	grS9Exc  = newSuffixes("αιφν ιρ ολο ψαλ")
	grS9Ends = newSuffixes("ε παιχν")
	grS10    = newSuffixes("ισκοσ ισκου ισκο ισκε")
	grS10Exc = newSuffixes("δ ιβ μην ρ φραγκ λυκ οβελ")

	gr2a     = newSuffixes("αδεσ αδων")
	gr2aEnds = newSuffixes("οκ μαμ μαν μπαμπ πατερ γιαγι νταντ κυρ θει πεθερ")
	gr2b     = newSuffixes("εδεσ εδων")
	gr2bEnds = newSuffixes("οπ ιπ εμπ υπ γηπ δαπ κρασπ μιλ")
	gr2c     = newSuffixes("ουδεσ ουδων")
	gr2cEnds = newSuffixes("αρκ καλιακ πεταλ λιχ πλεξ σκ σ φλ φρ βελ λουλ χν σπ τραγ φε")
	gr2d     = newSuffixes("εωσ εων")
	gr2dExc  = newSuffixes("θ δ ελ γαλ ν π ιδ παρ")
	gr3      = newSuffixes("ια ιου ιων")
	gr4      = newSuffixes("ικα ικο ικου ικων")
	gr4Exc   = newSuffixes("αλ αδ ενδ αμαν αμμοχαλ ηθ ανηθ αντιδ φυσ βρωμ γερ εξωδ καλπ καλλιν καταδ μουλ μπαν " +
		"μπαγιατ μπολ μποσ νιτ ξικ συνομηλ πετσ πιτσ πικαντ πλιατσ ποστελν πρωτοδ σερτ συναδ τσαμ υποδ φιλον " +
		"φυλοδ χασ")

	gr5a     = newSuffixes("αγαμε ησαμε ουσαμε ηκαμε ηθηκαμε")
	gr5aExc  = newSuffixes("αναπ αποθ αποκ αποστ βουβ ξεθ ουλ πεθ πικρ ποτ σιχ χ")
	gr5b     = newSuffixes("αγανε ησανε ουσανε ιοντανε ιοτανε ιουντανε οντανε οτανε ουντανε ηκανε ηθηκανε")
	gr5bAgan = newSuffixes("τρ τσ")
	gr5bExc  = newSuffixes("βετερ βουλκ βραχμ γ δραδουμ θ καλπουζ καστελ κορμορ λαοπλ μωαμεθ μ μουσουλμ ν ουλ π " +
		"πελεκ πλ πολισ πορτολ σαρακατσ σουλτ τσαρλατ ορφ τσιγγ τσοπ φωτοστεφ χ ψυχοπλ αγ γαλ γερ δεκ διπλ " +
		"αμερικαν ουρ πιθ πουριτ σ ζωντ ικ καστ κοπ λιχ λουθηρ μαιντ μελ σιγ σπ στεγ τραγ τσαγ φ ερ αδαπ αθιγγ " +
		"αμηχ ανικ ανοργ απηγ απιθ ατσιγγ βασ βασκ βαθυγαλ βιομηχ βραχυκ διατ διαφ ενοργ θυσ καπνοβιομηχ " +
		"καταγαλ κλιβ κοιλαρφ λιβ μεγλοβιομηχ μικροβιομηχ νταβ ξηροκλιβ ολιγοδαμ ολογαλ πενταρφ περηφ περιτρ " +
		"πλατ πολυδαπ πολυμηχ στεφ ταβ τετ υπερηφ υποκοπ χαμηλοδαπ ψηλοταβ")
	gr5c     = newSuffixes("ησετε")
	gr5cEnds = newSuffixes("οδ αιρ φορ ταθ διαθ σχ ενδ ευρ τιθ υπερθ ραθ ενθ ροθ σθ πυρ αιν συνδ συν συνθ χωρ " +
		"πον βρ καθ ευθ εκθ νετ ρον αρκ βαρ βολ ωφελ")
	gr5cExc = newSuffixes("αβαρ βεν εναρ αβρ αδ αθ αν απλ βαρον ντρ σκ κοπ μπορ νιφ παγ παρακαλ σερπ σκελ συρφ " +
		"τοκ υ δ εμ θαρρ θ")
	gr5d     = newSuffixes("οντασ ωντασ")
	gr5e     = newSuffixes("ομαστε ιομαστε")
	gr5fIe   = newSuffixes("π απ συμπ ασυμπ ακαταπ αμεταμφ")
	gr5fExc  = newSuffixes("αλ αρ εκτελ ζ μ ξ παρακαλ προ νισ")
	gr5gEthi = newSuffixes("ηθηκα ηθηκεσ ηθηκε")
	gr5g     = newSuffixes("ηκα ηκεσ ηκε")
	gr5gEnds = newSuffixes("σκωλ σκουλ ναρθ σφ οθ πιθ")
	gr5gExc  = newSuffixes("διαθ θ παρακαταθ προσθ συνθ")
	gr5h     = newSuffixes("ουσα ουσεσ ουσε")
	gr5hEnds = newSuffixes("ποδαρ βλεπ πανταχ φρυδ μαντιλ μαλλ κυματ λαχ ληγ φαγ ομ πρωτ")
	gr5hExc  = newSuffixes("φαρμακ χαδ αγκ αναρρ βρομ εκλιπ λαμπιδ λεχ μ πατ ρ λ μεδ μεσαζ υποτειν αμ αιθ ανηκ " +
		"δεσποζ ενδιαφερ δε δευτερευ καθαρευ πλε τσα")
	gr5i     = newSuffixes("αγα αγεσ αγε")
	gr5iEnds = newSuffixes("ψοφ ναυλοχ", "οφ πελ χορτ λλ σφ ρπ φρ πρ λοχ σμην") // the first: no change
	gr5iExc  = newSuffixes("αβαστ πολυφ αδηφ παμφ ρ ασπ αφ αμαλ αμαλλι ανυστ απερ ασπαρ αχαρ δερβεν δροσοπ ξεφ " +
		"νεοπ νομοτ ολοπ ομοτ προστ προσωποπ συμπ συντ τ υποτ χαρ αειπ αιμοστ ανυπ αποτ αρτιπ διατ εν επιτ " +
		"κροκαλοπ σιδηροπ λ ναυ ουλαμ ουρ π τρ μ")
	gr5j    = newSuffixes("ησε ησου ησα")
	gr5jExc = newSuffixes("ν χερσον δωδεκαν ερημον μεγαλον επταν")
	gr5k    = newSuffixes("ηστε")
	gr5kExc = newSuffixes("ασβ σβ αχρ χρ απλ αειμν δυσχρ ευχρ κοινοχρ παλιμψ")
	gr5l    = newSuffixes("ουνε ησουνε ηθουνε")
	gr5lExc = newSuffixes("ν ρ σπι στραβομουτσ κακομουτσ εξων")
	gr5m    = newSuffixes("ουμε ησουμε ηθουμε")
	gr5mExc = newSuffixes("παρασουσ φ χ ωριοπλ αζ αλλοσουσ ασουσ")

	gr6Mata = newSuffixes("ματα ματων ματοσ")
	gr6     = newSuffixes("α αγατε αγαν αει αμαι αν ασ ασαι αται αω ε ει εισ ειτε εσαι εσ εται ι ιεμαι ιεμαστε " +
		"ιεται ιεσαι ιεσαστε ιομασταν ιομουν ιομουνα ιονταν ιοντουσαν ιοσασταν ιοσαστε ιοσουν ιοσουνα ιοταν " +
		"ιουμα ιουμαστε ιουνται ιουνταν η ηδεσ ηδων ηθει ηθεισ ηθειτε ηθηκατε ηθηκαν ηθουν ηθω ηκατε ηκαν ησ " +
		"ησαν ησατε ησει ησεσ ησουν ησω ο οι ομαι ομασταν ομουν ομουνα ονται ονταν οντουσαν οσ οσασταν οσαστε " +
		"οσουν οσουνα οταν ου ουμαι ουμαστε ουν ουνται ουνταν ουσ ουσαν ουσατε υ υσ ω ων")
	gr7 = newSuffixes("εστερ εστατ οτερ οτατ υτερ υτατ ωτερ ωτατ")
)

// grLetters maps each letter of from to the letter at its place in to.
func grLetters(from, to string) map[rune]string {
	m := map[rune]string{}
	t := []rune(to)
	for i, c := range []rune(from) {
		m[c] = string(t[i])
	}
	return m
}

// grWord is a Greek word being stemmed; test1 says whether no step
// before step 6 removed an ending.
type grWord struct {
	sbWord
	test1 bool
}

// stemGreek returns the Greek stem of the lower-case word s.
func stemGreek(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	s = mapRunes(s, grPlain)
	w := &grWord{sbWord: sbWord{r: []rune(s)}, test1: true}
	if len(w.r) < 3 {
		return s
	}
	if k, a := grStep1.find(w.r, 0, len(w.r)); a != 0 {
		w.replace(k, grStep1To[a-1])
		w.test1 = false
	}
	w.step(grS1, grS1Exc, "ι", "ιζ")
	w.step(grS2, grS2Exc, "ων")
	if string(w.r) == "ισα" {
		w.r = w.r[:2]
	} else {
		w.step(grS3, grS3Exc, "ι", "ισ")
	}
	w.step(grS4, grS4Exc, "ι")
	w.step(grS5, grS5Exc, "ι", "ιστ")
	if w.step(grS6, grS6Exc, "ισμ", "ι") == 0 {
		if k, a := grS6Swap.find(w.r, 0, len(w.r)); a != 0 {
			w.replace(k, grS6To[a-1])
		}
	}
	w.step(grS7, grS7Exc, "αρακ")
	if w.step(grS8, grS8Exc, "ακ", "ιτσ") == 0 && w.ends("κορ") {
		w.add("ιτσ")
	}
	if w.step(grS9, grS9Exc, "ιδ") == 0 && w.endsIn(grS9Ends) != 0 {
		w.add("ιδ")
	}
	w.step(grS10, grS10Exc, "ισκ")
	w.steps2()
	w.steps5()
	if k, a := gr6Mata.find(w.r, 0, len(w.r)); a != 0 {
		w.replace(k, "μα")
	}
	if w.test1 {
		w.strip(gr6)
	}
	w.strip(gr7)
	return string(w.r)
}

// strip removes the longest ending of the word in table and returns its
// group (0 for none).
func (w *grWord) strip(table *sbSuffixes) int {
	k, a := table.find(w.r, 0, len(w.r))
	w.r = w.r[:len(w.r)-k]
	return a
}

// replace replaces the last k letters by to.
func (w *grWord) replace(k int, to string) {
	w.r = append(w.r[:len(w.r)-k], []rune(to)...)
}

// endsIn returns the group of the longest ending of the word in table.
func (w *grWord) endsIn(table *sbSuffixes) int {
	_, a := table.find(w.r, 0, len(w.r))
	return a
}

// is returns the group of the whole word in table.
func (w *grWord) is(table *sbSuffixes) int { return table.has(w.r) }

// add appends s.
func (w *grWord) add(s string) { w.r = append(w.r, []rune(s)...) }

// endsWith reports whether the word ends with a letter of v.
func (w *grWord) endsWith(v func(rune) bool) bool { return len(w.r) > 0 && v(w.r[len(w.r)-1]) }

// step removes an ending of suffixes, clearing test1; when what is left
// is a stem of exc, it appends the add of that stem's group. It returns
// -1 when no ending was removed, else the group (0: no stem of exc).
func (w *grWord) step(suffixes, exc *sbSuffixes, add ...string) int {
	if w.strip(suffixes) == 0 {
		return -1
	}
	w.test1 = false
	a := w.is(exc)
	if a != 0 {
		w.add(add[a-1])
	}
	return a
}

// trim removes the ending suf, clearing test1, and reports whether the
// word had it.
func (w *grWord) trim(suf string) bool {
	if !w.ends(suf) {
		return false
	}
	w.cut(suf)
	w.test1 = false
	return true
}

// giveBack gives back part of a removed ending (add) in steps 4, 5b and
// 5c: after a final vowel of v, or else after an ending of ends; with
// neither, only to a word that is a stem of exc. The algorithm's text,
// "([] v <- add) or ([] substring among (ends) (<- add)) or [] substring
// atlimit among (exc) (<- add)", reads in Snowball as that stem test
// following whichever alternative succeeded (the last is the lone "["),
// so when what precedes the vowel or ending is a stem of exc, add
// replaces the vowel or ending instead (σπα-νε -> σπαν).
func (w *grWord) giveBack(v func(rune) bool, ends, exc *sbSuffixes, add string) {
	k := 0 // the length of the vowel or ending add follows
	if w.endsWith(v) {
		k = 1
	} else if n, a := ends.find(w.r, 0, len(w.r)); a != 0 {
		k = n
	} else {
		if w.is(exc) != 0 {
			w.add(add)
		}
		return
	}
	if exc.has(w.r[:len(w.r)-k]) != 0 {
		w.r = w.r[:len(w.r)-k]
	}
	w.add(add)
}

// steps2 runs steps 2a to 4: plural nouns in -άδες, -έδες, -ούδες,
// -έως, and endings in -ια and -ικα.
func (w *grWord) steps2() {
	if w.strip(gr2a) != 0 && w.endsIn(gr2aEnds) == 0 {
		w.add("αδ")
	}
	if w.strip(gr2b) != 0 && w.endsIn(gr2bEnds) != 0 {
		w.add("εδ")
	}
	if w.strip(gr2c) != 0 && w.endsIn(gr2cEnds) != 0 {
		w.add("ουδ")
	}
	w.step(gr2d, gr2dExc, "ε")
	if w.step(gr3, nil) == 0 && w.endsWith(grVowel) {
		w.add("ι")
	}
	if w.step(gr4, nil) == 0 {
		w.giveBack(grVowel, nil, gr4Exc, "ικ")
	}
}

// steps5 runs steps 5a to 5m: verb endings.
func (w *grWord) steps5() {
	if string(w.r) == "αγαμε" {
		w.r = w.r[:4]
	}
	w.step(gr5a, nil)
	if w.trim("αμε") && w.is(gr5aExc) != 0 {
		w.add("αμ")
	}
	w.step(gr5b, gr5bAgan, "αγαν")
	if w.trim("ανε") {
		w.giveBack(grVowel2, nil, gr5bExc, "αν")
	}
	w.step(gr5c, nil)
	if w.trim("ετε") {
		w.giveBack(grVowel2, gr5cEnds, gr5cExc, "ετ")
	}
	if w.step(gr5d, nil) == 0 {
		if string(w.r) == "αρχ" {
			w.add("οντ")
		} else if w.ends("κρε") {
			w.add("ωντ")
		}
	}
	if w.step(gr5e, nil) == 0 && string(w.r) == "ον" {
		w.add("ομαστ")
	}
	if w.trim("ιεστε") && w.is(gr5fIe) != 0 {
		w.add("ιεστ")
	}
	if w.trim("εστε") && w.is(gr5fExc) != 0 {
		w.add("ιεστ")
	}
	w.step(gr5gEthi, nil)
	if w.step(gr5g, nil) == 0 && (w.endsIn(gr5gEnds) != 0 || w.is(gr5gExc) != 0) {
		w.add("ηκ")
	}
	if w.step(gr5h, nil) == 0 && (w.endsIn(gr5hEnds) != 0 || w.is(gr5hExc) != 0) {
		w.add("ουσ")
	}
	w.step(gr5j, gr5jExc, "ησ")
	if w.step(gr5i, nil) == 0 {
		switch {
		case w.ends("κολλ"):
			w.add("αγ")
		case w.endsIn(gr5iEnds) == 1:
		case w.endsIn(gr5iEnds) == 2 || w.is(gr5iExc) != 0:
			w.add("αγ")
		}
	}
	w.step(gr5k, gr5kExc, "ηστ")
	w.step(gr5l, gr5lExc, "ουν")
	w.step(gr5m, gr5mExc, "ουμ")
}
