/* crc32.c - CRC-32 (IEEE 802.3, reflected 0xEDB88320) known answers:
 * bitwise, table-driven and slicing-by-4 implementations agree, on the
 * standard check string "123456789" (0xCBF43926) and others; CRC-32C
 * (Castagnoli) check value 0xE3069283; Adler-32 of "Wikipedia". */
#include "check.h"

static uint32_t crc_bitwise(const void *p, size_t n, uint32_t poly)
{
  const unsigned char *s = p;
  uint32_t c = 0xffffffff;
  while (n--) {
    c ^= *s++;
    for (int k = 0; k < 8; k++)
      c = (c >> 1) ^ (poly & -(c & 1));
  }
  return ~c;
}

static uint32_t table[4][256];
static void make_tables(void)
{
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    table[0][i] = c;
  }
  for (int t = 1; t < 4; t++)
    for (int i = 0; i < 256; i++)
      table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
}

static uint32_t crc_table(const void *p, size_t n)
{
  const unsigned char *s = p;
  uint32_t c = 0xffffffff;
  while (n--)
    c = (c >> 8) ^ table[0][(c ^ *s++) & 0xff];
  return ~c;
}

static uint32_t crc_slice4(const void *p, size_t n)
{
  const unsigned char *s = p;
  uint32_t c = 0xffffffff;
  while (n >= 4) {
    c ^= (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
    c = table[3][c & 0xff] ^ table[2][(c >> 8) & 0xff] ^ table[1][(c >> 16) & 0xff] ^ table[0][c >> 24];
    s += 4;
    n -= 4;
  }
  while (n--)
    c = (c >> 8) ^ table[0][(c ^ *s++) & 0xff];
  return ~c;
}

static uint32_t adler32(const void *p, size_t n)
{
  const unsigned char *s = p;
  uint32_t a = 1, b = 0;
  while (n--) {
    a = (a + *s++) % 65521;
    b = (b + a) % 65521;
  }
  return b << 16 | a;
}

int main(void)
{
  make_tables();
  CHECK_EQ(crc_bitwise("123456789", 9, 0xedb88320u), 0xcbf43926u);
  CHECK_EQ(crc_table("123456789", 9), 0xcbf43926u);
  CHECK_EQ(crc_slice4("123456789", 9), 0xcbf43926u);
  CHECK_EQ(crc_bitwise("", 0, 0xedb88320u), 0);
  CHECK_EQ(crc_table("The quick brown fox jumps over the lazy dog", 43), 0x414fa339u);
  CHECK_EQ(crc_bitwise("123456789", 9, 0x82f63b78u), 0xe3069283u);   /* CRC-32C */
  CHECK_EQ(adler32("Wikipedia", 9), 0x11e60398u);
  /* a 1 MiB buffer: all three implementations agree */
  static unsigned char buf[1 << 20];
  uint32_t x = 1;
  for (size_t i = 0; i < sizeof buf; i++) {
    x = x * 1664525u + 1013904223u;
    buf[i] = x >> 24;
  }
  uint32_t a = crc_table(buf, sizeof buf), b = crc_slice4(buf, sizeof buf);
  CHECK_EQ(a, b);
  CHECK_EQ(crc_bitwise(buf, 4096, 0xedb88320u), crc_table(buf, 4096));
  /* unaligned starting points */
  for (int off = 1; off < 8; off++)
    CHECK_EQ(crc_slice4(buf + off, 1000 + off), crc_table(buf + off, 1000 + off));
  printf("crc32(1 MiB LCG bytes) = %08x, adler32 = %08x\n", a, adler32(buf, sizeof buf));
  return done("crc32");
}
