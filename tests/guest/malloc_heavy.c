/* malloc_heavy.c - many malloc/calloc/realloc/free calls of random sizes
 * (small bins to mmap-sized blocks), every block filled with a pattern
 * derived from its id and verified before it is freed or resized;
 * posix_memalign / aligned_alloc alignment; calloc zeroing. */
#include "check.h"

#define SLOTS 512
static unsigned char *blk[SLOTS];
static size_t len[SLOTS];
static unsigned tag[SLOTS];

static uint64_t s = 0x243f6a8885a308d3ull;
static uint64_t rnd(void) { s ^= s >> 12; s ^= s << 25; s ^= s >> 27; return s * 2685821657736338717ull; }

static void fill(int i) { for (size_t k = 0; k < len[i]; k++) blk[i][k] = (unsigned char)(tag[i] + k * 13); }
static int verify(int i, size_t n) { for (size_t k = 0; k < n; k++) if (blk[i][k] != (unsigned char)(tag[i] + k * 13)) return 0; return 1; }

static size_t pick_size(void)
{
  uint64_t r = rnd();
  if (r % 128 == 0)
    return r >> 40 & 0x3ffff;                   /* up to 256 KiB: mmap threshold */
  switch (r % 16) {
  case 1: case 2: return r >> 40 & 0xfff;
  default: return r >> 40 & 0x7f;
  }
}

int main(void)
{
  int bad = 0, ops = 0;
  size_t peak = 0, live = 0;
  for (int step = 0; step < 12000; step++) {
    int i = rnd() % SLOTS;
    uint64_t what = rnd() % 10;
    if (!blk[i]) {
      len[i] = pick_size();
      tag[i] = step;
      blk[i] = what < 2 ? calloc(1, len[i] ? len[i] : 1) : malloc(len[i] ? len[i] : 1);
      if (!blk[i]) { bad++; continue; }
      if (what < 2)
        for (size_t k = 0; k < len[i]; k++)
          bad += blk[i][k] != 0;
      fill(i);
      live += len[i];
    } else if (what < 4) {
      size_t nl = pick_size();
      size_t keep = nl < len[i] ? nl : len[i];
      if (!verify(i, len[i]))
        bad++;
      unsigned char *p = realloc(blk[i], nl ? nl : 1);
      if (!p) { bad++; continue; }
      blk[i] = p;
      if (!verify(i, keep))
        bad++;
      live += nl - len[i];
      len[i] = nl;
      fill(i);
    } else {
      if (!verify(i, len[i]))
        bad++;
      free(blk[i]);
      blk[i] = NULL;
      live -= len[i];
    }
    if (live > peak)
      peak = live;
    ops++;
  }
  for (int i = 0; i < SLOTS; i++) {
    if (blk[i] && !verify(i, len[i]))
      bad++;
    free(blk[i]);
  }
  CHECK_EQ(bad, 0);
  printf("%d operations, peak live bytes %zu\n", ops, peak);
  /* alignment */
  for (size_t al = 8; al <= 65536; al *= 2) {
    void *p = NULL;
    CHECK_EQ(posix_memalign(&p, al, 100), 0);
    CHECK_EQ((uintptr_t)p % al, 0);
    memset(p, 0x5a, 100);
    free(p);
    p = aligned_alloc(al, al * 2);
    CHECK_EQ((uintptr_t)p % al, 0);
    free(p);
  }
  CHECK_EQ((uintptr_t)malloc(1) % 16, 0);
  /* a large block: 32 MiB, touched sparsely */
  unsigned char *big = malloc(32u << 20);
  CHECK(big != NULL);
  for (size_t k = 0; k < (32u << 20); k += 65536)
    big[k] = (unsigned char)(k >> 16);
  unsigned sum = 0;
  for (size_t k = 0; k < (32u << 20); k += 65536)
    sum += big[k];
  CHECK_EQ(sum, 255u * 256 / 2 * 2);
  free(big);
  free(NULL);
  CHECK(realloc(NULL, 10) != NULL);
  return done("malloc_heavy");
}
