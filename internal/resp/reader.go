package resp

import (
	"bytes"
	"errors"
	"io"
)

// ErrProtocol reports bytes that are not a valid RESP2 reply.
var ErrProtocol = errors.New("resp: protocol error")

// ErrTooLarge reports a reply larger than the reader's limit.
var ErrTooLarge = errors.New("resp: reply too large")

// MaxDepth is how deeply arrays may nest in one reply.
const MaxDepth = 64

const minBuf = 4096

// Reader reads replies from a byte stream. It finds where each reply ends
// by scanning headers, resuming where it stopped when more bytes arrive, so
// a reply of any size costs one pass and no allocation once the buffer has
// grown to fit it. A Reader is not safe for concurrent use.
type Reader struct {
	rd   io.Reader
	buf  []byte
	r, w int // unread bytes are buf[r:w]
	max  int

	// Scan state of the reply being read, relative to r.
	pos   int
	stack []int // items left in each open array
}

// NewReader returns a Reader on rd with an initial buffer of size bytes
// (at least 4 KiB) that refuses replies larger than max bytes (0: no limit).
func NewReader(rd io.Reader, size, max int) *Reader {
	if size < minBuf {
		size = minBuf
	}
	return &Reader{rd: rd, buf: make([]byte, size), max: max, stack: make([]int, 0, 8)}
}

// Buffered returns how many bytes are read from the stream but not yet
// returned.
func (r *Reader) Buffered() int { return r.w - r.r }

// ReadRaw returns the next complete reply as its raw bytes. The slice
// aliases the Reader's buffer and is valid only until the next call; copy
// what must be kept. After an error the Reader must not be used again.
func (r *Reader) ReadRaw() ([]byte, error) {
	for {
		done, need, err := r.scan()
		if err != nil {
			return nil, err
		}
		if done {
			raw := r.buf[r.r : r.r+r.pos]
			r.r += r.pos
			r.pos = 0
			r.stack = r.stack[:0]
			if r.r == r.w {
				r.r, r.w = 0, 0
			}
			return raw, nil
		}
		if err := r.fill(need); err != nil {
			return nil, err
		}
	}
}

// Next returns the next reply already buffered, without reading: ok is
// false when no complete reply is buffered yet (call Fill). With Fill it
// serves a reader on a non-blocking connection: the scan resumes where it
// stopped when more bytes arrive.
func (r *Reader) Next() (raw []byte, ok bool, err error) {
	done, _, err := r.scan()
	if err != nil || !done {
		return nil, false, err
	}
	raw = r.buf[r.r : r.r+r.pos]
	r.r += r.pos
	r.pos = 0
	r.stack = r.stack[:0]
	return raw, true, nil
}

// Fill makes one read, first making room for the incomplete reply being
// scanned. Replies returned by Next stay valid until Fill is called.
func (r *Reader) Fill() error {
	if r.r == r.w {
		r.r, r.w = 0, 0
	}
	_, need, err := r.scan()
	if err != nil {
		return err
	}
	return r.fill(max(need, r.w-r.r+minBuf/4))
}

// fill reads more bytes, making room for at least need unread bytes.
func (r *Reader) fill(need int) error {
	if need < r.w-r.r+1 {
		need = r.w - r.r + 1
	}
	if r.max > 0 && need > r.max {
		return ErrTooLarge
	}
	if r.r+need > len(r.buf) {
		if need <= len(r.buf) && r.r > 0 {
			copy(r.buf, r.buf[r.r:r.w])
		} else {
			size := 2 * len(r.buf)
			for size < need {
				size *= 2
			}
			if r.max > 0 && size > r.max {
				size = r.max
			}
			nb := make([]byte, size)
			copy(nb, r.buf[r.r:r.w])
			r.buf = nb
		}
		r.w -= r.r
		r.r = 0
	}
	n, err := readSome(r.rd, r.buf[r.w:])
	r.w += n
	return err
}

// readSome reads into buf once: nil when it got bytes, else the reader's
// error (io.ErrNoProgress for a read of nothing without one).
func readSome(rd io.Reader, buf []byte) (int, error) {
	n, err := rd.Read(buf)
	if n > 0 {
		return n, nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return n, err
}

// scan advances over complete items of the current reply. It reports
// whether the reply is complete, and if not, how many unread bytes it
// needs before it can make progress (a hint; 0 if unknown).
func (r *Reader) scan() (done bool, need int, err error) {
	b := r.buf[r.r:r.w]
	for {
		if r.pos >= len(b) {
			return false, r.pos + 1, nil
		}
		i := bytes.IndexByte(b[r.pos:], '\n')
		if i < 0 {
			return false, len(b) + 1, nil
		}
		line := b[r.pos : r.pos+i+1]
		if len(line) < 3 || line[len(line)-2] != '\r' {
			return false, 0, ErrProtocol
		}
		body := line[1 : len(line)-2]
		next := r.pos + len(line)
		switch line[0] {
		case '+', '-':
		case ':':
			if _, ok := ParseInt(body); !ok {
				return false, 0, ErrProtocol
			}
		case '$':
			n, ok := ParseInt(body)
			if !ok || n < -1 {
				return false, 0, ErrProtocol
			}
			if n >= 0 {
				if n > 1<<40 {
					return false, 0, ErrTooLarge
				}
				end := next + int(n) + 2
				if end > len(b) {
					return false, end, nil
				}
				if b[end-2] != '\r' || b[end-1] != '\n' {
					return false, 0, ErrProtocol
				}
				next = end
			}
		case '*':
			n, ok := ParseInt(body)
			if !ok || n < -1 {
				return false, 0, ErrProtocol
			}
			if n > 0 {
				if len(r.stack) >= MaxDepth {
					return false, 0, ErrProtocol
				}
				if n > 1<<32 {
					return false, 0, ErrTooLarge
				}
				r.stack = append(r.stack, int(n))
				r.pos = next
				continue
			}
		default:
			return false, 0, ErrProtocol
		}
		r.pos = next
		// One item is complete; close the arrays it completes.
		for {
			top := len(r.stack) - 1
			if top < 0 {
				return true, 0, nil
			}
			r.stack[top]--
			if r.stack[top] > 0 {
				break
			}
			r.stack = r.stack[:top]
		}
	}
}

// ParseInt parses a RESP integer strictly: an optional minus sign and
// decimal digits, no leading zeros, no "-0", within int64.
func ParseInt(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if len(b) > 1 && b[0] == '0' || neg && b[0] == '0' || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > 1<<63-1 {
		return 0, false
	}
	return int64(n), true
}
