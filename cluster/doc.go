// Package cluster is vcache's cluster core: gossip membership, the shard map,
// load reports, the scale-at-50% autoscaler and failover decisions.
//
// Membership runs on github.com/hashicorp/memberlist. Every member carries a
// small meta record (role, RESP address, zone, boot id). Data nodes (RoleNode)
// own shards; proxies (RoleProxy) only listen.
//
// The shard map (Map) assigns the 16384 hash slots to shards, and each shard
// to one primary and some replicas on other nodes. It carries an epoch. One
// coordinator at a time, the alive data node whose name sorts first, decides
// placement and publishes new maps with a bumped epoch. Maps travel by gossip:
// a full copy in memberlist's push/pull state sync, and deltas as broadcasts
// that receivers re-broadcast. Members adopt a map only when it is newer: a
// higher epoch, or the same epoch from a coordinator whose name sorts first.
// A member that learns of a newer map it cannot build from a delta asks for
// the full map over TCP.
//
// A Map is immutable. Data nodes decide with Map.Route whether they serve a
// slot, and if not why (a *Redirect wrapping ErrMoved or ErrAsk, ErrTryAgain,
// ErrDown, ...: the node answers -MOVED/-ASK/-TRYAGAIN/-CLUSTERDOWN); the
// proxy looks slots up with Map.AddrOfSlot. Both get new maps with Cluster.Watch.
//
// Every data node reports the load of the shards it is primary of once per
// LoadInterval (NodeLoad, from the node's LoadSource). The coordinator feeds
// them to an Autoscaler: a shard using 50% of any per-shard budget for the
// whole window is split by measured per-slot load, the new shard placed on the
// node with most headroom, on a warm spare, or on a node the ScaleOut hook
// starts. Shards under the low-water mark merge into a neighbour. Moves are
// Migrations in the map; the node's Migrator copies the data and the
// coordinator flips ownership when it is done. When a node dies, the
// coordinator promotes a replica of each shard it led and places new
// replicas; a node whose process restarted (a new boot id in its meta) is
// treated the same way, since its data is gone, and it does not serve its
// old slots meanwhile. With RequireMajority (the default) a member in touch
// with no more than half of the map's data nodes stops serving
// (-CLUSTERDOWN) and the coordinator makes no decision without a majority,
// so a partition never leaves a slot with two serving owners. Decisions are
// Events (CLUSTER EVENTS).
//
// That check counts the members a node hears, which is no proof that a
// majority still hears it: a starved process keeps hearing the others (late)
// while they declare it failed. So every data node also holds a lease
// (fence.go): it probes the others once per LoadInterval, and acks from a
// majority to one probe renew the lease until the probe's send time plus
// the fence time T (the quorum window, 3 s by default). A primary whose
// lease has run out refuses writes (-CLUSTERDOWN The cluster is down), by
// the clock at the command, whatever its loop has noticed; reads go on for
// half the fence margin more, then stop too, as Redis Cluster's minority
// master refuses them once its state is fail. The coordinator acts on a
// failed node (promotes its replica, or gives its slots away) only T plus
// a margin (two LoadIntervals and T/20 for clock rates) after a majority
// last acked it, as the members report their acks with their load: by
// then the old primary has stopped taking writes. A member whose report
// can count toward that holds its acks to the primary until the next map
// comes or every other data node said it took a later report of the
// member's (fencehold.go), so a primary that comes back cannot renew its
// lease from an ack given after the coordinator decided on the report,
// however late the failover map reaches the member. A failover takes
// about as long as before (4.5 s with the default timers, from 4–4.5 s).
//
// A primary that had no replica loses its slots' data with it. Redis
// Cluster leaves such slots down (cluster-require-full-coverage) until the
// master returns; vcache gives them to another node, empty, once the fence
// has passed. It is a cache: a miss falls through to the origin and the
// slots fill again, where CLUSTERDOWN for a share of the keys would last
// until an operator acts if the node never comes back (and one that
// restarts comes back empty anyway). The fence makes the empty takeover
// lose only what the shard held when its primary fell silent, never a
// write acknowledged after that. Keep a replica (Replicas, 1 by default)
// for the data to survive.
//
// The package speaks no RESP. The data behind the CLUSTER command comes out
// typed (Cluster.Info, NodeRows, Slots, Shards with each node's replication
// offset, MyShardID, Events, Status); the node's front end parses the command
// and writes the replies in Redis Cluster's formats, so cluster-aware clients
// can talk to nodes directly.
//
// Concurrency: one goroutine (the loop) owns the mutable cluster state;
// memberlist callbacks copy what they receive and hand it over without
// blocking. Published values (Map, Events, Status) are immutable snapshots
// safe for any goroutine.
package cluster
