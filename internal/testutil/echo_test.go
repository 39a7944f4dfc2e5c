package testutil

import (
	"net"
	"sync"
	"testing"

	"github.com/vcache/vcache/internal/resp"
)

// listenEcho serves until the test ends: each command is answered with
// the number of its arguments.
func listenEcho(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer nc.Close()
				rd := resp.NewCommandReader(nc, 0)
				for {
					cmds, err := rd.ReadCommands()
					if err != nil {
						return
					}
					var out []byte
					for _, c := range cmds {
						out = resp.AppendInt(out, int64(len(c.Args)))
					}
					if _, err := nc.Write(out); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}
