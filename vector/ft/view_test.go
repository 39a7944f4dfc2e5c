package ft

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/vcache/vcache/internal/ftargs"
)

// store stands for the keyspace under an index: a write changes the
// document, then tells the index (as the keyspace's observer does). A
// search's read first calls onRead, which may write, as other clients do
// while a search reads off the index's lock; Still stops those writes.
type store struct {
	ix     *Index
	docs   map[string]map[string][]byte
	onRead func(key string)
	held   bool
	stills int
}

func newStore(t *testing.T, schema string) *store {
	t.Helper()
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA " + schema))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(s)
	if err != nil {
		t.Fatal(err)
	}
	return &store{ix: ix, docs: map[string]map[string][]byte{}}
}

func (s *store) set(key string, kv ...string) {
	f := map[string][]byte{}
	for k, v := range s.docs[key] {
		f[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i]] = []byte(kv[i+1])
	}
	s.docs[key] = f
	s.ix.Upsert(key, f)
}

func (s *store) del(key string) {
	delete(s.docs, key)
	s.ix.Delete(key)
}

func (s *store) Docs() Docs {
	return Docs{
		Load: func(key string) (map[string][]byte, bool) {
			if s.onRead != nil && !s.held {
				s.onRead(key)
			}
			f, ok := s.docs[key]
			return f, ok
		},
		Still: func(fn func()) {
			s.stills++
			s.held = true
			defer func() { s.held = false }()
			fn()
		},
	}
}

