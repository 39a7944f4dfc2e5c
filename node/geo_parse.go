package node

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
)

// geoForm says which command a geo search's arguments belong to.
type geoForm uint8

const (
	geoRadius         geoForm = iota // GEORADIUS key lon lat radius unit ...
	geoRadiusByMember                // GEORADIUSBYMEMBER key member radius unit ...
	geoSearch                        // GEOSEARCH key FROM... BY... ...
	geoSearchStore                   // GEOSEARCHSTORE dst src FROM... BY... ...
)

// geoArgs is a parsed geo search. Redis checks a search's arguments one
// after the other, looking the FROMMEMBER member up where it stands and
// only when the key exists; so the parser records where the first error
// is (errAt, len(args) when there is none) and where the member was
// named, and gate picks the error Redis would answer once the key and
// member are looked up.
type geoArgs struct {
	q                             cache.GeoQuery
	store                         []byte // destination, if any
	storeDist                     bool
	withDist, withHash, withCoord bool

	err      error // the first error in the arguments
	errAt    int
	memberAt int   // position of the FROMMEMBER member (0: none)
	distErr  error // GEORADIUSBYMEMBER's radius error (only when the key exists)
	final    error // the checks Redis makes after the options
}

// Errors of the geo commands (Redis's texts, ERR prefix included).
var (
	errGeoUnit      = errors.New("ERR unsupported unit provided. please use M, KM, FT, MI")
	errGeoNegRadius = errors.New("ERR radius cannot be negative")
	errGeoNegBox    = errors.New("ERR height or width cannot be negative")
	errGeoCount     = errors.New("ERR COUNT must be > 0")
	errGeoAny       = errors.New("ERR the ANY argument requires COUNT argument")
	errGeoSyntax    = errors.New("ERR syntax error")
	errGeoNotInt    = errors.New("ERR value is not an integer or out of range")
	errGeoNotFloat  = errors.New("ERR value is not a valid float")
)

// geoFloat reads a number as Redis's getDoubleFromObject does; what
// names the error text for a bad one (empty: "value is not a valid float").
func geoFloat(b []byte, what string) (float64, error) {
	v, err := cache.ParseScore(b)
	if err == nil {
		return v, nil
	}
	if what == "" {
		return 0, errGeoNotFloat
	}
	return 0, errors.New("ERR need numeric " + what)
}

// geoUnit returns the metres in one unit named u.
func geoUnit(u []byte) (float64, error) {
	switch strings.ToLower(string(u)) {
	case "m":
		return 1, nil
	case "km":
		return 1000, nil
	case "ft":
		return 0.3048, nil
	case "mi":
		return 1609.34, nil
	}
	return 0, errGeoUnit
}

// cFloat formats f as C's "%f".
func cFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}

// geoLonLat reads a longitude and a latitude within Redis's limits.
func geoLonLat(lon, lat []byte) (float64, float64, error) {
	x, err := geoFloat(lon, "")
	if err != nil {
		return 0, 0, err
	}
	y, err := geoFloat(lat, "")
	if err != nil {
		return 0, 0, err
	}
	if x < cache.GeoLonMin || x > cache.GeoLonMax || y < cache.GeoLatMin || y > cache.GeoLatMax {
		return 0, 0, errors.New("ERR invalid longitude,latitude pair " + cFloat(x) + "," + cFloat(y))
	}
	return x, y, nil
}

// geoRadiusArg reads "radius unit" into s.
func geoRadiusArg(s *cache.GeoShape, r, u []byte) error {
	v, err := geoFloat(r, "radius")
	if err != nil {
		return err
	}
	if v < 0 {
		return errGeoNegRadius
	}
	s.Radius = v
	s.Unit, err = geoUnit(u)
	return err
}

// geoBoxArg reads "width height unit" into s.
func geoBoxArg(s *cache.GeoShape, w, h, u []byte) error {
	wv, err := geoFloat(w, "width")
	if err != nil {
		return err
	}
	hv, err := geoFloat(h, "height")
	if err != nil {
		return err
	}
	if hv < 0 || wv < 0 {
		return errGeoNegBox
	}
	s.Width, s.Height, s.Box = wv, hv, true
	s.Unit, err = geoUnit(u)
	return err
}

