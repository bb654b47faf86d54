/* NUMA memory policies (kernel/mempolicy) on a 4-node ring machine.
 *
 * The machine: nodes 0-1-2-3-0 in a ring (SLIT 10 local, 21 neighbour, 31
 * opposite), 64 MiB each at 0x8000_0000 + n * 64 MiB (one DMA32 zone per
 * node, 16384 pages), one CPU per node.  Linux's numbers for it:
 *  - zonelists (build_zonelists: the node itself, then by distance + 1 for
 *    nodes numbered below it + 1 for nodes with CPUs, ties to the lowest
 *    number): node 0: 0 1 3 2, node 1: 1 2 0 3, node 2: 2 3 1 0,
 *    node 3: 3 0 2 1;
 *  - min_free_kbytes = sqrt(262144 KiB * 16) = 2048 KiB = 512 pages, a
 *    quarter per zone: min 128, low 128 + max(32, 16) = 160.
 * Every expected node and counter below follows from those rules and the
 * policy semantics of set_mempolicy(2)/mbind(2), written down per test. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/mempolicy.h"
#include "page_alloc_testlib.h"
#include "testutil.h"

#define MiB (1ULL << 20)
#define DRAM 0x80000000ULL
#define ZONE_PAGES 16384u
#define WMARK_MIN 128u
#define WMARK_LOW 160u

static const uint8_t ring4[16] = {10, 21, 31, 21, 21, 10, 21, 31, 31, 21, 10, 21, 21, 31, 21, 10};

static void ring_machine(struct tmachine *m)
{
    uint64_t base[4], size[4];
    for (unsigned n = 0; n < 4; n++) {
        base[n] = DRAM + n * 64 * MiB;
        size[n] = 64 * MiB;
    }
    tm_init(m, 4, base, size, NULL, ring4, 0, 0);
    struct zone_info z;
    page_alloc_zone_info(m->pa, 0, ZONE_DMA32, &z);
    ck_assert_uint_eq(z.managed, ZONE_PAGES);
    ck_assert_uint_eq(z.wmark_min, WMARK_MIN);
    ck_assert_uint_eq(z.wmark_low, WMARK_LOW);
}

static int node_of(struct tmachine *m, uint64_t pfn)
{
    return physmem_node_of(m->pm, pfn << PAGE_SHIFT);
}

static struct mempolicy pol(int mode, nodemask_t nodes)
{
    struct mempolicy p;
    nodemask_t all = 0xf;
    ck_assert_int_eq(mempolicy_init_allowed(&p, mode, 0, &nodes, all), 0);
    return p;
}

/* A list of allocated frames, to free them all at the end. */
struct held {
    uint64_t pfn[4 * ZONE_PAGES];
    unsigned n;
};

static int alloc(struct tmachine *m, struct held *h, const struct mempolicy *p, unsigned cpu_node,
                 uint64_t ilx)
{
    uint64_t pfn;
    int rc = mempolicy_alloc(m->pa, p, cpu_node, ilx, GFP_HIGHUSER_MOVABLE, 0, &pfn);
    if (rc == MMSIM_OK) {
        h->pfn[h->n++] = pfn;
        return node_of(m, pfn);
    }
    ck_assert_int_eq(rc, MMSIM_ERR_GUEST_NOMEM);
    return -1;
}

/* Allocate from node n under BIND {n} until it stops: leaves `min` free. */
static void fill_node(struct tmachine *m, struct held *h, unsigned n)
{
    struct mempolicy p = pol(MPOL_BIND, NODEMASK_OF(n));
    while (alloc(m, h, &p, n, 0) >= 0)
        ;
    ck_assert_uint_eq(tm_node_free_pages(m, n), WMARK_MIN);
}

static void release(struct tmachine *m, struct held *h)
{
    while (h->n)
        page_free_pages(m->pa, h->pfn[--h->n], 0);
}

