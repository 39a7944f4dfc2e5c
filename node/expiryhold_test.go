package node

import (
	"regexp"
	"testing"
	"time"
)

// TestHoldExpiryLeases checks VCACHE.HOLDEXPIRY and VCACHE.RELEASEEXPIRY,
// a proxy's hold on a node's expiry: while any holder's lease or the
// node's own CLIENT PAUSE lasts, keys past their TTL look missing but stay
// (DBSIZE counts them, expired_keys does not); a holder that releases
// leaves the others' holds in place; a lease that is not renewed runs out
// by itself.
func TestHoldExpiryLeases(t *testing.T) {
	inEachServingMode(t, func(t *testing.T, tn *testNode) {
		rc := tn.raw(t)
		expired := func() string {
			return regexp.MustCompile(`expired_keys:(\d+)`).FindStringSubmatch(rc.do("INFO", "stats"))[1]
		}
		for _, c := range []struct{ args []string }{
			{[]string{"VCACHE.HOLDEXPIRY", "p1"}},
			{[]string{"VCACHE.HOLDEXPIRY", "p1", "0"}},
			{[]string{"VCACHE.HOLDEXPIRY", "p1", "-5"}},
			{[]string{"VCACHE.HOLDEXPIRY", "p1", "abc"}},
			{[]string{"VCACHE.HOLDEXPIRY", "p1", "3600001"}},
			{[]string{"VCACHE.RELEASEEXPIRY"}},
		} {
			if got := rc.do(c.args...); len(got) < 7 || got[:7] != "(error)" {
				t.Errorf("%v: %q, want an error", c.args, got)
			}
		}
		if got := rc.do("VCACHE.RELEASEEXPIRY", "nobody"); got != "(integer) 0" {
			t.Errorf("RELEASEEXPIRY of an unknown holder: %q", got)
		}

		// Two holders; one releases, the other's lease runs out.
		rc.do("SET", "a", "1", "PX", "30")
		rc.do("SET", "b", "1", "PX", "30")
		if got := rc.do("VCACHE.HOLDEXPIRY", "p1", "60000"); got != "OK" {
			t.Fatalf("HOLDEXPIRY: %q", got)
		}
		rc.do("VCACHE.HOLDEXPIRY", "p2", "60000")
		rc.do("VCACHE.HOLDEXPIRY", "p2", "400") // renewed with a shorter lease
		before := expired()
		waitFor(t, 5*time.Second, "a and b past their TTL", func() bool {
			return rc.do("GET", "a") == "(nil)" && rc.do("EXISTS", "b") == "(integer) 0"
		})
		if got := rc.do("DBSIZE"); got != "(integer) 2" {
			t.Errorf("DBSIZE while held: %q, want 2", got)
		}
		if got := rc.do("VCACHE.RELEASEEXPIRY", "p1"); got != "(integer) 1" {
			t.Errorf("RELEASEEXPIRY p1: %q", got)
		}
		if got := rc.do("DBSIZE"); got != "(integer) 2" {
			t.Errorf("DBSIZE while p2 still holds: %q, want 2", got)
		}
		if got := expired(); got != before {
			t.Errorf("expired_keys while held: %s, was %s", got, before)
		}
		// p2's lease runs out: active expiry removes them.
		waitFor(t, 5*time.Second, "the keys expired after p2's lease", func() bool {
			return rc.do("DBSIZE") == "(integer) 0"
		})
		if got := rc.do("VCACHE.RELEASEEXPIRY", "p2"); got != "(integer) 0" {
			t.Errorf("RELEASEEXPIRY after the lease ran out: %q", got)
		}

		// The node's own pause and a holder: expiry resumes when both end.
		// Neither the pause nor ALL holds VCACHE.HOLDEXPIRY itself.
		rc.do("SET", "c", "1", "PX", "30")
		rc.do("CLIENT", "PAUSE", "100000", "WRITE")
		rc.do("VCACHE.HOLDEXPIRY", "p1", "60000")
		waitFor(t, 5*time.Second, "c past its TTL", func() bool { return rc.do("GET", "c") == "(nil)" })
		rc.do("CLIENT", "UNPAUSE")
		rc.do("GET", "c")
		if got := rc.do("DBSIZE"); got != "(integer) 1" {
			t.Errorf("DBSIZE after the node's UNPAUSE while p1 holds: %q, want 1", got)
		}
		if got := rc.do("VCACHE.RELEASEEXPIRY", "p1"); got != "(integer) 1" {
			t.Errorf("RELEASEEXPIRY p1: %q", got)
		}
		if got := rc.do("GET", "c") + rc.do("DBSIZE"); got != "(nil)(integer) 0" {
			t.Errorf("GET c, DBSIZE after both ended: %q", got)
		}

		// CLIENT PAUSE ALL holds every client's commands, not these.
		rc.do("CLIENT", "PAUSE", "1500", "ALL")
		start := time.Now()
		rc.do("VCACHE.HOLDEXPIRY", "p1", "60000")
		rc.do("VCACHE.RELEASEEXPIRY", "p1")
		if d := time.Since(start); d > time.Second {
			t.Errorf("HOLDEXPIRY and RELEASEEXPIRY during CLIENT PAUSE ALL took %v: held", d)
		}
	})
}
