/* NUMA memory-policy syscalls: set_mempolicy, get_mempolicy, mbind,
 * move_pages and migrate_pages, with the semantics and error codes of
 * Linux's mm/mempolicy.c and mm/migrate.c (6.7+), over the placement
 * functions of kernel/mm.h.  What is simplified is listed in docs/KERNEL.md,
 * "NUMA syscalls".
 *
 * Two facts of this kernel shape every handler:
 *  - there are no cpusets, so a task may use every node with memory
 *    (Linux's cpuset_mems_allowed == N_MEMORY);
 *  - there are no capabilities: the guest is treated as holding
 *    CAP_SYS_NICE, so MPOL_MF_MOVE_ALL is accepted.  No page is ever shared
 *    between address spaces, so MOVE_ALL and MOVE move the same pages. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "kernel/mempolicy.h"
#include "kernel/mm.h"
#include "kernel/page_alloc.h"
#include "kernel/syscall.h"
#include "libmmsim/topology.h"
#include "machine.h"
#include "numa/physmem.h"

/* get_mempolicy flags. */
#define MPOL_F_NODE 1u
#define MPOL_F_ADDR 2u
#define MPOL_F_MEMS_ALLOWED 4u
/* mbind / move_pages flags. */
#define MPOL_MF_STRICT 1u
#define MPOL_MF_MOVE 2u
#define MPOL_MF_MOVE_ALL 4u
#define MPOL_MF_VALID (MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)

/* Linux's MAX_NUMNODES for this kernel: the width of nodemask_t.  Mask bits
 * from here up must be zero; bits between the machine's node count and
 * this are ignored like nodes without memory (as on Linux, where
 * nr_node_ids <= MAX_NUMNODES). */
#define MAX_NUMNODES 64u

static const struct mempolicy default_policy;  /* zero: MPOL_DEFAULT */

static const struct mmsim_topology *topo_of(const struct task *t)
{
    return t->k->m->topo;
}

/* The node of the calling CPU: what "local" means for this call. */
static unsigned local_node(const struct task *t)
{
    uint32_t n = topo_cpu_node(topo_of(t), t->cpu);
    return n == UINT32_MAX ? 0 : n;
}

/* ---- node masks from and to the guest ----------------------------------- */

/* Split the mode argument into mode and mode flags, as Linux's
 * sanitize_mpol_flags(): the errors that come before the mask is read. */
static int split_mode(int32_t arg, int *mode, unsigned *flags)
{
    *flags = (uint32_t)arg & MPOL_MODE_FLAGS;
    *mode = (int)((uint32_t)arg & ~MPOL_MODE_FLAGS);
    if ((unsigned)*mode >= MPOL_MAX)
        return -EINVAL;
    if ((*flags & MPOL_F_STATIC_NODES) && (*flags & MPOL_F_RELATIVE_NODES))
        return -EINVAL;
    if ((*flags & MPOL_F_NUMA_BALANCING) && *mode != MPOL_BIND && *mode != MPOL_PREFERRED_MANY)
        return -EINVAL;
    return 0;
}

/* Read a node mask as Linux's get_nodes(): maxnode counts one bit more than
 * is read (libnuma passes the node count + 1), a NULL mask or maxnode <= 1
 * reads as empty, more than a page of bits is EINVAL, and bits from
 * MAX_NUMNODES up must be zero (checked from the top word down, so an
 * unreadable high word is EFAULT before anything else). */
static int get_nodes(struct task *t, nodemask_t *out, uint64_t umask, uint64_t maxnode)
{
    *out = 0;
    maxnode--;          /* maxnode 0 wraps: EINVAL below unless the mask is NULL */
    if (maxnode == 0 || !umask)
        return 0;
    if (maxnode > PAGE_SIZE * 8)
        return -EINVAL;
    uint64_t words = (maxnode + 63) / 64;
    for (uint64_t i = words; i-- > 0;) {
        uint64_t w;
        if (mm_copy_in(t->mm, &w, umask + i * 8, 8))
            return -EFAULT;
        uint64_t bits = maxnode - i * 64;
        if (bits < 64)
            w &= (1ull << bits) - 1;
        if (i > 0 && w)
            return -EINVAL;         /* a node >= MAX_NUMNODES */
        if (i == 0)
            *out = w;
    }
    return 0;
}

/* Write a node mask as Linux's copy_nodes_to_user(): ALIGN(maxnode - 1,
 * 64) bits are written (the caller checked maxnode >= nnodes >= 1), the
 * words beyond the first cleared; more than a page of them is EINVAL. */
