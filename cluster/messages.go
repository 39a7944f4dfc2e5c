package cluster

import "fmt"

// Gossip messages are one type byte followed by the body. decodeMessage is
// the one switch that reads them.
const (
	msgMap           byte = 1  // a full shard map
	msgDelta         byte = 2  // the changes from one map to the next
	msgMapRequest    byte = 3  // "send me your full map"
	msgLoad          byte = 4  // a node's load report
	msgProfile       byte = 5  // per-slot load of a shard, for splits
	msgEvent         byte = 6  // a coordinator decision, for CLUSTER EVENTS
	msgMigrationDone byte = 7  // a source node finished moving a migration's data
	msgLeaseProbe    byte = 8  // "ack my lease" (fence.go)
	msgLeaseAck      byte = 9  // the answer to a lease probe
	msgReportSeen    byte = 10 // "I took your load report" (fencehold.go)
)

// message is a decoded gossip message.
type message interface {
	// encode returns the wire form: type byte and body.
	encode() []byte
}

// mapMsg carries a full map.
type mapMsg struct{ m *Map }

func (m mapMsg) encode() []byte { return m.m.encoded }

// deltaMsg turns the map (baseEpoch, baseCoord) into (epoch, coord).
type deltaMsg struct {
	baseEpoch    uint64
	baseCoord    NodeID
	epoch        uint64
	coord        NodeID
	nextShard    ShardID
	nodes        []Member  // added or changed nodes
	removedNodes []NodeID  // nodes no longer in the map
	shards       []Shard   // added or changed shards
	removed      []ShardID // shards no longer in the map
	migrations   []Migration
}

// mapRequestMsg asks the receiver for its full map.
type mapRequestMsg struct {
	from  NodeID
	epoch uint64
	coord NodeID
}

// loadMsg is a load report; epoch and coord announce the sender's map.
type loadMsg struct {
	from  NodeID
	boot  uint64
	seq   uint64
	part  uint64 // reports with many shards come in parts
	epoch uint64
	coord NodeID
	load  NodeLoad
	// leases is set by members that ack lease probes (fence.go); acks
	// says how long ago the sender last acked each member. answers is
	// set by members that answer a report that says holding, and hold
	// their acks until answered (fencehold.go); holding says the sender
	// holds acks now and waits for the answers. The flags ride in bits
	// of the copies' flags, which older versions ignore: they add no
	// byte, so those versions still decode the report.
	leases  bool
	acks    []ackAge
	answers bool
	holding bool
}

// reportSeenMsg answers a load report that says holding: member from (in
// its run boot) took report seq of member to (in its run toBoot) while it
// had map (epoch, coord). Sent only to a member whose report says
// holding, so never to older versions, which would drop the unknown type.
type reportSeenMsg struct {
	from   NodeID
	boot   uint64
	to     NodeID
	toBoot uint64
	seq    uint64
	epoch  uint64
	coord  NodeID
}

// profileMsg carries per-slot statistics of one shard to the coordinator.
type profileMsg struct {
	from  NodeID
	shard ShardID
	stats []SlotStat
}

// eventMsg spreads one event.
type eventMsg struct{ ev Event }

// migrationDoneMsg tells the coordinator a migration's data has moved.
type migrationDoneMsg struct {
	from NodeID
	boot uint64
	id   uint64
}

func (e *encoder) member(n Member) {
	e.id(n.ID)
	e.byte(byte(n.Role))
	e.str(n.Addr)
	e.str(n.Bus)
	e.str(n.Zone)
	e.uvarint(n.Boot)
}

func (d *decoder) member() Member {
	return Member{ID: d.id(), Role: Role(d.byte()), Addr: d.str(), Bus: d.str(), Zone: d.str(), Boot: d.uvarint()}
}

// members encodes a count, then each member.
func (e *encoder) members(ns []Member) {
	e.uvarint(uint64(len(ns)))
	for _, n := range ns {
		e.member(n)
	}
}

// members decodes what encoder.members encodes (nil for none).
func (d *decoder) members() []Member {
	var ns []Member
	for range d.count() {
		ns = append(ns, d.member())
	}
	return ns
}

