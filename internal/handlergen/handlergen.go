// Package handlergen joins the command specs of internal/command with the
// handlers of a server package by a naming convention, and writes the Go
// source of that package's handler table: the node's (below) and the
// proxy's (proxy.go).
//
// The node's convention: the handler of spec "name" is the package-level func or
// var cmdName, matched ignoring case, dots and underscores ("hsetnx" is
// served by cmdHSetNX, "ft.search" by cmdFTSearch, "ft._list" by
// cmdFTList, "eval_ro" by cmdEvalRO). A func handler is func cmdX(cx
// *Ctx); a var holds a Handler made otherwise (a wrapper such as
// frontCmd(front.Echo), or another command's handler for an alias). Every
// package-level func or var whose name is cmd followed by an upper-case
// letter is a handler and must serve a spec; every spec must have a
// handler unless it is flagged command.ProxyOnly.
//
// The package only reads source files; cmd/genhandlers writes the table
// (go generate), and the server's tests check that it is current.
package handlergen

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vcache/vcache/internal/command"
)

// OutFile is the name of the generated file in the server package.
const OutFile = "handlers_gen.go"

// Handler is one handler found in a package's source.
type Handler struct {
	// Name is the Go name (cmdHSetNX).
	Name string
	// Pos is where it is declared (file:line), for error messages.
	Pos string
	// Bad, when set, says why the declaration cannot be a handler (a
	// func of another signature).
	Bad string
}

// Pair is one served command: its spec name and its handler's Go name.
type Pair struct {
	Spec, Handler string
}

// Key returns what a spec name is matched by: lower case, without dots
// and underscores ("ft._list" gives "ftlist").
func Key(spec string) string {
	return strings.ToLower(strings.NewReplacer(".", "", "_", "").Replace(spec))
}

// handlerKey is Key for a handler's Go name: cmdFTList gives "ftlist".
func handlerKey(name string) string { return Key(strings.TrimPrefix(name, "cmd")) }

