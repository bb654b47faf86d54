/* sieve.c - sieve of Eratosthenes on a byte array and on a bit array.
 *   sieve [N]   (default 1000000)
 * Prints pi(N), the largest prime below N and a checksum; known counts
 * (pi(10^k)) are checked for the usual N. */
#include "check.h"

int main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  if (n < 2 || n > 100000000) {
    printf("bad N\n");
    return 2;
  }
  unsigned char *comp = calloc(n, 1);
  for (long i = 2; i * i < n; i++)
    if (!comp[i])
      for (long j = i * i; j < n; j += i)
        comp[j] = 1;
  long count = 0, last = 0;
  uint64_t sum = 0;
  for (long i = 2; i < n; i++)
    if (!comp[i]) {
      count++;
      last = i;
      sum += (uint64_t)i;
    }
  /* odd-only bit sieve must agree */
  size_t bits = (size_t)(n / 2) + 1;
  uint64_t *bs = calloc(bits / 64 + 1, 8);
  for (long i = 3; i * i < n; i += 2)
    if (!(bs[i / 2 / 64] >> (i / 2 % 64) & 1))
      for (long j = i * i; j < n; j += 2 * i)
        bs[j / 2 / 64] |= 1ull << (j / 2 % 64);
  long count2 = n > 2 ? 1 : 0;
  for (long i = 3; i < n; i += 2)
    count2 += !(bs[i / 2 / 64] >> (i / 2 % 64) & 1);
  CHECK_EQ(count2, count);
  static const long known[][2] = { { 10, 4 }, { 100, 25 }, { 1000, 168 }, { 10000, 1229 },
                                   { 100000, 9592 }, { 1000000, 78498 }, { 2000000, 148933 },
                                   { 10000000, 664579 } };
  for (unsigned i = 0; i < sizeof known / sizeof known[0]; i++)
    if (known[i][0] == n)
      CHECK_EQ(count, known[i][1]);
  printf("pi(%ld) = %ld, largest prime %ld, sum %llu\n", n, count, last, (unsigned long long)sum);
  free(comp);
  free(bs);
  return done("sieve");
}
