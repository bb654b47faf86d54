/* The mem room: tag/state caches (geometry, LRU/PLRU/random victims,
 * write-back, snoop operations, MSHRs), the memory controller (flat and
 * open-page bank timing) and the MESI / directory decisions.
 *
 * Expected values are worked out by hand from the configuration and
 * written next to each check; none is taken from the simulator's output. */
#include <stdlib.h>
#include <string.h>

#include "libmmsim/stats.h"
#include "libmmsim/topology.h"
#include "mem/cache.h"
#include "mem/coherence.h"
#include "mem/dram.h"
#include "mmsim/mmsim.h"
#include "testutil.h"

static struct mmsim_topology *bundled(const char *name)
{
    struct mmsim_topology *t = NULL;
    char err[256];
    ck_assert_int_eq(mmsim_topology_bundled(name, &t, err, sizeof(err)), MMSIM_OK);
    return t;
}

/* 1 KiB, 4 ways, 64-byte lines: 1024 / (4 * 64) = 4 sets, set = (addr >> 6) & 3.
 * The topology's clock is 2.5 GHz (uma-4), so 4 cycles = 1600 ps. */
static void small_cache(struct cache *c, const struct mmsim_topology *t, enum topo_repl repl,
                        uint32_t mshrs)
{
    struct topo_cache tc = {.size = 1024, .ways = 4, .line = 64,
                            .latency = {4, TOPO_CYCLES}, .repl = repl, .mshrs = mshrs};
    ck_assert_int_eq(cache_init(c, &tc, t, 42), MMSIM_OK);
}

/* Set 1 holds line addresses 1, 5, 9, 13, 17, 21: bytes 0x40, 0x140, ... */
#define A 0x040u
#define B 0x140u
#define C 0x240u
#define D 0x340u
#define E 0x440u
#define F 0x540u

START_TEST(cache_geometry)
{
    struct mmsim_topology *t = bundled("uma-4");
    struct cache c;
    small_cache(&c, t, TOPO_REPL_LRU, 0);
    ck_assert_uint_eq(c.sets, 4);
    ck_assert_uint_eq(c.hit_ps, 1600);
    ck_assert_uint_eq(c.hit_cycles, 4);
    ck_assert_uint_eq(cache_set_of(&c, A), 1);
    ck_assert_uint_eq(cache_set_of(&c, F), 1);
    ck_assert_uint_eq(cache_set_of(&c, 0x7f), 1);       /* same line as 0x40 */
    ck_assert_uint_eq(cache_set_of(&c, 0x80), 2);
    ck_assert_uint_eq(cache_line_addr(&c, 0x7f), 0x40);
    cache_free(&c);

    /* uma-4's LLC: 8 MiB, 16 ways, 64 B -> 8 MiB / 1 KiB = 8192 sets; 40 cycles
     * at 2.5 GHz = 16 ns.  0x12345678 >> 6 = 0x48d159, low 13 bits 0x1159 = 4441. */
    ck_assert_int_eq(cache_init(&c, &t->nodes[0].llc, t, 1), MMSIM_OK);
    ck_assert_uint_eq(c.sets, 8192);
    ck_assert_uint_eq(c.ways, 16);
    ck_assert_uint_eq(c.hit_ps, 16000);
    ck_assert_uint_eq(cache_set_of(&c, 0x12345678), 4441);
    cache_free(&c);

    /* Bad geometry: 3 sets; a line that is not a power of two; absent cache. */
    struct topo_cache bad = {.size = 3 * 256, .ways = 4, .line = 64};
    ck_assert_int_eq(cache_init(&c, &bad, t, 1), MMSIM_ERR_INVALID);
    bad = (struct topo_cache){.size = 1024, .ways = 4, .line = 48};
    ck_assert_int_eq(cache_init(&c, &bad, t, 1), MMSIM_ERR_INVALID);
    struct topo_cache none = {0};
    ck_assert_int_eq(cache_init(&c, &none, t, 1), MMSIM_OK);
    uint64_t ready;
    struct cache_result r;
    ck_assert(!cache_hit(&c, A, false, 0, &ready));
    ck_assert_int_eq(cache_access(&c, A, false, 0, &r), CACHE_MISS);
    cache_fill(&c, A, MESI_E, 0, &r);
    ck_assert_int_eq(cache_state(&c, A), MESI_I);
    cache_free(&c);
    mmsim_topology_destroy(t);
}
END_TEST

