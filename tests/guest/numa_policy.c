/* set_mempolicy: the task's policy places first touches (BIND, PREFERRED,
 * LOCAL, DEFAULT), and get_mempolicy reports it back as Linux does: mode
 * with its mode flags, the effective nodes or, for MPOL_F_STATIC_NODES /
 * MPOL_F_RELATIVE_NODES, the mask as given; MPOL_F_MEMS_ALLOWED; the node
 * mask written as ALIGN(maxnode - 1, 64) bits. */
#include "numa_util.h"

#define NPAGES 8

static void check_fresh_on(int node, const char *what)
{
    char *p = map_pages(NPAGES);
    touch_pages(p, NPAGES, node);
    int bad = 0;
    for (int i = 0; i < NPAGES; i++) {
        int got = node_by_movepages(p + i * PAGE);
        if (got != node && bad++ < 2)
            printf("FAIL %s: page %d on %d, expected %d\n", what, i, got, node);
    }
    g_checks++;
    g_fail += bad != 0;
    munmap(p, NPAGES * PAGE);
}

static void check_policy(int want_mode, unsigned long want_mask, const char *what)
{
    int mode = -1;
    mmsim_nodemask_t got;
    mmsim_nodemask_zero(&got);
    g_checks++;
    if (mmsim_get_mempolicy(&mode, got.bits, MMSIM_NODEMASK_MAXNODE, NULL, 0) != 0 ||
        mode != want_mode || got.bits[0] != want_mask || got.bits[1] != 0) {
        printf("FAIL %s: get_mempolicy mode 0x%x mask 0x%lx, expected 0x%x 0x%lx\n", what, mode,
               got.bits[0], want_mode, want_mask);
        g_fail++;
    }
}

int main(void)
{
    if (!numa_setup())
        return 1;
    unsigned long all = g_mems.bits[0];
    check_policy(MPOL_DEFAULT, 0, "initial");

    /* MPOL_F_MEMS_ALLOWED: every node with memory, mode 0. */
    int mode = -1;
    mmsim_nodemask_t got;
    CHECK_OK(mmsim_get_mempolicy(&mode, got.bits, MMSIM_NODEMASK_MAXNODE, NULL, MPOL_F_MEMS_ALLOWED));
    CHECK_EQ(mode, 0);
    CHECK_EQ(got.bits[0], g_nnodes == 64 ? ~0UL : (1UL << g_nnodes) - 1);

    for (int node = 0; node < g_nnodes; node++) {
        mmsim_nodemask_t m = mask_of(node);
        CHECK_OK(mmsim_set_mempolicy(MPOL_BIND, m.bits, MMSIM_NODEMASK_MAXNODE));
        check_policy(MPOL_BIND, 1UL << node, "bind");
        check_fresh_on(node, "set_mempolicy bind");
        CHECK_OK(mmsim_set_mempolicy(MPOL_PREFERRED, m.bits, MMSIM_NODEMASK_MAXNODE));
        check_policy(MPOL_PREFERRED, 1UL << node, "preferred");
        check_fresh_on(node, "set_mempolicy preferred");
    }
    /* PREFERRED keeps the first node of its mask. */
    CHECK_OK(mmsim_set_mempolicy(MPOL_PREFERRED, &all, 65));
    check_policy(MPOL_PREFERRED, 1, "preferred many nodes");
    /* BIND to several nodes: the nearest bound node to this CPU, i.e. the
     * local one when it is bound. */
    CHECK_OK(mmsim_set_mempolicy(MPOL_BIND, &all, 65));
    unsigned cpu, here;
    CHECK_OK(mmsim_getcpu(&cpu, &here));
    if (mmsim_nodemask_isset(&g_mems, here))     /* else: a CPU-only node */
        check_fresh_on((int)here, "bind to all nodes");

    /* LOCAL and DEFAULT: the node of the CPU that touches. */
    for (int node = 0; node < g_nnodes; node++) {
        int c = cpu_of_node(node);
        if (c < 0)
            continue;       /* a memory-only node (tiered-cxl's CXL node) */
        CHECK_OK(mmsim_bind_cpu((unsigned)c));
        CHECK_OK(mmsim_set_mempolicy(MPOL_LOCAL, NULL, 0));
        check_policy(MPOL_LOCAL, 0, "local");
        check_fresh_on(node, "local");
        /* PREFERRED with an empty mask is LOCAL. */
        CHECK_OK(mmsim_set_mempolicy(MPOL_PREFERRED, NULL, 0));
        check_policy(MPOL_LOCAL, 0, "preferred, empty mask");
        CHECK_OK(mmsim_set_mempolicy(MPOL_DEFAULT, NULL, 0));
        check_policy(MPOL_DEFAULT, 0, "default");
        check_fresh_on(node, "default (first touch)");
    }

    /* MPOL_F_STATIC_NODES: reported with the flag and the mask as given,
     * nodes beyond the machine included (they are below Linux's limit). */
    unsigned long stat = 1UL | 1UL << 63;
    CHECK_OK(mmsim_set_mempolicy(MPOL_BIND | MPOL_F_STATIC_NODES, &stat, 65));
    check_policy(MPOL_BIND | MPOL_F_STATIC_NODES, stat, "static");
    check_fresh_on(0, "static bind {0,63}");
    /* MPOL_F_RELATIVE_NODES: node k means the k-th allowed node (mod). */
    unsigned long rel = 1UL << 1;
    CHECK_OK(mmsim_set_mempolicy(MPOL_BIND | MPOL_F_RELATIVE_NODES, &rel, 65));
    check_policy(MPOL_BIND | MPOL_F_RELATIVE_NODES, rel, "relative");
    check_fresh_on(1 % g_nnodes, "relative bind {1}");
    /* Without a flag, a node beyond the machine is dropped. */
    unsigned long beyond = 1UL | 1UL << 63;
    CHECK_OK(mmsim_set_mempolicy(MPOL_BIND, &beyond, 65));
    check_policy(MPOL_BIND, 1, "bind {0,63}");

    /* The mask written: ALIGN(maxnode - 1, 64) bits, the high words
     * cleared, nothing beyond. */
    unsigned long words[4] = {~0UL, ~0UL, ~0UL, ~0UL};
    CHECK_OK(mmsim_get_mempolicy(&mode, words, 3 * 64 + 1, NULL, 0));
    CHECK_EQ(words[0], 1);
    CHECK_EQ(words[1], 0);
    CHECK_EQ(words[2], 0);
    CHECK_EQ(words[3], ~0UL);
    /* maxnode == the machine's node count is enough, one less is EINVAL. */
    words[0] = ~0UL;
    CHECK_OK(mmsim_get_mempolicy(&mode, words, (unsigned long)g_machine_nodes, NULL, 0));
    /* (maxnode 1 on a one-node machine writes ALIGN(0, 64) = no bits) */
    CHECK_EQ(words[0], g_machine_nodes == 1 ? ~0UL : 1);
    CHECK_ERR(mmsim_get_mempolicy(&mode, words, (unsigned long)g_machine_nodes - 1, NULL, 0),
              EINVAL);
    /* A NULL mask reads as empty whatever maxnode says. */
    CHECK_OK(mmsim_set_mempolicy(MPOL_DEFAULT, NULL, 12345));
    check_policy(MPOL_DEFAULT, 0, "back to default");
    return done("numa_policy");
}
