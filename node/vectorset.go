package node

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/vector/vset"
)

// vsetDecoders read vector sets back from snapshots.
func vsetDecoders() map[string]func([]byte) (cache.Custom, error) {
	return map[string]func([]byte) (cache.Custom, error){
		vset.TypeName: func(b []byte) (cache.Custom, error) { return vset.Unmarshal(b) },
	}
}

// getSet returns the vector set at key (nil when missing).
func getSet(cx *Ctx) (*vset.Set, bool) {
	c, err := cx.Node.ks.GetCustom(cx.Args[1], vset.TypeName)
	if err != nil {
		cx.Err(err)
		return nil, false
	}
	if c == nil {
		return nil, true
	}
	return c.(*vset.Set), true
}

func cmdVAdd(cx *Ctx) {
	a, err := vset.ParseAdd(cx.Args[2:])
	if err != nil {
		cx.Err(err)
		return
	}
	made, over := vaddOverMemory(cx, a)
	if over {
		cx.Err(cache.ErrOOM)
		return
	}
	var added bool
	err = cx.Node.ks.UpdateCustom(cx.Args[1], vset.TypeName, func(cur cache.Custom) (cache.Custom, error) {
		s, _ := cur.(*vset.Set)
		if s == nil {
			s = made
		}
		if s == nil {
			var err error
			if s, err = vset.New(a); err != nil {
				return nil, err
			}
		}
		var err error
		added, err = s.Add(a)
		if err != nil {
			if cur == nil {
				return nil, err
			}
			return cur, err
		}
		return s, nil
	})
	replyDone(cx, added, err)
}

// vaddOverMemory judges a VADD under maxmemory with the bytes it adds at
// once (vset.Set.AddBytes: the set's graph grows by a chunk, and a new
// set starts with room for 64 elements, about 30 KB), as a write into an
// FT index is judged with the index's growth (memory_growth.go): it
// reports true when the VADD must be refused with OOM (noeviction, or
// nothing left to evict). For a VADD that makes a new set it returns the
// set made to size it, for the write to take.
func vaddOverMemory(cx *Ctx, a *vset.AddArgs) (made *vset.Set, over bool) {
	ks := cx.Node.ks
	if ks.MaxMemory() <= 0 {
		return nil, false
	}
	cur, err := ks.PeekCustom(cx.Args[1], vset.TypeName)
	if err != nil {
		return nil, false // WRONGTYPE: the write answers it
	}
	s, _ := cur.(*vset.Set)
	var g int64
	if s == nil {
		if made, err = vset.New(a); err != nil {
			return nil, false // the write answers it
		}
		s, g = made, made.MemoryBytes()
	}
	g += s.AddBytes(a)
	return made, ks.OverMemoryWith(func() int64 { return g })
}

func cmdVSim(cx *Ctx) {
	a, err := vset.ParseSim(cx.Args[2:])
	if err != nil {
		cx.Err(err)
		return
	}
	s, ok := getSet(cx)
	if !ok {
		return
	}
	if s == nil {
		cx.Array(0)
		return
	}
	hits, err := s.Sim(a)
	if err != nil {
		cx.Err(err)
		return
	}
	per := 1
	if a.WithScores {
		per++
	}
	if a.WithAttrs {
		per++
	}
	cx.Array(per * len(hits))
	for _, h := range hits {
		cx.BulkString(h.Element)
		if a.WithScores {
			cx.BulkString(strconv.FormatFloat(h.Score, 'g', 17, 64))
		}
		if a.WithAttrs {
			if h.Attr == "" {
				cx.Null()
			} else {
				cx.BulkString(h.Attr)
			}
		}
	}
}

func cmdVRem(cx *Ctx) {
	removed := false
	err := cx.Node.ks.UpdateCustom(cx.Args[1], vset.TypeName, func(cur cache.Custom) (cache.Custom, error) {
		s, _ := cur.(*vset.Set)
		if s == nil {
			return nil, nil
		}
		removed = s.Remove(string(cx.Args[2]))
		if s.Card() == 0 {
			return nil, nil // the last element takes the key with it
		}
		return s, nil
	})
	replyDone(cx, removed, err)
}

