/* zba_zbb.c - every Zba and Zbb instruction through inline asm (compiled
 * with -march=rv64gc_zba_zbb): add.uw, sh[123]add(.uw), slli.uw; andn, orn,
 * xnor, clz(w), ctz(w), cpop(w), max(u), min(u), sext.b/h, zext.h, rol(w),
 * ror(w), rori(w), orc.b, rev8.  Expected values from the spec. */
#include "check.h"
#include "isa.h"

int main(void)
{
  /* Zba */
  CHECK_EQ(RR("add.uw", 0xffffffff80000000ull, 1), 0x80000001);
  CHECK_EQ(RR("add.uw", 0x12345678ffffffffull, 0x100000000ull), 0x1ffffffffull);
  CHECK_EQ(R1("zext.w", 0xfedcba9876543210ull), 0x76543210);
  CHECK_EQ(RR("sh1add", 5, 100), 110);
  CHECK_EQ(RR("sh2add", 5, 100), 120);
  CHECK_EQ(RR("sh3add", 5, 100), 140);
  CHECK_EQ(RR("sh3add", 0x2000000000000001ull, 0), 8);     /* bits shifted out */
  CHECK_EQ(RR("sh1add", -1, 0), -2);
  CHECK_EQ(RR("sh1add.uw", -1, 0), 0x1fffffffeull);
  CHECK_EQ(RR("sh2add.uw", -1, 0), 0x3fffffffcull);
  CHECK_EQ(RR("sh3add.uw", -1, 0), 0x7fffffff8ull);
  CHECK_EQ(RR("sh3add.uw", 0xabcd000000000002ull, 1), 17);
  CHECK_EQ(RI("slli.uw", 0xffffffff80000001ull, 4), 0x800000010ull);
  CHECK_EQ(RI("slli.uw", 0xffffffffffffffffull, 63), 0x8000000000000000ull);
  CHECK_EQ(RI("slli.uw", 0x1234567800000001ull, 0), 1);
  /* Zbb: logic with negation */
  CHECK_EQ(RR("andn", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull), 0xf000f000f000f000ull);
  CHECK_EQ(RR("orn", 0x0full, 0xffffffffffffff00ull), 0xff);
  CHECK_EQ(RR("xnor", 0xf0f0ull, 0xff00ull), 0xfffffffffffff00full);
  /* count leading/trailing zeros, population count */
  CHECK_EQ(R1("clz", 0), 64);
  CHECK_EQ(R1("clz", 1), 63);
  CHECK_EQ(R1("clz", -1), 0);
  CHECK_EQ(R1("clz", 0x0000100000000000ull), 19);
  CHECK_EQ(R1("clzw", 0), 32);
  CHECK_EQ(R1("clzw", 0x8000), 16);
  CHECK_EQ(R1("clzw", 0xffffffff00000001ull), 31);
  CHECK_EQ(R1("clzw", 0x80000000), 0);
  CHECK_EQ(R1("ctz", 0), 64);
  CHECK_EQ(R1("ctz", 0x8000000000000000ull), 63);
  CHECK_EQ(R1("ctz", 0x50), 4);
  CHECK_EQ(R1("ctzw", 0), 32);
  CHECK_EQ(R1("ctzw", 0x100000000ull), 32);
  CHECK_EQ(R1("ctzw", 0x80000000), 31);
  CHECK_EQ(R1("cpop", -1), 64);
  CHECK_EQ(R1("cpop", 0x5555), 8);
  CHECK_EQ(R1("cpop", 0), 0);
  CHECK_EQ(R1("cpopw", 0xffffffff0000000full), 4);
  CHECK_EQ(R1("cpopw", -1), 32);
  /* min/max signed and unsigned */
  CHECK_EQ(RR("max", -1, 1), 1);
  CHECK_EQ(RR("maxu", -1, 1), -1);
  CHECK_EQ(RR("min", -1, 1), -1);
  CHECK_EQ(RR("minu", -1, 1), 1);
  CHECK_EQ(RR("max", 0x8000000000000000ull, 0x7fffffffffffffffull), 0x7fffffffffffffffull);
  CHECK_EQ(RR("minu", 0x8000000000000000ull, 0x7fffffffffffffffull), 0x7fffffffffffffffull);
  CHECK_EQ(RR("min", 7, 7), 7);
  /* sign/zero extension */
  CHECK_EQ(R1("sext.b", 0x80), 0xffffffffffffff80ull);
  CHECK_EQ(R1("sext.b", 0x17f), 0x7f);
  CHECK_EQ(R1("sext.h", 0x8000), 0xffffffffffff8000ull);
  CHECK_EQ(R1("sext.h", 0xffff7fffull), 0x7fff);
  CHECK_EQ(R1("zext.h", 0xffffffff12345678ull), 0x5678);
  CHECK_EQ(R1("zext.h", 0xffffull), 0xffff);
  /* rotates */
  CHECK_EQ(RR("rol", 0x8000000000000001ull, 1), 3);
  CHECK_EQ(RR("rol", 1, 65), 2);                            /* shamt mod 64 */
  CHECK_EQ(RR("ror", 1, 1), 0x8000000000000000ull);
  CHECK_EQ(RR("ror", 0x0123456789abcdefull, 16), 0xcdef0123456789abull);
  CHECK_EQ(RI("rori", 0x12, 4), 0x2000000000000001ull);
  CHECK_EQ(RI("rori", 0x0123456789abcdefull, 0), 0x0123456789abcdefull);
  CHECK_EQ(RR("rolw", 0x80000001, 1), 3);
  CHECK_EQ(RR("rolw", 0xffffffff40000000ull, 1), 0xffffffff80000000ull);
  CHECK_EQ(RR("rorw", 1, 1), 0xffffffff80000000ull);
  CHECK_EQ(RR("rorw", 0x12345678, 36), 0xffffffff81234567ull);   /* shamt mod 32 */
  CHECK_EQ(RI("roriw", 0x12, 4), 0x20000001);
  CHECK_EQ(RI("roriw", 0xabcdef0000000001ull, 1), 0xffffffff80000000ull);
  /* byte operations */
  CHECK_EQ(R1("orc.b", 0x0001000000ff0010ull), 0x00ff000000ff00ffull);
  CHECK_EQ(R1("orc.b", 0), 0);
  CHECK_EQ(R1("rev8", 0x0102030405060708ull), 0x0807060504030201ull);
  CHECK_EQ(R1("rev8", 0xff), 0xff00000000000000ull);
  return done("zba_zbb");
}
