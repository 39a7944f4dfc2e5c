//go:build !linux

package serving

import "sync"

// CPUWait reports -1: only Linux says how long threads wait for a processor.
func (g *Group) CPUWait() float64 { return -1 }

type cpuWait struct{ mu sync.Mutex }
