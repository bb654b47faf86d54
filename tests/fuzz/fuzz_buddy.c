/* libFuzzer target: random operation sequences on the buddy allocator and
 * the NUMA memory policies (kernel/page_alloc.h, kernel/mempolicy.h).
 *
 * The first bytes describe a small machine built in C (as
 * tests/page_alloc_testlib.h does): 1-4 nodes of up to 32 MiB each (or
 * 49-64 nodes of up to 2 MiB, for the largest node and zone ids), some
 * possibly memory-less, placed at 2 GiB, at 0 (a DMA zone), just below
 * 16 MiB or just below 4 GiB (zones that straddle a boundary), with gaps,
 * movable parts, a max_order of 1..20, min_free_kbytes and a SLIT table.
 * The rest is a sequence of operations: page_alloc_pages_local() with random
 * GFP flags, orders, preferred nodes and node masks (some out of range);
 * mempolicy_init() + mempolicy_alloc() with every mode and flag, rebinds
 * and weights; frees of blocks actually held; probes of the inspection API.
 *
 * Invariants (a violation aborts):
 *   - page_alloc_check() after every operation (and paranoid mode on, which
 *     checks inside every allocation and free);
 *   - a returned block: aligned to its order, inside one node's DRAM, in a
 *     zone the GFP flags allow, on a node the mask / policy allows
 *     (MPOL_BIND never leaves its nodes, __GFP_THISNODE never leaves the
 *     node), overlapping no block already held, page_alloc_valid_block()
 *     true for its order only, zero-filled when __GFP_ZERO asked for it;
 *   - MMSIM_ERR_INVALID exactly for an order or node out of range;
 *     with __GFP_MEMALLOC and no restriction, MMSIM_ERR_GUEST_NOMEM only
 *     when no usable zone has a large enough free block;
 *   - free pages + held pages == all pages, per node, after every step;
 *   - once every held block is freed, every zone's free count and free
 *     blocks per order and the /proc/buddyinfo text equal the boot state. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/mempolicy.h"
#include "kernel/page_alloc.h"
#include "libmmsim/topology.h"
#include "numa/physmem.h"

#define MAX_NODES 64             /* TOPO_MAX_NODES: node 63 has zone ids 252..255 */
#define MAX_HELD 2048
#define MAX_OPS 3000

#define REQUIRE(cond, ...)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_buddy: invariant failed: %s: ", #cond);      \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- Input ----------------------------------------------------------------- */

struct in {
    const uint8_t *p;
    size_t n;
};

