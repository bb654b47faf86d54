/* Memory controller timing: see dram.h for the model. */
#include "mem/dram.h"

#include <stdlib.h>
#include <string.h>

#include "libmmsim/internal.h"

static bool pow2(uint64_t x)
{
    return x && !(x & (x - 1));
}

/* Picoseconds to move bytes at bw bytes/s, rounded up (0 when unlimited). */
static uint64_t xfer_time(uint64_t bytes, uint64_t bw)
{
    if (!bw)
        return 0;
    return (uint64_t)(((unsigned __int128)bytes * 1000000000000ull + bw - 1) / bw);
}

void dram_params_from_topology(const struct mmsim_topology *t, uint32_t n,
                               struct dram_params *p)
{
    memset(p, 0, sizeof(*p));
    p->latency_ps = topo_lat_ps(t, t->nodes[n].mem_latency);
    p->bandwidth = t->nodes[n].mem_bandwidth;
    p->line = 64;
}

int dram_init(struct dram *d, const struct dram_params *p)
{
    memset(d, 0, sizeof(*d));
    if (!p || !p->line)
        return MMSIM_ERR_INVALID;
    if (p->banks && (!pow2(p->banks) || !pow2(p->row_size) || p->row_size < p->line ||
                     !p->row_hit_ps || !p->row_miss_ps || !p->row_conflict_ps))
        return MMSIM_ERR_INVALID;
    d->p = *p;
    d->xfer_ps = xfer_time(p->line, p->bandwidth);
    if (p->banks) {
        d->bank = calloc(p->banks, sizeof(*d->bank));
        if (!d->bank)
            return MMSIM_ERR_NOMEM;
        d->row_shift = (unsigned)__builtin_ctzll(p->row_size);
        d->bank_bits = (unsigned)__builtin_ctz(p->banks);
    }
    return MMSIM_OK;
}

void dram_free(struct dram *d)
{
    free(d->bank);
    d->bank = NULL;
}

uint64_t dram_access(struct dram *d, uint64_t addr, bool write, uint64_t now)
{
    uint64_t start = now > d->free_ps ? now : d->free_ps;
    uint64_t lat = d->p.latency_ps;
    if (d->bank) {
        struct dram_bank *b = &d->bank[(addr >> d->row_shift) & (d->p.banks - 1)];
        const uint64_t row = (addr >> d->row_shift >> d->bank_bits) + 1;
        if (b->free_ps > start)
            start = b->free_ps;
        if (b->open_row == row) {
            lat = d->p.row_hit_ps;
            d->st.row_hits++;
        } else if (!b->open_row) {
            lat = d->p.row_miss_ps;
            d->st.row_misses++;
        } else {
            lat = d->p.row_conflict_ps;
            d->st.row_conflicts++;
        }
        b->open_row = row;
        /* XXX: the row change occupies the bank; column accesses to the
         * open row pipeline at the channel's rate (no tCCD/tRAS/tWR). */
        b->free_ps = start + (lat > d->p.row_hit_ps ? lat - d->p.row_hit_ps : 0) + d->xfer_ps;
    }
    d->free_ps = start + d->xfer_ps;
    d->st.busy_ps += d->xfer_ps;
    d->st.bytes += d->p.line;
    if (write)
        d->st.writes++;
    else
        d->st.reads++;
    stats_hist_add(&d->st.queue_ps, start - now);
    return start + lat;
}

uint64_t dram_utilisation_ppm(const struct dram *d, uint64_t now)
{
    if (!now)
        return 0;
    return (uint64_t)((unsigned __int128)d->st.busy_ps * 1000000u / now);
}

int dram_stats_register(struct dram *d, struct stats_registry *r, const char *prefix)
{
    if (!d || !r || !prefix)
        return MMSIM_ERR_INVALID;
    const struct {
        uint64_t *v;
        const char *name, *desc;
    } ctr[] = {
        {&d->st.reads, "reads", "line reads"},
        {&d->st.writes, "writes", "line writes"},
        {&d->st.bytes, "bytes", "bytes transferred"},
        {&d->st.busy_ps, "busy_ps", "picoseconds the channel was transferring"},
        {&d->st.row_hits, "row_hits", "accesses to the open row (bank model)"},
        {&d->st.row_misses, "row_misses", "accesses to a precharged bank (bank model)"},
        {&d->st.row_conflicts, "row_conflicts", "accesses to another row (bank model)"},
    };
    int rc = MMSIM_OK;
    for (size_t i = 0; i < ARRAY_SIZE(ctr) && rc == MMSIM_OK; i++)
        rc = stats_add_counterf(r, ctr[i].v, ctr[i].desc, "%s.%s", prefix, ctr[i].name);
    if (rc == MMSIM_OK)
        rc = stats_add_histf(r, &d->st.queue_ps, "picoseconds queued before service",
                             "%s.queue_ps", prefix);
    return rc;
}
