package node

import (
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
)

func cmdDel(cx *Ctx) { cx.Int(int64(cx.Node.ks.Del(cx.Args[1:]...))) }

func cmdExists(cx *Ctx) { cx.Int(int64(cx.Node.ks.Exists(cx.Args[1:]...))) }

func cmdTouch(cx *Ctx) { cx.Int(int64(cx.Node.ks.Touch(cx.Args[1:]...))) }

func cmdType(cx *Ctx) { cx.Simple(cx.Node.ks.Type(cx.Args[1])) }

func cmdRename(cx *Ctx) {
	if _, err := cx.Node.ks.Rename(cx.Args[1], cx.Args[2], false); err != nil {
		cx.Err(err)
		return
	}
	cx.OK()
}

func cmdRenameNX(cx *Ctx) {
	ok, err := cx.Node.ks.Rename(cx.Args[1], cx.Args[2], true)
	replyDone(cx, ok, err)
}

func cmdExpire(cx *Ctx) { expireKey(cx, time.Second, false) }

func cmdPExpire(cx *Ctx) { expireKey(cx, time.Millisecond, false) }

func cmdExpireAt(cx *Ctx) { expireKey(cx, time.Second, true) }

func cmdPExpireAt(cx *Ctx) { expireKey(cx, time.Millisecond, true) }

func cmdTTL(cx *Ctx) { keyTTL(cx, time.Second, false) }

func cmdPTTL(cx *Ctx) { keyTTL(cx, time.Millisecond, false) }

func cmdExpireTime(cx *Ctx) { keyTTL(cx, time.Second, true) }

func cmdPExpireTime(cx *Ctx) { keyTTL(cx, time.Millisecond, true) }

func cmdPersist(cx *Ctx) { replyDone(cx, cx.Node.ks.Persist(cx.Args[1]), nil) }

func cmdKeys(cx *Ctx) {
	defer cx.Node.seeNoScratch(cx)() // scratch.go
	pat := string(cx.Args[1])
	if pat == "*" {
		pat = ""
	}
	keys := cx.Node.ks.KeysIn(cache.ScanOptions{Match: pat, Slots: cx.Node.servedSlots()})
	cx.Array(len(keys))
	for _, k := range keys {
		cx.BulkString(k)
	}
}

func cmdRandomKey(cx *Ctx) {
	defer cx.Node.seeNoScratch(cx)() // scratch.go
	if k, ok := cx.Node.ks.RandomKeyIn(cx.Node.servedSlots()); ok {
		cx.BulkString(k)
	} else {
		cx.Null()
	}
}

func expireKey(cx *Ctx, unit time.Duration, absolute bool) {
	v, err := cache.ParseInt(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	// Options as Redis 7 reads them: all first, then the checks; XX may
	// go with GT (which already needs an expiry) or LT.
	var nx, xx, gt, lt bool
	for _, a := range cx.Args[3:] {
		switch strings.ToUpper(string(a)) {
		case "NX":
			nx = true
		case "XX":
			xx = true
		case "GT":
			gt = true
		case "LT":
			lt = true
		default:
			cx.Error("ERR Unsupported option " + string(a))
			return
		}
	}
	cond := cache.ExpireAlways
	switch {
	case nx && (xx || gt || lt):
		cx.Error("ERR NX and XX, GT or LT options at the same time are not compatible")
		return
	case gt && lt:
		cx.Error("ERR GT and LT options at the same time are not compatible")
		return
	case nx:
		cond = cache.ExpireNX
	case gt:
		cond = cache.ExpireGT
	case lt && xx:
		cond = cache.ExpireXXLT
	case lt:
		cond = cache.ExpireLT
	case xx:
		cond = cache.ExpireXX
	}
	ms := v
	if unit == time.Second {
		if v > (1<<63-1)/1000 || v < -(1<<63-1)/1000 {
			cx.Error("ERR invalid expire time in '" + cx.Name() + "' command")
			return
		}
		ms = v * 1000
	}
	if !absolute {
		now := time.Now().UnixMilli()
		if ms > (1<<63-1)-now {
			cx.Error("ERR invalid expire time in '" + cx.Name() + "' command")
			return
		}
		ms += now
	}
	replyDone(cx, cx.Node.ks.Expire(cx.Args[1], ms, cond), nil)
}

func keyTTL(cx *Ctx, unit time.Duration, absolute bool) {
	var v int64
	if absolute {
		v = cx.Node.ks.ExpireAt(cx.Args[1])
	} else {
		v = cx.Node.ks.TTL(cx.Args[1])
	}
	if v >= 0 && unit == time.Second {
		v = (v + 500) / 1000
	}
	cx.Int(v)
}

func cmdScan(cx *Ctx) {
	cur, ok := command.ParseScanCursor(cx.Args[1])
	if !ok {
		cx.Error("ERR invalid cursor")
		return
	}
	so, msg := parseScanOpts(cx.Args[2:], true, false)
	if msg != "" {
		cx.Error(msg)
		return
	}
	o := cache.ScanOptions{Match: so.match, Count: int(min(so.count, 1<<20)), Type: so.typ}
	o.Slots = cx.Node.servedSlots()
	release := cx.Node.seeNoScratch(cx) // scratch.go
	next, keys := cx.Node.ks.Scan(cur, o)
	release()
	cx.Array(2)
	cx.BulkString(strconv.FormatUint(next, 10))
	cx.Array(len(keys))
	for _, k := range keys {
		cx.BulkString(k)
	}
}

// servedSlots returns, in a cluster, a test for the slots this node
// serves, so that DBSIZE, KEYS, SCAN and RANDOMKEY leave out the copies it
// keeps as a replica (the proxy adds the nodes' answers up); nil when
// standalone.
func (n *Node) servedSlots() func(slot int) bool {
	cl := n.cl.Load()
	if cl == nil {
		return nil
	}
	m, self := cl.Map(), cl.Self()
	if m == nil {
		return func(int) bool { return false }
	}
	return func(slot int) bool {
		serve, _ := m.Route(slot, self)
		return serve
	}
}

// dbSize counts the keys of the slots the node serves.
func (n *Node) dbSize() int64 {
	served := n.servedSlots()
	if served == nil {
		return int64(n.ks.Len())
	}
	total := 0
	for s := 0; s < keyslot.Count; s++ {
		if served(s) {
			total += n.ks.CountKeysInSlot(s)
		}
	}
	return int64(total)
}
