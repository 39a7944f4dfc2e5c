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

//go:generate go run ../cmd/genhandlers

// How the proxy serves each command comes from its spec: the spec's Proxy
// route (command.Route) gives its kind, and routes() in handlers_gen.go,
// generated from the specs, binds what the route needs. Spec "name" is
// served by proxyName (as the node's cmdName: "ft.search" by
// proxyFTSearch), split in a transaction by txSplitName, computed by
// computeName when its keys are on several nodes, waits across nodes by
// acrossName, and is queued in a transaction, to be answered by the proxy
// once EXEC has run, when txLocalName says so (internal/handlergen has the
// convention). Adding a
// command is its spec, its handler when its route takes one, and go
// generate ./proxy; TestRoutesGenerated fails while the file is stale, a
// spec lacks its route or its handler, or a name serves no spec.

// route is what the proxy binds to one command besides its spec.
type route struct {
	// local answers a kindLocal command by appending its reply to s.local.
	local func(s *session, args [][]byte)
	// composite submits the calls of a kindComposite or kindRouted
	// command and returns what merges their replies, or an error reply
	// text.
	composite func(s *session, cmd resp.Command) (merger, string)
	// tx carries out a kindTx command.
	tx func(s *session, cmd resp.Command) item
	// ps says what a kindSubscribe command does.
	ps *psCmd
	// txSplit, when set, says how a transaction queues the command as one
	// part per slot (multi_split.go).
	txSplit *txSplit
	// compute, when set, makes what computes a command line whose keys
	// are on several nodes (multi_compute.go), or nil when the proxy does
	// not compute that line.
	compute func(args [][]byte, pos []int) txCompute
	// across, when set, makes the plan of a blocking command line whose
	// keys are on several nodes, or returns the error that answers it
	// (block_across.go).
	across func(args [][]byte, pos []int) (*xblock, string)
	// txLocal, when set, reports whether a command line of a kindLocal
	// command may be queued in a transaction: the proxy then answers it
	// itself once the nodes have run EXEC (multi_local.go).
	txLocal func(args [][]byte) bool
}

// entry is the proxy's view of one command: its shared spec, how it is
// carried out, and its statistics.
type entry struct {
	spec *command.Spec
	kind kind
	id   int // index in cmdTable.order: the command's id in the ACL table
	route
	// blocksIf, when set, says whether a command line of a kindKey
	// command blocks (XREAD ... BLOCK ms): then it is carried out as a
	// kindBlocking one.
	blocksIf func(args [][]byte) bool
	stats    cmdStats
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
	bound := routes() // handlers_gen.go
	for _, spec := range t.specs.All() {
		e := &entry{spec: spec, id: spec.ID, route: bound[spec.Name], blocksIf: spec.BlocksIf}
		e.kind = e.kindOf()
		t.order = append(t.order, e)
	}
	return t
}

// kindOf is how the proxy carries out e's command, by its spec's flags
// and route. A route without what it needs (a spec the generated table
// does not know, as a test's) and a keyless command routed by key are
// refused rather than sent to whichever node comes first.
func (e *entry) kindOf() kind {
	s := e.spec
	switch {
	case s.Has(command.NodeOnly):
		// SHUTDOWN and the nodes' internal migration and replication
		// commands are not for clients of the proxy.
		return kindRefused
	case s.Has(command.Blocking):
		return kindBlocking
	}
	switch s.Proxy {
	case command.RouteKey:
		if s.FirstKey == 0 && !s.Movable() {
			return kindRefused
		}
		return kindKey
	case command.RouteAnyNode:
		return kindKey
	case command.RouteLocal:
		if e.local != nil {
			return kindLocal
		}
	case command.RouteFanout, command.RouteSplit:
		if e.composite != nil {
			return kindComposite
		}
	case command.RouteOwn:
		if e.composite != nil {
			return kindRouted
		}
	case command.RouteTx:
		if e.tx != nil {
			return kindTx
		}
	case command.RouteSubscribe:
		if e.ps != nil {
			return kindSubscribe
		}
	}
	return kindRefused
}

// lookup finds a command by name in any case without allocating for
// names up to 32 bytes.
func (t *cmdTable) lookup(name []byte) *entry {
	if s := t.specs.Lookup(name); s != nil {
		return t.order[s.ID]
	}
	return nil
}

// The connection commands of internal/front, which the proxy answers as
// the node does.
var (
	proxyEcho      = frontLocal(front.Echo)
	proxyQuit      = frontLocal(front.Quit)
	proxySelect    = frontLocal(front.Select)
	proxyAuth      = frontLocal(front.Auth)
	proxyHello     = frontLocal(front.Hello)
	proxyReset     = frontLocal(front.Reset)
	proxyCommand   = frontLocal(front.Command)
	proxyReadOnly  = frontLocal(front.OK)
	proxyReadWrite = frontLocal(front.OK)
	proxyAsking    = frontLocal(front.OK)
)

// frontLocal makes a kindLocal handler of a connection command of
// internal/front.
func frontLocal(fn func(front.Conn, [][]byte)) func(*session, [][]byte) {
	return func(s *session, args [][]byte) { fn(s, args) }
}

// The transaction commands (multi.go, multi_nodes.go).
var (
	proxyWatch   = txWatch
	proxyUnwatch = txUnwatch
)