static int put_nodes(struct task *t, uint64_t umask, uint64_t maxnode, nodemask_t nodes)
{
    uint64_t bytes = (maxnode - 1 + 63) / 64 * 8;
    if (bytes > 8) {
        if (bytes > PAGE_SIZE)
            return -EINVAL;
        static const uint64_t zero[PAGE_SIZE / 8];
        if (mm_copy_out(t->mm, umask + 8, zero, bytes - 8))
            return -EFAULT;
        bytes = 8;
    }
    return bytes && mm_copy_out(t->mm, umask, &nodes, bytes) ? -EFAULT : 0;
}

/* ---- where pages go ------------------------------------------------------ */

/* The node of `allowed` that the zonelist of the caller's node reaches
 * first: where a bound allocation lands when that node has room. */
static unsigned nearest_node(const struct task *t, nodemask_t allowed)
{
    unsigned order[MAX_NUMNODES];
    unsigned n = page_alloc_node_order(t->k->m->page_alloc, local_node(t), order);
    for (unsigned i = 0; i < n; i++)
        if (nodemask_test(allowed, order[i]))
            return order[i];
    return nodemask_first(allowed);
}

/* The node a fresh page for va gets under pol, as Linux's
 * alloc_migration_target_by_mpol() picks it for mbind(MPOL_MF_MOVE): the
 * interleave index of an anonymous page is its virtual page number. */
static unsigned policy_target(const struct task *t, const struct mempolicy *pol, uint64_t va)
{
    switch (pol->mode) {
    case MPOL_PREFERRED:
        return nodemask_first(pol->nodes);
    case MPOL_INTERLEAVE:
    case MPOL_WEIGHTED_INTERLEAVE:
        return mempolicy_interleave_node(pol, va >> MM_PAGE_SHIFT);
    case MPOL_BIND:
    case MPOL_PREFERRED_MANY:
        return nearest_node(t, pol->nodes);
    default:
        return nearest_node(t, mempolicy_memory_nodes(topo_of(t)));
    }
}

/* Resident 4 KiB pages of [start, end) whose node is (select_in) or is not
 * (!select_in) in mask, in address order.  Pages of a huge page are listed
 * one by one: mm_migrate_page splits it when the first one moves.  Pages
 * of the kernel's special VMA are never listed (not migratable, like
 * Linux's VM_IO/VM_PFNMAP mappings). */
struct page_set {
    struct mm *mm;
    const struct physmem *pm;
    uint64_t start, end;
    nodemask_t mask;
    bool select_in;
    uint64_t *va;
    size_t n, cap;
};

static int collect_page(void *ctx, uint64_t va, uint64_t pfn, unsigned shift)
{
    struct page_set *s = ctx;
    int node = physmem_node_of(s->pm, pfn << MM_PAGE_SHIFT);
    if ((node >= 0 && nodemask_test(s->mask, (unsigned)node)) != s->select_in)
        return 0;
    const struct vma *v = mm_find_vma(s->mm, va < s->start ? s->start : va);
    if (!v || (v->flags & VMA_SPECIAL))
        return 0;
    uint64_t lo = va < s->start ? s->start : va;
    uint64_t hi = va + (1ull << shift);
    if (hi > s->end)
        hi = s->end;
    for (uint64_t p = lo; p < hi; p += MM_PAGE_SIZE) {
        if (s->n == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 64;
            uint64_t *nv = realloc(s->va, cap * sizeof(*nv));
            if (!nv)
                return -ENOMEM;
            s->va = nv;
            s->cap = cap;
        }
        s->va[s->n++] = p;
    }
    return 0;
}

static int collect_pages(struct mm *mm, const struct physmem *pm, uint64_t start, uint64_t end,
                         nodemask_t mask, bool select_in, struct page_set *s)
{
    *s = (struct page_set){.mm = mm, .pm = pm, .start = start, .end = end, .mask = mask,
                           .select_in = select_in};
    int rc = mm_walk_pages(mm, start, end, collect_page, s);
    if (rc) {
        free(s->va);
        s->va = NULL;
        s->n = 0;
    }
    return rc;
}

/* ---- set_mempolicy / get_mempolicy -------------------------------------- */

/* set_mempolicy(mode | mode flags, nodemask, maxnode): the process's policy
 * (XXX: per process, Linux's is per thread; kernel/kernel.h). */
