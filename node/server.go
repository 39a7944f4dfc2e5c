package node

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/glob"
)

func cmdDBSize(cx *Ctx) {
	defer cx.Node.seeNoScratch(cx)() // scratch.go
	cx.Int(cx.Node.dbSize())
}

func cmdTime(cx *Ctx) {
	now := time.Now()
	cx.Array(2)
	cx.BulkString(strconv.FormatInt(now.Unix(), 10))
	cx.BulkString(strconv.FormatInt(int64(now.Nanosecond()/1000), 10))
}

func cmdSave(cx *Ctx) {
	if err := cx.Node.saveSnapshot(); err != nil {
		cx.Err(err)
		return
	}
	cx.OK()
}

func cmdBGSave(cx *Ctx) {
	if err := cx.Node.bgSave(); err != nil {
		cx.Err(err)
		return
	}
	cx.Simple("Background saving started")
}

func cmdLastSave(cx *Ctx) { cx.Int(cx.Node.persist.lastSave.Load()) }

func cmdFlushAll(cx *Ctx) {
	if len(cx.Args) > 2 {
		cx.SyntaxError()
		return
	}
	if len(cx.Args) == 2 {
		switch strings.ToLower(string(cx.Args[1])) {
		case "sync":
		case "async":
			cx.Node.stats.lazyfreed.Add(int64(cx.Node.ks.Len()))
		default:
			cx.SyntaxError()
			return
		}
	}
	cx.Node.ks.Flush()
	cx.Node.trackFlushed(trackOwner(cx.cl))
	cx.OK()
}

func cmdShutdown(cx *Ctx) {
	save := cx.Node.config().Dir != ""
	for _, a := range cx.Args[1:] {
		switch strings.ToLower(string(a)) {
		case "nosave":
			save = false
		case "save":
			save = true
		case "now", "force", "abort":
		default:
			cx.SyntaxError()
			return
		}
	}
	if save {
		if err := cx.Node.saveSnapshot(); err != nil {
			cx.Node.log.Error("SHUTDOWN: snapshot failed; not shutting down", "err", err)
			cx.Error("ERR Errors trying to SHUTDOWN. Check logs.")
			return
		}
	}
	cx.Node.requestShutdown(false)
	cx.cl.conn.Close()
}

// configParams are the parameters CONFIG GET knows, with their getters.
func (n *Node) configParams() map[string]func() string {
	c := n.config()
	itoa := func(v int64) string { return strconv.FormatInt(v, 10) }
	m := map[string]func() string{
		"maxmemory":                  func() string { return itoa(n.ks.MaxMemory()) },
		"maxmemory-policy":           func() string { return n.ks.Policy().String() },
		"requirepass":                func() string { return c.RequirePass },
		"aclfile":                    func() string { return c.ACLFile },
		"proto-max-bulk-len":         func() string { return itoa(c.MaxBulkLen) },
		"maxclients":                 func() string { return itoa(int64(c.MaxClients)) },
		"timeout":                    func() string { return itoa(int64(c.IdleTimeout / time.Second)) },
		"dir":                        func() string { return c.Dir },
		"dbfilename":                 func() string { return c.DBFilename },
		"appendonly":                 func() string { return "no" },
		"databases":                  func() string { return "1" },
		"port":                       func() string { return n.port() },
		"bind":                       func() string { return n.bindHost() },
		"cluster-enabled":            func() string { return map[bool]string{true: "yes", false: "no"}[n.Cluster() != nil] },
		"slowlog-log-slower-than":    func() string { return itoa(n.slow.threshold.Load()) },
		"slowlog-max-len":            func() string { return itoa(n.slow.maxLen.Load()) },
		"latency-monitor-threshold":  func() string { return itoa(n.latency.threshold.Load()) },
		"io-threads-cpu-wait":        func() string { return strconv.FormatFloat(n.loopCPUWait(), 'f', -1, 64) },
		"hll-sparse-max-bytes":       func() string { return itoa(int64(n.hll.sparseMax())) },
		"set-max-intset-entries":     func() string { return itoa(n.ks.MaxIntsetEntries()) },
		"list-max-listpack-size":     func() string { return itoa(n.listCfg.packSize.Load()) },
		"list-max-ziplist-size":      func() string { return itoa(n.listCfg.packSize.Load()) },
		"list-compress-depth":        func() string { return itoa(n.listCfg.compressDepth.Load()) },
		"busy-reply-threshold":       func() string { return itoa(n.scripts.limit.Load()) },
		"lua-time-limit":             func() string { return itoa(n.scripts.limit.Load()) },
		"stream-node-max-entries":    func() string { return itoa(n.ks.StreamNodeMaxEntries()) },
		"client-output-buffer-limit": n.pubsub.bufLimitsText,
		"notify-keyspace-events":     n.notifyFlagsText,
		"tracking-table-max-keys":    func() string { return itoa(n.track.maxKeys.Load()) },
		"acl-pubsub-default":         n.acl.PubsubDefault,
	}
	n.encParams.addGetters(m)
	n.extraGetters(m)
	n.addMinReplicasGetters(m)
	return m
}

