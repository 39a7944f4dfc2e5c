package node

import (
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/serving"
)

// Config configures a data node. The zero value is not valid; start from
// DefaultConfig.
type Config struct {
	// Cache configures the keyspace (maxmemory and eviction policy).
	Cache cache.Config
	// MaxMemoryChanged, when set, is called with the new limit after
	// CONFIG SET maxmemory (the process then moves the Go runtime's
	// memory limit with it); it must not block.
	MaxMemoryChanged func(maxmemory int64)
	// RequirePass, when set, makes clients AUTH before other commands: it
	// is the default user's password.
	RequirePass string
	// ACLFile, when set, is Redis's ACL file: users loaded at start (a bad
	// line fails New), by ACL LOAD, and written by ACL SAVE. A default
	// user it does not name keeps RequirePass.
	ACLFile string
	// ACLPubsubDefault is acl-pubsub-default at start: "allchannels" or
	// "resetchannels" (Redis 7's default, and that of ""): whether new
	// users, and those of ACLFile, start with every pub/sub channel.
	ACLPubsubDefault string
	// Dir is where snapshots are written and read; empty disables
	// persistence.
	Dir string
	// DBFilename is the snapshot's file name inside Dir.
	DBFilename string
	// MaxBulkLen is the largest bulk string a client may send
	// (proto-max-bulk-len); a larger one is a protocol error.
	MaxBulkLen int64
	// MaxMultiBulkLen is the most arguments one command may have.
	MaxMultiBulkLen int64
	// MaxInlineLen is the longest inline (telnet-style) command line.
	MaxInlineLen int
	// MaxClients is the most connections served at once; more are refused
	// with "ERR max number of clients reached".
	MaxClients int
	// TLS, when set, makes the RESP listener speak TLS (Serve wraps the
	// listener it is given).
	TLS *tls.Config
	// PeerTLS, when set, is used to dial other nodes (migrations and
	// replication), whose RESP ports then speak TLS too.
	PeerTLS *tls.Config
	// ReplBacklogSize is how many bytes of recent writes a primary keeps
	// for replicas that reconnect (Redis's repl-backlog-size); 0 means
	// 16 MiB. A replica that falls further behind gets a full sync.
	ReplBacklogSize int
	// IdleTimeout closes connections idle for this long; 0 never does.
	IdleTimeout time.Duration
	// Serving is the group of servers the node shares its process with,
	// and their IO mode (event loops or a goroutine per connection; TLS
	// connections always have a goroutine). nil: a group of its own, in
	// auto mode (event loops).
	Serving *serving.Group
	// IOThreads is how many event loops serve clients (Redis's
	// io-threads). 0 means one per GOMAXPROCS, of which only as many serve
	// as the load keeps busy (one while one is enough; see
	// loopscale_linux.go); a number fixes how many serve.
	IOThreads int
	// IOThreadsCPUWait is how many of the process's threads may wait for a
	// processor, on average, before the loop scaler stops adding event
	// loops and gives one back (CONFIG io-threads-cpu-wait;
	// loopscale_linux.go). 0 means 0.3; negative turns the check off.
	IOThreadsCPUWait float64
	// SearchOffLoopDocs is the size, in documents, past which an index's
	// FT.SEARCH, FT.AGGREGATE and FT.PROFILE are served off the event
	// loops (search_offloop.go). 0 means 10000; negative keeps them on
	// the loops.
	SearchOffLoopDocs int
	// CopyRateMin and CopyRateMax bound, in bytes per second, the rate
	// of the bulk copies a node still makes (splits and merges by copy,
	// full syncs of new replicas): the copy yields to clients while the
	// node has no headroom, but never goes under CopyRateMin, so it
	// finishes (copyrate.go). 0 means 8 MiB/s and 512 MiB/s.
	CopyRateMin, CopyRateMax int64
	// LuaEnableDeprecatedAPI gives scripts and functions Lua's setfenv,
	// getfenv and newproxy (Redis's hidden lua-enable-deprecated-api,
	// fixed at start; off by default since CVE-2025-46818).
	LuaEnableDeprecatedAPI bool
	// Version is reported by INFO and HELLO.
	Version string
	// Cluster, when set, makes the node a member of a gossip cluster: it
	// serves only the slots the shard map gives it and redirects the rest
	// (-MOVED). Nil runs a standalone node that serves every slot.
	Cluster *cluster.Config
}

// DefaultConfig returns a node configuration with Redis's defaults.
func DefaultConfig() Config {
	return Config{
		Cache:           cache.DefaultConfig(),
		DBFilename:      "dump.vcache",
		MaxBulkLen:      512 << 20,
		MaxMultiBulkLen: 1 << 20,
		MaxInlineLen:    64 << 10,
		MaxClients:      10000,
		ReplBacklogSize: 16 << 20,
		Version:         "0.1.0",
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if err := c.Cache.Validate(); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	switch {
	case c.MaxBulkLen < 1:
		return errors.New("max bulk length must be positive")
	case c.MaxMultiBulkLen < 1:
		return errors.New("max multibulk length must be positive")
	case c.MaxInlineLen < 16:
		return errors.New("max inline length must be at least 16")
	case c.MaxClients < 1:
		return errors.New("max clients must be positive")
	case c.IdleTimeout < 0:
		return errors.New("idle timeout must not be negative")
	case c.CopyRateMin < 0 || c.CopyRateMax < 0:
		return errors.New("copy rates must not be negative")
	case c.Dir != "" && c.DBFilename == "":
		return errors.New("a snapshot directory needs a file name")
	}
	return nil
}
