/* fp_cmp.c - fmin/fmax (NaN and signed-zero rules of IEEE 754-2019
 * minimumNumber/maximumNumber), fsgnj/fsgnjn/fsgnjx, feq/flt/fle with NaN
 * and zeros, and fclass of every class, in single and double. */
#include "check.h"
#include "isa.h"

int main(void)
{
  /* min/max */
  CHECK_EQ(FBIN("fmin.d", D_QNAN, D_ONE), D_ONE);
  CHECK_EQ(FBIN("fmin.d", D_ONE, D_QNAN), D_ONE);
  CHECK_EQ(FBIN("fmax.d", D_QNAN, D_NONE), D_NONE);
  CHECK_EQ(FBIN("fmin.d", D_QNAN, D_QNAN), D_QNAN);
  CHECK_EQ(FBIN("fmax.d", D_SNAN, 0xfff8000000000001ull), D_QNAN);   /* canonical */
  CHECK_EQ(FBIN("fmin.d", D_SNAN, D_TWO), D_TWO);
  CHECK_EQ(FBIN("fmin.d", D_NZERO, D_ZERO), D_NZERO);
  CHECK_EQ(FBIN("fmin.d", D_ZERO, D_NZERO), D_NZERO);
  CHECK_EQ(FBIN("fmax.d", D_NZERO, D_ZERO), D_ZERO);
  CHECK_EQ(FBIN("fmax.d", D_ZERO, D_NZERO), D_ZERO);
  CHECK_EQ(FBIN("fmin.d", D_NINF, D_MAX), D_NINF);
  CHECK_EQ(FBIN("fmax.d", D_INF, D_MAX), D_INF);
  CHECK_EQ(FBIN("fmax.d", D_TWO, D_THREE), D_THREE);
  CHECK_EQ(FBIN("fmin.d", D_NONE, D_NZERO), D_NONE);
  CHECK_EQ(FBIN("fmin.s", BOX(F_QNAN), BOX(F_ONE)), BOX(F_ONE));
  CHECK_EQ(FBIN("fmax.s", BOX(F_SNAN), BOX(F_QNAN)), BOX(F_QNAN));
  CHECK_EQ(FBIN("fmin.s", BOX(F_NZERO), BOX(F_ZERO)), BOX(F_NZERO));
  CHECK_EQ(FBIN("fmax.s", BOX(F_NZERO), BOX(F_ZERO)), BOX(F_ZERO));
  CHECK_EQ(FBIN("fmax.s", BOX(F_NONE), BOX(F_NINF)), BOX(F_NONE));
  /* sign injection */
  CHECK_EQ(FBIN("fsgnj.d", D_ONE, D_NONE), D_NONE);
  CHECK_EQ(FBIN("fsgnj.d", D_NONE, D_ONE), D_ONE);
  CHECK_EQ(FBIN("fsgnjn.d", D_ONE, D_NONE), D_ONE);
  CHECK_EQ(FBIN("fsgnjn.d", D_ONE, D_ONE), D_NONE);
  CHECK_EQ(FBIN("fsgnjx.d", D_NONE, D_NONE), D_ONE);
  CHECK_EQ(FBIN("fsgnjx.d", D_NONE, D_ONE), D_NONE);
  CHECK_EQ(FBIN("fsgnj.d", D_QNAN, D_NZERO), 0xfff8000000000000ull);  /* NaN payload kept */
  CHECK_EQ(FBIN("fsgnj.d", D_SNAN, D_ZERO), D_SNAN);
  CHECK_EQ(FBIN("fsgnjx.s", BOX(F_NINF), BOX(F_NONE)), BOX(F_INF));
  CHECK_EQ(FBIN("fsgnjn.s", BOX(F_TWO), BOX(F_TWO)), BOX(0xc0000000u));
  /* fneg/fabs pseudo-instructions */
  CHECK_EQ(FUN("fneg.d", D_ZERO), D_NZERO);
  CHECK_EQ(FUN("fabs.d", D_NINF), D_INF);
  CHECK_EQ(FUN("fabs.s", BOX(0xc0000000u)), BOX(F_TWO));
  CHECK_EQ(FUN("fmv.d", D_SNAN), D_SNAN);
  /* comparisons */
  CHECK_EQ(FCMP("feq.d", D_ONE, D_ONE), 1);
  CHECK_EQ(FCMP("feq.d", D_NZERO, D_ZERO), 1);
  CHECK_EQ(FCMP("flt.d", D_NZERO, D_ZERO), 0);
  CHECK_EQ(FCMP("fle.d", D_NZERO, D_ZERO), 1);
  CHECK_EQ(FCMP("flt.d", D_ONE, D_TWO), 1);
  CHECK_EQ(FCMP("flt.d", D_TWO, D_ONE), 0);
  CHECK_EQ(FCMP("fle.d", D_TWO, D_ONE), 0);
  CHECK_EQ(FCMP("fle.d", D_TWO, D_TWO), 1);
  CHECK_EQ(FCMP("flt.d", D_NINF, D_INF), 1);
  CHECK_EQ(FCMP("flt.d", D_NONE, D_DEN), 1);
  CHECK_EQ(FCMP("feq.d", D_QNAN, D_QNAN), 0);
  CHECK_EQ(FCMP("fle.d", D_QNAN, D_QNAN), 0);
  CHECK_EQ(FCMP("flt.d", D_SNAN, D_ONE), 0);
  CHECK_EQ(FCMP("feq.s", BOX(F_NZERO), BOX(F_ZERO)), 1);
  CHECK_EQ(FCMP("flt.s", BOX(F_NONE), BOX(F_ONE)), 1);
  CHECK_EQ(FCMP("fle.s", BOX(F_INF), BOX(F_MAX)), 0);
  CHECK_EQ(FCMP("feq.s", BOX(F_SNAN), BOX(F_SNAN)), 0);
  /* fclass: one bit per class */
  static const struct { uint64_t d; uint32_t s; unsigned bit; } cls[] = {
    { D_NINF, F_NINF, 0 },
    { D_NONE, F_NONE, 1 },
    { 0x8000000000000001ull, 0x80000001u, 2 },
    { 0x800fffffffffffffull, 0x807fffffu, 2 },
    { D_NZERO, F_NZERO, 3 },
    { D_ZERO, F_ZERO, 4 },
    { D_DEN, F_DEN, 5 },
    { 0x000fffffffffffffull, 0x007fffffu, 5 },
    { D_MIN, F_MIN, 6 },
    { D_MAX, F_MAX, 6 },
    { D_INF, F_INF, 7 },
    { D_SNAN, F_SNAN, 8 },
    { 0xfff4000000000000ull, 0xffa00000u, 8 },
    { D_QNAN, F_QNAN, 9 },
    { 0xffffffffffffffffull, 0xffffffffu, 9 },
  };
  for (unsigned i = 0; i < sizeof cls / sizeof cls[0]; i++) {
    CHECK_EQ(FTOX("fclass.d", cls[i].d), 1u << cls[i].bit);
    CHECK_EQ(FTOX("fclass.s", BOX(cls[i].s)), 1u << cls[i].bit);
  }
  /* C comparisons on NaN */
  volatile double n = __builtin_nan(""), one = 1.0;
  CHECK(!(n == n));
  CHECK(n != n);
  CHECK(!(n < one) && !(n > one) && !(n <= one) && !(n >= one));
  CHECK(__builtin_isunordered(n, one));
  return done("fp_cmp");
}
