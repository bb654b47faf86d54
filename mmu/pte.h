/* RISC-V page-table formats: Sv39, Sv48 and Sv57 (privileged spec,
 * "Supervisor-Level ISA", sections Sv32/Sv39/Sv48/Sv57 and "Virtual Address
 * Translation Process").
 *
 * The three RV64 schemes share one PTE layout and differ only in the number
 * of levels:
 *
 *   63    62-61  60-54     53-10   9-8   7 6 5 4 3 2 1 0
 *   N     PBMT   reserved  PPN     RSW   D A G U X W R V
 *
 * N (Svnapot) and PBMT (Svpbmt) are not implemented here, so bits 63:54 are
 * all reserved and a PTE with any of them set is a page fault.  PPN is 44
 * bits (a 56-bit physical address).  Each level indexes 9 bits of the VPN;
 * a leaf at level i maps a page of 2^(12 + 9 i) bytes: 4 KiB, 2 MiB, 1 GiB,
 * 512 GiB, 256 TiB.
 *
 * Names start with pte_/sv_/PTE_/SV_ (the guest kernel has pt_ helpers of
 * its own). */
#ifndef MMSIM_MMU_PTE_H
#define MMSIM_MMU_PTE_H

#include <stdbool.h>
#include <stdint.h>

/* PTE bits 7:0. */
#define PTE_V (1u << 0)         /* valid */
#define PTE_R (1u << 1)         /* readable */
#define PTE_W (1u << 2)         /* writable */
#define PTE_X (1u << 3)         /* executable */
#define PTE_U (1u << 4)         /* accessible to U mode */
#define PTE_G (1u << 5)         /* global mapping (all address spaces) */
#define PTE_A (1u << 6)         /* accessed */
#define PTE_D (1u << 7)         /* dirty */
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define PTE_RSW_SHIFT 8         /* bits 9:8, reserved for supervisor software */
#define PTE_RSW_MASK (3ull << PTE_RSW_SHIFT)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_BITS 44
#define PTE_PPN_MASK (((1ull << PTE_PPN_BITS) - 1) << PTE_PPN_SHIFT)
/* Bits 63:54: N (63), PBMT (62:61) and 60:54, all reserved without
 * Svnapot and Svpbmt. */
#define PTE_RESERVED_MASK (~0ull << 54)
/* For non-leaf PTEs, D, A and U are reserved for future standard use. */
#define PTE_NONLEAF_RESERVED (PTE_D | PTE_A | PTE_U)

#define SV_PAGE_SHIFT 12
#define SV_PAGE_SIZE (1ull << SV_PAGE_SHIFT)
#define SV_LEVEL_BITS 9         /* VPN bits per level: 512 PTEs per table */
#define SV_PTE_SIZE 8
#define SV_MAX_LEVELS 5         /* Sv57 */
#define SV_PA_BITS 56

/* satp.MODE values (RV64); the number of levels is MODE - 5. */
enum sv_mode { SV_BARE = 0, SV39 = 8, SV48 = 9, SV57 = 10 };

/* satp (RV64): MODE 63:60, ASID 59:44, PPN 43:0. */
#define SATP_MODE_SHIFT 60
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xffffull
#define SATP_PPN_MASK ((1ull << 44) - 1)

static inline uint64_t satp_make(enum sv_mode mode, unsigned asid, uint64_t root_paddr)
{
    return (uint64_t)mode << SATP_MODE_SHIFT | ((uint64_t)asid & SATP_ASID_MASK) << SATP_ASID_SHIFT |
           ((root_paddr >> SV_PAGE_SHIFT) & SATP_PPN_MASK);
}

/* Levels of a translation scheme: 3, 4, 5; 0 for Bare or an unknown mode. */
static inline unsigned sv_levels(enum sv_mode mode)
{
    return mode >= SV39 && mode <= SV57 ? (unsigned)mode - 5 : 0;
}

/* Virtual-address width of a scheme with `levels` levels: 39, 48, 57. */
static inline unsigned sv_va_bits(unsigned levels)
{
    return SV_PAGE_SHIFT + SV_LEVEL_BITS * levels;
}

/* log2 of the size of a page mapped by a leaf at `level`. */
static inline unsigned sv_level_shift(unsigned level)
{
    return SV_PAGE_SHIFT + SV_LEVEL_BITS * level;
}

/* VPN[level] of va: the index into the level's table. */
static inline unsigned sv_vpn(uint64_t va, unsigned level)
{
    return (unsigned)(va >> sv_level_shift(level)) & ((1u << SV_LEVEL_BITS) - 1);
}

/* "Instruction fetch addresses and load and store effective addresses ...
 * must have bits 63 through VA_BITS all equal to bit VA_BITS-1, or else a
 * page-fault exception will occur." */
static inline bool sv_canonical(uint64_t va, unsigned va_bits)
{
    unsigned sh = 64 - va_bits;
    return (uint64_t)((int64_t)(va << sh) >> sh) == va;
}

static inline uint64_t pte_ppn(uint64_t pte)
{
    return (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;
}

/* Physical address the PTE points at (next table, or page base). */
static inline uint64_t pte_paddr(uint64_t pte)
{
    return pte_ppn(pte) << SV_PAGE_SHIFT;
}

/* A PTE mapping/pointing at paddr (page aligned) with flags (bits 9:0). */
static inline uint64_t pte_make(uint64_t paddr, uint64_t flags)
{
    return ((paddr >> SV_PAGE_SHIFT) << PTE_PPN_SHIFT & PTE_PPN_MASK) | (flags & 0x3ff);
}

/* A valid PTE with R, W or X set is a leaf; with all three clear it points
 * to the next level. */
static inline bool pte_is_leaf(uint64_t pte)
{
    return (pte & PTE_RWX) != 0;
}

#endif
