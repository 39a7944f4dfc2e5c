package node

import (
	"strings"
	"sync/atomic"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

// Keyspace notifications (notify-keyspace-events): a write that changed a
// key publishes its event on __keyspace@0__:<key> (message: the event)
// and __keyevent@0__:<event> (message: the key), as Redis does, for the
// classes the flags enable. Expiry and eviction are heard from the
// keyspace's observer; the commands' events are derived after each write
// from the command and whether its keys' slots changed.

// Event classes and channel kinds, as Redis's flag characters.
const (
	nfKeyspace uint32 = 1 << iota // K
	nfKeyevent                    // E
	nfGeneric                     // g
	nfString                      // $
	nfList                        // l
	nfSet                         // s
	nfHash                        // h
	nfZset                        // z
	nfExpired                     // x
	nfEvicted                     // e
	nfStream                      // t
	nfKeyMiss                     // m: a read of a missing key (keymiss)
	nfModule                      // d (accepted; vcache has no modules)
	nfNew                         // n: a key created (new)

	nfAll = nfGeneric | nfString | nfList | nfSet | nfHash | nfZset | nfExpired | nfEvicted | nfStream | nfModule
)

// nfChars maps flag characters to classes, in the order CONFIG GET
// writes them (after A and before K, E, m).
var nfChars = []struct {
	c    byte
	flag uint32
}{{'g', nfGeneric}, {'$', nfString}, {'l', nfList}, {'s', nfSet}, {'h', nfHash}, {'z', nfZset},
	{'x', nfExpired}, {'e', nfEvicted}, {'t', nfStream}, {'d', nfModule}, {'n', nfNew}}

// setNotifyFlags parses CONFIG SET notify-keyspace-events.
func (n *Node) setNotifyFlags(val string) error {
	var f uint32
	for i := 0; i < len(val); i++ {
		switch c := val[i]; c {
		case 'A':
			f |= nfAll
		case 'K':
			f |= nfKeyspace
		case 'E':
			f |= nfKeyevent
		case 'm':
			f |= nfKeyMiss
		default:
			ok := false
			for _, x := range nfChars {
				if x.c == c {
					f, ok = f|x.flag, true
				}
			}
			if !ok {
				return errArgument("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
			}
		}
	}
	n.notifyFlags.Store(f)
	return nil
}

// notifyFlagsText renders the flags as CONFIG GET does (Redis 7.0 writes
// A alone for all the classes, without n).
func (n *Node) notifyFlagsText() string {
	f := n.notifyFlags.Load()
	var b []byte
	if f&nfAll == nfAll {
		b = append(b, 'A')
	} else {
		for _, x := range nfChars {
			if f&x.flag != 0 {
				b = append(b, x.c)
			}
		}
	}
	if f&nfKeyspace != 0 {
		b = append(b, 'K')
	}
	if f&nfKeyevent != 0 {
		b = append(b, 'E')
	}
	if f&nfKeyMiss != 0 {
		b = append(b, 'm')
	}
	return string(b)
}

// notify publishes event of class on key, if the flags ask for it; b is
// the event loop's batch the command runs in (nil: none, see publish).
func (n *Node) notify(b *outBatch, class uint32, event, key string) {
	f := n.notifyFlags.Load()
	if f&(nfKeyspace|nfKeyevent) == 0 || f&class == 0 || command.IsScratchName(key) {
		return // none for the proxy's scratch keys (scratch.go)
	}
	if f&nfKeyspace != 0 {
		n.publish(subChannel, []byte("__keyspace@0__:"+key), []byte(event), b)
	}
	if f&nfKeyevent != 0 {
		n.publish(subChannel, []byte("__keyevent@0__:"+event), []byte(key), b)
	}
}

// notifyObserver publishes the expired and evicted events (the keyspace
// calls it under the key's lock; publishing never blocks).
type notifyObserver struct{ n atomic.Pointer[Node] }

func (o *notifyObserver) HashChanged(string, int, map[string][]byte) {}

// WantsHash: notifications need no hash's fields.
func (o *notifyObserver) WantsHash(string) bool { return false }

// WantsHashes: never.
func (o *notifyObserver) WantsHashes() bool { return false }

func (o *notifyObserver) KeyRemoved(key string, _ int, why cache.Reason) {
	n := o.n.Load()
	if n == nil || n.notifyFlags.Load() == 0 {
		return
	}
	switch why {
	case cache.ReasonExpired:
		n.notify(nil, nfExpired, "expired", key)
	case cache.ReasonEvicted:
		n.notify(nil, nfEvicted, "evicted", key)
	}
}

// observers joins the keyspace's observers.
type observers []cache.Observer

var (
	_ cache.JSONObserver    = observers{}
	_ cache.HashFilter      = observers{}
	_ cache.HashFieldPicker = observers{}
	_ cache.HashFieldPicker = searchObserver{}
)

func (os observers) HashChanged(key string, slot int, fields map[string][]byte) {
	for _, o := range os {
		o.HashChanged(key, slot, fields)
	}
}

func (os observers) KeyRemoved(key string, slot int, why cache.Reason) {
	for _, o := range os {
		o.KeyRemoved(key, slot, why)
	}
}

// WantsHash reports whether an observer needs key's fields: one that says
// so, or one that does not filter.
func (os observers) WantsHash(key string) bool {
	for _, o := range os {
		if f, ok := o.(cache.HashFilter); !ok || f.WantsHash(key) {
			return true
		}
	}
	return false
}

// WantsHashes reports whether an observer may need some key's fields now.
func (os observers) WantsHashes() bool {
	for _, o := range os {
		if f, ok := o.(cache.HashFilter); !ok || f.WantsHashes() {
			return true
		}
	}
	return false
}

// HashFieldNames joins the field names of the observers that want key's
// fields; every field when one of them does not name its own.
func (os observers) HashFieldNames(key string) ([]string, bool) {
	var out []string
	n := 0
	for _, o := range os {
		if f, ok := o.(cache.HashFilter); ok && !f.WantsHash(key) {
			continue
		}
		p, ok := o.(cache.HashFieldPicker)
		if !ok {
			return nil, false
		}
		names, some := p.HashFieldNames(key)
		if !some {
			return nil, false
		}
		if n++; n == 1 {
			out = names
		} else {
			out = append(out[:len(out):len(out)], names...)
		}
	}
	return out, true
}

// JSONChanged passes a JSON document's change to the observers that hear
// about documents (the FT indexes ON JSON).
func (os observers) JSONChanged(key string, slot int, doc cache.JSONView) {
	for _, o := range os {
		if jo, ok := o.(cache.JSONObserver); ok {
			jo.JSONChanged(key, slot, doc)
		}
	}
}

// writeWatch is what a write's notifications compare: its keys' slot
// versions before it ran.
type writeWatch struct {
	keys []int // positions in args
	vers []uint64
	// existed says which keys existed before, when the n or m class is
	// on (nil otherwise).
	existed []bool
	// consumer is the consumer an XREADGROUP, XCLAIM or XAUTOCLAIM names
	// (on the stream of keys[0]) and had its group before; those commands
	// notify only the consumer they create.
	group, consumer string
	hadConsumer     bool
}

// notifyBefore notes the versions of a write's keys' slots, when
// notifications are on; nil otherwise.
func (n *Node) notifyBefore(spec *command.Spec, args [][]byte) *writeWatch {
	f := n.notifyFlags.Load()
	if f&(nfKeyspace|nfKeyevent) == 0 {
		return nil
	}
	write := spec.Has(command.Write)
	if !write && (f&nfKeyMiss == 0 || !spec.Has(command.Readonly) || spec.Group == "pubsub") {
		return nil
	}
	w := &writeWatch{keys: spec.KeyIndexes(args)}
	if !write || f&nfNew != 0 {
		for _, i := range w.keys {
			w.existed = append(w.existed, n.ks.Exists(args[i]) > 0)
		}
	}
	for _, i := range w.keys {
		w.vers = append(w.vers, n.ks.KeyVersion(args[i]))
	}
	if at := spec.ConsumerArg; at > 0 && at+1 < len(args) && len(w.keys) > 0 {
		w.group, w.consumer = string(args[at]), string(args[at+1])
	}
	if w.consumer != "" {
		w.hadConsumer = n.hasConsumer(args[w.keys[0]], w.group, w.consumer)
	}
	return w
}

// hasConsumer reports whether the stream at key has consumer in group.
func (n *Node) hasConsumer(key []byte, group, consumer string) bool {
	cs, err := n.ks.XInfoConsumers(key, group)
	if err != nil {
		return false
	}
	for _, c := range cs {
		if c.Name == consumer {
			return true
		}
	}
	return false
}

// notifyAfter publishes the events of a write whose keys' slots changed
// (b: as notify's).
func (n *Node) notifyAfter(w *writeWatch, spec *command.Spec, args [][]byte, b *outBatch) {
	if !spec.Has(command.Write) {
		for j, i := range w.keys {
			if !w.existed[j] {
				n.notify(b, nfKeyMiss, "keymiss", string(args[i]))
			}
		}
		return
	}
	if w.existed != nil {
		for j, i := range w.keys {
			if !w.existed[j] && n.ks.Exists(args[i]) > 0 {
				n.notify(b, nfNew, "new", string(args[i]))
			}
		}
	}
	if spec.Has(command.NoEvents) {
		// Nothing but the consumer it creates (ConsumerArg).
		if w.consumer != "" && !w.hadConsumer && n.hasConsumer(args[w.keys[0]], w.group, w.consumer) {
			n.notify(b, nfStream, "xgroup-createconsumer", string(args[w.keys[0]]))
		}
		return
	}
	for x := range w.keys {
		j := x
		if spec.Has(command.DestFirst) {
			j = len(w.keys) - 1 - x
		}
		i := w.keys[j]
		key := args[i]
		if n.ks.KeyVersion(key) == w.vers[j] {
			continue
		}
		gone := n.ks.Exists(key) == 0
		class, event := eventOf(spec, args, j)
		if gone && (event == "expire" || event == "georadiusstore" || event == "geosearchstore") {
			class, event = nfGeneric, "del"
		}
		n.notify(b, class, event, string(key))
		if gone && event != "del" && isContainer(spec.Group) {
			n.notify(b, nfGeneric, "del", string(key))
		}
		if event == "set" && spec.TTLIf != nil && spec.TTLIf(args) {
			n.notify(b, nfGeneric, "expire", string(key))
		}
	}
}

// eventOf returns the class and name of the event a write makes on its
// j-th key: the spec's event name (Redis's, where it is not the
// command's own) in its class, or the command's name in its group's.
func eventOf(spec *command.Spec, args [][]byte, j int) (uint32, string) {
	if spec.Event == "" && spec.EventOf == nil {
		return groupClass(spec.Group), spec.Name
	}
	event := spec.EventName(args, j)
	return eventClass(event), event
}

// eventClass is the class of an event that Redis names apart from the
// command making it.
func eventClass(event string) uint32 {
	switch event {
	case "set", "incrby", "setbit":
		return nfString
	case "hset", "hexpire", "hdel":
		return nfHash
	case "zincr", "zadd", "georadiusstore":
		return nfZset
	case "sortstore", "lpush", "rpush", "lpop", "rpop":
		return nfList
	case "srem", "sadd":
		return nfSet
	}
	if strings.HasPrefix(event, "xgroup-") {
		return nfStream
	}
	return nfGeneric
}

// groupClass is the event class of a command group's writes.
func groupClass(group string) uint32 {
	switch group {
	case "list":
		return nfList
	case "set":
		return nfSet
	case "hash":
		return nfHash
	case "sortedset", "geo":
		return nfZset
	case "stream":
		return nfStream
	case "string", "bitmap", "hyperloglog":
		return nfString
	}
	return nfGeneric
}

// isContainer reports whether a group's values disappear when emptied
// (their last element gone: Redis then notifies del as well).
func isContainer(group string) bool {
	switch group {
	case "list", "set", "hash", "sortedset":
		return true
	}
	return false
}
