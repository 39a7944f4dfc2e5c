package proxy

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// XREADGROUP ... BLOCK over streams on different nodes. It waits as the
// pops do (block_across.go), in the order the proxy's clients of the same
// group blocked on a stream (block_across_queue.go: clients of other
// groups do not compete for its entries), and each attempt is a
// transaction across the nodes (multi_compute.go) in two steps:
//
//  1. XINFO GROUPS of every stream: in the command's order, a key of
//     another type is WRONGTYPE, a missing key or group NOGROUP, then the
//     stream's ID is checked, as Redis checks key by key; and each
//     group's last-delivered-id, which the wake-ups wait past. On an
//     attempt after a wake-up, a stream gone or replaced answers
//     -UNBLOCKED and a group gone -NOGROUP, as Redis answers a blocked
//     reader.
//  2. XREADGROUP of each stream on its node (passing over the new
//     entries of streams a client of the same group that blocked earlier
//     waits on), which
//     delivers the entries and adds them to the consumer's pending list
//     there; the streams that have entries (and every stream read by an
//     ID other than ">", whose pending entries are answered at once, as
//     in Redis) make the reply.
//
// The wake-ups are XREAD BLOCK of each node's streams after the group's
// last-delivered-id, which reads nothing away and answers at once when an
// entry is there already. One that answers makes the client attempt
// again; one that ran out too (each lasts wakeupFor), so that a stream or
// group that went away is noticed within that time.

// msgInvalidStreamID is Redis's error for an ID that does not parse.
const msgInvalidStreamID = "ERR Invalid stream ID specified as stream command argument"

// acrossXReadGroup is XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK]
// STREAMS key ... id ...: the words are checked as Redis checks them,
// before any key.
func acrossXReadGroup(args [][]byte, pos []int) (*xblock, string) {
	m := &txXReadGroup{}
	streams, timeout := 0, int64(-1)
	var count []byte
	for i := 1; i < len(args) && streams == 0; i++ {
		more := len(args) - 1 - i
		switch o := string(args[i]); {
		case strings.EqualFold(o, "block") && more > 0:
			i++
			n, err := strconv.ParseInt(string(args[i]), 10, 64)
			if err != nil {
				return nil, msgTimeoutInt
			}
			if n < 0 {
				return nil, msgTimeoutNegative
			}
			timeout = n
		case strings.EqualFold(o, "count") && more > 0:
			i++
			if _, err := strconv.ParseInt(string(args[i]), 10, 64); err != nil {
				return nil, "ERR value is not an integer or out of range"
			}
			count = args[i]
		case strings.EqualFold(o, "streams") && more > 0:
			if (len(args)-i-1)%2 != 0 {
				return nil, "ERR Unbalanced XREADGROUP list of streams: for each stream key an ID or '>' must be specified."
			}
			streams = i + 1
		case strings.EqualFold(o, "group") && more >= 2:
			m.group, m.consumer = args[i+1], args[i+2]
			i += 2
		case strings.EqualFold(o, "noack"):
			m.noack = true
		default:
			return nil, "ERR syntax error"
		}
	}
	switch {
	case streams == 0:
		return nil, "ERR syntax error"
	case m.group == nil:
		return nil, "ERR Missing GROUP option for XREADGROUP"
	}
	n := (len(args) - streams) / 2
	m.ks, m.ids = args[streams:streams+n], args[streams+n:]
	if len(pos) != n {
		return nil, "ERR syntax error"
	}
	m.opts = [][]byte{[]byte("XREADGROUP"), []byte("GROUP"), m.group, m.consumer}
	if count != nil {
		m.opts = append(m.opts, []byte("COUNT"), count)
	}
	if m.noack {
		m.opts = append(m.opts, []byte("NOACK"))
	}
	m.opts = append(m.opts, []byte("STREAMS"))
	b := &xblock{keys: m.ks, group: string(m.group)}
	if timeout > 0 {
		b.timeout = msDuration(timeout)
	}
	// The wake-ups wait past each group's last-delivered-id; until the
	// first attempt tells it, past 0-0, which answers at once when the
	// stream has entries and makes the client look again.
	b.xopts = [][]byte{[]byte("XREAD"), []byte("BLOCK"), []byte(strconv.FormatInt(wakeupFor.Milliseconds(), 10)), []byte("STREAMS")}
	b.lastIDs = map[string][]byte{}
	for _, k := range m.ks {
		b.lastIDs[string(k)] = []byte("0-0")
	}
	b.pop = func(retry bool, skip []bool) txCompute {
		x := *m
		x.retry, x.skip, x.lastIDs = retry, skip, b.lastIDs
		return &x
	}
	return b, ""
}

