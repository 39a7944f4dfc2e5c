package node

// A blocking command that waits is logged in the slow log when it is
// served, as Redis 7.0 does (not when it starts waiting, nor when it times
// out): an entry for BLPOP served by another client's EXEC comes
// after the EXEC's. Its time is that of running it, not of waiting.

// slowLater is a waiting command's slow log entry, kept until it is
// answered.
type slowLater struct {
	log  *slowLog
	args [][]byte
	us   int64
}

// logWhenAnswered keeps the slow log entry of w's command (args, which it
// copies, took us) until w is answered, or adds it now if w already was.
func (r *blockRegistry) logWhenAnswered(w *waiter, l *slowLog, args [][]byte, us int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w.served {
		l.add(w.cl, args, us)
		return
	}
	kept := make([][]byte, len(args))
	for i, a := range args {
		kept[i] = append([]byte(nil), a...)
	}
	w.slow = &slowLater{log: l, args: kept, us: us}
}

// logSlow adds w's kept slow log entry, if any. The registry's mu must be
// held.
func (w *waiter) logSlow() {
	if s := w.slow; s != nil {
		w.slow = nil
		s.log.add(w.cl, s.args, s.us)
	}
}
