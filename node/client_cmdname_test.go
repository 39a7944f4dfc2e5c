package node

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

// TestClientListSubcommandName checks CLIENT LIST and CLIENT INFO name a
// subcommand's last command as Redis 7.0 does ("client|list"), and a
// plain command by its name; the caller's qbuf is its running request's
// 26 bytes (*2 $6 client $4 list), an idle client's 0.
func TestClientListSubcommandName(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	other := tn.raw(t)
	other.do("CONFIG", "GET", "maxmemory")
	if info := c.ClientInfo(ctx).Val(); info == nil {
		t.Fatal("CLIENT INFO failed")
	}
	raw, err := c.Do(ctx, "CLIENT", "INFO").Text()
	if err != nil || !strings.Contains(raw, " cmd=client|info ") || !strings.Contains(raw, " qbuf=26 ") {
		t.Fatalf("CLIENT INFO: %q, %v", raw, err)
	}
	list, err := c.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	id := c.ClientID(ctx).Val()
	var mine, theirs string
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		if strings.HasPrefix(line, "id="+strconv.FormatInt(id, 10)+" ") {
			mine = line
		} else if strings.Contains(line, " cmd=config|get ") {
			theirs = line
		}
	}
	if !strings.Contains(mine, " cmd=client|list ") || !strings.Contains(mine, " qbuf=26 ") {
		t.Errorf("own line %q: want cmd=client|list and qbuf=26", mine)
	}
	if theirs == "" || !strings.Contains(theirs, " qbuf=0 ") {
		t.Errorf("no client with cmd=config|get in\n%s", list)
	}
	other.do("GET", "k")
	if list := c.ClientList(ctx).Val(); !strings.Contains(list, " cmd=get ") {
		t.Errorf("after GET: no cmd=get in\n%s", list)
	}
}
