/* mmsim compare: workloads on two or more machines, side by side (the
 * README's main job: UMA against NUMA).
 *
 * Three modes: no argument, the bundled latency and bandwidth workloads
 * summarised as load-to-use latency per level, per node and STREAM
 * bandwidth; a bundled workload by name; or any guest program after --.
 * The last two print the statistics report of exp_stats_report() for each
 * machine (docs/EXPERIMENTS.md). */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "exp.h"

#define MAX_SIZES 16
#define MAX_NODES 64
#define MAX_THREADS 16      /* entries of a --threads list */

/* Working-set sizes (KiB) of the default mode's latency rows: one per
 * level of the bundled machines (L1D 48 KiB, L2 1 MiB, LLC 8-16 MiB), the
 * last at least 4x every bundled LLC. */
static const unsigned default_sizes[] = {16, 512, 4096, 65536};

struct bw {
    unsigned threads;
    double gbs[4];      /* copy scale add triad */
};
static const char *const kernels[4] = {"copy", "scale", "add", "triad"};

struct result {
    unsigned ncpus, nnodes, home;       /* CPU 0's node */
    double lat[MAX_SIZES];              /* ns per load, local memory */
    double lat_conf[MAX_SIZES];         /* configured, for the local rows */
    double remote[MAX_NODES];           /* ns per load from each node's DRAM (0: none) */
    double remote_conf[MAX_NODES];
    unsigned nbw;
    struct bw bw[MAX_THREADS];          /* STREAM, per thread count */
};

struct opts {
    const char *dir, *plot;
    uint64_t seed;
    unsigned threads[MAX_THREADS], nthreads;
    bool json, csv, show_output;
};

/* Run a bundled workload (no statistics); its stdout, or NULL after a
 * message (*status set). */
static FILE *run_workload(const struct opts *o, const char *topo, const char *prog,
                          const char *const *argv, int *status)
{
    struct exp_run r = {.cmd = "compare", .topo = topo, .prog = prog, .argv = argv,
                        .seed = o->seed, .show_output = o->show_output, .bundled = true};
    *status = exp_run(&r);
    return r.out;
}

/* "size_kib ns" lines of the latency workload: into lat[] by size, or
 * (sizes NULL) every line into kib[]/lat[] up to max.  Returns the number
 * of values found. */
static unsigned read_latency(FILE *f, const unsigned *sizes, unsigned n, double *lat,
                             unsigned *kib_out, unsigned max)
{
    char line[256];
    unsigned found = 0;
    while (fgets(line, sizeof(line), f)) {
        char *p = line, *e;
        if (line[0] == '#')
            continue;
        unsigned long kib = strtoul(p, &e, 10);
        if (e == p || *e != ' ')
            continue;
        p = e;
        double ns = strtod(p, &e);
        if (e == p)
            continue;
        if (!sizes) {
            if (found < max) {
                kib_out[found] = (unsigned)kib;
                lat[found++] = ns;
            }
            continue;
        }
        for (unsigned i = 0; i < n; i++)
            if (sizes[i] == kib) {
                lat[i] = ns;
                found++;
            }
    }
    return found;
}

/* The bandwidth workload's "KERNEL best_GB/s ..." lines; 0 or -1. */
static int read_bandwidth(FILE *f, struct bw *b)
{
    char line[256];
    unsigned found = 0;
    while (fgets(line, sizeof(line), f)) {
        for (unsigned k = 0; k < 4; k++) {
            size_t len = strlen(kernels[k]);
            if (strncmp(line, kernels[k], len) != 0 || line[len] != ' ')
                continue;
            char *e;
            double v = strtod(line + len, &e);
            if (e != line + len) {
                b->gbs[k] = v;
                found++;
            }
        }
    }
    return found == 4 ? 0 : -1;
}

