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
