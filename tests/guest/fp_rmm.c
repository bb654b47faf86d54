/* fp_rmm.c - round to nearest, ties to max magnitude (rmm) where the tie
 * or the rounding error lies below the smallest subnormal: fmul, fdiv and
 * the fused multiply-adds, double and single, with their fflags.
 *
 * q = 2^-1074 (bits 0x1) is the last place of every double below
 * 2^-1021, qs = 2^-149 that of every single below 2^-125.  Expected values
 * follow from the spec: rmm picks the nearer neighbour and, on an exact
 * tie, the one of larger magnitude; UF is raised when the result is inexact
 * and tiny after rounding (below 2^emin with an unbounded exponent). */
#include "check.h"
#include "isa.h"

#define Q5   0x0000000000000005ull      /* 5q */
#define NQ5  0x8000000000000005ull
#define Q3   0x0000000000000003ull
#define NQ3  0x8000000000000003ull

int main(void)
{
  unsigned fl;

  /* 5q * 0.5 = 2.5q: a tie, away from zero 3q (rne: 2q, the even one) */
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fmul.d", "rmm", Q5, D_HALF)), Q3);
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fmul.d", "rne", Q5, D_HALF)), 0x2);
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fmul.d", "rmm", NQ5, D_HALF)), NQ3);
  CHECK_EQ(fl, NX | UF);
  /* 5q / 2 */
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fdiv.d", "rmm", Q5, D_TWO)), Q3);
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fdiv.d", "rmm", Q5, 0xc000000000000000ull)), NQ3);
  CHECK_EQ(fl, NX | UF);
  /* the four fused forms, c = +-0: one rounding of +-2.5q */
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fmadd.d", "rmm", Q5, D_HALF, D_ZERO)), Q3);
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fmsub.d", "rmm", Q5, D_HALF, D_NZERO)), Q3);
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fnmsub.d", "rmm", Q5, D_HALF, D_ZERO)), NQ3);
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fnmadd.d", "rmm", Q5, D_HALF, D_ZERO)), NQ3);
  CHECK_EQ(fl, NX | UF);
  /* 2.5q + q = 3.5q -> 4q; 2.5q - 2q = 0.5q -> q */
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fmadd.d", "rmm", Q5, D_HALF, D_DEN)), 0x4);
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fmsub.d", "rmm", Q5, D_HALF, 0x2)), 0x1);
  CHECK_EQ(fl, NX | UF);
  /* half the smallest subnormal ties away to it (rne: to 0) */
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fmul.d", "rmm", D_DEN, D_HALF)), D_DEN);
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fmul.d", "rne", D_DEN, D_HALF)), D_ZERO);
  CHECK_EQ(fl, NX | UF);
  /* (2^52 + 1)q * 0.5 = (2^51 + 0.5)q -> (2^51 + 1)q */
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fmul.d", "rmm", 0x0010000000000001ull, D_HALF)),
           0x0008000000000001ull);
  CHECK_EQ(fl, NX | UF);
  /* a tie in the lowest normal binade (half an ulp there, 2^-1075, is
   * not a double): (2^52 + 3)q * 1.5 = (1.5 * 2^52 + 4.5)q -> + 5 */
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fmul.d", "rmm", 0x0010000000000003ull,
                                  0x3ff8000000000000ull)), 0x0018000000000005ull);
  CHECK_EQ(fl, NX);
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fmul.d", "rne", 0x0010000000000003ull,
                                  0x3ff8000000000000ull)), 0x0018000000000004ull);
  CHECK_EQ(fl, NX);
  /* (2^52 - 1)q * (1 + 2^-52) rounds to 2^-1022 even with an unbounded
   * exponent: not tiny, no UF */
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fmul.d", "rmm", 0x000fffffffffffffull,
                                  0x3ff0000000000001ull)), D_MIN);
  CHECK_EQ(fl, NX);

  /* single: 5qs * 0.5, 5qs / 2, fmadd with c = 0 */
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fmul.s", "rmm", BOX(5), BOX(F_HALF))), BOX(3));
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fdiv.s", "rmm", BOX(5), BOX(F_TWO))), BOX(3));
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fmadd.s", "rmm", BOX(5), BOX(F_HALF), BOX(F_ZERO))),
           BOX(3));
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fnmadd.s", "rmm", BOX(5), BOX(F_HALF), BOX(F_ZERO))),
           BOX(0x80000003u));
  CHECK_EQ(fl, NX | UF);
  /* fcvt.s.d of 2.5qs */
  CHECK_EQ(WITH_FLAGS(&fl, FUNRM("fcvt.s.d", "rmm", 0x36b4000000000000ull)), BOX(3));
  CHECK_EQ(fl, NX | UF);
  /* (-2^-126 (1 + 6 * 2^-23)) * (-2^-126 (1 + 4 * 2^-23)) ~ 2^-252 plus the
   * subnormal -0x614280 qs: the nearest single is that subnormal, and the
   * sum is inexact and tiny: NX and UF */
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fmadd.s", "rmm", BOX(0x80800006u), BOX(0x80800004u),
                                  BOX(0x80614280u))), BOX(0x80614280u));
  CHECK_EQ(fl, NX | UF);
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fmadd.s", "rne", BOX(0x80800006u), BOX(0x80800004u),
                                  BOX(0x80614280u))), BOX(0x80614280u));
  CHECK_EQ(fl, NX | UF);

  /* overflow: the largest double plus half its ulp (2^970) ties to inf */
  CHECK_EQ(WITH_FLAGS(&fl, FBINRM("fadd.d", "rmm", D_MAX, 0x7c90000000000000ull)), D_INF);
  CHECK_EQ(fl, OF | NX);
  /* exact cancellation is +0 */
  CHECK_EQ(WITH_FLAGS(&fl, FTERRM("fmadd.d", "rmm", Q5, D_ONE, NQ5)), D_ZERO);
  CHECK_EQ(fl, 0);
  return done("fp_rmm");
}
