/* One CPU's MMU: TLB hierarchy, page-walk caches and walker (see mmu.h). */
#include <stdlib.h>
#include <string.h>

#include "libmmsim/stats.h"
#include "mmu/mmu.h"

/* Every page size Sv57 can map. */
#define ALL_SIZES ((uint8_t)((1u << TLB_NSIZES) - 1))

/* Permission summary of a leaf (flags: PTE bits 7:0) for both privilege
 * modes; see mmu.h.  A = 1 is implied: only successful walks fill TLBs. */
static uint8_t allow_bits(unsigned flags, bool sum, bool mxr)
{
    unsigned r = (flags & PTE_R) || (mxr && (flags & PTE_X));
    unsigned w = (flags & PTE_W) && (flags & PTE_D);
    unsigned x = (flags & PTE_X) != 0;
    unsigned rwx = r << MMU_LOAD | w << MMU_STORE | x << MMU_FETCH;
    if (!(flags & PTE_U))
        return (uint8_t)rwx;            /* S mode only */
    /* U pages: U mode always; S mode loads/stores with SUM, never fetches. */
    unsigned s = sum ? rwx & ~(1u << MMU_FETCH) : 0;
    return (uint8_t)(rwx << 3 | s);
}

int mmu_create(const struct mmu_params *p, struct mmu **out)
{
    if (!out)
        return MMSIM_ERR_INVALID;
    *out = NULL;
    if (!p || !p->cpu || !p->walker.read_pte || (p->walker.hw_ad && !p->walker.write_pte))
        return MMSIM_ERR_INVALID;
    struct mmu *m = calloc(1, sizeof(*m));
    if (!m)
        return MMSIM_ERR_NOMEM;
    const struct topo_cpu *c = p->cpu;
    /* Distinct seeds so that the three TLBs do not evict in lockstep. */
    int rc = tlb_init(&m->itlb, c->itlb.entries, c->itlb.ways, c->itlb.repl, ALL_SIZES, p->seed);
    if (rc == MMSIM_OK)
        rc = tlb_init(&m->dtlb, c->dtlb.entries, c->dtlb.ways, c->dtlb.repl, ALL_SIZES,
                      p->seed ^ 0x5bd1e995u);
    if (rc == MMSIM_OK)
        rc = tlb_init(&m->l2tlb, c->l2tlb.entries, c->l2tlb.ways, c->l2tlb.repl, ALL_SIZES,
                      p->seed ^ 0x27d4eb2fu);
    if (rc == MMSIM_OK)
        rc = pwc_init(&m->pwc, c->pwc_entries);
    if (rc != MMSIM_OK) {
        mmu_destroy(m);
        return rc;
    }
    m->walker = p->walker;
    m->user = true;
    m->allow_shift = 3;
    *out = m;
    return MMSIM_OK;
}

void mmu_destroy(struct mmu *m)
{
    if (!m)
        return;
    tlb_free(&m->itlb);
    tlb_free(&m->dtlb);
    tlb_free(&m->l2tlb);
    pwc_free(&m->pwc);
    free(m);
}

static void flush_everything(struct mmu *m)
{
    tlb_flush(&m->itlb, false, 0, false, 0);
    tlb_flush(&m->dtlb, false, 0, false, 0);
    tlb_flush(&m->l2tlb, false, 0, false, 0);
    pwc_flush(&m->pwc, false, 0, false, 0);
}

void mmu_set_satp(struct mmu *m, uint64_t satp)
{
    const unsigned mode = (unsigned)(satp >> SATP_MODE_SHIFT);
    const unsigned levels = sv_levels((enum sv_mode)mode);
    /* "If satp is written with an unsupported MODE, the entire write has
     * no effect; no fields in satp are modified." */
    if (mode != SV_BARE && !levels)
        return;
    if (levels != m->levels)
        flush_everything(m);
    m->levels = levels;
    m->asid = (unsigned)((satp >> SATP_ASID_SHIFT) & SATP_ASID_MASK);
    m->root = (satp & SATP_PPN_MASK) << SV_PAGE_SHIFT;
}

static void recompute_allow(struct tlb *t, bool sum, bool mxr)
{
    const size_t n = (size_t)t->sets * t->ways;
    for (size_t i = 0; i < n; i++)
        if (t->e[i].key)
            t->e[i].allow = allow_bits(t->e[i].flags, sum, mxr);
}

