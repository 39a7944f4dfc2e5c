package cluster

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
)

// Errors of the CLUSTER command. Their texts are Redis's, without the "ERR "
// the node puts in front of errors it does not know.
var (
	ErrUnknownSubcommand = errors.New("unknown subcommand")
	ErrWrongArgs         = errors.New("wrong number of arguments")
	ErrInvalidSlot       = errors.New("Invalid slot")
	ErrNotInteger        = errors.New("value is not an integer or out of range")
	ErrUnsupported       = errors.New("not supported: vcache places slots itself")
)

// commandError is a CLUSTER error whose text names the subcommand.
type commandError struct {
	err  error
	text string
}

func (e *commandError) Error() string { return e.text }
func (e *commandError) Unwrap() error { return e.err }

func unknownSub(sub string) error {
	return &commandError{ErrUnknownSubcommand, fmt.Sprintf("unknown subcommand '%.128s'. Try CLUSTER HELP.", sub)}
}

func wrongArgs(sub string) error {
	return &commandError{ErrWrongArgs, fmt.Sprintf("wrong number of arguments for 'cluster|%s' command", strings.ToLower(sub))}
}

// KeySource is the node's keyspace as CLUSTER COUNTKEYSINSLOT and
// GETKEYSINSLOT see it. Calls come from the connection's goroutine.
type KeySource interface {
	// CountKeysInSlot returns the number of keys in slot.
	CountKeysInSlot(slot int) int
	// KeysInSlot returns up to count keys of slot; the caller owns them.
	KeysInSlot(slot, count int) []string
}

// helpLines is the CLUSTER HELP text.
var helpLines = []string{
	"CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"COUNTKEYSINSLOT <slot>", "    Return the number of keys in <slot>.",
	"GETKEYSINSLOT <slot> <count>", "    Return key names stored by current node in a slot.",
	"INFO", "    Return information about the cluster.",
	"KEYSLOT <key>", "    Return the hash slot for <key>.",
	"MYID", "    Return the node id.",
	"MYSHARDID", "    Return the id of the first shard this node serves.",
	"NODES", "    Return cluster configuration seen by node, in CLUSTER NODES format.",
	"SHARDS", "    Return information about slot range mappings and the nodes of each shard.",
	"SLOTS", "    Return information about slot range mappings.",
	"AUTOSCALE PLAN", "    Dry run of the autoscaler: which shard, which resource, which slots go where.",
	"AUTOSCALE STATUS", "    Usage of every shard against its budgets.",
	"EVENTS [<count>]", "    Latest splits, merges and failovers, newest first (default 20).",
	"HELP", "    Print this help.",
}

// Command executes a CLUSTER command. args is the whole command line,
// args[0] being "CLUSTER"; keys answers COUNTKEYSINSLOT and GETKEYSINSLOT
// (nil: they count zero keys). It writes the reply to w and returns nil, or
// returns an error before writing anything; the node turns the error into
// RESP ("ERR " + its text).
func (c *Cluster) Command(args [][]byte, keys KeySource, w ReplyWriter) error {
	if len(args) < 2 {
		return &commandError{ErrWrongArgs, "wrong number of arguments for 'cluster' command"}
	}
	sub := strings.ToUpper(string(args[1]))
	argc := len(args) - 2
	need := func(n int) error {
		if argc != n {
			return wrongArgs(sub)
		}
		return nil
	}
	m := c.Map()
	self := c.Self()
	switch sub {
	case "HELP":
		w.WriteArray(len(helpLines))
		for _, l := range helpLines {
			w.WriteString(l)
		}
	case "INFO":
		if err := need(0); err != nil {
			return err
		}
		w.WriteBulkString(FormatInfo(m.Info(self, c.sent.Load(), c.received.Load())))
	case "MYID":
		if err := need(0); err != nil {
			return err
		}
		w.WriteBulkString(self.RedisID())
	case "MYSHARDID":
		if err := need(0); err != nil {
			return err
		}
		prim, repl := m.ShardsOf(self)
		switch {
		case len(prim) > 0:
			w.WriteBulkString(prim[0].ID.RedisID())
		case len(repl) > 0:
			w.WriteBulkString(repl[0].ID.RedisID())
		default:
			w.WriteBulkString(ShardID(0).RedisID())
		}
	case "NODES":
		if err := need(0); err != nil {
			return err
		}
		w.WriteBulkString(FormatNodes(m, self, time.Now()))
	case "SLOTS":
		if err := need(0); err != nil {
			return err
		}
		WriteSlots(w, m.SlotsReply())
	case "SHARDS":
		if err := need(0); err != nil {
			return err
		}
		WriteShards(w, m.ShardsReply())
	case "KEYSLOT":
		if err := need(1); err != nil {
			return err
		}
		w.WriteInt64(int64(keyslot.Of(args[2])))
	case "COUNTKEYSINSLOT":
		if err := need(1); err != nil {
			return err
		}
		slot, err := parseInt(args[2])
		if err != nil {
			return err
		}
		if !validSlot64(slot) {
			return ErrInvalidSlot
		}
		n := 0
		if keys != nil {
			n = keys.CountKeysInSlot(int(slot))
		}
		w.WriteInt64(int64(n))
	case "GETKEYSINSLOT":
		if err := need(2); err != nil {
			return err
		}
		slot, err := parseInt(args[2])
		if err != nil {
			return err
		}
		count, err := parseInt(args[3])
		if err != nil {
			return err
		}
		if !validSlot64(slot) || count < 0 {
			return &commandError{ErrInvalidSlot, "Invalid slot or number of keys"}
		}
		var ks []string
		if keys != nil && count > 0 {
			ks = keys.KeysInSlot(int(slot), int(min(count, 1<<20)))
		}
		w.WriteArray(len(ks))
		for _, k := range ks {
			w.WriteBulkString(k)
		}
	case "AUTOSCALE":
		if argc != 1 {
			return wrongArgs(sub)
		}
		switch strings.ToUpper(string(args[2])) {
		case "PLAN":
			w.WriteBulkString(FormatPlans(c.Status().Plans))
		case "STATUS":
			w.WriteBulkString(FormatStatus(c.Status()))
		default:
			return unknownSub("AUTOSCALE " + string(args[2]))
		}
	case "EVENTS":
		n := int64(20)
		switch argc {
		case 0:
		case 1:
			var err error
			if n, err = parseInt(args[2]); err != nil {
				return err
			}
			if n < 0 {
				return ErrNotInteger
			}
		default:
			return wrongArgs(sub)
		}
		WriteEvents(w, c.Events(int(min(n, 1<<16))))
	case "ADDSLOTS", "ADDSLOTSRANGE", "DELSLOTS", "DELSLOTSRANGE", "FLUSHSLOTS", "SETSLOT", "MEET", "FORGET",
		"REPLICATE", "FAILOVER", "RESET", "BUMPEPOCH", "SET-CONFIG-EPOCH", "SAVECONFIG", "COUNT-FAILURE-REPORTS":
		return &commandError{ErrUnsupported, "CLUSTER " + sub + " is " + ErrUnsupported.Error()}
	default:
		return unknownSub(string(args[1]))
	}
	return nil
}

func parseInt(b []byte) (int64, error) {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, ErrNotInteger
	}
	return n, nil
}

func validSlot64(s int64) bool { return s >= 0 && s < keyslot.Count }
