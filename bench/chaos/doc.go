// Package chaos is `vcache bench chaos`: a cluster of real vcache
// processes (three data nodes with a replica per shard, and a proxy) under
// a mixed workload, while faults are injected at random and bounded in
// time — kill -9, SIGSTOP past the failure timeout, restarts, load bursts
// that force splits, a full disk — followed by a checker that proves
// what a client was promised: no write acknowledged by WAIT is lost, no
// acknowledged DEL is undone, FT indexes count their documents, KNN
// recall stays above a floor, and every slot has one owner.
//
// It talks to vcache only as a client, over RESP, plus process control
// (signals, restarts, the data directory); it imports no server package.
package chaos
