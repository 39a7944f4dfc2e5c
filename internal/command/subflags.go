package command

// clusterSubFlags are CLUSTER's subcommand flags: RESET may not run in a
// script, and those Redis 7.0 flags admin (MONITOR does not show them).
func clusterSubFlags() map[string]Flag {
	f := map[string]Flag{"reset": NoScript | Admin}
	for _, sub := range []string{"addslots", "addslotsrange", "bumpepoch", "count-failure-reports",
		"delslots", "delslotsrange", "failover", "flushslots", "forget", "meet", "replicas",
		"replicate", "saveconfig", "set-config-epoch", "setslot", "slaves"} {
		f[sub] = Admin
	}
	return f
}
