package node

import "time"

// Search commands name an index, not keys, so the command table's key
// check cannot see what they touch. As in RediSearch, each handler checks
// that the client's key patterns cover every prefix of the index (or of
// the index FT.CREATE would make) before it reads or changes anything, with
// the access the command's spec declares (Index, IndexOf): read access
// for FT.SEARCH, FT.INFO and FT.DROPINDEX without DD (which leaves the
// documents alone: RediSearch asks the same as for a query); write access
// for FT.CREATE, FT.ALTER and FT.DROPINDEX DD. The check runs
// when the command runs, so a command queued in MULTI is checked against
// the index as it is at EXEC.

// indexDenied reports whether the client's user may not use an index over
// prefixes (none: every key) as the command line does: with the access
// its spec declares (command.IndexUse), which the proxy checks too. If
// not, it logs the denial in ACL LOG and replies RediSearch's NOPERM
// error. Connections without a user (the node's own) may.
func indexDenied(cx *Ctx, prefixes []string) bool {
	read, write := cx.spec.IndexAccess(cx.Args)
	return prefixesDenied(cx, prefixes, read, write)
}

// prefixesDenied is indexDenied with the access read and write say.
func prefixesDenied(cx *Ctx, prefixes []string, read, write bool) bool {
	c := cx.cl
	if c == nil || c.user == nil {
		return false
	}
	d := c.user.Perms().CheckPrefixes(prefixes, read, write)
	if d == nil {
		return false
	}
	now := time.Now()
	cx.Node.acl.Log().Add(*d, c.multi != nil || c.inExec, c.info(now), now)
	cx.Error(d.Error())
	return true
}
