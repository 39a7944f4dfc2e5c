package node

import (
	"os"
	"strings"
)

// immutableParams are the CONFIG GET parameters Redis fixes at start:
// CONFIG SET of them fails, whatever the value, with Redis's error.
var immutableParams = map[string]bool{"databases": true, "cluster-enabled": true, "aclfile": true,
	"daemonize": true, "replicaof": true, "slaveof": true, "lua-enable-deprecated-api": true}

// setServerParam is CONFIG SET of the parameters about the server itself
// (where it listens, where it snapshots, what is fixed at start); ok is
// false for another name.
//
// bind and port may be set to the values they have (CONFIG GET * then
// CONFIG SET of each, as tools do, succeeds); moving the listener takes
// a restart. dir and dbfilename say where SAVE writes.
func (n *Node) setServerParam(name, val string) (ok bool, err error) {
	switch {
	case immutableParams[name]:
		return true, errArgument("can't set immutable config")
	case name == "bind":
		if strings.Join(strings.Fields(val), " ") != n.bindHost() {
			return true, errArgument("the listening address is set at start (restart with the new one)")
		}
	case name == "port":
		if strings.TrimSpace(val) != n.port() {
			if err := n.checkPortFree(val); err != nil {
				return true, err
			}
			return true, errArgument("the listening port is set at start (restart with the new one)")
		}
	case name == "dir":
		if st, serr := os.Stat(val); serr != nil || !st.IsDir() {
			return true, errArgument("No such file or directory")
		}
		n.mu.Lock()
		n.cfg.Dir = val
		n.mu.Unlock()
	case name == "dbfilename":
		if val == "" || strings.ContainsAny(val, `/\`) || val == "." || val == ".." {
			return true, errArgument("dbfilename can't be a path, just a filename")
		}
		n.mu.Lock()
		n.cfg.DBFilename = val
		n.mu.Unlock()
	default:
		return false, nil
	}
	return true, nil
}
