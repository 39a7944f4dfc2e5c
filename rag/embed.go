package rag

import (
	"context"
	"errors"
	"strings"
	"unicode"
)

// Embedder turns texts into vectors. Embed returns one vector per text, in
// order, all of the same dimension; the caller owns the returned slices.
// Implementations are safe for concurrent use.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// ErrNoKnownWords is returned for a text none of whose words the
// embedder's vocabulary knows (it would have no direction to compare).
var ErrNoKnownWords = errors.New("no word of the text is in the embedder's vocabulary")

// tokens lowercases text and splits it into words of letters and digits.
func tokens(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
