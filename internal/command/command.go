// Package command is the one description of vcache's commands that the data
// node and the proxy share: each command's name, arity, flags and key
// positions. The node attaches a handler to each name; the proxy routes by
// the key positions. Nothing here executes a command.
package command

import (
	"strconv"
	"strings"
)

// Flag describes how a command behaves.
type Flag uint64

const (
	// Write commands may change the keyspace (and are refused under OOM).
	Write Flag = 1 << iota
	// Readonly commands never change the keyspace.
	Readonly
	// Admin commands manage the server (CONFIG, SHUTDOWN, SAVE, ...).
	Admin
	// Keyless commands name no key; their Route says how the proxy
	// serves them.
	Keyless
	// NoAuth commands run before AUTH succeeds (AUTH, HELLO, QUIT, ...).
	NoAuth
	// DenyOOM commands may grow memory and are refused under maxmemory
	// with the noeviction policy.
	DenyOOM
	// Loading commands are allowed while a snapshot loads.
	Loading
	// Blocking commands may wait for another client's write (blocking
	// pops); the proxy carries them out on a connection of their own.
	Blocking
	// OffLoop commands are served off the node's event loops: they may
	// wait (WAIT), take their connection over (VCACHE.SYNC) or run long
	// enough to hold up a loop's other clients (VCACHE.IMPORT).
	OffLoop
	// NodeOnly commands are for a data node's operators and peers
	// (SHUTDOWN, the node-to-node VCACHE.* commands); the proxy refuses
	// them.
	NodeOnly
	// Dangerous commands are in the @dangerous ACL category besides the
	// admin ones (FLUSHALL, KEYS, CONFIG...).
	Dangerous
	// NoScript commands may not be called from a script (redis.call).
	NoScript
	// AllowBusy commands are served while a script has run past the busy
	// threshold (SCRIPT KILL, SHUTDOWN NOSAVE, AUTH...); others get BUSY.
	AllowBusy
	// SelfLocked commands take the key stripes they need themselves (a
	// script takes every stripe), so the dispatcher takes none for them.
	SelfLocked
	// Subscriber commands are those a RESP2 connection in subscriber mode
	// (after SUBSCRIBE) may still run: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE,
	// PING, QUIT and RESET.
	Subscriber
	// NoMulti commands are refused inside MULTI (SAVE, SHUTDOWN), which
	// then aborts the transaction.
	NoMulti
	// TxControl commands run at once inside MULTI instead of being queued
	// (MULTI, EXEC, DISCARD, WATCH, QUIT, RESET).
	TxControl
	// Container commands have subcommands (CLIENT, CONFIG, XINFO, ...):
	// Redis names a call of one "name|subcommand" in CLIENT LIST's cmd=
	// and in its errors.
	Container
	// ProxyOnly commands are answered by the proxy alone: the data node
	// has no handler for them and answers them as unknown.
	ProxyOnly
	// NoAccess commands look only at their keys' existence, type, length
	// or expiry, never at their values (Redis's key specs without the
	// ACCESS flag: EXISTS, TTL, STRLEN): ACL key patterns of either kind
	// (%R~ or %W~) allow them.
	NoAccess
	// Access commands write their keys and also read or return their
	// values (Redis's RW key specs with ACCESS: GETSET, INCR, RENAME):
	// ACL needs read as well as write access to the keys.
	Access
	// Exec commands run a transaction's queued commands (EXEC): they take
	// the stripes those commands need, and refusing one inside MULTI
	// discards the transaction (EXECABORT).
	Exec
	// Stateless commands' replies depend on their arguments alone (PING,
	// ECHO): every server answers them alike, so the proxy, which answers
	// them itself, may also queue them in a transaction for a node.
	Stateless
	// DestFirst writes make their keyspace events on their last key (the
	// destination) before those on the first (the list moves notify the
	// push, then the pop).
	DestFirst
	// NoEvents writes make no keyspace event of their own (XACK), but for
	// the consumer a ConsumerArg names, when they create it.
	NoEvents
	// NoKeyspace commands touch no key although flagged Readonly here
	// (PING, ECHO, TIME, LASTSAVE; Redis does not flag them readonly): a
	// MONITOR connection may still run them.
	NoKeyspace
	// MayReplicate commands neither read nor write keys by their flags
	// but may reach replicas (Redis's may-replicate: scripts, PUBLISH,
	// PFCOUNT): a MONITOR connection may not run them.
	MayReplicate
	// SkipMonitor commands are shown by MONITOR before they run, not after
	// (Redis's skip-monitor: scripts, whose own commands follow their
	// line).
	SkipMonitor
	// Patterns commands name channel patterns, not channels, at
	// ChannelFirst..ChannelLast (PSUBSCRIBE).
	Patterns
	// Scans commands take time that grows with the documents of the
	// index they name (at IndexArg): FT.SEARCH, FT.AGGREGATE, FT.PROFILE.
	// A node serves one over a large index off its event loops.
	Scans
)

