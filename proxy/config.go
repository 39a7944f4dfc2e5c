package proxy

import (
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/vcache/vcache/internal/serving"
)

// Config tunes a Proxy. Start from DefaultConfig.
type Config struct {
	// RequirePass, when set, is the password clients must AUTH with: the
	// default user's password.
	RequirePass string
	// ReadFromReplicas sends read-only commands on a single slot to one of
	// the slot's replicas (one in Zone when there is one) instead of its
	// primary, when the router knows replicas (ReplicaRouter). Replicas
	// lag a little behind: a read may not see a write just acknowledged.
	// A replica that is not in sync redirects to the primary.
	ReadFromReplicas bool
	// Zone is the proxy's availability zone, for ReadFromReplicas.
	Zone string
	// Serving is the group of servers the proxy shares its process with,
	// and their IO mode (internal/serving): it says whether clients are
	// served from event loops and whether sockets make raw system calls.
	// nil: a group of its own, in auto mode.
	Serving *serving.Group
	// ACLFile, when set, is Redis's ACL file of the proxy's users: loaded
	// by New (a bad line is an error naming it) and by ACL LOAD, written
	// by ACL SAVE. A default user it does not name keeps RequirePass.
	// Users live on the proxy; it reaches the nodes with BackendPassword.
	ACLFile string
	// ACLPubsubDefault is acl-pubsub-default at start for the proxy's
	// users ("" is Redis 7's resetchannels).
	ACLPubsubDefault string
	// BackendPassword, when set, is sent with AUTH on every new backend
	// connection.
	BackendPassword string
	// TLS, when set, makes the client listener speak TLS.
	TLS *tls.Config
	// BackendTLS, when set, is used to dial the nodes (their RESP ports
	// speak TLS).
	BackendTLS *tls.Config
	// MaxClients is the most client connections served at once; more are
	// refused with Redis's error.
	MaxClients int
	// Loops is how many event loops serve plain TCP clients on Linux when
	// the serving mode has loops (0: one per two processors).
	Loops int
	// IdleTimeout closes client connections idle this long (0: never),
	// like Redis's timeout directive.
	IdleTimeout time.Duration

	// ConnsPerBackend is how many shared pipelined connections the proxy
	// keeps to each node. A client always uses the same one, so its
	// commands to a node stay in order.
	ConnsPerBackend int
	// MaxBlockingConns bounds the connections to one node that blocking
	// commands (BLPOP...) hold, one each while they wait; a blocking
	// command beyond it gets an error at once. 0 means
	// DefaultMaxBlockingConns.
	MaxBlockingConns int
	// TxConnsPerBackend is how many idle connections to each node the
	// proxy keeps for transactions that span nodes (each part runs on a
	// connection of its own); 0 opens a new one for every transaction.
	TxConnsPerBackend int
	// MaxInflight bounds the requests waiting for a reply on one backend
	// connection; submitters wait when it is reached.
	MaxInflight int
	// MaxWriteBatch bounds the bytes queued for one backend connection
	// before submitters wait for the writer.
	MaxWriteBatch int
	// BatchesInFlight is how many writes an event loop's connection to a
	// node may have awaiting their replies. Requests that arrive while
	// that many are out are held and go together in the next write, once
	// a reply comes back (or at once if they pass 64 KiB): fewer, larger
	// writes, so that the node and the proxy each wake less often per
	// request. 0 sends every round's requests at once.
	BatchesInFlight int
	// MaxPipeline is how many commands of one client are forwarded before
	// their replies are written back; longer pipelines go in rounds.
	MaxPipeline int
	// MaxReplyBytes is the largest reply accepted from a node.
	MaxReplyBytes int

	// DialTimeout bounds connecting to a node.
	DialTimeout time.Duration
	// ReplyTimeout is how long a backend connection may owe replies
	// without answering any before it is considered dead and closed.
	ReplyTimeout time.Duration
	// RetryDeadline is how long a command is retried after MOVED, ASK,
	// TRYAGAIN, LOADING, CLUSTERDOWN or a lost connection before the
	// client sees the error. The default, 6 s, outlasts a failover (the
	// cluster waits about 4 s after a node's last report, so that a primary
	// that is only cut off has stopped serving before its replica takes
	// over).
	RetryDeadline time.Duration
	// PauseLease is how long a node keeps its expiry and eviction held
	// for this proxy's CLIENT PAUSE without hearing from the proxy again
	// (pause_expiry.go): the proxy renews the hold every third of it while
	// its clients are paused, and a proxy that dies or hangs leaves the
	// nodes expiring keys again at most this long after its last renewal.
	PauseLease time.Duration

	// PubsubHardLimit, PubsubSoftLimit and PubsubSoftTime are the pubsub
	// class of Redis's client-output-buffer-limit for the proxy's
	// subscribers: one whose unsent messages pass the hard limit, or the
	// soft one for PubsubSoftTime, is disconnected. 0 means no limit.
	PubsubHardLimit int64
	PubsubSoftLimit int64
	PubsubSoftTime  time.Duration

	// Version is reported by INFO as vcache_version.
	Version string

	// TxCommitGap is for tests only: in a transaction that spans nodes,
	// the proxy waits this long after the decision node committed before
	// it commits the other nodes' parts, which leaves a wide window to
	// kill the proxy in (the environment variable VCACHE_TEST_TX_COMMIT_GAP,
	// a Go duration, sets it in DefaultConfig). 0: no wait.
	TxCommitGap time.Duration
}

