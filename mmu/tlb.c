/* Set-associative TLBs: geometry, victim choice, insertion and flushes.
 * The lookup (the hot path) is inline in tlb.h. */
#include <stdlib.h>
#include <string.h>

#include "mmu/tlb.h"

/* splitmix64: spreads any seed (0 included) over the state space. */
static uint64_t mix_seed(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x ? x : 1;
}

int tlb_init(struct tlb *t, uint32_t entries, uint32_t ways, enum topo_repl repl,
             uint8_t size_mask, uint64_t seed)
{
    memset(t, 0, sizeof(*t));
    if (!entries)
        return MMSIM_OK;
    if (!ways || entries % ways)
        return MMSIM_ERR_INVALID;
    uint32_t sets = entries / ways;
    if (sets & (sets - 1))
        return MMSIM_ERR_INVALID;
    if (repl == TOPO_REPL_PLRU && ways > TLB_PLRU_MAX_WAYS)
        repl = TOPO_REPL_LRU;   /* XXX: no tree that wide; LRU is the closest */
    t->e = calloc(entries, sizeof(*t->e));
    if (repl == TOPO_REPL_PLRU)
        t->plru = calloc(sets, sizeof(*t->plru));
    if (!t->e || (repl == TOPO_REPL_PLRU && !t->plru)) {
        tlb_free(t);
        return MMSIM_ERR_NOMEM;
    }
    t->sets = sets;
    t->ways = ways;
    t->set_mask = sets - 1;
    t->repl = repl;
    while ((1u << t->plru_depth) < ways)
        t->plru_depth++;
    t->size_mask = (uint8_t)(size_mask | 1);
    t->rng = mix_seed(seed);
    t->clock = 1;       /* above every initial stamp: tlb_touch's MRU test */
    return MMSIM_OK;
}

void tlb_free(struct tlb *t)
{
    free(t->e);
    free(t->plru);
    t->e = NULL;
    t->plru = NULL;
    t->sets = t->ways = 0;
    memset(t->nsize, 0, sizeof(t->nsize));
    t->sizes = 0;
}

