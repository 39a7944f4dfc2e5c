package node

// multiState is a transaction being queued between MULTI and EXEC.
type multiState struct {
	cmds   []queued
	failed bool // a command was refused while queueing: EXEC aborts
}

type queued struct {
	e    *cmdEntry
	args [][]byte
}

// queue keeps a copy of args: the connection's read buffer is reused.
func (m *multiState) queue(args [][]byte, e *cmdEntry) {
	cp := make([][]byte, len(args))
	for i, a := range args {
		cp[i] = append([]byte(nil), a...)
	}
	m.cmds = append(m.cmds, queued{e: e, args: cp})
}

func isTxControl(name string) bool {
	switch name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

func addMultiHandlers(m map[string]Handler) {
	m["multi"] = func(cx *Ctx) {
		if cx.cl.multi != nil {
			cx.Error("ERR MULTI calls can not be nested")
			return
		}
		cx.cl.multi = &multiState{}
		cx.OK()
	}
	m["discard"] = func(cx *Ctx) {
		if cx.cl.multi == nil {
			cx.Error("ERR DISCARD without MULTI")
			return
		}
		cx.cl.multi = nil
		cx.OK()
	}
	m["exec"] = func(cx *Ctx) {
		c := cx.cl
		ms := c.multi
		if ms == nil {
			cx.Error("ERR EXEC without MULTI")
			return
		}
		c.multi = nil
		if ms.failed {
			cx.Error("EXECABORT Transaction discarded because of previous errors.")
			return
		}
		// The queued commands run back to back on this connection; their
		// replies form EXEC's array. Commands of other connections may
		// interleave with them (the keyspace is not locked as a whole).
		cx.Array(len(ms.cmds))
		n := cx.Node
		for _, q := range ms.cmds {
			n.run(c, q.e, q.args)
		}
		cx.Args = nil
	}
}
