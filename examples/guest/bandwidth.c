/* bandwidth: sustainable memory bandwidth with the four kernels STREAM made
 * standard (our own code, STREAM's conventions):
 *   copy   c = a            2 arrays moved per element (16 bytes)
 *   scale  b = s * c        16 bytes
 *   add    c = a + b        24 bytes
 *   triad  a = b + s * c    24 bytes
 * N threads each own a contiguous slice of the three arrays (and touch it
 * first, so under a first-touch policy each slice lives on its thread's
 * node).  Each repetition runs the four kernels in order, every kernel
 * between two barriers and timed by thread 0; the report gives the best
 * rate over the repetitions (the first one is a warm-up and not counted
 * when there are more than one), then checks every element against the
 * value the same arithmetic gives on scalars, as STREAM does.
 * With -m NODE the arrays are bound to NODE (mbind MPOL_BIND before the
 * first touch), for node-to-node bandwidth (`mmsim matrix --bandwidth`).
 * The ROI markers bracket the timed repetitions. */
#include "common.h"

#include <getopt.h>
#include <math.h>
#include <pthread.h>

#define SCALAR 3.0

enum { K_COPY, K_SCALE, K_ADD, K_TRIAD, NKERNELS };
static const char *const kernel_name[NKERNELS] = {"copy", "scale", "add", "triad"};
static const unsigned kernel_arrays[NKERNELS] = {2, 2, 3, 3};

static double *a, *b, *c;
static uint64_t n_elems;
static unsigned nthreads = 1, reps = 5;
static long first_cpu = -1, mem_node = -1;
static pthread_barrier_t barrier;
#define MAX_REPS 64
static double times[MAX_REPS][NKERNELS];        /* [rep][kernel], seconds */

static void sync_threads(void)
{
    if (nthreads > 1)
        pthread_barrier_wait(&barrier);
}

static void run_kernel(int k, uint64_t lo, uint64_t hi)
{
    double *restrict pa = a, *restrict pb = b, *restrict pc = c;
    switch (k) {
    case K_COPY:
        for (uint64_t j = lo; j < hi; j++)
            pc[j] = pa[j];
        break;
    case K_SCALE:
        for (uint64_t j = lo; j < hi; j++)
            pb[j] = SCALAR * pc[j];
        break;
    case K_ADD:
        for (uint64_t j = lo; j < hi; j++)
            pc[j] = pa[j] + pb[j];
        break;
    case K_TRIAD:
        for (uint64_t j = lo; j < hi; j++)
            pa[j] = pb[j] + SCALAR * pc[j];
        break;
    }
}

static void *worker(void *arg)
{
    unsigned id = (unsigned)(uintptr_t)arg;
    uint64_t lo = n_elems * id / nthreads, hi = n_elems * (id + 1) / nthreads;
    if (first_cpu >= 0)
        pin_cpu(first_cpu + (long)id);
    for (uint64_t j = lo; j < hi; j++) {    /* first touch by the owner */
        a[j] = 1.0;
        b[j] = 2.0;
        c[j] = 0.0;
    }
    sync_threads();
    if (id == 0)
        mmsim_roi_begin();
    for (unsigned r = 0; r < reps; r++) {
        for (int k = 0; k < NKERNELS; k++) {
            sync_threads();
            uint64_t t0 = id == 0 ? mmsim_now_ns() : 0;
            run_kernel(k, lo, hi);
            sync_threads();
            if (id == 0)
                times[r][k] = (double)(mmsim_now_ns() - t0) * 1e-9;
        }
    }
    if (id == 0)
        mmsim_roi_end();
    return NULL;
}

/* STREAM-style check: replay the arithmetic on scalars and compare the
 * average absolute error of each array against a relative bound. */
static int validate(void)
{
    double ea = 1.0, eb = 2.0, ec = 0.0;
    for (unsigned r = 0; r < reps; r++) {
        ec = ea;
        eb = SCALAR * ec;
        ec = ea + eb;
        ea = eb + SCALAR * ec;
    }
    double sa = 0, sb = 0, sc = 0;
    for (uint64_t j = 0; j < n_elems; j++) {
        sa += fabs(a[j] - ea);
        sb += fabs(b[j] - eb);
        sc += fabs(c[j] - ec);
    }
    const double eps = 1e-13;
    int ok = 1;
    const struct { const char *name; double avg, expect; } arr[3] = {
        {"a", sa / (double)n_elems, ea}, {"b", sb / (double)n_elems, eb}, {"c", sc / (double)n_elems, ec}};
    for (int i = 0; i < 3; i++) {
        if (fabs(arr[i].avg / arr[i].expect) > eps) {
            printf("validation: FAILED: array %s: average error %e, expected value %e\n",
                   arr[i].name, arr[i].avg, arr[i].expect);
            ok = 0;
        }
    }
    if (ok)
        printf("validation: passed (average relative error below %.0e on all three arrays)\n", eps);
    return ok;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: bandwidth [options]\n"
        "STREAM-style copy/scale/add/triad bandwidth with N threads; prints the best\n"
        "GB/s (1e9 bytes/s) per kernel and validates the results.\n"
        "\n"
        "  -t, --threads N     threads (default 1)\n"
        "  -n, --elements N    doubles per array, K/M suffixes (default 1M: 8 MiB per\n"
        "                      array; STREAM's rule wants 4x the total LLC size)\n"
        "  -k, --reps K        repetitions, best counted (default 5; the first is a\n"
        "                      warm-up when K > 1)\n"
        "  -c, --cpu CPU       pin thread i to CPU+i (sched_setaffinity)\n"
        "  -m, --node NODE     bind the arrays to NODE (mbind MPOL_BIND); if the kernel\n"
        "                      refuses, a warning and the default policy\n"
        "  -h, --help          this help\n");
}

