/* What the run loop, the timing glue and the process API need from the
 * traffic generators (libmmsim/traffic_api.c, docs/TRAFFIC.md). */
#ifndef MMSIM_TRAFFIC_API_H
#define MMSIM_TRAFFIC_API_H

#include <stdint.h>

#include "cpu/hart.h"
#include "mmsim/traffic.h"

struct mmsim_machine;
struct mmsim_topology;
struct task;
struct traffic_gen;

/* The generator whose thread t is, or NULL (a program's thread). */
struct traffic_gen *traffic_of(const struct mmsim_machine *m, const struct task *t);

/* One scheduling step of a generator's thread, in place of hart_run:
 * returns MMSIM_OK with *stop, or an error recorded on the machine (a
 * generator that would run forever: every process left is background
 * traffic).  The thread exits (status 0) when its bound is reached. */
int traffic_run(struct traffic_gen *g, uint64_t budget, enum hart_stop *stop);

/* Its pending access was performed (kernel_timing_resume): the data
 * access started at cycle start and completed at done. */
void traffic_grant(struct traffic_gen *g, uint64_t start, uint64_t done);

/* The process of thread t is being destroyed: its generator (if any)
 * forgets it and keeps only its statistics, which the registry still
 * points to. */
void traffic_detach(struct mmsim_machine *m, const struct task *t);

/* Check cfg against topology t as mmsim_traffic_create would, the trace
 * file included (the topology parser's traffic: section): MMSIM_OK, or an
 * error code with the message in err. */
int traffic_check(const struct mmsim_topology *t, const mmsim_traffic *cfg, char *err,
                  size_t len);

/* The configuration of a topology file's generator (its policy and trace
 * point into x). */
struct topo_traffic;
void traffic_from_topology(const struct topo_traffic *x, mmsim_traffic *cfg);

/* Create the generators of m's topology file (machine creation).
 * MMSIM_OK or the first error (recorded on m). */
int traffic_create_from_topology(struct mmsim_machine *m);

/* Free every generator of m (the machine is being destroyed). */
void traffic_free_all(struct mmsim_machine *m);

#endif
