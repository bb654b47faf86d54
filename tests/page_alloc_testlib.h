/* Machines built by hand for the page allocator and mempolicy tests: the
 * YAML parser is not needed to put nodes, sizes and distances in a struct. */
#ifndef MMSIM_TESTS_PAGE_ALLOC_TESTLIB_H
#define MMSIM_TESTS_PAGE_ALLOC_TESTLIB_H

#include <check.h>
#include <string.h>

#include "kernel/page_alloc.h"
#include "libmmsim/topology.h"
#include "numa/physmem.h"

#define TM_MAX_NODES 8

struct tmachine {
    struct mmsim_topology t;
    struct topo_node nodes[TM_MAX_NODES];
    uint8_t dist[TM_MAX_NODES * TM_MAX_NODES];
    struct physmem *pm;
    struct page_alloc *pa;
};

/* nnodes nodes with the given bases and sizes (bytes), movable bytes per
 * node (NULL: none), SLIT (NULL: 10 local, 20 remote), max_order (0: 11),
 * min_free_kbytes (0: derived), one CPU per node, pcp lists on or off. */
static inline void tm_init_pcp(struct tmachine *m, unsigned nnodes, const uint64_t *base,
                               const uint64_t *size, const uint64_t *movable,
                               const uint8_t *dist, unsigned max_order, uint64_t mfk, bool pcp)
{
    memset(m, 0, sizeof(*m));
    m->t.nnodes = nnodes;
    m->t.ncpus = nnodes;
    m->t.nodes = m->nodes;
    m->t.distance = m->dist;
    m->t.max_order = max_order;
    m->t.min_free_kbytes = mfk;
    m->t.pcp = pcp;
    for (unsigned n = 0; n < nnodes; n++) {
        m->nodes[n].ncpus = 1;
        m->nodes[n].first_cpu = n;
        m->nodes[n].mem_base = base[n];
        m->nodes[n].mem_size = size[n];
        m->nodes[n].movable = movable ? movable[n] : 0;
        for (unsigned k = 0; k < nnodes; k++)
            m->dist[n * nnodes + k] = dist ? dist[n * nnodes + k] : (n == k ? 10 : 20);
    }
    ck_assert_int_eq(physmem_create(&m->t, &m->pm), MMSIM_OK);
    ck_assert_int_eq(page_alloc_create(&m->t, m->pm, &m->pa), MMSIM_OK);
}

/* The machine of tm_init_pcp with pcp lists off: the tests written for
 * exact buddy-system states (every free goes straight to the free lists). */
static inline void tm_init(struct tmachine *m, unsigned nnodes, const uint64_t *base,
                           const uint64_t *size, const uint64_t *movable, const uint8_t *dist,
                           unsigned max_order, uint64_t mfk)
{
    tm_init_pcp(m, nnodes, base, size, movable, dist, max_order, mfk, false);
}

static inline void tm_destroy(struct tmachine *m)
{
    page_alloc_destroy(m->pa);
    physmem_destroy(m->pm);
}

static inline void tm_check(struct tmachine *m)
{
    char msg[256];
    int rc = page_alloc_check(m->pa, msg, sizeof(msg));
    ck_assert_msg(rc == 0, "invariant: %s", msg);
}

/* Free counts of every zone, to compare states exactly. */
struct tm_snap {
    uint64_t free[TM_MAX_NODES][MAX_NR_ZONES];
    uint64_t blocks[TM_MAX_NODES][MAX_NR_ZONES][PAGE_ALLOC_MAX_ORDERS];
};

static inline void tm_snap(struct tmachine *m, struct tm_snap *s)
{
    memset(s, 0, sizeof(*s));
    for (unsigned n = 0; n < m->t.nnodes; n++)
        for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
            struct zone_info zi;
            page_alloc_zone_info(m->pa, n, (enum zone_type)z, &zi);
            s->free[n][z] = zi.free_pages;
            memcpy(s->blocks[n][z], zi.nr_free, sizeof(zi.nr_free));
        }
}

static inline void tm_snap_eq(const struct tm_snap *a, const struct tm_snap *b)
{
    for (unsigned n = 0; n < TM_MAX_NODES; n++)
        for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
            ck_assert_uint_eq(a->free[n][z], b->free[n][z]);
            for (unsigned o = 0; o < PAGE_ALLOC_MAX_ORDERS; o++)
                ck_assert_msg(a->blocks[n][z][o] == b->blocks[n][z][o],
                              "node %u zone %u order %u: %llu blocks, expected %llu", n, z, o,
                              (unsigned long long)b->blocks[n][z][o],
                              (unsigned long long)a->blocks[n][z][o]);
        }
}

static inline uint64_t tm_node_free_pages(struct tmachine *m, unsigned n)
{
    return page_alloc_node_free_bytes(m->pa, n) >> PAGE_SHIFT;
}

/* xorshift64*: deterministic test randomness. */
static inline uint64_t tm_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

#endif