static uint64_t next_random(struct tlb *t)
{
    /* xorshift64* */
    uint64_t x = t->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    t->rng = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* Way to replace in a full set. */
static unsigned victim(struct tlb *t, size_t set)
{
    const struct tlb_entry *row = t->e + set * t->ways;
    for (unsigned w = 0; w < t->ways; w++)
        if (!row[w].key)
            return w;
    switch (t->repl) {
    case TOPO_REPL_PLRU: {
        /* Follow the bits; a right half with no real way is never taken. */
        uint64_t bits = t->plru[set];
        unsigned node = 1, way = 0;
        for (unsigned d = t->plru_depth; d-- > 0;) {
            unsigned b = (bits >> node) & 1;
            if (b && (way | (1u << d)) >= t->ways)
                b = 0;
            way |= b << d;
            node = 2 * node + b;
        }
        return way;
    }
    case TOPO_REPL_RANDOM:
        return (unsigned)((next_random(t) >> 32) % t->ways);
    default: {
        unsigned v = 0;
        for (unsigned w = 1; w < t->ways; w++)
            if (row[w].stamp < row[v].stamp)
                v = w;
        return v;
    }
    }
}

/* Keep nsize[] and the probe mask in step. */
static void count_size(struct tlb *t, unsigned size, int delta)
{
    t->nsize[size] += (uint32_t)delta;
    if (t->nsize[size])
        t->sizes |= (uint8_t)(1u << size);
    else
        t->sizes &= (uint8_t)~(1u << size);
}

static ALWAYS_INLINE struct tlb_entry *insert(struct tlb *t, uint64_t va, unsigned size,
                                              uint64_t pa, unsigned asid, bool global,
                                              uint8_t flags, uint8_t allow, bool absent)
{
    if (!t->e)
        return NULL;
    MMSIM_ASSERT(size < TLB_NSIZES);
    if (!(t->size_mask >> size & 1)) {
        /* Splinter: keep only the 4 KiB piece of the superpage that va is in. */
        pa += (va & ((1ull << sv_level_shift(size)) - 1)) & ~(SV_PAGE_SIZE - 1);
        size = 0;
    }
    const uint64_t key = tlb_key(va, size);
    const size_t set = (size_t)((va >> sv_level_shift(size)) & t->set_mask);
    struct tlb_entry *row = t->e + set * t->ways;
    /* One pass finds the page or, for LRU, the victim as victim() would
     * pick it: the first way with the smallest stamp, which is 0 for an
     * empty entry (zeroed, or cleared by drop()) and at least 1 for a valid
     * one (insertion touches it), so the first empty way, else the first
     * least recently used.  Insertion follows every walk. */
    unsigned w, lru = 0;
    uint64_t best = UINT64_MAX;
    if (absent && t->repl == TOPO_REPL_LRU) {
        /* The caller's lookup has just missed: only the victim is wanted. */
#pragma GCC unroll 4
        for (w = 0; w < t->ways; w++) {
            MMSIM_ASSERT(!(row[w].key == key && (row[w].asid == asid || row[w].global)));
            if (row[w].stamp < best) {
                best = row[w].stamp;
                lru = w;
            }
        }
    } else {
#pragma GCC unroll 4
        for (w = 0; w < t->ways; w++) {
            if (row[w].key == key && (row[w].asid == asid || row[w].global || global))
                break;
            if (row[w].stamp < best) {
                best = row[w].stamp;
                lru = w;
            }
        }
    }
    if (w == t->ways) {
        w = t->repl == TOPO_REPL_LRU ? lru : victim(t, set);
        if (row[w].key) {
            count_size(t, row[w].size, -1);
            if (t->evict)
                t->evict(t->evict_ctx, (row[w].key >> 4) << sv_level_shift(row[w].size),
                         row[w].size);
        }
        count_size(t, size, +1);
    }
    struct tlb_entry *e = &row[w];
    e->key = key;
    e->pa = pa;
    e->asid = (uint16_t)asid;
    e->size = (uint8_t)size;
    e->global = global;
    e->flags = flags;
    e->allow = allow;
    tlb_touch(t, set, w);
    return e;
}

struct tlb_entry *tlb_insert(struct tlb *t, uint64_t va, unsigned size, uint64_t pa,
                             unsigned asid, bool global, uint8_t flags, uint8_t allow)
{
    return insert(t, va, size, pa, asid, global, flags, allow, false);
}

struct tlb_entry *tlb_insert_absent(struct tlb *t, uint64_t va, unsigned size, uint64_t pa,
                                    unsigned asid, uint8_t flags, uint8_t allow)
{
    return insert(t, va, size, pa, asid, false, flags, allow, true);
}

static void drop(struct tlb *t, struct tlb_entry *e)
{
    count_size(t, e->size, -1);
    e->key = 0;
    e->stamp = 0;       /* tlb_insert's LRU scan takes empty ways first by it */
}

static bool asid_matches(const struct tlb_entry *e, bool by_asid, unsigned asid)
{
    /* rs2 != x0: only that ASID, and never global mappings. */
    return !by_asid || (!e->global && e->asid == asid);
}

void tlb_flush(struct tlb *t, bool by_va, uint64_t va, bool by_asid, unsigned asid)
{
    if (!t->e)
        return;
    if (by_va) {
        /* Only one set per size can hold a page containing va. */
        for (unsigned m = t->sizes; m; m &= m - 1) {
            const unsigned s = (unsigned)__builtin_ctz(m);
            uint64_t key = tlb_key(va, s);
            size_t set = (size_t)((va >> sv_level_shift(s)) & t->set_mask);
            struct tlb_entry *row = t->e + set * t->ways;
            for (unsigned w = 0; w < t->ways; w++)
                if (row[w].key == key && asid_matches(&row[w], by_asid, asid))
                    drop(t, &row[w]);
        }
        return;
    }
    const size_t n = (size_t)t->sets * t->ways;
    for (size_t i = 0; i < n; i++)
        if (t->e[i].key && asid_matches(&t->e[i], by_asid, asid))
            drop(t, &t->e[i]);
}

uint32_t tlb_count(const struct tlb *t)
{
    uint32_t n = 0;
    for (unsigned s = 0; s < TLB_NSIZES; s++)
        n += t->nsize[s];
    return n;
}

bool tlb_check(const struct tlb *t)
{
    uint32_t n[TLB_NSIZES] = {0};
    const size_t total = (size_t)t->sets * t->ways;
    for (size_t i = 0; i < total; i++) {
        const struct tlb_entry *e = &t->e[i];
        if (!e->key)
            continue;
        if (e->size >= TLB_NSIZES || !(t->size_mask >> e->size & 1) ||
            (e->key & 0xf) != ((uint64_t)e->size << 1 | 1) ||
            ((e->key >> 4) & t->set_mask) != i / t->ways)
            return false;
        n[e->size]++;
    }
    for (unsigned s = 0; s < TLB_NSIZES; s++)
        if (n[s] != t->nsize[s] || !!(t->sizes >> s & 1) != !!n[s])
            return false;
    return true;
}
