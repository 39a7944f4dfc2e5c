package handlergen

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"strings"

	"github.com/vcache/vcache/internal/command"
)

// The proxy's convention. The proxy serves each spec as its Proxy route
// says (command.Route). For every route but RouteKey and RouteAnyNode the
// spec "name" has a handler, the package-level func or var proxyName,
// matched as the node's cmdName is ("ft.search": proxyFTSearch); its type
// is the one the route's field in the proxy's route struct takes (the
// compiler checks it in the generated file). Three more names add what
// the proxy does when a command's keys are on several nodes, and one
// what it does with a command it answers itself inside MULTI; each is
// optional, and each must name a spec:
//
//	txSplitName  a txSplit var: how a transaction queues the command as
//	             one part per slot (MGET, DEL); only for RouteSplit
//	computeName  makes the txCompute by which the proxy computes the
//	             command itself (SUNION in a transaction, RENAME, PFCOUNT)
//	acrossName   makes the plan of a blocking command that waits on keys
//	             of several nodes (BLPOP, XREAD BLOCK); only for commands
//	             flagged Blocking or with a BlocksIf
//	txLocalName  reports whether a command line the proxy answers itself
//	             may be queued in a transaction, to be answered by the
//	             proxy when EXEC has run (CLIENT); only for RouteLocal
//
// Every spec has exactly one route: a keyless spec routed by key (that
// is, given no Proxy route) must be flagged NodeOnly, which the proxy
// refuses, and a NodeOnly spec takes no other route.

// proxyPrefixes are the prefixes of the names the proxy's convention
// reads, handler first.
var proxyPrefixes = []string{"proxy", "txSplit", "compute", "across", "txLocal"}

// proxyPrefix returns the prefix of a name the proxy's convention reads
// (one of proxyPrefixes followed by an upper-case letter), or "".
func proxyPrefix(name string) string {
	for _, p := range proxyPrefixes {
		if len(name) > len(p) && strings.HasPrefix(name, p) && 'A' <= name[len(p)] && name[len(p)] <= 'Z' {
			return p
		}
	}
	return ""
}

// proxyName suggests the Go name of spec's prefix name: "ft.search" and
// "proxy" give proxyFtSearch (any case matches).
func proxyName(prefix, spec string) string {
	return prefix + strings.TrimPrefix(HandlerName(spec), "cmd")
}

// handlerField is the field of the proxy's route struct that a handler
// of route r goes in, and whether it is taken by address; "" when the
// route takes no handler.
func handlerField(r command.Route) (field string, addr bool) {
	switch r {
	case command.RouteLocal:
		return "local", false
	case command.RouteFanout, command.RouteSplit, command.RouteOwn:
		return "composite", false
	case command.RouteTx:
		return "tx", false
	case command.RouteSubscribe:
		return "ps", true
	}
	return "", false
}

// ProxyRoute is what the generated table binds to one spec: the Go
// names of its handler, txSplit, compute, across and txLocal ("" for
// none).
type ProxyRoute struct {
	Spec                                       string
	Route                                      command.Route
	Handler, TxSplit, Compute, Across, TxLocal string
}

// MatchProxy checks the routes of specs and pairs them with the names hs
// (found with the proxy's prefixes), in the specs' order; it returns an
// error for each break of the convention. Specs with nothing to bind are
// left out.
func MatchProxy(pkg string, specs []command.Spec, hs []Handler) ([]ProxyRoute, []error) {
	var errs []error
	byKey := map[string]Handler{} // prefix + "/" + key
	for _, h := range hs {
		p := proxyPrefix(h.Name)
		k := p + "/" + Key(strings.TrimPrefix(h.Name, p))
		if o, dup := byKey[k]; dup {
			errs = append(errs, fmt.Errorf("%s (%s) and %s (%s) have the same name but for case", o.Name, o.Pos, h.Name, h.Pos))
			continue
		}
		byKey[k] = h
	}
	used := map[string]bool{}
	var out []ProxyRoute
	for i := range specs {
		s := &specs[i]
		k := Key(s.Name)
		find := func(prefix string) (Handler, bool) {
			h, ok := byKey[prefix+"/"+k]
			if ok {
				used[h.Name] = true
			}
			return h, ok
		}
		keyless := s.FirstKey == 0 && !s.Movable()
		switch {
		case s.Has(command.NodeOnly) && s.Proxy != command.RouteKey:
			errs = append(errs, fmt.Errorf("spec %s: flagged NodeOnly, which the proxy refuses, but given Proxy %v", s.Name, s.Proxy))
		case keyless && s.Proxy == command.RouteKey && !s.Has(command.NodeOnly):
			errs = append(errs, fmt.Errorf("spec %s: names no key but has no Proxy route: give it one (RouteAnyNode if any node answers it, RouteFanout, RouteLocal, ...) or flag it NodeOnly", s.Name))
		case !keyless && s.Proxy == command.RouteAnyNode:
			errs = append(errs, fmt.Errorf("spec %s: names keys but is routed to any node (RouteAnyNode)", s.Name))
		}
		r := ProxyRoute{Spec: s.Name, Route: s.Proxy}
		field, _ := handlerField(s.Proxy)
		h, ok := find("proxy")
		switch {
		case field != "" && !ok:
			errs = append(errs, fmt.Errorf("spec %s: route %v needs a handler, and %s has no %s (write func or var %s)",
				s.Name, s.Proxy, pkg, proxyName("proxy", s.Name), proxyName("proxy", s.Name)))
		case field == "" && ok:
			errs = append(errs, fmt.Errorf("spec %s: route %v takes no handler, but %s has %s (%s): give the spec the route it serves",
				s.Name, s.Proxy, pkg, h.Name, h.Pos))
		case ok:
			r.Handler = h.Name
		}
		if h, ok := find("txSplit"); ok {
			if s.Proxy != command.RouteSplit {
				errs = append(errs, fmt.Errorf("spec %s: %s (%s) splits it in a transaction, but its route is %v, not RouteSplit", s.Name, h.Name, h.Pos, s.Proxy))
			}
			r.TxSplit = h.Name
		}
		if h, ok := find("compute"); ok {
			r.Compute = h.Name
		}
		if h, ok := find("across"); ok {
			if !s.Has(command.Blocking) && s.BlocksIf == nil {
				errs = append(errs, fmt.Errorf("spec %s: %s (%s) waits across nodes, but the spec is neither Blocking nor has a BlocksIf", s.Name, h.Name, h.Pos))
			}
			r.Across = h.Name
		}
		if h, ok := find("txLocal"); ok {
			if s.Proxy != command.RouteLocal {
				errs = append(errs, fmt.Errorf("spec %s: %s (%s) answers it in a transaction, but its route is %v, not RouteLocal", s.Name, h.Name, h.Pos, s.Proxy))
			}
			r.TxLocal = h.Name
		}
		if r.Handler != "" || r.TxSplit != "" || r.Compute != "" || r.Across != "" || r.TxLocal != "" {
			out = append(out, r)
		}
	}
	for _, h := range hs {
		if !used[h.Name] {
			p := proxyPrefix(h.Name)
			if byKey[p+"/"+Key(strings.TrimPrefix(h.Name, p))].Name == h.Name {
				errs = append(errs, fmt.Errorf("%s (%s) in %s: no spec %q in internal/command (add the spec, or rename it: names %s+Upper are read by the convention)",
					h.Name, h.Pos, pkg, Key(strings.TrimPrefix(h.Name, p)), p))
			}
		}
	}
	return out, errs
}

