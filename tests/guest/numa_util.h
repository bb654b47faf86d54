/* numa_util.h - helpers shared by the NUMA syscall guests (numa_*.c).
 *
 * These guests check the mempolicy syscalls against Linux's documented
 * behaviour (set_mempolicy(2), get_mempolicy(2), mbind(2), move_pages(2),
 * migrate_pages(2)) and exit non-zero with FAIL lines on any difference.
 * They run under `mmsim run -t TOPOLOGY` (tests/numa.sh); qemu-riscv64 has
 * no NUMA syscalls, so they are not diff tests. */
#ifndef GUEST_NUMA_UTIL_H
#define GUEST_NUMA_UTIL_H
#include <mmsim/guest.h>

#include <sys/mman.h>

#include "check.h"

#define PAGE 4096UL

/* Nodes with memory, and how many there are (the machine's nodes all have
 * memory in the bundled topologies, so nodes are 0..g_nnodes-1). */
static mmsim_nodemask_t g_mems;
static int g_nnodes;
/* The machine's node count (Linux's nr_node_ids): one more than the
 * highest node with memory or with a CPU of this task. */
static int g_machine_nodes;

/* Check that a call failed with the given errno. */
#define CHECK_ERR(call, err)                                                   \
    do {                                                                       \
        errno = 0;                                                             \
        long r_ = (long)(call);                                                \
        g_checks++;                                                            \
        if (r_ != -1 || errno != (err)) {                                      \
            printf("FAIL line %d: %s = %ld errno %d, expected -1 errno %d (%s)\n", \
                   __LINE__, #call, r_, errno, (err), #err);                   \
            g_fail++;                                                          \
        }                                                                      \
    } while (0)

/* Check that a call returned 0. */
#define CHECK_OK(call)                                                         \
    do {                                                                       \
        errno = 0;                                                             \
        long r_ = (long)(call);                                                \
        g_checks++;                                                            \
        if (r_ != 0) {                                                         \
            printf("FAIL line %d: %s = %ld errno %d, expected 0\n", __LINE__,  \
                   #call, r_, errno);                                          \
            g_fail++;                                                          \
        }                                                                      \
    } while (0)

/* Set up g_mems / g_nnodes; false (with a message) when the kernel has no
 * NUMA syscalls. */
static inline int numa_setup(void)
{
    if (mmsim_mems_allowed(&g_mems) != 0) {
        printf("FAIL get_mempolicy(MPOL_F_MEMS_ALLOWED): errno %d\n", errno);
        return 0;
    }
    g_nnodes = mmsim_node_count();
    g_machine_nodes = g_nnodes;
    /* Visit each allowed CPU to learn its node, then come back. */
    unsigned long mask[1024 / (8 * sizeof(unsigned long))];
    unsigned home, node;
    long bytes = mmsim_sched_getaffinity(0, sizeof(mask), mask);
    if (bytes <= 0 || mmsim_getcpu(&home, &node) != 0) {
        printf("FAIL sched_getaffinity/getcpu: errno %d\n", errno);
        return 0;
    }
    for (unsigned cpu = 0; cpu < (unsigned long)bytes * 8; cpu++) {
        if (!((mask[cpu / (8 * sizeof(unsigned long))] >> (cpu % (8 * sizeof(unsigned long)))) & 1))
            continue;
        unsigned c, n;
        if (mmsim_bind_cpu(cpu) == 0 && mmsim_getcpu(&c, &n) == 0 && (int)n >= g_machine_nodes)
            g_machine_nodes = (int)n + 1;
    }
    (void)mmsim_bind_cpu(home);
    (void)mmsim_sched_setaffinity(0, (size_t)bytes, mask);
    return g_nnodes > 0;
}

static inline mmsim_nodemask_t mask_of(int node)
{
    mmsim_nodemask_t m;
    mmsim_nodemask_zero(&m);
    mmsim_nodemask_set(&m, (unsigned)node);
    return m;
}

static inline mmsim_nodemask_t mask_all(void)
{
    return g_mems;
}

/* n fresh anonymous pages, kept out of transparent huge pages so that each
 * page is placed on its own. */
static inline char *map_pages(size_t n)
{
    char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("FAIL mmap of %zu pages: errno %d\n", n, errno);
        exit(1);
    }
    (void)madvise(p, n * PAGE, MADV_NOHUGEPAGE);
    return p;
}

static inline void touch_pages(char *p, size_t n, int seed)
{
    for (size_t i = 0; i < n; i++)
        for (size_t b = 0; b < PAGE; b += 512)
            p[i * PAGE + b] = (char)(seed + i * 7 + b / 512);
}

/* Do the pages still hold touch_pages' pattern? */
static inline int pattern_ok(const char *p, size_t n, int seed)
{
    for (size_t i = 0; i < n; i++)
        for (size_t b = 0; b < PAGE; b += 512)
            if (p[i * PAGE + b] != (char)(seed + i * 7 + b / 512))
                return 0;
    return 1;
}

/* Node of the page at p by get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR), or
 * -errno. */
static inline int node_by_getmempolicy(void *p)
{
    int node = -1;
    if (mmsim_get_mempolicy(&node, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR) != 0)
        return -errno;
    return node;
}

/* Node of the page at p by move_pages(nodes = NULL): node or -errno. */
static inline int node_by_movepages(void *p)
{
    int status = -12345;
    if (mmsim_move_pages(0, 1, &p, NULL, &status, 0) != 0)
        return -1000 - errno;
    return status;
}

/* The interleave node Linux gives the anonymous page at p under an
 * interleave policy over `nodes`: the (vpn mod |nodes|)-th node of the
 * set, vpn being the virtual page number (Linux 6.7+). */
static inline int interleave_node(const mmsim_nodemask_t *nodes, const void *p)
{
    int w = 0;
    for (int n = 0; n < MMSIM_MAX_NODES; n++)
        w += mmsim_nodemask_isset(nodes, (unsigned)n);
    unsigned long k = ((unsigned long)p / PAGE) % (unsigned long)w;
    for (int n = 0; n < MMSIM_MAX_NODES; n++)
        if (mmsim_nodemask_isset(nodes, (unsigned)n) && k-- == 0)
            return n;
    return -1;
}

/* A CPU of node `node` (from the CPUs the task may use), or -1. */
static inline int cpu_of_node(int node)
{
    unsigned long mask[1024 / (8 * sizeof(unsigned long))];
    long bytes = mmsim_sched_getaffinity(0, sizeof(mask), mask);
    if (bytes <= 0)
        return -1;
    int found = -1;
    for (unsigned cpu = 0; cpu < (unsigned long)bytes * 8 && found < 0; cpu++) {
        if (!((mask[cpu / (8 * sizeof(unsigned long))] >> (cpu % (8 * sizeof(unsigned long)))) & 1))
            continue;
        if (mmsim_bind_cpu(cpu) != 0)
            continue;
        unsigned c, n;
        if (mmsim_getcpu(&c, &n) == 0 && (int)n == node)
            found = (int)cpu;
    }
    /* Give the CPUs back. */
    (void)mmsim_sched_setaffinity(0, (size_t)bytes, mask);
    return found;
}

#endif