static int run_bandwidth(const struct opts *o, const char *topo, const char *prog,
                         unsigned threads, const char *const *extra, struct bw *b)
{
    char nthreads[16];
    snprintf(nthreads, sizeof(nthreads), "%u", threads);
    const char *args[64] = {"bandwidth", "-t", nthreads, "-n", "512K", "-k", "2", "-c", "0"};
    unsigned n = 9;
    if (extra) {    /* the user's arguments replace the defaults after -t */
        n = 3;
        for (; *extra && n < 63; extra++)
            args[n++] = *extra;
    }
    args[n] = NULL;
    int st;
    FILE *f = run_workload(o, topo, prog, args, &st);
    if (!f)
        return st;
    b->threads = threads;
    int rc = read_bandwidth(f, b);
    fclose(f);
    if (rc) {
        cli_error("compare: unexpected output of %s on %s", prog, topo);
        return EXIT_SIM_ERROR;
    }
    return 0;
}

/* The thread counts of a bandwidth sweep: --threads, else 1, 2, 4, ... up
 * to every CPU of the machine. */
static unsigned sweep(const struct opts *o, unsigned ncpus, unsigned *t)
{
    if (o->nthreads) {
        memcpy(t, o->threads, o->nthreads * sizeof(*t));
        return o->nthreads;
    }
    unsigned n = 0;
    for (unsigned k = 1; k < ncpus && n < MAX_THREADS - 1; k *= 2)
        t[n++] = k;
    t[n++] = ncpus;
    return n;
}

static int measure(const struct opts *o, const char *latency, const char *bandwidth,
                   const char *topo, const unsigned *sizes, unsigned nsizes, struct result *r)
{
    mmsim_machine *m;
    if (cli_create_machine(topo, o->seed, &m))
        return EXIT_SIM_ERROR;
    const mmsim_topology *t = mmsim_machine_topology(m);
    r->ncpus = mmsim_topology_cpu_count(t);
    r->nnodes = mmsim_topology_node_count(t);
    r->home = (unsigned)mmsim_topology_cpu_node(t, 0);
    static const mmsim_mem_level levels[] = {MMSIM_LEVEL_L1, MMSIM_LEVEL_L2, MMSIM_LEVEL_LLC,
                                             MMSIM_LEVEL_DRAM};
    for (unsigned i = 0; i < nsizes; i++) {
        uint64_t ps = 0;
        unsigned l = i < 4 ? i : 3;
        r->lat_conf[i] = mmsim_memory_latency(m, 0, levels[l], r->home, &ps) == MMSIM_OK
                             ? (double)ps / 1000.0 : 0;
    }
    for (unsigned n = 0; n < r->nnodes && n < MAX_NODES; n++) {
        uint64_t ps;
        r->remote_conf[n] = mmsim_memory_latency(m, 0, MMSIM_LEVEL_DRAM, n, &ps) == MMSIM_OK
                                ? (double)ps / 1000.0 : 0;
    }
    mmsim_machine_destroy(m);

    char list[128] = "", buf[32], node[16];
    size_t len = 0;
    for (unsigned i = 0; i < nsizes; i++)
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%u", i ? "," : "", sizes[i]);
    /* Local memory, every level: pinned to CPU 0, huge pages (no TLB
     * effects), enough loads for a stable mean. */
    const char *la[] = {"latency", "-s", list, "-n", "200000", "-H", "-c", "0", NULL};
    int st;
    FILE *f = run_workload(o, topo, latency, la, &st);
    if (!f)
        return st;
    unsigned got = read_latency(f, sizes, nsizes, r->lat, NULL, 0);
    fclose(f);
    if (got != nsizes) {
        cli_error("compare: unexpected output of %s", latency);
        return EXIT_SIM_ERROR;
    }
    /* Every other node's memory, the largest size only. */
    snprintf(buf, sizeof(buf), "%u", sizes[nsizes - 1]);
    for (unsigned n = 0; n < r->nnodes && n < MAX_NODES; n++) {
        if (n == r->home || !r->remote_conf[n])
            continue;
        snprintf(node, sizeof(node), "%u", n);
        const char *ra[] = {"latency", "-s", buf, "-n", "100000", "-H", "-c", "0", "-m", node,
                            NULL};
        f = run_workload(o, topo, latency, ra, &st);
        if (!f)
            return st;
        got = read_latency(f, &sizes[nsizes - 1], 1, &r->remote[n], NULL, 0);
        fclose(f);
        if (got != 1) {
            cli_error("compare: unexpected output of %s", latency);
            return EXIT_SIM_ERROR;
        }
    }
    r->remote[r->home] = r->lat[nsizes - 1];
    /* Bandwidth with one thread per CPU (or each --threads), pinned from CPU 0. */
    unsigned t0[MAX_THREADS];
    unsigned nt = o->nthreads ? sweep(o, r->ncpus, t0) : 1;
    if (!o->nthreads)
        t0[0] = r->ncpus;
    for (unsigned i = 0; i < nt; i++) {
        int rc = run_bandwidth(o, topo, bandwidth, t0[i], NULL, &r->bw[i]);
        if (rc)
            return rc;
    }
    r->nbw = nt;
    return 0;
}

