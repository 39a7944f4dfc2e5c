package proxy

import (
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/resp"
)

// Search commands and key permissions. A search command names an index,
// not keys, but works on every key under the index's prefixes; as in
// RediSearch, a user whose key patterns do not cover each prefix (with
// the access the command needs) gets NOPERM. The proxy has its own users
// and does not know the nodes' indexes, so it learns an index's prefixes
// from a node, by FT.INFO (index_definition's prefixes), each time it
// needs them: nothing is cached, so a dropped and remade index is never
// judged by its old prefixes. Users that may touch every key skip all of
// this, so it costs them nothing.
//
//   - FT.SEARCH and FT.INFO: FT.INFO goes to one node together with the
//     command (no added round trip); the command's reply is given only if
//     the prefixes are covered for reading. FT.SEARCH's rows are checked
//     too: a document key the user may not read fails the whole reply,
//     which also covers an index remade between the two.
//   - FT.ALTER and FT.DROPINDEX: FT.INFO first, then the command only if
//     allowed: write access, or read access for FT.DROPINDEX without DD
//     (it deletes no document; RediSearch asks the same as for a query).
//   - FT.CREATE: the PREFIX list of the command itself, write access; no
//     PREFIX (or a definition the proxy cannot read) means every key.
//   - Inside MULTI every check is made first, when the command is queued.
//   - Search commands the proxy does not know how to check are allowed
//     only to users who may touch every key; FT._LIST names no index.

// ftNeed is what a search command needs of its index's prefixes.
type ftNeed uint8

const (
	needNone   ftNeed = iota // names no index
	needQuery                // read, checked alongside the command
	needRead                 // read, checked before the command is sent
	needWrite                // write, checked before the command is sent
	needCreate               // write on the prefixes the command gives
	needAll                  // unknown to the proxy: every key
)

// ftAccess says what a search command line needs, as its spec declares
// (command.IndexUse).
func ftAccess(spec *command.Spec, args [][]byte) ftNeed {
	switch spec.IndexUseIn(args) {
	case command.IndexNone:
		return needNone
	case command.IndexQuery:
		return needQuery
	case command.IndexRead:
		return needRead
	case command.IndexWrite:
		return needWrite
	case command.IndexCreate:
		return needCreate
	}
	return needAll
}

// restricted returns the session's permissions if its user may not touch
// every key, else nil.
func (s *session) restricted() *acl.Perms {
	if s.user == nil {
		return nil
	}
	p := s.user.Perms()
	if p.UnrestrictedKeys() {
		return nil
	}
	return p
}

// checkIndex makes the checks of a search command that come before it is
// sent (see above). When the command may not run (done), it is the item
// answering it.
func (s *session) checkIndex(e *entry, cmd resp.Command) (it item, done bool) {
	p := s.restricted()
	if p == nil {
		return item{}, false
	}
	need := ftAccess(e.spec, cmd.Args)
	var d *acl.Denial
	switch need {
	case needNone:
		return item{}, false
	case needQuery:
		if s.tx == nil {
			return item{}, false // guardIndex does it
		}
		fallthrough
	case needRead, needWrite:
		return s.checkNamedIndexes(e, cmd, p, need == needWrite)
	case needCreate:
		d = p.CheckPrefixes(createPrefixes(cmd.Args), false, true)
	default:
		d = p.CheckPrefixes(nil, true, true)
	}
	if d == nil {
		return item{}, false
	}
	return s.denied(e, d), true
}

// indexPrefixes asks a node for the index's prefixes now, waiting for the
// answer; on failure it returns the error reply to give.
func (s *session) indexPrefixes(index []byte) ([]string, []byte) {
	c := s.infoCall(index)
	s.barrier()
	s.settle(c)
	return infoPrefixes(c.reply)
}

// infoCall queues FT.INFO index to one node.
func (s *session) infoCall(index []byte) *call {
	c := s.newCall(nil)
	c.own = resp.AppendCommand(c.own[:0], []byte("FT.INFO"), index)
	c.req = c.own
	s.targetAny(c)
	return c
}

