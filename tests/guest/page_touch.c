/* page_touch.c - demand paging and TLB reach: a 64 MiB anonymous mapping
 * and a 16 MiB heap array are touched with several strides (one byte per
 * page, per 64 KiB, random pages, sequential words), every value read back
 * and checked; a pointer chase through a random cycle of pages. */
#include <sys/mman.h>
#include "check.h"

static uint64_t s = 0x853c49e6748fea9bull;
static uint64_t rnd(void) { s ^= s << 7; s ^= s >> 9; return s; }

int main(void)
{
  size_t len = 64u << 20, pages = len / 4096;
  unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  if (m == MAP_FAILED)
    return done("page_touch");
  /* first touch of every page, writing its number into the page */
  for (size_t p = 0; p < pages; p++)
    *(uint32_t *)(m + p * 4096 + (p * 64) % 4096) = (uint32_t)p;
  int bad = 0;
  for (size_t p = pages; p-- > 0;)
    bad += *(uint32_t *)(m + p * 4096 + (p * 64) % 4096) != (uint32_t)p;
  CHECK_EQ(bad, 0);
  /* untouched bytes of touched pages are zero */
  bad = 0;
  for (size_t p = 0; p < pages; p += 97)
    bad += m[p * 4096 + ((p * 64) % 4096 + 8) % 4096] != 0;
  CHECK_EQ(bad, 0);
  /* random pages, read-modify-write */
  for (int i = 0; i < 20000; i++) {
    size_t p = rnd() % pages;
    (*(uint32_t *)(m + p * 4096 + (p * 64) % 4096)) += 1u << 24;
  }
  uint64_t sum = 0;
  for (size_t p = 0; p < pages; p++)
    sum += *(uint32_t *)(m + p * 4096 + (p * 64) % 4096);
  printf("page sum = %llu\n", (unsigned long long)sum);
  CHECK_EQ(sum, (uint64_t)pages * (pages - 1) / 2 + 20000ull * (1u << 24));
  /* pointer chase: a random cyclic permutation of pages */
  size_t np = 4096;                        /* 16 MiB worth of pages */
  size_t *perm = malloc(np * sizeof *perm);
  for (size_t i = 0; i < np; i++)
    perm[i] = i;
  for (size_t i = np - 1; i > 0; i--) {    /* Sattolo: one single cycle */
    size_t j = rnd() % i, t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  unsigned char *h = malloc(np * 4096);
  for (size_t i = 0; i < np; i++)
    *(size_t *)(h + i * 4096) = perm[i];
  size_t cur = 0, steps = 0;
  do {
    cur = *(size_t *)(h + cur * 4096);
    steps++;
  } while (cur != 0 && steps <= np);
  CHECK_EQ(steps, np);
  /* sequential word stream over 4 MiB */
  uint64_t *w = (uint64_t *)(m + (8u << 20));
  for (size_t i = 0; i < (4u << 20) / 8; i++)
    w[i] = i * 0x9e3779b97f4a7c15ull;
  uint64_t x = 0;
  for (size_t i = 0; i < (4u << 20) / 8; i++)
    x ^= w[i] + i;
  printf("stream xor = %016llx\n", (unsigned long long)x);
  munmap(m, len);
  free(h);
  free(perm);
  return done("page_touch");
}
