package proxy

import (
	"testing"
	"time"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// TestProxyQueryBufferFitsRecentPeak: a client's query buffer grown by a
// 400 kB SET through the proxy is fitted to its recent requests once it
// sends small ones, as on a node and in Redis (CLIENT LIST through the
// proxy shows it), on event loops and on a goroutine per connection.
func TestProxyQueryBufferFitsRecentPeak(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 1)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		testutil.CheckQueryBufFitsPeak(t, p.addr, nil)
	})
}

// TestProxyIdleQueryBufferReleased: the proxy frees the query buffer of
// a client idle for 2 s, as Redis does, and serves it as before
// afterwards, on event loops and on a goroutine per connection; with an
// idle timeout, a client idle past the release is still closed at it.
func TestProxyIdleQueryBufferReleased(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 1)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		testutil.CheckIdleQueryBufReleased(t, p.addr)
	})
	t.Run("timeout", func(t *testing.T) {
		rs := startRedises(t, 1)
		cfg := DefaultConfig()
		cfg.Serving, cfg.IdleTimeout = serving.NewGroup(serving.Goroutines, false), 4*time.Second
		p := startProxy(t, cfg, addrs(rs...)...)
		testutil.CheckIdleTimeoutAfterRelease(t, p.addr)
	})
}

// TestProxyGrownQueryBuffersGiveBackMemory: the proxy's heap drops by
// the room its clients' grown query buffers gave back.
func TestProxyGrownQueryBuffersGiveBackMemory(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 1)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		testutil.CheckGrownQueryBufsFreed(t, p.addr)
	})
}
