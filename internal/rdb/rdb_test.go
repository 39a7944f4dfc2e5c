package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
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
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := Decode(seal(bytes.Clone(body)))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("a sealed payload refused with %v", err)
			}
			return
		}
		again, err := Decode(Encode(v))
		if err != nil || !reflect.DeepEqual(again, v) {
			t.Fatalf("round trip of %v: %v, %v", v, again, err)
		}
		if _, err := Decode(body); err == nil && len(body) < 10 {
			t.Fatal("a payload shorter than its trailer accepted")
		}
	})
}
