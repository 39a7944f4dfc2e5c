package resp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Command is one client command: its RESP encoding and its arguments
// (Args[0] is the name). Both alias the CommandReader's buffers.
type Command struct {
	Raw  []byte
	Args [][]byte
}

// Errors a CommandReader reports for malformed requests, worded as Redis
// words them (a server prefixes "ERR ").
var (
	ErrMultibulkLength = errors.New("Protocol error: invalid multibulk length")
	ErrBulkLength      = errors.New("Protocol error: invalid bulk length")
	ErrExpectedBulk    = errors.New("Protocol error: expected '$'")
	ErrUnbalanced      = errors.New("Protocol error: unbalanced quotes in request")
	ErrInlineTooBig    = errors.New("Protocol error: too big inline request")
	// Before a client authenticates, Redis refuses commands of more than
	// 10 arguments or arguments of more than 16 KiB.
	ErrUnauthMultibulk = errors.New("Protocol error: unauthenticated multibulk length")
	ErrUnauthBulk      = errors.New("Protocol error: unauthenticated bulk length")
)

// Limits of a command from a client that has not authenticated (see
// SetUnauthenticated).
const (
	unauthMaxArgs = 10
	unauthMaxBulk = 16 << 10
)

// Default limits of a CommandReader (Redis's defaults).
const (
	defaultMaxArgs   = 1 << 20
	defaultMaxInline = 64 << 10
	// shrinkAbove is the buffer size over which an idle reader goes back
	// to a small buffer, so one huge command does not pin its memory.
	shrinkAbove = 1 << 20
	startSize   = 16 << 10
	// trimAbove is the buffer size over which Trim fits a buffer to its
	// recent peak (Redis's PROTO_RESIZE_THRESHOLD).
	trimAbove = 32 << 10
)

// ReaderBufferSize is the buffer every CommandReader starts with (what
// an idle client's query buffer holds).
const ReaderBufferSize = startSize

// CommandReader reads the commands a client sends: RESP arrays of bulk
// strings, or inline commands typed in telnet. ReadCommands returns every
// complete command already received, so that a pipeline is handled as a
// whole; once its buffers have grown it does not allocate. A
// CommandReader is not safe for concurrent use.
type CommandReader struct {
	rd   io.Reader
	buf  []byte
	r, w int // unread bytes are buf[r:w]
	max  int
	// maxArgs and maxInline bound a command's arguments and an inline
	// command line.
	maxArgs, maxInline int
	cmds               []Command
	args               [][]byte
	err                error // a protocol error found after the commands last returned
	// unauth: the client must still authenticate (SetUnauthenticated);
	// held: the last commands returned stop before one held back for it.
	unauth, held bool
	// onResize, when set, is told the buffer's size each time the buffer
	// is replaced.
	onResize func(size int)
	// peak is the most unread bytes the buffer held after a read since
	// the last Trim.
	peak int
}

// NewCommandReader returns a reader of rd that refuses bulk strings
// longer than maxBulk bytes (0: 512 MiB).
func NewCommandReader(rd io.Reader, maxBulk int) *CommandReader {
	if maxBulk <= 0 {
		maxBulk = 512 << 20
	}
	return &CommandReader{rd: rd, buf: make([]byte, startSize), max: maxBulk,
		maxArgs: defaultMaxArgs, maxInline: defaultMaxInline}
}

// SetLimits sets the most arguments one command may have and the longest
// inline command line (values below 1 keep the defaults, 1M and 64 KiB).
func (r *CommandReader) SetLimits(maxArgs, maxInline int) {
	if maxArgs > 0 {
		r.maxArgs = maxArgs
	}
	if maxInline > 0 {
		r.maxInline = maxInline
	}
}

// SetUnauthenticated says whether the client must still authenticate.
// While it must, a command of more than 10 arguments or with an argument
// over 16 KiB is a protocol error, as in Redis. Such a command after
// others of the same read is held back unparsed (Held), since an AUTH
// among those may lift the limits: the next read parses it again.
func (r *CommandReader) SetUnauthenticated(on bool) { r.unauth = on }

// Held reports whether the commands last returned stop before one held
// back for the client's authentication (SetUnauthenticated): its bytes
// are buffered, and the next ReadCommands or ReadOnce returns it (or its
// error) without waiting for more input.
func (r *CommandReader) Held() bool { return r.held }

// SetOnResize makes the reader call f, on the goroutine that reads,
// with its buffer's size each time the buffer grows, shrinks or is
// released: a server counts a client's query buffer against its memory
// limit with it (ReaderBufferSize is what every reader starts with).
func (r *CommandReader) SetOnResize(f func(size int)) { r.onResize = f }

