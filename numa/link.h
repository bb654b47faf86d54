/* Point-to-point links between nodes (QPI/UPI-style) and message traversal
 * along the topology's routes.
 *
 * Each link has a latency per traversal and a bandwidth per direction;
 * each direction is its own "next free time" (a full-duplex link).  A
 * message of B bytes entering a direction at T starts at
 * S = max(T, direction free), holds the direction for B / bandwidth and
 * arrives at the far end at S + latency: an isolated message costs exactly
 * the link latency (as numa/route.c's route_ps assumes) and back-to-back
 * messages are spaced by their transfer time.
 *
 * A route is walked hop by hop along t->next_hop; each hop enters its link
 * at the arrival time of the previous one (cut-through routers, no router
 * delay).  A remote access is two traversals: the request (small) from the
 * requester's node to the home node and the response (a line) back.
 *
 * XXX: a later hop is reserved when the message enters the first one, so a
 * message entering that later link earlier in simulated time but later in
 * call order queues behind it.  The run loop can remove this by yielding
 * per hop; with one hop (most routes) it cannot happen. */
#ifndef MMSIM_NUMA_LINK_H
#define MMSIM_NUMA_LINK_H

#include <stdint.h>

#include "libmmsim/stats.h"
#include "libmmsim/topology.h"

struct link_dir_stats {
    uint64_t messages, bytes;
    uint64_t busy_ps;           /* occupancy */
    uint64_t queue_ps;          /* total waiting for the direction */
};

struct link {
    uint32_t a, b;              /* direction 0 is a -> b, 1 is b -> a */
    uint64_t latency_ps;
    uint64_t bandwidth;         /* bytes per second per direction; 0 = unlimited */
    uint64_t free_ps[2];
    struct link_dir_stats st[2];
};

struct links {
    struct link *l;
    uint32_t n, nnodes;
    uint32_t *between;          /* nnodes * nnodes: link used from u to v, or UINT32_MAX */
    const uint32_t *next_hop;   /* the topology's (it must outlive this) */
};

/* Build the links of t (t->next_hop must be computed; t must outlive ls).
 * Between two nodes joined by several links, the one with the lowest
 * latency (then the lowest index) carries traffic, as routes assume.
 * Returns MMSIM_OK, MMSIM_ERR_INVALID or MMSIM_ERR_NOMEM. */
int links_init(struct links *ls, const struct mmsim_topology *t);
void links_free(struct links *ls);

/* One traversal of link l in direction dir (0: a->b) by `bytes` entering
 * at now.  Returns the arrival time at the far end. */
uint64_t link_send(struct link *l, unsigned dir, uint64_t bytes, uint64_t now);

/* A message of `bytes` from node `from` to node `to` leaving at now.
 * Returns the arrival time (now when from == to); *hops (may be NULL)
 * gets the number of links traversed. */
uint64_t links_route(struct links *ls, uint32_t from, uint32_t to, uint64_t bytes,
                     uint64_t now, uint32_t *hops);

/* Utilisation of one direction over [0, now] in parts per million. */
uint64_t link_utilisation_ppm(const struct link *l, unsigned dir, uint64_t now);

/* Register, for link i joining a and b, "<prefix>.link<i>.<a>to<b>.*" and
 * ".<b>to<a>.*": messages, bytes, busy_ps, queue_ps. */
int links_stats_register(struct links *ls, struct stats_registry *r, const char *prefix);

#endif
