/* printf_fmt.c - stdio formatting: integers of every width in d/i/u/x/X/o
 * with flags, width, precision and '*'; floats and doubles in f/e/g/a
 * (rounding of halfway decimals, inf, nan, -0), long double (soft quad),
 * chars and strings; each formatted with snprintf and compared with the
 * expected text, and also printed.  Plus strtod/strtol round trips. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include "check.h"
static uint64_t dbits_or(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

#define FMT(want, ...)                                            \
  do {                                                            \
    char b_[256];                                                 \
    snprintf(b_, sizeof b_, __VA_ARGS__);                         \
    CHECK_STR(b_, want);                                          \
    printf("[%s]\n", b_);                                         \
  } while (0)

int main(void)
{
  FMT("42|   42|42   |00042|+42| 42", "%d|%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42, 42);
  FMT("-42|  -42|-0042", "%d|%5d|%05d", -42, -42, -42);
  FMT("2147483647 -2147483648 4294967295", "%d %d %u", INT_MAX, INT_MIN, UINT_MAX);
  FMT("9223372036854775807 -9223372036854775808 18446744073709551615", "%lld %lld %llu",
      LLONG_MAX, LLONG_MIN, ULLONG_MAX);
  FMT("ff FF 0xff 0XFF 377 0377", "%x %X %#x %#X %o %#o", 255, 255, 255, 255, 255, 255);
  FMT("deadbeefcafef00d", "%lx", 0xdeadbeefcafef00dul);
  FMT("-128 255 -32768 65535", "%hhd %hhu %hd %hu", (signed char)-128, (unsigned char)255,
      (short)-32768, (unsigned short)65535);
  FMT("   007|007   |  0x1f", "%6.3d|%-6.3d|%#6x", 7, 7, 31);
  FMT("[   42][42   ]", "[%*d][%-*d]", 5, 42, 5, 42);
  FMT("x|  abc|ab|abc  ", "%c|%5s|%.2s|%-5s", 'x', "abc", "abc", "abc");
  FMT("100%", "%d%%", 100);
  FMT("0|0|", "%d|%#x|%.0d", 0, 0, 0);
  FMT("3.141593|3.14|3.1416|         3.142|3.142     ", "%f|%.2f|%.4f|%14.3f|%-10.3f",
      M_PI, M_PI, M_PI, M_PI, M_PI);
  FMT("1.234568e+04|1.23E+04|1.2345678e-05", "%e|%.2E|%.7e", 12345.678, 12345.678, 0.000012345678);
  FMT("0.0001|1e-05|123456|1.23457e+06|100000", "%g|%g|%g|%g|%g", 0.0001, 0.00001, 123456.0, 1234567.0, 1e5);
  FMT("0.1|0.10000000000000001|0.1000000000000000055511151231257827", "%g|%.17g|%.34f", 0.1, 0.1, 0.1);
  FMT("0x1p+0|0x1.8p+1|-0x1.999999999999ap-4", "%a|%a|%a", 1.0, 3.0, -0.1);
  FMT("inf|-inf|nan|INF|-0.000000|-0", "%f|%f|%f|%F|%f|%g", INFINITY, -INFINITY, NAN, INFINITY, -0.0, -0.0);
  FMT("2|2|3|-2|0.12|0.14", "%.0f|%.0f|%.0f|%.0f|%.2f|%.2f", 2.5, 1.5, 2.5000001, -2.5, 0.125, 0.135);
  FMT("1.797693e+308|2.225074e-308|4.940656e-324", "%e|%e|%e", DBL_MAX, DBL_MIN, 4.9406564584124654e-324);
  FMT("1.5|3.4028234663852886e+38", "%g|%.17g", 1.5f, (double)FLT_MAX);
  FMT("123456789012345680", "%.0f", 123456789012345678.0);
  FMT("+1.000000e+00| 1.0e+00", "%+e|% .1e", 1.0, 1.0);
  FMT("1.00000000000000000000000000000001", "%.32Lf", 1.0L + 1e-32L);
  FMT("3.14159265358979323846264338327950", "%.32Lf", 3.14159265358979323846264338327950288L);
  FMT("  -1.50e+02", "%11.2e", -150.0);
  /* strtod / strtol round trips */
  CHECK_EQ(dbits_or(strtod("0.1", NULL)), 0x3fb999999999999aull);
  CHECK_EQ(dbits_or(strtod("1e-320", NULL)), 0x00000000000007e8ull);
  CHECK_EQ(dbits_or(strtod("0x1.8p3", NULL)), dbits_or(12.0));
  CHECK_EQ(strtol("-0x7fff", NULL, 16), -0x7fff);
  CHECK_EQ(strtoul("777", NULL, 8), 511);
  CHECK_EQ(strtoll("9223372036854775807", NULL, 10), LLONG_MAX);
  char *end;
  CHECK_EQ(strtol("  123abc", &end, 10), 123);
  CHECK_STR(end, "abc");
  double rt = 0;
  char buf[64];
  int ok = 1;
  for (int i = 1; i < 2000; i++) {
    double v = i / 7.0 * pow(10, i % 40 - 20);
    snprintf(buf, sizeof buf, "%.17g", v);
    rt = strtod(buf, NULL);
    ok &= rt == v;
  }
  CHECK(ok);
  int n = 0;
  int got = sscanf("12 3.5 word 0x1f", "%d %lf %63s %x%n", &n, &rt, buf, &ok, &n);
  CHECK_EQ(got, 4);
  CHECK_STR(buf, "word");
  CHECK_EQ(ok, 31);
  return done("printf_fmt");
}
