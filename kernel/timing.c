/* Detailed timing: the CPUs' pipelines (cpu/pipeline.h) and the memory
 * system (mem/memsys.h) driven from the harts' accesses, in global time
 * order at shared resources (DESIGN principle 2).
 *
 * Each CPU runs freely while its accesses stay in its private caches
 * (memsys_private).  An access that needs the shared hierarchy is done at
 * once when the CPU's clock is below every other CPU's (k->horizon, set by
 * the run loop for the step); otherwise it becomes pending, the hart stops
 * after the instruction (HART_STOP_YIELD), and the run loop resumes the
 * CPU with the smallest clock, which performs its pending accesses first
 * (kernel_timing_resume).  A page walk's reads come first, in order, then
 * the data access; all of an instruction's accesses after the first
 * pending one are pending too, so their order is kept.
 *
 * Times: the pipeline counts core cycles, the memory system picoseconds;
 * the conversions are fixed point (one multiply each): ps per cycle in
 * 32.32, exact for clocks whose period is a whole number of picoseconds
 * and within 1e-9 otherwise; cycles per ps as a 0.64 fraction. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "cpu/pipeline.h"
#include "kernel/kernel.h"
#include "libmmsim/traffic_api.h"
#include "machine.h"
#include "mem/memsys.h"
#include "numa/physmem.h"

static inline uint64_t cyc2ps(const struct guest_kernel *k, uint64_t c)
{
    return (uint64_t)(((unsigned __int128)c * k->ps_fx) >> 32);
}

/* Rounded up: an access is complete in the first cycle at or after it.
 * cyc_fx is cycles per ps as a 0.64 fraction (any clock below 1 THz). */
static inline uint64_t ps2cyc(const struct guest_kernel *k, uint64_t ps)
{
    return (uint64_t)(((unsigned __int128)ps * k->cyc_fx + UINT64_MAX) >> 64);
}

static inline uint64_t host_paddr(const struct guest_kernel *k, const void *host)
{
    const struct physmem *pm = k->m->physmem;
    return pm->base + (uint64_t)((const uint8_t *)host - pm->host);
}

static const enum mem_kind mem_kinds[] = {
    [HART_MEM_LOAD] = MEM_LOAD, [HART_MEM_STORE] = MEM_STORE, [HART_MEM_FETCH] = MEM_FETCH,
    [HART_MEM_AMO] = MEM_STORE,     /* an AMO needs the line exclusive */
};

static void pend(struct kcpu *c, uint64_t paddr, enum mem_kind kind, uint64_t cycle)
{
    if (!c->npend)
        c->pend_t0 = cycle;
    if (unlikely(c->npend == sizeof(c->pend) / sizeof(c->pend[0])))
        c->npend--;     /* cannot happen (see kcpu.pend): keep the last access */
    c->pend[c->npend].paddr = paddr;
    c->pend[c->npend].kind = (uint8_t)kind;
    c->npend++;
}

/* The hart's L1 hit filters (cpu/hart.h): the line an access just hit
 * (cache_hit leaves it in the cache's own memo) goes in, valid while its
 * cache's epoch stands. */
static inline void l1f_hit(struct guest_kernel *k, const struct kcpu *c, const void *host,
                           bool fetch)
{
    struct hart *h = &k->m->harts[c->cpu];
    struct memsys_cpu *mc = &k->memsys->cpu[c->cpu];
    struct cache *l1 = fetch ? &mc->l1i : &mc->l1d;
    struct cache_line *l = l1->memo;
    if (!(fetch ? h->tm_if.on : h->tm_df.on) || !l)
        return;
    uint64_t line = (uintptr_t)host >> h->tm_line_shift;
    struct hart_l1f_entry *e = fetch ? &h->tm_ifilt[line & (HART_IFILT_SIZE - 1)]
                                     : &h->tm_dfilt[line & (HART_DFILT_SIZE - 1)];
    /* The first cycle whose time is not before the line's ready time (the
     * conversions round: step until it holds). */
    uint64_t ready = ps2cyc(k, l->ready);
    while (cyc2ps(k, ready) < l->ready)
        ready++;
    e->line = line;
    e->gen = l1->epoch;
    e->ready = ready;
    struct hart_l1f *f = fetch ? &h->tm_if : &h->tm_df;
    e->stamp = (uintptr_t)&l->stamp | (l->state == f->wstate ? HART_L1F_W : 0);
    if (l->stamp == l1->clock) {        /* cache_touch has just made it the most recent */
        f->mru = (uintptr_t)&l->stamp;
        f->mru_clock = l1->clock;
    }
}

_Static_assert(offsetof(struct cache_line, stamp) % 8 == 0 && sizeof(struct hart_l1f_entry) == 32,
               "a filter entry keeps a flag in bit 0 of the stamp pointer");

