/* Node bus timing: see bus.h for the model. */
#include "bus/bus.h"

#include <stdlib.h>
#include <string.h>

#include "libmmsim/internal.h"

/* Picoseconds of `cycles` bus cycles, rounded up. */
static uint64_t cycles_ps_div(const struct bus_params *p, uint64_t cycles)
{
    return (uint64_t)(((unsigned __int128)cycles * 1000000000000ull + p->clock_hz - 1) /
                      p->clock_hz);
}

static uint64_t cycles_ps(const struct bus *b, uint64_t cycles)
{
    return cycles < BUS_PS_TABLE ? b->cycles_ps[cycles] : cycles_ps_div(&b->p, cycles);
}

void bus_params_from_topology(const struct mmsim_topology *t, uint32_t n, struct bus_params *p)
{
    const struct topo_node *nd = &t->nodes[n];
    memset(p, 0, sizeof(*p));
    p->width = nd->bus_width;
    /* The parser leaves an unset bus clock 0: the default is the core clock. */
    p->clock_hz = nd->bus_clock_hz ? nd->bus_clock_hz : t->clock_hz;
    p->arb_ps = topo_lat_ps(t, nd->bus_latency);
    p->arb = nd->bus_arbitration;
    p->nreq = nd->ncpus ? nd->ncpus : 1;
    p->addr_cycles = 1;
}

int bus_init(struct bus *b, const struct bus_params *p)
{
    memset(b, 0, sizeof(*b));
    if (!p || !p->width || !p->clock_hz || !p->nreq)
        return MMSIM_ERR_INVALID;
    b->p = *p;
    for (unsigned i = 0; i < BUS_PS_TABLE; i++)
        b->cycles_ps[i] = cycles_ps_div(p, i);
    b->req = calloc(p->nreq, sizeof(*b->req));
    return b->req ? MMSIM_OK : MMSIM_ERR_NOMEM;
}

void bus_free(struct bus *b)
{
    free(b->req);
    b->req = NULL;
}

uint64_t bus_data_ps(const struct bus *b, uint32_t bytes)
{
    return bytes ? cycles_ps(b, (bytes + b->p.width - 1) / b->p.width) : 0;
}

uint64_t bus_request(struct bus *b, uint32_t who, uint64_t now, uint32_t bytes,
                     struct bus_grant *g)
{
    MMSIM_ASSERT(who < b->p.nreq);
    const uint64_t addr_ps = cycles_ps(b, b->p.addr_cycles);
    const uint64_t data_ps = bus_data_ps(b, bytes);
    const uint64_t grant = now > b->addr_free_ps ? now : b->addr_free_ps;
    b->addr_free_ps = grant + addr_ps;
    const uint64_t known = grant + b->p.arb_ps;
    uint64_t data = known;
    if (bytes) {
        if (b->data_free_ps > data)
            data = b->data_free_ps;
        b->data_free_ps = data + data_ps;
    }
    const uint64_t done = data + data_ps;
    const uint64_t queue = done - (now + b->p.arb_ps + data_ps);
    b->rr_next = who + 1 == b->p.nreq ? 0 : who + 1;

    b->req[who].requests++;
    b->req[who].bytes += bytes;
    b->req[who].queue_ps += queue;
    b->st.requests++;
    b->st.bytes += bytes;
    b->st.busy_ps += data_ps;
    b->st.addr_busy_ps += addr_ps;
    b->st.queue_ps += queue;
    stats_hist_add(&b->st.queue_hist, queue);
    if (g)
        *g = (struct bus_grant){grant, data, done, queue};
    return done;
}

