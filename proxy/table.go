package proxy

import (
	"strings"

	"github.com/vcache/vcache/internal/command"
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
)

// entry is the proxy's view of one command: its shared spec, how it is
// carried out, and its statistics.
type entry struct {
	spec *command.Spec
	kind kind
	id   int // index in cmdTable.order: the command's id in the ACL table
	// local answers a kindLocal command by appending its reply to s.local.
	local func(s *session, args [][]byte)
	// composite submits the calls of a kindComposite command and returns
	// what merges their replies, or an error reply text.
	composite func(s *session, cmd resp.Command) (merger, string)
	// tx carries out a kindTx command.
	tx    func(s *session, cmd resp.Command) item
	stats cmdStats
}

// cmdTable maps lower-case command names to entries.
type cmdTable struct {
	byName map[string]*entry
	order  []*entry
}

// newCmdTable builds the proxy's table from the shared command specs.
func newCmdTable() *cmdTable {
	t := &cmdTable{byName: map[string]*entry{}}
	for _, spec := range command.NewTable(command.Specs()).All() {
		e := &entry{spec: spec, kind: kindKey, id: len(t.order)}
		t.byName[spec.Name] = e
		t.order = append(t.order, e)
	}
	local := map[string]func(*session, [][]byte){
		"ping": cmdPing, "echo": cmdEcho, "quit": cmdQuit, "select": cmdSelect,
		"auth": cmdAuth, "hello": cmdHello, "client": cmdClient, "reset": cmdReset,
		"readonly": cmdOK, "readwrite": cmdOK, "asking": cmdOK, "command": cmdCommand,
		"cluster": cmdCluster, "acl": cmdACL, "config": cmdConfig,
	}
	for name, fn := range local {
		if e := t.byName[name]; e != nil {
			e.kind, e.local = kindLocal, fn
		}
	}
	composite := map[string]func(*session, resp.Command) (merger, string){
		"mget": splitMGet, "del": splitSum, "unlink": splitSum, "exists": splitSum,
		"touch": splitSum, "mset": splitMSet,
		"info": fanInfo, "dbsize": fanDBSize, "keys": fanKeys, "scan": fanScan,
		"flushall": fanAllOK, "flushdb": fanAllOK, "save": fanAllOK, "bgsave": fanAllOK,
		"randomkey": fanRandomKey,
		"ft.create": fanFTCreate, "ft.dropindex": fanFTDrop, "ft.alter": fanFTAlter,
		"ft.search": fanFTSearch, "ft.info": fanFTInfo, "ft._list": fanFTList,
		"wait": fanWait,
	}
	for name, fn := range composite {
		if e := t.byName[name]; e != nil {
			e.kind, e.composite = kindComposite, fn
		}
	}
	tx := map[string]func(*session, resp.Command) item{
		"multi": txMulti, "exec": txExec, "discard": txDiscard, "watch": txWatch, "unwatch": txUnwatch,
	}
	for name, fn := range tx {
		if e := t.byName[name]; e != nil {
			e.kind, e.tx = kindTx, fn
		}
	}
	// SHUTDOWN and the nodes' internal migration and replication commands
	// are not for clients of the proxy.
	for _, name := range []string{"shutdown", "vcache.sync", "vcache.import", "vcache.apply"} {
		if e := t.byName[name]; e != nil {
			e.kind = kindRefused
		}
	}
	for _, e := range t.order {
		if e.spec.Has(command.Blocking) {
			e.kind = kindRefused
		}
	}
	return t
}

// lookup finds a command by name in any case without allocating for
// names up to 32 bytes.
func (t *cmdTable) lookup(name []byte) *entry {
	var buf [32]byte
	if len(name) > len(buf) {
		return t.byName[strings.ToLower(string(name))]
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return t.byName[string(buf[:len(name)])]
}

// keyRange returns the key positions of a command line of n words as
// first, last and step, without allocating; first is 0 if it has none.
func keyRange(spec *command.Spec, n int) (first, last, step int) {
	if spec.FirstKey <= 0 || spec.FirstKey >= n {
		return 0, 0, 1
	}
	last = spec.LastKey
	if last < 0 {
		last += n
	}
	if last >= n {
		last = n - 1
	}
	step = max(spec.Step, 1)
	return spec.FirstKey, last, step
}
