package ftargs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// parseSnippet reads SUMMARIZE [FIELDS n f...] [FRAGS n] [LEN n]
// [SEPARATOR s] or HIGHLIGHT [FIELDS n f...] [TAGS open close], as
// RediSearch does: FIELDS only first, the other options in any order and
// any number of times (the last wins), up to the first word that is none
// of them.
func (s *Search) parseSnippet(args [][]byte, i int) (int, error) {
	sn := Snippet{Highlight: strings.EqualFold(string(args[i]), "HIGHLIGHT")}
	bad := errors.New("Bad arguments for SUMMARIZE")
	if sn.Highlight {
		bad = errors.New("Bad arguments for HIGHLIGHT")
		sn.Open, sn.Close = DefaultOpenTag, DefaultCloseTag
	} else {
		sn.Frags, sn.Len, sn.Separator = DefaultFrags, DefaultFragLen, DefaultSeparator
	}
	j := i + 1
	if j < len(args) && strings.EqualFold(string(args[j]), "FIELDS") {
		n, msg := unsigned(args, j+1, maxCount)
		if msg != "" || j+2+int(n) > len(args) {
			return 0, bad
		}
		if n > 0 {
			sn.Fields = strs(args[j+2 : j+2+int(n)])
		}
		j += 2 + int(n)
	}
	for j < len(args) {
		w := strings.ToUpper(string(args[j]))
		switch {
		case sn.Highlight && w == "TAGS":
			if j+2 >= len(args) {
				return 0, bad
			}
			sn.Open, sn.Close = string(args[j+1]), string(args[j+2])
			j += 3
		case !sn.Highlight && (w == "LEN" || w == "FRAGS"):
			n, msg := unsigned(args, j+1, maxCount)
			if msg != "" {
				return 0, bad
			}
			if w == "LEN" {
				sn.Len = n
			} else {
				sn.Frags = n
			}
			j += 2
		case !sn.Highlight && w == "SEPARATOR":
			if j+1 >= len(args) {
				return 0, bad
			}
			sn.Separator = string(args[j+1])
			j += 2
		default:
			s.Snippets = append(s.Snippets, sn)
			return j, nil
		}
	}
	s.Snippets = append(s.Snippets, sn)
	return j, nil
}

// appendArgs appends the clause as FT.SEARCH arguments, every option
// spelled out.
func (sn *Snippet) appendArgs(dst [][]byte) [][]byte {
	w := func(words ...string) {
		for _, x := range words {
			dst = append(dst, []byte(x))
		}
	}
	if sn.Highlight {
		w("HIGHLIGHT")
	} else {
		w("SUMMARIZE")
	}
	if len(sn.Fields) > 0 {
		w("FIELDS", strconv.Itoa(len(sn.Fields)))
		w(sn.Fields...)
	}
	if sn.Highlight {
		w("TAGS", sn.Open, sn.Close)
	} else {
		w("FRAGS", strconv.FormatInt(sn.Frags, 10), "LEN", strconv.FormatInt(sn.Len, 10), "SEPARATOR", sn.Separator)
	}
	return dst
}

// parseFilter reads FILTER field min max.
func (s *Search) parseFilter(args [][]byte, i int) (int, error) {
	if i+3 >= len(args) {
		return 0, errors.New("FILTER requires 3 arguments")
	}
	f := NumericFilter{Field: string(args[i+1]), Min: string(args[i+2]), Max: string(args[i+3])}
	if !rangeBound(f.Min, true) {
		return 0, fmt.Errorf("Bad lower range: %s", strings.TrimPrefix(f.Min, "("))
	}
	if !rangeBound(f.Max, false) {
		return 0, fmt.Errorf("Bad upper range: %s", strings.TrimPrefix(f.Max, "("))
	}
	s.Filters = append(s.Filters, f)
	return i + 4, nil
}

// rangeBound says whether b is a numeric range bound: a number, "(" and a
// number (exclusive), -inf for a lower bound, inf or +inf for an upper.
func rangeBound(b string, lower bool) bool {
	b = strings.TrimPrefix(b, "(")
	if lower && strings.EqualFold(b, "-inf") || !lower && strings.EqualFold(strings.TrimPrefix(b, "+"), "inf") {
		return true
	}
	_, ok := parseDouble(b)
	return ok
}

// parseGeoFilter reads GEOFILTER field lon lat radius m|km|mi|ft.
func (s *Search) parseGeoFilter(args [][]byte, i int) (int, error) {
	if i+5 >= len(args) {
		return 0, errors.New("GEOFILTER requires 5 arguments")
	}
	g := GeoFilter{Field: string(args[i+1]), Lon: string(args[i+2]), Lat: string(args[i+3]),
		Radius: string(args[i+4]), Unit: string(args[i+5])}
	for _, c := range []struct{ name, v string }{{"<lon>", g.Lon}, {"<lat>", g.Lat}, {"<radius>", g.Radius}} {
		if _, ok := parseDouble(c.v); !ok {
			return 0, fmt.Errorf("Bad arguments for %s: %s", c.name, acParse)
		}
	}
	switch strings.ToLower(g.Unit) {
	case "m", "km", "mi", "ft":
	default:
		return 0, fmt.Errorf("Unknown distance unit %s", g.Unit)
	}
	s.GeoFilters = append(s.GeoFilters, g)
	return i + 6, nil
}
