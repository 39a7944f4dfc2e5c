package cache

import (
	"bufio"
	"bytes"
	"fmt"
	"hash/crc32"

	"github.com/vcache/vcache/internal/rdb"
)

// DUMP payloads of values Redis 7.0's RDB format cannot hold: a hash
// some of whose fields have a TTL and a JSON document are dumped in
// vcache's own form (rdb.EncodeNative): the snapshot record's kind byte
// (recHashTTL, recJSON) then the value as the snapshot writes it, so
// field deadlines (absolute unix ms) and the document survive
// DUMP/RESTORE between vcache nodes. redis-server refuses these payloads
// with "Bad data format". (A stream in this form, recStream, is read
// too; DUMP writes streams in Redis's form, dump_stream.go.) A custom
// value (a vector set, an FT.SUGADD dictionary) is dumped the same way as
// recCustom: its type name, then its MarshalBinary bytes, read back by the
// keyspace's decoder for that type; the envelope's version and CRC64
// guard the payload as for every type.

// nativeValue returns e's vcache-only DUMP form, false when e has a
// Redis form (a hash without field TTLs has one).
func nativeValue(e *entry) (rdb.Value, bool) {
	var b bytes.Buffer
	switch e.kind() {
	case kindHash:
		hx := hashExOf(e)
		if hx == nil || len(hx.ttl) == 0 {
			return rdb.Value{}, false
		}
		b.WriteByte(recHashTTL)
		appendHashTTL(&b, hx)
	case kindJSON:
		b.WriteByte(recJSON)
		appendBytes(&b, e.jsonDoc().textOf())
	default:
		return rdb.Value{}, false
	}
	return rdb.Value{Kind: rdb.Native, Body: b.Bytes()}, true
}

// customNative returns a custom value's vcache-only DUMP form.
func customNative(c Custom) (rdb.Value, error) {
	data, err := c.MarshalBinary()
	if err != nil {
		return rdb.Value{}, err
	}
	var b bytes.Buffer
	b.WriteByte(recCustom)
	appendString(&b, c.TypeName())
	appendBytes(&b, data)
	return rdb.Value{Kind: rdb.Native, Body: b.Bytes()}, nil
}

// fromNative reads nativeValue's and customNative's forms (a custom value
// through decoders, by its type name): rdb.ErrFormat when it does not
// parse, a nil obj when every field of a hash has expired by now.
func fromNative(body []byte, now int64, decoders map[string]func([]byte) (Custom, error)) (kind, any, error) {
	sr := &snapReader{r: bufio.NewReader(bytes.NewReader(body)), crc: crc32.NewIEEE()}
	rec, err := sr.ReadByte()
	if err != nil {
		return 0, nil, rdb.ErrFormat
	}
	bad := func(err error) (kind, any, error) { return 0, nil, fmt.Errorf("%w: %v", rdb.ErrFormat, err) }
	switch rec {
	case recHashTTL:
		hx, err := sr.hashTTL(now)
		if err != nil {
			return bad(err)
		}
		if hx == nil {
			return kindHash, nil, nil
		}
		return kindHash, hx, nil
	case recJSON:
		text, err := sr.bytes()
		if err != nil {
			return bad(err)
		}
		root, err := parseStoredJSON(text)
		if err != nil {
			return bad(err)
		}
		return kindJSON, newJSONDoc(root), nil
	case recStream:
		st, err := sr.stream()
		if err != nil {
			return bad(err)
		}
		return kindStream, st, nil
	case recCustom:
		name, err := sr.bytes()
		if err != nil {
			return bad(err)
		}
		data, err := sr.bytes()
		if err != nil {
			return bad(err)
		}
		dec := decoders[string(name)]
		if dec == nil {
			return bad(fmt.Errorf("no decoder for type %q", name))
		}
		c, err := dec(data)
		if err != nil {
			return bad(err)
		}
		return kindCustom, c, nil
	}
	return 0, nil, rdb.ErrFormat
}