// ScriptRun says which script a scripting command runs: whether it may
// write then depends on that script's flags, not on the command's
// (Redis's getCommandFlags of EVAL, EVALSHA and FCALL). It is one of
// ScriptBody, ScriptSHA and ScriptFunction, with ScriptReadOnly for the
// _RO commands.
type ScriptRun uint8

const (
	// NoScriptRun: not a scripting command.
	NoScriptRun ScriptRun = 0
	// ScriptBody runs the script its first argument is (EVAL).
	ScriptBody ScriptRun = 1 << (iota - 1)
	// ScriptSHA runs the cached script its first argument names (EVALSHA).
	ScriptSHA
	// ScriptFunction runs the function its first argument names (FCALL).
	ScriptFunction
	// ScriptReadOnly, with one of the above, runs a script that may not
	// write (EVAL_RO, EVALSHA_RO, FCALL_RO).
	ScriptReadOnly
)

// Kind returns which of ScriptBody, ScriptSHA and ScriptFunction r is.
func (r ScriptRun) Kind() ScriptRun { return r &^ ScriptReadOnly }

// Route says how the proxy serves a command. Every command has one: a
// keyed command's is RouteKey (the zero Route) unless the proxy does more
// with it; a keyless one must name another, or be flagged NodeOnly (then
// the proxy refuses it). Commands flagged Blocking are routed by key on a
// connection of their own.
//
// For every route but RouteKey and RouteAnyNode, the proxy has a handler
// proxyName for spec name, found as the node's cmdName is (see
// internal/handlergen): what it answers, how it merges the nodes' replies
// or what it does with the transaction or the subscription.
type Route uint8

const (
	// RouteKey commands go to the node that serves their keys' slot
	// (all of them in one slot).
	RouteKey Route = iota
	// RouteAnyNode commands name no key and any data node answers them as
	// well as another (TIME, FT.EXPLAIN): the proxy sends them to any one.
	RouteAnyNode
	// RouteLocal commands are answered by the proxy itself (PING, CLIENT,
	// AUTH).
	RouteLocal
	// RouteFanout commands must reach every shard (FLUSHALL, DBSIZE,
	// FT.CREATE): the proxy sends them to every node and merges the
	// replies.
	RouteFanout
	// RouteSplit commands may name keys on several nodes (MGET, DEL,
	// SUNION): the proxy sends each node its part, or gathers the keys'
	// values, and merges the replies.
	RouteSplit
	// RouteOwn commands are answered by the proxy or sent to the node it
	// picks by their arguments (CLUSTER, CONFIG, PUBLISH's home node).
	RouteOwn
	// RouteTx commands control a transaction (MULTI, EXEC, DISCARD,
	// WATCH, UNWATCH), which the proxy keeps per client.
	RouteTx
	// RouteSubscribe commands (un)subscribe the proxy's client, which the
	// proxy answers at a round's edge.
	RouteSubscribe
)

