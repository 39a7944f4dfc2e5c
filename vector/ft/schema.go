package ft

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vcache/vcache/vector"
)

// Errors with RediSearch's texts (the node prefixes none of them).
var (
	ErrUnknownIndex = errors.New("Unknown index name")
	ErrIndexExists  = errors.New("Index already exists")
)

// FieldType is a schema field's type.
type FieldType uint8

// Field types.
const (
	Text FieldType = iota + 1
	Tag
	Numeric
	Vector
	Geo
)

// String returns the RediSearch name.
func (t FieldType) String() string {
	return [...]string{"", "TEXT", "TAG", "NUMERIC", "VECTOR", "GEO"}[t]
}

// Field is one schema field.
type Field struct {
	// Name is the hash field read; Alias the name queries use (AS).
	Name, Alias string
	Type        FieldType
	// TAG options.
	Separator     byte
	CaseSensitive bool
	Sortable      bool
	// UNF keeps a SORTABLE TEXT or TAG field's value as given (not
	// lower-cased) for sorting.
	UNF bool
	// Weight of a TEXT field.
	Weight float64
	// NoStem turns English stemming off for a TEXT field (NOSTEM).
	NoStem bool
	// SuffixTrie is a TEXT or TAG field's WITHSUFFIXTRIE: a TEXT field's
	// words go into the index's suffix trie, which suffix and infix terms
	// then expand from (text_suffix_trie.go).
	SuffixTrie bool
	// Vec configures a VECTOR field.
	Vec vector.Params
}

// Schema is a parsed FT.CREATE.
type Schema struct {
	Name     string
	Prefixes []string
	Fields   []Field
	// OnJSON is set for ON JSON: the documents are JSON keys and field
	// names are JSONPaths (the node reads the values).
	OnJSON bool
	// NoHighlight is NOHL or NOOFFSETS: RediSearch keeps no byte offsets
	// of the words then, and refuses HIGHLIGHT and SUMMARIZE.
	NoHighlight bool
	// PayloadField is PAYLOAD_FIELD's hash field ("" without it): its
	// value is a document's payload (WITHPAYLOADS), not one of its fields.
	PayloadField string
	// Language is LANGUAGE's value, lower-cased ("" for English), and
	// LanguageField LANGUAGE_FIELD's hash field (text.go).
	Language      string
	LanguageField string
	// Score is SCORE's default document score (1 without it), and
	// ScoreField SCORE_FIELD's hash field holding a document's own.
	Score      float64
	ScoreField string
	// StopWords is STOPWORDS' list, lower-cased, and CustomStopWords
	// says it was given (without it the default English list applies;
	// stopwords.go).
	StopWords       []string
	CustomStopWords bool
	stop            map[string]bool
	// Args are the FT.CREATE arguments (after the index name), kept to
	// persist and describe the index.
	Args []string
}

// hashPath returns the hash field RETURN reads for name: the one of
// the schema field called name (its AS name, exactly, as RediSearch
// matches it), else name itself.
func (s *Schema) hashPath(name string) string {
	for i := range s.Fields {
		if s.Fields[i].Alias == name {
			return s.Fields[i].Name
		}
	}
	return name
}

// field returns the field queries call alias.
func (s *Schema) field(alias string) (*Field, bool) {
	for i := range s.Fields {
		if strings.EqualFold(s.Fields[i].Alias, alias) {
			return &s.Fields[i], true
		}
	}
	return nil, false
}

// errf formats an argument error.
func errf(format string, a ...any) error { return fmt.Errorf(format, a...) }

