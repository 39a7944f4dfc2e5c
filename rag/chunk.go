package rag

import (
	"errors"
	"strings"
)

// ChunkConfig says how documents are cut into chunks.
type ChunkConfig struct {
	// Words is the target size of a chunk in words; paragraphs are kept
	// whole while they fit, and a longer paragraph is cut into windows.
	Words int
	// Overlap is how many words at the end of a chunk are repeated at the
	// start of the next, so a sentence cut in two is still found whole.
	Overlap int
}

// DefaultChunkConfig returns chunks of about 120 words overlapping by 20.
func DefaultChunkConfig() ChunkConfig {
	return ChunkConfig{Words: 120, Overlap: 20}
}

// Validate reports the first invalid field.
func (c ChunkConfig) Validate() error {
	switch {
	case c.Words < 1:
		return errors.New("chunk size must be at least 1 word")
	case c.Overlap < 0:
		return errors.New("chunk overlap must not be negative")
	case c.Overlap >= c.Words:
		return errors.New("chunk overlap must be smaller than the chunk size")
	}
	return nil
}

// Chunk cuts text into chunks of about c.Words words. Paragraphs (blocks
// separated by blank lines) are packed whole into a chunk while they fit;
// a chunk that would grow past c.Words is closed and the next one starts
// with the last c.Overlap words of it. A paragraph longer than c.Words is
// cut into windows of c.Words words that overlap by c.Overlap. Whitespace
// inside a paragraph is collapsed to single spaces and paragraphs in a
// chunk are joined by a blank line. Empty text gives no chunks.
func (c ChunkConfig) Chunk(text string) []string {
	var (
		chunks []string
		cur    [][]string // paragraphs of the chunk being built, as words
		n      int        // words in cur
	)
	flush := func() {
		if n == 0 {
			return
		}
		paras := make([]string, len(cur))
		for i, p := range cur {
			paras[i] = strings.Join(p, " ")
		}
		chunks = append(chunks, strings.Join(paras, "\n\n"))
		tail := lastWords(cur, c.Overlap)
		cur, n = nil, 0
		if len(tail) > 0 {
			cur, n = [][]string{tail}, len(tail)
		}
	}
	for _, para := range paragraphs(text) {
		words := strings.Fields(para)
		if n > 0 && n+len(words) > c.Words {
			flush()
		}
		for len(words) > 0 {
			room := c.Words - n
			if room >= len(words) {
				cur, n = append(cur, words), n+len(words)
				break
			}
			if room <= 0 { // only the overlap is left and it fills the chunk
				flush()
				continue
			}
			cur, n = append(cur, words[:room]), n+room
			words = words[room:]
			flush()
		}
	}
	// The last chunk is written unless it holds only the overlap of the
	// previous one.
	if n > 0 && !(len(chunks) > 0 && len(cur) == 1 && n <= c.Overlap) {
		c.Overlap = 0
		flush()
	}
	return chunks
}

// paragraphs splits text at blank lines.
func paragraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// lastWords returns the last k words of paras (across paragraph ends).
func lastWords(paras [][]string, k int) []string {
	var out []string
	for i := len(paras) - 1; i >= 0 && len(out) < k; i-- {
		p := paras[i]
		take := min(k-len(out), len(p))
		out = append(append([]string(nil), p[len(p)-take:]...), out...)
	}
	return out
}