/* Fill A, B, C, D (ways 0..3, invalid ways first), touch A, fill E. */
static void fill_abcd_touch_a_fill_e(struct cache *c, struct cache_result *r)
{
    const unsigned lines[] = {A, B, C, D};
    for (unsigned i = 0; i < 4; i++) {
        cache_fill(c, lines[i], MESI_E, 0, r);
        ck_assert(!r->victim);
    }
    uint64_t ready;
    ck_assert(cache_hit(c, A, false, 10, &ready));
    ck_assert_uint_eq(ready, 10 + 1600);
    cache_fill(c, E, MESI_E, 0, r);
}

START_TEST(cache_lru_victims)
{
    struct mmsim_topology *t = bundled("uma-4");
    struct cache c;
    struct cache_result r;
    small_cache(&c, t, TOPO_REPL_LRU, 0);
    /* Use order A B C D A: least recent is B. */
    fill_abcd_touch_a_fill_e(&c, &r);
    ck_assert(r.victim);
    ck_assert_uint_eq(r.victim_addr, B);
    ck_assert(!r.victim_dirty);
    /* Then C is used; order D A E C: D goes. */
    ck_assert_int_eq(cache_access(&c, C, false, 0, &r), CACHE_HIT);
    cache_fill(&c, F, MESI_E, 0, &r);
    ck_assert_uint_eq(r.victim_addr, D);
    ck_assert_uint_eq(c.st.evictions, 2);
    ck_assert_uint_eq(c.st.hits, 2);
    ck_assert_uint_eq(cache_count(&c), 4);
    /* Other sets untouched. */
    ck_assert_int_eq(cache_state(&c, 0x80), MESI_I);
    cache_free(&c);
    mmsim_topology_destroy(t);
}
END_TEST

/* A fill right after a lookup missed skips the tag compares (the absent
 * memo): it must pick the victims a fill with no such memo picks, and a
 * second fill of the same line must find it present.  Two LRU caches see
 * the same random operations; only c1 looks each line up before filling
 * it, c2 probes with cache_state, which leaves no memo. */
START_TEST(cache_fill_after_miss)
{
    struct mmsim_topology *t = bundled("uma-4");
    struct cache c1, c2;
    struct cache_result r1, r2;
    small_cache(&c1, t, TOPO_REPL_LRU, 0);
    small_cache(&c2, t, TOPO_REPL_LRU, 0);
    uint64_t x = 0x2545f4914f6cdd1dull;
    unsigned victims = 0, refills = 0;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* 24 lines over the 4 sets: 6 per set for 4 ways. */
        const uint64_t a = (x >> 8) % 24 * 64;
        switch (x % 4) {
        case 0:
            cache_invalidate(&c1, a);
            cache_invalidate(&c2, a);
            break;
        case 1:
            ck_assert_int_eq(cache_access(&c1, a, false, 0, &r1),
                             cache_access(&c2, a, false, 0, &r2));
            break;
        default: {
            const bool miss = cache_access(&c1, a, false, 0, &r1) == CACHE_MISS;
            ck_assert_int_eq(miss, cache_state(&c2, a) == MESI_I);
            if (!miss)
                cache_access(&c2, a, false, 0, &r2);    /* the same touch */
            cache_fill(&c1, a, MESI_E, 0, &r1);
            cache_fill(&c2, a, MESI_E, 0, &r2);
            ck_assert_int_eq(r1.victim, r2.victim);
            ck_assert_uint_eq(r1.victim_addr, r2.victim_addr);
            victims += r1.victim;
            /* The line is present now, memo or not. */
            cache_fill(&c1, a, MESI_M, 0, &r1);
            ck_assert_int_eq(r1.prev, MESI_E);
            ck_assert(!r1.victim);
            cache_fill(&c2, a, MESI_M, 0, &r2);
            refills++;
        }
        }
    }
    ck_assert_uint_gt(victims, 1000);
    ck_assert_uint_gt(refills, 5000);
    ck_assert_uint_eq(cache_count(&c1), cache_count(&c2));
    ck_assert_uint_eq(c1.st.evictions, c2.st.evictions);
    for (uint64_t a = 0; a < 24 * 64; a += 64)
        ck_assert_int_eq(cache_state(&c1, a), cache_state(&c2, a));
    cache_free(&c1);
    cache_free(&c2);
    mmsim_topology_destroy(t);
}
END_TEST

