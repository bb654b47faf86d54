/* bigstack.c - large stack frames: a 2 MiB local array touched page by
 * page from the top down and bottom up, nested 256 KiB frames 8 deep, and
 * alloca; the stack grows on demand under the 8 MiB default rlimit. */
#include <alloca.h>
#include "check.h"

__attribute__((noinline)) static uint64_t frame(int depth)
{
  volatile unsigned char buf[256 * 1024];
  for (size_t i = 0; i < sizeof buf; i += 512)
    buf[i] = (unsigned char)(i / 512 + depth);
  uint64_t sum = 0;
  if (depth < 8)
    sum = frame(depth + 1);
  for (size_t i = 0; i < sizeof buf; i += 512)
    sum += buf[i];
  return sum;
}

__attribute__((noinline)) static uint64_t big(void)
{
  volatile uint64_t arr[256 * 1024];        /* 2 MiB */
  for (long i = (long)(sizeof arr / sizeof arr[0]) - 1; i >= 0; i -= 512)
    arr[i] = (uint64_t)i;
  uint64_t sum = 0;
  for (size_t i = 511; i < sizeof arr / sizeof arr[0]; i += 512)
    sum += arr[i];
  return sum;
}

__attribute__((noinline)) static unsigned with_alloca(size_t n)
{
  unsigned char *p = alloca(n);
  memset(p, 3, n);
  unsigned s = 0;
  for (size_t i = 0; i < n; i += 97)
    s += p[i];
  return s;
}

int main(void)
{
  /* sum over i = 511, 1023, ...: 512 terms of 512k-1 */
  uint64_t want = 0;
  for (uint64_t k = 1; k <= 512; k++)
    want += 512 * k - 1;
  CHECK_EQ(big(), want);
  uint64_t fw = 0;
  for (int d = 1; d <= 8; d++)
    for (size_t i = 0; i < 256 * 1024; i += 512)
      fw += (unsigned char)(i / 512 + d);
  CHECK_EQ(frame(1), fw);
  CHECK_EQ(with_alloca(1 << 20), 3u * ((1u << 20) + 96) / 97);
  printf("big=%llu frames=%llu\n", (unsigned long long)want, (unsigned long long)fw);
  return done("bigstack");
}
