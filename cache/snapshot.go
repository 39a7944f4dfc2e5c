package cache

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/vcache/vcache/internal/keyslot"
)

// Snapshot format (version 1): the magic, then records, then the end
// marker, the record count and a CRC32 (IEEE) of everything before it.
// A record is its kind byte, the key, the expiry (uvarint unix ms, 0 =
// none) and the value: a string is its bytes; a hash is its field count
// then field, value pairs; a set is its member count then its members; a
// sorted set is its member count then member, score (8 bytes,
// little-endian IEEE 754) pairs in order; a list is its length then its
// elements front to back; a custom value is its type name then its bytes;
// a stream is as appendStream says; a JSON document is its compact text;
// a hash with field TTLs is as appendHashTTL says.
// Every byte string is a uvarint length then the bytes.
const (
	snapMagic   = "VCKS\x01"
	recString   = 1
	recHash     = 2
	recCustom   = 3
	recSet      = 4
	recZSet     = 6
	recList     = 5
	recStream   = 10
	recJSON     = 11
	recHashTTL  = 12 // a hash with field TTLs (hashttl.go)
	recEnd      = 0xFF
	maxSnapItem = 1 << 31 // no single string in a snapshot is larger
)

// WriteSnapshot writes every live key to w.
func (ks *Keyspace) WriteSnapshot(w io.Writer) error {
	return ks.WriteSlots(w, nil)
}

// WriteSlots writes the live keys of the given slots (all slots when nil)
// to w in the snapshot format; ReadSnapshot loads it. Each slot is copied
// under its stripe's lock and written without it, so writers wait for one
// slot at a time only.
func (ks *Keyspace) WriteSlots(w io.Writer, slots []int) error {
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<16)
	if _, err := bw.WriteString(snapMagic); err != nil {
		return err
	}
	var count uint64
	var buf bytes.Buffer
	visit := func(slot int) error {
		buf.Reset()
		sh := &ks.stripes[slot&(numStripes-1)]
		sh.mu.Lock()
		now := ks.nowMs()
		var err error
		for k, e := range sh.slots[slot>>stripeBits].all() {
			exp := sh.expOf(e)
			if exp != 0 && exp <= now {
				continue
			}
			if err = appendRecord(&buf, k, e, exp); err != nil {
				break
			}
			count++
		}
		sh.mu.Unlock()
		if err != nil {
			return err
		}
		_, err = bw.Write(buf.Bytes())
		return err
	}
	if slots == nil {
		for s := 0; s < keyslot.Count; s++ {
			if err := visit(s); err != nil {
				return err
			}
		}
	} else {
		for _, s := range slots {
			if s < 0 || s >= keyslot.Count {
				return fmt.Errorf("slot %d out of range", s)
			}
			if err := visit(s); err != nil {
				return err
			}
		}
	}
	var tail []byte
	tail = append(tail, recEnd)
	tail = binary.AppendUvarint(tail, count)
	if _, err := bw.Write(tail); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	_, err := w.Write(sum[:])
	return err
}

func appendBytes(b *bytes.Buffer, s []byte) {
	var hdr [binary.MaxVarintLen64]byte
	b.Write(hdr[:binary.PutUvarint(hdr[:], uint64(len(s)))])
	b.Write(s)
}

func appendString(b *bytes.Buffer, s string) {
	var hdr [binary.MaxVarintLen64]byte
	b.Write(hdr[:binary.PutUvarint(hdr[:], uint64(len(s)))])
	b.WriteString(s)
}

func appendUvarint(b *bytes.Buffer, v uint64) {
	var hdr [binary.MaxVarintLen64]byte
	b.Write(hdr[:binary.PutUvarint(hdr[:], v)])
}