START_TEST(cache_plru_victims)
{
    struct mmsim_topology *t = bundled("uma-4");
    struct cache c;
    struct cache_result r;
    small_cache(&c, t, TOPO_REPL_PLRU, 0);
    /* Tree over 4 ways: root (bit 1: evict right half), node 2 over ways
     * 0-1, node 3 over ways 2-3.  Using a way points its path away.
     * After filling ways 0,1,2,3: root 0 (evict left), node2 0 (way 0),
     * node3 0.  Using A (way 0): root 1 (right), node2 1.  The victim is
     * then right half, node3 = 0: way 2 = C — where LRU would take B. */
    fill_abcd_touch_a_fill_e(&c, &r);
    ck_assert(r.victim);
    ck_assert_uint_eq(r.victim_addr, C);
    /* E in way 2: root 0 (left), node3 1.  Left half, node2 1: way 1 = B. */
    cache_fill(&c, F, MESI_E, 0, &r);
    ck_assert_uint_eq(r.victim_addr, B);
    cache_free(&c);

    /* 3 ways (tree of 4, the missing way 3 is never chosen): fill ways 0,1,2
     * of set 1 (3 ways * 4 sets * 64 B = 768 B).  After using 0,1,2: root 0
     * -> left, node2 0 -> way 0. */
    struct topo_cache tc = {.size = 768, .ways = 3, .line = 64, .latency = {1, TOPO_CYCLES},
                            .repl = TOPO_REPL_PLRU};
    ck_assert_int_eq(cache_init(&c, &tc, t, 1), MMSIM_OK);
    cache_fill(&c, A, MESI_E, 0, &r);
    cache_fill(&c, B, MESI_E, 0, &r);
    cache_fill(&c, C, MESI_E, 0, &r);
    cache_fill(&c, D, MESI_E, 0, &r);
    ck_assert_uint_eq(r.victim_addr, A);
    /* D in way 0: root 1 -> right, node 3 bit 0 -> way 2 (way 3 missing). */
    cache_fill(&c, E, MESI_E, 0, &r);
    ck_assert_uint_eq(r.victim_addr, C);
    cache_free(&c);
    mmsim_topology_destroy(t);
}
END_TEST

START_TEST(cache_random_seeded)
{
    struct mmsim_topology *t = bundled("uma-4");
    struct cache c1, c2;
    struct cache_result r1, r2;
    small_cache(&c1, t, TOPO_REPL_RANDOM, 0);
    small_cache(&c2, t, TOPO_REPL_RANDOM, 0);
    /* Same seed, same requests: the same victims, and every victim a line
     * of set 1. */
    for (unsigned i = 0; i < 64; i++) {
        uint64_t a = 0x40 + 0x100ull * i;
        cache_fill(&c1, a, MESI_E, 0, &r1);
        cache_fill(&c2, a, MESI_E, 0, &r2);
        ck_assert_int_eq(r1.victim, r2.victim);
        ck_assert_uint_eq(r1.victim_addr, r2.victim_addr);
        ck_assert_int_eq(r1.victim, i >= 4);
        if (r1.victim)
            ck_assert_uint_eq(cache_set_of(&c1, r1.victim_addr), 1);
    }
    ck_assert_uint_eq(cache_count(&c1), 4);
    cache_free(&c1);
    cache_free(&c2);

    /* Another seed picks another sequence: over 60 evictions the two agree
     * on every victim with probability (1/4)^60, i.e. never. */
    struct topo_cache tc = {.size = 1024, .ways = 4, .line = 64,
                            .latency = {4, TOPO_CYCLES}, .repl = TOPO_REPL_RANDOM};
    ck_assert_int_eq(cache_init(&c1, &tc, t, 1), MMSIM_OK);
    ck_assert_int_eq(cache_init(&c2, &tc, t, 2), MMSIM_OK);
    unsigned differ = 0;
    for (unsigned i = 0; i < 64; i++) {
        uint64_t a = 0x40 + 0x100ull * i;
        cache_fill(&c1, a, MESI_E, 0, &r1);
        cache_fill(&c2, a, MESI_E, 0, &r2);
        differ += r1.victim_addr != r2.victim_addr;
    }
    ck_assert_uint_gt(differ, 0);
    cache_free(&c1);
    cache_free(&c2);
    mmsim_topology_destroy(t);
}
END_TEST

