// Package serving is how vcache's servers serve their connections: the IO
// mode (event loops, a goroutine per connection, or auto) and the Group of
// servers that share one process and its processors.
//
// Whoever starts servers owns their group: a process running one server
// (vcache server, vcache proxy) gives it a group of its own, and vcache
// dev, which runs several nodes and a proxy in one process, gives them one
// shared group. The group is where the choices that depend on the other
// servers of the process are made, so no server needs to know who else
// runs beside it.
package serving

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

// Mode is how a server serves plain TCP connections (TLS connections
// always have a goroutine each).
type Mode uint8

const (
	// Auto picks per server and group: event loops, except for data nodes
	// in a shared group (see Group.NodeLoops).
	Auto Mode = iota
	// Loops serves connections from epoll event loops (Linux).
	Loops
	// Goroutines serves each connection with a goroutine of its own.
	Goroutines
)

// ParseMode reads a mode's name: auto, loops or goroutines.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "auto":
		return Auto, nil
	case "loops":
		return Loops, nil
	case "goroutines":
		return Goroutines, nil
	}
	return Auto, fmt.Errorf("unknown IO mode %q (want auto, loops or goroutines)", s)
}

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case Loops:
		return "loops"
	case Goroutines:
		return "goroutines"
	}
	return "auto"
}

// Group is the servers of one process that share its processors, and the
// event loops they run. It is safe for concurrent use.
type Group struct {
	mode   Mode
	shared bool
	procs  int32
	loops  atomic.Int32 // event loops running now, every server's
	wait   cpuWait
}

// NewGroup returns a group whose servers serve in mode. shared says they
// share the process with each other (several servers in one group).
func NewGroup(mode Mode, shared bool) *Group {
	return &Group{mode: mode, shared: shared, procs: int32(max(runtime.GOMAXPROCS(0), 1))}
}

// Own returns g, or a group of its own in Auto mode when g is nil: what a
// server uses when its owner gave it none.
func Own(g *Group) *Group {
	if g != nil {
		return g
	}
	return NewGroup(Auto, false)
}

// Mode returns the group's mode.
func (g *Group) Mode() Mode { return g.mode }

// NodeLoops reports whether the group's data nodes serve with event
// loops: in Loops mode, and in Auto mode unless the group is shared. A
// loop holds its processor through raw system calls and starves the other
// servers of a shared process: vcache dev with a goroutine per node
// connection served 1.5x the requests (redis-benchmark -c 50 through it,
// -P 16: 270k -> 441k SET and 462k -> 717k GET ops/s; -P 1: 48k -> 72k and
// 64k -> 97k).
func (g *Group) NodeLoops() bool {
	return g.mode == Loops || g.mode == Auto && !g.shared
}

// ProxyLoops reports whether the group's proxies serve with event loops:
// in every mode but Goroutines.
func (g *Group) ProxyLoops() bool { return g.mode != Goroutines }

// RawIO reports whether the group's connections served by goroutines use
// raw system calls (internal/rawio), which keep the processor while they
// wait: not in a shared group, where another server's goroutine should run
// meanwhile. A proxy of its own gains 17% at redis-benchmark -P 1 with
// them; vcache dev lost 30% of its throughput.
func (g *Group) RawIO() bool { return !g.shared }

// LoopRunning counts an event loop as running until done is called.
func (g *Group) LoopRunning() (done func()) {
	g.loops.Add(1)
	return func() { g.loops.Add(-1) }
}

// MaySpin reports whether an idle event loop may poll a little before it
// sleeps: only while the group runs no more loops than the process has
// processors (more spinning loops take the processors the others need).
func (g *Group) MaySpin() bool { return g.loops.Load() <= g.procs }
