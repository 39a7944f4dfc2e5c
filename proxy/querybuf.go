package proxy

import (
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// A client's query buffer grows to hold its largest request. As on a
// node (and in Redis), the proxy gives the room back: a buffer grown past
// 1 MiB is replaced once all of it is parsed (CommandReader.Shrink), a
// grown buffer is fitted to the client's recent peak at most every
// qbufTrimEvery (CommandReader.Trim), and an event loop frees the buffer
// of a client idle for qbufIdle. CLIENT LIST shows the buffer's size as
// qbuf-free (qbuf: the running request, for the client asking).

// qbufTrimEvery is how often a grown query buffer is fitted to the
// client's recent requests (Redis's clients cron visits a client every
// 100 ms).
const qbufTrimEvery = 100 * time.Millisecond

// qbufIdle is how long a client of an event loop sends nothing before its
// query buffer is freed (Redis frees an idle client's after 2 s).
const qbufIdle = 2 * time.Second

// watchQueryBuf makes s's CLIENT LIST follow rd's buffer.
func (s *session) watchQueryBuf(rd *resp.CommandReader) {
	rd.SetOnResize(func(size int) { s.qcap.Store(int64(size)) })
	s.qcap.Store(int64(rd.Cap()))
}

// trimQueryBuf gives back what rd's buffer holds beyond s's recent needs;
// it runs between batches of commands, on the goroutine or loop reading
// rd, when every command read is answered.
func (s *session) trimQueryBuf(rd *resp.CommandReader, now time.Time) {
	rd.Shrink()
	if rd.Cap() <= resp.ReaderBufferSize || now.Before(s.trimAt) {
		return
	}
	s.trimAt = now.Add(qbufTrimEvery)
	rd.Trim()
}

// armReadDeadline sets the read deadline of s, a session served by its
// own goroutine, before it reads from rd: the drain's while the proxy
// shuts down; else the idle timeout's (none for a subscriber) or, when
// earlier, the moment its query buffer is given back if nothing arrives
// (resp.IdleRelease).
func (s *session) armReadDeadline(rd *resp.CommandReader) {
	s.idleAt = time.Time{}
	if by := s.p.drainBy.Load(); by != 0 {
		s.idle.Reset()
		s.setReadDeadline(time.Unix(0, by))
		return
	}
	if s.p.cfg.IdleTimeout > 0 && !s.subscribed() { // a subscriber is not idle, as in Redis
		s.idleAt = time.Now().Add(s.p.cfg.IdleTimeout)
	}
	s.idle.After = qbufIdle
	s.setReadDeadline(s.idle.Deadline(rd, s.idleAt))
}

// setReadDeadline sets s's read deadline unless it is set already.
// Shutdown stores drainBy before it sets every session's deadline, so a
// deadline set here after that store is replaced by the drain's.
func (s *session) setReadDeadline(t time.Time) {
	if !t.Equal(s.deadline) {
		_ = s.nc.SetReadDeadline(t)
		s.deadline = t
	}
	if by := s.p.drainBy.Load(); by != 0 && !s.deadline.Equal(time.Unix(0, by)) {
		_ = s.nc.SetReadDeadline(time.Unix(0, by))
		s.deadline = time.Unix(0, by)
	}
}

// releasedIdle reports whether err, a read's error, is the deadline that
// gives back s's query buffer (armReadDeadline): then rd's buffer is
// released, the deadline is the idle timeout's again, and the caller
// reads on (CommandReader.AwaitInput). Never while the proxy drains.
func (s *session) releasedIdle(rd *resp.CommandReader, err error) bool {
	if s.p.drainBy.Load() != 0 || !s.idle.Released(rd, err, s.deadline) {
		return false
	}
	s.setReadDeadline(s.idleAt)
	return true
}
