/* zbb_compiled.c - ordinary C that GCC turns into Zba/Zbb instructions at
 * -O2 -march=rv64gc_zba_zbb (builtins for clz/ctz/popcount/bswap, rotate
 * idioms, min/max, array indexing with shNadd, zero-extension), checked
 * against plain reference loops and known values; results are printed. */
#include "check.h"

static int ref_clz(uint64_t x) { int n = 0; for (int i = 63; i >= 0 && !(x >> i & 1); i--) n++; return n; }
static int ref_ctz(uint64_t x) { int n = 0; for (int i = 0; i < 64 && !(x >> i & 1); i++) n++; return n; }
static int ref_pop(uint64_t x) { int n = 0; while (x) { n += x & 1; x >>= 1; } return n; }
static uint64_t rotl(uint64_t x, unsigned s) { return (x << (s & 63)) | (x >> (-s & 63)); }
static uint32_t rotr32(uint32_t x, unsigned s) { return (x >> (s & 31)) | (x << (-s & 31)); }

__attribute__((noinline)) static uint64_t index3(const uint64_t *a, uint32_t i) { return a[i]; }
__attribute__((noinline)) static int64_t smax(int64_t a, int64_t b) { return a > b ? a : b; }
__attribute__((noinline)) static uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }

int main(void)
{
  uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;
  for (int i = 0; i < 2000; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    uint64_t v = x >> (i % 64);
    if (v) {
      CHECK_EQ(__builtin_clzll(v), ref_clz(v));
      CHECK_EQ(__builtin_ctzll(v), ref_ctz(v));
    }
    CHECK_EQ(__builtin_popcountll(v), ref_pop(v));
    acc += __builtin_popcountll(v) + rotl(v, i) + __builtin_bswap64(v) + rotr32((uint32_t)v, i);
  }
  printf("mix = %016llx\n", (unsigned long long)acc);
  CHECK_EQ(__builtin_bswap32(0x11223344u), 0x44332211u);
  CHECK_EQ(__builtin_bswap16(0xabcd), 0xcdab);
  CHECK_EQ(__builtin_clz(1u), 31);
  CHECK_EQ(__builtin_ctz(0x80000000u), 31);
  CHECK_EQ(__builtin_popcount(0xf0f0f0f0u), 16);
  static uint64_t table[16];
  for (int i = 0; i < 16; i++)
    table[i] = (uint64_t)i * i;
  CHECK_EQ(index3(table, 9), 81);
  CHECK_EQ(smax(-5, 3), 3);
  CHECK_EQ(umin((uint64_t)-5, 3), 3);
  volatile uint32_t w = 0xfffffff0u;
  uint64_t zext = w;
  CHECK_EQ(zext, 0xfffffff0ull);
  volatile int8_t sb = -3;
  volatile int16_t sh = -300;
  CHECK_EQ((int64_t)sb, (uint64_t)-3);
  CHECK_EQ((int64_t)sh, (uint64_t)-300);
  CHECK_EQ((uint64_t)(uint16_t)sh, 65236);
  CHECK_EQ(~0x0full & 0xffull, 0xf0);
  return done("zbb_compiled");
}
