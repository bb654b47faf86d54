/* The MMU room: PTE helpers, the walker against hand-built Sv39/Sv48 page
 * tables, TLB replacement/ASIDs/flushes, page-walk caches and the assembled
 * per-CPU MMU with its statistics.
 *
 * Expected values come from the RISC-V privileged spec ("Virtual Address
 * Translation Process", Sv39/Sv48 sections, SFENCE.VMA) and are written out
 * by hand: VPN fields, PTE addresses, causes (load/store/fetch page fault
 * 13/15/12, access fault 5/7/1) and replacement victims. */
#include <stdlib.h>
#include <string.h>

#include "libmmsim/stats.h"
#include "mmu/mmu.h"
#include "mmu/pte.h"
#include "mmu/tlb.h"
#include "mmu/walk.h"
#include "testutil.h"

/* ---- A flat array standing in for guest physical memory ------------------ */

#define MEM_BASE 0x80000000ull
#define MEM_PAGES 64

struct gmem {
    uint64_t w[MEM_PAGES * 512];
    unsigned next;                      /* next free page for tables */
    unsigned reads, writes;
    unsigned reads_at[SV_MAX_LEVELS];
};

static int gm_read(void *ctx, uint64_t pa, uint64_t *pte, unsigned level)
{
    struct gmem *g = ctx;
    if (pa < MEM_BASE || pa >= MEM_BASE + sizeof(g->w) || (pa & 7))
        return -1;
    *pte = g->w[(pa - MEM_BASE) / 8];
    g->reads++;
    g->reads_at[level]++;
    return 0;
}

static int gm_write(void *ctx, uint64_t pa, uint64_t pte, unsigned level)
{
    struct gmem *g = ctx;
    if (pa < MEM_BASE || pa >= MEM_BASE + sizeof(g->w) || (pa & 7))
        return -1;
    g->w[(pa - MEM_BASE) / 8] = pte;
    g->writes++;
    return 0;
}

static struct gmem *gm_new(void)
{
    struct gmem *g = calloc(1, sizeof(*g));
    ck_assert_ptr_nonnull(g);
    return g;
}

/* A zeroed page-table page: its physical address. */
static uint64_t gm_page(struct gmem *g)
{
    ck_assert_uint_lt(g->next, MEM_PAGES);
    return MEM_BASE + (uint64_t)g->next++ * 4096;
}

static uint64_t *gm_at(struct gmem *g, uint64_t pa)
{
    ck_assert(pa >= MEM_BASE && pa < MEM_BASE + sizeof(g->w));
    return &g->w[(pa - MEM_BASE) / 8];
}

/* Install a leaf for va at `level` (pointer PTEs V=1 created on the way),
 * returning the leaf PTE's physical address. */
static uint64_t gm_map(struct gmem *g, uint64_t root, unsigned levels, uint64_t va,
                       unsigned level, uint64_t pa, uint64_t flags)
{
    uint64_t table = root;
    for (unsigned i = levels - 1; i > level; i--) {
        uint64_t *p = gm_at(g, table + 8 * sv_vpn(va, i));
        if (!(*p & PTE_V))
            *p = pte_make(gm_page(g), PTE_V);
        table = pte_paddr(*p);
    }
    uint64_t at = table + 8 * sv_vpn(va, level);
    *gm_at(g, at) = pte_make(pa, flags);
    return at;
}

static struct walker gm_walker(struct gmem *g, bool hw_ad)
{
    return (struct walker){.read_pte = gm_read, .write_pte = gm_write, .ctx = g, .hw_ad = hw_ad};
}

#define URWAD (PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)

/* ---- pte.h ---------------------------------------------------------------- */

START_TEST(pte_formats)
{
    ck_assert_uint_eq(sv_levels(SV39), 3);
    ck_assert_uint_eq(sv_levels(SV48), 4);
    ck_assert_uint_eq(sv_levels(SV57), 5);
    ck_assert_uint_eq(sv_levels(SV_BARE), 0);
    ck_assert_uint_eq(sv_va_bits(3), 39);
    ck_assert_uint_eq(sv_va_bits(4), 48);
    ck_assert_uint_eq(sv_va_bits(5), 57);
    /* Sv39: bits 63..39 must equal bit 38. */
    ck_assert(sv_canonical(0x0000003fffffffffull, 39));
    ck_assert(!sv_canonical(0x0000004000000000ull, 39));
    ck_assert(sv_canonical(0xffffffc000000000ull, 39));
    ck_assert(!sv_canonical(0xffffff8000000000ull, 39));
    ck_assert(!sv_canonical(0x8000000000001000ull, 39));
    /* Sv48: bits 63..48 must equal bit 47. */
    ck_assert(sv_canonical(0x00007fffffffffffull, 48));
    ck_assert(!sv_canonical(0x0000800000000000ull, 48));
    ck_assert(sv_canonical(0xffff800000000000ull, 48));
    ck_assert(!sv_canonical(0xfffe800000000000ull, 48));
    /* 0x12_3456_7abc: VPN[2] = 0x48, VPN[1] = 0x1a2, VPN[0] = 0x167. */
    ck_assert_uint_eq(sv_vpn(0x1234567abcull, 0), 0x167);
    ck_assert_uint_eq(sv_vpn(0x1234567abcull, 1), 0x1a2);
    ck_assert_uint_eq(sv_vpn(0x1234567abcull, 2), 0x48);
    ck_assert_uint_eq(sv_vpn(0x7f1234567abcull, 3), 0xfe);
    /* PPN lives in bits 53:10. */
    ck_assert_uint_eq(pte_make(0x80201000ull, PTE_V | PTE_R), (0x80201ull << 10) | 0x3);
    ck_assert_uint_eq(pte_ppn((0x80201ull << 10) | 0xff), 0x80201);
    ck_assert_uint_eq(pte_paddr((0xfffffffffffull << 10)), 0xfffffffffffull << 12);
    ck_assert_uint_eq(PTE_RESERVED_MASK, 0xffc0000000000000ull);
    ck_assert(pte_is_leaf(PTE_V | PTE_X));
    ck_assert(!pte_is_leaf(PTE_V | PTE_G));
    /* satp: MODE 63:60, ASID 59:44, PPN 43:0. */
    ck_assert_uint_eq(satp_make(SV39, 5, 0x80000000ull), (8ull << 60) | (5ull << 44) | 0x80000);
    ck_assert_uint_eq(walk_cause(WALK_INVALID, MMU_LOAD), 13);
    ck_assert_uint_eq(walk_cause(WALK_INVALID, MMU_STORE), 15);
    ck_assert_uint_eq(walk_cause(WALK_INVALID, MMU_FETCH), 12);
    ck_assert_uint_eq(walk_cause(WALK_ACCESS, MMU_LOAD), 5);
    ck_assert_uint_eq(walk_cause(WALK_ACCESS, MMU_STORE), 7);
    ck_assert_uint_eq(walk_cause(WALK_ACCESS, MMU_FETCH), 1);
    ck_assert_uint_eq(walk_cause(WALK_OK, MMU_LOAD), 0);
    ck_assert_str_eq(walk_fault_name(WALK_MISALIGNED), "misaligned");
}
END_TEST

/* ---- The walker ----------------------------------------------------------- */

static const unsigned modes[2] = {3, 4};   /* Sv39, Sv48 */

static enum walk_fault do_walk(struct gmem *g, bool hw_ad, uint64_t root, unsigned levels,
                               uint64_t va, enum mmu_access acc, bool user,
                               struct walk_result *res)
{
    struct walker w = gm_walker(g, hw_ad);
    struct walk_req req = {.va = va, .root = root, .levels = (uint8_t)levels,
                           .acc = (uint8_t)acc, .user = user};
    return walk_va(&w, &req, res);
}

START_TEST(walk_4k_sv39_by_hand)
{
    struct gmem *g = gm_new();
    /* Three tables built by hand: root at page 0, level 1 at page 1,
     * level 0 at page 2; va 0x12_3456_7abc -> pa 0x8004_2abc. */
    const uint64_t root = MEM_BASE, l1 = MEM_BASE + 0x1000, l0 = MEM_BASE + 0x2000;
    g->next = 3;
    g->w[0x48] = pte_make(l1, PTE_V);
    g->w[512 + 0x1a2] = pte_make(l0, PTE_V);
    g->w[1024 + 0x167] = pte_make(0x80042000ull, URWAD);
    struct walk_result r;
    ck_assert_int_eq(do_walk(g, false, root, 3, 0x1234567abcull, MMU_LOAD, true, &r), WALK_OK);
    ck_assert_uint_eq(r.pa, 0x80042abcull);
    ck_assert_uint_eq(r.level, 0);
    ck_assert_uint_eq(r.page_shift, 12);
    ck_assert_uint_eq(r.pte_addr, l0 + 0x167 * 8);
    ck_assert_uint_eq(r.pte, pte_make(0x80042000ull, URWAD));
    ck_assert_uint_eq(r.reads, 3);
    ck_assert_uint_eq(r.reads_at[2], 1);
    ck_assert_uint_eq(r.reads_at[1], 1);
    ck_assert_uint_eq(r.reads_at[0], 1);
    ck_assert_uint_eq(r.writes, 0);
    ck_assert(!r.global);
    ck_assert_uint_eq(r.table[2], root);
    ck_assert_uint_eq(r.table[1], l1);
    ck_assert_uint_eq(r.table[0], l0);
    ck_assert_uint_eq(g->reads, 3);
    free(g);
}
END_TEST

