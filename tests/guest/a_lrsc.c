/* a_lrsc.c - LR/SC: lr.w sign-extends, sc succeeds (rd = 0) right after a
 * matching lr, fails (rd != 0, memory unchanged) when the reservation was
 * consumed by an earlier sc or the sc targets another address; an LR/SC
 * retry loop builds an atomic increment. */
#include "check.h"

static uint64_t d[64] __attribute__((aligned(64)));
static uint32_t w[64] __attribute__((aligned(64)));

int main(void)
{
  uint64_t v, rc;

  /* lr.d / sc.d success */
  d[0] = 100;
  __asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)"
                   : "=&r"(v), "=&r"(rc) : "r"(&d[0]), "r"(200ull) : "memory");
  CHECK_EQ(v, 100);
  CHECK_EQ(rc, 0);
  CHECK_EQ(d[0], 200);
  /* a second sc without a new lr fails: sc always drops the reservation */
  __asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)\n\tsc.d %1, %4, (%2)"
                   : "=&r"(v), "=&r"(rc) : "r"(&d[0]), "r"(300ull), "r"(400ull) : "memory");
  CHECK(rc != 0);
  CHECK_EQ(d[0], 300);
  /* sc to an address outside the reserved one (another cache line) fails */
  d[32] = 7;
  __asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %4, (%3)"
                   : "=&r"(v), "=&r"(rc) : "r"(&d[0]), "r"(&d[32]), "r"(9ull) : "memory");
  CHECK(rc != 0);
  CHECK_EQ(d[32], 7);
  CHECK_EQ(d[0], 300);
  /* lr.w sign-extends; sc.w writes only 32 bits */
  w[0] = 0x80000001u;
  w[1] = 0xdeadbeefu;
  __asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)"
                   : "=&r"(v), "=&r"(rc) : "r"(&w[0]), "r"(0xffffffff00000002ull) : "memory");
  CHECK_EQ(v, 0xffffffff80000001ull);
  CHECK_EQ(rc, 0);
  CHECK_EQ(w[0], 2);
  CHECK_EQ(w[1], 0xdeadbeefu);
  __asm__ volatile("lr.w.aq %0, (%2)\n\tsc.w.rl %1, %3, (%2)\n\tsc.w %1, %3, (%2)"
                   : "=&r"(v), "=&r"(rc) : "r"(&w[0]), "r"(5ull) : "memory");
  CHECK_EQ(v, 2);
  CHECK(rc != 0);
  CHECK_EQ(w[0], 5);
  /* sc.w with no reservation at all (previous sc consumed it) */
  __asm__ volatile("sc.w %0, %2, (%1)" : "=&r"(rc) : "r"(&w[32]), "r"(1ull) : "memory");
  CHECK(rc != 0);
  CHECK_EQ(w[32], 0);
  /* retry loop: atomic add implemented with lr/sc */
  d[8] = 0;
  for (int i = 1; i <= 100; i++) {
    uint64_t tmp, fail;
    __asm__ volatile("1: lr.d.aqrl %0, (%2)\n\t"
                     "add %0, %0, %3\n\t"
                     "sc.d.aqrl %1, %0, (%2)\n\t"
                     "bnez %1, 1b"
                     : "=&r"(tmp), "=&r"(fail) : "r"(&d[8]), "r"((uint64_t)i) : "memory");
  }
  CHECK_EQ(d[8], 5050);
  /* compare-and-swap built from lr/sc */
  uint32_t *p = &w[16];
  *p = 10;
  int swapped = 0;
  for (int i = 0; i < 2; i++) {
    uint64_t old, fail;
    __asm__ volatile("1: lr.w %0, (%2)\n\t"
                     "bne %0, %3, 2f\n\t"
                     "sc.w %1, %4, (%2)\n\t"
                     "bnez %1, 1b\n\t"
                     "2:"
                     : "=&r"(old), "=&r"(fail) : "r"(p), "r"(10ull), "r"(20ull) : "memory");
    if (old == 10)
      swapped++;
  }
  CHECK_EQ(swapped, 1);
  CHECK_EQ(*p, 20);
  return done("a_lrsc");
}
