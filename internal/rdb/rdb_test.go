package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestCRC checks the CRC-64 against Redis's own check value.
func TestCRC(t *testing.T) {
	if got := crc([]byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("crc64 = %#x", got)
	}
}

// TestEncodeDecode round-trips a value of each kind and checks that a
// flipped byte is refused.
func TestEncodeDecode(t *testing.T) {
	b := func(s ...string) [][]byte {
		var out [][]byte
		for _, x := range s {
			out = append(out, []byte(x))
		}
		return out
	}
	for _, v := range []Value{
		{Kind: String, Str: []byte("hello")},
		{Kind: String, Str: []byte("-129")},
		{Kind: String, Str: []byte("0123")},
		{Kind: String, Str: bytes.Repeat([]byte("x"), 20000)},
		{Kind: Hash, Pairs: b("a", "1", "b", "")},
		{Kind: Set, Members: b("1", "x", "70000")},
		{Kind: ZSet, Z: []ZEntry{{[]byte("a"), 1.5}, {[]byte("b"), -3}}},
		{Kind: List, Items: b("", "0", "127", "-4096", "4095", "-32769", "8388607", "2147483648",
			"-9223372036854775808", "9223372036854775808", "01", "+1", "-0", "x")},
		{Kind: List, Items: b(strings.Repeat("y", 63), strings.Repeat("z", 64), strings.Repeat("w", 4096), strings.Repeat("v", 20000))},
	} {
		p := Encode(v)
		got, err := Decode(p)
		if err != nil || !reflect.DeepEqual(got, v) {
			t.Errorf("%v: got %v, %v", v.Kind, got, err)
		}
		p[1] ^= 1
		if _, err := Decode(p); !errors.Is(err, ErrChecksum) {
			t.Errorf("%v with a flipped byte: %v", v.Kind, err)
		}
	}
}

// TestListpackAndIntset reads the compact encodings Redis 7.0 writes.
func TestListpackAndIntset(t *testing.T) {
	// A listpack of "f" (6-bit string), 7 (7-bit uint), -2 (13-bit int)
	// and "g".
	entries := []byte{0x81, 'f', 2, 0x07, 1, 0xDF, 0xFE, 2, 0x81, 'g', 2}
	lp := binary.LittleEndian.AppendUint32(nil, uint32(6+len(entries)+1))
	lp = binary.LittleEndian.AppendUint16(lp, 4)
	lp = append(append(lp, entries...), 0xFF)
	body := append([]byte{typeHashListpack}, appendLen(nil, uint64(len(lp)))...)
	v, err := Decode(seal(append(body, lp...)))
	want := [][]byte{[]byte("f"), []byte("7"), []byte("-2"), []byte("g")}
	if err != nil || !reflect.DeepEqual(v.Pairs, want) {
		t.Errorf("listpack hash: %q %v", v.Pairs, err)
	}
	is := binary.LittleEndian.AppendUint32(nil, 2)
	is = binary.LittleEndian.AppendUint32(is, 2)
	is = binary.LittleEndian.AppendUint16(is, uint16(0xFFFD)) // -3
	is = binary.LittleEndian.AppendUint16(is, 9)
	body = append([]byte{typeSetIntset}, appendLen(nil, uint64(len(is)))...)
	v, err = Decode(seal(append(body, is...)))
	if err != nil || !reflect.DeepEqual(v.Members, [][]byte{[]byte("-3"), []byte("9")}) {
		t.Errorf("intset: %q %v", v.Members, err)
	}
}

// TestQuicklistNodes checks a long list is written as several listpack
// nodes that each stay near 8 KiB, and reads back in order.
func TestQuicklistNodes(t *testing.T) {
	var items [][]byte
	for i := range 5000 {
		items = append(items, []byte(strings.Repeat("e", i%50)+strconv.Itoa(i)))
	}
	p := Encode(Value{Kind: List, Items: items})
	if p[0] != typeListQuick2 {
		t.Fatalf("type byte %d", p[0])
	}
	r := &reader{b: p[1:]}
	nodes, _, _ := r.length()
	if nodes < 10 {
		t.Fatalf("%d nodes for %d bytes of elements", nodes, len(p))
	}
	for range nodes {
		if c, _, _ := r.length(); c != quicklistPacked {
			t.Fatalf("container %d", c)
		}
		blob, ok := r.str()
		if !ok || len(blob) > nodeBytes {
			t.Fatalf("node of %d bytes (ok %v)", len(blob), ok)
		}
	}
	v, err := Decode(p)
	if err != nil || !reflect.DeepEqual(v.Items, items) {
		t.Fatalf("decode: %v", err)
	}
}

