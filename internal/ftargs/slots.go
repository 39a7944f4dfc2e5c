package ftargs

import (
	"errors"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/keyslot"
)

// SlotsArg is the internal FT.AGGREGATE argument with which the proxy
// tells each node the hash slots it is to answer for: while a shard
// splits or a replica is promoted, two nodes can hold (and index) the
// same document and both believe they serve it; counting each slot on
// the one node the proxy routes it to counts every document once.
const SlotsArg = "__SLOTS"

// MultiArg is the internal FT.SEARCH and FT.AGGREGATE argument with
// which the proxy asks a node for what FORMAT EXPAND shows, the JSON
// array of every match of a path, as DIALECT 3 gives it, while the query
// keeps the client's dialect (the proxy reads the nodes' RESP2 replies,
// where a node refuses EXPAND).
const MultiArg = "__MULTI"

// SlotSet is a set of hash slots.
type SlotSet [keyslot.Count / 64]uint64

// Has reports whether slot is in the set.
func (s *SlotSet) Has(slot int) bool {
	return slot >= 0 && slot < keyslot.Count && s[slot/64]&(1<<(slot%64)) != 0
}

// Add puts slot in the set.
func (s *SlotSet) Add(slot int) { s[slot/64] |= 1 << (slot % 64) }

// String writes the set as ranges, "0-5460,10923-16383" ("" when empty),
// the form ParseSlotSet reads.
func (s *SlotSet) String() string {
	var b strings.Builder
	for lo := 0; lo < keyslot.Count; lo++ {
		if !s.Has(lo) {
			continue
		}
		hi := lo
		for hi+1 < keyslot.Count && s.Has(hi+1) {
			hi++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(lo))
		if hi > lo {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(hi))
		}
		lo = hi
	}
	return b.String()
}

var errSlots = errors.New("Bad arguments for " + SlotsArg)

// ParseSlotSet reads String's form.
func ParseSlotSet(spec string) (*SlotSet, error) {
	s := &SlotSet{}
	if spec == "" {
		return s, nil
	}
	for _, part := range strings.Split(spec, ",") {
		a, b, isRange := strings.Cut(part, "-")
		lo, err := strconv.Atoi(a)
		if err != nil {
			return nil, errSlots
		}
		hi := lo
		if isRange {
			if hi, err = strconv.Atoi(b); err != nil {
				return nil, errSlots
			}
		}
		if lo < 0 || hi >= keyslot.Count || lo > hi {
			return nil, errSlots
		}
		for i := lo; i <= hi; i++ {
			s.Add(i)
		}
	}
	return s, nil
}

// SlotsGonePrefix starts a node's error reply to a query whose SlotsArg
// names a slot the node's map has moved to a shard the node neither leads,
// replicates nor imports: the asker's map is older than the node's, and
// the node drops (or has dropped) that slot's documents. The proxy asks
// again by a newer map.
const SlotsGonePrefix = "ERR " + SlotsArg + " slot moved"
