package main

import "github.com/vcache/vcache/cluster"

// devBudgets sets the per-shard budgets of a vcache dev member: memory
// and ops/s from dev's flags, CPU, network, connections and vectors at
// the defaults `vcache server` uses, so the autoscaler watches and the
// status page shows all six. Every node of vcache dev reads the CPU of the
// whole process (getrusage), which all of them share: the CPU budget is
// scaled by the number of data nodes so that a shard's share is still
// measured against about one core.
func devBudgets(c *cluster.Config, mem uint64, ops float64, dataNodes int) {
	d := cluster.DefaultConfig()
	c.ShardMaxMemory, c.ShardMaxOps = mem, ops
	c.ShardMaxCPU = d.ShardMaxCPU * float64(max(dataNodes, 1))
	c.ShardMaxNetwork, c.ShardMaxConns, c.ShardMaxVectors = d.ShardMaxNetwork, d.ShardMaxConns, d.ShardMaxVectors
}
