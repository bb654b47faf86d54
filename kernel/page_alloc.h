/* The guest kernel's physical page allocator: nodes -> zones -> pages, with
 * the buddy system underneath (see docs/MEMORY.md).
 *
 * Frames are named by their page frame number, pfn = paddr >> 12, exactly
 * as Linux names them, so the buddy of a block is pfn ^ (1 << order). */
#ifndef MMSIM_KERNEL_PAGE_ALLOC_H
#define MMSIM_KERNEL_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmsim/mmsim.h"

struct mmsim_topology;
struct physmem;
struct stats_registry;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)

/* ---- Node masks (TOPO_MAX_NODES == 64: one word) ------------------------ */

typedef uint64_t nodemask_t;

#define NODEMASK_NONE ((nodemask_t)0)
#define NODEMASK_OF(n) ((nodemask_t)1 << (n))

static inline bool nodemask_test(nodemask_t m, unsigned n) { return n < 64 && (m >> n) & 1; }
static inline unsigned nodemask_weight(nodemask_t m) { return (unsigned)__builtin_popcountll(m); }
/* First node of m, or 64 when m is empty. */
static inline unsigned nodemask_first(nodemask_t m) { return m ? (unsigned)__builtin_ctzll(m) : 64; }
/* The nth (0-based) node of m; 64 when m has fewer nodes. */
static inline unsigned nodemask_nth(nodemask_t m, unsigned nth)
{
    while (m && nth--)
        m &= m - 1;
    return nodemask_first(m);
}

/* ---- GFP flags ---------------------------------------------------------- */
/* Linux's names and meanings (the bit values are our own).  The zone
 * modifiers choose the highest zone a request may use, as Linux's
 * gfp_zone(): __GFP_DMA -> DMA, __GFP_DMA32 -> DMA32, __GFP_HIGHMEM with
 * __GFP_MOVABLE -> MOVABLE, anything else -> NORMAL; lower zones are always
 * allowed as fallbacks.  (The __ names are Linux's and kept on purpose, so
 * the code reads like the documentation of what it models.) */
#define __GFP_DMA               0x0001u
#define __GFP_HIGHMEM           0x0002u
#define __GFP_DMA32             0x0004u
#define __GFP_MOVABLE           0x0008u
#define __GFP_HIGH              0x0020u  /* may dip into half the min reserve */
#define __GFP_ZERO              0x0100u  /* zero the frames */
#define __GFP_DIRECT_RECLAIM    0x0400u  /* the caller can wait */
#define __GFP_KSWAPD_RECLAIM    0x0800u  /* may wake kswapd */
#define __GFP_HARDWALL          0x1000u  /* cpuset hard wall (no effect yet) */
#define __GFP_MEMALLOC          0x2000u  /* ignore watermarks entirely */
#define __GFP_NOMEMALLOC        0x4000u  /* never use the reserves */
#define __GFP_THISNODE          0x8000u  /* the preferred node only */

#define __GFP_RECLAIM           (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC              (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT              (__GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL              (__GFP_RECLAIM)
#define GFP_USER                (__GFP_RECLAIM | __GFP_HARDWALL)
#define GFP_DMA                 (__GFP_DMA)
#define GFP_DMA32               (__GFP_DMA32)
#define GFP_HIGHUSER            (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE    (GFP_HIGHUSER | __GFP_MOVABLE)
/* A transparent huge page at fault time (THP defrag "madvise" default):
 * no direct reclaim, never the reserves. */
#define GFP_TRANSHUGE_LIGHT     ((GFP_HIGHUSER_MOVABLE | __GFP_NOMEMALLOC) & ~__GFP_RECLAIM)

/* ---- Zones -------------------------------------------------------------- */

enum zone_type {
    ZONE_DMA = 0,       /* below 16 MiB */
    ZONE_DMA32 = 1,     /* below 4 GiB */
    ZONE_NORMAL = 2,
    ZONE_MOVABLE = 3,   /* the top `movable` bytes of each node */
    MAX_NR_ZONES = 4
};

#define ZONE_DMA_LIMIT (16ULL << 20)
#define ZONE_DMA32_LIMIT (4ULL << 30)

/* "DMA", "DMA32", "Normal", "Movable" as /proc/zoneinfo names them. */
const char *zone_name(enum zone_type z);
/* The highest zone a request with these flags may use (gfp_zone()). */
enum zone_type gfp_zone(unsigned gfp);

