package node

import (
	"sort"
	"strings"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/latency"
)

// latencyHistogram is LATENCY HISTOGRAM [command ...]: for each named
// command that has run since the last CONFIG RESETSTAT (all of them when
// none is named), its calls and its cumulative latency distribution. A
// command with subcommands stands for those of them that ran; an unknown
// name is skipped.
func (n *Node) latencyHistogram(cx *Ctx) {
	type entry struct {
		name string
		h    latency.Hist
	}
	seen := map[string]bool{}
	var out []entry
	addStats := func(name string, s *cmdStats) {
		if seen[name] {
			return
		}
		seen[name] = true
		if h := s.histogram(); h.Total() > 0 {
			out = append(out, entry{name, h})
		}
	}
	m := &n.latency
	subsOf := func(container string) {
		m.subMu.Lock()
		defer m.subMu.Unlock()
		for name, s := range m.subs {
			if strings.HasPrefix(name, container+"|") {
				addStats(name, s)
			}
		}
	}
	addCommand := func(e *cmdEntry) {
		if e.spec.Has(command.Container) {
			subsOf(e.spec.Name)
			return
		}
		addStats(strings.ReplaceAll(e.spec.Name, ".", "|"), &e.stats)
	}
	if len(cx.Args) == 2 {
		for _, e := range n.cmdList {
			if e != nil {
				addCommand(e)
			}
		}
	}
	for _, a := range cx.Args[min(len(cx.Args), 2):] {
		name := strings.ToLower(string(a))
		container, sub, isSub := strings.Cut(name, "|")
		e := n.lookup([]byte(container))
		switch {
		case e == nil:
		case !isSub:
			addCommand(e)
		case e.spec.Has(command.Container):
			m.subMu.Lock()
			s := m.subs[container+"|"+sub]
			m.subMu.Unlock()
			if s != nil {
				addStats(container+"|"+sub, s)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	cx.Map(len(out))
	for _, e := range out {
		cx.BulkString(e.name)
		cx.Map(2)
		cx.BulkString("calls")
		cx.Int(e.h.Total())
		cx.BulkString("histogram_usec")
		buckets := 0
		for _, c := range e.h {
			if c > 0 {
				buckets++
			}
		}
		cx.Map(buckets)
		var cum int64
		for b, c := range e.h {
			if c == 0 {
				continue
			}
			cum += c
			cx.Int(int64(latency.Upper(b)))
			cx.Int(cum)
		}
	}
}
