package node

import (
	"strings"
	"testing"
)

// TestGlobNestingLimitAsRedis (CVE-2024-31228): Redis gives up on a
// pattern that nests more than 1000 stars, which then matches nothing:
// KEYS and SCAN MATCH answer as redis-server does, at once, for Redis's
// regression test (50000 "*?" against a key of 50000 "a") and around the
// limit.
func TestGlobNestingLimitAsRedis(t *testing.T) {
	ref := (&testNode{addr: startRedisServer(t).Options().Addr}).raw(t)
	vc := startNode(t, nil).raw(t)
	key := strings.Repeat("a", 50000)
	var cmds [][]string
	cmds = append(cmds, []string{"SET", key, "1"})
	for _, pat := range []string{
		strings.Repeat("*?", 50000),
		strings.Repeat("*?", 1000) + "*",
		strings.Repeat("*?", 1001) + "*",
		strings.Repeat("*a", 1000),
		strings.Repeat("*a", 1001),
		strings.Repeat("?*", 1000) + "?",
		strings.Repeat("?*", 1001) + "?",
		strings.Repeat("*", 5000) + "a",
	} {
		cmds = append(cmds, []string{"KEYS", pat}, []string{"SCAN", "0", "MATCH", pat, "COUNT", "100"})
	}
	sameAsRedis(t, vc, ref, cmds...)
}
