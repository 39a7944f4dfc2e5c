#include "textflag.h"

// func dotInt8AVX2(a, b *int8, n int) int32
//
// The signed-times-signed trick of int8 GEMM kernels: a·b = |a|·(b·sign(a)),
// so VPMADDUBSW (unsigned bytes times signed bytes, adjacent pairs summed
// into int16) applies; with values in [-127, 127] a pair sums to at most
// 2·127·127 = 32258, below int16's saturation. VPMADDWD by ones widens the
// pairs into int32 lanes. 64 bytes a round into two accumulators, then one
// 32- and one 16-byte step for the rest (n is a multiple of 16).
TEXT ·dotInt8AVX2(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPCMPEQW Y7, Y7, Y7
	VPSRLW $15, Y7, Y7 // int16 ones

loop64:
	CMPQ CX, $64
	JLT step32
	VMOVDQU (SI), Y2
	VMOVDQU (DI), Y3
	VMOVDQU 32(SI), Y4
	VMOVDQU 32(DI), Y5
	VPSIGNB Y2, Y3, Y3
	VPABSB Y2, Y2
	VPSIGNB Y4, Y5, Y5
	VPABSB Y4, Y4
	VPMADDUBSW Y3, Y2, Y2
	VPMADDUBSW Y5, Y4, Y4
	VPMADDWD Y7, Y2, Y2
	VPMADDWD Y7, Y4, Y4
	VPADDD Y2, Y0, Y0
	VPADDD Y4, Y1, Y1
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $64, CX
	JMP loop64

step32:
	CMPQ CX, $32
	JLT reduce
	VMOVDQU (SI), Y2
	VMOVDQU (DI), Y3
	VPSIGNB Y2, Y3, Y3
	VPABSB Y2, Y2
	VPMADDUBSW Y3, Y2, Y2
	VPMADDWD Y7, Y2, Y2
	VPADDD Y2, Y0, Y0
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $32, CX

reduce:
	VPADDD Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDD X1, X0, X0 // from here on 128-bit lanes only
	CMPQ CX, $16
	JLT sum
	VMOVDQU (SI), X2
	VMOVDQU (DI), X3
	VPSIGNB X2, X3, X3
	VPABSB X2, X2
	VPMADDUBSW X3, X2, X2
	VPMADDWD X7, X2, X2
	VPADDD X2, X0, X0

sum:
	VPSHUFD $0x4e, X0, X1
	VPADDD X1, X0, X0
	VPSHUFD $0xb1, X0, X1
	VPADDD X1, X0, X0
	VMOVD X0, AX
	VZEROUPPER
	MOVL AX, ret+24(FP)
	RET
