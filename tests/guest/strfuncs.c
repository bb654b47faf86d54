/* strfuncs.c - glibc string and memory functions (vectorised/word-wise
 * implementations) on every combination of source/destination alignment
 * 0..15 and many lengths, against byte-by-byte reference loops: memcpy,
 * memmove (both overlap directions), memset, memcmp, memchr, memrchr,
 * strlen, strnlen, strcpy, strncpy, strcat, strcmp, strncmp, strchr,
 * strrchr, strstr, strspn, strcspn, strtok_r, strdup. */
#define _GNU_SOURCE
#include "check.h"

static unsigned char src[1024], dst[1024], ref[1024];

static unsigned char pats[31][1024];
static void make_patterns(void)
{
  for (unsigned seed = 0; seed < 31; seed++)
    for (size_t i = 0; i < 1024; i++)
      pats[seed][i] = (unsigned char)((i * 131 + seed * 17) % 251 + 1);   /* never 0 */
}
static void pattern(unsigned char *p, size_t n, unsigned seed) { memcpy(p, pats[seed], n); }

int main(void)
{
  static const size_t lens[] = { 0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 255, 256, 300 };
  enum { NL = sizeof lens / sizeof lens[0] };
  make_patterns();
  int bad_cpy = 0, bad_move = 0, bad_set = 0, bad_cmp = 0, bad_chr = 0, bad_len = 0, bad_str = 0;
  for (int so = 0; so < 16; so++)
    for (int dof = 0; dof < 16; dof++)
      for (int li = 0; li < NL; li++) {
        size_t n = lens[li];
        if (n > 300)
          __builtin_unreachable();   /* tells GCC the bound: no bogus -Wstringop warnings */
        pattern(src, sizeof src, so + dof);
        memset(dst, 0xee, sizeof dst);
        memcpy(dst + dof, src + so, n);
        for (size_t i = 0; i < dof + n + 16; i++) {
          unsigned char want = (i >= (size_t)dof && i < dof + n) ? src[so + i - dof] : 0xee;
          bad_cpy += dst[i] != want;
        }
        /* memmove with overlap in both directions inside one buffer */
        pattern(dst, sizeof dst, 3);
        memcpy(ref, dst, sizeof ref);
        memmove(dst + dof, dst + so, n);
        unsigned char tmpb[1024];
        memcpy(tmpb, ref + so, n);
        memcpy(ref + dof, tmpb, n);
        bad_move += memcmp(dst, ref, sizeof dst) != 0;
        /* memset */
        memset(dst, 0x11, sizeof dst);
        memset(dst + dof, so, n);
        for (size_t i = 0; i < dof + n + 16; i++)
          bad_set += dst[i] != ((i >= (size_t)dof && i < dof + n) ? so : 0x11);
        /* memcmp: equal, then differ at the last byte */
        pattern(dst, sizeof dst, so + dof);
        memcpy(dst + dof, src + so, n);
        bad_cmp += memcmp(dst + dof, src + so, n) != 0;
        if (n) {
          dst[dof + n - 1]++;
          bad_cmp += memcmp(dst + dof, src + so, n) <= 0;
          dst[dof + n - 1] -= 2;
          bad_cmp += memcmp(dst + dof, src + so, n) >= 0;
        }
        /* memchr / strlen / strchr on a string at offset so of length n */
        pattern(dst, sizeof dst, 1);
        for (size_t i = 0; i < n; i++)
          if (dst[so + i] == 0x7f) dst[so + i] = 0x80;
        dst[so + n] = 0;
        bad_len += strlen((char *)dst + so) != n;
        bad_len += strnlen((char *)dst + so, n / 2) != n / 2;
        if (n > 2) {
          dst[so + n - 2] = 0x7f;
          bad_chr += memchr(dst + so, 0x7f, n) != dst + so + n - 2;
          bad_chr += (unsigned char *)strchr((char *)dst + so, 0x7f) != dst + so + n - 2;
          bad_chr += (unsigned char *)strrchr((char *)dst + so, 0x7f) != dst + so + n - 2;
          bad_chr += memrchr(dst + so, 0x7f, n) != dst + so + n - 2;
          bad_chr += memchr(dst + so, 0x7f, n - 2) != NULL;
        }
        bad_chr += strchr((char *)dst + so, 0) != (char *)dst + so + n;
        /* strcpy / strcmp with different alignments */
        char *s1 = (char *)dst + so, *s2 = (char *)ref + dof;
        strcpy(s2, s1);
        bad_str += strcmp(s1, s2) != 0;
        bad_str += strncmp(s1, s2, n + 5) != 0;
        if (n && (unsigned char)s1[n - 1] > 1) {
          s2[n - 1] = 1;
          bad_str += strcmp(s1, s2) <= 0;
          bad_str += strncmp(s1, s2, n - 1) != 0;
        }
      }
  CHECK_EQ(bad_cpy, 0);
  CHECK_EQ(bad_move, 0);
  CHECK_EQ(bad_set, 0);
  CHECK_EQ(bad_cmp, 0);
  CHECK_EQ(bad_chr, 0);
  CHECK_EQ(bad_len, 0);
  CHECK_EQ(bad_str, 0);
  /* assorted functions with fixed answers */
  char buf[128];
  strcpy(buf, "hello");
  strcat(buf, ", ");
  const char *volatile tail = "world!!!";
  strncat(buf, tail, 6);
  CHECK_STR(buf, "hello, world!");
  memset(buf, 'x', sizeof buf);
  strncpy(buf, "abc", 6);
  CHECK(buf[3] == 0 && buf[5] == 0 && buf[6] == 'x');
  CHECK_STR(strstr("the needle in the haystack", "hay"), "haystack");
  CHECK(strstr("aaaaaaaaab", "aaab") != NULL);
  CHECK(strstr("abc", "abd") == NULL);
  CHECK_EQ(strspn("  \t  xyz", " \t"), 5);
  CHECK_EQ(strcspn("key=value", "=:"), 3);
  CHECK(strcmp("abc", "abd") < 0 && strcmp("b", "abc") > 0 && strcmp("", "") == 0);
  CHECK(strcmp("\x80", "\x01") > 0);                 /* compared as unsigned char */
  CHECK(strcasecmp("HeLLo", "hello") == 0);
  char line[] = "a,b,,c;d";
  char *save, *tok;
  int ntok = 0;
  char joined[32] = "";
  for (tok = strtok_r(line, ",;", &save); tok; tok = strtok_r(NULL, ",;", &save)) {
    strcat(joined, tok);
    strcat(joined, "|");
    ntok++;
  }
  CHECK_EQ(ntok, 4);
  CHECK_STR(joined, "a|b|c|d|");
  char *d = strdup("duplicate me");
  CHECK_STR(d, "duplicate me");
  free(d);
  /* a long string: strlen over 1 MiB */
  char *big = malloc(1 << 20);
  memset(big, 'q', (1 << 20) - 1);
  big[(1 << 20) - 1] = 0;
  CHECK_EQ(strlen(big), (1 << 20) - 1);
  CHECK(memchr(big, 0, 1 << 20) == big + (1 << 20) - 1);
  free(big);
  return done("strfuncs");
}
