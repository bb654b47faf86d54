/* fp_fma.c - fmadd/fmsub/fnmsub/fnmadd in single and double: one rounding
 * of the exact a*b+c (results that two roundings would get wrong), signs of
 * each variant, rounding modes, infinities and NaN operands. */
#include "check.h"
#include "isa.h"

/* (1 + 2^-30)(1 - 2^-30) = 1 - 2^-60: not representable, rounds to 1 */
#define D_A     0x3ff0000000400000ull
#define D_B     0x3fefffffff800000ull
#define D_2M60  0x3c30000000000000ull
/* (1 + 2^-13)(1 - 2^-13) = 1 - 2^-26 in single */
#define F_A     0x3f800400u
#define F_B     0x3f7ff800u
#define F_2M26  0x32800000u

int main(void)
{
  /* separately rounded: the product rounds to 1.0, so the sum is 0 */
  uint64_t prod = FBIN("fmul.d", D_A, D_B);
  CHECK_EQ(prod, D_ONE);
  CHECK_EQ(FBIN("fadd.d", prod, D_NONE), D_ZERO);
  /* fused: exact */
  CHECK_EQ(FTER("fmadd.d", D_A, D_B, D_NONE), D_2M60 | D_NZERO);
  CHECK_EQ(FTER("fmsub.d", D_A, D_B, D_ONE), D_2M60 | D_NZERO);
  CHECK_EQ(FTER("fnmsub.d", D_A, D_B, D_ONE), D_2M60);
  CHECK_EQ(FTER("fnmadd.d", D_A, D_B, D_NONE), D_2M60);
  CHECK_EQ(FTER("fmadd.s", BOX(F_A), BOX(F_B), BOX(F_NONE)), BOX(F_2M26 | F_NZERO));
  CHECK_EQ(FTER("fmsub.s", BOX(F_A), BOX(F_B), BOX(F_ONE)), BOX(F_2M26 | F_NZERO));
  CHECK_EQ(FTER("fnmsub.s", BOX(F_A), BOX(F_B), BOX(F_ONE)), BOX(F_2M26));
  CHECK_EQ(FTER("fnmadd.s", BOX(F_A), BOX(F_B), BOX(F_NONE)), BOX(F_2M26));
  /* signs: 2*3 + 1 in each form */
  CHECK_EQ(FTER("fmadd.d", D_TWO, D_THREE, D_ONE), 0x401c000000000000ull);   /*  7 */
  CHECK_EQ(FTER("fmsub.d", D_TWO, D_THREE, D_ONE), 0x4014000000000000ull);   /*  5 */
  CHECK_EQ(FTER("fnmsub.d", D_TWO, D_THREE, D_ONE), 0xc014000000000000ull);  /* -5 */
  CHECK_EQ(FTER("fnmadd.d", D_TWO, D_THREE, D_ONE), 0xc01c000000000000ull);  /* -7 */
  CHECK_EQ(FTER("fmadd.s", BOX(F_TWO), BOX(F_THREE), BOX(F_ONE)), BOX(0x40e00000u));
  CHECK_EQ(FTER("fnmadd.s", BOX(F_TWO), BOX(F_THREE), BOX(F_ONE)), BOX(0xc0e00000u));
  /* single rounding with a tie in the sum: 1*1 + 2^-53 */
  CHECK_EQ(FTERRM("fmadd.d", "rne", D_ONE, D_ONE, 0x3ca0000000000000ull), D_ONE);
  CHECK_EQ(FTERRM("fmadd.d", "rup", D_ONE, D_ONE, 0x3ca0000000000000ull), 0x3ff0000000000001ull);
  CHECK_EQ(FTERRM("fmadd.d", "rmm", D_ONE, D_ONE, 0x3ca0000000000000ull), 0x3ff0000000000001ull);
  CHECK_EQ(FTERRM("fmadd.d", "rtz", D_A, D_B, D_ZERO), 0x3fefffffffffffffull);
  CHECK_EQ(FTERRM("fmadd.d", "rup", D_A, D_B, D_ZERO), D_ONE);
  CHECK_EQ(FTERRM("fnmadd.d", "rdn", D_A, D_B, D_ZERO), D_NONE);
  CHECK_EQ(FTERRM("fnmadd.d", "rup", D_A, D_B, D_ZERO), 0xbfefffffffffffffull);
  /* exact zero: x*y - x*y is +0, or -0 in rdn */
  CHECK_EQ(FTER("fmsub.d", D_TWO, D_THREE, 0x4018000000000000ull), D_ZERO);
  CHECK_EQ(FTERRM("fmsub.d", "rdn", D_TWO, D_THREE, 0x4018000000000000ull), D_NZERO);
  /* infinities and NaN */
  CHECK_EQ(FTER("fmadd.d", D_INF, D_TWO, D_ONE), D_INF);
  CHECK_EQ(FTER("fmadd.d", D_INF, D_TWO, D_NINF), D_QNAN);
  CHECK_EQ(FTER("fmadd.d", D_QNAN, D_ONE, D_ONE), D_QNAN);
  CHECK_EQ(FTER("fmadd.s", BOX(F_ZERO), BOX(F_INF), BOX(F_ONE)), BOX(F_QNAN));
  /* the product may overflow in isolation but the sum is finite */
  CHECK_EQ(FTER("fmsub.d", D_MAX, D_TWO, D_MAX), D_MAX);
  /* fma() from libm is a single fused operation too */
  volatile double a = 1.0 + 0x1p-30, b = 1.0 - 0x1p-30;
  CHECK_EQ(dbits(__builtin_fma(a, b, -1.0)), D_2M60 | D_NZERO);
  volatile float fa = 1.0f + 0x1p-13f, fb = 1.0f - 0x1p-13f;
  CHECK_EQ(fbits(__builtin_fmaf(fa, fb, -1.0f)), F_2M26 | F_NZERO);
  return done("fp_fma");
}
