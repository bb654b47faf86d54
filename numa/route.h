/* Routes over the link graph and the SLIT distance table. */
#ifndef MMSIM_NUMA_ROUTE_H
#define MMSIM_NUMA_ROUTE_H

#include <stddef.h>

#include "libmmsim/topology.h"

/* Fill t->hops, t->next_hop, t->route_ps for every node pair (shortest path
 * by link latency; ties broken by fewer hops, then by the lower next-hop
 * node number, so routes are deterministic), and t->distance unless it was
 * given explicitly.  Returns 0, or -1 with a message when the link graph
 * is disconnected. */
int route_compute(struct mmsim_topology *t, char *err, size_t errlen);

#endif
