/* rvc_ctrl.S - compressed control flow: c.beqz, c.bnez, c.j, c.jr,
 * c.jalr (links pc+2) (c.ebreak: see sig_die); 32-bit instructions at
 * 2-byte-aligned addresses, and a 32-bit instruction that straddles a
 * 4 KiB page boundary. */
#include "asm_check.h"
  .option rvc
ASM_MAIN_BEGIN
  c.li a0, 0
  li t6, 1
  c.beqz a0, 1f
  j fail
1: li t6, 2
  c.bnez a0, fail
  c.li a1, -1
  li t6, 3
  c.bnez a1, 2f
  j fail
2: li t6, 4
  c.beqz a1, fail
  /* c.j forward and backward */
  c.li a2, 0
  c.j 3f
4: c.addi a2, 1
  c.j 5f
3: c.addi a2, 10
  c.j 4b
5: FAIL_IF_NE(5, a2, 11)
  /* c.jr */
  la t0, 6f
  c.jr t0
  j fail
6: /* c.jalr links the address of the next (2-byte-later) instruction */
  la t0, sub_ret_ra
  c.jalr t0
7: la t1, 7b
  li t6, 6
  bne a0, t1, fail
  /* odd alignment: force a 32-bit instruction at pc % 4 == 2 */
  .balign 4
  c.nop
  addi a0, zero, 1234
  FAIL_IF_NE(7, a0, 1234)
  /* a 32-bit instruction that crosses a page boundary */
  call straddle
  FAIL_IF_NE(8, a0, 1234)
  /* compressed loop with c.beqz exit: count bits of 0xf0f0 */
  li a0, 0xf0f0; c.li a1, 0
8: c.beqz a0, 9f
  andi t0, a0, 1
  c.add a1, t0
  c.srli a0, 1
  c.j 8b
9: FAIL_IF_NE(9, a1, 8)
ASM_MAIN_END("rvc_ctrl")
  .text
sub_ret_ra:
  c.mv a0, ra
  c.jr ra
  .balign 4096
  .fill 2046, 2, 0x0001     /* 2046 c.nop = 4092 bytes */
straddle:
  c.li a0, 0                /* page offset 4092..4093 */
  .option push
  .option norvc
  addi a0, a0, 1234         /* 4094..4097: crosses into the next page */
  .option pop
  c.jr ra
