/* m_ext.c - the M extension: mul, mulh, mulhsu, mulhu, div, divu, rem,
 * remu and the W forms, with division by zero and signed overflow as the
 * RISC-V spec defines them (no trap: quotient all ones / dividend). */
#include "check.h"
#include "isa.h"

#define MIN64 0x8000000000000000ull
#define MAX64 0x7fffffffffffffffull

int main(void)
{
  CHECK_EQ(RR("mul", 7, 6), 42);
  CHECK_EQ(RR("mul", -7, 6), -42);
  CHECK_EQ(RR("mul", 0x100000000ull, 0x100000000ull), 0);
  CHECK_EQ(RR("mul", MAX64, 2), 0xfffffffffffffffeull);
  CHECK_EQ(RR("mul", 0x123456789abcdefull, 0xfedcba987654321ull), 0x22236d88fe5618cfull);
  /* high halves of the 128-bit product */
  CHECK_EQ(RR("mulh", -1, -1), 0);
  CHECK_EQ(RR("mulh", MIN64, MIN64), 0x4000000000000000ull);
  CHECK_EQ(RR("mulh", MIN64, -1), 0);
  CHECK_EQ(RR("mulh", MIN64, 1), -1);
  CHECK_EQ(RR("mulh", MAX64, MAX64), 0x3fffffffffffffffull);
  CHECK_EQ(RR("mulh", -2, 3), -1);
  CHECK_EQ(RR("mulhu", -1, -1), 0xfffffffffffffffeull);
  CHECK_EQ(RR("mulhu", MIN64, 2), 1);
  CHECK_EQ(RR("mulhu", 0x100000000ull, 0x100000000ull), 1);
  CHECK_EQ(RR("mulhsu", -1, -1), -1);          /* -1 * (2^64-1) */
  CHECK_EQ(RR("mulhsu", MIN64, 2), -1);
  CHECK_EQ(RR("mulhsu", 2, -1), 1);            /* 2 * (2^64-1) */
  CHECK_EQ(RR("mulhsu", -1, 1), -1);
  CHECK_EQ(RR("mulhsu", MAX64, MIN64), 0x3fffffffffffffffull);
  CHECK_EQ(RR("mulw", 0x7fffffff, 2), -2);
  CHECK_EQ(RR("mulw", 0x100000003ull, 0x200000005ull), 15);
  CHECK_EQ(RR("mulw", 0x10000, 0x10000), 0);
  CHECK_EQ(RR("mulw", -3, 5), -15);
  /* division, truncating towards zero */
  CHECK_EQ(RR("div", 42, 6), 7);
  CHECK_EQ(RR("div", -7, 2), -3);
  CHECK_EQ(RR("div", 7, -2), -3);
  CHECK_EQ(RR("div", -7, -2), 3);
  CHECK_EQ(RR("rem", -7, 2), -1);
  CHECK_EQ(RR("rem", 7, -2), 1);
  CHECK_EQ(RR("rem", -7, -2), -1);
  CHECK_EQ(RR("divu", -1, 2), MAX64);
  CHECK_EQ(RR("remu", -1, 10), 5);             /* 18446744073709551615 % 10 */
  CHECK_EQ(RR("divu", 7, -1), 0);
  CHECK_EQ(RR("remu", 7, -1), 7);
  /* division by zero */
  CHECK_EQ(RR("div", 5, 0), -1);
  CHECK_EQ(RR("div", -5, 0), -1);
  CHECK_EQ(RR("divu", 5, 0), 0xffffffffffffffffull);
  CHECK_EQ(RR("rem", 5, 0), 5);
  CHECK_EQ(RR("rem", -5, 0), -5);
  CHECK_EQ(RR("remu", 5, 0), 5);
  /* signed overflow */
  CHECK_EQ(RR("div", MIN64, -1), MIN64);
  CHECK_EQ(RR("rem", MIN64, -1), 0);
  /* W forms: operate on the low 32 bits, sign-extend the 32-bit result */
  CHECK_EQ(RR("divw", -7, 2), -3);
  CHECK_EQ(RR("divw", 0x100000007ull, 2), 3);
  CHECK_EQ(RR("divw", 0x80000000, -1), 0xffffffff80000000ull);
  CHECK_EQ(RR("remw", 0x80000000, -1), 0);
  CHECK_EQ(RR("divw", 9, 0), -1);
  CHECK_EQ(RR("divw", 9, 0x100000000ull), -1);  /* divisor's low 32 bits are 0 */
  CHECK_EQ(RR("remw", 0x1fffffff9ull, 0), -7);  /* low word 0xfffffff9 */
  CHECK_EQ(RR("remw", -7, 2), -1);
  CHECK_EQ(RR("divuw", 0x80000000, 1), 0xffffffff80000000ull);
  CHECK_EQ(RR("divuw", -1, 2), 0x7fffffff);
  CHECK_EQ(RR("divuw", 9, 0), 0xffffffffffffffffull);
  CHECK_EQ(RR("remuw", 0x80000005ull, 0), 0xffffffff80000005ull);
  CHECK_EQ(RR("remuw", -1, 10), 5);             /* 4294967295 % 10 */
  CHECK_EQ(RR("remuw", 0x123456789ull, 0x100000000ull), 0x23456789);
  /* C-level arithmetic the compiler lowers to M instructions */
  volatile int64_t a = 1000003, b = 97;
  CHECK_EQ(a * b, 97000291);
  CHECK_EQ(a / b, 10309);
  CHECK_EQ(a % b, 30);
  uint64_t acc = 1;
  for (int i = 0; i < 1000; i++)
    acc = acc * 6364136223846793005ull + 1442695040888963407ull;
  CHECK_EQ(acc % 1000000007ull, (acc - (acc / 1000000007ull) * 1000000007ull));
  return done("m_ext");
}
