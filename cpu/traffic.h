/* The traffic-generator engine: a CPU that replays an access pattern
 * instead of executing instructions (docs/TRAFFIC.md).
 *
 * The engine runs on a hart in place of hart_run and uses the hart's own
 * hooks, so a generator shares everything a core has below the
 * instruction stream: ops->translate (the CPU's TLBs, page walker and
 * demand paging) and, with detailed timing, ops->mem_time (the private
 * caches at once, the shared hierarchy in global time order, yielding
 * when the CPU must wait for its turn).  One operation is one access and
 * counts as one retired instruction (instret, stats.insns, loads/stores).
 *
 * Its clock is the hart's cycle: the issue time of the operation it is
 * about to present.  An operation issues at the latest of the previous
 * issue plus the interval (the rate), the CPU's clock (page faults move
 * it), and the completion of the operation `outstanding` places back (of
 * the previous one for a pointer chase, whose next address is the data
 * it loads).  Nothing here knows of processes or of the memory system. */
#ifndef MMSIM_CPU_TRAFFIC_H
#define MMSIM_CPU_TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"
#include "libmmsim/stats.h"

enum traffic_pattern {
    TRAFFIC_SEQUENTIAL = 0,
    TRAFFIC_STRIDED,
    TRAFFIC_RANDOM,
    TRAFFIC_CHASE,
    TRAFFIC_TRACE,
};

/* One access of a replayed trace: an offset into the footprint. */
struct traffic_rec {
    uint64_t off;
    uint32_t size;
    bool write;
};

/* Most outstanding operations (the window of completion times). */
#define TRAFFIC_MAX_OUTSTANDING 256

struct traffic_engine {
    /* Configuration (traffic_engine_init). */
    enum traffic_pattern pattern;
    uint64_t base;              /* virtual address of the footprint */
    uint64_t footprint;         /* bytes */
    uint64_t stride;            /* STRIDED: bytes from one access to the next */
    uint32_t size;              /* bytes per access (TRACE: per record) */
    uint64_t read_thresh;       /* a 53-bit draw below it reads (2^53: always) */
    /* Cycles in 96.32 fixed point (a 1 s interval, or the clock after
     * a second, is beyond 32.32). */
    unsigned __int128 interval_fx;      /* cycles between issues */
    uint32_t outstanding;       /* operations in flight (CHASE: 1) */
    uint64_t max_ops;           /* 0: no bound */
    uint64_t duration_cycles;   /* 0: no bound */
    uint64_t hit_cycles;        /* an L1 hit's latency (mem_time reports none) */
    uint64_t clock_hz;
    unsigned line_shift;        /* log2 of the cache line */
    uint32_t *chase;            /* CHASE: next line of each line (one cycle) */
    uint64_t nlines;
    const struct traffic_rec *trace;    /* TRACE: owned by the caller */
    uint64_t ntrace;
    uint64_t rng;               /* splitmix64 state */

    /* Progress. */
    bool started;
    uint64_t start_cycle;       /* clock at the first operation */
    unsigned __int128 next_fx;  /* earliest issue of the next operation */
    uint64_t pos;               /* next offset / line / trace record */
    uint64_t window[TRAFFIC_MAX_OUTSTANDING];   /* completion cycles, ring */
    uint64_t nissued;           /* operations presented (the ring's index) */
    bool have_op;               /* op_* is generated but not yet performed */
    uint64_t op_va;
    uint32_t op_size;
    bool op_write;
    uint64_t op_issue;
    /* An access waiting for the CPU's turn at the shared hierarchy. */
    bool pending, granted;
    uint64_t grant_start, grant_done;

    /* Statistics (registered by the caller). */
    uint64_t ops, reads, writes, bytes, misses;
    uint64_t time_ps;           /* first issue to the last completion */
    uint64_t first_issue, last_done;
    struct stats_hist latency_ps;       /* each access, after its translation */
};

/* Build what the pattern needs (the chase permutation, from rng).  The
 * configuration fields must be set; returns 0 or -1 (out of memory). */
int traffic_engine_init(struct traffic_engine *e);
void traffic_engine_free(struct traffic_engine *e);

/* Run up to max operations on h (the thread's hart, its context loaded).
 * Returns HART_STOP_BUDGET (max done, the timing lookahead reached, or
 * *finished set: the operation or time bound is reached), HART_STOP_YIELD
 * (an access waits for the CPU's turn: the caller calls
 * traffic_engine_grant when it is performed), or HART_STOP_TRAP (the
 * translation failed: h->cause, h->tval; the operation is retried on the
 * next call). */
enum hart_stop traffic_engine_run(struct traffic_engine *e, struct hart *h, uint64_t max,
                                  bool *finished);

/* The pending access was performed: its data access started at cycle
 * start (after any page-walk reads) and completed at done. */
void traffic_engine_grant(struct traffic_engine *e, uint64_t start, uint64_t done);

#endif
