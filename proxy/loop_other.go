//go:build !linux

package proxy

import "net"

// Without epoll every client connection has a goroutine of its own.

type loop struct{}

func (p *Proxy) startLoops()         {}
func (p *Proxy) adopt(net.Conn) bool { return false }
func (p *Proxy) wakeLoops()          {}
func (p *Proxy) stopLoops()          {}
