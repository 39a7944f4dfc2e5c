package cache

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// TestHLLSelfTest runs PFSELFTEST's checks: they pass on this code.
func TestHLLSelfTest(t *testing.T) {
	if err := HLLSelfTest(); err != nil {
		t.Fatal(err)
	}
}

// sparseOpsRegs rebuilds registers from PFDEBUG DECODE's text.
func sparseOpsRegs(t testing.TB, text string) []uint8 {
	t.Helper()
	var regs []uint8
	for _, op := range strings.Fields(text) {
		kind, arg, _ := strings.Cut(op, ":")
		val, run := "0", arg
		if kind == "v" {
			val, run, _ = strings.Cut(arg, ",")
		}
		v, err1 := strconv.Atoi(val)
		n, err2 := strconv.Atoi(run)
		if err1 != nil || err2 != nil || n < 1 {
			t.Fatalf("bad opcode %q in %q", op, text)
		}
		for range n {
			regs = append(regs, uint8(v))
		}
	}
	return regs
}

// FuzzPFDebug feeds arbitrary bytes as a sketch to every PFDEBUG
// subcommand: nothing panics; a sketch HLLCheck accepts decodes (when
// sparse) to the registers GETREG returns, and GETREG leaves it dense
// with the same PFCOUNT; one it refuses is refused by GETREG and TODENSE.
func FuzzPFDebug(f *testing.F) {
	ks, err := New(DefaultConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(hllOf(f, ks, "s0", 0))
	f.Add(hllOf(f, ks, "s5", 5))
	f.Add(hllOf(f, ks, "s3000", 3000))
	f.Add([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f"))
	f.Add([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		key := []byte("k")
		_, checkErr := HLLCheck(data)
		ks.Set(key, data, SetOptions{})
		card, _ := ks.PFCount([][]byte{key})
		enc, encErr := ks.PFDebug(HLLEncoding, key)
		dec, decErr := ks.PFDebug(HLLDecode, key)
		if _, err := ks.PFDebug(HLLUnknownOp, key); err == nil {
			t.Fatal("an unknown subcommand did not fail")
		}
		reg, regErr := ks.PFDebug(HLLGetReg, key)
		if checkErr != nil {
			if errors.Is(checkErr, ErrNotHLL) && (!errors.Is(encErr, ErrNotHLL) || !errors.Is(regErr, ErrNotHLL)) {
				t.Fatalf("HLLCheck says %v; ENCODING %v, GETREG %v", checkErr, encErr, regErr)
			}
			if errors.Is(checkErr, ErrCorruptHLL) && (encErr != nil || !errors.Is(regErr, ErrCorruptHLL)) {
				t.Fatalf("HLLCheck says %v; ENCODING %v, GETREG %v", checkErr, encErr, regErr)
			}
			return
		}
		if encErr != nil || regErr != nil || len(reg.Regs) != 16384 {
			t.Fatalf("valid sketch: ENCODING %v, GETREG %v (%d registers)", encErr, regErr, len(reg.Regs))
		}
		if enc.Text == "sparse" {
			if decErr != nil {
				t.Fatalf("DECODE of a sparse sketch: %v", decErr)
			}
			if got := sparseOpsRegs(t, dec.Text); string(got) != string(reg.Regs) {
				t.Fatalf("DECODE %q disagrees with GETREG", dec.Text)
			}
		} else if !errors.Is(decErr, ErrHLLNotSparse) {
			t.Fatalf("DECODE of a dense sketch: %v", decErr)
		}
		after, err := ks.PFDebug(HLLEncoding, key)
		if err != nil || after.Text != "dense" {
			t.Fatalf("after GETREG the encoding is %q (%v)", after.Text, err)
		}
		if n, err := ks.PFCount([][]byte{key}); err != nil || n != card {
			t.Fatalf("after GETREG PFCOUNT = %d, %v; want %d", n, err, card)
		}
	})
}
