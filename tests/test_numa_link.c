/* NUMA links: per-direction occupancy and route traversal on numa-4s-ring
 * (4 nodes in a ring 0-1-2-3-0, 25 ns per hop, 20.8 GB/s per direction).
 *
 * By hand: a 64-byte message holds a direction for 64 / 20.8e9 s =
 * 3076.9 ps -> 3077 ps.  Routes (numa/route.c: shortest latency, then fewer
 * hops, then the lower next hop): 0->2 is 0->1->2 (tie with 0->3->2 broken
 * by next hop 1 < 3), 2 hops, 50 ns; 0->3 is the direct link 3 (3-0),
 * travelled in its b->a direction. */
#include <stdlib.h>
#include <string.h>

#include "libmmsim/stats.h"
#include "libmmsim/topology.h"
#include "mmsim/mmsim.h"
#include "numa/link.h"
#include "testutil.h"

/* The links of numa-4s-ring; the topology (which the links point into)
 * comes back through *ring. */
static void ring_links(struct links *ls, struct mmsim_topology **ring)
{
    char err[256];
    ck_assert_int_eq(mmsim_topology_bundled("numa-4s-ring", ring, err, sizeof(err)), MMSIM_OK);
    ck_assert_int_eq(links_init(ls, *ring), MMSIM_OK);
    ck_assert_uint_eq(ls->n, 4);
    ck_assert_uint_eq(ls->l[0].latency_ps, 25000);
    ck_assert_uint_eq(ls->l[0].bandwidth, 20800000000ull);
}

static void ring_free(struct links *ls, struct mmsim_topology *ring)
{
    links_free(ls);
    mmsim_topology_destroy(ring);
}

START_TEST(link_routes_cost_hops)
{
    struct links ls;
    struct mmsim_topology *ring;
    uint32_t hops;
    ring_links(&ls, &ring);
    /* 2 hops at 25 ns: 50 ns one way, as route_ps says. */
    ck_assert_uint_eq(links_route(&ls, 0, 2, 64, 0, &hops), 50000);
    ck_assert_uint_eq(hops, 2);
    ck_assert_uint_eq(ring->route_ps[0 * 4 + 2], 50000);
    ck_assert_uint_eq(ls.l[0].st[0].messages, 1);       /* 0->1 */
    ck_assert_uint_eq(ls.l[1].st[0].messages, 1);       /* 1->2 */
    ck_assert_uint_eq(ls.l[3].st[0].messages + ls.l[3].st[1].messages, 0);
    /* One hop to 3 over link 3 (3-0), direction 1 (0->3). */
    ck_assert_uint_eq(links_route(&ls, 0, 3, 64, 100000, &hops), 125000);
    ck_assert_uint_eq(hops, 1);
    ck_assert_uint_eq(ls.l[3].st[1].messages, 1);
    ck_assert_uint_eq(ls.l[3].st[1].bytes, 64);
    /* Local: no link, no time. */
    ck_assert_uint_eq(links_route(&ls, 2, 2, 64, 7, &hops), 7);
    ck_assert_uint_eq(hops, 0);
    /* A remote read from node 0 of memory on node 2 at 1 us: a 16 B request
     * out (50 ns), 60 ns at the controller, the 64 B line back (50 ns). */
    uint64_t t = links_route(&ls, 0, 2, 16, 1000000, NULL);
    t = links_route(&ls, 2, 0, 64, t + 60000, NULL);
    ck_assert_uint_eq(t, 1000000 + 50000 + 60000 + 50000);
    ring_free(&ls, ring);
}
END_TEST

START_TEST(link_bandwidth_limits)
{
    struct links ls;
    struct mmsim_topology *ring;
    ring_links(&ls, &ring);
    /* Ten 64 B messages 0->1 at 0: the k-th arrives at 25000 + k * 3077. */
    for (unsigned k = 0; k < 10; k++)
        ck_assert_uint_eq(links_route(&ls, 0, 1, 64, 0, NULL), 25000 + 3077ull * k);
    /* The other direction is its own: 1->0 at 0 is not delayed. */
    ck_assert_uint_eq(links_route(&ls, 1, 0, 64, 0, NULL), 25000);
    ck_assert_uint_eq(ls.l[0].st[0].queue_ps, 3077ull * 45);   /* 0 + 1 + ... + 9 */
    ck_assert_uint_eq(ls.l[0].st[1].queue_ps, 0);
    ck_assert_uint_eq(ls.l[0].st[0].busy_ps, 10 * 3077);
    ring_free(&ls, ring);

    /* Two 64 B messages 0->2 at 0.  First: 0->1 at 0, arrives 25000; 1->2 at
     * 25000, arrives 50000.  Second: 0->1 waits to 3077, arrives 28077; 1->2
     * is free again at 25000 + 3077 = 28077: arrives 53077. */
    ring_links(&ls, &ring);
    ck_assert_uint_eq(links_route(&ls, 0, 2, 64, 0, NULL), 50000);
    ck_assert_uint_eq(links_route(&ls, 0, 2, 64, 0, NULL), 53077);
    ring_free(&ls, ring);

    /* Saturation: 10000 lines 0->1 at 0 arrive by 25000 + 9999 * 3077; the
     * direction carries 20.8 GB/s within 0.1 % and is fully utilised. */
    ring_links(&ls, &ring);
    uint64_t last = 0;
    for (unsigned k = 0; k < 10000; k++)
        last = links_route(&ls, 0, 1, 64, 0, NULL);
    ck_assert_uint_eq(last, 25000 + 9999ull * 3077);
    const double gbs = 640000.0 / ((double)(last - 25000) * 1e-12) / 1e9;
    ck_assert_double_eq_tol(gbs, 20.8, 0.0208);
    ck_assert_uint_eq(link_utilisation_ppm(&ls.l[0], 0, 10000ull * 3077), 1000000);
    ck_assert_uint_eq(link_utilisation_ppm(&ls.l[0], 1, 10000ull * 3077), 0);
    ring_free(&ls, ring);
}
END_TEST

START_TEST(link_stats_names)
{
    struct links ls;
    struct mmsim_topology *ring;
    ring_links(&ls, &ring);
    struct stats_registry *reg = stats_create();
    ck_assert_int_eq(links_stats_register(&ls, reg, "numa"), MMSIM_OK);
    links_route(&ls, 2, 0, 64, 0, NULL);        /* 2->1->0 */
    uint64_t v;
    ck_assert_int_eq(stats_get(reg, "numa.link1.2to1.bytes", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 64);
    ck_assert_int_eq(stats_get(reg, "numa.link0.1to0.messages", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(stats_get(reg, "numa.link0.0to1.messages", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 0);
    stats_destroy(reg);
    ring_free(&ls, ring);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("numa_link");
    TCase *tc = tcase_create("link");
    tcase_add_test(tc, link_routes_cost_hops);
    tcase_add_test(tc, link_bandwidth_limits);
    tcase_add_test(tc, link_stats_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
