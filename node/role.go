package node

import (
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
)

// cmdRole serves ROLE in Redis's shape, from the node's own replication
// state. A node that leads a shard (or runs standalone) is a master:
// ["master", offset, [[ip, port, offset]...]] with its online replicas.
// One that only replicates is ["slave", host, port, state, offset] for its
// first primary link, as INFO's master_* fields describe it.
func cmdRole(cx *Ctx) {
	n := cx.Node
	if n.isReplicaOnly() {
		n.repl.mu.Lock()
		var first *primaryLink
		for _, l := range n.repl.links {
			if first == nil || l.key < first.key {
				first = l
			}
		}
		n.repl.mu.Unlock()
		if first != nil {
			host, port, _ := net.SplitHostPort(first.addr)
			p, _ := strconv.ParseInt(port, 10, 64)
			state, offset := "connect", int64(-1)
			switch {
			case first.syncing.Load():
				state = "sync"
			case first.up.Load():
				state, offset = "connected", int64(first.offset.Load())
			}
			cx.Array(5)
			cx.BulkString("slave")
			cx.BulkString(host)
			cx.Int(p)
			cx.BulkString(state)
			cx.Int(offset)
			return
		}
	}
	replicas := n.repl.replicaList()
	var m *cluster.Map
	if cl := n.cl.Load(); cl != nil {
		m = cl.Map()
	}
	type row struct{ host, port, offset string }
	rows := make([]row, 0, len(replicas))
	for _, r := range replicas {
		if !r.online.Load() {
			continue
		}
		addr := r.addr
		if m != nil && r.node != "" {
			// The replica's client address, as Redis shows the port it
			// listens on rather than the one it connected from.
			if mem, ok := m.Member(cluster.NodeID(r.node)); ok && mem.Addr != "" {
				addr = mem.Addr
			}
		}
		host, port, _ := net.SplitHostPort(addr)
		rows = append(rows, row{host, port, strconv.FormatUint(r.ack.Load(), 10)})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].host+":"+rows[i].port < rows[j].host+":"+rows[j].port })
	cx.Array(3)
	cx.BulkString("master")
	cx.Int(int64(n.repl.log.end.Load()))
	cx.Array(len(rows))
	for _, r := range rows {
		cx.Array(3)
		cx.BulkString(r.host)
		cx.BulkString(r.port)
		cx.BulkString(r.offset)
	}
}

// cmdMove serves MOVE key db. A node has one database, so db is out of
// range unless it is 0, the key's own, which Redis refuses as the same.
func cmdMove(cx *Ctx) {
	db, msg := parseDBIndex(cx.Args[2])
	switch {
	case msg != "":
		cx.Error(msg)
	case db != 0:
		cx.Error(command.MsgDBRange)
	default:
		cx.Error("ERR source and destination objects are the same")
	}
}

// msgIntRange is Redis's error for an integer argument outside an int's
// range.
const msgIntRange = "ERR value is out of range, value must between -2147483648 and 2147483647"

// parseDBIndex parses a database index as Redis parses an int argument,
// returning its error text if it is not one.
func parseDBIndex(b []byte) (int64, string) {
	db, err := cache.ParseInt(b)
	switch {
	case err != nil:
		return 0, command.MsgNotInt
	case db != int64(int32(db)):
		return 0, msgIntRange
	}
	return db, ""
}

// cmdSwapdb serves SWAPDB index1 index2 on a node of one database:
// swapping database 0 with itself is OK and changes nothing.
func cmdSwapdb(cx *Ctx) {
	a, err := cache.ParseInt(cx.Args[1])
	if err != nil || a != int64(int32(a)) {
		cx.Error("ERR invalid first DB index")
		return
	}
	b, err := cache.ParseInt(cx.Args[2])
	if err != nil || b != int64(int32(b)) {
		cx.Error("ERR invalid second DB index")
		return
	}
	if a != 0 || b != 0 {
		cx.Error(command.MsgDBRange)
		return
	}
	cx.OK()
}

// cmdLolwut serves LOLWUT [VERSION v] [...]: the version line, as Redis
// answers; VERSION 5 and 6 draw a picture first (vcache's own), sized by
// the arguments after them as Redis sizes its pictures.
func cmdLolwut(cx *Ctx) {
	args := cx.Args[1:]
	art := 0
	if len(args) >= 2 && strings.EqualFold(string(args[0]), "version") {
		v, err := cache.ParseInt(args[1])
		if err != nil {
			cx.Error(command.MsgNotInt)
			return
		}
		// Redis prints the version as an unsigned int before it looks
		// at its first digit.
		if u := uint32(v); u == 5 || u == 6 {
			art = int(u)
		}
		args = args[2:]
	}
	var b strings.Builder
	if art != 0 {
		dims := []int64{66, 8, 12} // columns, squares per row, squares per column
		if art == 6 {
			dims = []int64{80, 20} // columns, rows
		}
		for i := 0; i < len(dims) && i < len(args); i++ {
			v, err := cache.ParseInt(args[i])
			if err != nil {
				cx.Error(command.MsgNotInt)
				return
			}
			dims[i] = v
		}
		clamp := func(v, hi int64) int { return int(max(1, min(v, hi))) }
		if art == 5 {
			drawGravel(&b, clamp(dims[0], 1000), clamp(dims[1], 200), clamp(dims[2], 200))
			b.WriteString("\nGravel: squares coming loose, row by row. ")
		} else {
			drawSkyline(&b, clamp(dims[0], 1000), clamp(dims[1], 1000))
			b.WriteString("\nA skyline of keys at night. ")
		}
	}
	b.WriteString("Redis ver. " + front.RedisVersion + "\n")
	cx.Verbatim(b.String())
}

// drawGravel draws rows of squares (as "[]") across cols columns, each
// row of squares more out of place than the one above, with a fixed
// pseudo-random walk so the same size draws the same picture.
func drawGravel(b *strings.Builder, cols, perRow, perCol int) {
	cell := max(cols/perRow, 2)
	seed := uint32(2463534242)
	next := func() uint32 { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed }
	line := make([]byte, cols)
	for y := 0; y < perCol; y++ {
		for i := range line {
			line[i] = ' '
		}
		for x := 0; x < perRow; x++ {
			at := x*cell + cell/2 - 1
			if y > 0 {
				at += int(next()%uint32(2*y+1)) - y
			}
			glyph := "[]"
			if y > perCol/3 && next()%uint32(perCol) < uint32(y) {
				glyph = "<>"
			}
			for i := 0; i < len(glyph); i++ {
				if p := at + i; p >= 0 && p < cols {
					line[p] = glyph[i]
				}
			}
		}
		b.Write(line)
		b.WriteByte('\n')
	}
}

// drawSkyline draws towers of lit and dark windows, cols wide and rows
// high.
func drawSkyline(b *strings.Builder, cols, rows int) {
	seed := uint32(361275319)
	next := func() uint32 { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed }
	height := make([]int, cols)
	for x := 0; x < cols; {
		w := 3 + int(next()%6)
		h := 1 + int(next()%uint32(rows))
		for i := 0; i < w && x < cols; i++ {
			height[x] = h
			x++
		}
		if x < cols {
			x++ // a gap between towers
		}
	}
	for y := rows; y >= 1; y-- {
		line := make([]byte, cols)
		for x := range line {
			switch {
			case height[x] < y:
				line[x] = ' '
			case next()%3 == 0:
				line[x] = '.'
			default:
				line[x] = '#'
			}
		}
		b.Write(line)
		b.WriteByte('\n')
	}
}
