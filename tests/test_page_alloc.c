/* The buddy allocator, zones, watermarks and zonelists (kernel/page_alloc).
 * Expected values are worked out from Linux's documented rules in the
 * comments, not read back from the allocator. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libmmsim/machine.h"
#include "page_alloc_testlib.h"
#include "testutil.h"

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)
#define KiB (1ULL << 10)
#define DRAM 0x80000000ULL

static const unsigned GFP_ANY = GFP_KERNEL | __GFP_MEMALLOC;

/* ---- Zones ---------------------------------------------------------------- */

START_TEST(zones_by_address)
{
    /* 6 GiB from physical 0 with 1 GiB movable: DMA below 16 MiB, DMA32 up
     * to 4 GiB, NORMAL 4-5 GiB, MOVABLE the top GiB. */
    struct tmachine m;
    uint64_t base[] = {0}, size[] = {6 * GiB}, mov[] = {1 * GiB};
    tm_init(&m, 1, base, size, mov, NULL, 0, 0);
    struct zone_info z;
    page_alloc_zone_info(m.pa, 0, ZONE_DMA, &z);
    ck_assert(z.populated);
    ck_assert_uint_eq(z.start_pfn, 0);
    ck_assert_uint_eq(z.spanned, 4096);
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    ck_assert_uint_eq(z.start_pfn, 4096);
    ck_assert_uint_eq(z.spanned, (4 * GiB - 16 * MiB) / 4096);
    page_alloc_zone_info(m.pa, 0, ZONE_NORMAL, &z);
    ck_assert_uint_eq(z.start_pfn, 4 * GiB / 4096);
    ck_assert_uint_eq(z.spanned, GiB / 4096);
    page_alloc_zone_info(m.pa, 0, ZONE_MOVABLE, &z);
    ck_assert_uint_eq(z.start_pfn, 5 * GiB / 4096);
    ck_assert_uint_eq(z.spanned, GiB / 4096);
    ck_assert_uint_eq(z.managed, GiB / 4096);
    ck_assert_uint_eq(page_alloc_node_free_bytes(m.pa, 0), 6 * GiB);
    tm_check(&m);
    tm_destroy(&m);

    /* RISC-V style: DRAM at 2 GiB, 2 GiB of it: all DMA32, no DMA, no
     * NORMAL.  A 3 MiB movablecore rounds its start up to a 4 MiB block
     * boundary, which is the end of the node: no MOVABLE zone. */
    uint64_t base2[] = {DRAM}, size2[] = {2 * GiB}, mov2[] = {3 * MiB};
    tm_init(&m, 1, base2, size2, mov2, NULL, 0, 0);
    page_alloc_zone_info(m.pa, 0, ZONE_DMA, &z);
    ck_assert(!z.populated);
    page_alloc_zone_info(m.pa, 0, ZONE_NORMAL, &z);
    ck_assert(!z.populated);
    page_alloc_zone_info(m.pa, 0, ZONE_MOVABLE, &z);
    ck_assert(!z.populated);
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    ck_assert_uint_eq(z.spanned, 2 * GiB / 4096);
    /* A fresh 2 GiB zone: 512 free 4 MiB blocks, nothing smaller. */
    ck_assert_uint_eq(z.nr_free[10], 512);
    for (unsigned o = 0; o < 10; o++)
        ck_assert_uint_eq(z.nr_free[o], 0);
    tm_destroy(&m);
}
END_TEST

START_TEST(gfp_zone_choice)
{
    /* Linux's gfp_zone(): MOVABLE needs __GFP_MOVABLE with __GFP_HIGHMEM. */
    ck_assert_int_eq(gfp_zone(GFP_KERNEL), ZONE_NORMAL);
    ck_assert_int_eq(gfp_zone(GFP_USER), ZONE_NORMAL);
    ck_assert_int_eq(gfp_zone(GFP_KERNEL | __GFP_MOVABLE), ZONE_NORMAL);
    ck_assert_int_eq(gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_MOVABLE);
    ck_assert_int_eq(gfp_zone(GFP_KERNEL | GFP_DMA), ZONE_DMA);
    ck_assert_int_eq(gfp_zone(GFP_KERNEL | GFP_DMA32), ZONE_DMA32);
    ck_assert_str_eq(zone_name(ZONE_DMA32), "DMA32");
    ck_assert_str_eq(zone_name(ZONE_NORMAL), "Normal");
    ck_assert_str_eq(zone_name(ZONE_MOVABLE), "Movable");

    struct tmachine m;
    uint64_t base[] = {0}, size[] = {6 * GiB}, mov[] = {1 * GiB};
    tm_init(&m, 1, base, size, mov, NULL, 0, 0);
    uint64_t pfn;
    /* The highest allowed zone first. */
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_HIGHUSER_MOVABLE, 0, 0, NULL, &pfn), MMSIM_OK);
    ck_assert_uint_ge(pfn, 5 * GiB / 4096);
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 0, 0, NULL, &pfn), MMSIM_OK);
    ck_assert(pfn >= 4 * GiB / 4096 && pfn < 5 * GiB / 4096);
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL | GFP_DMA32, 0, 0, NULL, &pfn), MMSIM_OK);
    ck_assert(pfn >= 4096 && pfn < 4 * GiB / 4096);
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL | GFP_DMA, 0, 0, NULL, &pfn), MMSIM_OK);
    ck_assert_uint_lt(pfn, 4096);
    tm_destroy(&m);
}
END_TEST

/* ---- Watermarks ------------------------------------------------------------- */

START_TEST(watermarks_linux_formula)
{
    /* One 1 GiB DMA32 zone (262144 pages).  min_free_kbytes =
     * sqrt(1048576 KiB * 16) = 4096 KiB = 1024 pages, all of it this zone's
     * min; low = min + max(min/4 = 256, 0.1% of 262144 = 262) = 1286;
     * high = low + 262 = 1548. */
    struct tmachine m;
    uint64_t base[] = {DRAM}, size[] = {GiB};
    tm_init(&m, 1, base, size, NULL, NULL, 0, 0);
    ck_assert_uint_eq(page_alloc_min_free_kbytes(m.pa), 4096);
    struct zone_info z;
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    ck_assert_uint_eq(z.wmark_min, 1024);
    ck_assert_uint_eq(z.wmark_low, 1286);
    ck_assert_uint_eq(z.wmark_high, 1548);
    tm_destroy(&m);

    /* Two nodes: 1 GiB at 2 GiB (DMA32), 3 GiB at 3 GiB (1 GiB DMA32 +
     * 2 GiB NORMAL), plus 64 MiB movable at the top of node 1.  Lowmem
     * (zones below MOVABLE) = 4 GiB - 64 MiB = 1032192 pages =
     * 4128768 KiB; sqrt(4128768 * 16) = 8127 KiB -> 2031 pages shared in
     * proportion: node 0 DMA32 2031 * 262144 / 1032192 = 515, node 1
     * NORMAL 2031 * 507904 / 1032192 = 999.  MOVABLE (16384 pages) gets
     * clamp(16384 / 1024, 32, 128) = 32 as min; its low/high step is
     * max(share / 4, 0.1%) where share = 2031 * 16384 / 1032192 = 32,
     * so max(8, 16) = 16. */
    uint64_t base2[] = {DRAM, 3 * GiB}, size2[] = {GiB, 3 * GiB}, mov2[] = {0, 64 * MiB};
    tm_init(&m, 2, base2, size2, mov2, NULL, 0, 0);
    ck_assert_uint_eq(page_alloc_min_free_kbytes(m.pa), 8127);
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    ck_assert_uint_eq(z.wmark_min, 515);
    ck_assert_uint_eq(z.wmark_low, 515 + 262);          /* max(128, 262) */
    page_alloc_zone_info(m.pa, 1, ZONE_NORMAL, &z);
    ck_assert_uint_eq(z.spanned, (2 * GiB - 64 * MiB) / 4096);
    ck_assert_uint_eq(z.wmark_min, 999);
    ck_assert_uint_eq(z.wmark_low, 999 + 507);          /* max(249, 507) */
    ck_assert_uint_eq(z.wmark_high, 999 + 2 * 507);
    page_alloc_zone_info(m.pa, 1, ZONE_MOVABLE, &z);
    ck_assert_uint_eq(z.wmark_min, 32);
    ck_assert_uint_eq(z.wmark_low, 48);
    ck_assert_uint_eq(z.wmark_high, 64);
    tm_destroy(&m);

    /* An explicit min_free_kbytes replaces the derived one. */
    tm_init(&m, 1, base, size, NULL, NULL, 0, 1024);
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    ck_assert_uint_eq(z.wmark_min, 256);
    tm_destroy(&m);
}
END_TEST

