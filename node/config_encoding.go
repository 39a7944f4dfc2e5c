package node

import (
	"strconv"
	"sync"
)

// encodingParams are Redis's tuning parameters for compact encodings
// (zset-max-listpack-entries...). vcache keeps one representation per
// type, so they change nothing; CONFIG SET accepts them (tools and Redis's
// own tests set them) and CONFIG GET returns what was set.
type encodingParams struct {
	mu   sync.Mutex
	vals map[string]string // guarded by mu; name (aliases resolved) -> value
}

// encodingDefaults are the parameters and Redis 7.0's defaults; aliases
// name the same value as in Redis.
var encodingDefaults = map[string]string{
	"zset-max-listpack-entries": "128",
	"zset-max-listpack-value":   "64",
}

var encodingAliases = map[string]string{
	"zset-max-ziplist-entries": "zset-max-listpack-entries",
	"zset-max-ziplist-value":   "zset-max-listpack-value",
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
	if v, err := strconv.ParseInt(val, 10, 64); err != nil || v < 0 {
		return true, errArgument("argument couldn't be parsed into an integer")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.vals == nil {
		p.vals = make(map[string]string)
	}
	p.vals[name] = val
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
