package ft

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
)

// VecRange is a vector range clause, "@field:[VECTOR_RANGE radius $blob]"
// with its "=>{$YIELD_DISTANCE_AS: name; $EPSILON: e}" attributes.
type VecRange struct {
	Radius      float64
	RadiusParam string // the parameter holding the radius, or ""
	Param       string // the parameter holding the query vector
	// Yield names the field results carry the distance under ("": none;
	// a range query has no default distance field).
	Yield      string
	yieldParam string // the parameter holding Yield's name, or ""
	// Epsilon is the EPSILON attribute (0: not given; an exact search
	// needs none).
	Epsilon    float64
	EpsAttr    *ftargs.Attr
	otherAttrs []ftargs.Attr // vector attributes RediSearch refuses in a range query
	twice      bool          // EPSILON given twice

	// dist is the distance of every document within the radius, filled in
	// by a search under the index's read lock (the tree is the request's).
	dist map[uint32]float32
}

// GeoQuery is a geo radius clause, "@field:[lon lat radius unit]" or
// GEOFILTER's; every value may be a parameter ($name in raw).
type GeoQuery struct {
	Lon, Lat, Radius float64
	Unit             string // m, km, mi or ft (lower case)
	raw              [4]string
}

// geoUnits are the metres of each distance unit.
var geoUnits = map[string]float64{"m": 1, "km": 1000, "mi": 1609.34, "ft": 0.3048}

// parseBracket parses "[...]" after "@field:": a vector range, a geo
// radius (four values) or a numeric range.
func (p *parser) parseBracket(field string) (*Node, error) {
	open := p.pos
	end := strings.IndexByte(p.s[p.pos:], ']')
	if end < 0 {
		return p.parseRange(field) // which says where it fails
	}
	words := strings.Fields(p.s[p.pos+1 : p.pos+end])
	switch {
	case len(words) > 0 && strings.EqualFold(words[0], "VECTOR_RANGE"):
		if len(words) != 3 || !strings.HasPrefix(words[2], "$") || len(words[2]) < 2 {
			p.pos = open + 1 + strings.Index(p.s[open+1:], words[0])
			return nil, p.fail()
		}
		r := &VecRange{Param: words[2][1:]}
		if err := numOrParam(words[1], &r.Radius, &r.RadiusParam); err != nil {
			p.pos = open + 1 + strings.Index(p.s[open+1:], words[1])
			return nil, p.fail()
		}
		p.pos += end + 1
		return &Node{Kind: qVecRange, Field: field, Range: r}, nil
	case len(words) == 4:
		g := &GeoQuery{}
		copy(g.raw[:], words)
		if err := g.resolve(nil); err != nil {
			if _, ok := err.(*ftargs.SyntaxError); ok {
				p.pos = open + 1
				return nil, p.fail()
			}
		}
		p.pos += end + 1
		return &Node{Kind: qGeo, Field: field, Geo: g}, nil
	}
	return p.parseRange(field)
}

// numOrParam reads a number, or a $parameter's name into param.
func numOrParam(w string, v *float64, param *string) error {
	if strings.HasPrefix(w, "$") && len(w) > 1 {
		*param = w[1:]
		return nil
	}
	f, err := strconv.ParseFloat(w, 64)
	if err != nil || math.IsNaN(f) {
		return &ftargs.SyntaxError{Near: w}
	}
	*v = f
	return nil
}

// resolve sets the clause's values from its words and params (nil
// params: literals only, parameters left for later). A word that is not
// a number is a *ftargs.SyntaxError.
func (g *GeoQuery) resolve(params map[string][]byte) error {
	vals := [4]string{}
	for i, w := range g.raw {
		if strings.HasPrefix(w, "$") && len(w) > 1 {
			if params == nil {
				continue
			}
			v, ok := params[w[1:]]
			if !ok {
				return fmt.Errorf("No such parameter `%s`", w[1:])
			}
			w = string(v)
		}
		vals[i] = w
	}
	for i, dst := range []*float64{&g.Lon, &g.Lat, &g.Radius} {
		if vals[i] == "" {
			continue
		}
		f, err := strconv.ParseFloat(vals[i], 64)
		if err != nil || math.IsNaN(f) {
			if strings.HasPrefix(g.raw[i], "$") {
				return fmt.Errorf("Invalid numeric value (%s) for parameter `%s`", vals[i], g.raw[i][1:])
			}
			return &ftargs.SyntaxError{Near: vals[i]}
		}
		*dst = f
	}
	if vals[3] != "" {
		g.Unit = strings.ToLower(vals[3])
	}
	if params == nil {
		return nil
	}
	return g.validate()
}