START_TEST(watermark_behaviour)
{
    /* Same 1 GiB zone: min 1024, low 1286.  The fast path needs the low
     * watermark; the slow path (no reclaim to do) the min one, so a
     * GFP_KERNEL caller stops with exactly `min` pages left.  GFP_ATOMIC
     * (__GFP_HIGH, cannot wait) may go to min - min/2 - (min/2)/4 = 384;
     * __GFP_HIGH alone to min/2 = 512; __GFP_MEMALLOC to the last page. */
    struct tmachine m;
    uint64_t base[] = {DRAM}, size[] = {GiB};
    tm_init(&m, 1, base, size, NULL, NULL, 0, 0);
    struct tm_snap boot, now;
    tm_snap(&m, &boot);
    const uint64_t total = GiB / 4096;
    uint64_t *pfns = malloc(total * sizeof(*pfns)), n = 0;
    while (page_alloc_pages(m.pa, GFP_KERNEL, 0, 0, NULL, &pfns[n]) == MMSIM_OK)
        n++;
    ck_assert_uint_eq(n, total - 1024);
    ck_assert_uint_eq(tm_node_free_pages(&m, 0), 1024);
    /* GFP_NOWAIT cannot wait but is not __GFP_HIGH: the same min. */
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_NOWAIT, 0, 0, NULL, &pfns[n]),
                     MMSIM_ERR_GUEST_NOMEM);
    /* __GFP_HIGH for a caller that can wait: down to 512. */
    while (page_alloc_pages(m.pa, GFP_KERNEL | __GFP_HIGH, 0, 0, NULL, &pfns[n]) == MMSIM_OK)
        n++;
    ck_assert_uint_eq(tm_node_free_pages(&m, 0), 512);
    while (page_alloc_pages(m.pa, GFP_ATOMIC, 0, 0, NULL, &pfns[n]) == MMSIM_OK)
        n++;
    ck_assert_uint_eq(tm_node_free_pages(&m, 0), 384);
    /* __GFP_NOMEMALLOC cancels __GFP_MEMALLOC. */
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_ATOMIC | __GFP_MEMALLOC | __GFP_NOMEMALLOC, 0, 0,
                                      NULL, &pfns[n]),
                     MMSIM_ERR_GUEST_NOMEM);
    while (page_alloc_pages(m.pa, GFP_ANY, 0, 0, NULL, &pfns[n]) == MMSIM_OK)
        n++;
    ck_assert_uint_eq(n, total);
    ck_assert_uint_eq(tm_node_free_pages(&m, 0), 0);
    struct zone_info z;
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    ck_assert_uint_eq(z.alloc_fail, 6);      /* the end of each loop, NOWAIT, NOMEMALLOC */
    tm_check(&m);
    for (uint64_t i = 0; i < n; i++)
        page_free_pages(m.pa, pfns[i], 0);
    tm_snap(&m, &now);
    tm_snap_eq(&boot, &now);

    /* A high-order request must leave more than min free after taking its
     * 2^order pages: with 1024 + 511 free an order-9 request fails, with
     * 1024 + 512 + 1 it succeeds. */
    n = 0;
    while (tm_node_free_pages(&m, 0) > 1024 + 511)
        ck_assert_int_eq(page_alloc_pages(m.pa, GFP_ANY, 0, 0, NULL, &pfns[n++]), MMSIM_OK);
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 9, 0, NULL, &pfns[n]),
                     MMSIM_ERR_GUEST_NOMEM);
    page_free_pages(m.pa, pfns[--n], 0);
    page_free_pages(m.pa, pfns[--n], 0);
    ck_assert_uint_eq(tm_node_free_pages(&m, 0), 1024 + 513);
    /* Enough pages, and a free block of order >= 9 exists: order-0
     * allocations from a fresh zone proceed upwards in address order, so
     * the free pages are the top of the zone (the last 4 MiB block whole,
     * and an order-9 half below it). */
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 9, 0, NULL, &pfns[n]), MMSIM_OK);
    n++;
    for (uint64_t i = 0; i < n; i++)
        page_free_pages(m.pa, pfns[i], i == n - 1 ? 9 : 0);
    tm_snap(&m, &now);
    tm_snap_eq(&boot, &now);
    tm_check(&m);
    free(pfns);
    tm_destroy(&m);
}
END_TEST

/* ---- The buddy system -------------------------------------------------------- */

START_TEST(split_64_to_8)
{
    /* The seed's example: 8 pages from a 64-page block.  64 -> 32 + [32],
     * 32 -> 16 + [16], 16 -> 8 + [8]: one free block each of orders 5, 4
     * and 3; the caller gets the lowest 8 pages.  Freeing merges back. */
    struct tmachine m;
    uint64_t base[] = {DRAM}, size[] = {64 * 4096};
    tm_init(&m, 1, base, size, NULL, NULL, 7, 0);      /* orders 0..6 */
    struct zone_info z;
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    const uint64_t boot[7] = {0, 0, 0, 0, 0, 0, 1};
    for (unsigned o = 0; o < 7; o++)
        ck_assert_uint_eq(z.nr_free[o], boot[o]);
    uint64_t pfn;
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_ANY, 3, 0, NULL, &pfn), MMSIM_OK);
    ck_assert_uint_eq(pfn, DRAM / 4096);
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    const uint64_t split[7] = {0, 0, 0, 1, 1, 1, 0};
    for (unsigned o = 0; o < 7; o++)
        ck_assert_uint_eq(z.nr_free[o], split[o]);
    ck_assert_uint_eq(z.free_pages, 56);
    tm_check(&m);
    /* The next order-3 request takes the free order-3 buddy, no split. */
    uint64_t pfn2;
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_ANY, 3, 0, NULL, &pfn2), MMSIM_OK);
    ck_assert_uint_eq(pfn2, pfn + 8);
    page_free_pages(m.pa, pfn, 3);
    page_free_pages(m.pa, pfn2, 3);
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    for (unsigned o = 0; o < 7; o++)
        ck_assert_uint_eq(z.nr_free[o], boot[o]);
    /* Every order 0..6 can be allocated; order 7 does not exist. */
    for (unsigned o = 0; o < 7; o++) {
        ck_assert_int_eq(page_alloc_pages(m.pa, GFP_ANY, o, 0, NULL, &pfn), MMSIM_OK);
        ck_assert_uint_eq(pfn % (1u << o), 0);
        page_free_pages(m.pa, pfn, o);
    }
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_ANY, 7, 0, NULL, &pfn), MMSIM_ERR_INVALID);
    tm_check(&m);
    tm_destroy(&m);
}
END_TEST

