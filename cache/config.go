package cache

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. Callers match them with errors.Is.
var (
	ErrWrongType       = errors.New("wrong type")
	ErrNotInteger      = errors.New("value is not an integer or out of range")
	ErrNotFloat        = errors.New("value is not a valid float")
	ErrOverflow        = errors.New("increment or decrement would overflow")
	ErrOOM             = errors.New("out of memory")
	ErrNoSuchKey       = errors.New("no such key")
	ErrHashNotInteger  = errors.New("hash value is not an integer")
	ErrHashNotFloat    = errors.New("hash value is not a float")
	ErrNaNOrInfinity   = errors.New("increment would produce NaN or Infinity")
	ErrOffsetRange     = errors.New("offset is out of range")
	ErrStringTooLong   = errors.New("string exceeds maximum allowed size")
	ErrCorruptSnapshot = errors.New("corrupt snapshot")
	ErrBadPolicy       = errors.New("invalid maxmemory policy")
)

// Policy is an eviction policy, named as Redis's maxmemory-policy.
type Policy int

// The eviction policies.
const (
	NoEviction Policy = iota
	AllKeysLRU
	AllKeysLFU
	AllKeysRandom
	VolatileLRU
	VolatileLFU
	VolatileTTL
	VolatileRandom
)

var policyNames = [...]string{"noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
	"volatile-lru", "volatile-lfu", "volatile-ttl", "volatile-random"}

// String returns the policy's Redis name.
func (p Policy) String() string {
	if p < 0 || int(p) >= len(policyNames) {
		return fmt.Sprintf("policy(%d)", int(p))
	}
	return policyNames[p]
}

// ParsePolicy reads a Redis maxmemory-policy name.
func ParsePolicy(s string) (Policy, error) {
	for i, n := range policyNames {
		if strings.EqualFold(s, n) {
			return Policy(i), nil
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrBadPolicy, s)
}

func (p Policy) volatileOnly() bool { return p >= VolatileLRU }

// Config configures a Keyspace.
type Config struct {
	// MaxMemory is the limit on accounted memory in bytes; 0 means none.
	MaxMemory int64
	// Policy says what happens when MaxMemory is reached.
	Policy Policy
	// MaxStringLen is the largest string value APPEND, SETRANGE and the
	// like may build (proto-max-bulk-len).
	MaxStringLen int64
	// Observer, when set, hears about hash changes and key removals (for
	// the vector indexes). See Observer for its rules.
	Observer Observer
	// ExtraMemory, when set, returns bytes held outside the keyspace on its
	// behalf (the vector indexes over its hashes). They count in used
	// memory and against MaxMemory, so eviction goes on until keys and
	// indexes together fit. It is called on every check of memory (before
	// each write), from any goroutine, sometimes with a stripe lock held: it
	// must be cheap (an atomic load), safe for concurrent use, and must not
	// call back into the keyspace.
	ExtraMemory func() int64
	// Decoders read custom values back from snapshots, by type name.
	Decoders map[string]func([]byte) (Custom, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ExpiryInterval is how often the active expiry cycle runs (Redis:
	// 10 times a second).
	ExpiryInterval time.Duration
	// ExpireCycleDone, when set, is told after each active expiry cycle
	// how long the cycle worked: its wall time less what it waited for
	// stripes that commands held (Redis's expire-cycle latency). It is
	// called on Run's goroutine and must not block.
	ExpireCycleDone func(worked time.Duration)
}

// DefaultConfig returns Redis's defaults: no memory limit, noeviction.
func DefaultConfig() Config {
	return Config{
		Policy:         NoEviction,
		MaxStringLen:   512 << 20,
		ExpiryInterval: 100 * time.Millisecond,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.MaxMemory < 0:
		return errors.New("maxmemory must not be negative")
	case c.Policy < 0 || int(c.Policy) >= len(policyNames):
		return ErrBadPolicy
	case c.MaxStringLen < 1:
		return errors.New("max string length must be positive")
	case c.ExpiryInterval <= 0:
		return errors.New("expiry interval must be positive")
	}
	return nil
}