static struct numa_stat stat_of(struct tmachine *m, unsigned n)
{
    struct numa_stat s;
    page_alloc_numa_stat(m->pa, n, &s);
    return s;
}

/* Counter deltas since `before`, for node n. */
static void expect_delta(struct tmachine *m, const struct numa_stat *before, unsigned n,
                         uint64_t hit, uint64_t miss, uint64_t foreign, uint64_t il_hit,
                         uint64_t local, uint64_t other)
{
    struct numa_stat s = stat_of(m, n);
    const struct numa_stat *b = &before[n];
    ck_assert_msg(s.numa_hit - b->numa_hit == hit, "node %u numa_hit +%llu, expected +%llu", n,
                  (unsigned long long)(s.numa_hit - b->numa_hit), (unsigned long long)hit);
    ck_assert_msg(s.numa_miss - b->numa_miss == miss, "node %u numa_miss +%llu, expected +%llu",
                  n, (unsigned long long)(s.numa_miss - b->numa_miss), (unsigned long long)miss);
    ck_assert_msg(s.numa_foreign - b->numa_foreign == foreign,
                  "node %u numa_foreign +%llu, expected +%llu", n,
                  (unsigned long long)(s.numa_foreign - b->numa_foreign),
                  (unsigned long long)foreign);
    ck_assert_msg(s.interleave_hit - b->interleave_hit == il_hit,
                  "node %u interleave_hit +%llu, expected +%llu", n,
                  (unsigned long long)(s.interleave_hit - b->interleave_hit),
                  (unsigned long long)il_hit);
    ck_assert_msg(s.local_node - b->local_node == local, "node %u local_node +%llu, expected +%llu",
                  n, (unsigned long long)(s.local_node - b->local_node), (unsigned long long)local);
    ck_assert_msg(s.other_node - b->other_node == other, "node %u other_node +%llu, expected +%llu",
                  n, (unsigned long long)(s.other_node - b->other_node), (unsigned long long)other);
}

static void snap_stats(struct tmachine *m, struct numa_stat *s)
{
    for (unsigned n = 0; n < 4; n++)
        s[n] = stat_of(m, n);
}

static struct held *held_new(void)
{
    struct held *h = calloc(1, sizeof(*h));
    ck_assert_ptr_nonnull(h);
    return h;
}

/* ---- MPOL_DEFAULT / MPOL_LOCAL ------------------------------------------------ */

START_TEST(default_is_local)
{
    struct tmachine m;
    ring_machine(&m);
    struct held *h = held_new();
    struct numa_stat before[4];
    snap_stats(&m, before);
    /* A zeroed policy is MPOL_DEFAULT; so is NULL.  Local node, a hit and
     * local for node 0. */
    struct mempolicy zero;
    memset(&zero, 0, sizeof(zero));
    for (unsigned i = 0; i < 5; i++) {
        ck_assert_int_eq(alloc(&m, h, &zero, 0, i), 0);
        ck_assert_int_eq(alloc(&m, h, NULL, 0, i), 0);
    }
    expect_delta(&m, before, 0, 10, 0, 0, 0, 10, 0);
    /* A CPU of node 2 allocates on node 2; MPOL_LOCAL is the same. */
    struct mempolicy local = pol(MPOL_LOCAL, 0);
    ck_assert_int_eq(local.mode, MPOL_LOCAL);
    ck_assert_int_eq(alloc(&m, h, NULL, 2, 0), 2);
    ck_assert_int_eq(alloc(&m, h, &local, 2, 0), 2);
    expect_delta(&m, before, 2, 2, 0, 0, 0, 2, 0);
    release(&m, h);
    free(h);
    tm_destroy(&m);
}
END_TEST