/* Two nodes with unaligned edges: node 0 from 0 to 24 MiB + 12 KiB (DMA and
 * a DMA32 zone whose end is not block aligned), node 1 after it for 28 MiB
 * with 8 MiB movable (its start is not aligned either). */
static void odd_machine(struct tmachine *m)
{
    uint64_t base[] = {0, 24 * MiB + 12 * KiB}, size[] = {24 * MiB + 12 * KiB, 28 * MiB};
    uint64_t mov[] = {0, 8 * MiB};
    tm_init(m, 2, base, size, mov, NULL, 0, 0);
}

START_TEST(odd_layout_boot_state)
{
    struct tmachine m;
    odd_machine(&m);
    tm_check(&m);
    /* Node 0 DMA32 = [4096, 6147): blocks 4096+1024+512+256+128+64+32+16+
     * 8+4+2+1 greedy from pfn 4096: 2 of order 10 (4096, 5120), then
     * 6144 order 1, 6146 order 0. */
    struct zone_info z;
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    ck_assert_uint_eq(z.spanned, 2051);
    ck_assert_uint_eq(z.nr_free[10], 2);
    ck_assert_uint_eq(z.nr_free[1], 1);
    ck_assert_uint_eq(z.nr_free[0], 1);
    ck_assert_uint_eq(z.free_pages, 2051);
    /* Node 1 movable starts at roundup(52 MiB + 12 KiB - 8 MiB, 4 MiB) =
     * 48 MiB. */
    page_alloc_zone_info(m.pa, 1, ZONE_MOVABLE, &z);
    ck_assert_uint_eq(z.start_pfn, 48 * MiB / 4096);
    ck_assert_uint_eq(z.spanned, 4 * MiB / 4096 + 3);
    tm_destroy(&m);
}
END_TEST

START_TEST(split_merge_exact)
{
    /* Allocate every page at order 0, free them in random order: the free
     * lists must come back to exactly the boot state. */
    struct tmachine m;
    odd_machine(&m);
    struct tm_snap boot, now;
    tm_snap(&m, &boot);
    uint64_t total = tm_node_free_pages(&m, 0) + tm_node_free_pages(&m, 1);
    uint64_t *pfns = malloc(total * sizeof(*pfns)), n = 0;
    for (unsigned node = 0; node < 2; node++)
        while (page_alloc_pages(m.pa, GFP_HIGHUSER_MOVABLE | __GFP_MEMALLOC | __GFP_THISNODE, 0,
                                node, NULL, &pfns[n]) == MMSIM_OK)
            n++;
    ck_assert_uint_eq(n, total);
    for (unsigned node = 0; node < 2; node++)
        ck_assert_uint_eq(tm_node_free_pages(&m, node), 0);
    tm_check(&m);
    uint64_t seed = 42;
    for (uint64_t i = n - 1; i > 0; i--) {
        uint64_t j = tm_rand(&seed) % (i + 1), t = pfns[i];
        pfns[i] = pfns[j];
        pfns[j] = t;
    }
    for (uint64_t i = 0; i < n; i++)
        page_free_pages(m.pa, pfns[i], 0);
    tm_snap(&m, &now);
    tm_snap_eq(&boot, &now);
    tm_check(&m);
    free(pfns);
    tm_destroy(&m);
}
END_TEST

START_TEST(random_mixed_orders)
{
    /* Random allocations (orders 0..10, biased small, random zones and
     * nodes) and frees, with the invariant checker after every operation. */
    struct tmachine m;
    odd_machine(&m);
    page_alloc_set_paranoid(m.pa, true);
    struct tm_snap boot, now;
    tm_snap(&m, &boot);
    enum { CAP = 4096 };
    uint64_t pfn[CAP];
    unsigned order[CAP], live = 0, fails = 0;
    static const unsigned gfps[] = {GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | GFP_DMA,
                                    GFP_KERNEL | GFP_DMA32, GFP_ATOMIC, GFP_ANY};
    uint64_t seed = 7;
    for (unsigned step = 0; step < 6000; step++) {
        uint64_t r = tm_rand(&seed);
        if (live < CAP && (live == 0 || r % 100 < 70)) {
            unsigned o = (unsigned)__builtin_ctzll(tm_rand(&seed) | (1ULL << 10));
            unsigned g = gfps[(r >> 8) % ARRAY_SIZE(gfps)];
            int rc = page_alloc_pages(m.pa, g, o, (unsigned)(r >> 16) % 2, NULL, &pfn[live]);
            if (rc == MMSIM_OK) {
                ck_assert_uint_eq(pfn[live] % (1u << o), 0);
                order[live++] = o;
            } else {
                ck_assert_int_eq(rc, MMSIM_ERR_GUEST_NOMEM);
                fails++;
            }
        } else {
            unsigned i = (unsigned)(r >> 20) % live;
            page_free_pages(m.pa, pfn[i], order[i]);
            ck_assert(!page_alloc_valid_block(m.pa, pfn[i], order[i]));  /* no double free */
            pfn[i] = pfn[--live];
            order[i] = order[live];
        }
    }
    ck_assert_uint_gt(fails, 0);    /* the run did reach exhaustion */
    while (live) {
        live--;
        page_free_pages(m.pa, pfn[live], order[live]);
    }
    tm_snap(&m, &now);
    tm_snap_eq(&boot, &now);
    tm_destroy(&m);
}
END_TEST

START_TEST(checker_finds_corruption)
{
    struct tmachine m;
    uint64_t base[] = {DRAM}, size[] = {64 * 4096};
    tm_init(&m, 1, base, size, NULL, NULL, 7, 0);
    uint64_t pfn;
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_ANY, 0, 0, NULL, &pfn), MMSIM_OK);
    char msg[256];
    ck_assert_int_eq(page_alloc_check(m.pa, msg, sizeof(msg)), 0);
    /* A frame that claims to be a free head without being listed. */
    struct page *p = page_alloc_pfn_to_page(m.pa, pfn);
    ck_assert_ptr_nonnull(p);
    uint16_t saved = p->flags;
    p->flags = PG_buddy;
    ck_assert_int_eq(page_alloc_check(m.pa, msg, sizeof(msg)), -1);
    ck_assert_msg(strstr(msg, "PG_buddy") != NULL, "%s", msg);
    p->flags = saved;
    /* Valid-block checks guard the public free against misuse. */
    ck_assert(page_alloc_valid_block(m.pa, pfn, 0));
    ck_assert(!page_alloc_valid_block(m.pa, pfn, 1));
    ck_assert(!page_alloc_valid_block(m.pa, pfn + 1, 0));
    page_free_pages(m.pa, pfn, 0);
    ck_assert(!page_alloc_valid_block(m.pa, pfn, 0));
    ck_assert_int_eq(page_alloc_check(m.pa, msg, sizeof(msg)), 0);
    tm_destroy(&m);
}
END_TEST