// txXReadGroupOf is XREADGROUP without BLOCK (or inside MULTI, where it
// does not block) over streams on several nodes: one attempt.
func txXReadGroupOf(args [][]byte, pos []int) txCompute {
	b, msg := acrossXReadGroup(args, pos)
	if msg != "" {
		return fixed(keysAt(args, pos), msg)
	}
	return b.pop(false, nil)
}

// txXReadGroup is one attempt of an XREADGROUP across nodes, in the
// steps above.
type txXReadGroup struct {
	group, consumer []byte
	noack           bool
	opts            [][]byte // XREADGROUP GROUP g c [COUNT n] [NOACK] STREAMS
	ks, ids         [][]byte
	retry           bool
	skip            []bool
	// lastIDs takes each stream's last-delivered-id of the group, for
	// the wake-ups (the plan's map: attempts run one at a time).
	lastIDs map[string][]byte
	read    bool // step 1
}

func (m *txXReadGroup) keys() [][]byte { return m.ks }

func (m *txXReadGroup) reads() []txRead {
	var rs []txRead
	for i, k := range m.ks {
		if !m.read {
			rs = append(rs, txRead{k, [][]byte{[]byte("XINFO"), []byte("GROUPS"), k}})
		} else if m.skip == nil || !m.skip[i] || string(m.ids[i]) != ">" {
			rs = append(rs, txRead{k, append(append([][]byte(nil), m.opts...), k, m.ids[i])})
		}
	}
	return rs
}

func (m *txXReadGroup) result(r [][]byte) ([]byte, []txWrite) {
	if m.read {
		m.read = false
		reply, _ := (&txXRead{}).result(r) // the streams with entries, in order
		return reply, nil
	}
	for i, x := range r {
		k := m.ks[i]
		last, msg := groupLast(x, m.group)
		switch {
		case msg == "wrongtype" && m.retry, msg == "nokey" && m.retry:
			return resp.AppendError(nil, "UNBLOCKED the stream key no longer exists"), nil
		case msg == "nogroup" && m.retry:
			return resp.AppendError(nil, "NOGROUP the consumer group this client was blocked on no longer exists"), nil
		case msg == "wrongtype":
			return resp.AppendError(nil, msgWrongType), nil
		case msg == "nokey", msg == "nogroup":
			return resp.AppendError(nil, "NOGROUP No such key '"+string(k)+"' or consumer group '"+string(m.group)+"' in XREADGROUP with GROUP option"), nil
		case msg != "":
			return resp.AppendError(nil, msg), nil
		}
		switch id := string(m.ids[i]); {
		case id == "$":
			return resp.AppendError(nil, "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."), nil
		case id != ">" && !validStreamID(id):
			return resp.AppendError(nil, msgInvalidStreamID), nil
		}
		m.lastIDs[string(k)] = last
	}
	m.read = true
	return nil, nil
}

func (m *txXReadGroup) then() txCompute {
	if m.read {
		return m
	}
	return nil
}

// groupLast finds group in an XINFO GROUPS reply and returns its
// last-delivered-id, or what is wrong: "wrongtype", "nokey", "nogroup",
// or another error's text.
func groupLast(r []byte, group []byte) ([]byte, string) {
	switch {
	case strings.HasPrefix(string(r), "-WRONGTYPE"):
		return nil, "wrongtype"
	case strings.HasPrefix(string(r), "-ERR no such key"):
		return nil, "nokey"
	case isErr(r):
		return nil, strings.TrimSuffix(string(r[1:]), "\r\n")
	}
	v, _, err := resp.Parse(r)
	if err != nil || v.Kind != resp.Array {
		return nil, "ERR bad reply from backend"
	}
	for _, g := range v.Elems {
		var name, last []byte
		for j := 0; j+1 < len(g.Elems); j += 2 {
			switch string(g.Elems[j].Str) {
			case "name":
				name = g.Elems[j+1].Str
			case "last-delivered-id":
				last = g.Elems[j+1].Str
			}
		}
		if string(name) == string(group) && last != nil {
			return last, ""
		}
	}
	return nil, "nogroup"
}

// validStreamID reports whether s is a stream ID as a read takes it:
// ms or ms-seq, each a 64-bit unsigned integer.
func validStreamID(s string) bool {
	ms, seq, dash := strings.Cut(s, "-")
	if _, err := strconv.ParseUint(ms, 10, 64); err != nil {
		return false
	}
	if dash {
		_, err := strconv.ParseUint(seq, 10, 64)
		return err == nil
	}
	return true
}