/* ---- Page descriptors --------------------------------------------------- */

/* One per 4 KiB frame, allocated per section (2^15 frames) on demand.
 * The buddy allocator owns lru/order/PG_buddy of free blocks; the rest is
 * for the users of allocated pages (kernel/mm). */
struct page_list {
    struct page_list *next, *prev;
};

struct page {
    struct page_list lru;       /* free list link while PG_buddy */
    uint64_t pfn;               /* the frame this describes */
    uint8_t flags;              /* PG_* */
    uint8_t order;              /* of a free block or of an allocated head */
    uint16_t zone;              /* node * MAX_NR_ZONES + zone_type; PAGE_NO_ZONE: none */
    int32_t mapcount;           /* for kernel/mm (Linux's _mapcount: -1 unmapped) */
};

#define PG_buddy 0x0001u        /* head of a free block on a free list */
#define PG_head 0x0002u         /* head of an allocated block */
#define PG_api 0x0004u          /* allocated through mmsim_page_alloc (the harness owns it) */
#define PG_pcp 0x0008u          /* free order-0 frame on a zone's pcp list */
/* 64 nodes x 4 zones use ids 0..255, so "no zone" needs a 16-bit value. */
#define PAGE_NO_ZONE 0xffffu

/* ---- The allocator ------------------------------------------------------ */

struct page_alloc;

/* Build the nodes, zones, watermarks and zonelists of t over pm and put all
 * memory on the free lists (lazily: see docs/MEMORY.md, "deferred
 * initialisation").  Returns MMSIM_OK, MMSIM_ERR_TOPOLOGY (max_order out
 * of range 1..20, ranges not page aligned) or MMSIM_ERR_NOMEM; *out is NULL
 * on failure.  pm must outlive the allocator. */
int page_alloc_create(const struct mmsim_topology *t, struct physmem *pm,
                      struct page_alloc **out);
void page_alloc_destroy(struct page_alloc *pa);

/* Register the counters: node<N>.numa_hit, numa_miss, numa_foreign,
 * interleave_hit, local_node, other_node, node<N>.<zone>.pgalloc,
 * node<N>.<zone>.pgfree, node<N>.<zone>.alloc_fail and node<N>.<zone>.free_pages
 * (a copy of the free count, refreshed on every allocation and free: a stats
 * reset shows 0 until the next one).  Returns MMSIM_OK or the registry's
 * error. */
int page_alloc_register_stats(struct page_alloc *pa, struct stats_registry *r);

/* Free bytes of a node (every zone, including never-touched memory). */
uint64_t page_alloc_node_free_bytes(const struct page_alloc *pa, unsigned node);

/* Allocate 2^order contiguous frames.  preferred_node's zonelist gives the
 * order of zones tried (its zones from the highest usable down, then the
 * other nodes by SLIT distance); allowed (NULL = every node) filters the
 * nodes; __GFP_THISNODE restricts to preferred_node.  local_node for the
 * NUMA counters is preferred_node here; mempolicy_alloc passes the real
 * CPU node through page_alloc_pages_local().  Returns MMSIM_OK with
 * *pfn_out = first frame, MMSIM_ERR_GUEST_NOMEM when no allowed zone can
 * satisfy the request above its watermark, MMSIM_ERR_INVALID for an order
 * >= max_order or a node out of range. */
int page_alloc_pages(struct page_alloc *pa, unsigned gfp, unsigned order,
                     unsigned preferred_node, const nodemask_t *allowed, uint64_t *pfn_out);
/* The same, with the allocating CPU's node given for local_node/other_node. */
int page_alloc_pages_local(struct page_alloc *pa, unsigned gfp, unsigned order,
                           unsigned preferred_node, const nodemask_t *allowed,
                           unsigned local_node, uint64_t *pfn_out);

/* Free a block returned by page_alloc_pages with the same order.  Merges
 * with free buddies up to the largest order; with pcp lists on (topology
 * `kernel: {pcp: true}`, the default), an order-0 frame goes to its zone's
 * pcp list instead and reaches the buddy system when the list spills.  Misuse is a simulator bug
 * (MMSIM_ASSERT); use page_alloc_valid_block() first for untrusted input. */
void page_free_pages(struct page_alloc *pa, uint64_t pfn, unsigned order);
/* Linux's drain_all_pages: give every pcp list's frames back to the buddy
 * system (free lists and free counts then show all free memory).  The
 * allocator drains by itself before failing a request that can wait, and
 * on destroy; the views never drain. */