START_TEST(cache_writeback_and_states)
{
    struct mmsim_topology *t = bundled("uma-4");
    struct cache c;
    struct cache_result r;
    uint64_t ready;
    small_cache(&c, t, TOPO_REPL_LRU, 0);
    /* Write miss, write-allocate: the caller fills in M. */
    ck_assert(!cache_hit(&c, A, true, 0, &ready));
    ck_assert_int_eq(cache_access(&c, A, true, 0, &r), CACHE_MISS);
    cache_fill(&c, A, MESI_M, 0, &r);
    /* A read miss filled E; a store hit turns it M silently. */
    cache_fill(&c, B, MESI_E, 0, &r);
    ck_assert(cache_hit(&c, B, true, 5, &ready));
    ck_assert_int_eq(cache_state(&c, B), MESI_M);
    /* A store to an S line is an upgrade, not a hit. */
    cache_fill(&c, C, MESI_S, 0, &r);
    ck_assert(!cache_hit(&c, C, true, 5, &ready));
    ck_assert_int_eq(cache_access(&c, C, true, 5, &r), CACHE_UPGRADE);
    ck_assert_int_eq(r.prev, MESI_S);
    ck_assert_uint_eq(c.st.upgrades, 1);
    cache_fill(&c, C, MESI_M, 5, &r);
    ck_assert(!r.victim);
    ck_assert_int_eq(r.prev, MESI_S);
    cache_fill(&c, D, MESI_E, 0, &r);
    /* LRU order A B C D: E evicts A, dirty. */
    cache_fill(&c, E, MESI_E, 0, &r);
    ck_assert(r.victim && r.victim_dirty);
    ck_assert_uint_eq(r.victim_addr, A);
    ck_assert_uint_eq(c.st.writebacks, 1);
    /* Snoops: B (M) downgrades to S with a writeback; D (E) to S without. */
    ck_assert_int_eq(cache_downgrade(&c, B), MESI_M);
    ck_assert_int_eq(cache_state(&c, B), MESI_S);
    ck_assert_int_eq(cache_downgrade(&c, D), MESI_E);
    ck_assert_uint_eq(c.st.writebacks, 2);
    /* C (M) invalidated: dirty data reported; E (E) invalidated clean. */
    ck_assert_int_eq(cache_invalidate(&c, C), MESI_M);
    ck_assert_int_eq(cache_invalidate(&c, E), MESI_E);
    ck_assert_int_eq(cache_invalidate(&c, E), MESI_I);
    ck_assert_uint_eq(c.st.invalidations, 2);
    ck_assert_uint_eq(c.st.writebacks, 3);
    ck_assert_uint_eq(cache_count(&c), 2);
    cache_free(&c);
    mmsim_topology_destroy(t);
}
END_TEST

START_TEST(cache_fill_in_flight)
{
    struct mmsim_topology *t = bundled("uma-4");
    struct cache c;
    struct cache_result r;
    uint64_t ready;
    small_cache(&c, t, TOPO_REPL_LRU, 0);
    /* A miss at 0 whose data arrives at 100 ns: a hit at 50 ns waits for
     * it (100000 + 1600); at 200 ns the fast path hits (200000 + 1600). */
    cache_fill(&c, A, MESI_E, 100000, &r);
    ck_assert(!cache_hit(&c, A, false, 50000, &ready));
    ck_assert_int_eq(cache_access(&c, A, false, 50000, &r), CACHE_HIT);
    ck_assert_uint_eq(r.ready_ps, 101600);
    ck_assert(cache_hit(&c, A, false, 200000, &ready));
    ck_assert_uint_eq(ready, 201600);
    cache_free(&c);
    mmsim_topology_destroy(t);
}
END_TEST

