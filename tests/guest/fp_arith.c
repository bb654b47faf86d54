/* fp_arith.c - basic F/D arithmetic and data movement: fadd/fsub/fmul/
 * fdiv/fsqrt values (sqrt(2), 1/3, 0.1+0.2), division by zero, subnormals,
 * flw/fsw/fld/fsd with offsets, fmv.x.d/fmv.d.x, and a numeric loop
 * (Newton square root, harmonic sum) whose printed output is compared. */
#include <math.h>
#include "check.h"
#include "isa.h"

static double darr[4] = { 1.5, -2.25, 1e300, 0x1p-1070 };
static float farr[4] = { 1.5f, -2.25f, 3e38f, 0x1p-140f };

int main(void)
{
  CHECK_EQ(FBIN("fadd.d", 0x3fb999999999999aull, 0x3fc999999999999aull), 0x3fd3333333333334ull);
  CHECK_EQ(FBIN("fsub.d", D_ONE, D_THREE), 0xc000000000000000ull);
  CHECK_EQ(FBIN("fmul.d", 0x400921fb54442d18ull, D_TWO), 0x401921fb54442d18ull);
  CHECK_EQ(FBIN("fdiv.d", D_ONE, D_THREE), 0x3fd5555555555555ull);
  CHECK_EQ(FBIN("fdiv.d", D_TWO, D_ZERO), D_INF);
  CHECK_EQ(FBIN("fdiv.d", D_ZERO, D_TWO), D_ZERO);
  CHECK_EQ(FBIN("fdiv.d", D_NZERO, D_TWO), D_NZERO);
  CHECK_EQ(FUN("fsqrt.d", D_TWO), 0x3ff6a09e667f3bcdull);
  CHECK_EQ(FUN("fsqrt.d", 0x4010000000000000ull), D_TWO);
  CHECK_EQ(FUN("fsqrt.d", D_INF), D_INF);
  CHECK_EQ(FUN("fsqrt.d", D_DEN), 0x1e60000000000000ull);    /* sqrt(2^-1074) = 2^-537 */
  CHECK_EQ(FBIN("fadd.s", BOX(0x3dcccccdu), BOX(0x3e4ccccdu)), BOX(0x3e99999au));
  CHECK_EQ(FBIN("fdiv.s", BOX(F_ONE), BOX(F_THREE)), BOX(0x3eaaaaabu));
  CHECK_EQ(FBIN("fdiv.s", BOX(F_NONE), BOX(F_ZERO)), BOX(F_NINF));
  CHECK_EQ(FUN("fsqrt.s", BOX(F_TWO)), BOX(0x3fb504f3u));
  CHECK_EQ(FBIN("fmul.s", BOX(F_DEN), BOX(F_TWO)), BOX(0x00000002u));
  CHECK_EQ(FBIN("fsub.s", BOX(F_ONE), BOX(F_ONE)), BOX(F_ZERO));
  /* subnormal arithmetic */
  CHECK_EQ(FBIN("fadd.d", D_DEN, D_DEN), 0x0000000000000002ull);
  CHECK_EQ(FBIN("fmul.d", 0x000fffffffffffffull, D_TWO), 0x001ffffffffffffeull);
  /* loads and stores, positive and negative offsets */
  uint64_t r;
  __asm__ volatile("fld ft0, 8(%1)\n\tfld ft1, 0(%1)\n\tfadd.d ft0, ft0, ft1\n\t"
                   "fsd ft0, 24(%1)\n\tfmv.x.d %0, ft0"
                   : "=r"(r) : "r"(darr) : "ft0", "ft1", "memory");
  CHECK_EQ(r, dbits(-0.75));
  CHECK_EQ(dbits(darr[3]), dbits(-0.75));
  __asm__ volatile("addi t0, %1, 16\n\tflw ft0, -12(t0)\n\tflw ft1, -16(t0)\n\t"
                   "fmul.s ft0, ft0, ft1\n\tfsw ft0, -4(t0)\n\tfmv.x.w %0, ft0"
                   : "=r"(r) : "r"(farr) : "t0", "ft0", "ft1", "memory");
  CHECK_EQ(r, 0xffffffffc0580000ull);          /* -3.375f, fmv.x.w sign-extends */
  CHECK_EQ(fbits(farr[3]), 0xc0580000u);
  /* all 32 f registers hold values independently */
  double regs[32];
  __asm__ volatile(
    "fcvt.d.w f0, zero\n\t"
    ".irp n,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
    "li t0, \\n\n\tfcvt.d.w f\\n, t0\n\t"
    ".endr\n\t"
    ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
    "fsd f\\n, (\\n*8)(%0)\n\t"
    ".endr"
    : : "r"(regs) : "t0", "memory",
      "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15",
      "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31");
  double sum = 0;
  for (int i = 0; i < 32; i++)
    sum += regs[i];
  CHECK(sum == 496.0);
  /* numeric loops, printed */
  volatile double x = 10.0;
  double g = x;
  for (int i = 0; i < 20; i++)
    g = 0.5 * (g + x / g);
  printf("newton sqrt(10) = %.17g\n", g);
  CHECK(dbits(g) - dbits(sqrt(x)) + 1 <= 2);   /* Newton may end 1 ulp off */
  double h = 0;
  for (int i = 1; i <= 100000; i++)
    h += 1.0 / i;
  printf("harmonic(1e5) = %.15f\n", h);
  float hf = 0;
  for (int i = 1; i <= 10000; i++)
    hf += 1.0f / (float)i;
  printf("harmonicf(1e4) = %.7f\n", hf);
  printf("libm: sin(1)=%.17g exp(1)=%.17g log(10)=%.17g pow(2,0.5)=%.17g\n",
         sin(1.0), exp(1.0), log(10.0), pow(2.0, 0.5));
  printf("libm: atan2(1,-1)=%.17g cbrt(27)=%.17g floor(-2.5)=%g round(2.5)=%g\n",
         atan2(1.0, -1.0), cbrt(27.0), floor(-2.5), round(2.5));
  CHECK(fabs(h - 12.090146129863428) < 1e-12);
  return done("fp_arith");
}