// ProxySource returns the gofmt'ed source of OutFile for the proxy's
// package pkg: a func routes() returning rs as a map from spec name to
// the fields of the package's route struct.
func ProxySource(pkg string, rs []ProxyRoute) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by cmd/genhandlers from internal/command's specs and this package's proxy*, txSplit*, compute*, across* and txLocal* names; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	fmt.Fprintf(&b, "// routes returns what the %s binds to each command beyond its spec's\n", pkg)
	fmt.Fprintf(&b, "// route, by spec name: spec \"name\" is served by proxyName, split in a\n")
	fmt.Fprintf(&b, "// transaction by txSplitName, computed by computeName, waits across\n")
	fmt.Fprintf(&b, "// nodes by acrossName and is queued in a transaction as txLocalName\n")
	fmt.Fprintf(&b, "// says (see table.go).\n")
	fmt.Fprintf(&b, "func routes() map[string]route {\n\treturn map[string]route{\n")
	for _, r := range rs {
		var fields []string
		if r.Handler != "" {
			field, addr := handlerField(r.Route)
			if addr {
				fields = append(fields, field+": &"+r.Handler)
			} else {
				fields = append(fields, field+": "+r.Handler)
			}
		}
		if r.TxSplit != "" {
			fields = append(fields, "txSplit: &"+r.TxSplit)
		}
		if r.Compute != "" {
			fields = append(fields, "compute: "+r.Compute)
		}
		if r.Across != "" {
			fields = append(fields, "across: "+r.Across)
		}
		if r.TxLocal != "" {
			fields = append(fields, "txLocal: "+r.TxLocal)
		}
		fmt.Fprintf(&b, "\t\t%q: {%s},\n", r.Spec, strings.Join(fields, ", "))
	}
	fmt.Fprintf(&b, "\t}\n}\n")
	return format.Source(b.Bytes())
}

// GenerateProxy reads the proxy's names in dir (package pkg), matches
// them with specs and returns OutFile's source; the error joins every
// break of the convention MatchProxy finds.
func GenerateProxy(dir, pkg string, specs []command.Spec) ([]byte, error) {
	hs, err := declared(dir, func(name string) bool { return proxyPrefix(name) != "" }, nil)
	if err != nil {
		return nil, err
	}
	rs, errs := MatchProxy(pkg, specs, hs)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ProxySource(pkg, rs)
}

// CheckProxy reports whether OutFile in dir is what GenerateProxy gives:
// an error naming every break of the convention, or saying the file is
// stale.
func CheckProxy(dir, pkg string, specs []command.Spec) error {
	want, err := GenerateProxy(dir, pkg, specs)
	if err != nil {
		return err
	}
	return same(dir, pkg, want)
}

// same reports whether OutFile in dir holds want.
func same(dir, pkg string, want []byte) error {
	have, err := os.ReadFile(filepath.Join(dir, OutFile))
	if err != nil {
		return fmt.Errorf("%w: run go generate ./%s", err, pkg)
	}
	if !bytes.Equal(have, want) {
		return fmt.Errorf("%s/%s is stale: run go generate ./%s", pkg, OutFile, pkg)
	}
	return nil
}
