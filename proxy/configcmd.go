package proxy

import (
	"net"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/glob"
)

// CONFIG through the proxy is the proxy's own configuration, never a
// node's: a node's configuration holds the password the proxy reaches
// the nodes with (Config.BackendPassword), which would let any client of
// the proxy go around its users and ACL straight to a node. CONFIG GET
// answers the parameters that mean something at the endpoint (and the
// ones clients probe, with the values that hold for the whole service);
// CONFIG SET changes what the proxy owns and refuses the rest as Redis
// refuses an unknown or immutable parameter.

// configParam is one parameter of the proxy's CONFIG GET. set, nil when
// the parameter cannot change at run time, checks a value and returns
// what applies it, or why the value is refused.
type configParam struct {
	get func(p *Proxy) string
	set func(p *Proxy, v string) (apply func(), why string)
}

func acceptAny(*Proxy, string) (func(), string) { return func() {}, "" }

var configParams = map[string]configParam{
	"port": {get: func(p *Proxy) string { _, port := p.listenHostPort(); return port }},
	"bind": {get: func(p *Proxy) string { host, _ := p.listenHostPort(); return host }},
	"maxclients": {
		get: func(p *Proxy) string {
			p.mu.Lock()
			defer p.mu.Unlock()
			return strconv.Itoa(p.cfg.MaxClients)
		},
		set: func(p *Proxy, v string) (func(), string) {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, "argument couldn't be parsed into an integer"
			}
			if n < 1 || n > 1<<32-1 {
				return nil, "argument must be between 1 and 4294967295 inclusive"
			}
			return func() {
				p.mu.Lock()
				p.cfg.MaxClients = int(n)
				p.mu.Unlock()
			}, ""
		},
	},
	"timeout": {get: func(p *Proxy) string { return strconv.FormatInt(int64(p.cfg.IdleTimeout/time.Second), 10) }},
	"requirepass": {
		get: func(p *Proxy) string {
			p.mu.Lock()
			defer p.mu.Unlock()
			return p.cfg.RequirePass
		},
		set: func(p *Proxy, v string) (func(), string) {
			return func() {
				p.mu.Lock()
				p.cfg.RequirePass = v
				p.mu.Unlock()
				p.acl.SetRequirePass(v)
			}, ""
		},
	},
	"aclfile": {get: func(p *Proxy) string { return p.cfg.ACLFile }},
	"acl-pubsub-default": {
		get: func(p *Proxy) string { return p.acl.PubsubDefault() },
		set: func(p *Proxy, v string) (func(), string) {
			if strings.ToLower(v) != "allchannels" && strings.ToLower(v) != "resetchannels" {
				return nil, acl.ErrPubsubDefault.Error()
			}
			return func() { p.acl.SetPubsubDefault(v) }, ""
		},
	},
	// The nodes snapshot on their own (SAVE, BGSAVE, shutdown): no save
	// points, no AOF. Setting them is accepted, as a node accepts it, for
	// tools that switch them off.
	"save":            {get: func(*Proxy) string { return "" }, set: acceptAny},
	"appendonly":      {get: func(*Proxy) string { return "no" }, set: acceptAny},
	"databases":       {get: func(*Proxy) string { return "1" }},
	"cluster-enabled": {get: func(*Proxy) string { return "no" }},
}