// DefaultConfig returns the configuration `vcache proxy` starts with.
func DefaultConfig() Config {
	return Config{
		MaxClients:       10000,
		ConnsPerBackend:  2,
		MaxBlockingConns: DefaultMaxBlockingConns,
		MaxInflight:      16384,
		MaxWriteBatch:    1 << 20,
		MaxPipeline:      1024,
		BatchesInFlight:  1,
		MaxReplyBytes:    512 << 20,
		DialTimeout:      time.Second,
		ReplyTimeout:     3 * time.Second,
		RetryDeadline:    6 * time.Second,
		PauseLease:       5 * time.Second,
		// Redis's default: client-output-buffer-limit pubsub 32mb 8mb 60
		PubsubHardLimit: 32 << 20,
		PubsubSoftLimit: 8 << 20,
		PubsubSoftTime:  60 * time.Second,
		Version:         "dev",
		// Idle connections for transactions that span nodes (txpool.go).
		TxConnsPerBackend: 16,
		TxCommitGap:       testCommitGap(),
	}
}

// testCommitGap reads VCACHE_TEST_TX_COMMIT_GAP (Config.TxCommitGap).
func testCommitGap() time.Duration {
	d, _ := time.ParseDuration(os.Getenv("VCACHE_TEST_TX_COMMIT_GAP"))
	return max(d, 0)
}

// Validate reports the first field out of range.
func (c *Config) Validate() error {
	var errs []error
	pos := func(name string, v int) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("proxy: %s must be positive, got %d", name, v))
		}
	}
	pos("MaxClients", c.MaxClients)
	pos("ConnsPerBackend", c.ConnsPerBackend)
	pos("MaxInflight", c.MaxInflight)
	pos("MaxWriteBatch", c.MaxWriteBatch)
	pos("MaxPipeline", c.MaxPipeline)
	pos("MaxReplyBytes", c.MaxReplyBytes)
	if c.Loops < 0 {
		errs = append(errs, fmt.Errorf("proxy: Loops must not be negative, got %d (a goroutine per connection is serving mode goroutines)", c.Loops))
	}
	if c.TxConnsPerBackend < 0 {
		errs = append(errs, fmt.Errorf("proxy: TxConnsPerBackend must not be negative, got %d", c.TxConnsPerBackend))
	}
	if c.MaxBlockingConns < 0 {
		errs = append(errs, fmt.Errorf("proxy: MaxBlockingConns must not be negative, got %d", c.MaxBlockingConns))
	}
	if c.PubsubHardLimit < 0 || c.PubsubSoftLimit < 0 || c.PubsubSoftTime < 0 {
		errs = append(errs, fmt.Errorf("proxy: the pubsub output buffer limits must not be negative"))
	}
	if c.BatchesInFlight < 0 {
		errs = append(errs, fmt.Errorf("proxy: BatchesInFlight must not be negative, got %d", c.BatchesInFlight))
	}
	dur := func(name string, d time.Duration) {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("proxy: %s must be positive, got %v", name, d))
		}
	}
	dur("DialTimeout", c.DialTimeout)
	dur("ReplyTimeout", c.ReplyTimeout)
	dur("RetryDeadline", c.RetryDeadline)
	if c.PauseLease < 30*time.Millisecond || c.PauseLease > time.Hour {
		errs = append(errs, fmt.Errorf("proxy: PauseLease must be between 30ms and 1h, got %v", c.PauseLease))
	}
	if c.IdleTimeout < 0 {
		errs = append(errs, fmt.Errorf("proxy: IdleTimeout must not be negative, got %v", c.IdleTimeout))
	}
	return errors.Join(errs...)
}