static void l1f_setup(struct hart_l1f *f, struct cache *l1)
{
    /* The filter repeats the LRU and random policies' hit exactly (random
     * keeps no state); a tree-PLRU hit updates bits it does not know. */
    f->on = l1->repl != TOPO_REPL_PLRU;
    l1->epoch++;        /* what the filter held before is void */
    f->epoch = &l1->epoch;
    f->clock = &l1->clock;
    f->wstate = MESI_M;
    f->mru_clock = UINT64_MAX;  /* no line known most recent */
}

static void l1f_count(struct hart_l1f *f, struct cache *l1, struct memsys_cls_stats *s)
{
    uint64_t n = f->hits;
    f->hits = 0;
    l1->st.hits += n;
    s->count += n;
    s->ps += n * l1->hit_ps;
    s->unloaded_ps += n * l1->hit_ps;
}

void kernel_timing_sync(struct guest_kernel *k)
{
    if (!k->memsys)
        return;
    for (uint32_t i = 0; i < k->m->topo->ncpus; i++) {
        struct hart *h = &k->m->harts[i];
        struct memsys_cpu *mc = &k->memsys->cpu[i];
        l1f_count(&h->tm_df, &mc->l1d, &mc->cls[MC_L1]);
        l1f_count(&h->tm_if, &mc->l1i, &mc->cls[MC_L1]);
    }
}

int kernel_mem_time(void *ctx, const void *host, enum hart_mem_kind kind, uint64_t cycle,
                    uint64_t *done, bool *miss)
{
    struct kcpu *c = ctx;
    struct guest_kernel *k = c->k;
    struct memsys *ms = k->memsys;
    uint64_t pa = host_paddr(k, host), now = cyc2ps(k, cycle), ps;
    enum mem_kind mk = mem_kinds[kind];
    if (likely(!c->npend)) {
        if (likely(memsys_private(ms, c->cpu, pa, mk, now, &ps))) {
            const struct cache *l1 =
                mk == MEM_FETCH ? &ms->cpu[c->cpu].l1i : &ms->cpu[c->cpu].l1d;
            /* An L1 hit's latency is the pipeline's own: no conversion. */
            *miss = ps > now + l1->hit_ps;
            *done = *miss ? ps2cyc(k, ps) : cycle;
            if (!*miss)
                l1f_hit(k, c, host, mk == MEM_FETCH);
            return 0;
        }
        if (cycle < k->horizon) {
            *done = ps2cyc(k, memsys_access(ms, c->cpu, pa, mk, now, NULL));
            *miss = true;
            return 0;
        }
    }
    pend(c, pa, mk, cycle);
    return 1;
}

void kernel_walk_time(struct kcpu *c, uint64_t paddr)
{
    struct guest_kernel *k = c->k;
    struct hart *h = &k->m->harts[c->cpu];
    if (h->pipe)
        pipe_resync(h->pipe);   /* the timing loop looks at tm_walk_end */
    uint64_t t = h->tm_now > h->tm_walk_end ? h->tm_now : h->tm_walk_end, ps;
    if (!c->npend) {
        if (memsys_private(k->memsys, c->cpu, paddr, MEM_PTE, cyc2ps(k, t), &ps)) {
            h->tm_walk_end = ps2cyc(k, ps);
            return;
        }
        if (t < k->horizon) {
            h->tm_walk_end = ps2cyc(k, memsys_access(k->memsys, c->cpu, paddr, MEM_PTE,
                                                     cyc2ps(k, t), NULL));
            return;
        }
    }
    pend(c, paddr, MEM_PTE, t);
}

/* A traffic generator's access waited (cpu/traffic.h): it gets the times
 * of its data access (start_ps: after any page-walk reads) and keeps its
 * own clock.  False when the CPU runs a program. */
static bool traffic_resumed(struct guest_kernel *k, const struct kcpu *c, uint64_t start_ps,
                            uint64_t done_ps)
{
    struct traffic_gen *gen = k->m->traffic && c->cur ? traffic_of(k->m, c->cur) : NULL;
    if (gen)
        traffic_grant(gen, ps2cyc(k, start_ps), ps2cyc(k, done_ps));
    return gen != NULL;
}