void mmu_set_priv(struct mmu *m, bool user, bool sum, bool mxr)
{
    m->user = user;
    m->allow_shift = user ? 3 : 0;
    if (sum != m->sum || mxr != m->mxr) {
        m->sum = sum;
        m->mxr = mxr;
        recompute_allow(&m->itlb, sum, mxr);
        recompute_allow(&m->dtlb, sum, mxr);
        recompute_allow(&m->l2tlb, sum, mxr);
    }
}

void mmu_sfence_vma(struct mmu *m, bool by_va, uint64_t va, bool by_asid, unsigned asid)
{
    m->st.sfence[(by_va ? 2 : 0) + (by_asid ? 1 : 0)]++;
    tlb_flush(&m->itlb, by_va, va, by_asid, asid);
    tlb_flush(&m->dtlb, by_va, va, by_asid, asid);
    tlb_flush(&m->l2tlb, by_va, va, by_asid, asid);
    pwc_flush(&m->pwc, by_va, va, by_asid, asid);
}

static int fault(struct mmu *m, enum walk_fault f, enum mmu_access acc)
{
    m->last_fault = f;
    m->st.faults[f]++;
    return (int)walk_cause(f, acc);
}

static uint64_t page_pa(const struct tlb_entry *e, uint64_t va)
{
    return e->pa | (va & ((1ull << sv_level_shift(e->size)) - 1));
}

NOINLINE int mmu_translate_slow(struct mmu *m, uint64_t va, enum mmu_access acc, uint64_t *pa,
                                struct tlb_entry *l1hit)
{
    struct tlb *l1 = acc == MMU_FETCH ? &m->itlb : &m->dtlb;
    const unsigned bit = m->allow_shift + acc;

    if (!m->levels) {
        *pa = va;       /* Bare: XXX no physical-address width or PMP check */
        return 0;
    }
    if (!sv_canonical(va, sv_va_bits(m->levels)))
        return fault(m, WALK_NONCANONICAL, acc);

    /* L2 TLB.  An L1 entry that refused the access is re-walked directly:
     * the L2 copy has the same flags. */
    struct tlb_entry *l2hit = NULL;
    if (!l1hit) {
        struct tlb_entry *e = l2hit = tlb_lookup(&m->l2tlb, va, m->asid);
        if (e && (e->allow >> bit & 1)) {
            l1->st.misses[e->size]++;
            struct tlb_entry *f =
                e->global ? tlb_insert(l1, va, e->size, e->pa, e->asid, true, e->flags, e->allow)
                          : tlb_insert_absent(l1, va, e->size, e->pa, e->asid, e->flags, e->allow);
            *pa = f ? page_pa(f, va) : page_pa(e, va);
            return 0;
        }
    }

    /* Page-walk caches, then the walk. */
    struct walk_req req = {
        .va = va, .root = m->root, .levels = (uint8_t)m->levels, .acc = (uint8_t)acc,
        .user = m->user, .sum = m->sum, .mxr = m->mxr,
    };
    uint64_t table;
    bool global;
    unsigned hit = pwc_lookup(&m->pwc, va, m->asid, m->levels, &table, &global);
    if (hit) {
        m->st.pwc_hits[hit]++;
        req.start = true;
        req.start_level = (uint8_t)(hit - 1);
        req.start_table = table;
        req.start_global = global;
    } else {
        m->st.pwc_misses++;
    }
    struct walk_result res;
    enum walk_fault f = walk_va(&m->walker, &req, &res);
    m->st.walks++;
    m->st.walk_writes += res.writes;
    for (unsigned l = 0; l < SV_MAX_LEVELS; l++)
        m->st.walk_reads[l] += res.reads_at[l];

    /* Every pointer PTE read on the way down (at level L, pointing to the
     * table read at L-1) is worth caching, even if the leaf faulted. */
    const unsigned top = hit ? hit - 1 : m->levels - 1;
    for (unsigned l = res.level + 1; l <= top; l++)
        pwc_insert(&m->pwc, l, va, m->asid, res.global_above[l - 1], res.table[l - 1]);

    if (f != WALK_OK)
        return fault(m, f, acc);