// shards encodes a count, then each shard.
func (e *encoder) shards(ss []Shard) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.shard(s)
	}
}

// shards decodes what encoder.shards encodes (nil for none).
func (d *decoder) shards() []Shard {
	var ss []Shard
	for range d.count() {
		ss = append(ss, d.shard())
	}
	return ss
}

func (e *encoder) shard(s Shard) {
	e.uvarint(uint64(s.ID))
	e.ranges(s.Slots)
	e.id(s.Primary)
	e.uvarint(uint64(len(s.Replicas)))
	for _, r := range s.Replicas {
		e.id(r)
	}
}

func (d *decoder) shard() Shard {
	s := Shard{ID: d.shardID(), Slots: d.ranges(), Primary: d.id()}
	if n := d.count(); n > 0 {
		s.Replicas = make([]NodeID, 0, n)
		for range n {
			s.Replicas = append(s.Replicas, d.id())
		}
	}
	return s
}

func (e *encoder) migrations(gs []Migration) {
	e.uvarint(uint64(len(gs)))
	for _, g := range gs {
		e.uvarint(g.ID)
		// The method rides in the kind byte's high half, so maps
		// encoded before it existed decode as copies.
		e.byte(byte(g.Kind)&0x0f | byte(g.Method)<<4)
		e.uvarint(uint64(g.From))
		e.uvarint(uint64(g.To))
		e.ranges(g.Slots)
		e.time(g.Started)
	}
}

func (d *decoder) migrations() []Migration {
	n := d.count()
	var out []Migration
	for range n {
		id, kind := d.uvarint(), d.byte()
		out = append(out, Migration{ID: id, Kind: MoveKind(kind & 0x0f), Method: SplitMethod(kind >> 4),
			From: d.shardID(), To: d.shardID(), Slots: d.ranges(), Started: d.time()})
	}
	return out
}

// encodeMapMsg encodes a full map message.
func encodeMapMsg(m *Map) []byte {
	e := encoder{b: []byte{msgMap}}
	e.uvarint(m.epoch)
	e.id(m.coord)
	e.uvarint(uint64(m.nextShard))
	e.members(m.nodes)
	e.shards(m.shards)
	e.migrations(m.migrations)
	return e.b
}

func decodeMapBody(d *decoder) (*Map, error) {
	epoch, coord, next := d.uvarint(), d.id(), d.shardID()
	nodes, shards := d.members(), d.shards()
	migs := d.migrations()
	if err := d.done(); err != nil {
		return nil, err
	}
	return buildMap(epoch, coord, next, nodes, shards, migs)
}

func (m deltaMsg) encode() []byte {
	e := encoder{b: []byte{msgDelta}}
	e.uvarint(m.baseEpoch)
	e.id(m.baseCoord)
	e.uvarint(m.epoch)
	e.id(m.coord)
	e.uvarint(uint64(m.nextShard))
	e.members(m.nodes)
	e.uvarint(uint64(len(m.removedNodes)))
	for _, n := range m.removedNodes {
		e.id(n)
	}
	e.shards(m.shards)
	e.uvarint(uint64(len(m.removed)))
	for _, s := range m.removed {
		e.uvarint(uint64(s))
	}
	e.migrations(m.migrations)
	return e.b
}

func decodeDeltaBody(d *decoder) deltaMsg {
	m := deltaMsg{baseEpoch: d.uvarint(), baseCoord: d.id(), epoch: d.uvarint(), coord: d.id(), nextShard: d.shardID()}
	m.nodes = d.members()
	for range d.count() {
		m.removedNodes = append(m.removedNodes, d.id())
	}
	m.shards = d.shards()
	for range d.count() {
		m.removed = append(m.removed, d.shardID())
	}
	m.migrations = d.migrations()
	return m
}

func (m mapRequestMsg) encode() []byte {
	e := encoder{b: []byte{msgMapRequest}}
	e.id(m.from)
	e.uvarint(m.epoch)
	e.id(m.coord)
	return e.b
}