// ParseCreate parses FT.CREATE's arguments: args[0] is the index name.
func ParseCreate(args [][]byte) (*Schema, error) {
	if len(args) < 1 {
		return nil, errf("wrong number of arguments")
	}
	s := &Schema{Name: string(args[0]), Score: 1}
	for _, a := range args[1:] {
		s.Args = append(s.Args, string(a))
	}
	i := 1
	word := func() string { return strings.ToUpper(string(args[i])) }
	for i < len(args) {
		switch word() {
		case "ON":
			switch {
			case i+1 < len(args) && strings.EqualFold(string(args[i+1]), "HASH"):
			case i+1 < len(args) && strings.EqualFold(string(args[i+1]), "JSON"):
				s.OnJSON = true
			default:
				return nil, errf("Only HASH and JSON documents are supported")
			}
			i += 2
		case "PREFIX":
			if i+1 >= len(args) {
				return nil, errf("Bad arguments for PREFIX: Expected an argument")
			}
			n, err := strconv.Atoi(string(args[i+1]))
			if err != nil || n < 0 || n > len(args)-i-2 {
				return nil, errf("Bad arguments for PREFIX: Invalid count")
			}
			for _, p := range args[i+2 : i+2+n] {
				s.Prefixes = append(s.Prefixes, string(p))
			}
			i += 2 + n
		case "SCORE", "LANGUAGE", "LANGUAGE_FIELD", "SCORE_FIELD", "PAYLOAD_FIELD", "TEMPORARY", "STOPWORDS":
			if word() == "PAYLOAD_FIELD" && i+1 < len(args) {
				s.PayloadField = string(args[i+1])
			}
			if err := s.textOption(word(), args[i+1:]); err != nil {
				return nil, err
			}
			if word() == "STOPWORDS" {
				n, err := strconv.Atoi(string(args[min(i+1, len(args)-1)]))
				if err != nil || n < 0 || n > len(args)-i-2 {
					return nil, errf("Bad arguments for STOPWORDS")
				}
				s.setStopWords(args[i+2 : i+2+n])
				i += 2 + n
				continue
			}
			i += 2
		case "MAXTEXTFIELDS", "NOOFFSETS", "NOHL", "NOFIELDS", "NOFREQS", "SKIPINITIALSCAN":
			if w := word(); w == "NOOFFSETS" || w == "NOHL" {
				s.NoHighlight = true
			}
			i++
		case "FILTER":
			return nil, errf("FILTER expressions are not supported")
		case "SCHEMA":
			fields, err := parseFields(args[i+1:])
			if err != nil {
				return nil, err
			}
			s.Fields = fields
			if len(s.Fields) == 0 {
				return nil, errf("Fields arguments are missing")
			}
			return s, nil
		default:
			return nil, errf("Unknown argument `%s`", args[i])
		}
		if i > len(args) {
			return nil, errf("Bad arguments")
		}
	}
	return nil, errf("No schema found")
}

// parseFields parses the fields after SCHEMA.
func parseFields(args [][]byte) ([]Field, error) {
	var out []Field
	seen := map[string]bool{}
	for i := 0; i < len(args); {
		f := Field{Name: string(args[i]), Weight: 1, Separator: ','}
		f.Alias = f.Name
		i++
		if i+1 < len(args) && strings.EqualFold(string(args[i]), "AS") {
			f.Alias = string(args[i+1])
			i += 2
		}
		if i >= len(args) {
			return nil, errf("Field `%s` does not have a type", f.Name)
		}
		switch strings.ToUpper(string(args[i])) {
		case "TEXT":
			f.Type = Text
		case "TAG":
			f.Type = Tag
		case "NUMERIC":
			f.Type = Numeric
		case "VECTOR":
			f.Type = Vector
		case "GEO":
			f.Type = Geo
		default:
			return nil, errf("Invalid field type for field `%s`", f.Name)
		}
		i++
		if f.Type == Vector {
			n, err := parseVector(&f, args[i:])
			if err != nil {
				return nil, err
			}
			i += n
		}
		for i < len(args) {
			opt := strings.ToUpper(string(args[i]))
			switch {
			case opt == "SORTABLE" || opt == "UNF" || opt == "NOSTEM" || opt == "NOINDEX" || opt == "INDEXMISSING" || opt == "INDEXEMPTY" || opt == "WITHSUFFIXTRIE":
				f.Sortable = f.Sortable || opt == "SORTABLE"
				f.NoStem = f.NoStem || opt == "NOSTEM" && f.Type == Text
				f.UNF = f.UNF || opt == "UNF"
				f.SuffixTrie = f.SuffixTrie || opt == "WITHSUFFIXTRIE" && (f.Type == Text || f.Type == Tag)
				i++
				continue
			case opt == "CASESENSITIVE" && f.Type == Tag:
				f.CaseSensitive = true
				i++
				continue
			case opt == "SEPARATOR" && f.Type == Tag && i+1 < len(args):
				sep := args[i+1]
				if len(sep) != 1 {
					return nil, errf("Tag separator must be a single character. Got `%s`", sep)
				}
				f.Separator = sep[0]
				i += 2
				continue
			case (opt == "WEIGHT" || opt == "PHONETIC") && f.Type == Text && i+1 < len(args):
				if opt == "WEIGHT" {
					w, err := strconv.ParseFloat(string(args[i+1]), 64)
					if err != nil {
						return nil, errf("Could not parse field spec")
					}
					f.Weight = w
				}
				i += 2
				continue
			}
			break
		}
		if seen[strings.ToLower(f.Alias)] {
			return nil, errf("Duplicate field in schema - %s", f.Alias)
		}
		seen[strings.ToLower(f.Alias)] = true
		out = append(out, f)
	}
	return out, nil
}

