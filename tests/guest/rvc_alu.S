/* rvc_alu.S - compressed integer computation: c.li, c.lui, c.addi,
 * c.addiw, c.addi16sp, c.addi4spn, c.slli, c.srli, c.srai, c.andi, c.mv,
 * c.add, c.sub, c.xor, c.or, c.and, c.subw, c.addw, c.nop.  Every
 * instruction under test is written with its explicit c. mnemonic. */
#include "asm_check.h"
  .option rvc
ASM_MAIN_BEGIN
  c.li a0, 5;        FAIL_IF_NE(1, a0, 5)
  c.li a0, -32;      FAIL_IF_NE(2, a0, -32)
  c.li a5, 31;       FAIL_IF_NE(3, a5, 31)
  c.lui a0, 1;       FAIL_IF_NE(4, a0, 0x1000)
  c.lui a0, 0x1f;    FAIL_IF_NE(5, a0, 0x1f000)
  c.lui a0, 0xfffff; FAIL_IF_NE(6, a0, 0xfffffffffffff000)
  c.lui a0, 0xfffe0; FAIL_IF_NE(7, a0, 0xfffffffffffe0000)
  c.li a0, 10; c.addi a0, 7;   FAIL_IF_NE(8, a0, 17)
  c.addi a0, -20;              FAIL_IF_NE(9, a0, -3)
  li a0, 0x7fffffff; c.addiw a0, 1;   FAIL_IF_NE(10, a0, 0xffffffff80000000)
  li a0, 0x1ffffffff; c.addiw a0, 0;  FAIL_IF_NE(11, a0, -1)          /* sext.w */
  li a0, 0x100000005; c.addiw a0, -6; FAIL_IF_NE(12, a0, -1)
  c.li a0, 1; c.slli a0, 63;   FAIL_IF_NE(13, a0, 0x8000000000000000)
  c.li t0, 3; c.slli t0, 4;    FAIL_IF_NE(14, t0, 48)                  /* any rd */
  li a0, 0xf000000000000000; c.srli a0, 60; FAIL_IF_NE(15, a0, 0xf)
  li a0, 0xf000000000000000; c.srai a0, 60; FAIL_IF_NE(16, a0, -1)
  li a0, 0x7000000000000000; c.srai a0, 1;  FAIL_IF_NE(17, a0, 0x3800000000000000)
  li a0, -1; c.andi a0, -16;   FAIL_IF_NE(18, a0, -16)
  li a0, 0x12345; c.andi a0, 31; FAIL_IF_NE(19, a0, 5)
  li a1, 0x5a5a; c.mv a0, a1;  FAIL_IF_NE(20, a0, 0x5a5a)
  c.mv t1, a1;                 FAIL_IF_NE(21, t1, 0x5a5a)
  li a0, 100; li t2, -58; c.add a0, t2; FAIL_IF_NE(22, a0, 42)
  li a0, 0; li a1, 1; c.sub a0, a1;     FAIL_IF_NE(23, a0, -1)
  li a0, 0xff00; li a1, 0x0ff0; c.xor a0, a1; FAIL_IF_NE(24, a0, 0xf0f0)
  li a0, 0xff00; li a1, 0x0ff0; c.or a0, a1;  FAIL_IF_NE(25, a0, 0xfff0)
  li a0, 0xff00; li a1, 0x0ff0; c.and a0, a1; FAIL_IF_NE(26, a0, 0x0f00)
  li a0, 0x80000000; li a1, 1; c.subw a0, a1; FAIL_IF_NE(27, a0, 0x7fffffff)
  li a0, 0; li a1, 1; c.subw a0, a1;          FAIL_IF_NE(28, a0, -1)
  li a0, 0x7fffffff; li a1, 1; c.addw a0, a1; FAIL_IF_NE(29, a0, 0xffffffff80000000)
  li s0, 0x100000003; li s1, 0x200000004; c.addw s0, s1; FAIL_IF_NE(30, s0, 7)
  li a4, 9; li a5, 4; c.sub a4, a5; c.and a4, a5; FAIL_IF_NE(31, a4, 4)
  /* stack-pointer forms */
  c.mv a2, sp
  c.addi16sp sp, -64
  c.mv a3, sp
  sub a0, a2, a3;              FAIL_IF_NE(32, a0, 64)
  c.addi4spn a0, sp, 16
  sub a0, a0, a3;              FAIL_IF_NE(33, a0, 16)
  c.addi4spn a1, sp, 1020
  sub a1, a1, a3;              FAIL_IF_NE(34, a1, 1020)
  c.addi16sp sp, 496
  c.addi16sp sp, -496
  c.addi16sp sp, 64
  li t6, 35; bne sp, a2, fail
  c.nop
  c.nop
  /* a compressed loop: sum 1..100 */
  c.li a0, 0
  li a1, 100
1: c.add a0, a1
  c.addi a1, -1
  c.bnez a1, 1b
  FAIL_IF_NE(36, a0, 5050)
ASM_MAIN_END("rvc_alu")