static unsigned u8(struct in *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static unsigned u16(struct in *in)
{
    unsigned lo = u8(in);
    return lo | u8(in) << 8;
}

/* A node mask for an nn-node machine: one byte for a few nodes (bit 7
 * included, so nodes that do not exist show up too), eight for many. */
static nodemask_t pick_mask(struct in *in, unsigned nn)
{
    if (nn <= 4)
        return u8(in);
    nodemask_t m = 0;
    for (int i = 0; i < 8; i++)
        m |= (nodemask_t)u8(in) << (8 * i);
    return m;
}

static nodemask_t all_nodes(unsigned nn)
{
    return nn >= 64 ? ~NODEMASK_NONE : NODEMASK_OF(nn) - 1;
}

/* ---- The machine ---------------------------------------------------------- */

struct machine {
    struct mmsim_topology t;
    struct topo_node nodes[MAX_NODES];
    uint8_t dist[MAX_NODES * MAX_NODES];
    struct physmem *pm;
    struct page_alloc *pa;
    uint64_t node_pages[MAX_NODES];
};

struct held {
    uint64_t pfn;
    unsigned order;
};

struct state {
    struct machine m;
    unsigned norders;
    struct held held[MAX_HELD];
    unsigned nheld;
    uint64_t held_pages[MAX_NODES];
};

static int build_machine(struct machine *m, struct in *in)
{
    memset(m, 0, sizeof(*m));
    /* Mostly 1-4 nodes; sometimes 49-64 small ones (the largest zone ids). */
    unsigned nb = u8(in);
    unsigned nn = nb < 0xf0 ? 1 + nb % 4 : MAX_NODES - (nb & 0xf);
    unsigned mo = u8(in) % 21;                      /* 0: default (11) */
    unsigned mfk = u8(in);
    unsigned layout = u8(in) % 4;
    uint64_t k = 1 + u16(in) % 2048;                /* pages below a boundary */
    static const uint64_t MiB = 1ULL << 20;
    uint64_t base = layout == 0 ? 0x80000000ULL
                  : layout == 1 ? 0
                  : layout == 2 ? 16 * MiB - k * 4096
                                : (4ULL << 30) - k * 4096;
    m->t.nnodes = nn;
    m->t.nodes = m->nodes;
    m->t.distance = m->dist;
    m->t.max_order = mo;
    m->t.min_free_kbytes = mfk < 128 ? 0 : (uint64_t)(mfk - 127) * 64;
    m->t.clock_hz = 2000000000ULL;
    for (unsigned n = 0; n < nn; n++) {
        struct topo_node *tn = &m->nodes[n];
        unsigned flags = u8(in);
        uint64_t pages = 1 + u16(in) % (nn <= 4 ? 8192 : 512);
        if (flags & 0x40)
            base += (uint64_t)(u8(in) + 1) * 4096;  /* a hole before this node */
        tn->ncpus = (flags & 0x3) ? 1 : 0;
        tn->first_cpu = m->t.ncpus;
        m->t.ncpus += tn->ncpus;
        if ((flags & 0x3) && (flags & 0x80)) {
            tn->mem_size = 0;                       /* a CPU-only node */
        } else {
            tn->mem_size = pages * 4096;
            tn->mem_base = base;
            if (flags & 0x20)
                tn->movable = (u16(in) % (pages + 1)) * 4096;
            base += tn->mem_size;
        }
        m->node_pages[n] = tn->mem_size / 4096;
    }
    unsigned dmode = u8(in) % 3;
    for (unsigned a = 0; a < nn; a++)
        for (unsigned b = 0; b < nn; b++) {
            uint8_t d = 20;
            if (dmode == 1)
                d = (uint8_t)(11 + u8(in) % 244);   /* asymmetric allowed */
            else if (dmode == 2)
                d = (uint8_t)(11 + (a + b) * 7 % 244);
            m->dist[a * nn + b] = a == b ? 10 : d;
        }
    REQUIRE(physmem_create(&m->t, &m->pm) == MMSIM_OK, "physmem_create");
    int rc = page_alloc_create(&m->t, m->pm, &m->pa);
    REQUIRE(rc == MMSIM_OK, "page_alloc_create: %d", rc);
    return 0;
}

static void destroy_machine(struct machine *m)
{
    page_alloc_destroy(m->pa);
    physmem_destroy(m->pm);
}

/* ---- Snapshots of the free lists ------------------------------------------- */

struct snap {
    uint64_t free[MAX_NODES][MAX_NR_ZONES];
    uint64_t blocks[MAX_NODES][MAX_NR_ZONES][PAGE_ALLOC_MAX_ORDERS];
    char *buddyinfo;
    size_t buddyinfo_len;
};

static void take_snap(struct machine *m, struct snap *s)
{
    memset(s, 0, sizeof(*s));
    for (unsigned n = 0; n < m->t.nnodes; n++)
        for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
            struct zone_info zi;
            page_alloc_zone_info(m->pa, n, (enum zone_type)z, &zi);
            s->free[n][z] = zi.free_pages;
            memcpy(s->blocks[n][z], zi.nr_free, sizeof(zi.nr_free));
        }
    FILE *f = open_memstream(&s->buddyinfo, &s->buddyinfo_len);
    REQUIRE(f != NULL, "open_memstream");
    REQUIRE(page_alloc_print_buddyinfo(m->pa, f) == MMSIM_OK, "print_buddyinfo");
    fclose(f);
}

static void snap_eq(const struct snap *boot, const struct snap *now, unsigned nn)
{
    for (unsigned n = 0; n < nn; n++)
        for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
            REQUIRE(boot->free[n][z] == now->free[n][z], "node %u zone %u: %llu free, boot %llu",
                    n, z, (unsigned long long)now->free[n][z],
                    (unsigned long long)boot->free[n][z]);
            for (unsigned o = 0; o < PAGE_ALLOC_MAX_ORDERS; o++)
                REQUIRE(boot->blocks[n][z][o] == now->blocks[n][z][o],
                        "node %u zone %u order %u: %llu blocks, boot %llu", n, z, o,
                        (unsigned long long)now->blocks[n][z][o],
                        (unsigned long long)boot->blocks[n][z][o]);
        }
    REQUIRE(boot->buddyinfo_len == now->buddyinfo_len &&
                memcmp(boot->buddyinfo, now->buddyinfo, boot->buddyinfo_len) == 0,
            "buddyinfo differs:\n%s\nboot:\n%s", now->buddyinfo, boot->buddyinfo);
}

