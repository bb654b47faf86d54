/* fpmark: a floating-point workload of our own, for simulation speed:
 * double matrix multiply, an n-body step (sqrt and division), a polynomial
 * series in single precision, and int<->float conversions.  Prints checksums
 * rounded to a few digits (identical on any IEEE-754 RV64GC machine).
 * Usage: fpmark [ITERATIONS]  (default 40) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define N 32
static double a[N][N], b[N][N], c[N][N];

static double matmul(int it)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)((i * 7 + j * 3 + it) % 17) / 8.0 - 1.0;
            b[i][j] = (double)((i * 5 + j * 11 + it) % 13) / 4.0 - 1.5;
        }
    double tr = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < N; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
    for (int i = 0; i < N; i++)
        tr += c[i][i];
    return tr;
}

#define BODIES 16
static double px[BODIES], py[BODIES], vx[BODIES], vy[BODIES], m[BODIES];

static double nbody(int steps)
{
    for (int i = 0; i < BODIES; i++) {
        px[i] = cos(i * 0.4) * (1 + i);
        py[i] = sin(i * 0.4) * (1 + i);
        vx[i] = vy[i] = 0;
        m[i] = 1.0 + (i % 3);
    }
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < BODIES; i++) {
            double fx = 0, fy = 0;
            for (int j = 0; j < BODIES; j++) {
                if (i == j)
                    continue;
                double dx = px[j] - px[i], dy = py[j] - py[i];
                double d2 = dx * dx + dy * dy + 0.01;
                double inv = m[j] / (d2 * sqrt(d2));
                fx += dx * inv;
                fy += dy * inv;
            }
            vx[i] += 0.001 * fx;
            vy[i] += 0.001 * fy;
        }
        for (int i = 0; i < BODIES; i++) {
            px[i] += 0.001 * vx[i];
            py[i] += 0.001 * vy[i];
        }
    }
    double e = 0;
    for (int i = 0; i < BODIES; i++)
        e += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i]);
    return e;
}

static float series(int terms)
{
    float x = 0.5f, s = 0, p = 1;
    for (int k = 1; k <= terms; k++) {
        p *= x;
        s += p / (float)k;
        s = fmaf(s, 0.999f, 1e-6f);
    }
    return s;
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 40;
    double tr = 0, en = 0;
    float se = 0;
    long conv = 0;
    for (int it = 0; it < iters; it++) {
        tr += matmul(it);
        en += nbody(20);
        se += series(200);
        for (int k = 0; k < 200; k++)
            conv += (long)((double)(k * it) * 0.37) + (long)(float)(k - it);
    }
    printf("fpmark: %d iterations, trace %.6e energy %.6e series %.5f conv %ld\n", iters, tr, en,
           (double)se, conv);
    return 0;
}
