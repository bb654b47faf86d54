/* stdin_stats.c - buffered stdin through stdio: scanf reads integers and
 * floating-point numbers from the stdin file until EOF, then prints count,
 * sum, min, max, mean and a histogram; with no input it says so. */
#include "check.h"

int main(void)
{
  long n = 0, isum = 0, imin = 0, imax = 0;
  double fsum = 0;
  char word[64];
  int hist[10] = { 0 };
  while (scanf("%63s", word) == 1) {
    char *end;
    long v = strtol(word, &end, 10);
    if (*end == '\0') {
      if (n == 0 || v < imin) imin = v;
      if (n == 0 || v > imax) imax = v;
      isum += v;
      hist[(v % 10 + 10) % 10]++;
      n++;
    } else {
      double d = strtod(word, &end);
      if (*end == '\0')
        fsum += d;
      else
        printf("skipping word \"%s\"\n", word);
    }
  }
  if (n == 0) {
    printf("no integers on stdin\n");
    return 0;
  }
  printf("integers: %ld, sum %ld, min %ld, max %ld, mean %.4f\n", n, isum, imin, imax, (double)isum / n);
  printf("sum of non-integer numbers: %.6f\n", fsum);
  printf("last digit histogram:");
  for (int i = 0; i < 10; i++)
    printf(" %d", hist[i]);
  printf("\n");
  CHECK(feof(stdin));
  CHECK(!ferror(stdin));
  return done("stdin_stats");
}
