package command

import (
	"strconv"
	"strings"
)

// KeyFlags returns the flags Redis 7.0's key specs give the j-th key (in
// KeyIndexes order) of the command line args, as COMMAND
// GETKEYSANDFLAGS names them: one of RW, RO, OW, RM, then ACCESS,
// UPDATE, INSERT or DELETE where they apply, in lower case.
func (s *Spec) KeyFlags(args [][]byte, j int) []string {
	return strings.Fields(s.keyFlags(args, j))
}

func (s *Spec) keyFlags(args [][]byte, j int) string {
	name := s.Name
	if s.Has(Container) && len(args) > 1 {
		name += "|" + strings.ToLower(string(args[1]))
	}
	switch name {
	case "set":
		// SET's flags vary: with GET it reads the old value.
		if setGetsValue(args) {
			return "RW access update"
		}
		return "OW update"
	case "bitfield":
		// BITFIELD with only GET operations reads, as BITFIELD_RO.
		if !bitfieldWrites(args) {
			return "RO access"
		}
	}
	if f, ok := keySpecFlags[name]; ok {
		return f[min(j, len(f)-1)]
	}
	return s.defaultKeyFlags()
}

// defaultKeyFlags are the key flags of a command with one key spec that
// keySpecFlags leaves out: a read that looks at values is RO ACCESS, one
// that looks only at a key's existence, type or size RO; a write RW
// UPDATE, RW ACCESS UPDATE when it also reads the value.
func (s *Spec) defaultKeyFlags() string {
	switch {
	case !s.Has(Write) && s.Has(NoAccess):
		return "RO"
	case !s.Has(Write):
		return "RO access"
	case s.Has(Access):
		return "RW access update"
	}
	return "RW update"
}

// bitfieldWrites reports whether a BITFIELD line has a SET or INCRBY
// operation.
func bitfieldWrites(args [][]byte) bool {
	for _, a := range args[min(2, len(args)):] {
		if EqualFold(a, "set") || EqualFold(a, "incrby") {
			return true
		}
	}
	return false
}

// GetKeysAndFlags answers COMMAND GETKEYSANDFLAGS for line as GetKeys
// does COMMAND GETKEYS, with each key's flags.
func GetKeysAndFlags(spec *Spec, line [][]byte) ([]int, [][]string, string) {
	if len(line) < 2 {
		return nil, nil, ArityError("command|getkeysandflags")
	}
	idx, msg := GetKeys(spec, line)
	if msg != "" {
		return nil, nil, msg
	}
	flags := make([][]string, len(idx))
	for j := range idx {
		flags[j] = spec.KeyFlags(line, j)
	}
	return idx, flags, ""
}

