package resp

// Replies whose RESP3 form nests maps inside arrays or other maps (XINFO
// STREAM FULL, CLUSTER SHARDS, ACL GETUSER...) are described by a form: a
// small tree saying, level by level, which RESP2 arrays become maps. Each
// tree shape names one form.
const (
	// AsStreams: XREAD's and XREADGROUP's [[key, entries]...] is a map
	// of key to entries.
	AsStreams Shape = 0x60 + iota
	// AsMapList: an array of flat name/value arrays is an array of maps
	// (XINFO GROUPS, XINFO CONSUMERS).
	AsMapList
	// AsXInfoStream: XINFO STREAM [FULL]'s map, its groups and their
	// consumers maps too.
	AsXInfoStream
	// AsACLUser: ACL GETUSER's map, its flags a set and its selectors
	// maps.
	AsACLUser
	// AsClusterShards: CLUSTER SHARDS's array of maps, each with its
	// nodes maps.
	AsClusterShards
	// AsCommandDocs: COMMAND DOCS's map of command name to its docs map
	// (arguments maps, subcommands a map of the same).
	AsCommandDocs
	// AsFTInfo: FT.INFO's map as RediSearch 2.8 writes it for RESP3: the
	// name/value lists inside it maps, each attribute a map with its flags
	// (SORTABLE...) an array under "flags", and the figures RediSearch
	// writes as doubles (bulk strings in RESP2: num_docs, the sizes, the
	// averages, gc_stats) doubles.
	AsFTInfo
	// AsVSimScores: VSIM WITHSCORES's flat member, score... is a map of
	// member to a double.
	AsVSimScores
	// AsVSimAttribs: VSIM WITHATTRIBS's flat member, attributes... is a
	// map of member to attributes.
	AsVSimAttribs
	// AsVSimBoth: VSIM WITHSCORES WITHATTRIBS's flat member, score,
	// attributes... is a map of member to [score, attributes].
	AsVSimBoth
	// AsFTSpellcheck: FT.SPELLCHECK's [["TERM", term, [[score,
	// suggestion]...]]...] is {results: {term: [{suggestion: score}...]}}.
	AsFTSpellcheck
	// AsACLLog: ACL LOG's array of flat name/value arrays is an array of
	// maps, each entry's age-seconds a double.
	AsACLLog
	// AsFTConfigGet: FT.CONFIG GET's [[name, value]...] is a map of name
	// to value.
	AsFTConfigGet
	// AsFTConfigHelp: FT.CONFIG HELP's [[name, "Description", text,
	// "Value", value]...] is a map of name to {Description, Value}.
	AsFTConfigHelp
	// AsFlatScoresPayloads: a flat array of member, score, payload...
	// stays flat, with every score a double (FT.SUGGET WITHSCORES
	// WITHPAYLOADS).
	AsFlatScoresPayloads
	// lastTree is the last tree shape.
	lastTree = AsFlatScoresPayloads
)

// isTree reports whether shape is one of the tree shapes.
func isTree(shape Shape) bool { return shape >= AsStreams && shape <= lastTree }

// Restructures reports whether shape's RESP3 form differs from the RESP2
// reply in more than headers (RediSearch's and the tree shapes), so that
// a server writes the RESP2 reply and converts it with To3.
func Restructures(shape Shape) bool { return isFT(shape) || isTree(shape) }

type formKind uint8

const (
	fLeaf    formKind = iota // converted by to3 with leaf
	fMap                     // flat name, value... array: a map
	fPairs                   // array of [name, value] arrays: a map
	fList                    // array: each element by elem
	fTriples                 // flat name, a, b...: a map of name to [a, b]
	fNamed                   // array of [name, k, v, k, v...]: a map of name to {k: v...}
	fFlagged                 // flat name, value..., then flag words: a map, the flags an array under "flags"
	fStride3                 // flat a, b, c...: an array, each b by subs[0]
)

// form is how one level of a RESP2 reply becomes RESP3: fields names the
// forms of some map values, elem the form of the others (and of a list's
// elements); nil is a leaf as it is.
type form struct {
	kind   formKind
	leaf   Shape
	elem   *form
	fields map[string]*form
	subs   [2]Shape // fTriples: the shapes of a and b
}

