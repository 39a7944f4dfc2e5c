package cache

import (
	"bytes"
	"errors"
	"testing"

	"github.com/vcache/vcache/internal/rdb"
)

// FuzzRestoreNative feeds arbitrary vcache-only DUMP bodies (sealed, so
// the value reader itself runs) to RESTORE: it never panics, refuses
// what it cannot read with rdb.ErrFormat, and what it accepts dumps and
// restores again. Seeds are real dumps of a hash with a field TTL and a
// JSON document, and a stream's snapshot form.
func FuzzRestoreNative(f *testing.F) {
	ks := newKS(f, nil)
	ks.HSet([]byte("h"), [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2")}, false)
	if _, err := ks.HExpire([]byte("h"), ks.nowMs()+3600e3, ExpireAlways, [][]byte{[]byte("a")}); err != nil {
		f.Fatal(err)
	}
	root, err := ParseJSONPath("$")
	if err != nil {
		f.Fatal(err)
	}
	if _, err := ks.JSONSet([]byte("j"), root, []byte(`{"a":[1,"x",{"b":null}],"c":1.5}`), JSONSetAlways); err != nil {
		f.Fatal(err)
	}
	for range 3 {
		if _, _, err := ks.XAdd([]byte("s"), &XAddArgs{Fields: [][]byte{[]byte("f"), []byte("v")}}); err != nil {
			f.Fatal(err)
		}
	}
	if err := ks.XGroupCreate([]byte("s"), "g", StreamID{}, false, false, -1); err != nil {
		f.Fatal(err)
	}
	sh, slot := ks.locate([]byte("s"))
	sh.mu.Lock()
	var sb bytes.Buffer
	sb.WriteByte(recStream)
	appendStream(&sb, ks.find(sh, slot, []byte("s")).streamVal())
	sh.mu.Unlock()
	f.Add(sb.Bytes())
	for _, k := range []string{"h", "j"} {
		p, ok, err := ks.Dump([]byte(k))
		if !ok || err != nil {
			f.Fatalf("DUMP %s: %v", k, err)
		}
		f.Add(p[1 : len(p)-10]) // the body, without the type byte and trailer
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ks := newKS(t, nil)
		err := ks.Restore([]byte("k"), rdb.EncodeNative(body), RestoreOptions{IdleSecs: -1, Freq: -1})
		if err != nil {
			if !errors.Is(err, rdb.ErrFormat) {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		p, ok, err := ks.Dump([]byte("k"))
		if !ok { // a hash whose every field deadline had passed restores nothing
			return
		}
		if err != nil {
			t.Fatalf("DUMP of a restored value: %v", err)
		}
		if err := ks.Restore([]byte("k2"), p, RestoreOptions{IdleSecs: -1, Freq: -1}); err != nil {
			t.Fatalf("RESTORE of its DUMP: %v", err)
		}
	})
}