// routeNames are the Routes' Go names, for messages.
var routeNames = [...]string{"RouteKey", "RouteAnyNode", "RouteLocal", "RouteFanout", "RouteSplit", "RouteOwn", "RouteTx", "RouteSubscribe"}

// String returns the Route's Go name (RouteFanout).
func (r Route) String() string {
	if int(r) < len(routeNames) {
		return routeNames[r]
	}
	return "Route(" + strconv.Itoa(int(r)) + ")"
}

// Spec is one command's description, in Redis's own terms.
type Spec struct {
	// Name is the lower-case command name ("set", "ft.search").
	Name string
	// Arity counts the command name too: N means exactly N arguments,
	// -N at least N.
	Arity int
	// Flags says how the command behaves.
	Flags Flag
	// Proxy says how the proxy serves the command.
	Proxy Route
	// FirstKey, LastKey and Step give key positions as in COMMAND INFO:
	// FirstKey 0 means no keys; LastKey -1 means the last argument.
	FirstKey, LastKey, Step int
	// KeyNum, when positive, is the position of a numkeys argument that
	// many keys follow (Redis's keynum key spec, a movablekeys command such
	// as ZUNION). FirstKey..LastKey still name the first key (ZUNION's
	// first source, ZUNIONSTORE's destination) so routing by the first
	// key works; KeyPositions gives them all.
	KeyNum int
	// KeysAfter, when set, is a token (lower-case, as "streams") after
	// which the keys come: the first half of the arguments that follow its
	// first occurrence are keys, the second half their values (XREAD's
	// STREAMS k1 k2 id1 id2, another movablekeys form). FirstKey is 0 for
	// such a command, as in COMMAND INFO; KeyPositions and FirstKeyPos
	// find the keys.
	KeysAfter string
	// KeysFrom is where the search for KeysAfter starts (1 when 0):
	// XREADGROUP's group and consumer names, before it, may be the token.
	KeysFrom int
	// MoreKeys, when set, appends to buf the positions of keys that a
	// command's options name (SORT's STORE destination): Redis's
	// movablekeys commands whose keys a getkeys function finds.
	// KeyPositions calls it after the other rules.
	MoreKeys func(args [][]byte, buf []int) []int
	// LegacyRange, when set, is the first key, last key and step COMMAND
	// INFO gives for a command whose FirstKey is 0 because its key moves
	// with an option (MIGRATE's key argument, "" with KEYS: 3 3 1).
	LegacyRange [3]int
	// AccessIf, when set, reports whether a command line reads its keys'
	// values although its flags say it does not (SET ... GET); see
	// KeyAccess.
	AccessIf func(args [][]byte) bool
	// BlocksIf, when set, reports whether a command line may wait for
	// another client's write although the command is not flagged
	// Blocking (XREAD with its BLOCK option).
	BlocksIf func(args [][]byte) bool
	// OffLoopIf, when set, reports whether a command line is served off
	// the node's event loops although the command is not flagged OffLoop
	// (CLIENT TRACKING ON: the connection then needs a goroutine of its
	// own, so other clients' writes can reach it).
	OffLoopIf func(args [][]byte) bool
	// Event names the keyspace events a write makes on its keys when
	// they are not named as the command (Redis's names: SETNX makes set,
	// INCR incrby): one word for every key, or one word per key in key
	// order, the last repeated (RENAME: "rename_from rename_to"). Empty:
	// the command's name.
	Event string
	// EventOf, when set, names the event a write makes on the j-th key of
	// the command line args, which its arguments decide (LMOVE's LEFT and
	// RIGHT, XGROUP's subcommand); it overrides Event.
	EventOf func(args [][]byte, j int) string
	// Index says what a search command does with the index it names (see
	// IndexUse); IndexOf, when set, decides it from the arguments
	// (FT.DROPINDEX ... DD) and overrides it.
	Index   IndexUse
	IndexOf func(args [][]byte) IndexUse
	// IndexArg is the position of the argument naming that index (0:
	// none); AliasArg, when positive, that of an alias whose current
	// index the command changes too (FT.ALIASUPDATE, FT.ALIASDEL): no such
	// alias is not an error there.
	IndexArg, AliasArg int
	// NoIndex is the error RediSearch 2.8 gives this command when the
	// index at IndexArg does not exist (%s: the index's name), as words
	// differ between commands; "" when it names none.
	NoIndex string
	// TTLIf, when set, reports whether a command line also sets its key's
	// time to live (SETEX; SET ... EX): an expire event follows its set.
	TTLIf func(args [][]byte) bool
	// ConsumerArg, when positive, is the position of the consumer group
	// name that a stream command's consumer name follows (XREADGROUP
	// GROUP g c, XCLAIM key g c): the command creates that consumer in the
	// group of its first key if it is new.
	ConsumerArg int
	// ChannelFirst and ChannelLast are the positions of the channels a
	// pub/sub command posts to or listens on, as FirstKey and LastKey are
	// of keys (PUBLISH 1 1, SUBSCRIBE 1 -1): ACL checks them. 0: none (the
	// unsubscribe commands name no channel ACL checks).
	ChannelFirst, ChannelLast int
	// Script, for a scripting command, says which script it runs.
	Script ScriptRun
	// Group is the documentation group used by COMMAND DOCS.
	Group string
	// Summary is a one-line description for COMMAND DOCS.
	Summary string
	// Reply3 gives the shape of the command's RESP3 reply (nil: the
	// same as in RESP2, nulls aside).
	Reply3 Reply3
	// SubFlags gives the flags that only some subcommands of a Container
	// command have, by lower-case subcommand name (CLUSTER RESET is
	// NoScript, CLUSTER INFO is not); HasIn reads them.
	SubFlags map[string]Flag
	// SubArity gives the arity of each subcommand of a Container command
	// that the dispatcher checks before the command runs (or is queued in
	// MULTI), by lower-case name: a subcommand it does not name, or the
	// wrong number of words for one, is refused then, as Redis refuses
	// "client|pause" (SubError). Nil: the handler checks its subcommands.
	SubArity map[string]int
	// ID is the spec's index in the Table that holds it (see NewTable):
	// servers keep per-command state in slices indexed by it.
	ID int
}

