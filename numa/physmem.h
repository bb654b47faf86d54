/* Guest physical memory: where each node's DRAM lives in the guest physical
 * address space, and the host memory that backs it.
 *
 * Every node with memory owns [mem_base, mem_base + mem_size) as the
 * topology gives it.  The whole span from the lowest base to the highest end
 * is reserved as one anonymous host mapping with MAP_NORESERVE, so creating
 * a machine costs address space only: host pages are faulted in (zero
 * filled) the first time the simulator touches a guest byte, and a 1 TiB
 * machine costs nothing until its guests run.
 *
 * Guest memory contents live here and nowhere else (DESIGN principle 1). */
#ifndef MMSIM_NUMA_PHYSMEM_H
#define MMSIM_NUMA_PHYSMEM_H

#include <stdint.h>

#include "libmmsim/internal.h"

struct mmsim_topology;

struct physmem_range {
    uint64_t base, end;         /* guest physical [base, end) */
    unsigned node;
};

struct physmem {
    /* Fast path of physmem_host: when the nodes' ranges tile the span
     * without holes, fast_span == span and one compare decides; otherwise
     * fast_span is 0 and every lookup takes the out-of-line path. */
    uint64_t base;              /* lowest DRAM address */
    uint64_t fast_span;
    uint8_t *host;              /* host address of guest physical `base` */

    uint64_t span;              /* bytes reserved at host */
    unsigned nranges;           /* nodes with memory, sorted by base */
    struct physmem_range range[];
};

/* Reserve the backing store of every node of t.  Returns MMSIM_OK,
 * MMSIM_ERR_TOPOLOGY (ranges not page aligned or overlapping) or
 * MMSIM_ERR_NOMEM (host address space exhausted); *out is NULL on failure. */
int physmem_create(const struct mmsim_topology *t, struct physmem **out);
/* Release the backing store; NULL is a no-op. */
void physmem_destroy(struct physmem *pm);

/* Out-of-line part of physmem_host (memory with holes). */
uint8_t *physmem_host_slow(struct physmem *pm, uint64_t paddr);

/* Host address of the guest physical byte paddr, or NULL when paddr is not
 * DRAM.  Consecutive bytes of one node's DRAM are consecutive at host. */
static inline uint8_t *physmem_host(struct physmem *pm, uint64_t paddr)
{
    uint64_t off = paddr - pm->base;
    if (likely(off < pm->fast_span))
        return pm->host + off;
    return physmem_host_slow(pm, paddr);
}

/* Node whose DRAM holds paddr, or -1. */
int physmem_node_of(const struct physmem *pm, uint64_t paddr);

/* Give the host pages behind [paddr, paddr + len) back to the host (they
 * read as zero afterwards).  Page-granular: partial host pages at either
 * end are zeroed instead.  Out-of-DRAM parts are ignored. */
void physmem_discard(struct physmem *pm, uint64_t paddr, uint64_t len);

#endif