START_TEST(cache_mshrs)
{
    struct mmsim_topology *t = bundled("uma-4");
    struct cache c;
    small_cache(&c, t, TOPO_REPL_LRU, 2);
    int s0, s1, s2, s3;
    /* Two MSHRs.  X misses at 0 (fill 100 ns), Y at 10 ps (fill 120 ns). */
    ck_assert_uint_eq(cache_mshr_acquire(&c, A, 0, &s0), 0);
    ck_assert_int_ge(s0, 0);
    cache_mshr_release(&c, s0, 100000);
    ck_assert_uint_eq(cache_mshr_acquire(&c, B, 10, &s1), 10);
    cache_mshr_release(&c, s1, 120000);
    ck_assert_uint_eq(cache_mshr_busy(&c, 20), 2);
    /* A second miss to X's line at 20 ps merges: done at X's fill. */
    ck_assert_uint_eq(cache_mshr_acquire(&c, A + 8, 20, &s2), 100000);
    ck_assert_int_eq(s2, -1);
    ck_assert_uint_eq(c.st.mshr_merges, 1);
    /* Z at 30 ps: both held, waits for the earliest (X's, 100 ns): it
     * leaves at 100000, having stalled 99970 ps. */
    ck_assert_uint_eq(cache_mshr_acquire(&c, C, 30, &s3), 100000);
    ck_assert_int_eq(s3, s0);
    ck_assert_uint_eq(c.st.mshr_stalls, 1);
    ck_assert_uint_eq(c.st.mshr_stall_ps, 99970);
    cache_mshr_release(&c, s3, 160000);
    ck_assert_uint_eq(cache_mshr_busy(&c, 130000), 1);
    ck_assert_uint_eq(cache_mshr_busy(&c, 160000), 0);
    /* X's line is no longer in flight at 130 ns: a new miss, no merge. */
    ck_assert_uint_eq(cache_mshr_acquire(&c, A, 130000, &s2), 130000);
    ck_assert_int_ge(s2, 0);
    cache_mshr_release(&c, s2, 190000);
    cache_free(&c);

    /* Unlimited MSHRs: never waits. */
    small_cache(&c, t, TOPO_REPL_LRU, 0);
    ck_assert_uint_eq(cache_mshr_acquire(&c, A, 7, &s0), 7);
    ck_assert_int_eq(s0, -1);
    cache_mshr_release(&c, s0, 100);
    cache_free(&c);
    mmsim_topology_destroy(t);
}
END_TEST

