/* The hardware page-table walker (privileged spec, "Virtual Address
 * Translation Process"), for Sv39, Sv48 and Sv57.
 *
 * The walker knows nothing of where guest memory lives or what an access
 * costs: it reads each PTE through walker.read_pte and writes A/D updates
 * through walker.write_pte.  Today the callbacks read guest physical memory
 * directly; with the timing model they become one access through the cache
 * hierarchy each (the `level` argument lets them count or tag it). */
#ifndef MMSIM_MMU_WALK_H
#define MMSIM_MMU_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/pte.h"

/* Access types; the values equal enum hart_access (read, write, exec). */
enum mmu_access { MMU_LOAD = 0, MMU_STORE = 1, MMU_FETCH = 2 };

/* Why a walk failed.  Every case but WALK_ACCESS is a page fault of the
 * access type; WALK_ACCESS (a PTE address the memory system refused, the
 * spec's PMA/PMP check on the implicit access) is an access fault. */
enum walk_fault {
    WALK_OK = 0,
    WALK_NONCANONICAL,      /* va bits 63..VA_BITS-1 differ from bit VA_BITS-1 */
    WALK_ACCESS,            /* read_pte/write_pte returned non-zero */
    WALK_INVALID,           /* V = 0 */
    WALK_RESERVED_WR,       /* R = 0 and W = 1 (reserved encoding) */
    WALK_RESERVED_BITS,     /* bits 63:54 set, or D/A/U set in a non-leaf PTE */
    WALK_NONLEAF_L0,        /* a pointer PTE at level 0 */
    WALK_USER,              /* U mode on a U = 0 page, or S mode on a U = 1 page
                             * (fetch always; load/store without SUM) */
    WALK_PERM,              /* R/W/X do not allow the access */
    WALK_MISALIGNED,        /* superpage whose PPN low bits are not zero */
    WALK_AD,                /* A = 0, or D = 0 on a store, and no hardware update */
    WALK_NFAULTS
};

/* Exception cause (mcause) for a fault: 12/13/15 for page faults, 1/5/7
 * for access faults, of the access type.  0 for WALK_OK. */
unsigned walk_cause(enum walk_fault f, enum mmu_access acc);
/* Short name ("invalid", "misaligned", ...), for statistics and messages. */
const char *walk_fault_name(enum walk_fault f);

struct walker {
    /* Read the 8-byte PTE at guest physical paddr, read at `level` of the
     * walk.  Return 0, or non-zero when paddr is not memory (access fault). */
    int (*read_pte)(void *ctx, uint64_t paddr, uint64_t *pte, unsigned level);
    /* Write back a PTE whose A (and D) bit the walker set.  Only called
     * when hw_ad is true.  Same return convention. */
    int (*write_pte)(void *ctx, uint64_t paddr, uint64_t pte, unsigned level);
    void *ctx;
    /* true: set A/D in memory when clear (Svadu behaviour); false: raise a
     * page fault instead (Svade), and let the guest kernel set them. */
    bool hw_ad;
};

struct walk_req {
    uint64_t va;
    uint64_t root;              /* paddr of the root table (satp.PPN << 12) */
    uint8_t levels;             /* sv_levels(satp.MODE): 3, 4 or 5 */
    uint8_t acc;                /* enum mmu_access */
    bool user;                  /* access made in U mode (else S mode) */
    bool sum;                   /* sstatus.SUM: S mode may load/store U pages */
    bool mxr;                   /* sstatus.MXR: loads from X-only pages succeed */
    /* Start below the root (a page-walk cache hit): when `start` is set,
     * the walk begins at level start_level (< levels - 1) with the table at
     * start_table, and start_global says whether a PTE above had G set. */
    bool start;
    bool start_global;
    uint8_t start_level;
    uint64_t start_table;
};

struct walk_result {
    uint64_t pa;                /* physical address of va (success) */
    uint64_t pte;               /* the leaf PTE, after any A/D update */
    uint64_t pte_addr;          /* paddr of the last PTE read (the leaf on success) */
    unsigned level;             /* level of the leaf, or where the walk stopped */
    unsigned page_shift;        /* 12, 21, 30, 39, 48 */
    bool global;                /* G set on the leaf or any PTE above it */
    unsigned reads;             /* PTE reads done by this walk */
    unsigned writes;            /* A/D write-backs */
    unsigned reads_at[SV_MAX_LEVELS];   /* reads by level */
    /* table[i]: paddr of the level-i table the walk read from, for the
     * levels it visited (start level down to `level`), and global_above[i]:
     * whether a PTE above level i had G set.  Used to refill page-walk
     * caches. */
    uint64_t table[SV_MAX_LEVELS];
    bool global_above[SV_MAX_LEVELS];
};

/* Translate req->va.  Returns WALK_OK with *res filled, or the fault (res
 * still holds the level reached, the PTE read and the read counts). */
enum walk_fault walk_va(const struct walker *w, const struct walk_req *req,
                        struct walk_result *res);

#endif