// TestLZFLongRuns expands data made of the longest back references (264
// bytes from 3), the ratio Redis's compressor reaches on a repeated byte.
func TestLZFLongRuns(t *testing.T) {
	in := []byte{0, 'x'}
	for range 100 {
		in = append(in, 0xE0, 0xFF, 0x00)
	}
	out, ok := lzfDecompress(in, 1+264*100)
	if !ok || len(out) != 1+264*100 || bytes.Count(out, []byte("x")) != len(out) {
		t.Fatalf("decompressed %d bytes, ok %v", len(out), ok)
	}
	if _, ok := lzfDecompress(in, 2+264*100); ok {
		t.Fatal("a wrong expanded length was accepted")
	}
}

// FuzzDecode feeds arbitrary payloads (with a valid trailer, so the
// decoder itself is exercised): Decode never panics, and what it accepts
// encodes back to a payload that decodes to the same value.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{typeString, 5, 'h', 'e', 'l', 'l', 'o'})
	f.Add([]byte{typeSet, 2, 1, 'a', 0xC0, 7})
	f.Add([]byte{typeHash, 1, 1, 'f', 0xC3, 2, 3, 0x01, 'a', 'b', 0x20, 0})
	f.Add([]byte{typeZSet2, 1, 1, 'm', 0, 0, 0, 0, 0, 0, 0xF0, 0x3F})
	f.Add([]byte{typeZSet, 1, 1, 'm', 3, '1', '.', '5'})
	f.Add([]byte{typeSetIntset, 10, 2, 0, 0, 0, 1, 0, 0, 0, 5, 0})
	f.Add([]byte{typeList, 2, 1, 'a', 0xC0, 7})
	f.Add([]byte{typeListQuick2, 2, 1, 1, 'p', 2, 9, 9, 0, 0, 0, 1, 0, 0x7f, 1, 0xff})
	f.Add([]byte{typeNative, 11, 2, '{', '}'})
	st := &StreamValue{Last: StreamID{5, 1}, First: StreamID{1, 0}, EntriesAdded: 3,
		Entries: []StreamEntry{{StreamID{1, 0}, [][]byte{[]byte("f"), []byte("1")}}, {StreamID{5, 1}, [][]byte{[]byte("g"), []byte("x")}}},
		Groups: []StreamGroup{{Name: []byte("g"), LastID: StreamID{5, 1}, EntriesRead: 2,
			Consumers: []StreamConsumer{{Name: []byte("c"), Seen: 7}}, Pending: []StreamPending{{ID: StreamID{5, 1}, Delivered: 7, Count: 1}}}}}
	f.Add(appendStream([]byte{typeStreamLP2}, st))
	// Ziplist "a" 1 (Redis 6 and older) as a hash, a sorted set and a
	// list, in a quicklist of version 1, and a zipmap.
	zl := []byte{15, 0, 0, 0, 12, 0, 0, 0, 2, 0, 0, 1, 'a', 3, 0xF2, 0xFF}
	for _, t := range []byte{typeHashZiplist, typeZSetZiplist, typeListZiplist} {
		f.Add(append([]byte{t, byte(len(zl))}, zl...))
	}
	f.Add(append([]byte{typeListQuicklst, 1, byte(len(zl))}, zl...))
	f.Add([]byte{typeHashZipmap, 8, 1, 1, 'f', 2, 0, 'h', 'i', 0xFF})
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := Decode(seal(bytes.Clone(body)))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("a sealed payload refused with %v", err)
			}
			return
		}
		again, err := Decode(Encode(v))
		// How the payload held the value (an older stream format, a
		// listpack) is not part of it.
		for _, x := range []*Value{&v, &again} {
			x.Packed = false
			if x.Stream != nil {
				x.Stream.Legacy = false
			}
		}
		if err != nil || !reflect.DeepEqual(again, v) {
			t.Fatalf("round trip of %v: %v, %v", v, again, err)
		}
		if _, err := Decode(body); err == nil && len(body) < 10 {
			t.Fatal("a payload shorter than its trailer accepted")
		}
	})
}
