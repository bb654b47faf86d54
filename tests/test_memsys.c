/* The memory system: the caches, buses, controllers and links composed.
 *
 * Every expected latency is worked out by hand from the bundled files (all
 * at 2.5 GHz, so a cycle is 400 ps) and the defaults of docs/TOPOLOGY.md:
 *
 *   L1D 5 cycles = 2000 ps, L2 14 cycles = 5600 ps, LLC 40 cycles = 16000 ps,
 *   controller 60 ns, link 25 ns per hop.
 *   uma-4 bus: 8 B x 1333 MHz, 5 ns: 64 B = 8 cycles = 6002 ps (test_bus.c)
 *   numa-2s / numa-4s bus: 32 B x 2.5 GHz, 5 ns: 64 B = 2 cycles = 800 ps
 *
 *   class           uma-4                          numa-2s (and the 4-socket ones)
 *   L1              2000                           2000
 *   L2              2000 + 5600 = 7600             7600
 *   LLC             7600 + 5000 + 6002 + 16000     7600 + 5000 + 800 + 16000
 *                     = 34602                        = 29400
 *   C2C local       LLC + the owner's L2 5600      29400 + 5600 = 35000
 *                     = 40202
 *   DRAM local      LLC + 60000 = 94602            29400 + 60000 = 89400 (the file's "~ 89 ns")
 *   DRAM, 1 hop     -                              89400 + 2 x 25000 = 139400 ("~ 139 ns")
 *   DRAM, 2 hops    -                              89400 + 2 x 50000 = 189400
 *   C2C remote      -                              29400 + 25000 + 16000 + 25000 = 95400
 *   upgrade         7600 + 5000 = 12600            -
 *
 * DRAM: node 0 at 0x8000_0000, each next node right after the previous. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libmmsim/stats.h"
#include "libmmsim/topology.h"
#include "mem/memsys.h"
#include "mmsim/mmsim.h"
#include "numa/physmem.h"
#include "testutil.h"

#define GiB (1ull << 30)
#define BASE 0x80000000ull

struct rig {
    struct mmsim_topology *t;
    struct stats_registry *reg;
    struct memsys *ms;
    uint64_t now;               /* time of the last isolated access */
};

static struct mmsim_topology *bundled(const char *name)
{
    struct mmsim_topology *t = NULL;
    char err[256];
    ck_assert_int_eq(mmsim_topology_bundled(name, &t, err, sizeof(err)), MMSIM_OK);
    return t;
}

/* A memory system on t (the rig owns t). */
static void rig_on(struct rig *r, struct mmsim_topology *t)
{
    r->t = t;
    r->now = 0;
    r->reg = stats_create();
    ck_assert_ptr_nonnull(r->reg);
    ck_assert_int_eq(memsys_create(t, NULL, 1, r->reg, &r->ms), MMSIM_OK);
}

static void rig(struct rig *r, const char *name)
{
    rig_on(r, bundled(name));
}

static void rig_free(struct rig *r)
{
    memsys_destroy(r->ms);
    stats_destroy(r->reg);
    mmsim_topology_destroy(r->t);
}

static uint64_t stat(const struct rig *r, const char *name)
{
    uint64_t v = 0;
    ck_assert_msg(stats_get(r->reg, name, &v) == MMSIM_OK, "no statistic %s", name);
    return v;
}

/* One access as the run loop makes it: the private path first, the full
 * one when that declines.  Returns the latency; *cls gets the class. */
static uint64_t go(struct rig *r, unsigned cpu, uint64_t addr, enum mem_kind k, uint64_t now,
                   enum mem_class *cls)
{
    uint64_t done;
    enum mem_class c;
    if (memsys_private(r->ms, cpu, addr, k, now, &done)) {
        /* The private path only answers L1 and L2 hits. */
        c = done - now <= memsys_unloaded_ps(r->ms, cpu, MC_L1, 0) ? MC_L1 : MC_L2;
    } else {
        done = memsys_access(r->ms, cpu, addr, k, now, &c);
    }
    if (cls)
        *cls = c;
    return done - now;
}

/* An isolated access (1 ms after the previous one) of the expected class
 * costs exactly what the configuration implies. */
static void expect(struct rig *r, unsigned cpu, uint64_t addr, enum mem_kind k,
                   enum mem_class want, unsigned home, uint64_t ps)
{
    enum mem_class c;
    r->now += 1000000000ull;
    const uint64_t lat = go(r, cpu, addr, k, r->now, &c);
    ck_assert_msg(c == want, "cpu %u addr %#llx: class %s, expected %s", cpu,
                  (unsigned long long)addr, memsys_class_name(c), memsys_class_name(want));
    ck_assert_uint_eq(lat, ps);
    ck_assert_uint_eq(memsys_unloaded_ps(r->ms, cpu, want, home), ps);
}

