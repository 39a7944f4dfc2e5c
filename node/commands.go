package node

import (
	"sort"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
)

//go:generate go run ../cmd/genhandlers

// The node's handler table, handlers() in handlers_gen.go, is generated:
// spec "name" in internal/command is served by the package-level func or
// var cmdName, matched ignoring case, dots and underscores ("hsetnx":
// cmdHSetNX, "ft.search": cmdFTSearch, "eval_ro": cmdEvalRO). Adding a
// command is one spec there and one handler here, then go generate ./node;
// TestHandlersGenerated fails while the file is stale, a spec has no
// handler (unless flagged command.ProxyOnly) or a cmd* name serves no spec.
// Handlers made by a wrapper, and aliases, are vars:

// The connection commands of internal/front, shared with the proxy.
var (
	cmdEcho    = frontCmd(front.Echo)
	cmdQuit    = frontCmd(front.Quit)
	cmdReset   = frontCmd(front.Reset)
	cmdSelect  = frontCmd(front.Select)
	cmdAuth    = frontCmd(front.Auth)
	cmdHello   = frontCmd(front.Hello)
	cmdCommand = frontCmd(front.Command)
)

// Aliases: commands served by another command's handler.
var (
	cmdSubstr     = cmdGetRange // SUBSTR is GETRANGE's old name
	cmdFlushDB    = cmdFlushAll // one database: FLUSHDB is FLUSHALL
	cmdJSONForget = cmdJSONDel  // JSON.FORGET is JSON.DEL's other name
)

// frontCmd serves a connection command of internal/front.
func frontCmd(h func(front.Conn, [][]byte)) Handler {
	return func(cx *Ctx) { h(cx, cx.Args) }
}

// commandTable joins the shared command specs with this node's handlers:
// the table of the served specs and their entries, by spec ID. The specs
// without a handler, the ProxyOnly ones, are not served (they answer as
// unknown).
func commandTable() (*command.Table, []*cmdEntry) {
	hs := handlers()
	t := command.NewTable(command.Specs()).Select(func(s *command.Spec) bool { return hs[s.Name] != nil })
	list := make([]*cmdEntry, t.Len())
	for _, s := range t.All() {
		list[s.ID] = &cmdEntry{spec: s, handler: hs[s.Name]}
	}
	return t, list
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
