/* bench_sim: simulation speed of `mmsim run` next to qemu-riscv64 on the
 * same guest binary, in the same run.
 *
 * For each workload it runs `mmsim run -q --stats FILE PROG ARGS` and
 * `qemu-riscv64 PROG ARGS` R times each (alternating, so machine noise
 * hits both), takes medians of wall time, reads the simulated instruction
 * count from the stats JSON, and prints: instructions, host seconds, MIPS,
 * qemu's seconds, the slowdown ratio against qemu, and peak host RSS.
 *
 * usage: bench_sim [-r RUNS] [-m MMSIM] [-g GUEST_DIR] [-- extra mmsim run options]
 * Figures are medians; never use them as a pass/fail bound in a test. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct workload {
    const char *name, *prog, *arg;
};

static const struct workload workloads[] = {
    {"intmark (integer)", "bench/intmark", "2000"},
    {"fpmark (floating point)", "bench/fpmark", "400"},
    {"memmark (TLB misses)", "bench/memmark", "64"},
};

struct sample {
    double secs;
    long rss_kib;
    int status;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run argv with stdout discarded; wall time, peak RSS and exit status. */
static struct sample run(char *const argv[])
{
    struct sample s = {0, 0, -1};
    fflush(NULL);   /* else the child's freopen flushes our buffered output again */
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &st, 0, &ru) != pid)
        return s;
    s.secs = now() - t0;
    s.rss_kib = ru.ru_maxrss;
    s.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Sum of every "cpuN" object's "insns" counter in the stats JSON. */
static long long instructions(const char *stats_path)
{
    json_error_t err;
    json_t *root = json_load_file(stats_path, 0, &err);
    if (!root)
        return -1;
    long long total = 0;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (strncmp(key, "cpu", 3) == 0 && json_is_object(v))
            total += json_integer_value(json_object_get(v, "insns"));
    }
    json_decref(root);
    return total;
}

int main(int argc, char **argv)
{
    int runs = 5;
    const char *mmsim = "build/default/mmsim", *guest = "build/default/guest";
    int c;
    while ((c = getopt(argc, argv, "r:m:g:")) != -1) {
        switch (c) {
        case 'r': runs = atoi(optarg); break;
        case 'm': mmsim = optarg; break;
        case 'g': guest = optarg; break;
        default:
            fprintf(stderr, "usage: bench_sim [-r RUNS] [-m MMSIM] [-g GUEST_DIR] [-- mmsim run options]\n");
            return 2;
        }
    }
    if (runs < 1 || runs > 100)
        runs = 5;
    char stats[] = "/tmp/bench_sim_XXXXXX";
    int fd = mkstemp(stats);
    if (fd < 0) {
        perror("bench_sim: mkstemp");
        return 1;
    }
    close(fd);

    printf("%-24s %14s %9s %9s %11s %9s %9s %9s\n", "benchmark", "instructions", "host s",
           "MIPS", "qemu s", "qemu MIPS", "slowdown", "RSS MiB");
    int rc = 0;
    for (size_t w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
        char prog[1024];
        snprintf(prog, sizeof(prog), "%s/%s", guest, workloads[w].prog);
        if (access(prog, X_OK) != 0) {
            fprintf(stderr, "bench_sim: %s: not built (build the guests first)\n", prog);
            rc = 1;
            continue;
        }
        /* mmsim run -q --stats FILE [extra...] PROG ARG */
        char *mv[64];
        int n = 0;
        mv[n++] = (char *)mmsim;
        mv[n++] = "run";
        mv[n++] = "-q";
        mv[n++] = "--stats";
        mv[n++] = stats;
        for (int i = optind; i < argc && n < 58; i++)
            mv[n++] = argv[i];
        mv[n++] = prog;
        mv[n++] = (char *)workloads[w].arg;
        mv[n] = NULL;
        char *qv[] = {"qemu-riscv64", prog, (char *)workloads[w].arg, NULL};

        double ms[100], qs[100];
        long rss = 0;
        long long insns = -1;
        for (int r = 0; r < runs; r++) {
            struct sample a = run(mv), b = run(qv);
            if (a.status != 0 || b.status != 0) {
                fprintf(stderr, "bench_sim: %s: exit status mmsim %d, qemu %d\n", workloads[w].name,
                        a.status, b.status);
                rc = 1;
                break;
            }
            ms[r] = a.secs;
            qs[r] = b.secs;
            if (a.rss_kib > rss)
                rss = a.rss_kib;
            insns = instructions(stats);
        }
        if (rc)
            continue;
        double m = median(ms, runs), q = median(qs, runs);
        printf("%-24s %14lld %9.3f %9.1f %11.3f %9.1f %8.1fx %9.1f\n", workloads[w].name, insns, m,
               insns > 0 ? (double)insns / m / 1e6 : 0.0, q,
               insns > 0 ? (double)insns / q / 1e6 : 0.0, m / q, (double)rss / 1024.0);
    }
    unlink(stats);
    printf("(medians of %d runs each; MIPS = simulated instructions / host seconds;\n"
           " qemu MIPS counts the same instructions over qemu's time)\n", runs);
    return rc;
}