func appendRecord(b *bytes.Buffer, key string, e *entry, exp int64) error {
	switch e.kind() {
	case kindString:
		b.WriteByte(recString)
	case kindHash:
		if hashExOf(e) != nil {
			b.WriteByte(recHashTTL)
		} else {
			b.WriteByte(recHash)
		}
	case kindZSet:
		b.WriteByte(recZSet)
	case kindSet:
		b.WriteByte(recSet)
	case kindStream:
		b.WriteByte(recStream)
	case kindCustom:
		b.WriteByte(recCustom)
	case kindList:
		b.WriteByte(recList)
	case kindJSON:
		b.WriteByte(recJSON)
	}
	appendString(b, key)
	appendUvarint(b, uint64(exp))
	switch e.kind() {
	case kindString:
		appendBytes(b, e.str())
	case kindHash:
		if hx := hashExOf(e); hx != nil {
			appendHashTTL(b, hx)
			break
		}
		h := e.view()
		appendUvarint(b, uint64(h.len()))
		h.each(func(f, v []byte) bool {
			appendBytes(b, f)
			appendBytes(b, v)
			return true
		})
	case kindZSet:
		appendZSet(b, e.zsetVal())
	case kindStream:
		appendStream(b, e.streamVal())
	case kindSet:
		s := e.setVal()
		appendUvarint(b, uint64(s.len()))
		s.each(func(m string) bool {
			appendString(b, m)
			return true
		})
	case kindCustom:
		data, err := e.customVal().MarshalBinary()
		if err != nil {
			return fmt.Errorf("key %q: %w", key, err)
		}
		appendString(b, e.customVal().TypeName())
		appendBytes(b, data)
	case kindList:
		l := e.listVal()
		appendUvarint(b, uint64(l.n))
		l.each(0, func(_ int, v []byte) bool { appendBytes(b, v); return true })
		l.release()
	case kindJSON:
		appendBytes(b, e.jsonDoc().textOf())
	}
	return nil
}

// snapReader reads snapshot fields, checksumming what it reads.
type snapReader struct {
	r   *bufio.Reader
	crc hashWriter
}

type hashWriter interface {
	io.Writer
	Sum32() uint32
}

func (s *snapReader) ReadByte() (byte, error) {
	b, err := s.r.ReadByte()
	if err == nil {
		s.crc.Write([]byte{b})
	}
	return b, err
}

func (s *snapReader) uvarint() (uint64, error) {
	return binary.ReadUvarint(s)
}

