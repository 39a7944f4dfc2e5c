package cache

import (
	"encoding/json"
	"testing"
)

// FuzzJSONDocument feeds arbitrary text to the document parser: no input
// panics; what it accepts encoding/json accepts too (it may refuse more:
// nesting deeper than RedisJSON allows), and its compact text parses back
// to the same document and prints the same again.
func FuzzJSONDocument(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,2.5,-3e-7,1e21,true,false,null]`, `"\u00e9\ud83d\ude00\n"`, `{"a":{"a":{}}}`,
		`01`, `1.`, `-`, `{"a"}`, `[1,]`, `"\ud800"`, `{"a":1,"a":2}`, ` 7 `, `1e400`, `"\x01"`, `[[[[[[[[]]]]]]]]`, `9223372036854775808`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		v, err := parseJSON(text)
		if err != nil {
			return
		}
		if !json.Valid(text) {
			t.Fatalf("parseJSON accepted %q, which encoding/json refuses", text)
		}
		out := appendJSON(nil, v)
		back, err := parseJSON(out)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", text, out, err)
		}
		if !back.equal(v) {
			t.Fatalf("%q printed as %q, which reads back differently", text, out)
		}
		if again := appendJSON(nil, back); string(again) != string(out) {
			t.Fatalf("%q prints as %q, then as %q", text, out, again)
		}
		pretty := appendJSONFmt(nil, v, &JSONFormat{Indent: "\t", Newline: "\n", Space: " "}, 0)
		if p, err := parseJSON(pretty); err != nil || !p.equal(v) {
			t.Fatalf("%q pretty-printed as %q, which reads back as %v", text, pretty, err)
		}
	})
}

// FuzzJSONPath feeds arbitrary paths to the path parser and evaluates
// what parses against a document: nothing panics, every selected value
// is inside the document, and the updates that paths drive (DEL, SET,
// NUMINCRBY) leave a document that prints and parses.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{"$", ".", "$.a.b", "a.b", "$..x", "$[*]", "$[0]", "$[-1]", "$[1:3]", "$[::2]", "$[:-1]",
		"$['a','b']", `$["a"]`, "$[?(@.price<10)]", "$[?(@.a && (@.b || !@.c))]", "$..[?(@.x=~'^a')]", "$.a[?(@ > $.b)]",
		"[0]", "..a", "$[", "$[?(", "$.", "$..", "$[1,2,", "$['a\\'b']", "$[?(@.a==\"x\")]", "$.*.*", "$[?(@.a>=1.5)]", "$.price[1::9223372036854775807]", "$.price[-9223372036854775808:]"} {
		f.Add(s)
	}
	const doc = `{"a":{"b":[1,{"x":"ab"},2.5],"x":null},"b":2,"price":[5,15],"x":[{"a":1,"b":2},{"x":"ax"}],"s":"str"}`
	f.Fuzz(func(t *testing.T, path string) {
		p, err := ParseJSONPath(path)
		if err != nil {
			return
		}
		root, err := parseJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		ms, err := p.selectJSON(root)
		if err != nil {
			return
		}
		for _, m := range ms {
			if at := jsonAt(root, m.pos); at != m.v {
				t.Fatalf("path %q: a match's position %v does not lead to it", path, m.pos)
			}
		}
		if _, err := jsonGetText(root, []*JSONPath{p, p}, nil); err != nil && !p.Legacy {
			t.Fatalf("path %q: JSON.GET of a JSONPath failed: %v", path, err)
		}
		for _, m := range forUpdate(ms) {
			if len(m.pos) == 0 {
				continue
			}
			parent := jsonAt(root, m.pos[:len(m.pos)-1])
			if parent == nil {
				t.Fatalf("path %q: update order lost %v", path, m.pos)
			}
			i := m.pos[len(m.pos)-1]
			if parent.k == jObject {
				parent.delMember(i)
			} else {
				parent.arr = append(parent.arr[:i], parent.arr[i+1:]...)
			}
		}
		root2, _ := parseJSON([]byte(doc))
		if r, _, err := setAt(root2, p, &jsonVal{k: jInt, i: 7}, JSONSetAlways, false); err == nil && r != nil {
			if _, err := parseJSON(appendJSON(nil, r)); err != nil {
				t.Fatalf("path %q: SET left a document that does not parse", path)
			}
		}
		if _, err := parseJSON(appendJSON(nil, root)); err != nil {
			t.Fatalf("path %q: DEL left a document that does not parse", path)
		}
	})
}
