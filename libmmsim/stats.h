/* The statistics registry.
 *
 * Counters live as plain uint64_t fields in the structs of the rooms that
 * bump them (cheap on hot paths); each is registered once, by name, with a
 * pointer, so output, lookup and reset need no cooperation from the owner. */
#ifndef MMSIM_STATS_H
#define MMSIM_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mmsim/mmsim.h"

/* A log-linear histogram (HdrHistogram's layout): values below
 * 2 * STATS_HIST_SUB are counted exactly; above that, each power of two
 * [2^e, 2^(e+1)) is split into STATS_HIST_SUB equal sub-buckets, so a
 * bucket is at most 1/STATS_HIST_SUB (3.1%) of its lower bound wide and a
 * percentile read from it is that close to the true one.  Log2 buckets
 * would put a whole DRAM latency (65-131 ns) in one bucket.  Values of
 * 2^STATS_HIST_RANGE_BITS and more (1.1 s in ps) share the last bucket;
 * max stays exact. */
#define STATS_HIST_SUB_BITS 5
#define STATS_HIST_SUB (1u << STATS_HIST_SUB_BITS)
#define STATS_HIST_RANGE_BITS 40
#define STATS_HIST_BUCKETS ((STATS_HIST_RANGE_BITS - STATS_HIST_SUB_BITS + 1) * STATS_HIST_SUB)
struct stats_hist {
    uint64_t count, sum, min, max;
    uint64_t bucket[STATS_HIST_BUCKETS];
};

/* The bucket of v: the power of two gives the shift, the STATS_HIST_SUB_BITS
 * bits below the leading one the sub-bucket (one clz, one shift, no loop:
 * this is on the memory-system path). */
static inline unsigned stats_hist_index(uint64_t v)
{
    unsigned e = 63 - (unsigned)__builtin_clzll(v | 1);
    unsigned shift = e > STATS_HIST_SUB_BITS ? e - STATS_HIST_SUB_BITS : 0;
    uint64_t i = ((uint64_t)shift << STATS_HIST_SUB_BITS) + (v >> shift);
    return i < STATS_HIST_BUCKETS ? (unsigned)i : STATS_HIST_BUCKETS - 1;
}

/* The smallest and largest value bucket i counts (the last bucket's upper
 * bound is UINT64_MAX: it takes every value beyond the range). */
uint64_t stats_hist_bucket_lower(unsigned i);
uint64_t stats_hist_bucket_upper(unsigned i);

static inline void stats_hist_add(struct stats_hist *h, uint64_t v)
{
    h->bucket[stats_hist_index(v)]++;
    h->count++;
    h->sum += v;
    if (v > h->max)
        h->max = v;
    if (h->count == 1 || v < h->min)
        h->min = v;
}

/* Add every value of src to dst (the same bucket layout everywhere). */
void stats_hist_merge(struct stats_hist *dst, const struct stats_hist *src);

/* The value at percentile p (0..100), nearest rank: the upper bound of
 * its bucket, clamped to [min, max]; so at least p% of the values are at
 * or below it, and it is at most one bucket width (3.1%) above the true
 * percentile. */
uint64_t stats_hist_percentile(const struct stats_hist *h, double p);

struct stats_registry;

struct stats_registry *stats_create(void);
void stats_destroy(struct stats_registry *r);

/* Register a counter / histogram under a dotted name (copied).  The pointer
 * must stay valid while the registry lives.  Returns MMSIM_OK,
 * MMSIM_ERR_INVALID for a duplicate or malformed name, MMSIM_ERR_NOMEM. */
int stats_add_counter(struct stats_registry *r, const char *name, uint64_t *value,
                      const char *desc);
int stats_add_hist(struct stats_registry *r, const char *name, struct stats_hist *h,
                   const char *desc);
/* A gauge is a level, not an event count (free pages, resident pages): it
 * is read like a counter but stats_reset() leaves it alone. */
int stats_add_gauge(struct stats_registry *r, const char *name, uint64_t *value,
                    const char *desc);
int stats_add_gaugef(struct stats_registry *r, uint64_t *value, const char *desc,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* printf-style name helper: stats_add_counterf(r, &c, "desc", "cpu%u.insns", i). */
int stats_add_counterf(struct stats_registry *r, uint64_t *value, const char *desc,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int stats_add_histf(struct stats_registry *r, struct stats_hist *h, const char *desc,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A function that computes derived counters (registered like the others)
 * from other values; called before every stats_get and stats_dump. */
typedef void stats_sync_fn(void *ctx);
#define STATS_MAX_SYNC 4
int stats_add_sync(struct stats_registry *r, stats_sync_fn *fn, void *ctx);

int stats_count(const struct stats_registry *r);
const char *stats_name(const struct stats_registry *r, int i);
/* Counter value, or for a histogram "<name>.count|sum|min|max|mean|p50|p95|p99". */
int stats_get(const struct stats_registry *r, const char *name, uint64_t *value);
/* Copy every value into a snapshot that stats_get and stats_dump report
 * from then on (the end of a region of interest); a later call replaces
 * it.  MMSIM_OK or MMSIM_ERR_NOMEM. */
int stats_snapshot(struct stats_registry *r);
/* Report live values again. */
void stats_drop_snapshot(struct stats_registry *r);
bool stats_has_snapshot(const struct stats_registry *r);
/* Zero every counter and histogram (gauges keep their value). */
void stats_reset(struct stats_registry *r);
/* Text: one "name value  # desc" line each; JSON: an object nested by the
 * dotted names.  Returns MMSIM_OK or MMSIM_ERR_IO / MMSIM_ERR_NOMEM. */
int stats_dump(const struct stats_registry *r, FILE *f, mmsim_format fmt);

#endif