START_TEST(default_falls_back_by_distance)
{
    /* Node 0 full (at min): the fast path needs `low` (160), so even
     * with 128 pages left node 0 is skipped and the next node of node 0's
     * zonelist, node 1, serves: numa_miss and other_node on node 1,
     * numa_foreign on node 0 (the preferred node).  Then node 3 (21 away,
     * tied with node 1, which has the lower number), then node 2 (31). */
    struct tmachine m;
    ring_machine(&m);
    struct tm_snap boot, now;
    tm_snap(&m, &boot);
    struct held *h = held_new();
    fill_node(&m, h, 0);
    struct numa_stat before[4];
    snap_stats(&m, before);
    ck_assert_int_eq(alloc(&m, h, NULL, 0, 0), 1);
    expect_delta(&m, before, 1, 0, 1, 0, 0, 0, 1);
    expect_delta(&m, before, 0, 0, 0, 1, 0, 0, 0);
    fill_node(&m, h, 1);
    ck_assert_int_eq(alloc(&m, h, NULL, 0, 0), 3);
    fill_node(&m, h, 3);
    ck_assert_int_eq(alloc(&m, h, NULL, 0, 0), 2);
    fill_node(&m, h, 2);
    /* Every node at min: a GFP_HIGHUSER_MOVABLE request fails. */
    ck_assert_int_eq(alloc(&m, h, NULL, 0, 0), -1);
    release(&m, h);
    tm_snap(&m, &now);
    tm_snap_eq(&boot, &now);
    tm_check(&m);
    free(h);
    tm_destroy(&m);
}
END_TEST

/* ---- MPOL_PREFERRED ----------------------------------------------------------- */

START_TEST(preferred_then_nearest)
{
    struct tmachine m;
    ring_machine(&m);
    struct held *h = held_new();
    struct numa_stat before[4];
    snap_stats(&m, before);
    /* PREFERRED {2} from a CPU of node 0: node 2, a hit there, but not
     * local to the CPU. */
    struct mempolicy p = pol(MPOL_PREFERRED, NODEMASK_OF(2));
    ck_assert_int_eq(alloc(&m, h, &p, 0, 0), 2);
    expect_delta(&m, before, 2, 1, 0, 0, 0, 0, 1);
    /* Only the first node of a preferred set counts. */
    struct mempolicy p13 = pol(MPOL_PREFERRED, NODEMASK_OF(1) | NODEMASK_OF(3));
    ck_assert_uint_eq(p13.nodes, NODEMASK_OF(1));
    ck_assert_int_eq(alloc(&m, h, &p13, 0, 0), 1);
    /* Node 2 exhausted: node 2's zonelist continues with node 3. */
    fill_node(&m, h, 2);
    snap_stats(&m, before);
    ck_assert_int_eq(alloc(&m, h, &p, 0, 0), 3);
    expect_delta(&m, before, 3, 0, 1, 0, 0, 0, 1);
    expect_delta(&m, before, 2, 0, 0, 1, 0, 0, 0);
    /* An empty preferred set is local allocation. */
    struct mempolicy e = pol(MPOL_PREFERRED, 0);
    ck_assert_int_eq(e.mode, MPOL_LOCAL);
    ck_assert_int_eq(alloc(&m, h, &e, 1, 0), 1);
    release(&m, h);
    free(h);
    tm_destroy(&m);
}
END_TEST

/* ---- MPOL_BIND ------------------------------------------------------------------ */

