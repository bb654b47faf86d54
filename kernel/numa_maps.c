/* /proc/PID/numa_maps: the effective policy and node placement of each VMA.
 *
 * The line format is Linux's: start address, policy, then a name token
 * (file=, heap, stack) and, when any page is resident, the page counts
 * (anon=, dirty=, mapped=), one N<node>= per node with memory that holds
 * some, and kernelpagesize_kB.  Counts are in 4 KiB pages: a transparent
 * huge page counts 512, as Linux counts a PMD-mapped THP. */
#include "kernel/numa_maps.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernel/mempolicy.h"
#include "kernel/mm.h"
#include "numa/physmem.h"

void numa_maps_nodelist(nodemask_t nodes, char *buf, size_t len)
{
    size_t n = 0;
    if (len)
        buf[0] = '\0';
    for (unsigned a = 0; a < 64 && n < len; a++) {
        if (!nodemask_test(nodes, a))
            continue;
        unsigned b = a;
        while (b + 1 < 64 && nodemask_test(nodes, b + 1))
            b++;
        int w = b > a ? snprintf(buf + n, len - n, "%s%u-%u", n ? "," : "", a, b)
                      : snprintf(buf + n, len - n, "%s%u", n ? "," : "", a);
        if (w < 0)
            break;
        n += (size_t)w;
        a = b;
    }
}

/* The policy field: the mode as Linux's mpol_to_str names it, "=static" /
 * "=relative" for the mode flags, and ":nodes" for the modes that have
 * nodes.  MPOL_PREFERRED shows as "prefer" there, not as numactl's
 * "preferred" (mempolicy_mode_name). */
static void policy_str(const struct mempolicy *pol, char *buf, size_t len)
{
    static const char *const names[MPOL_MAX] = {
        "default", "prefer", "bind", "interleave", "local", "prefer (many)",
        "weighted interleave",
    };
    int mode = pol ? pol->mode : MPOL_DEFAULT;
    if (mode < 0 || mode >= MPOL_MAX)
        mode = MPOL_DEFAULT;
    size_t n = (size_t)snprintf(buf, len, "%s", names[mode]);
    if (mode == MPOL_DEFAULT || mode == MPOL_LOCAL || n >= len)
        return;
    unsigned fl = pol->flags;
    if (fl & MPOL_MODE_FLAGS) {
        const char *sep = "=";
        if (fl & MPOL_F_STATIC_NODES) {
            n += (size_t)snprintf(buf + n, len - n, "=static");
            sep = "|";
        } else if (fl & MPOL_F_RELATIVE_NODES) {
            n += (size_t)snprintf(buf + n, len - n, "=relative");
            sep = "|";
        }
        if (n < len && (fl & MPOL_F_NUMA_BALANCING))
            n += (size_t)snprintf(buf + n, len - n, "%sbalancing", sep);
    }
    if (n < len && pol->nodes) {
        char list[200];
        numa_maps_nodelist(pol->nodes, list, sizeof(list));
        snprintf(buf + n, len - n, ":%s", list);
    }
}

struct vma_count {
    const struct physmem *pm;
    uint64_t start, end;
    uint64_t pages;
    uint64_t node[64];
};

static int count_page(void *ctx, uint64_t va, uint64_t pfn, unsigned shift)
{
    struct vma_count *c = ctx;
    uint64_t lo = va, hi = va + (1ULL << shift);
    /* A huge page the VMA only partly covers counts for its part here. */
    if (lo < c->start)
        lo = c->start;
    if (hi > c->end)
        hi = c->end;
    if (hi <= lo)
        return 0;
    uint64_t n = (hi - lo) >> MM_PAGE_SHIFT;
    c->pages += n;
    int node = c->pm ? physmem_node_of(c->pm, pfn << MM_PAGE_SHIFT) : -1;
    if (node >= 0 && node < 64)
        c->node[node] += n;
    return 0;
}

static void print_vma(struct mm *mm, const struct vma *v, const struct mempolicy *task_pol,
                      nodemask_t memory_nodes, FILE *f)
{
    const struct mempolicy *pol = v->policy && v->policy->mode != MPOL_DEFAULT ? v->policy
                                                                              : task_pol;
    char ps[256];
    policy_str(pol, ps, sizeof(ps));
    fprintf(f, "%08" PRIx64 " %s", v->start, ps);

    bool file = v->name[0] && v->name[0] != '[';
    if (file)
        /* XXX: the VMA keeps only the file's base name, where Linux prints
         * the full path. */
        fprintf(f, " file=%s", v->name);
    else if (v->flags & VMA_HEAP)
        fputs(" heap", f);
    else if (v->flags & VMA_STACK)
        fputs(" stack", f);

    /* The [vdso] page is the kernel's: Linux counts no page of a special
     * mapping. */
    if (v->flags & VMA_SPECIAL) {
        fputc('\n', f);
        return;
    }
    struct vma_count c = {.pm = mm->pm, .start = v->start, .end = v->end};
    mm_walk_pages(mm, v->start, v->end, count_page, &c);
    if (c.pages) {
        /* XXX: there is no page cache and no dirty bit to read: every
         * resident page is a private copy.  A read-only file mapping (the
         * program's text) shows as Linux shows clean file pages (mapped=),
         * every other page as anonymous and dirty, as Linux shows pages a
         * process wrote (a page only read is not resident there: it maps the
         * zero page, which numa_maps does not count). */
        if (file && !(v->prot & MM_PROT_W))
            fprintf(f, " mapped=%" PRIu64, c.pages);
        else
            fprintf(f, " anon=%" PRIu64 " dirty=%" PRIu64, c.pages, c.pages);
        for (unsigned n = 0; n < 64; n++)
            if (c.node[n] && nodemask_test(memory_nodes, n))
                fprintf(f, " N%u=%" PRIu64, n, c.node[n]);
        fprintf(f, " kernelpagesize_kB=%llu", MM_PAGE_SIZE >> 10);
    }
    fputc('\n', f);
}

int kernel_print_numa_maps(struct mm *mm, const struct mempolicy *task_pol,
                           const struct mmsim_topology *t, FILE *f)
{
    nodemask_t memory_nodes = t ? mempolicy_memory_nodes(t) : ~(nodemask_t)0;
    for (const struct vma *v = mm->vmas; v; v = v->next)
        print_vma(mm, v, task_pol, memory_nodes, f);
    return ferror(f) ? -EIO : 0;
}

char *kernel_numa_maps_text(struct mm *mm, const struct mempolicy *task_pol,
                            const struct mmsim_topology *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    int rc = kernel_print_numa_maps(mm, task_pol, t, f);
    if (fclose(f) || rc) {
        free(buf);
        return NULL;
    }
    return buf;
}
