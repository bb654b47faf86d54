/* rv64i_alu.S - RV64I register/immediate arithmetic, logic, shifts,
 * compares, lui/auipc.  Expected values from the RV64I spec. */
#include "asm_check.h"
  .option norvc
ASM_MAIN_BEGIN
  /* add/sub and 64-bit wrap-around */
  TEST_RR(1, add, 1, 2, 3)
  TEST_RR(2, add, 0x7fffffffffffffff, 1, 0x8000000000000000)
  TEST_RR(3, add, -1, 1, 0)
  TEST_RR(4, sub, 0, 1, -1)
  TEST_RR(5, sub, 0x8000000000000000, 1, 0x7fffffffffffffff)
  TEST_RI(6, addi, 5, -6, -1)
  TEST_RI(7, addi, 0, 2047, 2047)
  TEST_RI(8, addi, 0, -2048, -2048)
  /* W forms: 32-bit result sign-extended, upper input bits ignored */
  TEST_RR(10, addw, 0x7fffffff, 1, 0xffffffff80000000)
  TEST_RR(11, addw, 0x123456789, 1, 0x2345678a)
  TEST_RR(12, subw, 0, 1, -1)
  TEST_RR(13, subw, 0x80000000, 1, 0x7fffffff)
  TEST_RI(14, addiw, 0x7fffffff, 1, 0xffffffff80000000)
  TEST_RI(15, addiw, 0xffffffff00000005, 0, 5)
  /* sext.w is addiw rd, rs, 0 */
  TEST_RI(16, addiw, 0x00000000fffffffe, 0, -2)
  /* logic */
  TEST_RR(20, and, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0x0f000f000f000f00)
  TEST_RR(21, or,  0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xfff0fff0fff0fff0)
  TEST_RR(22, xor, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0)
  TEST_RI(23, andi, 0xffffffffffffffff, -16, 0xfffffffffffffff0)
  TEST_RI(24, andi, 0x123456789abcdef0, 0x7ff, 0x6f0)
  TEST_RI(25, ori, 0x8000000000000000, 0x555, 0x8000000000000555)
  TEST_RI(26, xori, 0x00ff00ff00ff00ff, -1, 0xff00ff00ff00ff00)
  /* shifts: RV64 uses the low 6 bits of rs2, W forms the low 5 */
  TEST_RR(30, sll, 1, 63, 0x8000000000000000)
  TEST_RR(31, sll, 1, 65, 2)
  TEST_RR(32, srl, 0x8000000000000000, 63, 1)
  TEST_RR(33, sra, 0x8000000000000000, 63, -1)
  TEST_RR(34, sra, 0x8000000000000000, 64, 0x8000000000000000)
  TEST_RR(35, srl, -1, 0x44, 0x0fffffffffffffff)
  TEST_RI(36, slli, 0x1234, 52, 0x2340000000000000)
  TEST_RI(37, srli, 0xf000000000000000, 60, 0xf)
  TEST_RI(38, srai, 0xf000000000000000, 60, -1)
  TEST_RI(39, srai, 0x7000000000000000, 60, 7)
  TEST_RR(40, sllw, 1, 31, 0xffffffff80000000)
  TEST_RR(41, sllw, 1, 33, 2)
  TEST_RR(42, srlw, 0xffffffff80000000, 31, 1)
  TEST_RR(43, srlw, 0x80000000, 0, 0xffffffff80000000)
  TEST_RR(44, sraw, 0x80000000, 4, 0xfffffffff8000000)
  TEST_RR(45, sraw, 0xfffffffe7fffffff, 35, 0x0fffffff)
  TEST_RI(46, slliw, 0x1, 31, 0xffffffff80000000)
  TEST_RI(47, srliw, 0xffffffffffffffff, 28, 0xf)
  TEST_RI(48, sraiw, 0x0000000080000000, 31, -1)
  TEST_RI(49, slliw, 0xffffffff0000ffff, 16, 0xffffffffffff0000)
  /* compares */
  TEST_RR(50, slt, -1, 0, 1)
  TEST_RR(51, slt, 0, -1, 0)
  TEST_RR(52, sltu, -1, 0, 0)
  TEST_RR(53, sltu, 0, -1, 1)
  TEST_RR(54, slt, 5, 5, 0)
  TEST_RR(55, slt, 0x8000000000000000, 0x7fffffffffffffff, 1)
  TEST_RR(56, sltu, 0x8000000000000000, 0x7fffffffffffffff, 0)
  TEST_RI(57, slti, -5, -4, 1)
  TEST_RI(58, slti, 3, -4, 0)
  TEST_RI(59, sltiu, 5, -1, 1)       /* imm sign-extended, then unsigned */
  TEST_RI(60, sltiu, 0, 1, 1)        /* seqz */
  TEST_RI(61, sltiu, 7, 1, 0)
  li a1, 9; sltu a0, zero, a1; FAIL_IF_NE(62, a0, 1)   /* snez */
  /* x0 is hard-wired zero */
  li t0, 99; add zero, t0, t0; FAIL_IF_NE(63, zero, 0)
  addi zero, zero, 5; mv a0, zero; FAIL_IF_NE(64, a0, 0)
  /* lui: 20-bit immediate, sign-extended on RV64 */
  lui a0, 0x80000; FAIL_IF_NE(70, a0, 0xffffffff80000000)
  lui a0, 0x7ffff; FAIL_IF_NE(71, a0, 0x7ffff000)
  lui a0, 0xfffff; FAIL_IF_NE(72, a0, 0xfffffffffffff000)
  lui a0, 0x12345; addi a0, a0, 0x678; FAIL_IF_NE(73, a0, 0x12345678)
  /* auipc: pc-relative */
1: auipc a0, 0
  la a1, 1b
  li t6, 74; bne a0, a1, fail
2: auipc a0, 1
  la a1, 2b
  sub a0, a0, a1; FAIL_IF_NE(75, a0, 0x1000)
  /* auipc + addi reach a data label */
3: auipc a0, %pcrel_hi(datum)
  addi a0, a0, %pcrel_lo(3b)
  ld a0, 0(a0); FAIL_IF_NE(76, a0, 0x0123456789abcdef)
  /* a long dependency chain: sum 1..1000 */
  li a0, 0; li a1, 1000
4: add a0, a0, a1; addi a1, a1, -1; bnez a1, 4b
  FAIL_IF_NE(80, a0, 500500)
ASM_MAIN_END("rv64i_alu")
  .data
  .balign 8
datum: .dword 0x0123456789abcdef