START_TEST(bind_exhaustion_fails_without_leak)
{
    /* BIND {1,2} from a CPU of node 0: node 0's zonelist filtered by the
     * set is 1, 2.  The fast path (low = 160) drains node 1 to 160, then
     * node 2 to 160; the slow path (min = 128) then takes node 1 to 128 and
     * node 2 to 128; then the allocation fails and nodes 0 and 3 were
     * never touched. */
    struct tmachine m;
    ring_machine(&m);
    struct tm_snap boot, now;
    tm_snap(&m, &boot);
    struct held *h = held_new();
    struct numa_stat before[4];
    snap_stats(&m, before);
    struct mempolicy p = pol(MPOL_BIND, NODEMASK_OF(1) | NODEMASK_OF(2));
    const unsigned fast = ZONE_PAGES - WMARK_LOW, slow = WMARK_LOW - WMARK_MIN;
    unsigned count[4] = {0}, i = 0;
    int nd;
    while ((nd = alloc(&m, h, &p, 0, 0)) >= 0) {
        unsigned expect = i < fast ? 1 : i < 2 * fast ? 2 : i < 2 * fast + slow ? 1 : 2;
        ck_assert_msg((unsigned)nd == expect, "allocation %u on node %d, expected %u", i, nd,
                      expect);
        count[nd]++;
        i++;
    }
    ck_assert_uint_eq(i, 2 * (ZONE_PAGES - WMARK_MIN));
    ck_assert_uint_eq(count[0] + count[3], 0);
    ck_assert_uint_eq(tm_node_free_pages(&m, 0), ZONE_PAGES);
    ck_assert_uint_eq(tm_node_free_pages(&m, 3), ZONE_PAGES);
    /* Node 1 is the preferred zone of every attempt: node 2's pages are
     * misses there and foreign to node 1; all are other_node (CPU on 0). */
    const uint64_t per = ZONE_PAGES - WMARK_MIN;
    expect_delta(&m, before, 1, per, 0, per, 0, 0, per);
    expect_delta(&m, before, 2, 0, per, 0, 0, 0, per);
    /* Still failing, and an order-3 request too. */
    ck_assert_int_eq(alloc(&m, h, &p, 0, 0), -1);
    uint64_t pfn;
    ck_assert_int_eq(mempolicy_alloc(m.pa, &p, 0, 0, GFP_KERNEL, 3, &pfn), MMSIM_ERR_GUEST_NOMEM);
    /* Nothing leaked: freeing what was handed out restores the boot state. */
    release(&m, h);
    tm_snap(&m, &now);
    tm_snap_eq(&boot, &now);
    tm_check(&m);
    free(h);
    tm_destroy(&m);
}
END_TEST

START_TEST(bind_prefers_local_when_bound)
{
    struct tmachine m;
    ring_machine(&m);
    struct held *h = held_new();
    struct mempolicy p = pol(MPOL_BIND, NODEMASK_OF(1) | NODEMASK_OF(2));
    /* The CPU's own node when it is in the set. */
    ck_assert_int_eq(alloc(&m, h, &p, 2, 0), 2);
    ck_assert_int_eq(alloc(&m, h, &p, 1, 0), 1);
    /* From node 3 both are 21/31 away: node 3's zonelist is 3 0 2 1, so 2. */
    ck_assert_int_eq(alloc(&m, h, &p, 3, 0), 2);
    /* __GFP_THISNODE with the CPU outside the set: the first bound node. */
    uint64_t pfn;
    ck_assert_int_eq(mempolicy_alloc(m.pa, &p, 0, 0, GFP_KERNEL | __GFP_THISNODE, 0, &pfn),
                     MMSIM_OK);
    ck_assert_int_eq(node_of(&m, pfn), 1);
    page_free_pages(m.pa, pfn, 0);
    release(&m, h);
    free(h);
    tm_destroy(&m);
}
END_TEST

/* ---- MPOL_INTERLEAVE / MPOL_WEIGHTED_INTERLEAVE --------------------------------- */

