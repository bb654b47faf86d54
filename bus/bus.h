/* The node-local shared bus: where UMA stops scaling.
 *
 * A split-transaction bus with an address bus and a data bus, each a
 * "next free time" (requests arrive in non-decreasing time order, DESIGN
 * principle 2).  A transaction arriving at T from requester `who`:
 *
 *   arbitration  A = max(T, address bus free)   -- the grant; the address
 *                bus is then held for one bus cycle (addr_cycles)
 *   address      the request is known on the bus at A + arb_ps (the
 *                topology's bus latency: arbitration + address phase)
 *   data         D = max(A + arb_ps, data bus free); the data bus is held
 *                ceil(bytes / width) bus cycles; completion D + that.
 *
 * An isolated 64-byte transaction costs arb_ps + ceil(64 / width) cycles;
 * address-only transactions (bytes 0: invalidations, upgrades, snoops) use
 * only the address bus.  Data transfers of all requesters serialise on the
 * data bus, so N streaming CPUs share width * clock bytes per second and
 * their queueing delay grows with N.
 *
 * Arbitration: requests are decided when they arrive, so between requests
 * that arrive at different times the order is arrival order for both
 * policies.  Requests the caller presents together (bus_arbitrate) are
 * ordered among those waiting when the address bus frees: FCFS by arrival,
 * ties to the lowest requester; round-robin by requester, starting after
 * the last one granted (ties by arrival time do not matter). */
#ifndef MMSIM_BUS_BUS_H
#define MMSIM_BUS_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "libmmsim/stats.h"
#include "libmmsim/topology.h"

struct bus_params {
    uint32_t width;             /* bytes per bus cycle */
    uint64_t clock_hz;          /* bus clock */
    uint64_t arb_ps;            /* arbitration + address phase latency */
    enum topo_arb arb;
    uint32_t nreq;              /* requesters (the node's CPUs), >= 1 */
    uint32_t addr_cycles;       /* address bus occupancy per transaction (default 1) */
};

struct bus_req_stats {
    uint64_t requests, bytes;
    uint64_t queue_ps;          /* total time waiting for either bus */
};

struct bus_stats {
    uint64_t requests, bytes;
    uint64_t busy_ps;           /* data bus occupancy */
    uint64_t addr_busy_ps;      /* address bus occupancy */
    uint64_t queue_ps;          /* total queueing delay */
    struct stats_hist queue_hist;
};

#define BUS_PS_TABLE 9

struct bus {
    struct bus_params p;
    /* ps of 0..BUS_PS_TABLE-1 bus cycles, rounded up: every transaction
     * needs its address and data times, and each is a 128-bit division. */
    uint64_t cycles_ps[BUS_PS_TABLE];
    uint64_t addr_free_ps, data_free_ps;
    uint32_t rr_next;           /* round-robin: first requester considered */
    struct bus_req_stats *req;  /* per requester */
    struct bus_stats st;
};

/* One transaction's times. */
struct bus_grant {
    uint64_t grant_ps;          /* arbitration won (address bus taken) */
    uint64_t data_ps;           /* data phase starts */
    uint64_t done_ps;           /* last data beat */
    uint64_t queue_ps;          /* done - (arrival + unloaded cost) */
};

/* A request presented to bus_arbitrate; g is filled in. */
struct bus_req {
    uint32_t who;
    uint32_t bytes;
    uint64_t now;
    struct bus_grant g;
};

/* Node n's bus from the topology: width, clock, latency, arbitration,
 * one requester per CPU of the node, one address cycle. */
void bus_params_from_topology(const struct mmsim_topology *t, uint32_t n, struct bus_params *p);

/* Returns MMSIM_OK, MMSIM_ERR_INVALID (width, clock or nreq 0) or
 * MMSIM_ERR_NOMEM. */
int bus_init(struct bus *b, const struct bus_params *p);
void bus_free(struct bus *b);

/* Picoseconds the data bus is held for bytes (ceil(bytes/width) cycles,
 * rounded up to whole picoseconds). */
uint64_t bus_data_ps(const struct bus *b, uint32_t bytes);

/* One transaction of `bytes` from requester who (< nreq) arriving at now
 * (non-decreasing across calls).  Fills g (may be NULL) and returns the
 * completion time. */
uint64_t bus_request(struct bus *b, uint32_t who, uint64_t now, uint32_t bytes,
                     struct bus_grant *g);

/* Several requests presented together (their arrival times at or after
 * every earlier call's), granted in the policy's order; fills each r[i].g.
 * n up to 64. */
void bus_arbitrate(struct bus *b, struct bus_req *r, unsigned n);

/* Data bus utilisation over [0, now] in parts per million. */
uint64_t bus_utilisation_ppm(const struct bus *b, uint64_t now);
/* Average queueing delay in ps over all (who == UINT32_MAX) or one
 * requester's transactions; 0 when there were none. */
uint64_t bus_avg_queue_ps(const struct bus *b, uint32_t who);

/* Register "<prefix>.requests", ".bytes", ".busy_ps", ".addr_busy_ps",
 * ".queue_ps", the histogram ".queue", and per requester i
 * "<prefix>.req<i>.requests|bytes|queue_ps". */
int bus_stats_register(struct bus *b, struct stats_registry *r, const char *prefix);

#endif
