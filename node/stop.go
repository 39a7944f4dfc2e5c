package node

// Stopping on a signal, as Redis does on SIGTERM: the snapshot is written
// while the node still serves, and if it cannot be written the node keeps
// serving instead of exiting and losing every write since the last good
// snapshot ("Error trying to save the DB, can't exit."). cmd/vcache owns
// the signals and calls these.

// SaveBeforeStop writes the snapshot a shutdown would write, while the
// node keeps serving, and returns its error: on an error the node should
// not be stopped. It does nothing when the node does not persist (no
// Config.Dir) or SHUTDOWN NOSAVE was asked.
func (n *Node) SaveBeforeStop() error {
	if n.snapshotPath() == "" || !n.saveOnStop.Load() {
		return nil
	}
	return n.saveSnapshot()
}

// SkipSaveOnShutdown makes the coming shutdown write no snapshot, for an
// exit the operator insists on although the snapshot fails.
func (n *Node) SkipSaveOnShutdown() { n.saveOnStop.Store(false) }
