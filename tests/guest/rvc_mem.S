/* rvc_mem.S - compressed loads and stores: c.lwsp/c.swsp, c.ldsp/c.sdsp,
 * c.fldsp/c.fsdsp, c.lw/c.sw, c.ld/c.sd, c.fld/c.fsd (sign extension of
 * c.lw, largest offsets). */
#include "asm_check.h"
  .option rvc
ASM_MAIN_BEGIN
  addi sp, sp, -512
  /* sp-relative */
  li a1, 0x80000001
  c.swsp a1, 0(sp)
  c.lwsp a0, 0(sp);     FAIL_IF_NE(1, a0, 0xffffffff80000001)
  li a1, 0x0123456789abcdef
  c.sdsp a1, 8(sp)
  c.ldsp a0, 8(sp);     FAIL_IF_NE(2, a0, 0x0123456789abcdef)
  c.lwsp t0, 12(sp);    FAIL_IF_NE(3, t0, 0x01234567)
  c.lwsp t0, 8(sp);     FAIL_IF_NE(4, t0, 0xffffffff89abcdef)
  li a1, 0x5555aaaa
  c.swsp a1, 252(sp)
  c.lwsp a0, 252(sp);   FAIL_IF_NE(5, a0, 0x5555aaaa)
  li a1, -2
  c.sdsp a1, 504(sp)
  c.ldsp a0, 504(sp);   FAIL_IF_NE(6, a0, -2)
  /* fldsp/fsdsp: bit pattern of 1.5 is 0x3ff8000000000000 */
  li a1, 0x3ff8000000000000
  c.sdsp a1, 16(sp)
  c.fldsp fa0, 16(sp)
  fadd.d fa1, fa0, fa0               /* 3.0 */
  c.fsdsp fa1, 24(sp)
  c.ldsp a0, 24(sp);    FAIL_IF_NE(7, a0, 0x4008000000000000)
  c.fsdsp fa1, 496(sp)
  c.fldsp fa2, 496(sp)
  fmv.x.d a0, fa2;      FAIL_IF_NE(8, a0, 0x4008000000000000)
  addi sp, sp, 512
  /* register-relative, registers x8..x15 */
  la s0, area
  li a1, 0xfedcba9876543210
  c.sd a1, 0(s0)
  c.ld a2, 0(s0);       FAIL_IF_NE(9, a2, 0xfedcba9876543210)
  c.lw a3, 0(s0);       FAIL_IF_NE(10, a3, 0x76543210)
  c.lw a3, 4(s0);       FAIL_IF_NE(11, a3, 0xfffffffffedcba98)
  li a4, 0x11223344
  c.sw a4, 124(s0)
  c.lw a5, 124(s0);     FAIL_IF_NE(12, a5, 0x11223344)
  c.sd a1, 248(s0)
  c.ld a5, 248(s0);     FAIL_IF_NE(13, a5, 0xfedcba9876543210)
  li a1, 0x4000000000000000          /* 2.0 */
  c.sd a1, 8(s0)
  c.fld fa0, 8(s0)
  fmul.d fa0, fa0, fa0               /* 4.0 */
  c.fsd fa0, 16(s0)
  c.ld a0, 16(s0);      FAIL_IF_NE(14, a0, 0x4010000000000000)
  c.fsd fa0, 240(s0)
  c.fld fa5, 240(s0)
  fmv.x.d a0, fa5;      FAIL_IF_NE(15, a0, 0x4010000000000000)
  /* s1 as base, copy 8 dwords with compressed loads/stores */
  la s1, area
  addi s1, s1, 32
  li a0, 0
1: c.sd a0, 0(s1); c.addi s1, 8; c.addi a0, 1; li t0, 8; blt a0, t0, 1b
  la s1, area
  addi s1, s1, 32
  li a0, 0; li a2, 8
2: c.ld a1, 0(s1); c.add a0, a1; c.addi s1, 8; c.addi a2, -1; c.bnez a2, 2b
  FAIL_IF_NE(16, a0, 28)
ASM_MAIN_END("rvc_mem")
  .bss
  .balign 8
area: .zero 256
