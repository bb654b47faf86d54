/* lat_chase.c - memory latency by pointer chasing, one dependent load at a
 * time.  For each working-set size (KiB, the arguments), a random cyclic
 * chain through every 64-byte line of a buffer backed by transparent huge
 * pages (MADV_HUGEPAGE: no TLB misses to blur the levels); the chain is
 * walked once to warm up, then timed with clock_gettime, which under mmsim
 * is simulated time.  Prints "KIB NS_PER_HOP" per size.  The same cyclic
 * order each round thrashes every cache level smaller than the set (LRU),
 * so each size measures one level's latency.  Not a diff test: under qemu
 * the times are the host's. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define LINE 64
#define HUGE (2u << 20)

static uint64_t s = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

static double now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
  size_t max = 0;
  for (int i = 1; i < argc; i++)
    if ((size_t)atol(argv[i]) << 10 > max)
      max = (size_t)atol(argv[i]) << 10;
  if (!max) {
    fprintf(stderr, "usage: lat_chase KIB...\n");
    return 2;
  }
  size_t span = (max + HUGE - 1) / HUGE * HUGE + HUGE;
  unsigned char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    return 1;
  unsigned char *buf = (unsigned char *)(((uintptr_t)raw + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
  madvise(buf, span - HUGE, MADV_HUGEPAGE);
  uint32_t *order = malloc(max / LINE * sizeof(*order));
  if (!order)
    return 1;
  for (int a = 1; a < argc; a++) {
    size_t size = (size_t)atol(argv[a]) << 10, n = size / LINE;
    if (n < 2)
      continue;
    for (size_t i = 0; i < n; i++)
      order[i] = (uint32_t)i;
    for (size_t i = n - 1; i > 0; i--) {   /* Sattolo: one cycle */
      size_t j = rnd() % i;
      uint32_t t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (size_t i = 0; i < n; i++)
      *(void **)(buf + (size_t)order[i] * LINE) = buf + (size_t)order[(i + 1) % n] * LINE;
    void **p = (void **)(buf + (size_t)order[0] * LINE);
    for (size_t i = 0; i < n; i++)
      p = *p;
    size_t hops = n * 2 > 40000 ? n * 2 : 40000;
    hops = (hops + 7) / 8 * 8;
    double t0 = now_ns();
    for (size_t i = 0; i < hops; i += 8) {
      p = *p; p = *p; p = *p; p = *p;
      p = *p; p = *p; p = *p; p = *p;
    }
    double t1 = now_ns();
    printf("%zu %.3f%s\n", size >> 10, (t1 - t0) / (double)hops, p ? "" : " ");
  }
  return 0;
}
