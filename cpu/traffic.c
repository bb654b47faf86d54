/* The traffic-generator engine (see traffic.h and docs/TRAFFIC.md). */
#include "cpu/traffic.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/pipeline.h"

#define PAGE_MASK_ 4095u

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) (n > 0), without the bias of a modulo. */
static uint64_t below(uint64_t *s, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)splitmix64(s) * n) >> 64);
}

int traffic_engine_init(struct traffic_engine *e)
{
    e->chase = NULL;
    if (e->pattern == TRAFFIC_CHASE) {
        /* Sattolo's shuffle: a random permutation that is one cycle, so the
         * chase visits every line of the footprint before it repeats (as
         * lmbench's lat_mem_rd randomised list).  Built host-side: the
         * generator pays no simulated traffic for it. */
        e->nlines = e->footprint >> e->line_shift;
        e->chase = malloc(e->nlines * sizeof(*e->chase));
        if (!e->chase)
            return -1;
        for (uint64_t i = 0; i < e->nlines; i++)
            e->chase[i] = (uint32_t)i;
        for (uint64_t i = e->nlines - 1; i > 0; i--) {
            uint64_t j = below(&e->rng, i);
            uint32_t x = e->chase[i];
            e->chase[i] = e->chase[j];
            e->chase[j] = x;
        }
        e->outstanding = 1;     /* each address is the data of the last access */
    }
    if (e->outstanding == 0)
        e->outstanding = 1;
    if (e->outstanding > TRAFFIC_MAX_OUTSTANDING)
        e->outstanding = TRAFFIC_MAX_OUTSTANDING;
    e->pos = 0;
    return 0;
}

void traffic_engine_free(struct traffic_engine *e)
{
    free(e->chase);
    e->chase = NULL;
}

/* The next operation's address, size and direction. */
static void next_op(struct traffic_engine *e)
{
    uint64_t off = 0;
    uint32_t size = e->size;
    bool write;
    switch (e->pattern) {
    case TRAFFIC_SEQUENTIAL:
    case TRAFFIC_STRIDED:
        /* The footprint and the stride are multiples of the size, so an
         * access never runs past the end. */
        off = e->pos;
        e->pos += e->pattern == TRAFFIC_SEQUENTIAL ? e->size : e->stride;
        if (e->pos >= e->footprint)
            e->pos %= e->footprint;
        break;
    case TRAFFIC_RANDOM:
        off = below(&e->rng, e->footprint / e->size) * e->size;
        break;
    case TRAFFIC_CHASE:
        e->pos = e->chase[e->pos];
        off = e->pos << e->line_shift;
        break;
    case TRAFFIC_TRACE: {
        const struct traffic_rec *r = &e->trace[e->pos];
        e->pos = e->pos + 1 == e->ntrace ? 0 : e->pos + 1;
        off = r->off;
        size = r->size;
        break;
    }
    }
    if (e->pattern == TRAFFIC_TRACE)
        write = e->trace[e->pos ? e->pos - 1 : e->ntrace - 1].write;
    else
        write = (splitmix64(&e->rng) >> 11) >= e->read_thresh;
    e->op_va = e->base + off;
    e->op_size = size;
    e->op_write = write;
    e->have_op = true;
}

static uint64_t cyc2ps(const struct traffic_engine *e, uint64_t c)
{
    return (uint64_t)((unsigned __int128)c * 1000000000000ULL / e->clock_hz);
}

/* The operation completed: count it, and let the rate and the window of
 * outstanding operations decide when the next may issue. */
static void complete(struct traffic_engine *e, struct hart *h, uint64_t start, uint64_t done,
                     bool miss)
{
    uint64_t issue = e->op_issue;
    e->have_op = false;
    h->instret++;
    h->stats.insns++;
    if (e->op_write) {
        h->stats.stores++;
        e->writes++;
    } else {
        h->stats.loads++;
        e->reads++;
    }
    e->ops++;
    e->bytes += e->op_size;
    e->misses += miss;
    stats_hist_add(&e->latency_ps, cyc2ps(e, done - start));
    if (e->ops == 1)
        e->first_issue = issue;
    if (done > e->last_done)
        e->last_done = done;
    e->time_ps = cyc2ps(e, e->last_done - e->first_issue);
    e->window[e->nissued % e->outstanding] = done;
    e->nissued++;
    /* At most one issue a cycle; the interval counts from the ideal time
     * of this operation unless it issued late. */
    unsigned __int128 step = e->interval_fx > (1ULL << 32) ? e->interval_fx : 1ULL << 32;
    unsigned __int128 at = (unsigned __int128)issue << 32;
    e->next_fx = (e->next_fx > at ? e->next_fx : at) + step;
    if (!h->pipe) {     /* functional: the operation takes the interval */
        uint64_t end = (uint64_t)((e->next_fx + 0xffffffffULL) >> 32);
        h->cycle = end > h->cycle ? end : h->cycle;
    }
}