/* ---- Checks ------------------------------------------------------------------ */

static void check_all(struct state *s)
{
    char msg[256];
    int rc = page_alloc_check(s->m.pa, msg, sizeof(msg));
    REQUIRE(rc == 0, "page_alloc_check: %s", msg);
    for (unsigned n = 0; n < s->m.t.nnodes; n++) {
        uint64_t fr = page_alloc_node_free_bytes(s->m.pa, n) >> PAGE_SHIFT;
        REQUIRE(fr + s->held_pages[n] == s->m.node_pages[n],
                "node %u: %llu free + %llu held != %llu pages", n, (unsigned long long)fr,
                (unsigned long long)s->held_pages[n], (unsigned long long)s->m.node_pages[n]);
    }
}

/* Node and zone type of an allocated block, checked against the DRAM map. */
static void block_where(struct state *s, uint64_t pfn, unsigned order, unsigned *node,
                        enum zone_type *zt)
{
    REQUIRE((pfn & ((1ULL << order) - 1)) == 0, "pfn %#llx not aligned to order %u",
            (unsigned long long)pfn, order);
    struct page *p = page_alloc_pfn_to_page(s->m.pa, pfn);
    REQUIRE(p != NULL && p->pfn == pfn, "no descriptor for pfn %#llx", (unsigned long long)pfn);
    *node = p->zone / MAX_NR_ZONES;
    *zt = (enum zone_type)(p->zone % MAX_NR_ZONES);
    REQUIRE(*node < s->m.t.nnodes, "pfn %#llx on node %u", (unsigned long long)pfn, *node);
    const struct topo_node *tn = &s->m.nodes[*node];
    uint64_t lo = tn->mem_base >> PAGE_SHIFT, hi = lo + (tn->mem_size >> PAGE_SHIFT);
    REQUIRE(pfn >= lo && pfn + (1ULL << order) <= hi,
            "block %#llx order %u outside node %u [%#llx, %#llx)", (unsigned long long)pfn,
            order, *node, (unsigned long long)lo, (unsigned long long)hi);
    struct zone_info zi;
    page_alloc_zone_info(s->m.pa, *node, *zt, &zi);
    REQUIRE(zi.populated && pfn >= zi.start_pfn && pfn + (1ULL << order) <= zi.start_pfn + zi.spanned,
            "block %#llx order %u outside its zone", (unsigned long long)pfn, order);
}

static void got_block(struct state *s, uint64_t pfn, unsigned order, unsigned gfp,
                      nodemask_t allowed_nodes)
{
    unsigned node;
    enum zone_type zt;
    block_where(s, pfn, order, &node, &zt);
    REQUIRE(zt <= gfp_zone(gfp), "zone %s for gfp %#x (highest %s)", zone_name(zt), gfp,
            zone_name(gfp_zone(gfp)));
    REQUIRE(nodemask_test(allowed_nodes, node), "node %u not in allowed mask %#llx", node,
            (unsigned long long)allowed_nodes);
    for (unsigned i = 0; i < s->nheld; i++) {
        const struct held *h = &s->held[i];
        REQUIRE(pfn + (1ULL << order) <= h->pfn || h->pfn + (1ULL << h->order) <= pfn,
                "block %#llx order %u overlaps held %#llx order %u", (unsigned long long)pfn,
                order, (unsigned long long)h->pfn, h->order);
    }
    REQUIRE(page_alloc_valid_block(s->m.pa, pfn, order), "valid_block false after alloc");
    for (unsigned o = 0; o < s->norders; o++)
        REQUIRE(o == order || !page_alloc_valid_block(s->m.pa, pfn, o),
                "valid_block(%#llx, %u) true for a block of order %u", (unsigned long long)pfn, o,
                order);
    uint8_t *h = physmem_host(s->m.pm, pfn << PAGE_SHIFT);
    REQUIRE(h != NULL, "no host memory behind pfn %#llx", (unsigned long long)pfn);
    uint64_t bytes = PAGE_SIZE << order;
    if (gfp & __GFP_ZERO)
        REQUIRE(h[0] == 0 && h[bytes - 1] == 0 && h[bytes / 2] == 0,
                "__GFP_ZERO block %#llx not zeroed", (unsigned long long)pfn);
    /* Leave a mark for the next __GFP_ZERO allocation of these frames. */
    h[0] = h[bytes - 1] = h[bytes / 2] = 0xa5;
    if (s->nheld < MAX_HELD) {
        s->held[s->nheld++] = (struct held){pfn, order};
        s->held_pages[node] += 1ULL << order;
    } else {
        page_free_pages(s->m.pa, pfn, order);
    }
}