START_TEST(walk_4k_sv48_by_hand)
{
    struct gmem *g = gm_new();
    /* va 0x7f12_3456_7abc: VPN[3] = 0xfe, then 0x48, 0x1a2, 0x167. */
    const uint64_t root = MEM_BASE, l2 = root + 0x1000, l1 = root + 0x2000, l0 = root + 0x3000;
    g->next = 4;
    g->w[0xfe] = pte_make(l2, PTE_V);
    g->w[512 + 0x48] = pte_make(l1, PTE_V);
    g->w[1024 + 0x1a2] = pte_make(l0, PTE_V);
    g->w[1536 + 0x167] = pte_make(0x90000000ull, URWAD | PTE_X);
    struct walk_result r;
    ck_assert_int_eq(do_walk(g, false, root, 4, 0x7f1234567abcull, MMU_FETCH, true, &r), WALK_OK);
    ck_assert_uint_eq(r.pa, 0x90000abcull);
    ck_assert_uint_eq(r.reads, 4);
    ck_assert_uint_eq(r.reads_at[3], 1);
    ck_assert_uint_eq(r.pte_addr, l0 + 0x167 * 8);
    /* The same VA under Sv39 is not canonical (bit 46 set, bits 63..39 = 0). */
    ck_assert_int_eq(do_walk(g, false, root, 3, 0x7f1234567abcull, MMU_FETCH, true, &r),
                     WALK_NONCANONICAL);
    ck_assert_uint_eq(r.reads, 0);
    free(g);
}
END_TEST

START_TEST(walk_superpages)
{
    for (unsigned m = 0; m < 2; m++) {
        const unsigned levels = modes[m];
        struct gmem *g = gm_new();
        const uint64_t root = gm_page(g);
        /* 2 MiB at va 0x4020_0000 -> pa 0x1_0060_0000; offset 0x1_2345. */
        gm_map(g, root, levels, 0x40200000ull, 1, 0x100600000ull, URWAD);
        /* 1 GiB at va 0x80_0000_0000 (Sv48) / 0x20_0000_0000 (Sv39) -> pa 0x40_0000_0000. */
        const uint64_t va1g = levels == 4 ? 0x8000000000ull : 0x2000000000ull;
        gm_map(g, root, levels, va1g, 2, 0x4000000000ull, URWAD);
        struct walk_result r;
        ck_assert_int_eq(do_walk(g, false, root, levels, 0x40212345ull, MMU_STORE, true, &r), WALK_OK);
        ck_assert_uint_eq(r.pa, 0x100612345ull);
        ck_assert_uint_eq(r.level, 1);
        ck_assert_uint_eq(r.page_shift, 21);
        ck_assert_uint_eq(r.reads, levels - 1);
        ck_assert_int_eq(do_walk(g, false, root, levels, va1g + 0x3456789ull, MMU_LOAD, true, &r),
                         WALK_OK);
        ck_assert_uint_eq(r.pa, 0x4003456789ull);
        ck_assert_uint_eq(r.level, 2);
        ck_assert_uint_eq(r.page_shift, 30);
        ck_assert_uint_eq(r.reads, levels - 2);
        if (levels == 4) {
            /* 512 GiB at va 0x7f80_0000_0000 (VPN[3] = 0xff) -> pa 0x80_0000_0000. */
            gm_map(g, root, 4, 0x7f8000000000ull, 3, 0x8000000000ull, URWAD);
            ck_assert_int_eq(do_walk(g, false, root, 4, 0x7f8123456789ull, MMU_LOAD, true, &r),
                             WALK_OK);
            ck_assert_uint_eq(r.pa, 0x8123456789ull);   /* 0x80_0000_0000 + 0x1_2345_6789 */
            ck_assert_uint_eq(r.level, 3);
            ck_assert_uint_eq(r.page_shift, 39);
            ck_assert_uint_eq(r.reads, 1);
        }
        free(g);
    }
}
END_TEST

/* Build a table where va's leaf at `level` has the given raw PTE value and
 * return the walk's result. */
static enum walk_fault walk_raw(unsigned levels, unsigned level, uint64_t va, uint64_t leaf,
                                enum mmu_access acc, bool user, struct walk_result *r)
{
    struct gmem *g = gm_new();
    const uint64_t root = gm_page(g);
    uint64_t at = gm_map(g, root, levels, va, level, 0, 0);
    *gm_at(g, at) = leaf;
    enum walk_fault f = do_walk(g, false, root, levels, va, acc, user, r);
    free(g);
    return f;
}

