package load

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// The subscribers' reader of vcache bench fanout: RESP2 messages and
// pushes read straight from a bufio.Reader, the payload not copied.

// readMessage reads one message or pmessage array and returns its last
// element, the payload (valid until the next read).
func readMessage(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 4 || (line[0] != '*' && line[0] != '>') {
		return nil, fmt.Errorf("not a message: %q", line)
	}
	n, err := strconv.Atoi(string(line[1 : len(line)-2]))
	if err != nil || n < 1 {
		return nil, fmt.Errorf("bad array header %q", line)
	}
	var el []byte
	for i := 0; i < n; i++ {
		if el, err = readBulk(br); err != nil {
			return nil, err
		}
	}
	return el, nil
}

// maxFanBulk bounds a bulk string the load generator reads.
const maxFanBulk = 64 << 20

// readBulk reads one bulk string (or integer, for a confirmation's count)
// and returns its bytes, valid until the next read.
func readBulk(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 {
		return nil, fmt.Errorf("short line %q", line)
	}
	if line[0] != '$' {
		return nil, nil
	}
	n, err := strconv.Atoi(string(line[1 : len(line)-2]))
	if err != nil || n < 0 || n > maxFanBulk {
		return nil, fmt.Errorf("bad bulk header %q", line)
	}
	b, err := br.Peek(n + 2)
	if err != nil {
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
		b = make([]byte, n+2)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, err
		}
		return b[:n], nil
	}
	_, _ = br.Discard(n + 2)
	return b[:n], nil
}

// readRaw reads one whole RESP2 reply and returns a copy of its bytes;
// it reads no further than the reply's end.
func readRaw(br *bufio.Reader) ([]byte, error) {
	return appendRaw(nil, br)
}

func appendRaw(dst []byte, br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return dst, err
	}
	if len(line) < 3 {
		return dst, fmt.Errorf("short line %q", line)
	}
	dst = append(dst, line...)
	switch line[0] {
	case '$':
		n, err := strconv.Atoi(string(line[1 : len(line)-2]))
		if err != nil || n > maxFanBulk {
			return dst, fmt.Errorf("bad bulk header %q", line)
		}
		if n < 0 {
			return dst, nil
		}
		at := len(dst)
		dst = append(dst, make([]byte, n+2)...)
		_, err = io.ReadFull(br, dst[at:])
		return dst, err
	case '*':
		n, err := strconv.Atoi(string(line[1 : len(line)-2]))
		if err != nil {
			return dst, fmt.Errorf("bad array header %q", line)
		}
		for i := 0; i < n; i++ {
			if dst, err = appendRaw(dst, br); err != nil {
				return dst, err
			}
		}
	}
	return dst, nil
}
