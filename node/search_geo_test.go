package node

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/vcache/vcache/internal/testutil"
)

// Places with their distance from Paris (2.3522 48.8566): Versailles
// about 17 km, Orléans about 111 km, London about 344 km (214 mi).
var geoPlaces = []struct{ key, loc, kind string }{
	{"place:paris", "2.3522,48.8566", "city"},
	{"place:versailles", "2.1301 48.8049", "town"},
	{"place:orleans", "1.9093,47.9030", "city"},
	{"place:london", "-0.1276,51.5072", "city"},
}

func doer(t *testing.T, c *redis.Client) func(args ...any) any {
	return func(args ...any) any {
		t.Helper()
		v, err := c.Do(context.Background(), args...).Result()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return v
	}
}

// replyKeysSorted returns the keys of a NOCONTENT reply, sorted.
func replyKeysSorted(reply any) []string {
	var out []string
	for _, v := range reply.([]any)[1:] {
		out = append(out, v.(string))
	}
	sort.Strings(out)
	return out
}

// TestFTGeo: GEO fields of hashes and JSON documents, the
// @field:[lon lat radius unit] clause in every unit, combined with other
// clauses and with a KNN, and the GEOFILTER argument; the same documents
// as the node's own GEOSEARCH over the same points.
func TestFTGeo(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "place:", "SCHEMA", "loc", "GEO", "kind", "TAG", "name", "TEXT",
		"v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2")
	for i, p := range geoPlaces {
		do("HSET", p.key, "loc", p.loc, "kind", p.kind, "name", strings.TrimPrefix(p.key, "place:"), "v", blob32(float32(i), 0))
		lonlat := strings.FieldsFunc(p.loc, func(r rune) bool { return r == ',' || r == ' ' })
		do("GEOADD", "oracle", lonlat[0], lonlat[1], p.key)
	}
	do("HSET", "place:bad", "loc", "somewhere", "kind", "city") // not a point: an indexing failure

	for _, tc := range []struct {
		radius, unit string
		want         []string
	}{
		{"50", "km", []string{"place:paris", "place:versailles"}},
		{"200000", "m", []string{"place:orleans", "place:paris", "place:versailles"}},
		{"250", "mi", []string{"place:london", "place:orleans", "place:paris", "place:versailles"}},
		{"10000", "ft", []string{"place:paris"}},
	} {
		got := replyKeysSorted(do("FT.SEARCH", "idx", "@loc:["+"2.3522 48.8566 "+tc.radius+" "+tc.unit+"]", "NOCONTENT"))
		oracle := do("GEOSEARCH", "oracle", "FROMLONLAT", "2.3522", "48.8566", "BYRADIUS", tc.radius, tc.unit, "ASC").([]any)
		var want []string
		for _, k := range oracle {
			want = append(want, k.(string))
		}
		sort.Strings(want)
		if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(want, tc.want) {
			t.Errorf("%s %s: FT.SEARCH %v, GEOSEARCH %v, want %v", tc.radius, tc.unit, got, want, tc.want)
		}
		// The same through GEOFILTER.
		got = replyKeysSorted(do("FT.SEARCH", "idx", "*", "GEOFILTER", "loc", "2.3522", "48.8566", tc.radius, tc.unit, "NOCONTENT"))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("GEOFILTER %s %s: %v, want %v", tc.radius, tc.unit, got, tc.want)
		}
	}
	if got := replyKeysSorted(do("FT.SEARCH", "idx", "@kind:{city} @loc:[$lon $lat $r $u]", "PARAMS", "8", "lon", "2.3522", "lat", "48.8566", "r", "200", "u", "km",
		"NOCONTENT", "DIALECT", "2")); !reflect.DeepEqual(got, []string{"place:orleans", "place:paris"}) {
		t.Errorf("tag AND geo with parameters: %v", got)
	}
	if got := replyKeysSorted(do("FT.SEARCH", "idx", "-@loc:[2.3522 48.8566 50 km]", "NOCONTENT")); !reflect.DeepEqual(got, []string{"place:london", "place:orleans"}) {
		t.Errorf("NOT geo: %v", got)
	}
	// Hybrid: a geo and text prefilter, then the nearest vector.
	knn := do("FT.SEARCH", "idx", "(@loc:[2.3522 48.8566 500 km] -@name:paris)=>[KNN 1 @v $B]", "PARAMS", "2", "B", blob32(0, 0), "NOCONTENT", "DIALECT", "2")
	if !reflect.DeepEqual(knn, []any{int64(1), "place:versailles"}) {
		t.Errorf("geo+text hybrid KNN: %v", knn)
	}
	for _, tc := range []struct{ q, want string }{
		{"@loc:[2.35 48.85 10 parsecs]", "Invalid GeoFilter unit"},
		{"@loc:[200 48.85 10 km]", "Invalid GeoFilter lat/lon"},
		{"@loc:[2.35 48.85 0 km]", "Invalid GeoFilter radius"},
		{"@kind:[2.35 48.85 10 km]", "Field `kind` is not a GEO field"},
	} {
		if err := c.Do(context.Background(), "FT.SEARCH", "idx", tc.q).Err(); err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, want %q", tc.q, err, tc.want)
		}
	}
	if err := c.Do(context.Background(), "FT.SEARCH", "idx", "*", "GEOFILTER", "loc", "2", "48", "10", "parsecs").Err(); err == nil || err.Error() != "Unknown distance unit parsecs" {
		t.Errorf("GEOFILTER with a bad unit: %v", err)
	}
	explain := do("FT.EXPLAIN", "idx", "@loc:[2.3522 48.8566 50 km] @v:[VECTOR_RANGE 0.5 $B]=>{$YIELD_DISTANCE_AS: d; $EPSILON: 0.1}", "PARAMS", "2", "B", "xxxxxxxx", "DIALECT", "2")
	if want := "INTERSECT {\n  GEO loc:{2.352200,48.856600 --> 50.000000 km}\n" +
		"  VECTOR {Vectors that are within 0.5 distance radius from `$B` in vector index associated with field @v, EPSILON = 0.1, yields distance as `d`}\n}\n"; explain != want {
		t.Errorf("FT.EXPLAIN:\n%s\nwant\n%s", explain, want)
	}
	info := do("FT.INFO", "idx").([]any)
	attrs := info[7].([]any)
	if !reflect.DeepEqual(attrs[0], []any{"identifier", "loc", "attribute", "loc", "type", "GEO"}) {
		t.Errorf("FT.INFO attribute: %v", attrs[0])
	}
	if info[38] != "hash_indexing_failures" || info[39] != "1" {
		t.Errorf("FT.INFO %v = %v, want hash_indexing_failures 1", info[38], info[39])
	}

	// A JSON index: points as "lon,lat" strings.
	do("JSON.SET", "jp:1", "$", `{"name":"paris","loc":"2.3522,48.8566"}`)
	do("JSON.SET", "jp:2", "$", `{"name":"london","loc":"-0.1276,51.5072"}`)
	do("FT.CREATE", "jidx", "ON", "JSON", "PREFIX", "1", "jp:", "SCHEMA", "$.loc", "AS", "loc", "GEO", "$.name", "AS", "name", "TEXT")
	got := do("FT.SEARCH", "jidx", "@loc:[-0.1 51.5 100 km]", "RETURN", "1", "name")
	if !reflect.DeepEqual(got, []any{int64(1), "jp:2", []any{"name", "london"}}) {
		t.Errorf("JSON geo: %v", got)
	}
	got = do("FT.SEARCH", "jidx", "*", "GEOFILTER", "loc", "2.35", "48.85", "400", "km", "NOCONTENT", "SORTBY", "name")
	if !reflect.DeepEqual(got, []any{int64(2), "jp:2", "jp:1"}) {
		t.Errorf("JSON GEOFILTER: %v", got)
	}
}

// TestFTJSONGeoArrays: a JSON GEO field whose path selects several points
// indexes them all (testutil.CheckFTJSONGeo; cmd/vcache runs it through
// the proxy).
func TestFTJSONGeoArrays(t *testing.T) {
	testutil.CheckFTJSONGeo(t, startNode(t, nil).addr, "geo")
}
