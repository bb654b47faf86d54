/* NUMA memory policies (see mempolicy.h and docs/MEMORY.md). */
#include "kernel/mempolicy.h"

#include <errno.h>
#include <string.h>

#include "libmmsim/topology.h"

static const struct mempolicy default_policy;   /* zeroed: MPOL_DEFAULT */

nodemask_t mempolicy_memory_nodes(const struct mmsim_topology *t)
{
    nodemask_t m = 0;
    for (unsigned n = 0; n < t->nnodes && n < 64; n++)
        if (t->nodes[n].mem_size)
            m |= NODEMASK_OF(n);
    return m;
}

/* Linux's nodes_fold + nodes_onto: node b of user goes to the
 * (b mod weight(allowed))-th node of allowed. */
static nodemask_t relative_nodes(nodemask_t user, nodemask_t allowed)
{
    unsigned w = nodemask_weight(allowed);
    nodemask_t out = 0;
    if (!w)
        return 0;
    for (nodemask_t m = user; m; m &= m - 1)
        out |= NODEMASK_OF(nodemask_nth(allowed, (unsigned)__builtin_ctzll(m) % w));
    return out;
}

/* Linux's nodes_remap: the k-th node of old becomes the (k mod
 * weight(new))-th node of new; nodes outside old stay themselves. */
static nodemask_t remap_nodes(nodemask_t src, nodemask_t old, nodemask_t new_set)
{
    unsigned w = nodemask_weight(new_set);
    nodemask_t out = 0;
    for (nodemask_t m = src; m; m &= m - 1) {
        unsigned n = (unsigned)__builtin_ctzll(m);
        if (w && nodemask_test(old, n)) {
            unsigned k = nodemask_weight(old & (NODEMASK_OF(n) - 1));
            out |= NODEMASK_OF(nodemask_nth(new_set, k % w));
        } else {
            out |= NODEMASK_OF(n);
        }
    }
    return out;
}

static nodemask_t effective_nodes(const struct mempolicy *p, nodemask_t allowed)
{
    if (p->flags & MPOL_F_RELATIVE_NODES)
        return relative_nodes(p->user_nodes, allowed);
    return p->user_nodes & allowed;
}

int mempolicy_init_allowed(struct mempolicy *p, int mode, unsigned flags,
                           const nodemask_t *nodes, nodemask_t allowed)
{
    memset(p, 0, sizeof(*p));
    nodemask_t user = nodes ? *nodes : 0;
    if (mode < 0 || mode >= MPOL_MAX || (flags & ~MPOL_MODE_FLAGS))
        return -EINVAL;
    if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
        return -EINVAL;
    if ((flags & MPOL_F_NUMA_BALANCING) && mode != MPOL_BIND && mode != MPOL_PREFERRED_MANY)
        return -EINVAL;
    const unsigned nodeflags = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);
    switch (mode) {
    case MPOL_DEFAULT:
        return user ? -EINVAL : 0;
    case MPOL_PREFERRED:
        if (!user) {
            /* An empty preferred set means local allocation. */
            if (nodeflags)
                return -EINVAL;
            mode = MPOL_LOCAL;
        }
        break;
    case MPOL_LOCAL:
        if (user || nodeflags)
            return -EINVAL;
        break;
    default:
        if (!user)
            return -EINVAL;
        break;
    }
    p->mode = (uint16_t)mode;
    p->flags = (uint16_t)flags;
    p->user_nodes = user;
    p->mems_allowed = allowed;
    if (mode == MPOL_LOCAL)
        return 0;
    nodemask_t eff = effective_nodes(p, allowed);
    if (!eff) {
        memset(p, 0, sizeof(*p));
        return -EINVAL;
    }
    /* MPOL_PREFERRED keeps a single node: the first one given. */
    p->nodes = mode == MPOL_PREFERRED ? NODEMASK_OF(nodemask_first(eff)) : eff;
    return 0;
}

int mempolicy_init(struct mempolicy *p, int mode, unsigned flags, const nodemask_t *nodes,
                   const struct mmsim_topology *t)
{
    return mempolicy_init_allowed(p, mode, flags, nodes, mempolicy_memory_nodes(t));
}

