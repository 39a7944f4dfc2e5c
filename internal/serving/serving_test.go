package serving

import "testing"

func TestModes(t *testing.T) {
	for _, m := range []Mode{Auto, Loops, Goroutines} {
		got, err := ParseMode(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseMode("threads"); err == nil {
		t.Error("ParseMode accepted an unknown mode")
	}
	cases := []struct {
		mode                    Mode
		shared                  bool
		nodeLoops, proxy, rawIO bool
	}{
		{Auto, false, true, true, true},
		{Auto, true, false, true, false},
		{Loops, true, true, true, false},
		{Goroutines, false, false, false, true},
	}
	for _, c := range cases {
		g := NewGroup(c.mode, c.shared)
		if g.NodeLoops() != c.nodeLoops || g.ProxyLoops() != c.proxy || g.RawIO() != c.rawIO {
			t.Errorf("%v shared=%v: node loops %v, proxy loops %v, raw IO %v", c.mode, c.shared, g.NodeLoops(), g.ProxyLoops(), g.RawIO())
		}
	}
}

func TestMaySpinWhileLoopsFitTheProcessors(t *testing.T) {
	g := NewGroup(Auto, true)
	var done []func()
	for range g.procs {
		done = append(done, g.LoopRunning())
	}
	if !g.MaySpin() {
		t.Error("as many loops as processors may spin")
	}
	done = append(done, g.LoopRunning())
	if g.MaySpin() {
		t.Error("more loops than processors must not spin")
	}
	for _, d := range done {
		d()
	}
	if g.loops.Load() != 0 {
		t.Errorf("%d loops counted after all stopped", g.loops.Load())
	}
	if Own(nil) == nil || Own(g) != g {
		t.Error("Own must keep a given group and make one for nil")
	}
}
