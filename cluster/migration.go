package cluster

import (
	"context"
	"io"
	"time"
)

// MigrationTask is one migration as the source node's Migrator sees it.
type MigrationTask struct {
	Migration
	// Target and TargetAddr are the primary of the target shard and its
	// RESP address.
	Target     NodeID
	TargetAddr string
	// Report, which Migrate may call (from any goroutine, before it
	// returns), records an event of the move in CLUSTER EVENTS: how a
	// split by promotion went and how long writes to the slots paused.
	Report func(detail string, took time.Duration)
}

// Migrator is implemented by the data node to move the data of migrating
// slots. The cluster calls Migrate on the node that is primary of the
// source shard, on a goroutine of its own, once per migration (again after
// a failure or a change of source primary).
//
// Migrate must copy every key of t.Slots, with TTLs and the vectors they
// index, to the target (a snapshot, then the live change stream), then
// pause writes to those slots, drain the stream, and return nil: the
// cluster then asks the coordinator to give the slots to the target with a
// new epoch. When the node sees that map (Watch) it stops serving the slots
// (-MOVED), resumes paused writes by redirecting them, and deletes the moved
// keys. While Migrate runs, the node answers commands on the slots with
// Map.RouteKeys (-ASK for keys already gone). ctx is cancelled when the
// migration is abandoned or the member shuts down; Migrate must then
// return promptly and resume writes.
type Migrator interface {
	Migrate(ctx context.Context, t MigrationTask) error
}

// The interfaces below are what the migration and replication wire
// protocols will need from the node's keyspace. They are declared here, by
// their consumer, so the node can implement them now; the cluster does not
// call them yet.

// SlotReader is the source side of a migration or full sync.
type SlotReader interface {
	// CountKeysInSlot returns the number of keys in slot.
	CountKeysInSlot(slot int) int
	// WriteSlots writes a consistent snapshot of every key of the slots
	// (values, TTLs, indexed vectors) to w, and returns the replication
	// offset the snapshot corresponds to.
	WriteSlots(w io.Writer, slots []SlotRange) (offset uint64, err error)
}

// SlotWriter is the target side: it loads a snapshot written by
// WriteSlots, indexing vectors as it goes, and deletes slots that moved
// away.
type SlotWriter interface {
	ReadSlots(r io.Reader) error
	DeleteSlots(slots []SlotRange) error
}

// ChangeStream is the live write stream of a shard's primary, in order,
// with offsets: replication ships it to replicas after the full sync, and a
// migration ships the part of it that touches the moving slots.
type ChangeStream interface {
	// Changes returns the writes after offset that touch slots (nil: all
	// slots), blocking until there is at least one or ctx ends. The
	// returned bytes are the commands in RESP, owned by the caller.
	Changes(ctx context.Context, shard ShardID, slots []SlotRange, offset uint64) (cmds []byte, next uint64, err error)
}
