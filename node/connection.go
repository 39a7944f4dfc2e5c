package node

import (
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/resp"
)

// The connection commands are front's, shared with the proxy; *Ctx is the
// front.Conn they run on.

func cmdReadOnly(cx *Ctx) {
	cx.cl.readonly = true
	cx.OK()
}

func cmdReadWrite(cx *Ctx) {
	cx.cl.readonly = false
	cx.OK()
}

func cmdAsking(cx *Ctx) {
	cx.cl.asking = true
	cx.OK()
}

var _ front.Conn = (*Ctx)(nil)

// defaultUserIfOpen returns the default user when it needs no password
// (new connections start as it), else nil.
func (n *Node) defaultUserIfOpen() *acl.User { return n.acl.DefaultIfOpen() }

// ClientID is the connection's client id (front.Conn).
func (cx *Ctx) ClientID() int64 { return cx.cl.id }

// Info describes the connection (front.Conn).
func (cx *Ctx) Info(now time.Time) front.ClientInfo {
	ci := cx.cl.Info(now)
	qcap := ci.Qbuf + ci.QbufFree
	ci.Qbuf = resp.RequestSize(cx.Args) // the running request, not the buffer it is in
	ci.QbufFree = max(qcap-ci.Qbuf, 0)
	return ci
}

// SetClientName names the connection (front.Conn).
func (cx *Ctx) SetClientName(name string) { cx.cl.setName(name) }

// ClientName returns the connection's name (front.Conn).
func (cx *Ctx) ClientName() string { return cx.cl.getName() }

// SetLib records the client library's name or version (front.Conn).
func (cx *Ctx) SetLib(name, version *string) {
	c := cx.cl
	c.mu.Lock()
	if name != nil {
		c.libName = *name
	}
	if version != nil {
		c.libVer = *version
	}
	c.mu.Unlock()
}

// Authenticate makes the connection the user name and pass open, or logs
// the failure in ACL LOG (front.Conn).
func (cx *Ctx) Authenticate(name, pass string) bool {
	u, err := cx.Node.authenticate(cx.cl, name, pass)
	if err != nil {
		return false
	}
	cx.cl.setUser(u)
	return true
}

// Authed reports whether the connection may run commands (front.Conn).
func (cx *Ctx) Authed() bool { return cx.cl.authed }

// Quit closes the connection after the current reply (front.Conn). From
// then on the client is gone for other clients' messages (a tracking
// redirect to it is broken), as Redis frees it before it serves another
// command, though the connection may take a moment longer to close.
func (cx *Ctx) Quit() {
	cx.cl.quit.Store(true)
	cx.cl.conn.Close()
}

// Reset forgets the connection's transaction, name and user (front.Conn).
func (cx *Ctx) Reset() {
	c := cx.cl
	c.setMulti(nil)
	c.asking = false
	cx.Node.pubsub.dropAll(c)
	cx.Node.dropMonitor(c)
	cx.Node.trackDrop(c)
	c.replyOff, c.skipNext = false, false
	c.setName("")
	c.setUser(cx.Node.defaultUserIfOpen())
	c.resp3.Store(false)
}

// SetProto makes the connection speak RESP2 or RESP3 (front.Conn).
func (cx *Ctx) SetProto(proto int) { cx.cl.resp3.Store(proto == 3) }

// Proto is the protocol the connection speaks, 2 or 3 (front.Conn).
func (cx *Ctx) Proto() int {
	if cx.cl.resp3.Load() {
		return 3
	}
	return 2
}

// Server is the node (front.Conn).
func (cx *Ctx) Server() front.Server { return nodeFront{cx.Node} }

// nodeFront is the node as front.Server sees it.
type nodeFront struct{ n *Node }

func (f nodeFront) ACL() *acl.Table          { return f.n.acl }
func (f nodeFront) Commands() *command.Table { return f.n.cmds }
func (f nodeFront) Peers() []front.Peer      { return f.n.clients.peers() }
func (f nodeFront) Pause() *front.Pause      { return &f.n.pause }

// Mode: a node in a gossip cluster says "cluster", as a Redis Cluster node
// does (clients that care talk cluster to it); one that leads no shard but
// replicates one is a replica, as INFO replication's role says.
func (f nodeFront) Mode() (mode, role string) {
	mode, role = "standalone", "master"
	if f.n.Cluster() != nil {
		mode = "cluster"
	}
	if f.n.isReplicaOnly() {
		role = "replica"
	}
	return mode, role
}
