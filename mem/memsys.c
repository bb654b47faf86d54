/* The memory system: caches, node buses, controllers, links and the
 * coherence decisions composed into one hierarchy.  See memsys.h and
 * docs/TIMING.md ("The memory system") for the model and the latency
 * composition.
 *
 * Conventions inside this file: `line` is a line-aligned byte address; t is
 * the time a request reaches the next component; u accumulates the
 * unloaded (isolated) cost of the same path, so that the queueing an access
 * met is (completion - issue) - u. */
#include "mem/memsys.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "numa/physmem.h"

/* Bytes of a request, invalidation or acknowledgement on a link. */
#define MSG_BYTES 16

static const char *const class_names[MC_COUNT] = {
    "l1", "l2", "llc", "c2c_local", "c2c_remote", "dram_local", "dram_remote", "upgrade",
};

const char *memsys_class_name(enum mem_class cls)
{
    return (unsigned)cls < MC_COUNT ? class_names[cls] : "?";
}

/* ---- the home directory: open addressing, linear probing ---- */

/* Groups of 8 consecutive lines hash to 8 consecutive slots (3 host cache
 * lines), so a stream's directory lookups stay close together. */
static uint64_t dir_hash(uint64_t key, uint64_t mask)
{
    uint64_t h = (key >> 3) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
    return (h << 3 | (key & 7)) & mask;
}

static struct dir_entry *dir_find(struct memsys_dir *d, uint64_t lnum)
{
    if (!d->cap)
        return NULL;
    const uint64_t mask = d->cap - 1, key = lnum + 1;
    for (uint64_t i = dir_hash(key, mask);; i = (i + 1) & mask) {
        if (d->s[i].key == key)
            return &d->s[i].e;
        if (!d->s[i].key)
            return NULL;
    }
}

static int dir_grow(struct memsys_dir *d)
{
    const uint64_t cap = d->cap ? 2 * d->cap : 1024;
    struct memsys_dir_slot *s = mmsim_big_calloc(cap, sizeof(*s));
    if (!s)
        return MMSIM_ERR_NOMEM;
    for (uint64_t i = 0; i < d->cap; i++) {
        if (!d->s[i].key)
            continue;
        uint64_t j = dir_hash(d->s[i].key, cap - 1);
        while (s[j].key)
            j = (j + 1) & (cap - 1);
        s[j] = d->s[i];
    }
    mmsim_big_free(d->s, d->cap, sizeof(*d->s));
    d->s = s;
    d->cap = cap;
    return MMSIM_OK;
}

/* The slot where a probe for lnum starts (NULL for an empty table), for
 * a host prefetch: the directory is large and probed at random. */
static const void *dir_first_slot(const struct memsys_dir *d, uint64_t lnum)
{
    return d->cap ? &d->s[dir_hash(lnum + 1, d->cap - 1)] : NULL;
}

/* The entry of lnum, created UNCACHED if absent; NULL only when out of
 * memory (the caller then treats the line as uncached). */
static struct dir_entry *dir_get(struct memsys_dir *d, uint64_t lnum)
{
    struct dir_entry *e = dir_find(d, lnum);
    if (e)
        return e;
    if (2 * (d->n + 1) > d->cap && dir_grow(d) != MMSIM_OK)
        return NULL;
    const uint64_t mask = d->cap - 1, key = lnum + 1;
    uint64_t i = dir_hash(key, mask);
    while (d->s[i].key)
        i = (i + 1) & mask;
    d->s[i].key = key;
    memset(&d->s[i].e, 0, sizeof(d->s[i].e));
    d->n++;
    return &d->s[i].e;
}

/* Drop an entry that no node caches any more (backward-shift deletion keeps
 * probe chains intact without tombstones), so the table tracks what is
 * cached, not everything ever touched. */