/* ---- Zonelists ---------------------------------------------------------------- */

/* Four nodes in a ring 0-1-2-3-0: neighbours at 21, the opposite node at 31. */
static const uint8_t ring4[16] = {10, 21, 31, 21, 21, 10, 21, 31, 31, 21, 10, 21, 21, 31, 21, 10};

START_TEST(zonelist_order)
{
    struct tmachine m;
    uint64_t base[4], size[4];
    for (unsigned n = 0; n < 4; n++) {
        base[n] = DRAM + n * 64 * MiB;
        size[n] = 64 * MiB;
    }
    tm_init(&m, 4, base, size, NULL, ring4, 0, 0);
    /* Linux's build_zonelists: by distance, +1 for nodes below the local
     * one, +1 for nodes with CPUs (all have one here); ties to the lowest
     * number.  From node 3: nodes 0 and 2 are both 21 + 1 + 1, so 0. */
    static const unsigned expect[4][4] = {{0, 1, 3, 2}, {1, 2, 0, 3}, {2, 3, 1, 0}, {3, 0, 2, 1}};
    for (unsigned n = 0; n < 4; n++) {
        unsigned order[64];
        ck_assert_uint_eq(page_alloc_node_order(m.pa, n, order), 4);
        for (unsigned i = 0; i < 4; i++)
            ck_assert_uint_eq(order[i], expect[n][i]);
    }
    /* Exhaust node 2: its own requests go to node 3 next, unless they say
     * __GFP_THISNODE. */
    uint64_t pfn;
    while (page_alloc_pages(m.pa, GFP_ANY | __GFP_THISNODE, 0, 2, NULL, &pfn) == MMSIM_OK)
        ;
    ck_assert_uint_eq(tm_node_free_pages(&m, 2), 0);
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL | __GFP_THISNODE, 0, 2, NULL, &pfn),
                     MMSIM_ERR_GUEST_NOMEM);
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 0, 2, NULL, &pfn), MMSIM_OK);
    ck_assert_int_eq(physmem_node_of(m.pm, pfn << 12), 3);
    /* An allowed set that excludes node 3 leaves node 1 (distance 21). */
    nodemask_t allow = NODEMASK_OF(0) | NODEMASK_OF(1) | NODEMASK_OF(2);
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 0, 2, &allow, &pfn), MMSIM_OK);
    ck_assert_int_eq(physmem_node_of(m.pm, pfn << 12), 1);
    /* A memory-only node is preferred at equal distance ("headless"
     * nodes first): with node 1 CPU-less, node 0's neighbours 1 and 3 are
     * 21 + 0 + 0 and 21 + 0 + 1, and node 2's are 1: 21 + 1 + 0 and 3:
     * 21 + 0 + 1, a tie that the lower number wins. */
    page_alloc_destroy(m.pa);
    m.nodes[1].ncpus = 0;
    ck_assert_int_eq(page_alloc_create(&m.t, m.pm, &m.pa), MMSIM_OK);
    static const unsigned headless[4][4] = {{0, 1, 3, 2}, {1, 2, 0, 3}, {2, 1, 3, 0},
                                            {3, 0, 2, 1}};
    for (unsigned n = 0; n < 4; n++) {
        unsigned order[64];
        ck_assert_uint_eq(page_alloc_node_order(m.pa, n, order), 4);
        for (unsigned i = 0; i < 4; i++)
            ck_assert_uint_eq(order[i], headless[n][i]);
    }
    tm_destroy(&m);
}
END_TEST

START_TEST(zone_fallback_across_nodes)
{
    /* Node 0 has DMA32 memory (2-3 GiB), node 1 only NORMAL (4-5 GiB).  A
     * DMA32 request preferring node 1 falls back to node 0's DMA32; a
     * GFP_KERNEL request on node 1 stays in its NORMAL zone. */
    struct tmachine m;
    uint64_t base[] = {DRAM, 4 * GiB}, size[] = {GiB, GiB};
    tm_init(&m, 2, base, size, NULL, NULL, 0, 0);
    uint64_t pfn;
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL | GFP_DMA32, 0, 1, NULL, &pfn), MMSIM_OK);
    ck_assert_int_eq(physmem_node_of(m.pm, pfn << 12), 0);
    struct numa_stat s0, s1;
    page_alloc_numa_stat(m.pa, 0, &s0);
    page_alloc_numa_stat(m.pa, 1, &s1);
    /* The preferred zone is the first zone the request may use in node 1's
     * zonelist: node 0's DMA32 itself, so this is a hit, on node 0, by a
     * CPU of node 1. */
    ck_assert_uint_eq(s0.numa_hit, 1);
    ck_assert_uint_eq(s0.other_node, 1);
    ck_assert_uint_eq(s1.numa_foreign, 0);
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 0, 1, NULL, &pfn), MMSIM_OK);
    ck_assert_uint_ge(pfn, 4 * GiB / 4096);
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL | GFP_DMA, 0, 1, NULL, &pfn),
                     MMSIM_ERR_GUEST_NOMEM);
    tm_destroy(&m);
}
END_TEST

/* ---- Views ----------------------------------------------------------------------- */

static char *capture(int (*fn)(const struct page_alloc *, FILE *), const struct page_alloc *pa)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(fn(pa, f), MMSIM_OK);
    fclose(f);
    return buf;
}

START_TEST(extfrag_and_views)
{
    /* 64 pages, orders 0..6: allocate all, free the even frames: 32 free
     * order-0 blocks.  Linux's index for order k is 1 - (1 + free/2^k) /
     * blocks, truncated to thousandths: order 1: 1000 - 17000/32 = 469;
     * 2: 1000 - 9000/32 = 719; 3: 1000 - 5000/32 = 844; 4: 1000 - 3000/32
     * = 907; 5: 1000 - 2000/32 = 938; 6: 1000 - 1500/32 = 954.  Order 0
     * would succeed: -1000. */
    struct tmachine m;
    uint64_t base[] = {DRAM}, size[] = {64 * 4096};
    tm_init(&m, 1, base, size, NULL, NULL, 7, 0);
    char *s = capture(page_alloc_print_buddyinfo, m.pa);
    ck_assert_str_eq(s, "Node 0, zone    DMA32      0      0      0      0      0      0      1 \n");
    free(s);
    ck_assert_int_eq(page_alloc_extfrag_index(m.pa, 0, ZONE_DMA32, 6), -1000);
    uint64_t pfns[64];
    for (unsigned i = 0; i < 64; i++)
        ck_assert_int_eq(page_alloc_pages(m.pa, GFP_ANY, 0, 0, NULL, &pfns[i]), MMSIM_OK);
    /* No free block at all: index 0 (Linux: "0 => lack of memory"). */
    ck_assert_int_eq(page_alloc_extfrag_index(m.pa, 0, ZONE_DMA32, 3), 0);
    for (unsigned i = 0; i < 64; i++)
        if (pfns[i] % 2 == 0)
            page_free_pages(m.pa, pfns[i], 0);
    static const int expect[7] = {-1000, 469, 719, 844, 907, 938, 954};
    for (unsigned o = 0; o < 7; o++)
        ck_assert_int_eq(page_alloc_extfrag_index(m.pa, 0, ZONE_DMA32, o), expect[o]);
    s = capture(page_alloc_print_extfrag, m.pa);
    ck_assert_str_eq(s, "Node 0, zone    DMA32 -1.000  0.469  0.719  0.844  0.907  0.938  0.954 \n");
    free(s);
    s = capture(page_alloc_print_buddyinfo, m.pa);
    ck_assert_str_eq(s, "Node 0, zone    DMA32     32      0      0      0      0      0      0 \n");
    free(s);
    s = capture(page_alloc_print_zoneinfo, m.pa);
    ck_assert_msg(strstr(s, "Node 0, zone    DMA32\n  pages free     32\n") != NULL, "%s", s);
    ck_assert_msg(strstr(s, "        spanned  64\n        present  64\n        managed  64\n"), "%s", s);
    ck_assert_msg(strstr(s, "  start_pfn:           524288\n"), "%s", s);
    ck_assert_msg(strstr(s, "Node 0, zone   Normal\n  pages free     0\n"), "%s", s);
    free(s);
    s = capture(page_alloc_print_pagetypeinfo, m.pa);
    ck_assert_msg(strstr(s, "Page block order: 6\nPages per block:  64\n"), "%s", s);
    ck_assert_msg(strstr(s, "Node    0, zone    DMA32, type      Movable     32      0"), "%s", s);
    free(s);
    s = capture(page_alloc_print_numastat, m.pa);
    ck_assert_msg(strstr(s, "numa_hit                      64\n"), "%s", s);
    free(s);
    for (unsigned i = 0; i < 64; i++)
        if (pfns[i] % 2)
            page_free_pages(m.pa, pfns[i], 0);
    tm_check(&m);
    tm_destroy(&m);
}
END_TEST

