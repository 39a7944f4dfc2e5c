package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/hashicorp/memberlist"
)

// Config configures a Cluster member. Every duration must be positive unless
// its comment says otherwise. Fields of interface or func type are the
// dependencies the member uses; nil means "not available".
type Config struct {
	// Name is the member's unique name in the cluster (its NodeID). A
	// restarted process must reuse its name to take its place back.
	Name string
	// Role is RoleNode for a data node or RoleProxy for a proxy.
	Role Role
	// Addr is the RESP address (host:port) clients and -MOVED replies use
	// to reach this member. Required for data nodes.
	Addr string
	// Zone is an availability zone label; replicas are placed in another
	// zone than their primary when one is available. Optional.
	Zone string
	// ClusterName, when set, labels every gossip packet; members of
	// clusters with another name ignore them. Optional.
	ClusterName string

	// BindAddr and BindPort are where gossip listens (UDP and TCP). Port 0
	// picks a free port; GossipAddr reports it.
	BindAddr string
	BindPort int
	// AdvertiseAddr and AdvertisePort, when set, are the gossip address
	// other members use to reach this one (NAT, containers).
	AdvertiseAddr string
	AdvertisePort int
	// Seeds are gossip addresses (host:port) of members to join at Start
	// (the --join flag). Unreachable seeds are retried in the background.
	Seeds []string
	// SecretKey, when set, encrypts gossip with AES (16, 24 or 32 bytes).
	// Every member must use the same key.
	SecretKey []byte

	// ProbeInterval is how often a member probes another for failure
	// detection; ProbeTimeout is how long it waits for the ack.
	ProbeInterval time.Duration
	ProbeTimeout  time.Duration
	// GossipInterval is how often queued broadcasts (map deltas, load
	// reports, events) are gossiped.
	GossipInterval time.Duration
	// SuspicionMult scales how long a suspect member has to refute before
	// it is declared dead: SuspicionMult * log10(members) * ProbeInterval.
	SuspicionMult int
	// PushPullInterval is the period of full state syncs (membership and
	// shard map) with a random member.
	PushPullInterval time.Duration
	// TCPTimeout bounds TCP gossip (joins, push/pull, reliable messages).
	TCPTimeout time.Duration
	// DeadNodeReclaimTime is how long after a member's death its name may
	// be taken by a process at another address (0: never).
	DeadNodeReclaimTime time.Duration
	// ReconnectInterval is how often the member tries to rejoin failed
	// members and, when alone, its seeds (this heals partitions).
	ReconnectInterval time.Duration
	// ReconnectTimeout is how long a failed member is retried.
	ReconnectTimeout time.Duration
	// Transport replaces memberlist's UDP+TCP transport (tests simulate
	// partitions with it). Nil: listen on BindAddr:BindPort.
	Transport memberlist.Transport

	// LoadInterval is the period of load reports and coordinator decisions.
	LoadInterval time.Duration
	// BootstrapExpect is how many data nodes must be alive before the
	// first shard map is made.
	BootstrapExpect int
	// Restore, when set, is the shard map this node saved when it last
	// stopped (node snapshots keep it). If the cluster has no map yet
	// (every member restarted) and this node is the coordinator, the
	// first map is this one, on the nodes of the same names, instead of
	// a fresh layout: a node that restored its snapshot serves the slots
	// it held. The coordinator waits up to RestoreWait for every node the
	// map names (0: not at all); the shards of those still missing then
	// fail over.
	Restore     *Map
	RestoreWait time.Duration
	// InitialShards is the number of shards of the first map; 0 makes one
	// per data node alive at bootstrap.
	InitialShards int
	// Replicas is the number of replicas each shard should have, each on
	// a different node than its primary and its other replicas.
	Replicas int
	// SpreadReplicas moves, one at a time and after its successor holds a
	// whole copy, a replica that sits on a node leading another shard to
	// a node that leads none, when there is one (spread.go): after a
	// split by promotion each node of the pair replicates the other's
	// shard. On by default. The old replica is dropped only once the
	// shard's primary found every write it acknowledged (as WAIT counts)
	// on the others; a successor that does not catch up within 20
	// LoadIntervals is dropped instead and the move is tried again
	// later. Every node must use the same SpreadReplicas and Replicas: a
	// primary stops counting a leaving replica's acknowledgements for
	// WAIT once its successor streams.
	SpreadReplicas bool
	// RequireMajority stops a member that is in touch with no more than
	// half of the map's data nodes from serving slots (-CLUSTERDOWN) and
	// from making decisions, as Redis Cluster does in a minority
	// partition. "In touch" means a load report arrived within
	// max(3*LoadInterval, SuspicionMult*ProbeInterval).
	RequireMajority bool
	// MigrationTimeout abandons a split or merge whose data move has not
	// finished in time.
	MigrationTimeout time.Duration
	// PartialCopyWait is how long the coordinator leaves a shard whose
	// primary failed unserved when none of its replicas holds a whole copy
	// (each is still in its full sync, or never reported one) and the
	// primary did not come back with data. After it, the most advanced
	// partial copy is promoted, since no other copy of the data exists;
	// CLUSTER EVENTS says the shard lost what that copy lacks. 0 promotes
	// a partial copy at once.
	PartialCopyWait time.Duration
	// SplitMethod is how splits move data: SplitCopy (the zero value)
	// always copies; SplitAuto promotes the shard's in-sync replica when
	// it has one and copies otherwise; SplitPromote only promotes.
	SplitMethod SplitPolicy

	// Per-shard budgets. A resource whose budget is 0 is not watched.
	//
	// ShardMaxMemory is the memory of one shard in bytes (keys + vector
	// indexes).
	ShardMaxMemory uint64
	// ShardMaxOps is the commands per second one shard may serve.
	ShardMaxOps float64
	// ShardMaxCPU is the CPU one shard may use, in cores.
	ShardMaxCPU float64
	// ShardMaxNetwork is the network traffic of one shard in bytes/s.
	ShardMaxNetwork float64
	// ShardMaxConns is the number of client connections of one shard.
	ShardMaxConns uint64
	// ShardMaxVectors is the number of indexed vectors of one shard.
	ShardMaxVectors uint64

	// ScaleAt is the fraction of a budget at which a shard splits (0.5).
	ScaleAt float64
	// Hysteresis is how far below ScaleAt a hot shard must fall before its
	// window restarts, and how far above LowWater a cold one must rise.
	Hysteresis float64
	// ScaleWindow is how long a shard must stay at or above ScaleAt before
	// it splits.
	ScaleWindow time.Duration
	// Cooldown is the pause after a split or merge before the shards it
	// touched are considered again.
	Cooldown time.Duration
	// LowWater is the fraction of every budget under which a shard is
	// underused; after MergeWindow it merges into a neighbour.
	LowWater    float64
	MergeWindow time.Duration
	// MergeCombinedMax caps the usage of the merged shard: a merge happens
	// only if the two shards together stay under this fraction of every
	// budget.
	MergeCombinedMax float64
	// MinShards and MaxShards bound the number of shards (MaxShards 0: no
	// bound).
	MinShards int
	MaxShards int
	// MaxShardsPerNode caps the shard roles (primary or replica) one node
	// hosts; 0 means no cap. A node at the cap has no room.
	MaxShardsPerNode int

	// ScaleOut, when set, is called (on its own goroutine) when a shard
	// must split and no node has room; it should start a new data node
	// that joins the cluster. See ExecScaleOut. It is not called again
	// before ScaleOutTimeout has passed.
	ScaleOut        func(ctx context.Context, req ScaleOutRequest) error
	ScaleOutTimeout time.Duration
	// Load, when set, gives the node's load for the load reports. A data
	// node without it reports no shard load and never splits.
	Load LoadSource
	// Migrator, when set, moves the data of migrating slots. Without it a
	// migration completes at once and moving slots start empty.
	Migrator Migrator
	// EventLogSize is how many events CLUSTER EVENTS keeps.
	EventLogSize int
}

