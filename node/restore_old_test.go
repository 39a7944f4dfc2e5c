package node

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc64"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Payloads as Redis 6 DUMPs them (RDB version 9): ziplists for small
// hashes, sorted sets and lists, quicklists of ziplists, zipmaps.

// zlEncode is a ziplist of entries, each in the encoding Redis picks:
// canonical integers in the smallest integer form, others as strings.
func zlEncode(entries ...string) []byte {
	body := []byte{}
	prev, tail := 0, 10
	for _, e := range entries {
		var ent []byte
		if prev < 254 {
			ent = append(ent, byte(prev))
		} else {
			ent = binary.LittleEndian.AppendUint32(append(ent, 0xFE), uint32(prev))
		}
		v, err := strconv.ParseInt(e, 10, 64)
		switch {
		case err == nil && strconv.FormatInt(v, 10) == e:
			switch {
			case v >= 0 && v <= 12:
				ent = append(ent, 0xF1+byte(v))
			case v >= -128 && v < 128:
				ent = append(ent, 0xFE, byte(int8(v)))
			case v >= -1<<15 && v < 1<<15:
				ent = binary.LittleEndian.AppendUint16(append(ent, 0xC0), uint16(v))
			case v >= -1<<23 && v < 1<<23:
				u := uint32(v)
				ent = append(ent, 0xF0, byte(u), byte(u>>8), byte(u>>16))
			case v >= -1<<31 && v < 1<<31:
				ent = binary.LittleEndian.AppendUint32(append(ent, 0xD0), uint32(v))
			default:
				ent = binary.LittleEndian.AppendUint64(append(ent, 0xE0), uint64(v))
			}
		case len(e) < 64:
			ent = append(append(ent, byte(len(e))), e...)
		case len(e) < 1<<14:
			ent = append(append(ent, 0x40|byte(len(e)>>8), byte(len(e))), e...)
		default:
			ent = append(binary.BigEndian.AppendUint32(append(ent, 0x80), uint32(len(e))), e...)
		}
		tail = 10 + len(body)
		body = append(body, ent...)
		prev = len(ent)
	}
	zl := binary.LittleEndian.AppendUint32(nil, uint32(10+len(body)+1))
	zl = binary.LittleEndian.AppendUint32(zl, uint32(tail))
	zl = binary.LittleEndian.AppendUint16(zl, uint16(len(entries)))
	return append(append(zl, body...), 0xFF)
}

// zmEncode is a zipmap of field/value pairs (one free byte after each
// value, as an updated zipmap may have).
func zmEncode(pairs ...string) []byte {
	b := []byte{byte(len(pairs) / 2)}
	for i := 0; i < len(pairs); i += 2 {
		b = append(append(b, byte(len(pairs[i]))), pairs[i]...)
		b = append(append(b, byte(len(pairs[i+1])), 1), pairs[i+1]...)
		b = append(b, 0)
	}
	return append(b, 0xFF)
}

// rdbStr is an RDB string of b (lengths below 16384).
func rdbStr(b []byte) []byte {
	if len(b) < 64 {
		return append([]byte{byte(len(b))}, b...)
	}
	return append([]byte{0x40 | byte(len(b)>>8), byte(len(b))}, b...)
}

// dump9 seals a value body as a DUMP payload of RDB version 9.
func dump9(body []byte) string {
	body = binary.LittleEndian.AppendUint16(body, 9)
	table := crc64.MakeTable(0x95ac9329ac4bc9b5)
	sum := ^crc64.Update(^uint64(0), table, body)
	return string(binary.LittleEndian.AppendUint64(body, sum))
}

