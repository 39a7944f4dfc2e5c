package fthybrid

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
)

// TextSearch returns the FT.SEARCH arguments (after the command name)
// of the full-text list: the query's Window best documents by score,
// with their scores and the fields LOAD asks for.
func (r *Request) TextSearch() [][]byte {
	scorer := r.Scorer
	if scorer == "" {
		scorer = DefaultScorer
	}
	args := words(r.Index, r.Query, "WITHSCORES", "SCORER", scorer)
	if r.ExplainScore {
		args = append(args, []byte("EXPLAINSCORE"))
	}
	if len(r.ScorerArgs) == 2 {
		args = append(args, words(ftargs.BM25Arg, r.ScorerArgs[0], r.ScorerArgs[1])...)
	}
	args = r.appendFields(args, false)
	return r.appendCommon(args)
}

// VectorSearch returns the FT.SEARCH arguments of the vector list: the
// Window nearest documents (KNN, or within the radius: RANGE) among
// those FILTER admits, each with its distance.
func (r *Request) VectorSearch() [][]byte {
	filter := strings.TrimSpace(r.Filter)
	var q string
	if r.Range {
		q = "@" + r.Field + ":[VECTOR_RANGE " + num(r.Radius) + " $" + r.Vector + "]=>{$YIELD_DISTANCE_AS: " + distField
		if r.HasEps {
			q += "; $EPSILON: " + num(r.Epsilon)
		}
		q += "}"
		if filter != "" {
			q = "(" + filter + ") " + q
		}
	} else {
		if filter == "" {
			filter = "*"
		} else {
			filter = "(" + filter + ")"
		}
		q = filter + "=>[KNN " + strconv.Itoa(r.K) + " @" + r.Field + " $" + r.Vector
		if r.EF > 0 {
			q += " EF_RUNTIME " + strconv.Itoa(r.EF)
		}
		switch r.Policy {
		case "ADHOC":
			q += " HYBRID_POLICY ADHOC_BF"
		case "BATCHES":
			q += " HYBRID_POLICY BATCHES"
		}
		if r.BatchSize > 0 {
			q += " BATCH_SIZE " + strconv.Itoa(r.BatchSize)
		}
		q += " AS " + distField + "]"
	}
	args := words(r.Index, q)
	if r.Range {
		args = append(args, words("SORTBY", distField, "ASC")...)
	}
	args = r.appendFields(args, true)
	return r.appendCommon(args)
}

// appendFields asks for LOAD's fields (and the distance, for the vector
// list), or for no fields.
func (r *Request) appendFields(args [][]byte, dist bool) [][]byte {
	if r.LoadAll {
		return args
	}
	var ret []string
	if dist {
		ret = append(ret, distField)
	}
	for _, f := range r.Load {
		if f.Name != KeyField && f.Name != ScoreField {
			ret = append(ret, f.Name)
		}
	}
	// The pipeline's fields are read too, shown or not.
	for _, f := range r.needed {
		if !slices.Contains(ret, f) {
			ret = append(ret, f)
		}
	}
	if len(ret) == 0 {
		return append(args, []byte("NOCONTENT"))
	}
	args = append(args, words("RETURN", strconv.Itoa(len(ret)))...)
	return append(args, words(ret...)...)
}

func (r *Request) appendCommon(args [][]byte) [][]byte {
	args = append(args, words("LIMIT", "0", strconv.Itoa(r.Window), "DIALECT", "2")...)
	if r.Format == "EXPAND" {
		// A JSON document's fields as the JSON array of every match.
		args = append(args, []byte(ftargs.MultiArg))
	}
	if len(r.Params) > 0 {
		args = append(args, words("PARAMS", strconv.Itoa(len(r.Params)))...)
		args = append(args, r.Params...)
	}
	if r.HasTimeout {
		args = append(args, words("TIMEOUT", strconv.FormatInt(r.Timeout, 10))...)
	}
	return args
}

// DistanceField is the field the vector list's rows carry their
// distance in.
func DistanceField() string { return distField }

func words(w ...string) [][]byte {
	out := make([][]byte, len(w))
	for i, s := range w {
		out[i] = []byte(s)
	}
	return out
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// reserved reports whether name is a result's own field (the key, a
// score) rather than a document's.
func (r *Request) reserved(name string) bool {
	switch name {
	case KeyField, ScoreField, "":
		return true
	}
	return name == r.FusedAlias || name == r.TextAlias || name == r.VecAlias
}