/* ---- Scale ------------------------------------------------------------------------ */

START_TEST(terabyte_machine_is_lazy)
{
    /* 8 nodes x 128 GiB: creation must not touch per-page state. */
    struct tmachine m;
    uint64_t base[8], size[8];
    for (unsigned n = 0; n < 8; n++) {
        base[n] = DRAM + n * 128 * GiB;
        size[n] = 128 * GiB;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tm_init(&m, 8, base, size, NULL, NULL, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    ck_assert_msg(secs < 0.5, "1 TiB machine took %.3f s", secs);
    for (unsigned n = 0; n < 8; n++)
        ck_assert_uint_eq(page_alloc_node_free_bytes(m.pa, n), 128 * GiB);
    /* Node 0: DMA32 2-4 GiB = 512 blocks of 4 MiB, NORMAL the rest. */
    struct zone_info z;
    page_alloc_zone_info(m.pa, 0, ZONE_DMA32, &z);
    ck_assert_uint_eq(z.nr_free[10], 512);
    page_alloc_zone_info(m.pa, 0, ZONE_NORMAL, &z);
    ck_assert_uint_eq(z.nr_free[10], 126 * GiB / (4 * MiB));
    uint64_t pfn;
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 0, 7, NULL, &pfn), MMSIM_OK);
    ck_assert_int_eq(physmem_node_of(m.pm, pfn << 12), 7);
    uint8_t *h = physmem_host(m.pm, pfn << 12);
    ck_assert_ptr_nonnull(h);
    h[0] = 1;
    page_free_pages(m.pa, pfn, 0);
    ck_assert_uint_eq(page_alloc_node_free_bytes(m.pa, 7), 128 * GiB);
    ck_assert_ptr_null(physmem_host(m.pm, DRAM - 1));
    ck_assert_ptr_null(physmem_host(m.pm, DRAM + 1024 * GiB));
    ck_assert_int_eq(physmem_node_of(m.pm, DRAM + 1024 * GiB - 1), 7);
    tm_destroy(&m);
}
END_TEST

START_TEST(physmem_holes_and_errors)
{
    /* A hole between the nodes is not DRAM. */
    struct tmachine m;
    uint64_t base[] = {DRAM, DRAM + 1 * GiB}, size[] = {256 * MiB, 256 * MiB};
    tm_init(&m, 2, base, size, NULL, NULL, 0, 0);
    ck_assert_ptr_nonnull(physmem_host(m.pm, DRAM + 256 * MiB - 1));
    ck_assert_ptr_null(physmem_host(m.pm, DRAM + 256 * MiB));
    ck_assert_ptr_nonnull(physmem_host(m.pm, DRAM + GiB));
    ck_assert_int_eq(physmem_node_of(m.pm, DRAM + GiB), 1);
    ck_assert_int_eq(physmem_node_of(m.pm, DRAM + 512 * MiB), -1);
    uint8_t *h = physmem_host(m.pm, DRAM + GiB);
    h[5] = 7;
    physmem_discard(m.pm, DRAM + GiB, 4096);
    ck_assert_uint_eq(h[5], 0);
    tm_destroy(&m);

    /* Overlapping or unaligned nodes are refused. */
    struct mmsim_topology t = {0};
    struct topo_node nodes[2] = {{.mem_base = DRAM, .mem_size = GiB},
                                 {.mem_base = DRAM + GiB / 2, .mem_size = GiB}};
    t.nnodes = 2;
    t.nodes = nodes;
    struct physmem *pm;
    ck_assert_int_eq(physmem_create(&t, &pm), MMSIM_ERR_TOPOLOGY);
    ck_assert_ptr_null(pm);
    nodes[1].mem_base = DRAM + GiB + 100;
    ck_assert_int_eq(physmem_create(&t, &pm), MMSIM_ERR_TOPOLOGY);
    physmem_destroy(NULL);
    page_alloc_destroy(NULL);
}
END_TEST


/* ---- Public API --------------------------------------------------------------------- */

static int paddr_node(mmsim_machine *m, uint64_t paddr)
{
    const mmsim_topology *t = mmsim_machine_topology(m);
    for (unsigned n = 0; n < mmsim_topology_node_count(t); n++) {
        mmsim_node_info ni;
        ck_assert_int_eq(mmsim_topology_node_info(t, n, &ni), MMSIM_OK);
        if (paddr >= ni.mem_base && paddr < ni.mem_base + ni.mem_size)
            return (int)n;
    }
    return -1;
}