START_TEST(memsys_unloaded_uma4)
{
    struct rig r;
    rig(&r, "uma-4");
    const uint64_t a = BASE + 0x100000;
    expect(&r, 0, a, MEM_LOAD, MC_DRAM_LOCAL, 0, 94602);
    expect(&r, 0, a, MEM_LOAD, MC_L1, 0, 2000);
    ck_assert_int_eq(cache_state(&r.ms->cpu[0].l1d, a), MESI_E);
    /* L1D: 48 KiB, 12 ways, 64 sets, so lines 4 KiB apart share a set:
     * twelve more evict a from L1; the L2 (1024 sets) keeps it. */
    for (unsigned k = 1; k <= 12; k++)
        expect(&r, 0, a + k * 4096ull, MEM_LOAD, MC_DRAM_LOCAL, 0, 94602);
    expect(&r, 0, a, MEM_LOAD, MC_L2, 0, 7600);
    /* L2: 16 ways, lines 64 KiB apart share a set: sixteen more evict a
     * from L2 (and L1: the L2 includes it); the 8 MiB LLC (8192 sets) keeps
     * it - those lines fall in 8 LLC sets, at most 3 each. */
    for (unsigned k = 1; k <= 16; k++)
        expect(&r, 0, a + k * 65536ull, MEM_LOAD, MC_DRAM_LOCAL, 0, 94602);
    ck_assert_int_eq(cache_state(&r.ms->cpu[0].l1d, a), MESI_I);
    ck_assert_int_eq(cache_state(&r.ms->cpu[0].l2, a), MESI_I);
    ck_assert_int_eq(cache_state(&r.ms->node[0].llc, a), MESI_E);
    expect(&r, 0, a, MEM_LOAD, MC_LLC, 0, 34602);
    /* Fetches go through L1I (4 cycles, 1600 ps): the line is in L1D and
     * L2 now, so L2 at 1600 + 5600, then L1I. */
    enum mem_class c;
    r.now += 1000000000ull;
    ck_assert_uint_eq(go(&r, 0, a, MEM_FETCH, r.now, &c), 7200);
    ck_assert_int_eq(c, MC_L2);
    r.now += 1000000000ull;
    ck_assert_uint_eq(go(&r, 0, a, MEM_FETCH, r.now, &c), 1600);
    ck_assert_int_eq(c, MC_L1);

    /* Counters: the classes, with their latency and stall-free sums. */
    ck_assert_uint_eq(stat(&r, "cpu0.mem.dram_local.count"), 29);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.dram_local.ps"), 29 * 94602ull);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.dram_local.unloaded_ps"), 29 * 94602ull);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.dram_local.latency.max"), 94602);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.l1.count"), 2);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.l2.count"), 2);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.llc.count"), 1);
    ck_assert_uint_eq(stat(&r, "node0.mem.reads"), 29);
    ck_assert_uint_eq(stat(&r, "node0.bus.requests"), 30);
    rig_free(&r);
}
END_TEST

/* memsys_home answers from a table of granules when the DRAM ranges'
 * bounds allow a small one, and by searching the ranges otherwise: both
 * must agree with physmem_node_of everywhere (node 0 outside DRAM). */
static void check_homes(const char *yaml, bool table)
{
    mmsim_topology *t;
    char err[512];
    ck_assert_msg(mmsim_topology_load_string(yaml, strlen(yaml), "h.yaml", &t, err, sizeof(err)) ==
                      MMSIM_OK, "%s", err);
    struct physmem *pm;
    struct memsys *ms;
    ck_assert_int_eq(physmem_create(t, &pm), MMSIM_OK);
    ck_assert_int_eq(memsys_create(t, pm, 1, NULL, &ms), MMSIM_OK);
    ck_assert_int_eq(ms->nhome != 0, table);
    uint64_t x = 88172645463325252ull;
    for (unsigned i = 0; i < pm->nranges; i++) {
        const struct physmem_range *r = &pm->range[i];
        const uint64_t probe[] = {r->base - 1, r->base, r->base + 4096, (r->base + r->end) / 2,
                                  r->end - 1, r->end, r->end + (1ull << 30)};
        for (size_t j = 0; j < ARRAY_SIZE(probe); j++) {
            const int n = physmem_node_of(pm, probe[j]);
            ck_assert_uint_eq(memsys_home(ms, probe[j]), n < 0 ? 0u : (unsigned)n);
        }
    }
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const uint64_t a = pm->base - (1ull << 30) + x % (pm->span + (2ull << 30));
        const int n = physmem_node_of(pm, a);
        ck_assert_uint_eq(memsys_home(ms, a), n < 0 ? 0u : (unsigned)n);
    }
    memsys_destroy(ms);
    physmem_destroy(pm);
    mmsim_topology_destroy(t);
}

START_TEST(memsys_home_table)
{
    /* Unequal nodes and a CPU-only one: 1 GiB granules. */
    check_homes("name: h1\nnodes:\n  - {cpus: 1, memory: 1GiB}\n  - {cpus: 1, memory: 3GiB}\n"
                "  - {cpus: 1, memory: 0}\n"
                "links: [{from: 0, to: 1, latency: 20ns, bandwidth: 10GB/s},"
                " {from: 1, to: 2, latency: 20ns, bandwidth: 10GB/s}]\n",
                true);
    /* A hole between the nodes, listed out of order. */
    check_homes("name: h2\nnodes:\n  - {cpus: 1, memory: 512MiB, dram_base: 0x1_0000_0000}\n"
                "  - {cpus: 1, memory: 1GiB, dram_base: 0x8000_0000}\n"
                "links: [{from: 0, to: 1, latency: 20ns, bandwidth: 10GB/s}]\n",
                true);
    /* Bounds 4 KiB apart over gibibytes: too many granules, no table. */
    check_homes("name: h3\nnodes:\n  - {cpus: 1, memory: 1052676KiB}\n  - {cpus: 1, memory: 1GiB}\n"
                "links: [{from: 0, to: 1, latency: 20ns, bandwidth: 10GB/s}]\n",
                false);
}
END_TEST

