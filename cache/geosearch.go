package cache

import (
	"errors"
	"math"
	"slices"
)

// ErrGeoMember is GEOSEARCH's error for a FROMMEMBER (or
// GEORADIUSBYMEMBER) member that is not in the set.
var ErrGeoMember = errors.New("could not decode requested zset member")

// GeoShape is the area a geo search covers, centred on Lon, Lat: a circle
// of Radius, or with Box a box of Width by Height, in units of Unit
// metres each.
type GeoShape struct {
	Lon, Lat              float64
	Box                   bool
	Radius, Width, Height float64
	Unit                  float64
}

// GeoSort is the order of a geo search's results.
type GeoSort uint8

// Orders: as found (the cells' order, then score order), nearest first,
// farthest first.
const (
	GeoUnsorted GeoSort = iota
	GeoAsc
	GeoDesc
)

// GeoQuery is a parsed GEOSEARCH (or GEORADIUS...). With FromMember the
// centre is Member's position. Count > 0 keeps the first Count results
// (the nearest, unless Any: then the search stops at Count found).
type GeoQuery struct {
	Shape      GeoShape
	FromMember bool
	Member     string
	Count      int64
	Any        bool
	Sort       GeoSort
	// Gate, when set, is called once the key is looked up (exists) and,
	// with FromMember, the member (found): an error it returns is the
	// search's, so a command can order its errors as Redis does.
	Gate func(exists, found bool) error
}

// GeoHit is a member a geo search found: its distance from the centre in
// the query's unit, its score and its position.
type GeoHit struct {
	Member   string
	Dist     float64
	Score    float64
	Lon, Lat float64
}

// boundingBox returns the longitudes and latitudes that bound s.
func (s *GeoShape) boundingBox() (minLon, minLat, maxLon, maxLat float64) {
	h, w := s.Radius, s.Radius
	if s.Box {
		h, w = s.Height/2, s.Width/2
	}
	h, w = s.Unit*h, s.Unit*w
	latDelta := rad2deg(h / earthRadiusM)
	top := rad2deg(w / earthRadiusM / geoCos(deg2rad(s.Lat+latDelta)))
	bottom := rad2deg(w / earthRadiusM / geoCos(deg2rad(s.Lat-latDelta)))
	if s.Lat < 0 {
		return s.Lon - bottom, s.Lat - latDelta, s.Lon + bottom, s.Lat + latDelta
	}
	return s.Lon - top, s.Lat - latDelta, s.Lon + top, s.Lat + latDelta
}