var (
	leafAsIs   = &form{}
	flatMap    = &form{kind: fMap}
	listOfMaps = &form{kind: fList, elem: flatMap}
)

// trees are the tree shapes' forms, by shape-AsStreams.
var trees = buildTrees()

func buildTrees() []*form {
	args := &form{kind: fList}
	args.elem = &form{kind: fMap, fields: map[string]*form{"arguments": args, "flags": {leaf: AsSet}}}
	docs := &form{kind: fMap}
	docs.elem = &form{kind: fMap, fields: map[string]*form{"arguments": args, "subcommands": docs,
		"history": leafAsIs, "doc_flags": {leaf: AsSet}}}
	return []*form{
		AsStreams - AsStreams: {kind: fPairs},
		AsMapList - AsStreams: listOfMaps,
		AsXInfoStream - AsStreams: {kind: fMap, fields: map[string]*form{
			"groups": {kind: fList, elem: &form{kind: fMap, fields: map[string]*form{"consumers": listOfMaps}}},
		}},
		AsACLUser - AsStreams: {kind: fMap, fields: map[string]*form{
			"flags":     {leaf: AsSet},
			"selectors": listOfMaps,
		}},
		AsClusterShards - AsStreams: {kind: fList, elem: &form{kind: fMap, fields: map[string]*form{"nodes": listOfMaps}}},
		AsCommandDocs - AsStreams:   docs,
		AsFTInfo - AsStreams:        ftInfoForm(),
		AsVSimScores - AsStreams:    {kind: fMap, elem: &form{leaf: AsDouble}},
		AsVSimAttribs - AsStreams:   flatMap,
		AsVSimBoth - AsStreams:      {kind: fTriples, subs: [2]Shape{AsDouble, AsIs}},
		AsFTSpellcheck - AsStreams:  nil, // spellcheck3
		AsACLLog - AsStreams: {kind: fList, elem: &form{kind: fMap, fields: map[string]*form{
			"age-seconds": {leaf: AsDouble},
		}}},
		AsFTConfigGet - AsStreams:        {kind: fPairs},
		AsFTConfigHelp - AsStreams:       {kind: fNamed},
		AsFlatScoresPayloads - AsStreams: {kind: fStride3, subs: [2]Shape{AsDouble}},
	}
}

// tree3 appends the RESP3 form of v, the RESP2 reply of a command whose
// shape is a tree shape; a part of v that does not have its form's shape
// (an error, a null, an integer) is converted as it is.
func tree3(dst []byte, v *Value, shape Shape) []byte {
	if shape == AsFTSpellcheck {
		return spellcheck3(dst, v)
	}
	return formTo3(dst, v, trees[shape-AsStreams])
}

func formTo3(dst []byte, v *Value, f *form) []byte {
	if f == nil {
		f = leafAsIs
	}
	switch {
	case v.Kind != Array || v.Null || f.kind == fLeaf:
	case f.kind == fList:
		dst = AppendArray(dst, len(v.Elems))
		for i := range v.Elems {
			dst = formTo3(dst, &v.Elems[i], f.elem)
		}
		return dst
	case f.kind == fMap && len(v.Elems)%2 == 0 && namesAt(v.Elems, 0, 2):
		dst = AppendMap(dst, len(v.Elems)/2)
		for i := 0; i < len(v.Elems); i += 2 {
			dst = leafTo3(dst, &v.Elems[i], AsIs)
			dst = formTo3(dst, &v.Elems[i+1], f.field(v.Elems[i].Str))
		}
		return dst
	case f.kind == fPairs && pairs(v.Elems):
		dst = AppendMap(dst, len(v.Elems))
		for i := range v.Elems {
			dst = leafTo3(dst, &v.Elems[i].Elems[0], AsIs)
			dst = formTo3(dst, &v.Elems[i].Elems[1], f.elem)
		}
		return dst
	case f.kind == fNamed && named(v.Elems):
		dst = AppendMap(dst, len(v.Elems))
		for i := range v.Elems {
			e := v.Elems[i].Elems
			dst = leafTo3(dst, &e[0], AsIs)
			dst = AppendMap(dst, (len(e)-1)/2)
			for j := 1; j < len(e); j++ {
				dst = leafTo3(dst, &e[j], AsIs)
			}
		}
		return dst
	case f.kind == fStride3 && len(v.Elems)%3 == 0:
		dst = AppendArray(dst, len(v.Elems))
		for i := range v.Elems {
			shape := AsIs
			if i%3 == 1 {
				shape = f.subs[0]
			}
			dst = leafTo3(dst, &v.Elems[i], shape)
		}
		return dst
	case f.kind == fFlagged:
		if out, ok := flagged3(dst, v.Elems, f); ok {
			return out
		}
	case f.kind == fTriples && len(v.Elems)%3 == 0 && namesAt(v.Elems, 0, 3):
		dst = AppendMap(dst, len(v.Elems)/3)
		for i := 0; i < len(v.Elems); i += 3 {
			dst = leafTo3(dst, &v.Elems[i], AsIs)
			dst = AppendArray(dst, 2)
			dst = leafTo3(dst, &v.Elems[i+1], f.subs[0])
			dst = leafTo3(dst, &v.Elems[i+2], f.subs[1])
		}
		return dst
	}
	return leafTo3(dst, v, f.leaf)
}

