package node

import (
	"strings"

	"github.com/vcache/vcache/internal/command"
)

// rejectText returns the error a client gets when the dispatcher refuses
// command e (wrong arity, ACL, a busy script) with msg. Refusing EXEC
// (command.Exec) inside MULTI discards the transaction, as Redis does, and says why:
// "EXECABORT Transaction discarded because of: <msg without ERR>".
func rejectText(c *client, e *cmdEntry, msg string) string {
	if c.multi == nil || !e.spec.Has(command.Exec) {
		return msg
	}
	c.setMulti(nil)
	c.watched = nil
	return "EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR ")
}