static void size_name(unsigned kib, char *buf, size_t len)
{
    if (kib >= 1024 && kib % 1024 == 0)
        snprintf(buf, len, "%u MiB", kib / 1024);
    else
        snprintf(buf, len, "%u KiB", kib);
}

static void print_text(const struct cli_topos *topos, const struct result *r,
                       const unsigned *sizes, unsigned nsizes)
{
    unsigned n = (unsigned)topos->n;
    printf("%-34s", "");
    for (unsigned i = 0; i < n; i++)
        printf(" %22s", topos->name[i]);
    printf("\nload-to-use latency, ns (measured / configured), CPU 0, local memory\n");
    for (unsigned s = 0; s < nsizes; s++) {
        char name[48], sz[16];
        size_name(sizes[s], sz, sizeof(sz));
        snprintf(name, sizeof(name), "  %s working set", sz);
        printf("%-34s", name);
        for (unsigned i = 0; i < n; i++)
            printf(" %12.2f / %7.2f", r[i].lat[s], r[i].lat_conf[s]);
        printf("\n");
    }
    unsigned maxn = 0;
    for (unsigned i = 0; i < n; i++)
        maxn = r[i].nnodes > maxn ? r[i].nnodes : maxn;
    char sz[16];
    size_name(sizes[nsizes - 1], sz, sizeof(sz));
    printf("memory of node N, ns (measured / configured), %s\n", sz);
    for (unsigned nd = 0; nd < maxn && nd < MAX_NODES; nd++) {
        char name[48];
        snprintf(name, sizeof(name), "  node %u", nd);
        printf("%-34s", name);
        for (unsigned i = 0; i < n; i++) {
            if (nd < r[i].nnodes && r[i].remote[nd] > 0)
                printf(" %12.2f / %7.2f", r[i].remote[nd], r[i].remote_conf[nd]);
            else
                printf(" %22s", "-");
        }
        printf("\n");
    }
    /* One STREAM block per thread count: the last one is the default
     * mode's "one thread per CPU" when no --threads was given. */
    for (unsigned b = 0; b < r[0].nbw; b++) {
        printf("STREAM bandwidth, GB/s, ");
        if (r[0].nbw == 1 && r[0].bw[0].threads == r[0].ncpus)
            printf("one thread per CPU\n");
        else
            printf("%u thread%s\n", r[0].bw[b].threads, r[0].bw[b].threads == 1 ? "" : "s");
        for (unsigned k = 0; k < 4; k += 3) {   /* copy and triad */
            printf("  %-32s", kernels[k]);
            for (unsigned i = 0; i < n; i++)
                printf(" %22.2f", r[i].bw[b].gbs[k]);
            printf("\n");
        }
    }
}

static json_t *bw_json(const struct bw *b)
{
    json_t *o = json_object();
    json_object_set_new(o, "threads", json_integer(b->threads));
    for (unsigned k = 0; k < 4; k++)
        json_object_set_new(o, kernels[k], json_real(b->gbs[k]));
    return o;
}

