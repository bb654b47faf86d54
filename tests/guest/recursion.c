/* recursion.c - deep and branching recursion: Ackermann, naive Fibonacci,
 * mutual recursion, a 100000-deep non-tail recursion (stack growth),
 * Tower of Hanoi move count, and recursive permutation generation. */
#include "check.h"

static unsigned long ack(unsigned long m, unsigned long n)
{
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}
static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

__attribute__((noinline)) static long deep(long n, volatile long *sink)
{
  volatile long pad[4] = { n, n + 1, n + 2, n + 3 };
  if (n == 0)
    return 0;
  long r = deep(n - 1, sink) + pad[0] - pad[3] + 4;   /* = deep(n-1) + 1 */
  *sink += pad[1];
  return r;
}

static long hanoi(int n, int from, int to, int via)
{
  if (n == 0) return 0;
  return hanoi(n - 1, from, via, to) + 1 + hanoi(n - 1, via, to, from);
}

static int perm_count, perm_sig;
static void permute(char *s, int k, int n)
{
  if (k == n) {
    perm_count++;
    perm_sig = (perm_sig * 131 + s[0] * 7 + s[n - 1]) % 1000003;
    return;
  }
  for (int i = k; i < n; i++) {
    char t = s[k]; s[k] = s[i]; s[i] = t;
    permute(s, k + 1, n);
    t = s[k]; s[k] = s[i]; s[i] = t;
  }
}

int main(void)
{
  CHECK_EQ(ack(2, 3), 9);
  CHECK_EQ(ack(3, 3), 61);
  CHECK_EQ(ack(3, 5), 253);
  CHECK_EQ(fib(25), 75025);
  CHECK(is_even(10000) && is_odd(7777));
  volatile long sink = 0;
  CHECK_EQ(deep(100000, &sink), 100000);
  CHECK_EQ(sink, 100000L * 100001 / 2 + 100000);  /* sum of pad[1] = n+1 for n = 1..100000 */
  CHECK_EQ(hanoi(16, 1, 3, 2), 65535);
  char s[] = "abcdefg";
  permute(s, 0, 7);
  CHECK_EQ(perm_count, 5040);
  printf("ack(3,5)=%lu fib(25)=%ld hanoi(16)=%ld perms=%d sig=%d\n", ack(3, 5), fib(25),
         hanoi(16, 1, 3, 2), perm_count, perm_sig);
  return done("recursion");
}
