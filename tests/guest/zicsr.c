/* zicsr.c - Zicsr: the user counters (rdcycle, rdtime, rdinstret and the
 * csrr forms) are monotonic and instret counts retired instructions; every
 * CSR instruction form (csrrw/csrrs/csrrc and the immediate forms) on
 * fflags, frm and fcsr returns the old value and updates the fields. */
#include "check.h"

#define CSRR(name) ({ unsigned long v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })

int main(void)
{
  unsigned long c0, c1, t0, t1, i0, i1;
  __asm__ volatile("rdcycle %0" : "=r"(c0));
  __asm__ volatile("rdtime %0" : "=r"(t0));
  __asm__ volatile("rdinstret %0" : "=r"(i0));
  volatile unsigned long sink = 0;
  for (int i = 0; i < 10000; i++)
    sink += i;
  __asm__ volatile("rdinstret %0" : "=r"(i1));
  __asm__ volatile("rdtime %0" : "=r"(t1));
  __asm__ volatile("rdcycle %0" : "=r"(c1));
  CHECK(c1 > c0);
  CHECK(t1 >= t0);
  CHECK(i1 > i0);
  CHECK(i1 - i0 >= 10000);            /* the loop retired at least one insn per iteration */
  /* csrr names read the same counters, monotonically */
  unsigned long prev_c = CSRR(cycle), prev_t = CSRR(time), prev_i = CSRR(instret);
  int mono = 1;
  for (int i = 0; i < 1000; i++) {
    unsigned long c = CSRR(cycle), t = CSRR(time), n = CSRR(instret);
    if (c < prev_c || t < prev_t || n <= prev_i)
      mono = 0;
    prev_c = c, prev_t = t, prev_i = n;
  }
  CHECK(mono);
  printf("counters: cycle, time and instret are monotonic\n");

  /* CSR instruction forms on the floating-point CSRs */
  unsigned long old;
  __asm__ volatile("csrw fcsr, zero");
  __asm__ volatile("csrrw %0, fcsr, %1" : "=r"(old) : "r"(0xfful));
  CHECK_EQ(old, 0);
  CHECK_EQ(CSRR(fcsr), 0xff);
  CHECK_EQ(CSRR(frm), 7);            /* only written, never used for rounding */
  CHECK_EQ(CSRR(fflags), 0x1f);
  __asm__ volatile("csrrc %0, fcsr, %1" : "=r"(old) : "r"(0xf0ul));
  CHECK_EQ(old, 0xff);
  CHECK_EQ(CSRR(fcsr), 0x0f);
  __asm__ volatile("csrrs %0, fcsr, %1" : "=r"(old) : "r"(0x40ul));
  CHECK_EQ(old, 0x0f);
  CHECK_EQ(CSRR(fcsr), 0x4f);
  CHECK_EQ(CSRR(frm), 2);
  __asm__ volatile("csrrwi %0, frm, 4" : "=r"(old));
  CHECK_EQ(old, 2);
  CHECK_EQ(CSRR(fcsr), 0x8f);
  __asm__ volatile("csrrsi %0, fflags, 0x10" : "=r"(old));
  CHECK_EQ(old, 0x0f);
  CHECK_EQ(CSRR(fflags), 0x1f);
  __asm__ volatile("csrrci %0, fflags, 0x3" : "=r"(old));
  CHECK_EQ(old, 0x1f);
  CHECK_EQ(CSRR(fcsr), 0x9c);
  /* csrrs/csrrc with rs1 = x0 only read */
  __asm__ volatile("csrrs %0, fcsr, zero" : "=r"(old));
  CHECK_EQ(old, 0x9c);
  __asm__ volatile("csrrc %0, fflags, zero" : "=r"(old));
  CHECK_EQ(old, 0x1c);
  /* writes to fflags/frm do not touch the other field; upper bits are zero */
  __asm__ volatile("csrw fflags, %0" : : "r"(0xffffffffful));
  CHECK_EQ(CSRR(fflags), 0x1f);
  CHECK_EQ(CSRR(fcsr), 0x9f);
  __asm__ volatile("csrw frm, %0" : : "r"(0x9ul));   /* only 3 bits kept */
  CHECK_EQ(CSRR(frm), 1);
  CHECK_EQ(CSRR(fcsr), 0x3f);
  __asm__ volatile("fscsr %0, %1" : "=r"(old) : "r"(0ul));
  CHECK_EQ(old, 0x3f);
  CHECK_EQ(CSRR(fcsr), 0);
  return done("zicsr");
}