func cmdVCard(cx *Ctx) {
	if s, ok := getSet(cx); ok {
		if s == nil {
			cx.Int(0)
		} else {
			cx.Int(int64(s.Card()))
		}
	}
}

func cmdVDim(cx *Ctx) {
	if s, ok := getSet(cx); ok {
		if s == nil {
			cx.Error("ERR key does not exist")
		} else {
			cx.Int(int64(s.Dim()))
		}
	}
}

func cmdVEmb(cx *Ctx) {
	raw := false
	for _, opt := range cx.Args[3:] {
		if !strings.EqualFold(string(opt), "RAW") {
			cx.Error("ERR invalid option")
			return
		}
		raw = true
	}
	s, ok := getSet(cx)
	if !ok {
		return
	}
	if raw {
		vembRaw(cx, s)
		return
	}
	var v []float32
	if s != nil {
		v, ok = s.Embedding(string(cx.Args[2]))
	}
	if s == nil || !ok {
		cx.NullArray()
		return
	}
	cx.Array(len(v))
	for _, x := range v {
		cx.BulkString(formatFloat32(x))
	}
}

func cmdVInfo(cx *Ctx) {
	if s, ok := getSet(cx); ok {
		if s == nil {
			cx.NullArray()
		} else {
			writeAny(cx, s.Info())
		}
	}
}

func cmdVSetAttr(cx *Ctx) {
	// Through UpdateCustom, so the keyspace accounts the new size.
	done := false
	err := cx.Node.ks.UpdateCustom(cx.Args[1], vset.TypeName, func(cur cache.Custom) (cache.Custom, error) {
		s, _ := cur.(*vset.Set)
		if s == nil {
			return nil, nil
		}
		var err error
		done, err = s.SetAttr(string(cx.Args[2]), string(cx.Args[3]))
		return s, err
	})
	replyDone(cx, done, err)
}

func cmdVGetAttr(cx *Ctx) {
	s, ok := getSet(cx)
	if !ok {
		return
	}
	var js string
	if s != nil {
		js, ok = s.Attr(string(cx.Args[2]))
	}
	if s == nil || !ok || js == "" {
		cx.Null()
		return
	}
	cx.BulkString(js)
}

func cmdVIsMember(cx *Ctx) {
	if s, ok := getSet(cx); ok {
		replyDone(cx, s != nil && s.Has(string(cx.Args[2])), nil)
	}
}

func cmdVRandMember(cx *Ctx) {
	s, ok := getSet(cx)
	if !ok {
		return
	}
	if len(cx.Args) == 2 {
		if s == nil {
			cx.Null()
			return
		}
		if names := s.Random(1); len(names) == 1 {
			cx.BulkString(names[0])
		} else {
			cx.Null()
		}
		return
	}
	if len(cx.Args) > 3 {
		cx.SyntaxError()
		return
	}
	n, err := cache.ParseInt(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	var names []string
	if s != nil {
		names = s.Random(int(max(min(n, 1<<20), -(1 << 20))))
	}
	cx.Array(len(names))
	for _, name := range names {
		cx.BulkString(name)
	}
}

// vembRaw answers VEMB key element RAW as Redis does: the stored form's
// name (f32, int8 or bin), the stored vector's bytes, the norm the vector
// had before normalisation and, for int8, the range of its code.
func vembRaw(cx *Ctx, s *vset.Set) {
	var raw vset.Raw
	ok := false
	if s != nil {
		raw, ok = s.RawEmbedding(string(cx.Args[2]))
	}
	if !ok {
		cx.NullArray()
		return
	}
	withRange := raw.Quant == "int8"
	if withRange {
		cx.Array(4)
	} else {
		cx.Array(3)
	}
	cx.Simple(raw.Quant)
	cx.Bulk(raw.Data)
	cx.BulkString(formatFloat32(raw.Norm))
	if withRange {
		cx.BulkString(formatFloat32(raw.Range))
	}
}

// formatFloat32 writes x in the fewest digits that read back as x.
func formatFloat32(x float32) string {
	return strconv.FormatFloat(float64(x), 'g', -1, 32)
}
