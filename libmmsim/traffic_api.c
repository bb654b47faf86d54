/* Traffic generators: the public API (include/mmsim/traffic.h), trace
 * files, and the glue between the engine (cpu/traffic.c) and the kernel
 * (a process, its footprint, its end).  See docs/TRAFFIC.md. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/traffic.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "machine.h"
#include "mmsim/traffic.h"
#include "process.h"
#include "traffic_api.h"

struct traffic_gen {
    struct mmsim_machine *m;
    struct task *t;             /* NULL once its process is destroyed */
    uint32_t pid;
    bool background;            /* no bound: runs while other processes do */
    bool checked;               /* the first step's check is done */
    struct traffic_engine e;
    struct traffic_rec *trace;
    struct traffic_gen *next;
};

static const char *const pattern_names[] = {
    [MMSIM_TRAFFIC_SEQUENTIAL] = "sequential", [MMSIM_TRAFFIC_STRIDED] = "strided",
    [MMSIM_TRAFFIC_RANDOM] = "random",         [MMSIM_TRAFFIC_CHASE] = "chase",
    [MMSIM_TRAFFIC_TRACE] = "trace",
};
#define NPATTERNS (sizeof(pattern_names) / sizeof(pattern_names[0]))

const char *mmsim_traffic_pattern_name(mmsim_traffic_pattern p)
{
    return (unsigned)p < NPATTERNS ? pattern_names[p] : NULL;
}

int mmsim_traffic_pattern_parse(const char *name, mmsim_traffic_pattern *out)
{
    if (!name || !out)
        return MMSIM_ERR_INVALID;
    for (unsigned i = 0; i < NPATTERNS; i++)
        if (!strcmp(name, pattern_names[i])) {
            *out = (mmsim_traffic_pattern)i;
            return MMSIM_OK;
        }
    return MMSIM_ERR_INVALID;
}

void mmsim_traffic_init(mmsim_traffic *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof(*cfg));
    cfg->pattern = MMSIM_TRAFFIC_SEQUENTIAL;
    cfg->footprint = 64ULL << 20;
    cfg->stride = 256;
    cfg->size = 8;
    cfg->reads = 1.0;
    cfg->cpu = -1;
}

/* ---- Trace files ---------------------------------------------------------- */

/* The binary format's magic (docs/TRAFFIC.md): then 16-byte records. */
static const char trace_magic[8] = {'M', 'M', 'S', 'I', 'M', 'T', 'R', '1'};

struct trace_ctx {
    char *err;                  /* the message of a failure */
    size_t errlen;
    const char *path;
    uint32_t line_size, def_size;
    uint64_t footprint;         /* 0: derive */
    struct traffic_rec *recs;
    uint64_t n, cap;
    uint64_t end;               /* highest offset + size */
};