// Cap returns the size of the reader's buffer (0 once released).
func (r *CommandReader) Cap() int { return len(r.buf) }

// Release gives back the buffer of a reader that holds no unread byte
// (an idle client's, as Redis frees an idle client's query buffer); the
// next read allocates a new one. The commands last returned are invalid
// after it.
func (r *CommandReader) Release() {
	if r.r == r.w && len(r.buf) > 0 {
		r.dropBuf(nil)
		r.r, r.w = 0, 0
	}
}

// setBuf replaces the buffer and tells onResize.
func (r *CommandReader) setBuf(nb []byte) {
	old := len(r.buf)
	r.buf = nb
	if r.onResize != nil && len(nb) != old {
		r.onResize(len(nb))
	}
}

// dropBuf replaces the buffer while no command returned is in use: the
// commands and arguments kept for reuse are cleared to their capacity, as
// a stale slice there would keep the old buffer from being collected.
func (r *CommandReader) dropBuf(nb []byte) {
	clear(r.cmds[:cap(r.cmds)])
	clear(r.args[:cap(r.args)])
	r.setBuf(nb)
}

// Shrink gives back a buffer grown past 1 MiB by a large request once
// every byte in it has been parsed, so that an idle client does not hold
// it. The commands last returned are invalid after it.
func (r *CommandReader) Shrink() {
	if r.r == r.w && len(r.buf) > shrinkAbove {
		r.dropBuf(make([]byte, startSize))
		r.r, r.w = 0, 0
	}
}

// Trim fits a grown buffer to the client's recent requests, as Redis
// resizes a query buffer to its recent peak: a buffer over 32 KiB that is
// at least twice what it needs is replaced by one of what it needs. It
// needs the most bytes it held after a read since the last Trim, at
// least ReaderBufferSize, and, for a command still arriving, the room its
// next read would grow the buffer to (twice its bytes and
// ReaderBufferSize, as fill grows it), as Redis keeps the bulk being
// read: an upload is never shrunk under its next read, to be copied into
// a larger buffer again. The peak then starts again from the bytes
// unread. A server calls it now and then (Redis: every 100 ms) between
// batches of commands; the commands last returned are invalid after it.
func (r *CommandReader) Trim() {
	unread := r.w - r.r
	want := max(r.peak, startSize)
	if unread > 0 {
		want = max(want, 2*unread+startSize)
	}
	if size := len(r.buf); size > trimAbove && want <= size/2 {
		nb := make([]byte, want)
		copy(nb, r.buf[r.r:r.w])
		r.dropBuf(nb)
		r.r, r.w = 0, unread
	}
	r.peak = unread
}

// Buffered returns how many bytes have been read and not yet returned
// as commands (a command still incomplete, or bytes handed in by Feed).
func (r *CommandReader) Buffered() int { return r.w - r.r }

// ReadCommands waits for at least one complete command and returns all
// the complete commands received. The slice, the commands' Raw and Args
// alias the reader's buffers and are valid only until the next call.
// After an error the reader must not be used again.
func (r *CommandReader) ReadCommands() ([]Command, error) {
	if r.err != nil {
		return nil, r.err
	}
	r.cmds, r.args, r.held = r.cmds[:0], r.args[:0], false
	if r.r == r.w {
		r.r, r.w = 0, 0
	}
	for {
		// The buffer moves only in fill, which runs only while no
		// command is parsed, so the returned slices stay valid.
		need, err := r.parse()
		if err != nil {
			if len(r.cmds) > 0 {
				// Serve what came before the bad bytes first.
				r.err = err
				return r.cmds, nil
			}
			return nil, err
		}
		if len(r.cmds) > 0 {
			return r.cmds, nil
		}
		if err := r.fill(need); err != nil {
			return nil, err
		}
	}
}

// ErrWouldBlock is what a non-blocking reader's Read returns when no
// byte is ready; ReadOnce then returns what it has.
var ErrWouldBlock = errors.New("resp: read would block")