static json_t *default_json(const struct cli_topos *topos, const struct result *r,
                            const unsigned *sizes, unsigned nsizes)
{
    json_t *all = json_array();
    for (int i = 0; i < topos->n; i++) {
        json_t *o = json_object(), *lat = json_array(), *mem = json_array();
        json_object_set_new(o, "topology", json_string(topos->name[i]));
        json_object_set_new(o, "cpus", json_integer(r[i].ncpus));
        json_object_set_new(o, "nodes", json_integer(r[i].nnodes));
        for (unsigned s = 0; s < nsizes; s++)
            json_array_append_new(lat, json_pack("{s:i, s:f, s:f}", "size_kib", (int)sizes[s],
                                                 "measured", r[i].lat[s], "configured",
                                                 r[i].lat_conf[s]));
        json_object_set_new(o, "latency_ns", lat);
        for (unsigned nd = 0; nd < r[i].nnodes && nd < MAX_NODES; nd++)
            if (r[i].remote[nd] > 0)
                json_array_append_new(mem, json_pack("{s:i, s:f, s:f}", "node", (int)nd,
                                                     "measured", r[i].remote[nd], "configured",
                                                     r[i].remote_conf[nd]));
        json_object_set_new(o, "node_memory_ns", mem);
        /* bandwidth_gbs: the last (largest) run, as without --threads. */
        const struct bw *last = &r[i].bw[r[i].nbw - 1];
        json_object_set_new(o, "bandwidth_gbs", json_pack("{s:i, s:f, s:f}", "threads",
                                                          (int)last->threads, "copy",
                                                          last->gbs[0], "triad", last->gbs[3]));
        if (r[i].nbw > 1) {
            json_t *sw = json_array();
            for (unsigned b = 0; b < r[i].nbw; b++)
                json_array_append_new(sw, bw_json(&r[i].bw[b]));
            json_object_set_new(o, "bandwidth_sweep", sw);
        }
        json_array_append_new(all, o);
    }
    return all;
}

/* ---- a bundled workload by name, or any program ------------------------- */

enum workload { W_LATENCY, W_BANDWIDTH, W_NUMA_POLICY, W_PAGEWALK, W_PROGRAM };
static const char *const workload_names[] = {"latency", "bandwidth", "numa-policy", "pagewalk"};

/* The arguments each bundled workload gets when none are given: small
 * enough for seconds of host time per machine, large enough to reach DRAM
 * (docs/EXPERIMENTS.md). */
static const char *const *default_args(enum workload w)
{
    static const char *const lat[] = {"-s", "16,64,256,1024,4096,16384,65536", "-n", "100000",
                                      "-H", "-c", "0", NULL};
    static const char *const pol[] = {"-b", "32M", "-r", "1", "-p", "local", "-p", "interleave",
                                      "-c", "0", NULL};
    static const char *const walk[] = {"-b", "32M", "-n", "100000", "-c", "0", NULL};
    switch (w) {
    case W_LATENCY: return lat;
    case W_NUMA_POLICY: return pol;
    case W_PAGEWALK: return walk;
    default: return NULL;
    }
}

/* The workload's own results, parsed from its output, into the report's
 * "workload" object. */
static json_t *parse_output(enum workload w, FILE *f)
{
    json_t *o = json_object();
    char line[512];
    if (w == W_LATENCY) {
        double lat[PLOT_MAX_POINTS];
        unsigned kib[PLOT_MAX_POINTS];
        unsigned n = read_latency(f, NULL, 0, lat, kib, PLOT_MAX_POINTS);
        json_t *a = json_array();
        for (unsigned i = 0; i < n; i++)
            json_array_append_new(a, json_pack("{s:i, s:f}", "size_kib", (int)kib[i], "ns",
                                               lat[i]));
        json_object_set_new(o, "latency_ns", a);
    } else if (w == W_NUMA_POLICY) {
        /* "POLICY read_ns rmw_ns placement: ..." */
        json_t *a = json_array();
        while (fgets(line, sizeof(line), f)) {
            char *name = line, *p, *e;
            double v[2];
            if (line[0] == '#' || !(p = strchr(line, ' ')))
                continue;
            *p++ = '\0';
            int k;
            for (k = 0; k < 2; k++, p = e) {
                v[k] = strtod(p, &e);
                if (e == p)
                    break;
            }
            if (k == 2)
                json_array_append_new(a, json_pack("{s:s, s:f, s:f}", "policy", name, "read_ns",
                                                   v[0], "rmw_ns", v[1]));
        }
        json_object_set_new(o, "policies", a);
    } else if (w == W_PAGEWALK) {
        /* "MODE ns_per_access" */
        json_t *a = json_object();
        while (fgets(line, sizeof(line), f)) {
            char *p = strchr(line, ' '), *e;
            if (line[0] == '#' || !p)
                continue;
            *p++ = '\0';
            double v = strtod(p, &e);
            if (e != p)
                json_object_set_new(a, line, json_real(v));
        }
        json_object_set_new(o, "ns_per_access", a);
    }
    return o;
}

