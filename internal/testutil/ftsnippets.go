package testutil

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"
)

// CheckFTSnippets creates an index over prefix (also its name) at addr
// and checks FT.SEARCH's INKEYS, INFIELDS, HIGHLIGHT and SUMMARIZE
// through go-redis: FTSearchWithArgs's InKeys and InFields (RESP2, its
// typed result), HIGHLIGHT and SUMMARIZE sent with Do and read as the
// flat array in RESP2 and as RediSearch's result map in RESP3.
func CheckFTSnippets(t *testing.T, addr, prefix string) {
	t.Helper()
	ctx := context.Background()
	c2, c3 := protoClients(t, addr)
	if err := c2.Do(ctx, "FT.CREATE", prefix, "ON", "HASH", "PREFIX", "1", prefix+":", "SCHEMA",
		"title", "TEXT", "body", "TEXT", "n", "NUMERIC", "SORTABLE").Err(); err != nil {
		t.Fatal(err)
	}
	for i, d := range [][2]string{
		{"Running with dogs", "The dog runs home, then the dog sleeps."},
		{"Cats at home", "A cat sleeps all day."},
		{"Dogs and cats", "They run together in the park every morning before breakfast."},
	} {
		if err := c2.HSet(ctx, fmt.Sprintf("%s:%d", prefix, i+1), "title", d[0], "body", d[1], "n", i+1).Err(); err != nil {
			t.Fatal(err)
		}
	}
	key := func(i int) string { return fmt.Sprintf("%s:%d", prefix, i) }
	ids := func(r redis.FTSearchResult) string {
		s := fmt.Sprint(r.Total)
		for _, d := range r.Docs {
			s += " " + d.ID
		}
		return s
	}
	byN := []redis.FTSearchSortBy{{FieldName: "n"}}
	for _, c := range []struct {
		query string
		opt   redis.FTSearchOptions
		want  string
	}{
		{"dogs|cats", redis.FTSearchOptions{NoContent: true, SortBy: byN}, fmt.Sprintf("3 %s %s %s", key(1), key(2), key(3))},
		{"dogs|cats", redis.FTSearchOptions{NoContent: true, SortBy: byN, InKeys: []any{key(3), key(2), "nosuch"}},
			fmt.Sprintf("2 %s %s", key(2), key(3))},
		{"*", redis.FTSearchOptions{NoContent: true, InKeys: []any{key(2)}}, "1 " + key(2)},
		// "dog" stems to dog: in title only the third, in body the first.
		{"dog", redis.FTSearchOptions{NoContent: true, SortBy: byN, InFields: []any{"title"}}, fmt.Sprintf("2 %s %s", key(1), key(3))},
		{"dog", redis.FTSearchOptions{NoContent: true, SortBy: byN, InFields: []any{"body"}}, "1 " + key(1)},
		{"dog", redis.FTSearchOptions{NoContent: true, InFields: []any{"body"}, InKeys: []any{key(3)}}, "0"},
	} {
		res, err := c2.FTSearchWithArgs(ctx, prefix, c.query, &c.opt).Result()
		if err != nil {
			t.Errorf("FTSearchWithArgs %q %+v: %v", c.query, c.opt, err)
		} else if got := ids(res); got != c.want {
			t.Errorf("FTSearchWithArgs %q %+v = %s, want %s", c.query, c.opt, got, c.want)
		}
	}

	// RESP2: the flat array, the fields highlighted.
	a, err := c2.Do(ctx, "FT.SEARCH", prefix, "dogs", "RETURN", "2", "title", "n", "HIGHLIGHT", "FIELDS", "1", "title",
		"SORTBY", "n").Slice()
	want := fmt.Sprintf("[2 %s [title Running with <b>dogs</b> n 1] %s [title <b>Dogs</b> and cats n 3]]", key(1), key(3))
	if err != nil || fmt.Sprint(a) != want {
		t.Errorf("RESP2 FT.SEARCH HIGHLIGHT = %v, %v\nwant %s", a, err, want)
	}
	// RESP3: RediSearch's map, the summary under extra_attributes.
	v, err := c3.Do(ctx, "FT.SEARCH", prefix, "dog", "RETURN", "1", "body", "SUMMARIZE", "FRAGS", "1", "LEN", "4",
		"HIGHLIGHT", "TAGS", "[", "]", "INKEYS", "1", key(1)).Result()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := v.(map[any]any)
	res, _ := m["results"].([]any)
	if m["total_results"] != int64(1) || len(res) != 1 {
		t.Fatalf("RESP3 FT.SEARCH SUMMARIZE = %#v", v)
	}
	row, _ := res[0].(map[any]any)
	attrs, _ := row["extra_attributes"].(map[any]any)
	// The two matches are one fragment with two words inside (stop words
	// are none), which leave one of LEN 4's words each side: 6 bytes, cut
	// back to whole words (none before it, the space after it).
	if row["id"] != key(1) || fmt.Sprint(attrs) != "map[body:[dog] runs home, then the [dog] ... ]" {
		t.Errorf("RESP3 FT.SEARCH SUMMARIZE first result = %#v", res[0])
	}
	// Errors in both protocols, RediSearch's words.
	for _, c := range []*redis.Client{c2, c3} {
		err := c.Do(ctx, "FT.SEARCH", prefix, "dog", "RETURN", "2", "title", "nope", "HIGHLIGHT").Err()
		if err == nil || err.Error() != "Property `nope` is not in schema" {
			t.Errorf("HIGHLIGHT of a RETURN field not in the schema: %v", err)
		}
	}
}
