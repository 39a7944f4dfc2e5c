package cluster

import (
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
)

// network decides which loopback addresses can talk: members in different
// groups cannot. Each member binds its own 127.0.0.x, so inbound TCP
// connections (from ephemeral ports) are recognised by IP.
type network struct {
	mu     sync.Mutex     // guards groups
	groups map[string]int // IP -> group; absent means group 0
}

func (n *network) blocked(a, b string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.groups[a] != n.groups[b]
}

func (n *network) split(groups map[string]int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.groups = groups
}

// partTransport wraps memberlist's NetTransport and drops traffic the
// network blocks, in both directions.
type partTransport struct {
	*memberlist.NetTransport
	net     *network
	ip      string
	packets chan *memberlist.Packet
	streams chan net.Conn
	stop    chan struct{}
	wg      sync.WaitGroup // the two forwarders
	once    sync.Once
}

var errBlocked = errors.New("partitioned")

func newPartTransport(t *testing.T, nw *network, ip string) *partTransport {
	t.Helper()
	inner, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{BindAddrs: []string{ip}, BindPort: 0})
	if err != nil {
		t.Skipf("cannot bind %s: %v", ip, err)
	}
	p := &partTransport{NetTransport: inner, net: nw, ip: ip,
		packets: make(chan *memberlist.Packet), streams: make(chan net.Conn), stop: make(chan struct{})}
	p.wg.Add(2)
	go func() {
		defer p.wg.Done()
		for {
			select {
			case <-p.stop:
				return
			case pk := <-inner.PacketCh():
				if p.net.blocked(p.ip, hostOf(pk.From.String())) {
					continue
				}
				select {
				case p.packets <- pk:
				case <-p.stop:
					return
				}
			}
		}
	}()
	go func() {
		defer p.wg.Done()
		for {
			select {
			case <-p.stop:
				return
			case c := <-inner.StreamCh():
				if p.net.blocked(p.ip, hostOf(c.RemoteAddr().String())) {
					c.Close()
					continue
				}
				select {
				case p.streams <- c:
				case <-p.stop:
					c.Close()
					return
				}
			}
		}
	}()
	return p
}

func hostOf(addr string) string {
	h, _, _ := net.SplitHostPort(addr)
	return h
}

func (p *partTransport) PacketCh() <-chan *memberlist.Packet { return p.packets }
func (p *partTransport) StreamCh() <-chan net.Conn           { return p.streams }

func (p *partTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	if p.net.blocked(p.ip, hostOf(addr)) {
		return time.Now(), nil // lost on the wire
	}
	return p.NetTransport.WriteTo(b, addr)
}

func (p *partTransport) WriteToAddress(b []byte, a memberlist.Address) (time.Time, error) {
	return p.WriteTo(b, a.Addr)
}

func (p *partTransport) DialTimeout(addr string, d time.Duration) (net.Conn, error) {
	if p.net.blocked(p.ip, hostOf(addr)) {
		return nil, errBlocked
	}
	return p.NetTransport.DialTimeout(addr, d)
}

func (p *partTransport) DialAddressTimeout(a memberlist.Address, d time.Duration) (net.Conn, error) {
	return p.DialTimeout(a.Addr, d)
}

func (p *partTransport) Shutdown() error {
	err := p.NetTransport.Shutdown()
	p.once.Do(func() { close(p.stop) })
	p.wg.Wait()
	return err
}

// startPartitionable starts n1..n3 on 127.0.0.1..3 behind one network.
func startPartitionable(t *testing.T, tweak func(*Config)) ([]*Cluster, *network) {
	t.Helper()
	nw := &network{groups: map[string]int{}}
	var cs []*Cluster
	for i, name := range []string{"n1", "n2", "n3"} {
		ip := "127.0.0." + string(rune('1'+i))
		cfg := testConfig(name, 7001+i)
		cfg.BindAddr = ip
		cfg.Transport = newPartTransport(t, nw, ip)
		if tweak != nil {
			tweak(&cfg)
		}
		c := startMember(t, cfg)
		if i > 0 {
			join(t, c, cs[0])
		}
		cs = append(cs, c)
	}
	return cs, nw
}

// servedBy returns how many slots c serves according to its own map.
func servedBy(c *Cluster) int {
	m, n := c.Map(), 0
	for slot := range 16384 {
		if ok, _ := m.Route(slot, c.Self()); ok {
			n++
		}
	}
	return n
}

func TestPartitionMinorityStopsAndHealedMapHasOneOwner(t *testing.T) {
	cs, nw := startPartitionable(t, nil)
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	before := cs[0].Map().Epoch()

	nw.split(map[string]int{"127.0.0.1": 1}) // n1 alone, n2 and n3 together
	waitFor(t, 15*time.Second, "majority side fails n1 over", func() bool {
		m := cs[1].Map()
		p, _ := m.ShardsOf("n1")
		return m.Epoch() > before && len(p) == 0 && converged(cs[1:3]) && servedBy(cs[1])+servedBy(cs[2]) == 16384
	})
	waitFor(t, 10*time.Second, "n1 in the minority stops serving", func() bool {
		return cs[0].Map().Down() && servedBy(cs[0]) == 0
	})
	if ok, redirect := cs[0].Map().Route(0, "n1"); ok || !errors.Is(redirect, ErrDown) {
		t.Fatalf("minority member routes slot 0: %v %v, want ErrDown", ok, redirect)
	}
	if cs[0].Map().Epoch() != before {
		t.Fatalf("the minority member made a map: epoch %d, was %d", cs[0].Map().Epoch(), before)
	}

	nw.split(nil) // heal
	waitFor(t, 20*time.Second, "one map after healing", func() bool { return converged(cs) })
	checkCoverage(t, cs)
}

func TestPartitionWithoutMajorityHighestEpochWins(t *testing.T) {
	cs, nw := startPartitionable(t, func(c *Config) { c.RequireMajority = false })
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	before := cs[0].Map().Epoch()

	nw.split(map[string]int{"127.0.0.1": 1})
	// Both sides decide on their own: split brain, as without a quorum.
	waitFor(t, 15*time.Second, "both sides move on", func() bool {
		return cs[0].Map().Epoch() > before && cs[1].Map().Epoch() > before &&
			servedBy(cs[0]) == 16384 && servedBy(cs[1])+servedBy(cs[2]) == 16384
	})

	nw.split(nil)
	waitFor(t, 20*time.Second, "one map with every replica after healing", func() bool {
		for _, s := range cs[0].Map().Shards() {
			if len(s.Replicas) != 1 {
				return false
			}
		}
		return converged(cs)
	})
	checkCoverage(t, cs)
	checkReplicas(t, cs[0].Map(), 1)
}