// keySpecFlags are the key flags, as Redis 7.0's COMMAND INFO gives its
// key specs, of the commands (or container|subcommand) defaultKeyFlags
// does not describe: one entry per key in key order, the last standing
// for the keys after it (ZUNIONSTORE's destination, then its sources).
var keySpecFlags = map[string][]string{
	"append":                {"RW insert"},
	"bitfield":              {"RW access update"},
	"bitop":                 {"OW update", "RO access"},
	"blmove":                {"RW access delete", "RW insert"},
	"blmpop":                {"RW access delete"},
	"blpop":                 {"RW access delete"},
	"brpop":                 {"RW access delete"},
	"brpoplpush":            {"RW access delete", "RW insert"},
	"bzmpop":                {"RW access delete"},
	"bzpopmax":              {"RW access delete"},
	"bzpopmin":              {"RW access delete"},
	"copy":                  {"RO access", "OW update"},
	"del":                   {"RM delete"},
	"eval":                  {"RW access update"},
	"evalsha":               {"RW access update"},
	"expiretime":            {"RO access"},
	"fcall":                 {"RW access update"},
	"georadius":             {"RO access", "OW update"},
	"georadiusbymember":     {"RO access", "OW update"},
	"geosearchstore":        {"OW update", "RO access"},
	"getdel":                {"RW access delete"},
	"hdel":                  {"RW delete"},
	"hsetnx":                {"RW insert"},
	"linsert":               {"RW insert"},
	"llen":                  {"RO"},
	"lmove":                 {"RW access delete", "RW insert"},
	"lmpop":                 {"RW access delete"},
	"lpop":                  {"RW access delete"},
	"lpush":                 {"RW insert"},
	"lpushx":                {"RW insert"},
	"lrem":                  {"RW delete"},
	"ltrim":                 {"RW delete"},
	"memory|usage":          {"RO"},
	"mset":                  {"OW update"},
	"msetnx":                {"OW insert"},
	"object|encoding":       {"RO"},
	"object|freq":           {"RO"},
	"object|idletime":       {"RO"},
	"object|refcount":       {"RO"},
	"pexpiretime":           {"RO access"},
	"pfadd":                 {"RW insert"},
	"pfcount":               {"RW access"},
	"pfdebug":               {"RW access"},
	"pfmerge":               {"RW access insert", "RO access"},
	"psetex":                {"OW update"},
	"pttl":                  {"RO access"},
	"rename":                {"RW access delete", "OW update"},
	"renamenx":              {"RW access delete", "OW insert"},
	"restore":               {"OW update"},
	"rpop":                  {"RW access delete"},
	"rpoplpush":             {"RW access delete", "RW insert"},
	"rpush":                 {"RW insert"},
	"rpushx":                {"RW insert"},
	"sadd":                  {"RW insert"},
	"scard":                 {"RO"},
	"sdiffstore":            {"OW update", "RO access"},
	"setbit":                {"RW access update"},
	"setex":                 {"OW update"},
	"setnx":                 {"OW insert"},
	"sinterstore":           {"RW update", "RO access"},
	"sismember":             {"RO"},
	"smove":                 {"RW access delete", "RW insert"},
	"sort":                  {"RO access", "OW update"},
	"spop":                  {"RW access delete"},
	"srem":                  {"RW delete"},
	"sunionstore":           {"OW update", "RO access"},
	"ttl":                   {"RO access"},
	"unlink":                {"RM delete"},
	"xautoclaim":            {"RW delete"},
	"xdel":                  {"RW delete"},
	"xgroup|create":         {"RW insert"},
	"xgroup|createconsumer": {"RW insert"},
	"xgroup|delconsumer":    {"RW delete"},
	"xgroup|destroy":        {"RW delete"},
	"xgroup|setid":          {"RW update"},
	"xinfo|consumers":       {"RO access"},
	"xinfo|groups":          {"RO access"},
	"xinfo|stream":          {"RO access"},
	"xlen":                  {"RO"},
	"xreadgroup":            {"RO access"},
	"xtrim":                 {"RW delete"},
	"zcard":                 {"RO"},
	"zdiffstore":            {"OW update", "RO access"},
	"zincrby":               {"RW access update"},
	"zinterstore":           {"OW update", "RO access"},
	"zmpop":                 {"RW access delete"},
	"zpopmax":               {"RW access delete"},
	"zpopmin":               {"RW access delete"},
	"zrangestore":           {"OW update", "RO access"},
	"zrem":                  {"RW delete"},
	"zremrangebylex":        {"RW delete"},
	"zremrangebyrank":       {"RW delete"},
	"zremrangebyscore":      {"RW delete"},
	"zunionstore":           {"OW update", "RO access"},
}

// noMandatoryKeys reports whether the command may name no key (Redis's
// no-mandatory-keys: scripts and functions): COMMAND GETKEYS then answers
// an empty list, not an error.
func noMandatoryKeys(name string) bool {
	switch name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		return true
	}
	return false
}

// numKeysFit reports whether a command with a numkeys argument (KeyNum)
// has one that is a positive count of the arguments after it, as COMMAND
// GETKEYS requires (ZUNIONSTORE d 5 a names no keys there).
func numKeysFit(spec *Spec, line [][]byte) bool {
	if spec.KeyNum <= 0 {
		return true
	}
	if spec.KeyNum >= len(line) {
		return false
	}
	n, err := strconv.Atoi(string(line[spec.KeyNum]))
	return err == nil && n > 0 && n < len(line)-spec.KeyNum
}
