/* Shortest routes and derived SLIT distances.
 *
 * Node counts are small (<= 64), so a Bellman-Ford style relaxation per
 * source with a lexicographic key (latency, hops, next hop) is simple and
 * gives one deterministic answer even when several shortest paths exist. */
#include <math.h>
#include <string.h>

#include "libmmsim/internal.h"
#include "route.h"

struct key {
    uint64_t ps;
    uint32_t hops;
    uint32_t first;     /* next node from the source */
};

static int key_less(struct key a, struct key b)
{
    if (a.ps != b.ps)
        return a.ps < b.ps;
    if (a.hops != b.hops)
        return a.hops < b.hops;
    return a.first < b.first;
}

static void relax_from(const struct mmsim_topology *t, uint32_t src, struct key *k)
{
    for (uint32_t i = 0; i < t->nnodes; i++)
        k[i] = (struct key){UINT64_MAX, UINT32_MAX, UINT32_MAX};
    k[src] = (struct key){0, 0, src};
    for (int changed = 1; changed;) {
        changed = 0;
        for (uint32_t l = 0; l < t->nlinks; l++) {
            const struct topo_link *lk = &t->links[l];
            uint64_t lat = topo_lat_ps(t, lk->latency);
            for (int dir = 0; dir < 2; dir++) {
                uint32_t u = dir ? lk->b : lk->a, v = dir ? lk->a : lk->b;
                if (k[u].ps == UINT64_MAX)
                    continue;
                struct key cand = {k[u].ps + lat, k[u].hops + 1, u == src ? v : k[u].first};
                if (key_less(cand, k[v])) {
                    k[v] = cand;
                    changed = 1;
                }
            }
        }
    }
}

int route_compute(struct mmsim_topology *t, char *err, size_t errlen)
{
    uint32_t n = t->nnodes;
    struct key k[TOPO_MAX_NODES];
    for (uint32_t s = 0; s < n; s++) {
        relax_from(t, s, k);
        for (uint32_t d = 0; d < n; d++) {
            if (k[d].ps == UINT64_MAX) {
                mmsim_fmt(err, errlen,
                          "the link graph is disconnected: no route from node %u to node %u "
                          "(every node must be reachable over links)", s, d);
                return -1;
            }
            t->route_ps[s * n + d] = k[d].ps;
            t->hops[s * n + d] = k[d].hops;
            t->next_hop[s * n + d] = k[d].first;
        }
    }
    if (t->distance_explicit)
        return 0;

    /* SLIT from latency: distance = 10 * remote / local as seen from the
     * CPUs of node a, where remote is a round trip over the route plus the
     * target's memory controller and local is a's own controller (the mean
     * of all controllers for a node without memory).  Firmware tables are
     * symmetric, so the larger of the two directions is kept. */
    uint64_t sum = 0, cnt = 0;
    for (uint32_t i = 0; i < n; i++)
        if (t->nodes[i].mem_size) {
            sum += topo_lat_ps(t, t->nodes[i].mem_latency);
            cnt++;
        }
    uint64_t fallback = cnt ? sum / cnt : 1;
    for (uint32_t a = 0; a < n; a++)
        for (uint32_t b = 0; b < n; b++) {
            if (a == b) {
                t->distance[a * n + b] = 10;
                continue;
            }
            long v = 0;
            for (int dir = 0; dir < 2; dir++) {
                uint32_t src = dir ? b : a, dst = dir ? a : b;
                uint64_t local = t->nodes[src].mem_size ? topo_lat_ps(t, t->nodes[src].mem_latency) : fallback;
                uint64_t far = t->nodes[dst].mem_size ? topo_lat_ps(t, t->nodes[dst].mem_latency) : fallback;
                if (!local)
                    local = 1;
                long d = lround(10.0 * (double)(2 * t->route_ps[src * n + dst] + far) / (double)local);
                if (d > v)
                    v = d;
            }
            t->distance[a * n + b] = (uint8_t)(v < 11 ? 11 : v > 254 ? 254 : v);
        }
    return 0;
}
