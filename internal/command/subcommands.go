package command

import "slices"

// subcommandNames are the subcommands each container command serves, as
// COMMAND LIST names them ("config|get").
var subcommandNames = map[string][]string{
	"acl":    {"cat", "deluser", "genpass", "getuser", "help", "list", "load", "log", "save", "setuser", "users", "whoami"},
	"client": {"caching", "getname", "getredir", "help", "id", "info", "kill", "list", "no-evict", "no-touch", "pause", "reply", "setname", "tracking", "trackinginfo", "unblock", "unpause"},
	"cluster": {"addslots", "addslotsrange", "bumpepoch", "count-failure-reports", "countkeysinslot", "delslots", "delslotsrange", "failover", "flushslots", "forget",
		"getkeysinslot", "help", "info", "keyslot", "links", "meet", "myid", "nodes", "replicas", "replicate", "reset", "saveconfig", "set-config-epoch", "setslot",
		"shards", "slaves", "slots"},
	"command":  {"count", "docs", "getkeys", "getkeysandflags", "help", "info", "list"},
	"config":   {"get", "resetstat", "rewrite", "set"},
	"function": {"delete", "dump", "flush", "help", "kill", "list", "load", "restore", "stats"},
	"latency":  {"doctor", "graph", "help", "histogram", "history", "latest", "reset"},
	"memory":   {"doctor", "help", "malloc-stats", "purge", "stats", "usage"},
	"object":   {"encoding", "freq", "help", "idletime", "refcount"},
	"pubsub":   {"channels", "help", "numpat", "numsub", "shardchannels", "shardnumsub"},
	"script":   {"exists", "flush", "help", "kill", "load"},
	"slowlog":  {"get", "help", "len", "reset"},
	"xgroup":   {"create", "createconsumer", "delconsumer", "destroy", "help", "setid"},
	"xinfo":    {"consumers", "groups", "help", "stream"},
}

// Subcommands returns the names of the subcommands a container command
// serves (nil for other commands).
func (s *Spec) Subcommands() []string { return subcommandNames[s.Name] }

// HasSubcommand reports whether sub (in any case) is one of the
// subcommands a container command serves.
func (s *Spec) HasSubcommand(sub []byte) bool {
	return slices.ContainsFunc(subcommandNames[s.Name], func(name string) bool { return EqualFold(sub, name) })
}