// Has reports whether s has every flag in f.
func (s *Spec) Has(f Flag) bool { return s.Flags&f == f }

// HasIn reports whether the command line args (args[0] is the command
// name) has every flag in f: those of the spec, with those SubFlags gives
// its subcommand args[1].
func (s *Spec) HasIn(args [][]byte, f Flag) bool {
	flags := s.Flags
	if len(s.SubFlags) > 0 && len(args) > 1 {
		flags |= s.subFlags(args[1])
	}
	return flags&f == f
}

// subFlags returns the SubFlags of the subcommand sub, in any case.
func (s *Spec) subFlags(sub []byte) Flag {
	for name, f := range s.SubFlags {
		if EqualFold(sub, name) {
			return f
		}
	}
	return 0
}

// SubError returns the error Redis gives the command line args of a
// Container command with SubArity before running it: an unknown
// subcommand ("ERR unknown subcommand 'x'. Try CLIENT HELP.") or the
// wrong number of arguments for its subcommand; "" when it may run.
func (s *Spec) SubError(args [][]byte) string {
	if s == nil || s.SubArity == nil || len(args) < 2 {
		return ""
	}
	for name, arity := range s.SubArity {
		if !EqualFold(args[1], name) {
			continue
		}
		if arity >= 0 && len(args) != arity || arity < 0 && len(args) < -arity {
			return ArityError(s.Name + "|" + name)
		}
		return ""
	}
	return "ERR unknown subcommand '" + clip(string(args[1]), 128) + "'. Try " + strings.ToUpper(s.Name) + " HELP."
}