START_TEST(memsys_unloaded_numa2s)
{
    struct rig r;
    rig(&r, "numa-2s");
    ck_assert_uint_eq(r.t->nodes[1].mem_base, BASE + 8 * GiB);
    const uint64_t n0 = BASE + 0x1000, n1 = BASE + 8 * GiB + 0x1000;
    ck_assert_uint_eq(memsys_home(r.ms, n0), 0);
    ck_assert_uint_eq(memsys_home(r.ms, n1), 1);
    /* CPUs 0, 1 on node 0; 2, 3 on node 1. */
    expect(&r, 0, n0, MEM_LOAD, MC_DRAM_LOCAL, 0, 89400);
    expect(&r, 0, n1, MEM_LOAD, MC_DRAM_REMOTE, 1, 139400);
    expect(&r, 2, n1 + 64, MEM_LOAD, MC_DRAM_LOCAL, 1, 89400);
    expect(&r, 2, n0 + 64, MEM_LOAD, MC_DRAM_REMOTE, 0, 139400);
    expect(&r, 0, n1, MEM_LOAD, MC_L1, 1, 2000);
    /* The remote line leaves L1 and L2 (as in the uma-4 test) and is found
     * in node 0's LLC, which caches lines of any home. */
    for (unsigned k = 1; k <= 16; k++)
        expect(&r, 0, n1 + k * 65536ull, MEM_LOAD, MC_DRAM_REMOTE, 1, 139400);
    expect(&r, 0, n1, MEM_LOAD, MC_LLC, 1, 29400);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.dram_remote.count"), 17);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.dram_remote.hop1.count"), 17);
    ck_assert_uint_eq(stat(&r, "node1.mem.reads"), 18);
    /* Request out, line back over the one link: 18 x (16 + 64) bytes. */
    ck_assert_uint_eq(stat(&r, "numa.link0.0to1.bytes"), 17 * 16 + 64);
    ck_assert_uint_eq(stat(&r, "numa.link0.1to0.bytes"), 17 * 64 + 16);
    rig_free(&r);
}
END_TEST

START_TEST(memsys_unloaded_ring_hops)
{
    struct rig r;
    rig(&r, "numa-4s-ring");
    /* CPU 0 is on node 0; node 2 is two hops away (0-1-2), 3 one (3-0). */
    const uint64_t n2 = BASE + 16 * GiB, n3 = BASE + 24 * GiB;
    ck_assert_uint_eq(r.t->nodes[2].mem_base, n2);
    expect(&r, 0, BASE, MEM_LOAD, MC_DRAM_LOCAL, 0, 89400);
    expect(&r, 0, n2, MEM_LOAD, MC_DRAM_REMOTE, 2, 189400);
    expect(&r, 0, n3, MEM_LOAD, MC_DRAM_REMOTE, 3, 139400);
    expect(&r, 0, n2 + 64, MEM_STORE, MC_DRAM_REMOTE, 2, 189400);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.dram_remote.hop2.count"), 2);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.dram_remote.hop1.count"), 1);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.dram_remote.hop2.ps"), 2 * 189400);
    /* Page-walk reads are counted apart from data. */
    expect(&r, 0, n3 + 64, MEM_PTE, MC_DRAM_REMOTE, 3, 139400);
    expect(&r, 0, n3 + 64, MEM_PTE, MC_L1, 3, 2000);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.pte.count"), 2);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.pte.ps"), 139400 + 2000);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.dram_remote.count"), 3);
    ck_assert_uint_eq(stat(&r, "cpu0.mem.l1.count"), 0);
    rig_free(&r);
}
END_TEST

