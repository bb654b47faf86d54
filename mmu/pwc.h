/* Page-walk caches: non-leaf PTEs of the upper levels, so that a walk can
 * start below the root.
 *
 * The cache for level L (1 <= L < levels) holds the pointer PTE read at
 * level L, i.e. the physical address of the level L-1 table, keyed by the
 * VA bits that index levels LEVELS-1 .. L (va >> (12 + 9 L)), the ASID and
 * a global bit (G on that PTE or above).  A lookup tries the lowest level
 * first: a hit at level 1 leaves one read (the leaf) to do.  Each level is
 * fully associative with LRU replacement and `entries` entries. */
#ifndef MMSIM_MMU_PWC_H
#define MMSIM_MMU_PWC_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/pte.h"

struct pwc_entry {
    uint64_t key;           /* (va >> sv_level_shift(L)) << 1 | 1; 0 = empty */
    uint64_t table;         /* paddr of the level L-1 table */
    uint64_t stamp;
    uint16_t asid;
    bool global;
};

struct pwc {
    struct pwc_entry *e;    /* SV_MAX_LEVELS x entries; level L at e + L * entries */
    uint32_t entries;       /* per level; 0 = no page-walk cache */
    uint64_t clock;
    /* Per level, valid entries counted by a hash of their key (nbuckets a
     * power of two, at least 8 per entry): a key whose count is 0 is
     * absent, so most misses (a random walk over gigabytes misses the
     * lower levels) skip the scan of the level.  Only a shortcut: with or
     * without it every lookup and victim is the same. */
    uint16_t *count;        /* SV_MAX_LEVELS x nbuckets */
    uint32_t nbuckets;
    unsigned bucket_shift;  /* 64 - log2(nbuckets) */
};

/* Allocate `entries` entries per level.  Returns MMSIM_OK or
 * MMSIM_ERR_NOMEM; entries 0 gives a cache that never hits. */
int pwc_init(struct pwc *p, uint32_t entries);
void pwc_free(struct pwc *p);

/* Find the deepest cached pointer for va in address space asid, among
 * levels 1 .. levels-1.  On a hit return its level L and set *table (the
 * level L-1 table) and *global; return 0 on a miss. */
unsigned pwc_lookup(struct pwc *p, uint64_t va, unsigned asid, unsigned levels,
                    uint64_t *table, bool *global);
/* Remember that the level-`level` PTE for va points to `table`. */
void pwc_insert(struct pwc *p, unsigned level, uint64_t va, unsigned asid, bool global,
                uint64_t table);
/* Invalidate with sfence.vma semantics, as tlb_flush.  by_va drops the
 * entries on va's path (the spec only requires leaf entries to go; see
 * docs/MMU.md). */
void pwc_flush(struct pwc *p, bool by_va, uint64_t va, bool by_asid, unsigned asid);

#endif