static void free_held(struct state *s, unsigned i)
{
    struct held h = s->held[i];
    REQUIRE(page_alloc_valid_block(s->m.pa, h.pfn, h.order), "held block %#llx order %u not valid",
            (unsigned long long)h.pfn, h.order);
    unsigned node;
    enum zone_type zt;
    block_where(s, h.pfn, h.order, &node, &zt);
    page_free_pages(s->m.pa, h.pfn, h.order);
    REQUIRE(!page_alloc_valid_block(s->m.pa, h.pfn, h.order), "freed block still valid");
    s->held_pages[node] -= 1ULL << h.order;
    s->held[i] = s->held[--s->nheld];
}

/* Does any zone allowed for gfp have a free block of at least order? */
static int any_block(struct state *s, unsigned gfp, unsigned order, nodemask_t mask)
{
    for (unsigned n = 0; n < s->m.t.nnodes; n++) {
        if (!nodemask_test(mask, n))
            continue;
        for (unsigned z = 0; z <= (unsigned)gfp_zone(gfp); z++) {
            struct zone_info zi;
            page_alloc_zone_info(s->m.pa, n, (enum zone_type)z, &zi);
            for (unsigned o = order; o < s->norders; o++)
                if (zi.nr_free[o])
                    return 1;
        }
    }
    return 0;
}

/* ---- Operations ----------------------------------------------------------------- */

static const unsigned gfp_bits[] = {
    __GFP_DMA, __GFP_HIGHMEM, __GFP_DMA32, __GFP_MOVABLE, __GFP_HIGH, __GFP_ZERO,
    __GFP_DIRECT_RECLAIM, __GFP_KSWAPD_RECLAIM, __GFP_HARDWALL, __GFP_MEMALLOC,
    __GFP_NOMEMALLOC, __GFP_THISNODE,
};

static unsigned pick_gfp(struct in *in)
{
    static const unsigned common[] = {GFP_KERNEL, GFP_USER, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC,
                                      GFP_NOWAIT, GFP_DMA, GFP_DMA32, GFP_KERNEL | __GFP_MEMALLOC};
    unsigned b = u8(in);
    if (b < 0xc0)
        return common[b % 8] | ((b & 0x8) ? __GFP_ZERO : 0);
    unsigned bits = u16(in), gfp = 0;
    for (unsigned i = 0; i < sizeof(gfp_bits) / sizeof(gfp_bits[0]); i++)
        if (bits & (1u << i))
            gfp |= gfp_bits[i];
    return gfp;
}

static void op_alloc(struct state *s, struct in *in)
{
    unsigned nn = s->m.t.nnodes;
    nodemask_t all = all_nodes(nn);
    unsigned gfp = pick_gfp(in);
    unsigned order = u8(in) % (s->norders + 2);
    unsigned pref = u8(in) % (nn + 1);
    unsigned local = u8(in) % nn;
    unsigned use_mask = u8(in) & 1;
    nodemask_t mask = use_mask ? pick_mask(in, nn) : ~NODEMASK_NONE;
    uint64_t pfn = UINT64_MAX;
    int rc = page_alloc_pages_local(s->m.pa, gfp, order, pref, use_mask ? &mask : NULL, local,
                                    &pfn);
    int invalid = order >= s->norders || pref >= nn;
    if (invalid) {
        REQUIRE(rc == MMSIM_ERR_INVALID, "order %u node %u: rc %d", order, pref, rc);
        return;
    }
    nodemask_t eff = mask & all;
    if (gfp & __GFP_THISNODE)
        eff &= NODEMASK_OF(pref);
    if (rc == MMSIM_OK) {
        got_block(s, pfn, order, gfp, eff);
        return;
    }
    REQUIRE(rc == MMSIM_ERR_GUEST_NOMEM, "rc %d", rc);
    if ((gfp & (__GFP_MEMALLOC | __GFP_NOMEMALLOC)) == __GFP_MEMALLOC)
        REQUIRE(!any_block(s, gfp, order, eff),
                "__GFP_MEMALLOC order %u gfp %#x failed with a free block available", order, gfp);
}

