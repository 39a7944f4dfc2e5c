package node

import (
	"strings"
	"testing"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

// FuzzGeoSearchArgs feeds arbitrary argument lists (of each geo search
// command's arity) to the geo search parser: whatever the key and member
// lookups, the answer is either an ERR text or a query that holds
// together — a known unit, no negative radius or box side, a positive
// COUNT with ANY, no STORE with WITH options — and that query runs on
// packed and skiplist sets (and a missing key) without panicking.
func FuzzGeoSearchArgs(f *testing.F) {
	for _, s := range []string{
		"GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHDIST WITHCOORD WITHHASH",
		"GEOSEARCH k FROMMEMBER a BYBOX 400 400 mi COUNT 2 ANY DESC",
		"GEOSEARCH k FROMMEMBER nope BYRADIUS abc km",
		"GEOSEARCH k FROMLONLAT 200 1 BYRADIUS 1 km",
		"GEOSEARCH k FROMLONLAT 180 85.05112878 BYBOX 0 0 ft",
		"GEOSEARCHSTORE d k FROMLONLAT 0 0 BYRADIUS 1e300 m STOREDIST",
		"GEORADIUS k 15 37 200 km STORE d STOREDIST e COUNT 1",
		"GEORADIUS_RO k 15 37 200 km STORE d",
		"GEORADIUSBYMEMBER k a 0 m WITHDIST ANY",
		"GEORADIUSBYMEMBER_RO k a inf km COUNT 9223372036854775807 ANY",
	} {
		f.Add(s)
	}
	n, err := New(DefaultConfig(), nil)
	if err != nil {
		f.Fatal(err)
	}
	var small, big []cache.ZMember
	for i := range 300 {
		lon, lat := float64(i%360)-180, float64(i%170)-85
		m := cache.ZMember{Member: string(rune('a'+i%26)) + strings.Repeat("x", i/26), Score: cache.GeoScore(lon, lat)}
		if i < 20 {
			small = append(small, m)
		}
		big = append(big, m)
	}
	n.ks.ZAdd([]byte("k"), cache.ZAddFlags{}, small)
	n.ks.ZAdd([]byte("big"), cache.ZAddFlags{}, big)
	forms := map[string]geoForm{"geosearch": geoSearch, "geosearchstore": geoSearchStore,
		"georadius": geoRadius, "georadius_ro": geoRadius, "georadiusbymember": geoRadiusByMember,
		"georadiusbymember_ro": geoRadiusByMember}
	tab := command.NewTable(command.Specs())
	f.Fuzz(func(t *testing.T, line string) {
		words := strings.Fields(line)
		if len(words) == 0 || len(words) > 24 {
			return
		}
		form, ok := forms[strings.ToLower(words[0])]
		if !ok || !tab.Lookup([]byte(words[0])).ArityOK(len(words)) {
			return
		}
		args := make([][]byte, len(words))
		for i, w := range words {
			args[i] = []byte(w)
		}
		g := parseGeoSearch(args, form, strings.HasSuffix(strings.ToLower(words[0]), "_ro"))
		for _, look := range [][2]bool{{false, true}, {true, true}, {true, false}} {
			err := g.gate(look[0], look[1])
			if err != nil {
				if !strings.HasPrefix(err.Error(), "ERR ") && err != cache.ErrGeoMember {
					t.Fatalf("%q: error %q has no ERR code", line, err)
				}
				continue
			}
			if !look[0] {
				continue
			}
			s := g.q.Shape
			switch {
			case s.Unit != 1 && s.Unit != 1000 && s.Unit != 0.3048 && s.Unit != 1609.34:
				t.Fatalf("%q: unit %v", line, s.Unit)
			case s.Radius < 0 || s.Width < 0 || s.Height < 0:
				t.Fatalf("%q: negative shape %+v", line, s)
			case g.q.Count < 0 || (g.q.Any && g.q.Count == 0):
				t.Fatalf("%q: COUNT %d ANY %v", line, g.q.Count, g.q.Any)
			case g.store != nil && (g.withDist || g.withHash || g.withCoord):
				t.Fatalf("%q: STORE with WITH options", line)
			}
		}
		g.q.Gate = g.gate
		for _, key := range []string{"k", "big", "missing"} {
			hits, err := n.ks.GeoSearch([]byte(key), g.q)
			if err == nil && g.q.Count > 0 && int64(len(hits)) > g.q.Count {
				t.Fatalf("%q on %s: %d hits past COUNT %d", line, key, len(hits), g.q.Count)
			}
		}
	})
}
