package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"syscall"

	"github.com/vcache/vcache/node"
)

// errForcedExit ends a data node that was told twice to stop while its
// snapshot failed: the writes since its last good snapshot are lost.
var errForcedExit = errors.New("exited without saving: SIGINT again while the snapshot failed")

// serveNode serves n on ln until it stops. A stop request (a signal from
// sigs, or ctx ending, which stands for SIGTERM) saves the snapshot first,
// while the node still serves, as Redis does; if that fails the node logs
// the error and keeps serving, and the next SIGTERM tries again (and
// exits once it succeeds). SIGINT while the snapshot has failed exits at
// once without saving, with status 1, as Redis's "You insist... exiting
// now". A node without --dir has nothing to save and stops at the first
// request. A client's SHUTDOWN stops it as before.
func serveNode(ctx context.Context, sigs <-chan os.Signal, n *node.Node, ln net.Listener, log *slog.Logger) error {
	sctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := make(chan error, 1)
	go func() { served <- n.Serve(sctx, ln) }()
	done := ctx.Done()
	failing := false
	for {
		var sig os.Signal = syscall.SIGTERM
		select {
		case err := <-served:
			return err
		case sig = <-sigs:
		case <-done:
			done = nil
		}
		if failing && sig == syscall.SIGINT {
			log.Error("You insist... exiting now, without saving: the writes since the last good snapshot are lost", "signal", sig.String())
			n.SkipSaveOnShutdown()
			stop()
			if err := <-served; err != nil {
				log.Error("shutdown", "err", err)
			}
			return errForcedExit
		}
		log.Warn("received a signal; saving the final snapshot before exiting", "signal", sig.String())
		if err := n.SaveBeforeStop(); err != nil {
			failing = true
			log.Error("Error trying to save the DB, can't exit. Still serving: make the snapshot directory writable and send SIGTERM again, or send SIGINT to exit without saving",
				"signal", sig.String(), "err", err)
			continue
		}
		stop()
		return <-served
	}
}