// HandlerName suggests the Go name of the handler of spec name:
// "monitor" gives cmdMonitor, "ft.search" cmdFtSearch (any case matches).
func HandlerName(spec string) string {
	var b strings.Builder
	b.WriteString("cmd")
	for _, part := range strings.FieldsFunc(spec, func(r rune) bool { return r == '.' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// IsHandlerName reports whether a package-level name is a handler's:
// "cmd" followed by an upper-case letter.
func IsHandlerName(name string) bool {
	return len(name) > 3 && strings.HasPrefix(name, "cmd") && 'A' <= name[3] && name[3] <= 'Z'
}

// Handlers parses the Go files of the package in dir (tests and OutFile
// left out) and returns its handlers, sorted by name. A name declared in
// several files (under different build constraints) counts once.
func Handlers(dir string) ([]Handler, error) {
	return declared(dir, IsHandlerName, badSignature)
}

// declared parses the Go files of the package in dir (tests and OutFile
// left out) and returns its package-level funcs and vars whose names
// isName accepts, sorted by name; bad, when set, says why a func's
// signature cannot be one.
func declared(dir string, isName func(string) bool, bad func(*ast.FuncType) string) ([]Handler, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	seen := map[string]bool{}
	var hs []Handler
	for _, path := range files {
		base := filepath.Base(path)
		if strings.HasSuffix(base, "_test.go") || base == OutFile {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		add := func(id *ast.Ident, bad string) {
			if !isName(id.Name) || seen[id.Name] {
				return
			}
			seen[id.Name] = true
			p := fset.Position(id.Pos())
			hs = append(hs, Handler{Name: id.Name, Pos: fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line), Bad: bad})
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && bad != nil {
					add(d.Name, bad(d.Type))
				} else if d.Recv == nil {
					add(d.Name, "")
				}
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, s := range d.Specs {
					for _, id := range s.(*ast.ValueSpec).Names {
						add(id, "")
					}
				}
			}
		}
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Name < hs[j].Name })
	return hs, nil
}

// badSignature says why a func is not func(cx *Ctx), or "".
func badSignature(t *ast.FuncType) string {
	if t.TypeParams == nil && t.Results == nil && len(t.Params.List) == 1 && len(t.Params.List[0].Names) <= 1 {
		if star, ok := t.Params.List[0].Type.(*ast.StarExpr); ok {
			if id, ok := star.X.(*ast.Ident); ok && id.Name == "Ctx" {
				return ""
			}
		}
	}
	return "a handler func takes one *Ctx and returns nothing (or rename it: names cmd+Upper are handlers)"
}

// Match pairs every spec with its handler, in the specs' order, and
// returns an error for each break of the convention: a spec without a
// handler (unless ProxyOnly), a ProxyOnly spec with one, a handler that
// serves no spec, two handlers or two specs under one key, a func
// handler of the wrong signature. pkg names the package in the errors.
func Match(pkg string, specs []command.Spec, hs []Handler) ([]Pair, []error) {
	var errs []error
	byKey := map[string]Handler{}
	for _, h := range hs {
		if h.Bad != "" {
			errs = append(errs, fmt.Errorf("handler %s (%s): %s", h.Name, h.Pos, h.Bad))
			continue
		}
		k := handlerKey(h.Name)
		if o, dup := byKey[k]; dup {
			errs = append(errs, fmt.Errorf("handlers %s (%s) and %s (%s) have the same name but for case", o.Name, o.Pos, h.Name, h.Pos))
			continue
		}
		byKey[k] = h
	}
	specKey := map[string]string{}
	used := map[string]bool{}
	var pairs []Pair
	for _, s := range specs {
		k := Key(s.Name)
		if o, dup := specKey[k]; dup {
			errs = append(errs, fmt.Errorf("specs %s and %s both match handler %s", o, s.Name, HandlerName(s.Name)))
			continue
		}
		specKey[k] = s.Name
		h, ok := byKey[k]
		switch {
		case s.Has(command.ProxyOnly) && ok:
			used[h.Name] = true
			errs = append(errs, fmt.Errorf("spec %s: flagged ProxyOnly but %s has handler %s (%s)", s.Name, pkg, h.Name, h.Pos))
		case s.Has(command.ProxyOnly):
		case !ok:
			errs = append(errs, fmt.Errorf("spec %s: no handler %s in %s (write func %s(cx *Ctx) or var %s = ..., or flag the spec ProxyOnly if only the proxy serves it)",
				s.Name, HandlerName(s.Name), pkg, HandlerName(s.Name), HandlerName(s.Name)))
		default:
			used[h.Name] = true
			pairs = append(pairs, Pair{Spec: s.Name, Handler: h.Name})
		}
	}
	for _, h := range hs {
		if h.Bad == "" && !used[h.Name] && byKey[handlerKey(h.Name)].Name == h.Name {
			errs = append(errs, fmt.Errorf("handler %s (%s) in %s: no spec %q in internal/command (add the spec, or rename it if it is not a handler: names cmd+Upper are handlers)",
				h.Name, h.Pos, pkg, handlerKey(h.Name)))
		}
	}
	return pairs, errs
}

// Source returns the gofmt'ed source of OutFile for package pkg: a func
// handlers() returning the pairs as a map from spec name to handler.
func Source(pkg string, pairs []Pair) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by cmd/genhandlers from internal/command's specs and this package's cmd* handlers; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	fmt.Fprintf(&b, "// handlers returns the handler of every command the %s serves, by spec\n", pkg)
	fmt.Fprintf(&b, "// name: spec \"name\" is served by cmdName (see commands.go).\n")
	fmt.Fprintf(&b, "func handlers() map[string]Handler {\n\treturn map[string]Handler{\n")
	for _, p := range pairs {
		fmt.Fprintf(&b, "\t\t%q: %s,\n", p.Spec, p.Handler)
	}
	fmt.Fprintf(&b, "\t}\n}\n")
	return format.Source(b.Bytes())
}

// Generate reads the handlers of the package in dir (named pkg), matches
// them with specs and returns OutFile's source; the error joins every
// break of the convention Match finds.
func Generate(dir, pkg string, specs []command.Spec) ([]byte, error) {
	hs, err := Handlers(dir)
	if err != nil {
		return nil, err
	}
	pairs, errs := Match(pkg, specs, hs)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return Source(pkg, pairs)
}

// Check reports whether OutFile in dir is what Generate gives: an error
// naming every break of the convention, or saying the file is stale.
func Check(dir, pkg string, specs []command.Spec) error {
	want, err := Generate(dir, pkg, specs)
	if err != nil {
		return err
	}
	return same(dir, pkg, want)
}
