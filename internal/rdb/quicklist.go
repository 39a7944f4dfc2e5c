package rdb

import (
	"encoding/binary"
	"strconv"
)

// Lists are written as Redis 7.0 writes them: RDB_TYPE_LIST_QUICKLIST_2,
// a count of nodes, then each node's container (1 plain: one element as
// a string; 2 packed: a listpack of elements as a string). Encode packs
// elements into listpacks of about list-max-listpack-size -2 (8 KiB).

const (
	quicklistPlain  = 1
	quicklistPacked = 2
	// nodeBytes is the listpack size after which a new node starts.
	nodeBytes = 8192
)

// appendQuicklist writes items as quicklist nodes of listpacks.
func appendQuicklist(b []byte, items [][]byte) []byte {
	var nodes [][]byte
	var lp []byte
	n := 0
	flush := func() {
		if n > 0 {
			nodes = append(nodes, finishListpack(lp, n))
		}
		lp, n = nil, 0
	}
	for _, it := range items {
		e := appendLPEntry(nil, it)
		if n > 0 && 6+len(lp)+len(e)+1 > nodeBytes {
			flush()
		}
		lp = append(lp, e...)
		n++
	}
	flush()
	b = appendLen(b, uint64(len(nodes)))
	for _, node := range nodes {
		b = appendLen(b, quicklistPacked)
		b = appendLen(b, uint64(len(node)))
		b = append(b, node...)
	}
	return b
}

// finishListpack wraps n encoded entries in a listpack's header (total
// bytes, count, 65535 meaning "count them") and end byte.
func finishListpack(entries []byte, n int) []byte {
	total := 6 + len(entries) + 1
	lp := binary.LittleEndian.AppendUint32(make([]byte, 0, total), uint32(total))
	lp = binary.LittleEndian.AppendUint16(lp, uint16(min(n, 0xFFFF)))
	return append(append(lp, entries...), 0xFF)
}

// appendLPEntry appends one listpack entry: a canonical 64-bit integer in
// the smallest integer encoding, anything else as a string; then its
// back length.
func appendLPEntry(b []byte, s []byte) []byte {
	start := len(b)
	v, err := strconv.ParseInt(string(s), 10, 64)
	switch {
	case err == nil && len(s) <= 20 && strconv.FormatInt(v, 10) == string(s):
		switch {
		case v >= 0 && v <= 127:
			b = append(b, byte(v))
		case v >= -4096 && v <= 4095:
			u := uint16(v) & 0x1FFF
			b = append(b, 0xC0|byte(u>>8), byte(u))
		case v >= -1<<15 && v < 1<<15:
			b = binary.LittleEndian.AppendUint16(append(b, 0xF1), uint16(v))
		case v >= -1<<23 && v < 1<<23:
			u := uint32(v)
			b = append(b, 0xF2, byte(u), byte(u>>8), byte(u>>16))
		case v >= -1<<31 && v < 1<<31:
			b = binary.LittleEndian.AppendUint32(append(b, 0xF3), uint32(v))
		default:
			b = binary.LittleEndian.AppendUint64(append(b, 0xF4), uint64(v))
		}
	case len(s) < 64:
		b = append(append(b, 0x80|byte(len(s))), s...)
	case len(s) < 4096:
		b = append(append(b, 0xE0|byte(len(s)>>8), byte(len(s))), s...)
	default:
		b = append(binary.LittleEndian.AppendUint32(append(b, 0xF0), uint32(len(s))), s...)
	}
	size := len(b) - start
	k := backlenSize(size)
	for i := k - 1; i >= 0; i-- {
		c := byte(size>>(7*i)) & 0x7F
		if i != k-1 {
			c |= 0x80
		}
		b = append(b, c)
	}
	return b
}

// quicklist reads RDB_TYPE_LIST_QUICKLIST_2's nodes; empty listpacks are
// skipped (as Redis does), an empty list is refused.
func (r *reader) quicklist() ([][]byte, bool) {
	nodes, ok := r.count(2)
	if !ok {
		return nil, false
	}
	var items [][]byte
	for range nodes {
		container, enc, ok := r.length()
		if !ok || enc {
			return nil, false
		}
		blob, ok := r.str()
		if !ok {
			return nil, false
		}
		switch container {
		case quicklistPlain:
			items = append(items, blob)
		case quicklistPacked:
			es, ok := packEntries(blob)
			if !ok {
				return nil, false
			}
			items = append(items, es...)
		default:
			return nil, false
		}
	}
	return items, len(items) > 0
}

// plainList reads RDB_TYPE_LIST: a count then each element as a string.
func (r *reader) plainList() ([][]byte, bool) {
	n, ok := r.count(1)
	if !ok {
		return nil, false
	}
	items := make([][]byte, 0, n)
	for range n {
		s, ok := r.str()
		if !ok {
			return nil, false
		}
		items = append(items, s)
	}
	return items, true
}

// quicklistV1 reads RDB_TYPE_LIST_QUICKLIST (Redis 3.2 to 6.2): a count
// of nodes, each a ziplist as a string. Empty nodes are skipped, as Redis
// does; a list with no element is refused.
func (r *reader) quicklistV1() ([][]byte, bool) {
	nodes, ok := r.count(1)
	if !ok {
		return nil, false
	}
	var items [][]byte
	for range nodes {
		blob, ok := r.str()
		if !ok {
			return nil, false
		}
		es, ok := ziplistEntries(blob)
		if !ok {
			return nil, false
		}
		items = append(items, es...)
	}
	return items, len(items) > 0
}