START_TEST(interleave_round_robin)
{
    struct tmachine m;
    ring_machine(&m);
    struct held *h = held_new();
    struct numa_stat before[4];
    snap_stats(&m, before);
    /* Index i goes to the (i mod 4)-th node; each allocation is an
     * interleave hit and a numa hit on its target; only node 0's are local
     * to the CPU. */
    struct mempolicy all = pol(MPOL_INTERLEAVE, 0xf);
    for (unsigned i = 0; i < 8; i++)
        ck_assert_int_eq(alloc(&m, h, &all, 0, i), (int)(i % 4));
    expect_delta(&m, before, 0, 2, 0, 0, 2, 2, 0);
    for (unsigned n = 1; n < 4; n++)
        expect_delta(&m, before, n, 2, 0, 0, 2, 0, 2);
    /* Over {1,3}: 1 3 1 3.  A VMA policy passes the page offset in the
     * mapping: offset 5 over {0,1,2} is node 5 mod 3 = 2. */
    struct mempolicy odd = pol(MPOL_INTERLEAVE, NODEMASK_OF(1) | NODEMASK_OF(3));
    static const int seq[4] = {1, 3, 1, 3};
    for (unsigned i = 0; i < 4; i++)
        ck_assert_int_eq(alloc(&m, h, &odd, 0, i), seq[i]);
    struct mempolicy three = pol(MPOL_INTERLEAVE, 0x7);
    ck_assert_int_eq(alloc(&m, h, &three, 0, 5), 2);
    ck_assert_uint_eq(mempolicy_interleave_node(&three, 5), 2);
    /* Target node full: node 1's zonelist (1 2 0 3) gives node 2; no
     * interleave hit, a miss on node 2 and foreign on node 1. */
    fill_node(&m, h, 1);
    snap_stats(&m, before);
    ck_assert_int_eq(alloc(&m, h, &all, 0, 1), 2);
    expect_delta(&m, before, 2, 0, 1, 0, 0, 0, 1);
    expect_delta(&m, before, 1, 0, 0, 1, 0, 0, 0);
    release(&m, h);
    free(h);
    tm_destroy(&m);
}
END_TEST

START_TEST(weighted_interleave)
{
    struct tmachine m;
    ring_machine(&m);
    struct held *h = held_new();
    /* Weights 3:1 over {0,1}: the cycle is 0 0 0 1. */
    struct mempolicy p = pol(MPOL_WEIGHTED_INTERLEAVE, NODEMASK_OF(0) | NODEMASK_OF(1));
    p.weights[0] = 3;
    p.weights[1] = 1;
    static const int seq[8] = {0, 0, 0, 1, 0, 0, 0, 1};
    for (unsigned i = 0; i < 8; i++)
        ck_assert_int_eq(alloc(&m, h, &p, 2, i), seq[i]);
    struct numa_stat s0 = stat_of(&m, 0), s1 = stat_of(&m, 1);
    ck_assert_uint_eq(s0.interleave_hit, 6);
    ck_assert_uint_eq(s1.interleave_hit, 2);
    /* Default weights (1 each) are plain interleave over {1,2,3}. */
    struct mempolicy q = pol(MPOL_WEIGHTED_INTERLEAVE, 0xe);
    for (unsigned i = 0; i < 6; i++)
        ck_assert_int_eq(alloc(&m, h, &q, 0, i), (int)(1 + i % 3));
    release(&m, h);
    free(h);
    tm_destroy(&m);
}
END_TEST

/* ---- MPOL_PREFERRED_MANY -------------------------------------------------------- */

START_TEST(preferred_many)
{
    /* {2,3} from a CPU of node 0: the nearest preferred node is 3 (21)
     * before 2 (31).  With both exhausted, any node: node 0's zonelist
     * unfiltered, so node 0, a hit and local. */
    struct tmachine m;
    ring_machine(&m);
    struct held *h = held_new();
    struct mempolicy p = pol(MPOL_PREFERRED_MANY, NODEMASK_OF(2) | NODEMASK_OF(3));
    struct numa_stat before[4];
    snap_stats(&m, before);
    ck_assert_int_eq(alloc(&m, h, &p, 0, 0), 3);
    expect_delta(&m, before, 3, 1, 0, 0, 0, 0, 1);
    fill_node(&m, h, 3);
    ck_assert_int_eq(alloc(&m, h, &p, 0, 0), 2);
    fill_node(&m, h, 2);
    snap_stats(&m, before);
    ck_assert_int_eq(alloc(&m, h, &p, 0, 0), 0);
    expect_delta(&m, before, 0, 1, 0, 0, 0, 1, 0);
    release(&m, h);
    free(h);
    tm_destroy(&m);
}
END_TEST