// parseGeoSearch parses the arguments of a geo search command of form
// (args[0] is the command's name, as the user wrote it); noStore refuses
// STORE and STOREDIST (the _RO forms).
func parseGeoSearch(args [][]byte, form geoForm, noStore bool) *geoArgs {
	g := &geoArgs{errAt: len(args)}
	fail := func(at int, err error) {
		if g.err == nil {
			g.err, g.errAt = err, at
		}
	}
	base := 2
	switch form {
	case geoRadius:
		base = 6
		x, y, err := geoLonLat(args[2], args[3])
		if err != nil {
			fail(2, err)
			return g
		}
		g.q.Shape.Lon, g.q.Shape.Lat = x, y
		if err := geoRadiusArg(&g.q.Shape, args[4], args[5]); err != nil {
			fail(4, err)
			return g
		}
	case geoRadiusByMember:
		base = 5
		g.q.FromMember, g.q.Member, g.memberAt = true, string(args[2]), 2
		g.distErr = geoRadiusArg(&g.q.Shape, args[3], args[4])
	case geoSearchStore:
		base = 3
		g.store = args[1]
	}
	search := form == geoSearch || form == geoSearchStore
	fromMember, fromLoc, byRadius, byBox := false, false, false, false
	for i := base; i < len(args); i++ {
		left := len(args) - i - 1 // arguments after this one
		switch a := strings.ToLower(string(args[i])); {
		case a == "withdist":
			g.withDist = true
		case a == "withhash":
			g.withHash = true
		case a == "withcoord":
			g.withCoord = true
		case a == "any":
			g.q.Any = true
		case a == "asc":
			g.q.Sort = cache.GeoAsc
		case a == "desc":
			g.q.Sort = cache.GeoDesc
		case a == "count" && left >= 1:
			n, err := cache.ParseInt(args[i+1])
			if err != nil {
				fail(i, errGeoNotInt)
				return g
			}
			if n <= 0 {
				fail(i, errGeoCount)
				return g
			}
			g.q.Count = n
			i++
		case (a == "store" || a == "storedist") && left >= 1 && !search && !noStore:
			g.store, g.storeDist = args[i+1], a == "storedist"
			i++
		case a == "storedist" && form == geoSearchStore:
			g.storeDist = true
		case a == "frommember" && left >= 1 && search && !fromLoc:
			g.q.FromMember, g.q.Member = true, string(args[i+1])
			if g.memberAt == 0 {
				g.memberAt = i + 1
			}
			fromMember = true
			i++
		case a == "fromlonlat" && left >= 2 && search && !fromMember:
			x, y, err := geoLonLat(args[i+1], args[i+2])
			if err != nil {
				fail(i, err)
				return g
			}
			g.q.Shape.Lon, g.q.Shape.Lat = x, y
			fromLoc = true
			i += 2
		case a == "byradius" && left >= 2 && search && !byBox:
			if err := geoRadiusArg(&g.q.Shape, args[i+1], args[i+2]); err != nil {
				fail(i, err)
				return g
			}
			g.q.Shape.Box = false
			byRadius = true
			i += 2
		case a == "bybox" && left >= 3 && search && !byRadius:
			if err := geoBoxArg(&g.q.Shape, args[i+1], args[i+2], args[i+3]); err != nil {
				fail(i, err)
				return g
			}
			byBox = true
			i += 3
		default:
			fail(i, errGeoSyntax)
			return g
		}
	}
	name := string(args[0])
	switch {
	case g.store != nil && (g.withDist || g.withHash || g.withCoord):
		what := "STORE option in GEORADIUS"
		if form == geoSearchStore {
			what = "GEOSEARCHSTORE"
		}
		g.final = errors.New("ERR " + what + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
	case search && !fromMember && !fromLoc:
		g.final = errors.New("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + name)
	case search && !byRadius && !byBox:
		g.final = errors.New("ERR exactly one of BYRADIUS and BYBOX can be specified for " + name)
	case g.q.Any && g.q.Count == 0:
		g.final = errGeoAny
	}
	return g
}

// gate returns the error Redis answers for these arguments once the key
// is looked up (exists) and the member (found).
func (g *geoArgs) gate(exists, found bool) error {
	if exists && g.q.FromMember && !found && g.memberAt < g.errAt {
		return cache.ErrGeoMember
	}
	if exists && g.distErr != nil {
		return g.distErr
	}
	if g.err != nil {
		return g.err
	}
	return g.final
}