enum hart_stop traffic_engine_run(struct traffic_engine *e, struct hart *h, uint64_t max,
                                  bool *finished)
{
    struct pipe *pp = h->pipe;
    enum hart_stop stop = HART_STOP_BUDGET;
    uint64_t n = 0;
    *finished = false;
    if (!e->started) {
        e->started = true;
        e->start_cycle = h->cycle;
        e->next_fx = (unsigned __int128)h->cycle << 32;
    }
    if (pp && pp->cycle > h->cycle)
        h->cycle = pp->cycle;
    for (;;) {
        uint64_t start, done;
        bool miss;
        if (e->pending) {
            e->pending = false;
            if (e->granted) {
                e->granted = false;
                complete(e, h, e->grant_start, e->grant_done, true);
                n++;
                continue;
            }
            /* Not performed (the CPU went to another thread): present the
             * access again. */
        } else if (!e->have_op) {
            if (e->max_ops && e->ops >= e->max_ops) {
                *finished = true;
                break;
            }
            if (n >= max || (pp && n && h->cycle >= h->tm_limit))
                break;
            next_op(e);
            uint64_t issue = (uint64_t)((e->next_fx + 0xffffffffULL) >> 32);
            if (e->nissued >= e->outstanding) {
                uint64_t w = e->window[e->nissued % e->outstanding];
                issue = w > issue ? w : issue;
            }
            if (e->duration_cycles && issue - e->start_cycle >= e->duration_cycles) {
                e->have_op = false;
                *finished = true;
                break;
            }
            e->op_issue = issue;
        }
        /* The CPU waits for the issue time (a page fault of an earlier try
         * may have moved its clock past it). */
        if (e->op_issue > h->cycle)
            h->cycle = e->op_issue;
        else
            e->op_issue = h->cycle;
        if (pp && pp->cycle < h->cycle)
            pp->cycle = h->cycle;       /* the fault handler charges from here */
        h->tm_now = h->cycle;
        h->tm_walk_end = 0;
        uint8_t *page;
        enum hart_access acc = e->op_write ? HART_WRITE : HART_READ;
        int cause = h->ops->translate(h->ctx, e->op_va, acc, &page);
        if (cause) {
            h->cause = (uint32_t)cause;
            h->tval = e->op_va;
            stop = HART_STOP_TRAP;
            break;
        }
        if (h->cycle > e->op_issue)
            e->op_issue = h->cycle;     /* after the fault handler */
        if (!pp) {
            complete(e, h, h->cycle, h->cycle, false);
            n++;
            continue;
        }
        start = h->cycle > h->tm_walk_end ? h->cycle : h->tm_walk_end;
        if (h->ops->mem_time(h->ctx, page + (e->op_va & PAGE_MASK_),
                             e->op_write ? HART_MEM_STORE : HART_MEM_LOAD, start, &done,
                             &miss)) {
            e->pending = true;
            e->granted = false;
            stop = HART_STOP_YIELD;
            break;
        }
        if (!miss && done <= start)
            done = start + e->hit_cycles;       /* mem_time leaves a hit to the pipeline */
        complete(e, h, start, done, miss || start > e->op_issue);
        n++;
    }
    if (*finished && e->nissued) {
        /* The generator ends when its last access completes. */
        for (uint32_t i = 0; i < e->outstanding && i < e->nissued; i++)
            if (e->window[i] > h->cycle)
                h->cycle = e->window[i];
    }
    if (pp && pp->cycle < h->cycle)
        pp->cycle = h->cycle;
    return stop;
}

void traffic_engine_grant(struct traffic_engine *e, uint64_t start, uint64_t done)
{
    if (!e->pending)
        return;
    e->granted = true;
    e->grant_start = start;
    e->grant_done = done;
}
