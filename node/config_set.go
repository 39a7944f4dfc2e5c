package node

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// configSetMany is CONFIG SET of several parameters, as Redis 7 does it:
// every name is checked first (unknown, immutable, given twice), then the
// parameters are set in order; when one fails, those already set get
// their old values back, so the command changes all or nothing. It
// returns the error reply's text, or "".
func (n *Node) configSetMany(pairs [][]byte) string {
	params := n.configParams()
	names := make([]string, 0, len(pairs)/2)
	seen := map[string]bool{}
	for i := 0; i < len(pairs); i += 2 {
		name := strings.ToLower(string(pairs[i]))
		_, known := params[name]
		if !known {
			_, known = hiddenParams[name]
		}
		// (Redis names the parameter as the client wrote it here, and by
		// its own name when its value is refused.)
		switch {
		case !known && !immutableParams[name]:
			return "ERR Unknown option or number of arguments for CONFIG SET - '" + string(pairs[i]) + "'"
		case seen[name]:
			return configSetFailed(string(pairs[i]), "duplicate parameter")
		case immutableParams[name]:
			return configSetFailed(string(pairs[i]), "can't set immutable config")
		}
		seen[name] = true
		names = append(names, name)
	}
	old := make([]string, len(names))
	for i, name := range names {
		if get, ok := params[name]; ok {
			old[i] = get()
		} else {
			old[i] = n.hiddenParam(name)
		}
	}
	for i, name := range names {
		if err := n.configSet(name, string(pairs[2*i+1])); err != nil {
			for j := i - 1; j >= 0; j-- {
				_ = n.configSet(names[j], old[j])
			}
			return configSetFailed(name, err.Error())
		}
	}
	return ""
}

func configSetFailed(name, why string) string {
	return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why
}

// hiddenParams are parameters CONFIG GET shows only when asked for by
// their exact name (a pattern such as * leaves them out), as Redis hides
// its debugging ones.
var hiddenParams = map[string]bool{"key-load-delay": true, "lua-enable-deprecated-api": true}

// hiddenParam returns a hidden parameter's value.
func (n *Node) hiddenParam(name string) string {
	switch name {
	case "key-load-delay":
		return strconv.FormatInt(n.xcfg.keyLoadDelay.Load(), 10)
	case "lua-enable-deprecated-api":
		return map[bool]string{true: "yes", false: "no"}[n.cfg.LuaEnableDeprecatedAPI]
	}
	return ""
}

// extraConfig holds parameters that are kept as Redis keeps them but that
// vcache applies differently or not at all (see setExtraParam).
type extraConfig struct {
	mu    sync.Mutex
	save  string // guarded by mu; save points, "secs changes ..." (savepoints.go)
	mmc   string // guarded by mu; maxmemory-clients as set: bytes or "N%"
	qbuf  int64  // guarded by mu; client-query-buffer-limit
	backl int64  // guarded by mu; repl-backlog-size as set (at least 16 KiB)

	keyLoadDelay atomic.Int64
	// points are the save points in effect (savepoints.go); lastTry is
	// when one last started a save, in unix nanoseconds.
	points  atomic.Pointer[[]savePoint]
	lastTry atomic.Int64
	// samples is maxmemory-samples; 0 means Redis's default, 5. The
	// keyspace samples 5 keys in each of a few stripes whatever it is.
	samples atomic.Int64
}

// minBacklog is the smallest replication backlog, as in Redis: a smaller
// repl-backlog-size is raised to it.
const minBacklog = 16 << 10

// extraGetters adds the getters of the parameters of extraConfig.
func (n *Node) extraGetters(m map[string]func() string) {
	x := &n.xcfg
	locked := func(f func() string) func() string {
		return func() string { x.mu.Lock(); defer x.mu.Unlock(); return f() }
	}
	m["save"] = locked(func() string { return x.save })
	m["maxmemory-clients"] = locked(func() string {
		if x.mmc == "" {
			return "0"
		}
		return x.mmc
	})
	m["client-query-buffer-limit"] = locked(func() string {
		if x.qbuf == 0 {
			return strconv.FormatInt(1<<30, 10)
		}
		return strconv.FormatInt(x.qbuf, 10)
	})
	m["repl-backlog-size"] = locked(func() string {
		if x.backl == 0 {
			return strconv.Itoa(n.repl.log.size())
		}
		return strconv.FormatInt(x.backl, 10)
	})
	m["maxmemory-samples"] = func() string {
		if v := x.samples.Load(); v > 0 {
			return strconv.FormatInt(v, 10)
		}
		return "5"
	}
	m["daemonize"] = func() string { return "no" }
	m["replicaof"] = func() string { return "" }
	m["slaveof"] = func() string { return "" }
}

