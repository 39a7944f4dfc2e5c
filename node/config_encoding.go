package node

import (
	"strconv"
	"strings"
	"sync"
)

// encodingParams are Redis's tuning parameters for compact encodings
// (zset-max-listpack-entries...). CONFIG SET accepts them (tools and
// Redis's own tests set them) and CONFIG GET returns what was set; the
// hash-max-listpack-* and set-max-listpack-* ones reach the keyspace
// (config_hash.go, config_setpack.go), the others change nothing yet.
type encodingParams struct {
	mu   sync.Mutex
	vals map[string]string // guarded by mu; name (aliases resolved) -> value
}

// encodingDefaults are the parameters and Redis 7.0's defaults; aliases
// name the same value as in Redis.
var encodingDefaults = map[string]string{
	"zset-max-listpack-entries": "128",
	"zset-max-listpack-value":   "64",
	"hash-max-listpack-entries": "128",
	"hash-max-listpack-value":   "64",
	"set-max-listpack-entries":  "128",
	"set-max-listpack-value":    "64",
	// Stream nodes are bounded by stream-node-max-entries only.
	"stream-node-max-bytes": "4096",
}

var encodingAliases = map[string]string{
	"zset-max-ziplist-entries": "zset-max-listpack-entries",
	"zset-max-ziplist-value":   "zset-max-listpack-value",
	"hash-max-ziplist-entries": "hash-max-listpack-entries",
	"hash-max-ziplist-value":   "hash-max-listpack-value",
}

func canonicalEncodingParam(name string) (string, bool) {
	if a, ok := encodingAliases[name]; ok {
		name = a
	}
	_, ok := encodingDefaults[name]
	return name, ok
}

// set stores a parameter; ok is false for a name it does not know, err
// set for a value that is not a non-negative integer.
func (p *encodingParams) set(name, val string) (ok bool, err error) {
	name, ok = canonicalEncodingParam(name)
	if !ok {
		return false, nil
	}
	// Redis 7.0 types them: *-value and *-bytes are memory sizes ("1kb"),
	// *-entries a count.
	var v int64
	var err2 error
	if strings.HasSuffix(name, "-value") || strings.HasSuffix(name, "-bytes") {
		if v, err2 = ParseMemory(val); err2 != nil {
			return true, errArgument("argument must be a memory value")
		}
	} else if v, err2 = strconv.ParseInt(val, 10, 64); err2 != nil {
		return true, errArgument("argument couldn't be parsed into an integer")
	}
	if v < 0 {
		return true, errArgument("argument must be between 0 and 9223372036854775807 inclusive")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.vals == nil {
		p.vals = make(map[string]string)
	}
	p.vals[name] = strconv.FormatInt(v, 10)
	return true, nil
}

// get returns a parameter's value.
func (p *encodingParams) get(name string) string {
	name, _ = canonicalEncodingParam(name)
	p.mu.Lock()
	defer p.mu.Unlock()
	if v, ok := p.vals[name]; ok {
		return v
	}
	return encodingDefaults[name]
}

// addGetters adds the parameters (and aliases) to CONFIG GET's table.
func (p *encodingParams) addGetters(m map[string]func() string) {
	for name := range encodingDefaults {
		m[name] = func() string { return p.get(name) }
	}
	for alias := range encodingAliases {
		m[alias] = func() string { return p.get(alias) }
	}
}