// OffLoopIn reports whether the command line args is served off the
// node's event loops: flagged OffLoop, or as OffLoopIf says.
func (s *Spec) OffLoopIn(args [][]byte) bool {
	return s.Has(OffLoop) || s.OffLoopIf != nil && s.OffLoopIf(args)
}

// KeyAccess says whether the command line args reads its keys' values
// and whether it changes them, as Redis 7's key-spec flags do (ACCESS;
// RW, OW, RM): a Write command writes; a Readonly one reads values unless
// flagged NoAccess; an Access one or a line AccessIf accepts reads too.
func (s *Spec) KeyAccess(args [][]byte) (read, write bool) {
	write = s.Has(Write)
	switch {
	case s.Has(NoAccess):
		return false, write
	case s.Has(Access), s.AccessIf != nil && s.AccessIf(args):
		return true, write
	}
	return s.Has(Readonly), write
}

// EventName returns the name of the keyspace event the command line args
// makes on its j-th key: EventOf's, the j-th word of Event (its last for
// keys past them), or the command's name.
func (s *Spec) EventName(args [][]byte, j int) string {
	if s.EventOf != nil {
		return s.EventOf(args, j)
	}
	if s.Event == "" {
		return s.Name
	}
	ev := s.Event
	for ; j > 0; j-- {
		sp := strings.IndexByte(ev, ' ')
		if sp < 0 {
			break
		}
		ev = ev[sp+1:]
	}
	if sp := strings.IndexByte(ev, ' '); sp >= 0 {
		ev = ev[:sp]
	}
	return ev
}

// ArityOK reports whether a command line of n words (name included) fits
// the spec's arity.
func (s *Spec) ArityOK(n int) bool {
	if s.Arity >= 0 {
		return n == s.Arity
	}
	return n >= -s.Arity
}

// KeyRange returns the key positions of a command line of n words (the
// name included) as first, last and step, following FirstKey, LastKey and
// Step, without allocating; first is 0 when the line names no key.
// Positions past the end of the line are left out.
func (s *Spec) KeyRange(n int) (first, last, step int) {
	if s.FirstKey <= 0 || s.FirstKey >= n {
		return 0, 0, 1
	}
	last = s.LastKey
	if last < 0 {
		last += n
	}
	return s.FirstKey, min(last, n-1), max(s.Step, 1)
}

// KeysIn is KeyRange for the command line args, which also finds the
// keys of a KeyNum spec; a key count that is not a positive integer gives
// no keys (the handler answers the error).
func (s *Spec) KeysIn(args [][]byte) (first, last, step int) {
	if s.KeyNum <= 0 {
		return s.KeyRange(len(args))
	}
	if s.KeyNum >= len(args)-1 {
		return 0, 0, 1
	}
	n, err := strconv.ParseInt(string(args[s.KeyNum]), 10, 64)
	if err != nil || n < 1 {
		return 0, 0, 1
	}
	return s.KeyNum + 1, int(min(int64(s.KeyNum)+n, int64(len(args)-1))), 1
}

// KeyIndexes returns the positions of the keys in args (args[0] is the
// command name), as KeyPositions gives them; nil for a line with no keys.
func (s *Spec) KeyIndexes(args [][]byte) []int {
	return s.KeyPositions(args, nil)
}

// KeyPositions appends to buf the positions of the keys in args: those
// KeyRange gives, then those after the KeysAfter token, then those counted
// by the numkeys argument at KeyNum (as many as there are, none when it is
// not a positive number).
func (s *Spec) KeyPositions(args [][]byte, buf []int) []int {
	first, last, step := s.KeyRange(len(args))
	if first != 0 {
		for i := first; i <= last; i += step {
			buf = append(buf, i)
		}
	}
	if s.KeysAfter != "" {
		from, n := s.keysAfter(args)
		for i := from; i < from+n; i++ {
			buf = append(buf, i)
		}
	}
	buf = s.keyNumPositions(args, first, last, buf)
	if s.MoreKeys != nil {
		buf = s.MoreKeys(args, buf)
	}
	return buf
}

