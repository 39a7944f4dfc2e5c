package ft

// The order in which RediSearch 2.8 finds the words of a suffix (*word)
// or infix (*word*) term without WITHSUFFIXTRIE, which decides the words
// kept when MAXEXPANSIONS cuts the expansion. It walks its trie of the
// index's words depth first, children in letter order, and tries the
// pattern from every letter: an infix that matches from a letter yields
// the whole subtree below the match, before the walk tries later
// starting letters in that subtree (so "abz" comes before "aab" for
// *ab*, and a word holding the pattern twice is found twice); a suffix
// yields a word where a match ends at its last letter and then looks for
// more matches below. A prefix and a fuzzy term find words in
// alphabetical order, as sort.Strings has them.

// affixTrie is a node of a trie of words, one letter per node.
type affixTrie struct {
	c    rune
	word string // the word ending here, "" for none
	kids []*affixTrie
}

// affixWalkBudget bounds the nodes one walk visits: RediSearch's walk
// revisits subtrees after each match, which some word lists make
// exponential; past the budget the walk keeps what it found.
const affixWalkBudget = 1 << 20

// affixOrder returns words (sorted, each matching the term) in the
// order RediSearch's walk finds them for the suffix or infix core, as
// often as it finds them, up to max finds; complete is false when the
// walk ran out of budget first.
func affixOrder(words []string, core string, infix bool, max int) (found []string, complete bool) {
	pat := []rune(core)
	if len(pat) == 0 || max <= 0 {
		return nil, true
	}
	root := &affixTrie{}
	for _, w := range words {
		n := root
		for _, c := range w {
			if k := len(n.kids); k > 0 && n.kids[k-1].c == c { // words are sorted
				n = n.kids[k-1]
				continue
			}
			ch := &affixTrie{c: c}
			n.kids = append(n.kids, ch)
			n = ch
		}
		n.word = w
	}
	var out []string
	steps := 0
	stop := func() bool { return len(out) >= max || steps > affixWalkBudget }
	var subtree func(n *affixTrie)
	subtree = func(n *affixTrie) {
		if n.word != "" && !stop() {
			out = append(out, n.word)
		}
		for _, k := range n.kids {
			subtree(k)
		}
	}
	var visit func(n *affixTrie, g int)
	visit = func(n *affixTrie, g int) {
		if steps++; stop() {
			return
		}
		if n.c == pat[g] {
			if g+1 == len(pat) {
				if infix {
					subtree(n)
					return
				}
				if n.word != "" {
					out = append(out, n.word)
				}
				for _, k := range n.kids {
					visit(k, 0)
				}
				return
			}
			for _, k := range n.kids {
				visit(k, g+1)
			}
		}
		if g == 0 {
			for _, k := range n.kids {
				visit(k, 0)
			}
		}
	}
	for _, k := range root.kids {
		visit(k, 0)
	}
	return out, steps <= affixWalkBudget
}

// cutExpansion returns the words a term keeps under max, given every
// word (sorted) it matches: for a suffix or infix term the first max
// finds of RediSearch's walk, each once, in the order found; else the
// first max words.
func cutExpansion(t string, words []string, max int) []string {
	core, affix := "", false
	if _, _, fuzzy := fuzzyTerm(t); !fuzzy && len(t) > 1 && t[0] == '*' {
		core, affix = affixCore(t)
	}
	if affix {
		found, complete := affixOrder(words, core, len(t) > 2 && t[len(t)-1] == '*', max)
		if complete {
			seen := map[string]bool{}
			var out []string
			for _, w := range found {
				if !seen[w] {
					seen[w] = true
					out = append(out, w)
				}
			}
			return out
		}
	}
	if len(words) > max {
		words = words[:max]
	}
	return words
}
