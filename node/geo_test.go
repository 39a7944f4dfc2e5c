package node

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestGeoSearchMatchesGeoDist fills a set past the packed limit with
// random points (some near the poles and the antimeridian) and checks,
// through go-redis, that GEOSEARCH BYRADIUS ... ASC finds exactly the
// members whose GEODIST from the centre is within the radius, nearest
// first, and that GEOSEARCHSTORE ... STOREDIST stores the same members.
func TestGeoSearchMatchesGeoDist(t *testing.T) {
	ctx := context.Background()
	c := startNode(t, nil).client(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var locs []*redis.GeoLocation
	for i := range 600 {
		lon, lat := rng.Float64()*20-10, rng.Float64()*20-10
		switch i % 6 {
		case 4:
			lat = 80 + rng.Float64()*5
		case 5:
			lon = 179 + rng.Float64()*1
		}
		locs = append(locs, &redis.GeoLocation{Name: "p" + strconv.Itoa(i), Longitude: lon, Latitude: lat})
	}
	if n, err := c.GeoAdd(ctx, "pts", locs...).Result(); err != nil || n != int64(len(locs)) {
		t.Fatalf("GEOADD: %d %v", n, err)
	}
	if enc := c.ObjectEncoding(ctx, "pts").Val(); enc != "skiplist" {
		t.Fatalf("encoding %q, want skiplist", enc)
	}
	for _, centre := range []string{"p0", "p4", "p5", "p17"} {
		for _, radius := range []float64{50, 300, 1500} {
			got, err := c.GeoSearchLocation(ctx, "pts", &redis.GeoSearchLocationQuery{
				GeoSearchQuery: redis.GeoSearchQuery{Member: centre, Radius: radius, RadiusUnit: "km", Sort: "ASC"},
				WithDist:       true,
			}).Result()
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, l := range locs {
				d, err := c.GeoDist(ctx, "pts", centre, l.Name, "km").Result()
				if err != nil {
					t.Fatal(err)
				}
				if d <= radius {
					want = append(want, l.Name)
				}
			}
			var names []string
			for i, g := range got {
				names = append(names, g.Name)
				if i > 0 && g.Dist < got[i-1].Dist {
					t.Fatalf("%s %v km: %s at %v after %v: not nearest first", centre, radius, g.Name, g.Dist, got[i-1].Dist)
				}
			}
			slices.Sort(names)
			slices.Sort(want)
			if !slices.Equal(names, want) {
				t.Fatalf("%s within %v km: GEOSEARCH found %d %v, GEODIST says %d %v", centre, radius, len(names), names, len(want), want)
			}
			n, err := c.GeoSearchStore(ctx, "pts", "near", &redis.GeoSearchStoreQuery{
				GeoSearchQuery: redis.GeoSearchQuery{Member: centre, Radius: radius, RadiusUnit: "km"},
				StoreDist:      true,
			}).Result()
			if err != nil || n != int64(len(want)) {
				t.Fatalf("GEOSEARCHSTORE: %d %v, want %d", n, err, len(want))
			}
			if len(want) > 0 {
				if s := c.ZScore(ctx, "near", centre).Val(); s != 0 {
					t.Fatalf("stored distance of the centre: %v", s)
				}
			}
		}
	}
}

// TestGeoGoRedis checks the geo commands as go-redis's typed helpers
// read them, in RESP3 (GEOPOS's coordinates are doubles) and RESP2.
func TestGeoGoRedis(t *testing.T) {
	ctx := context.Background()
	tn := startNode(t, nil)
	for _, c := range []*redis.Client{tn.client(t), tn.client2(t)} {
		c.Del(ctx, "Sicily")
		if err := c.GeoAdd(ctx, "Sicily",
			&redis.GeoLocation{Name: "Palermo", Longitude: 13.361389, Latitude: 38.115556},
			&redis.GeoLocation{Name: "Catania", Longitude: 15.087269, Latitude: 37.502669}).Err(); err != nil {
			t.Fatal(err)
		}
		pos, err := c.GeoPos(ctx, "Sicily", "Palermo", "nope").Result()
		if err != nil || len(pos) != 2 || pos[1] != nil {
			t.Fatalf("GEOPOS: %v %v", pos, err)
		}
		if got := fmt.Sprintf("%.6f %.6f", pos[0].Longitude, pos[0].Latitude); got != "13.361389 38.115556" {
			t.Fatalf("GEOPOS Palermo: %s", got)
		}
		if d := c.GeoDist(ctx, "Sicily", "Palermo", "Catania", "km").Val(); d != 166.2742 {
			t.Fatalf("GEODIST: %v", d)
		}
		if h := c.GeoHash(ctx, "Sicily", "Palermo").Val(); !slices.Equal(h, []string{"sqc8b49rny0"}) {
			t.Fatalf("GEOHASH: %v", h)
		}
		res, err := c.GeoRadius(ctx, "Sicily", 15, 37, &redis.GeoRadiusQuery{Radius: 200, Unit: "km", WithDist: true, WithCoord: true, Sort: "DESC"}).Result()
		if err != nil || len(res) != 2 || res[0].Name != "Palermo" || res[0].Dist != 190.4424 || res[1].Dist != 56.4413 {
			t.Fatalf("GEORADIUS: %+v %v", res, err)
		}
		names, err := c.GeoSearch(ctx, "Sicily", &redis.GeoSearchQuery{Longitude: 15, Latitude: 37, BoxWidth: 400, BoxHeight: 400, BoxUnit: "km", Sort: "ASC", Count: 1}).Result()
		if err != nil || !slices.Equal(names, []string{"Catania"}) {
			t.Fatalf("GEOSEARCH BYBOX COUNT 1: %v %v", names, err)
		}
		if err := c.GeoSearch(ctx, "Sicily", &redis.GeoSearchQuery{Member: "nope", Radius: 1, RadiusUnit: "km"}).Err(); err == nil || err.Error() != "ERR could not decode requested zset member" {
			t.Fatalf("GEOSEARCH FROMMEMBER nope: %v", err)
		}
	}
}

// TestGeoStoreInACluster: a clustered node answers CROSSSLOT to
// GEOSEARCHSTORE and GEORADIUS ... STORE whose source and destination are
// in different slots, as Redis Cluster does, and stores when hash tags
// put them together.
func TestGeoStoreInACluster(t *testing.T) {
	nodes := startClusterNodes(t, 3)
	rc := slotOwner(t, nodes, "(integer) 1", "GEOADD", "{g}src", "13.361389", "38.115556", "Palermo")
	wantCrossSlot(t, rc, [][]string{
		{"GEOSEARCHSTORE", "dst", "{g}src", "FROMLONLAT", "13", "38", "BYRADIUS", "100", "km"},
		{"GEORADIUS", "{g}src", "13", "38", "100", "km", "STORE", "dst"},
		{"GEORADIUSBYMEMBER", "{g}src", "Palermo", "100", "km", "STOREDIST", "dst"},
	})
	for _, args := range [][]string{
		{"GEOSEARCHSTORE", "{g}dst", "{g}src", "FROMLONLAT", "13", "38", "BYRADIUS", "100", "km"},
		{"GEORADIUS", "{g}src", "13", "38", "100", "km", "STORE", "{g}dst"},
		{"GEORADIUSBYMEMBER", "{g}src", "Palermo", "100", "km", "STOREDIST", "{g}dst"},
	} {
		if got := rc.do(args...); got != "(integer) 1" {
			t.Errorf("%v: %s, want 1", args, got)
		}
	}
}