func (m loadMsg) encode() []byte {
	e := encoder{b: []byte{msgLoad}}
	e.id(m.from)
	e.uvarint(m.boot)
	e.uvarint(m.seq)
	e.uvarint(m.part)
	e.uvarint(m.epoch)
	e.id(m.coord)
	e.uvarint(m.load.MemoryUsed)
	e.uvarint(m.load.MemoryLimit)
	e.float(m.load.CPUUsed)
	e.float(m.load.CPUCores)
	e.uvarint(uint64(len(m.load.Shards)))
	for _, s := range m.load.Shards {
		e.uvarint(uint64(s.Shard))
		e.uvarint(s.Memory)
		e.float(s.Ops)
		e.float(s.CPU)
		e.float(s.Network)
		e.uvarint(s.Conns)
		e.uvarint(s.Vectors)
	}
	e.uvarint(uint64(len(m.load.Offsets)))
	var partial []ShardID
	for _, o := range m.load.Offsets {
		e.uvarint(uint64(o.Shard))
		e.uvarint(o.Offset)
		if o.Partial {
			partial = append(partial, o.Shard)
		}
	}
	flags := uint64(0)
	if m.load.Copies {
		flags |= 1
	}
	if m.leases {
		flags |= 2
	}
	if m.answers {
		flags |= 4
	}
	if m.holding {
		flags |= 8
	}
	e.uvarint(flags)
	e.uvarint(uint64(len(partial)))
	for _, id := range partial {
		e.uvarint(uint64(id))
	}
	var released []ShardOffset
	for _, o := range m.load.Offsets {
		if o.Released != 0 {
			released = append(released, o)
		}
	}
	e.uvarint(uint64(len(released)))
	for _, o := range released {
		e.uvarint(uint64(o.Shard))
		e.uvarint(o.Released)
	}
	e.uvarint(uint64(len(m.acks)))
	for _, a := range m.acks {
		e.id(a.id)
		e.dur(a.age)
	}
	return e.b
}

func decodeLoadBody(d *decoder) loadMsg {
	m := loadMsg{from: d.id(), boot: d.uvarint(), seq: d.uvarint(), part: d.uvarint(), epoch: d.uvarint(), coord: d.id()}
	m.load.Node = m.from
	m.load.MemoryUsed, m.load.MemoryLimit = d.uvarint(), d.uvarint()
	m.load.CPUUsed, m.load.CPUCores = d.float(), d.float()
	for range d.count() {
		m.load.Shards = append(m.load.Shards, ShardLoad{Shard: d.shardID(), Memory: d.uvarint(),
			Ops: d.float(), CPU: d.float(), Network: d.float(), Conns: d.uvarint(), Vectors: d.uvarint()})
	}
	if len(d.b) > 0 { // reports of older versions end here
		for range d.count() {
			m.load.Offsets = append(m.load.Offsets, ShardOffset{Shard: d.shardID(), Offset: d.uvarint()})
		}
	}
	if len(d.b) > 0 { // the state of the node's copies
		flags := d.uvarint()
		m.load.Copies = flags&1 != 0
		m.leases = flags&2 != 0
		m.answers = flags&4 != 0
		m.holding = flags&8 != 0
		for range d.count() {
			id := d.shardID()
			for i := range m.load.Offsets {
				if m.load.Offsets[i].Shard == id {
					m.load.Offsets[i].Partial = true
				}
			}
		}
	}
	if len(d.b) > 0 { // the shards whose leaving replicas the primary released
		for range d.count() {
			id, epoch := d.shardID(), d.uvarint()
			for i := range m.load.Offsets {
				if m.load.Offsets[i].Shard == id {
					m.load.Offsets[i].Released = epoch
				}
			}
		}
	}
	if len(d.b) > 0 { // when the sender last acked each member's lease
		for range d.count() {
			m.acks = append(m.acks, ackAge{id: d.id(), age: d.dur()})
		}
	}
	return m
}

func (m reportSeenMsg) encode() []byte {
	e := encoder{b: []byte{msgReportSeen}}
	e.id(m.from)
	e.uvarint(m.boot)
	e.id(m.to)
	e.uvarint(m.toBoot)
	e.uvarint(m.seq)
	e.uvarint(m.epoch)
	e.id(m.coord)
	return e.b
}

