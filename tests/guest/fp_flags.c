/* fp_flags.c - the accrued exception flags (NV DZ OF UF NX) after each
 * class of exception, read with frflags; flags accumulate until cleared;
 * fsflags/csrs/csrc on fflags; operations that must not set any flag. */
#include "check.h"
#include "isa.h"

#define FL(expr, want_val, want_flags)                       \
  do {                                                       \
    unsigned f_;                                             \
    uint64_t v_ = WITH_FLAGS(&f_, expr);                     \
    CHECK_EQ(v_, want_val);                                  \
    CHECK_EQ(f_, want_flags);                                \
  } while (0)

int main(void)
{
  /* exact: no flags */
  FL(FBIN("fadd.d", D_ONE, D_TWO), D_THREE, 0);
  FL(FBIN("fmul.s", BOX(F_TWO), BOX(F_HALF)), BOX(F_ONE), 0);
  /* inexact */
  FL(FBIN("fdiv.d", D_ONE, D_THREE), 0x3fd5555555555555ull, NX);
  FL(FBIN("fdiv.s", BOX(F_ONE), BOX(F_THREE)), BOX(0x3eaaaaabu), NX);
  /* divide by zero */
  FL(FBIN("fdiv.d", D_ONE, D_ZERO), D_INF, DZ);
  FL(FBIN("fdiv.d", D_NONE, D_ZERO), D_NINF, DZ);
  FL(FBIN("fdiv.d", D_ONE, D_NZERO), D_NINF, DZ);
  FL(FBIN("fdiv.s", BOX(F_ONE), BOX(F_ZERO)), BOX(F_INF), DZ);
  FL(FBIN("fdiv.d", D_INF, D_ZERO), D_INF, 0);          /* inf/0 is exact */
  /* invalid */
  FL(FBIN("fdiv.d", D_ZERO, D_ZERO), D_QNAN, NV);
  FL(FBIN("fdiv.d", D_INF, D_INF), D_QNAN, NV);
  FL(FBIN("fmul.d", D_ZERO, D_INF), D_QNAN, NV);
  FL(FBIN("fadd.d", D_INF, D_NINF), D_QNAN, NV);
  FL(FBIN("fsub.d", D_INF, D_INF), D_QNAN, NV);
  FL(FUN("fsqrt.d", D_NONE), D_QNAN, NV);
  FL(FUN("fsqrt.s", BOX(F_NONE)), BOX(F_QNAN), NV);
  FL(FUN("fsqrt.d", D_NZERO), D_NZERO, 0);
  FL(FBIN("fadd.d", D_SNAN, D_ONE), D_QNAN, NV);
  FL(FBIN("fadd.d", D_QNAN, D_ONE), D_QNAN, 0);
  FL(FBIN("fmul.s", BOX(F_SNAN), BOX(F_ONE)), BOX(F_QNAN), NV);
  FL(FTER("fmadd.d", D_INF, D_ZERO, D_QNAN), D_QNAN, NV);   /* inf*0 + qNaN */
  FL(FTER("fmadd.d", D_ONE, D_ONE, D_SNAN), D_QNAN, NV);
  FL(FTER("fmadd.d", D_INF, D_ONE, D_NINF), D_QNAN, NV);
  /* overflow (always with inexact) */
  FL(FBIN("fmul.d", D_MAX, D_TWO), D_INF, OF | NX);
  FL(FBIN("fadd.d", D_MAX, D_MAX), D_INF, OF | NX);
  FL(FBINRM("fadd.d", "rtz", D_MAX, D_MAX), D_MAX, OF | NX);
  FL(FBIN("fmul.s", BOX(F_MAX), BOX(F_TWO)), BOX(F_INF), OF | NX);
  FL(FUN("fcvt.s.d", D_MAX), BOX(F_INF), OF | NX);
  /* underflow: tiny and inexact */
  FL(FBIN("fmul.d", 0x01a56e1fc2f8f359ull /* 1e-300 */, 0x01a56e1fc2f8f359ull), D_ZERO, UF | NX);
  FL(FBIN("fdiv.d", D_DEN, D_TWO), D_ZERO, UF | NX);       /* tie to even: 0 */
  FL(FBIN("fdiv.d", D_MIN, D_THREE), 0x0005555555555555ull, UF | NX);
  FL(FBIN("fmul.s", BOX(F_MIN), BOX(0x3eaaaaabu)), BOX(0x002aaaabu), UF | NX);
  FL(FUN("fcvt.s.d", 0x358dee7a4ad4b81full /* 1e-50 */), BOX(F_ZERO), UF | NX);
  /* a tiny but exact result raises no underflow */
  FL(FBIN("fmul.d", D_MIN, D_HALF), 0x0008000000000000ull, 0);
  FL(FBIN("fsub.d", 0x0010000000000001ull, D_MIN), D_DEN, 0);
  /* conversions to integer */
  FL(FTOXRM("fcvt.w.d", "rtz", 0x3ff8000000000000ull), 1, NX);
  FL(FTOX("fcvt.w.d", D_QNAN), 0x7fffffff, NV);
  FL(FTOX("fcvt.w.d", 0x41e65a0bc0000000ull /* 3e9 */), 0x7fffffff, NV);
  FL(FTOX("fcvt.l.d", 0x43e0000000000000ull /* 2^63 */), 0x7fffffffffffffffull, NV);
  FL(FTOX("fcvt.wu.d", D_NONE), 0, NV);
  FL(FTOX("fcvt.w.d", D_THREE), 3, 0);
  /* comparisons: feq is quiet, flt/fle signal on any NaN */
  FL(FCMP("feq.d", D_QNAN, D_ONE), 0, 0);
  FL(FCMP("feq.d", D_SNAN, D_ONE), 0, NV);
  FL(FCMP("flt.d", D_QNAN, D_ONE), 0, NV);
  FL(FCMP("fle.d", D_ONE, D_QNAN), 0, NV);
  FL(FCMP("feq.s", BOX(F_QNAN), BOX(F_QNAN)), 0, 0);
  FL(FCMP("flt.s", BOX(F_ONE), BOX(F_QNAN)), 0, NV);
  /* min/max: NV only for signaling NaN */
  FL(FBIN("fmin.d", D_SNAN, D_ONE), D_ONE, NV);
  FL(FBIN("fmax.d", D_QNAN, D_ONE), D_ONE, 0);
  /* never any flag: sign injection, class, moves, even with sNaN */
  FL(FBIN("fsgnjn.d", D_SNAN, D_ONE), D_SNAN | D_NZERO, 0);
  FL(FTOX("fclass.d", D_SNAN), 1u << 8, 0);
  FL(FTOX("fmv.x.d", D_SNAN), D_SNAN, 0);
  /* widening conversion: exact except that sNaN is invalid */
  FL(FUN("fcvt.d.s", BOX(0x3dcccccdu)), 0x3fb99999a0000000ull, 0);
  FL(FUN("fcvt.d.s", BOX(F_SNAN)), D_QNAN, NV);
  /* flags accumulate until cleared */
  clr_fflags();
  (void)FBIN("fdiv.d", D_ONE, D_ZERO);
  (void)FBIN("fdiv.d", D_ONE, D_THREE);
  (void)FBIN("fmul.d", D_MAX, D_MAX);
  CHECK_EQ(get_fflags(), DZ | NX | OF);
  (void)FBIN("fadd.d", D_ONE, D_ONE);
  CHECK_EQ(get_fflags(), DZ | NX | OF);
  /* CSR access paths on fflags and fcsr */
  unsigned long v;
  __asm__ volatile("fsflags %0, %1" : "=r"(v) : "r"(0x1ful));
  CHECK_EQ(v, DZ | NX | OF);
  CHECK_EQ(get_fflags(), 0x1f);
  __asm__ volatile("csrc fflags, %0" : : "r"((unsigned long)(NV | NX)));
  CHECK_EQ(get_fflags(), DZ | OF | UF);
  __asm__ volatile("csrsi fflags, 1");
  CHECK_EQ(get_fflags(), DZ | OF | UF | NX);
  __asm__ volatile("fsflagsi 0");
  CHECK_EQ(get_fflags(), 0);
  __asm__ volatile("csrw fcsr, %0" : : "r"((3ul << 5) | 0x3));
  __asm__ volatile("frcsr %0" : "=r"(v));
  CHECK_EQ(v, (3ul << 5) | 0x3);
  CHECK_EQ(get_fflags(), 0x3);
  __asm__ volatile("csrw fcsr, zero");
  return done("fp_flags");
}