// bytes reads a length-prefixed byte string, allocating only as the data
// actually arrives (a corrupt length cannot make it allocate gigabytes).
func (s *snapReader) bytes() ([]byte, error) {
	n, err := s.uvarint()
	if err != nil {
		return nil, err
	}
	if n > maxSnapItem {
		return nil, fmt.Errorf("string of %d bytes", n)
	}
	if n <= 1<<16 {
		b := make([]byte, n)
		if _, err := io.ReadFull(s.r, b); err != nil {
			return nil, err
		}
		s.crc.Write(b)
		return b, nil
	}
	var buf bytes.Buffer
	if _, err := io.CopyN(io.MultiWriter(&buf, s.crc), s.r, int64(n)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReadSnapshot loads keys written by WriteSnapshot or WriteSlots, replacing
// keys of the same names; keys already expired are skipped. On an error
// (wrapping ErrCorruptSnapshot) the keys read so far stay loaded: callers
// that need all or nothing flush or drop the slots.
func (ks *Keyspace) ReadSnapshot(r io.Reader) error {
	sr := &snapReader{r: bufio.NewReaderSize(r, 1<<16), crc: crc32.NewIEEE()}
	corrupt := func(what string, err error) error {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrCorruptSnapshot, what, err)
		}
		return fmt.Errorf("%w: %s", ErrCorruptSnapshot, what)
	}
	magic := make([]byte, len(snapMagic))
	if _, err := io.ReadFull(sr.r, magic); err != nil || string(magic) != snapMagic {
		return corrupt("bad magic", err)
	}
	sr.crc.Write(magic)
	var count uint64
	now := ks.nowMs()
	for {
		kindb, err := sr.ReadByte()
		if err != nil {
			return corrupt("record kind", err)
		}
		if kindb == recEnd {
			break
		}
		key, err := sr.bytes()
		if err != nil {
			return corrupt("key", err)
		}
		exp, err := sr.uvarint()
		if err != nil {
			return corrupt("expiry", err)
		}
		var (
			kd  kind
			val []byte
			obj any
		)
		switch kindb {
		case recString:
			kd = kindString
			if val, err = sr.bytes(); err != nil {
				return corrupt("string value", err)
			}
		case recHash:
			kd = kindHash
			n, err := sr.uvarint()
			if err != nil || n == 0 || n > maxSnapItem {
				return corrupt("hash size", err)
			}
			pairs := make([][]byte, 0, 2*min(n, 1024))
			for i := uint64(0); i < n; i++ {
				f, err := sr.bytes()
				if err != nil {
					return corrupt("hash field", err)
				}
				v, err := sr.bytes()
				if err != nil {
					return corrupt("hash value", err)
				}
				pairs = append(pairs, f, v)
			}
			val, obj = ks.hashFrom(pairs, false) // packed when small, as Redis loads it
		case recHashTTL:
			kd = kindHash
			hx, err := sr.hashTTL(now)
			if err != nil {
				return corrupt("hash with field TTLs", err)
			}
			if hx == nil { // every field expired
				count++
				continue
			}
			obj = hx
		case recZSet:
			kd = kindZSet
			z, err := sr.zset(ks.zlim())
			if err != nil {
				return corrupt("sorted set", err)
			}
			obj = z
		case recSet:
			kd = kindSet
			n, err := sr.uvarint()
			if err != nil || n == 0 || n > maxSnapItem {
				return corrupt("set size", err)
			}
			s := &setObj{}
			obj = s
			limit := ks.setLimits()
			for i := uint64(0); i < n; i++ {
				m, err := sr.bytes()
				if err != nil {
					return corrupt("set member", err)
				}
				s.add(bstr(m), limit)
			}
		case recStream:
			kd = kindStream
			st, err := sr.stream()
			if err != nil {
				return corrupt("stream", err)
			}
			obj = st
		case recCustom:
			kd = kindCustom
			tn, err := sr.bytes()
			if err != nil {
				return corrupt("custom type", err)
			}
			data, err := sr.bytes()
			if err != nil {
				return corrupt("custom value", err)
			}
			dec := ks.decoders[string(tn)]
			if dec == nil {
				return corrupt(fmt.Sprintf("no decoder for type %q", tn), nil)
			}
			cv, err := dec(data)
			if err != nil {
				return corrupt(fmt.Sprintf("decoding a %q value", tn), err)
			}
			obj = cv
		case recJSON:
			kd = kindJSON
			text, err := sr.bytes()
			if err != nil {
				return corrupt("json", err)
			}
			root, err := parseStoredJSON(text)
			if err != nil {
				return corrupt("json document", err)
			}
			obj = newJSONDoc(root)
		case recList:
			kd = kindList
			if obj, err = readList(sr, ks.listFill(), int16(ks.listDepth.Load())); err != nil {
				return corrupt("list", err)
			}
		default:
			return corrupt(fmt.Sprintf("unknown record kind %d", kindb), nil)
		}
		count++
		if exp != 0 && int64(exp) <= now {
			continue
		}
		ks.load(key, newEntry(bstr(key), kd, val, obj), int64(exp))
	}
	n, err := sr.uvarint()
	if err != nil || n != count {
		return corrupt(fmt.Sprintf("record count %d, read %d", n, count), err)
	}
	want := sr.crc.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(sr.r, sum[:]); err != nil {
		return corrupt("checksum", err)
	}
	if binary.LittleEndian.Uint32(sum[:]) != want {
		return corrupt("checksum mismatch", nil)
	}
	return nil
}

// load stores a decoded entry, replacing any key of the same name.
func (ks *Keyspace) load(key []byte, e *entry, exp int64) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if old := ks.find(sh, slot, key); old != nil {
		ks.del(sh, slot, string(key), old, ReasonDeleted)
	}
	ks.insertAt(sh, slot, e, exp)
	if e.kind() == kindHash {
		hashChanged(ks, key, slot, e)
	}
	ks.jsonChanged(string(key), slot, e)
}

// readList reads a list record's length and elements.
func readList(sr *snapReader, fill int32, depth int16) (*list, error) {
	n, err := sr.uvarint()
	if err != nil || n == 0 || n > maxSnapItem {
		return nil, fmt.Errorf("length %d: %v", n, err)
	}
	l := &list{fill: fill, depth: depth}
	for i := uint64(0); i < n; i++ {
		v, err := sr.bytes()
		if err != nil {
			return nil, err
		}
		l.push(v, false)
	}
	return l, nil
}
