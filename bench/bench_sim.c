/* bench_sim: the simulation-speed table of issue 9 (what bench/run prints).
 *
 * Each row runs `mmsim run -q --stats FILE [OPTIONS] PROG ARGS` and
 * `qemu-riscv64 PROG ARGS` on the same guest binary R times each,
 * alternating so that machine noise hits both, and prints: simulated
 * instructions (every CPU's `cpuN.insns` from the stats JSON), the median
 * host seconds, MIPS (instructions / median seconds), qemu's median seconds
 * and the ratio mmsim / qemu, mmsim's peak host RSS (wait4's ru_maxrss of
 * the mmsim process itself), the guest memory the run touched (frames the
 * guest kernel handed out, from the stats), the row's target and whether
 * the median meets it.
 *
 *   bench_sim [-r RUNS] [--quick] [--json FILE] [--only NAME,...]
 *             [-m MMSIM] [-g GUEST_DIR] [--topologies DIR] [--qemu PROG]
 *             [-- extra mmsim run options]
 *
 * Exit status: 0 when every row produced its figures (met or not), 1 when a
 * row failed (guest missing, a run failed, unreadable stats), 2 for a usage
 * error.  Figures are never a pass/fail bound in a test. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 100
#define MAX_ARGS 8
#define MAX_EXTRA 32   /* mmsim run options after `--` */
#define PAGE_KIB 4
#define RSS_SLACK_MIB 64.0

enum target_kind { TARGET_MIPS, TARGET_RSS };

struct row {
    const char *name;                 /* for --only and the JSON */
    const char *label;                /* the table's first column */
    const char *quick_label;          /* with --quick, if the label names a size */
    const char *opts[MAX_ARGS];       /* mmsim run options before PROG; "@tib" is
                                         the bench topology file */
    const char *prog;                 /* under GUEST_DIR/bench */
    const char *args[MAX_ARGS];       /* the full run */
    const char *quick_args[MAX_ARGS]; /* --quick */
    enum target_kind kind;
    double target;                    /* MIPS at least (TARGET_MIPS) */
    const char *note;                 /* footnote mark, or NULL */
};

/* One CPU runs on numa-2s (mmsim's default machine, named so that the rows
 * do not move with the default; 8 GiB a node holds the 1 GiB chase).
 * Argument sizes: a few seconds per run at the targets' speeds, the whole
 * default table within about five minutes on a shared 2-core machine at
 * the speeds of late 2026 (docs/PERFORMANCE.md). */