static int terr(struct trace_ctx *c, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int terr(struct trace_ctx *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
    return code;
}

static bool pow2(uint64_t x)
{
    return x && !(x & (x - 1));
}

/* Check and append one access; where names it in messages ("line 7",
 * "record 3").  MMSIM_OK or an error recorded on the machine. */
static int trace_add(struct trace_ctx *c, const char *where, uint64_t off, uint64_t size,
                     bool write)
{
    if (!size)
        size = c->def_size;
    if (!pow2(size) || size > c->line_size)
        return terr(c, MMSIM_ERR_PARSE,
                           "%s:%s: access size %" PRIu64
                           " is not a power of two from 1 to the cache line (%u bytes)",
                           c->path, where, size, c->line_size);
    if ((off & (c->line_size - 1)) + size > c->line_size)
        return terr(c, MMSIM_ERR_PARSE,
                           "%s:%s: the %" PRIu64 "-byte access at 0x%" PRIx64
                           " crosses a %u-byte cache line",
                           c->path, where, size, off, c->line_size);
    if (off > UINT64_MAX - size || (c->footprint && off + size > c->footprint))
        return terr(c, MMSIM_ERR_PARSE,
                           "%s:%s: offset 0x%" PRIx64 " is outside the footprint (%" PRIu64
                           " bytes; trace addresses are offsets into it)",
                           c->path, where, off, c->footprint);
    if (c->n == c->cap) {
        uint64_t cap = c->cap ? c->cap * 2 : 1024;
        struct traffic_rec *r = realloc(c->recs, cap * sizeof(*r));
        if (!r)
            return terr(c, MMSIM_ERR_NOMEM, "out of memory reading %s", c->path);
        c->recs = r;
        c->cap = cap;
    }
    c->recs[c->n++] = (struct traffic_rec){.off = off, .size = (uint32_t)size, .write = write};
    if (off + size > c->end)
        c->end = off + size;
    return MMSIM_OK;
}

static int trace_text(struct trace_ctx *c, FILE *f)
{
    char buf[512], where[32];
    unsigned long lineno = 0;
    while (fgets(buf, sizeof(buf), f)) {
        lineno++;
        snprintf(where, sizeof(where), "%lu", lineno);
        size_t len = strlen(buf);
        if (len == sizeof(buf) - 1 && buf[len - 1] != '\n' && !feof(f))
            return terr(c, MMSIM_ERR_PARSE, "%s:%lu: line longer than %zu characters",
                               c->path, lineno, sizeof(buf) - 2);
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *save = NULL;
        char *op = strtok_r(buf, " \t\r\n", &save);
        if (!op)
            continue;
        char *addr = strtok_r(NULL, " \t\r\n", &save);
        char *size = strtok_r(NULL, " \t\r\n", &save);
        char *extra = strtok_r(NULL, " \t\r\n", &save);
        bool write;
        if (!strcmp(op, "R") || !strcmp(op, "r"))
            write = false;
        else if (!strcmp(op, "W") || !strcmp(op, "w"))
            write = true;
        else
            return terr(c, MMSIM_ERR_PARSE,
                               "%s:%lu: expected R or W at the start of the line, found '%s' "
                               "(format: R|W ADDRESS [SIZE])",
                               c->path, lineno, op);
        if (!addr)
            return terr(c, MMSIM_ERR_PARSE,
                               "%s:%lu: missing address after '%s' (format: R|W ADDRESS [SIZE])",
                               c->path, lineno, op);
        char *end;
        errno = 0;
        /* 0x hexadecimal or decimal (a leading 0 is not octal); digits
         * only (strtoull would take a sign or spaces). */
        bool hex = addr[0] == '0' && (addr[1] == 'x' || addr[1] == 'X');
        const char *digits = hex ? addr + 2 : addr;
        uint64_t off = strtoull(digits, &end, hex ? 16 : 10);
        bool ok = hex ? isxdigit((unsigned char)digits[0]) : isdigit((unsigned char)digits[0]);
        if (errno || *end || !ok)
            return terr(c, MMSIM_ERR_PARSE,
                               "%s:%lu: '%s' is not an address (0x hexadecimal or decimal)",
                               c->path, lineno, addr);
        uint64_t sz = 0;
        if (size) {
            errno = 0;
            sz = strtoull(size, &end, 10);
            if (errno || *end || size[0] == '-' || !sz)
                return terr(c, MMSIM_ERR_PARSE,
                                   "%s:%lu: '%s' is not an access size in bytes", c->path,
                                   lineno, size);
        }
        if (extra)
            return terr(c, MMSIM_ERR_PARSE,
                               "%s:%lu: unexpected '%s' after the size (format: R|W ADDRESS "
                               "[SIZE])",
                               c->path, lineno, extra);
        int rc = trace_add(c, where, off, sz, write);
        if (rc)
            return rc;
    }
    if (ferror(f))
        return terr(c, MMSIM_ERR_IO, "%s: read error: %s", c->path, strerror(errno));
    return MMSIM_OK;
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int trace_binary(struct trace_ctx *c, FILE *f)
{
    unsigned char r[16];
    char where[40];
    size_t got;
    for (uint64_t i = 0; (got = fread(r, 1, sizeof(r), f)) > 0; i++) {
        snprintf(where, sizeof(where), "record %" PRIu64, i);
        if (got != sizeof(r))
            return terr(c, MMSIM_ERR_PARSE,
                               "%s:%s: truncated (%zu of 16 bytes; records follow the 8-byte "
                               "header)",
                               c->path, where, got);
        uint64_t off = le64(r);
        uint32_t size = (uint32_t)(le64(r + 8) & 0xffffffffu);
        uint32_t flags = (uint32_t)(le64(r + 8) >> 32);
        if (flags & ~1u)
            return terr(c, MMSIM_ERR_PARSE,
                               "%s:%s: unknown flags 0x%x (bit 0: write; the others must be 0)",
                               c->path, where, flags);
        int rc = trace_add(c, where, off, size, flags & 1u);
        if (rc)
            return rc;
    }
    if (ferror(f))
        return terr(c, MMSIM_ERR_IO, "%s: read error: %s", c->path, strerror(errno));
    return MMSIM_OK;
}

static int trace_load(struct trace_ctx *c)
{
    FILE *f = fopen(c->path, "rb");
    if (!f)
        return terr(c, errno == ENOENT ? MMSIM_ERR_NOT_FOUND : MMSIM_ERR_IO,
                           "trace file %s: %s", c->path, strerror(errno));
    char head[8];
    size_t got = fread(head, 1, sizeof(head), f);
    bool binary = got == sizeof(head) && !memcmp(head, trace_magic, sizeof(head));
    if (!binary)
        rewind(f);
    int rc = binary ? trace_binary(c, f) : trace_text(c, f);
    fclose(f);
    if (!rc && !c->n)
        rc = terr(c, MMSIM_ERR_PARSE, "%s: the trace has no accesses", c->path);
    return rc;
}

/* ---- Creation ------------------------------------------------------------- */

static void register_stats(struct traffic_gen *g)
{
    struct stats_registry *r = g->m->stats;
    struct traffic_engine *e = &g->e;
    unsigned pid = g->pid;
    stats_add_counterf(r, &e->ops, "accesses performed (one instruction each)", "gen%u.ops", pid);
    stats_add_counterf(r, &e->reads, "reads", "gen%u.reads", pid);
    stats_add_counterf(r, &e->writes, "writes", "gen%u.writes", pid);
    stats_add_counterf(r, &e->bytes, "bytes accessed", "gen%u.bytes", pid);
    stats_add_counterf(r, &e->misses, "accesses slower than an L1 hit (a miss, a line still being filled, a page walk)",
                       "gen%u.misses", pid);
    stats_add_counterf(r, &e->time_ps,
                       "simulated time from the first issue to the last completion (ps)",
                       "gen%u.time_ps", pid);
    stats_add_histf(r, &e->latency_ps,
                    "latency of each access from when it left the CPU, after its translation "
                    "(ps; L1 hits: the L1D latency)",
                    "gen%u.latency_ps", pid);
}

static int bad(char *err, size_t len, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int bad(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return MMSIM_ERR_INVALID;
}

/* Every field but the trace's contents and the policy (checked when the
 * process is created). */
static int validate(const struct mmsim_topology *t, const mmsim_traffic *cfg, char *err,
                    size_t len)
{
    uint32_t line = t->cpu.l1d.line;
    if ((unsigned)cfg->pattern >= NPATTERNS)
        return bad(err, len, "unknown pattern %d (sequential, strided, random, chase or trace)",
                   (int)cfg->pattern);
    bool trace = cfg->pattern == MMSIM_TRAFFIC_TRACE;
    if (trace && (!cfg->trace || !*cfg->trace))
        return bad(err, len, "the trace pattern needs a trace file");
    if (!trace && cfg->trace)
        return bad(err, len, "a trace file (%s) is only for the trace pattern, not %s", cfg->trace,
                   pattern_names[cfg->pattern]);
    if (!pow2(cfg->size) || cfg->size > line)
        return bad(err, len, "access size %u is not a power of two from 1 to the cache line (%u bytes)",
                   cfg->size, line);
    if (!trace && cfg->footprint == 0)
        return bad(err, len, "footprint 0: give the bytes the generator accesses (e.g. 64MiB)");
    if (cfg->footprint > (1ULL << 46))
        return bad(err, len, "footprint %" PRIu64 " bytes is above the 64 TiB a generator may map",
                   cfg->footprint);
    if (cfg->footprint % cfg->size)
        return bad(err, len, "footprint %" PRIu64 " is not a multiple of the access size (%u bytes)",
                   cfg->footprint, cfg->size);
    if (cfg->pattern == MMSIM_TRAFFIC_STRIDED && (!cfg->stride || cfg->stride % cfg->size))
        return bad(err, len, "stride %" PRIu64 " is not a non-zero multiple of the access size (%u bytes)",
                   cfg->stride, cfg->size);
    if (cfg->pattern == MMSIM_TRAFFIC_CHASE) {
        uint64_t lines = cfg->footprint / line;
        if (lines < 2 || cfg->footprint % line)
            return bad(err, len, "a chase needs a footprint of at least two whole %u-byte lines (a "
                       "multiple of %u), not %" PRIu64 " bytes",
                       line, line, cfg->footprint);
        if (lines > UINT32_MAX)
            return bad(err, len, "a chase covers at most 2^32 lines (%" PRIu64 " bytes of %u-byte lines)",
                       (uint64_t)UINT32_MAX * line, line);
    }
    if (!(cfg->reads >= 0.0 && cfg->reads <= 1.0))
        return bad(err, len, "read fraction %g is not between 0 and 1 (0%%-100%%)", cfg->reads);
    if (cfg->interval_ps && cfg->rate)
        return bad(err, len, "both an interval (%" PRIu64 " ps) and a rate (%" PRIu64
                      " B/s): give one of them",
                   cfg->interval_ps, cfg->rate);
    if (cfg->interval_ps > 1000000000000000ULL)
        return bad(err, len, "interval %" PRIu64 " ps is above 1000 s", cfg->interval_ps);
    uint32_t mshrs = t->cpu.l1d.mshrs;
    if (cfg->outstanding > TRAFFIC_MAX_OUTSTANDING || (mshrs && cfg->outstanding > mshrs))
        return bad(err, len, "outstanding %u is above the L1D's %u MSHRs (1-%u)", cfg->outstanding,
                   mshrs ? mshrs : TRAFFIC_MAX_OUTSTANDING, mshrs ? mshrs : TRAFFIC_MAX_OUTSTANDING);
    if (cfg->cpu < -1 || (cfg->cpu >= 0 && (uint32_t)cfg->cpu >= t->ncpus)) {
        bad(err, len, "cpu %d out of range (the machine has %u CPUs: 0-%u, or -1 to place it on "
                      "an idle one)",
            cfg->cpu, t->ncpus, t->ncpus - 1);
        return MMSIM_ERR_RANGE;
    }
    return MMSIM_OK;
}

int traffic_check(const struct mmsim_topology *t, const mmsim_traffic *cfg, char *err,
                  size_t len)
{
    int rc = validate(t, cfg, err, len);
    if (rc || cfg->pattern != MMSIM_TRAFFIC_TRACE)
        return rc;
    struct trace_ctx c = {.err = err, .errlen = len, .path = cfg->trace,
                          .line_size = t->cpu.l1d.line, .def_size = cfg->size,
                          .footprint = cfg->footprint};
    rc = trace_load(&c);
    free(c.recs);
    return rc;
}

static unsigned log2u(uint64_t x)
{
    return 63u - (unsigned)__builtin_clzll(x);
}

int mmsim_traffic_create(mmsim_machine *m, const mmsim_traffic *cfg, mmsim_process **out)
{
    if (!out)
        return m ? machine_err(m, MMSIM_ERR_INVALID, "NULL out pointer") : MMSIM_ERR_INVALID;
    *out = NULL;
    if (!m || !cfg)
        return m ? machine_err(m, MMSIM_ERR_INVALID, "NULL configuration") : MMSIM_ERR_INVALID;
    machine_clear_err(m);
    if (!m->kernel)
        return machine_err(m, MMSIM_ERR_STATE, "the machine has no guest kernel");
    if (m->in_callback)     /* a failed creation could not be undone there */
        return machine_err(m, MMSIM_ERR_STATE,
                           "mmsim_traffic_create cannot be called from a callback");
    char msg[512];
    int rc = validate(m->topo, cfg, msg, sizeof(msg));
    if (rc)
        return machine_err(m, rc, "traffic generator: %s", msg);
    const struct mmsim_topology *topo = m->topo;
    uint32_t line = topo->cpu.l1d.line;
    struct traffic_gen *g = calloc(1, sizeof(*g));
    if (!g)
        return machine_err(m, MMSIM_ERR_NOMEM, "out of memory");
    uint64_t footprint = cfg->footprint;
    if (cfg->pattern == MMSIM_TRAFFIC_TRACE) {
        struct trace_ctx c = {.err = msg, .errlen = sizeof(msg), .path = cfg->trace,
                              .line_size = line, .def_size = cfg->size, .footprint = footprint};
        rc = trace_load(&c);
        if (rc) {
            free(c.recs);
            free(g);
            return machine_err(m, rc, "%s", msg);
        }
        g->trace = c.recs;
        g->e.trace = c.recs;
        g->e.ntrace = c.n;
        if (!footprint)
            footprint = c.end;
    }
    char name[64];
    if (cfg->name)
        snprintf(name, sizeof(name), "%s", cfg->name);
    else
        snprintf(name, sizeof(name), "traffic-%s", pattern_names[cfg->pattern]);
    mmsim_process *p;
    rc = process_create_empty(m, cfg->cpu, cfg->mempolicy, name, &p);
    if (rc) {
        free(g->trace);
        free(g);
        return rc;
    }
    struct task *t = process_task(p);
    struct guest_kernel *k = m->kernel;
    /* The footprint: an anonymous private mapping, paged in on demand under
     * the process's policy. */
    uint64_t len = (footprint + MM_PAGE_SIZE - 1) & ~(MM_PAGE_SIZE - 1);
    uint64_t base = mm_find_free(t->mm, len);
    if (!base || mm_map(t->mm, base, len, MM_PROT_R | MM_PROT_W, 0, "[traffic]")) {
        mmsim_process_destroy(p);
        free(g->trace);
        free(g);
        return machine_err(m, MMSIM_ERR_GUEST_NOMEM,
                           "traffic generator: no room for a %" PRIu64 "-byte footprint in the "
                           "address space",
                           footprint);
    }
    if (cfg->populate) {
        /* Write faults, as MAP_POPULATE of a private mapping, on the node
         * the policy gives the generator's CPU; free of simulated time. */
        for (uint64_t va = base; va < base + len; va += MM_PAGE_SIZE) {
            enum mm_fault f = mm_fault_in(t->mm, va, 1);
            if (f != MM_OK) {
                mmsim_process_destroy(p);
                free(g->trace);
                free(g);
                return machine_err(m, MMSIM_ERR_GUEST_NOMEM,
                                   "traffic generator: cannot populate the %" PRIu64
                                   "-byte footprint: %s",
                                   footprint,
                                   f == MM_FAULT_LIMIT ? "the guest memory limit is reached"
                                                       : "no free memory on the policy's nodes");
            }
        }
        t->mm->pending_cycles = 0;
    }
    struct traffic_engine *e = &g->e;
    e->pattern = (enum traffic_pattern)cfg->pattern;
    e->base = base;
    e->footprint = footprint;
    e->stride = cfg->stride;
    e->size = cfg->size;
    e->read_thresh = (uint64_t)llround(cfg->reads * 9007199254740992.0);  /* 2^53 */
    if (cfg->interval_ps)
        e->interval_fx = ((unsigned __int128)cfg->interval_ps * topo->clock_hz << 32) /
                         1000000000000ULL;
    else if (cfg->rate)
        e->interval_fx = ((unsigned __int128)cfg->size * topo->clock_hz << 32) / cfg->rate;
    uint32_t mshrs = topo->cpu.l1d.mshrs;
    e->outstanding = cfg->outstanding ? cfg->outstanding
                                      : mshrs ? mshrs : TRAFFIC_MAX_OUTSTANDING;
    e->max_ops = cfg->ops;
    if (cfg->pattern == MMSIM_TRAFFIC_TRACE && !cfg->ops && !cfg->duration_ns)
        e->max_ops = g->e.ntrace;       /* one pass */
    e->duration_cycles = cfg->duration_ns ? kernel_ns_to_cycles(k, cfg->duration_ns) : 0;
    e->hit_cycles = topo_lat_cycles(topo, topo->cpu.l1d.latency);
    e->clock_hz = topo->clock_hz;
    e->line_shift = log2u(line);
    g->pid = t->pid;
    e->rng = m->seed ^ 0x74726166666963ULL ^ ((uint64_t)g->pid * 0x9E3779B97F4A7C15ULL);
    if (traffic_engine_init(e)) {
        mmsim_process_destroy(p);
        free(g->trace);
        free(g);
        return machine_err(m, MMSIM_ERR_NOMEM, "out of memory building the chase permutation");
    }
    g->m = m;
    g->t = t;
    g->background = !e->max_ops && !e->duration_cycles;
    g->next = m->traffic;
    m->traffic = g;
    register_stats(g);
    *out = p;
    return MMSIM_OK;
}

void traffic_from_topology(const struct topo_traffic *x, mmsim_traffic *cfg)
{
    mmsim_traffic_init(cfg);
    cfg->pattern = (mmsim_traffic_pattern)x->pattern;
    cfg->footprint = x->footprint;
    cfg->stride = x->stride;
    cfg->size = x->size;
    cfg->reads = x->reads;
    cfg->interval_ps = x->interval_ps;
    cfg->rate = x->rate;
    cfg->outstanding = x->outstanding;
    cfg->ops = x->ops;
    cfg->duration_ns = x->duration_ns;
    cfg->cpu = x->cpu;
    cfg->populate = x->populate;
    cfg->mempolicy = x->has_policy ? &x->policy : NULL;
    cfg->trace = x->trace;
}

int traffic_create_from_topology(struct mmsim_machine *m)
{
    for (uint32_t i = 0; i < m->topo->ntraffic; i++) {
        const struct topo_traffic *x = &m->topo->traffic[i];
        mmsim_traffic cfg;
        traffic_from_topology(x, &cfg);
        mmsim_process *p;
        int rc = mmsim_traffic_create(m, &cfg, &p);
        if (rc) {
            char msg[sizeof(m->errmsg)];
            snprintf(msg, sizeof(msg), "%s", m->errmsg);
            return machine_err(m, rc, "%s:%d: traffic[%u]: %s", m->topo->source, x->line, i,
                               msg);
        }
    }
    return MMSIM_OK;
}

size_t mmsim_traffic_list(const mmsim_machine *m, mmsim_process **out, size_t max)
{
    if (!m)
        return 0;
    size_t n = 0;
    for (const struct traffic_gen *g = m->traffic; g; g = g->next)
        n += g->t != NULL;
    /* The list is newest first: hand them out in creation order. */
    size_t i = n;
    for (const struct traffic_gen *g = m->traffic; g; g = g->next)
        if (g->t && --i < max && out)
            out[i] = g->t->g->proc;
    return n;
}

/* ---- The run loop's side ------------------------------------------------ */

struct traffic_gen *traffic_of(const struct mmsim_machine *m, const struct task *t)
{
    for (struct traffic_gen *g = m->traffic; g; g = g->next)
        if (g->t && g->t == t->g->leader)
            return g;
    return NULL;
}

/* Is any process alive that is not background traffic? */
static bool others_alive(const struct guest_kernel *k)
{
    for (const struct tgroup *g = k->groups; g; g = g->next) {
        if (g->state != TASK_RUNNABLE)
            continue;
        const struct traffic_gen *x = traffic_of(k->m, g->leader);
        if (!x || !x->background)
            return true;
    }
    return false;
}

int traffic_run(struct traffic_gen *g, uint64_t budget, enum hart_stop *stop)
{
    struct task *t = g->t;
    struct guest_kernel *k = t->k;
    *stop = HART_STOP_BUDGET;
    if (g->background && !g->checked) {
        g->checked = true;
        /* A program that has already ended still counts: it ran with us. */
        bool any = false;
        for (const struct tgroup *x = k->groups; x && !any; x = x->next) {
            const struct traffic_gen *o = traffic_of(k->m, x->leader);
            any = !o || !o->background;
        }
        if (!any)
            return machine_err(g->m, MMSIM_ERR_STATE,
                               "traffic generator pid %u has no bound (ops or duration) and "
                               "nothing else runs: it would never end",
                               g->pid);
    }
    if (g->background && !others_alive(k)) {
        task_exit_group(t, 0);
        return MMSIM_OK;
    }
    bool finished;
    *stop = traffic_engine_run(&g->e, t->hart, budget, &finished);
    if (finished)
        task_exit_group(t, 0);
    return MMSIM_OK;
}

void traffic_grant(struct traffic_gen *g, uint64_t start, uint64_t done)
{
    traffic_engine_grant(&g->e, start, done);
}

void traffic_detach(struct mmsim_machine *m, const struct task *t)
{
    if (!m)
        return;
    for (struct traffic_gen *g = m->traffic; g; g = g->next)
        if (g->t && g->t == t->g->leader) {
            g->t = NULL;
            traffic_engine_free(&g->e);
            free(g->trace);
            g->trace = NULL;
            g->e.trace = NULL;
        }
}

void traffic_free_all(struct mmsim_machine *m)
{
    while (m->traffic) {
        struct traffic_gen *g = m->traffic;
        m->traffic = g->next;
        traffic_engine_free(&g->e);
        free(g->trace);
        free(g);
    }
}