START_TEST(walk_every_fault)
{
    const uint64_t va = 0x12345000ull, pa = 0x88000000ull;
    struct walk_result r;
    for (unsigned m = 0; m < 2; m++) {
        const unsigned L = modes[m];
        /* V = 0 at the leaf: fault after reading every level. */
        ck_assert_int_eq(walk_raw(L, 0, va, pte_make(pa, URWAD & ~PTE_V), MMU_LOAD, true, &r),
                         WALK_INVALID);
        ck_assert_uint_eq(r.reads, L);
        ck_assert_uint_eq(r.level, 0);
        /* V = 0 at the root: one read. */
        {
            struct gmem *g = gm_new();
            uint64_t root = gm_page(g);
            ck_assert_int_eq(do_walk(g, false, root, L, va, MMU_STORE, true, &r), WALK_INVALID);
            ck_assert_uint_eq(r.reads, 1);
            ck_assert_uint_eq(r.level, L - 1);
            ck_assert_uint_eq(walk_cause(WALK_INVALID, MMU_STORE), 15);
            free(g);
        }
        /* R = 0, W = 1 is reserved, with or without X, even for a store. */
        ck_assert_int_eq(walk_raw(L, 0, va, pte_make(pa, PTE_V | PTE_W | PTE_U | PTE_A | PTE_D),
                                  MMU_STORE, true, &r), WALK_RESERVED_WR);
        ck_assert_int_eq(walk_raw(L, 0, va, pte_make(pa, PTE_V | PTE_W | PTE_X | PTE_U | PTE_A),
                                  MMU_FETCH, true, &r), WALK_RESERVED_WR);
        /* ... also on the way down (a W-only "pointer"). */
        ck_assert_int_eq(walk_raw(L, 1, va, pte_make(pa, PTE_V | PTE_W), MMU_LOAD, true, &r),
                         WALK_RESERVED_WR);
        ck_assert_uint_eq(r.level, 1);
        /* Bits 63:54 reserved (no Svpbmt, no Svnapot): 54, 60, PBMT 61, N 63. */
        static const unsigned bits[] = {54, 60, 61, 62, 63};
        for (unsigned b = 0; b < ARRAY_SIZE(bits); b++)
            ck_assert_int_eq(walk_raw(L, 0, va, pte_make(pa, URWAD) | (1ull << bits[b]), MMU_LOAD,
                                      true, &r), WALK_RESERVED_BITS);
        /* RSW (9:8) is software's: ignored. */
        ck_assert_int_eq(walk_raw(L, 0, va, pte_make(pa, URWAD) | PTE_RSW_MASK, MMU_LOAD, true, &r),
                         WALK_OK);
        /* D, A, U are reserved in a non-leaf PTE. */
        {
            struct gmem *g = gm_new();
            uint64_t root = gm_page(g);
            gm_map(g, root, L, va, 0, pa, URWAD);
            g->w[(root - MEM_BASE) / 8 + sv_vpn(va, L - 1)] |= PTE_A;
            ck_assert_int_eq(do_walk(g, false, root, L, va, MMU_LOAD, true, &r), WALK_RESERVED_BITS);
            ck_assert_uint_eq(r.reads, 1);
            free(g);
        }
        /* A pointer at level 0. */
        ck_assert_int_eq(walk_raw(L, 0, va, pte_make(pa, PTE_V), MMU_LOAD, true, &r),
                         WALK_NONLEAF_L0);
        ck_assert_uint_eq(r.reads, L);
        /* R/W/X permissions. */
        const uint64_t xo = pte_make(pa, PTE_V | PTE_X | PTE_U | PTE_A | PTE_D);
        const uint64_t ro = pte_make(pa, PTE_V | PTE_R | PTE_U | PTE_A | PTE_D);
        const uint64_t rw = pte_make(pa, URWAD);
        ck_assert_int_eq(walk_raw(L, 0, va, xo, MMU_LOAD, true, &r), WALK_PERM);
        ck_assert_int_eq(walk_raw(L, 0, va, xo, MMU_FETCH, true, &r), WALK_OK);
        ck_assert_int_eq(walk_raw(L, 0, va, ro, MMU_STORE, true, &r), WALK_PERM);
        ck_assert_int_eq(walk_raw(L, 0, va, ro, MMU_FETCH, true, &r), WALK_PERM);
        ck_assert_int_eq(walk_raw(L, 0, va, rw, MMU_FETCH, true, &r), WALK_PERM);
        ck_assert_int_eq(walk_raw(L, 0, va, rw, MMU_STORE, true, &r), WALK_OK);
        /* U bit: U mode needs U = 1; S mode may not touch U = 1 pages. */
        const uint64_t srw = pte_make(pa, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
        ck_assert_int_eq(walk_raw(L, 0, va, srw, MMU_LOAD, true, &r), WALK_USER);
        ck_assert_int_eq(walk_raw(L, 0, va, srw, MMU_LOAD, false, &r), WALK_OK);
        ck_assert_int_eq(walk_raw(L, 0, va, rw, MMU_LOAD, false, &r), WALK_USER);
        /* Misaligned superpages: PPN[0] != 0 in a 2 MiB leaf, PPN[1] != 0 in
         * a 1 GiB leaf. */
        ck_assert_int_eq(walk_raw(L, 1, va, pte_make(0x80001000ull, URWAD), MMU_LOAD, true, &r),
                         WALK_MISALIGNED);
        ck_assert_uint_eq(r.level, 1);
        ck_assert_int_eq(walk_raw(L, 2, va, pte_make(0x80200000ull, URWAD), MMU_LOAD, true, &r),
                         WALK_MISALIGNED);
        ck_assert_int_eq(walk_raw(L, 2, va, pte_make(0xc0000000ull, URWAD), MMU_LOAD, true, &r),
                         WALK_OK);
        if (L == 4)
            ck_assert_int_eq(walk_raw(L, 3, va, pte_make(0x40000000ull, URWAD), MMU_LOAD, true, &r),
                             WALK_MISALIGNED);
        /* Non-canonical: no read at all. */
        uint64_t bad = L == 3 ? 0x0000004000000000ull : 0x0000800000000000ull;
        ck_assert_int_eq(walk_raw(L, 0, bad, rw, MMU_LOAD, true, &r), WALK_NONCANONICAL);
        ck_assert_uint_eq(r.reads, 0);
        ck_assert_uint_eq(walk_cause(WALK_NONCANONICAL, MMU_FETCH), 12);
        /* A clear, D clear on a store (Svade: fault). D clear on a load is fine. */
        ck_assert_int_eq(walk_raw(L, 0, va, pte_make(pa, URWAD & ~PTE_A), MMU_LOAD, true, &r),
                         WALK_AD);
        ck_assert_int_eq(walk_raw(L, 0, va, pte_make(pa, URWAD & ~PTE_D), MMU_STORE, true, &r),
                         WALK_AD);
        ck_assert_int_eq(walk_raw(L, 0, va, pte_make(pa, URWAD & ~PTE_D), MMU_LOAD, true, &r),
                         WALK_OK);
        /* The root outside memory: access fault (cause 5 for a load). */
        {
            struct gmem *g = gm_new();
            ck_assert_int_eq(do_walk(g, false, 0x1000, L, va, MMU_LOAD, true, &r), WALK_ACCESS);
            ck_assert_uint_eq(walk_cause(WALK_ACCESS, MMU_LOAD), 5);
            ck_assert_uint_eq(r.reads, 0);
            free(g);
        }
    }
}
END_TEST

START_TEST(walk_sum_mxr)
{
    struct gmem *g = gm_new();
    const uint64_t root = gm_page(g);
    gm_map(g, root, 3, 0x10000, 0, 0x88000000ull, PTE_V | PTE_X | PTE_U | PTE_A);
    gm_map(g, root, 3, 0x20000, 0, 0x88001000ull, URWAD | PTE_X);
    struct walker w = gm_walker(g, false);
    struct walk_result r;
    struct walk_req req = {.va = 0x10000, .root = root, .levels = 3, .acc = MMU_LOAD, .user = true};
    ck_assert_int_eq(walk_va(&w, &req, &r), WALK_PERM);
    req.mxr = true;     /* MXR: loads from executable pages */
    ck_assert_int_eq(walk_va(&w, &req, &r), WALK_OK);
    req = (struct walk_req){.va = 0x20000, .root = root, .levels = 3, .acc = MMU_STORE};
    ck_assert_int_eq(walk_va(&w, &req, &r), WALK_USER);
    req.sum = true;     /* SUM: S mode loads/stores U pages ... */
    ck_assert_int_eq(walk_va(&w, &req, &r), WALK_OK);
    req.acc = MMU_FETCH;        /* ... but never executes them */
    ck_assert_int_eq(walk_va(&w, &req, &r), WALK_USER);
    free(g);
}
END_TEST

START_TEST(walk_hardware_ad)
{
    for (unsigned m = 0; m < 2; m++) {
        const unsigned L = modes[m];
        struct gmem *g = gm_new();
        const uint64_t root = gm_page(g);
        const uint64_t clean = pte_make(0x88000000ull, PTE_V | PTE_R | PTE_W | PTE_U);
        uint64_t at = gm_map(g, root, L, 0x5000, 0, 0x88000000ull, 0);
        *gm_at(g, at) = clean;
        struct walk_result r;
        /* A load sets A only. */
        ck_assert_int_eq(do_walk(g, true, root, L, 0x5008, MMU_LOAD, true, &r), WALK_OK);
        ck_assert_uint_eq(*gm_at(g, at), clean | PTE_A);
        ck_assert_uint_eq(r.pte, clean | PTE_A);
        ck_assert_uint_eq(r.writes, 1);
        ck_assert_uint_eq(g->writes, 1);
        /* Again: nothing to update. */
        ck_assert_int_eq(do_walk(g, true, root, L, 0x5008, MMU_LOAD, true, &r), WALK_OK);
        ck_assert_uint_eq(r.writes, 0);
        /* A store sets D. */
        ck_assert_int_eq(do_walk(g, true, root, L, 0x5008, MMU_STORE, true, &r), WALK_OK);
        ck_assert_uint_eq(*gm_at(g, at), clean | PTE_A | PTE_D);
        ck_assert_uint_eq(g->writes, 2);
        /* A store to a clean, unaccessed page sets both in one write. */
        *gm_at(g, at) = clean;
        ck_assert_int_eq(do_walk(g, true, root, L, 0x5008, MMU_STORE, true, &r), WALK_OK);
        ck_assert_uint_eq(*gm_at(g, at), clean | PTE_A | PTE_D);
        ck_assert_uint_eq(g->writes, 3);
        /* No update when the access faults anyway (step 5 before step 7). */
        *gm_at(g, at) = clean & ~(uint64_t)PTE_W;
        ck_assert_int_eq(do_walk(g, true, root, L, 0x5008, MMU_STORE, true, &r), WALK_PERM);
        ck_assert_uint_eq(*gm_at(g, at), clean & ~(uint64_t)PTE_W);
        /* Svade: the walker never writes. */
        *gm_at(g, at) = clean;
        ck_assert_int_eq(do_walk(g, false, root, L, 0x5008, MMU_LOAD, true, &r), WALK_AD);
        ck_assert_uint_eq(*gm_at(g, at), clean);
        ck_assert_uint_eq(g->writes, 3);
        free(g);
    }
}
END_TEST

START_TEST(walk_sv57)
{
    /* Sv57: five levels; va 0x00ab_cdef_0123_4567 has VPN[4] = 0xab, and a
     * 4 KiB leaf costs five reads.  Bit 56 set without bits 63..57 is not
     * canonical. */
    struct gmem *g = gm_new();
    const uint64_t root = gm_page(g);
    const uint64_t va = 0x00abcdef01234567ull;
    ck_assert_uint_eq(sv_vpn(va, 4), 0xab);
    gm_map(g, root, 5, va, 0, 0x88000000ull, URWAD);
    struct walk_result r;
    ck_assert_int_eq(do_walk(g, false, root, 5, va, MMU_LOAD, true, &r), WALK_OK);
    ck_assert_uint_eq(r.pa, 0x88000567ull);
    ck_assert_uint_eq(r.reads, 5);
    ck_assert_int_eq(do_walk(g, false, root, 5, 0x0100000000000000ull, MMU_LOAD, true, &r),
                     WALK_NONCANONICAL);
    ck_assert_int_eq(do_walk(g, false, root, 5, 0xff00000000000000ull, MMU_LOAD, true, &r),
                     WALK_INVALID);     /* canonical (upper half), nothing mapped */
    free(g);
}
END_TEST

START_TEST(walk_global_and_start_lower)
{
    struct gmem *g = gm_new();
    const uint64_t root = gm_page(g);
    uint64_t at = gm_map(g, root, 4, 0x40001000ull, 0, 0x88000000ull, URWAD);
    (void)at;
    /* G on the level-2 pointer makes the leaf global. */
    uint64_t *l3 = gm_at(g, root + 8 * sv_vpn(0x40001000ull, 3));
    uint64_t *l2 = gm_at(g, pte_paddr(*l3) + 8 * sv_vpn(0x40001000ull, 2));
    *l2 |= PTE_G;
    struct walk_result r;
    ck_assert_int_eq(do_walk(g, false, root, 4, 0x40001000ull, MMU_LOAD, true, &r), WALK_OK);
    ck_assert(r.global);
    ck_assert(!r.global_above[2]);
    ck_assert(r.global_above[1]);
    /* Starting from the level-0 table (as after a PWC hit at level 1): one read. */
    struct walker w = gm_walker(g, false);
    struct walk_req req = {.va = 0x40001234ull, .root = root, .levels = 4, .acc = MMU_LOAD,
                           .user = true, .start = true, .start_level = 0,
                           .start_table = r.table[0]};
    ck_assert_int_eq(walk_va(&w, &req, &r), WALK_OK);
    ck_assert_uint_eq(r.reads, 1);
    ck_assert_uint_eq(r.pa, 0x88000234ull);
    ck_assert(!r.global);   /* start_global false: the G above is not seen */
    free(g);
}
END_TEST

/* ---- TLBs ----------------------------------------------------------------- */

static bool present(struct tlb *t, uint64_t va, unsigned asid)
{
    /* Look without disturbing replacement state. */
    for (size_t i = 0; i < (size_t)t->sets * t->ways; i++)
        if (t->e[i].key && t->e[i].key == tlb_key(va, t->e[i].size) &&
            (t->e[i].asid == asid || t->e[i].global))
            return true;
    return false;
}

#define PG(n) ((uint64_t)(n) << 12)

START_TEST(tlb_lru_victims)
{
    struct tlb t;
    ck_assert_int_eq(tlb_init(&t, 4, 4, TOPO_REPL_LRU, 1, 0), MMSIM_OK);
    /* A B C D fill ways 0..3; a hit on B; then E evicts A (least recent),
     * F evicts C, G evicts D, H evicts B. */
    for (unsigned i = 0; i < 4; i++)
        tlb_insert(&t, PG(i), 0, PG(100 + i), 1, false, 0, 0);
    ck_assert_ptr_nonnull(tlb_lookup(&t, PG(1), 1));
    const unsigned evicted[4] = {0, 2, 3, 1};
    for (unsigned i = 0; i < 4; i++) {
        tlb_insert(&t, PG(4 + i), 0, 0, 1, false, 0, 0);
        ck_assert_msg(!present(&t, PG(evicted[i]), 1), "insert %u should evict page %u", i,
                      evicted[i]);
        ck_assert_uint_eq(tlb_count(&t), 4);
    }
    ck_assert_uint_eq(t.st.hits[0], 1);
    ck_assert(tlb_check(&t));
    tlb_free(&t);
}
END_TEST

START_TEST(tlb_plru_victims)
{
    /* 4 ways, tree bits n1 (root), n2 (ways 0/1), n3 (ways 2/3); a bit
     * points to the half to evict from (0 left, 1 right), and a use points
     * every node on its path away from it.  After uses of ways 0,1,2,3:
     * n1=0 n2=0 n3=0 -> victim way 0 (A).  Use 0 (E): n1=1 n2=1 -> victim
     * way 2 (C).  Use 2 (F): n1=0 n3=1 -> way 1 (B).  Use 1 (G): n1=1
     * n2=0 -> way 3 (D).  LRU would have evicted A B C D. */
    struct tlb t;
    ck_assert_int_eq(tlb_init(&t, 4, 4, TOPO_REPL_PLRU, 1, 0), MMSIM_OK);
    for (unsigned i = 0; i < 4; i++)
        tlb_insert(&t, PG(i), 0, 0, 0, false, 0, 0);
    const unsigned evicted[4] = {0, 2, 1, 3};
    for (unsigned i = 0; i < 4; i++) {
        tlb_insert(&t, PG(4 + i), 0, 0, 0, false, 0, 0);
        ck_assert_msg(!present(&t, PG(evicted[i]), 0), "insert %u should evict page %u", i,
                      evicted[i]);
    }
    tlb_free(&t);

    /* 3 ways on a 4-leaf tree: after uses 0,1,2 n1=0 n2=0 n3=1 -> way 0 (A).
     * Use 0: n1=1 n2=1; the right half's n3=1 would pick way 3, which does
     * not exist, so way 2 (C).  Use 2: n1=0 n3=1 -> left, n2=1 -> way 1 (B). */
    ck_assert_int_eq(tlb_init(&t, 3, 3, TOPO_REPL_PLRU, 1, 0), MMSIM_OK);
    for (unsigned i = 0; i < 3; i++)
        tlb_insert(&t, PG(i), 0, 0, 0, false, 0, 0);
    const unsigned evicted3[3] = {0, 2, 1};
    for (unsigned i = 0; i < 3; i++) {
        tlb_insert(&t, PG(3 + i), 0, 0, 0, false, 0, 0);
        ck_assert_msg(!present(&t, PG(evicted3[i]), 0), "3-way insert %u should evict page %u", i,
                      evicted3[i]);
        ck_assert_uint_eq(tlb_count(&t), 3);
    }
    tlb_free(&t);
}
END_TEST

/* LRU against a reference model: per set, pages ordered by recency. */
START_TEST(tlb_lru_matches_reference)
{
    enum { SETS = 4, WAYS = 4, PAGES = 40, STEPS = 20000 };
    struct tlb t;
    ck_assert_int_eq(tlb_init(&t, SETS * WAYS, WAYS, TOPO_REPL_LRU, 1, 0), MMSIM_OK);
    uint64_t ref[SETS][WAYS];   /* ref[s][0] most recent; UINT64_MAX empty */
    memset(ref, 0xff, sizeof(ref));
    uint64_t x = 88172645463325252ull;
    for (unsigned step = 0; step < STEPS; step++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t page = x % PAGES;
        unsigned set = (unsigned)(page % SETS), pos = WAYS - 1;
        for (unsigned w = 0; w < WAYS; w++)
            if (ref[set][w] == page)
                pos = w;
        bool in_ref = ref[set][pos] == page;
        bool hit = tlb_lookup(&t, PG(page), 0) != NULL;
        ck_assert_msg(hit == in_ref, "step %u page %llu: hit %d, model %d", step,
                      (unsigned long long)page, hit, in_ref);
        if (!hit)
            tlb_insert(&t, PG(page), 0, 0, 0, false, 0, 0);
        /* Move to front (evicting the last when it was not there). */
        memmove(&ref[set][1], &ref[set][0], pos * sizeof(uint64_t));
        ref[set][0] = page;
    }
    ck_assert(tlb_check(&t));
    tlb_free(&t);
}
END_TEST

/* tlb_insert_absent (after a lookup missed) must pick the way tlb_insert
 * picks: two TLBs see the same lookups, inserts and sfences by address,
 * over two address spaces; only one inserts with tlb_insert_absent. */
START_TEST(tlb_insert_absent_same_victims)
{
    enum { SETS = 4, WAYS = 4, PAGES = 40, STEPS = 20000 };
    struct tlb a, b;
    ck_assert_int_eq(tlb_init(&a, SETS * WAYS, WAYS, TOPO_REPL_LRU, 1, 0), MMSIM_OK);
    ck_assert_int_eq(tlb_init(&b, SETS * WAYS, WAYS, TOPO_REPL_LRU, 1, 0), MMSIM_OK);
    uint64_t x = 88172645463325252ull;
    unsigned inserts = 0, flushes = 0;
    for (unsigned step = 0; step < STEPS; step++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const uint64_t va = PG(x % PAGES);
        const unsigned asid = (unsigned)(x >> 40) & 1;
        if (x % 16 == 0) {
            tlb_flush(&a, true, va, false, 0);
            tlb_flush(&b, true, va, false, 0);
            flushes++;
            continue;
        }
        struct tlb_entry *ea = tlb_lookup(&a, va, asid), *eb = tlb_lookup(&b, va, asid);
        ck_assert_int_eq(ea != NULL, eb != NULL);
        if (ea) {
            ck_assert_int_eq(ea - a.e, eb - b.e);
            continue;
        }
        ea = tlb_insert(&a, va, 0, va, asid, false, 0, 0);
        eb = tlb_insert_absent(&b, va, 0, va, asid, 0, 0);
        ck_assert_int_eq(ea - a.e, eb - b.e);
        inserts++;
    }
    ck_assert_uint_gt(inserts, 5000);
    ck_assert_uint_gt(flushes, 500);
    ck_assert(tlb_check(&a) && tlb_check(&b));
    ck_assert_uint_eq(tlb_count(&a), tlb_count(&b));
    tlb_free(&a);
    tlb_free(&b);
}
END_TEST

/* Which way each of n inserts into a full 1-set TLB replaced. */
static void random_victims(uint64_t seed, unsigned *way, unsigned n)
{
    struct tlb t;
    ck_assert_int_eq(tlb_init(&t, 8, 8, TOPO_REPL_RANDOM, 1, seed), MMSIM_OK);
    for (unsigned i = 0; i < 8; i++)
        tlb_insert(&t, PG(i), 0, 0, 0, false, 0, 0);
    for (unsigned i = 0; i < n; i++) {
        struct tlb_entry *e = tlb_insert(&t, PG(1000 + i), 0, 0, 0, false, 0, 0);
        way[i] = (unsigned)(e - t.e);
    }
    tlb_free(&t);
}

START_TEST(tlb_random_seeded)
{
    enum { N = 200 };
    unsigned a[N], b[N], c[N], used = 0;
    random_victims(42, a, N);
    random_victims(42, b, N);
    random_victims(43, c, N);
    ck_assert_mem_eq(a, b, sizeof(a));          /* same seed, same victims */
    ck_assert(memcmp(a, c, sizeof(a)) != 0);    /* another seed, another sequence */
    for (unsigned i = 0; i < N; i++) {
        ck_assert_uint_lt(a[i], 8);
        used |= 1u << a[i];
    }
    ck_assert_uint_eq(used, 0xff);               /* every way gets chosen */
}
END_TEST

START_TEST(tlb_sizes_asids_globals)
{
    struct tlb t;
    ck_assert_int_eq(tlb_init(&t, 16, 4, TOPO_REPL_LRU, 0x1f, 7), MMSIM_OK);
    tlb_insert(&t, 0x5000, 0, 0x80005000ull, 1, false, 0, 0);          /* 4K, ASID 1 */
    tlb_insert(&t, 0x40200000ull, 1, 0x80200000ull, 1, false, 0, 0);   /* 2M */
    tlb_insert(&t, 0x80000000ull, 2, 0xc0000000ull, 1, false, 0, 0);   /* 1G */
    tlb_insert(&t, 0x9000, 0, 0x80009000ull, 1, true, PTE_G, 0);       /* global */
    struct tlb_entry *e = tlb_lookup(&t, 0x40312345ull, 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->size, 1);
    ck_assert_uint_eq(e->pa, 0x80200000ull);
    e = tlb_lookup(&t, 0xbfffffffull, 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->size, 2);
    ck_assert_ptr_nonnull(tlb_lookup(&t, 0x5fff, 1));
    ck_assert_ptr_null(tlb_lookup(&t, 0x5fff, 2));      /* other ASID */
    ck_assert_ptr_null(tlb_lookup(&t, 0x6000, 1));      /* next page */
    ck_assert_ptr_nonnull(tlb_lookup(&t, 0x9000, 2));   /* global: any ASID */
    ck_assert_ptr_nonnull(tlb_lookup(&t, 0x9000, 0xffff));
    ck_assert_uint_eq(t.st.hits[0], 3);
    ck_assert_uint_eq(t.st.hits[1], 1);
    ck_assert_uint_eq(t.st.hits[2], 1);
    /* The same page in another ASID is a separate entry ... */
    tlb_insert(&t, 0x5000, 0, 0x90005000ull, 2, false, 0, 0);
    ck_assert_uint_eq(tlb_lookup(&t, 0x5000, 2)->pa, 0x90005000ull);
    ck_assert_uint_eq(tlb_lookup(&t, 0x5000, 1)->pa, 0x80005000ull);
    ck_assert_uint_eq(tlb_count(&t), 5);
    /* ... and re-inserting a page of the same ASID overwrites it in place. */
    tlb_insert(&t, 0x5000, 0, 0xa0005000ull, 1, false, 0, 0);
    ck_assert_uint_eq(tlb_count(&t), 5);
    ck_assert_uint_eq(tlb_lookup(&t, 0x5000, 1)->pa, 0xa0005000ull);
    ck_assert(tlb_check(&t));
    ck_assert_uint_eq(t.sizes, 0x7);
    tlb_free(&t);

    /* A TLB of 4 KiB pages only keeps the 4 KiB piece of a superpage. */
    ck_assert_int_eq(tlb_init(&t, 4, 4, TOPO_REPL_LRU, 1, 0), MMSIM_OK);
    e = tlb_insert(&t, 0x40345678ull, 1, 0x80200000ull, 0, false, 0, 0);
    ck_assert_uint_eq(e->size, 0);
    ck_assert_uint_eq(e->pa, 0x80345000ull);
    ck_assert_ptr_nonnull(tlb_lookup(&t, 0x40345000ull, 0));
    ck_assert_ptr_null(tlb_lookup(&t, 0x40346000ull, 0));
    tlb_free(&t);

    /* Bad geometry; an absent TLB. */
    ck_assert_int_eq(tlb_init(&t, 12, 4, TOPO_REPL_LRU, 1, 0), MMSIM_ERR_INVALID);  /* 3 sets */
    ck_assert_int_eq(tlb_init(&t, 10, 4, TOPO_REPL_LRU, 1, 0), MMSIM_ERR_INVALID);
    ck_assert_int_eq(tlb_init(&t, 0, 0, TOPO_REPL_LRU, 1, 0), MMSIM_OK);
    ck_assert_ptr_null(tlb_insert(&t, 0x1000, 0, 0, 0, false, 0, 0));
    ck_assert_ptr_null(tlb_lookup(&t, 0x1000, 0));
    tlb_flush(&t, false, 0, false, 0);
    tlb_free(&t);
}
END_TEST

/* va1 in ASIDs 1 and 2, va2 in ASID 1, a global page at va1 + 4K... */
static void fill_for_flush(struct tlb *t)
{
    tlb_flush(t, false, 0, false, 0);
    tlb_insert(t, 0x1000, 0, 0, 1, false, 0, 0);          /* va1, ASID 1 */
    tlb_insert(t, 0x1000, 0, 0, 2, false, 0, 0);          /* va1, ASID 2 */
    tlb_insert(t, 0x2000, 0, 0, 1, false, 0, 0);          /* va2, ASID 1 */
    tlb_insert(t, 0x3000, 0, 0, 1, true, PTE_G, 0);       /* va3, global */
    tlb_insert(t, 0x200000, 1, 0, 1, false, 0, 0);        /* 2M page, ASID 1 */
    ck_assert_uint_eq(tlb_count(t), 5);
}

START_TEST(tlb_sfence_flavours)
{
    struct tlb t;
    ck_assert_int_eq(tlb_init(&t, 32, 4, TOPO_REPL_LRU, 0x1f, 0), MMSIM_OK);

    /* rs1 = x0, rs2 = x0: everything, globals included. */
    fill_for_flush(&t);
    tlb_flush(&t, false, 0, false, 0);
    ck_assert_uint_eq(tlb_count(&t), 0);

    /* rs1 = x0, rs2 = ASID 1: every non-global entry of ASID 1. */
    fill_for_flush(&t);
    tlb_flush(&t, false, 0, true, 1);
    ck_assert_uint_eq(tlb_count(&t), 2);
    ck_assert(present(&t, 0x1000, 2));
    ck_assert(present(&t, 0x3000, 1));          /* global survives */
    ck_assert(!present(&t, 0x1000, 1));
    ck_assert(!present(&t, 0x200000, 1));

    /* rs1 = va, rs2 = x0: that page in every address space, globals too. */
    fill_for_flush(&t);
    tlb_flush(&t, true, 0x1abc, false, 0);
    ck_assert_uint_eq(tlb_count(&t), 3);
    ck_assert(!present(&t, 0x1000, 1));
    ck_assert(!present(&t, 0x1000, 2));
    tlb_flush(&t, true, 0x3000, false, 0);
    ck_assert(!present(&t, 0x3000, 7));
    /* An address inside a superpage flushes the superpage. */
    tlb_flush(&t, true, 0x3ff000, false, 0);
    ck_assert(!present(&t, 0x200000, 1));
    ck_assert_uint_eq(tlb_count(&t), 1);
    ck_assert(tlb_check(&t));
    ck_assert_uint_eq(t.sizes, 0x1);        /* no 2M entry left to probe */

    /* rs1 = va, rs2 = ASID: that page of that ASID, globals kept. */
    fill_for_flush(&t);
    tlb_flush(&t, true, 0x1000, true, 1);
    ck_assert(!present(&t, 0x1000, 1));
    ck_assert(present(&t, 0x1000, 2));
    tlb_flush(&t, true, 0x3000, true, 1);
    ck_assert(present(&t, 0x3000, 1));
    ck_assert_uint_eq(tlb_count(&t), 4);
    ck_assert(tlb_check(&t));
    tlb_free(&t);
}
END_TEST

/* ---- Page-walk caches ----------------------------------------------------- */

START_TEST(pwc_levels_and_flush)
{
    struct pwc p;
    uint64_t table = 0;
    bool gl = true;
    ck_assert_int_eq(pwc_init(&p, 2), MMSIM_OK);
    ck_assert_uint_eq(pwc_lookup(&p, 0x1000, 1, 3, &table, &gl), 0);
    /* Sv39: the level-2 pointer of the first 1 GiB region and the level-1
     * pointer of its first 2 MiB region. */
    pwc_insert(&p, 2, 0x1000, 1, false, 0x80001000ull);
    pwc_insert(&p, 1, 0x1000, 1, false, 0x80002000ull);
    /* The deepest level wins: start at level 0 with the level-0 table. */
    ck_assert_uint_eq(pwc_lookup(&p, 0x1fffff, 1, 3, &table, &gl), 1);
    ck_assert_uint_eq(table, 0x80002000ull);
    ck_assert(!gl);
    /* Next 2 MiB region: only the level-2 pointer applies. */
    ck_assert_uint_eq(pwc_lookup(&p, 0x200000, 1, 3, &table, &gl), 2);
    ck_assert_uint_eq(table, 0x80001000ull);
    ck_assert_uint_eq(pwc_lookup(&p, 0x1000, 2, 3, &table, &gl), 0);     /* other ASID */
    /* A global pointer serves every ASID. */
    pwc_insert(&p, 2, 0x40000000ull, 1, true, 0x80003000ull);
    ck_assert_uint_eq(pwc_lookup(&p, 0x40000000ull, 5, 3, &table, &gl), 2);
    ck_assert(gl);
    /* Two entries per level, LRU: the region-0 pointer (last used before
     * the global one) is evicted by a third region's. */
    pwc_insert(&p, 2, 0x80000000ull, 1, false, 0x80004000ull);
    ck_assert_uint_eq(pwc_lookup(&p, 0x200000, 1, 3, &table, &gl), 0);
    ck_assert_uint_eq(pwc_lookup(&p, 0x80000000ull, 1, 3, &table, &gl), 2);
    /* By ASID: the global survives. */
    pwc_flush(&p, false, 0, true, 1);
    ck_assert_uint_eq(pwc_lookup(&p, 0x1000, 1, 3, &table, &gl), 0);
    ck_assert_uint_eq(pwc_lookup(&p, 0x80000000ull, 1, 3, &table, &gl), 0);
    ck_assert_uint_eq(pwc_lookup(&p, 0x40000000ull, 1, 3, &table, &gl), 2);
    /* By address, all ASIDs: the entries on that address's path go. */
    pwc_flush(&p, true, 0x40001000ull, false, 0);
    ck_assert_uint_eq(pwc_lookup(&p, 0x40000000ull, 1, 3, &table, &gl), 0);
    pwc_free(&p);
    /* No page-walk cache at all. */
    ck_assert_int_eq(pwc_init(&p, 0), MMSIM_OK);
    pwc_insert(&p, 1, 0x1000, 1, false, 0x80002000ull);
    ck_assert_uint_eq(pwc_lookup(&p, 0x1000, 1, 3, &table, &gl), 0);
    pwc_free(&p);
}
END_TEST

/* The reference a page-walk cache must agree with: the plain scans of
 * pwc.h's description (first match; victim the first smallest stamp), with
 * none of pwc.c's shortcuts. */
struct ref_pwc_entry {
    uint64_t key, table, stamp;
    unsigned asid;
    bool global;
};

#define REF_PWC_N 4

struct ref_pwc {
    struct ref_pwc_entry e[SV_MAX_LEVELS][REF_PWC_N];
    uint64_t clock;
};

static uint64_t ref_pwc_key(uint64_t va, unsigned level)
{
    return (va >> sv_level_shift(level)) << 1 | 1;
}

static unsigned ref_pwc_lookup(struct ref_pwc *r, uint64_t va, unsigned asid, unsigned levels,
                               uint64_t *table, bool *global)
{
    for (unsigned l = 1; l < levels; l++) {
        for (unsigned i = 0; i < REF_PWC_N; i++) {
            struct ref_pwc_entry *e = &r->e[l][i];
            if (e->key == ref_pwc_key(va, l) && (e->global || e->asid == asid)) {
                e->stamp = ++r->clock;
                *table = e->table;
                *global = e->global;
                return l;
            }
        }
    }
    return 0;
}

static void ref_pwc_insert(struct ref_pwc *r, unsigned level, uint64_t va, unsigned asid,
                           bool global, uint64_t table)
{
    struct ref_pwc_entry *row = r->e[level], *v = &row[0];
    for (unsigned i = 0; i < REF_PWC_N; i++) {
        if (row[i].key == ref_pwc_key(va, level) && (row[i].global || row[i].asid == asid)) {
            v = &row[i];
            break;
        }
        if (row[i].stamp < v->stamp)
            v = &row[i];
    }
    *v = (struct ref_pwc_entry){ref_pwc_key(va, level), table, ++r->clock, asid, global};
}

static void ref_pwc_flush(struct ref_pwc *r, bool by_va, uint64_t va, bool by_asid,
                          unsigned asid)
{
    for (unsigned l = 1; l < SV_MAX_LEVELS; l++) {
        for (unsigned i = 0; i < REF_PWC_N; i++) {
            struct ref_pwc_entry *e = &r->e[l][i];
            if (e->key && (!by_va || e->key == ref_pwc_key(va, l)) &&
                (!by_asid || (!e->global && e->asid == asid)))
                *e = (struct ref_pwc_entry){0};
        }
    }
}

/* pwc.c skips the scan of a level when a count says the key is absent:
 * random inserts, lookups and flushes over few regions and address spaces
 * (hits, evictions, shared keys across ASIDs, global entries) must give
 * the reference's answers, and the counts must add up to the entries. */
START_TEST(pwc_matches_plain_scan)
{
    struct pwc p;
    struct ref_pwc r = {0};
    ck_assert_int_eq(pwc_init(&p, REF_PWC_N), MMSIM_OK);
    uint64_t x = 0x243f6a8885a308d3ull;
    for (int step = 0; step < 20000; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* Eight 2 MiB regions in each of three 1 GiB regions (Sv39). */
        const uint64_t va = ((x >> 8) % 3) << 30 | ((x >> 12) % 8) << 21 | (x >> 20 & 0xfff);
        const unsigned asid = (unsigned)(x >> 24) % 3, op = (unsigned)(x >> 28) % 16;
        if (op < 6) {
            const unsigned level = 1 + (unsigned)(x >> 32) % 2;
            const bool global = (x >> 36) % 8 == 0;
            const uint64_t table = (x >> 40) << 12;
            pwc_insert(&p, level, va, asid, global, table);
            ref_pwc_insert(&r, level, va, asid, global, table);
        } else if (op < 15) {
            uint64_t t1 = 0, t2 = 0;
            bool g1 = false, g2 = false;
            const unsigned l1 = pwc_lookup(&p, va, asid, 3, &t1, &g1);
            const unsigned l2 = ref_pwc_lookup(&r, va, asid, 3, &t2, &g2);
            ck_assert_uint_eq(l1, l2);
            if (l1) {
                ck_assert_uint_eq(t1, t2);
                ck_assert_int_eq(g1, g2);
            }
        } else {
            const bool by_va = x >> 44 & 1, by_asid = x >> 45 & 1;
            pwc_flush(&p, by_va, va, by_asid, asid);
            ref_pwc_flush(&r, by_va, va, by_asid, asid);
        }
    }
    for (unsigned l = 0; l < SV_MAX_LEVELS; l++) {
        unsigned valid = 0, counted = 0;
        for (unsigned i = 0; i < REF_PWC_N; i++)
            valid += p.e[l * REF_PWC_N + i].key != 0;
        for (unsigned b = 0; b < p.nbuckets; b++)
            counted += p.count[l * p.nbuckets + b];
        ck_assert_uint_eq(valid, counted);
    }
    pwc_free(&p);
}
END_TEST

/* ---- The assembled MMU ----------------------------------------------------- */

struct rig {
    struct gmem *g;
    struct mmu *m;
    uint64_t root;
};

static struct topo_cpu small_cpu(void)
{
    struct topo_cpu c;
    memset(&c, 0, sizeof(c));
    c.itlb = (struct topo_tlb){4, 4, TOPO_REPL_LRU};
    c.dtlb = (struct topo_tlb){4, 4, TOPO_REPL_LRU};
    c.l2tlb = (struct topo_tlb){16, 4, TOPO_REPL_LRU};
    c.pwc_entries = 4;
    return c;
}

static void rig_open(struct rig *r, bool hw_ad, unsigned levels)
{
    r->g = gm_new();
    r->root = gm_page(r->g);
    struct topo_cpu c = small_cpu();
    struct mmu_params p = {.cpu = &c, .walker = gm_walker(r->g, hw_ad), .seed = 1};
    ck_assert_int_eq(mmu_create(&p, &r->m), MMSIM_OK);
    mmu_set_satp(r->m, satp_make(levels == 4 ? SV48 : SV39, 1, r->root));
    mmu_set_priv(r->m, true, false, false);
}

static void rig_close(struct rig *r)
{
    mmu_destroy(r->m);
    free(r->g);
}

START_TEST(mmu_create_errors)
{
    struct mmu *m = (struct mmu *)1;
    struct topo_cpu c = small_cpu();
    struct mmu_params p = {.cpu = &c};
    ck_assert_int_eq(mmu_create(&p, &m), MMSIM_ERR_INVALID);      /* no read_pte */
    ck_assert_ptr_null(m);
    struct gmem *g = gm_new();
    p.walker = gm_walker(g, true);
    p.walker.write_pte = NULL;
    ck_assert_int_eq(mmu_create(&p, &m), MMSIM_ERR_INVALID);      /* hw A/D without writes */
    p.walker = gm_walker(g, true);
    c.dtlb.entries = 6;
    ck_assert_int_eq(mmu_create(&p, &m), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmu_create(NULL, &m), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmu_create(&p, NULL), MMSIM_ERR_INVALID);
    mmu_destroy(NULL);
    free(g);
}
END_TEST

START_TEST(mmu_default_geometry_plru)
{
    /* A current core's TLBs (64-entry 4-way L1s, 1536-entry 12-way L2),
     * with tree PLRU on the 12-way L2: 128 sets x 12 ways. */
    struct gmem *g = gm_new();
    struct topo_cpu c;
    memset(&c, 0, sizeof(c));
    c.itlb = (struct topo_tlb){64, 4, TOPO_REPL_PLRU};
    c.dtlb = (struct topo_tlb){64, 4, TOPO_REPL_RANDOM};
    c.l2tlb = (struct topo_tlb){1536, 12, TOPO_REPL_PLRU};
    c.pwc_entries = 32;
    struct mmu_params p = {.cpu = &c, .walker = gm_walker(g, true), .seed = 99};
    struct mmu *m;
    ck_assert_int_eq(mmu_create(&p, &m), MMSIM_OK);
    ck_assert_uint_eq(m->l2tlb.sets, 128);
    ck_assert_uint_eq(m->l2tlb.plru_depth, 4);
    const uint64_t root = gm_page(g);
    mmu_set_satp(m, satp_make(SV39, 3, root));
    /* 2048 4 KiB pages: four level-0 tables under one level-1 table. */
    for (unsigned i = 0; i < 2048; i++)
        gm_map(g, root, 3, 0x10000000ull + PG(i), 0, 0x90000000ull + PG(i), URWAD);
    uint64_t pa;
    for (unsigned pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < 2048; i++) {
            ck_assert_int_eq(mmu_translate(m, 0x10000000ull + PG(i) + 8, MMU_LOAD, &pa), 0);
            ck_assert_uint_eq(pa, 0x90000000ull + PG(i) + 8);
        }
    ck_assert(tlb_check(&m->l2tlb));
    ck_assert(tlb_check(&m->dtlb));
    ck_assert_uint_eq(tlb_count(&m->l2tlb), 1536);
    ck_assert_uint_eq(tlb_count(&m->dtlb), 64);
    /* 2048 distinct pages through a 1536-entry L2, twice: at least the
     * first pass misses everywhere.  Only the first walk starts at the
     * root; the first walk into each of the other three 2 MiB regions
     * starts from the cached level-2 pointer, all others from a cached
     * level-1 pointer (4 tables fit the 32-entry PWC). */
    ck_assert_uint_ge(m->st.walks, 2048);
    ck_assert_uint_eq(m->st.pwc_misses, 1);
    ck_assert_uint_eq(m->st.pwc_hits[2], 3);
    ck_assert_uint_eq(m->st.pwc_hits[1], m->st.walks - 4);
    ck_assert_uint_eq(m->st.walk_reads[2], 1);
    ck_assert_uint_eq(m->st.walk_reads[1], 4);
    ck_assert_uint_eq(m->st.walk_reads[0], m->st.walks);
    mmu_destroy(m);
    free(g);
}
END_TEST

START_TEST(mmu_tlb_hierarchy_and_pwc)
{
    struct rig r;
    rig_open(&r, true, 3);
    struct mmu *m = r.m;
    struct gmem *g = r.g;
    /* Pages 0x10000.. 0x17000 in one level-0 table; 0x400000 in another
     * 2 MiB region of the same 1 GiB region. */
    for (unsigned i = 0; i < 8; i++)
        gm_map(g, r.root, 3, 0x10000 + PG(i), 0, 0x90000000ull + PG(i), URWAD);
    gm_map(g, r.root, 3, 0x400000, 0, 0x90100000ull, URWAD);
    uint64_t pa;

    /* Cold: L1 and L2 miss, PWC miss, a 3-read walk. */
    ck_assert_int_eq(mmu_translate(m, 0x10123, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(pa, 0x90000123ull);
    ck_assert_uint_eq(g->reads, 3);
    ck_assert_uint_eq(m->st.walks, 1);
    ck_assert_uint_eq(m->st.pwc_misses, 1);
    ck_assert_uint_eq(m->dtlb.st.misses[0], 1);
    ck_assert_uint_eq(m->l2tlb.st.misses[0], 1);
    /* Warm: an L1 hit, no memory read. */
    ck_assert_int_eq(mmu_translate(m, 0x10ff8, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(pa, 0x90000ff8ull);
    ck_assert_uint_eq(g->reads, 3);
    ck_assert_uint_eq(m->dtlb.st.hits[0], 1);
    /* Neighbour page: the level-1 pointer is cached, so one read (the leaf). */
    ck_assert_int_eq(mmu_translate(m, 0x11000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(pa, 0x90001000ull);
    ck_assert_uint_eq(g->reads, 4);
    ck_assert_uint_eq(g->reads_at[0], 2);
    ck_assert_uint_eq(m->st.pwc_hits[1], 1);
    /* Another 2 MiB region: the level-2 pointer is cached, two reads. */
    ck_assert_int_eq(mmu_translate(m, 0x400000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(pa, 0x90100000ull);
    ck_assert_uint_eq(g->reads, 6);
    ck_assert_uint_eq(m->st.pwc_hits[2], 1);
    ck_assert_uint_eq(m->st.walk_reads[2], 1);
    ck_assert_uint_eq(m->st.walk_reads[1], 2);
    ck_assert_uint_eq(m->st.walk_reads[0], 3);
    /* Fill the 4-entry L1 dTLB past capacity: 0x10000 falls out of L1 but
     * stays in the 16-entry L2. */
    for (unsigned i = 2; i < 6; i++)
        ck_assert_int_eq(mmu_translate(m, 0x10000 + PG(i), MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(m->st.walks, 7);
    unsigned reads = g->reads;
    ck_assert_int_eq(mmu_translate(m, 0x10000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(g->reads, reads);
    ck_assert_uint_eq(m->st.walks, 7);
    ck_assert_uint_eq(m->l2tlb.st.hits[0], 1);
    ck_assert_uint_eq(m->dtlb.st.misses[0], 8);
    /* Fetches use the iTLB (and find the page in L2: no walk). */
    gm_map(g, r.root, 3, 0x20000, 0, 0x91000000ull, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
    ck_assert_int_eq(mmu_translate(m, 0x20004, MMU_FETCH, &pa), 0);
    ck_assert_uint_eq(pa, 0x91000004ull);
    ck_assert_uint_eq(m->itlb.st.misses[0], 1);
    ck_assert_int_eq(mmu_translate(m, 0x20008, MMU_FETCH, &pa), 0);
    ck_assert_uint_eq(m->itlb.st.hits[0], 1);
    /* A store to a writable page that is not executable: fetch faults. */
    ck_assert_int_eq(mmu_translate(m, 0x10000, MMU_FETCH, &pa), 12);
    ck_assert_int_eq(m->last_fault, WALK_PERM);
    ck_assert_uint_eq(m->st.faults[WALK_PERM], 1);
    rig_close(&r);
}
END_TEST

START_TEST(mmu_superpages_in_tlbs)
{
    struct rig r;
    rig_open(&r, false, 4);
    /* 2 MiB and 1 GiB pages, and a 512 GiB page (Sv48). */
    gm_map(r.g, r.root, 4, 0x40000000ull + 0x200000, 1, 0xa0200000ull, URWAD);
    gm_map(r.g, r.root, 4, 0x80000000ull, 2, 0x100000000ull, URWAD);
    gm_map(r.g, r.root, 4, 0x8000000000ull, 3, 0x10000000000ull, URWAD);
    uint64_t pa;
    ck_assert_int_eq(mmu_translate(r.m, 0x40212345ull, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(pa, 0xa0212345ull);
    ck_assert_int_eq(mmu_translate(r.m, 0x403ffff0ull, MMU_STORE, &pa), 0);   /* L1 hit */
    ck_assert_uint_eq(pa, 0xa03ffff0ull);
    ck_assert_uint_eq(r.m->dtlb.st.hits[1], 1);
    ck_assert_uint_eq(r.m->dtlb.st.misses[1], 1);
    ck_assert_int_eq(mmu_translate(r.m, 0xbfffffffull, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(pa, 0x13fffffffull);
    ck_assert_int_eq(mmu_translate(r.m, 0x80000000ull, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(r.m->dtlb.st.hits[2], 1);
    ck_assert_int_eq(mmu_translate(r.m, 0x8012345678ull, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(pa, 0x10012345678ull);
    ck_assert_uint_eq(r.m->dtlb.st.misses[3], 1);
    ck_assert_uint_eq(r.m->st.walks, 3);
    /* Non-canonical under Sv48. */
    ck_assert_int_eq(mmu_translate(r.m, 0x0000800000000000ull, MMU_LOAD, &pa), 13);
    ck_assert_int_eq(r.m->last_fault, WALK_NONCANONICAL);
    ck_assert_uint_eq(r.m->st.walks, 3);
    rig_close(&r);
}
END_TEST

START_TEST(mmu_dirty_bit_paths)
{
    /* Hardware A/D: a load caches a clean entry; the store re-walks, sets D
     * in memory, refreshes the entry; the next store hits. */
    struct rig r;
    rig_open(&r, true, 3);
    uint64_t at = gm_map(r.g, r.root, 3, 0x7000, 0, 0x88000000ull,
                         PTE_V | PTE_R | PTE_W | PTE_U);
    uint64_t pa;
    ck_assert_int_eq(mmu_translate(r.m, 0x7000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(*gm_at(r.g, at) & (PTE_A | PTE_D), PTE_A);
    ck_assert_int_eq(mmu_translate(r.m, 0x7008, MMU_STORE, &pa), 0);
    ck_assert_uint_eq(*gm_at(r.g, at) & (PTE_A | PTE_D), PTE_A | PTE_D);
    ck_assert_uint_eq(r.m->st.walks, 2);
    ck_assert_uint_eq(r.m->st.walk_writes, 2);
    ck_assert_int_eq(mmu_translate(r.m, 0x7010, MMU_STORE, &pa), 0);
    ck_assert_uint_eq(r.m->st.walks, 2);
    rig_close(&r);

    /* Svade: the same store is a store page fault (15), reason "ad". */
    rig_open(&r, false, 3);
    at = gm_map(r.g, r.root, 3, 0x7000, 0, 0x88000000ull, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A);
    ck_assert_int_eq(mmu_translate(r.m, 0x7000, MMU_LOAD, &pa), 0);
    ck_assert_int_eq(mmu_translate(r.m, 0x7000, MMU_STORE, &pa), 15);
    ck_assert_int_eq(r.m->last_fault, WALK_AD);
    /* The kernel sets D and fences that page; the store then succeeds. */
    *gm_at(r.g, at) |= PTE_D;
    mmu_sfence_vma(r.m, true, 0x7000, false, 0);
    ck_assert_int_eq(mmu_translate(r.m, 0x7000, MMU_STORE, &pa), 0);
    ck_assert_uint_eq(pa, 0x88000000ull);
    ck_assert_uint_eq(r.g->writes, 0);
    rig_close(&r);
}
END_TEST

START_TEST(mmu_asids_globals_and_fences)
{
    struct rig r;
    rig_open(&r, false, 3);
    struct mmu *m = r.m;
    gm_map(r.g, r.root, 3, 0x1000, 0, 0x88001000ull, URWAD);
    gm_map(r.g, r.root, 3, 0x2000, 0, 0x88002000ull, URWAD | PTE_G);
    uint64_t pa;
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_LOAD, &pa), 0);
    ck_assert_int_eq(mmu_translate(m, 0x2000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(m->st.walks, 2);
    /* ASID 2, same tables: the private page misses, the global one hits. */
    mmu_set_satp(m, satp_make(SV39, 2, r.root));
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(m->st.walks, 3);
    ck_assert_int_eq(mmu_translate(m, 0x2000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(m->st.walks, 3);
    /* Back to ASID 1: still cached. */
    mmu_set_satp(m, satp_make(SV39, 1, r.root));
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(m->st.walks, 3);

    /* sfence.vma x0, ASID 1: ASID 1's page goes, ASID 2's and the global stay. */
    mmu_sfence_vma(m, false, 0, true, 1);
    ck_assert_int_eq(mmu_translate(m, 0x2000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(m->st.walks, 3);
    unsigned before = r.g->reads;
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(m->st.walks, 4);
    /* The PWC lost ASID 1's pointers too (ASID 2's do not match): that walk
     * started at the root.  Root misses: the first walk, ASID 2's, this one. */
    ck_assert_uint_eq(r.g->reads - before, 3);
    ck_assert_uint_eq(m->st.pwc_misses, 3);

    /* sfence.vma va, ASID 1 keeps the global page. */
    mmu_sfence_vma(m, true, 0x2000, true, 1);
    ck_assert_int_eq(mmu_translate(m, 0x2000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(m->st.walks, 4);
    /* sfence.vma va, x0 drops it. */
    mmu_sfence_vma(m, true, 0x2000, false, 0);
    ck_assert_int_eq(mmu_translate(m, 0x2000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(m->st.walks, 5);

    /* sfence.vma x0, x0: everything, PWC included (3 reads again). */
    unsigned reads = r.g->reads;
    mmu_sfence_vma(m, false, 0, false, 0);
    ck_assert_uint_eq(tlb_count(&m->dtlb) + tlb_count(&m->l2tlb), 0);
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(r.g->reads - reads, 3);
    ck_assert_uint_eq(m->st.sfence[0], 1);
    ck_assert_uint_eq(m->st.sfence[1], 1);
    ck_assert_uint_eq(m->st.sfence[2], 1);
    ck_assert_uint_eq(m->st.sfence[3], 1);

    /* Without a fence, a changed PTE is not seen: the TLB is a cache. */
    *gm_at(r.g, r.root) = 0;
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_LOAD, &pa), 0);
    mmu_sfence_vma(m, false, 0, false, 0);
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_LOAD, &pa), 13);
    ck_assert_int_eq(m->last_fault, WALK_INVALID);
    rig_close(&r);
}
END_TEST

START_TEST(mmu_privilege_and_bare)
{
    struct rig r;
    rig_open(&r, false, 3);
    struct mmu *m = r.m;
    gm_map(r.g, r.root, 3, 0x1000, 0, 0x88001000ull, URWAD);
    uint64_t pa;
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_LOAD, &pa), 0);
    /* S mode without SUM: the cached U page refuses; the re-walk faults. */
    mmu_set_priv(m, false, false, false);
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_LOAD, &pa), 13);
    ck_assert_int_eq(m->last_fault, WALK_USER);
    /* SUM: the cached entry now allows loads and stores, not fetches. */
    mmu_set_priv(m, false, true, false);
    unsigned walks = (unsigned)m->st.walks;
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(m->st.walks, walks);
    ck_assert_int_eq(mmu_translate(m, 0x1000, MMU_FETCH, &pa), 12);
    /* An unsupported MODE (Sv64 = 11) leaves satp alone: still Sv39, ASID 1. */
    mmu_set_satp(m, (11ull << 60) | (7ull << 44));
    ck_assert_uint_eq(m->levels, 3);
    ck_assert_uint_eq(m->asid, 1);
    ck_assert_uint_eq(m->root, r.root);
    /* Bare: identity, no walk. */
    mmu_set_satp(m, 0);
    ck_assert_int_eq(mmu_translate(m, 0x123456789ull, MMU_STORE, &pa), 0);
    ck_assert_uint_eq(pa, 0x123456789ull);
    ck_assert_uint_eq(tlb_count(&m->dtlb), 0);      /* MODE change flushed */
    rig_close(&r);
}
END_TEST

START_TEST(mmu_statistics_registered)
{
    struct rig r;
    rig_open(&r, true, 3);
    struct stats_registry *reg = stats_create();
    ck_assert_int_eq(mmu_stats_register(r.m, reg, "cpu3", true), MMSIM_OK);
    gm_map(r.g, r.root, 3, 0x1000, 0, 0x88001000ull, URWAD);
    gm_map(r.g, r.root, 3, 0x200000, 1, 0x88200000ull, URWAD);
    uint64_t pa, v;
    mmu_translate(r.m, 0x1000, MMU_LOAD, &pa);      /* walk: 3 reads */
    mmu_translate(r.m, 0x1008, MMU_LOAD, &pa);      /* L1 hit */
    mmu_translate(r.m, 0x200000, MMU_STORE, &pa);   /* PWC hit at level 2: 1 read */
    mmu_translate(r.m, 0x5000, MMU_LOAD, &pa);      /* PWC hit at level 1, V = 0 */
    mmu_translate(r.m, 0x5000, MMU_FETCH, &pa);     /* again, as a fetch */
    mmu_sfence_vma(r.m, true, 0x1000, true, 1);
    static const struct { const char *name; uint64_t want; } expect[] = {
        {"cpu3.dtlb.hits.4k", 1},
        {"cpu3.dtlb.misses.4k", 1},
        {"cpu3.dtlb.misses.2m", 1},
        {"cpu3.l2tlb.misses.4k", 1},
        {"cpu3.l2tlb.misses.2m", 1},
        {"cpu3.itlb.hits.4k", 0},
        {"cpu3.walk.count", 4},
        {"cpu3.walk.reads.l2", 1},
        {"cpu3.walk.reads.l1", 2},
        {"cpu3.walk.reads.l0", 3},
        {"cpu3.walk.writes", 0},
        {"cpu3.pwc.hits.l1", 2},
        {"cpu3.pwc.hits.l2", 1},
        {"cpu3.pwc.misses", 1},
        {"cpu3.faults.invalid", 2},
        {"cpu3.faults.perm", 0},
        {"cpu3.sfence.va_asid", 1},
        {"cpu3.sfence.all", 0},
    };
    for (unsigned i = 0; i < ARRAY_SIZE(expect); i++) {
        ck_assert_msg(stats_get(reg, expect[i].name, &v) == MMSIM_OK, "%s missing", expect[i].name);
        ck_assert_msg(v == expect[i].want, "%s = %llu, want %llu", expect[i].name,
                      (unsigned long long)v, (unsigned long long)expect[i].want);
    }
    /* A second MMU under the same prefix is refused (duplicate names). */
    ck_assert_int_eq(mmu_stats_register(r.m, reg, "cpu3", true), MMSIM_ERR_INVALID);
    stats_destroy(reg);
    rig_close(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mmu");
    TCase *tc = tcase_create("pte_walk");
    tcase_add_test(tc, pte_formats);
    tcase_add_test(tc, walk_4k_sv39_by_hand);
    tcase_add_test(tc, walk_4k_sv48_by_hand);
    tcase_add_test(tc, walk_superpages);
    tcase_add_test(tc, walk_every_fault);
    tcase_add_test(tc, walk_sum_mxr);
    tcase_add_test(tc, walk_hardware_ad);
    tcase_add_test(tc, walk_sv57);
    tcase_add_test(tc, walk_global_and_start_lower);
    suite_add_tcase(s, tc);
    tc = tcase_create("tlb");
    tcase_add_test(tc, tlb_lru_victims);
    tcase_add_test(tc, tlb_plru_victims);
    tcase_add_test(tc, tlb_lru_matches_reference);
    tcase_add_test(tc, tlb_insert_absent_same_victims);
    tcase_add_test(tc, tlb_random_seeded);
    tcase_add_test(tc, tlb_sizes_asids_globals);
    tcase_add_test(tc, tlb_sfence_flavours);
    tcase_add_test(tc, pwc_levels_and_flush);
    tcase_add_test(tc, pwc_matches_plain_scan);
    suite_add_tcase(s, tc);
    tc = tcase_create("mmu");
    tcase_add_test(tc, mmu_create_errors);
    tcase_add_test(tc, mmu_default_geometry_plru);
    tcase_add_test(tc, mmu_tlb_hierarchy_and_pwc);
    tcase_add_test(tc, mmu_superpages_in_tlbs);
    tcase_add_test(tc, mmu_dirty_bit_paths);
    tcase_add_test(tc, mmu_asids_globals_and_fences);
    tcase_add_test(tc, mmu_privilege_and_bare);
    tcase_add_test(tc, mmu_statistics_registered);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