START_TEST(memsys_cache_to_cache)
{
    struct rig r;
    rig(&r, "numa-2s");
    const uint64_t x = BASE + 0x2000, y = BASE + 8 * GiB + 0x2000;
    /* Written by CPU 0, read by CPU 1 of the same node: CPU 0's L2 supplies
     * it, both end shared, the dirty data goes to the LLC. */
    expect(&r, 0, x, MEM_STORE, MC_DRAM_LOCAL, 0, 89400);
    expect(&r, 1, x, MEM_LOAD, MC_C2C_LOCAL, 0, 35000);
    ck_assert_int_eq(cache_state(&r.ms->cpu[0].l1d, x), MESI_S);
    ck_assert_int_eq(cache_state(&r.ms->cpu[1].l1d, x), MESI_S);
    ck_assert_int_eq(cache_state(&r.ms->node[0].llc, x), MESI_M);
    ck_assert_uint_eq(stat(&r, "node0.coh.c2c"), 1);
    /* Across sockets: y homed and written on node 1, read from node 0: the
     * home (also the owner) forwards to its LLC, which sends the line. */
    expect(&r, 2, y, MEM_STORE, MC_DRAM_LOCAL, 1, 89400);
    expect(&r, 0, y, MEM_LOAD, MC_C2C_REMOTE, 1, 95400);
    ck_assert_uint_gt(95400, 35000);
    ck_assert_uint_lt(95400, 139400);
    ck_assert_int_eq(cache_state(&r.ms->cpu[2].l1d, y), MESI_S);
    ck_assert_int_eq(cache_state(&r.ms->cpu[0].l1d, y), MESI_S);
    ck_assert_uint_eq(stat(&r, "node1.dir.forwards"), 1);
    /* The owner's dirty copy was written back to its memory (MESI has no O). */
    ck_assert_uint_eq(stat(&r, "node1.mem.writes"), 1);
    /* A read with no other copy gets E; another node reading makes it S. */
    const uint64_t z = BASE + 0x3000;
    expect(&r, 0, z, MEM_LOAD, MC_DRAM_LOCAL, 0, 89400);
    ck_assert_int_eq(cache_state(&r.ms->cpu[0].l1d, z), MESI_E);
    expect(&r, 2, z, MEM_LOAD, MC_C2C_REMOTE, 0, 95400);
    ck_assert_int_eq(cache_state(&r.ms->cpu[0].l1d, z), MESI_S);
    /* Node 0 shares z now: a store from CPU 0 needs the home's (its own)
     * permission and invalidates node 1: the upgrade costs the LLC and
     * the invalidation's round trip, 12600 + 800... see below. */
    r.now += 1000000000ull;
    enum mem_class c;
    const uint64_t lat = go(&r, 0, z, MEM_STORE, r.now, &c);
    /* L1 + L2 + bus address phase 5000 + LLC 16000, home is local (0),
     * invalidation 0 -> 1 (25000) acknowledged 1 -> 0 (25000). */
    ck_assert_int_eq(c, MC_UPGRADE);
    ck_assert_uint_eq(lat, 7600 + 5000 + 16000 + 50000);
    ck_assert_int_eq(cache_state(&r.ms->cpu[2].l1d, z), MESI_I);
    ck_assert_int_eq(cache_state(&r.ms->node[1].llc, z), MESI_I);
    ck_assert_int_eq(cache_state(&r.ms->cpu[0].l1d, z), MESI_M);
    ck_assert_uint_eq(stat(&r, "node0.dir.invalidations"), 1);
    rig_free(&r);
}
END_TEST

START_TEST(memsys_ping_pong)
{
    struct rig r;
    rig(&r, "uma-4");
    const uint64_t p = BASE + 0x4000;
    /* CPUs 0 and 1 write p in turn: the first store comes from memory; each
     * later one takes the line from the other CPU's cache (which is
     * invalidated) - 19 transfers, 19 invalidations. */
    expect(&r, 0, p, MEM_STORE, MC_DRAM_LOCAL, 0, 94602);
    for (unsigned i = 1; i < 20; i++) {
        const unsigned w = i & 1;
        expect(&r, w, p, MEM_STORE, MC_C2C_LOCAL, 0, 40202);
        ck_assert_int_eq(cache_state(&r.ms->cpu[w].l1d, p), MESI_M);
        ck_assert_int_eq(cache_state(&r.ms->cpu[!w].l1d, p), MESI_I);
        ck_assert_int_eq(cache_state(&r.ms->cpu[!w].l2, p), MESI_I);
    }
    ck_assert_uint_eq(stat(&r, "node0.coh.invalidations"), 19);
    ck_assert_uint_eq(stat(&r, "node0.coh.c2c"), 19);
    /* Each invalidation drops the L1D and L2 copies: CPU 0 lost it 10
     * times, CPU 1 9 times. */
    ck_assert_uint_eq(stat(&r, "cpu0.l1d.invalidations"), 10);
    ck_assert_uint_eq(stat(&r, "cpu1.l1d.invalidations"), 9);
    ck_assert_uint_eq(stat(&r, "cpu1.l2.invalidations"), 9);
    /* A load by CPU 0 then a store: read shares (C2C), the store upgrades
     * on the bus (address only) and invalidates CPU 1. */
    expect(&r, 0, p, MEM_LOAD, MC_C2C_LOCAL, 0, 40202);
    expect(&r, 0, p, MEM_STORE, MC_UPGRADE, 0, 12600);
    ck_assert_int_eq(cache_state(&r.ms->cpu[1].l1d, p), MESI_I);
    ck_assert_uint_eq(stat(&r, "node0.coh.invalidations"), 20);
    rig_free(&r);

    /* Across sockets on numa-2s: CPUs 0 and 2 write a line of node 0 in
     * turn; after the first, every store is forwarded by the home to the
     * other node's LLC: 95400 either way (from node 1: 25000 to the home,
     * its LLC, 25000 back; from node 0: local home, 25000 to node 1, its
     * LLC, 25000 back). */
    rig(&r, "numa-2s");
    expect(&r, 0, p, MEM_STORE, MC_DRAM_LOCAL, 0, 89400);
    for (unsigned i = 1; i < 10; i++) {
        const unsigned w = i & 1 ? 2 : 0;
        expect(&r, w, p, MEM_STORE, MC_C2C_REMOTE, w ? 0 : 1, 95400);
        ck_assert_int_eq(cache_state(&r.ms->cpu[w].l1d, p), MESI_M);
        ck_assert_int_eq(cache_state(&r.ms->cpu[2 - w].l1d, p), MESI_I);
        ck_assert_int_eq(cache_state(&r.ms->node[w ? 0 : 1].llc, p), MESI_I);
    }
    ck_assert_uint_eq(stat(&r, "node0.dir.forwards"), 9);
    ck_assert_uint_eq(stat(&r, "cpu0.l1d.invalidations"), 5);
    ck_assert_uint_eq(stat(&r, "cpu2.l1d.invalidations"), 4);
    rig_free(&r);
}
END_TEST

