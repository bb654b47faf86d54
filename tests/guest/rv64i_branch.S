/* rv64i_branch.S - RV64I conditional branches (taken and not taken, signed
 * versus unsigned), jal/jalr link values, jalr clearing bit 0, a jump table. */
#include "asm_check.h"
  .option norvc
/* BR_TAKEN: branch must be taken; BR_NOT: must fall through */
#define BR_TAKEN(n, br, v1, v2) li t6, n; li a1, v1; li a2, v2; br a1, a2, 9f; j fail; 9:
#define BR_NOT(n, br, v1, v2) li t6, n; li a1, v1; li a2, v2; br a1, a2, fail
ASM_MAIN_BEGIN
  BR_TAKEN(1, beq, 5, 5)
  BR_NOT(2, beq, 5, 6)
  BR_TAKEN(3, bne, 5, 6)
  BR_NOT(4, bne, -1, -1)
  BR_TAKEN(5, blt, -1, 0)
  BR_NOT(6, blt, 0, -1)
  BR_NOT(7, blt, 3, 3)
  BR_TAKEN(8, bge, 3, 3)
  BR_TAKEN(9, bge, 0, -1)
  BR_NOT(10, bge, -1, 0)
  BR_TAKEN(11, bltu, 0, -1)
  BR_NOT(12, bltu, -1, 0)
  BR_NOT(13, bltu, 7, 7)
  BR_TAKEN(14, bgeu, -1, 0)
  BR_TAKEN(15, bgeu, 7, 7)
  BR_NOT(16, bgeu, 0, -1)
  BR_TAKEN(17, blt, 0x8000000000000000, 0x7fffffffffffffff)
  BR_TAKEN(18, bltu, 0x7fffffffffffffff, 0x8000000000000000)
  /* backward branch loop: count 10 iterations */
  li a0, 0; li a1, 10
1: addi a0, a0, 1; blt a0, a1, 1b
  FAIL_IF_NE(20, a0, 10)
  /* jal links pc+4 */
  jal t0, 2f
3: j fail
2: la t1, 3b; li t6, 21; bne t0, t1, fail
  /* jalr with offset; the target's bit 0 is cleared */
  la t0, 4f
  addi t0, t0, 1
  jalr t1, 0(t0)
5: j fail
4: la t2, 5b; li t6, 22; bne t1, t2, fail
  /* jalr with a non-zero immediate and rd == rs1 */
  la t0, 6f
  addi t0, t0, -8
  jalr t0, 8(t0)
7: j fail
6: la t2, 7b; li t6, 23; bne t0, t2, fail
  /* call/ret through a real function */
  li a0, 20
  call triple
  FAIL_IF_NE(24, a0, 60)
  /* jump table: index 0..3 -> values 10, 20, 30, 40; sum = 100 */
  li s0, 0; li s1, 0
8: la t0, jtab
  slli t1, s0, 3
  add t0, t0, t1
  ld t0, 0(t0)
  jr t0
case0: addi s1, s1, 10; j next
case1: addi s1, s1, 20; j next
case2: addi s1, s1, 30; j next
case3: addi s1, s1, 40; j next
next: addi s0, s0, 1; li t0, 4; blt s0, t0, 8b
  FAIL_IF_NE(25, s1, 100)
  /* recursion through jal/jalr: fib(15) = 610 */
  li a0, 15
  call fib
  FAIL_IF_NE(26, a0, 610)
ASM_MAIN_END("rv64i_branch")
  .text
triple: slli t0, a0, 1; add a0, a0, t0; ret
fib: /* a0 = fib(a0), naive recursion */
  li t0, 2
  blt a0, t0, 1f
  addi sp, sp, -32
  sd ra, 24(sp); sd a0, 16(sp)
  addi a0, a0, -1; call fib
  sd a0, 8(sp)
  ld a0, 16(sp); addi a0, a0, -2; call fib
  ld t0, 8(sp); add a0, a0, t0
  ld ra, 24(sp); addi sp, sp, 32
1: ret
  .section .data.rel.ro
  .balign 8
jtab: .dword case0, case1, case2, case3
