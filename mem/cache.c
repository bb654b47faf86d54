/* Set-associative tag/state caches: geometry, victim choice, fills,
 * snoop operations and MSHRs.  See cache.h for the model. */
#include "mem/cache.h"

#include <stdlib.h>
#include <string.h>

static bool pow2(uint64_t x)
{
    return x && !(x & (x - 1));
}

const char *mesi_name(enum mesi s)
{
    static const char *const names[] = {"I", "S", "E", "M"};
    return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

int cache_init(struct cache *c, const struct topo_cache *tc, const struct mmsim_topology *t,
               uint64_t seed)
{
    memset(c, 0, sizeof(*c));
    if (!tc || !t)
        return MMSIM_ERR_INVALID;
    c->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
    c->repl = tc->repl;
    c->clock = 1;       /* above the 0 stamp of never-used lines */
    c->absent_epoch = UINT64_MAX;       /* nothing known absent yet */
    if (tc->size == 0) {
        /* Absent: one invalid line and no ways, so cache_hit never matches;
         * no latency either, as there is nothing to look up. */
        c->lines = calloc(1, sizeof(*c->lines));
        c->sets = 1;
        c->line = 64;
        c->line_shift = 6;
        return c->lines ? MMSIM_OK : MMSIM_ERR_NOMEM;
    }
    c->hit_ps = topo_lat_ps(t, tc->latency);
    c->hit_cycles = topo_lat_cycles(t, tc->latency);
    if (!tc->ways || !pow2(tc->line) || tc->size % ((uint64_t)tc->ways * tc->line))
        return MMSIM_ERR_INVALID;
    const uint64_t sets = tc->size / ((uint64_t)tc->ways * tc->line);
    if (!pow2(sets) || sets > UINT32_MAX)
        return MMSIM_ERR_INVALID;
    c->sets = (uint32_t)sets;
    c->ways = tc->ways;
    c->line = tc->line;
    c->line_shift = (unsigned)__builtin_ctz(tc->line);
    c->set_mask = sets - 1;
    if (c->repl == TOPO_REPL_PLRU && c->ways > CACHE_PLRU_MAX_WAYS)
        c->repl = TOPO_REPL_LRU;
    while ((1u << c->plru_depth) < c->ways)
        c->plru_depth++;
    c->lines = mmsim_big_calloc((size_t)sets * c->ways, sizeof(*c->lines));
    if (c->repl == TOPO_REPL_PLRU)
        c->plru = calloc((size_t)sets, sizeof(*c->plru));
    c->nmshr = tc->mshrs;
    if (c->nmshr)
        c->mshr = calloc(c->nmshr, sizeof(*c->mshr));
    if (!c->lines || (c->repl == TOPO_REPL_PLRU && !c->plru) || (c->nmshr && !c->mshr)) {
        cache_free(c);
        return MMSIM_ERR_NOMEM;
    }
    return MMSIM_OK;
}

void cache_free(struct cache *c)
{
    /* An absent cache's one line (no ways) counts as none: from calloc. */
    mmsim_big_free(c->lines, (size_t)c->sets * c->ways, sizeof(*c->lines));
    free(c->plru);
    free(c->mshr);
    c->lines = NULL;
    c->plru = NULL;
    c->mshr = NULL;
    c->memo = NULL;
    c->ways = 0;
}

static uint64_t next_random(struct cache *c)
{
    /* xorshift64* */
    uint64_t x = c->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    c->rng = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* Way to replace in set: an invalid way, else per policy. */
static unsigned victim(struct cache *c, size_t set)
{
    const struct cache_line *row = c->lines + set * c->ways;
    for (unsigned w = 0; w < c->ways; w++)
        if (row[w].state == MESI_I)
            return w;
    switch (c->repl) {
    case TOPO_REPL_PLRU: {
        /* Follow the bits; a right half with no real way is never taken. */
        uint64_t bits = c->plru[set];
        unsigned node = 1, way = 0;
        for (unsigned d = c->plru_depth; d-- > 0;) {
            unsigned b = (bits >> node) & 1;
            if (b && (way | (1u << d)) >= c->ways)
                b = 0;
            way |= b << d;
            node = 2 * node + b;
        }
        return way;
    }
    case TOPO_REPL_RANDOM:
        return (unsigned)((next_random(c) >> 32) % c->ways);
    default: {
        unsigned v = 0;
        for (unsigned w = 1; w < c->ways; w++)
            if (row[w].stamp < row[v].stamp)
                v = w;
        return v;
    }
    }
}

struct cache_line *cache_find(const struct cache *c, uint64_t addr, size_t *set, unsigned *way)
{
    const uint64_t ln = addr >> c->line_shift;
    *set = (size_t)(ln & c->set_mask);
    if (!c->nvalid)
        return NULL;
    struct cache_line *row = c->lines + *set * c->ways;
#pragma GCC unroll 4
    for (unsigned w = 0; w < c->ways; w++) {
        if (row[w].tag == ln && row[w].state != MESI_I) {
            *way = w;
            return &row[w];
        }
    }
    return NULL;
}

enum cache_outcome cache_access(struct cache *c, uint64_t addr, bool write, uint64_t now,
                                struct cache_result *r)
{
    size_t set;
    unsigned way;
    struct cache_line *l = cache_find(c, addr, &set, &way);
    memset(r, 0, sizeof(*r));
    if (!l) {
        cache_note_absent(c, addr);
        c->st.misses++;
        return r->kind = CACHE_MISS;
    }
    r->prev = (enum mesi)l->state;
    cache_touch(c, set, way);
    if (write && l->state == MESI_S) {
        c->st.upgrades++;
        return r->kind = CACHE_UPGRADE;
    }
    if (write)
        l->state = MESI_M;
    c->st.hits++;
    r->ready_ps = (l->ready > now ? l->ready : now) + c->hit_ps;
    r->slot = l;
    return r->kind = CACHE_HIT;
}

static ALWAYS_INLINE void fill(struct cache *c, uint64_t addr, enum mesi st, uint64_t ready_ps,
                                struct cache_result *r, bool keep_dirty)
{
    MMSIM_ASSERT(st != MESI_I);
    memset(r, 0, sizeof(*r));
    r->kind = CACHE_MISS;
    if (!c->ways)
        return;
    const bool absent = cache_absent(c, addr);
    c->epoch++;
    /* One pass over the set finds the line or, failing that, the victim:
     * fills are on every miss path.  For LRU the victim is the first way
     * with the smallest stamp: an invalid way's stamp is 0 (zeroed lines,
     * and cache_invalidate clears it) and a valid one's at least 1 (a fill
     * touches the line), so that is the first invalid way if there is one,
     * else the least recently used (the first of equals), as victim()
     * would pick. */
    const uint64_t ln = addr >> c->line_shift;
    const size_t set = (size_t)(ln & c->set_mask);
    struct cache_line *row = c->lines + set * c->ways, *l = NULL;
    unsigned way = 0, lru = 0;
    int inv = -1;
    if (c->repl == TOPO_REPL_LRU && absent) {
        /* A lookup has just missed (nothing filled or invalidated since):
         * only the victim is left to find.  Every miss path comes here. */
        uint64_t best = UINT64_MAX;
#pragma GCC unroll 4
        for (unsigned w = 0; w < c->ways; w++) {
            if (row[w].stamp < best) {
                best = row[w].stamp;
                lru = w;
            }
        }
        inv = (int)lru;
    } else if (c->repl == TOPO_REPL_LRU) {
        uint64_t best = UINT64_MAX;
#pragma GCC unroll 4
        for (unsigned w = 0; w < c->ways; w++) {
            if (row[w].tag == ln && row[w].state != MESI_I) {
                l = &row[w];
                way = w;
                break;
            }
            if (row[w].stamp < best) {
                best = row[w].stamp;
                lru = w;
            }
        }
        inv = (int)lru;     /* the victim, invalid or not */
    } else {
        for (unsigned w = 0; w < c->ways; w++) {
            if (row[w].state == MESI_I) {
                if (inv < 0)
                    inv = (int)w;
            } else if (row[w].tag == ln) {
                l = &row[w];
                way = w;
                break;
            }
        }
    }
    if (l) {
        r->prev = (enum mesi)l->state;
        if (keep_dirty && l->state == MESI_M)
            st = MESI_M;
        if (ready_ps > l->ready)
            l->ready = ready_ps;
    } else {
        way = inv >= 0 ? (unsigned)inv : victim(c, set);
        l = &c->lines[set * c->ways + way];
        if (l->state != MESI_I) {
            r->victim = true;
            r->victim_dirty = l->state == MESI_M;
            r->victim_addr = l->tag << c->line_shift;
            r->victim_aux = l->aux;
            c->st.evictions++;
            c->st.writebacks += r->victim_dirty;
        } else {
            c->nvalid++;
        }
        l->tag = addr >> c->line_shift;
        l->ready = ready_ps;
        l->aux = 0;
    }
    l->state = (uint8_t)st;
    r->slot = l;
    cache_touch(c, set, way);
}

void cache_fill(struct cache *c, uint64_t addr, enum mesi st, uint64_t ready_ps,
                struct cache_result *r)
{
    fill(c, addr, st, ready_ps, r, false);
}

void cache_fill_keep_dirty(struct cache *c, uint64_t addr, enum mesi st, uint64_t ready_ps,
                           struct cache_result *r)
{
    fill(c, addr, st, ready_ps, r, true);
}

enum mesi cache_invalidate(struct cache *c, uint64_t addr)
{
    size_t set;
    unsigned way;
    struct cache_line *l = cache_find(c, addr, &set, &way);
    if (!l)
        return MESI_I;
    enum mesi prev = (enum mesi)l->state;
    l->state = MESI_I;
    l->stamp = 0;       /* the LRU fill scan takes invalid ways first by it */
    c->nvalid--;
    c->epoch++;
    c->st.invalidations++;
    c->st.writebacks += prev == MESI_M;
    return prev;
}

enum mesi cache_downgrade(struct cache *c, uint64_t addr)
{
    size_t set;
    unsigned way;
    struct cache_line *l = cache_find(c, addr, &set, &way);
    if (!l)
        return MESI_I;
    enum mesi prev = (enum mesi)l->state;
    if (prev == MESI_M || prev == MESI_E)
        l->state = MESI_S;
    c->epoch++;
    c->st.writebacks += prev == MESI_M;
    return prev;
}

enum mesi cache_state(const struct cache *c, uint64_t addr)
{
    size_t set;
    unsigned way;
    const struct cache_line *l = cache_find(c, addr, &set, &way);
    return l ? (enum mesi)l->state : MESI_I;
}

uint64_t cache_mshr_acquire(struct cache *c, uint64_t addr, uint64_t now, int *slot)
{
    *slot = -1;
    if (!c->nmshr)
        return now;
    const uint64_t ln = addr >> c->line_shift;
    unsigned best = 0;
    uint64_t best_free = UINT64_MAX;
    for (unsigned i = 0; i < c->nmshr; i++) {
        const uint64_t f = c->mshr[i].free_ps;
        if (f > now && c->mshr[i].line == ln) {
            c->st.mshr_merges++;
            return f;
        }
        /* Earliest free; ties to the lowest index (deterministic). */
        if (f < best_free) {
            best_free = f;
            best = i;
        }
    }
    struct cache_mshr *m = &c->mshr[best];
    MMSIM_ASSERT(m->free_ps != UINT64_MAX);   /* an acquire left unreleased */
    uint64_t start = now;
    if (m->free_ps > now) {
        start = m->free_ps;
        c->st.mshr_stalls++;
        c->st.mshr_stall_ps += start - now;
    }
    m->line = ln;
    m->free_ps = UINT64_MAX;
    *slot = (int)best;
    return start;
}

void cache_mshr_release(struct cache *c, int slot, uint64_t fill_ps)
{
    if (slot < 0)
        return;
    MMSIM_ASSERT((unsigned)slot < c->nmshr && c->mshr[slot].free_ps == UINT64_MAX);
    c->mshr[slot].free_ps = fill_ps;
}

uint32_t cache_mshr_busy(const struct cache *c, uint64_t now)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < c->nmshr; i++)
        n += c->mshr[i].free_ps > now;
    return n;
}