void bus_arbitrate(struct bus *b, struct bus_req *r, unsigned n)
{
    MMSIM_ASSERT(n <= 64);
    uint64_t pending = n >= 64 ? ~0ull : (1ull << n) - 1;
    while (pending) {
        /* Who is waiting when the address bus can next grant? */
        uint64_t t = UINT64_MAX;
        for (uint64_t m = pending; m; m &= m - 1) {
            const unsigned i = (unsigned)__builtin_ctzll(m);
            if (r[i].now < t)
                t = r[i].now;
        }
        if (b->addr_free_ps > t)
            t = b->addr_free_ps;
        int pick = -1;
        uint32_t best_key = UINT32_MAX;
        for (uint64_t m = pending; m; m &= m - 1) {
            const unsigned i = (unsigned)__builtin_ctzll(m);
            if (r[i].now > t)
                continue;
            if (b->p.arb == TOPO_ARB_FCFS) {
                if (pick < 0 || r[i].now < r[pick].now ||
                    (r[i].now == r[pick].now && r[i].who < r[pick].who))
                    pick = (int)i;
            } else {
                /* Distance from the round-robin pointer; ties (the same
                 * requester twice) to the earlier arrival, then index. */
                const uint32_t key = (r[i].who + b->p.nreq - b->rr_next) % b->p.nreq;
                if (pick < 0 || key < best_key ||
                    (key == best_key && r[i].now < r[pick].now)) {
                    pick = (int)i;
                    best_key = key;
                }
            }
        }
        MMSIM_ASSERT(pick >= 0);
        /* The grant happens at t even for a request that arrived earlier:
         * bus_request computes the same max(now, address bus free). */
        bus_request(b, r[pick].who, r[pick].now, r[pick].bytes, &r[pick].g);
        pending &= ~(1ull << pick);
    }
}

uint64_t bus_utilisation_ppm(const struct bus *b, uint64_t now)
{
    if (!now)
        return 0;
    return (uint64_t)((unsigned __int128)b->st.busy_ps * 1000000u / now);
}

uint64_t bus_avg_queue_ps(const struct bus *b, uint32_t who)
{
    if (who == UINT32_MAX)
        return b->st.requests ? b->st.queue_ps / b->st.requests : 0;
    if (who >= b->p.nreq || !b->req[who].requests)
        return 0;
    return b->req[who].queue_ps / b->req[who].requests;
}

int bus_stats_register(struct bus *b, struct stats_registry *r, const char *prefix)
{
    if (!b || !r || !prefix)
        return MMSIM_ERR_INVALID;
    const struct {
        uint64_t *v;
        const char *name, *desc;
    } ctr[] = {
        {&b->st.requests, "requests", "bus transactions"},
        {&b->st.bytes, "bytes", "data bytes moved"},
        {&b->st.busy_ps, "busy_ps", "picoseconds the data bus was held"},
        {&b->st.addr_busy_ps, "addr_busy_ps", "picoseconds the address bus was held"},
        {&b->st.queue_ps, "queue_ps", "total queueing delay in picoseconds"},
    };
    int rc = MMSIM_OK;
    for (size_t i = 0; i < ARRAY_SIZE(ctr) && rc == MMSIM_OK; i++)
        rc = stats_add_counterf(r, ctr[i].v, ctr[i].desc, "%s.%s", prefix, ctr[i].name);
    if (rc == MMSIM_OK)
        rc = stats_add_histf(r, &b->st.queue_hist, "queueing delay per transaction (ps)",
                             "%s.queue", prefix);
    for (uint32_t i = 0; i < b->p.nreq && rc == MMSIM_OK; i++) {
        rc = stats_add_counterf(r, &b->req[i].requests, "transactions of this requester",
                                "%s.req%u.requests", prefix, i);
        if (rc == MMSIM_OK)
            rc = stats_add_counterf(r, &b->req[i].bytes, "data bytes of this requester",
                                    "%s.req%u.bytes", prefix, i);
        if (rc == MMSIM_OK)
            rc = stats_add_counterf(r, &b->req[i].queue_ps,
                                    "queueing delay of this requester (ps)",
                                    "%s.req%u.queue_ps", prefix, i);
    }
    return rc;
}