// ReadOnce is ReadCommands for an event loop: it reads from the
// underlying reader at most once. It returns the complete commands
// received (possibly none, when a command is still incomplete or the
// reader returned ErrWouldBlock) and, after them, the error that ends the
// connection: the commands come before the bad bytes or the end of input
// and must be served first. The slices are valid until the next call.
func (r *CommandReader) ReadOnce() ([]Command, error) {
	if r.err != nil {
		return nil, r.err
	}
	r.cmds, r.args, r.held = r.cmds[:0], r.args[:0], false
	if r.r == r.w {
		r.r, r.w = 0, 0
	}
	need, err := r.parse()
	if err == nil && len(r.cmds) == 0 {
		err = r.fill(need)
		if errors.Is(err, ErrWouldBlock) {
			return nil, nil
		}
		if err == nil {
			_, err = r.parse()
		}
	}
	if err != nil {
		r.err = err
	}
	return r.cmds, err
}

// fill reads more bytes, making room for at least need unread bytes.
func (r *CommandReader) fill(need int) error {
	r.Shrink()
	need = max(need, r.w-r.r+1)
	// Grow toward what the next command needs, but never to more than
	// about twice the bytes received: a client that announces a 512 MB
	// bulk and sends a few bytes must not make the reader hold 512 MB.
	need = min(need, 2*(r.w-r.r)+startSize)
	if r.r+need > len(r.buf) || r.w == len(r.buf) {
		if need <= len(r.buf) {
			copy(r.buf, r.buf[r.r:r.w])
		} else {
			size := max(2*len(r.buf), startSize)
			for size < need {
				size *= 2
			}
			nb := make([]byte, size)
			copy(nb, r.buf[r.r:r.w])
			r.dropBuf(nb)
		}
		r.w -= r.r
		r.r = 0
	}
	n, err := readSome(r.rd, r.buf[r.w:])
	r.w += n
	r.peak = max(r.peak, r.w-r.r)
	return err
}

// parse consumes the complete commands in the buffer. It returns how
// many unread bytes the next command needs, when it knows.
func (r *CommandReader) parse() (int, error) {
	for r.r < r.w {
		b := r.buf[r.r:r.w]
		if b[0] != '*' {
			n, err := r.parseInline(b)
			if err != nil || n == 0 {
				return len(b) + 1, err
			}
			r.r += n
			continue
		}
		n, need, err := r.parseMultibulk(b)
		if err != nil || n == 0 {
			return need, err
		}
		r.r += n
	}
	return 0, nil
}

// parseMultibulk parses one "*<n>" command at the start of b. It returns
// the bytes it used, or 0 and the bytes needed if b holds only part.
func (r *CommandReader) parseMultibulk(b []byte) (used, need int, err error) {
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		if len(b) > r.maxInline {
			return 0, 0, ErrMultibulkLength
		}
		return 0, len(b) + 1, nil
	}
	if nl < 2 || b[nl-1] != '\r' {
		return 0, 0, ErrMultibulkLength
	}
	count, ok := ParseInt(b[1 : nl-1])
	if !ok || count > int64(r.maxArgs) {
		return 0, 0, ErrMultibulkLength
	}
	first := len(r.args)
	// refuse reports a command over the limits of a client yet to
	// authenticate, or holds it back after others (see Held).
	refuse := func(err error) (int, int, error) {
		r.args = r.args[:first]
		if len(r.cmds) > 0 {
			r.held = true
			return 0, 0, nil
		}
		return 0, 0, err
	}
	if r.unauth && count > unauthMaxArgs {
		return refuse(ErrUnauthMultibulk)
	}
	pos := nl + 1
	if count <= 0 {
		return pos, 0, nil // Redis ignores empty commands
	}
	for range count {
		if pos >= len(b) {
			r.args = r.args[:first]
			return 0, pos + 1, nil
		}
		if b[pos] != '$' {
			// Redis looks at the byte once a CR and a byte after it have
			// come, and names it (as it is: %c would write a byte over
			// 0x7f as two).
			if cr := bytes.IndexByte(b[pos:], '\r'); (cr < 0 || pos+cr+1 >= len(b)) && len(b)-pos <= r.maxInline {
				r.args = r.args[:first]
				return 0, len(b) + 1, nil
			}
			return 0, 0, fmt.Errorf("%w, got '%s'", ErrExpectedBulk, b[pos:pos+1])
		}
		e := bytes.IndexByte(b[pos:], '\n')
		if e < 0 {
			r.args = r.args[:first]
			if len(b)-pos > 32 {
				return 0, 0, ErrBulkLength
			}
			return 0, len(b) + 1, nil
		}
		e += pos
		if e-pos < 3 || b[e-1] != '\r' {
			return 0, 0, ErrBulkLength
		}
		size, ok := ParseInt(b[pos+1 : e-1])
		if !ok || size < 0 || size > int64(r.max) {
			return 0, 0, ErrBulkLength
		}
		if r.unauth && size > unauthMaxBulk {
			return refuse(ErrUnauthBulk)
		}
		start := e + 1
		end := start + int(size)
		if end+2 > len(b) {
			r.args = r.args[:first]
			return 0, end + 2, nil
		}
		if b[end] != '\r' || b[end+1] != '\n' {
			return 0, 0, ErrBulkLength
		}
		r.args = append(r.args, b[start:end:end])
		pos = end + 2
	}
	r.cmds = append(r.cmds, Command{Raw: b[:pos:pos], Args: r.args[first:len(r.args):len(r.args)]})
	return pos, 0, nil
}