func cmdConfig(cx *Ctx) {
	n := cx.Node
	switch sub := strings.ToLower(string(cx.Args[1])); sub {
	case "get":
		if len(cx.Args) < 3 {
			cx.Error("ERR wrong number of arguments for 'config|get' command")
			return
		}
		params := n.configParams()
		var out []string
		seen := map[string]bool{}
		for _, p := range cx.Args[2:] {
			pat := strings.ToLower(string(p))
			if !strings.ContainsAny(pat, "[*?") {
				// A name, not a pattern: named as the client wrote it, as
				// Redis answers; a hidden parameter only so.
				get, ok := params[pat]
				if !ok && hiddenParams[pat] {
					get, ok = func() string { return n.hiddenParam(pat) }, true
				}
				if ok && !seen[pat] {
					seen[pat] = true
					out = append(out, string(p), get())
				}
				continue
			}
			for _, name := range sortedKeys(params) {
				if glob.Match(pat, name) && !seen[name] {
					seen[name] = true
					out = append(out, name, params[name]())
				}
			}
		}
		cx.Map(len(out) / 2)
		for _, s := range out {
			cx.BulkString(s)
		}
	case "set":
		if len(cx.Args) < 4 || len(cx.Args)%2 != 0 {
			cx.Error("ERR wrong number of arguments for 'config|set' command")
			return
		}
		if msg := n.configSetMany(cx.Args[2:]); msg != "" {
			cx.Error(msg)
			return
		}
		cx.OK()
	case "resetstat":
		n.ks.ResetStats()
		n.resetStats()
		n.errs.reset()
		n.resetCommandStats()
		cx.OK()
	case "rewrite":
		cx.Error("ERR The server is running without a config file")
	default:
		cx.Error("ERR unknown subcommand '" + string(cx.Args[1]) + "'. Try CONFIG HELP.")
	}
}

