package ft

import (
	"strings"
	"testing"
)

// TestParseCreateBadCounts: a count that does not fit the arguments is
// an error, never a loop or a panic (STOPWORDS -2 used to step back
// forever; a count near the largest int wrapped around).
func TestParseCreateBadCounts(t *testing.T) {
	for _, line := range []string{
		"x STOPWORDS -2 SCHEMA t TEXT",
		"x STOPWORDS -1 SCHEMA t TEXT",
		"x STOPWORDS 9 SCHEMA t TEXT",
		"x PREFIX -1 SCHEMA t TEXT",
		"x PREFIX 9223372036854775807 SCHEMA t TEXT",
		"x STOPWORDS 9223372036854775807 SCHEMA t TEXT",
	} {
		var args [][]byte
		for _, w := range strings.Fields(line) {
			args = append(args, []byte(w))
		}
		if _, err := ParseCreate(args); err == nil {
			t.Errorf("ParseCreate(%s) accepted it", line)
		}
	}
}
