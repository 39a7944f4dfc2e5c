package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"

	"github.com/vcache/vcache/node"
)

// runDev starts the embedded default deployment on one machine. For now it
// is a single data node on 127.0.0.1:6379; the local cluster behind the
// proxy replaces it when the cluster lands.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serverFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := f.nodeConfig()
	if err != nil {
		return err
	}
	log, err := newLogger(stderr, f.logLevel)
	if err != nil {
		return err
	}
	n, err := node.New(cfg, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(f.bind, f.port))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "vcache dev: ready on %s  (try: redis-cli -p %d)\n", ln.Addr(), ln.Addr().(*net.TCPAddr).Port)
	return n.Serve(ctx, ln)
}
