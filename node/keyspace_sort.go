package node

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/keyslot"
)

// sortArgs is a parsed SORT line.
type sortArgs struct {
	by           string // BY pattern ("" none)
	dontSort     bool   // BY names a pattern without '*' (BY nosort)
	gets         []string
	desc, alpha  bool
	start, count int64 // LIMIT; count -1: all
	store        []byte
}

func cmdSort(cx *Ctx)   { sortCommand(cx, false) }
func cmdSortRO(cx *Ctx) { sortCommand(cx, true) }

// sortCommand serves SORT and SORT_RO over sets and sorted sets with
// Redis 7.0's options and replies. BY and GET patterns read other keys,
// so, as in Redis, they are refused to a user whose key patterns do not
// cover every key, and in a cluster they must name the sort key's slot
// with a hash tag (Redis 7.0 refuses them in cluster mode altogether).
func sortCommand(cx *Ctx, readonly bool) {
	o, ok := parseSort(cx, readonly)
	if !ok {
		return
	}
	elems, ordered, err := cx.Node.ks.SortElements(cx.Args[1])
	if err != nil {
		cx.Err(err)
		return
	}
	if o.dontSort && !ordered && o.store != nil {
		// A set has no order of its own: sort it so that what is stored
		// (and replicated) does not depend on the representation.
		o.dontSort, o.alpha, o.by = false, true, ""
	}
	n := int64(len(elems))
	start := min(max(o.start, 0), n)
	count := min(max(o.count, -1), n)
	end := n - 1
	if count >= 0 {
		end = start + count - 1
	}
	if start >= n {
		start, end = n-1, n-2
	}
	end = min(end, n-1)
	switch {
	case o.dontSort && ordered && o.desc:
		slices.Reverse(elems)
	case !o.dontSort:
		if err := sortByWeights(cx, elems, o); err != nil {
			cx.Error(err.Error())
			return
		}
	}
	var picked []string
	if end >= start {
		picked = elems[start : end+1]
	}
	if o.store != nil {
		sortStore(cx, o, picked)
		return
	}
	if len(o.gets) == 0 {
		cx.Array(len(picked))
		for _, e := range picked {
			cx.BulkString(e)
		}
		return
	}
	cx.Array(len(picked) * len(o.gets))
	for _, e := range picked {
		for _, g := range o.gets {
			if v, ok := sortLookup(cx, g, e); ok {
				cx.Bulk(v)
			} else {
				cx.Null()
			}
		}
	}
}

// parseSort reads SORT's options, answering the error itself when it
// returns false.
func parseSort(cx *Ctx, readonly bool) (sortArgs, bool) {
	o := sortArgs{count: -1}
	args := cx.Args
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch opt := strings.ToLower(string(args[j])); {
		case opt == "asc":
			o.desc = false
		case opt == "desc":
			o.desc = true
		case opt == "alpha":
			o.alpha = true
		case opt == "limit" && left >= 2:
			a, err1 := cache.ParseInt(args[j+1])
			b, err2 := cache.ParseInt(args[j+2])
			if err1 != nil || err2 != nil {
				cx.Err(cache.ErrNotInteger)
				return o, false
			}
			o.start, o.count = a, b
			j += 2
		case !readonly && opt == "store" && left >= 1:
			o.store = args[j+1]
			j++
		case opt == "by" && left >= 1:
			o.by = string(args[j+1])
			o.dontSort = !strings.Contains(o.by, "*")
			if !o.dontSort {
				if msg := sortPatternDenied(cx, "BY", o.by); msg != "" {
					cx.Error(msg)
					return o, false
				}
			}
			j++
		case opt == "get" && left >= 1:
			g := string(args[j+1])
			if msg := sortPatternDenied(cx, "GET", g); msg != "" {
				cx.Error(msg)
				return o, false
			}
			o.gets = append(o.gets, g)
			j++
		default:
			cx.SyntaxError()
			return o, false
		}
	}
	return o, true
}

// sortPatternDenied returns Redis's error for a BY or GET pattern the
// caller may not use, or "". A user restricted to some keys may use none
// (the keys a pattern reads depend on the data); in a cluster a pattern
// must carry a hash tag of the sort key's slot (without '*' in it), so
// that it reads this shard's keys only. GET # reads no key.
func sortPatternDenied(cx *Ctx, opt, pattern string) string {
	if pattern == "#" {
		return ""
	}
	if cx.cl.user != nil && !cx.cl.user.Perms().UnrestrictedKeys() {
		return "ERR " + opt + " option of SORT denied due to insufficient ACL permissions."
	}
	if cx.Node.cl.Load() != nil && !sortPatternInSlot(pattern, cx.slotOfArg1()) {
		return "ERR " + opt + " option of SORT denied in Cluster mode."
	}
	return ""
}