// keyNumPositions appends the keys counted by the numkeys argument at
// KeyNum that first..last does not hold already.
func (s *Spec) keyNumPositions(args [][]byte, first, last int, buf []int) []int {
	if s.KeyNum <= 0 || s.KeyNum >= len(args) {
		return buf
	}
	n, err := strconv.Atoi(string(args[s.KeyNum]))
	if err != nil || n <= 0 {
		return buf
	}
	for i := s.KeyNum + 1; i <= s.KeyNum+n && i < len(args); i++ {
		if first == 0 || i > last {
			buf = append(buf, i)
		}
	}
	return buf
}

// Movable reports whether the command's keys depend on its arguments
// (a numkeys argument, a KeysAfter token or MoreKeys): then KeyPositions
// finds those that KeyRange does not.
func (s *Spec) Movable() bool { return s.KeyNum > 0 || s.KeysAfter != "" || s.MoreKeys != nil }

// FirstKeyPos returns the position of the first key in args, or 0 when
// the line names none.
func (s *Spec) FirstKeyPos(args [][]byte) int {
	if s.FirstKey > 0 && s.FirstKey < len(args) {
		return s.FirstKey
	}
	if !s.Movable() {
		return 0
	}
	if s.KeysAfter == "" && s.MoreKeys == nil {
		// Only a numkeys argument (EVAL, FCALL): one kept off
		// KeyPositions, whose buffer escapes, stays on the stack.
		var one [1]int
		first, last, _ := s.KeyRange(len(args))
		if first != 0 {
			return first
		}
		if idx := s.keyNumPositions(args, first, last, one[:0]); len(idx) > 0 {
			return idx[0]
		}
		return 0
	}
	var buf [4]int
	if idx := s.KeyPositions(args, buf[:0]); len(idx) > 0 {
		return idx[0]
	}
	return 0
}

// keysAfter returns the range of the keys after the KeysAfter token:
// from, and how many; 0, 0 when the token is missing or what follows it
// is not an even, non-zero number of arguments.
func (s *Spec) keysAfter(args [][]byte) (from, n int) {
	for i := max(s.KeysFrom, 1); i < len(args); i++ {
		if EqualFold(args[i], s.KeysAfter) {
			rest := len(args) - i - 1
			if rest == 0 || rest%2 != 0 {
				return 0, 0
			}
			return i + 1, rest / 2
		}
	}
	return 0, 0
}

// Table is a set of command specs looked up by name, case-insensitively.
type Table struct {
	byName map[string]*Spec
	order  []*Spec
}

// NewTable builds a table from copies of specs, in their order: each
// copy's ID is its index. Names are stored lower-case.
func NewTable(specs []Spec) *Table {
	t := &Table{byName: make(map[string]*Spec, len(specs))}
	for i := range specs {
		s := specs[i]
		s.Name = strings.ToLower(s.Name)
		s.ID = len(t.order)
		t.byName[s.Name] = &s
		t.order = append(t.order, &s)
	}
	return t
}

// Select returns a table of the specs of t that keep accepts, in t's
// order, with IDs counted anew.
func (t *Table) Select(keep func(*Spec) bool) *Table {
	var specs []Spec
	for _, s := range t.order {
		if keep(s) {
			specs = append(specs, *s)
		}
	}
	return NewTable(specs)
}

// Lookup finds a command by its name in any case, or returns nil; it
// does not allocate for names up to 32 bytes.
func (t *Table) Lookup(name []byte) *Spec {
	var buf [32]byte
	if len(name) <= len(buf) {
		for i, c := range name {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		return t.byName[string(buf[:len(name)])]
	}
	return t.byName[strings.ToLower(string(name))]
}

// EqualFold reports whether the command name b equals lower, a lower-case
// name, ignoring ASCII case, without allocating.
func EqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// All returns every spec in table order. Callers must not modify them.
func (t *Table) All() []*Spec { return t.order }

// Len returns the number of commands.
func (t *Table) Len() int { return len(t.order) }
