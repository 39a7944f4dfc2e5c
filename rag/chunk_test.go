package rag

import (
	"fmt"
	"strings"
	"testing"
)

func words(prefix string, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return strings.Join(w, " ")
}

func TestChunkKeepsParagraphsWhole(t *testing.T) {
	text := words("a", 4) + "\n\n" + words("b", 4) + "\n\n\n" + words("c", 4) + "\n"
	got := ChunkConfig{Words: 9, Overlap: 0}.Chunk(text)
	want := []string{words("a", 4) + "\n\n" + words("b", 4), words("c", 4)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("chunks = %q, want %q", got, want)
	}
}

func TestChunkOverlapCarriesTheTail(t *testing.T) {
	text := words("a", 6) + "\n\n" + words("b", 6)
	got := ChunkConfig{Words: 8, Overlap: 2}.Chunk(text)
	if len(got) != 2 {
		t.Fatalf("chunks = %q, want 2", got)
	}
	if got[0] != words("a", 6) {
		t.Errorf("chunk 0 = %q", got[0])
	}
	if want := "a4 a5\n\n" + words("b", 6); got[1] != want {
		t.Errorf("chunk 1 = %q, want %q", got[1], want)
	}
}

func TestChunkCutsLongParagraphsIntoOverlappingWindows(t *testing.T) {
	got := ChunkConfig{Words: 10, Overlap: 3}.Chunk(words("w", 24))
	for i, c := range got {
		if n := len(strings.Fields(c)); n > 10 {
			t.Errorf("chunk %d has %d words, more than 10", i, n)
		}
	}
	// Every word appears, and each chunk after the first starts with the
	// last 3 words of the one before.
	seen := map[string]bool{}
	for i, c := range got {
		f := strings.Fields(c)
		for _, w := range f {
			seen[w] = true
		}
		if i > 0 {
			prev := strings.Fields(got[i-1])
			if strings.Join(f[:3], " ") != strings.Join(prev[len(prev)-3:], " ") {
				t.Errorf("chunk %d starts %q, previous ends %q", i, f[:3], prev[len(prev)-3:])
			}
		}
	}
	if len(seen) != 24 {
		t.Errorf("%d distinct words in the chunks, want 24: %q", len(seen), got)
	}
	if last := strings.Fields(got[len(got)-1]); last[len(last)-1] != "w23" {
		t.Errorf("last chunk ends %q, want w23", last[len(last)-1])
	}
}

func TestChunkEmptyAndWhitespace(t *testing.T) {
	for _, text := range []string{"", "\n\n  \n\t\n"} {
		if got := DefaultChunkConfig().Chunk(text); len(got) != 0 {
			t.Errorf("Chunk(%q) = %q, want none", text, got)
		}
	}
}

func TestChunkConfigValidate(t *testing.T) {
	for _, c := range []ChunkConfig{{Words: 0}, {Words: 5, Overlap: -1}, {Words: 5, Overlap: 5}} {
		if c.Validate() == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	if err := DefaultChunkConfig().Validate(); err != nil {
		t.Error(err)
	}
}
