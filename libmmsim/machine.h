/* The machine: what a mmsim_machine handle holds.  Rooms reach each other's
 * parts through this struct; each part is owned and freed by its room. */
#ifndef MMSIM_MACHINE_H
#define MMSIM_MACHINE_H

#include <stdarg.h>
#include <stdint.h>

#include "internal.h"
#include "mmsim/mmsim.h"
#include "stats.h"
#include "topology.h"

struct physmem;         /* numa/physmem.h */
struct page_alloc;      /* kernel/page_alloc.h */
struct guest_kernel;    /* kernel/kernel.h */
struct hart;            /* cpu/hart.h */

struct mmsim_machine {
    struct mmsim_topology *topo;    /* the machine's own copy */
    uint64_t seed;
    struct stats_registry *stats;

    struct physmem *physmem;        /* guest physical memory (numa/) */
    struct page_alloc *page_alloc;  /* zones + buddy allocator (kernel/) */
    struct guest_kernel *kernel;    /* syscall emulation, tasks (kernel/) */
    struct hart *harts;             /* topo->ncpus harts (cpu/) */
    mmsim_mempolicy spawn_policy;   /* new processes start with it (process.c) */

    char errmsg[1024];
};

/* Record the detail of a failure on m and return code (so callers can write
 * `return machine_err(m, MMSIM_ERR_INVALID, "cpu %u out of range", cpu);`). */
int machine_err(struct mmsim_machine *m, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);
void machine_clear_err(struct mmsim_machine *m);

#endif
