/* Set-associative TLBs holding several page sizes.
 *
 * An entry maps one page of its own size (4 KiB .. 256 TiB, named by the
 * level of its leaf PTE) and is tagged by the VPN at that size, the ASID and
 * a global bit; a global entry matches every ASID.  A lookup probes one set
 * per page size present in the TLB (a per-size count skips absent sizes, so
 * a TLB holding only 4 KiB pages probes one set).  Every size indexes the
 * same sets with the low bits of its own VPN.
 *
 * Replacement: an invalid way first, else true LRU (a use stamp per entry),
 * tree pseudo-LRU (one bit per inner node of a binary tree over the ways,
 * pointing to the half to evict from; ways that are not a power of two use
 * the tree of the next power of two and never descend into missing ways),
 * or random (xorshift64*, seeded by the caller; no global state). */
#ifndef MMSIM_MMU_TLB_H
#define MMSIM_MMU_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libmmsim/internal.h"
#include "libmmsim/topology.h"
#include "mmu/pte.h"

#define TLB_NSIZES SV_MAX_LEVELS        /* page sizes: leaf levels 0..4 */
#define TLB_PLRU_MAX_WAYS 64            /* tree bits fit one uint64_t per set */

struct tlb_entry {
    uint64_t key;           /* (va >> page shift) << 4 | size << 1 | 1; 0 = empty */
    uint64_t pa;            /* physical address of the page start */
    uint64_t stamp;         /* LRU: last use */
    uint16_t asid;
    uint8_t size;           /* leaf level: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, ... */
    uint8_t global;
    uint8_t flags;          /* leaf PTE bits 7:0 (G = effective global) */
    uint8_t allow;          /* owner's permission summary (see mmu.h) */
};

struct tlb_stats {
    uint64_t hits[TLB_NSIZES];      /* by page size of the entry that hit */
    uint64_t misses[TLB_NSIZES];    /* by page size of the translation found later */
};

struct tlb {
    struct tlb_entry *e;    /* sets x ways; NULL when the TLB is absent */
    uint64_t *plru;         /* tree bits per set (PLRU only) */
    uint32_t sets, ways;
    uint64_t set_mask;
    enum topo_repl repl;
    unsigned plru_depth;    /* log2 of ways rounded up to a power of two */
    uint8_t size_mask;      /* sizes held; larger pages are split into 4 KiB entries */
    uint32_t nsize[TLB_NSIZES];     /* valid entries per size */
    uint8_t sizes;          /* bit s set iff nsize[s] != 0: the sizes a lookup probes */
    uint64_t clock;         /* LRU stamp source */
    uint64_t rng;           /* random replacement state */
    struct tlb_stats st;
    /* Called when insertion evicts a valid entry (not on flushes), with the
     * start of the evicted page and its size: lets an owner keep a faster
     * cache of this TLB a subset of it (the hart's host-pointer TLB). */
    void (*evict)(void *ctx, uint64_t va, unsigned size);
    void *evict_ctx;
};

/* Set up t with `entries` entries in `ways` ways (entries / ways must be a
 * power of two; entries 0 makes an absent TLB that never hits), holding the
 * page sizes in size_mask (bit i = leaf level i; bit 0 is implied).  PLRU
 * with more than TLB_PLRU_MAX_WAYS ways falls back to LRU.  seed drives
 * random replacement.  Returns MMSIM_OK, MMSIM_ERR_INVALID (bad geometry)
 * or MMSIM_ERR_NOMEM. */
int tlb_init(struct tlb *t, uint32_t entries, uint32_t ways, enum topo_repl repl,
             uint8_t size_mask, uint64_t seed);
/* Release t's arrays (t itself belongs to the caller); safe twice. */
void tlb_free(struct tlb *t);

static inline uint64_t tlb_key(uint64_t va, unsigned size)
{
    return (va >> sv_level_shift(size)) << 4 | (uint64_t)size << 1 | 1;
}

static ALWAYS_INLINE void tlb_touch(struct tlb *t, size_t set, unsigned way)
{
    if (t->repl == TOPO_REPL_LRU) {
        /* Runs of hits on the most recent entry leave the stamps alone. */
        struct tlb_entry *e = &t->e[set * t->ways + way];
        if (e->stamp != t->clock)
            e->stamp = ++t->clock;
    } else if (t->repl == TOPO_REPL_PLRU) {
        /* Point every node on the way's path at the other half. */
        uint64_t bits = t->plru[set];
        unsigned node = 1;
        for (unsigned d = t->plru_depth; d-- > 0;) {
            unsigned b = (way >> d) & 1;
            bits = b ? bits & ~(1ull << node) : bits | (1ull << node);
            node = 2 * node + b;
        }
        t->plru[set] = bits;
    }
}

/* The entry translating va in address space asid, or NULL.  A hit updates
 * the replacement state and counts in st.hits; misses are counted by the
 * caller, who knows the page size only after the walk. */
static ALWAYS_INLINE struct tlb_entry *tlb_lookup(struct tlb *t, uint64_t va, unsigned asid)
{
    for (unsigned m = t->sizes; m; m &= m - 1) {
        const unsigned s = (unsigned)__builtin_ctz(m);
        const uint64_t key = tlb_key(va, s);
        const size_t set = (size_t)((va >> sv_level_shift(s)) & t->set_mask);
        struct tlb_entry *row = t->e + set * t->ways;
        for (unsigned w = 0; w < t->ways; w++) {
            if (row[w].key == key && (row[w].asid == asid || row[w].global)) {
                tlb_touch(t, set, w);
                t->st.hits[s]++;
                return &row[w];
            }
        }
    }
    return NULL;
}

/* Insert the translation of va's page of leaf level `size` (pa: the page's
 * physical start).  An entry for the same page and address space is
 * overwritten in place; otherwise a victim is chosen.  A size the TLB does
 * not hold is stored as the 4 KiB page containing va.  Returns the entry,
 * or NULL for an absent TLB. */
struct tlb_entry *tlb_insert(struct tlb *t, uint64_t va, unsigned size, uint64_t pa,
                             unsigned asid, bool global, uint8_t flags, uint8_t allow);

/* tlb_insert of a non-global translation when the caller knows the TLB
 * holds none for va in asid (tlb_lookup has just missed, nothing inserted
 * since): skips the search for the page, so an insertion after a walk
 * looks only for the victim.  The same victim, the same result. */
struct tlb_entry *tlb_insert_absent(struct tlb *t, uint64_t va, unsigned size, uint64_t pa,
                                    unsigned asid, uint8_t flags, uint8_t allow);

/* Invalidate per sfence.vma: by_va (rs1 != x0) limits the flush to entries
 * whose page contains va; by_asid (rs2 != x0) limits it to non-global
 * entries of asid.  Neither: everything. */
void tlb_flush(struct tlb *t, bool by_va, uint64_t va, bool by_asid, unsigned asid);

/* Number of valid entries (tests, statistics). */
uint32_t tlb_count(const struct tlb *t);
/* Recount: every entry sits in the set its key indexes, with a size the
 * TLB holds, and nsize[]/sizes match the entries.  For tests. */
bool tlb_check(const struct tlb *t);

#endif