/* ---- Precedence, validation, node flags ----------------------------------------- */

START_TEST(precedence)
{
    struct mempolicy vma = pol(MPOL_BIND, 0x2), task = pol(MPOL_INTERLEAVE, 0x3), dflt;
    memset(&dflt, 0, sizeof(dflt));
    ck_assert_ptr_eq(mempolicy_effective(&vma, &task), &vma);
    ck_assert_ptr_eq(mempolicy_effective(&dflt, &task), &task);   /* VMA default: task's */
    ck_assert_ptr_eq(mempolicy_effective(NULL, &task), &task);
    const struct mempolicy *d = mempolicy_effective(NULL, &dflt);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->mode, MPOL_DEFAULT);
    ck_assert_int_eq(mempolicy_effective(NULL, NULL)->mode, MPOL_DEFAULT);
}
END_TEST

START_TEST(validation_errors)
{
    /* set_mempolicy(2)'s EINVAL cases. */
    struct mempolicy p;
    nodemask_t one = NODEMASK_OF(1), none = 0, far = NODEMASK_OF(5);
    const nodemask_t all = 0xf;
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_DEFAULT, 0, &one, all), -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_DEFAULT, 0, &none, all), 0);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_DEFAULT, 0, NULL, all), 0);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_BIND, 0, &none, all), -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_INTERLEAVE, 0, NULL, all), -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_LOCAL, 0, &one, all), -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_LOCAL, MPOL_F_STATIC_NODES, NULL, all),
                     -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_PREFERRED, MPOL_F_RELATIVE_NODES, &none,
                                            all),
                     -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_BIND,
                                            MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, &one,
                                            all),
                     -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_MAX, 0, &one, all), -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, -1, 0, &one, all), -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_BIND, 1u << 3, &one, all), -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_INTERLEAVE, MPOL_F_NUMA_BALANCING, &one,
                                            all),
                     -EINVAL);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_BIND, MPOL_F_NUMA_BALANCING, &one, all), 0);
    /* Nodes that are not allowed are ignored; none left is EINVAL. */
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_BIND, 0, &far, all), -EINVAL);
    nodemask_t mix = NODEMASK_OF(1) | NODEMASK_OF(5);
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_BIND, 0, &mix, all), 0);
    ck_assert_uint_eq(p.nodes, NODEMASK_OF(1));
    ck_assert_str_eq(mempolicy_mode_name(MPOL_WEIGHTED_INTERLEAVE), "weighted-interleave");
}
END_TEST