/* CPUs [first, first + n) each stream `lines` distinct lines from their
 * node's memory, keeping up to `window` misses in flight (the L1D MSHRs)
 * and issuing one a cycle otherwise, always advancing the CPU with the
 * smallest clock (DESIGN principle 2).  Returns the bytes per second each
 * CPU obtained on average and the aggregate (*total). */
static double stream(struct rig *r, const unsigned *cpus, unsigned n, unsigned lines,
                     double *total)
{
    enum { WINDOW = 16 };
    uint64_t clock[64], inflight[64][WINDOW], last = 0;
    unsigned issued[64];
    ck_assert_uint_le(n, 64);
    for (unsigned i = 0; i < n; i++) {
        clock[i] = 0;
        issued[i] = 0;
        memset(inflight[i], 0, sizeof(inflight[i]));
    }
    for (;;) {
        int pick = -1;
        for (unsigned i = 0; i < n; i++) {
            if (issued[i] == lines)
                continue;
            /* Wait for the oldest miss when the window is full. */
            const uint64_t ready = issued[i] >= WINDOW ? inflight[i][issued[i] % WINDOW] : 0;
            if (ready > clock[i])
                clock[i] = ready;
            if (pick < 0 || clock[i] < clock[pick])
                pick = (int)i;
        }
        if (pick < 0)
            break;
        const unsigned cpu = cpus[pick];
        const unsigned node = r->ms->cpu[cpu].node;
        const uint64_t addr = r->t->nodes[node].mem_base + (uint64_t)cpu * 64 * 1048576 +
                              (uint64_t)issued[pick] * 64;
        ck_assert_uint_eq(memsys_mshr_free_ps(r->ms, cpu, MEM_LOAD, clock[pick]), clock[pick]);
        const uint64_t done = memsys_access(r->ms, cpu, addr, MEM_LOAD, clock[pick], NULL);
        inflight[pick][issued[pick] % WINDOW] = done;
        issued[pick]++;
        clock[pick] += 400;
        if (done > last)
            last = done;
    }
    *total = (double)n * lines * 64 / ((double)last * 1e-12);
    return *total / n;
}

START_TEST(memsys_uma_bus_saturates)
{
    /* uma-4's bus moves 8 B per 750.19 ps cycle, 64 B per 6002 ps:
     * 64 / 6.002e-9 = 10.663 GB/s, below the controller's 21.3 GB/s, so
     * the bus is the limit.  Sixteen misses in flight at ~95 ns each ask
     * for 16 x 64 B / 94.6 ns = 10.8 GB/s: one CPU alone nearly fills the
     * bus; two or four share it. */
    const double bus = 64 / 6.002e-9;
    const unsigned cpus[4] = {0, 1, 2, 3};
    double per[5], total;
    for (unsigned n = 1; n <= 4; n *= 2) {
        struct rig r;
        rig(&r, "uma-4");
        per[n] = stream(&r, cpus, n, 4000, &total);
        ck_assert_msg(total > 0.95 * bus && total <= bus * 1.0001,
                      "%u CPUs: %.3f GB/s, bus %.3f GB/s", n, total / 1e9, bus / 1e9);
        /* Bus utilisation says the same. */
        rig_free(&r);
    }
    ck_assert_double_lt(per[2], 0.55 * per[1]);
    ck_assert_double_lt(per[4], 0.55 * per[2]);
    ck_assert_double_gt(per[4], 0.95 * bus / 4);
}
END_TEST

