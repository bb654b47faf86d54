/* qsort_bsearch.c - libc qsort on ints, doubles, strings and structs
 * (stability is not assumed: ties broken by a key), bsearch hits and
 * misses, with printed checksums. */
#include "check.h"

struct rec { int key; int id; char name[12]; };

static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmp_dbl_desc(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x < y) - (x > y); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_rec(const void *a, const void *b)
{
  const struct rec *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

static uint32_t rng = 12345;
static uint32_t next(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

int main(void)
{
  enum { N = 20000 };
  static int a[N];
  for (int i = 0; i < N; i++)
    a[i] = (int)(next() % 100000) - 50000;
  qsort(a, N, sizeof a[0], cmp_int);
  int sorted = 1;
  long long sum = 0;
  for (int i = 0; i < N; i++) {
    sorted &= i == 0 || a[i - 1] <= a[i];
    sum += (long long)a[i] * (i % 7);
  }
  CHECK(sorted);
  printf("ints: min %d max %d weighted sum %lld\n", a[0], a[N - 1], sum);
  /* bsearch: every element is found, values between gaps are not */
  int found = 0, missing = 0;
  for (int v = -50000; v < 50000; v += 37) {
    int *p = bsearch(&v, a, N, sizeof a[0], cmp_int);
    if (p) {
      found++;
      CHECK_EQ(*p, v);
    } else {
      missing++;
    }
  }
  printf("bsearch: %d found, %d missing\n", found, missing);
  int below = -60000;
  CHECK(bsearch(&below, a, N, sizeof a[0], cmp_int) == NULL);
  /* doubles, descending */
  static double d[5000];
  for (int i = 0; i < 5000; i++)
    d[i] = (double)next() / 65536.0 - 128.0;
  qsort(d, 5000, sizeof d[0], cmp_dbl_desc);
  int desc = 1;
  for (int i = 1; i < 5000; i++)
    desc &= d[i - 1] >= d[i];
  CHECK(desc);
  printf("doubles: first %.6f last %.6f\n", d[0], d[4999]);
  /* strings */
  static const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "date", "elderberry",
                                 "grape", "kiwi", "lemon", "mango", "apple", "Zebra", "_under" };
  enum { W = sizeof words / sizeof words[0] };
  const char *w[W];
  memcpy(w, words, sizeof w);
  qsort(w, W, sizeof w[0], cmp_str);
  for (int i = 0; i < W; i++)
    printf("%s%s", w[i], i + 1 < W ? " " : "\n");
  const char *key = "lemon";
  const char **hit = bsearch(&key, w, W, sizeof w[0], cmp_str);
  CHECK(hit && !strcmp(*hit, "lemon"));
  /* structs with many equal keys */
  static struct rec r[3000];
  for (int i = 0; i < 3000; i++) {
    r[i].key = next() % 50;
    r[i].id = i;
    snprintf(r[i].name, sizeof r[i].name, "n%d", i);
  }
  qsort(r, 3000, sizeof r[0], cmp_rec);
  int ok = 1;
  unsigned h = 0;
  for (int i = 0; i < 3000; i++) {
    if (i)
      ok &= cmp_rec(&r[i - 1], &r[i]) < 0;
    h = h * 31 + r[i].id;
  }
  CHECK(ok);
  printf("records: first %s last %s hash %08x\n", r[0].name, r[2999].name, h);
  /* edge cases */
  qsort(a, 0, sizeof a[0], cmp_int);
  qsort(a, 1, sizeof a[0], cmp_int);
  return done("qsort_bsearch");
}
