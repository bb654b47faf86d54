/* asm_check.h - macros for the assembly guest programs (.S).
 *
 * Convention: the program defines `main`; t6 holds the number of the running
 * test.  A failed test branches to `fail`, which prints the number and
 * returns 1 from main; ASM_MAIN_END prints "<name>: ok" and returns 0.
 * t5 is scratch for the expected value. */
#define FAIL_IF_NE(n, reg, val) li t6, n; li t5, val; bne reg, t5, fail

/* rd = insn(v1, v2) with registers a1, a2 -> a0 */
#define TEST_RR(n, insn, v1, v2, exp) li a1, v1; li a2, v2; insn a0, a1, a2; FAIL_IF_NE(n, a0, exp)
/* rd = insn(v1, imm) */
#define TEST_RI(n, insn, v1, imm, exp) li a1, v1; insn a0, a1, imm; FAIL_IF_NE(n, a0, exp)
/* rd = insn(v1) */
#define TEST_R(n, insn, v1, exp) li a1, v1; insn a0, a1; FAIL_IF_NE(n, a0, exp)

#define ASM_MAIN_BEGIN          \
  .text;                        \
  .globl main;                  \
  .type main, @function;        \
main:                           \
  addi sp, sp, -32;             \
  sd ra, 24(sp);                \
  sd s0, 16(sp);                \
  sd s1, 8(sp);

#define ASM_MAIN_END(namestr)   \
  la a0, ok_fmt;                \
  la a1, name_str;              \
  call printf;                  \
  li a0, 0;                     \
  j main_out;                   \
fail:                           \
  mv a2, t6;                    \
  la a0, fail_fmt;              \
  la a1, name_str;              \
  call printf;                  \
  li a0, 1;                     \
main_out:                       \
  ld ra, 24(sp);                \
  ld s0, 16(sp);                \
  ld s1, 8(sp);                 \
  addi sp, sp, 32;              \
  ret;                          \
  .size main, .-main;           \
  .section .rodata;             \
name_str: .asciz namestr;       \
ok_fmt: .asciz "%s: ok\n";      \
fail_fmt: .asciz "%s: FAILED at test %ld\n";
