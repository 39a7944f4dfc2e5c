package node

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
)

// Geo commands: points are sorted-set members scored by their 52-bit
// geohash (cache/geohash.go); searches are in cache/geosearch.go and
// their arguments in geo_parse.go.

// replyCoord answers a coordinate as Redis's addReplyHumanLongDouble:
// "%.17Lf" without trailing zeros, a double in RESP3, a bulk string in
// RESP2.
func replyCoord(cx *Ctx, f float64) {
	s := strconv.FormatFloat(f, 'f', 17, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	if cx.Proto() == 3 {
		b := append(cx.buf[:0], ',')
		b = append(b, s...)
		cx.raw(append(b, '\r', '\n'))
		return
	}
	cx.BulkString(s)
}

// replyDistance answers a distance with four decimals (rounded half to
// even, as Redis's llrint), as a bulk string in either protocol.
func replyDistance(cx *Ctx, d float64) {
	cx.BulkString(formatDistance(d))
}

func formatDistance(d float64) string {
	if d == 0 {
		return "0.0000"
	}
	v := int64(math.RoundToEven(d * 10000))
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	for len(s) < 5 {
		s = "0" + s
	}
	s = s[:len(s)-4] + "." + s[len(s)-4:]
	if neg {
		s = "-" + s
	}
	return s
}

func cmdGeoAdd(cx *Ctx) {
	args := cx.Args
	var f cache.ZAddFlags
	i := 2
opts:
	for ; i < len(args); i++ {
		switch strings.ToLower(string(args[i])) {
		case "nx":
			f.NX = true
		case "xx":
			f.XX = true
		case "ch":
			f.CH = true
		default:
			break opts
		}
	}
	rest := args[i:]
	if len(rest)%3 != 0 || (f.NX && f.XX) {
		cx.SyntaxError()
		return
	}
	items := make([]cache.ZMember, len(rest)/3)
	for j := range items {
		lon, lat, err := geoLonLat(rest[3*j], rest[3*j+1])
		if err != nil {
			cx.Error(err.Error())
			return
		}
		items[j] = cache.ZMember{Member: string(rest[3*j+2]), Score: cache.GeoScore(lon, lat)}
	}
	if len(items) == 0 {
		cx.SyntaxError()
		return
	}
	n, _, _, err := cx.Node.ks.ZAdd(args[1], f, items)
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Int(int64(n))
}

func cmdGeoPos(cx *Ctx) {
	scores, ok, err := cx.Node.ks.ZMScore(cx.Args[1], cx.Args[2:])
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Array(len(scores))
	for i, s := range scores {
		if !ok[i] {
			cx.NullArray()
			continue
		}
		lon, lat := cache.GeoDecode(s)
		cx.Array(2)
		replyCoord(cx, lon)
		replyCoord(cx, lat)
	}
}

func cmdGeoHash(cx *Ctx) {
	scores, ok, err := cx.Node.ks.ZMScore(cx.Args[1], cx.Args[2:])
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Array(len(scores))
	for i, s := range scores {
		if !ok[i] {
			cx.Null()
			continue
		}
		cx.BulkString(cache.GeoHashString(s))
	}
}

func cmdGeoDist(cx *Ctx) {
	unit := 1.0
	switch len(cx.Args) {
	case 4:
	case 5:
		u, err := geoUnit(cx.Args[4])
		if err != nil {
			cx.Error(err.Error())
			return
		}
		unit = u
	default:
		cx.SyntaxError()
		return
	}
	scores, ok, err := cx.Node.ks.ZMScore(cx.Args[1], cx.Args[2:4])
	if err != nil {
		cx.Err(err)
		return
	}
	if !ok[0] || !ok[1] {
		cx.Null()
		return
	}
	lon1, lat1 := cache.GeoDecode(scores[0])
	lon2, lat2 := cache.GeoDecode(scores[1])
	replyDistance(cx, cache.GeoDistance(lon1, lat1, lon2, lat2)/unit)
}

// The geo search commands (GEOSEARCH, GEOSEARCHSTORE and the GEORADIUS
// family), each a form of one search.
func cmdGeoSearch(cx *Ctx)           { geoSearchRun(cx, geoSearch, false) }
func cmdGeoSearchStore(cx *Ctx)      { geoSearchRun(cx, geoSearchStore, false) }
func cmdGeoRadius(cx *Ctx)           { geoSearchRun(cx, geoRadius, false) }
func cmdGeoRadiusRO(cx *Ctx)         { geoSearchRun(cx, geoRadius, true) }
func cmdGeoRadiusByMember(cx *Ctx)   { geoSearchRun(cx, geoRadiusByMember, false) }
func cmdGeoRadiusByMemberRO(cx *Ctx) { geoSearchRun(cx, geoRadiusByMember, true) }

// geoSearchRun serves a geo search of the given form (noStore: the _RO
// forms, which take no STORE).
func geoSearchRun(cx *Ctx, form geoForm, noStore bool) {
	g := parseGeoSearch(cx.Args, form, noStore)
	g.q.Gate = g.gate
	src := cx.Args[1]
	if form == geoSearchStore {
		src = cx.Args[2]
	}
	if g.store != nil {
		n, err := cx.Node.ks.GeoSearchStore(g.store, src, g.q, g.storeDist)
		if err != nil {
			geoError(cx, err)
			return
		}
		cx.Int(int64(n))
		return
	}
	hits, err := cx.Node.ks.GeoSearch(src, g.q)
	if err != nil {
		geoError(cx, err)
		return
	}
	replyGeoHits(cx, g, hits)
}

// geoError answers a geo search's error.
func geoError(cx *Ctx, err error) {
	switch {
	case errors.Is(err, cache.ErrGeoMember):
		cx.Error("ERR " + err.Error())
	case strings.HasPrefix(err.Error(), "ERR "):
		cx.Error(err.Error())
	default:
		cx.Err(err)
	}
}

// replyGeoHits answers the members a search found, each with what the
// WITH options ask for.
func replyGeoHits(cx *Ctx, g *geoArgs, hits []cache.GeoHit) {
	extra := 0
	for _, on := range []bool{g.withDist, g.withHash, g.withCoord} {
		if on {
			extra++
		}
	}
	cx.Array(len(hits))
	for _, h := range hits {
		if extra > 0 {
			cx.Array(extra + 1)
		}
		cx.BulkString(h.Member)
		if g.withDist {
			replyDistance(cx, h.Dist)
		}
		if g.withHash {
			cx.Int(int64(h.Score))
		}
		if g.withCoord {
			cx.Array(2)
			replyCoord(cx, h.Lon)
			replyCoord(cx, h.Lat)
		}
	}
}