static void dir_drop_if_uncached(struct memsys_dir *d, struct dir_entry *e)
{
    if (e->state != DIR_UNCACHED || e->presence)
        return;
    const uint64_t mask = d->cap - 1;
    uint64_t i = (uint64_t)((struct memsys_dir_slot *)((char *)e - offsetof(struct memsys_dir_slot, e)) - d->s);
    d->s[i].key = 0;
    d->n--;
    for (uint64_t j = (i + 1) & mask; d->s[j].key; j = (j + 1) & mask) {
        const uint64_t home = dir_hash(d->s[j].key, mask);
        /* Move j back to the hole when its home slot is not in (i, j]. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            d->s[i] = d->s[j];
            d->s[j].key = 0;
            i = j;
        }
    }
}

bool memsys_dir_lookup(const struct memsys *ms, uint64_t paddr, struct dir_entry *out)
{
    if (ms->nnodes == 1)
        return false;
    struct memsys_dir *d = &ms->node[memsys_home(ms, paddr)].dir;
    const struct dir_entry *e = dir_find(d, paddr >> ms->line_shift);
    if (e)
        *out = *e;
    return e != NULL;
}

/* ---- small helpers ---- */

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

unsigned memsys_home(const struct memsys *ms, uint64_t paddr)
{
    if (ms->nnodes == 1)
        return 0;
    const uint64_t g = (paddr - ms->home_base) >> ms->home_shift;
    if (likely(g < ms->nhome) && ms->home_of[g] != MEMSYS_NO_HOME)
        return ms->home_of[g];
    if (ms->pm) {
        int n = physmem_node_of(ms->pm, paddr);
        return n < 0 ? 0 : (unsigned)n;
    }
    for (uint32_t n = 0; n < ms->nnodes; n++) {
        const struct topo_node *nd = &ms->t->nodes[n];
        if (nd->mem_size && paddr >= nd->mem_base && paddr - nd->mem_base < nd->mem_size)
            return n;
    }
    return 0;
}

/* memsys_home's table, from the physical memory's ranges: granules of
 * the largest power of two that divides every range bound (relative to
 * the lowest base), when there are at most 4096 of them; else no table
 * and memsys_home searches the ranges. */
static int home_table(struct memsys *ms)
{
    const struct physmem *pm = ms->pm;
    if (!pm || !pm->nranges || ms->nnodes == 1 || ms->nnodes >= MEMSYS_NO_HOME)
        return MMSIM_OK;
    uint64_t bounds = 0;
    for (unsigned i = 0; i < pm->nranges; i++)
        bounds |= (pm->range[i].base - pm->base) | (pm->range[i].end - pm->base);
    const unsigned shift = (unsigned)__builtin_ctzll(bounds);     /* bounds != 0: end > base */
    const uint64_t n = pm->span >> shift;
    if (n > 4096)
        return MMSIM_OK;
    ms->home_of = malloc((size_t)n);
    if (!ms->home_of)
        return MMSIM_ERR_NOMEM;
    memset(ms->home_of, MEMSYS_NO_HOME, (size_t)n);
    for (unsigned i = 0; i < pm->nranges; i++)
        for (uint64_t a = pm->range[i].base; a < pm->range[i].end; a += 1ull << shift)
            ms->home_of[(a - pm->base) >> shift] = (uint8_t)pm->range[i].node;
    ms->home_base = pm->base;
    ms->home_shift = shift;
    ms->nhome = (uint32_t)n;
    return MMSIM_OK;
}

static uint64_t route_ps(const struct memsys *ms, unsigned a, unsigned b)
{
    return a == b ? 0 : ms->t->route_ps[(size_t)a * ms->nnodes + b];
}

static uint32_t hops(const struct memsys *ms, unsigned a, unsigned b)
{
    return a == b ? 0 : ms->t->hops[(size_t)a * ms->nnodes + b];
}

static enum mesi max_mesi(enum mesi a, enum mesi b)
{
    return a > b ? a : b;
}

/* A CPU's coherence state for a line: the strongest of its private copies
 * (a store hit turns L1D's E into M without telling L2).  The L2 includes
 * both L1s and L1I never holds more than S, so one probe answers for a CPU
 * without the line. */
static enum mesi cpu_state(const struct memsys_cpu *c, uint64_t line)
{
    if (c->l2.ways) {
        const enum mesi s2 = cache_state(&c->l2, line);
        return s2 == MESI_I ? MESI_I : max_mesi(s2, cache_state(&c->l1d, line));
    }
    return max_mesi(cache_state(&c->l1d, line), cache_state(&c->l1i, line));
}

/* Drop every private copy of line in c; true if one was dirty. */
static bool invalidate_private(struct memsys_cpu *c, uint64_t line)
{
    enum mesi a = cache_invalidate(&c->l1d, line);
    enum mesi b = cache_invalidate(&c->l1i, line);
    enum mesi d = cache_invalidate(&c->l2, line);
    return a == MESI_M || b == MESI_M || d == MESI_M;
}

static bool downgrade_private(struct memsys_cpu *c, uint64_t line)
{
    enum mesi a = cache_downgrade(&c->l1d, line);
    enum mesi b = cache_downgrade(&c->l1i, line);
    enum mesi d = cache_downgrade(&c->l2, line);
    return a == MESI_M || b == MESI_M || d == MESI_M;
}

static struct memsys_cpu *node_cpu(struct memsys *ms, unsigned n, unsigned i)
{
    return &ms->cpu[ms->t->nodes[n].first_cpu + i];
}

/* Does node n still hold line anywhere (LLC or a private cache)?  A
 * caller that knows part of the answer skips those probes (each is a set
 * scan): check_llc false when the LLC cannot hold the line, skip the CPU
 * (local index; -1: none) known not to hold it. */
static bool node_holds(struct memsys *ms, unsigned n, uint64_t line, bool check_llc, int skip)
{
    if (check_llc && cache_state(&ms->node[n].llc, line) != MESI_I)
        return true;
    for (unsigned i = 0; i < ms->t->nodes[n].ncpus; i++)
        if ((int)i != skip && cpu_state(node_cpu(ms, n, i), line) != MESI_I)
            return true;
    return false;
}

/* A posted writeback of line from node n to its home's memory, leaving at
 * t.  Nobody waits for it; it occupies the links and the controller. */
static void writeback(struct memsys *ms, unsigned n, uint64_t line, uint64_t t)
{
    const unsigned h = memsys_home(ms, line);
    if (h != n)
        t = links_route(&ms->links, n, h, ms->line, t, NULL);
    if (ms->node[h].has_mem)
        dram_access(&ms->node[h].dram, line, true, t);
    ms->node[h].st.writebacks++;
}

/* Node n dropped its last copy of line: tell the home directory. */
static void node_released(struct memsys *ms, unsigned n, uint64_t line, bool dirty)
{
    if (ms->nnodes == 1)
        return;
    struct memsys_dir *d = &ms->node[memsys_home(ms, line)].dir;
    struct dir_entry *e = dir_find(d, line >> ms->line_shift);
    if (!e)
        return;
    dir_evict(e, n, dirty);
    dir_drop_if_uncached(d, e);
}

/* An LLC victim of node n: an inclusive LLC takes the private copies with
 * it; dirty data goes home. */
static void llc_victim(struct memsys *ms, unsigned n, uint64_t v, bool dirty, uint64_t t)
{
    struct memsys_node *nd = &ms->node[n];
    if (nd->inclusive) {
        for (unsigned i = 0; i < ms->t->nodes[n].ncpus; i++) {
            struct memsys_cpu *c = node_cpu(ms, n, i);
            if (cpu_state(c, v) == MESI_I)
                continue;
            nd->st.back_invalidations++;
            dirty |= invalidate_private(c, v);
        }
    }
    if (dirty)
        writeback(ms, n, v, t);
    /* The fill that displaced v left no copy of it in the LLC, and an
     * inclusive LLC has just taken every private copy: no probe needed. */
    if (ms->nnodes > 1 && (nd->inclusive || !node_holds(ms, n, v, false, -1)))
        node_released(ms, n, v, dirty);
}

/* Put line into node n's LLC in state st (a fill or a dirty private
 * victim), handling what it displaces.  Returns the LLC's line (NULL
 * without an LLC). */
static struct cache_line *llc_fill(struct memsys *ms, unsigned n, uint64_t line, enum mesi st,
                                   uint64_t ready, uint64_t t)
{
    struct cache_result r;
    struct cache *llc = &ms->node[n].llc;
    if (!llc->ways) {
        /* No LLC: a dirty line goes straight home. */
        if (st == MESI_M)
            writeback(ms, n, line, t);
        return NULL;
    }
    /* A clean refill must not lose the dirty copy (one set scan for both). */
    cache_fill_keep_dirty(llc, line, st, ready, &r);
    if (r.victim)
        llc_victim(ms, n, r.victim_addr, r.victim_dirty, t);
    return r.slot;
}

/* The hint an L2 line keeps of where its node's LLC held it (its aux
 * word): the LLC line's index + 1, 0 for none. */
static uint32_t llc_hint(const struct cache *llc, const struct cache_line *slot)
{
    const size_t i = slot ? (size_t)(slot - llc->lines) : SIZE_MAX;
    return i < UINT32_MAX ? (uint32_t)i + 1 : 0;
}

/* Does the LLC still hold v where hint says?  True is certain (a line
 * sits in one way only); false says nothing (it may have moved). */
static bool llc_hint_holds(const struct cache *llc, uint64_t v, uint32_t hint)
{
    if (!hint)
        return false;
    const struct cache_line *l = &llc->lines[hint - 1];
    return l->tag == v >> llc->line_shift && l->state != MESI_I;
}

/* Line v left c's private caches: dirty data moves into the LLC; a clean
 * line is dropped (XXX: a non-inclusive LLC that evicted it does not get
 * it back, as a victim cache would), and the home is told when it was the
 * node's last copy. */
static void private_drop(struct memsys *ms, struct memsys_cpu *c, uint64_t v, bool dirty,
                         uint32_t hint, uint64_t t)
{
    const bool has_llc = ms->node[c->node].llc.ways != 0;
    if (dirty)
        llc_fill(ms, c->node, v, MESI_M, t, t);
    /* Whatever the LLC's fill displaced, v itself is there now.  A clean
     * v's hint (llc_hint) usually proves the LLC still holds it without
     * a set scan.  With an L2, c holds v nowhere (l2_victim dropped the
     * L1 copies); without one, its L1I may still. */
    if (ms->nnodes > 1 && !(dirty && has_llc) && !llc_hint_holds(&ms->node[c->node].llc, v, hint) &&
        !node_holds(ms, c->node, v, true, c->l2.ways ? (int)c->local : -1))
        node_released(ms, c->node, v, dirty && !has_llc);
}

/* An L2 victim of c: the L2 includes the L1s, so their copies go too. */
static void l2_victim(struct memsys *ms, struct memsys_cpu *c, uint64_t v, bool dirty,
                      uint32_t hint, uint64_t t)
{
    enum mesi a = cache_invalidate(&c->l1d, v), b = cache_invalidate(&c->l1i, v);
    private_drop(ms, c, v, dirty || a == MESI_M || b == MESI_M, hint, t);
}

/* Fill an L1 of c (after an L2 hit or a fill of L2) with line in state
 * st, ready at `ready`; a victim is decided at t. */
static void l1_fill(struct memsys *ms, struct memsys_cpu *c, struct cache *l1, uint64_t line,
                    enum mesi st, uint64_t ready, uint64_t t)
{
    struct cache_result r;
    if (!l1->ways)
        return;
    /* Instruction lines are never written through L1I. */
    cache_fill(l1, line, l1 == &c->l1i ? MESI_S : st, ready, &r);
    if (!r.victim)
        return;
    if (!c->l2.ways) {
        private_drop(ms, c, r.victim_addr, r.victim_dirty, 0, t);
    } else if (r.victim_dirty) {
        /* Into the L2, which holds the line (it includes the L1s). */
        MMSIM_ASSERT(cache_state(&c->l2, r.victim_addr) != MESI_I);
        cache_fill(&c->l2, r.victim_addr, MESI_M, t, &r);
    }
}

/* Fill c's L2 and (unless l1 is NULL) an L1 with line in state st, ready
 * at `ready`; victims are decided at t.  hint: where the node's LLC holds
 * the line (llc_hint), kept with the L2 copy so that its eviction can
 * usually tell without a scan that the node still holds it. */
static void private_fill(struct memsys *ms, struct memsys_cpu *c, struct cache *l1,
                         uint64_t line, enum mesi st, uint64_t ready, uint64_t t, uint32_t hint)
{
    struct cache_result r;
    if (c->l2.ways) {
        cache_fill(&c->l2, line, st, ready, &r);
        r.slot->aux = hint;
        if (r.victim)
            l2_victim(ms, c, r.victim_addr, r.victim_dirty, r.victim_aux, t);
    }
    if (l1)
        l1_fill(ms, c, l1, line, st, ready, t);
}

static void record(struct memsys_cpu *c, enum mem_kind k, enum mem_class cls, uint32_t nhops,
                   uint64_t lat, uint64_t unloaded)
{
    struct memsys_cls_stats *s = &c->cls[k == MEM_PTE ? MEMSYS_PTE_SLOT : cls];
    s->count++;
    s->ps += lat;
    s->unloaded_ps += unloaded;
    stats_hist_add(&s->lat, lat);
    if (cls == MC_DRAM_REMOTE && k != MEM_PTE && nhops) {
        s = &c->cls[MEMSYS_HOP_SLOT(nhops)];
        s->count++;
        s->ps += lat;
        s->unloaded_ps += unloaded;
        stats_hist_add(&s->lat, lat);
    }
}

/* The stride detector sees every L1D miss (L2 hits included, so that
 * prefetches that work keep it trained); it prefetches only on demand
 * misses below L2. */
static void pf_train(struct memsys_cpu *c, uint64_t line)
{
    const uint64_t stride = line - c->pf_last;
    c->pf_confirmed = c->pf_last && stride && stride == c->pf_stride;
    c->pf_stride = stride;
    c->pf_last = line;
}

/* ---- the private path ---- */

bool memsys_private_l2(struct memsys *ms, unsigned cpu, uint64_t paddr, enum mem_kind k,
                       uint64_t now, uint64_t *done_ps)
{
    struct memsys_cpu *c = &ms->cpu[cpu];
    struct cache *l1 = k == MEM_FETCH ? &c->l1i : &c->l1d;
    const bool write = k == MEM_STORE;
    const uint64_t line = paddr >> ms->line_shift << ms->line_shift;
    /* Probe first: declining must change nothing.  Usually cache_hit has
     * just found the line absent from the L1. */
    size_t set = 0;
    unsigned way = 0;
    struct cache_line *l = cache_absent(l1, line) ? NULL : cache_find(l1, line, &set, &way);
    if (l) {
        if (write && l->state == MESI_S)
            return false;
        /* In L1 but its fill is still in flight (cache_hit declined): wait
         * for it, as cache_access would. */
        const uint64_t ready = (l->ready > now ? l->ready : now) + l1->hit_ps;
        if (write)
            l->state = MESI_M;
        cache_touch(l1, set, way);
        l1->st.hits++;
        record(c, k, MC_L1, 0, ready - now, l1->hit_ps);
        *done_ps = ready;
        return true;
    }
    struct cache *l2 = &c->l2;
    l = cache_find(l2, line, &set, &way);
    if (!l) {
        cache_note_absent(l2, line);
        c->miss_line = line;
        c->miss_l1 = l1;
        c->miss_e1 = l1->epoch;
        c->miss_e2 = l2->epoch;
        return false;
    }
    if (write && l->state == MESI_S)
        return false;
    /* An L2 hit: what cache_access would do on both levels, one lookup each. */
    l1->st.misses++;
    l2->st.hits++;
    cache_touch(l2, set, way);
    if (write)
        l->state = MESI_M;
    const uint64_t t = now + l1->hit_ps, ready = (l->ready > t ? l->ready : t) + l2->hit_ps;
    l1_fill(ms, c, l1, line, (enum mesi)l->state, ready, now);
    *done_ps = ready;
    if (ms->prefetch == TOPO_PF_STRIDE && (k == MEM_LOAD || k == MEM_STORE))
        pf_train(c, line);
    record(c, k, MC_L2, 0, ready - now, l1->hit_ps + l2->hit_ps);
    return true;
}

uint64_t memsys_mshr_free_ps(const struct memsys *ms, unsigned cpu, enum mem_kind k,
                             uint64_t now)
{
    const struct memsys_cpu *c = &ms->cpu[cpu];
    const struct cache *l1 = k == MEM_FETCH ? &c->l1i : &c->l1d;
    uint64_t first = UINT64_MAX;
    for (unsigned i = 0; i < l1->nmshr; i++) {
        if (l1->mshr[i].free_ps <= now)
            return now;
        if (l1->mshr[i].free_ps < first)
            first = l1->mshr[i].free_ps;
    }
    return l1->nmshr ? first : now;
}

/* ---- the shared path ---- */

/* Does node n own line exclusively?  The node's LLC state says so when it
 * holds the line (E or M exactly when the directory names n the owner:
 * every directory change re-states the LLC); otherwise the home is asked. */
static bool node_owns(struct memsys *ms, unsigned n, uint64_t line)
{
    const enum mesi s = cache_state(&ms->node[n].llc, line);
    if (s != MESI_I)
        return s != MESI_S;
    const struct dir_entry *e =
        dir_find(&ms->node[memsys_home(ms, line)].dir, line >> ms->line_shift);
    return e && e->state == DIR_EXCLUSIVE && e->owner == n;
}

/* Node n asks the home of line for it (read) or for ownership (write),
 * leaving node n at t.  Applies the directory's decision to every node's
 * caches, charges the links, the home controller and the owner's LLC, and
 * returns when the data (or, for an upgrade, the last acknowledgement)
 * reaches n; *u gets the unloaded cost of the same, *cls the class,
 * *nhops the hops to the home.  need_data false: n already has the data
 * (its LLC), only ownership is asked.  *excl: n owns the line now. */
static uint64_t remote_request(struct memsys *ms, unsigned n, uint64_t line, bool write,
                               bool need_data, uint64_t t, uint64_t *u, enum mem_class *cls,
                               uint32_t *nhops, bool *excl)
{
    const unsigned h = memsys_home(ms, line);
    struct memsys_node *home = &ms->node[h];
    *nhops = hops(ms, n, h);
    const uint64_t at_home = links_route(&ms->links, n, h, MSG_BYTES, t, NULL);
    const uint64_t u_home = route_ps(ms, n, h);

    struct dir_outcome d = {.data = DIR_DATA_MEMORY, .forward_to = -1};
    struct dir_entry *e = ms->nnodes > 1 ? dir_get(&home->dir, line >> ms->line_shift) : NULL;
    if (e)
        dir_request(e, n, write, &d);
    *excl = !e || (e->state == DIR_EXCLUSIVE && e->owner == n);     /* e moves below */
    home->st.dir_requests++;
    /* XXX: the directory lookup itself is free (an SRAM directory beside
     * the controller, its lookup hidden under the controller's latency). */

    uint64_t done, ud = u_home;
    if (d.data == DIR_DATA_OWNER) {
        /* Forwarded: the owner's LLC looks the line up and sends it straight
         * to the requester (three hops when the home is a third node).
         * XXX: the owner's LLC hit is charged even when only one of its
         * private caches holds the line (its L2 would add a few ns). */
        const unsigned q = (unsigned)d.forward_to;
        struct memsys_node *on = &ms->node[q];
        home->st.dir_forwards++;
        uint64_t tq = links_route(&ms->links, h, q, MSG_BYTES, at_home, NULL) + on->llc.hit_ps;
        bool dirty = cache_state(&on->llc, line) == MESI_M;
        for (unsigned i = 0; i < ms->t->nodes[q].ncpus; i++) {
            struct memsys_cpu *oc = node_cpu(ms, q, i);
            dirty |= write ? invalidate_private(oc, line) : downgrade_private(oc, line);
        }
        if (write)
            cache_invalidate(&on->llc, line);
        else
            cache_downgrade(&on->llc, line);
        if (!write && dirty)
            writeback(ms, q, line, tq);     /* MESI has no O state: memory is made current */
        done = links_route(&ms->links, q, n, ms->line, tq, NULL);
        ud += route_ps(ms, h, q) + on->llc.hit_ps + route_ps(ms, q, n);
        *cls = MC_C2C_REMOTE;
    } else if (need_data || d.data == DIR_DATA_MEMORY) {
        /* The home's memory supplies the line (also when n was a sharer
         * that lost its data: a non-inclusive LLC dropped it). */
        const uint64_t at = home->has_mem ? dram_access(&home->dram, line, false, at_home) : at_home;
        done = links_route(&ms->links, h, n, ms->line, at, NULL);
        ud += (home->has_mem ? home->dram.p.latency_ps : 0) + route_ps(ms, h, n);
        *cls = h == n ? MC_DRAM_LOCAL : MC_DRAM_REMOTE;
    } else {
        /* An upgrade: the home acknowledges. */
        done = links_route(&ms->links, h, n, MSG_BYTES, at_home, NULL);
        ud += route_ps(ms, h, n);
        *cls = MC_UPGRADE;
    }
    /* Invalidations from the home; sharers acknowledge to the requester. */
    for (uint64_t m = d.invalidate; m; m &= m - 1) {
        const unsigned s = (unsigned)__builtin_ctzll(m);
        if (s == n || (int)s == d.forward_to)
            continue;       /* the forward already dealt with the owner */
        home->st.dir_invalidations++;
        const uint64_t ts = links_route(&ms->links, h, s, MSG_BYTES, at_home, NULL);
        for (unsigned i = 0; i < ms->t->nodes[s].ncpus; i++)
            invalidate_private(node_cpu(ms, s, i), line);
        cache_invalidate(&ms->node[s].llc, line);
        done = max64(done, links_route(&ms->links, s, n, MSG_BYTES, ts, NULL));
        ud = max64(ud, u_home + route_ps(ms, h, s) + route_ps(ms, s, n));
    }
    *u += ud;
    return done;
}

/* Cpu c's request for line leaving its private caches at t (write: for
 * ownership).  Snoops the node, then the LLC, then the home.  Fills the
 * LLC, the L2 and (l1 not NULL) the L1.  Returns the completion time; *u
 * accumulates the unloaded cost. */
static uint64_t shared_access(struct memsys *ms, struct memsys_cpu *c, struct cache *l1,
                              uint64_t line, bool write, uint64_t t, uint64_t *u,
                              enum mem_class *cls, uint32_t *nhops, bool self_absent)
{
    const unsigned n = c->node, nc = ms->t->nodes[n].ncpus;
    struct memsys_node *nd = &ms->node[n];
    enum mesi st[COH_MAX_CPUS];
    for (unsigned i = 0; i < nc; i++)
        st[i] = self_absent && i == c->local ? MESI_I : cpu_state(node_cpu(ms, n, i), line);
    struct coh_snoop so;
    coh_snoop_decide(st, nc, c->local, write, &so);
    *nhops = 0;
    if (so.op == COH_NONE) {
        /* Held by this CPU in a cache the caller did not look at (L1I only
         * when there is no L2): a private matter. */
        private_fill(ms, c, l1, line, so.req_state, t, t, 0);
        *cls = MC_L2;
        return t;
    }

    /* The bus: arbitration and address phase, then the data beats (none
     * for an upgrade), charged as one transaction when the request arrives
     * so that the bus sees requests in time order. */
    const uint32_t bytes = so.op == COH_BUSUPGR ? 0 : ms->line;
    struct bus_grant g;
    uint64_t done = bus_request(&nd->bus, c->local, t, bytes, &g);
    *u += nd->bus.p.arb_ps + bus_data_ps(&nd->bus, bytes);
    for (uint64_t m = so.invalidate; m; m &= m - 1) {
        invalidate_private(node_cpu(ms, n, (unsigned)__builtin_ctzll(m)), line);
        nd->st.snoop_invalidations++;
    }

    /* Does the node own the line (may a private cache hold it E or M)?
     * Asked of the directory only where the answer matters. */
    const bool multi = ms->nnodes > 1;
    bool node_excl = true;
    enum mesi mine = so.req_state;
    struct cache_line *llc_slot = NULL;
    if (so.op == COH_BUSUPGR) {
        *cls = MC_UPGRADE;
        if (multi && !node_owns(ms, n, line)) {
            done += nd->llc.hit_ps;
            *u += nd->llc.hit_ps;
            done = remote_request(ms, n, line, true, false, done, u, cls, nhops, &node_excl);
        }
        if (cache_state(&nd->llc, line) != MESI_I)
            llc_slot = llc_fill(ms, n, line, MESI_E, done, t);  /* the node now owns it */
    } else if (so.supplier >= 0) {
        /* Cache to cache: the LLC's tags direct the snoop to the owner,
         * whose L2 supplies the line over the bus. */
        struct memsys_cpu *owner = node_cpu(ms, n, (unsigned)so.supplier);
        done += nd->llc.hit_ps + owner->l2.hit_ps;
        *u += nd->llc.hit_ps + owner->l2.hit_ps;
        nd->st.c2c++;
        if (so.writeback)
            llc_slot = llc_fill(ms, n, line, MESI_M, done, t);
        if (!write) {
            /* The owner keeps S; the cache_downgrade calls count its writeback. */
            downgrade_private(owner, line);
        }
        *cls = MC_C2C_LOCAL;
    } else {
        struct cache_result r;
        const enum cache_outcome o = cache_access(&nd->llc, line, false, done, &r);
        *u += nd->llc.hit_ps;
        if (o == CACHE_HIT && multi)
            node_excl = r.prev != MESI_S;
        if (o == CACHE_HIT && (!write || node_excl)) {
            done = r.ready_ps;
            *cls = MC_LLC;
            llc_slot = r.slot;
        } else if (o == CACHE_HIT) {
            /* Data here, ownership at the home. */
            done = remote_request(ms, n, line, true, false, r.ready_ps, u, cls, nhops,
                                  &node_excl);
            llc_slot = llc_fill(ms, n, line, MESI_E, done, t);
        } else {
            done += nd->llc.hit_ps;
            if (multi) {
                done = remote_request(ms, n, line, write, true, done, u, cls, nhops, &node_excl);
            } else {
                done = nd->has_mem ? dram_access(&nd->dram, line, false, done) : done;
                *u += nd->has_mem ? nd->dram.p.latency_ps : 0;
                *cls = MC_DRAM_LOCAL;
            }
            llc_slot = llc_fill(ms, n, line, node_excl ? MESI_E : MESI_S, done, t);
        }
    }
    if (mine == MESI_E && !node_excl)
        mine = MESI_S;      /* the node itself only shares the line */
    private_fill(ms, c, l1, line, mine, done, t, llc_hint(&nd->llc, llc_slot));
    return done;
}

/* One prefetch of pf into c's L2 at t: a read through the shared path
 * that nothing waits for. */
static void prefetch_one(struct memsys *ms, struct memsys_cpu *c, uint64_t line, uint64_t pf,
                         uint64_t t)
{
    /* Like hardware prefetchers, never cross a 4 KiB page: the next
     * physical page may belong to anyone, or not be memory at all. */
    if ((pf ^ line) >> 12)
        return;
    if (cpu_state(c, pf) != MESI_I) {
        c->st.pf_redundant++;
        return;
    }
    c->st.pf_issued++;
    uint64_t u = 0;
    uint32_t h;
    enum mem_class cls;
    shared_access(ms, c, NULL, pf, false, t, &u, &cls, &h, true);
}

/* After a demand miss on line left the private caches at t. */
static void prefetch(struct memsys *ms, struct memsys_cpu *c, uint64_t line, uint64_t t)
{
    if (ms->prefetch == TOPO_PF_NEXT_LINE) {
        prefetch_one(ms, c, line, line + ms->line, t);
        return;
    }
    pf_train(c, line);
    if (!c->pf_confirmed)
        return;
    for (unsigned d = 1; d <= MEMSYS_PF_DEGREE; d++)
        prefetch_one(ms, c, line, line + d * c->pf_stride, t);
}

/* Host prefetches for a miss about to take the shared path: the node's
 * LLC set and the home directory's slot for line, the two host-memory
 * structures it probes first at random places.  Fetched together, their
 * host misses overlap instead of following each other. */
static NOIPA void prefetch_shared(const struct memsys *ms, const struct memsys_cpu *c,
                                 uint64_t line)
{
    const struct cache *llc = &ms->node[c->node].llc;
    if (llc->nvalid) {
        const char *row = (const char *)(llc->lines + (size_t)cache_set_of(llc, line) * llc->ways);
        for (size_t b = 0; b < (size_t)llc->ways * sizeof(*llc->lines); b += 64)
            __builtin_prefetch(row + b);
    }
    if (ms->nnodes > 1)
        __builtin_prefetch(dir_first_slot(&ms->node[memsys_home(ms, line)].dir,
                                          line >> ms->line_shift));
}

void memsys_prefetch(struct memsys *ms, unsigned cpu, uint64_t paddr)
{
    struct memsys_cpu *c = &ms->cpu[cpu];
    c->pf_hint = paddr >> ms->line_shift << ms->line_shift;
    prefetch_shared(ms, c, c->pf_hint);
}

uint64_t memsys_access(struct memsys *ms, unsigned cpu, uint64_t paddr, enum mem_kind k,
                       uint64_t now, enum mem_class *clsp)
{
    struct memsys_cpu *c = &ms->cpu[cpu];
    struct cache *l1 = k == MEM_FETCH ? &c->l1i : &c->l1d;
    const bool write = k == MEM_STORE;
    const uint64_t line = paddr >> ms->line_shift << ms->line_shift;
    struct cache_result r;
    enum mem_class cls;
    uint64_t done, u = l1->hit_ps;
    uint32_t nhops = 0;

    enum cache_outcome o2;
    if (c->miss_line == line && c->miss_l1 == l1 && c->miss_e1 == l1->epoch &&
        c->miss_e2 == c->l2.epoch) {
        /* memsys_private just found neither cache holding the line, and
         * neither has changed since: count the two misses cache_access
         * would find. */
        c->miss_l1 = NULL;
        r = (struct cache_result){0};   /* not read: o2 is a miss */
        l1->st.misses++;
        c->l2.st.misses++;
        o2 = CACHE_MISS;
    } else {
        if (cache_access(l1, line, write, now, &r) == CACHE_HIT) {
            cls = MC_L1;
            done = r.ready_ps;
            goto out;
        }
        o2 = cache_access(&c->l2, line, write, now + l1->hit_ps, &r);
    }
    u += c->l2.hit_ps;
    if (o2 == CACHE_HIT) {
        done = r.ready_ps;
        cls = MC_L2;
        l1_fill(ms, c, l1, line, write ? MESI_M : cache_state(&c->l2, line), done, now);
        if (ms->prefetch == TOPO_PF_STRIDE && (k == MEM_LOAD || k == MEM_STORE))
            pf_train(c, line);
        goto out;
    }
    if (line != c->pf_hint)
        prefetch_shared(ms, c, line);
    /* The miss leaves when the L1 has an MSHR for it.  XXX: the L2's MSHRs
     * are not used: the L1's bound the misses in flight per CPU. */
    const uint64_t t0 = now + l1->hit_ps + c->l2.hit_ps;
    int slot;
    const uint64_t t = cache_mshr_acquire(l1, line, t0, &slot);
    if (slot < 0 && l1->nmshr) {
        /* XXX: merged with a fill in flight for a line both L1 and L2
         * dropped meanwhile (rare): done with that fill, nothing installed. */
        cls = MC_L2;
        done = t;
        goto out;
    }
    /* A CPU with an L2 that missed holds the line nowhere (the L2
     * includes the L1s). */
    done = shared_access(ms, c, l1, line, write, t, &u, &cls, &nhops,
                         o2 == CACHE_MISS && c->l2.ways);
    cache_mshr_release(l1, slot, done);
    if (ms->prefetch != TOPO_PF_NONE && (k == MEM_LOAD || k == MEM_STORE) && o2 == CACHE_MISS)
        prefetch(ms, c, line, t);
out:
    record(c, k, cls, nhops, done - now, u);
    if (clsp)
        *clsp = cls;
    return done;
}

uint64_t memsys_unloaded_ps(const struct memsys *ms, unsigned cpu, enum mem_class cls,
                            unsigned home)
{
    const struct memsys_cpu *c = &ms->cpu[cpu];
    const unsigned n = c->node;
    const struct memsys_node *nd = &ms->node[n];
    if (home >= ms->nnodes)
        home = n;
    uint64_t u = c->l1d.hit_ps;
    if (cls == MC_L1)
        return u;
    u += c->l2.hit_ps;
    if (cls == MC_L2)
        return u;
    if (cls == MC_UPGRADE)
        return u + nd->bus.p.arb_ps;
    u += nd->bus.p.arb_ps + bus_data_ps(&nd->bus, ms->line) + nd->llc.hit_ps;
    switch (cls) {
    case MC_LLC:
        return u;
    case MC_C2C_LOCAL:
        return u + c->l2.hit_ps;
    case MC_C2C_REMOTE:
        return u + route_ps(ms, n, home) + ms->node[home].llc.hit_ps + route_ps(ms, home, n);
    case MC_DRAM_LOCAL:
    case MC_DRAM_REMOTE: {
        const struct memsys_node *h = &ms->node[home];
        return u + route_ps(ms, n, home) + (h->has_mem ? h->dram.p.latency_ps : 0) +
               route_ps(ms, home, n);
    }
    default:
        return u;
    }
}

/* ---- assembly ---- */

static int register_cls(struct stats_registry *reg, struct memsys_cls_stats *s, bool hist,
                        const char *what, unsigned cpu, const char *name)
{
    int rc = stats_add_counterf(reg, &s->count, "accesses", "cpu%u.mem.%s.count", cpu, name);
    if (rc == MMSIM_OK)
        rc = stats_add_counterf(reg, &s->ps, "total latency (ps)", "cpu%u.mem.%s.ps", cpu, name);
    if (rc == MMSIM_OK)
        rc = stats_add_counterf(reg, &s->unloaded_ps,
                                "latency the same accesses would have had unloaded (ps)",
                                "cpu%u.mem.%s.unloaded_ps", cpu, name);
    if (rc == MMSIM_OK && hist)
        rc = stats_add_histf(reg, &s->lat, what, "cpu%u.mem.%s.latency", cpu, name);
    return rc;
}

static int register_all(struct memsys *ms, struct stats_registry *reg)
{
    int rc = links_stats_register(&ms->links, reg, "numa");
    for (uint32_t n = 0; n < ms->nnodes && rc == MMSIM_OK; n++) {
        struct memsys_node *nd = &ms->node[n];
        char p[32];
        snprintf(p, sizeof(p), "node%u.llc", n);
        rc = cache_stats_register(&nd->llc, reg, p);
        snprintf(p, sizeof(p), "node%u.bus", n);
        if (rc == MMSIM_OK)
            rc = bus_stats_register(&nd->bus, reg, p);
        snprintf(p, sizeof(p), "node%u.mem", n);
        if (rc == MMSIM_OK && nd->has_mem)
            rc = dram_stats_register(&nd->dram, reg, p);
        const struct {
            uint64_t *v;
            const char *name, *desc;
        } ctr[] = {
            {&nd->st.c2c, "coh.c2c", "cache-to-cache transfers within the node"},
            {&nd->st.snoop_invalidations, "coh.invalidations",
             "private copies invalidated by bus snoops"},
            {&nd->st.back_invalidations, "llc.back_invalidations",
             "private copies dropped by the inclusive LLC's evictions"},
            {&nd->st.dir_requests, "dir.requests", "requests to this home's directory"},
            {&nd->st.dir_forwards, "dir.forwards", "requests forwarded to an owner node"},
            {&nd->st.dir_invalidations, "dir.invalidations",
             "invalidations sent to sharer nodes"},
            {&nd->st.writebacks, "coh.writebacks", "dirty lines written back to this home's memory"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(ctr) && rc == MMSIM_OK; i++)
            rc = stats_add_counterf(reg, ctr[i].v, ctr[i].desc, "node%u.%s", n, ctr[i].name);
    }
    for (uint32_t i = 0; i < ms->ncpus && rc == MMSIM_OK; i++) {
        struct memsys_cpu *c = &ms->cpu[i];
        char p[32];
        snprintf(p, sizeof(p), "cpu%u.l1i", i);
        rc = cache_stats_register(&c->l1i, reg, p);
        snprintf(p, sizeof(p), "cpu%u.l1d", i);
        if (rc == MMSIM_OK)
            rc = cache_stats_register(&c->l1d, reg, p);
        snprintf(p, sizeof(p), "cpu%u.l2", i);
        if (rc == MMSIM_OK)
            rc = cache_stats_register(&c->l2, reg, p);
        for (unsigned k = 0; k < MC_COUNT && rc == MMSIM_OK; k++) {
            if (ms->nnodes == 1 && (k == MC_C2C_REMOTE || k == MC_DRAM_REMOTE))
                continue;
            rc = register_cls(reg, &c->cls[k], k != MC_L1, "latency histogram (ps)", i,
                              class_names[k]);
        }
        if (rc == MMSIM_OK)
            rc = register_cls(reg, &c->cls[MEMSYS_PTE_SLOT], true,
                              "page-walk read latency histogram (ps)", i, "pte");
        for (uint32_t h = 1; h <= ms->max_hops && rc == MMSIM_OK; h++) {
            char name[32];
            snprintf(name, sizeof(name), "dram_remote.hop%u", h);
            rc = register_cls(reg, &c->cls[MEMSYS_HOP_SLOT(h)], true,
                              "latency histogram of remote DRAM at this distance (ps)", i, name);
        }
        if (rc == MMSIM_OK && ms->prefetch != TOPO_PF_NONE)
            rc = stats_add_counterf(reg, &c->st.pf_issued, "prefetches sent below L2",
                                    "cpu%u.prefetch.issued", i);
        if (rc == MMSIM_OK && ms->prefetch != TOPO_PF_NONE)
            rc = stats_add_counterf(reg, &c->st.pf_redundant,
                                    "prefetch candidates already cached",
                                    "cpu%u.prefetch.redundant", i);
    }
    return rc;
}

/* Every present cache must use one line size: it is the coherence unit. */
static bool same_line(uint32_t *line, const struct topo_cache *tc)
{
    if (!tc->size)
        return true;
    if (!*line)
        *line = tc->line;
    return tc->line == *line;
}

static uint64_t mix(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t x = seed ^ (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xbf58476d1ce4e5b9ull);
    x ^= x >> 31;
    x *= 0x94d049bb133111ebull;
    return (x ^ (x >> 29)) | 1;
}

int memsys_create(const struct mmsim_topology *t, const struct physmem *pm, uint64_t seed,
                  struct stats_registry *reg, struct memsys **out)
{
    if (!out)
        return MMSIM_ERR_INVALID;
    *out = NULL;
    if (!t || !t->nnodes || !t->ncpus)
        return MMSIM_ERR_INVALID;
    uint32_t line = 0;
    bool ok = same_line(&line, &t->cpu.l1i) && same_line(&line, &t->cpu.l1d) &&
              same_line(&line, &t->cpu.l2);
    for (uint32_t n = 0; n < t->nnodes; n++) {
        ok = ok && same_line(&line, &t->nodes[n].llc) && t->nodes[n].ncpus <= COH_MAX_CPUS;
    }
    if (!ok || t->nnodes > DIR_MAX_NODES)
        return MMSIM_ERR_INVALID;
    if (!line)
        line = 64;

    struct memsys *ms = calloc(1, sizeof(*ms));
    if (!ms)
        return MMSIM_ERR_NOMEM;
    ms->t = t;
    ms->pm = pm;
    ms->ncpus = t->ncpus;
    ms->nnodes = t->nnodes;
    ms->line = line;
    ms->line_shift = (unsigned)__builtin_ctz(line);
    ms->prefetch = t->cpu.prefetch;
    for (size_t i = 0; t->hops && i < (size_t)t->nnodes * t->nnodes; i++)
        if (t->hops[i] > ms->max_hops)
            ms->max_hops = t->hops[i];
    int rc = MMSIM_ERR_NOMEM;
    ms->cpu = calloc(t->ncpus, sizeof(*ms->cpu));
    ms->node = calloc(t->nnodes, sizeof(*ms->node));
    if (!ms->cpu || !ms->node)
        goto fail;
    if ((rc = links_init(&ms->links, t)) != MMSIM_OK || (rc = home_table(ms)) != MMSIM_OK)
        goto fail;
    for (uint32_t n = 0; n < t->nnodes; n++) {
        const struct topo_node *tn = &t->nodes[n];
        struct memsys_node *nd = &ms->node[n];
        struct bus_params bp;
        struct dram_params dp;
        if ((rc = cache_init(&nd->llc, &tn->llc, t, mix(seed, 1000 + n, 3))) != MMSIM_OK)
            goto fail;
        nd->inclusive = tn->llc.inclusive && tn->llc.size;
        bus_params_from_topology(t, n, &bp);
        if ((rc = bus_init(&nd->bus, &bp)) != MMSIM_OK)
            goto fail;
        nd->has_mem = tn->mem_size != 0;
        dram_params_from_topology(t, n, &dp);
        dp.line = line;
        if (nd->has_mem && (rc = dram_init(&nd->dram, &dp)) != MMSIM_OK)
            goto fail;
        for (uint32_t i = 0; i < tn->ncpus; i++) {
            struct memsys_cpu *c = &ms->cpu[tn->first_cpu + i];
            c->node = n;
            c->local = i;
        }
    }
    const uint32_t nslots = MC_COUNT + 1 + ms->max_hops;
    for (uint32_t i = 0; i < t->ncpus; i++) {
        struct memsys_cpu *c = &ms->cpu[i];
        if ((rc = cache_init(&c->l1i, &t->cpu.l1i, t, mix(seed, i, 0))) != MMSIM_OK ||
            (rc = cache_init(&c->l1d, &t->cpu.l1d, t, mix(seed, i, 1))) != MMSIM_OK ||
            (rc = cache_init(&c->l2, &t->cpu.l2, t, mix(seed, i, 2))) != MMSIM_OK)
            goto fail;
        rc = MMSIM_ERR_NOMEM;
        if (!(c->cls = calloc(nslots, sizeof(*c->cls))))
            goto fail;
    }
    if (reg && (rc = register_all(ms, reg)) != MMSIM_OK)
        goto fail;
    *out = ms;
    return MMSIM_OK;
fail:
    memsys_destroy(ms);
    return rc;
}

void memsys_destroy(struct memsys *ms)
{
    if (!ms)
        return;
    for (uint32_t i = 0; ms->cpu && i < ms->ncpus; i++) {
        cache_free(&ms->cpu[i].l1i);
        cache_free(&ms->cpu[i].l1d);
        cache_free(&ms->cpu[i].l2);
        free(ms->cpu[i].cls);
    }
    for (uint32_t n = 0; ms->node && n < ms->nnodes; n++) {
        struct memsys_node *nd = &ms->node[n];
        cache_free(&nd->llc);
        bus_free(&nd->bus);
        dram_free(&nd->dram);
        mmsim_big_free(nd->dir.s, nd->dir.cap, sizeof(*nd->dir.s));
    }
    links_free(&ms->links);
    free(ms->home_of);
    free(ms->cpu);
    free(ms->node);
    free(ms);
}
