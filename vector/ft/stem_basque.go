package ft

import "unicode/utf8"

// Basque stemming: the Snowball Basque algorithm
// (snowballstem.org/algorithms/basque/stemmer.html), in its Snowball 2.2
// form. Its first two steps repeat while they find a suffix; a step that
// rewrites a suffix instead of removing it leaves the rewritten letters
// out of reach of the steps after it.

var (
	euVowel   = vowelSet("aeiou")
	euAditzak = newStep(inWord,
		sbRule{suffixes: "le la tzaile aldatu atu tzailea taile tailea pera gale galea gura kura kor korra or " +
			"orra tun tuna gaitz gaitza kaitz kaitza ezin ezina tezin tezina errez erreza karri karria tzaga " +
			"tzaka tzake tzeke ez eza tzez keta eta etan pen pena tze atze kuntza kunde kundea kune kunea kuna " +
			"kera era kizun kizuna dura tura men mena go ago tio taldi taldia aldi aldia gune gunea bide bidea " +
			"pide pidea gai gaia ki kin rekin kina kari karia ari tari etari gailu gailua kide kidea ide idea " +
			"du ka kan an ean tu lari tatu rean tarazi arazi tzat bera dako", in: inRV},
		sbRule{suffixes: "garri garria tza", in: inR2},
		sbRule{suffixes: "atseden", to: "atseden"},
		sbRule{suffixes: "arabera", to: "arabera"},
		sbRule{suffixes: "baditu", to: "baditu"},
	)
	euIzenak = newStep(inWord,
		sbRule{suffixes: "ari aria bizia kari karia lari laria tari taria zain zaina tzain tzaina zale zalea " +
			"tzale tzalea aizun orde ordea burua ohi ohia kintza gintzo gintzu tzu tzua tzo tzoa kuntza talde " +
			"taldea eria keria teria di za ada tara etara tra ta tegi tegia keta z zko zkoa ti tia tsu tsua zu " +
			"zua bera pera zto ztoa asi asia gile gilea estu estua larri larria nahi nahia koi koia oi oia goi " +
			"min mina dun duna duru durua duri duria os osa oso osoa ar ara tar dar dara tiar tiara liar liara " +
			"gabe gabea kabe kabea ga ge kada tasun tasuna asun asuna go mendu mendua mentu mentua mendi mendia " +
			"zio zioa zino zinoa zione zionea ezia degi degia egi egia toki tokia leku lekua gintza alde aldea " +
			"kalde kaldea gune gunea une unea una pe pea gibel gibela ondo ondoa arte artea aurre aurrea etxe " +
			"etxea ola ontzi ontzia gela denda taldi taldia aldi aldia te tea zaro zaroa taro taroa oro oroa " +
			"aro aroa ero eroa eroz eroza ka kan kana tako etako takoa kote kotea tzar tzarra handi handia " +
			"kondo kondoa skila no noa ño ñoa ska xka zka tila to toa tto ttoa txo txoa txu txua anda anga " +
			"urren urrena gai gaia gei geia eme emea kume kumea sa ko eko koa ena enea ne nea kor korra ez eza " +
			"eta etan ki kia kin kina tu tua du dua ek tarik tariko tan ordu ordua oste ostea tzara ra antza " +
			"behar ro giro ak zp ket kail kaila ail kirri kirria ngo ngoa ñi sko sta koitz koitza na garren " +
			"garrena kera gerren gerrena garna kide tz tuko", in: inRV},
		sbRule{suffixes: "ora garri garria or buru ren tza", in: inR2},
		sbRule{suffixes: "joka", to: "jok"},
		sbRule{suffixes: "tzen ten en tatu", in: inR1},
		sbRule{suffixes: "trako", to: "tra"},
		sbRule{suffixes: "minutuko", to: "minutu"},
		sbRule{suffixes: "zehar", to: "zehar"},
		sbRule{suffixes: "geldi", to: "geldi"},
		sbRule{suffixes: "igaro", to: "igaro"},
		sbRule{suffixes: "aurka", to: "aurka"},
	)
	euAdjetiboak = newStep(inWord,
		sbRule{suffixes: "era ero go tate tade date dade keria ki to ro la gi larik lanik ik ztik rik", in: inRV},
		sbRule{suffixes: "zlea", to: "z"},
	)
)

// stemBasque returns the Basque stem of the lower-case word s.
func stemBasque(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(s)
	w.romanceRegions(euVowel)

	// w.r is the part the steps still see; kept is what a rewrite put
	// out of their reach.
	var kept []rune
	step := func(st *sbStep) bool {
		a := st.apply(w)
		if a == 0 {
			return false
		}
		if to := st.rules[a-1].to; to != "" {
			at := len(w.r) - utf8.RuneCountInString(to)
			kept = append(append([]rune(nil), w.r[at:]...), kept...)
			w.r = w.r[:at]
		}
		return true
	}
	for step(euAditzak) {
	}
	for step(euIzenak) {
	}
	step(euAdjetiboak)
	return string(w.r) + string(kept)
}
