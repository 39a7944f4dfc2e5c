package node

import (
	"fmt"
	"io"
	"strings"

	"github.com/vcache/vcache/internal/rdb"
	"github.com/vcache/vcache/script"
)

// functionsToSave returns FUNCTION DUMP's payload for a snapshot or a
// replica's full sync, or nil when there is no library.
func (n *Node) functionsToSave() []byte {
	if len(n.scripts.funcs.Libraries()) == 0 {
		return nil
	}
	return n.functionDump()
}

// readFunctions loads the libraries of a snapshot's functions section.
func (n *Node) readFunctions(r io.Reader) error {
	p, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	codes, err := rdb.DecodeFunctions(p)
	if err != nil {
		return err
	}
	sc := &n.scripts
	sc.execMu.Lock()
	defer sc.execMu.Unlock()
	if err := sc.funcs.RestoreLibraries(codes, script.RestoreFlush); err != nil {
		return fmt.Errorf("function libraries: %w", err)
	}
	sc.mem.noteFunctions(sc.funcs.Libraries())
	return nil
}

// applyFunction runs a FUNCTION change that came from a primary; reads
// (LIST, STATS...) and failures are ignored, as the stream's replies are.
func (n *Node) applyFunction(args [][]byte) {
	if len(args) < 2 {
		return
	}
	ar, ok := functionArity[strings.ToLower(string(args[1]))]
	if !ok || ar > 0 && len(args) != ar || ar < 0 && len(args) < -ar {
		return
	}
	switch strings.ToLower(string(args[1])) {
	case "load", "delete", "flush", "restore":
		if msg := n.functionChange(args); msg != "" {
			n.log.Debug("replicated FUNCTION change not applied", "err", msg)
		}
	}
}