static const struct row rows[] = {
    {"intmark", "intmark detailed", NULL, {"-t", "numa-2s"}, "intmark", {"2000"}, {"40"},
     TARGET_MIPS, 100, NULL},
    {"fpmark", "fpmark detailed", NULL, {"-t", "numa-2s"}, "fpmark", {"400"}, {"10"},
     TARGET_MIPS, 60, NULL},
    {"intmark-off", "intmark timing=off", NULL, {"-t", "numa-2s", "--timing=off"}, "intmark",
     {"6000"}, {"100"}, TARGET_MIPS, 450, NULL},
    {"fpmark-off", "fpmark timing=off", NULL, {"-t", "numa-2s", "--timing=off"}, "fpmark",
     {"1000"}, {"20"}, TARGET_MIPS, 450, NULL},
    {"chase", "chase 1 GiB detailed", "chase 64 MiB detailed", {"-t", "numa-2s"}, "chase",
     {"1024", "4096"}, {"64", "64"}, TARGET_MIPS, 20, NULL},
    {"mt16", "16 CPUs numa-4s-ring", NULL, {"-t", "numa-4s-ring"}, "mtmark", {"16", "200"},
     {"16", "4"}, TARGET_MIPS, 50, "(a)"},
    {"rss", "RSS on 1 TiB", NULL, {"-t", "@tib"}, "touch", {"256"}, {"32"}, TARGET_RSS, 0, NULL},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

struct sample {
    double secs, cpu;   /* wall and CPU (user + system) seconds */
    long rss_kib;
    int status;
};

struct result {
    long long insns;
    double touched_mib;
    double secs[MAX_RUNS], cpu[MAX_RUNS], qsecs[MAX_RUNS];
    double secs_med, cpu_med, qsecs_med;  /* qsecs_med < 0: no qemu figure */
    long rss_kib;
    bool ok, met, rss_ok;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double tv_secs(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* Run argv with stdout sent to out_path: wall and CPU time, the child's
 * own peak RSS, and its exit status (128 + N for a signal, -1 if it never
 * ran). */
static struct sample run(char *const argv[], const char *out_path)
{
    struct sample s = {0, 0, 0, -1};
    fflush(NULL);   /* else the child would flush our buffered output again */
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(out_path, "w", stdout))
            _exit(126);
        execvp(argv[0], argv);
        fprintf(stderr, "bench_sim: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &st, 0, &ru) != pid)
        return s;
    s.secs = now() - t0;
    s.cpu = tv_secs(ru.ru_utime) + tv_secs(ru.ru_stime);
    s.rss_kib = ru.ru_maxrss;
    s.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double s[MAX_RUNS];
    memcpy(s, v, (size_t)n * sizeof(*v));
    qsort(s, (size_t)n, sizeof(*s), cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* From the stats JSON: instructions (the sum of every cpuN.insns) and the
 * guest memory touched in MiB: every block the page allocator handed out
 * (nodeN.ZONE.pgalloc, order-0 frames but for transparent huge pages,
 * kernel.thp_fault_alloc, 512 frames each), page tables included.  A guest
 * that frees and faults memory again counts it again: an upper bound on
 * what was live at once, the host's share of it.  0 on success. */
static int read_stats(const char *path, long long *insns, double *touched_mib)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root) {
        fprintf(stderr, "bench_sim: %s: %s (line %d)\n", path, err.text, err.line);
        return -1;
    }
    long long n = 0, frames = 0;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (!json_is_object(v))
            continue;
        if (strncmp(key, "cpu", 3) == 0) {
            n += json_integer_value(json_object_get(v, "insns"));
        } else if (strncmp(key, "node", 4) == 0) {
            const char *zname;
            json_t *z;
            json_object_foreach(v, zname, z)
                frames += json_integer_value(json_object_get(z, "pgalloc"));
        }
    }
    json_t *thp = json_object_get(json_object_get(root, "kernel"), "thp_fault_alloc");
    frames += 511 * json_integer_value(thp);
    json_decref(root);
    *insns = n;
    *touched_mib = (double)frames * PAGE_KIB / 1024.0;
    return n > 0 ? 0 : -1;
}

/* The whole contents of a small file (a guest's output), or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m) {
        char chunk[4096];
        size_t k;
        while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
            fwrite(chunk, 1, k, m);
        fclose(m);
    }
    fclose(f);
    return buf;
}

/* Is prog an executable file in PATH (or a path that is one)? */
static bool in_path(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    const char *path = getenv("PATH");
    char dir[PATH_MAX];
    while (path && *path) {
        size_t k = strcspn(path, ":");
        snprintf(dir, sizeof(dir), "%.*s/%s", (int)k, k ? path : ".", prog);
        if (access(dir, X_OK) == 0)
            return true;
        path += k + (path[k] == ':');
    }
    return false;
}

struct config {
    int runs;
    bool quick;
    const char *mmsim, *guest, *topologies, *qemu, *json;
    bool have_qemu;
    char **extra;       /* mmsim run options after `--` */
    int nextra;
    char stats[64], out_sim[64], out_qemu[64];
};

/* Run one row R times and fill r; false (with the reason on stderr) when
 * the row produced no figures. */
static bool bench_row(const struct config *c, const struct row *w, struct result *r)
{
    char prog[PATH_MAX], tib[PATH_MAX];
    snprintf(prog, sizeof(prog), "%s/bench/%s", c->guest, w->prog);
    snprintf(tib, sizeof(tib), "%s/tib.yaml", c->topologies);
    if (access(prog, X_OK) != 0) {
        fprintf(stderr, "bench_sim: %s: %s: not built (build the guests: target `guests`)\n",
                w->name, prog);
        return false;
    }
    const char *const *args = c->quick ? w->quick_args : w->args;
    char *mv[8 + 2 * MAX_ARGS + MAX_EXTRA], *qv[MAX_ARGS + 4];
    int n = 0, q = 0;
    mv[n++] = (char *)c->mmsim;
    mv[n++] = "run";
    mv[n++] = "-q";
    mv[n++] = "--stats";
    mv[n++] = (char *)c->stats;
    for (int i = 0; i < MAX_ARGS && w->opts[i]; i++)
        mv[n++] = strcmp(w->opts[i], "@tib") == 0 ? tib : (char *)w->opts[i];
    for (int i = 0; i < c->nextra; i++)
        mv[n++] = c->extra[i];
    mv[n++] = prog;
    qv[q++] = (char *)c->qemu;
    qv[q++] = prog;
    for (int i = 0; i < MAX_ARGS && args[i]; i++)
        mv[n++] = qv[q++] = (char *)args[i];
    mv[n] = qv[q] = NULL;

    memset(r, 0, sizeof(*r));
    r->insns = -1;
    for (int k = 0; k < c->runs; k++) {
        struct sample a = run(mv, c->out_sim);
        if (a.status != 0) {
            fprintf(stderr, "bench_sim: %s: mmsim exited with status %d:", w->name, a.status);
            for (int i = 0; mv[i]; i++)
                fprintf(stderr, " %s", mv[i]);
            fputc('\n', stderr);
            return false;
        }
        long long insns;
        double touched;
        if (read_stats(c->stats, &insns, &touched) != 0) {
            fprintf(stderr, "bench_sim: %s: no instruction count in the --stats report\n",
                    w->name);
            return false;
        }
        /* Simulated results never depend on the host: the same count
         * every run, or something is wrong with the simulator. */
        if (r->insns >= 0 && insns != r->insns)
            fprintf(stderr, "bench_sim: %s: warning: %lld instructions in run %d, %lld before\n",
                    w->name, insns, k + 1, r->insns);
        r->insns = insns;
        r->touched_mib = touched;
        r->secs[k] = a.secs;
        r->cpu[k] = a.cpu;
        if (a.rss_kib > r->rss_kib)
            r->rss_kib = a.rss_kib;
        if (!c->have_qemu)
            continue;
        struct sample b = run(qv, c->out_qemu);
        if (b.status != 0) {
            fprintf(stderr, "bench_sim: %s: %s exited with status %d\n", w->name, c->qemu,
                    b.status);
            return false;
        }
        r->qsecs[k] = b.secs;
        if (k == 0) {
            /* Self-checking guests: the same output on both machines. */
            char *x = slurp(c->out_sim), *y = slurp(c->out_qemu);
            bool same = x && y && strcmp(x, y) == 0;
            if (!same)
                fprintf(stderr, "bench_sim: %s: mmsim printed\n  %s  qemu-riscv64\n  %s",
                        w->name, x ? x : "(nothing)\n", y ? y : "(nothing)\n");
            free(x);
            free(y);
            if (!same)
                return false;
        }
    }
    r->secs_med = median(r->secs, c->runs);
    r->cpu_med = median(r->cpu, c->runs);
    r->qsecs_med = c->have_qemu ? median(r->qsecs, c->runs) : -1;
    double rss_mib = (double)r->rss_kib / 1024.0;
    r->rss_ok = rss_mib <= r->touched_mib + RSS_SLACK_MIB;
    if (w->kind == TARGET_RSS)
        r->met = r->rss_ok;
    else
        r->met = (double)r->insns / r->secs_med / 1e6 >= w->target;
    r->ok = true;
    return true;
}

static void target_text(const struct row *w, char *buf, size_t size)
{
    if (w->kind == TARGET_RSS)
        snprintf(buf, size, "RSS<=touched+%.0f", RSS_SLACK_MIB);
    else
        snprintf(buf, size, "MIPS>=%.0f", w->target);
}

static void print_header(void)
{
    printf("%-24s %13s %8s %7s %8s %8s %7s %8s %8s %16s %7s\n", "benchmark", "instructions",
           "host s", "MIPS", "CPU s", "qemu s", "ratio", "RSS MiB", "touched", "target", "met");
}

static const char *row_label(const struct row *w, bool quick)
{
    return quick && w->quick_label ? w->quick_label : w->label;
}

static void print_row(const struct row *w, const struct result *r, bool quick)
{
    char label[64], target[32];
    snprintf(label, sizeof(label), "%s%s%s", row_label(w, quick), w->note ? " " : "",
             w->note ? w->note : "");
    target_text(w, target, sizeof(target));
    if (!r->ok) {
        printf("%-24s %13s %8s %7s %8s %8s %7s %8s %8s %16s %7s\n", label, "-", "-", "-", "-",
               "-", "-", "-", "-", target, "FAILED");
        return;
    }
    char qs[16] = "-", ratio[16] = "-";
    if (r->qsecs_med >= 0) {
        snprintf(qs, sizeof(qs), "%.3f", r->qsecs_med);
        snprintf(ratio, sizeof(ratio), "%.1fx", r->secs_med / r->qsecs_med);
    }
    printf("%-24s %13lld %8.3f %7.1f %8.3f %8s %7s %8.1f %8.1f %16s %7s\n", label, r->insns,
           r->secs_med, (double)r->insns / r->secs_med / 1e6, r->cpu_med, qs, ratio,
           (double)r->rss_kib / 1024.0, r->touched_mib, target, r->met ? "met" : "NOT met");
}

static json_t *json_runs(const double *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_real(v[i]));
    return a;
}

static int write_json(const struct config *c, const bool *selected, const struct result *res,
                      const double load0[3], const double load1[3])
{
    json_t *root = json_object(), *jrows = json_array();
    json_object_set_new(root, "runs", json_integer(c->runs));
    json_object_set_new(root, "quick", json_boolean(c->quick));
    json_object_set_new(root, "mmsim", json_string(c->mmsim));
    json_object_set_new(root, "qemu", c->have_qemu ? json_string(c->qemu) : json_null());
    json_object_set_new(root, "load_average_start",
                        json_pack("[f,f,f]", load0[0], load0[1], load0[2]));
    json_object_set_new(root, "load_average_end",
                        json_pack("[f,f,f]", load1[0], load1[1], load1[2]));
    for (size_t i = 0; i < NROWS; i++) {
        if (!selected[i])
            continue;
        const struct row *w = &rows[i];
        const struct result *r = &res[i];
        char target[32];
        target_text(w, target, sizeof(target));
        json_t *o = json_pack("{s:s,s:s,s:s,s:b}", "name", w->name, "label",
                              row_label(w, c->quick), "target", target, "ok", r->ok);
        if (r->ok) {
            json_object_set_new(o, "instructions", json_integer(r->insns));
            json_object_set_new(o, "host_seconds", json_real(r->secs_med));
            json_object_set_new(o, "host_seconds_runs", json_runs(r->secs, c->runs));
            json_object_set_new(o, "mips", json_real((double)r->insns / r->secs_med / 1e6));
            json_object_set_new(o, "cpu_seconds", json_real(r->cpu_med));
            json_object_set_new(o, "cpu_seconds_runs", json_runs(r->cpu, c->runs));
            if (r->qsecs_med >= 0) {
                json_object_set_new(o, "qemu_seconds", json_real(r->qsecs_med));
                json_object_set_new(o, "qemu_seconds_runs", json_runs(r->qsecs, c->runs));
                json_object_set_new(o, "ratio", json_real(r->secs_med / r->qsecs_med));
            }
            json_object_set_new(o, "rss_mib", json_real((double)r->rss_kib / 1024.0));
            json_object_set_new(o, "touched_mib", json_real(r->touched_mib));
            json_object_set_new(o, "rss_within_touched_plus_64mib", json_boolean(r->rss_ok));
            json_object_set_new(o, "met", json_boolean(r->met));
        }
        json_array_append_new(jrows, o);
    }
    json_object_set_new(root, "rows", jrows);
    int rc = json_dump_file(root, c->json, JSON_INDENT(2));
    json_decref(root);
    if (rc != 0)
        fprintf(stderr, "bench_sim: cannot write %s\n", c->json);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: bench_sim [-r RUNS] [--quick] [--json FILE] [--only NAME,...]\n"
               "                 [-m MMSIM] [-g GUEST_DIR] [--topologies DIR] [--qemu PROG]\n"
               "                 [-- extra mmsim run options]\n"
               "rows (for --only):");
    for (size_t i = 0; i < NROWS; i++)
        fprintf(f, " %s", rows[i].name);
    fputc('\n', f);
}

