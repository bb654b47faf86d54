/* Page migration: move_pages to given nodes (status, placement, contents
 * unchanged, the errors per page), mbind(MPOL_MF_MOVE) of pages already
 * touched (only pages off the new mask move, each to where the new policy
 * puts it), and migrate_pages of the whole process with Linux's node
 * pairing.  Needs two nodes or more; on one node it checks what can be. */
#include "numa_util.h"

#define NPAGES 16

static int on_node_count(char *p, size_t n, int node)
{
    int c = 0;
    for (size_t i = 0; i < n; i++)
        c += node_by_movepages(p + i * PAGE) == node;
    return c;
}

/* NPAGES pages with a pattern, all on `node` (bound there, then the
 * binding removed so that it does not steer later moves). */
static char *pages_on(int node, int seed)
{
    char *p = map_pages(NPAGES);
    mmsim_nodemask_t m = mask_of(node);
    CHECK_OK(mmsim_mbind(p, NPAGES * PAGE, MPOL_BIND, m.bits, MMSIM_NODEMASK_MAXNODE, 0));
    touch_pages(p, NPAGES, seed);
    CHECK_OK(mmsim_mbind(p, NPAGES * PAGE, MPOL_DEFAULT, NULL, 0, 0));
    CHECK_EQ(on_node_count(p, NPAGES, node), NPAGES);
    return p;
}

static void test_move_pages(void)
{
    char *p = pages_on(0, 11);
    void *pages[NPAGES];
    int nodes[NPAGES], status[NPAGES];
    for (int i = 0; i < NPAGES; i++) {
        pages[i] = p + i * PAGE + (i % 3) * 100;    /* any address in the page */
        nodes[i] = (i + 1) % g_nnodes;
        status[i] = -12345;
    }
    CHECK_OK(mmsim_move_pages(0, NPAGES, pages, nodes, status, MPOL_MF_MOVE));
    for (int i = 0; i < NPAGES; i++) {
        CHECK_EQ(status[i], nodes[i]);
        CHECK_EQ(node_by_movepages(p + i * PAGE), nodes[i]);
        CHECK_EQ(node_by_getmempolicy(p + i * PAGE), nodes[i]);
    }
    CHECK(pattern_ok(p, NPAGES, 11));
    /* Writes after the move reach the new frame. */
    p[5 * PAGE + 1] = 42;
    CHECK_EQ(p[5 * PAGE + 1], 42);

    /* The stat form: node, -ENOENT (never touched), -EFAULT (no VMA). */
    char *fresh = map_pages(2);
    char *hole = map_pages(1);
    munmap(hole, PAGE);
    void *q[3] = {p, fresh, hole};
    int st[3] = {-1, -1, -1};
    CHECK_OK(mmsim_move_pages(0, 3, q, NULL, st, 0));
    CHECK_EQ(st[0], 1 % g_nnodes);
    CHECK_EQ(st[1], -ENOENT);
    CHECK_EQ(st[2], -EFAULT);
    /* The same errors per page when moving; they are not failures to
     * migrate (result 0).  The caller's own pid works like 0. */
    int to[3] = {0, 0, 0};
    CHECK_OK(mmsim_move_pages(getpid(), 3, q, to, st, MPOL_MF_MOVE_ALL));
    CHECK_EQ(st[0], 0);
    CHECK_EQ(st[1], -ENOENT);
    CHECK_EQ(st[2], -EFAULT);
    CHECK_EQ(node_by_movepages(p), 0);
    CHECK_EQ(node_by_movepages(fresh), -ENOENT);    /* moving does not fault in */
    CHECK(pattern_ok(p, NPAGES, 11));
    /* An invalid node ends the call with ENODEV after the earlier pages. */
    void *two[2] = {p + PAGE, p + 2 * PAGE};
    int bad[2] = {0, g_nnodes};
    st[0] = st[1] = -7;
    CHECK_ERR(mmsim_move_pages(0, 2, two, bad, st, 0), ENODEV);
    CHECK_EQ(st[0], 0);
    CHECK_EQ(node_by_movepages(p + PAGE), 0);
    CHECK_EQ(st[1], -7);
    munmap(fresh, 2 * PAGE);
    munmap(p, NPAGES * PAGE);
}