// DefaultConfig returns a Config for a data node with the scale-at-50%
// policy and memberlist's LAN timers, except that probes run twice as often
// with a shorter suspicion (500 ms, 250 ms timeout, multiplier 3 instead of
// 1 s, 500 ms, 4), so a dead member is noticed within about 2 s.
// memberlist's Lifeguard still stretches the timeouts of a member that is
// itself slow. A failover waits longer than that anyway (stepDownWait).
// Name and Addr must still be set.
func DefaultConfig() Config {
	lan := memberlist.DefaultLANConfig()
	return Config{
		Role:                RoleNode,
		BindAddr:            "0.0.0.0",
		BindPort:            7946,
		ProbeInterval:       500 * time.Millisecond,
		ProbeTimeout:        250 * time.Millisecond,
		GossipInterval:      lan.GossipInterval,
		SuspicionMult:       3,
		PushPullInterval:    lan.PushPullInterval,
		TCPTimeout:          lan.TCPTimeout,
		DeadNodeReclaimTime: 5 * time.Second,
		ReconnectInterval:   5 * time.Second,
		ReconnectTimeout:    time.Hour,
		LoadInterval:        500 * time.Millisecond,
		BootstrapExpect:     1,
		Replicas:            1,
		SpreadReplicas:      true,
		RequireMajority:     true,
		MigrationTimeout:    10 * time.Minute,
		ShardMaxMemory:      1 << 30,
		ShardMaxOps:         100_000,
		ShardMaxCPU:         1,
		ShardMaxNetwork:     100 << 20,
		ShardMaxConns:       10_000,
		ShardMaxVectors:     1_000_000,
		ScaleAt:             0.5,
		Hysteresis:          0.05,
		ScaleWindow:         10 * time.Second,
		Cooldown:            60 * time.Second,
		LowWater:            0.10,
		MergeWindow:         5 * time.Minute,
		MergeCombinedMax:    0.30,
		MinShards:           1,
		ScaleOutTimeout:     2 * time.Minute,
		RestoreWait:         30 * time.Second,
		PartialCopyWait:     30 * time.Second,
		EventLogSize:        256,
	}
}