static void op_policy(struct state *s, struct in *in)
{
    unsigned nn = s->m.t.nnodes;
    int mode = (int)(u8(in) % (MPOL_MAX + 1));
    unsigned fb = u8(in);
    unsigned flags = ((fb & 1) ? MPOL_F_STATIC_NODES : 0) | ((fb & 2) ? MPOL_F_RELATIVE_NODES : 0) |
                     ((fb & 4) ? MPOL_F_NUMA_BALANCING : 0);
    nodemask_t nodes = pick_mask(in, nn);   /* may name nodes that do not exist */
    struct mempolicy pol;
    int rc = mempolicy_init(&pol, mode, flags, &nodes, &s->m.t);
    nodemask_t memnodes = mempolicy_memory_nodes(&s->m.t);
    if (mode >= MPOL_MAX || ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES)))
        REQUIRE(rc < 0, "mode %d flags %#x accepted", mode, flags);
    if (rc < 0)
        return;
    REQUIRE(rc == 0, "mempolicy_init rc %d", rc);
    if (pol.mode != MPOL_DEFAULT && pol.mode != MPOL_LOCAL)
        REQUIRE(pol.nodes && (pol.nodes & ~memnodes) == 0,
                "policy nodes %#llx outside memory nodes %#llx", (unsigned long long)pol.nodes,
                (unsigned long long)memnodes);
    if (fb & 8) {
        /* A cpuset change: a non-empty subset of the nodes with memory. */
        nodemask_t allowed = pick_mask(in, nn) & memnodes;
        if (allowed) {
            mempolicy_rebind(&pol, allowed);
            if (pol.mode != MPOL_DEFAULT && pol.mode != MPOL_LOCAL)
                REQUIRE(pol.nodes && (pol.nodes & ~allowed) == 0,
                        "rebound nodes %#llx outside %#llx", (unsigned long long)pol.nodes,
                        (unsigned long long)allowed);
        }
    }
    if (fb & 16)
        for (unsigned n = 0; n < 64; n++)
            pol.weights[n] = (uint8_t)(n < nn ? u8(in) % 4 : 0);
    uint64_t ilx = u16(in);
    if (pol.mode == MPOL_INTERLEAVE || pol.mode == MPOL_WEIGHTED_INTERLEAVE) {
        unsigned nid = mempolicy_interleave_node(&pol, ilx);
        REQUIRE(nodemask_test(pol.nodes, nid), "interleave node %u not in %#llx", nid,
                (unsigned long long)pol.nodes);
    }
    unsigned gfp = pick_gfp(in);
    unsigned order = u8(in) % (s->norders + 1);
    unsigned local = u8(in) % (nn + 1);
    uint64_t pfn = UINT64_MAX;
    rc = mempolicy_alloc(s->m.pa, (fb & 32) ? NULL : &pol, local, ilx, gfp, order, &pfn);
    if (order >= s->norders || local >= nn) {
        REQUIRE(rc == MMSIM_ERR_INVALID, "order %u local %u: rc %d", order, local, rc);
        return;
    }
    if (rc != MMSIM_OK) {
        REQUIRE(rc == MMSIM_ERR_GUEST_NOMEM, "mempolicy_alloc rc %d", rc);
        return;
    }
    nodemask_t allowed = all_nodes(nn);
    if (!(fb & 32) && pol.mode == MPOL_BIND)
        allowed = pol.nodes;                /* never another node */
    if (gfp & __GFP_THISNODE) {
        /* One node: the first bound node when the local one is not bound,
         * the preferred node, the interleave target, else the local one. */
        unsigned pref = local;
        if (!(fb & 32) && pol.mode == MPOL_BIND && !nodemask_test(pol.nodes, local))
            pref = nodemask_first(pol.nodes);
        else if (!(fb & 32) && pol.mode == MPOL_PREFERRED)
            pref = nodemask_first(pol.nodes);
        else if (!(fb & 32) && (pol.mode == MPOL_INTERLEAVE || pol.mode == MPOL_WEIGHTED_INTERLEAVE))
            pref = mempolicy_interleave_node(&pol, ilx);
        allowed &= NODEMASK_OF(pref);
    }
    got_block(s, pfn, order, gfp, allowed);
}