static void test_mbind_move(void)
{
    int last = g_nnodes - 1;
    char *p = pages_on(0, 21);
    /* BIND elsewhere with MOVE: every page follows. */
    mmsim_nodemask_t m = mask_of(last);
    CHECK_OK(mmsim_mbind(p, NPAGES * PAGE, MPOL_BIND, m.bits, MMSIM_NODEMASK_MAXNODE,
                         MPOL_MF_MOVE | MPOL_MF_STRICT));
    CHECK_EQ(on_node_count(p, NPAGES, last), NPAGES);
    CHECK(pattern_ok(p, NPAGES, 21));
    int mode = -1;
    CHECK_OK(mmsim_get_mempolicy(&mode, NULL, 0, p, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_BIND);
    /* Without MOVE nothing moves, and STRICT says so with EIO (the policy
     * is then left as it was). */
    mmsim_nodemask_t first = mask_of(0);
    if (g_nnodes > 1) {
        CHECK_ERR(mmsim_mbind(p, NPAGES * PAGE, MPOL_BIND, first.bits, MMSIM_NODEMASK_MAXNODE,
                              MPOL_MF_STRICT), EIO);
        mmsim_nodemask_t got;
        mmsim_nodemask_zero(&got);
        CHECK_OK(mmsim_get_mempolicy(&mode, got.bits, MMSIM_NODEMASK_MAXNODE, p, MPOL_F_ADDR));
        CHECK_EQ(got.bits[0], 1UL << last);
    }
    CHECK_OK(mmsim_mbind(p, NPAGES * PAGE, MPOL_BIND, first.bits, MMSIM_NODEMASK_MAXNODE, 0));
    CHECK_EQ(on_node_count(p, NPAGES, last), NPAGES);
    /* INTERLEAVE over every node but the last, with MOVE: each page goes
     * to its interleave node (the virtual page number picks it). */
    if (g_nnodes > 1) {
        mmsim_nodemask_t others = mask_all();
        others.bits[0] &= ~(1UL << last);
        CHECK_OK(mmsim_mbind(p, NPAGES * PAGE, MPOL_INTERLEAVE, others.bits,
                             MMSIM_NODEMASK_MAXNODE, MPOL_MF_MOVE));
        for (int i = 0; i < NPAGES; i++)
            CHECK_EQ(node_by_movepages(p + i * PAGE), interleave_node(&others, p + i * PAGE));
        CHECK(pattern_ok(p, NPAGES, 21));
        /* INTERLEAVE over all nodes: the pages already lie on nodes of the
         * mask, so Linux leaves them where they are. */
        int before[NPAGES];
        for (int i = 0; i < NPAGES; i++)
            before[i] = node_by_movepages(p + i * PAGE);
        mmsim_nodemask_t all = mask_all();
        CHECK_OK(mmsim_mbind(p, NPAGES * PAGE, MPOL_INTERLEAVE, all.bits, MMSIM_NODEMASK_MAXNODE,
                             MPOL_MF_MOVE | MPOL_MF_STRICT));
        for (int i = 0; i < NPAGES; i++)
            CHECK_EQ(node_by_movepages(p + i * PAGE), before[i]);
    }
    /* Part of the range only. */
    CHECK_OK(mmsim_mbind(p + 4 * PAGE, 2 * PAGE, MPOL_PREFERRED, m.bits, MMSIM_NODEMASK_MAXNODE,
                         MPOL_MF_MOVE));
    CHECK_EQ(node_by_movepages(p + 4 * PAGE), last);
    CHECK_EQ(node_by_movepages(p + 5 * PAGE), last);
    CHECK(pattern_ok(p, NPAGES, 21));
    munmap(p, NPAGES * PAGE);
}

static void test_migrate_pages(void)
{
    if (g_nnodes < 2)
        return;
    int last = g_nnodes - 1;
    char *p = pages_on(0, 31);
    unsigned long from = 1, to = 2;
    /* Every page of the process on node 0 goes to node 1. */
    CHECK_OK(mmsim_migrate_pages(0, 65, &from, &to));
    CHECK_EQ(on_node_count(p, NPAGES, 1), NPAGES);
    CHECK(pattern_ok(p, NPAGES, 31));
    /* Old and new of different sizes: all nodes to the last one. */
    unsigned long all = g_mems.bits[0], one = 1UL << last;
    CHECK_OK(mmsim_migrate_pages(getpid(), 65, &all, &one));
    CHECK_EQ(on_node_count(p, NPAGES, last), NPAGES);
    CHECK(pattern_ok(p, NPAGES, 31));
    /* A pid that does not exist. */
    CHECK_ERR(mmsim_migrate_pages(999999, 65, &all, &one), ESRCH);
    /* New nodes without memory only: EINVAL. */
    unsigned long none = 1UL << 62;
    CHECK_ERR(mmsim_migrate_pages(0, 65, &all, &none), EINVAL);
    /* Same old and new sets: every node maps to itself, nothing moves. */
    char *a = pages_on(0, 41), *b = pages_on(1, 42);
    unsigned long both = 3;
    CHECK_OK(mmsim_migrate_pages(0, 65, &both, &both));
    CHECK_EQ(on_node_count(a, NPAGES, 0), NPAGES);
    CHECK_EQ(on_node_count(b, NPAGES, 1), NPAGES);
    /* A shift {0,1} -> {1,2}: node 1 is emptied into 2 first, then 0 into
     * 1 (Linux's order), so each page moves once and keeps its position. */
    if (g_nnodes >= 3) {
        unsigned long o = 3, n = 6;
        CHECK_OK(mmsim_migrate_pages(0, 65, &o, &n));
        CHECK_EQ(on_node_count(a, NPAGES, 1), NPAGES);
        CHECK_EQ(on_node_count(b, NPAGES, 2), NPAGES);
        CHECK(pattern_ok(a, NPAGES, 41));
        CHECK(pattern_ok(b, NPAGES, 42));
    }
    munmap(a, NPAGES * PAGE);
    munmap(b, NPAGES * PAGE);
    munmap(p, NPAGES * PAGE);
}

/* A transparent huge page (when the kernel gives one): moving one 4 KiB
 * page of it moves that page only. */
static void test_huge(void)
{
    if (g_nnodes < 2)
        return;
    size_t len = 4UL << 20;
    char *raw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(raw != MAP_FAILED);
    if (raw == MAP_FAILED)
        return;
    char *h = (char *)(((unsigned long)raw + (2UL << 20) - 1) & ~((2UL << 20) - 1));
    (void)madvise(h, 2UL << 20, MADV_HUGEPAGE);
    mmsim_nodemask_t first = mask_of(0);
    CHECK_OK(mmsim_mbind(h, 2UL << 20, MPOL_BIND, first.bits, MMSIM_NODEMASK_MAXNODE, 0));
    touch_pages(h, 512, 51);
    void *pg = h + 100 * PAGE;
    int node = 1, status = -1;
    CHECK_OK(mmsim_move_pages(0, 1, &pg, &node, &status, 0));
    CHECK_EQ(status, 1);
    CHECK_EQ(node_by_movepages(h + 100 * PAGE), 1);
    CHECK_EQ(node_by_movepages(h + 99 * PAGE), 0);
    CHECK_EQ(node_by_movepages(h + 101 * PAGE), 0);
    CHECK(pattern_ok(h, 512, 51));
    munmap(raw, len);
}

int main(void)
{
    if (!numa_setup())
        return 1;
    test_move_pages();
    test_mbind_move();
    test_migrate_pages();
    test_huge();
    return done("numa_migrate");
}
