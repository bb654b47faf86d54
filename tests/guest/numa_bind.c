/* mbind(MPOL_BIND / MPOL_PREFERRED) before the first touch: every page of
 * the range lands on the node, as get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR)
 * and move_pages(nodes = NULL) both report; get_mempolicy(MPOL_F_ADDR)
 * reports the range's policy, and MPOL_DEFAULT (not the task's policy)
 * outside it, as Linux does. */
#include "numa_util.h"

#define NPAGES 32

/* Every page of [p, p + n pages) on `node`, by both queries. */
static void check_all_on(char *p, size_t n, int node, const char *what)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        int a = node_by_getmempolicy(p + i * PAGE), b = node_by_movepages(p + i * PAGE);
        if (a != node || b != node) {
            if (bad++ < 4)
                printf("FAIL %s node %d: page %zu: get_mempolicy says %d, move_pages says %d\n",
                       what, node, i, a, b);
        }
    }
    g_checks++;
    g_fail += bad != 0;
}

int main(void)
{
    if (!numa_setup())
        return 1;
    for (int node = 0; node < g_nnodes; node++) {
        if (!mmsim_nodemask_isset(&g_mems, (unsigned)node))
            continue;
        char *p = map_pages(NPAGES);
        mmsim_nodemask_t m = mask_of(node);
        CHECK_OK(mmsim_mbind(p, NPAGES * PAGE, MPOL_BIND, m.bits, MMSIM_NODEMASK_MAXNODE, 0));
        /* Nothing is resident before the first touch. */
        CHECK_EQ(node_by_movepages(p), -ENOENT);
        touch_pages(p, NPAGES, node);
        check_all_on(p, NPAGES, node, "bind");
        CHECK(pattern_ok(p, NPAGES, node));

        /* The range's policy, with its node mask. */
        int mode = -1;
        mmsim_nodemask_t got;
        mmsim_nodemask_zero(&got);
        CHECK_OK(mmsim_get_mempolicy(&mode, got.bits, MMSIM_NODEMASK_MAXNODE, p + PAGE, MPOL_F_ADDR));
        CHECK_EQ(mode, MPOL_BIND);
        CHECK_EQ(got.bits[0], 1UL << node);
        CHECK_EQ(got.bits[1], 0);

        /* A read first touch is placed by the policy too (get_mempolicy
         * faults the page in). */
        char *q = map_pages(4);
        CHECK_OK(mmsim_mbind(q, 4 * PAGE, MPOL_PREFERRED, m.bits, MMSIM_NODEMASK_MAXNODE, 0));
        check_all_on(q, 4, node, "preferred (read fault)");
        CHECK_OK(mmsim_get_mempolicy(&mode, got.bits, MMSIM_NODEMASK_MAXNODE, q, MPOL_F_ADDR));
        CHECK_EQ(mode, MPOL_PREFERRED);
        CHECK_EQ(got.bits[0], 1UL << node);
        munmap(q, 4 * PAGE);
        munmap(p, NPAGES * PAGE);
    }

    /* Part of a mapping: only the middle gets the policy (the VMA is
     * split); the pages outside report MPOL_DEFAULT, which is what Linux
     * reports for a VMA without a policy even when the task has one. */
    int last = g_nnodes - 1;
    mmsim_nodemask_t m = mask_of(last);
    CHECK_OK(mmsim_set_mempolicy(MPOL_BIND, m.bits, MMSIM_NODEMASK_MAXNODE));
    char *p = map_pages(8);
    mmsim_nodemask_t first = mask_of(0);
    CHECK_OK(mmsim_mbind(p + 2 * PAGE, 4 * PAGE, MPOL_BIND, first.bits, MMSIM_NODEMASK_MAXNODE, 0));
    int mode = -1;
    CHECK_OK(mmsim_get_mempolicy(&mode, NULL, 0, p, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_DEFAULT);
    CHECK_OK(mmsim_get_mempolicy(&mode, NULL, 0, p + 3 * PAGE, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_BIND);
    CHECK_OK(mmsim_get_mempolicy(&mode, NULL, 0, p + 6 * PAGE, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_DEFAULT);
    touch_pages(p, 8, 1);
    for (int i = 0; i < 8; i++) {
        int want = i >= 2 && i < 6 ? 0 : last;
        CHECK_EQ(node_by_getmempolicy(p + i * PAGE), want);
    }
    /* mbind(MPOL_DEFAULT) gives the middle back to the task's policy. */
    CHECK_OK(mmsim_mbind(p, 8 * PAGE, MPOL_DEFAULT, NULL, 0, 0));
    CHECK_OK(mmsim_get_mempolicy(&mode, NULL, 0, p + 3 * PAGE, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_DEFAULT);
    /* A page dropped and touched again now follows the task's policy. */
    CHECK_OK(madvise(p + 3 * PAGE, PAGE, MADV_DONTNEED));
    CHECK_EQ(node_by_movepages(p + 3 * PAGE), -ENOENT);
    p[3 * PAGE] = 1;
    CHECK_EQ(node_by_getmempolicy(p + 3 * PAGE), last);
    CHECK_OK(mmsim_set_mempolicy(MPOL_DEFAULT, NULL, 0));
    return done("numa_bind");
}
