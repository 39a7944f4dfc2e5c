package proxy

import (
	"bytes"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/monitor"
	"github.com/vcache/vcache/internal/resp"
)

// MONITOR through the proxy: after +OK the client receives one line for
// every command any client of this proxy runs, once the proxy's checks
// (arity, authentication, ACL, a subscriber's or a monitor's limits, a
// key's slot) let it through, formatted as a node formats its own
// (internal/monitor: the client's address as the source, passwords
// redacted, admin commands left out). A transaction's commands show when
// EXEC runs them, before EXEC's line, as on a node. A script's own
// commands run on a node, whose "lua" lines the proxy relays
// (monitor_relay.go).
//
// A monitor's lines go through its subscriber outbox (ensureSub): one
// that does not read is cut off at the pubsub client-output-buffer-limit
// (PubsubHardLimit, PubsubSoftLimit), never growing the proxy's memory.

// monitorSet is the proxy's monitors.
type monitorSet struct {
	n atomic.Int64 // monitors now; 0: commands have nothing to feed
	// mu guards set. Feeders hold it shared while they queue a line, so a
	// monitor that leaves is not written to after it has gone.
	mu  sync.RWMutex
	set map[*session]*trackInbox
}

// has reports whether s is a monitor (CLIENT LIST's flag O); any
// goroutine may ask.
func (m *monitorSet) has(s *session) bool {
	if m.n.Load() == 0 {
		return false
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, ok := m.set[s]
	return ok
}

// monState is where a session is in monitoring.
type monState uint8

const (
	monOff     monState = iota
	monPending          // MONITOR answered: registered once its +OK is written
	monOn
)

// txLocalMonitor queues MONITOR in a transaction, to be refused by EXEC
// as Redis refuses it.
func txLocalMonitor([][]byte) bool { return true }

// proxyMonitor is MONITOR: +OK, then the session is a monitor from the
// end of its round on (monitorRoundEnd), so no line comes before the +OK.
// A second MONITOR gets no reply, as in Redis.
func proxyMonitor(s *session, _ [][]byte) {
	switch {
	case s.mon != monOff:
		return
	case s.inExec:
		s.Error(monitor.MsgDenyBlocking)
		return
	}
	s.ensureInbox()
	s.mon = monPending
	s.cut = true // the commands after it, in the same pipeline, are shown
	s.Simple("OK")
}

// monitorRoundEnd runs after a round's replies are written: a pending
// monitor starts, and the monitor's lines for its own commands follow
// their replies.
func (s *session) monitorRoundEnd() {
	switch s.mon {
	case monPending:
		m := &s.p.monitors
		m.mu.Lock()
		if m.set == nil {
			m.set = map[*session]*trackInbox{}
		}
		m.set[s] = s.inbox.Load()
		m.n.Store(int64(len(m.set)))
		m.mu.Unlock()
		s.mon = monOn
		s.p.monRelay.wake()
	case monOn:
		if len(s.monOwn) > 0 {
			if !s.sub.out.Push(s.monOwn) {
				s.broken, s.quit = true, true
			}
			s.monOwn = nil
		}
	}
}

// dropMonitor ends the session's monitoring (RESET, the end of the
// connection).
func (s *session) dropMonitor() {
	if s.mon == monOn {
		m := &s.p.monitors
		m.mu.Lock()
		delete(m.set, s)
		m.n.Store(int64(len(m.set)))
		m.mu.Unlock()
		s.p.monRelay.wake()
	}
	s.mon, s.monOwn = monOff, nil
}

// monitorDenied is the error of a command a monitor may not run, or "".
func (s *session) monitorDenied(e *entry) string {
	if s.mon == monOff {
		return ""
	}
	return monitor.Denied(e.spec)
}

// feedMonitors shows the command line args of e, which the session runs
// now, to every monitor. A monitor's own line waits for its reply
// (monitorRoundEnd); another's is held while that monitor's own round is
// owed replies (trackInbox).
func (s *session) feedMonitors(e *entry, args [][]byte) {
	if s.p.monitors.n.Load() == 0 || !monitor.Shown(e.spec, args) {
		return
	}
	line := monitor.Line(time.Now(), s.addr, args)
	m := &s.p.monitors
	m.mu.RLock()
	defer m.mu.RUnlock()
	for ms, in := range m.set {
		if ms == s {
			s.monOwn = append(s.monOwn, line...)
			continue
		}
		in.push(line, true)
	}
}

// feedExec shows what EXEC ran, now that its reply is in: the
// transaction's commands, when it ran them (an array, not a null for a
// WATCHed key that changed nor an EXECABORT), then EXEC itself, in the
// order a node shows them.
func (s *session) feedExec(it *item, reply []byte) {
	if len(reply) > 0 && (reply[0] == '*') && !bytes.HasPrefix(reply, []byte("*-1\r\n")) {
		for i, raw := range it.exec.queued {
			if v, _, err := resp.Parse(raw); err == nil {
				s.feedMonitors(it.exec.entries[i], argsOf(v))
			}
		}
	}
	s.feedMonitors(it.e, it.args)
	it.exec, it.args = nil, nil
}
