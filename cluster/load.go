package cluster

import (
	"fmt"
	"time"
)

// Resource is one of the per-shard resources the autoscaler watches.
type Resource uint8

// The watched resources, in the order Usage holds them.
const (
	ResMemory Resource = iota
	ResOps
	ResCPU
	ResNetwork
	ResConns
	ResVectors
	numResources
)

var resourceNames = [numResources]string{"memory", "ops", "cpu", "network", "conns", "vectors"}

// String returns the resource's name as CLUSTER AUTOSCALE shows it.
func (r Resource) String() string {
	if r < numResources {
		return resourceNames[r]
	}
	return fmt.Sprintf("resource(%d)", uint8(r))
}

// Budget is what one shard may use of each resource. A zero budget means the
// resource is not watched.
type Budget struct {
	Memory  uint64  // bytes
	Ops     float64 // commands per second
	CPU     float64 // cores
	Network float64 // bytes per second, in + out
	Conns   uint64  // client connections
	Vectors uint64  // indexed vectors
}

// ShardLoad is the measured load of one shard on its primary.
type ShardLoad struct {
	Shard   ShardID
	Memory  uint64  // bytes of keys and vector indexes
	Ops     float64 // commands per second
	CPU     float64 // cores
	Network float64 // bytes per second, in + out
	Conns   uint64  // client connections
	Vectors uint64  // indexed vectors
}

// values returns the load as one number per resource.
func (l ShardLoad) values() [numResources]float64 {
	return [numResources]float64{
		float64(l.Memory), l.Ops, l.CPU, l.Network, float64(l.Conns), float64(l.Vectors),
	}
}

// values returns the budget as one number per resource.
func (b Budget) values() [numResources]float64 {
	return [numResources]float64{
		float64(b.Memory), b.Ops, b.CPU, b.Network, float64(b.Conns), float64(b.Vectors),
	}
}

// Usage is a shard's load as a fraction of its budget, per resource
// (0.5 = 50%). Unwatched resources read 0.
type Usage [numResources]float64

// Usage returns l as fractions of b.
func (b Budget) Usage(l ShardLoad) Usage {
	var u Usage
	lv, bv := l.values(), b.values()
	for i := range u {
		if bv[i] > 0 {
			u[i] = lv[i] / bv[i]
		}
	}
	return u
}

// Max returns the resource with the highest usage and that usage.
func (u Usage) Max() (Resource, float64) {
	best, r := -1.0, Resource(0)
	for i, v := range u {
		if v > best {
			best, r = v, Resource(i)
		}
	}
	return r, best
}

// Add returns the sum of u and v, resource by resource.
func (u Usage) Add(v Usage) Usage {
	for i := range u {
		u[i] += v[i]
	}
	return u
}

// Scale returns u multiplied by f.
func (u Usage) Scale(f float64) Usage {
	for i := range u {
		u[i] *= f
	}
	return u
}

// NodeLoad is what a data node reports once per LoadInterval: its totals,
// which say how much room it has, and the load of its shards.
type NodeLoad struct {
	// Node is filled in by the cluster.
	Node NodeID
	// MemoryUsed and MemoryLimit are the node's memory in bytes; a zero
	// limit means unknown (memory then does not limit placement).
	MemoryUsed, MemoryLimit uint64
	// CPUUsed and CPUCores are the node's CPU use and capacity in cores; a
	// zero capacity means unknown.
	CPUUsed, CPUCores float64
	// Shards is the load of the shards whose data the node holds as
	// primary. Others are ignored.
	Shards []ShardLoad
	// Offsets is the node's replication offset in each shard it holds, as
	// primary or replica (CLUSTER SHARDS shows them).
	Offsets []ShardOffset
	// Copies says that Offsets covers every shard the node replicates,
	// with ShardOffset.Partial set where its copy is not whole, so a shard
	// missing from it has no copy yet. Without it the coordinator knows
	// nothing of the node's copies and promotes it as if they were whole.
	Copies bool
	// Time is when the cluster took the report.
	Time time.Time
}

// SlotStat is the load of one hash slot, used to split shards by load.
type SlotStat struct {
	Slot  int
	Keys  uint64 // number of keys
	Bytes uint64 // memory of the keys and the vectors they index
	Ops   uint64 // commands since the node started counting
}

// LoadSource is what the cluster needs from a data node to report load. The
// cluster calls it from one goroutine, once per LoadInterval; calls must be
// quick (no I/O) and the returned slices belong to the caller.
type LoadSource interface {
	// Load returns the node's totals and the load of each shard it
	// holds data for.
	Load() NodeLoad
	// SlotStats returns the statistics of the slots in ranges that hold
	// anything; slots that are absent count as empty.
	SlotStats(ranges []SlotRange) []SlotStat
}
