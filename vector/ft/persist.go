package ft

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/vcache/vcache/vector"
)

// Save writes every index: its definition (the FT.CREATE arguments), its
// key-to-document-id map, and each vector engine with its graph or lists,
// so a restart does not rebuild them. The documents' other fields are
// indexed again from the hashes as the keyspace loads (that is cheap).
func (c *Catalog) Save(w io.Writer) error {
	bw := bufio.NewWriter(w)
	e := &enc{w: bw}
	idx := c.all()
	e.uvarint(uint64(len(idx)))
	for _, ix := range idx {
		ix.save(e)
	}
	// Aliases follow the indexes (a snapshot without them ends here).
	pairs := c.aliasPairs()
	e.uvarint(uint64(len(pairs)))
	for _, p := range pairs {
		e.str(p[0])
		e.str(p[1])
	}
	c.saveExtra(e)
	if e.err != nil {
		return e.err
	}
	return bw.Flush()
}

func (ix *Index) save(e *enc) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e.str(ix.schema.Name)
	e.uvarint(uint64(len(ix.schema.Args)))
	for _, a := range ix.schema.Args {
		e.str(a)
	}
	e.uvarint(uint64(ix.nextID))
	e.uvarint(uint64(ix.failures))
	e.uvarint(uint64(len(ix.ids)))
	for k, id := range ix.ids {
		e.str(k)
		e.uvarint(uint64(id))
	}
	for _, f := range ix.schema.Fields {
		if f.Type != Vector {
			continue
		}
		var b bytes.Buffer
		if _, err := ix.engine[f.Alias].WriteTo(&b); err != nil && e.err == nil {
			e.err = err
		}
		e.bytes(b.Bytes())
	}
}

// Load reads what Save wrote into c: the indexes with their engines and
// document ids. Until FinishLoad, documents the keyspace feeds in are
// matched to their saved ids and their vectors are not inserted again
// when unchanged.
func (c *Catalog) Load(r io.Reader) error {
	d := &dec{r: bufio.NewReader(r)}
	n := d.count(1 << 16)
	for i := 0; i < n && d.err == nil; i++ {
		name := d.str()
		na := d.count(1 << 16)
		args := [][]byte{[]byte(name)}
		for j := 0; j < na && d.err == nil; j++ {
			args = append(args, []byte(d.str()))
		}
		if d.err != nil {
			break
		}
		s, err := ParseCreate(args)
		if err != nil {
			return err
		}
		ix, err := c.Create(s)
		if err != nil {
			return err
		}
		ix.nextID = uint32(d.count(math.MaxUint32))
		// The saved failure count is not restored: the documents that
		// failed fail again as the keyspace brings them back, and count then.
		d.count(math.MaxInt64)
		nd := d.count(math.MaxUint32)
		ix.restored = make(map[string]uint32, min(nd, 1<<20))
		ix.seen = map[uint32]bool{}
		for j := 0; j < nd && d.err == nil; j++ {
			k := d.str()
			ix.restored[k] = uint32(d.count(math.MaxUint32))
		}
		for _, f := range s.Fields {
			if f.Type != Vector || d.err != nil {
				continue
			}
			blob := d.bytes()
			if d.err != nil {
				break
			}
			eng, err := vector.ReadIndex(bytes.NewReader(blob))
			if err != nil {
				return fmt.Errorf("index %s field %s: %w", s.Name, f.Alias, err)
			}
			if eng.Params().Dim != f.Vec.Dim || eng.Params().Algorithm != f.Vec.Algorithm {
				return fmt.Errorf("index %s field %s: saved engine does not match the schema", s.Name, f.Alias)
			}
			// An engine saved before search codes existed gets them now, as
			// the schema (defaults included) asks.
			if err := vector.SetCodes(eng, f.Vec.Codes, f.Vec.Rerank); err != nil {
				return fmt.Errorf("index %s field %s: %w", s.Name, f.Alias, err)
			}
			old := ix.engine[f.Alias]
			ix.engine[f.Alias] = ix.tier(eng)
			if t, ok := old.(*vector.Tiered); ok {
				t.Close() // the empty engine Create made
			}
		}
		ix.mu.Lock()
		ix.setEngines()
		ix.refreshMem()
		ix.mu.Unlock()
	}
	if d.err == nil {
		if _, err := d.r.Peek(1); err == nil {
			na := d.count(1 << 20)
			for i := 0; i < na && d.err == nil; i++ {
				alias, index := d.str(), d.str()
				if d.err == nil {
					// An alias of an index the snapshot lacks is dropped.
					_ = c.AddAlias(alias, index)
				}
			}
			c.loadExtra(d)
		}
	}
	return d.err
}

// FinishLoad ends a load: saved documents the keyspace did not bring back
// (deleted between the two parts of the snapshot) leave the engines.
func (c *Catalog) FinishLoad() {
	for _, ix := range c.all() {
		ix.mu.Lock()
		for _, id := range ix.restored {
			if !ix.seen[id] {
				for _, e := range ix.engine {
					e.Remove(id)
				}
			}
		}
		ix.restored, ix.seen = nil, nil
		ix.refreshMem()
		ix.mu.Unlock()
	}
}

// sameVector reports whether engine e already holds v under id (compared
// as the engine stores it: normalised for COSINE).
func sameVector(e vector.Index, id uint32, v []float32) bool {
	have, ok := e.Vector(id)
	if !ok || len(have) != len(v) {
		return false
	}
	want := v
	if e.Params().Metric == vector.Cosine {
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		n = math.Sqrt(n)
		if n == 0 {
			return false
		}
		want = make([]float32, len(v))
		for i, x := range v {
			want[i] = float32(float64(x) / n)
		}
	}
	for i := range want {
		if math.Abs(float64(want[i]-have[i])) > 1e-6 {
			return false
		}
	}
	return true
}

type enc struct {
	w   io.Writer
	err error
	buf [binary.MaxVarintLen64]byte
}

func (e *enc) uvarint(v uint64) {
	if e.err == nil {
		_, e.err = e.w.Write(e.buf[:binary.PutUvarint(e.buf[:], v)])
	}
}

func (e *enc) str(s string) {
	e.uvarint(uint64(len(s)))
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func (e *enc) bytes(b []byte) {
	e.uvarint(uint64(len(b)))
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

type dec struct {
	r   *bufio.Reader
	err error
}

func (d *dec) count(limit uint64) int {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(d.r)
	if err != nil {
		d.err = fmt.Errorf("bad search index data: %w", err)
		return 0
	}
	if v > limit {
		d.err = fmt.Errorf("bad search index data: count %d", v)
		return 0
	}
	return int(v)
}

func (d *dec) bytes() []byte {
	n := d.count(1 << 40)
	if d.err != nil {
		return nil
	}
	var b bytes.Buffer // grows as data arrives, whatever the length claims
	if _, err := io.CopyN(&b, d.r, int64(n)); err != nil {
		d.err = fmt.Errorf("bad search index data: %w", err)
	}
	return b.Bytes()
}

func (d *dec) str() string { return string(d.bytes()) }