func (s *store) aggregate(t *testing.T, args ...string) []ftargs.Row {
	t.Helper()
	req, err := ParseAggregateArgs(toBytes(append([]string{"idx"}, args...)))
	if err == nil {
		err = req.ParseQuery()
	}
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := s.ix.Aggregate(req, s.Docs())
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func toBytes(args []string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}

// byKey returns the rows' values of name by their __key.
func byKey(rows []ftargs.Row, name string) map[string]string {
	out := map[string]string{}
	for i := range rows {
		k, _ := rows[i].Get("__key")
		v, _ := rows[i].Get(name)
		out[k.String()] = v.String()
	}
	return out
}

// TestAggregateSeesWritesWhole: while an FT.AGGREGATE reads its rows, a
// client changes a document already read and then one not read yet. The
// rows must show both changes or neither (as any one moment does), not
// the second without the first, as reading each row whenever it comes
// would.
func TestAggregateSeesWritesWhole(t *testing.T) {
	for _, q := range [][]string{
		{"*", "LOAD", "2", "@__key", "@tag"},
		{"@n:[0 1000]", "LOAD", "2", "@__key", "@tag"},
		{"*", "LOAD", "2", "@__key", "@tag", "SORTBY", "2", "@n", "DESC", "MAX", "200"},
	} {
		t.Run(q[0]+" "+q[len(q)-1], func(t *testing.T) {
			s := newStore(t, "tag TAG n NUMERIC")
			for i := 0; i < 100; i++ {
				s.set("d:"+strconv.Itoa(i), "tag", "a", "n", strconv.Itoa(i))
			}
			wrote := false
			s.onRead = func(key string) {
				if key == "d:50" && !wrote {
					wrote = true
					s.set("d:10", "tag", "b")
					s.set("d:60", "tag", "b")
				}
			}
			tags := byKey(s.aggregate(t, q...), "tag")
			if !wrote || len(tags) != 100 {
				t.Fatalf("%d rows (wrote %v)", len(tags), wrote)
			}
			if tags["d:10"] != tags["d:60"] {
				t.Fatalf("d:10 is %q but d:60, written after it, %q", tags["d:10"], tags["d:60"])
			}
		})
	}
}

// TestAggregateGroupsAsOfOneMoment: the same through GROUPBY, with
// documents that stop matching, start matching and go while the rows are
// read: the groups are those of the index as it is at the end (the last
// writes were made during the first read), in id order.
func TestAggregateGroupsAsOfOneMoment(t *testing.T) {
	s := newStore(t, "tag TAG n NUMERIC")
	for i := 0; i < 50; i++ {
		s.set("d:"+strconv.Itoa(i), "tag", []string{"x", "y"}[i%2], "n", strconv.Itoa(i))
	}
	wrote := false
	s.onRead = func(key string) {
		if key == "d:25" && !wrote {
			wrote = true
			s.set("d:3", "n", "500") // leaves @n:[0 100]
			s.set("d:49", "tag", "z")
			s.del("d:4")
			s.set("d:70", "tag", "x", "n", "7") // comes in (a new id: last)
			s.set("d:5", "n", "100")
		}
	}
	rows := s.aggregate(t, "@n:[0 100]", "GROUPBY", "1", "@tag", "REDUCE", "COUNT", "0", "AS", "c", "REDUCE", "TOLIST", "1", "@n", "AS", "ns")
	got := ""
	for i := range rows {
		tag, _ := rows[i].Get("tag")
		c, _ := rows[i].Get("c")
		ns, _ := rows[i].Get("ns")
		got += fmt.Sprintf("%s=%s:%s ", tag, c, ns)
	}
	// As a fresh aggregate over the store as it is now.
	s.onRead = nil
	want := ""
	for _, r := range s.aggregate(t, "@n:[0 100]", "GROUPBY", "1", "@tag", "REDUCE", "COUNT", "0", "AS", "c", "REDUCE", "TOLIST", "1", "@n", "AS", "ns") {
		tag, _ := r.Get("tag")
		c, _ := r.Get("c")
		ns, _ := r.Get("ns")
		want += fmt.Sprintf("%s=%s:%s ", tag, c, ns)
	}
	if got != want {
		t.Fatalf("groups read while written:\n%s\nafter:\n%s", got, want)
	}
	if s.stills != 0 {
		t.Fatalf("held still %d times for a few writes", s.stills)
	}
}

// TestAggregateHeldStillAgainstHotDocument: a document read is written
// again at every read of it, as a client's counter would be. Moving the
// moment forward never catches up; after its tries the aggregate reads
// with the documents held still, once, and answers their values then.
func TestAggregateHeldStillAgainstHotDocument(t *testing.T) {
	s := newStore(t, "tag TAG n NUMERIC")
	for i := 0; i < 20; i++ {
		s.set("d:"+strconv.Itoa(i), "tag", "a", "n", strconv.Itoa(i))
	}
	hot := 0
	s.onRead = func(key string) {
		if key == "d:7" {
			hot++
			s.set("d:7", "n", strconv.Itoa(1000+hot))
		}
	}
	rows := s.aggregate(t, "*", "LOAD", "2", "@__key", "@n")
	if s.stills != 1 {
		t.Fatalf("held still %d times, want once", s.stills)
	}
	if got, want := byKey(rows, "n")["d:7"], string(s.docs["d:7"]["n"]); got != want {
		t.Fatalf("d:7's n = %s, the store holds %s", got, want)
	}
}

// TestAggregateKNNReadAgain: a KNN's matches depend on every document, so
// one of them written while the rows are read makes the aggregate match
// and read again; written at every read, it reads them held still.
func TestAggregateKNNReadAgain(t *testing.T) {
	for _, always := range []bool{false, true} {
		s := newStore(t, "tag TAG v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2")
		vec := func(x float32) string {
			b := make([]byte, 8)
			binary.LittleEndian.PutUint32(b, math.Float32bits(x))
			return string(b)
		}
		for i := 0; i < 30; i++ {
			s.set("d:"+strconv.Itoa(i), "tag", "a", "v", vec(float32(i)))
		}
		writes := 0
		s.onRead = func(key string) {
			switch {
			case key == "d:2" && !always && writes == 0:
				// d:1 (read already) moves away: no longer among the 3 nearest.
				writes++
				s.set("d:1", "tag", "moved", "v", vec(100))
			case key == "d:2" && always:
				writes++
				s.set("d:0", "tag", "w"+strconv.Itoa(writes))
			}
		}
		rows := s.aggregate(t, "*=>[KNN 3 @v $B AS dist]", "PARAMS", "2", "B", vec(0), "LOAD", "2", "@__key", "@tag", "DIALECT", "2")
		tags := byKey(rows, "tag")
		want := map[string]string{"d:0": "a", "d:2": "a", "d:3": "a"}
		if always {
			want = map[string]string{"d:0": "w" + strconv.Itoa(writes), "d:1": "a", "d:2": "a"}
		}
		if fmt.Sprint(tags) != fmt.Sprint(want) {
			t.Fatalf("always=%v: rows %v, want %v", always, tags, want)
		}
		if want := map[bool]int{false: 0, true: 1}[always]; s.stills != want {
			t.Fatalf("always=%v: held still %d times, want %d", always, s.stills, want)
		}
	}
}

// TestAggregateIndexDroppedMeanwhile: an index dropped while its
// aggregate reads answers as if the aggregate came after the drop.
func TestAggregateIndexDroppedMeanwhile(t *testing.T) {
	c := NewCatalog()
	sch, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA tag TAG"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := c.Create(sch)
	if err != nil {
		t.Fatal(err)
	}
	s := &store{ix: ix, docs: map[string]map[string][]byte{}}
	for i := 0; i < 10; i++ {
		s.set("d:"+strconv.Itoa(i), "tag", "a")
	}
	s.onRead = func(string) { _, _ = c.Drop("idx") }
	req, err := ParseAggregateArgs(toBytes([]string{"idx", "*", "LOAD", "1", "@tag"}))
	if err == nil {
		err = req.ParseQuery()
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ix.Aggregate(req, s.Docs()); !errors.Is(err, ErrUnknownIndex) {
		t.Fatalf("aggregate over a dropped index: %v", err)
	}
}

// TestSearchPageAsOfTheMatch: a document of FT.SEARCH's page that stops
// matching before its fields are read is not returned with fields that
// do not match: the search reads again.
func TestSearchPageAsOfTheMatch(t *testing.T) {
	s := newStore(t, "tag TAG")
	for i := 0; i < 10; i++ {
		s.set("d:"+strconv.Itoa(i), "tag", "a")
	}
	wrote := false
	s.onRead = func(key string) {
		if !wrote {
			wrote = true
			s.set("d:1", "tag", "b")
		}
	}
	req, err := ParseSearch(fieldsOf("idx @tag:{a} LIMIT 0 2"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.ix.SearchDocs(req, s.Docs())
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(res.Total)
	for _, d := range res.Docs {
		got += fmt.Sprintf(" %s %v", d.Key, d.Fields)
	}
	if want := "9 d:0 [[tag a]] d:2 [[tag a]]"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}
