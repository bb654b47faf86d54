/* MPOL_INTERLEAVE, by mbind and by set_mempolicy: Linux (6.7+) places the
 * anonymous page at virtual page number vpn on the (vpn mod |nodes|)-th
 * node of the set, whether the policy is the VMA's or the task's, so the
 * pages of a range go round the nodes in address order. */
#include "numa_util.h"

#define NPAGES 64

/* Every page where interleaving over `nodes` puts it. */
static void check_interleaved(char *p, size_t n, const mmsim_nodemask_t *nodes, const char *what)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        int want = interleave_node(nodes, p + i * PAGE);
        int a = node_by_getmempolicy(p + i * PAGE), b = node_by_movepages(p + i * PAGE);
        if (a != want || b != want) {
            if (bad++ < 4)
                printf("FAIL %s: page %zu (vpn %lu): get_mempolicy %d, move_pages %d, expected %d\n",
                       what, i, (unsigned long)(p + i * PAGE) / PAGE, a, b, want);
        }
    }
    g_checks++;
    g_fail += bad != 0;
}

int main(void)
{
    if (!numa_setup())
        return 1;
    mmsim_nodemask_t all = mask_all();

    /* A VMA policy over every node. */
    char *p = map_pages(NPAGES);
    CHECK_OK(mmsim_mbind(p, NPAGES * PAGE, MPOL_INTERLEAVE, all.bits, MMSIM_NODEMASK_MAXNODE, 0));
    touch_pages(p, NPAGES, 3);
    check_interleaved(p, NPAGES, &all, "mbind interleave all");
    CHECK(pattern_ok(p, NPAGES, 3));
    /* Consecutive pages on consecutive nodes: each node gets its share. */
    int count[64] = {0};
    for (int i = 0; i < NPAGES; i++) {
        int n = node_by_movepages(p + i * PAGE);
        if (n >= 0 && n < 64)
            count[n]++;
    }
    for (int n = 0; n < g_nnodes; n++) {
        g_checks++;
        if (count[n] < NPAGES / g_nnodes || count[n] > (NPAGES + g_nnodes - 1) / g_nnodes) {
            printf("FAIL interleave share: node %d has %d of %d pages\n", n, count[n], NPAGES);
            g_fail++;
        }
    }
    int mode = -1;
    mmsim_nodemask_t got;
    mmsim_nodemask_zero(&got);
    CHECK_OK(mmsim_get_mempolicy(&mode, got.bits, MMSIM_NODEMASK_MAXNODE, p, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_INTERLEAVE);
    CHECK_EQ(got.bits[0], all.bits[0]);
    munmap(p, NPAGES * PAGE);

    /* A subset: the first and the last node. */
    if (g_nnodes >= 2) {
        mmsim_nodemask_t two;
        mmsim_nodemask_zero(&two);
        mmsim_nodemask_set(&two, 0);
        mmsim_nodemask_set(&two, (unsigned)g_nnodes - 1);
        p = map_pages(NPAGES);
        CHECK_OK(mmsim_mbind(p, NPAGES * PAGE, MPOL_INTERLEAVE, two.bits, MMSIM_NODEMASK_MAXNODE, 0));
        touch_pages(p, NPAGES, 4);
        check_interleaved(p, NPAGES, &two, "mbind interleave first+last");
        munmap(p, NPAGES * PAGE);
    }

    /* The task's policy. */
    CHECK_OK(mmsim_set_mempolicy(MPOL_INTERLEAVE, all.bits, MMSIM_NODEMASK_MAXNODE));
    CHECK_OK(mmsim_get_mempolicy(&mode, got.bits, MMSIM_NODEMASK_MAXNODE, NULL, 0));
    CHECK_EQ(mode, MPOL_INTERLEAVE);
    CHECK_EQ(got.bits[0], all.bits[0]);
    /* MPOL_F_NODE: the node of the next address-less interleaved
     * allocation; set_mempolicy restarts the round at the first node. */
    int next = -1;
    CHECK_OK(mmsim_get_mempolicy(&next, NULL, 0, NULL, MPOL_F_NODE));
    CHECK_EQ(next, 0);
    p = map_pages(NPAGES);
    touch_pages(p, NPAGES, 5);
    check_interleaved(p, NPAGES, &all, "set_mempolicy interleave all");
    CHECK(pattern_ok(p, NPAGES, 5));
    /* A VMA policy beats the task's. */
    char *q = map_pages(8);
    mmsim_nodemask_t last = mask_of(g_nnodes - 1);
    CHECK_OK(mmsim_mbind(q, 8 * PAGE, MPOL_BIND, last.bits, MMSIM_NODEMASK_MAXNODE, 0));
    touch_pages(q, 8, 6);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(node_by_getmempolicy(q + i * PAGE), g_nnodes - 1);
    CHECK_OK(mmsim_set_mempolicy(MPOL_DEFAULT, NULL, 0));
    CHECK_ERR(mmsim_get_mempolicy(&next, NULL, 0, NULL, MPOL_F_NODE), EINVAL);
    return done("numa_interleave");
}