// validate checks the clause as RediSearch's GeoFilter_Validate does.
func (g *GeoQuery) validate() error {
	switch {
	case geoUnits[g.Unit] == 0:
		return errf("Invalid GeoFilter unit")
	case g.Lat > 90 || g.Lat < -90 || g.Lon > 180 || g.Lon < -180:
		return errf("Invalid GeoFilter lat/lon")
	case g.Radius <= 0:
		return errf("Invalid GeoFilter radius")
	}
	return nil
}

// NewGeoFilter makes the clause of a GEOFILTER argument.
func NewGeoFilter(f ftargs.GeoFilter) *Node {
	return &Node{Kind: qGeo, Field: f.Field, Geo: &GeoQuery{raw: [4]string{f.Lon, f.Lat, f.Radius, f.Unit}}}
}

// within reports whether the point lies within the clause's circle.
func (g *GeoQuery) within(pt [2]float64) bool {
	return geoDistance(g.Lon, g.Lat, pt[0], pt[1]) <= g.Radius*geoUnits[g.Unit]
}

// attrs reads a "=>{...}" attribute section after a clause, if there is
// one, and applies it to n.
func (p *parser) attrs(n *Node) error {
	save := p.pos
	if p.peek() != '=' || p.pos+1 >= len(p.s) || p.s[p.pos+1] != '>' {
		return nil
	}
	if p.v1 {
		p.pos = save
		return p.v1Attrs(n)
	}
	p.pos += 2
	if p.peek() != '{' {
		p.pos = save // a KNN arrow: not this clause's
		return nil
	}
	list, n2, err := ftargs.ParseAttrs(p.s[p.pos:], p.pos)
	if err != nil {
		return err
	}
	p.pos += n2
	for _, a := range list {
		if err := n.applyAttr(a); err != nil {
			return err
		}
	}
	return nil
}

// applyAttr applies one query attribute as RediSearch does: weight, slop,
// inorder (slop.go) and phonetic (which vcache ignores) to any clause,
// the distance field and the vector parameters to a vector range.
func (n *Node) applyAttr(a ftargs.Attr) error {
	name := strings.ToUpper(a.Name)
	switch name {
	case "WEIGHT":
		w, err := strconv.ParseFloat(a.Value, 64)
		if err != nil || w < 0 || math.IsNaN(w) {
			return fmt.Errorf("Invalid value (%s) for `weight`", a.Value)
		}
		n.Weight = w
		return nil
	case "SLOP", "INORDER":
		return n.applySlopAttr(name, a.Value)
	case "PHONETIC":
		return nil
	}
	if n.Kind != qVecRange {
		return fmt.Errorf("Invalid attribute %s", a.Name)
	}
	switch name {
	case "YIELD_DISTANCE_AS":
		if a.Param {
			n.Range.yieldParam = a.Value
		} else {
			n.Range.Yield = a.Value
		}
	case "EPSILON":
		n.Range.twice = n.Range.twice || n.Range.EpsAttr != nil
		n.Range.EpsAttr = &a
	case "EF_RUNTIME", "HYBRID_POLICY", "BATCH_SIZE":
		n.Range.otherAttrs = append(n.Range.otherAttrs, a)
	default:
		return fmt.Errorf("Invalid attribute %s", a.Name)
	}
	return nil
}

