package proxy

import (
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/resp"
)

// kind is how the proxy carries out a command.
type kind uint8

const (
	kindKey       kind = iota // route by its keys' slot (all in one slot), or to any node if it has none
	kindLocal                 // answered by the proxy itself
	kindComposite             // split or fanned out, replies merged
	kindTx                    // MULTI, EXEC, DISCARD, WATCH, UNWATCH
	kindRefused               // not available through the proxy
	kindRouted                // answered by the proxy, or sent to the node an argument names (CLUSTER)
	kindBlocking              // may wait for another client's write: on a connection of its own (blocking.go)
	kindSubscribe             // (un)subscribes: answered by the proxy, at a round's edge (pubsub_client.go)
)

// entry is the proxy's view of one command: its shared spec, how it is
// carried out, and its statistics.
type entry struct {
	spec *command.Spec
	kind kind
	id   int // index in cmdTable.order: the command's id in the ACL table
	// local answers a kindLocal command by appending its reply to s.local.
	local func(s *session, args [][]byte)
	// composite submits the calls of a kindComposite or kindRouted
	// command and returns what merges their replies, or an error reply
	// text.
	composite func(s *session, cmd resp.Command) (merger, string)
	// tx carries out a kindTx command.
	tx func(s *session, cmd resp.Command) item
	// blocksIf, when set, says whether a command line of a kindKey
	// command blocks (XREAD ... BLOCK ms): then it is carried out as a
	// kindBlocking one.
	blocksIf func(args [][]byte) bool
	// ps says what a kindSubscribe command does.
	ps    *psCmd
	stats cmdStats
}

// cmdTable is the shared command specs and the proxy's entries, by spec
// ID.
type cmdTable struct {
	specs *command.Table
	order []*entry
}

// newCmdTable builds the proxy's table from the shared command specs.
func newCmdTable() *cmdTable { return newCmdTableFrom(command.Specs()) }

// newCmdTableFrom builds the proxy's table from specs.
func newCmdTableFrom(specs []command.Spec) *cmdTable {
	t := &cmdTable{specs: command.NewTable(specs)}
	byName := map[string]*entry{}
	for _, spec := range t.specs.All() {
		e := &entry{spec: spec, kind: kindKey, id: spec.ID}
		byName[spec.Name] = e
		t.order = append(t.order, e)
	}
	local := map[string]func(*session, [][]byte){
		"acl": cmdACL, "client": cmdClient, "role": cmdRole,
	}
	local["ft.cursor"] = cmdFTCursor
	local["ping"] = cmdPing
	for name, fn := range map[string]func(front.Conn, [][]byte){
		"echo": front.Echo, "quit": front.Quit, "select": front.Select,
		"auth": front.Auth, "hello": front.Hello, "reset": front.Reset,
		"readonly": front.OK, "readwrite": front.OK, "asking": front.OK, "command": front.Command,
	} {
		local[name] = func(s *session, args [][]byte) { fn(s, args) }
	}
	for name, fn := range local {
		if e := byName[name]; e != nil {
			e.kind, e.local = kindLocal, fn
		}
	}
	// Commands flagged Fanout reach every node; fanMerges says how each
	// one's replies merge.
	for _, e := range t.order {
		if e.spec.Has(command.Fanout) {
			e.kind, e.composite = kindComposite, fanMerges[e.spec.Name]
		}
	}
	for name, fn := range splits {
		if e := byName[name]; e != nil {
			e.kind, e.composite = kindComposite, fn
		}
	}
	for name, fn := range routed {
		if e := byName[name]; e != nil {
			e.kind, e.composite = kindRouted, fn
		}
	}
	for _, e := range t.order {
		e.blocksIf = e.spec.BlocksIf
	}
	tx := map[string]func(*session, resp.Command) item{
		"multi": txMulti, "exec": txExec, "discard": txDiscard, "watch": txWatch, "unwatch": txUnwatch,
	}
	for name, fn := range tx {
		if e := byName[name]; e != nil {
			e.kind, e.tx = kindTx, fn
		}
	}
	ps := map[string]psCmd{
		"subscribe": {subChannel, true}, "unsubscribe": {subChannel, false},
		"psubscribe": {subPattern, true}, "punsubscribe": {subPattern, false},
		"ssubscribe": {subShard, true}, "sunsubscribe": {subShard, false},
	}
	for name, c := range ps {
		if e := byName[name]; e != nil {
			e.kind, e.ps = kindSubscribe, &c
		}
	}
	// SHUTDOWN and the nodes' internal migration and replication commands
	// are not for clients of the proxy.
	for _, e := range t.order {
		switch {
		case e.spec.Has(command.NodeOnly):
			e.kind = kindRefused
		case e.spec.Has(command.Blocking):
			e.kind = kindBlocking
		case e.kind == kindComposite && e.composite == nil:
			// a Fanout spec the proxy has no merge for (TestTableFollowsSpecFlags)
			e.kind = kindRefused
		case e.kind == kindKey && e.spec.FirstKey == 0 && !e.spec.Movable() && !e.spec.Has(command.AnyNode):
			// a keyless command with no route here, which no node may
			// answer for the others (TestEveryCommandHasARoute)
			e.kind = kindRefused
		}
	}
	return t
}

