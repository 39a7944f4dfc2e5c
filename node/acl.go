package node

import (
	"fmt"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/resp"
)

// Access control lists, as Redis 6+ has them: the engine (users, rules,
// the check, the ACL file and log) is internal/acl, shared with the proxy.
// The "default" user is the one requirepass sets a password for. A
// connection authenticates as a user and holds it, so ACL SETUSER applies
// to its connections at once. Users are this node's own (ACL commands are
// not sent to other nodes).
//
// The check costs nothing for a user with every command and key (such as
// the default user): one pointer load and a flag.

// newACL makes the node's users over its served commands (ids are
// cmdEntry.id): the default user with requirepass as its password, then
// those of the ACL file, if one is configured.
func (n *Node) newACL() (*acl.Table, error) {
	t, err := acl.NewTable(acl.NewCommands(n.cmds.All()), acl.Config{
		RequirePass:   n.cfg.RequirePass,
		File:          n.cfg.ACLFile,
		Log:           n.log,
		PubsubDefault: n.cfg.ACLPubsubDefault,
	})
	if err != nil {
		return nil, fmt.Errorf("ACL file: %w", err)
	}
	return t, nil
}

// aclDenied returns the NOPERM error for running args as the client's
// user, or "", and logs a denial in ACL LOG.
func (n *Node) aclDenied(c *client, e *cmdEntry, args [][]byte) string {
	if c.user == nil || e.spec.Has(command.NoAuth) {
		return ""
	}
	d := c.user.Perms().Check(e.spec.ID, e.spec, args)
	if d == nil {
		return ""
	}
	now := time.Now()
	n.acl.Log().Add(*d, c.multi != nil, c.info(now), now)
	return d.Error()
}

// authenticate returns the user that name and pass open, or logs the
// failure in ACL LOG and returns acl.ErrWrongPass.
func (n *Node) authenticate(c *client, name, pass string) (*acl.User, error) {
	u, err := n.acl.Authenticate(name, pass)
	if err != nil {
		if name == "" {
			name = "default"
		}
		now := time.Now()
		n.acl.Log().Add(acl.Denial{Reason: acl.ReasonAuth, User: name, Object: "AUTH"}, c.multi != nil, c.info(now), now)
	}
	return u, err
}

func cmdACL(cx *Ctx) {
	out := cx.Node.acl.Command(nil, cx.cl.user, cx.Args)
	if len(out) > 0 && out[0] == '-' {
		cx.failed = true
		if _, ok := cx.w.(errCounter); ok { // (written raw: counted here)
			msg, _, _ := strings.Cut(string(out[1:]), "\r")
			cx.Node.errs.add(msg)
		}
	}
	if cx.Proto() == 3 {
		// internal/acl writes RESP2: its nulls become RESP3's.
		out = resp.To3(nil, out, cx.spec.Shape3(cx.Args))
	}
	cx.w.WriteRaw(out)
}
