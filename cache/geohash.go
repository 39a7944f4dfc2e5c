package cache

import "math"

// Geo points are sorted-set members whose score is a 52-bit geohash:
// longitude and latitude each cut into 26 bits over Redis's ranges
// (latitude within the Web Mercator limits), interleaved, longitude in the
// odd bits. The arithmetic below follows Redis's step for step, in the
// same order of floating-point operations, so scores, decoded coordinates,
// distances and the areas a search scans are bit-identical.

// Coordinate limits Redis accepts (EPSG:900913).
const (
	GeoLonMin = -180.0
	GeoLonMax = 180.0
	GeoLatMin = -85.05112878
	GeoLatMax = 85.05112878
)

const (
	geoStepMax   = 26
	earthRadiusM = 6372797.560856 // the Earth's quadratic mean radius (WGS-84)
	mercatorMax  = 20037726.37
	degToRad     = math.Pi / 180.0
)

// geoRange is a coordinate interval.
type geoRange struct{ min, max float64 }

var (
	geoLonRange = geoRange{GeoLonMin, GeoLonMax}
	geoLatRange = geoRange{GeoLatMin, GeoLatMax}
)

// geoBits is a geohash of step*2 bits.
type geoBits struct {
	bits uint64
	step uint8
}

func (h geoBits) zero() bool { return h.bits == 0 && h.step == 0 }

// geoArea is the cell a geohash names.
type geoArea struct{ lon, lat geoRange }

func deg2rad(d float64) float64 { return d * degToRad }
func rad2deg(r float64) float64 { return r / degToRad }

// interleave spreads x into the even bits and y into the odd bits.
func interleave(x, y uint32) uint64 { return spread(x) | spread(y)<<1 }

func spread(v uint32) uint64 {
	x := uint64(v)
	x = (x | x<<16) & 0x0000FFFF0000FFFF
	x = (x | x<<8) & 0x00FF00FF00FF00FF
	x = (x | x<<4) & 0x0F0F0F0F0F0F0F0F
	x = (x | x<<2) & 0x3333333333333333
	x = (x | x<<1) & 0x5555555555555555
	return x
}

func squash(x uint64) uint32 {
	x &= 0x5555555555555555
	x = (x | x>>1) & 0x3333333333333333
	x = (x | x>>2) & 0x0F0F0F0F0F0F0F0F
	x = (x | x>>4) & 0x00FF00FF00FF00FF
	x = (x | x>>8) & 0x0000FFFF0000FFFF
	x = (x | x>>16) & 0x00000000FFFFFFFF
	return uint32(x)
}

// geoEncode returns the geohash of lon, lat at step over the ranges; ok
// is false outside Redis's limits or the ranges.
func geoEncode(lonR, latR geoRange, lon, lat float64, step uint8) (geoBits, bool) {
	if lon > GeoLonMax || lon < GeoLonMin || lat > GeoLatMax || lat < GeoLatMin {
		return geoBits{}, false
	}
	if lat < latR.min || lat > latR.max || lon < lonR.min || lon > lonR.max {
		return geoBits{step: step}, false
	}
	latOff := float64((lat - latR.min) / (latR.max - latR.min))
	lonOff := float64((lon - lonR.min) / (lonR.max - lonR.min))
	scale := float64(uint64(1) << step)
	latOff = float64(latOff * scale)
	lonOff = float64(lonOff * scale)
	return geoBits{interleave(uint32(latOff), uint32(lonOff)), step}, true
}

// geoDecode returns the cell h names.
func geoDecode(lonR, latR geoRange, h geoBits) geoArea {
	lat, lon := squash(h.bits), squash(h.bits>>1)
	latScale := latR.max - latR.min
	lonScale := lonR.max - lonR.min
	div := float64(uint64(1) << h.step)
	var a geoArea
	a.lat.min = latR.min + float64(float64(lat)*1.0/div)*latScale
	a.lat.max = latR.min + float64(float64(lat+1)*1.0/div)*latScale
	a.lon.min = lonR.min + float64(float64(lon)*1.0/div)*lonScale
	a.lon.max = lonR.min + float64(float64(lon+1)*1.0/div)*lonScale
	return a
}

// scoreBits turns a score into hash bits as C's cast to uint64 does on
// x86-64 (scores of members not added by GEOADD decode to something, as
// in Redis).
func scoreBits(s float64) uint64 {
	const two63 = 9223372036854775808.0
	if s >= two63 {
		return uint64(int64(s-two63)) ^ (1 << 63)
	}
	return uint64(int64(s))
}