START_TEST(public_api)
{
    mmsim_topology *t;
    char err[256];
    ck_assert_int_eq(mmsim_topology_bundled("numa-4s-ring", &t, err, sizeof(err)), MMSIM_OK);
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(t, 0, &m), MMSIM_OK);
    mmsim_topology_destroy(t);

    /* Default policy: the CPU's node (CPUs 4-7 are node 1). */
    uint64_t pa, pb, pc;
    ck_assert_int_eq(mmsim_page_alloc(m, NULL, 5, MMSIM_GFP_KERNEL, 0, 0, &pa), MMSIM_OK);
    ck_assert_int_eq(paddr_node(m, pa), 1);
    ck_assert_uint_eq(pa % 4096, 0);
    /* Interleave over {0,2}: index 0 -> node 0, index 1 -> node 2. */
    mmsim_mempolicy il = {.mode = MMSIM_MPOL_INTERLEAVE, .nodes = 0x5};
    ck_assert_int_eq(mmsim_page_alloc(m, &il, 0, 0, 9, 0, &pb), MMSIM_OK);
    ck_assert_int_eq(paddr_node(m, pb), 0);
    ck_assert_uint_eq(pb % (4096 << 9), 0);
    ck_assert_int_eq(mmsim_page_alloc(m, &il, 0, MMSIM_GFP_HIGHUSER_MOVABLE, 0, 1, &pc), MMSIM_OK);
    ck_assert_int_eq(paddr_node(m, pc), 2);
    mmsim_numa_stat ns;
    ck_assert_int_eq(mmsim_memory_numa_stat(m, 2, &ns), MMSIM_OK);
    ck_assert_uint_eq(ns.interleave_hit, 1);
    ck_assert_uint_eq(ns.numa_hit, 1);
    ck_assert_uint_eq(ns.other_node, 1);
    uint64_t v;
    ck_assert_int_eq(mmsim_stats_get(m, "node1.numa_hit", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(mmsim_stats_get(m, "node1.normal.pgalloc", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 1);

    /* Misuse is an error code with a message, never an abort. */
    mmsim_mempolicy bad = {.mode = MMSIM_MPOL_BIND};
    ck_assert_int_eq(mmsim_page_alloc(m, &bad, 0, 0, 0, 0, &pc), MMSIM_ERR_INVALID);
    ck_assert_msg(strstr(mmsim_machine_errmsg(m), "invalid memory policy"), "%s",
                  mmsim_machine_errmsg(m));
    ck_assert_int_eq(mmsim_page_alloc(m, NULL, 16, 0, 0, 0, &pc), MMSIM_ERR_RANGE);
    ck_assert_int_eq(mmsim_page_alloc(m, NULL, 0, 0, 11, 0, &pc), MMSIM_ERR_RANGE);
    ck_assert_int_eq(mmsim_page_alloc(m, NULL, 0, 0, 0, 0, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_page_free(m, pb, 0), MMSIM_ERR_INVALID);       /* wrong order */
    ck_assert_int_eq(mmsim_page_free(m, pb + 4096, 9), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_page_free(m, pb, 9), MMSIM_OK);
    ck_assert_int_eq(mmsim_page_free(m, pb, 9), MMSIM_ERR_INVALID);       /* double free */
    ck_assert_int_eq(mmsim_page_free(m, 0x1000, 0), MMSIM_ERR_INVALID);   /* not DRAM */
    ck_assert_int_eq(mmsim_page_free(m, pa, 0), MMSIM_OK);
    ck_assert_int_eq(mmsim_page_free(m, pc, 0), MMSIM_OK);
    /* A frame the guest kernel allocated is not the harness's to free:
     * freeing it here would double-free it when the kernel lets it go. */
    uint64_t kpfn;
    ck_assert_int_eq(page_alloc_pages(m->page_alloc, GFP_KERNEL, 0, 0, NULL, &kpfn), MMSIM_OK);
    ck_assert_int_eq(mmsim_page_free(m, kpfn << 12, 0), MMSIM_ERR_INVALID);
    ck_assert_msg(strstr(mmsim_machine_errmsg(m), "not allocated with mmsim_page_alloc"), "%s",
                  mmsim_machine_errmsg(m));
    page_free_pages(m->page_alloc, kpfn, 0);

    /* Back to the boot state: node 0 = 2 GiB DMA32 (2-4 GiB) + 6 GiB NORMAL. */
    mmsim_zone_info zi;
    ck_assert_int_eq(mmsim_memory_zone_info(m, 0, MMSIM_ZONE_DMA32, &zi), MMSIM_OK);
    ck_assert(zi.populated);
    ck_assert_uint_eq(zi.orders, 11);
    ck_assert_uint_eq(zi.free_blocks[10], 512);
    ck_assert_uint_eq(zi.free_blocks[9], 0);
    ck_assert_int_eq(mmsim_memory_zone_info(m, 0, MMSIM_ZONE_MOVABLE, &zi), MMSIM_OK);
    ck_assert(!zi.populated);
    ck_assert_int_eq(mmsim_memory_zone_info(m, 4, 0, &zi), MMSIM_ERR_RANGE);
    ck_assert_int_eq(mmsim_memory_zone_info(m, 0, 4, &zi), MMSIM_ERR_RANGE);
    ck_assert_str_eq(mmsim_zone_name(MMSIM_ZONE_NORMAL), "Normal");
    ck_assert_ptr_null(mmsim_zone_name(4));

    /* Views. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    for (int view = MMSIM_VIEW_BUDDYINFO; view <= MMSIM_VIEW_NUMASTAT; view++)
        ck_assert_int_eq(mmsim_memory_print(m, f, (mmsim_memory_view)view, MMSIM_FORMAT_TEXT),
                         MMSIM_OK);
    ck_assert_int_eq(mmsim_memory_print(m, f, (mmsim_memory_view)9, MMSIM_FORMAT_TEXT),
                     MMSIM_ERR_INVALID);
    fclose(f);
    ck_assert_msg(strstr(buf, "Node 3, zone   Normal      0      0      0      0      0      0"
                              "      0      0      0      0   2048 \n"),
                  "%s", buf);
    free(buf);
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(mmsim_memory_print(m, f, MMSIM_VIEW_ZONEINFO, MMSIM_FORMAT_JSON), MMSIM_OK);
    fclose(f);
    json_error_t jerr;
    json_t *root = json_loads(buf, 0, &jerr);
    ck_assert_msg(root != NULL, "%s", jerr.text);
    ck_assert_uint_eq(json_array_size(json_object_get(root, "nodes")), 4);
    json_t *z0 = json_array_get(json_object_get(json_array_get(json_object_get(root, "nodes"), 0),
                                                "zones"),
                                0);
    ck_assert_str_eq(json_string_value(json_object_get(z0, "zone")), "DMA32");
    ck_assert_int_eq(json_integer_value(json_object_get(z0, "free_pages")), 524288);
    json_decref(root);
    free(buf);
    mmsim_machine_destroy(m);
}
END_TEST


/* ---- pcp lists (Linux's per-CPU pagesets) --------------------------------- */

/* 1 GiB of ZONE_NORMAL at 4 GiB, min_free_kbytes 1024: min 256 pages,
 * gap max(256/4, 262144 * 10 / 10000) = 262, low 518.  Linux's
 * zone_batchsize: min(262144 >> 10, 256) / 4 = 64, 64 + 32 = 96 -> 64 - 1
 * = 63; zone_highsize: max(low 518, 4 * 63) = 518. */
#define PCP_BATCH 63u
#define PCP_HIGH 518u
#define PCP_ZONE_PAGES 262144u

static void pcp_machine(struct tmachine *m, unsigned nnodes, bool pcp)
{
    const uint64_t base[2] = {4ULL << 30, 5ULL << 30}, size[2] = {1ULL << 30, 1ULL << 30};
    tm_init_pcp(m, nnodes, base, size, NULL, NULL, 0, 1024, pcp);
    page_alloc_set_paranoid(m->pa, false);
}

static void zone_of(struct tmachine *m, unsigned n, struct zone_info *zi)
{
    page_alloc_zone_info(m->pa, n, ZONE_NORMAL, zi);
}

START_TEST(pcp_refill_by_batch)
{
    struct tmachine m;
    pcp_machine(&m, 1, true);
    struct zone_info zi;
    zone_of(&m, 0, &zi);
    ck_assert_uint_eq(zi.wmark_low, PCP_HIGH);
    ck_assert_uint_eq(zi.pcp_batch, PCP_BATCH);
    ck_assert_uint_eq(zi.pcp_high, PCP_HIGH);
    ck_assert_uint_eq(zi.pcp_count, 0);
    uint64_t pfn[PCP_BATCH + 1];
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 0, 0, NULL, &pfn[0]), MMSIM_OK);
    zone_of(&m, 0, &zi);
    /* One refill of `batch` frames; one handed out, the rest listed. */
    ck_assert_uint_eq(zi.free_pages, PCP_ZONE_PAGES - PCP_BATCH);
    ck_assert_uint_eq(zi.pcp_count, PCP_BATCH - 1);
    ck_assert_uint_eq(zi.pgalloc, 1);
    /* The refill took the lowest frames in order: handed out in order. */
    for (unsigned i = 1; i < PCP_BATCH; i++) {
        ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 0, 0, NULL, &pfn[i]), MMSIM_OK);
        ck_assert_uint_eq(pfn[i], pfn[0] + i);
    }
    zone_of(&m, 0, &zi);
    ck_assert_uint_eq(zi.pcp_count, 0);
    ck_assert_uint_eq(zi.free_pages, PCP_ZONE_PAGES - PCP_BATCH);
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 0, 0, NULL, &pfn[PCP_BATCH]), MMSIM_OK);
    zone_of(&m, 0, &zi);
    ck_assert_uint_eq(zi.free_pages, PCP_ZONE_PAGES - 2 * PCP_BATCH);
    ck_assert_uint_eq(zi.pcp_count, PCP_BATCH - 1);
    /* A freed frame is the next one handed out (hot end). */
    page_free_pages(m.pa, pfn[5], 0);
    ck_assert(!page_alloc_valid_block(m.pa, pfn[5], 0));
    uint64_t again;
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 0, 0, NULL, &again), MMSIM_OK);
    ck_assert_uint_eq(again, pfn[5]);
    /* Higher orders bypass the lists. */
    uint64_t big;
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 3, 0, NULL, &big), MMSIM_OK);
    zone_of(&m, 0, &zi);
    ck_assert_uint_eq(zi.pcp_count, PCP_BATCH - 1);
    ck_assert_uint_eq(zi.free_pages, PCP_ZONE_PAGES - 2 * PCP_BATCH - 8);
    tm_check(&m);
    char *text = capture(page_alloc_print_zoneinfo, m.pa);
    ck_assert_ptr_nonnull(strstr(text, "  pagesets\n    cpu: node0\n              count: 62\n"
                                       "              high:  518\n              batch: 63\n"));
    free(text);
    tm_destroy(&m);
}
END_TEST

