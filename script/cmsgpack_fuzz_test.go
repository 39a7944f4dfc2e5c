package script

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzMsgpackUnpack feeds arbitrary bytes to cmsgpack.unpack,
// unpack_one and unpack_limit: bad input is a Lua error, never a panic,
// and what unpacks packs to bytes that, once nils and tables nested
// past the limit have dropped out, unpack and pack to themselves.
func FuzzMsgpackUnpack(f *testing.F) {
	for _, s := range []string{"", "\x93\x01\x02\x03", "\x81\xa1a\x01", "\xc1", "\xcd\x01", "\xdd\xff\xff\xff\xff\x01",
		"\x81\xc0\x01", "\x81\xcb\xff\xf8\x00\x00\x00\x00\x00\x00\x01", "\xca\x7f\xc0\x00\x00", "\xcf\xff\xff\xff\xff\xff\xff\xff\xff",
		"\xda\x00\x03abc", "\xdb\x00\x00\x00\x03abc", "\xde\x00\x01\x91\x01\x02", strings.Repeat("\x91", 5000) + "\xc0",
		strings.Repeat("\x01", 8001), "\x92\xc0\x03"} {
		f.Add(s, 1, 0)
	}
	e := New()
	defer e.Close()
	round, err := Compile(`
		local ok, a = pcall(function() return cmsgpack.pack(cmsgpack.unpack(ARGV[1])) end)
		if not ok then return 'error' end
		local b = cmsgpack.pack(cmsgpack.unpack(a))
		if cmsgpack.pack(cmsgpack.unpack(b)) ~= b then return 'mismatch' end
		return 'ok'`)
	if err != nil {
		f.Fatal(err)
	}
	parts, err := Compile(`
		local r = {pcall(cmsgpack.unpack_one, ARGV[1], tonumber(ARGV[3]))}
		local s = {pcall(cmsgpack.unpack_limit, ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))}
		return {#r, #s}`)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string, limit, offset int) {
		args := [][]byte{[]byte(in), []byte(strconv.Itoa(limit)), []byte(strconv.Itoa(offset))}
		run := func(s *Script) Reply {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			r := e.Exec(ctx, s, &Run{Name: s.SHA, Args: args, Caller: echoCaller{}})
			checkReply(t, r, 0)
			return r
		}
		if r := run(round); r.Kind != Bulk || r.Str == "mismatch" {
			t.Fatalf("unpack/pack round trip of %q: %+v", in, r)
		}
		if r := run(parts); r.Kind != Array {
			t.Fatalf("unpack_one/unpack_limit of %q: %+v", in, r)
		}
	})
}

// FuzzStruct runs struct.pack, unpack and size on arbitrary formats
// and data: errors are Lua errors, never panics.
func FuzzStruct(f *testing.F) {
	for _, s := range []string{"bBhHlLTiI", "!4 b i4 d", ">fd", "c3", "c0", "bc0", "s", "xbx", "i16", "i33",
		"i99999999999", "!3", "z", "<i3", "Bc0B", "c2147483647", "!16 b i16"} {
		f.Add(s, "\x03abcdef\x00ghijklmnopqrstuvwxyz0123456789", 1)
	}
	e := New()
	defer e.Close()
	s, err := Compile(`
		local a = {pcall(struct.unpack, ARGV[1], ARGV[2], tonumber(ARGV[3]))}
		local b = {pcall(struct.size, ARGV[1])}
		local c = {pcall(struct.pack, ARGV[1], 1, -2, 'abc', 3.5, ARGV[2], 0, 7)}
		return {#a, #b, #c}`)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, format, data string, pos int) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		args := [][]byte{[]byte(format), []byte(data), []byte(strconv.Itoa(pos))}
		r := e.Exec(ctx, s, &Run{Name: s.SHA, Args: args, Caller: echoCaller{}})
		checkReply(t, r, 0)
		if r.Kind != Array {
			t.Fatalf("struct on %q %q: %+v", format, data, r)
		}
	})
}
