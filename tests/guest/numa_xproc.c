/* move_pages on another process (tests/numa.sh xproc): started twice on
 * one machine, `numa_xproc hold` on node 0's CPUs sleeps while
 * `numa_xproc probe` on node 1's CPUs, started right after it (so its pid
 * is the holder's + 1), looks at and moves a page of the holder.  Both are
 * the same static executable, so the holder's copy of `anchor` is at the
 * probe's address of it. */
#include "numa_util.h"

#include <string.h>
#include <time.h>

static char anchor[PAGE] __attribute__((aligned(PAGE))) = {1};

int main(int argc, char **argv)
{
    if (!numa_setup() || g_nnodes < 2 || argc < 2) {
        printf("FAIL usage: numa_xproc hold|probe on two nodes\n");
        return 1;
    }
    if (!strcmp(argv[1], "hold")) {
        anchor[0] = 2;      /* resident, on this process's node */
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
        /* The probe moved it; contents are unchanged. */
        CHECK_EQ(anchor[0], 2);
        CHECK_EQ(node_by_movepages(anchor), 1);
        return done("numa_xproc hold");
    }
    int holder = getpid() - 1;
    void *pg = anchor;
    int status = -1, node = 1;
    CHECK_OK(mmsim_move_pages(holder, 1, &pg, NULL, &status, 0));
    CHECK_EQ(status, 0);
    CHECK_OK(mmsim_move_pages(holder, 1, &pg, &node, &status, MPOL_MF_MOVE));
    CHECK_EQ(status, 1);
    CHECK_OK(mmsim_move_pages(holder, 1, &pg, NULL, &status, 0));
    CHECK_EQ(status, 1);
    /* migrate_pages of the holder: all of node 0 to node 1. */
    unsigned long from = 1, to = 2;
    CHECK(mmsim_migrate_pages(holder, 65, &from, &to) >= 0);
    return done("numa_xproc probe");
}