// setExtraParam is CONFIG SET of the parameters of extraConfig; ok is
// false for another name.
func (n *Node) setExtraParam(name, val string) (ok bool, err error) {
	x := &n.xcfg
	switch name {
	case "save":
		pts, err := parseSavePoints(val)
		if err != nil {
			return true, err
		}
		x.mu.Lock()
		x.save = formatSavePoints(pts)
		x.mu.Unlock()
		n.setSavePoints(pts)
	case "maxmemory-clients":
		// Redis evicts clients past it; vcache counts client buffers
		// toward maxmemory instead (memory_extra.go), so the value is
		// kept for CONFIG GET only.
		if p, isPct := strings.CutSuffix(val, "%"); isPct {
			v, perr := strconv.ParseInt(p, 10, 64)
			switch {
			case perr != nil || v < 0:
				return true, errArgument("argument must be a memory or percent value")
			case v > 100:
				return true, errArgument("percentage argument must be less or equal to 100")
			}
			val = strconv.FormatInt(v, 10) + "%"
		} else {
			v, perr := ParseMemory(val)
			if perr != nil {
				return true, errArgument("argument must be a memory or percent value")
			}
			val = strconv.FormatInt(v, 10)
		}
		x.mu.Lock()
		x.mmc = val
		x.mu.Unlock()
	case "client-query-buffer-limit":
		// A request is bounded by proto-max-bulk-len and the arguments'
		// count; the value is kept for CONFIG GET.
		v, perr := ParseMemory(val)
		switch {
		case perr != nil:
			return true, errArgument("argument must be a memory value")
		case v < 1<<20:
			return true, errArgument("argument must be between 1048576 and 9223372036854775807 inclusive")
		}
		x.mu.Lock()
		x.qbuf = v
		x.mu.Unlock()
	case "repl-backlog-size":
		v, perr := ParseMemory(val)
		switch {
		case perr != nil:
			return true, errArgument("argument must be a memory value")
		case v < 1:
			return true, errArgument("argument must be between 1 and 9223372036854775807 inclusive")
		}
		v = max(v, minBacklog)
		x.mu.Lock()
		x.backl = v
		x.mu.Unlock()
		n.repl.log.resize(int(min(v, 1<<40)))
	case "maxmemory-samples":
		v, perr := strconv.ParseInt(val, 10, 64)
		if perr != nil {
			return true, errArgument("argument couldn't be parsed into an integer")
		}
		if v < 1 || v > 1<<31-1 {
			return true, errArgument("argument must be between 1 and 2147483647 inclusive")
		}
		x.samples.Store(v)
	case "key-load-delay":
		// Redis's debugging pause per key loaded; vcache's snapshot
		// loader does not pause. Kept for CONFIG GET.
		v, perr := strconv.ParseInt(val, 10, 64)
		if perr != nil || v < -1<<31 || v > 1<<31-1 {
			return true, errArgument("argument couldn't be parsed into an integer")
		}
		x.keyLoadDelay.Store(v)
	default:
		return false, nil
	}
	return true, nil
}

// checkPortFree tries to listen on the port a CONFIG SET port names, on
// the node's address, and reports Redis's error when it cannot.
func (n *Node) checkPortFree(port string) error {
	p, err := strconv.Atoi(strings.TrimSpace(port))
	if err != nil || p < 0 || p > 65535 {
		return errArgument("argument must be between 0 and 65535 inclusive")
	}
	l, err := net.Listen("tcp", net.JoinHostPort(n.bindHost(), strconv.Itoa(p)))
	if err != nil {
		why := err.Error()
		if errors.Is(err, syscall.EADDRINUSE) {
			why = "Address already in use"
		}
		return errArgument("Unable to listen on this port: " + why)
	}
	return l.Close()
}
