/* Guest physical memory backing store (see physmem.h). */
#include "numa/physmem.h"

#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmmsim/topology.h"

int physmem_create(const struct mmsim_topology *t, struct physmem **out)
{
    *out = NULL;
    struct physmem *pm = calloc(1, sizeof(*pm) + t->nnodes * sizeof(pm->range[0]));
    if (!pm)
        return MMSIM_ERR_NOMEM;

    /* Sorted insert: topologies lay nodes out in order, but nothing
     * requires it. */
    for (unsigned n = 0; n < t->nnodes; n++) {
        const struct topo_node *tn = &t->nodes[n];
        if (!tn->mem_size)
            continue;
        if ((tn->mem_base | tn->mem_size) & 4095 || tn->mem_base + tn->mem_size < tn->mem_base) {
            free(pm);
            return MMSIM_ERR_TOPOLOGY;
        }
        unsigned i = pm->nranges++;
        while (i && pm->range[i - 1].base > tn->mem_base) {
            pm->range[i] = pm->range[i - 1];
            i--;
        }
        pm->range[i] = (struct physmem_range){tn->mem_base, tn->mem_base + tn->mem_size, n};
    }

    bool holes = false;
    for (unsigned i = 1; i < pm->nranges; i++) {
        if (pm->range[i].base < pm->range[i - 1].end) {
            free(pm);
            return MMSIM_ERR_TOPOLOGY;
        }
        holes |= pm->range[i].base != pm->range[i - 1].end;
    }
    if (!pm->nranges) {
        *out = pm;      /* a machine of CPU-only nodes: nothing is DRAM */
        return MMSIM_OK;
    }

    pm->base = pm->range[0].base;
    pm->span = pm->range[pm->nranges - 1].end - pm->base;
    /* One reservation for the whole span: the holes cost address space
     * only, and a single mapping keeps the lookup to one compare. */
    void *p = mmap(NULL, pm->span, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        free(pm);
        return MMSIM_ERR_NOMEM;
    }
    pm->host = p;
    pm->fast_span = holes ? 0 : pm->span;
    *out = pm;
    return MMSIM_OK;
}

void physmem_destroy(struct physmem *pm)
{
    if (!pm)
        return;
    if (pm->host)
        munmap(pm->host, pm->span);
    free(pm);
}

static const struct physmem_range *find_range(const struct physmem *pm, uint64_t paddr)
{
    unsigned lo = 0, hi = pm->nranges;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (paddr < pm->range[mid].base)
            hi = mid;
        else if (paddr >= pm->range[mid].end)
            lo = mid + 1;
        else
            return &pm->range[mid];
    }
    return NULL;
}

uint8_t *physmem_host_slow(struct physmem *pm, uint64_t paddr)
{
    if (!find_range(pm, paddr))
        return NULL;
    return pm->host + (paddr - pm->base);
}

int physmem_node_of(const struct physmem *pm, uint64_t paddr)
{
    const struct physmem_range *r = find_range(pm, paddr);
    return r ? (int)r->node : -1;
}

void physmem_discard(struct physmem *pm, uint64_t paddr, uint64_t len)
{
    uint64_t hps = (uint64_t)sysconf(_SC_PAGESIZE);
    for (unsigned i = 0; i < pm->nranges && len; i++) {
        const struct physmem_range *r = &pm->range[i];
        uint64_t lo = paddr > r->base ? paddr : r->base;
        uint64_t hi = paddr + len < r->end ? paddr + len : r->end;
        if (lo >= hi)
            continue;
        uint8_t *h = pm->host + (lo - pm->base);
        uint8_t *e = pm->host + (hi - pm->base);
        uint8_t *alo = (uint8_t *)(((uintptr_t)h + hps - 1) & ~(uintptr_t)(hps - 1));
        uint8_t *ahi = (uint8_t *)((uintptr_t)e & ~(uintptr_t)(hps - 1));
        if (alo >= ahi) {
            memset(h, 0, (size_t)(e - h));
            continue;
        }
        memset(h, 0, (size_t)(alo - h));
        memset(ahi, 0, (size_t)(e - ahi));
        madvise(alo, (size_t)(ahi - alo), MADV_DONTNEED);
    }
}