START_TEST(memsys_numa_scales_with_nodes)
{
    /* numa-4s-full: each node's bus (32 B x 2.5 GHz = 80 GB/s) outruns its
     * controller (21.3 GB/s, a line per 3005 ps); four CPUs with 16 misses
     * in flight ask for ~45 GB/s, so each node streams at its controller's
     * rate and nodes add up when each uses its own memory. */
    const double ctrl = 64 / 3.005e-9;
    const unsigned all[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    double total1, total4;
    struct rig r;
    rig(&r, "numa-4s-full");
    stream(&r, all, 4, 3000, &total1);                  /* node 0 only */
    rig_free(&r);
    rig(&r, "numa-4s-full");
    stream(&r, all, 16, 3000, &total4);                 /* every node */
    ck_assert_uint_eq(stat(&r, "cpu5.mem.dram_local.count"), 3000);
    ck_assert_uint_eq(stat(&r, "numa.link0.0to1.messages"), 0);
    rig_free(&r);
    ck_assert_msg(total1 > 0.95 * ctrl && total1 <= ctrl * 1.0001, "1 node: %.3f GB/s",
                  total1 / 1e9);
    ck_assert_msg(total4 > 0.95 * 4 * ctrl && total4 <= 4 * ctrl * 1.0001, "4 nodes: %.3f GB/s",
                  total4 / 1e9);
}
END_TEST

START_TEST(memsys_inclusive_llc)
{
    /* A small LLC on uma-4: 64 KiB, 4 ways, 256 sets, so lines 16 KiB apart
     * share an LLC set (and an L1D set: 16 KiB is a multiple of 4 KiB, but
     * twelve L1 ways hold all five).  Loading a then four such lines
     * evicts a from the LLC (LRU). */
    for (int incl = 0; incl < 2; incl++) {
        struct mmsim_topology *t = bundled("uma-4");
        t->nodes[0].llc.size = 65536;
        t->nodes[0].llc.ways = 4;
        t->nodes[0].llc.inclusive = incl;
        struct rig r;
        rig_on(&r, t);
        const uint64_t a = BASE + 0x10000;
        expect(&r, 0, a, MEM_STORE, MC_DRAM_LOCAL, 0, 94602);
        for (unsigned k = 1; k <= 4; k++)
            expect(&r, 0, a + k * 16384ull, MEM_LOAD, MC_DRAM_LOCAL, 0, 94602);
        ck_assert_int_eq(cache_state(&r.ms->node[0].llc, a), MESI_I);
        if (incl) {
            /* Inclusion: CPU 0's copies went with it, dirty, so written back. */
            ck_assert_int_eq(cache_state(&r.ms->cpu[0].l1d, a), MESI_I);
            ck_assert_int_eq(cache_state(&r.ms->cpu[0].l2, a), MESI_I);
            ck_assert_uint_eq(stat(&r, "node0.llc.back_invalidations"), 1);
            ck_assert_uint_eq(stat(&r, "node0.mem.writes"), 1);
            expect(&r, 0, a, MEM_LOAD, MC_DRAM_LOCAL, 0, 94602);
        } else {
            ck_assert_int_eq(cache_state(&r.ms->cpu[0].l1d, a), MESI_M);
            ck_assert_uint_eq(stat(&r, "node0.llc.back_invalidations"), 0);
            ck_assert_uint_eq(stat(&r, "node0.mem.writes"), 0);
            expect(&r, 0, a, MEM_LOAD, MC_L1, 0, 2000);
        }
        rig_free(&r);
    }
}
END_TEST

START_TEST(memsys_prefetchers)
{
    /* Next-line on uma-4: each demand miss brings the following line into
     * L2, so a sequential walk alternates DRAM and L2. */
    struct mmsim_topology *t = bundled("uma-4");
    t->cpu.prefetch = TOPO_PF_NEXT_LINE;
    struct rig r;
    rig_on(&r, t);
    const uint64_t a = BASE + 0x20000;
    for (unsigned j = 0; j < 16; j++) {
        if (j & 1)
            expect(&r, 0, a + 64 * j, MEM_LOAD, MC_L2, 0, 7600);
        else
            expect(&r, 0, a + 64 * j, MEM_LOAD, MC_DRAM_LOCAL, 0, 94602);
    }
    ck_assert_uint_eq(stat(&r, "cpu0.prefetch.issued"), 8);
    /* The prefetches were reads: node0.mem.reads counts 8 + 8. */
    ck_assert_uint_eq(stat(&r, "node0.mem.reads"), 16);
    /* The page's last line prefetches nothing (4 KiB boundary). */
    expect(&r, 0, a + 4096 - 64, MEM_LOAD, MC_DRAM_LOCAL, 0, 94602);
    ck_assert_uint_eq(stat(&r, "cpu0.prefetch.issued"), 8);
    rig_free(&r);

    /* Stride on uma-4, every other line (128 B): misses at j = 0 and 1
     * train it, j = 2 confirms the stride and prefetches j = 3 and 4
     * (degree 2); the L2 hits keep it trained, so j = 5 and 8 prefetch
     * the next two each. */
    t = bundled("uma-4");
    t->cpu.prefetch = TOPO_PF_STRIDE;
    rig_on(&r, t);
    for (unsigned j = 0; j <= 10; j++) {
        const bool hit = j == 3 || j == 4 || j == 6 || j == 7 || j == 9 || j == 10;
        expect(&r, 0, a + 128 * j, MEM_LOAD, hit ? MC_L2 : MC_DRAM_LOCAL, 0, hit ? 7600 : 94602);
    }
    ck_assert_uint_eq(stat(&r, "cpu0.prefetch.issued"), 6);
    rig_free(&r);
}
END_TEST

/* The coherence invariants for one line, over the whole machine: at most
 * one private owner (E/M), and none beside sharers; on NUMA machines the
 * home directory's presence bits are exactly the nodes holding a copy and
 * a private owner's node is the directory's owner; an inclusive LLC holds
 * every line its node's private caches hold. */
static void check_line(const struct rig *r, uint64_t line)
{
    const struct memsys *ms = r->ms;
    unsigned owners = 0, sharers = 0;
    uint64_t holding = 0;
    int owner_node = -1;
    for (unsigned n = 0; n < ms->nnodes; n++) {
        bool priv = false;
        for (unsigned i = 0; i < r->t->nodes[n].ncpus; i++) {
            const struct memsys_cpu *c = &ms->cpu[r->t->nodes[n].first_cpu + i];
            enum mesi st = cache_state(&c->l2, line);
            const enum mesi s1 = cache_state(&c->l1d, line);
            if (st == MESI_I && c->l2.ways)
                ck_assert_msg(s1 == MESI_I && cache_state(&c->l1i, line) == MESI_I,
                              "L1 holds %#llx without L2", (unsigned long long)line);
            st = st > s1 ? st : s1;
            if (st == MESI_I)
                st = cache_state(&c->l1i, line);        /* no L2: L1I alone */
            if (st == MESI_E || st == MESI_M) {
                owners++;
                owner_node = (int)n;
            } else if (st == MESI_S) {
                sharers++;
            }
            priv |= st != MESI_I;
        }
        if (priv && ms->node[n].inclusive)
            ck_assert_int_ne(cache_state(&ms->node[n].llc, line), MESI_I);
        const enum mesi sl = cache_state(&ms->node[n].llc, line);
        if (priv || sl != MESI_I)
            holding |= 1ull << n;
        if (ms->nnodes > 1 && sl != MESI_I) {
            /* The LLC's state is the node's standing with the home. */
            struct dir_entry e = {0};
            memsys_dir_lookup(ms, line, &e);
            ck_assert_msg((sl != MESI_S) == (e.state == DIR_EXCLUSIVE && e.owner == n),
                          "line %#llx: node %u LLC %s, directory state %u owner %u",
                          (unsigned long long)line, n, mesi_name(sl), e.state, e.owner);
        }
    }
    ck_assert_msg(owners <= 1 && !(owners && sharers), "line %#llx: %u owners, %u sharers",
                  (unsigned long long)line, owners, sharers);
    if (ms->nnodes == 1)
        return;
    struct dir_entry e = {0};
    const bool found = memsys_dir_lookup(ms, line, &e);
    ck_assert_msg(e.presence == holding, "line %#llx: directory %#llx, holders %#llx",
                  (unsigned long long)line, (unsigned long long)e.presence,
                  (unsigned long long)holding);
    ck_assert(found == (holding != 0));
    if (owner_node >= 0)
        ck_assert(e.state == DIR_EXCLUSIVE && e.owner == owner_node);
}

/* A pseudo-random mix of loads, stores and fetches by every CPU over a few
 * lines of every node (four 1 MiB-apart groups of 512 lines, so that
 * caches evict), in global time order, checking the invariants of each
 * line touched.  Returns a hash of every completion time and class. */
static uint64_t mix_run(struct rig *r, uint64_t seed, unsigned steps, char **dump, size_t *len)
{
    uint64_t clock[64] = {0}, x = seed, h = 0;
    const unsigned ncpu = r->ms->ncpus, nn = r->ms->nnodes;
    ck_assert_uint_le(ncpu, 64);
    for (unsigned i = 0; i < steps; i++) {
        unsigned cpu = 0;
        for (unsigned c = 1; c < ncpu; c++)
            if (clock[c] < clock[cpu])
                cpu = c;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const uint64_t addr = r->t->nodes[(x >> 2) % nn].mem_base + ((x >> 8) % 512) * 64 +
                              ((x >> 20) % 4) * 1048576;
        const unsigned kk = (x >> 40) % 8;
        const enum mem_kind k = kk < 3 ? MEM_STORE : kk == 3 ? MEM_FETCH : MEM_LOAD;
        uint64_t done;
        enum mem_class cls = MC_L1;
        if (!memsys_private(r->ms, cpu, addr, k, clock[cpu], &done))
            done = memsys_access(r->ms, cpu, addr, k, clock[cpu], &cls);
        ck_assert_uint_ge(done, clock[cpu]);
        check_line(r, addr & ~63ull);
        h = h * 31 + done * 7 + cls;
        clock[cpu] = done + 400 * ((x >> 50) % 8);
    }
    if (dump) {
        FILE *f = open_memstream(dump, len);
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(stats_dump(r->reg, f, MMSIM_FORMAT_TEXT), MMSIM_OK);
        fclose(f);
    }
    return h;
}

/* Accesses per machine: fewer under the sanitizers, where each costs ten
 * times as much (the plain configurations run the full mix). */
#if defined(__SANITIZE_ADDRESS__)
#define MIX_ACCESSES 8000
#else
#define MIX_ACCESSES 30000
#endif

START_TEST(memsys_coherence_invariants)
{
    /* Small caches so that every kind of eviction happens often. */
    static const char *const names[] = {"uma-4", "numa-2s", "numa-4s-ring", "tiered-cxl",
                                        "uma-16", "numa-8s"};
    for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
        for (int incl = 0; incl < 2; incl++) {
            struct mmsim_topology *t = bundled(names[i]);
            t->cpu.l2.size = 16384;
            t->cpu.l2.ways = 4;
            for (unsigned n = 0; n < t->nnodes; n++) {
                t->nodes[n].llc.size = 65536;
                t->nodes[n].llc.ways = 4;
                t->nodes[n].llc.inclusive = incl;
            }
            t->cpu.prefetch = i & 1 ? TOPO_PF_NEXT_LINE : TOPO_PF_STRIDE;
            if (i == 3)
                t->cpu.l2.size = 0;     /* no L2: the L1s are the private level */
            struct rig r;
            rig_on(&r, t);
            mix_run(&r, 99 + i, MIX_ACCESSES, NULL, NULL);
            rig_free(&r);
        }
    }
}
END_TEST

