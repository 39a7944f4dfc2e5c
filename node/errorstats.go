package node

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// maxErrorCodes bounds how many distinct error codes INFO errorstats
// keeps (a script can make up codes with redis.error_reply); errors of
// further codes count in total_error_replies only.
const maxErrorCodes = 128

// errorStats are INFO errorstats and total_error_replies: the error
// replies sent to clients, and those of the commands scripts run, by code
// (the first word of the error), as Redis counts them. An error a script
// passes on from a command it ran counts once.
type errorStats struct {
	total atomic.Int64
	mu    sync.Mutex       // guards codes
	codes map[string]int64 // error code -> count
}

// errorCode is the code Redis files an error reply under: its first word,
// when one ends in the first 32 bytes; ERR otherwise. A CR or LF ends a
// word too: the reply has it as a space (and INFO's lines stay lines).
func errorCode(msg string) string {
	msg = strings.TrimPrefix(msg, "-")
	head := msg
	if len(head) > 32 {
		head = head[:32]
	}
	if i := strings.IndexAny(head, " \r\n"); i > 0 {
		return msg[:i]
	}
	return "ERR"
}

// add counts one error reply with text msg.
func (s *errorStats) add(msg string) {
	s.total.Add(1)
	code := errorCode(msg)
	s.mu.Lock()
	if _, ok := s.codes[code]; ok || len(s.codes) < maxErrorCodes {
		if s.codes == nil {
			s.codes = map[string]int64{}
		}
		s.codes[code]++
	}
	s.mu.Unlock()
}

// reset is CONFIG RESETSTAT's part.
func (s *errorStats) reset() {
	s.mu.Lock()
	s.codes = nil
	s.total.Store(0)
	s.mu.Unlock()
}

// write writes INFO errorstats (codes in byte order, as Redis lists them).
func (s *errorStats) write(kv func(string, any)) {
	s.mu.Lock()
	codes := make([]string, 0, len(s.codes))
	for c := range s.codes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	counts := make([]int64, len(codes))
	for i, c := range codes {
		counts[i] = s.codes[c]
	}
	s.mu.Unlock()
	for i, c := range codes {
		kv("errorstat_"+c, "count="+strconv.FormatInt(counts[i], 10))
	}
}

// errCounter is a client connection's reply writer: it counts the error
// replies it sends.
type errCounter struct {
	replyWriter
	stats *errorStats
}

func (w errCounter) WriteError(msg string) {
	w.stats.add(msg)
	w.replyWriter.WriteError(msg)
}

// errorCounted replies with an error that is already counted (a script
// passing on the error of a command it ran).
func (cx *Ctx) errorCounted(msg string) {
	cx.failed = true
	if w, ok := cx.w.(errCounter); ok {
		w.replyWriter.WriteError(msg)
		return
	}
	cx.w.WriteError(msg)
}
