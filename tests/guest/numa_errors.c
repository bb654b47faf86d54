/* The error codes of the mempolicy syscalls, as Linux gives them
 * (mm/mempolicy.c, mm/migrate.c; the man pages). */
#include "numa_util.h"

int main(void)
{
    if (!numa_setup())
        return 1;
    mmsim_nodemask_t zero, n0 = mask_of(0);
    mmsim_nodemask_zero(&zero);
    const unsigned long MAXN = MMSIM_NODEMASK_MAXNODE;
    char *p = map_pages(4);
    char *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    /* r: three pages with the middle one unmapped (made last: a later mmap
     * could fill the hole). */
    char *r = map_pages(3);
    char *hole = r + PAGE;
    munmap(hole, PAGE);
    unsigned long *bad_mask = (unsigned long *)hole;

    /* ---- set_mempolicy ---- */
    CHECK_ERR(mmsim_set_mempolicy(7, n0.bits, MAXN), EINVAL);                 /* MPOL_MAX */
    CHECK_ERR(mmsim_set_mempolicy(-1, n0.bits, MAXN), EINVAL);
    CHECK_ERR(mmsim_set_mempolicy(MPOL_BIND | 0x10000, n0.bits, MAXN), EINVAL);
    CHECK_ERR(mmsim_set_mempolicy(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES,
                                  n0.bits, MAXN), EINVAL);
    CHECK_ERR(mmsim_set_mempolicy(MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, n0.bits, MAXN), EINVAL);
    CHECK_ERR(mmsim_set_mempolicy(MPOL_DEFAULT, n0.bits, MAXN), EINVAL);
    CHECK_ERR(mmsim_set_mempolicy(MPOL_LOCAL, n0.bits, MAXN), EINVAL);
    CHECK_ERR(mmsim_set_mempolicy(MPOL_BIND, zero.bits, MAXN), EINVAL);
    CHECK_ERR(mmsim_set_mempolicy(MPOL_INTERLEAVE, NULL, 0), EINVAL);
    CHECK_ERR(mmsim_set_mempolicy(MPOL_PREFERRED | MPOL_F_STATIC_NODES, zero.bits, MAXN), EINVAL);
    /* maxnode 1 reads no bit at all: an empty mask. */
    CHECK_ERR(mmsim_set_mempolicy(MPOL_BIND, n0.bits, 1), EINVAL);
    CHECK_OK(mmsim_set_mempolicy(MPOL_BIND, n0.bits, 2));
    /* Only nodes without memory (beyond the machine, below the limit). */
    unsigned long n62 = 1UL << 62;
    CHECK_ERR(mmsim_set_mempolicy(MPOL_BIND, &n62, 64), EINVAL);
    /* A node beyond the kernel's MAX_NUMNODES (64) is EINVAL, set or not
     * with a valid one. */
    mmsim_nodemask_t big = mask_of(100);
    mmsim_nodemask_set(&big, 0);
    CHECK_ERR(mmsim_set_mempolicy(MPOL_BIND, big.bits, MAXN), EINVAL);
    /* Bits past maxnode - 1 are not read. */
    CHECK_OK(mmsim_set_mempolicy(MPOL_BIND, big.bits, 100));
    /* maxnode beyond a page of bits, or 0 with a mask (it wraps). */
    CHECK_ERR(mmsim_set_mempolicy(MPOL_BIND, n0.bits, PAGE * 8 + 2), EINVAL);
    CHECK_ERR(mmsim_set_mempolicy(MPOL_BIND, n0.bits, 0), EINVAL);
    /* An unreadable mask. */
    CHECK_ERR(mmsim_set_mempolicy(MPOL_BIND, bad_mask, MAXN), EFAULT);
    /* The mode is checked before the mask is read. */
    CHECK_ERR(mmsim_set_mempolicy(9, bad_mask, MAXN), EINVAL);
    CHECK_OK(mmsim_set_mempolicy(MPOL_DEFAULT, NULL, 0));

    /* ---- get_mempolicy ---- */
    int mode;
    mmsim_nodemask_t m;
    CHECK_ERR(mmsim_get_mempolicy(&mode, NULL, 0, NULL, 8), EINVAL);
    CHECK_ERR(mmsim_get_mempolicy(&mode, NULL, 0, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE), EINVAL);
    CHECK_ERR(mmsim_get_mempolicy(&mode, NULL, 0, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR), EINVAL);
    CHECK_ERR(mmsim_get_mempolicy(&mode, NULL, 0, p, 0), EINVAL);             /* addr without F_ADDR */
    CHECK_ERR(mmsim_get_mempolicy(&mode, NULL, 0, hole, MPOL_F_ADDR), EFAULT);
    CHECK_ERR(mmsim_get_mempolicy(&mode, NULL, 0, hole, MPOL_F_ADDR | MPOL_F_NODE), EFAULT);
    CHECK_ERR(mmsim_get_mempolicy(&mode, m.bits, (unsigned long)g_machine_nodes - 1, NULL, 0), EINVAL);
    CHECK_ERR(mmsim_get_mempolicy(&mode, NULL, 0, NULL, MPOL_F_NODE), EINVAL);  /* not interleave */
    CHECK_ERR(mmsim_get_mempolicy((int *)ro, NULL, 0, NULL, 0), EFAULT);
    CHECK_ERR(mmsim_get_mempolicy(&mode, (unsigned long *)ro, MAXN, NULL, 0), EFAULT);
    CHECK_ERR(mmsim_get_mempolicy(&mode, m.bits, PAGE * 8 + 66, NULL, 0), EINVAL);
    if (none != MAP_FAILED)     /* the page cannot be faulted in for reading */
        CHECK_ERR(mmsim_get_mempolicy(&mode, NULL, 0, none, MPOL_F_ADDR | MPOL_F_NODE), EFAULT);

    /* ---- mbind ---- */
    CHECK_ERR(mmsim_mbind(p + 1, PAGE, MPOL_BIND, n0.bits, MAXN, 0), EINVAL);
    CHECK_ERR(mmsim_mbind(p, PAGE, MPOL_BIND, n0.bits, MAXN, 8), EINVAL);
    CHECK_ERR(mmsim_mbind(p, PAGE, 7, n0.bits, MAXN, 0), EINVAL);
    CHECK_ERR(mmsim_mbind(p, PAGE, MPOL_BIND, zero.bits, MAXN, 0), EINVAL);
    CHECK_ERR(mmsim_mbind(p, PAGE, MPOL_BIND, bad_mask, MAXN, 0), EFAULT);
    /* A hole inside, after or as the whole range. */
    CHECK_ERR(mmsim_mbind(r, 3 * PAGE, MPOL_BIND, n0.bits, MAXN, 0), EFAULT);
    CHECK_ERR(mmsim_mbind(r, PAGE + 1, MPOL_BIND, n0.bits, MAXN, 0), EFAULT);
    CHECK_ERR(mmsim_mbind(hole, 2 * PAGE, MPOL_BIND, n0.bits, MAXN, 0), EFAULT);
    CHECK_ERR(mmsim_mbind(hole, PAGE, MPOL_BIND, n0.bits, MAXN, 0), EFAULT);
    CHECK_ERR(mmsim_mbind(hole, PAGE, MPOL_DEFAULT, NULL, 0, 0), EFAULT);
    /* ... none of which changed the policy. */
    CHECK_OK(mmsim_get_mempolicy(&mode, NULL, 0, r, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_DEFAULT);
    CHECK_OK(mmsim_get_mempolicy(&mode, NULL, 0, r + 2 * PAGE, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_DEFAULT);
    /* MPOL_DEFAULT may span holes as long as some VMA is met. */
    CHECK_OK(mmsim_mbind(r, PAGE, MPOL_BIND, n0.bits, MAXN, 0));
    CHECK_OK(mmsim_mbind(r, 3 * PAGE, MPOL_DEFAULT, NULL, 0, 0));
    CHECK_OK(mmsim_get_mempolicy(&mode, NULL, 0, r, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_DEFAULT);
    /* len 0 (or a len PAGE_ALIGN wraps to 0) does nothing, even in a hole;
     * a range that wraps the address space is EINVAL. */
    CHECK_OK(mmsim_mbind(hole, 0, MPOL_BIND, n0.bits, MAXN, 0));
    CHECK_OK(mmsim_mbind(hole, ~0UL, MPOL_BIND, n0.bits, MAXN, 0));
    CHECK_ERR(mmsim_mbind(p, ~0UL - 3 * PAGE, MPOL_BIND, n0.bits, MAXN, 0), EINVAL);
    /* A len below a page covers the whole page. */
    CHECK_OK(mmsim_mbind(p + 3 * PAGE, 1, MPOL_BIND, n0.bits, MAXN, 0));
    CHECK_OK(mmsim_get_mempolicy(&mode, NULL, 0, p + 3 * PAGE + 4095, MPOL_F_ADDR));
    CHECK_EQ(mode, MPOL_BIND);
    /* STRICT without MOVE: EIO when a page lies off the new nodes. */
    if (g_nnodes > 1) {
        mmsim_nodemask_t n1 = mask_of(1);
        CHECK_OK(mmsim_mbind(p, PAGE, MPOL_BIND, n0.bits, MAXN, 0));
        p[0] = 1;
        CHECK_ERR(mmsim_mbind(p, PAGE, MPOL_BIND, n1.bits, MAXN, MPOL_MF_STRICT), EIO);
        CHECK_OK(mmsim_mbind(p, PAGE, MPOL_BIND, n0.bits, MAXN, MPOL_MF_STRICT));
        /* MPOL_DEFAULT ignores STRICT. */
        CHECK_OK(mmsim_mbind(p, PAGE, MPOL_DEFAULT, NULL, 0, MPOL_MF_STRICT));
    }

    /* ---- move_pages ---- */
    void *pg = p;
    int node = 0, status = -1;
    CHECK_ERR(mmsim_move_pages(0, 1, &pg, &node, &status, MPOL_MF_STRICT), EINVAL);
    CHECK_ERR(mmsim_move_pages(999999, 1, &pg, &node, &status, 0), ESRCH);
    CHECK_ERR(mmsim_move_pages(-5, 1, &pg, &node, &status, 0), ESRCH);
    node = -1;
    CHECK_ERR(mmsim_move_pages(0, 1, &pg, &node, &status, 0), ENODEV);
    node = 64;
    CHECK_ERR(mmsim_move_pages(0, 1, &pg, &node, &status, 0), ENODEV);
    node = g_nnodes;
    CHECK_ERR(mmsim_move_pages(0, 1, &pg, &node, &status, 0), ENODEV);
    node = 0;
    CHECK_ERR(mmsim_move_pages(0, 1, (void **)hole, &node, &status, 0), EFAULT);
    CHECK_ERR(mmsim_move_pages(0, 1, &pg, (int *)hole, &status, 0), EFAULT);
    CHECK_ERR(mmsim_move_pages(0, 1, &pg, &node, (int *)ro, 0), EFAULT);
    CHECK_ERR(mmsim_move_pages(0, 1, &pg, NULL, (int *)ro, 0), EFAULT);
    CHECK_OK(mmsim_move_pages(0, 0, NULL, NULL, NULL, 0));

    /* ---- migrate_pages ---- */
    unsigned long from = 1, to = 1;
    CHECK_ERR(mmsim_migrate_pages(999999, MAXN, &from, &to), ESRCH);
    CHECK_ERR(mmsim_migrate_pages(0, PAGE * 8 + 2, &from, &to), EINVAL);
    CHECK_ERR(mmsim_migrate_pages(0, MAXN, bad_mask, &to), EFAULT);
    CHECK_ERR(mmsim_migrate_pages(0, MAXN, &from, bad_mask), EFAULT);
    CHECK_ERR(mmsim_migrate_pages(0, MAXN, &from, zero.bits), EINVAL);
    CHECK_ERR(mmsim_migrate_pages(0, MAXN, big.bits, &to), EINVAL);
    CHECK_OK(mmsim_migrate_pages(0, MAXN, &from, &to));
    return done("numa_errors");
}
