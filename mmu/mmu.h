/* One CPU's MMU: L1 iTLB and dTLB, a unified L2 TLB, page-walk caches and
 * the walker, assembled from struct topo_cpu.
 *
 * mmu_translate looks in the L1 TLB of the access type (inline: one set
 * probe for a TLB of 4 KiB pages, a compare per way), then out of line in
 * the L2 TLB, then walks the page table starting as low as the page-walk
 * caches allow, and refills PWC, L2 and L1 on the way back.  A fault is
 * returned as the exception cause; the reason stays in m->last_fault.
 *
 * Permission summary of a TLB entry (entry.allow): bit `acc` is set when S
 * mode may make access `acc` (enum mmu_access) through it, bit 3 + acc when
 * U mode may, given SUM and MXR.  A store needs D = 1 in the entry: a store
 * to a clean page misses the summary and walks again, which sets D (hardware
 * A/D) or raises the page fault (Svade). */
#ifndef MMSIM_MMU_MMU_H
#define MMSIM_MMU_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "libmmsim/internal.h"
#include "libmmsim/topology.h"
#include "mmu/pwc.h"
#include "mmu/tlb.h"
#include "mmu/walk.h"

struct stats_registry;

struct mmu_params {
    const struct topo_cpu *cpu;     /* TLB geometry, replacement, pwc_entries */
    struct walker walker;           /* PTE access callbacks and hw_ad */
    uint64_t seed;                  /* random replacement (each TLB derives its own) */
};

struct mmu_stats {
    uint64_t walks;                         /* page-table walks started */
    uint64_t walk_reads[SV_MAX_LEVELS];     /* PTE reads by level */
    uint64_t walk_writes;                   /* A/D write-backs */
    uint64_t pwc_hits[SV_MAX_LEVELS];       /* walks that started below level L */
    uint64_t pwc_misses;                    /* walks that started at the root */
    uint64_t faults[WALK_NFAULTS];          /* by reason */
    uint64_t sfence[4];                     /* all, asid, va, va+asid */
};

struct mmu {
    struct tlb itlb, dtlb, l2tlb;
    struct pwc pwc;
    struct walker walker;

    /* Translation context: satp and the privilege state. */
    uint64_t root;                  /* satp.PPN << 12 */
    unsigned asid;
    unsigned levels;                /* 0: Bare (no translation) */
    bool user, sum, mxr;
    unsigned allow_shift;           /* 3 in U mode, 0 in S mode */

    enum walk_fault last_fault;     /* reason of the last fault returned */
    struct mmu_stats st;
};

/* Build an MMU.  Page sizes: L1 TLBs and the L2 TLB hold every size the
 * widest scheme (Sv57) can map.  Returns MMSIM_OK, MMSIM_ERR_INVALID (NULL
 * arguments, missing callbacks, bad TLB geometry) or MMSIM_ERR_NOMEM; *out
 * is NULL on failure.  The MMU starts in Bare mode, U mode. */
int mmu_create(const struct mmu_params *p, struct mmu **out);
/* NULL is a no-op. */
void mmu_destroy(struct mmu *m);

/* Load satp (MODE, ASID, PPN).  A value with an unsupported MODE is
 * ignored, as the spec says of satp writes.  Changing
 * MODE flushes every cache (their tags do not carry the scheme); changing
 * ASID or root flushes nothing, as on hardware: software fences. */
void mmu_set_satp(struct mmu *m, uint64_t satp);
/* Privilege of subsequent accesses and sstatus.SUM/MXR.  Changing SUM or
 * MXR recomputes cached permissions (rare); changing user does not. */
void mmu_set_priv(struct mmu *m, bool user, bool sum, bool mxr);

/* sfence.vma: by_va is rs1 != x0 (va = rs1's value), by_asid is rs2 != x0
 * (asid = rs2's value).  Applies to both L1 TLBs, the L2 TLB and the PWC. */
void mmu_sfence_vma(struct mmu *m, bool by_va, uint64_t va, bool by_asid, unsigned asid);

/* Out-of-line part of mmu_translate; l1 is the L1 entry that hit but did
 * not permit the access, or NULL. */
int mmu_translate_slow(struct mmu *m, uint64_t va, enum mmu_access acc, uint64_t *pa,
                       struct tlb_entry *l1);

/* Translate va for access acc.  Returns 0 and *pa, or the exception cause
 * (12/13/15 page fault, 1/5/7 access fault) with m->last_fault set. */
static ALWAYS_INLINE int mmu_translate(struct mmu *m, uint64_t va, enum mmu_access acc,
                                       uint64_t *pa)
{
    struct tlb *t = acc == MMU_FETCH ? &m->itlb : &m->dtlb;
    struct tlb_entry *e = tlb_lookup(t, va, m->asid);
    if (likely(e && (e->allow >> (m->allow_shift + acc) & 1))) {
        *pa = e->pa | (va & ((1ull << sv_level_shift(e->size)) - 1));
        return 0;
    }
    return mmu_translate_slow(m, va, acc, pa, e);
}

/* Register every counter as "<prefix>.itlb.hits.4k", "<prefix>.walk.reads.l2",
 * "<prefix>.faults.invalid", ... (see docs/MMU.md).  l1_hits false leaves
 * out the L1 TLBs' hit counts (an owner whose faster cache in front of the
 * L1 TLBs serves most hits registers its own).  Returns MMSIM_OK or the
 * registry's error. */
int mmu_stats_register(struct mmu *m, struct stats_registry *r, const char *prefix,
                       bool l1_hits);

#endif
