package cluster

import (
	"fmt"
	"net"
	"strconv"

	"github.com/hashicorp/memberlist"
)

// metaVersion is the first byte of a member's gossip meta.
const metaVersion = 1

// encodeMeta returns the meta a member gossips about itself: version, role,
// boot id, RESP address and zone. Config.Validate keeps it far below
// memberlist.MetaMaxSize.
func encodeMeta(role Role, boot uint64, addr, zone string) []byte {
	e := encoder{b: []byte{metaVersion, byte(role)}}
	e.uvarint(boot)
	e.str(addr)
	e.str(zone)
	return e.b
}

// memberOf reads a memberlist node into a Member; it copies what it keeps.
func memberOf(n *memberlist.Node) (Member, error) {
	if len(n.Meta) < 2 || n.Meta[0] != metaVersion {
		return Member{}, fmt.Errorf("cluster: member %q is not a vcache member", n.Name)
	}
	d := &decoder{b: n.Meta[2:]}
	m := Member{ID: NodeID(n.Name), Role: Role(n.Meta[1]), Boot: d.uvarint(), Addr: d.str(), Zone: d.str()}
	if err := d.done(); err != nil || (m.Role != RoleNode && m.Role != RoleProxy) {
		return Member{}, fmt.Errorf("cluster: member %q has bad meta", n.Name)
	}
	m.Bus = net.JoinHostPort(n.Addr.String(), strconv.Itoa(int(n.Port)))
	return m, nil
}
