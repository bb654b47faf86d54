/* fp_round.c - every rounding mode (rne, rtz, rdn, rup, rmm) given
 * statically in the instruction and dynamically through frm (fsrm, csrw frm,
 * csrw fcsr), on add, mul, div, sqrt, fma, and conversions; ties and
 * non-ties, positive and negative. */
#include "check.h"
#include "isa.h"

#define D_ULP1  0x3ff0000000000001ull   /* 1 + 2^-52 */
#define D_ULP2  0x3ff0000000000002ull
#define D_NULP1 0xbff0000000000001ull
#define D_2M53  0x3ca0000000000000ull   /* 2^-53: half an ulp of 1.0 */
#define D_N2M53 0xbca0000000000000ull
#define D_3M54  0x3ca8000000000000ull   /* 0.75 ulp of 1.0 */
#define F_2M24  0x33800000u             /* half an ulp of 1.0f */

static void set_frm(unsigned rm) { __asm__ volatile("fsrm %0" : : "r"(rm)); }
static unsigned get_frm(void) { unsigned v; __asm__ volatile("frrm %0" : "=r"(v)); return v; }

int main(void)
{
  /* tie: 1 + half ulp */
  CHECK_EQ(FBINRM("fadd.d", "rne", D_ONE, D_2M53), D_ONE);
  CHECK_EQ(FBINRM("fadd.d", "rtz", D_ONE, D_2M53), D_ONE);
  CHECK_EQ(FBINRM("fadd.d", "rdn", D_ONE, D_2M53), D_ONE);
  CHECK_EQ(FBINRM("fadd.d", "rup", D_ONE, D_2M53), D_ULP1);
  CHECK_EQ(FBINRM("fadd.d", "rmm", D_ONE, D_2M53), D_ULP1);
  /* tie on an odd significand: rne goes up to even */
  CHECK_EQ(FBINRM("fadd.d", "rne", D_ULP1, D_2M53), D_ULP2);
  CHECK_EQ(FBINRM("fadd.d", "rtz", D_ULP1, D_2M53), D_ULP1);
  CHECK_EQ(FBINRM("fadd.d", "rmm", D_ULP1, D_2M53), D_ULP2);
  /* negative tie */
  CHECK_EQ(FBINRM("fadd.d", "rne", D_NONE, D_N2M53), D_NONE);
  CHECK_EQ(FBINRM("fadd.d", "rtz", D_NONE, D_N2M53), D_NONE);
  CHECK_EQ(FBINRM("fadd.d", "rdn", D_NONE, D_N2M53), D_NULP1);
  CHECK_EQ(FBINRM("fadd.d", "rup", D_NONE, D_N2M53), D_NONE);
  CHECK_EQ(FBINRM("fadd.d", "rmm", D_NONE, D_N2M53), D_NULP1);
  /* not a tie: 0.75 ulp */
  CHECK_EQ(FBINRM("fadd.d", "rne", D_ONE, D_3M54), D_ULP1);
  CHECK_EQ(FBINRM("fadd.d", "rtz", D_ONE, D_3M54), D_ONE);
  CHECK_EQ(FBINRM("fadd.d", "rdn", D_ONE, D_3M54), D_ONE);
  CHECK_EQ(FBINRM("fadd.d", "rup", D_ONE, D_3M54), D_ULP1);
  CHECK_EQ(FBINRM("fadd.d", "rmm", D_ONE, D_3M54), D_ULP1);
  /* fsub: 1 - 1.5*2^-53 lies between 1-2^-53 and 1-2^-52 (ulp there is 2^-53) */
  CHECK_EQ(FBINRM("fsub.d", "rup", D_ONE, D_3M54), 0x3fefffffffffffffull);
  CHECK_EQ(FBINRM("fsub.d", "rdn", D_ONE, D_3M54), 0x3feffffffffffffeull);
  /* single-precision tie */
  CHECK_EQ(FBINRM("fadd.s", "rne", BOX(F_ONE), BOX(F_2M24)), BOX(F_ONE));
  CHECK_EQ(FBINRM("fadd.s", "rtz", BOX(F_ONE), BOX(F_2M24)), BOX(F_ONE));
  CHECK_EQ(FBINRM("fadd.s", "rdn", BOX(F_ONE), BOX(F_2M24)), BOX(F_ONE));
  CHECK_EQ(FBINRM("fadd.s", "rup", BOX(F_ONE), BOX(F_2M24)), BOX(0x3f800001u));
  CHECK_EQ(FBINRM("fadd.s", "rmm", BOX(F_ONE), BOX(F_2M24)), BOX(0x3f800001u));
  /* division: 1/3 and -1/3 */
  CHECK_EQ(FBINRM("fdiv.d", "rne", D_ONE, D_THREE), 0x3fd5555555555555ull);
  CHECK_EQ(FBINRM("fdiv.d", "rup", D_ONE, D_THREE), 0x3fd5555555555556ull);
  CHECK_EQ(FBINRM("fdiv.d", "rdn", D_ONE, D_THREE), 0x3fd5555555555555ull);
  CHECK_EQ(FBINRM("fdiv.d", "rdn", D_NONE, D_THREE), 0xbfd5555555555556ull);
  CHECK_EQ(FBINRM("fdiv.d", "rup", D_NONE, D_THREE), 0xbfd5555555555555ull);
  CHECK_EQ(FBINRM("fdiv.d", "rtz", D_NONE, D_THREE), 0xbfd5555555555555ull);
  CHECK_EQ(FBINRM("fdiv.s", "rne", BOX(F_ONE), BOX(F_THREE)), BOX(0x3eaaaaabu));
  CHECK_EQ(FBINRM("fdiv.s", "rtz", BOX(F_ONE), BOX(F_THREE)), BOX(0x3eaaaaaau));
  /* multiplication: (1+2^-52)^2 = 1 + 2^-51 + 2^-104 */
  CHECK_EQ(FBINRM("fmul.d", "rne", D_ULP1, D_ULP1), D_ULP2);
  CHECK_EQ(FBINRM("fmul.d", "rup", D_ULP1, D_ULP1), 0x3ff0000000000003ull);
  CHECK_EQ(FBINRM("fmul.d", "rtz", D_ULP1, D_ULP1), D_ULP2);
  /* square root of 2 is irrational: rne/rup/rmm give ...bcd, rdn/rtz ...bcc */
  CHECK_EQ(FUNRM("fsqrt.d", "rne", D_TWO), 0x3ff6a09e667f3bcdull);
  CHECK_EQ(FUNRM("fsqrt.d", "rup", D_TWO), 0x3ff6a09e667f3bcdull);
  CHECK_EQ(FUNRM("fsqrt.d", "rmm", D_TWO), 0x3ff6a09e667f3bcdull);
  CHECK_EQ(FUNRM("fsqrt.d", "rdn", D_TWO), 0x3ff6a09e667f3bccull);
  CHECK_EQ(FUNRM("fsqrt.d", "rtz", D_TWO), 0x3ff6a09e667f3bccull);
  CHECK_EQ(FUNRM("fsqrt.s", "rne", BOX(F_TWO)), BOX(0x3fb504f3u));
  CHECK_EQ(FUNRM("fsqrt.s", "rup", BOX(F_TWO)), BOX(0x3fb504f4u));
  /* float -> int in each mode */
  static const struct { uint64_t in; int64_t rne, rtz, rdn, rup, rmm; } cv[] = {
    { 0x4004000000000000ull /*  2.5 */,  2,  2,  2,  3,  3 },
    { 0xc004000000000000ull /* -2.5 */, -2, -2, -3, -2, -3 },
    { 0x400c000000000000ull /*  3.5 */,  4,  3,  3,  4,  4 },
    { 0x3fe0000000000000ull /*  0.5 */,  0,  0,  0,  1,  1 },
    { 0xbfe0000000000000ull /* -0.5 */,  0,  0, -1,  0, -1 },
    { 0x3ff8000000000000ull /*  1.5 */,  2,  1,  1,  2,  2 },
    { 0xbff4000000000000ull /* -1.25*/, -1, -1, -2, -1, -1 },
  };
  for (unsigned i = 0; i < sizeof cv / sizeof cv[0]; i++) {
    CHECK_EQ(FTOXRM("fcvt.w.d", "rne", cv[i].in), cv[i].rne);
    CHECK_EQ(FTOXRM("fcvt.w.d", "rtz", cv[i].in), cv[i].rtz);
    CHECK_EQ(FTOXRM("fcvt.w.d", "rdn", cv[i].in), cv[i].rdn);
    CHECK_EQ(FTOXRM("fcvt.w.d", "rup", cv[i].in), cv[i].rup);
    CHECK_EQ(FTOXRM("fcvt.w.d", "rmm", cv[i].in), cv[i].rmm);
    CHECK_EQ(FTOXRM("fcvt.l.d", "rmm", cv[i].in), cv[i].rmm);
    /* the same through the dynamic mode */
    set_frm(0); CHECK_EQ(FTOXRM("fcvt.l.d", "dyn", cv[i].in), cv[i].rne);
    set_frm(1); CHECK_EQ(FTOXRM("fcvt.l.d", "dyn", cv[i].in), cv[i].rtz);
    set_frm(2); CHECK_EQ(FTOXRM("fcvt.l.d", "dyn", cv[i].in), cv[i].rdn);
    set_frm(3); CHECK_EQ(FTOXRM("fcvt.l.d", "dyn", cv[i].in), cv[i].rup);
    set_frm(4); CHECK_EQ(FTOXRM("fcvt.l.d", "dyn", cv[i].in), cv[i].rmm);
    set_frm(0);
  }
  /* int -> float: 2^53 + 1 is a tie between 2^53 and 2^53 + 2 */
  CHECK_EQ(XTOFRM("fcvt.d.l", "rne", (1ull << 53) + 1), 0x4340000000000000ull);
  CHECK_EQ(XTOFRM("fcvt.d.l", "rup", (1ull << 53) + 1), 0x4340000000000001ull);
  CHECK_EQ(XTOFRM("fcvt.d.l", "rmm", (1ull << 53) + 1), 0x4340000000000001ull);
  CHECK_EQ(XTOFRM("fcvt.d.l", "rdn", -(int64_t)((1ull << 53) + 1)), 0xc340000000000001ull);
  CHECK_EQ(XTOFRM("fcvt.s.w", "rtz", 16777219), BOX(0x4b800001u));
  CHECK_EQ(XTOFRM("fcvt.s.w", "rne", 16777219), BOX(0x4b800002u));
  /* double -> single: 1 + 2^-24 is a tie for single */
  CHECK_EQ(FUNRM("fcvt.s.d", "rne", 0x3ff0000010000000ull), BOX(F_ONE));
  CHECK_EQ(FUNRM("fcvt.s.d", "rup", 0x3ff0000010000000ull), BOX(0x3f800001u));
  CHECK_EQ(FUNRM("fcvt.s.d", "rdn", 0xbff0000010000000ull), BOX(0xbf800001u));
  /* overflow result depends on the mode */
  CHECK_EQ(FBINRM("fmul.d", "rne", D_MAX, D_TWO), D_INF);
  CHECK_EQ(FBINRM("fmul.d", "rtz", D_MAX, D_TWO), D_MAX);
  CHECK_EQ(FBINRM("fmul.d", "rdn", D_MAX, D_TWO), D_MAX);
  CHECK_EQ(FBINRM("fmul.d", "rdn", D_MAX | D_NZERO, D_TWO), D_NINF);
  CHECK_EQ(FBINRM("fmul.d", "rup", D_MAX | D_NZERO, D_TWO), D_MAX | D_NZERO);
  /* exact zero sum is +0 except in rdn, where it is -0 */
  CHECK_EQ(FBINRM("fsub.d", "rne", D_ONE, D_ONE), D_ZERO);
  CHECK_EQ(FBINRM("fsub.d", "rdn", D_ONE, D_ONE), D_NZERO);
  CHECK_EQ(FBINRM("fsub.s", "rdn", BOX(F_TWO), BOX(F_TWO)), BOX(F_NZERO));
  /* dynamic rounding for arithmetic: fsrm / frrm / csrw frm / fcsr */
  for (unsigned rm = 0; rm <= 4; rm++) {
    set_frm(rm);
    CHECK_EQ(get_frm(), rm);
    uint64_t got = FBIN("fadd.d", D_ONE, D_3M54);       /* default rm = dyn */
    CHECK_EQ(got, (rm == 1 || rm == 2) ? D_ONE : D_ULP1);
    got = FBINRM("fdiv.d", "dyn", D_NONE, D_THREE);
    CHECK_EQ(got, rm == 2 ? 0xbfd5555555555556ull : 0xbfd5555555555555ull);
  }
  unsigned long old;
  __asm__ volatile("csrrw %0, frm, %1" : "=r"(old) : "r"(3ul));   /* rup */
  CHECK_EQ(old, 4);
  CHECK_EQ(FBIN("fadd.s", BOX(F_ONE), BOX(F_2M24)), BOX(0x3f800001u));
  __asm__ volatile("csrw fcsr, %0" : : "r"(2ul << 5));             /* rdn, no flags */
  CHECK_EQ(get_frm(), 2);
  CHECK_EQ(FBIN("fadd.d", D_NONE, D_N2M53), D_NULP1);
  __asm__ volatile("csrwi frm, 0");
  CHECK_EQ(FBIN("fadd.d", D_ULP1, D_2M53), D_ULP2);
  /* the C library honours the dynamic mode too (fesetround uses frm) */
  volatile double x = 1.0, y = 3.0;
  set_frm(3);
  double up = x / y;
  set_frm(2);
  double down = x / y;
  set_frm(0);
  CHECK(up > down);
  CHECK_EQ(dbits(up) - dbits(down), 1);
  return done("fp_round");
}
