/* rv64i_mem.S - loads and stores of every width and signedness, offsets
 * (positive, negative), store-to-load forwarding, a misaligned doubleword
 * (Linux user ABI allows misaligned accesses). */
#include "asm_check.h"
  .option norvc
ASM_MAIN_BEGIN
  la s0, pattern                  /* bytes 87 86 85 84 83 82 81 80 */
  lb a0, 0(s0);  FAIL_IF_NE(1, a0, 0xffffffffffffff87)
  lbu a0, 0(s0); FAIL_IF_NE(2, a0, 0x87)
  lb a0, 7(s0);  FAIL_IF_NE(3, a0, 0xffffffffffffff80)
  lh a0, 0(s0);  FAIL_IF_NE(4, a0, 0xffffffffffff8687)
  lhu a0, 0(s0); FAIL_IF_NE(5, a0, 0x8687)
  lh a0, 6(s0);  FAIL_IF_NE(6, a0, 0xffffffffffff8081)
  lw a0, 0(s0);  FAIL_IF_NE(7, a0, 0xffffffff84858687)
  lwu a0, 0(s0); FAIL_IF_NE(8, a0, 0x84858687)
  lw a0, 4(s0);  FAIL_IF_NE(9, a0, 0xffffffff80818283)
  ld a0, 0(s0);  FAIL_IF_NE(10, a0, 0x8081828384858687)
  la s1, positive                 /* 0x7f7e7d7c7b7a7978 */
  lb a0, 0(s1);  FAIL_IF_NE(11, a0, 0x78)
  lh a0, 0(s1);  FAIL_IF_NE(12, a0, 0x7978)
  lw a0, 0(s1);  FAIL_IF_NE(13, a0, 0x7b7a7978)
  lwu a0, 4(s1); FAIL_IF_NE(14, a0, 0x7f7e7d7c)
  /* negative offsets */
  addi s1, s0, 8
  ld a0, -8(s1); FAIL_IF_NE(15, a0, 0x8081828384858687)
  lbu a0, -1(s1); FAIL_IF_NE(16, a0, 0x80)
  /* stores of each width into a zeroed buffer */
  la s1, buf
  sd zero, 0(s1); sd zero, 8(s1)
  li a1, 0x1122334455667788
  sb a1, 0(s1)
  ld a0, 0(s1); FAIL_IF_NE(20, a0, 0x88)
  sh a1, 2(s1)
  ld a0, 0(s1); FAIL_IF_NE(21, a0, 0x77880088)
  sw a1, 4(s1)
  ld a0, 0(s1); FAIL_IF_NE(22, a0, 0x5566778877880088)
  sd a1, 8(s1)
  ld a0, 8(s1); FAIL_IF_NE(23, a0, 0x1122334455667788)
  lbu a0, 15(s1); FAIL_IF_NE(24, a0, 0x11)
  /* store only writes its width */
  li a1, -1
  sb a1, 9(s1)
  ld a0, 8(s1); FAIL_IF_NE(25, a0, 0x112233445566ff88)
  sh a1, 12(s1)
  ld a0, 8(s1); FAIL_IF_NE(26, a0, 0x1122ffff5566ff88)
  /* misaligned doubleword and word */
  li a1, 0x0102030405060708
  sd a1, 3(s1)
  ld a0, 3(s1); FAIL_IF_NE(30, a0, 0x0102030405060708)
  lw a0, 5(s1); FAIL_IF_NE(31, a0, 0x03040506)
  lbu a0, 3(s1); FAIL_IF_NE(32, a0, 0x08)
  /* a store then load loop over 4 KiB: sum of i for i < 512 (dwords) */
  la s1, big
  li t0, 0
1: slli t1, t0, 3; add t1, t1, s1; sd t0, 0(t1); addi t0, t0, 1; li t2, 512; blt t0, t2, 1b
  li t0, 0; li a0, 0
2: slli t1, t0, 3; add t1, t1, s1; ld t1, 0(t1); add a0, a0, t1; addi t0, t0, 1; li t2, 512; blt t0, t2, 2b
  FAIL_IF_NE(33, a0, 130816)
  /* fence is a no-op for a single hart, but must execute */
  fence
  fence rw, rw
  fence.tso
ASM_MAIN_END("rv64i_mem")
  .data
  .balign 8
pattern: .dword 0x8081828384858687
positive: .dword 0x7f7e7d7c7b7a7978
  .bss
  .balign 8
buf: .zero 32
big: .zero 4096
