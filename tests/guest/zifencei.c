/* zifencei.c - self-modifying code: instructions are written into an
 * mmap'ed PROT_EXEC|PROT_WRITE buffer, made visible with fence.i and called;
 * then rewritten in place (same address) and called again.  Also the W^X
 * flow with mprotect, 16-bit instructions, and __builtin___clear_cache
 * (glibc's __riscv_flush_icache syscall). */
#include <sys/mman.h>
#include "check.h"

typedef long (*fn2)(long, long);

static uint32_t addi_a0_zero(int imm) { return ((uint32_t)(imm & 0xfff) << 20) | (10u << 7) | 0x13; }
#define RET 0x00008067u
#define ADD_A0_A0_A1 0x00b50533u

static void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }

int main(void)
{
  uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(code != MAP_FAILED);
  if (code == MAP_FAILED)
    return done("zifencei");
  fn2 f = (fn2)(uintptr_t)code;
  code[0] = addi_a0_zero(42);
  code[1] = RET;
  fence_i();
  CHECK_EQ(f(0, 0), 42);
  /* rewrite the same instruction: the old one must not be executed again */
  code[0] = addi_a0_zero(43);
  fence_i();
  CHECK_EQ(f(0, 0), 43);
  /* a loop that patches the immediate each time and checks the result */
  long sum = 0;
  for (int i = 0; i < 100; i++) {
    code[0] = addi_a0_zero(i);
    fence_i();
    sum += f(0, 0);
  }
  CHECK_EQ(sum, 4950);
  /* change the operation itself: add a0, a0, a1 */
  code[0] = ADD_A0_A0_A1;
  fence_i();
  CHECK_EQ(f(20, 22), 42);
  /* compressed code: c.li a0, 5 ; c.jr ra */
  uint16_t *h = (uint16_t *)(code + 16);
  h[0] = 0x4515;
  h[1] = 0x8082;
  fence_i();
  CHECK_EQ(((fn2)(uintptr_t)h)(0, 0), 5);
  h[0] = 0x4535;                      /* c.li a0, 13 */
  fence_i();
  CHECK_EQ(((fn2)(uintptr_t)h)(0, 0), 13);
  /* a function that overwrites its own next instruction before reaching it:
   *   auipc t0,0 ; sw a1,12(t0) ; fence.i ; addi a0,zero,1 ; ret
   * where a1 (second argument) is the encoding of addi a0,zero,7 */
  code[32] = 0x00000297;              /* auipc t0, 0 */
  code[33] = 0x00b2a623;              /* sw a1, 12(t0) */
  code[34] = 0x0000100f;              /* fence.i */
  code[35] = addi_a0_zero(1);
  code[36] = RET;
  fence_i();
  CHECK_EQ(((fn2)(uintptr_t)(code + 32))(0, addi_a0_zero(7)), 7);
  CHECK_EQ(code[35], addi_a0_zero(7));
  munmap(code, 4096);
  /* W^X: write while RW, switch to RX, run; then back */
  uint32_t *wx = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(wx != MAP_FAILED);
  wx[1024] = addi_a0_zero(100);       /* second page */
  wx[1025] = RET;
  CHECK_EQ(mprotect(wx, 8192, PROT_READ | PROT_EXEC), 0);
  __builtin___clear_cache((char *)&wx[1024], (char *)&wx[1026]);
  CHECK_EQ(((fn2)(uintptr_t)&wx[1024])(0, 0), 100);
  CHECK_EQ(mprotect(wx, 8192, PROT_READ | PROT_WRITE), 0);
  wx[1024] = addi_a0_zero(-100);
  CHECK_EQ(mprotect(wx, 8192, PROT_READ | PROT_EXEC), 0);
  __builtin___clear_cache((char *)&wx[1024], (char *)&wx[1026]);
  CHECK_EQ(((fn2)(uintptr_t)&wx[1024])(0, 0), -100);
  munmap(wx, 8192);
  return done("zifencei");
}