// parseInline parses one inline command line: words separated by spaces,
// optionally in double quotes (with backslash escapes) or single quotes.
// It returns the bytes used, 0 if the line is not complete. The words are
// copied into r.inline, re-encoded as RESP for Raw.
func (r *CommandReader) parseInline(b []byte) (int, error) {
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		if len(b) > r.maxInline {
			return 0, ErrInlineTooBig
		}
		return 0, nil
	}
	line := b[:nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	var words [][]byte
	for i := 0; i < len(line); {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			break
		}
		var w []byte
		switch q := line[i]; q {
		case '"', '\'':
			i++
			closed := false
			for i < len(line) {
				c := line[i]
				if q == '"' && c == '\\' && i+1 < len(line) {
					i++
					switch c = line[i]; c {
					case 'n':
						c = '\n'
					case 'r':
						c = '\r'
					case 't':
						c = '\t'
					case 'b':
						c = '\b'
					case 'a':
						c = '\a'
					}
					w = append(w, c)
					i++
					continue
				}
				if c == q {
					closed = true
					i++
					break
				}
				w = append(w, c)
				i++
			}
			if !closed || (i < len(line) && line[i] != ' ' && line[i] != '\t') {
				return 0, ErrUnbalanced
			}
		default:
			for i < len(line) && line[i] != ' ' && line[i] != '\t' {
				w = append(w, line[i])
				i++
			}
		}
		if w == nil {
			w = []byte{}
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		return nl + 1, nil
	}
	// Inline commands are rare (telnet): they get buffers of their own.
	raw := AppendArray(nil, len(words))
	offs := make([]int, len(words))
	for j, w := range words {
		raw = append(raw, '$')
		raw = strconv.AppendInt(raw, int64(len(w)), 10)
		raw = append(raw, '\r', '\n')
		offs[j] = len(raw)
		raw = append(raw, w...)
		raw = append(raw, '\r', '\n')
	}
	args := make([][]byte, len(words))
	for j, w := range words {
		args[j] = raw[offs[j] : offs[j]+len(w) : offs[j]+len(w)]
	}
	r.cmds = append(r.cmds, Command{Raw: raw, Args: args})
	return nl + 1, nil
}

// Feed adds p to the input not yet parsed, before anything read later:
// bytes read from the connection by someone else (a blocked client's
// watcher). The commands last returned stay valid.
func (r *CommandReader) Feed(p []byte) {
	if len(p) == 0 {
		return
	}
	if r.w+len(p) <= len(r.buf) {
		r.w += copy(r.buf[r.w:], p)
	} else {
		nb := make([]byte, max(2*len(r.buf), r.w-r.r+len(p), startSize))
		n := copy(nb, r.buf[r.r:r.w])
		n += copy(nb[n:], p)
		r.setBuf(nb)
		r.r, r.w = 0, n
	}
	r.peak = max(r.peak, r.w-r.r)
}

// AwaitInput waits for the client to send again when nothing is
// buffered, holding no buffer meanwhile (after Release): it reads one
// byte from rd, the reader's connection, and adds it to the input, from
// which the next read goes on. It returns the bytes read (0 or 1) and
// the read's error when nothing came.
func (r *CommandReader) AwaitInput(rd io.Reader) (int, error) {
	if r.w > r.r {
		return 0, nil
	}
	var one [1]byte
	n, err := rd.Read(one[:])
	r.Feed(one[:n])
	if n > 0 {
		return n, nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return 0, err
}

// RequestSize is how many bytes args take as a RESP request: what a
// query buffer holds while the command runs (CLIENT LIST's qbuf for the
// client asking).
func RequestSize(args [][]byte) int64 {
	n := 1 + len(strconv.Itoa(len(args))) + 2
	for _, a := range args {
		n += 1 + len(strconv.Itoa(len(a))) + 2 + len(a) + 2
	}
	return int64(n)
}
