package node

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
)

// Replication, primary side: a replica sends
//
//	VCACHE.SYNC <replid> <offset> <slot ranges>
//
// and the connection becomes a stream. When replid is this node's and the
// backlog still holds offset, the reply is +CONTINUE and the stream goes on
// from offset. Otherwise it is +FULLRESYNC <replid> <offset>, then the FT
// index definitions (FT.CREATE), the slots' keys as VCACHE.IMPORT snapshots
// (one per stripe, each taken under the stripe's write lock), and the
// backlog's frames for those slots from the first snapshot's offset,
// skipping, per stripe, the writes its snapshot already holds. After each
// batch of commands comes VCACHE.OFFSET <offset>: everything up to offset
// has been sent. The replica answers REPLCONF ACK <offset> once it has
// applied them.

// replPing is how long an idle stream waits before it repeats its offset,
// which tells the replica the link is alive.
const replPing = time.Second

// syncRequest is a parsed VCACHE.SYNC.
type syncRequest struct {
	replID string
	offset uint64
	ranges []cluster.SlotRange
	mask   slotMask
	shard  string
	node   string // the replica's cluster name (a split by promotion waits for it)
}

func parseSync(args [][]byte) (syncRequest, error) {
	var req syncRequest
	if len(args) < 4 {
		return req, errors.New("ERR wrong number of arguments for 'vcache.sync' command")
	}
	req.replID = string(args[1])
	off, err := strconv.ParseInt(string(args[2]), 10, 64)
	if err != nil {
		return req, errors.New(command.MsgNotInt)
	}
	if off >= 0 {
		req.offset = uint64(off)
	} else {
		req.replID = ""
	}
	req.ranges, err = parseRanges(string(args[3]))
	if err != nil {
		return req, err
	}
	for _, s := range cluster.SlotsIn(req.ranges) {
		req.mask.set(s)
	}
	if len(args) > 4 {
		req.shard = string(args[4])
	}
	if len(args) > 5 {
		req.node = string(args[5])
	}
	return req, nil
}

// parseRanges reads "0-100,200-300" (an empty string is no slots).
func parseRanges(s string) ([]cluster.SlotRange, error) {
	var out []cluster.SlotRange
	if s == "" || s == "-" {
		return nil, nil
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, found := strings.Cut(part, "-")
		if !found {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || a < 0 || b < a || b >= keyslot.Count {
			return nil, fmt.Errorf("ERR invalid slot range '%s'", part)
		}
		out = append(out, cluster.SlotRange{Start: a, End: b})
	}
	return out, nil
}

// formatRanges is parseRanges' inverse.
func formatRanges(rs []cluster.SlotRange) string {
	if len(rs) == 0 {
		return "-"
	}
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d-%d", r.Start, r.End)
	}
	return b.String()
}

// cmdVcacheSync turns the connection into a replication stream.
func cmdVcacheSync(cx *Ctx) {
	req, err := parseSync(cx.Args)
	if err != nil {
		cx.Error(err.Error())
		return
	}
	c := cx.cl
	if c == nil || c.conn == nil {
		cx.Error("ERR VCACHE.SYNC needs a network connection")
		return
	}
	n := cx.Node
	if msg := n.syncRefusal(req); msg != "" {
		cx.Error(msg)
		return
	}
	dc := c.conn.Detach()
	link := &replicaLink{addr: c.addr, shard: req.shard, node: req.node, ranges: formatRanges(req.ranges)}
	if !n.goBackground(func(ctx context.Context) { n.serveReplica(ctx, dc, link, req) }) {
		dc.Close()
	}
}

// serveReplica streams to one replica until the connection or the node
// ends.
func (n *Node) serveReplica(ctx context.Context, dc redcon.DetachedConn, link *replicaLink, req syncRequest) {
	conn := dc.NetConn()
	defer dc.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { conn.Close(); n.repl.log.wake() })
	defer stop()
	n.repl.addReplica(link)
	defer n.repl.removeReplica(link)

	// Acknowledgements come back on the same connection.
	go func() {
		defer cancel()
		for {
			cmd, err := dc.ReadCommand()
			if err != nil {
				return
			}
			if len(cmd.Args) == 3 && strings.EqualFold(string(cmd.Args[0]), "replconf") &&
				strings.EqualFold(string(cmd.Args[1]), "ack") {
				if off, err := strconv.ParseUint(string(cmd.Args[2]), 10, 64); err == nil {
					link.ack.Store(off)
					link.lastAck.Store(time.Now().UnixNano())
				}
			}
		}
	}()

	w := bufio.NewWriterSize(conn, 1<<16)
	n.setReplicaHeld(link, int64(w.Size()))
	defer n.setReplicaHeld(link, 0)
	var err error
	if err = dc.Flush(); err == nil {
		err = n.sendStream(ctx, conn, w, link, req)
	}
	if err != nil && ctx.Err() == nil {
		n.log.Warn("replication stream ended", "replica", link.addr, "shard", link.shard, "err", err)
	}
}

