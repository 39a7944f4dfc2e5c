package cache

import (
	"errors"
	"fmt"
	"strings"
)

// The PFDEBUG views of a sketch (GETREG, DECODE, ENCODING, TODENSE) and
// PFSELFTEST's checks of the format code.

// HLLDebugOp is a PFDEBUG subcommand.
type HLLDebugOp int

// The PFDEBUG subcommands.
const (
	// HLLGetReg makes the sketch dense and returns its registers.
	HLLGetReg HLLDebugOp = iota
	// HLLDecode describes a sparse sketch's opcodes.
	HLLDecode
	// HLLEncoding names the sketch's encoding.
	HLLEncoding
	// HLLToDense makes the sketch dense and reports whether it was sparse.
	HLLToDense
	// HLLUnknownOp is a subcommand PFDEBUG does not know: PFDebug checks
	// the key first, then fails with ErrHLLUnknownOp.
	HLLUnknownOp
)

// Errors of PFDEBUG.
var (
	// ErrHLLNotSparse is PFDEBUG DECODE of a dense sketch.
	ErrHLLNotSparse = errors.New("HLL encoding is not sparse")
	// ErrHLLUnknownOp is a PFDEBUG subcommand that does not exist.
	ErrHLLUnknownOp = errors.New("unknown PFDEBUG subcommand")
)

// HLLDebug is the answer of one PFDEBUG subcommand: Regs for GETREG,
// Text for DECODE and ENCODING, Converted for TODENSE.
type HLLDebug struct {
	Regs      []uint8
	Text      string
	Converted bool
}

// PFDebug runs op on the sketch at key. A missing key is ErrNoSuchKey;
// GETREG and TODENSE rewrite a sparse sketch as dense (header kept), as
// Redis does.
func (ks *Keyspace) PFDebug(op HLLDebugOp, key []byte) (HLLDebug, error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e == nil {
		return HLLDebug{}, ErrNoSuchKey
	}
	if e.kind() != kindString {
		return HLLDebug{}, ErrWrongType
	}
	cur := e.str()
	if err := checkHLL(cur); err != nil {
		return HLLDebug{}, err
	}
	switch op {
	case HLLGetReg, HLLToDense:
	case HLLEncoding:
		if hllIsDense(cur) {
			return HLLDebug{Text: "dense"}, nil
		}
		return HLLDebug{Text: "sparse"}, nil
	case HLLDecode:
		if hllIsDense(cur) {
			return HLLDebug{}, ErrHLLNotSparse
		}
		return HLLDebug{Text: decodeSparseOps(cur[hllHdrSize:])}, nil
	default:
		return HLLDebug{}, ErrHLLUnknownOp
	}
	converted := false
	if !hllIsDense(cur) {
		var regs hllRegs
		if err := decodeHLL(cur, &regs); err != nil {
			return HLLDebug{}, err
		}
		nv := encodeHLL(cur, &regs, true, 0)
		e = ks.setStr(sh, slot, e, nv)
		ks.resize(sh, slot, e)
		cur, converted = nv, true
	}
	if op == HLLToDense {
		return HLLDebug{Converted: converted}, nil
	}
	regs := make([]uint8, hllRegisters)
	p := cur[hllHdrSize:]
	for i := range regs {
		regs[i] = denseGet(p, i)
	}
	return HLLDebug{Regs: regs}, nil
}

// decodeSparseOps writes sparse registers p as Redis's PFDEBUG DECODE
// does: "z:N" for ZERO, "Z:N" for XZERO, "v:VALUE,N" for VAL, joined by
// spaces. An XZERO cut short reads its missing byte as zero.
func decodeSparseOps(p []byte) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		op := p[i]
		switch {
		case op&0xc0 == 0:
			fmt.Fprintf(&b, "z:%d", int(op&0x3f)+1)
		case op&0xc0 == 0x40:
			lo := 0
			if i+1 < len(p) {
				lo = int(p[i+1])
			}
			fmt.Fprintf(&b, "Z:%d", (int(op&0x3f)<<8|lo)+1)
			i++
		default:
			fmt.Fprintf(&b, "v:%d,%d", int(op>>2&0x1f)+1, int(op&3)+1)
		}
	}
	return b.String()
}

// HLLSelfTest checks the sketch code as PFSELFTEST does in Redis: dense
// registers read back what was written whatever their neighbours hold,
// sparse and dense encodings of the same registers count alike, and the
// estimate of n distinct elements stays within the expected error. It
// returns nil or an error saying what failed.
func HLLSelfTest() error {
	p := make([]byte, hllRegisters*6/8)
	var regs hllRegs
	seed := uint64(0x9e3779b97f4a7c15)
	next := func() uint64 {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return seed
	}
	for round := 0; round < 100; round++ {
		for i := range regs {
			regs[i] = uint8(next() & 63)
			denseSet(p, i, regs[i])
		}
		for i := range regs {
			if got := denseGet(p, i); got != regs[i] {
				return fmt.Errorf("TESTFAILED Register error at %d: %d != %d", i, got, regs[i])
			}
		}
	}
	clear(regs[:])
	hdr := newHLLHeader()
	elem := make([]byte, 8)
	const total = 1000000
	checkpoint := 1
	for j := 1; j <= total; j++ {
		for k := range elem {
			elem[k] = byte(uint64(j) >> (8 * k))
		}
		if i, n := hllPattern(elem); n > regs[i] {
			regs[i] = n
		}
		if j != checkpoint {
			continue
		}
		checkpoint *= 10
		est := float64(hllCount(&regs))
		relErr := 1.04 / float64(128) // 1.04/sqrt(16384)
		maxErr := relErr * 6 * float64(j)
		if j <= 10 {
			maxErr = 1
		}
		if d := est - float64(j); d > maxErr || -d > maxErr {
			return fmt.Errorf("TESTFAILED Too big error. card:%d abserr:%f", j, d)
		}
		sparse := encodeHLL(hdr, &regs, false, 1<<20)
		dense := encodeHLL(hdr, &regs, true, 0)
		a, err1 := HLLCheck(sparse)
		b, err2 := HLLCheck(dense)
		if err1 != nil || err2 != nil || a != b || a != hllCount(&regs) {
			return fmt.Errorf("TESTFAILED sparse and dense sketches disagree at card %d", j)
		}
	}
	return nil
}