uint32_t cache_count(const struct cache *c)
{
    uint32_t n = 0;
    for (size_t i = 0; i < (size_t)c->sets * c->ways; i++)
        n += c->lines[i].state != MESI_I;
    MMSIM_ASSERT(n == c->nvalid);
    return n;
}

int cache_stats_register(struct cache *c, struct stats_registry *r, const char *prefix)
{
    if (!c || !r || !prefix)
        return MMSIM_ERR_INVALID;
    const struct {
        uint64_t *v;
        const char *name, *desc;
    } ctr[] = {
        {&c->st.hits, "hits", "accesses that found the line with the needed permission"},
        {&c->st.misses, "misses", "accesses that did not find the line"},
        {&c->st.upgrades, "upgrades", "stores to a shared line (ownership requests)"},
        {&c->st.evictions, "evictions", "valid lines displaced by fills"},
        {&c->st.writebacks, "writebacks", "modified lines written back or forwarded"},
        {&c->st.invalidations, "invalidations", "lines invalidated by coherence"},
        {&c->st.mshr_merges, "mshr.merges", "misses merged with one in flight"},
        {&c->st.mshr_stalls, "mshr.stalls", "misses that waited for a free MSHR"},
        {&c->st.mshr_stall_ps, "mshr.stall_ps", "picoseconds waited for MSHRs"},
    };
    int rc = MMSIM_OK;
    for (size_t i = 0; i < ARRAY_SIZE(ctr) && rc == MMSIM_OK; i++)
        rc = stats_add_counterf(r, ctr[i].v, ctr[i].desc, "%s.%s", prefix, ctr[i].name);
    return rc;
}