func (m profileMsg) encode() []byte {
	e := encoder{b: []byte{msgProfile}}
	e.id(m.from)
	e.uvarint(uint64(m.shard))
	e.uvarint(uint64(len(m.stats)))
	prev := 0
	for i, s := range m.stats {
		if i == 0 {
			e.uvarint(uint64(s.Slot))
		} else {
			e.uvarint(uint64(s.Slot - prev))
		}
		prev = s.Slot
		e.uvarint(s.Keys)
		e.uvarint(s.Bytes)
		e.uvarint(s.Ops)
	}
	return e.b
}

func decodeProfileBody(d *decoder) profileMsg {
	m := profileMsg{from: d.id(), shard: d.shardID()}
	n := d.count()
	prev := 0
	for i := range n {
		delta := d.uvarint()
		if (i > 0 && delta == 0) || delta >= 16384 || prev+int(delta) >= 16384 {
			d.fail()
			break
		}
		slot := int(delta)
		if i > 0 {
			slot = prev + int(delta)
		}
		prev = slot
		m.stats = append(m.stats, SlotStat{Slot: slot, Keys: d.uvarint(), Bytes: d.uvarint(), Ops: d.uvarint()})
	}
	return m
}

func (m eventMsg) encode() []byte {
	e := encoder{b: []byte{msgEvent}}
	e.str(m.ev.ID)
	e.time(m.ev.Time)
	e.str(string(m.ev.Kind))
	e.uvarint(uint64(m.ev.Shard))
	e.str(m.ev.Detail)
	e.dur(m.ev.Duration)
	return e.b
}

func decodeEventBody(d *decoder) eventMsg {
	return eventMsg{Event{ID: d.str(), Time: d.time(), Kind: EventKind(d.str()), Shard: d.shardID(),
		Detail: d.str(), Duration: d.dur()}}
}

func (m migrationDoneMsg) encode() []byte {
	e := encoder{b: []byte{msgMigrationDone}}
	e.id(m.from)
	e.uvarint(m.boot)
	e.uvarint(m.id)
	return e.b
}

// decodeMessage decodes one gossip message. The result is one of mapMsg,
// deltaMsg, mapRequestMsg, loadMsg, profileMsg, eventMsg,
// migrationDoneMsg, leaseProbeMsg, leaseAckMsg and reportSeenMsg; it does
// not alias b.
func decodeMessage(b []byte) (message, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty", errDecode)
	}
	d := &decoder{b: b[1:]}
	var msg message
	switch b[0] {
	case msgMap:
		m, err := decodeMapBody(d)
		if err != nil {
			return nil, err
		}
		return mapMsg{m}, nil
	case msgDelta:
		msg = decodeDeltaBody(d)
	case msgMapRequest:
		msg = mapRequestMsg{from: d.id(), epoch: d.uvarint(), coord: d.id()}
	case msgLoad:
		msg = decodeLoadBody(d)
	case msgProfile:
		msg = decodeProfileBody(d)
	case msgEvent:
		msg = decodeEventBody(d)
	case msgMigrationDone:
		msg = migrationDoneMsg{from: d.id(), boot: d.uvarint(), id: d.uvarint()}
	case msgLeaseProbe:
		msg = leaseProbeMsg{from: d.id(), boot: d.uvarint(), seq: d.uvarint()}
	case msgLeaseAck:
		msg = leaseAckMsg{from: d.id(), to: d.id(), toBoot: d.uvarint(), seq: d.uvarint(), epoch: d.uvarint(), coord: d.id()}
	case msgReportSeen:
		msg = reportSeenMsg{from: d.id(), boot: d.uvarint(), to: d.id(), toBoot: d.uvarint(), seq: d.uvarint(), epoch: d.uvarint(), coord: d.id()}
	default:
		return nil, fmt.Errorf("%w: unknown type %d", errDecode, b[0])
	}
	if err := d.done(); err != nil {
		return nil, err
	}
	return msg, nil
}
