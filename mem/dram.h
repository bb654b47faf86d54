/* A per-node memory controller: fixed access latency, one channel of
 * bounded bandwidth, FCFS queueing, and an optional open-page bank model.
 *
 * Times are picoseconds; requests must arrive in non-decreasing time order
 * (DESIGN principle 2), so the controller is a "next free time" for the
 * channel (and per bank) and a request's fate is decided when it arrives.
 *
 * Flat model (banks off, the default): a request arriving at T starts at
 * S = max(T, channel free) and completes at S + latency; it occupies the
 * channel for xfer = line / bandwidth, so channel free = S + xfer.  An
 * isolated access therefore costs exactly the configured latency (the
 * transfer is part of it), and K back-to-back line accesses arriving
 * together complete at latency + k * xfer, k = 0..K-1: bandwidth bound.
 *
 * Bank model (params.banks > 0): addresses interleave across banks by row
 * (bank = (addr / row_size) mod banks, row = addr / (row_size * banks));
 * each bank keeps its open row.  The latency becomes row_hit (open row),
 * row_miss (bank idle, activate) or row_conflict (precharge + activate).
 * S = max(T, bank free, channel free); completion S + that latency; the
 * channel is busy xfer; the bank is busy for the row change (latency -
 * row_hit) plus xfer, so row hits stream at channel rate and conflicts to
 * one bank serialise. */
#ifndef MMSIM_MEM_DRAM_H
#define MMSIM_MEM_DRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "libmmsim/stats.h"
#include "libmmsim/topology.h"

struct dram_params {
    uint64_t latency_ps;        /* flat model: access latency */
    uint64_t bandwidth;         /* bytes per second; 0 = unlimited */
    uint32_t line;              /* bytes per request (default 64) */
    /* Open-page bank model; banks 0 = off. */
    uint32_t banks;             /* power of two */
    uint64_t row_size;          /* bytes per row per bank, power of two */
    uint64_t row_hit_ps, row_miss_ps, row_conflict_ps;
};

struct dram_bank {
    uint64_t open_row;          /* row + 1; 0 = precharged (no open row) */
    uint64_t free_ps;
};

struct dram_stats {
    uint64_t reads, writes, bytes;
    uint64_t busy_ps;           /* channel occupancy */
    uint64_t row_hits, row_misses, row_conflicts;
    struct stats_hist queue_ps; /* S - T per request */
};

struct dram {
    struct dram_params p;
    uint64_t xfer_ps;           /* channel occupancy of one line */
    uint64_t free_ps;           /* channel free time */
    struct dram_bank *bank;     /* p.banks entries, or NULL */
    unsigned row_shift, bank_bits;
    struct dram_stats st;
};

/* Flat parameters for node n of t: its memory_controller latency and
 * bandwidth, 64-byte lines, banks off. */
void dram_params_from_topology(const struct mmsim_topology *t, uint32_t n,
                               struct dram_params *p);

/* Set up d.  Returns MMSIM_OK, MMSIM_ERR_INVALID (line 0; banks or row
 * size not a power of two; a row latency of 0 with banks on) or
 * MMSIM_ERR_NOMEM. */
int dram_init(struct dram *d, const struct dram_params *p);
void dram_free(struct dram *d);

/* One line read (write false) or write arriving at now (non-decreasing
 * across calls).  Returns the completion time: data returned for a read,
 * written for a write (a posted write's caller may ignore it). */
uint64_t dram_access(struct dram *d, uint64_t addr, bool write, uint64_t now);

/* Channel utilisation over [0, now] in parts per million (tests, reports). */
uint64_t dram_utilisation_ppm(const struct dram *d, uint64_t now);

/* Register "<prefix>.reads", ".writes", ".bytes", ".busy_ps", ".row_hits",
 * ".row_misses", ".row_conflicts" and the histogram ".queue_ps". */
int dram_stats_register(struct dram *d, struct stats_registry *r, const char *prefix);

#endif