START_TEST(pcp_spill_at_high)
{
    enum { N = 600 };
    struct tmachine m;
    pcp_machine(&m, 1, true);
    static uint64_t pfn[N];
    for (unsigned i = 0; i < N; i++)
        ck_assert_int_eq(page_alloc_pages(m.pa, GFP_KERNEL, 0, 0, NULL, &pfn[i]), MMSIM_OK);
    struct zone_info zi;
    zone_of(&m, 0, &zi);
    /* ceil(600 / 63) = 10 refills: 630 taken, 30 left on the list. */
    ck_assert_uint_eq(zi.pcp_count, 30);
    ck_assert_uint_eq(zi.free_pages, PCP_ZONE_PAGES - 630);
    /* Each free adds one; reaching high (518) returns a batch (63): 30 +
     * 488 frees reach 518 -> 455; 63 more -> 518 -> 455; the last 49 -> 504. */
    uint64_t spills = 0, last = zi.pcp_count;
    for (unsigned i = 0; i < N; i++) {
        page_free_pages(m.pa, pfn[i], 0);
        zone_of(&m, 0, &zi);
        ck_assert_uint_lt(zi.pcp_count, PCP_HIGH);
        ck_assert_uint_eq(zi.free_pages + zi.pcp_count + (N - 1 - i), PCP_ZONE_PAGES);
        if (zi.pcp_count < last) {
            spills++;
            ck_assert_uint_eq(zi.pcp_count, PCP_HIGH - PCP_BATCH);
        }
        last = zi.pcp_count;
    }
    ck_assert_uint_eq(spills, 2);
    ck_assert_uint_eq(zi.pcp_count, 504);
    ck_assert_uint_eq(zi.pgfree, N);
    tm_check(&m);
    tm_destroy(&m);
}
END_TEST

/* Randomised mixed orders with the checker run every 500 steps (paranoid
 * mode on 2 GiB is too slow for sanitizer builds): free everything, drain,
 * and the lists are exactly the boot state. */
START_TEST(pcp_drain_returns_everything)
{
    enum { N = 3000 };
    struct tmachine m;
    pcp_machine(&m, 2, true);
    struct tm_snap boot, now;
    tm_snap(&m, &boot);
    static uint64_t pfn[N];
    static unsigned ord[N];
    unsigned n = 0;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (unsigned step = 0; step < 2 * N; step++) {
        if (step % 500 == 0)
            tm_check(&m);
        uint64_t r = tm_rand(&seed);
        if (n < N && (r & 3) != 0) {
            unsigned o = (r >> 8) % 8 == 0 ? (unsigned)(r >> 16) % 5 : 0;
            if (page_alloc_pages(m.pa, GFP_KERNEL, o, (unsigned)(r >> 24) & 1, NULL,
                                 &pfn[n]) == MMSIM_OK)
                ord[n++] = o;
        } else if (n) {
            unsigned k = (unsigned)((r >> 32) % n);
            page_free_pages(m.pa, pfn[k], ord[k]);
            pfn[k] = pfn[--n];
            ord[k] = ord[n];
        }
    }
    while (n) {
        n--;
        page_free_pages(m.pa, pfn[n], ord[n]);
    }
    struct zone_info zi;
    zone_of(&m, 0, &zi);
    ck_assert_uint_gt(zi.pcp_count, 0);
    page_alloc_drain(m.pa);
    for (unsigned nd = 0; nd < 2; nd++) {
        zone_of(&m, nd, &zi);
        ck_assert_uint_eq(zi.pcp_count, 0);
    }
    tm_snap(&m, &now);
    tm_snap_eq(&boot, &now);
    tm_check(&m);
    tm_destroy(&m);
}
END_TEST

/* pgalloc, pgfree and the NUMA counters count the caller's allocations and
 * frees whether or not pcp lists sit in between. */
