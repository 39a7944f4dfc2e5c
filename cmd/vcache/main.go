// Command vcache is the one binary: data node, proxy, local dev cluster,
// benchmarks and the RAG demo.
//
//	vcache server [flags]   a data node
//	vcache proxy [flags]    the single endpoint in front of the nodes
//	vcache dev [flags]      a local deployment on 127.0.0.1:6379
//	vcache rag ingest|ask   the RAG demo: store document chunks, retrieve them
//	vcache version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

const usage = `vcache: a Redis-protocol cache with vector search

Usage:
  vcache server [flags]   run a data node (see vcache server -h)
  vcache proxy [flags]    run the proxy in front of nodes (see vcache proxy -h)
  vcache dev [flags]      run a local deployment on 127.0.0.1:6379
  vcache bench kv [flags] load a server like redis-benchmark, with percentiles (--compare-with a peer)
  vcache bench vector     vectors into an FT index, KNN queries, recall@k against exact search
  vcache bench scale      ramp load on a vcache dev that splits its shards; CSV and SVG plot
  vcache bench fanout     subscribers on one channel, a publisher at fixed rates: deliveries/s, delivery latency, losses
  vcache bench chaos      a cluster of processes under load and faults (kill -9, SIGSTOP, splits, full disk, partitions), then a checker
  vcache rag ingest|ask   the RAG demo (see vcache rag help)
  vcache version          print the version
`

// version is the release version, set at build time with -ldflags.
var version = "0.1.0-dev"

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	err := runSignals(sigs, os.Args[1:], os.Stdout, os.Stderr)
	signal.Stop(sigs)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "vcache:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// runSignals runs a command until it ends or is told to stop by
// SIGINT/SIGTERM. For most commands the first signal ends the context
// run passes them. A data node takes every signal itself, since it may
// refuse to stop while its snapshot fails (serveNode).
func runSignals(sigs <-chan os.Signal, args []string, stdout, stderr io.Writer) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if len(args) > 0 && args[0] == "server" {
		return runServerSignals(ctx, sigs, args[1:], stdout, stderr)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()
	return run(ctx, args, stdout, stderr)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "server":
		return runServer(ctx, args[1:], stdout, stderr)
	case "dev":
		return runDev(ctx, args[1:], stdout, stderr)
	case "proxy":
		return runProxy(ctx, args[1:], stdout)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "rag":
		return runRAG(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "vcache", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "vcache: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}