int main(int argc, char **argv)
{
    prog_name = "bandwidth";
    n_elems = 1024 * 1024;
    static const struct option longopts[] = {
        {"threads", required_argument, 0, 't'}, {"elements", required_argument, 0, 'n'},
        {"reps", required_argument, 0, 'k'},    {"cpu", required_argument, 0, 'c'},
        {"node", required_argument, 0, 'm'},    {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "t:n:k:c:m:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 't': nthreads = (unsigned)parse_num("-t", optarg, 0); break;
        case 'n': n_elems = parse_num("-n", optarg, 1); break;
        case 'k': reps = (unsigned)parse_num("-k", optarg, 0); break;
        case 'c': first_cpu = (long)parse_num("-c", optarg, 0); break;
        case 'm': mem_node = (long)parse_num("-m", optarg, 0); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc)
        die("unexpected argument '%s' (see --help)", argv[optind]);
    if (nthreads < 1 || nthreads > 1024)
        die("-t: between 1 and 1024 threads");
    if (reps < 1 || reps > MAX_REPS)
        die("-k: between 1 and %d repetitions", MAX_REPS);
    if (n_elems < nthreads)
        die("-n: at least one element per thread");
    if (n_elems > (1ULL << 34))
        die("-n: too many elements");

    size_t bytes = n_elems * sizeof(double);
    struct placement bind = {.mode = MPOL_BIND, .node = mem_node};
    const struct placement *pl = mem_node >= 0 ? &bind : NULL;
    struct mapping ma = map_buffer(bytes, pl), mb = map_buffer(bytes, pl), mc = map_buffer(bytes, pl);
    if (!ma.policy_ok || !mb.policy_ok || !mc.policy_ok)
        warn("cannot bind the arrays to node %ld (mbind: %s); default policy", mem_node,
             strerror(ma.policy_ok ? (mb.policy_ok ? mc.policy_errno : mb.policy_errno)
                                   : ma.policy_errno));
    a = (double *)ma.p;
    b = (double *)mb.p;
    c = (double *)mc.p;

    printf("# bandwidth: %u thread%s, %" PRIu64 " elements per array (%.1f MiB each, %.1f MiB total), "
           "best of %u repetition%s%s\n",
           nthreads, nthreads == 1 ? "" : "s", n_elems, (double)bytes / MIB, 3.0 * (double)bytes / MIB,
           reps > 1 ? reps - 1 : 1, reps > 2 ? "s" : "", reps > 1 ? " after a warm-up" : "");

    pthread_t *tids = NULL;
    if (nthreads > 1) {
        if (pthread_barrier_init(&barrier, NULL, nthreads) != 0)
            die("pthread_barrier_init failed");
        tids = calloc(nthreads, sizeof(*tids));
        if (!tids)
            die("out of memory");
        for (unsigned i = 1; i < nthreads; i++) {
            int e = pthread_create(&tids[i], NULL, worker, (void *)(uintptr_t)i);
            if (e)
                die("pthread_create: %s", strerror(e));
        }
    }
    worker((void *)(uintptr_t)0);
    for (unsigned i = 1; i < nthreads; i++)
        pthread_join(tids[i], NULL);
    free(tids);

    printf("%-8s %12s %12s %12s %12s\n", "kernel", "best_GB/s", "avg_s", "min_s", "max_s");
    unsigned first = reps > 1 ? 1 : 0;
    for (int k = 0; k < NKERNELS; k++) {
        double mn = 1e300, mx = 0, sum = 0;
        for (unsigned r = first; r < reps; r++) {
            double t = times[r][k];
            mn = t < mn ? t : mn;
            mx = t > mx ? t : mx;
            sum += t;
        }
        double moved = (double)kernel_arrays[k] * (double)bytes;
        double gbs = mn > 0 ? moved / mn * 1e-9 : 0.0;
        printf("%-8s %12.3f %12.9f %12.9f %12.9f\n", kernel_name[k], gbs, sum / (reps - first), mn, mx);
    }
    int ok = validate();
    unmap_buffer(&ma);
    unmap_buffer(&mb);
    unmap_buffer(&mc);
    return ok ? 0 : 1;
}