START_TEST(memsys_deterministic)
{
    struct rig a, b;
    char *da, *db;
    size_t la, lb;
    rig(&a, "numa-2s");
    rig(&b, "numa-2s");
    const uint64_t ha = mix_run(&a, 12345, 20000, &da, &la);
    const uint64_t hb = mix_run(&b, 12345, 20000, &db, &lb);
    ck_assert_uint_eq(ha, hb);
    ck_assert_uint_eq(la, lb);
    ck_assert_int_eq(memcmp(da, db, la), 0);
    /* The mix did exercise the coherence paths. */
    ck_assert_uint_gt(stat(&a, "node0.coh.c2c") + stat(&a, "node1.coh.c2c"), 0);
    ck_assert_uint_gt(stat(&a, "node0.dir.forwards") + stat(&a, "node1.dir.forwards"), 0);
    ck_assert_uint_gt(stat(&a, "node0.dir.invalidations") + stat(&a, "node1.dir.invalidations"), 0);
    free(da);
    free(db);
    rig_free(&a);
    rig_free(&b);
}
END_TEST

START_TEST(memsys_bad_configurations)
{
    struct memsys *ms = (struct memsys *)1;
    struct mmsim_topology *t = bundled("uma-4");
    t->cpu.l2.line = 128;       /* line sizes must agree */
    t->cpu.l2.size = 1048576;
    ck_assert_int_eq(memsys_create(t, NULL, 1, NULL, &ms), MMSIM_ERR_INVALID);
    ck_assert_ptr_null(ms);
    ck_assert_int_eq(memsys_create(NULL, NULL, 1, NULL, &ms), MMSIM_ERR_INVALID);
    memsys_destroy(NULL);
    mmsim_topology_destroy(t);
}
END_TEST