void mempolicy_rebind(struct mempolicy *p, nodemask_t allowed)
{
    /* No node to rebind to (an empty cpuset is refused before this in
     * Linux): keep the policy rather than pick node "64". */
    if (p->mode == MPOL_DEFAULT || p->mode == MPOL_LOCAL || !allowed)
        return;
    nodemask_t tmp;
    if (p->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
        tmp = effective_nodes(p, allowed);
    else
        tmp = remap_nodes(p->nodes, p->mems_allowed, allowed);
    p->mems_allowed = allowed;
    if (!tmp)
        tmp = allowed;
    p->nodes = p->mode == MPOL_PREFERRED ? NODEMASK_OF(nodemask_first(tmp)) : tmp;
}

const struct mempolicy *mempolicy_effective(const struct mempolicy *vma_pol,
                                            const struct mempolicy *task_pol)
{
    if (vma_pol && vma_pol->mode != MPOL_DEFAULT)
        return vma_pol;
    if (task_pol && task_pol->mode != MPOL_DEFAULT)
        return task_pol;
    return &default_policy;
}

unsigned mempolicy_interleave_node(const struct mempolicy *pol, uint64_t ilx)
{
    if (!pol->nodes)
        return 64;
    if (pol->mode == MPOL_INTERLEAVE)
        return nodemask_nth(pol->nodes, (unsigned)(ilx % nodemask_weight(pol->nodes)));
    if (pol->mode != MPOL_WEIGHTED_INTERLEAVE)
        return 64;
    /* Each node owns `weight` consecutive slots of the cycle. */
    uint64_t total = 0;
    for (nodemask_t m = pol->nodes; m; m &= m - 1) {
        unsigned w = pol->weights[__builtin_ctzll(m)];
        total += w ? w : 1;
    }
    uint64_t slot = ilx % total;
    for (nodemask_t m = pol->nodes; m; m &= m - 1) {
        unsigned n = (unsigned)__builtin_ctzll(m);
        unsigned w = pol->weights[n] ? pol->weights[n] : 1;
        if (slot < w)
            return n;
        slot -= w;
    }
    return 64;      /* not reached */
}

int mempolicy_alloc(struct page_alloc *pa, const struct mempolicy *pol, unsigned local_node,
                    uint64_t ilx, unsigned gfp, unsigned order, uint64_t *pfn_out)
{
    if (!pol)
        pol = &default_policy;
    if (local_node >= page_alloc_nr_nodes(pa))
        return MMSIM_ERR_INVALID;
    switch (pol->mode) {
    case MPOL_PREFERRED:
        /* The preferred node's zonelist, any node as fallback. */
        return page_alloc_pages_local(pa, gfp, order, nodemask_first(pol->nodes), NULL,
                                      local_node, pfn_out);
    case MPOL_BIND: {
        /* The local zonelist filtered by the bound nodes: the nearest bound
         * node first, never an unbound one.  __GFP_THISNODE means one node:
         * the local one if bound, else the first bound. */
        unsigned nid = local_node;
        if ((gfp & __GFP_THISNODE) && !nodemask_test(pol->nodes, nid))
            nid = nodemask_first(pol->nodes);
        return page_alloc_pages_local(pa, gfp, order, nid, &pol->nodes, local_node, pfn_out);
    }
    case MPOL_INTERLEAVE:
    case MPOL_WEIGHTED_INTERLEAVE: {
        unsigned nid = mempolicy_interleave_node(pol, ilx);
        if (nid >= page_alloc_nr_nodes(pa))
            return MMSIM_ERR_INVALID;
        int rc = page_alloc_pages_local(pa, gfp, order, nid, NULL, local_node, pfn_out);
        if (rc == MMSIM_OK) {
            struct page *p = page_alloc_pfn_to_page(pa, *pfn_out);
            if (p && p->zone / MAX_NR_ZONES == nid)
                page_alloc_count_interleave_hit(pa, nid);
        }
        return rc;
    }
    case MPOL_PREFERRED_MANY: {
        /* First the preferred nodes without waiting, then anywhere. */
        int rc = page_alloc_pages_local(pa, gfp & ~__GFP_DIRECT_RECLAIM, order, local_node,
                                        &pol->nodes, local_node, pfn_out);
        if (rc == MMSIM_ERR_GUEST_NOMEM)
            rc = page_alloc_pages_local(pa, gfp, order, local_node, NULL, local_node, pfn_out);
        return rc;
    }
    case MPOL_DEFAULT:
    case MPOL_LOCAL:
    default:
        return page_alloc_pages_local(pa, gfp, order, local_node, NULL, local_node, pfn_out);
    }
}

const char *mempolicy_mode_name(int mode)
{
    static const char *const names[MPOL_MAX] = {
        "default", "preferred", "bind", "interleave", "local", "preferred-many",
        "weighted-interleave",
    };
    return mode >= 0 && mode < MPOL_MAX ? names[mode] : "?";
}