void page_alloc_drain(struct page_alloc *pa);

/* Frames allocated and not yet freed, all nodes (a guest's memory as the
 * host backs it: the run limit max_mem_bytes compares against it). */
uint64_t page_alloc_used_pages(const struct page_alloc *pa);

/* Linux's split_page: make the allocated block of 2^order frames at pfn
 * 2^order allocated order-0 frames, each freed on its own. */
void page_alloc_split(struct page_alloc *pa, uint64_t pfn, unsigned order);

/* Is pfn the head of an allocated block of exactly this order? */
bool page_alloc_valid_block(const struct page_alloc *pa, uint64_t pfn, unsigned order);

/* Descriptor of pfn (NULL when pfn is not DRAM or its section has never
 * been used: such a frame has never been allocated). */
struct page *page_alloc_pfn_to_page(const struct page_alloc *pa, uint64_t pfn);

/* ---- Inspection --------------------------------------------------------- */

#define PAGE_ALLOC_MAX_ORDERS 20

struct zone_info {
    bool populated;
    uint64_t start_pfn, spanned, present, managed;
    uint64_t free_pages;
    uint64_t wmark_min, wmark_low, wmark_high;
    uint64_t nr_free[PAGE_ALLOC_MAX_ORDERS];   /* free blocks per order */
    uint64_t pgalloc, pgfree, alloc_fail;
    uint64_t pcp_count, pcp_high, pcp_batch;   /* 0, 0, 0 with pcp off */
};

struct numa_stat {
    uint64_t numa_hit, numa_miss, numa_foreign, interleave_hit, local_node, other_node;
};

unsigned page_alloc_nr_nodes(const struct page_alloc *pa);
unsigned page_alloc_nr_orders(const struct page_alloc *pa);
/* Fill *out for zone z of node n (populated == false if it has no memory). */
void page_alloc_zone_info(const struct page_alloc *pa, unsigned node, enum zone_type z,
                          struct zone_info *out);
void page_alloc_numa_stat(const struct page_alloc *pa, unsigned node, struct numa_stat *out);
/* The fallback order of nodes for allocations preferring node n (n first). */
unsigned page_alloc_node_order(const struct page_alloc *pa, unsigned n, unsigned *nodes);
/* min_free_kbytes in use (given, or derived as Linux does). */
uint64_t page_alloc_min_free_kbytes(const struct page_alloc *pa);
/* Linux's extfrag_index for an order, in thousandths: -1000 when the
 * request would succeed, 0..1000 otherwise (0: lack of memory, 1000:
 * fragmentation); 0 for an empty zone.  Linux's formula dips below 0 when
 * the few free blocks hold more than half a request (one free block of
 * order - 1 gives -500), and so does this one: -999..1000 otherwise. */
int page_alloc_extfrag_index(const struct page_alloc *pa, unsigned node, enum zone_type z,
                             unsigned order);

/* Count NUMA events for an interleaved allocation that landed on its
 * target node (mempolicy's business, kept with the other counters). */
void page_alloc_count_interleave_hit(struct page_alloc *pa, unsigned node);

/* Recount every free list against the descriptors: each block aligned to
 * its order and inside its zone, PG_buddy exactly on listed heads, no frame
 * in two blocks, nr_free and free_pages equal to the recount.  Returns 0, or
 * -1 with a description of the first violation in msg. */
int page_alloc_check(const struct page_alloc *pa, char *msg, size_t len);
/* Run page_alloc_check on the touched zone after every allocation and
 * free, aborting on a violation (tests). */
void page_alloc_set_paranoid(struct page_alloc *pa, bool on);

/* Views, in the formats of /proc/buddyinfo, /proc/zoneinfo (abridged),
 * /proc/pagetypeinfo (one migrate type) and extfrag_index.  Return
 * MMSIM_OK or MMSIM_ERR_IO. */
int page_alloc_print_buddyinfo(const struct page_alloc *pa, FILE *f);
int page_alloc_print_zoneinfo(const struct page_alloc *pa, FILE *f);
int page_alloc_print_pagetypeinfo(const struct page_alloc *pa, FILE *f);
int page_alloc_print_extfrag(const struct page_alloc *pa, FILE *f);
int page_alloc_print_numastat(const struct page_alloc *pa, FILE *f);

#endif
