/* What the run loop and the machine need from the process API
 * (libmmsim/process.c) beyond include/mmsim/mmsim.h. */
#ifndef MMSIM_PROCESS_H
#define MMSIM_PROCESS_H

#include "mmsim/mmsim.h"

struct guest_kernel;
struct mmsim_machine;
struct task;

/* Keep the numa_maps of every process that has ended and whose address
 * space kernel_reap is about to release, so that
 * mmsim_process_print_numa_maps still shows where its pages were.  Call
 * right before kernel_reap. */
void process_snapshot_ended(struct guest_kernel *k);
/* Free what the processes of m keep beside the kernel's task structures
 * (before kernel_destroy frees the processes themselves). */
void process_free_all(struct mmsim_machine *m);

/* A process with no program (a traffic generator, traffic_api.c): one
 * thread on cpu (-1: the first idle CPU, as sched_place picks), an empty
 * address space, the memory policy pol (NULL: the machine's policy for new
 * processes), named name.  MMSIM_OK, or an error recorded on m. */
int process_create_empty(struct mmsim_machine *m, int cpu, const mmsim_mempolicy *pol,
                         const char *name, mmsim_process **out);
/* The first thread of p. */
struct task *process_task(const mmsim_process *p);

#endif
