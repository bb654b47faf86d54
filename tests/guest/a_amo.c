/* a_amo.c - every AMO of the A extension in .w and .d forms (plus aq/rl
 * variants): the old value is returned (sign-extended for .w), memory gets
 * op(old, rs2); signed/unsigned min/max corner cases. */
#include "check.h"

static uint64_t mem64;
static uint32_t mem32[2];     /* mem32[1] is a guard word that must not change */

#define AMO_D(insn, init, src, ret_want, mem_want)                          \
  do {                                                                      \
    uint64_t r_;                                                            \
    mem64 = (init);                                                         \
    __asm__ volatile(insn " %0, %2, (%1)" : "=r"(r_)                         \
                     : "r"(&mem64), "r"((uint64_t)(src)) : "memory");       \
    CHECK_EQ(r_, ret_want);                                                 \
    CHECK_EQ(mem64, mem_want);                                              \
  } while (0)

#define AMO_W(insn, init, src, ret_want, mem_want)                          \
  do {                                                                      \
    uint64_t r_;                                                            \
    mem32[0] = (uint32_t)(init);                                            \
    mem32[1] = 0x5a5a5a5a;                                                  \
    __asm__ volatile(insn " %0, %2, (%1)" : "=r"(r_)                         \
                     : "r"(&mem32[0]), "r"((uint64_t)(src)) : "memory");    \
    CHECK_EQ(r_, ret_want);                                                 \
    CHECK_EQ(mem32[0], (uint32_t)(mem_want));                               \
    CHECK_EQ(mem32[1], 0x5a5a5a5a);                                         \
  } while (0)

int main(void)
{
  /* doubleword */
  AMO_D("amoswap.d", 0x1111, 0x2222, 0x1111, 0x2222);
  AMO_D("amoadd.d", 0x7fffffffffffffffull, 1, 0x7fffffffffffffffull, 0x8000000000000000ull);
  AMO_D("amoadd.d", -5, 3, -5, -2);
  AMO_D("amoand.d", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xff00ff00ff00ff00ull, 0x0f000f000f000f00ull);
  AMO_D("amoor.d", 0xff00ull, 0x00ffull, 0xff00ull, 0xffffull);
  AMO_D("amoxor.d", 0xffffull, 0x0ff0ull, 0xffffull, 0xf00full);
  AMO_D("amomax.d", -1, 1, -1, 1);
  AMO_D("amomax.d", 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull);
  AMO_D("amomin.d", -1, 1, -1, -1);
  AMO_D("amomin.d", 0x7fffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull);
  AMO_D("amomaxu.d", -1, 1, -1, -1);
  AMO_D("amomaxu.d", 0x7fffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull);
  AMO_D("amominu.d", -1, 1, -1, 1);
  AMO_D("amominu.d", 0, -1, 0, 0);
  AMO_D("amomin.d", 5, 5, 5, 5);
  /* word: rs2's upper half ignored, result sign-extended */
  AMO_W("amoswap.w", 0x80000000, 0x123456789ull, 0xffffffff80000000ull, 0x23456789);
  AMO_W("amoadd.w", 0x7fffffff, 0x100000001ull, 0x7fffffff, 0x80000000);
  AMO_W("amoadd.w", 0xffffffff, 1, -1, 0);                 /* no carry out */
  AMO_W("amoand.w", 0xf0f0f0f0, 0xff00ff00, 0xfffffffff0f0f0f0ull, 0xf000f000);
  AMO_W("amoor.w", 0x0000000f, 0xf0000000, 0xf, 0xf000000f);
  AMO_W("amoxor.w", 0xaaaaaaaa, 0xffffffff, 0xffffffffaaaaaaaaull, 0x55555555);
  AMO_W("amomax.w", 0x80000000, 0, 0xffffffff80000000ull, 0);
  AMO_W("amomax.w", 0xffffffff, 0x7fffffff, -1, 0x7fffffff);
  AMO_W("amomax.w", 1, 0xffffffff00000002ull, 1, 2);         /* upper bits ignored */
  AMO_W("amomin.w", 0xffffffff, 1, -1, 0xffffffff);
  AMO_W("amomin.w", 0x7fffffff, 0x80000000, 0x7fffffff, 0x80000000);
  AMO_W("amomin.w", 3, 0x00000001fffffffeull, 3, 0xfffffffe);  /* -2 as a word */
  AMO_W("amomaxu.w", 0x7fffffff, 0x80000000, 0x7fffffff, 0x80000000);
  AMO_W("amomaxu.w", 0xffffffff, 1, -1, 0xffffffff);
  AMO_W("amominu.w", 0xffffffff, 1, -1, 1);
  AMO_W("amominu.w", 0x80000000, 0x7fffffff, 0xffffffff80000000ull, 0x7fffffff);
  /* ordering bits do not change results */
  AMO_D("amoadd.d.aq", 10, 5, 10, 15);
  AMO_D("amoadd.d.rl", 10, 5, 10, 15);
  AMO_D("amoadd.d.aqrl", 10, 5, 10, 15);
  AMO_W("amoswap.w.aqrl", 1, 2, 1, 2);
  AMO_W("amoor.w.aq", 1, 2, 1, 3);
  /* rd = x0 discards the old value but still updates memory */
  mem64 = 40;
  __asm__ volatile("amoadd.d zero, %1, (%0)" : : "r"(&mem64), "r"(2ull) : "memory");
  CHECK_EQ(mem64, 42);
  /* C11 atomics compile to AMOs / LR-SC */
  static _Atomic long counter;
  for (int i = 0; i < 1000; i++)
    __atomic_fetch_add(&counter, 3, __ATOMIC_SEQ_CST);
  long expect = 3000;
  CHECK(__atomic_compare_exchange_n(&counter, &expect, 7, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
  CHECK_EQ(counter, 7);
  expect = 99;
  CHECK(!__atomic_compare_exchange_n(&counter, &expect, 8, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
  CHECK_EQ(expect, 7);
  return done("a_amo");
}