START_TEST(static_and_relative_nodes)
{
    /* Node 2 has no memory, so N_MEMORY = {0,1,3}. */
    struct tmachine m;
    uint64_t base[4], size[4] = {64 * MiB, 64 * MiB, 0, 64 * MiB};
    for (unsigned n = 0; n < 4; n++)
        base[n] = DRAM + n * 64 * MiB;
    tm_init(&m, 4, base, size, NULL, ring4, 0, 0);
    ck_assert_uint_eq(mempolicy_memory_nodes(&m.t), 0xb);
    struct mempolicy p;
    nodemask_t two = NODEMASK_OF(2), two3 = NODEMASK_OF(2) | NODEMASK_OF(3);
    /* Plain and static: node 2 is masked away, nothing is left. */
    ck_assert_int_eq(mempolicy_init(&p, MPOL_BIND, 0, &two, &m.t), -EINVAL);
    ck_assert_int_eq(mempolicy_init(&p, MPOL_BIND, MPOL_F_STATIC_NODES, &two, &m.t), -EINVAL);
    ck_assert_int_eq(mempolicy_init(&p, MPOL_BIND, MPOL_F_STATIC_NODES, &two3, &m.t), 0);
    ck_assert_uint_eq(p.nodes, NODEMASK_OF(3));
    /* Relative: "node 2" means the third allowed node, which is node 3. */
    ck_assert_int_eq(mempolicy_init(&p, MPOL_BIND, MPOL_F_RELATIVE_NODES, &two, &m.t), 0);
    ck_assert_uint_eq(p.nodes, NODEMASK_OF(3));
    uint64_t pfn;
    ck_assert_int_eq(mempolicy_alloc(m.pa, &p, 0, 0, GFP_KERNEL, 0, &pfn), MMSIM_OK);
    ck_assert_int_eq(node_of(&m, pfn), 3);
    page_free_pages(m.pa, pfn, 0);
    /* A CPU of the memoryless node 2 allocates locally on its nearest
     * node with memory: node 2's zonelist is 3 1 0 (3 at 21 + 0 + 1, 1 at
     * 21 + 1 + 1: nodes below are penalised), and the page is never local. */
    ck_assert_int_eq(mempolicy_alloc(m.pa, NULL, 2, 0, GFP_KERNEL, 0, &pfn), MMSIM_OK);
    ck_assert_int_eq(node_of(&m, pfn), 3);
    ck_assert_uint_eq(stat_of(&m, 3).other_node, 2);
    page_free_pages(m.pa, pfn, 0);
    tm_destroy(&m);

    /* Rebinding to a new allowed set (a cpuset change), with the example
     * of Linux's numa_memory_policy documentation: a relative interleave
     * over mems 2-5 becomes 3,5-7 when the mems change to 3-7. */
    nodemask_t m25 = 0x3c, m37 = 0xf8;
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_INTERLEAVE, MPOL_F_RELATIVE_NODES, &m25,
                                            m25),
                     0);
    ck_assert_uint_eq(p.nodes, m25);
    mempolicy_rebind(&p, m37);
    ck_assert_uint_eq(p.nodes, NODEMASK_OF(3) | NODEMASK_OF(5) | NODEMASK_OF(6) | NODEMASK_OF(7));
    /* Static: the user's nodes that remain allowed, 3-5. */
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_INTERLEAVE, MPOL_F_STATIC_NODES, &m25, m25),
                     0);
    mempolicy_rebind(&p, m37);
    ck_assert_uint_eq(p.nodes, 0x38);
    /* No flag: remapped position by position, 2->3, 3->4, 4->5, 5->6. */
    ck_assert_int_eq(mempolicy_init_allowed(&p, MPOL_INTERLEAVE, 0, &m25, m25), 0);
    mempolicy_rebind(&p, m37);
    ck_assert_uint_eq(p.nodes, 0x78);
}
END_TEST

START_TEST(bad_arguments)
{
    struct tmachine m;
    ring_machine(&m);
    uint64_t pfn;
    ck_assert_int_eq(mempolicy_alloc(m.pa, NULL, 4, 0, GFP_KERNEL, 0, &pfn), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mempolicy_alloc(m.pa, NULL, 0, 0, GFP_KERNEL, 11, &pfn), MMSIM_ERR_INVALID);
    tm_destroy(&m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mempolicy");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, default_is_local);
    tcase_add_test(tc, default_falls_back_by_distance);
    tcase_add_test(tc, preferred_then_nearest);
    tcase_add_test(tc, bind_exhaustion_fails_without_leak);
    tcase_add_test(tc, bind_prefers_local_when_bound);
    tcase_add_test(tc, interleave_round_robin);
    tcase_add_test(tc, weighted_interleave);
    tcase_add_test(tc, preferred_many);
    tcase_add_test(tc, precedence);
    tcase_add_test(tc, validation_errors);
    tcase_add_test(tc, static_and_relative_nodes);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
