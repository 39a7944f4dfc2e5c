package testutil

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/redis/go-redis/v9"
)

// CheckFTJSONGeo creates an index ON JSON named prefix whose GEO field's
// path selects an array of points in some documents, and checks that a
// GEO query (@field:[lon lat r unit] and GEOFILTER) matches a document
// by any of its points, that an update re-indexes them all, and that a
// document with an invalid point is not indexed.
func CheckFTJSONGeo(t *testing.T, addr, prefix string) {
	t.Helper()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1})
	defer c.Close()
	do := func(args ...any) any {
		t.Helper()
		v, err := c.Do(ctx, args...).Result()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return v
	}
	k := func(i int) string { return fmt.Sprintf("%s:%d", prefix, i) }
	do("FT.CREATE", prefix, "ON", "JSON", "PREFIX", "1", prefix+":", "SCHEMA", "$.locs", "AS", "loc", "GEO", "$.name", "AS", "name", "TAG")
	do("JSON.SET", k(1), "$", `{"name":"a","locs":["2.35,48.85","-73.98,40.75"]}`) // Paris, New York
	do("JSON.SET", k(2), "$", `{"name":"b","locs":"13.40,52.52"}`)                 // Berlin
	do("JSON.SET", k(3), "$", `{"name":"c","locs":["139.69,35.68"]}`)              // Tokyo
	do("JSON.SET", k(4), "$", `{"name":"d","locs":["2.35,48.85","not a point"]}`)
	keys := func(args ...any) []string {
		t.Helper()
		r := do(append([]any{"FT.SEARCH", prefix}, append(args, "NOCONTENT")...)...).([]any)
		var out []string
		for _, x := range r[1:] {
			out = append(out, x.(string))
		}
		sort.Strings(out)
		if int(r[0].(int64)) != len(out) {
			t.Errorf("FT.SEARCH %v: total %v for %d keys", args, r[0], len(out))
		}
		return out
	}
	check := func(what string, got []string, want ...string) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
	check("second point of an array", keys("@loc:[-73.98 40.75 10 km]"), k(1))
	check("first point of an array", keys("@loc:[2.35 48.85 10 km]"), k(1))
	check("one point as a string", keys("@loc:[13.4 52.52 5 km]"), k(2))
	check("GEOFILTER", keys("*", "GEOFILTER", "loc", "139.69", "35.68", "1", "km"), k(3))
	check("GEOFILTER on a second point", keys("*", "GEOFILTER", "loc", "-73.98", "40.75", "10", "km"), k(1))
	check("points of two documents", keys("@loc:[8 50 700 km]"), k(1), k(2))
	check("nowhere", keys("@loc:[0 0 10 km]"))
	check("with a tag", keys("@name:{a} @loc:[-73.98 40.75 10 km]"), k(1))
	do("JSON.SET", k(1), "$.locs", `["2.35,48.85"]`)
	check("after the array changed", keys("@loc:[-73.98 40.75 10 km]"))
	check("the point kept", keys("@loc:[2.35 48.85 10 km]"), k(1))
	do("JSON.ARRAPPEND", k(3), "$.locs", `"-73.98,40.75"`)
	check("after ARRAPPEND", keys("@loc:[-73.98 40.75 10 km]"), k(3))
}
