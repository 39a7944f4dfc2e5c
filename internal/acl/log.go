package acl

import (
	"sync"
	"time"
)

// Log is the ACL LOG: recent denied commands, keys and authentications,
// newest first. Like denials (same reason, context, object and user
// within a minute) are counted in one entry. It is safe for concurrent
// use.
type Log struct {
	mu      sync.Mutex // guards entries and nextID
	entries []*LogEntry
	nextID  int64
}

// LogEntry is one ACL LOG entry.
type LogEntry struct {
	Count int64
	// Reason is ReasonCommand, ReasonKey or ReasonAuth.
	Reason string
	// Context is "toplevel" or "multi".
	Context string
	// Object is the command, the key, or "AUTH".
	Object string
	// Username is the user denied, or the name an AUTH tried.
	Username string
	// ClientInfo is the connection in CLIENT INFO form.
	ClientInfo string
	ID         int64
	Created    time.Time
	Updated    time.Time
}

// logMax is how many entries the log keeps (Redis's acllog-max-len).
const logMax = 128

// logGroup is how close in time like denials must be to share an entry.
const logGroup = time.Minute

// Add records a denial: d for a command or key, or an AUTH that failed
// (Reason ReasonAuth, Object "AUTH", User the name it tried). multi says
// whether it happened while queueing a transaction.
func (l *Log) Add(d Denial, multi bool, clientInfo string, now time.Time) {
	ctx := "toplevel"
	if multi {
		ctx = "multi"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, e := range l.entries[:min(len(l.entries), 10)] {
		if e.Reason == d.Reason && e.Context == ctx && e.Object == d.Object && e.Username == d.User &&
			now.Sub(e.Updated) < logGroup {
			e.Count++
			e.ClientInfo, e.Updated = clientInfo, now
			copy(l.entries[1:i+1], l.entries[:i])
			l.entries[0] = e
			return
		}
	}
	e := &LogEntry{Count: 1, Reason: d.Reason, Context: ctx, Object: d.Object, Username: d.User,
		ClientInfo: clientInfo, ID: l.nextID, Created: now, Updated: now}
	l.nextID++
	l.entries = append(l.entries, nil)
	copy(l.entries[1:], l.entries)
	l.entries[0] = e
	if len(l.entries) > logMax {
		l.entries[logMax] = nil
		l.entries = l.entries[:logMax]
	}
}

// Entries returns copies of up to n of the newest entries, newest first.
func (l *Log) Entries(n int) []LogEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	n = max(0, min(n, len(l.entries)))
	out := make([]LogEntry, n)
	for i := range out {
		out[i] = *l.entries[i]
	}
	return out
}

// Reset empties the log.
func (l *Log) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.entries)
	l.entries = l.entries[:0]
}