static void op_probe(struct state *s, struct in *in)
{
    unsigned what = u8(in) % 4;
    if (what == 0 && s->nheld) {
        /* A held block is valid for its order only; its tail frames never. */
        const struct held *h = &s->held[u16(in) % s->nheld];
        if (h->order)
            REQUIRE(!page_alloc_valid_block(s->m.pa, h->pfn + 1, 0), "tail frame valid");
        REQUIRE(!page_alloc_valid_block(s->m.pa, h->pfn, s->norders), "order out of range valid");
    } else if (what == 1) {
        /* Any frame of DRAM: valid only if it heads a held block. */
        unsigned n = u8(in) % s->m.t.nnodes;
        const struct topo_node *tn = &s->m.nodes[n];
        if (!tn->mem_size)
            return;
        uint64_t pfn = (tn->mem_base >> PAGE_SHIFT) + u16(in) % (tn->mem_size >> PAGE_SHIFT);
        unsigned order = u8(in) % (s->norders + 1);
        int held = 0;
        for (unsigned i = 0; i < s->nheld; i++)
            held |= s->held[i].pfn == pfn && s->held[i].order == order;
        REQUIRE(page_alloc_valid_block(s->m.pa, pfn, order) == held,
                "valid_block(%#llx, %u) = %d, held %d", (unsigned long long)pfn, order,
                !held, held);
    } else if (what == 2) {
        unsigned n = u8(in) % (s->m.t.nnodes + 1);
        for (unsigned z = 0; z < MAX_NR_ZONES; z++)
            for (unsigned o = 0; o < s->norders; o++) {
                int x = page_alloc_extfrag_index(s->m.pa, n, (enum zone_type)z, o);
                /* -1000: would succeed; otherwise Linux's formula, which
                 * goes below 0 with few free blocks (see page_alloc.h). */
                REQUIRE(x >= -1000 && x <= 1000, "extfrag_index %d", x);
                if (x == -1000 && n < s->m.t.nnodes) {
                    struct zone_info zi;
                    page_alloc_zone_info(s->m.pa, n, (enum zone_type)z, &zi);
                    unsigned have = 0;
                    for (unsigned q = o; q < s->norders; q++)
                        have |= zi.nr_free[q] != 0;
                    REQUIRE(have, "extfrag_index -1000 without a free block of order %u", o);
                }
            }
        unsigned order[64];
        unsigned k = page_alloc_node_order(s->m.pa, n, order);
        REQUIRE(k <= s->m.t.nnodes, "node_order %u", k);
    } else {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        REQUIRE(f != NULL, "open_memstream");
        REQUIRE(page_alloc_print_zoneinfo(s->m.pa, f) == MMSIM_OK, "zoneinfo");
        REQUIRE(page_alloc_print_pagetypeinfo(s->m.pa, f) == MMSIM_OK, "pagetypeinfo");
        REQUIRE(page_alloc_print_extfrag(s->m.pa, f) == MMSIM_OK, "extfrag");
        REQUIRE(page_alloc_print_numastat(s->m.pa, f) == MMSIM_OK, "numastat");
        fclose(f);
        free(buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct in in = {data, size};
    static struct state s;      /* large: keep it off the stack */
    memset(&s, 0, sizeof(s));
    build_machine(&s.m, &in);
    s.norders = page_alloc_nr_orders(s.m.pa);
    REQUIRE(s.norders == (s.m.t.max_order ? s.m.t.max_order : 11), "norders %u", s.norders);
    page_alloc_set_paranoid(s.m.pa, true);
    check_all(&s);
    struct snap boot, end;
    take_snap(&s.m, &boot);

    for (unsigned ops = 0; in.n && ops < MAX_OPS; ops++) {
        unsigned op = u8(&in) % 8;
        if (op <= 2)
            op_alloc(&s, &in);
        else if (op <= 4)
            op_policy(&s, &in);
        else if (op <= 6) {
            if (s.nheld)
                free_held(&s, u16(&in) % s.nheld);
        } else {
            op_probe(&s, &in);
        }
        check_all(&s);
    }

    while (s.nheld)
        free_held(&s, s.nheld - 1);
    check_all(&s);
    take_snap(&s.m, &end);
    snap_eq(&boot, &end, s.m.t.nnodes);
    free(boot.buddyinfo);
    free(end.buddyinfo);
    destroy_machine(&s.m);
    return 0;
}
