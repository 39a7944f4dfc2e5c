package command

import "strings"

// IndexUse is what a search command does with the keys under the
// prefixes of the index it names: RediSearch checks a user's ACL key
// patterns against those prefixes, as a key command's keys are checked.
type IndexUse uint8

const (
	// IndexUnknown: not declared; a user must have access to every key.
	IndexUnknown IndexUse = iota
	// IndexNone: the command names no index (FT._LIST, dictionaries,
	// FT.CONFIG, suggestions, whose keys are checked as keys).
	IndexNone
	// IndexRead: the command reads the index's documents.
	IndexRead
	// IndexQuery is IndexRead for the commands whose reply a proxy may
	// check together with the index's prefixes (FT.SEARCH, FT.AGGREGATE,
	// FT.INFO), asking for them alongside the command instead of before.
	IndexQuery
	// IndexWrite: the command changes the index or its documents.
	IndexWrite
	// IndexCreate: the command writes under the prefixes its own
	// arguments give (FT.CREATE), not those of an existing index.
	IndexCreate
)

// IndexUseIn returns what the command line args does with the index it
// names: IndexOf's answer when set, else Index.
func (s *Spec) IndexUseIn(args [][]byte) IndexUse {
	if s.IndexOf != nil {
		return s.IndexOf(args)
	}
	return s.Index
}

// IndexAccess says whether the command line args reads and whether it
// changes the keys under its index's prefixes; a command that does not
// declare its use needs both.
func (s *Spec) IndexAccess(args [][]byte) (read, write bool) {
	switch s.IndexUseIn(args) {
	case IndexNone:
		return false, false
	case IndexRead, IndexQuery:
		return true, false
	case IndexWrite, IndexCreate:
		return false, true
	}
	return true, true
}

// dropIndexUse is FT.DROPINDEX's: DD deletes the documents (a write);
// without it only the index goes, which RediSearch checks as a read.
func dropIndexUse(args [][]byte) IndexUse {
	if len(args) > 2 && EqualFold(args[2], "dd") {
		return IndexWrite
	}
	return IndexRead
}

// dropUse is FT.DROP's: it deletes the documents unless KEEPDOCS.
func dropUse(args [][]byte) IndexUse {
	if len(args) > 2 && EqualFold(args[2], "keepdocs") {
		return IndexRead
	}
	return IndexWrite
}

// UnknownIndexError is the command's error for an index that does not
// exist, without the "-" of RESP.
func (s *Spec) UnknownIndexError(index []byte) string {
	if !strings.Contains(s.NoIndex, "%s") {
		return s.NoIndex
	}
	return strings.Replace(s.NoIndex, "%s", string(index), 1)
}
