/* Synthetic traffic generators: CPUs that replay an access pattern instead
 * of running a program (docs/TRAFFIC.md).
 *
 * A generator is a process (an mmsim_process: its state, exit status,
 * info and numa_maps work as for a program) whose one thread runs on a
 * CPU like any thread, with its own address space.  Its footprint is an
 * anonymous mapping under a memory policy, so its pages come from the
 * buddy allocator where the policy says, on first touch.  Each operation
 * is one access through the CPU's TLBs, page walker and caches, timed by
 * the shared memory hierarchy like a load or store of a program, and
 * counts as one instruction.  Statistics: gen<PID>.* (see the docs). */
#ifndef MMSIM_TRAFFIC_H
#define MMSIM_TRAFFIC_H

#include "mmsim/mmsim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mmsim_traffic_pattern {
    MMSIM_TRAFFIC_SEQUENTIAL = 0,       /* offset 0, size, 2*size, ... wrapping */
    MMSIM_TRAFFIC_STRIDED,              /* offset 0, stride, 2*stride, ... modulo footprint */
    MMSIM_TRAFFIC_RANDOM,               /* uniform, aligned to size (seeded: deterministic) */
    MMSIM_TRAFFIC_CHASE,                /* pointer chase: a random cycle over the lines,
                                         * each access after the previous one's data */
    MMSIM_TRAFFIC_TRACE,                /* replay an address trace file */
} mmsim_traffic_pattern;

typedef struct mmsim_traffic {
    mmsim_traffic_pattern pattern;
    uint64_t footprint;         /* bytes (a multiple of 4 KiB is not needed); TRACE:
                                 * 0 = up to the trace's highest address */
    uint64_t stride;            /* STRIDED: bytes, a multiple of size (default 256) */
    uint32_t size;              /* bytes per access: 1, 2, 4, 8, 16, 32 or 64, at most
                                 * the cache line (default 8; TRACE: the default of
                                 * records without a size) */
    double reads;               /* fraction of accesses that read, 0..1 (default 1);
                                 * TRACE: the trace says */
    uint64_t interval_ps;       /* time from one issue to the next; 0: as fast as
                                 * possible (at most one a cycle) */
    uint64_t rate;              /* bytes per second instead of interval_ps (0: none;
                                 * not both) */
    uint32_t outstanding;       /* accesses in flight: 0 = the L1D's MSHRs; at most
                                 * those (CHASE: always 1) */
    uint64_t ops;               /* end after this many accesses (0: no bound) */
    uint64_t duration_ns;       /* end after this much simulated time (0: no bound).
                                 * Neither bound: background traffic, until every
                                 * process that is not such a generator has ended
                                 * (TRACE: one pass over the trace) */
    int cpu;                    /* CPU to run on, or -1 (default): the first idle
                                 * CPU, as for a new thread */
    const mmsim_mempolicy *mempolicy;   /* where the footprint's pages go; NULL (default):
                                         * the machine's policy for new processes */
    const char *trace;          /* TRACE: the trace file (text or binary, see docs) */
    int populate;               /* non-zero: fault the whole footprint in when the generator is
                                 * created (as MAP_POPULATE; costs no simulated time):
                                 * no demand-paging faults while it runs */
    const char *name;           /* the process's name; NULL: "traffic-PATTERN" */
} mmsim_traffic;

/* Defaults: sequential, 8-byte reads, 64 MiB, stride 256, no rate limit,
 * cpu -1, no bound, the machine's policy. */
MMSIM_API void mmsim_traffic_init(mmsim_traffic *cfg);

/* Create a generator process on m; it runs with the others at the next
 * mmsim_machine_run.  Returns MMSIM_OK and *out (the caller may destroy it
 * with mmsim_process_destroy, or leave it to the machine), or
 * MMSIM_ERR_INVALID (a bad field, with the field, the value and what is
 * allowed in mmsim_machine_errmsg), MMSIM_ERR_RANGE (cpu), MMSIM_ERR_STATE
 * (cpu busy; no idle CPU; called from one of m's callbacks),
 * MMSIM_ERR_NOT_FOUND / MMSIM_ERR_PARSE (the
 * trace file: missing; malformed, with its line), MMSIM_ERR_NOMEM. */
MMSIM_API int mmsim_traffic_create(mmsim_machine *m, const mmsim_traffic *cfg,
                                   mmsim_process **out);

/* The generators of m still held (created by mmsim_traffic_create or from
 * the topology file's traffic: section at machine creation), in creation
 * order: up to max written to out (may be NULL); returns how many exist. */
MMSIM_API size_t mmsim_traffic_list(const mmsim_machine *m, mmsim_process **out, size_t max);

/* The pattern's name ("sequential", "strided", "random", "chase", "trace"),
 * or NULL; and back (MMSIM_ERR_INVALID for an unknown name). */
MMSIM_API const char *mmsim_traffic_pattern_name(mmsim_traffic_pattern p);
MMSIM_API int mmsim_traffic_pattern_parse(const char *name, mmsim_traffic_pattern *out);

#ifdef __cplusplus
}
#endif

#endif