    const unsigned size = res.level;
    const unsigned flags = (unsigned)(res.pte & 0xff) | (res.global ? PTE_G : 0);
    const uint8_t allow = allow_bits(flags, m->sum, m->mxr);
    MMSIM_ASSERT(allow >> bit & 1);
    const uint64_t base = res.pa & ~((1ull << res.page_shift) - 1);
    if (!l1hit) {
        l1->st.misses[size]++;
        m->l2tlb.st.misses[size]++;
    }
    /* A lookup above that found nothing proves the page absent from its
     * TLB (and a walk inserts nowhere): insertion then only looks for the
     * victim. */
    if (!l1hit && !l2hit && !res.global)
        tlb_insert_absent(&m->l2tlb, va, size, base, m->asid, (uint8_t)flags, allow);
    else
        tlb_insert(&m->l2tlb, va, size, base, m->asid, res.global, (uint8_t)flags, allow);
    if (!l1hit && !res.global)
        tlb_insert_absent(l1, va, size, base, m->asid, (uint8_t)flags, allow);
    else
        tlb_insert(l1, va, size, base, m->asid, res.global, (uint8_t)flags, allow);
    *pa = res.pa;
    return 0;
}

static const char *const size_name[TLB_NSIZES] = {"4k", "2m", "1g", "512g", "256t"};

static int register_tlb(struct tlb *t, struct stats_registry *r, const char *prefix,
                        const char *name, bool hits)
{
    int rc = MMSIM_OK;
    for (unsigned s = 0; s < TLB_NSIZES && rc == MMSIM_OK; s++) {
        if (hits)
            rc = stats_add_counterf(r, &t->st.hits[s], "TLB hits by page size",
                                    "%s.%s.hits.%s", prefix, name, size_name[s]);
        if (rc == MMSIM_OK)
            rc = stats_add_counterf(r, &t->st.misses[s], "TLB misses by page size found",
                                    "%s.%s.misses.%s", prefix, name, size_name[s]);
    }
    return rc;
}

int mmu_stats_register(struct mmu *m, struct stats_registry *r, const char *prefix,
                       bool l1_hits)
{
    if (!m || !r || !prefix)
        return MMSIM_ERR_INVALID;
    int rc = register_tlb(&m->itlb, r, prefix, "itlb", l1_hits);
    if (rc == MMSIM_OK)
        rc = register_tlb(&m->dtlb, r, prefix, "dtlb", l1_hits);
    if (rc == MMSIM_OK)
        rc = register_tlb(&m->l2tlb, r, prefix, "l2tlb", true);
    if (rc == MMSIM_OK)
        rc = stats_add_counterf(r, &m->st.walks, "page-table walks", "%s.walk.count", prefix);
    if (rc == MMSIM_OK)
        rc = stats_add_counterf(r, &m->st.walk_writes, "PTE A/D write-backs",
                                "%s.walk.writes", prefix);
    for (unsigned l = 0; l < SV_MAX_LEVELS && rc == MMSIM_OK; l++)
        rc = stats_add_counterf(r, &m->st.walk_reads[l], "PTE reads at this level",
                                "%s.walk.reads.l%u", prefix, l);
    for (unsigned l = 1; l < SV_MAX_LEVELS && rc == MMSIM_OK; l++)
        rc = stats_add_counterf(r, &m->st.pwc_hits[l], "walks started from a cached level-L pointer",
                                "%s.pwc.hits.l%u", prefix, l);
    if (rc == MMSIM_OK)
        rc = stats_add_counterf(r, &m->st.pwc_misses, "walks started at the root",
                                "%s.pwc.misses", prefix);
    for (unsigned f = 1; f < WALK_NFAULTS && rc == MMSIM_OK; f++)
        rc = stats_add_counterf(r, &m->st.faults[f], "translation faults by reason",
                                "%s.faults.%s", prefix, walk_fault_name((enum walk_fault)f));
    static const char *const fence[4] = {"all", "asid", "va", "va_asid"};
    for (unsigned i = 0; i < 4 && rc == MMSIM_OK; i++)
        rc = stats_add_counterf(r, &m->st.sfence[i], "sfence.vma by flavour", "%s.sfence.%s",
                                prefix, fence[i]);
    return rc;
}
