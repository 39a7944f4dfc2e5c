// Package rawio makes a TCP connection's reads and writes with raw system
// calls, through the connection's syscall.RawConn: when the socket is not
// ready the goroutine still waits in Go's poller (deadlines and Close
// work as usual), but a call that does not block no longer goes through
// the scheduler's system-call path. A write to a loopback socket runs the
// receiver's side of TCP too and often takes longer than the 20 µs after
// which the runtime's monitor takes the thread's processor away, so with
// net.Conn's own Write every such write cost a thread handoff; in the
// proxy at redis-benchmark -P 1 those handoffs and the monitor's wakeups
// were a third of its CPU.
package rawio