START_TEST(pcp_counters_unchanged)
{
    struct numa_stat ns[2][2];
    struct zone_info zs[2][2];
    for (int pcp = 0; pcp < 2; pcp++) {
        struct tmachine m;
        pcp_machine(&m, 2, pcp);
        uint64_t pfn[300];
        const nodemask_t only1 = NODEMASK_OF(1);
        for (unsigned i = 0; i < 300; i++) {
            /* 100 local on node 0; 100 from node 1's CPU preferring 0;
             * 100 preferring node 0 but bound to node 1. */
            int rc = i < 100   ? page_alloc_pages_local(m.pa, GFP_KERNEL, 0, 0, NULL, 0, &pfn[i])
                     : i < 200 ? page_alloc_pages_local(m.pa, GFP_KERNEL, 0, 0, NULL, 1, &pfn[i])
                               : page_alloc_pages_local(m.pa, GFP_KERNEL, 0, 0, &only1, 0,
                                                        &pfn[i]);
            ck_assert_int_eq(rc, MMSIM_OK);
        }
        for (unsigned i = 0; i < 300; i += 2)
            page_free_pages(m.pa, pfn[i], 0);
        for (unsigned nd = 0; nd < 2; nd++) {
            page_alloc_numa_stat(m.pa, nd, &ns[pcp][nd]);
            zone_of(&m, nd, &zs[pcp][nd]);
        }
        tm_destroy(&m);
    }
    ck_assert_uint_eq(ns[1][0].numa_hit, 200);
    ck_assert_uint_eq(ns[1][0].local_node, 100);
    ck_assert_uint_eq(ns[1][0].other_node, 100);
    ck_assert_uint_eq(ns[1][0].numa_foreign, 0);
    /* Bound to node 1: its zone is the first allowed in the zonelist, so
     * the preferred zone (a hit, as Linux's preferred_zoneref), by a CPU
     * of node 0. */
    ck_assert_uint_eq(ns[1][1].numa_hit, 100);
    ck_assert_uint_eq(ns[1][1].numa_miss, 0);
    ck_assert_uint_eq(ns[1][1].other_node, 100);
    ck_assert_uint_eq(ns[1][1].local_node, 0);
    for (unsigned nd = 0; nd < 2; nd++) {
        ck_assert_mem_eq(&ns[0][nd], &ns[1][nd], sizeof(ns[0][nd]));
        ck_assert_uint_eq(zs[0][nd].pgalloc, zs[1][nd].pgalloc);
        ck_assert_uint_eq(zs[0][nd].pgfree, zs[1][nd].pgfree);
    }
    ck_assert_uint_eq(zs[1][0].pgfree, 100);
    /* With pcp on, the free count excludes the listed frames (as Linux's
     * NR_FREE_PAGES); with them it is the pcp-off count. */
    for (unsigned nd = 0; nd < 2; nd++)
        ck_assert_uint_eq(zs[1][nd].free_pages + zs[1][nd].pcp_count, zs[0][nd].free_pages);
}
END_TEST

/* A request that can wait never fails while frames sit on pcp lists: the
 * allocator drains them first (Linux drains in the direct-reclaim path);
 * one that cannot wait does not drain, as in Linux. */
START_TEST(pcp_drained_before_failing)
{
    struct tmachine m;
    const uint64_t base[1] = {4ULL << 30}, size[1] = {64ULL << 20};
    tm_init_pcp(&m, 1, base, size, NULL, NULL, 0, 128, true);
    enum { PAGES = 16384 };
    static uint64_t pfn[PAGES];
    unsigned n = 0;
    while (n < PAGES && page_alloc_pages(m.pa, GFP_ANY, 0, 0, NULL, &pfn[n]) == MMSIM_OK)
        n++;
    ck_assert_uint_eq(n, PAGES);
    struct zone_info zi;
    zone_of(&m, 0, &zi);
    ck_assert_uint_eq(zi.free_pages, 0);
    ck_assert_uint_eq(zi.pcp_count, 0);
    /* Give back an aligned buddy pair: both frames stay on the pcp list. */
    uint64_t lo = 0;
    for (unsigned i = 0; i < n; i++)
        if (pfn[i] == zi.start_pfn)
            lo = i;
    ck_assert_uint_eq(pfn[lo], zi.start_pfn);
    page_free_pages(m.pa, zi.start_pfn, 0);
    page_free_pages(m.pa, zi.start_pfn + 1, 0);
    zone_of(&m, 0, &zi);
    ck_assert_uint_eq(zi.pcp_count, 2);
    ck_assert_uint_eq(zi.free_pages, 0);
    uint64_t got;
    /* Cannot wait: no drain, no order-1 block. */
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_ATOMIC | __GFP_MEMALLOC, 1, 0, NULL, &got),
                     MMSIM_ERR_GUEST_NOMEM);
    zone_of(&m, 0, &zi);
    ck_assert_uint_eq(zi.pcp_count, 2);
    ck_assert_uint_eq(zi.alloc_fail, 1);
    /* Can wait: drained, the pair merges, the order-1 request succeeds. */
    ck_assert_int_eq(page_alloc_pages(m.pa, GFP_ANY, 1, 0, NULL, &got), MMSIM_OK);
    ck_assert_uint_eq(got, zi.start_pfn);
    zone_of(&m, 0, &zi);
    ck_assert_uint_eq(zi.pcp_count, 0);
    ck_assert_uint_eq(zi.alloc_fail, 1);
    tm_check(&m);
    page_free_pages(m.pa, got, 1);
    for (unsigned i = 0; i < n; i++)
        if (pfn[i] != zi.start_pfn && pfn[i] != zi.start_pfn + 1)
            page_free_pages(m.pa, pfn[i], 0);
    page_alloc_drain(m.pa);
    zone_of(&m, 0, &zi);
    ck_assert_uint_eq(zi.free_pages, PAGES);
    tm_check(&m);
    tm_destroy(&m);
}
END_TEST

/* The topology key: default on, `kernel: {pcp: false}` off. */
START_TEST(pcp_topology_switch)
{
    for (int on = 0; on < 2; on++) {
        char y[512];
        snprintf(y, sizeof(y),
                 "name: p\nnodes:\n  - {cpus: 1, memory: 1GiB, dram_base: 0x1_0000_0000}\n%s",
                 on ? "" : "kernel: {pcp: false}\n");
        mmsim_topology *t;
        char err[256];
        ck_assert_msg(mmsim_topology_load_string(y, strlen(y), "p.yaml", &t, err,
                                                 sizeof(err)) == MMSIM_OK, "%s", err);
        ck_assert_int_eq(t->pcp, on);
        struct physmem *pm;
        struct page_alloc *pa;
        ck_assert_int_eq(physmem_create(t, &pm), MMSIM_OK);
        ck_assert_int_eq(page_alloc_create(t, pm, &pa), MMSIM_OK);
        uint64_t pfn;
        ck_assert_int_eq(page_alloc_pages(pa, GFP_KERNEL, 0, 0, NULL, &pfn), MMSIM_OK);
        struct zone_info zi;
        page_alloc_zone_info(pa, 0, ZONE_NORMAL, &zi);
        ck_assert_uint_eq(zi.pcp_count, on ? PCP_BATCH - 1 : 0);
        ck_assert_uint_eq(zi.pcp_batch, on ? PCP_BATCH : 0);
        page_free_pages(pa, pfn, 0);
        page_alloc_destroy(pa);
        physmem_destroy(pm);
        mmsim_topology_destroy(t);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("page_alloc");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, zones_by_address);
    tcase_add_test(tc, gfp_zone_choice);
    tcase_add_test(tc, watermarks_linux_formula);
    tcase_add_test(tc, watermark_behaviour);
    tcase_add_test(tc, split_64_to_8);
    tcase_add_test(tc, odd_layout_boot_state);
    tcase_add_test(tc, split_merge_exact);
    tcase_add_test(tc, random_mixed_orders);
    tcase_add_test(tc, checker_finds_corruption);
    tcase_add_test(tc, zonelist_order);
    tcase_add_test(tc, zone_fallback_across_nodes);
    tcase_add_test(tc, extfrag_and_views);
    tcase_add_test(tc, terabyte_machine_is_lazy);
    tcase_add_test(tc, physmem_holes_and_errors);
    tcase_add_test(tc, public_api);
    tcase_add_test(tc, pcp_refill_by_batch);
    tcase_add_test(tc, pcp_spill_at_high);
    tcase_add_test(tc, pcp_drain_returns_everything);
    tcase_add_test(tc, pcp_counters_unchanged);
    tcase_add_test(tc, pcp_drained_before_failing);
    tcase_add_test(tc, pcp_topology_switch);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