// infoPrefixes reads the prefixes of an FT.INFO reply (a single ""
// prefix: every key), or returns the error reply to give.
func infoPrefixes(raw []byte) ([]string, []byte) {
	v, _, err := resp.Parse(raw)
	if err != nil {
		return nil, resp.AppendError(nil, "ERR bad reply from backend")
	}
	if v.Kind == resp.Error {
		return nil, raw
	}
	def := field(&v, "index_definition")
	if def == nil {
		return nil, resp.AppendError(nil, "ERR unexpected FT.INFO reply from a node")
	}
	list := field(def, "prefixes")
	if list == nil || list.Kind != resp.Array {
		return nil, resp.AppendError(nil, "ERR unexpected FT.INFO reply from a node")
	}
	prefixes := make([]string, len(list.Elems))
	for i, p := range list.Elems {
		prefixes[i] = string(p.Str)
	}
	return prefixes, nil
}

// field returns the value after name in a flat name/value array, or nil.
func field(v *resp.Value, name string) *resp.Value {
	if v.Kind != resp.Array {
		return nil
	}
	for i := 0; i+1 < len(v.Elems); i += 2 {
		if string(v.Elems[i].Str) == name {
			return &v.Elems[i+1]
		}
	}
	return nil
}

// createPrefixes reads the PREFIX lists of FT.CREATE index [options]
// SCHEMA ..., reading the options as the node does. A definition it
// cannot read gives nil: every key.
func createPrefixes(args [][]byte) []string {
	var prefixes []string
	for i := 2; i < len(args); {
		switch strings.ToUpper(string(args[i])) {
		case "SCHEMA":
			return prefixes
		case "PREFIX", "STOPWORDS":
			if i+1 >= len(args) {
				return nil
			}
			n, err := strconv.Atoi(string(args[i+1]))
			if err != nil || n < 0 || n > len(args)-i-2 {
				return nil
			}
			if strings.EqualFold(string(args[i]), "PREFIX") {
				for _, p := range args[i+2 : i+2+n] {
					prefixes = append(prefixes, string(p))
				}
			}
			i += 2 + n
		case "ON", "SCORE", "LANGUAGE", "LANGUAGE_FIELD", "SCORE_FIELD", "PAYLOAD_FIELD", "TEMPORARY":
			i += 2
		case "MAXTEXTFIELDS", "NOOFFSETS", "NOHL", "NOFIELDS", "NOFREQS", "SKIPINITIALSCAN":
			i++
		default:
			return nil
		}
	}
	return nil
}

// guardIndex wraps the merger of FT.SEARCH or FT.INFO on index for a user
// who may not touch every key: FT.INFO goes to a node with the command,
// and the command's reply is given only if the user may read the index.
func (s *session) guardIndex(index []byte, m merger) merger {
	if s.restricted() == nil {
		return m
	}
	return &indexGuard{info: s.infoCall(index), inner: m}
}

type indexGuard struct {
	info  *call
	inner merger
}

func (g *indexGuard) merge(s *session, dst []byte) []byte {
	s.settle(g.info)
	if len(g.info.reply) > 0 && g.info.reply[0] == '-' {
		// No such index (or no answer): the command's own reply says why;
		// if the index was made meanwhile, FT.SEARCH's rows are still
		// checked one by one.
		return g.inner.merge(s, dst)
	}
	prefixes, errReply := infoPrefixes(g.info.reply)
	if errReply != nil {
		return append(dst, errReply...)
	}
	if d := s.user.Perms().CheckPrefixes(prefixes, true, false); d != nil {
		s.logDenial(d)
		return resp.AppendError(dst, d.Error())
	}
	return g.inner.merge(s, dst)
}

// logDenial records a denial found after the command was sent.
func (s *session) logDenial(d *acl.Denial) {
	now := time.Now()
	s.p.acl.Log().Add(*d, s.tx != nil, s.info(now), now)
}
