package ft

import "strings"

// GeoPointSep separates the points of a GEO field's value in a JSON
// document whose path selects several ("lon,lat" strings in an array):
// the index keeps every point, and a GEO query matches the document when
// any point is within its radius, as RediSearch does.
const GeoPointSep = "\x1f"

// geoPoints parses a GEO field's value: one "lon,lat" point, or for an
// index ON JSON several separated by GeoPointSep. ok is false when a
// point is not valid (the document fails to index).
func (ix *Index) geoPoints(raw []byte) ([][2]float64, bool) {
	parts := []string{string(raw)}
	if ix.schema.OnJSON {
		parts = strings.Split(string(raw), GeoPointSep)
	}
	pts := make([][2]float64, 0, len(parts))
	for _, p := range parts {
		pt, ok := parseGeoPoint(strings.TrimSpace(p))
		if !ok {
			return nil, false
		}
		pts = append(pts, pt)
	}
	return pts, true
}

// withinAny reports whether one of pts is within the query's radius.
func (g *GeoQuery) withinAny(pts [][2]float64) bool {
	for _, pt := range pts {
		if g.within(pt) {
			return true
		}
	}
	return false
}
