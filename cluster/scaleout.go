package cluster

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
)

// ScaleOutRequest says why the cluster needs a new data node.
type ScaleOutRequest struct {
	// Shard is the shard that must split, Resource the one over the line.
	Shard    ShardID
	Resource Resource
	Usage    float64
	// DataNodes is the number of alive data nodes now.
	DataNodes int
}

// ExecScaleOut returns a ScaleOut hook that runs command with "sh -c" (the
// --scale-out-command flag). The command sees VCACHE_SCALE_SHARD,
// VCACHE_SCALE_RESOURCE, VCACHE_SCALE_USAGE and VCACHE_DATA_NODES in its
// environment; it should start a node that joins the cluster, for example
// by raising a StatefulSet's replica count. A non-zero exit is an error.
func ExecScaleOut(command string) func(ctx context.Context, req ScaleOutRequest) error {
	return func(ctx context.Context, req ScaleOutRequest) error {
		cmd := exec.CommandContext(ctx, "sh", "-c", command)
		cmd.Env = append(cmd.Environ(),
			"VCACHE_SCALE_SHARD="+req.Shard.String(),
			"VCACHE_SCALE_RESOURCE="+req.Resource.String(),
			"VCACHE_SCALE_USAGE="+strconv.FormatFloat(req.Usage, 'f', 3, 64),
			"VCACHE_DATA_NODES="+strconv.Itoa(req.DataNodes),
		)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("cluster: scale-out command: %w: %.200s", err, out)
		}
		return nil
	}
}