// parseVector parses "HNSW|FLAT|IVFFLAT nargs k v ..." and returns how
// many arguments it used.
func parseVector(f *Field, args [][]byte) (int, error) {
	if len(args) < 2 {
		return 0, errf("Bad arguments for vector similarity algorithm")
	}
	alg, err := vector.ParseAlgorithm(string(args[0]))
	if err != nil {
		return 0, errf("Bad arguments for vector similarity algorithm")
	}
	n, err := strconv.Atoi(string(args[1]))
	if err != nil || n < 0 || n%2 != 0 || 2+n > len(args) {
		return 0, errf("Bad arguments for vector similarity number of parameters")
	}
	p := vector.DefaultParams(alg, 0, vector.L2)
	if alg == vector.HNSW || alg == vector.IVFFLAT {
		p.Codes = vector.QuantInt8 // search on int8 codes, re-rank on float32 (COMPRESSION NONE: float32 only)
	}
	var haveType, haveDim, haveMetric bool
	for j := 2; j < 2+n; j += 2 {
		key, val := strings.ToUpper(string(args[j])), string(args[j+1])
		num := func() (int, error) {
			v, err := strconv.Atoi(val)
			if err != nil || v < 0 {
				return 0, errf("Bad arguments for vector similarity %s index %s", alg, strings.ToLower(key))
			}
			return v, nil
		}
		switch key {
		case "TYPE":
			if !strings.EqualFold(val, "FLOAT32") {
				return 0, errf("Bad arguments for vector similarity %s index type: only FLOAT32 is supported", alg)
			}
			haveType = true
		case "DIM":
			if p.Dim, err = num(); err != nil || p.Dim == 0 {
				return 0, errf("Bad arguments for vector similarity %s index dim", alg)
			}
			haveDim = true
		case "DISTANCE_METRIC":
			if p.Metric, err = vector.ParseMetric(val); err != nil {
				return 0, errf("Bad arguments for vector similarity %s index metric", alg)
			}
			haveMetric = true
		case "M":
			if p.M, err = num(); err != nil {
				return 0, err
			}
		case "EF_CONSTRUCTION":
			if p.EfConstruction, err = num(); err != nil {
				return 0, err
			}
		case "EF_RUNTIME":
			if p.EfRuntime, err = num(); err != nil {
				return 0, err
			}
		case "LISTS":
			if p.Lists, err = num(); err != nil {
				return 0, err
			}
		case "PROBES":
			if p.Probes, err = num(); err != nil {
				return 0, err
			}
		case "INITIAL_CAP":
			if p.InitialCap, err = num(); err != nil {
				return 0, err
			}
		case "COMPRESSION":
			switch strings.ToUpper(val) {
			case "SQ8":
				p.Codes = vector.QuantInt8
			case "NONE":
				p.Codes = vector.QuantNone
			default:
				return 0, errf("Bad arguments for vector similarity %s index compression: SQ8 or NONE", alg)
			}
		case "RERANK":
			if p.Rerank, err = num(); err != nil {
				return 0, err
			}
		case "BLOCK_SIZE", "EPSILON":
		default:
			return 0, errf("Bad arguments for vector similarity %s index: unknown parameter `%s`", alg, args[j])
		}
	}
	if !haveType || !haveDim || !haveMetric {
		return 0, errf("Missing mandatory parameter: cannot create %s index without specifying TYPE, DIM and DISTANCE_METRIC", alg)
	}
	if err := p.Validate(); err != nil {
		return 0, errf("Bad arguments for vector similarity %s index: %v", alg, err)
	}
	f.Vec = p
	return 2 + n, nil
}

// ParseAlter parses FT.ALTER's arguments (args[0] is the index name):
// `[SKIPINITIALSCAN] SCHEMA ADD field type ...`. Vector fields cannot be
// added.
func ParseAlter(args [][]byte) (name string, skipScan bool, fields []Field, spec []string, err error) {
	if len(args) < 4 {
		return "", false, nil, nil, errf("wrong number of arguments")
	}
	name = string(args[0])
	i := 1
	if strings.EqualFold(string(args[i]), "SKIPINITIALSCAN") {
		skipScan = true
		i++
	}
	if i+1 >= len(args) || !strings.EqualFold(string(args[i]), "SCHEMA") || !strings.EqualFold(string(args[i+1]), "ADD") {
		return "", false, nil, nil, errf("Unknown argument `%s`", args[min(i, len(args)-1)])
	}
	if fields, err = parseFields(args[i+2:]); err != nil {
		return "", false, nil, nil, err
	}
	if len(fields) == 0 {
		return "", false, nil, nil, errf("Fields arguments are missing")
	}
	for _, f := range fields {
		if f.Type == Vector {
			return "", false, nil, nil, errf("Vector fields cannot be added with FT.ALTER")
		}
	}
	for _, a := range args[i+2:] {
		spec = append(spec, string(a))
	}
	return name, skipScan, fields, spec, nil
}