// resolveClauses resolves the parameters of the tree's geo and vector
// range clauses and checks their values.
func resolveClauses(n *Node, params map[string][]byte) error {
	for _, k := range n.Kids {
		if err := resolveClauses(k, params); err != nil {
			return err
		}
	}
	switch n.Kind {
	case qText:
		if n.termParam != "" {
			v, ok := params[n.termParam]
			if !ok {
				return fmt.Errorf("No such parameter `%s`", n.termParam)
			}
			marks, word := n.Terms[0], paramWord(v)
			if marks == "w''" {
				word = cutNUL(string(v)) // a pattern as given, escapes and case
			}
			n.Terms[0] = marks[:n.termCut] + word + marks[n.termCut:]
			n.termParam, n.fromParam = "", true
			// A number is a term RediSearch 2.8 does not stem: it marks a
			// node verbatim when its parameter's value reads as one.
			n.Verbatim = n.Verbatim || marks == "" && isCNumber(cutNUL(string(v)))
		}
	case qTag:
		for i, name := range n.tagParam {
			if name == "" {
				continue
			}
			v, ok := params[name]
			if !ok {
				return fmt.Errorf("No such parameter `%s`", name)
			}
			if i < len(n.tagAffix) && n.tagAffix[i] == affixWildcard {
				n.Tags[i] = string(v) // a pattern keeps its escapes
			} else {
				n.Tags[i] = unescapeValue(string(v))
			}
			if i < len(n.tagShown) {
				n.tagShown[i] = cutNUL(string(v)) // as given, as a C string
			}
		}
		n.tagParam = nil
		if err := resolveTagWords(n, params); err != nil {
			return err
		}
	case qNum:
		return resolveNumRange(n, params)
	case qGeo:
		return n.Geo.resolve(params)
	case qVecRange:
		r := n.Range
		if r.RadiusParam != "" {
			v, ok := params[r.RadiusParam]
			if !ok {
				return fmt.Errorf("No such parameter `%s`", r.RadiusParam)
			}
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil || math.IsNaN(f) {
				return fmt.Errorf("Invalid numeric value (%s) for parameter `%s`", v, r.RadiusParam)
			}
			r.Radius = f
		}
		if _, ok := params[r.Param]; !ok {
			return fmt.Errorf("No such parameter `%s`", r.Param)
		}
		if r.yieldParam != "" {
			v, ok := params[r.yieldParam]
			if !ok {
				return fmt.Errorf("No such parameter `%s`", r.yieldParam)
			}
			r.Yield, r.yieldParam = string(v), ""
		}
		if r.twice {
			return ftargs.VecSimError(ftargs.VecErrTwice)
		}
		for _, a := range r.otherAttrs {
			switch strings.ToUpper(a.Name) {
			case "EF_RUNTIME":
				return ftargs.VecSimError(ftargs.VecErrUnknownOption)
			default:
				return ftargs.VecSimError(ftargs.VecErrNotHybrid)
			}
		}
		if a := r.EpsAttr; a != nil {
			v, err := a.Resolve(params)
			if err != nil {
				return err
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !(f > 0) || math.IsInf(f, 0) {
				return ftargs.VecSimError(ftargs.VecErrBadValue)
			}
			r.Epsilon = f
		}
	}
	return nil
}

// geoDistance is the great-circle distance in metres between two points,
// by the haversine formula on the sphere Redis's GEO commands use.
func geoDistance(lon1, lat1, lon2, lat2 float64) float64 {
	const earthRadius = 6372797.560856
	const rad = math.Pi / 180
	u := math.Sin((lat2 - lat1) * rad / 2)
	v := math.Sin((lon2 - lon1) * rad / 2)
	a := u*u + math.Cos(lat1*rad)*math.Cos(lat2*rad)*v*v
	return 2 * earthRadius * math.Asin(math.Sqrt(a))
}

// parseGeoPoint reads a GEO field's value, "lon,lat" or "lon lat", within
// Redis's coordinate limits.
func parseGeoPoint(s string) ([2]float64, bool) {
	i := strings.IndexAny(s, " ,")
	if i < 0 || len(s) > 128 {
		return [2]float64{}, false
	}
	lon, err1 := strconv.ParseFloat(s[:i], 64)
	lat, err2 := strconv.ParseFloat(s[i+1:], 64)
	if err1 != nil || err2 != nil || lon < -180 || lon > 180 || lat < -85.05112878 || lat > 85.05112878 {
		return [2]float64{}, false
	}
	return [2]float64{lon, lat}, true
}
