package cache

import (
	"errors"
	"math"
	"strconv"
)

// StreamID is a stream entry's ID: milliseconds and a sequence number.
type StreamID struct{ Ms, Seq uint64 }

// MaxStreamID is the largest ID ("+").
var MaxStreamID = StreamID{math.MaxUint64, math.MaxUint64}

// ErrInvalidStreamID is returned for an argument that is not a stream ID.
var ErrInvalidStreamID = errors.New("Invalid stream ID specified as stream command argument")

// Cmp compares two IDs: -1, 0 or 1.
func (a StreamID) Cmp(b StreamID) int {
	switch {
	case a.Ms < b.Ms:
		return -1
	case a.Ms > b.Ms:
		return 1
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Less reports whether a sorts before b.
func (a StreamID) Less(b StreamID) bool { return a.Cmp(b) < 0 }

// IsZero reports whether a is 0-0.
func (a StreamID) IsZero() bool { return a.Ms == 0 && a.Seq == 0 }

// String formats the ID as "ms-seq".
func (a StreamID) String() string {
	return strconv.FormatUint(a.Ms, 10) + "-" + strconv.FormatUint(a.Seq, 10)
}

// Incr returns the next ID, false past the largest.
func (a StreamID) Incr() (StreamID, bool) {
	switch {
	case a.Seq < math.MaxUint64:
		a.Seq++
	case a.Ms < math.MaxUint64:
		a.Ms, a.Seq = a.Ms+1, 0
	default:
		return StreamID{}, false
	}
	return a, true
}

// Decr returns the previous ID, false before 0-0.
func (a StreamID) Decr() (StreamID, bool) {
	switch {
	case a.Seq > 0:
		a.Seq--
	case a.Ms > 0:
		a.Ms, a.Seq = a.Ms-1, math.MaxUint64
	default:
		return StreamID{}, false
	}
	return a, true
}

// ParseStreamID parses an ID argument as Redis does: "ms-seq", or "ms"
// with missingSeq for the sequence; "-" and "+" (0-0 and the largest ID)
// unless strict. With seqGiven non-nil, "ms-*" is accepted and reported
// by *seqGiven = false (XADD).
func ParseStreamID(b []byte, missingSeq uint64, strict bool, seqGiven *bool) (StreamID, error) {
	if len(b) > 127 {
		return StreamID{}, ErrInvalidStreamID
	}
	if len(b) == 1 && (b[0] == '-' || b[0] == '+') {
		if strict {
			return StreamID{}, ErrInvalidStreamID
		}
		if seqGiven != nil {
			*seqGiven = true
		}
		if b[0] == '-' {
			return StreamID{}, nil
		}
		return MaxStreamID, nil
	}
	if seqGiven != nil {
		*seqGiven = true
	}
	msPart, seqPart, dash := b, []byte(nil), false
	for i, c := range b {
		if c == '-' {
			msPart, seqPart, dash = b[:i], b[i+1:], true
			break
		}
	}
	ms, ok := parseUint64(msPart)
	if !ok {
		return StreamID{}, ErrInvalidStreamID
	}
	seq := missingSeq
	if dash {
		if seqGiven != nil && len(seqPart) == 1 && seqPart[0] == '*' {
			seq, *seqGiven = 0, false
		} else if seq, ok = parseUint64(seqPart); !ok {
			return StreamID{}, ErrInvalidStreamID
		}
	}
	return StreamID{ms, seq}, nil
}

// parseUint64 reads an unsigned decimal as C's strtoull does for Redis's
// IDs: leading white space and a sign are allowed, the whole text must be
// digits after them, and a negative number is refused (minus zero is 0).
func parseUint64(b []byte) (uint64, bool) {
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	if i == len(b) {
		return 0, false
	}
	var v uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg && v != 0 {
		return 0, false
	}
	return v, true
}
