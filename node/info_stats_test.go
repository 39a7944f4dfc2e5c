package node

import (
	"context"
	"strings"
	"testing"
)

// TestInfoMigrateCachedSockets checks INFO's Stats section reports
// migrate_cached_sockets as Redis does (0: no MIGRATE connection is kept
// open), so tools that wait for it to drop to 0 find it.
func TestInfoMigrateCachedSockets(t *testing.T) {
	c := startNode(t, nil).client(t)
	info, err := c.Info(context.Background(), "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(info, "\r\nmigrate_cached_sockets:0\r\n") {
		t.Fatalf("INFO stats has no migrate_cached_sockets:0:\n%s", info)
	}
	if all := c.Info(context.Background()).Val(); !strings.Contains(all, "migrate_cached_sockets:0") {
		t.Fatal("INFO without a section lacks migrate_cached_sockets")
	}
}
