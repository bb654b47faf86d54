/* bignum.c - arbitrary-precision decimal arithmetic: 100! and 1000!
 * (printed; digit counts 158 and 2568, digit sums 648 and 10539),
 * 2^1000 (digit sum 1366), Fibonacci(1000) (209 digits), all with base
 * 10^9 limbs and 64-bit intermediate products. */
#include "check.h"

#define BASE 1000000000u
typedef struct { uint32_t d[400]; int n; } big;   /* little-endian limbs */

static void set(big *a, uint32_t v) { a->d[0] = v; a->n = 1; }
static void mul_small(big *a, uint32_t m)
{
  uint64_t carry = 0;
  for (int i = 0; i < a->n; i++) {
    uint64_t t = (uint64_t)a->d[i] * m + carry;
    a->d[i] = t % BASE;
    carry = t / BASE;
  }
  while (carry) {
    a->d[a->n++] = carry % BASE;
    carry /= BASE;
  }
}
static void add(big *r, const big *a, const big *b)
{
  uint32_t carry = 0;
  int n = a->n > b->n ? a->n : b->n;
  for (int i = 0; i < n; i++) {
    uint32_t t = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
    carry = t >= BASE;
    r->d[i] = t - (carry ? BASE : 0);
  }
  r->n = n;
  if (carry)
    r->d[r->n++] = 1;
}
static int to_str(const big *a, char *out)
{
  int len = sprintf(out, "%u", a->d[a->n - 1]);
  for (int i = a->n - 2; i >= 0; i--)
    len += sprintf(out + len, "%09u", a->d[i]);
  return len;
}
static int digit_sum(const char *s) { int t = 0; while (*s) t += *s++ - '0'; return t; }

int main(void)
{
  static char s[4000];
  big f;
  set(&f, 1);
  for (uint32_t i = 2; i <= 100; i++)
    mul_small(&f, i);
  int len = to_str(&f, s);
  printf("100! = %s\n", s);
  CHECK_EQ(len, 158);
  CHECK_EQ(digit_sum(s), 648);
  CHECK(!strncmp(s, "93326215443944152681699238856266700490715968264381621468592963895217599993229915608941463976156518286253697920827223758251185210916864", 134));
  for (uint32_t i = 101; i <= 1000; i++)
    mul_small(&f, i);
  len = to_str(&f, s);
  CHECK_EQ(len, 2568);
  CHECK_EQ(digit_sum(s), 10539);
  printf("1000! has %d digits, digit sum %d, leading %.20s\n", len, digit_sum(s), s);
  big p;
  set(&p, 1);
  for (int i = 0; i < 1000; i++)
    mul_small(&p, 2);
  len = to_str(&p, s);
  CHECK_EQ(len, 302);
  CHECK_EQ(digit_sum(s), 1366);
  big a, b, c;
  set(&a, 0);
  set(&b, 1);
  for (int i = 0; i < 1000; i++) {
    add(&c, &a, &b);
    a = b;
    b = c;
  }
  len = to_str(&a, s);
  CHECK_EQ(len, 209);
  printf("fib(1000) = %s\n", s);
  CHECK(!strncmp(s, "43466557686937456435688527675040625802564660517371780402481729089536555417949051890403879840079255169295922593080322634775209689623239873322471161642996440906533187938298969649928516003704476137795166849228875", 209));
  return done("bignum");
}