// configSet changes one parameter at run time.
func (n *Node) configSet(name, val string) error {
	switch name {
	case "maxmemory":
		v, err := ParseMemory(val)
		if err != nil {
			return err
		}
		n.ks.SetMaxMemory(v)
		if f := n.cfg.MaxMemoryChanged; f != nil {
			f(v)
		}
	case "maxmemory-policy":
		p, err := cache.ParsePolicy(val)
		if err != nil {
			return err
		}
		n.ks.SetPolicy(p)
	case "requirepass":
		n.mu.Lock()
		n.cfg.RequirePass = val
		n.mu.Unlock()
		n.acl.SetRequirePass(val)
	case "proto-max-bulk-len":
		v, err := ParseMemory(val)
		if err != nil || v < 1 {
			return errArgument("argument must be a memory value")
		}
		n.mu.Lock()
		n.cfg.MaxBulkLen = v
		n.mu.Unlock()
	case "maxclients":
		v, err := strconv.Atoi(val)
		if err != nil || v < 1 {
			return errArgument("argument couldn't be parsed into an integer")
		}
		n.mu.Lock()
		n.cfg.MaxClients = v
		n.mu.Unlock()
	case "slowlog-log-slower-than":
		v, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return errArgument("argument couldn't be parsed into an integer")
		}
		n.slow.threshold.Store(v)
	case "io-threads-cpu-wait":
		v, err := strconv.ParseFloat(val, 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return errArgument("argument must be a non-negative number")
		}
		n.loopWait.Store(math.Float64bits(v))
	case "latency-monitor-threshold":
		v, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return errArgument("argument couldn't be parsed into an integer")
		}
		if v < 0 {
			return errArgument("argument must be between 0 and 9223372036854775807 inclusive")
		}
		n.latency.threshold.Store(v)
	case "slowlog-max-len":
		v, err := strconv.ParseInt(val, 10, 64)
		if err != nil || v < 0 {
			return errArgument("argument must be a positive integer")
		}
		n.slow.maxLen.Store(v)
	case "timeout":
		v, err := strconv.Atoi(val)
		if err != nil || v < 0 {
			return errArgument("argument couldn't be parsed into an integer")
		}
		n.mu.Lock()
		n.cfg.IdleTimeout = time.Duration(v) * time.Second
		srv := n.srv
		n.mu.Unlock()
		if srv != nil {
			srv.SetIdleClose(time.Duration(v) * time.Second)
		}
	case "hll-sparse-max-bytes":
		v, err := ParseMemory(val)
		if err != nil || v < 0 {
			return errArgument("argument must be a memory value")
		}
		n.hll.setSparseMax(v)
	case "set-max-intset-entries":
		v, err := strconv.ParseInt(val, 10, 64)
		if err != nil || v < 0 {
			return errArgument("argument couldn't be parsed into an integer")
		}
		n.ks.SetMaxIntsetEntries(v)
	case "list-max-listpack-size", "list-max-ziplist-size", "list-compress-depth":
		return n.setListConfig(name, val)
	case "busy-reply-threshold", "lua-time-limit":
		v, err := strconv.ParseInt(val, 10, 64)
		if err != nil || v < 0 {
			return errArgument("argument couldn't be parsed into an integer")
		}
		n.scripts.limit.Store(v)
	case "stream-node-max-entries":
		v, err := strconv.ParseInt(val, 10, 64)
		if err != nil || v < 0 {
			return errArgument("argument couldn't be parsed into an integer")
		}
		n.ks.SetStreamNodeMaxEntries(v)
	case "zset-max-listpack-entries", "zset-max-listpack-value", "zset-max-ziplist-entries", "zset-max-ziplist-value":
		return n.setZSetConfig(name, val)
	case "client-output-buffer-limit":
		return n.pubsub.setBufLimits(strings.ToLower(val))
	case "notify-keyspace-events":
		return n.setNotifyFlags(val)
	case "tracking-table-max-keys":
		return n.setTrackMaxKeys(val)
	case "acl-pubsub-default":
		if err := n.acl.SetPubsubDefault(val); err != nil {
			return errArgument(err.Error())
		}
	case "appendonly":
		// Accepted for compatibility with tools that set it; vcache
		// snapshots (SAVE, BGSAVE, save points, shutdown) only.
	default:
		if ok, err := n.setExtraParam(name, val); ok {
			return err
		}
		if ok, err := n.setServerParam(name, val); ok {
			return err
		}
		if ok, err := n.setMinReplicas(name, val); ok {
			return err
		}
		if ok, err := n.encParams.set(name, val); ok {
			if err == nil {
				n.applyHashEncoding()
				n.applySetEncoding()
			}
			return err
		}
		return errArgument("Unknown option or number of arguments for CONFIG SET - '" + name + "'")
	}
	return nil
}

type errArgument string

func (e errArgument) Error() string { return string(e) }

// ParseMemory reads a Redis memory amount: bytes, or with a unit
// (k, kb, m, mb, g, gb; k = 1000, kb = 1024).
func ParseMemory(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"g", 1e9}, {"m", 1e6}, {"k", 1e3}, {"b", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, errArgument("argument must be a memory value")
	}
	return v * mult, nil
}

func (n *Node) port() string {
	if a := n.Addr(); a != nil {
		_, p, _ := strings.Cut(a.String(), "]:")
		if p == "" {
			_, p, _ = strings.Cut(a.String(), ":")
		}
		return p
	}
	return ""
}

func (n *Node) bindHost() string {
	if a := n.Addr(); a != nil {
		s := a.String()
		if i := strings.LastIndex(s, ":"); i >= 0 {
			return strings.Trim(s[:i], "[]")
		}
	}
	return ""
}
