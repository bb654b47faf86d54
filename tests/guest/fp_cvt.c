/* fp_cvt.c - conversions between integers (w, wu, l, lu) and floats (s, d)
 * in both directions, and between s and d: exact values, rounding, and the
 * saturating results for NaN, infinities and out-of-range inputs. */
#include "check.h"
#include "isa.h"

#define MIN64 0x8000000000000000ull
#define MAX64 0x7fffffffffffffffull

int main(void)
{
  /* double -> signed word (result sign-extended) */
  CHECK_EQ(FTOX("fcvt.w.d", D_QNAN), 0x7fffffff);
  CHECK_EQ(FTOX("fcvt.w.d", D_SNAN | D_NZERO), 0x7fffffff);   /* NaN ignores sign */
  CHECK_EQ(FTOX("fcvt.w.d", D_INF), 0x7fffffff);
  CHECK_EQ(FTOX("fcvt.w.d", D_NINF), 0xffffffff80000000ull);
  CHECK_EQ(FTOX("fcvt.w.d", 0x4202a05f20000000ull /* 1e10 */), 0x7fffffff);
  CHECK_EQ(FTOX("fcvt.w.d", 0xc202a05f20000000ull /* -1e10 */), 0xffffffff80000000ull);
  CHECK_EQ(FTOX("fcvt.w.d", 0xc1e0000000000000ull /* -2^31 */), 0xffffffff80000000ull);
  CHECK_EQ(FTOXRM("fcvt.w.d", "rtz", 0x41dfffffffffffffull /* 2^31 - tiny */), 0x7fffffff);
  CHECK_EQ(FTOX("fcvt.w.d", D_NONE), -1);
  /* double -> unsigned word: negative saturates to 0, result sign-extended */
  CHECK_EQ(FTOX("fcvt.wu.d", D_QNAN), 0xffffffffffffffffull);
  CHECK_EQ(FTOX("fcvt.wu.d", D_INF), 0xffffffffffffffffull);
  CHECK_EQ(FTOX("fcvt.wu.d", D_NINF), 0);
  CHECK_EQ(FTOX("fcvt.wu.d", D_NONE), 0);
  CHECK_EQ(FTOX("fcvt.wu.d", 0x4202a05f20000000ull), 0xffffffffffffffffull);
  CHECK_EQ(FTOX("fcvt.wu.d", 0x41e65a0bc0000000ull /* 3e9 */), 0xffffffffb2d05e00ull);
  CHECK_EQ(FTOX("fcvt.wu.d", 0x41dfffffffc00000ull /* 2^31-1 */), 0x7fffffff);
  unsigned fl;
  CHECK_EQ(WITH_FLAGS(&fl, FTOXRM("fcvt.wu.d", "rtz", 0xbfeccccccccccccdull /* -0.9 */)), 0);
  CHECK_EQ(fl, NX);
  /* double -> long / unsigned long */
  CHECK_EQ(FTOX("fcvt.l.d", D_QNAN), MAX64);
  CHECK_EQ(FTOX("fcvt.l.d", D_INF), MAX64);
  CHECK_EQ(FTOX("fcvt.l.d", D_NINF), MIN64);
  CHECK_EQ(FTOX("fcvt.l.d", 0xc3e0000000000000ull /* -2^63 */), MIN64);
  CHECK_EQ(FTOX("fcvt.l.d", 0x43dfffffffffffffull /* 2^63-1024 */), 0x7ffffffffffffc00ull);
  CHECK_EQ(FTOX("fcvt.l.d", 0xc0934a0000000000ull /* -1234.5 */), -1234);   /* rne: tie to even */
  CHECK_EQ(FTOX("fcvt.lu.d", D_QNAN), 0xffffffffffffffffull);
  CHECK_EQ(FTOX("fcvt.lu.d", D_NINF), 0);
  CHECK_EQ(FTOX("fcvt.lu.d", D_NONE), 0);
  CHECK_EQ(FTOX("fcvt.lu.d", 0x43f0000000000000ull /* 2^64 */), 0xffffffffffffffffull);
  CHECK_EQ(FTOX("fcvt.lu.d", 0x43efffffffffffffull), 0xfffffffffffff800ull);
  CHECK_EQ(FTOX("fcvt.lu.d", D_NZERO), 0);
  /* single -> integers */
  CHECK_EQ(FTOX("fcvt.w.s", BOX(0x4f000000u) /* 2^31 */), 0x7fffffff);
  CHECK_EQ(FTOX("fcvt.w.s", BOX(0xcf000000u) /* -2^31 */), 0xffffffff80000000ull);
  CHECK_EQ(FTOX("fcvt.w.s", BOX(F_QNAN)), 0x7fffffff);
  CHECK_EQ(FTOX("fcvt.wu.s", BOX(0x4f7fffffu) /* 4294967040 */), 0xffffffffffffff00ull);
  CHECK_EQ(FTOX("fcvt.wu.s", BOX(F_NINF)), 0);
  CHECK_EQ(FTOX("fcvt.l.s", BOX(F_NINF)), MIN64);
  CHECK_EQ(FTOX("fcvt.l.s", BOX(F_INF)), MAX64);
  CHECK_EQ(FTOX("fcvt.l.s", BOX(0xdf000000u) /* -2^63 */), MIN64);
  CHECK_EQ(FTOX("fcvt.l.s", BOX(0x4b3c614eu) /* 12345678 */), 12345678);
  CHECK_EQ(FTOX("fcvt.lu.s", BOX(F_NZERO)), 0);
  CHECK_EQ(WITH_FLAGS(&fl, FTOX("fcvt.lu.s", BOX(F_NONE))), 0);
  CHECK_EQ(fl, NV);
  CHECK_EQ(FTOX("fcvt.lu.s", BOX(0x5f800000u) /* 2^64 */), 0xffffffffffffffffull);
  CHECK_EQ(FTOX("fcvt.lu.s", BOX(0x5f7fffffu)), 0xffffff0000000000ull);
  /* integers -> double */
  CHECK_EQ(XTOF("fcvt.d.w", -1), D_NONE);
  CHECK_EQ(XTOF("fcvt.d.w", 0xffffffff00000005ull), 0x4014000000000000ull);  /* low word only */
  CHECK_EQ(XTOF("fcvt.d.w", 0x80000000), 0xc1e0000000000000ull);
  CHECK_EQ(XTOF("fcvt.d.wu", 0x1ffffffffull), 0x41efffffffe00000ull);
  CHECK_EQ(XTOF("fcvt.d.wu", 0x80000000), 0x41e0000000000000ull);
  CHECK_EQ(XTOF("fcvt.d.l", MAX64), 0x43e0000000000000ull);
  CHECK_EQ(XTOF("fcvt.d.l", MIN64), 0xc3e0000000000000ull);
  CHECK_EQ(XTOF("fcvt.d.l", 0), D_ZERO);
  CHECK_EQ(XTOF("fcvt.d.lu", 0xffffffffffffffffull), 0x43f0000000000000ull);
  CHECK_EQ(XTOF("fcvt.d.lu", MIN64), 0x43e0000000000000ull);
  CHECK_EQ(WITH_FLAGS(&fl, XTOF("fcvt.d.l", (1ull << 53) + 1)), 0x4340000000000000ull);
  CHECK_EQ(fl, NX);
  CHECK_EQ(WITH_FLAGS(&fl, XTOF("fcvt.d.w", 0x7fffffff)), 0x41dfffffffc00000ull);
  CHECK_EQ(fl, 0);
  /* integers -> single */
  CHECK_EQ(XTOF("fcvt.s.w", -1), BOX(F_NONE));
  CHECK_EQ(WITH_FLAGS(&fl, XTOF("fcvt.s.w", 16777217)), BOX(0x4b800000u));
  CHECK_EQ(fl, NX);
  CHECK_EQ(XTOF("fcvt.s.wu", 0xffffffff), BOX(0x4f800000u));
  CHECK_EQ(XTOF("fcvt.s.wu", 0xffffffff00000010ull), BOX(0x41800000u));
  CHECK_EQ(XTOF("fcvt.s.l", MIN64), BOX(0xdf000000u));
  CHECK_EQ(XTOF("fcvt.s.l", -3), BOX(0xc0400000u));
  CHECK_EQ(XTOF("fcvt.s.lu", 0xffffffffffffffffull), BOX(0x5f800000u));
  CHECK_EQ(XTOF("fcvt.s.lu", 1000000), BOX(0x49742400u));
  /* single <-> double */
  CHECK_EQ(FUN("fcvt.s.d", 0x3fb999999999999aull /* 0.1 */), BOX(0x3dcccccdu));
  CHECK_EQ(FUN("fcvt.d.s", BOX(0x3dcccccdu)), 0x3fb99999a0000000ull);
  CHECK_EQ(FUN("fcvt.s.d", D_INF), BOX(F_INF));
  CHECK_EQ(FUN("fcvt.s.d", D_NZERO), BOX(F_NZERO));
  CHECK_EQ(FUN("fcvt.s.d", 0x7ff8000000000123ull), BOX(F_QNAN));   /* canonical, payload dropped */
  CHECK_EQ(FUN("fcvt.d.s", BOX(0x7fc12345u)), D_QNAN);
  CHECK_EQ(FUN("fcvt.d.s", BOX(F_DEN)), 0x36a0000000000000ull);      /* 2^-149 */
  CHECK_EQ(FUN("fcvt.s.d", 0x36a0000000000000ull), BOX(F_DEN));
  /* C conversions at every width */
  volatile double vd = -3.75;
  volatile float vf = 3.75f;
  CHECK_EQ((int8_t)vd, (uint64_t)-3);
  CHECK_EQ((int16_t)vd, (uint64_t)-3);
  CHECK_EQ((int32_t)vd, (uint64_t)-3);
  CHECK_EQ((int64_t)vd, (uint64_t)-3);
  CHECK_EQ((uint8_t)vf, 3);
  CHECK_EQ((uint32_t)vf, 3);
  CHECK_EQ((uint64_t)vf, 3);
  volatile int64_t big = -9007199254740993ll;
  CHECK_EQ(dbits((double)big), 0xc340000000000000ull);
  volatile uint32_t u32 = 4000000000u;
  CHECK_EQ(dbits((double)u32), 0x41edcd6500000000ull);
  CHECK_EQ(fbits((float)u32), 0x4f6e6b28u);
  return done("fp_cvt");
}
