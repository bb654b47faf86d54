/* Guest runs for `mmsim compare` / `mmsim matrix` and the statistics report
 * read from the machine's registry afterwards (docs/EXPERIMENTS.md). */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exp.h"
#include "stats.h"      /* the histogram layout, to merge histograms */

static int create_error(const struct exp_run *r, mmsim_machine *m, int rc)
{
    cli_error("%s: %s on %s: %s", r->cmd, r->prog, r->topo, mmsim_machine_errmsg(m));
    switch (rc) {
    case MMSIM_ERR_NOT_FOUND: return EXIT_NOT_FOUND;
    case MMSIM_ERR_EXEC: return EXIT_CANNOT_EXEC;
    default: return EXIT_SIM_ERROR;
    }
}

static void copy_output(const struct exp_run *r)
{
    char buf[4096];
    size_t n;
    char last = '\n';
    fprintf(stderr, "mmsim: %s: output of %s on %s:\n", r->cmd, r->argv[0], r->topo);
    while ((n = fread(buf, 1, sizeof(buf), r->out)) > 0) {
        fwrite(buf, 1, n, stderr);
        last = buf[n - 1];
    }
    if (last != '\n')
        fputc('\n', stderr);
    rewind(r->out);
}

int exp_run(struct exp_run *r)
{
    mmsim_machine *m;
    r->out = NULL;
    r->stats = NULL;
    r->exit_code = -1;
    if (cli_create_machine(r->topo, r->seed, &m))
        return EXIT_SIM_ERROR;
    int status = EXIT_SIM_ERROR;
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    FILE *out = tmpfile();
    mmsim_process *p = NULL;
    if (null < 0 || !out) {
        cli_error("%s: cannot create a temporary file for the guest's output", r->cmd);
        goto done;
    }
    int rc = mmsim_process_create(m, r->prog, r->argv, NULL, 0, &p);
    if (rc != MMSIM_OK) {
        status = create_error(r, m, rc);
        goto done;
    }
    rc = mmsim_process_set_stdio(p, null, fileno(out), -1);
    if (rc == MMSIM_OK)
        rc = mmsim_machine_run(m, 0);
    if (rc != MMSIM_OK) {
        cli_error("%s: %s on %s: %s", r->cmd, r->argv[0], r->topo, mmsim_machine_errmsg(m));
        goto done;
    }
    int ws = 0;
    if (mmsim_process_wait_status(p, &ws) == MMSIM_OK && WIFSIGNALED(ws)) {
        cli_error("%s: %s on %s: killed by signal %d", r->cmd, r->argv[0], r->topo,
                  WTERMSIG(ws));
        status = 128 + WTERMSIG(ws);
        goto done;
    }
    mmsim_process_exit_code(p, &r->exit_code);
    fflush(out);
    rewind(out);
    r->out = out;
    if (r->show_output)
        copy_output(r);
    if (r->exit_code != 0) {
        if (r->bundled) {
            cli_error("%s: %s on %s: the workload failed (exit status %d)", r->cmd, r->argv[0],
                      r->topo, r->exit_code);
            goto done;
        }
        cli_error("%s: warning: %s on %s exited with status %d", r->cmd, r->argv[0], r->topo,
                  r->exit_code);
    }
    if (r->want_stats && !(r->stats = exp_stats_report(m))) {
        cli_error("%s: out of memory", r->cmd);
        goto done;
    }
    status = 0;
done:
    if (status) {
        if (out)
            fclose(out);
        r->out = NULL;
    }
    if (null >= 0)
        close(null);
    mmsim_machine_destroy(m);
    return status;
}

/* ---- the statistics report ---------------------------------------------- */

