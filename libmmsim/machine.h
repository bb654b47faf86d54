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
    struct traffic_gen *traffic;    /* traffic generators, newest first (traffic_api.c) */

    /* Experiment callbacks (run.c, api_experiment.c).  next_sample is
     * UINT64_MAX without a sampler, so the run loop tests one bound. */
    mmsim_sample_fn on_sample;
    void *sample_user;
    uint64_t sample_every, next_sample;
    mmsim_roi_fn on_roi;
    void *roi_user;
    mmsim_exit_fn on_exit;
    void *exit_user;
    int in_callback;                /* a callback is running: no re-entry */
    int cb_stop;                    /* a callback asked the run to stop */

    char errmsg[1024];
};

/* Record the detail of a failure on m and return code (so callers can write
 * `return machine_err(m, MMSIM_ERR_INVALID, "cpu %u out of range", cpu);`). */
int machine_err(struct mmsim_machine *m, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);
void machine_clear_err(struct mmsim_machine *m);

/* The guest's ROI begin (begin = 1) or end on cpu at cycle: calls the
 * harness's ROI callback, if any (kernel/syscall.c). */
void machine_notify_roi(struct mmsim_machine *m, int begin, unsigned cpu, uint64_t cycle);
/* A process has ended: calls the exit callback, if any (process.c). */
void machine_notify_exit(struct mmsim_machine *m, mmsim_process *p);

#endif
