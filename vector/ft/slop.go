package ft

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Term distance, as RediSearch 2.8 checks it: an intersection with a slop
// (the $slop attribute, or FT.SEARCH's SLOP for every intersection that
// has none) passes a document only when its matched words lie within
// slop intervening words in all (the span of one position of each, less
// the words themselves), and with INORDER ($inorder: true) in the query's
// order; INORDER without a slop allows any distance. Children without
// positions (tags, numbers, optional clauses that did not match) are left
// out. An exact phrase is always slop 0, in order.

// slopSet reports whether the node checks term distance.
func (n *Node) slopSet() bool { return n.HasSlop || n.InOrder }

// maxSlop is the node's slop: its $slop, or with only INORDER no bound.
func (n *Node) maxSlop() int {
	if n.HasSlop {
		return n.Slop
	}
	return math.MaxInt32
}

// applySlopAttr applies a $slop or $inorder attribute.
func (n *Node) applySlopAttr(name, value string) error {
	if name == "SLOP" {
		v, err := strconv.Atoi(value)
		if err != nil || v < 0 {
			return fmt.Errorf("Invalid value (%s) for `slop`", value)
		}
		n.Slop, n.HasSlop = v, true
		return nil
	}
	switch strings.ToLower(value) {
	case "true", "1":
		n.InOrder = true
	case "false", "0":
		n.InOrder = false
	default:
		return fmt.Errorf("Invalid value (%s) for `inorder`", value)
	}
	return nil
}

// markSlop gives the tree's intersections that have no $slop the query's
// SLOP (hasSlop) and INORDER.
func markSlop(n *Node, slop int, hasSlop, inOrder bool) {
	if n.Kind == qAnd || n.Kind == qText && len(n.Terms) > 1 && !n.Phrase {
		if !n.HasSlop && hasSlop {
			n.Slop, n.HasSlop = slop, true
		}
		n.InOrder = n.InOrder || inOrder
	}
	for _, k := range n.Kids {
		markSlop(k, slop, hasSlop, inOrder)
	}
}

// withinSlop reports whether the kids' positions hold one position of
// each kid that has positions within slop intervening words, in the
// kids' order when inOrder.
func withinSlop(kids []*result, slop int, inOrder bool) bool {
	var pos [][]uint32
	for _, k := range kids {
		if off := k.offsets(); len(off) > 0 {
			pos = append(pos, off)
		}
	}
	if len(pos) <= 1 {
		return true
	}
	if inOrder {
		return inOrderWithin(pos, slop)
	}
	return anyOrderWithin(pos, slop)
}

// inOrderWithin: from each position of the first list, the nearest
// position not before it in each next list; the span of the best run.
func inOrderWithin(pos [][]uint32, slop int) bool {
	for _, start := range pos[0] {
		last, ok := start, true
		for _, list := range pos[1:] {
			i := firstAtLeast(list, last)
			if i == len(list) {
				ok = false
				break
			}
			last = list[i]
		}
		if !ok {
			return false // later starts find nothing either
		}
		if int(last)-int(start)-(len(pos)-1) <= slop {
			return true
		}
	}
	return false
}

// anyOrderWithin slides a window holding one position of each list,
// advancing the smallest, and checks every window's span.
func anyOrderWithin(pos [][]uint32, slop int) bool {
	idx := make([]int, len(pos))
	for {
		lo, hi, loList := pos[0][idx[0]], pos[0][idx[0]], 0
		for i := 1; i < len(pos); i++ {
			p := pos[i][idx[i]]
			if p < lo {
				lo, loList = p, i
			}
			hi = max(hi, p)
		}
		if int(hi)-int(lo)-(len(pos)-1) <= slop {
			return true
		}
		idx[loList]++
		if idx[loList] == len(pos[loList]) {
			return false
		}
	}
}

func firstAtLeast(list []uint32, p uint32) int {
	lo, hi := 0, len(list)
	for lo < hi {
		m := (lo + hi) / 2
		if list[m] < p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// slopAttrText is the node's $slop and $inorder as FT.EXPLAIN shows them
// after the node ("" for none).
func slopAttrText(n *Node) string {
	if !n.slopSet() {
		return ""
	}
	s := " => {"
	if n.HasSlop {
		s += " $slop: " + strconv.Itoa(n.Slop) + ";"
	}
	return s + " $inorder: " + strconv.FormatBool(n.InOrder) + "; }"
}