void kernel_timing_resume(struct guest_kernel *k, uint32_t cpu)
{
    struct kcpu *c = &k->cpus[cpu];
    struct hart *h = &k->m->harts[cpu];
    uint64_t t = cyc2ps(k, c->pend_t0), ps, last = t;
    for (unsigned i = 0; i < c->npend; i++) {
        const struct kcpu_pend *p = &c->pend[i];
        last = t;
        if (memsys_private(k->memsys, cpu, p->paddr, (enum mem_kind)p->kind, t, &ps))
            t = ps;
        else
            t = memsys_access(k->memsys, cpu, p->paddr, (enum mem_kind)p->kind, t, NULL);
    }
    c->npend = 0;
    if (traffic_resumed(k, c, last, t))
        return;
    if (h->tm_pend)
        hart_timing_grant(h, ps2cyc(k, t));
    else if (h->pipe)       /* a page walk alone (the access faulted) */
        pipe_stall(h->pipe, ps2cyc(k, t), PIPE_STALL_WALK);
    h->cycle = h->pipe ? h->pipe->cycle : h->cycle;
}

int kernel_timing_cpu(struct guest_kernel *k, uint32_t cpu)
{
    struct kcpu *c = &k->cpus[cpu];
    struct hart *h = &k->m->harts[cpu];
    if (!k->timed || !c->hart_ready)
        return MMSIM_OK;
    if (!c->pipe) {
        struct mmsim_machine *m = k->m;
        /* The L1D latency is the load-to-use latency of a hit: the
         * pipeline's own hit latency is 1 + load_use. */
        struct topo_pipeline cfg = m->topo->cpu.pipe;
        uint64_t l1 = topo_lat_cycles(m->topo, m->topo->cpu.l1d.latency);
        cfg.load_use += l1 > 1 ? (uint32_t)(l1 - 1) : 0;
        c->pipe = calloc(1, sizeof(*c->pipe));
        if (!c->pipe || pipe_init(c->pipe, &cfg, m->seed ^ cpu) != MMSIM_OK) {
            free(c->pipe);
            c->pipe = NULL;
            return MMSIM_ERR_NOMEM;
        }
        char prefix[32];
        mmsim_fmt(prefix, sizeof(prefix), "cpu%u.pipe", cpu);
        pipe_stats_register(c->pipe, m->stats, prefix);
    }
    c->pipe->cycle = h->cycle > c->pipe->cycle ? h->cycle : c->pipe->cycle;
    h->pipe = c->pipe;
    h->tm_line_shift = k->memsys->line_shift;
    h->tm_fetch_pc = 0;
    l1f_setup(&h->tm_df, &k->memsys->cpu[cpu].l1d);
    l1f_setup(&h->tm_if, &k->memsys->cpu[cpu].l1i);
    return MMSIM_OK;
}

/* How far a CPU may run ahead of the others: less than the fastest way
 * one CPU can change what another observes (an invalidation on a node bus
 * or across a link), so that no CPU sees a line another has already taken
 * away.  In cycles, at least 1. */
static uint64_t lookahead(const struct mmsim_topology *t)
{
    uint64_t ps = UINT64_MAX;
    for (uint32_t n = 0; n < t->nnodes; n++) {
        uint64_t b = topo_lat_ps(t, t->nodes[n].bus_latency);
        ps = b < ps ? b : ps;
    }
    for (uint32_t l = 0; l < t->nlinks; l++) {
        uint64_t b = topo_lat_ps(t, t->links[l].latency);
        ps = b < ps ? b : ps;
    }
    uint64_t cycles = (uint64_t)((unsigned __int128)ps * t->clock_hz / 1000000000000ULL);
    return cycles ? cycles : 1;
}

struct memsys *kernel_memsys(struct guest_kernel *k)
{
    struct mmsim_machine *m = k->m;
    if (!k->memsys) {
        if (memsys_create(m->topo, m->physmem, m->seed, m->stats, &k->memsys) != MMSIM_OK)
            return NULL;
        k->ps_fx = (uint64_t)(((unsigned __int128)1000000000000ULL << 32) / m->topo->clock_hz);
        k->cyc_fx = (uint64_t)(((unsigned __int128)m->topo->clock_hz << 64) / 1000000000000ULL);
        k->lookahead = lookahead(m->topo);
    }
    return k->memsys;
}

int kernel_timing_set(struct guest_kernel *k, bool on)
{
    struct mmsim_machine *m = k->m;
    if (on && !kernel_memsys(k))
        return MMSIM_ERR_NOMEM;
    k->timed = on;
    for (uint32_t i = 0; i < m->topo->ncpus; i++) {
        if (!k->cpus[i].hart_ready)
            continue;
        if (on) {
            int rc = kernel_timing_cpu(k, i);
            if (rc != MMSIM_OK)
                return rc;
        } else {
            m->harts[i].pipe = NULL;
        }
    }
    return MMSIM_OK;
}

void kernel_timing_destroy(struct guest_kernel *k)
{
    for (uint32_t i = 0; i < k->m->topo->ncpus; i++) {
        pipe_free(k->cpus[i].pipe);
        free(k->cpus[i].pipe);
    }
    memsys_destroy(k->memsys);
}