// cells returns the geohash cells a search of s scans, in Redis's order
// (centre, N, S, E, W, NE, NW, SE, SW), those that cannot hold a match
// and repeats of the one before left out.
func (s *GeoShape) cells() []geoBits {
	minLon, minLat, maxLon, maxLat := s.boundingBox()
	radius := s.Radius
	if s.Box {
		radius = math.Sqrt((s.Width/2)*(s.Width/2) + (s.Height/2)*(s.Height/2))
	}
	radius *= s.Unit
	step := estimateStep(radius, s.Lat)
	h, _ := geoEncode(geoLonRange, geoLatRange, s.Lon, s.Lat, step)
	nb := neighborsOf(h)
	north, south := geoDecode(geoLonRange, geoLatRange, nb.n), geoDecode(geoLonRange, geoLatRange, nb.s)
	east, west := geoDecode(geoLonRange, geoLatRange, nb.e), geoDecode(geoLonRange, geoLatRange, nb.w)
	if step > 1 && (north.lat.max < maxLat || south.lat.min > minLat || east.lon.max < maxLon || west.lon.min > minLon) {
		step--
		h, _ = geoEncode(geoLonRange, geoLatRange, s.Lon, s.Lat, step)
		nb = neighborsOf(h)
	}
	area := geoDecode(geoLonRange, geoLatRange, h)
	if step >= 2 {
		if area.lat.min < minLat {
			nb.s, nb.sw, nb.se = geoBits{}, geoBits{}, geoBits{}
		}
		if area.lat.max > maxLat {
			nb.n, nb.ne, nb.nw = geoBits{}, geoBits{}, geoBits{}
		}
		if area.lon.min < minLon {
			nb.w, nb.sw, nb.nw = geoBits{}, geoBits{}, geoBits{}
		}
		if area.lon.max > maxLon {
			nb.e, nb.se, nb.ne = geoBits{}, geoBits{}, geoBits{}
		}
	}
	all := [9]geoBits{h, nb.n, nb.s, nb.e, nb.w, nb.ne, nb.nw, nb.se, nb.sw}
	out := make([]geoBits, 0, 9)
	for _, c := range all {
		if c.zero() || (len(out) > 0 && c == out[len(out)-1]) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// within reports whether the point of score is in s, with its position
// and its distance in metres from the centre.
func (s *GeoShape) within(score float64) (lon, lat, dist float64, ok bool) {
	lon, lat = GeoDecode(score)
	if !s.Box {
		dist = GeoDistance(s.Lon, s.Lat, lon, lat)
		return lon, lat, dist, dist <= s.Radius*s.Unit
	}
	if geoLatDistance(s.Lat, lat) > s.Height*s.Unit/2 {
		return lon, lat, 0, false
	}
	if GeoDistance(lon, lat, s.Lon, lat) > s.Width*s.Unit/2 {
		return lon, lat, 0, false
	}
	return lon, lat, GeoDistance(s.Lon, s.Lat, lon, lat), true
}

// geoSearch runs q on z (its centre already set).
func (z *zset) geoSearch(q *GeoQuery) []GeoHit {
	limit := 0
	if q.Any {
		limit = int(min(q.Count, math.MaxInt32))
	}
	var hits []GeoHit
	for _, c := range q.Shape.cells() {
		if limit > 0 && len(hits) >= limit {
			break
		}
		shift := 52 - 2*uint(c.step)
		r := ScoreRange{Min: float64(c.bits << shift), Max: float64((c.bits + 1) << shift), MaxEx: true}
		fr, n := z.scoreSpan(r)
		z.eachFrom(fr, n, func(m string, sc float64) bool {
			if lon, lat, d, ok := q.Shape.within(sc); ok {
				hits = append(hits, GeoHit{Member: m, Dist: d, Score: sc, Lon: lon, Lat: lat})
			}
			return limit == 0 || len(hits) < limit
		})
	}
	sortBy := q.Sort
	if q.Count > 0 && sortBy == GeoUnsorted && !q.Any {
		sortBy = GeoAsc
	}
	switch sortBy {
	case GeoAsc:
		slices.SortStableFunc(hits, func(a, b GeoHit) int { return cmpFloat(a.Dist, b.Dist) })
	case GeoDesc:
		slices.SortStableFunc(hits, func(a, b GeoHit) int { return cmpFloat(b.Dist, a.Dist) })
	}
	if q.Count > 0 && int64(len(hits)) > q.Count {
		hits = hits[:q.Count]
	}
	for i := range hits {
		hits[i].Dist /= q.Shape.Unit
	}
	return hits
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// eachFrom calls fn with n members from 1-based rank fr on, in order,
// until it returns false.
func (z *zset) eachFrom(fr, n int, fn func(m string, s float64) bool) {
	if n <= 0 {
		return
	}
	if z.packed() {
		for _, m := range z.lp.collect(fr-1, n, false) {
			if !fn(m.Member, m.Score) {
				return
			}
		}
		return
	}
	for nd := z.sl.byRank(fr); nd != nil && n > 0; nd, n = nd.lv()[0].next, n-1 {
		if !fn(nd.member(), nd.score) {
			return
		}
	}
}

// geoLookup runs q's gate and finds its centre on z (nil: the key is
// missing); it reports whether there is anything to search.
func geoLookup(z *zset, q *GeoQuery) (bool, error) {
	found := true
	if q.FromMember && z != nil {
		var s float64
		s, found = z.score(q.Member)
		if found {
			q.Shape.Lon, q.Shape.Lat = GeoDecode(s)
		}
	}
	if q.Gate != nil {
		if err := q.Gate(z != nil, found); err != nil {
			return false, err
		}
	}
	if !found {
		return false, ErrGeoMember
	}
	return z != nil, nil
}

// GeoSearch returns the members of the sorted set at key that q finds.
func (ks *Keyspace) GeoSearch(key []byte, q GeoQuery) ([]GeoHit, error) {
	var hits []GeoHit
	var err error
	rerr := ks.zsetRead(key, func(z *zset) {
		var ok bool
		if ok, err = geoLookup(z, &q); ok {
			hits = z.geoSearch(&q)
		}
	})
	if rerr != nil {
		return nil, rerr
	}
	return hits, err
}

// GeoSearchStore stores in dst the members of the sorted set at src that
// q finds, scored by their distance with storeDist, else by their own
// score (deleting dst when none is found), and returns how many.
func (ks *Keyspace) GeoSearchStore(dst, src []byte, q GeoQuery, storeDist bool) (int, error) {
	unlock := ks.lockKeys([][]byte{dst, src}, 1)
	defer unlock()
	sh, slot := ks.locate(src)
	var z *zset
	if e := ks.find(sh, slot, src); e != nil {
		if e.kind() != kindZSet {
			return 0, ErrWrongType
		}
		z = e.zsetVal()
		ks.touch(e)
	}
	ok, err := geoLookup(z, &q)
	if err != nil {
		return 0, err
	}
	out := newZSet()
	if ok {
		for _, h := range z.geoSearch(&q) {
			s := h.Score
			if storeDist {
				s = h.Dist
			}
			if out.sl.dict.get(h.Member) == nil {
				out.add(h.Member, s)
			}
		}
	}
	out.fit(ks.zlim())
	ks.zstore(dst, out)
	return out.card(), nil
}
