/* NUMA memory policies, as Linux's set_mempolicy(2)/mbind(2) define them.
 *
 * A policy is a plain value: a zero-initialised struct mempolicy is
 * MPOL_DEFAULT.  Precedence is Linux's: a VMA's policy (mbind) if it is not
 * MPOL_DEFAULT, else the task's (set_mempolicy), else local allocation;
 * mempolicy_effective() applies it. */
#ifndef MMSIM_KERNEL_MEMPOLICY_H
#define MMSIM_KERNEL_MEMPOLICY_H

#include <stdint.h>

#include "kernel/page_alloc.h"

struct mmsim_topology;

/* Modes: Linux's numeric values (uapi/linux/mempolicy.h). */
enum {
    MPOL_DEFAULT = 0,
    MPOL_PREFERRED = 1,
    MPOL_BIND = 2,
    MPOL_INTERLEAVE = 3,
    MPOL_LOCAL = 4,
    MPOL_PREFERRED_MANY = 5,
    MPOL_WEIGHTED_INTERLEAVE = 6,
    MPOL_MAX = 7
};

/* Mode flags, or-ed into the mode argument of the syscalls. */
#define MPOL_F_STATIC_NODES (1u << 15)
#define MPOL_F_RELATIVE_NODES (1u << 14)
#define MPOL_F_NUMA_BALANCING (1u << 13)
#define MPOL_MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

struct mempolicy {
    uint16_t mode;              /* MPOL_* */
    uint16_t flags;             /* MPOL_F_* */
    nodemask_t nodes;           /* effective nodes (PREFERRED: exactly one) */
    nodemask_t user_nodes;      /* as the user gave them (STATIC/RELATIVE) */
    nodemask_t mems_allowed;    /* the allowed set at init or last rebind */
    /* MPOL_WEIGHTED_INTERLEAVE: weight of each node, 0 meaning 1 (Linux
     * keeps these system-wide in /sys/kernel/mm/mempolicy/weighted_interleave;
     * here each policy carries its own). */
    uint8_t weights[64];
};

/* Build a policy as set_mempolicy(mode | flags, nodes) would, with the
 * nodes that have memory (Linux's N_MEMORY) as the allowed set.  Returns 0
 * or a negative Linux errno: -EINVAL for an unknown mode, both STATIC and
 * RELATIVE, a nodemask given to MPOL_DEFAULT/MPOL_LOCAL, an empty nodemask
 * for BIND/INTERLEAVE/PREFERRED_MANY/WEIGHTED_INTERLEAVE, or nodes that
 * leave nothing once masked by the allowed set.  MPOL_PREFERRED with an
 * empty mask becomes MPOL_LOCAL, as in Linux. nodes may be NULL (empty). */
int mempolicy_init(struct mempolicy *p, int mode, unsigned flags, const nodemask_t *nodes,
                   const struct mmsim_topology *t);
/* The same with an explicit allowed set (a cpuset's mems_allowed). */
int mempolicy_init_allowed(struct mempolicy *p, int mode, unsigned flags,
                           const nodemask_t *nodes, nodemask_t allowed);
/* Recompute the effective nodes for a new allowed set, as Linux's
 * mpol_rebind_policy(): STATIC keeps user & allowed, RELATIVE folds the
 * user mask onto allowed, no flag remaps the current nodes onto allowed
 * position by position. */
void mempolicy_rebind(struct mempolicy *p, nodemask_t allowed);

/* The nodes with memory in t (N_MEMORY). */
nodemask_t mempolicy_memory_nodes(const struct mmsim_topology *t);

/* The policy that governs an allocation: vma_pol if it is set and not
 * MPOL_DEFAULT, else task_pol if set and not MPOL_DEFAULT, else the local
 * default (never NULL).  Either argument may be NULL. */
const struct mempolicy *mempolicy_effective(const struct mempolicy *vma_pol,
                                            const struct mempolicy *task_pol);

/* The node an interleaving policy (INTERLEAVE or WEIGHTED_INTERLEAVE) picks
 * for index ilx: the (ilx mod weight)-th slot of the node sequence, where
 * each node takes `weight` consecutive slots.  For other modes, 64. */
unsigned mempolicy_interleave_node(const struct mempolicy *pol, uint64_t ilx);

/* Allocate 2^order frames under pol (NULL = default) for a CPU on
 * local_node.  ilx is the interleave index, used by INTERLEAVE and
 * WEIGHTED_INTERLEAVE only.  For a page fault pass what Linux (6.7+) uses
 * whether the policy came from the VMA or the task: the page offset of the
 * address in the mapping's object, vm_pgoff + ((addr - vm_start) >> 12);
 * for an anonymous mapping Linux sets vm_pgoff = vm_start >> 12, so that is
 * simply addr >> 12 (the virtual page number).  For order > 0, shift it
 * right by order.  For an allocation with no address (Linux's
 * NO_INTERLEAVE_INDEX), pass a per-task counter incremented after each
 * interleaved allocation (Linux's il_prev round robin).  Returns MMSIM_OK
 * with *pfn_out, MMSIM_ERR_GUEST_NOMEM (for MPOL_BIND: when every bound
 * node is exhausted, never another node), MMSIM_ERR_INVALID for a
 * local_node or order out of range. */
int mempolicy_alloc(struct page_alloc *pa, const struct mempolicy *pol, unsigned local_node,
                    uint64_t ilx, unsigned gfp, unsigned order, uint64_t *pfn_out);

/* "default", "preferred", "bind", "interleave", "local", "preferred-many",
 * "weighted-interleave" (numactl's spelling), or "?". */
const char *mempolicy_mode_name(int mode);

#endif
