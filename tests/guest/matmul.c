/* matmul.c - double-precision matrix multiply: naive, transposed and
 * blocked versions of C = A*B agree exactly on integer-valued matrices
 * whose product has a closed form; on a non-integer matrix the results
 * are printed with %.17g (identical rounding under any correct hart);
 * plus a Gaussian elimination solve of a small system. */
#include <math.h>
#include "check.h"

#define N 96
static double A[N][N], B[N][N], C1[N][N], C2[N][N], C3[N][N], BT[N][N];

static void mm_naive(double c[N][N])
{
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double s = 0;
      for (int k = 0; k < N; k++)
        s += A[i][k] * B[k][j];
      c[i][j] = s;
    }
}
static void mm_transposed(double c[N][N])
{
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      BT[j][i] = B[i][j];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double s = 0;
      for (int k = 0; k < N; k++)
        s += A[i][k] * BT[j][k];
      c[i][j] = s;
    }
}
static void mm_blocked(double c[N][N])
{
  memset(c, 0, sizeof(double) * N * N);
  for (int ii = 0; ii < N; ii += 16)
    for (int kk = 0; kk < N; kk += 16)
      for (int jj = 0; jj < N; jj += 16)
        for (int i = ii; i < ii + 16; i++)
          for (int k = kk; k < kk + 16; k++) {
            double a = A[i][k];
            for (int j = jj; j < jj + 16; j++)
              c[i][j] += a * B[k][j];
          }
}

int main(void)
{
  /* A[i][k] = i - k, B[k][j] = k + j: C[i][j] = sum_k (i-k)(k+j), exact in double */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = i - j;
      B[i][j] = i + j;
    }
  mm_naive(C1);
  mm_transposed(C2);
  mm_blocked(C3);
  int ok = 1;
  long long s1 = (long long)N * (N - 1) / 2;                    /* sum k   */
  long long s2 = (long long)(N - 1) * N * (2 * N - 1) / 6;      /* sum k^2 */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      long long want = (long long)i * j * N + (long long)(i - j) * s1 - s2;
      ok &= C1[i][j] == (double)want && C2[i][j] == C1[i][j] && C3[i][j] == C1[i][j];
    }
  CHECK(ok);
  /* non-integer data: print a checksum with full precision */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = sin(i * 0.37 + j * 0.11);
      B[i][j] = 1.0 / (1.0 + i + 2.0 * j);
    }
  mm_naive(C1);
  double tr = 0, fro = 0;
  for (int i = 0; i < N; i++) {
    tr += C1[i][i];
    for (int j = 0; j < N; j++)
      fro += C1[i][j] * C1[i][j];
  }
  printf("trace = %.17g\nfrobenius^2 = %.17g\n", tr, fro);
  mm_transposed(C2);
  double maxdiff = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      maxdiff = fmax(maxdiff, fabs(C1[i][j] - C2[i][j]));
  CHECK(maxdiff < 1e-12);
  /* solve M x = b with partial pivoting; x = (1, 2, 3, 4) */
  double M[4][5] = { { 2, 1, -1, 3, 0 }, { -3, -1, 2, 1, 0 }, { -2, 1, 2, 5, 0 }, { 1, 4, 3, -2, 0 } };
  for (int i = 0; i < 4; i++)
    M[i][4] = M[i][0] * 1 + M[i][1] * 2 + M[i][2] * 3 + M[i][3] * 4;
  for (int c = 0; c < 4; c++) {
    int p = c;
    for (int r = c + 1; r < 4; r++)
      if (fabs(M[r][c]) > fabs(M[p][c]))
        p = r;
    for (int k = 0; k < 5; k++) { double t = M[c][k]; M[c][k] = M[p][k]; M[p][k] = t; }
    for (int r = 0; r < 4; r++)
      if (r != c) {
        double f = M[r][c] / M[c][c];
        for (int k = c; k < 5; k++)
          M[r][k] -= f * M[c][k];
      }
  }
  for (int i = 0; i < 4; i++) {
    double x = M[i][4] / M[i][i];
    printf("x%d = %.15f\n", i, x);
    CHECK(fabs(x - (i + 1)) < 1e-12);
  }
  return done("matmul");
}