static int run_named(const struct opts *o, const struct cli_topos *topos, enum workload w,
                     const char *prog, const char *const *user_args, json_t *reports)
{
    for (int i = 0; i < topos->n; i++) {
        json_t *rep = NULL, *wl = NULL;
        if (w == W_BANDWIDTH) {
            mmsim_machine *m;
            if (cli_create_machine(topos->name[i], o->seed, &m))
                return EXIT_SIM_ERROR;
            unsigned ncpus = mmsim_topology_cpu_count(mmsim_machine_topology(m));
            mmsim_machine_destroy(m);
            unsigned t[MAX_THREADS], nt = sweep(o, ncpus, t);
            json_t *sw = json_array();
            /* The statistics are those of the last (largest) run. */
            for (unsigned k = 0; k < nt; k++) {
                struct bw b;
                char nthreads[16];
                snprintf(nthreads, sizeof(nthreads), "%u", t[k]);
                const char *args[64] = {"bandwidth", "-t", nthreads, "-n", "512K", "-k", "2",
                                        "-c", "0"};
                unsigned n = 9;
                if (user_args)
                    for (n = 3; user_args[n - 3] && n < 63; n++)
                        args[n] = user_args[n - 3];
                args[n] = NULL;
                struct exp_run r = {.cmd = "compare", .topo = topos->name[i], .prog = prog,
                                    .argv = args, .seed = o->seed,
                                    .show_output = o->show_output, .want_stats = k == nt - 1,
                                    .bundled = true};
                int st = exp_run(&r);
                if (st) {
                    json_decref(sw);
                    return st;
                }
                int bad = read_bandwidth(r.out, &b);
                fclose(r.out);
                if (bad) {
                    json_decref(sw);
                    json_decref(r.stats);
                    cli_error("compare: unexpected output of %s on %s", prog, topos->name[i]);
                    return EXIT_SIM_ERROR;
                }
                b.threads = t[k];
                json_array_append_new(sw, bw_json(&b));
                if (r.stats)
                    rep = r.stats;
            }
            wl = json_object();
            json_object_set_new(wl, "bandwidth_gbs", sw);
        } else {
            const char *args[256];
            unsigned n = 0;
            args[n++] = w == W_PROGRAM ? user_args[0] : workload_names[w];
            const char *const *a = w == W_PROGRAM ? user_args + 1
                                                  : user_args ? user_args : default_args(w);
            for (; *a && n < 255; a++)
                args[n++] = *a;
            args[n] = NULL;
            struct exp_run r = {.cmd = "compare", .topo = topos->name[i], .prog = prog,
                                .argv = args, .seed = o->seed, .show_output = o->show_output,
                                .want_stats = true, .bundled = w != W_PROGRAM};
            int st = exp_run(&r);
            if (st)
                return st;
            rep = r.stats;
            if (w != W_PROGRAM)
                wl = parse_output(w, r.out);
            else
                json_object_set_new(rep, "exit_code", json_integer(r.exit_code));
            fclose(r.out);
        }
        /* "topology" first: the column of the text and CSV forms. */
        json_t *top = json_object();
        json_object_set_new(top, "topology", json_string(topos->name[i]));
        json_object_update(top, rep);
        json_decref(rep);
        if (wl)
            json_object_set_new(top, "workload", wl);
        json_array_append_new(reports, top);
    }
    return 0;
}

/* ---- plots ---------------------------------------------------------------- */