START_TEST(cache_stats_names)
{
    struct mmsim_topology *t = bundled("uma-4");
    struct stats_registry *reg = stats_create();
    ck_assert_ptr_nonnull(reg);
    struct cache c;
    struct cache_result r;
    small_cache(&c, t, TOPO_REPL_LRU, 0);
    ck_assert_int_eq(cache_stats_register(&c, reg, "node1.llc"), MMSIM_OK);
    ck_assert_int_eq(cache_stats_register(&c, reg, "node1.llc"), MMSIM_ERR_INVALID);
    cache_access(&c, A, false, 0, &r);
    cache_fill(&c, A, MESI_E, 0, &r);
    cache_access(&c, A, false, 0, &r);
    uint64_t v;
    ck_assert_int_eq(stats_get(reg, "node1.llc.misses", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(stats_get(reg, "node1.llc.hits", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(stats_get(reg, "node1.llc.mshr.stall_ps", &v), MMSIM_OK);
    stats_destroy(reg);
    cache_free(&c);
    mmsim_topology_destroy(t);
}
END_TEST

/* ---- Memory controller ---------------------------------------------------- */

START_TEST(dram_flat)
{
    /* uma-4: 60 ns, 21.3 GB/s.  One 64 B line holds the channel for
     * 64 / 21.3e9 s = 3004.69 ps, rounded up to 3005. */
    struct mmsim_topology *t = bundled("uma-4");
    struct dram_params p;
    struct dram d;
    dram_params_from_topology(t, 0, &p);
    ck_assert_uint_eq(p.latency_ps, 60000);
    ck_assert_int_eq(dram_init(&d, &p), MMSIM_OK);
    ck_assert_uint_eq(d.xfer_ps, 3005);
    /* K = 8 reads arriving together at 0: k-th done at 60000 + k * 3005. */
    for (unsigned k = 0; k < 8; k++)
        ck_assert_uint_eq(dram_access(&d, 64ull * k, false, 0), 60000 + 3005ull * k);
    /* An isolated read long after: T + latency. */
    ck_assert_uint_eq(dram_access(&d, 0x1000, false, 1000000), 1060000);
    ck_assert_uint_eq(dram_access(&d, 0x1040, true, 2000000), 2060000);
    ck_assert_uint_eq(d.st.reads, 9);
    ck_assert_uint_eq(d.st.writes, 1);
    ck_assert_uint_eq(d.st.bytes, 640);
    ck_assert_uint_eq(d.st.busy_ps, 10 * 3005);
    /* Queueing: 0 + 3005 + ... + 7 * 3005 = 28 * 3005 = 84140 over 10 requests. */
    ck_assert_uint_eq(d.st.queue_ps.count, 10);
    ck_assert_uint_eq(d.st.queue_ps.sum, 84140);
    ck_assert_uint_eq(d.st.queue_ps.max, 7 * 3005);
    dram_free(&d);

    /* Streaming 10000 lines from 0: the last completes at 60000 + 9999 * 3005;
     * 640000 B over 9999 * 3005 ps = 21.30 GB/s, the configured figure within
     * 0.1 %, and the channel is busy > 99.9 % of that time. */
    ck_assert_int_eq(dram_init(&d, &p), MMSIM_OK);
    uint64_t last = 0;
    for (unsigned k = 0; k < 10000; k++)
        last = dram_access(&d, 64ull * k, false, 0);
    ck_assert_uint_eq(last, 60000 + 9999ull * 3005);
    double gbs = 640000.0 / ((double)(last - 60000) * 1e-12) / 1e9;
    ck_assert_double_eq_tol(gbs, 21.3, 0.0213);
    ck_assert_uint_ge(dram_utilisation_ppm(&d, last - 60000 + 3005), 999000);
    dram_free(&d);
    mmsim_topology_destroy(t);
}
END_TEST

START_TEST(dram_banks)
{
    /* 4 banks of 2 KiB rows: bank = (addr >> 11) & 3, row = addr >> 13.
     * Row hit 15 ns, miss (closed) 30 ns, conflict 45 ns; xfer 3005 ps. */
    struct dram_params p = {.latency_ps = 60000, .bandwidth = 21300000000ull, .line = 64,
                            .banks = 4, .row_size = 2048, .row_hit_ps = 15000,
                            .row_miss_ps = 30000, .row_conflict_ps = 45000};
    struct dram d;
    ck_assert_int_eq(dram_init(&d, &p), MMSIM_OK);
    /* 0x0: bank 0 closed -> miss, 30 ns.  Bank busy 15000 + 3005. */
    ck_assert_uint_eq(dram_access(&d, 0x0, false, 0), 30000);
    /* 0x40 at 100 ns: row 0 open -> hit. */
    ck_assert_uint_eq(dram_access(&d, 0x40, false, 100000), 115000);
    /* 0x2000 at 200 ns: bank 0, row 1 -> conflict, 245000; bank busy until
     * 200000 + 30000 + 3005 = 233005, channel until 203005. */
    ck_assert_uint_eq(dram_access(&d, 0x2000, false, 200000), 245000);
    /* 0x2040 at 200 ns: row 1 now open (hit) but the bank is busy: starts
     * 233005, done 248005; channel until 236010. */
    ck_assert_uint_eq(dram_access(&d, 0x2040, false, 200000), 248005);
    /* 0x800 at 200 ns: bank 1 closed (miss) but FCFS behind the channel:
     * starts 236010, done 266010. */
    ck_assert_uint_eq(dram_access(&d, 0x800, false, 200000), 266010);
    ck_assert_uint_eq(d.st.row_hits, 2);
    ck_assert_uint_eq(d.st.row_misses, 2);
    ck_assert_uint_eq(d.st.row_conflicts, 1);
    dram_free(&d);

    p.banks = 3;
    ck_assert_int_eq(dram_init(&d, &p), MMSIM_ERR_INVALID);
    p.banks = 4;
    p.row_conflict_ps = 0;
    ck_assert_int_eq(dram_init(&d, &p), MMSIM_ERR_INVALID);
}
END_TEST

START_TEST(dram_stats_names)
{
    struct dram_params p = {.latency_ps = 1000, .bandwidth = 64000000000ull, .line = 64};
    struct dram d;
    ck_assert_int_eq(dram_init(&d, &p), MMSIM_OK);
    ck_assert_uint_eq(d.xfer_ps, 1000);       /* 64 B at 64 GB/s */
    struct stats_registry *reg = stats_create();
    ck_assert_int_eq(dram_stats_register(&d, reg, "node0.mem"), MMSIM_OK);
    dram_access(&d, 0, false, 0);
    dram_access(&d, 64, true, 0);       /* queued 1000 ps */
    uint64_t v;
    ck_assert_int_eq(stats_get(reg, "node0.mem.bytes", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 128);
    ck_assert_int_eq(stats_get(reg, "node0.mem.queue_ps.max", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 1000);
    ck_assert_int_eq(stats_get(reg, "node0.mem.busy_ps", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 2000);
    stats_destroy(reg);
    dram_free(&d);
}
END_TEST

/* ---- Coherence ------------------------------------------------------------ */

START_TEST(coh_snoop_table)
{
    enum mesi st[4];
    struct coh_snoop o;

    /* Cold read by CPU 0: BusRd from memory, E. */
    memcpy(st, (enum mesi[]){MESI_I, MESI_I, MESI_I, MESI_I}, sizeof(st));
    coh_snoop_decide(st, 4, 0, false, &o);
    ck_assert_int_eq(o.op, COH_BUSRD);
    ck_assert(o.from_memory);
    ck_assert_int_eq(o.supplier, -1);
    ck_assert_int_eq(st[0], MESI_E);

    /* CPU 0 writes its E line: silent M, no bus. */
    coh_snoop_decide(st, 4, 0, true, &o);
    ck_assert_int_eq(o.op, COH_NONE);
    ck_assert_int_eq(st[0], MESI_M);

    /* CPU 2 reads: CPU 0 supplies cache to cache, writes back (M -> S); both S. */
    coh_snoop_decide(st, 4, 2, false, &o);
    ck_assert_int_eq(o.op, COH_BUSRD);
    ck_assert_int_eq(o.supplier, 0);
    ck_assert(o.writeback && !o.from_memory);
    ck_assert_int_eq(st[0], MESI_S);
    ck_assert_int_eq(st[2], MESI_S);

    /* CPU 3 reads: only S copies, memory supplies; S. */
    coh_snoop_decide(st, 4, 3, false, &o);
    ck_assert(o.from_memory);
    ck_assert_int_eq(o.supplier, -1);
    ck_assert_int_eq(st[3], MESI_S);

    /* CPU 2 writes its S copy: BusUpgr, invalidates CPUs 0 and 3 (mask 0b1001). */
    coh_snoop_decide(st, 4, 2, true, &o);
    ck_assert_int_eq(o.op, COH_BUSUPGR);
    ck_assert(!o.from_memory);
    ck_assert_uint_eq(o.invalidate, 0x9);
    ck_assert_uint_eq(o.ninvalidate, 2);
    ck_assert_int_eq(st[0], MESI_I);
    ck_assert_int_eq(st[2], MESI_M);
    ck_assert_int_eq(st[3], MESI_I);

    /* CPU 1 writes: BusRdX, CPU 2 supplies its dirty line and is
     * invalidated; ownership moves, no writeback. */
    coh_snoop_decide(st, 4, 1, true, &o);
    ck_assert_int_eq(o.op, COH_BUSRDX);
    ck_assert_int_eq(o.supplier, 2);
    ck_assert(!o.writeback);
    ck_assert_uint_eq(o.invalidate, 0x4);
    ck_assert_int_eq(st[1], MESI_M);
    ck_assert_int_eq(st[2], MESI_I);

    /* A read hit stays as it is. */
    coh_snoop_decide(st, 4, 1, false, &o);
    ck_assert_int_eq(o.op, COH_NONE);
    ck_assert_int_eq(st[1], MESI_M);

    /* Write miss with S sharers: memory supplies, sharers invalidated. */
    memcpy(st, (enum mesi[]){MESI_S, MESI_S, MESI_I, MESI_I}, sizeof(st));
    coh_snoop_decide(st, 4, 3, true, &o);
    ck_assert_int_eq(o.op, COH_BUSRDX);
    ck_assert(o.from_memory);
    ck_assert_uint_eq(o.invalidate, 0x3);
    ck_assert_int_eq(st[3], MESI_M);

    /* Read with an E owner: cache to cache, no writeback, both S. */
    memcpy(st, (enum mesi[]){MESI_I, MESI_E, MESI_I, MESI_I}, sizeof(st));
    coh_snoop_decide(st, 4, 0, false, &o);
    ck_assert_int_eq(o.supplier, 1);
    ck_assert(!o.writeback);
    ck_assert_int_eq(st[0], MESI_S);
    ck_assert_int_eq(st[1], MESI_S);
}
END_TEST

START_TEST(dir_table)
{
    struct dir_entry e = {0};
    struct dir_outcome o;
    /* Node 0 reads an uncached line: memory, EXCLUSIVE(0). */
    dir_request(&e, 0, false, &o);
    ck_assert_int_eq(o.data, DIR_DATA_MEMORY);
    ck_assert_int_eq(e.state, DIR_EXCLUSIVE);
    ck_assert_uint_eq(e.owner, 0);
    /* Node 0 again (writes): it owns the line, nothing to do. */
    dir_request(&e, 0, true, &o);
    ck_assert_int_eq(o.data, DIR_DATA_NONE);
    ck_assert_int_eq(o.forward_to, -1);
    /* Node 2 reads: forwarded to owner 0, which keeps a copy: SHARED {0, 2}. */
    dir_request(&e, 2, false, &o);
    ck_assert_int_eq(o.data, DIR_DATA_OWNER);
    ck_assert_int_eq(o.forward_to, 0);
    ck_assert(o.owner_keeps);
    ck_assert_int_eq(e.state, DIR_SHARED);
    ck_assert_uint_eq(e.presence, 0x5);
    /* Node 3 reads: memory, SHARED {0, 2, 3}. */
    dir_request(&e, 3, false, &o);
    ck_assert_int_eq(o.data, DIR_DATA_MEMORY);
    ck_assert_uint_eq(e.presence, 0xd);
    /* Node 2 writes: an upgrade, nodes 0 and 3 invalidated; EXCLUSIVE(2). */
    dir_request(&e, 2, true, &o);
    ck_assert(o.upgrade);
    ck_assert_int_eq(o.data, DIR_DATA_NONE);
    ck_assert_uint_eq(o.invalidate, 0x9);
    ck_assert_uint_eq(o.ninvalidate, 2);
    ck_assert_int_eq(e.state, DIR_EXCLUSIVE);
    ck_assert_uint_eq(e.owner, 2);
    /* Node 1 writes: forwarded to 2, which is invalidated; EXCLUSIVE(1). */
    dir_request(&e, 1, true, &o);
    ck_assert_int_eq(o.data, DIR_DATA_OWNER);
    ck_assert_int_eq(o.forward_to, 2);
    ck_assert_uint_eq(o.invalidate, 0x4);
    ck_assert_uint_eq(e.owner, 1);
    ck_assert_uint_eq(e.presence, 0x2);
    /* Node 1 evicts dirty: the data goes home; UNCACHED. */
    ck_assert(dir_evict(&e, 1, true));
    ck_assert_int_eq(e.state, DIR_UNCACHED);
    ck_assert_uint_eq(e.presence, 0);
    /* Sharers leaving one by one: UNCACHED after the last. */
    dir_request(&e, 0, false, &o);
    dir_request(&e, 1, false, &o);
    ck_assert_int_eq(e.state, DIR_SHARED);
    ck_assert(!dir_evict(&e, 0, false));
    ck_assert_int_eq(e.state, DIR_SHARED);
    ck_assert(!dir_evict(&e, 1, false));
    ck_assert_int_eq(e.state, DIR_UNCACHED);
    ck_assert(!dir_evict(&e, 1, false));        /* not present: no-op */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mem");
    TCase *tc = tcase_create("cache");
    tcase_add_test(tc, cache_geometry);
    tcase_add_test(tc, cache_lru_victims);
    tcase_add_test(tc, cache_fill_after_miss);
    tcase_add_test(tc, cache_plru_victims);
    tcase_add_test(tc, cache_random_seeded);
    tcase_add_test(tc, cache_writeback_and_states);
    tcase_add_test(tc, cache_fill_in_flight);
    tcase_add_test(tc, cache_mshrs);
    tcase_add_test(tc, cache_stats_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("dram");
    tcase_add_test(tc, dram_flat);
    tcase_add_test(tc, dram_banks);
    tcase_add_test(tc, dram_stats_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("coherence");
    tcase_add_test(tc, coh_snoop_table);
    tcase_add_test(tc, dir_table);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
