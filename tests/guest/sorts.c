/* sorts.c - hand-written sorting algorithms (insertion, shell, heap,
 * merge, quick with median of three, radix on uint32) on random, sorted,
 * reversed and few-distinct inputs; each result must be sorted and a
 * permutation of the input (order-independent checksum). */
#include "check.h"

typedef void (*sortfn)(int *, int);

static void insertion(int *a, int n)
{
  for (int i = 1; i < n; i++) {
    int v = a[i], j = i - 1;
    while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}
static void shell(int *a, int n)
{
  for (int gap = n / 2; gap > 0; gap /= 2)
    for (int i = gap; i < n; i++) {
      int v = a[i], j = i;
      while (j >= gap && a[j - gap] > v) { a[j] = a[j - gap]; j -= gap; }
      a[j] = v;
    }
}
static void sift(int *a, int i, int n)
{
  for (;;) {
    int m = i, l = 2 * i + 1, r = l + 1;
    if (l < n && a[l] > a[m]) m = l;
    if (r < n && a[r] > a[m]) m = r;
    if (m == i) return;
    int t = a[i]; a[i] = a[m]; a[m] = t;
    i = m;
  }
}
static void heap(int *a, int n)
{
  for (int i = n / 2 - 1; i >= 0; i--) sift(a, i, n);
  for (int e = n - 1; e > 0; e--) { int t = a[0]; a[0] = a[e]; a[e] = t; sift(a, 0, e); }
}
static int tmp[1 << 16];
static void merge_rec(int *a, int lo, int hi)
{
  if (hi - lo < 2) return;
  int mid = (lo + hi) / 2;
  merge_rec(a, lo, mid);
  merge_rec(a, mid, hi);
  int i = lo, j = mid, k = lo;
  while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < mid) tmp[k++] = a[i++];
  while (j < hi) tmp[k++] = a[j++];
  memcpy(a + lo, tmp + lo, (hi - lo) * sizeof *a);
}
static void merge(int *a, int n) { merge_rec(a, 0, n); }
static void quick_rec(int *a, int lo, int hi)
{
  while (hi - lo > 16) {
    int mid = lo + (hi - lo) / 2;
    int x = a[lo], y = a[mid], z = a[hi - 1];
    int p = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    int i = lo, j = hi - 1;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quick_rec(a, lo, j + 1); lo = i; }
    else { quick_rec(a, i, hi); hi = j + 1; }
  }
  for (int i = lo + 1; i < hi; i++) {
    int v = a[i], j = i - 1;
    while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}
static void quick(int *a, int n) { quick_rec(a, 0, n); }
static void radix(int *a, int n)
{
  /* LSD radix on the value with the sign bit flipped */
  unsigned *u = (unsigned *)a, *o = (unsigned *)tmp;
  for (int i = 0; i < n; i++) u[i] ^= 0x80000000u;
  for (int shift = 0; shift < 32; shift += 8) {
    int cnt[257] = { 0 };
    for (int i = 0; i < n; i++) cnt[(u[i] >> shift & 0xff) + 1]++;
    for (int i = 0; i < 256; i++) cnt[i + 1] += cnt[i];
    for (int i = 0; i < n; i++) o[cnt[u[i] >> shift & 0xff]++] = u[i];
    memcpy(u, o, n * sizeof *u);
  }
  for (int i = 0; i < n; i++) u[i] ^= 0x80000000u;
}

static uint64_t seed = 88172645463325252ull;
static int rnd(void) { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return (int)(seed >> 32); }

static uint64_t multiset_hash(const int *a, int n)
{
  uint64_t h = 0;
  for (int i = 0; i < n; i++) {
    uint64_t x = (uint32_t)a[i] * 0x9e3779b97f4a7c15ull;
    h += x ^ (x >> 29);
  }
  return h;
}

int main(void)
{
  static const struct { const char *name; sortfn f; int maxn; } algs[] = {
    { "insertion", insertion, 1000 }, { "shell", shell, 8000 }, { "heap", heap, 8000 },
    { "merge", merge, 8000 }, { "quick", quick, 8000 }, { "radix", radix, 8000 },
  };
  static int a[1 << 16];
  for (unsigned k = 0; k < sizeof algs / sizeof algs[0]; k++) {
    for (int kind = 0; kind < 4; kind++) {
      int n = algs[k].maxn;
      for (int i = 0; i < n; i++)
        a[i] = kind == 0 ? rnd() : kind == 1 ? i * 3 - n : kind == 2 ? n - i : rnd() % 5;
      uint64_t h0 = multiset_hash(a, n);
      algs[k].f(a, n);
      int sorted = 1;
      for (int i = 1; i < n; i++)
        sorted &= a[i - 1] <= a[i];
      CHECK(sorted);
      CHECK_EQ(multiset_hash(a, n), h0);
      if (kind == 0)
        printf("%-9s n=%5d min=%11d median=%11d max=%11d\n", algs[k].name, n, a[0], a[n / 2], a[n - 1]);
    }
  }
  return done("sorts");
}
