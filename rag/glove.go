package rag

import (
	"context"
	"fmt"
	"math"
)

// GloVe embeds a text as the SIF-weighted average of its words' GloVe
// vectors (Arora, Liang and Ma, "A Simple but Tough-to-Beat Baseline for
// Sentence Embeddings", 2017): a word of probability p(w) weighs
// a/(a+p(w)), so frequent words count little, and the common component
// is then projected out.
//
// The word list carries no counts, only frequency order, so p(w) is taken
// from Zipf's law on the vocabulary rank r: p(w) = 1/(r·H(V)), with H(V)
// the V-th harmonic number of the full vocabulary size V. The common
// component is estimated once, when the vectors are loaded, as the first
// principal component (uncentred, as in the paper) of the most frequent
// words' vectors, rather than from the sentence embeddings of a corpus, so
// documents and questions lose the same direction without any state kept
// between runs. A GloVe value is read-only after LoadGloVe and safe for
// concurrent use.
type GloVe struct {
	dim    int
	index  map[string]int32 // word -> row of vecs
	vecs   []float32        // len(index) rows of dim values
	weight []float32        // SIF weight of each row
	common []float32        // unit common component, removed from every embedding
}

// sifA is the SIF smoothing constant a (the paper's recommended 1e-3).
const sifA = 1e-3

// commonWords is how many of the most frequent words estimate the common
// component.
const commonWords = 20000

// newGloVe builds the embedder from words in frequency order (most frequent
// first), their vectors (row-major) and the full vocabulary size the ranks
// come from.
func newGloVe(words []string, vecs []float32, dim, vocab int) (*GloVe, error) {
	if dim < 1 || len(vecs) != len(words)*dim {
		return nil, fmt.Errorf("glove: %d words but %d values for dimension %d", len(words), len(vecs), dim)
	}
	vocab = max(vocab, len(words))
	h := math.Log(float64(vocab)) + 0.5772156649 + 1/(2*float64(vocab)) // H(V)
	g := &GloVe{dim: dim, index: make(map[string]int32, len(words)), vecs: vecs, weight: make([]float32, len(words))}
	for i, w := range words {
		if _, dup := g.index[w]; !dup {
			g.index[w] = int32(i)
		}
		p := 1 / (float64(i+1) * h)
		g.weight[i] = float32(sifA / (sifA + p))
	}
	g.common = firstComponent(vecs[:min(len(words), commonWords)*dim], dim)
	return g, nil
}

// Dim is the dimension of the embeddings.
func (g *GloVe) Dim() int { return g.dim }

// Words is the vocabulary size.
func (g *GloVe) Words() int { return len(g.index) }

// Embed returns the SIF embedding of each text. A text with no known word
// is an error wrapping ErrNoKnownWords.
func (g *GloVe) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v, err := g.embed(t)
		if err != nil {
			return nil, fmt.Errorf("text %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

func (g *GloVe) embed(text string) ([]float32, error) {
	sum := make([]float64, g.dim)
	n := 0
	for _, w := range tokens(text) {
		row, ok := g.index[w]
		if !ok {
			continue
		}
		wt := float64(g.weight[row])
		for j, x := range g.vecs[int(row)*g.dim : int(row+1)*g.dim] {
			sum[j] += wt * float64(x)
		}
		n++
	}
	if n == 0 {
		return nil, ErrNoKnownWords
	}
	var dot float64
	for j := range sum {
		sum[j] /= float64(n)
		dot += sum[j] * float64(g.common[j])
	}
	v := make([]float32, g.dim)
	var norm float64
	for j := range sum {
		x := sum[j] - dot*float64(g.common[j])
		v[j] = float32(x)
		norm += x * x
	}
	if norm < 1e-12 { // the text lay along the common component alone
		for j := range sum {
			v[j] = float32(sum[j])
		}
	}
	return v, nil
}

// firstComponent returns the unit first principal component (uncentred)
// of the rows of m, by power iteration on the dim x dim matrix mᵀm.
func firstComponent(m []float32, dim int) []float32 {
	c := make([]float64, dim*dim)
	for r := 0; r+dim <= len(m); r += dim {
		row := m[r : r+dim]
		for i, x := range row {
			xi := float64(x)
			for j := i; j < dim; j++ {
				c[i*dim+j] += xi * float64(row[j])
			}
		}
	}
	for i := 0; i < dim; i++ {
		for j := 0; j < i; j++ {
			c[i*dim+j] = c[j*dim+i]
		}
	}
	v := make([]float64, dim)
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(dim))
	}
	next := make([]float64, dim)
	for it := 0; it < 100; it++ {
		var norm float64
		for i := 0; i < dim; i++ {
			var s float64
			for j := 0; j < dim; j++ {
				s += c[i*dim+j] * v[j]
			}
			next[i] = s
			norm += s * s
		}
		norm = math.Sqrt(norm)
		if norm == 0 { // no data: nothing to remove
			return make([]float32, dim)
		}
		var diff float64
		for i := range next {
			x := next[i] / norm
			diff += math.Abs(x - v[i])
			v[i] = x
		}
		if diff < 1e-9 {
			break
		}
	}
	out := make([]float32, dim)
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}