/* Mark the rows --only names; false on an unknown name. */
static bool select_rows(char *list, bool *selected)
{
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < NROWS && strcmp(rows[i].name, tok) != 0)
            i++;
        if (i == NROWS) {
            fprintf(stderr, "bench_sim: --only: no row '%s'\n", tok);
            return false;
        }
        selected[i] = true;
    }
    return true;
}

/* The mmsim beside this program (both are built in the build tree's root). */
static const char *default_mmsim(void)
{
    static char path[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (k <= 0)
        return "mmsim";
    path[k] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash)
        return "mmsim";
    snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "mmsim");
    return path;
}

int main(int argc, char **argv)
{
    struct config c = {
        .runs = 3,
        .guest = MMSIM_GUEST_DIR,
        .topologies = MMSIM_SOURCE_DIR "/bench/topologies",
        .qemu = "qemu-riscv64",
    };
    bool selected[NROWS] = {false}, only = false;
    enum { OPT_QUICK = 256, OPT_JSON, OPT_ONLY, OPT_TOPO, OPT_QEMU };
    static const struct option longopts[] = {
        {"quick", no_argument, NULL, OPT_QUICK},
        {"json", required_argument, NULL, OPT_JSON},
        {"only", required_argument, NULL, OPT_ONLY},
        {"topologies", required_argument, NULL, OPT_TOPO},
        {"qemu", required_argument, NULL, OPT_QEMU},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "r:m:g:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'r': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > MAX_RUNS) {
                fprintf(stderr, "bench_sim: -r: '%s' is not a number of runs (1-%d)\n", optarg,
                        MAX_RUNS);
                return 2;
            }
            c.runs = (int)v;
            break;
        }
        case 'm': c.mmsim = optarg; break;
        case 'g': c.guest = optarg; break;
        case OPT_QUICK: c.quick = true; break;
        case OPT_JSON: c.json = optarg; break;
        case OPT_ONLY:
            if (!select_rows(optarg, selected))
                return 2;
            only = true;
            break;
        case OPT_TOPO: c.topologies = optarg; break;
        case OPT_QEMU: c.qemu = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!only)
        for (size_t i = 0; i < NROWS; i++)
            selected[i] = true;
    if (!c.mmsim)
        c.mmsim = default_mmsim();
    c.extra = argv + optind;
    c.nextra = argc - optind;
    if (c.nextra > MAX_EXTRA) {
        fprintf(stderr, "bench_sim: more than %d mmsim options after --\n", MAX_EXTRA);
        return 2;
    }
    if (access(c.mmsim, X_OK) != 0) {
        fprintf(stderr, "bench_sim: %s: not found (build the target mmsim, or give -m)\n",
                c.mmsim);
        return 1;
    }
    c.have_qemu = in_path(c.qemu);
    if (!c.have_qemu)
        fprintf(stderr, "bench_sim: %s not found: the qemu columns are left empty "
                        "(Debian package qemu-user)\n", c.qemu);

    char *tmp[] = {c.stats, c.out_sim, c.out_qemu};
    const char *tag[] = {"stats", "out", "qemu"};
    for (int i = 0; i < 3; i++) {
        snprintf(tmp[i], sizeof(c.stats), "/tmp/bench_sim_%s_XXXXXX", tag[i]);
        int fd = mkstemp(tmp[i]);
        if (fd < 0) {
            perror("bench_sim: mkstemp");
            return 1;
        }
        close(fd);
    }

    double load0[3] = {0, 0, 0}, load1[3] = {0, 0, 0};
    if (getloadavg(load0, 3) != 3)
        load0[0] = load0[1] = load0[2] = -1;
    printf("bench/run: %s, medians of %d runs each, load average %.2f %.2f %.2f at start\n",
           c.quick ? "quick smoke run (small arguments)" : "full run", c.runs, load0[0],
           load0[1], load0[2]);
    print_header();
    static struct result res[NROWS];
    int rc = 0;
    bool any_rss_over = false, any_note = false;
    for (size_t i = 0; i < NROWS; i++) {
        if (!selected[i])
            continue;
        if (!bench_row(&c, &rows[i], &res[i]))
            rc = 1;
        print_row(&rows[i], &res[i], c.quick);
        fflush(stdout);
        any_rss_over |= res[i].ok && !res[i].rss_ok;
        any_note |= rows[i].note != NULL;
    }
    for (int i = 0; i < 3; i++)
        unlink(tmp[i]);
    if (getloadavg(load1, 3) != 3)
        load1[0] = load1[1] = load1[2] = -1;
    printf("MIPS: simulated instructions (all CPUs) / median host seconds (wall) of mmsim; CPU s: "
           "its median user + system time;\nratio: mmsim seconds / qemu-riscv64 seconds (wall) on "
           "the same binary and arguments.\n"
           "RSS: peak of the mmsim process; touched: guest memory the page allocator handed "
           "out (MiB).\n");
    if (any_note)
        printf("(a) 16 threads of bench/guest/mtmark: mmsim simulates the 16 CPUs on one host "
               "thread; qemu-riscv64 runs the guest threads on host threads (%ld host CPUs).\n",
               sysconf(_SC_NPROCESSORS_ONLN));
    if (any_rss_over)
        printf("Note: a row's RSS exceeds its touched guest memory + %.0f MiB.\n", RSS_SLACK_MIB);
    printf("load average %.2f %.2f %.2f at the end\n", load1[0], load1[1], load1[2]);
    if (c.json && write_json(&c, selected, res, load0, load1) != 0)
        rc = 1;
    return rc;
}