// sendStream writes the sync's beginning and then the stream.
func (n *Node) sendStream(ctx context.Context, conn net.Conn, w *bufio.Writer, link *replicaLink, req syncRequest) error {
	log := n.repl.log
	deadline := func() { conn.SetWriteDeadline(time.Now().Add(30 * time.Second)) }
	var skip [replStripes]uint64 // per stripe: frames before this offset are in the snapshot
	from, handover := n.handoverFrom(req)
	if handover {
		fmt.Fprintf(w, "+CONTINUE %s %d\r\n", log.id, from)
		n.log.Info("replica continues over the copy it kept at a split by promotion", "replica", link.addr, "shard", link.shard, "offset", from)
		n.recordHandoverContinue(link, from)
	} else if req.replID == log.id && log.has(req.offset) {
		from = req.offset
		fmt.Fprintf(w, "+CONTINUE %s\r\n", log.id)
		n.log.Info("replica continues", "replica", link.addr, "shard", link.shard, "offset", from)
	} else {
		// Turn logging on before the snapshots: every write after a
		// stripe's snapshot is then in the backlog.
		log.turnOn()
		start := time.Now()
		from = log.end.Load()
		fmt.Fprintf(w, "+FULLRESYNC %s %d\r\n", log.id, from)
		for _, args := range n.ftCreateCommands() {
			w.Write(appendRESP(nil, args))
		}
		for _, args := range n.searchStateCommands() {
			w.Write(appendRESP(nil, args))
		}
		if p := n.functionsToSave(); p != nil {
			w.Write(appendRESP(nil, [][]byte{[]byte("FUNCTION"), []byte("RESTORE"), p, []byte("REPLACE")}))
		}
		keys := 0
		var buf bytes.Buffer
		// The sync yields to this node's clients (copyrate.go), unless
		// it makes the shard's only copy besides this node's: until it
		// completes, an acknowledged write lives on one node.
		pacer := n.newCopyPacer(fmt.Sprintf("full sync of shard %s to replica %s (%s)", link.shard, link.node, link.addr))
		defer pacer.done()
		if !n.otherCopyOnline(link) {
			pacer.unthrottle("the shard's only replica")
		}
		for _, slots := range syncStripes(&req.mask) {
			i := slots[0] % replStripes
			buf.Reset()
			mu := &n.repl.stripes[i]
			mu.Lock()
			for _, s := range slots {
				keys += n.ks.CountKeysInSlot(s)
			}
			err := n.ks.WriteSlots(&buf, slots)
			skip[i] = log.end.Load()
			mu.Unlock()
			if err != nil {
				return err
			}
			deadline()
			if _, err := w.Write(appendRESP(nil, [][]byte{[]byte("VCACHE.IMPORT"), buf.Bytes()})); err != nil {
				return err
			}
			n.setReplicaHeld(link, int64(w.Size()+buf.Cap()))
			if err := pacer.pace(ctx, buf.Len()); err != nil {
				return err
			}
			if h := n.repl.afterStripe.Load(); h != nil {
				if err := w.Flush(); err != nil {
					return err
				}
				if (*h)(ctx, i); ctx.Err() != nil {
					return ctx.Err()
				}
			}
		}
		n.log.Info("full sync sent", "replica", link.addr, "shard", link.shard, "keys", keys,
			"offset", from, "took", time.Since(start))
		n.recordFullSync(link, keys, pacer)
	}
	var frames, out []byte
	for ctx.Err() == nil {
		var next uint64
		var err error
		frames, next, err = log.read(frames[:0], from, replPing, func() bool { return ctx.Err() != nil })
		if err != nil {
			return err
		}
		out = out[:0]
		at := from
		for p := 0; p < len(frames); {
			tag := int(binary.LittleEndian.Uint16(frames[p:]))
			size := int(binary.LittleEndian.Uint32(frames[p+2:]))
			body := frames[p+frameHeader : p+frameHeader+size]
			if tag == frameAllSlots || (req.mask.has(tag) && at >= skip[tag%replStripes]) {
				out = append(out, body...)
			}
			p += frameHeader + size
			at += uint64(frameHeader + size)
		}
		from = next
		if h := n.repl.beforeSend.Load(); h != nil {
			(*h)(ctx, link)
		}
		out = appendRESP(out, [][]byte{[]byte("VCACHE.OFFSET"), strconv.AppendUint(nil, from, 10)})
		deadline()
		if _, err := w.Write(out); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		link.online.Store(true)
		n.setReplicaHeld(link, int64(w.Size()+cap(frames)+cap(out)))
	}
	return nil
}

// ftCreateCommands returns an FT.CREATE command for every index.
func (n *Node) ftCreateCommands() [][][]byte {
	var out [][][]byte
	for _, name := range n.search.List() {
		ix, err := n.search.Get(name)
		if err != nil {
			continue
		}
		s := ix.Schema()
		args := [][]byte{[]byte("FT.CREATE"), []byte(s.Name)}
		for _, a := range s.Args {
			args = append(args, []byte(a))
		}
		out = append(out, args)
	}
	return out
}

// sendHook, when set (tests only), runs in a primary's stream before each
// batch goes to the replica; it may block until ctx ends, delaying the
// batch (a slow link).
type sendHook = func(ctx context.Context, link *replicaLink)

// goBackground runs f on a goroutine the node waits for at shutdown; f's
// context ends then. It returns false, without running f, once the node
// is shutting down.
func (n *Node) goBackground(f func(ctx context.Context)) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closing || n.bgCtx == nil {
		return false
	}
	ctx := n.bgCtx
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f(ctx)
	}()
	return true
}
