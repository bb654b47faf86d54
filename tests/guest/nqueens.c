/* nqueens.c - count N-queens solutions with bitmask backtracking and with
 * a plain array version; known counts for N = 1..12 are checked.
 *   nqueens [N]   (default 8) */
#include "check.h"

static long solve_bits(int n, unsigned cols, unsigned d1, unsigned d2)
{
  unsigned full = (1u << n) - 1;
  if (cols == full)
    return 1;
  long c = 0;
  for (unsigned avail = full & ~(cols | d1 | d2); avail; avail &= avail - 1) {
    unsigned b = avail & -avail;
    c += solve_bits(n, cols | b, (d1 | b) << 1 & full, (d2 | b) >> 1);
  }
  return c;
}

static int pos[16];
static long solve_array(int row, int n)
{
  if (row == n)
    return 1;
  long c = 0;
  for (int col = 0; col < n; col++) {
    int ok = 1;
    for (int r = 0; r < row && ok; r++)
      ok = pos[r] != col && abs(pos[r] - col) != row - r;
    if (ok) {
      pos[row] = col;
      c += solve_array(row + 1, n);
    }
  }
  return c;
}

int main(int argc, char **argv)
{
  int n = argc > 1 ? atoi(argv[1]) : 8;
  if (n < 1 || n > 14)
    return 2;
  static const long known[] = { 0, 1, 0, 0, 2, 10, 4, 40, 92, 352, 724, 2680, 14200, 73712, 365596 };
  long a = solve_bits(n, 0, 0, 0);
  CHECK_EQ(a, known[n]);
  if (n <= 10)
    CHECK_EQ(solve_array(0, n), a);
  printf("%d-queens: %ld solutions\n", n, a);
  return done("nqueens");
}
