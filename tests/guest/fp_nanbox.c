/* fp_nanbox.c - NaN boxing of single values in 64-bit f registers:
 * single results are boxed (upper 32 bits all ones), a non-boxed operand is
 * read as the canonical NaN by every non-transfer single operation, while
 * transfers (fmv.x.w, fsw) move the low 32 bits unchanged. */
#include "check.h"
#include "isa.h"

static uint32_t mem32;

int main(void)
{
  /* properly boxed operands work */
  CHECK_EQ(FBIN("fadd.s", BOX(F_ONE), BOX(F_ONE)), BOX(F_TWO));
  /* fmv.d.x of a non-boxed value, then a single op: canonical NaN, boxed */
  CHECK_EQ(FBIN("fadd.s", 0x000000003f800000ull, 0x000000003f800000ull), BOX(F_QNAN));
  CHECK_EQ(FBIN("fadd.s", 0xfffffffe3f800000ull, BOX(F_ONE)), BOX(F_QNAN));
  CHECK_EQ(FBIN("fmul.s", BOX(F_TWO), 0x7fffffff3f800000ull), BOX(F_QNAN));
  CHECK_EQ(FUN("fsqrt.s", D_ONE), BOX(F_QNAN));        /* a double is not a boxed single */
  CHECK_EQ(FTER("fmadd.s", BOX(F_ONE), BOX(F_ONE), 0x3f800000ull), BOX(F_QNAN));
  /* the canonical NaN from a bad box is quiet: no invalid flag */
  unsigned fl;
  (void)WITH_FLAGS(&fl, FBIN("fadd.s", 0x1234ull, BOX(F_ONE)));
  CHECK_EQ(fl, 0);
  /* sign injection is not a transfer: the bad box reads as canonical NaN */
  CHECK_EQ(FBIN("fsgnj.s", 0x3f800000ull, BOX(F_NONE)), BOX(0xffc00000u));
  CHECK_EQ(FBIN("fsgnjn.s", 0x3f800000ull, BOX(F_ONE)), BOX(0xffc00000u));
  CHECK_EQ(FBIN("fsgnjx.s", BOX(F_ONE), 0xbf800000ull), BOX(F_ONE));  /* rs2 = +NaN: sign 0 */
  CHECK_EQ(FBIN("fsgnj.s", BOX(F_TWO), BOX(F_NONE)), BOX(0xc0000000u));
  /* compares, class, min/max and conversions see the canonical NaN */
  CHECK_EQ(FCMP("feq.s", 0x3f800000ull, 0x3f800000ull), 0);
  CHECK_EQ(FTOX("fclass.s", 0x3f800000ull), 1u << 9);
  CHECK_EQ(FTOX("fclass.s", BOX(F_ONE)), 1u << 6);
  CHECK_EQ(FBIN("fmin.s", 0x3f800000ull, BOX(F_TWO)), BOX(F_TWO));
  CHECK_EQ(FBIN("fmax.s", 0x1ull, 0x2ull), BOX(F_QNAN));
  CHECK_EQ(FUN("fcvt.d.s", 0x3f800000ull), D_QNAN);
  CHECK_EQ(FTOX("fcvt.w.s", 0x3f800000ull), 0x7fffffff);
  /* transfers: fmv.x.w takes the low word as is and sign-extends it */
  CHECK_EQ(FTOX("fmv.x.w", 0x123456783f800000ull), 0x3f800000);
  CHECK_EQ(FTOX("fmv.x.w", 0x00000000bf800000ull), 0xffffffffbf800000ull);
  CHECK_EQ(FTOX("fmv.x.w", BOX(F_QNAN)), 0x7fc00000);
  /* fmv.w.x boxes */
  CHECK_EQ(XTOF("fmv.w.x", 0xaaaaaaaa40400000ull), BOX(F_THREE));
  /* flw boxes; fsw stores the low word unchanged even if not boxed */
  mem32 = 0x40490fdb;
  uint64_t r;
  __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(&mem32) : "ft0", "memory");
  CHECK_EQ(r, BOX(0x40490fdbu));
  __asm__ volatile("fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)" : : "r"(&mem32), "r"(0x00000000c0000000ull) : "ft0", "memory");
  CHECK_EQ(mem32, 0xc0000000u);
  /* fcvt.s.d, fcvt.s.w results are boxed */
  CHECK_EQ(FUN("fcvt.s.d", D_TWO), BOX(F_TWO));
  CHECK_EQ(XTOF("fcvt.s.w", 3), BOX(F_THREE));
  /* fld of a single's box, then single arithmetic */
  static uint64_t boxed = 0xffffffff40000000ull;
  __asm__ volatile("fld ft0, 0(%1)\n\tfadd.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1" : "=r"(r) : "r"(&boxed) : "ft0", "ft1");
  CHECK_EQ(r, BOX(0x40800000u));
  /* the compiler's own float/double mix */
  volatile float f = 1.5f;
  volatile double d = f;
  f = (float)(d * 2.0);
  CHECK_EQ(fbits(f), 0x40400000u);
  return done("fp_nanbox");
}