// field returns the form of the value named name in a map of form f.
func (f *form) field(name []byte) *form {
	if g, ok := f.fields[string(name)]; ok {
		return g
	}
	return f.elem
}

// leafTo3 converts v with to3 and shape.
func leafTo3(dst []byte, v *Value, shape Shape) []byte {
	out, _, ok := to3(dst, v.AppendTo(nil), shape, 1)
	if !ok {
		return v.AppendTo(dst)
	}
	return out
}

// namesAt reports whether every step-th element from i is a string.
func namesAt(e []Value, i, step int) bool {
	for ; i < len(e); i += step {
		if k := e[i].Kind; (k != BulkString && k != SimpleString) || e[i].Null {
			return false
		}
	}
	return true
}

// named reports whether e are [name, k, v, k, v...] arrays, every k a
// string.
func named(e []Value) bool {
	for i := range e {
		if e[i].Kind != Array || e[i].Null || len(e[i].Elems)%2 != 1 || !namesAt(e[i].Elems[:1], 0, 1) || !namesAt(e[i].Elems[1:], 0, 2) {
			return false
		}
	}
	return true
}

// pairs reports whether e are [name, value] arrays.
func pairs(e []Value) bool {
	for i := range e {
		if e[i].Kind != Array || e[i].Null || len(e[i].Elems) != 2 || !namesAt(e[i].Elems[:1], 0, 1) {
			return false
		}
	}
	return true
}

// spellcheck3 writes FT.SPELLCHECK's RESP3 map; a reply of another form
// is converted as it is.
func spellcheck3(dst []byte, v *Value) []byte {
	if v.Kind != Array || v.Null {
		return leafTo3(dst, v, AsIs)
	}
	for i := range v.Elems {
		t := &v.Elems[i]
		if t.Kind != Array || len(t.Elems) != 3 || t.Elems[2].Kind != Array {
			return leafTo3(dst, v, AsIs)
		}
		for j := range t.Elems[2].Elems {
			if s := &t.Elems[2].Elems[j]; s.Kind != Array || len(s.Elems) != 2 {
				return leafTo3(dst, v, AsIs)
			}
		}
	}
	dst = AppendMap(dst, 1)
	dst = AppendSimple(dst, "results")
	dst = AppendMap(dst, len(v.Elems))
	for i := range v.Elems {
		t := &v.Elems[i]
		dst = leafTo3(dst, &t.Elems[1], AsIs)
		dst = AppendArray(dst, len(t.Elems[2].Elems))
		for j := range t.Elems[2].Elems {
			s := &t.Elems[2].Elems[j]
			dst = AppendMap(dst, 1)
			dst = leafTo3(dst, &s.Elems[1], AsIs)
			dst = leafTo3(dst, &s.Elems[0], AsDouble)
		}
	}
	return dst
}