// GeoScore returns the sorted-set score GEOADD gives lon, lat (which must
// be within the limits).
func GeoScore(lon, lat float64) float64 {
	h, _ := geoEncode(geoLonRange, geoLatRange, lon, lat, geoStepMax)
	return float64(h.bits << (52 - 2*geoStepMax))
}

// GeoDecode returns the longitude and latitude a score stands for: the
// centre of its cell, clamped to the limits.
func GeoDecode(score float64) (lon, lat float64) {
	a := geoDecode(geoLonRange, geoLatRange, geoBits{scoreBits(score), geoStepMax})
	lon = (a.lon.min + a.lon.max) / 2
	lon = min(max(lon, GeoLonMin), GeoLonMax)
	lat = (a.lat.min + a.lat.max) / 2
	lat = min(max(lat, GeoLatMin), GeoLatMax)
	return lon, lat
}

// GeoHashString returns the 11-character standard geohash of the point a
// score stands for (re-encoded over latitudes -90..90; the last
// character, past the 52 bits, is always '0'), as GEOHASH answers.
func GeoHashString(score float64) string {
	const alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"
	lon, lat := GeoDecode(score)
	h, _ := geoEncode(geoRange{-180, 180}, geoRange{-90, 90}, lon, lat, geoStepMax)
	var buf [11]byte
	for i := range 10 {
		buf[i] = alphabet[(h.bits>>(52-(i+1)*5))&0x1f]
	}
	buf[10] = alphabet[0]
	return string(buf[:])
}

func geoLatDistance(lat1, lat2 float64) float64 {
	return earthRadiusM * math.Abs(deg2rad(lat2)-deg2rad(lat1))
}

// GeoDistance returns the great-circle distance in metres between two
// points (the haversine formula on a sphere of Redis's radius).
func GeoDistance(lon1, lat1, lon2, lat2 float64) float64 {
	lon1r, lon2r := deg2rad(lon1), deg2rad(lon2)
	v := geoSin((lon2r - lon1r) / 2)
	if v == 0 {
		return geoLatDistance(lat1, lat2)
	}
	lat1r, lat2r := deg2rad(lat1), deg2rad(lat2)
	u := geoSin((lat2r - lat1r) / 2)
	a := float64(u*u) + float64(float64(float64(geoCos(lat1r)*geoCos(lat2r))*v)*v)
	return 2.0 * earthRadiusM * geoAsin(math.Sqrt(a))
}

// moveLon and moveLat step a geohash one cell east/west or north/south,
// wrapping around.
func (h *geoBits) moveLon(d int) { h.move(0xaaaaaaaaaaaaaaaa, d) }

func (h *geoBits) moveLat(d int) { h.move(0x5555555555555555, d) }

// move steps the coordinate whose interleaved bits mask selects one cell
// up (d > 0) or down, wrapping around, leaving the other's bits as they
// are.
func (h *geoBits) move(mask uint64, d int) {
	shift := 64 - uint(h.step)*2
	c := h.bits & mask
	zz := ^mask >> shift
	if d > 0 {
		c += zz + 1
	} else {
		c |= zz
		c -= zz + 1
	}
	c &= mask >> shift
	h.bits = c | h.bits&^mask
}

// geoNeighbors are a cell's eight neighbours.
type geoNeighbors struct{ n, s, e, w, ne, nw, se, sw geoBits }

func neighborsOf(h geoBits) geoNeighbors {
	mv := func(dlon, dlat int) geoBits {
		c := h
		if dlon != 0 {
			c.moveLon(dlon)
		}
		if dlat != 0 {
			c.moveLat(dlat)
		}
		return c
	}
	return geoNeighbors{n: mv(0, 1), s: mv(0, -1), e: mv(1, 0), w: mv(-1, 0),
		ne: mv(1, 1), nw: mv(-1, 1), se: mv(1, -1), sw: mv(-1, -1)}
}

// estimateStep returns the geohash step whose cells are about the size of
// a search of radius metres at latitude lat.
func estimateStep(radius, lat float64) uint8 {
	if radius == 0 {
		return 26
	}
	step := 1
	for radius < mercatorMax {
		radius *= 2
		step++
	}
	step -= 2
	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	return uint8(min(max(step, 1), 26))
}
