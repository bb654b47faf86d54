/* The page-table walker: the privileged spec's translation algorithm as a
 * level loop.  Step numbers in the comments follow the spec's list in
 * "Virtual Address Translation Process" (step 1 = start at the root). */
#include <string.h>

#include "libmmsim/internal.h"
#include "mmu/walk.h"

unsigned walk_cause(enum walk_fault f, enum mmu_access acc)
{
    /* mcause: instruction/load/store-AMO page fault 12/13/15, access
     * fault 1/5/7. */
    static const unsigned page_fault[3] = {13, 15, 12};
    static const unsigned access_fault[3] = {5, 7, 1};
    if (f == WALK_OK)
        return 0;
    MMSIM_ASSERT((unsigned)acc < 3);
    return f == WALK_ACCESS ? access_fault[acc] : page_fault[acc];
}

const char *walk_fault_name(enum walk_fault f)
{
    static const char *const name[WALK_NFAULTS] = {
        [WALK_OK] = "ok",
        [WALK_NONCANONICAL] = "noncanonical",
        [WALK_ACCESS] = "access",
        [WALK_INVALID] = "invalid",
        [WALK_RESERVED_WR] = "reserved_wr",
        [WALK_RESERVED_BITS] = "reserved_bits",
        [WALK_NONLEAF_L0] = "nonleaf_l0",
        [WALK_USER] = "user",
        [WALK_PERM] = "perm",
        [WALK_MISALIGNED] = "misaligned",
        [WALK_AD] = "ad",
    };
    return (unsigned)f < WALK_NFAULTS ? name[f] : "?";
}

/* Step 5: may this access use the leaf?  U/S first, then R/W/X. */
static enum walk_fault leaf_permits(const struct walk_req *req, uint64_t pte)
{
    if (req->user) {
        if (!(pte & PTE_U))
            return WALK_USER;
    } else if (pte & PTE_U) {
        /* S mode reaches U pages only for loads/stores with SUM = 1, and
         * never executes from them, whatever SUM says. */
        if (req->acc == MMU_FETCH || !req->sum)
            return WALK_USER;
    }
    bool ok;
    switch (req->acc) {
    case MMU_FETCH: ok = pte & PTE_X; break;
    case MMU_STORE: ok = pte & PTE_W; break;
    default: ok = (pte & PTE_R) || (req->mxr && (pte & PTE_X)); break;
    }
    return ok ? WALK_OK : WALK_PERM;
}

enum walk_fault walk_va(const struct walker *w, const struct walk_req *req,
                        struct walk_result *res)
{
    const uint64_t va = req->va;
    const unsigned levels = req->levels;
    const enum mmu_access acc = req->acc;
    MMSIM_ASSERT(levels >= 3 && levels <= SV_MAX_LEVELS);
    memset(res, 0, sizeof(*res));

    if (!sv_canonical(va, sv_va_bits(levels))) {
        res->level = levels - 1;
        return WALK_NONCANONICAL;
    }

    /* Step 1: a = satp.ppn x PAGESIZE, i = LEVELS - 1 (or where a
     * page-walk cache left us). */
    uint64_t a = req->root;
    int i = (int)levels - 1;
    bool global = false;
    if (req->start) {
        MMSIM_ASSERT(req->start_level < levels - 1);
        a = req->start_table;
        i = req->start_level;
        global = req->start_global;
    }

    uint64_t pte;
    for (;;) {
        res->level = (unsigned)i;
        res->table[i] = a;
        res->global_above[i] = global;
        /* Step 2: pte = the PTE at a + va.vpn[i] x PTESIZE; a refused
         * implicit access is an access fault. */
        res->pte_addr = a + (uint64_t)sv_vpn(va, (unsigned)i) * SV_PTE_SIZE;
        if (w->read_pte(w->ctx, res->pte_addr, &pte, (unsigned)i))
            return WALK_ACCESS;
        res->reads++;
        res->reads_at[i]++;
        res->pte = pte;

        /* Step 3: V = 0, the reserved W-without-R encoding, or reserved
         * bits set: page fault. */
        if (!(pte & PTE_V))
            return WALK_INVALID;
        if (!(pte & PTE_R) && (pte & PTE_W))
            return WALK_RESERVED_WR;
        if (pte & PTE_RESERVED_MASK)
            return WALK_RESERVED_BITS;

        /* "For non-leaf PTEs, the global setting implies that all mappings
         * in the subsequent levels of the page table are global." */
        global |= (pte & PTE_G) != 0;

        /* Step 4: a leaf has R or X set; otherwise descend, and running
         * out of levels is a page fault. */
        if (pte_is_leaf(pte))
            break;
        if (pte & PTE_NONLEAF_RESERVED)
            return WALK_RESERVED_BITS;
        if (i == 0)
            return WALK_NONLEAF_L0;
        i--;
        a = pte_paddr(pte);
    }

    /* Step 5: permissions. */
    enum walk_fault f = leaf_permits(req, pte);
    if (f != WALK_OK)
        return f;

    /* Step 6: a superpage must be aligned: pte.ppn[i-1:0] == 0. */
    const unsigned shift = sv_level_shift((unsigned)i);
    if (i > 0 && (pte_ppn(pte) & ((1ull << (SV_LEVEL_BITS * (unsigned)i)) - 1)))
        return WALK_MISALIGNED;

    /* Step 7: A clear, or D clear on a store: fault (Svade) or set them.
     * XXX: the spec requires the update to be atomic with the read of step
     * 2 (retry from step 2 if the PTE changed).  A walk runs to completion
     * inside one simulator call, so no guest store can come in between. */
    if (!(pte & PTE_A) || (acc == MMU_STORE && !(pte & PTE_D))) {
        if (!w->hw_ad)
            return WALK_AD;
        uint64_t upd = pte | PTE_A | (acc == MMU_STORE ? PTE_D : 0);
        if (w->write_pte(w->ctx, res->pte_addr, upd, (unsigned)i))
            return WALK_ACCESS;
        res->writes++;
        pte = upd;
        res->pte = pte;
    }

    /* Step 8: pa.pgoff = va.pgoff; for a superpage the low VPN fields come
     * from va (pa.ppn[i-1:0] = va.vpn[i-1:0]), the rest from the PTE. */
    const uint64_t off = (1ull << shift) - 1;
    res->pa = (pte_paddr(pte) & ~off) | (va & off);
    res->page_shift = shift;
    res->global = global;
    return WALK_OK;
}