int64_t sys_set_mempolicy(struct task *t, const uint64_t *a)
{
    int mode;
    unsigned mflags;
    int err = split_mode((int32_t)a[0], &mode, &mflags);
    nodemask_t nodes;
    if (err || (err = get_nodes(t, &nodes, a[1], a[2])))
        return err;
    struct mempolicy pol;
    if ((err = mempolicy_init(&pol, mode, mflags, &nodes, topo_of(t))))
        return err;
    t->g->policy = pol;
    /* Linux restarts the task's interleave round robin at the first node. */
    t->mm->il_next = 0;
    return 0;
}

/* The node mask get_mempolicy reports for pol: the mask as the user gave
 * it for STATIC/RELATIVE policies, else the effective nodes (none for
 * default and local). */
static nodemask_t reported_nodes(const struct mempolicy *pol)
{
    if (pol->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
        return pol->user_nodes;
    return pol->mode == MPOL_DEFAULT || pol->mode == MPOL_LOCAL ? 0 : pol->nodes;
}

/* get_mempolicy(mode, nodemask, maxnode, addr, flags). */
int64_t sys_get_mempolicy(struct task *t, const uint64_t *a)
{
    uint64_t umode = a[0], umask = a[1], maxnode = a[2], addr = a[3], flags = a[4];
    struct mm *mm = t->mm;
    if (umask && maxnode < topo_of(t)->nnodes)
        return -EINVAL;
    if (flags & ~(uint64_t)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
        return -EINVAL;
    int32_t val;
    nodemask_t nodes;
    if (flags & MPOL_F_MEMS_ALLOWED) {
        if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
            return -EINVAL;
        val = 0;
        nodes = mempolicy_memory_nodes(topo_of(t));
    } else {
        const struct mempolicy *pol = &t->g->policy;
        if (flags & MPOL_F_ADDR) {
            const struct vma *v = mm_find_vma(mm, addr);
            if (!v)
                return -EFAULT;
            /* Linux does not fall back to the task's policy here: a VMA
             * without its own policy reports MPOL_DEFAULT. */
            pol = v->policy ? v->policy : &default_policy;
        } else if (addr) {
            return -EINVAL;
        }
        if ((flags & MPOL_F_NODE) && (flags & MPOL_F_ADDR)) {
            /* The node of the page at addr, faulted in for reading first
             * as Linux's get_user_pages() does. */
            uint8_t byte;
            if (mm_copy_in(mm, &byte, addr, 1))
                return -EFAULT;
            int node = mm_page_node(mm, addr);
            if (node < 0)
                return -EFAULT;
            val = node;
        } else if (flags & MPOL_F_NODE) {
            /* The node the task's next address-less interleaved
             * allocation would use; meaningless for other policies. */
            if (pol->mode != MPOL_INTERLEAVE && pol->mode != MPOL_WEIGHTED_INTERLEAVE)
                return -EINVAL;
            val = (int32_t)mempolicy_interleave_node(pol, mm->il_next);
        } else {
            val = (int32_t)(pol->mode | (pol->flags & MPOL_MODE_FLAGS));
        }
        nodes = reported_nodes(pol);
    }
    if (umode && mm_copy_out(mm, umode, &val, 4))
        return -EFAULT;
    return umask ? put_nodes(t, umask, maxnode, nodes) : 0;
}

/* ---- mbind ---------------------------------------------------------------- */

/* Do VMAs cover [start, end)?  With discontig (mbind of MPOL_DEFAULT) gaps
 * are allowed, but at least one VMA must meet the range. */
static int check_holes(struct mm *mm, uint64_t start, uint64_t end, bool discontig)
{
    uint64_t covered = start;
    bool any = false;
    for (const struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
        if (v->end <= start)
            continue;
        if (v->start > covered && !discontig)
            return -EFAULT;
        any = true;
        covered = v->end;
    }
    return !any || (covered < end && !discontig) ? -EFAULT : 0;
}

/* Give every VMA piece in [start, end) the policy, skipping gaps. */
static int set_policy_pieces(struct mm *mm, uint64_t start, uint64_t end,
                             const struct mempolicy *pol)
{
    uint64_t a = start;
    while (a < end) {
        const struct vma *v = mm->vmas;
        while (v && v->end <= a)
            v = v->next;
        if (!v || v->start >= end)
            return 0;
        uint64_t lo = v->start > a ? v->start : a, hi = v->end < end ? v->end : end;
        int err = mm_set_vma_policy(mm, lo, hi - lo, pol);
        if (err)
            return err;
        a = hi;     /* v may have been split: look it up again */
    }
    return 0;
}

/* mbind(addr, len, mode | mode flags, nodemask, maxnode, flags).
 *
 * With MPOL_MF_MOVE, Linux moves the pages of the range that lie on a node
 * NOT in the given mask (pages already on one of those nodes stay, even
 * where interleaving would have put them elsewhere), each to where the new
 * policy would allocate it.  MPOL_MF_STRICT alone fails with EIO, leaving
 * the policy unchanged, when such a page exists; with MOVE it reports EIO
 * (policy set) when some could not be moved. */
int64_t sys_mbind(struct task *t, const uint64_t *a)
{
    uint64_t start = a[0], len = a[1], flags = a[5];
    struct mm *mm = t->mm;
    int mode;
    unsigned mflags;
    nodemask_t user;
    int err = split_mode((int32_t)a[2], &mode, &mflags);
    if (err || (err = get_nodes(t, &user, a[3], a[4])))
        return err;
    if (flags & ~(uint64_t)MPOL_MF_VALID)
        return -EINVAL;
    if (start & MM_PAGE_MASK)
        return -EINVAL;
    if (mode == MPOL_DEFAULT)
        flags &= ~(uint64_t)MPOL_MF_STRICT;
    /* PAGE_ALIGN may wrap a huge len to 0: then there is nothing to do. */
    uint64_t end = start + ((len + MM_PAGE_MASK) & ~MM_PAGE_MASK);
    if (end < start)
        return -EINVAL;
    if (end == start)
        return 0;
    struct mempolicy pol;
    if ((err = mempolicy_init(&pol, mode, mflags, &user, topo_of(t))))
        return err;
    bool discontig = mode == MPOL_DEFAULT;
    if (end > MM_TASK_SIZE) {
        if (!discontig)
            return -EFAULT;     /* no VMA reaches beyond user space */
        end = MM_TASK_SIZE;
    }
    if ((err = check_holes(mm, start, end, discontig)))
        return err;

    bool move = flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL);
    struct page_set off = {0};
    if (move || (flags & MPOL_MF_STRICT)) {
        if ((err = collect_pages(mm, t->k->m->physmem, start, end, user, false, &off)))
            return err;
        if (!move && off.n) {
            free(off.va);
            return -EIO;
        }
    }
    err = discontig ? set_policy_pieces(mm, start, end, &pol)
                    : mm_set_vma_policy(mm, start, end - start, &pol);
    uint64_t failed = 0;
    if (!err && move) {
        /* MPOL_DEFAULT moves pages to where the task's policy puts them. */
        const struct mempolicy *eff = mempolicy_effective(&pol, &t->g->policy);
        for (size_t i = 0; i < off.n; i++) {
            int rc = mm_migrate_page(mm, off.va[i], policy_target(t, eff, off.va[i]));
            if (rc && rc != -ENOENT)
                failed++;
        }
    }
    free(off.va);
    if (err)
        return err;
    return failed && (flags & MPOL_MF_STRICT) ? -EIO : 0;
}

/* ---- move_pages / migrate_pages -------------------------------------------- */

/* The address space pid names: the caller's for 0, else that of the live
 * thread with that tid (any process: they all run as one user).  ESRCH
 * when there is none, EINVAL when it has no address space left. */
static int target_mm(struct task *t, int32_t pid, struct mm **out)
{
    if (pid == 0) {
        *out = t->mm;
        return 0;
    }
    struct task *o = pid > 0 ? task_by_tid(t->k, (uint32_t)pid) : NULL;
    if (!o)
        return -ESRCH;
    if (!o->mm)
        return -EINVAL;
    *out = o->mm;
    return 0;
}

/* Move the page at va of mm to node: the node, or a negative errno for the
 * status array (EFAULT: no VMA or not migratable; ENOENT: not resident;
 * ENOMEM: node full).  *failed counts the pages a migration was tried for
 * and failed. */
static int move_one(struct mm *mm, uint64_t va, unsigned node, uint64_t *failed)
{
    const struct vma *v = mm_find_vma(mm, va);
    if (!v || (v->flags & VMA_SPECIAL))
        return -EFAULT;
    int rc = mm_migrate_page(mm, va, node);
    if (rc == 0)
        return (int)node;
    if (rc != -ENOENT && rc != -EFAULT)
        (*failed)++;
    return rc;
}

/* move_pages(pid, count, pages, nodes, status, flags).  nodes == NULL:
 * status[i] = node of pages[i] (or -ENOENT / -EFAULT).  Else each page goes
 * to nodes[i] and status[i] receives its node or -errno.  An entry whose
 * node is invalid (ENODEV) or an unreadable array (EFAULT) ends the call
 * with that error, the earlier entries done, as on Linux.  Returns the
 * number of pages that could not be moved (0: all done). */
int64_t sys_move_pages(struct task *t, const uint64_t *a)
{
    uint64_t count = a[1], upages = a[2], unodes = a[3], ustatus = a[4];
    int32_t flags = (int32_t)a[5];
    if (flags & ~(int32_t)(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
        return -EINVAL;
    struct mm *mm;
    int err = target_mm(t, (int32_t)a[0], &mm);
    if (err)
        return err;
    nodemask_t memory = mempolicy_memory_nodes(topo_of(t));
    uint64_t failed = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t va;
        if (mm_copy_in(t->mm, &va, upages + i * 8, 8))
            return -EFAULT;
        int32_t status;
        if (!unodes) {
            /* Where it is: node, -ENOENT not resident, -EFAULT no VMA. */
            status = mm_page_node(mm, va);
        } else {
            int32_t node;
            if (mm_copy_in(t->mm, &node, unodes + i * 4, 4))
                return -EFAULT;
            if (node < 0 || (unsigned)node >= MAX_NUMNODES ||
                !nodemask_test(memory, (unsigned)node))
                return -ENODEV;
            status = move_one(mm, va, (unsigned)node, &failed);
        }
        if (mm_copy_out(t->mm, ustatus + i * 4, &status, 4))
            return -EFAULT;
    }
    return failed > INT_MAX ? INT_MAX : (int64_t)failed;
}

/* Linux's node_remap(): the k-th node of from maps to the (k mod |to|)-th
 * node of to; a node outside from maps to itself. */
static unsigned remap_node(unsigned s, nodemask_t from, nodemask_t to)
{
    if (!nodemask_test(from, s) || !to)
        return s;
    unsigned k = nodemask_weight(from & (NODEMASK_OF(s) - 1));
    return nodemask_nth(to, k % nodemask_weight(to));
}

/* Move every page of mm on node `source` to `dest`; the number that failed,
 * or a negative errno. */
static int64_t migrate_node(struct task *t, struct mm *mm, unsigned source, unsigned dest)
{
    struct page_set on;
    int err = collect_pages(mm, t->k->m->physmem, 0, MM_TASK_SIZE, NODEMASK_OF(source), true, &on);
    if (err)
        return err;
    int64_t failed = 0;
    for (size_t i = 0; i < on.n; i++) {
        int rc = mm_migrate_page(mm, on.va[i], dest);
        if (rc && rc != -ENOENT)
            failed++;
    }
    free(on.va);
    return failed;
}

/* migrate_pages(pid, maxnode, old_nodes, new_nodes): move the pages of a
 * process from old_nodes to new_nodes, node by node, with the pairing of
 * Linux's do_migrate_pages() (the k-th old node goes to the k-th new node;
 * a source whose destination is itself still to be emptied waits, so pages
 * are not moved twice when it can be avoided; with old and new of
 * different sizes, old nodes that are also new are left alone).  Returns
 * the number of pages that could not be moved. */
int64_t sys_migrate_pages(struct task *t, const uint64_t *a)
{
    nodemask_t from, to;
    int err = get_nodes(t, &from, a[2], a[1]);
    if (err || (err = get_nodes(t, &to, a[3], a[1])))
        return err;
    struct mm *mm;
    if ((err = target_mm(t, (int32_t)a[0], &mm)))
        return err;
    /* With CAP_SYS_NICE, new nodes outside the allowed set are dropped. */
    to &= mempolicy_memory_nodes(topo_of(t));
    if (!to)
        return -EINVAL;
    int64_t failed = 0;
    nodemask_t left = from;
    while (left) {
        unsigned source = MAX_NUMNODES, dest = 0;
        for (nodemask_t m = left; m; m &= m - 1) {
            unsigned s = (unsigned)__builtin_ctzll(m);
            if (nodemask_weight(from) != nodemask_weight(to) && nodemask_test(to, s))
                continue;
            unsigned d = remap_node(s, from, to);
            if (d == s)
                continue;
            source = s;
            dest = d;
            if (!nodemask_test(left, d))
                break;
        }
        if (source == MAX_NUMNODES)
            break;
        left &= ~NODEMASK_OF(source);
        int64_t rc = migrate_node(t, mm, source, dest);
        if (rc < 0)
            return rc;
        failed += rc;
    }
    return failed > INT_MAX ? INT_MAX : failed;
}
