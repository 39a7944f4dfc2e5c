package resp

import (
	"errors"
	"os"
	"time"
)

// IdleRelease gives back the query buffer of a connection served by its
// own goroutine once the client has sent nothing for a while, as an
// event loop gives back an idle client's (Redis frees an idle client's
// after 2 s): the goroutine's read gets a deadline at that moment
// (Deadline) and, when the read ends there, the buffer is released and
// the read goes on (Released, then CommandReader.AwaitInput). The node's
// connections and the proxy's sessions share it.
type IdleRelease struct {
	// After is how long a client sends nothing before its buffer goes.
	After time.Duration
	at    time.Time // when the buffer goes if nothing arrives; zero: not armed
}

// Deadline returns the read deadline for a read from rd about to start:
// idleAt (the idle timeout; zero for none) or, when earlier, the moment
// the buffer is given back if nothing arrives (After from now), which
// moves only once less than half of After is left, so a busy connection
// sets a deadline about once a second, not per batch.
func (ir *IdleRelease) Deadline(rd *CommandReader, idleAt time.Time) time.Time {
	if rd.Cap() > 0 && rd.Buffered() == 0 {
		if now := time.Now(); ir.at.Sub(now) < ir.After/2 {
			ir.at = now.Add(ir.After)
		}
	} else {
		ir.at = time.Time{}
	}
	if !ir.at.IsZero() && (idleAt.IsZero() || ir.at.Before(idleAt)) {
		return ir.at
	}
	return idleAt
}

// Released reports whether err, the error of a read whose deadline was
// deadline, is the moment Deadline chose to give back rd's buffer: then
// the buffer is released (unless a command has begun to arrive) and the
// caller sets its other deadline again and reads on.
func (ir *IdleRelease) Released(rd *CommandReader, err error, deadline time.Time) bool {
	if ir.at.IsZero() || !deadline.Equal(ir.at) || !errors.Is(err, os.ErrDeadlineExceeded) {
		return false
	}
	rd.Release()
	ir.at = time.Time{}
	return true
}

// Reset forgets the armed moment (the connection's deadline was cleared
// or its goroutine changed).
func (ir *IdleRelease) Reset() { ir.at = time.Time{} }
