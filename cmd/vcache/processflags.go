package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/vcache/vcache/internal/serving"
)

// processFlags are the flags of vcache server and vcache proxy about the
// process rather than what it serves: its log, a CPU profile and the
// admin endpoint.
type processFlags struct {
	logLevel, cpuProfile, adminAddr string
}

func (f *processFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.logLevel, "loglevel", "info", "log level: debug, info, warn, error")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile to this file until shutdown")
	fs.StringVar(&f.adminAddr, "admin-addr", "", "serve /metrics (Prometheus), /status.json and a status page on this host:port (empty: off)")
}

// parseFlags parses args into fs and refuses an argument left over.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// servingGroup makes the serving group of --io's mode (shared: the group
// serves several servers of one process).
func servingGroup(io string, shared bool) (*serving.Group, error) {
	mode, err := serving.ParseMode(io)
	if err != nil {
		return nil, fmt.Errorf("--io: %w", err)
	}
	return serving.NewGroup(mode, shared), nil
}

// startCPUProfile profiles the process into path until stop is called
// (nothing, and a stop that does nothing, when path is empty).
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
