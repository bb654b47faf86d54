/* /proc/PID/numa_maps of a guest address space: one line per VMA with its
 * effective memory policy and where its resident pages sit, in Linux's
 * format (proc(5), numa(7)).  Used by the guest's /proc/self/numa_maps
 * (kernel/fs.c), mmsim_process_print_numa_maps and `mmsim run
 * --numa-maps`.  See docs/MEMORY.md, "numa_maps". */
#ifndef MMSIM_KERNEL_NUMA_MAPS_H
#define MMSIM_KERNEL_NUMA_MAPS_H

#include <stddef.h>
#include <stdio.h>

#include "kernel/page_alloc.h"

struct mm;
struct mempolicy;
struct mmsim_topology;

/* Print mm's numa_maps to f.  task_pol is the policy of VMAs without one of
 * their own (NULL: MPOL_DEFAULT); t gives the nodes with memory, the only
 * ones with an N<node>= field.  Returns 0, or -EIO when writing to f
 * failed. */
int kernel_print_numa_maps(struct mm *mm, const struct mempolicy *task_pol,
                           const struct mmsim_topology *t, FILE *f);

/* The same text in a malloc'ed NUL-terminated string (the caller frees it),
 * or NULL when out of host memory. */
char *kernel_numa_maps_text(struct mm *mm, const struct mempolicy *task_pol,
                            const struct mmsim_topology *t);

/* A node mask in the list syntax of numa_maps and numactl ("0-2,5"; ""
 * for an empty mask) into buf, always NUL-terminated. */
void numa_maps_nodelist(nodemask_t nodes, char *buf, size_t len);

#endif
