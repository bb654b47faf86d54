/* Migration to a node without room (tests/numa.sh nomem: node 1 has 16
 * MiB): move_pages moves what fits, reports -ENOMEM in the status of the
 * others, which stay where they were, and returns how many could not be
 * moved; mbind(MPOL_MF_MOVE | MPOL_MF_STRICT) then fails with EIO, the
 * new policy being set all the same (Linux 6.7+). */
#include "numa_util.h"

#define N 8192      /* 32 MiB: twice node 1 */

static void *pages[N];
static int nodes[N], status[N];

int main(void)
{
    if (!numa_setup() || g_nnodes < 2) {
        printf("FAIL needs two nodes\n");
        return 1;
    }
    char *p = map_pages(N);
    touch_pages(p, N, 7);
    for (int i = 0; i < N; i++) {
        pages[i] = p + i * PAGE;
        nodes[i] = 1;
        status[i] = 99;
    }
    long r = mmsim_move_pages(0, N, pages, nodes, status, MPOL_MF_MOVE);
    int moved = 0, nomem = 0, other = 0, misplaced = 0;
    for (int i = 0; i < N; i++) {
        if (status[i] == 1)
            moved++;
        else if (status[i] == -ENOMEM)
            nomem++;
        else
            other++;
        if (node_by_movepages(p + i * PAGE) != (status[i] == 1 ? 1 : 0))
            misplaced++;
    }
    CHECK(moved > 0);
    CHECK(nomem > 0);
    CHECK_EQ(other, 0);
    CHECK_EQ(r, nomem);
    CHECK_EQ(misplaced, 0);
    CHECK(pattern_ok(p, N, 7));

    char *q = map_pages(64);
    touch_pages(q, 64, 8);
    mmsim_nodemask_t m = mask_of(1);
    CHECK_ERR(mmsim_mbind(q, 64 * PAGE, MPOL_BIND, m.bits, MMSIM_NODEMASK_MAXNODE,
                          MPOL_MF_MOVE | MPOL_MF_STRICT), EIO);
    int mode = -1;
    CHECK_OK(mmsim_get_mempolicy(&mode, NULL, 0, q, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_BIND);
    CHECK(pattern_ok(q, 64, 8));
    /* Without STRICT the same failure is not reported. */
    CHECK_OK(mmsim_mbind(q, 64 * PAGE, MPOL_BIND, m.bits, MMSIM_NODEMASK_MAXNODE, MPOL_MF_MOVE));
    /* migrate_pages of node 0 into the full node 1 counts what it could
     * not move, and loses nothing. */
    unsigned long from = 1, to = 2;
    long left = mmsim_migrate_pages(0, 65, &from, &to);
    CHECK(left > 0);
    CHECK(pattern_ok(p, N, 7));
    CHECK(pattern_ok(q, 64, 8));
    return done("numa_nomem");
}