// maxMetaField bounds the strings in a member's gossip meta so that it stays
// under memberlist's 512 bytes.
const maxMetaField = 200

// Validate reports the first problem with c.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch {
	case c.Name == "":
		bad("cluster: Name is required")
	case len(c.Name) > maxMetaField:
		bad("cluster: Name is longer than %d bytes", maxMetaField)
	}
	if c.Role != RoleNode && c.Role != RoleProxy {
		bad("cluster: Role must be RoleNode or RoleProxy")
	}
	if c.Role == RoleNode || c.Addr != "" {
		if err := checkHostPort(c.Addr); err != nil {
			bad("cluster: Addr %q: %v", c.Addr, err)
		}
	}
	if len(c.ClusterName) > 255 {
		bad("cluster: ClusterName is longer than 255 bytes")
	}
	if len(c.Addr) > maxMetaField || len(c.Zone) > 64 {
		bad("cluster: Addr or Zone too long for gossip meta")
	}
	if c.BindPort < 0 || c.BindPort > 65535 || c.AdvertisePort < 0 || c.AdvertisePort > 65535 {
		bad("cluster: gossip ports must be in 0..65535")
	}
	if n := len(c.SecretKey); n != 0 && n != 16 && n != 24 && n != 32 {
		bad("cluster: SecretKey must be 16, 24 or 32 bytes, not %d", n)
	}
	for name, d := range map[string]time.Duration{
		"ProbeInterval": c.ProbeInterval, "ProbeTimeout": c.ProbeTimeout,
		"GossipInterval": c.GossipInterval, "PushPullInterval": c.PushPullInterval,
		"TCPTimeout": c.TCPTimeout, "ReconnectInterval": c.ReconnectInterval,
		"ReconnectTimeout": c.ReconnectTimeout, "LoadInterval": c.LoadInterval,
		"MigrationTimeout": c.MigrationTimeout, "ScaleWindow": c.ScaleWindow,
		"MergeWindow": c.MergeWindow, "ScaleOutTimeout": c.ScaleOutTimeout,
	} {
		if d <= 0 {
			bad("cluster: %s must be positive", name)
		}
	}
	if c.Cooldown < 0 || c.DeadNodeReclaimTime < 0 || c.RestoreWait < 0 || c.PartialCopyWait < 0 {
		bad("cluster: Cooldown, DeadNodeReclaimTime, RestoreWait and PartialCopyWait must not be negative")
	}
	if c.SplitMethod > SplitPromote {
		bad("cluster: unknown SplitMethod %d", c.SplitMethod)
	}
	if c.SuspicionMult < 1 {
		bad("cluster: SuspicionMult must be at least 1")
	}
	if c.BootstrapExpect < 1 || c.InitialShards < 0 || c.Replicas < 0 {
		bad("cluster: BootstrapExpect must be >= 1, InitialShards and Replicas >= 0")
	}
	if c.InitialShards > 16384 {
		bad("cluster: InitialShards must be at most 16384")
	}
	if !(c.ScaleAt > 0 && c.ScaleAt <= 1) {
		bad("cluster: ScaleAt must be in (0, 1]")
	}
	if c.Hysteresis < 0 || c.Hysteresis >= c.ScaleAt {
		bad("cluster: Hysteresis must be in [0, ScaleAt)")
	}
	if c.LowWater < 0 || c.LowWater+c.Hysteresis >= c.ScaleAt-c.Hysteresis {
		bad("cluster: LowWater+Hysteresis must stay below ScaleAt-Hysteresis")
	}
	if c.MergeCombinedMax <= c.LowWater || c.MergeCombinedMax > c.ScaleAt-c.Hysteresis {
		bad("cluster: MergeCombinedMax must be in (LowWater, ScaleAt-Hysteresis]")
	}
	if c.MinShards < 1 || (c.MaxShards != 0 && c.MaxShards < c.MinShards) || c.MaxShardsPerNode < 0 {
		bad("cluster: need 1 <= MinShards <= MaxShards (or MaxShards 0) and MaxShardsPerNode >= 0")
	}
	if c.ShardMaxOps < 0 || c.ShardMaxCPU < 0 || c.ShardMaxNetwork < 0 {
		bad("cluster: budgets must not be negative")
	}
	if c.EventLogSize < 1 {
		bad("cluster: EventLogSize must be at least 1")
	}
	return errors.Join(errs...)
}

