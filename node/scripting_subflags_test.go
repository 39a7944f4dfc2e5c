package node

import (
	"context"
	"strings"
	"testing"
)

// TestScriptNoScriptSubcommand: a subcommand the table flags NoScript
// (CLUSTER RESET, in any case) is refused from a script while another
// subcommand of the same command (CLUSTER KEYSLOT) runs: on a node
// outside a cluster it reaches CLUSTER's handler, which says so.
func TestScriptNoScriptSubcommand(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	for _, sub := range []string{"reset", "ReSeT"} {
		_, err := c.Eval(ctx, "return redis.call('cluster','"+sub+"')", nil).Result()
		if err == nil || !strings.Contains(err.Error(), "This Redis command is not allowed from script") {
			t.Errorf("CLUSTER %s from a script: err %v, want not allowed from script", sub, err)
		}
	}
	_, err := c.Eval(ctx, "return redis.call('cluster','keyslot','foo')", nil).Result()
	if err == nil || !strings.Contains(err.Error(), "ERR This instance has cluster support disabled") {
		t.Errorf("CLUSTER KEYSLOT foo from a script: err %v, want CLUSTER's own reply", err)
	}
}
