// Command genhandlers writes a server package's handler table,
// handlers_gen.go, from the command specs of internal/command and the
// package's handlers: the node's cmd* handlers, or the proxy's proxy*
// handlers and the names that go with them (see internal/handlergen for
// the conventions). It runs from go generate in the package's directory:
//
//	//go:generate go run ../cmd/genhandlers
//
// and exits with status 1, naming every spec without a handler (or, for
// the proxy, without a route) and every handler without a spec, when
// they do not match.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/handlergen"
)

func main() {
	dir := flag.String("dir", ".", "directory of the package whose handlers to read")
	pkg := flag.String("pkg", os.Getenv("GOPACKAGE"), "name of that package (go generate sets $GOPACKAGE)")
	flag.Parse()
	if *pkg == "" {
		*pkg = "node"
	}
	generate := handlergen.Generate
	if *pkg == "proxy" {
		generate = handlergen.GenerateProxy
	}
	src, err := generate(*dir, *pkg, command.Specs())
	if err != nil {
		fmt.Fprintf(os.Stderr, "genhandlers: %v\n", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(*dir, handlergen.OutFile), src, 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "genhandlers: %v\n", err)
		os.Exit(1)
	}
}
