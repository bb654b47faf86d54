/* Private to kernel/page_alloc*.c: the allocator's structures. */
#ifndef MMSIM_KERNEL_PAGE_ALLOC_INTERNAL_H
#define MMSIM_KERNEL_PAGE_ALLOC_INTERNAL_H

#include "kernel/page_alloc.h"
#include "libmmsim/internal.h"

#define SECTION_MIN_SHIFT 15    /* 2^15 frames = 128 MiB, as Linux's sections */

enum { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

struct free_area {
    struct page_list list;      /* heads of free blocks, LIFO */
    uint64_t nr_free;           /* blocks on the list */
};

/* Linux's per_cpu_pages, one per zone (shared by the CPUs of the node: see
 * docs/MEMORY.md, "pcp lists").  Its frames are allocated as far as the
 * buddy system knows: not on a free list, not in free_pages. */
struct per_cpu_pages {
    struct page_list list;              /* order-0 frames, hot at the head */
    uint64_t count;                     /* frames on the list */
    uint64_t high;                      /* return `batch` frames at count >= high */
    uint64_t batch;                     /* refill / spill quantum */
};

struct zone {
    uint64_t start_pfn, end_pfn;        /* spanned: [start_pfn, end_pfn) */
    uint64_t managed;                   /* = present: no holes, no reserved */
    uint64_t free_pages;                /* lists + deferred range */
    uint64_t wmark[NR_WMARK];
    /* Deferred initialisation: [defer_pfn, defer_end) holds whole
     * max-order blocks that have never been on a list.  They are free and
     * every view counts them as free max-order blocks. */
    uint64_t defer_pfn, defer_end;
    uint32_t nonempty;                  /* bit o: free_area[o] has blocks */
    unsigned node;
    enum zone_type type;
    uint16_t id;                        /* node * MAX_NR_ZONES + type */
    bool populated;

    uint64_t pgalloc, pgfree, alloc_fail;

    struct per_cpu_pages pcp;
    struct free_area area[PAGE_ALLOC_MAX_ORDERS];
};

struct pa_node {
    struct zone zones[MAX_NR_ZONES];
    struct numa_stat numa;
    unsigned nfallback;                 /* nodes with memory, nearest first */
    uint8_t fallback[64];
    unsigned nzl;                       /* the fallback zonelist */
    struct zone **zonelist;
};

struct page_alloc {
    struct physmem *pm;
    unsigned nnodes;
    unsigned norders;                   /* MAX_ORDER: orders 0..norders-1 */
    unsigned sect_shift;
    uint64_t sect_first;                /* section number of sect[0] */
    uint64_t nsect;
    struct page **sect;
    uint64_t min_free_kbytes;
    bool paranoid;
    bool pcp;                           /* order-0 pcp lists in use */
    uint64_t used;                      /* frames allocated and not freed */
    struct pa_node *node;
};

static inline struct zone *page_zone(const struct page_alloc *pa, const struct page *p)
{
    return &pa->node[p->zone / MAX_NR_ZONES].zones[p->zone % MAX_NR_ZONES];
}

static inline const struct zone *pa_zone(const struct page_alloc *pa, unsigned node,
                                         enum zone_type z)
{
    return &pa->node[node].zones[z];
}

/* Free blocks of an order as every view reports them (deferred blocks
 * count at the largest order). */
uint64_t zone_nr_free(const struct page_alloc *pa, const struct zone *z, unsigned order);

#endif