// sortPatternInSlot reports whether every key pattern can name hashes to
// slot: its key part has a hash tag without '*' in it, of that slot.
func sortPatternInSlot(pattern string, slot int) bool {
	key := pattern
	if p := strings.IndexByte(key, '*'); p >= 0 {
		if f := strings.Index(key[p+1:], "->"); f >= 0 && p+1+f+2 < len(key) {
			key = key[:p+1+f]
		}
	}
	open := strings.IndexByte(key, '{')
	if open < 0 {
		return false
	}
	closing := strings.IndexByte(key[open+1:], '}')
	if closing <= 0 || strings.Contains(key[open+1:open+1+closing], "*") {
		return false
	}
	return keyslot.Of([]byte(key)) == slot
}

// sortLookup reads what pattern names for element: the element itself
// for "#", else the string key or hash field (key->field) the pattern
// names with '*' replaced by element; false when there is none.
func sortLookup(cx *Ctx, pattern, elem string) ([]byte, bool) {
	if pattern == "#" {
		return []byte(elem), true
	}
	p := strings.IndexByte(pattern, '*')
	if p < 0 {
		return nil, false
	}
	key, field := pattern, ""
	if f := strings.Index(pattern[p+1:], "->"); f >= 0 && p+1+f+2 < len(pattern) {
		key, field = pattern[:p+1+f], pattern[p+1+f+2:]
	}
	k := []byte(key[:p] + elem + key[p+1:])
	if field == "" {
		v, err := cx.Node.ks.Get(k)
		if err != nil || v == nil {
			return nil, false
		}
		return v, true
	}
	v, err := cx.Node.ks.HGet(k, []byte(field))
	if err != nil || v == nil {
		return nil, false
	}
	return v, true
}

var errSortScore = errors.New("ERR One or more scores can't be converted into double")

// sortByWeights sorts elems in place as o asks: by their own values or
// the BY pattern's, numerically or (ALPHA) as byte strings; numeric ties
// fall back to the elements' bytes, as Redis does.
func sortByWeights(cx *Ctx, elems []string, o sortArgs) error {
	type item struct {
		elem  string
		score float64
		cmp   []byte
		has   bool
	}
	items := make([]item, len(elems))
	badScore := false
	for i, e := range elems {
		it := item{elem: e}
		var w []byte
		if o.by != "" {
			v, ok := sortLookup(cx, o.by, e)
			if ok {
				w, it.has = v, true
			}
		} else {
			w, it.has = []byte(e), true
		}
		switch {
		case o.alpha:
			it.cmp = w
		case it.has:
			f, ok := sortScore(w)
			if !ok {
				badScore = true
			}
			it.score = f
		}
		items[i] = it
	}
	if badScore {
		return errSortScore
	}
	slices.SortFunc(items, func(a, b item) int {
		var c int
		switch {
		case !o.alpha:
			switch {
			case a.score > b.score:
				c = 1
			case a.score < b.score:
				c = -1
			default:
				c = strings.Compare(a.elem, b.elem)
			}
		case o.by != "":
			switch {
			case !a.has || !b.has:
				c = boolCmp(a.has, b.has)
			default:
				c = bytes.Compare(a.cmp, b.cmp)
			}
		default:
			c = strings.Compare(a.elem, b.elem)
		}
		if o.desc {
			return -c
		}
		return c
	})
	for i := range items {
		elems[i] = items[i].elem
	}
	return nil
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// sortScore reads a weight as strtod does for SORT: the whole string must
// be a number (the empty string is 0), never NaN.
func sortScore(b []byte) (float64, bool) {
	s := strings.TrimLeft(string(b), " \t\n\v\f\r")
	if s == "" {
		return 0, len(b) == 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, false
		}
		return 0, false
	}
	return f, !math.IsNaN(f)
}

// sortStore stores SORT's result at o.store as a list, replacing what the
// key held, and answers its length; an empty result deletes the key, as in
// Redis.
func sortStore(cx *Ctx, o sortArgs, picked []string) {
	var vals [][]byte
	for _, e := range picked {
		if len(o.gets) == 0 {
			vals = append(vals, []byte(e))
			continue
		}
		for _, g := range o.gets {
			// A GET that finds nothing stores an empty string, as in Redis.
			v, _ := sortLookup(cx, g, e)
			vals = append(vals, v)
		}
	}
	// The destination is replaced whatever it held; the dispatcher holds
	// its stripe, so no other client sees it between the two steps.
	cx.Node.ks.Del(o.store)
	if len(vals) > 0 {
		if _, err := cx.Node.ks.Push(o.store, vals, false, false); err != nil {
			cx.Err(err)
			return
		}
	}
	cx.Int(int64(len(vals)))
}
