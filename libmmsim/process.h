/* What the run loop and the machine need from the process API
 * (libmmsim/process.c) beyond include/mmsim/mmsim.h. */
#ifndef MMSIM_PROCESS_H
#define MMSIM_PROCESS_H

struct guest_kernel;
struct mmsim_machine;

/* Keep the numa_maps of every process that has ended and whose address
 * space kernel_reap is about to release, so that
 * mmsim_process_print_numa_maps still shows where its pages were.  Call
 * right before kernel_reap. */
void process_snapshot_ended(struct guest_kernel *k);
/* Free what the processes of m keep beside the kernel's task structures
 * (before kernel_destroy frees the processes themselves). */
void process_free_all(struct mmsim_machine *m);

#endif