// checkHostPort checks that s is host:port with a numeric port in 1..65535.
func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return err
	}
	if host == "" {
		return errors.New("missing host")
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return errors.New("port must be a number in 1..65535")
	}
	return nil
}

// Budget returns the per-shard budgets of c.
func (c Config) Budget() Budget {
	return Budget{
		Memory:  c.ShardMaxMemory,
		Ops:     c.ShardMaxOps,
		CPU:     c.ShardMaxCPU,
		Network: c.ShardMaxNetwork,
		Conns:   c.ShardMaxConns,
		Vectors: c.ShardMaxVectors,
	}
}

// Policy returns the autoscaler policy of c.
func (c Config) Policy() Policy {
	return Policy{
		Budget:           c.Budget(),
		ScaleAt:          c.ScaleAt,
		Hysteresis:       c.Hysteresis,
		Window:           c.ScaleWindow,
		Cooldown:         c.Cooldown,
		LowWater:         c.LowWater,
		MergeWindow:      c.MergeWindow,
		MergeCombinedMax: c.MergeCombinedMax,
		MinShards:        c.MinShards,
		MaxShards:        c.MaxShards,
		MaxShardsPerNode: c.MaxShardsPerNode,
		Replicas:         c.Replicas,
		Stale:            5 * c.LoadInterval,
		ScaleOut:         c.ScaleOut != nil,
		SplitMethod:      c.SplitMethod,
	}
}

// spreadCatchUp is how long a replica move waits, once the new replica is
// whole, for the shard's primary to release the leaving replica
// (spread.go) before it drops the new replica instead, and how long the
// shard then waits before it moves again.
func (c Config) spreadCatchUp() time.Duration {
	return 20 * c.LoadInterval
}

// stepDownWait is how long after a node's last load report the
// coordinator waits before giving its slots to others: by then a node that
// is merely cut off has stopped serving (quorumWindow, plus up to two
// LoadIntervals for its reports and its check to come round).
func (c Config) stepDownWait() time.Duration {
	return c.quorumWindow() + 2*c.LoadInterval
}

// leaveWait bounds how long Leave waits for its broadcast to go out: three
// gossip rounds (each sends it to a few members, which pass it on), at
// least 250 ms, at most TCPTimeout. A member that misses it notices the
// departure at its next failed probe instead.
func (c Config) leaveWait() time.Duration {
	return min(c.TCPTimeout, max(250*time.Millisecond, 3*c.GossipInterval))
}

// quorumWindow is how recently a data node must have been heard from to
// count towards a majority: six load reports (3 s by default: a member
// whose reports are late because it or its peers are busy must not step
// down), or the shortest time
// memberlist takes to declare a member dead (SuspicionMult probe
// intervals) if that is longer.
func (c Config) quorumWindow() time.Duration {
	return max(6*c.LoadInterval, time.Duration(c.SuspicionMult)*c.ProbeInterval)
}