// configNames is every parameter name, sorted: the order of CONFIG GET's
// reply.
var configNames = func() []string {
	names := make([]string, 0, len(configParams))
	for name := range configParams {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}()

// listenHostPort returns the host and port the proxy listens on ("" before
// Serve).
func (p *Proxy) listenHostPort() (host, port string) {
	a := p.Addr()
	if a == nil {
		return "", ""
	}
	host, port, _ = net.SplitHostPort(a.String())
	return host, port
}

var configHelp = []string{
	"CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"GET <pattern>",
	"    Return parameters matching the glob-like <pattern> and their values.",
	"SET <directive> <value>",
	"    Set the configuration <directive> to <value>.",
	"RESETSTAT",
	"    Reset statistics reported by the INFO command.",
	"REWRITE",
	"    Rewrite the configuration file.",
	"HELP",
	"    Prints this help.",
}

func cmdConfig(s *session, args [][]byte) {
	switch sub := strings.ToLower(string(args[1])); sub {
	case "get":
		if len(args) < 3 {
			s.Error(arityError("config|get"))
			return
		}
		s.configGet(args[2:])
	case "set":
		if len(args) < 4 || len(args)%2 != 0 {
			s.Error(arityError("config|set"))
			return
		}
		if msg := s.p.configSet(args[2:]); msg != "" {
			s.Error(msg)
			return
		}
		s.Simple("OK")
	case "resetstat":
		s.p.resetStats()
		s.Simple("OK")
	case "rewrite":
		s.Error("ERR The server is running without a config file")
	case "help":
		s.Array(len(configHelp))
		for _, line := range configHelp {
			s.Simple(line)
		}
	default:
		s.Error("ERR unknown subcommand '" + string(args[1]) + "'. Try CONFIG HELP.")
	}
}

// configGet answers the parameters matching any of patterns (Redis's
// globs, in any case), each once.
func (s *session) configGet(patterns [][]byte) {
	var out []string
	seen := map[string]bool{}
	for _, pat := range patterns {
		lp := strings.ToLower(string(pat))
		for _, name := range configNames {
			if !seen[name] && glob.Match(lp, name) {
				seen[name] = true
				out = append(out, name, configParams[name].get(s.p))
			}
		}
	}
	s.Map(len(out) / 2)
	for _, v := range out {
		s.BulkString(v)
	}
}

// configSet checks every name and value pair and, when all are good,
// applies them (all or none, as Redis does); it returns Redis's error
// text for the first that fails. Only the proxy's own parameters:
// config_nodes.go sends the nodes' to the nodes.
func (p *Proxy) configSet(pairs [][]byte) string {
	applies, msg := p.configPrepare(pairs)
	if msg != "" {
		return msg
	}
	for _, apply := range applies {
		apply()
	}
	return ""
}

// configCheck returns what configSet would refuse pairs with, applying
// nothing.
func (p *Proxy) configCheck(pairs [][]byte) string {
	_, msg := p.configPrepare(pairs)
	return msg
}

// configPrepare checks every name and value pair and returns what applies
// them, or Redis's error text for the first that fails.
func (p *Proxy) configPrepare(pairs [][]byte) ([]func(), string) {
	fail := func(name, why string) string {
		return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why
	}
	seen := map[string]bool{}
	var applies []func()
	for i := 0; i < len(pairs); i += 2 {
		name := strings.ToLower(string(pairs[i]))
		prm, ok := configParams[name]
		switch {
		case !ok:
			return nil, "ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'"
		case seen[name]:
			return nil, fail(name, "duplicate parameter")
		case prm.set == nil:
			return nil, fail(name, "can't set immutable config")
		}
		seen[name] = true
		apply, why := prm.set(p, string(pairs[i+1]))
		if why != "" {
			return nil, fail(name, why)
		}
		applies = append(applies, apply)
	}
	return applies, ""
}

// resetStats zeroes the counters INFO stats, commandstats and
// latencystats show, as CONFIG RESETSTAT does.
func (p *Proxy) resetStats() {
	for _, e := range p.cmds.order {
		e.stats.calls.Store(0)
		e.stats.failed.Store(0)
		e.stats.usec.Store(0)
		for i := range e.stats.hist {
			e.stats.hist[i].Store(0)
		}
	}
	for _, c := range []*atomic.Int64{&p.stats.connections, &p.stats.rejected, &p.stats.commands,
		&p.stats.retries, &p.stats.redirects, &p.stats.refreshes} {
		c.Store(0)
	}
}