/* The statistic named by the format, 0 if there is none. */
static uint64_t sget(mmsim_machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static uint64_t sget(mmsim_machine *m, const char *fmt, ...)
{
    char name[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    uint64_t v = 0;
    if (mmsim_stats_get(m, name, &v) != MMSIM_OK)
        v = 0;
    return v;
}

/* The JSON dump's node at a dotted path, or NULL. */
static json_t *at(json_t *root, const char *path)
{
    char key[64];
    json_t *cur = root;
    while (cur && *path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        if (len >= sizeof(key))
            return NULL;
        memcpy(key, path, len);
        key[len] = '\0';
        cur = json_object_get(cur, key);
        path += len + (dot ? 1 : 0);
    }
    return cur;
}

/* Add the histogram the dump has at path to h.  The dump gives each
 * non-empty bucket as [lower, upper, count]: the lower bound names the
 * bucket in the layout of libmmsim/stats.h. */
static void merge_dumped(struct stats_hist *h, json_t *dump, const char *path)
{
    json_t *o = at(dump, path);
    uint64_t count = (uint64_t)json_integer_value(json_object_get(o, "count"));
    if (!count)
        return;
    uint64_t mn = (uint64_t)json_integer_value(json_object_get(o, "min"));
    uint64_t mx = (uint64_t)json_integer_value(json_object_get(o, "max"));
    if (!h->count || mn < h->min)
        h->min = mn;
    if (mx > h->max)
        h->max = mx;
    h->count += count;
    h->sum += (uint64_t)json_integer_value(json_object_get(o, "sum"));
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(o, "buckets"), i, b) {
        uint64_t lo = (uint64_t)json_integer_value(json_array_get(b, 0));
        h->bucket[stats_hist_index(lo)] += (uint64_t)json_integer_value(json_array_get(b, 2));
    }
}

/* n accesses of constant latency v (the L1's, which keeps no histogram). */
static void add_point(struct stats_hist *h, uint64_t n, uint64_t v, uint64_t sum)
{
    if (!n)
        return;
    if (!h->count || v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
    h->count += n;
    h->sum += sum;
    h->bucket[stats_hist_index(v)] += n;
}

static double ns(uint64_t ps)
{
    return (double)ps / 1000.0;
}

static void put_dist(json_t *o, const struct stats_hist *h)
{
    json_object_set_new(o, "mean_ns", json_real(h->count ? ns(h->sum) / (double)h->count : 0));
    json_object_set_new(o, "p50_ns", json_real(ns(stats_hist_percentile(h, 50))));
    json_object_set_new(o, "p95_ns", json_real(ns(stats_hist_percentile(h, 95))));
    json_object_set_new(o, "p99_ns", json_real(ns(stats_hist_percentile(h, 99))));
    json_object_set_new(o, "min_ns", json_real(ns(h->min)));
    json_object_set_new(o, "max_ns", json_real(ns(h->max)));
}

/* The classes of docs/TIMING.md ("cpuN.mem.<class>"), in report order. */
static const char *const classes[] = {"l1", "l2", "llc", "c2c_local", "c2c_remote",
                                      "dram_local", "dram_remote", "upgrade"};
#define NCLASSES (sizeof(classes) / sizeof(classes[0]))
#define MAX_HOPS 8

struct report_ctx {
    mmsim_machine *m;
    json_t *dump;
    unsigned ncpus, nnodes;
    bool *ran;                  /* CPUs that retired instructions in the window */
    double ghz;
    uint64_t elapsed_ps;
};

static json_t *served(struct report_ctx *c, struct stats_hist *all)
{
    json_t *o = json_object();
    uint64_t total = 0, count[NCLASSES + MAX_HOPS] = {0};
    for (unsigned k = 0; k < NCLASSES; k++)
        for (unsigned cpu = 0; cpu < c->ncpus; cpu++)
            if (c->ran[cpu])
                count[k] += sget(c->m, "cpu%u.mem.%s.count", cpu, classes[k]);
    for (unsigned k = 0; k < NCLASSES; k++)
        total += count[k];
    struct stats_hist *h = calloc(1, sizeof(*h));
    if (!h)
        return o;
    /* One row per class, remote DRAM also by hop count; the total merges
     * the classes (not the hop rows, which split dram_remote again). */
    for (unsigned k = 0; k < NCLASSES + MAX_HOPS; k++) {
        char cls[32], path[96];
        unsigned hop = k >= NCLASSES ? k - NCLASSES + 1 : 0;
        if (hop)
            snprintf(cls, sizeof(cls), "dram_remote.hop%u", hop);
        else
            snprintf(cls, sizeof(cls), "%s", classes[k]);
        memset(h, 0, sizeof(*h));
        uint64_t n = 0, ps = 0, unloaded = 0;
        bool exists = false;
        for (unsigned cpu = 0; cpu < c->ncpus; cpu++) {
            char name[96];
            uint64_t v;
            snprintf(name, sizeof(name), "cpu%u.mem.%s.count", cpu, cls);
            if (mmsim_stats_get(c->m, name, &v) != MMSIM_OK)
                continue;
            exists = true;
            if (!c->ran[cpu])
                continue;
            uint64_t cps = sget(c->m, "cpu%u.mem.%s.ps", cpu, cls);
            n += v;
            ps += cps;
            unloaded += sget(c->m, "cpu%u.mem.%s.unloaded_ps", cpu, cls);
            snprintf(path, sizeof(path), "cpu%u.mem.%s.latency", cpu, cls);
            if (at(c->dump, path))
                merge_dumped(h, c->dump, path);
            else if (v)     /* the L1: constant latency, no histogram */
                add_point(h, v, cps / v, cps);
        }
        if (!exists || (hop && !n))
            continue;
        json_t *row = json_object();
        json_object_set_new(row, "count", json_integer((json_int_t)n));
        json_object_set_new(row, "share", json_real(total ? (double)n / (double)total : 0));
        put_dist(row, h);
        json_object_set_new(row, "queueing_ns", json_real(n ? ns(ps - unloaded) / (double)n : 0));
        char key[40];
        snprintf(key, sizeof(key), "%s", cls);
        for (char *d = key; *d; d++)
            if (*d == '.')
                *d = '_';
        json_object_set_new(o, key, row);
        if (!hop)
            stats_hist_merge(all, h);
    }
    free(h);
    return o;
}

static json_t *tlb(struct report_ctx *c)
{
    static const char *const sizes[] = {"4k", "2m", "1g", "512g", "256t"};
    uint64_t look[2] = {0}, miss[2] = {0}, l2miss = 0, walks = 0, walk_ps = 0, walk_reads = 0;
    for (unsigned cpu = 0; cpu < c->ncpus; cpu++) {
        if (!c->ran[cpu])
            continue;
        look[0] += sget(c->m, "cpu%u.dtlb.lookups", cpu);
        look[1] += sget(c->m, "cpu%u.itlb.lookups", cpu);
        for (unsigned s = 0; s < 5; s++) {
            miss[0] += sget(c->m, "cpu%u.dtlb.misses.%s", cpu, sizes[s]);
            miss[1] += sget(c->m, "cpu%u.itlb.misses.%s", cpu, sizes[s]);
            l2miss += sget(c->m, "cpu%u.l2tlb.misses.%s", cpu, sizes[s]);
        }
        walks += sget(c->m, "cpu%u.walk.count", cpu);
        walk_ps += sget(c->m, "cpu%u.mem.pte.ps", cpu);
        walk_reads += sget(c->m, "cpu%u.mem.pte.count", cpu);
    }
    json_t *o = json_object();
    json_object_set_new(o, "dtlb_lookups", json_integer((json_int_t)look[0]));
    json_object_set_new(o, "dtlb_miss_rate",
                        json_real(look[0] ? (double)miss[0] / (double)look[0] : 0));
    json_object_set_new(o, "itlb_lookups", json_integer((json_int_t)look[1]));
    json_object_set_new(o, "itlb_miss_rate",
                        json_real(look[1] ? (double)miss[1] / (double)look[1] : 0));
    json_object_set_new(o, "l2tlb_misses", json_integer((json_int_t)l2miss));
    json_object_set_new(o, "walks", json_integer((json_int_t)walks));
    json_object_set_new(o, "walk_reads", json_integer((json_int_t)walk_reads));
    /* Walk time: the latency of the walker's PTE reads, in core cycles. */
    double cycles = (double)walk_ps * c->ghz / 1000.0;
    json_object_set_new(o, "walk_cycles", json_real(cycles));
    json_object_set_new(o, "walk_cycles_per_walk", json_real(walks ? cycles / (double)walks : 0));
    return o;
}

static json_t *resource(double util, uint64_t n, uint64_t queue_ps)
{
    json_t *o = json_object();
    json_object_set_new(o, "utilisation", json_real(util));
    json_object_set_new(o, "requests", json_integer((json_int_t)n));
    json_object_set_new(o, "avg_queue_ns", json_real(n ? ns(queue_ps) / (double)n : 0));
    return o;
}

static json_t *interconnect(struct report_ctx *c)
{
    json_t *o = json_object();
    double el = c->elapsed_ps ? (double)c->elapsed_ps : 1;
    char key[64], path[64];
    for (unsigned n = 0; n < c->nnodes; n++) {
        snprintf(key, sizeof(key), "node%u_bus", n);
        json_object_set_new(o, key, resource((double)sget(c->m, "node%u.bus.busy_ps", n) / el,
                                             sget(c->m, "node%u.bus.requests", n),
                                             sget(c->m, "node%u.bus.queue_ps", n)));
        snprintf(path, sizeof(path), "node%u.mem", n);
        if (!at(c->dump, path))
            continue;   /* a node without memory has no controller */
        snprintf(key, sizeof(key), "node%u_mem", n);
        uint64_t req = sget(c->m, "node%u.mem.reads", n) + sget(c->m, "node%u.mem.writes", n);
        json_object_set_new(o, key, resource((double)sget(c->m, "node%u.mem.busy_ps", n) / el,
                                             req, sget(c->m, "node%u.mem.queue_ps.sum", n)));
    }
    /* Links: every "numa.link<i>.<a>to<b>" the dump has (the directions'
     * names come from the routing, not from the link table). */
    json_t *links = at(c->dump, "numa");
    const char *lk;
    json_t *lv;
    json_object_foreach(links, lk, lv) {
        const char *dk;
        json_t *dv;
        json_object_foreach(lv, dk, dv) {
            snprintf(key, sizeof(key), "%s_%s", lk, dk);
            uint64_t busy = (uint64_t)json_integer_value(json_object_get(dv, "busy_ps"));
            json_object_set_new(o, key,
                                resource((double)busy / el,
                                         (uint64_t)json_integer_value(json_object_get(dv, "messages")),
                                         (uint64_t)json_integer_value(json_object_get(dv, "queue_ps"))));
        }
    }
    return o;
}

static json_t *numastat(struct report_ctx *c)
{
    static const char *const fields[] = {"numa_hit", "numa_miss", "numa_foreign",
                                         "interleave_hit", "local_node", "other_node"};
    json_t *o = json_object();
    for (unsigned n = 0; n < c->nnodes; n++) {
        json_t *row = json_object();
        for (unsigned f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
            json_object_set_new(row, fields[f],
                                json_integer((json_int_t)sget(c->m, "node%u.%s", n, fields[f])));
        char key[32];
        snprintf(key, sizeof(key), "node%u", n);
        json_object_set_new(o, key, row);
    }
    return o;
}

json_t *exp_stats_report(mmsim_machine *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    int rc = mmsim_stats_dump(m, f, MMSIM_FORMAT_JSON);
    fclose(f);
    json_t *dump = rc == MMSIM_OK ? json_loadb(buf, len, 0, NULL) : NULL;
    free(buf);
    if (!dump)
        return NULL;
    const mmsim_topology *t = mmsim_machine_topology(m);
    struct report_ctx c = {
        .m = m, .dump = dump, .ncpus = mmsim_topology_cpu_count(t),
        .nnodes = mmsim_topology_node_count(t), .ghz = mmsim_topology_clock_ghz(t),
    };
    c.ran = calloc(c.ncpus, sizeof(bool));
    struct stats_hist *all = calloc(1, sizeof(*all));
    json_t *o = json_object();
    if (!c.ran || !all || !o) {
        free(c.ran);
        free(all);
        json_decref(dump);
        json_decref(o);
        return NULL;
    }
    /* The window: from the ROI's begin (0 without one) to the CPUs'
     * clocks, which the registry gives as they were at the ROI's end. */
    uint64_t insns = 0, end = 0, begin = sget(m, "roi.begin_cycle");
    for (unsigned cpu = 0; cpu < c.ncpus; cpu++) {
        uint64_t n = sget(m, "cpu%u.insns", cpu), cyc = sget(m, "cpu%u.cycles", cpu);
        c.ran[cpu] = n > 0;
        insns += n;
        end = cyc > end ? cyc : end;
    }
    uint64_t cycles = end > begin ? end - begin : 0;
    c.elapsed_ps = c.ghz > 0 ? (uint64_t)((double)cycles * 1000.0 / c.ghz) : 0;
    unsigned ran = 0;
    for (unsigned cpu = 0; cpu < c.ncpus; cpu++)
        ran += c.ran[cpu];
    json_object_set_new(o, "roi", json_boolean(begin > 0 || sget(m, "roi.end_cycle") > 0));
    json_object_set_new(o, "sim_time_ns", json_real(ns(c.elapsed_ps)));
    json_object_set_new(o, "cycles", json_integer((json_int_t)cycles));
    json_object_set_new(o, "instructions", json_integer((json_int_t)insns));
    json_object_set_new(o, "cpus_used", json_integer(ran));
    json_object_set_new(o, "ipc", json_real(cycles ? (double)insns / (double)cycles : 0));
    json_t *srv = served(&c, all);
    json_t *lat = json_object();
    json_object_set_new(lat, "accesses", json_integer((json_int_t)all->count));
    put_dist(lat, all);
    json_object_set_new(o, "latency", lat);
    json_object_set_new(o, "served", srv);
    json_object_set_new(o, "tlb", tlb(&c));
    json_object_set_new(o, "interconnect", interconnect(&c));
    json_object_set_new(o, "numastat", numastat(&c));
    free(all);
    free(c.ran);
    json_decref(dump);
    return o;
}