static void latency_panel(struct plot_panel *p, json_t *reports, const char *key,
                          const char *val)
{
    memset(p, 0, sizeof(*p));
    p->title = "load-to-use latency (pointer chase, CPU 0, local memory)";
    p->xlabel = "working set (KiB)";
    p->ylabel = "ns per load";
    p->logx = true;
    size_t i;
    json_t *r;
    json_array_foreach(reports, i, r) {
        if (p->nseries == PLOT_MAX_SERIES)
            break;
        struct plot_series *s = &p->s[p->nseries++];
        snprintf(s->title, sizeof(s->title), "%s",
                 json_string_value(json_object_get(r, "topology")));
        json_t *a = json_object_get(r, key), *e;
        if (!a)
            a = json_object_get(json_object_get(r, "workload"), key);
        size_t k;
        json_array_foreach(a, k, e) {
            if (s->n < PLOT_MAX_POINTS) {
                s->x[s->n] = (double)json_integer_value(json_object_get(e, "size_kib"));
                s->y[s->n++] = json_number_value(json_object_get(e, val));
            }
        }
    }
}

static void bandwidth_panel(struct plot_panel *p, json_t *reports, bool in_workload)
{
    memset(p, 0, sizeof(*p));
    p->title = "STREAM bandwidth (threads pinned from CPU 0)";
    p->xlabel = "threads";
    p->ylabel = "GB/s";
    p->logx = true;     /* a sweep doubles the threads */
    size_t i;
    json_t *r;
    json_array_foreach(reports, i, r) {
        json_t *a = in_workload
                        ? json_object_get(json_object_get(r, "workload"), "bandwidth_gbs")
                        : json_object_get(r, "bandwidth_sweep");
        for (unsigned k = 0; k < 4 && p->nseries < PLOT_MAX_SERIES; k += 3) {
            struct plot_series *s = &p->s[p->nseries];
            snprintf(s->title, sizeof(s->title), "%s %s",
                     json_string_value(json_object_get(r, "topology")), kernels[k]);
            p->nseries++;
            size_t j;
            json_t *e;
            json_array_foreach(a, j, e) {
                if (s->n < PLOT_MAX_POINTS) {
                    s->x[s->n] = (double)json_integer_value(json_object_get(e, "threads"));
                    s->y[s->n++] = json_number_value(json_object_get(e, kernels[k]));
                }
            }
        }
    }
}

/* ---- the command ---------------------------------------------------------- */

static int parse_threads(const char *arg, struct opts *o)
{
    const char *p = arg;
    o->nthreads = 0;
    for (;;) {
        char *e;
        if (*p < '0' || *p > '9')
            goto bad;
        unsigned long v = strtoul(p, &e, 10);
        if (!v || v > 1024 || o->nthreads == MAX_THREADS)
            goto bad;
        o->threads[o->nthreads++] = (unsigned)v;
        p = e;
        if (!*p)
            return 0;
        if (*p++ != ',')
            goto bad;
    }
bad:
    cli_error("compare: --threads: '%s' is not a number from 1 to 1024 or a comma list of at "
              "most %d of them (1,2,4)", arg, MAX_THREADS);
    return EXIT_USAGE;
}