// lookup finds a command by name in any case without allocating for
// names up to 32 bytes.
func (t *cmdTable) lookup(name []byte) *entry {
	if s := t.specs.Lookup(name); s != nil {
		return t.order[s.ID]
	}
	return nil
}

// fanMerges gives, by name, how the replies of each command flagged
// Fanout (sent to every node) merge into one.
var fanMerges = map[string]func(*session, resp.Command) (merger, string){
	"info": fanInfo, "dbsize": fanDBSize, "keys": fanKeys, "scan": fanScan,
	"flushall": fanAllOK, "flushdb": fanAllOK, "save": fanAllOK, "bgsave": fanAllOK,
	"randomkey": fanRandomKey,
	"ft.create": fanFTCreate, "ft.dropindex": fanFTDrop, "ft.alter": fanFTAlter,
	"ft.search": fanFTSearch, "ft.info": fanFTInfo, "ft._list": fanFTList,
	"wait":         waitWrites,
	"ft.aggregate": fanFTAggregate,
	"script":       fanScript,
	"function":     fanFunction,
	"pubsub":       fanPubSub,

	// RediSearch's other commands (search_compat.go)
	"ft.drop": fanFTDrop, "ft.tagvals": fanFTTagVals, "ft.config": fanFTFirst,
	"ft.aliasadd": fanFTEverywhere, "ft.aliasupdate": fanFTEverywhere, "ft.aliasdel": fanFTEverywhere,
	"ft.dictadd": fanFTFirst, "ft.dictdel": fanFTFirst, "ft.synupdate": fanFTEverywhere,
	"ft.spellcheck": fanFTSpellCheck, "ft.profile": fanFTProfile,
}

// splits gives, by name, how a command whose keys may be on several
// nodes is split by node and its replies merged, or its keys' values
// gathered.
var splits = map[string]func(*session, resp.Command) (merger, string){
	"mget": splitMGet, "del": splitSum, "unlink": splitSum, "exists": splitSum,
	"touch": splitSum, "mset": splitMSet,
	"json.mget": splitJSONMGet, "json.mset": splitJSONMSet,
	// sets: gathered when their keys are on different nodes
	"sunion": gatherSUnion, "sinter": gatherSInter, "sdiff": gatherSDiff, "sintercard": gatherSInterCard,
	"sunionstore": gatherSUnionStore, "sinterstore": gatherSInterStore, "sdiffstore": gatherSDiffStore,
	// sorted sets likewise (zsetgather.go)
	"zunion": gatherZUnion, "zinter": gatherZInter, "zdiff": gatherZDiff, "zintercard": gatherZInterCard,
	"zunionstore": gatherZUnionStore, "zinterstore": gatherZInterStore, "zdiffstore": gatherZDiffStore,
}

// routed gives, by name, the commands the proxy answers or sends to the
// node an argument names: CLUSTER, PUBLISH, which goes to the pub/sub
// home node (pubsub_hub.go), and CONFIG (config_nodes.go).
var routed = map[string]func(*session, resp.Command) (merger, string){
	"cluster": cmdCluster, "publish": fanPublish, "config": routeConfig,
}