// TestRestoreRedis6Payloads RESTOREs, into a node and into redis-server
// 7.0.15, payloads in the encodings of RDB files before Redis 7.0, and
// wants the same reply, and for those accepted the same type, encoding
// and contents; malformed ones are refused alike.
func TestRestoreRedis6Payloads(t *testing.T) {
	ctx := context.Background()
	ref := startRedisServer(t)
	tn := startNode(t, nil)
	vc := redis.NewClient(&redis.Options{Addr: tn.addr, MaxRetries: -1})
	defer vc.Close()
	long, huge := strings.Repeat("v", 300), strings.Repeat("w", 20000)
	nums := []string{"0", "12", "13", "-1", "127", "-128", "300", "-32768", "70000", "-8388608", "2147483647", "-2147483649", "9223372036854775807", "007", "1.5"}
	hashZL := zlEncode("a", "1", "b", long, "c", "x", "d", "-200", "e", "9000000000")
	cases := []struct {
		name string
		body []byte
	}{
		{"hash ziplist", append([]byte{13}, rdbStr(hashZL)...)},
		{"zset ziplist", append([]byte{12}, rdbStr(zlEncode("m3", "-3", "m1", "1", "m2", "2.5", "m5", "12", "m4", "inf"))...)},
		{"list ziplist", append([]byte{10}, rdbStr(zlEncode(nums...))...)},
		{"list ziplist with a long string", append([]byte{10}, rdbStr(zlEncode("a", long, "b", "c"))...)},
		{"quicklist", append(append(append([]byte{14, 3}, rdbStr(zlEncode("a", "1", long))...), rdbStr(zlEncode())...), rdbStr(zlEncode("z", "-5"))...)},
		{"quicklist of one empty node", append([]byte{14, 1}, rdbStr(zlEncode())...)},
		{"zipmap", append([]byte{9}, rdbStr(zmEncode("f", "1", "g", "hello", "h", ""))...)},
		{"hash ziplist with a field twice", append([]byte{13}, rdbStr(zlEncode("a", "1", "a", "2"))...)},
		{"hash ziplist of an odd count", append([]byte{13}, rdbStr(zlEncode("a", "1", "b"))...)},
		{"ziplist with a wrong count", append([]byte{10}, rdbStr(append(append(hashZL[:8:8], 9, 0), hashZL[10:]...))...)},
		{"ziplist cut short", append([]byte{10}, rdbStr(hashZL[:len(hashZL)-3])...)},
		{"zset ziplist with a long member", append([]byte{12}, rdbStr(zlEncode("a", "1", long, "2"))...)},
		{"zipmap with a long value", append([]byte{9}, rdbStr(zmEncode("f", strings.Repeat("z", 100)))...)},
		// A length of 254 or more takes 254 and 4 bytes; a shorter one
		// written so is refused since CVE-2026-25243.
		{"zipmap with a 300-byte field", append([]byte{9}, rdbStr(append(append([]byte{1, 0xFE, 44, 1, 0, 0},
			strings.Repeat("f", 300)...), 1, 0, 'v', 0xFF))...)},
		{"zipmap with a short field's length in 5 bytes", append([]byte{9}, rdbStr([]byte{1, 0xFE, 4, 0, 0, 0, 'k', 'e', 'y', '1',
			4, 0, 'v', 'a', 'l', '1', 0xFF})...)},
		{"zipmap with a short value's length in 5 bytes", append([]byte{9}, rdbStr([]byte{1, 1, 'k', 0xFE, 4, 0, 0, 0, 0,
			'v', 'a', 'l', '1', 0xFF})...)},
	}
	// A list with a value over 16 KiB: its RDB string needs the 32-bit length.
	hz := zlEncode("k", huge)
	hb := binary.BigEndian.AppendUint32([]byte{10, 0x80}, uint32(len(hz)))
	cases = append(cases, struct {
		name string
		body []byte
	}{"list ziplist with a 20000-byte string", append(hb, hz...)})
	for i, c := range cases {
		key := fmt.Sprintf("old:%d", i)
		payload := dump9(c.body)
		got, want := vc.Do(ctx, "RESTORE", key, "0", payload), ref.Do(ctx, "RESTORE", key, "0", payload)
		if fmt.Sprint(got.Val(), got.Err()) != fmt.Sprint(want.Val(), want.Err()) {
			t.Errorf("%s: RESTORE = %v %v, redis-server %v %v", c.name, got.Val(), got.Err(), want.Val(), want.Err())
			continue
		}
		if want.Err() != nil {
			continue
		}
		// Writes after the restore: a packed value keeps working as one.
		for _, probe := range [][]any{{"TYPE", key}, {"OBJECT", "ENCODING", key},
			{"HSET", key, "new", "1"}, {"ZADD", key, "7", "new"}, {"RPUSH", key, "new"},
			{"OBJECT", "ENCODING", key}, {"HLEN", key}, {"ZCARD", key}, {"LLEN", key}} {
			g, w := vc.Do(ctx, probe...), ref.Do(ctx, probe...)
			if fmt.Sprint(g.Val(), g.Err()) != fmt.Sprint(w.Val(), w.Err()) {
				t.Errorf("%s: %v = %v %v, redis-server %v %v", c.name, probe, g.Val(), g.Err(), w.Val(), w.Err())
			}
		}
		contents := func(cl *redis.Client) []string {
			switch cl.Type(ctx, key).Val() {
			case "list":
				return cl.LRange(ctx, key, 0, -1).Val()
			case "hash":
				var out []string
				for f, v := range cl.HGetAll(ctx, key).Val() {
					out = append(out, f+"="+v)
				}
				slices.Sort(out)
				return out
			case "zset":
				var out []string
				for _, z := range cl.ZRangeWithScores(ctx, key, 0, -1).Val() {
					out = append(out, fmt.Sprint(z.Member, "=", z.Score))
				}
				return out
			}
			return nil
		}
		if g, w := contents(vc), contents(ref); !slices.Equal(g, w) || len(g) == 0 {
			t.Errorf("%s: contents %.200q, redis-server %.200q", c.name, g, w)
		}
	}
}