static void usage(void)
{
    printf("usage: mmsim compare [options]                        the default experiment\n"
           "       mmsim compare [options] WORKLOAD [ARGS...]     a bundled workload\n"
           "       mmsim compare [options] -- PROGRAM [ARGS...]   any guest program\n"
           "\n"
           "Run guest programs on each machine with detailed timing and print the\n"
           "results side by side.  Without -t: the default UMA and NUMA machines (%s\n"
           "and %s: 4 CPUs and 16 GiB each).\n"
           "\n"
           "Default experiment: the bundled latency and bandwidth workloads: the\n"
           "load-to-use latency of a pointer chase for working sets that live in the\n"
           "L1, the L2, the LLC and DRAM (next to what the configuration implies,\n"
           "`mmsim latency`), the latency of each node's memory from CPU 0, and\n"
           "STREAM copy/triad bandwidth with one thread per CPU (or each --threads).\n"
           "\n"
           "WORKLOAD (latency, bandwidth, numa-policy, pagewalk; examples/guest) or\n"
           "PROGRAM: the statistics after the run (after the ROI's end if the program\n"
           "marks one): simulated time, IPC, memory-access latency (mean, p50, p95,\n"
           "p99), where accesses were served (L1, L2, LLC, cache-to-cache, local and\n"
           "remote DRAM by hops), TLB miss rates and page-walk cycles, bus, memory\n"
           "controller and link utilisation and queueing, numastat per node; for a\n"
           "workload also its own results.  ARGS replace a workload's default\n"
           "arguments; bandwidth runs once per thread count (1, 2, 4, ... every CPU,\n"
           "or --threads).  The program's output is not shown (see --show-output).\n"
           "Options go before WORKLOAD: what follows it is the workload's.\n"
           "\n"
           "  -t, --topology NAME|FILE  a machine (repeatable, at most %d)\n"
           "  -n, --threads N[,N...]    STREAM thread counts (default mode, bandwidth)\n"
           "      --json                JSON on stdout\n"
           "      --csv                 CSV on stdout: topology,metric,value per row\n"
           "      --plot FILE.svg|.png  draw with gnuplot: latency against working set,\n"
           "                            bandwidth against threads\n"
           "      --show-output         copy each run's guest output to stderr\n"
           "  -e, --examples DIR        where the bundled workloads are (default: the\n"
           "                            build's guest/examples, or $MMSIM_EXAMPLES_DIR)\n"
           "  -s, --seed N              seed of every pseudo-random choice (default 0)\n"
           "\n"
           "Exit status: 0; 2 usage; 125 simulator error or a bundled workload failed;\n"
           "126 the program cannot be executed; 127 a workload, the program or gnuplot\n"
           "(--plot) not found; 128+N the program was killed by signal N.\n",
           mmsim_topology_default_uma(), mmsim_topology_default_numa(), CLI_MAX_TOPOS);
}

enum { OPT_CSV = 256, OPT_PLOT, OPT_SHOW };

static int output(const struct opts *o, json_t *reports, bool workload_plot, enum workload w)
{
    int rc = 0;
    if (o->plot) {
        struct plot_panel *p = calloc(2, sizeof(*p));
        unsigned np = 0;
        if (!p)
            return EXIT_SIM_ERROR;
        if (!workload_plot) {
            latency_panel(&p[np++], reports, "latency_ns", "measured");
            if (o->nthreads > 1)
                bandwidth_panel(&p[np++], reports, false);
        } else if (w == W_LATENCY) {
            latency_panel(&p[np++], reports, "latency_ns", "ns");
        } else if (w == W_BANDWIDTH) {
            bandwidth_panel(&p[np++], reports, true);
        }
        if (np)
            rc = plot_lines("compare", o->plot, p, np);
        else
            cli_error("compare: --plot: nothing to plot for this workload (latency against "
                      "working set: the default mode and latency; bandwidth against threads: "
                      "bandwidth)");
        free(p);
        if (!np)
            return EXIT_USAGE;
        if (rc)
            return rc;
    }
    return fflush(stdout) == 0 ? 0 : EXIT_SIM_ERROR;
}

int cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {{"topology", required_argument, NULL, 't'},
                                          {"threads", required_argument, NULL, 'n'},
                                          {"examples", required_argument, NULL, 'e'},
                                          {"seed", required_argument, NULL, 's'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"csv", no_argument, NULL, OPT_CSV},
                                          {"plot", required_argument, NULL, OPT_PLOT},
                                          {"show-output", no_argument, NULL, OPT_SHOW},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    struct cli_topos topos = {0};
    struct opts o = {0};
    int c;
    optind = 1;
    /* "+": stop at the workload's name, so its own options pass through. */
    while ((c = getopt_long(argc, argv, "+t:n:e:s:jh", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (cli_topos_add(&topos, "compare", optarg))
                return EXIT_USAGE;
            break;
        case 'n':
            if (parse_threads(optarg, &o))
                return EXIT_USAGE;
            break;
        case 'e': o.dir = optarg; break;
        case 's':
            if (cli_parse_u64(optarg, &o.seed)) {
                cli_error("compare: --seed: '%s' is not a number", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'j': o.json = true; break;
        case OPT_CSV: o.csv = true; break;
        case OPT_PLOT: o.plot = optarg; break;
        case OPT_SHOW: o.show_output = true; break;
        case 'h': usage(); return 0;
        default: return EXIT_USAGE;
        }
    }
    if (o.json && o.csv) {
        cli_error("compare: --json and --csv are mutually exclusive");
        return EXIT_USAGE;
    }
    if (o.plot) {
        int rc = plot_check("compare", o.plot);
        if (rc)
            return rc;
    }
    enum workload w = W_PROGRAM;
    bool named = optind < argc;
    char prog[4096];
    const char *const *user_args = NULL;
    if (named && strcmp(argv[optind - 1], "--") == 0) {
        /* -- PROGRAM ARGS: found as `mmsim run` finds it. */
        snprintf(prog, sizeof(prog), "%s", argv[optind]);
        user_args = (const char *const *)&argv[optind];
        if (o.nthreads) {
            cli_error("compare: --threads: a program's thread count is its own argument "
                      "(--threads is for the bandwidth workload and the default mode)");
            return EXIT_USAGE;
        }
    } else if (named) {
        for (w = 0; w < W_PROGRAM && strcmp(argv[optind], workload_names[w]) != 0; w++)
            ;
        if (w == W_PROGRAM) {
            cli_error("compare: '%s' is not a bundled workload (latency, bandwidth, "
                      "numa-policy, pagewalk; or -- PROGRAM ARGS)", argv[optind]);
            return EXIT_USAGE;
        }
        if (o.nthreads && w != W_BANDWIDTH) {
            cli_error("compare: --threads: the %s workload runs one thread (--threads is for "
                      "bandwidth and the default mode)", workload_names[w]);
            return EXIT_USAGE;
        }
        if (!cli_workload("compare", o.dir, workload_names[w], prog, sizeof(prog)))
            return EXIT_NOT_FOUND;
        if (optind + 1 < argc)
            user_args = (const char *const *)&argv[optind + 1];
    }
    if (o.plot && named && w != W_LATENCY && w != W_BANDWIDTH) {
        /* Said before the runs, not after them. */
        cli_error("compare: --plot: nothing to plot for this workload (latency against "
                  "working set: the default mode and latency; bandwidth against threads: "
                  "bandwidth)");
        return EXIT_USAGE;
    }
    cli_topos_default(&topos);
    json_t *reports;
    if (named) {
        reports = json_array();
        int rc = run_named(&o, &topos, w, prog, user_args, reports);
        if (rc) {
            json_decref(reports);
            return rc;
        }
        if (o.json)
            rc = report_json(reports, stdout);
        else if (o.csv)
            rc = report_csv(reports, stdout);
        else {
            printf("# %s", w == W_PROGRAM ? prog : workload_names[w]);
            const char *const *a = w == W_PROGRAM ? user_args + 1
                                                  : user_args ? user_args : default_args(w);
            for (; a && *a; a++)
                printf(" %s", *a);
            printf("\n");
            report_text(reports, stdout);
        }
        rc = rc ? EXIT_SIM_ERROR : output(&o, reports, true, w);
        json_decref(reports);
        return rc;
    }
    char latency[4096], bandwidth[4096];
    if (!cli_workload("compare", o.dir, "latency", latency, sizeof(latency)) ||
        !cli_workload("compare", o.dir, "bandwidth", bandwidth, sizeof(bandwidth)))
        return EXIT_NOT_FOUND;
    struct result *r = calloc(CLI_MAX_TOPOS, sizeof(*r));
    if (!r)
        return EXIT_SIM_ERROR;
    unsigned nsizes = sizeof(default_sizes) / sizeof(default_sizes[0]);
    for (int i = 0; i < topos.n; i++) {
        int rc = measure(&o, latency, bandwidth, topos.name[i], default_sizes, nsizes, &r[i]);
        if (rc) {
            free(r);
            return rc;
        }
    }
    reports = default_json(&topos, r, default_sizes, nsizes);
    int rc = 0;
    if (o.json)
        rc = report_json(reports, stdout);
    else if (o.csv)
        rc = report_csv(reports, stdout);
    else
        print_text(&topos, r, default_sizes, nsizes);
    free(r);
    rc = rc ? EXIT_SIM_ERROR : output(&o, reports, false, W_PROGRAM);
    json_decref(reports);
    return rc;
}
