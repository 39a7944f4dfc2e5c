package node

import (
	"strconv"
	"time"

	"github.com/vcache/vcache/cache"
)

// Hash field expiration: HEXPIRE and its kin, HTTL and its kin, HPERSIST,
// HGETEX, HSETEX, HGETDEL (Redis 7.4/8). Relative TTLs reach replicas as
// absolute deadlines (HPEXPIREAT, HSETEX ... PXAT), as Redis propagates
// them; replicas expire fields by those deadlines themselves, as they do
// keys.

func cmdHExpire(cx *Ctx)    { hexpire(cx, true, true) }
func cmdHPExpire(cx *Ctx)   { hexpire(cx, false, true) }
func cmdHExpireAt(cx *Ctx)  { hexpire(cx, true, false) }
func cmdHPExpireAt(cx *Ctx) { hexpire(cx, false, false) }

func nowMs() int64 { return time.Now().UnixMilli() }

// hashTypeOK answers WRONGTYPE (and reports false) when key holds another
// type: these commands check the key before their arguments, as Redis.
func hashTypeOK(cx *Ctx) bool {
	if _, err := cx.Node.ks.HLen(cx.Args[1]); err != nil {
		cx.Err(err)
		return false
	}
	return true
}

func hexpire(cx *Ctx, sec, rel bool) {
	if !hashTypeOK(cx) {
		return
	}
	a, msg := parseHExpire(cx.Args, sec, rel, nowMs(), cx.Name())
	if msg != "" {
		cx.Error(msg)
		return
	}
	codes, err := cx.Node.ks.HExpire(cx.Args[1], a.at, a.cond, a.fields)
	if err != nil {
		cx.Err(err)
		return
	}
	if sec || rel {
		r := append([][]byte{}, cx.Args...)
		r[0], r[2] = []byte("HPEXPIREAT"), strconv.AppendInt(nil, a.at, 10)
		cx.replArgs = r
	}
	replyCodes(cx, codes)
}

func replyCodes(cx *Ctx, codes []int) {
	cx.Array(len(codes))
	for _, c := range codes {
		cx.Int(int64(c))
	}
}

func cmdHTTL(cx *Ctx)         { fieldTimes(cx, true, true) }
func cmdHPTTL(cx *Ctx)        { fieldTimes(cx, false, true) }
func cmdHExpireTime(cx *Ctx)  { fieldTimes(cx, true, false) }
func cmdHPExpireTime(cx *Ctx) { fieldTimes(cx, false, false) }

// fieldTimes answers HTTL (sec, rel), HPTTL, HEXPIRETIME, HPEXPIRETIME:
// seconds round up, as Redis's do.
func fieldTimes(cx *Ctx, sec, rel bool) {
	fields, ok := hashFields(cx)
	if !ok {
		return
	}
	ats, err := cx.Node.ks.HExpireTimes(cx.Args[1], fields)
	if err != nil {
		cx.Err(err)
		return
	}
	now := nowMs()
	cx.Array(len(ats))
	for _, at := range ats {
		if at < 0 {
			cx.Int(at)
			continue
		}
		if rel {
			at = max(at-now, 0)
		}
		if sec {
			at = (at + 999) / 1000
		}
		cx.Int(at)
	}
}

// hashFields checks that the key of HTTL, HPERSIST and their kin is a
// hash (or missing), then reads their FIELDS numfields field...; on
// failure it has replied and reports false.
func hashFields(cx *Ctx) ([][]byte, bool) {
	if !hashTypeOK(cx) {
		return nil, false
	}
	fields, msg := parseFieldList(cx.Args, 2, msgNumFieldsPos)
	if msg != "" {
		cx.Error(msg)
		return nil, false
	}
	return fields, true
}

func cmdHPersist(cx *Ctx) {
	fields, ok := hashFields(cx)
	if !ok {
		return
	}
	codes, err := cx.Node.ks.HPersist(cx.Args[1], fields)
	if err != nil {
		cx.Err(err)
		return
	}
	replyCodes(cx, codes)
}

func cmdHGetEx(cx *Ctx) {
	a, msg := parseHGetEx(cx.Args, nowMs())
	if msg != "" {
		cx.Error(msg)
		return
	}
	vals, err := cx.Node.ks.HGetEx(cx.Args[1], a.fields, a.x)
	if err != nil {
		cx.Err(err)
		return
	}
	switch {
	case a.x.Set:
		r := [][]byte{[]byte("HPEXPIREAT"), cx.Args[1], strconv.AppendInt(nil, a.x.At, 10),
			[]byte("FIELDS"), strconv.AppendInt(nil, int64(len(a.fields)), 10)}
		cx.replArgs = append(r, a.fields...)
	case a.x.Persist:
		r := [][]byte{[]byte("HPERSIST"), cx.Args[1], []byte("FIELDS"), strconv.AppendInt(nil, int64(len(a.fields)), 10)}
		cx.replArgs = append(r, a.fields...)
	}
	replyBulks(cx, vals)
}

func cmdHSetEx(cx *Ctx) {
	a, msg := parseHSetEx(cx.Args, nowMs())
	if msg != "" {
		cx.Error(msg)
		return
	}
	done, err := cx.Node.ks.HSetEx(cx.Args[1], a.pairs, a.fnx, a.fxx, a.x)
	if err != nil {
		cx.Err(err)
		return
	}
	if a.ttlAt > 0 {
		r := append([][]byte{}, cx.Args...)
		r[a.ttlAt-1], r[a.ttlAt] = []byte("PXAT"), strconv.AppendInt(nil, a.x.At, 10)
		cx.replArgs = r
	}
	if done {
		cx.Int(1)
	} else {
		cx.Int(0)
	}
}

func cmdHGetDel(cx *Ctx) {
	fields, msg := parseFieldList(cx.Args, 2, msgNumFieldsPos)
	if msg != "" {
		cx.Error(msg)
		return
	}
	vals, err := cx.Node.ks.HGetDel(cx.Args[1], fields)
	if err != nil {
		cx.Err(err)
		return
	}
	replyBulks(cx, vals)
}

// FieldsExpired publishes hexpired (and del when the hash went), as
// Redis's field expiry does.
func (o *notifyObserver) FieldsExpired(key string, _ int, _ int, keyGone bool) {
	n := o.n.Load()
	if n == nil || n.notifyFlags.Load() == 0 {
		return
	}
	n.notify(nil, nfHash, "hexpired", key)
	if keyGone {
		n.notify(nil, nfGeneric, "del", key)
	}
}

// FieldsExpired passes field expiry on to the observers that listen.
func (os observers) FieldsExpired(key string, slot int, n int, keyGone bool) {
	for _, o := range os {
		if fo, ok := o.(cache.FieldObserver); ok {
			fo.FieldsExpired(key, slot, n, keyGone)
		}
	}
}