static double cpu_ns(const struct timespec *t0, const struct timespec *t1, unsigned n)
{
    return ((double)(t1->tv_sec - t0->tv_sec) * 1e9 + (double)(t1->tv_nsec - t0->tv_nsec)) / n;
}

/* Not a check: what the entry points cost on this host (CPU time). */
START_TEST(memsys_speed)
{
    struct rig r;
    rig(&r, "numa-2s");
    const unsigned n = 4000000;
    uint64_t done, sink = 0;
    struct timespec t0, t1;
    /* L1 hits: 32 lines reused. */
    for (unsigned i = 0; i < 32; i++)
        memsys_access(r.ms, 0, BASE + 64 * i, MEM_LOAD, 0, NULL);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (unsigned i = 0; i < n; i++)
        if (memsys_private(r.ms, 0, BASE + 64 * (i & 31) + (i & 7) * 8, i & 4 ? MEM_STORE : MEM_LOAD,
                           1000000 + i, &done))
            sink += done;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    const double l1 = cpu_ns(&t0, &t1, n);
    /* L2 hits: 2048 lines (128 KiB) cycled through a 48 KiB L1D. */
    uint64_t now = 2000000;
    for (unsigned i = 0; i < 2048; i++)
        now = memsys_access(r.ms, 1, BASE + 0x100000 + 64 * i, MEM_LOAD, now, NULL);
    const unsigned n2 = 1000000;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (unsigned i = 0; i < n2; i++)
        if (memsys_private(r.ms, 1, BASE + 0x100000 + 64 * (i & 2047), MEM_LOAD, now + i, &done))
            sink += done;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    const double l2 = cpu_ns(&t0, &t1, n2);
    /* LLC hits: 64 Ki lines (4 MiB) cycled through a 1 MiB L2. */
    now += 2 * n2;
    const unsigned nl = 65536, n3 = 300000;
    for (unsigned i = 0; i < nl; i++)
        now = memsys_access(r.ms, 2, BASE + 8 * GiB + 64ull * i, MEM_LOAD, now, NULL);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (unsigned i = 0; i < n3; i++)
        now = memsys_access(r.ms, 2, BASE + 8 * GiB + 64ull * (i % nl), MEM_LOAD, now, NULL);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    const double llc = cpu_ns(&t0, &t1, n3);
    /* Misses everywhere: a stream of new lines of both nodes, a third of
     * them stores, from four CPUs. */
    const unsigned m = 300000;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (unsigned i = 0; i < m; i++) {
        const uint64_t addr = (i & 1 ? BASE : BASE + 8 * GiB) + 0x10000000 + 64ull * i;
        now = memsys_access(r.ms, i & 3, addr, i % 3 ? MEM_LOAD : MEM_STORE, now, NULL);
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    const double miss = cpu_ns(&t0, &t1, m);
    printf("memsys speed (ns per call): private L1 hit %.2f, private L2 hit %.1f, "
           "access LLC hit %.0f, access miss %.0f (%llu)\n",
           l1, l2, llc, miss, (unsigned long long)(sink & 1));
    rig_free(&r);
}
END_TEST

static Suite *memsys_suite(void)
{
    Suite *s = suite_create("memsys");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, memsys_unloaded_uma4);
    tcase_add_test(tc, memsys_unloaded_numa2s);
    tcase_add_test(tc, memsys_home_table);
    tcase_add_test(tc, memsys_unloaded_ring_hops);
    tcase_add_test(tc, memsys_cache_to_cache);
    tcase_add_test(tc, memsys_ping_pong);
    tcase_add_test(tc, memsys_uma_bus_saturates);
    tcase_add_test(tc, memsys_numa_scales_with_nodes);
    tcase_add_test(tc, memsys_inclusive_llc);
    tcase_add_test(tc, memsys_prefetchers);
    tcase_add_test(tc, memsys_coherence_invariants);
    tcase_add_test(tc, memsys_deterministic);
    tcase_add_test(tc, memsys_bad_configurations);
    tcase_add_test(tc, memsys_speed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(memsys_suite());
}
