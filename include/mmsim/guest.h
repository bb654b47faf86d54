/* mmsim/guest.h - header-only helpers for GUEST programs run by libmmsim.
 *
 * This header is compiled only by the RISC-V cross compiler
 * (riscv64-linux-gnu-gcc -static); it is not part of the host C API (that
 * is <mmsim/mmsim.h>).  It provides:
 *
 *   1. NUMA syscall wrappers and constants (the cross libc has no libnuma):
 *      mmsim_set_mempolicy, mmsim_get_mempolicy, mmsim_mbind,
 *      mmsim_move_pages, mmsim_migrate_pages, mmsim_getcpu,
 *      mmsim_set_mempolicy_home_node,
 *      mmsim_sched_setaffinity, mmsim_sched_getaffinity, plus a few helpers
 *      (node masks, mmsim_node_count, mmsim_bind_cpu).  They return what the
 *      raw Linux syscalls return, through glibc's syscall(): -1 with errno
 *      on failure.
 *   2. Region-of-interest (ROI) markers, mmsim_roi_begin()/mmsim_roi_end(),
 *      and mmsim_in_simulator(), through a private syscall (contract below).
 *   3. mmsim_now_ns(): a monotonic clock in nanoseconds.  Under mmsim this is
 *      simulated time, so a guest benchmark measures the simulated machine.
 *
 * Include it first (or compile with -std=gnu17 / -D_GNU_SOURCE) so that
 * glibc declares syscall() and clock_gettime().
 *
 * ==========================================================================
 * THE PRIVATE SYSCALL: CONTRACT (for the guest-kernel implementer, kernel/)
 * ==========================================================================
 *
 *   number   a7 = MMSIM_SYSCALL_NR = 0x4d4d0 (316624; "MM" followed by 0)
 *   a0       operation:
 *              0 MMSIM_OP_ROI_BEGIN  reset statistics, start the ROI
 *              1 MMSIM_OP_ROI_END    snapshot statistics, end the ROI
 *              2 MMSIM_OP_QUERY      "is this mmsim?"
 *   a1..a5   reserved: guests pass 0; the kernel ignores them today (a
 *            future operation may give them a meaning).
 *   result   a0 = 0 for ROI_BEGIN and ROI_END; MMSIM_MAGIC
 *            (0x6d6d73696d, the ASCII bytes "mmsim") for QUERY;
 *            -EINVAL for any other operation.  Never fails otherwise and
 *            never kills the guest.  No warning on stderr (it is not an
 *            unknown syscall).
 *
 * Why the number is safe: Linux on riscv64 uses the asm-generic table,
 * whose numbers end below __NR_syscalls (451 in Linux 6.1; it grows by a
 * few per release, so it will not reach 316624 for centuries).  For any a7
 * >= NR_syscalls other than -1, Linux's riscv ecall handler returns
 * -ENOSYS without side effects; qemu-riscv64 (linux-user) does the same
 * ("Unsupported syscall") and takes the number as a 32-bit int, which
 * 0x4d4d0 fits.  The riscv arch-specific block (244..259, e.g.
 * riscv_flush_icache 259, riscv_hwprobe 258) lies inside the generic range.
 * The other per-ABI bases Linux uses (ARM's 0x0f0000 private calls, MIPS's
 * 4000/5000/6000, x32's bit 30) do not apply to riscv64 and are far from it
 * anyway.  So on qemu or real Linux the call is a harmless -ENOSYS, and the
 * helpers below turn that into -1 and leave errno unchanged.
 *
 * Semantics in the simulator:
 *   ROI_BEGIN  resets every statistic that is an event count or a sum to
 *              zero, machine-wide: per CPU (instructions, cycles, loads,
 *              stores, branch and TLB counters, page walks, page faults),
 *              caches, buses, links, memory controllers, and the guest
 *              kernel's counters (syscalls, numa_hit/numa_miss/...,
 *              interleave_hit, local_node/other_node, thp_fault_alloc, ...).
 *              It does NOT change machine state: clocks keep running, cache
 *              and TLB contents, page placement, resident-page counts
 *              (numa_maps) and buddy free lists are untouched.  It records
 *              the calling CPU's cycle as the ROI start.  The reset takes
 *              effect when the call returns, so the call itself is not
 *              counted in the ROI.  A second ROI_BEGIN restarts the ROI.
 *   ROI_END    copies the current statistics (taken on entry, so this
 *              call is not counted) into a snapshot and records the end
 *              cycle; counting continues afterwards.  If a run called
 *              ROI_END at least once, the end-of-run report, `--stats`
 *              JSON and the statistics API report the LAST snapshot (the
 *              gauges roi.begin_cycle and roi.end_cycle give the region:
 *              simulated time = end - start; the CPU clocks in it are
 *              those at ROI_END); otherwise they report the counters at
 *              exit (which, after a ROI_BEGIN without an END, cover the
 *              BEGIN to the exit).  ROI_END without any BEGIN snapshots
 *              the counters since the start of the run.  The harness's
 *              mmsim_stats_reset() drops the snapshot.
 *   QUERY      returns MMSIM_MAGIC and changes nothing.
 *   Threads    the operations are machine-wide, not per thread, and are
 *              timestamped with the calling CPU's clock; the kernel treats
 *              them as an access to a shared resource (principle 2 of
 *              DESIGN.md), so other CPUs' counters include their events up
 *              to that time.  Guests call them from one thread while the
 *              others wait (e.g. between two barriers).
 *   Harness    a C harness's ROI-begin/ROI-end callbacks (if registered)
 *              run at these two events, with the CPU and cycle.
 *   Cost       an ordinary syscall's cost (entry/exit); nothing more.
 *   Trace      `--trace` names it "mmsim".
 * ==========================================================================
 */
#ifndef MMSIM_GUEST_H
#define MMSIM_GUEST_H

#if !defined(__riscv) || !defined(__linux__)
#error "mmsim/guest.h is for guest programs only: compile them with the RISC-V Linux cross compiler (riscv64-linux-gnu-gcc -static). Host code uses <mmsim/mmsim.h>."
#endif
#if __riscv_xlen != 64
#error "mmsim/guest.h: libmmsim runs RV64 guests; compile with riscv64-linux-gnu-gcc."
#endif

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <linux/mempolicy.h>
#include <linux/version.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Under strict ISO C (-std=c17), glibc hides syscall(); declare it (the
 * declaration is compatible with glibc's). */
#ifndef __cplusplus
long syscall(long number, ...);
#endif

/* ---- syscall numbers (riscv64 = asm-generic) --------------------------- */
#define MMSIM_NR_SCHED_SETAFFINITY 122
#define MMSIM_NR_SCHED_GETAFFINITY 123
#define MMSIM_NR_GETCPU 168
#define MMSIM_NR_MBIND 235
#define MMSIM_NR_GET_MEMPOLICY 236
#define MMSIM_NR_SET_MEMPOLICY 237
#define MMSIM_NR_MIGRATE_PAGES 238
#define MMSIM_NR_MOVE_PAGES 239
#define MMSIM_NR_CLOCK_GETTIME 113
#define MMSIM_NR_SET_MEMPOLICY_HOME_NODE 450

/* ---- memory policy modes and flags (Linux's values) -------------------- */
/* <linux/mempolicy.h> gives MPOL_DEFAULT 0, MPOL_PREFERRED 1, MPOL_BIND 2,
 * MPOL_INTERLEAVE 3, MPOL_LOCAL 4 (an enum) and the flags below; newer
 * modes are added here when the installed kernel headers predate them. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 15, 0)
#define MPOL_PREFERRED_MANY 5
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif
/* mode flags, or'ed into the mode of set_mempolicy/mbind */
#ifndef MPOL_F_STATIC_NODES
#define MPOL_F_STATIC_NODES (1 << 15)
#endif
#ifndef MPOL_F_RELATIVE_NODES
#define MPOL_F_RELATIVE_NODES (1 << 14)
#endif
#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING (1 << 13)
#endif
/* get_mempolicy flags */
#ifndef MPOL_F_NODE
#define MPOL_F_NODE (1 << 0)
#endif
#ifndef MPOL_F_ADDR
#define MPOL_F_ADDR (1 << 1)
#endif
#ifndef MPOL_F_MEMS_ALLOWED
#define MPOL_F_MEMS_ALLOWED (1 << 2)
#endif
/* mbind flags */
#ifndef MPOL_MF_STRICT
#define MPOL_MF_STRICT (1 << 0)
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif
#ifndef MPOL_MF_MOVE_ALL
#define MPOL_MF_MOVE_ALL (1 << 2)
#endif

#ifndef __cplusplus
_Static_assert(MPOL_DEFAULT == 0 && MPOL_PREFERRED == 1 && MPOL_BIND == 2 &&
               MPOL_INTERLEAVE == 3 && MPOL_LOCAL == 4 && MPOL_PREFERRED_MANY == 5 &&
               MPOL_WEIGHTED_INTERLEAVE == 6, "MPOL_* modes differ from Linux's");
#endif

/* ---- node masks ---------------------------------------------------------
 * A fixed-size node mask (nodes 0..MMSIM_MAX_NODES-1) for the wrappers
 * below.  Pass MMSIM_NODEMASK_MAXNODE as maxnode: like libnuma, one more
 * than the number of nodes, because Linux's set_mempolicy, mbind,
 * migrate_pages and get_mempolicy use maxnode - 1 bits.  The array has one
 * spare word, always zero, so a kernel that took maxnode bits literally
 * would still stay inside it and read only zeros. */
#define MMSIM_MAX_NODES 1024
typedef struct {
    unsigned long bits[MMSIM_MAX_NODES / (8 * sizeof(unsigned long)) + 1];
} mmsim_nodemask_t;
#define MMSIM_NODEMASK_MAXNODE (MMSIM_MAX_NODES + 1)

static inline void mmsim_nodemask_zero(mmsim_nodemask_t *m)
{
    for (size_t i = 0; i < sizeof(m->bits) / sizeof(m->bits[0]); i++)
        m->bits[i] = 0;
}
static inline void mmsim_nodemask_set(mmsim_nodemask_t *m, unsigned node)
{
    if (node < MMSIM_MAX_NODES)
        m->bits[node / (8 * sizeof(unsigned long))] |= 1UL << (node % (8 * sizeof(unsigned long)));
}
static inline int mmsim_nodemask_isset(const mmsim_nodemask_t *m, unsigned node)
{
    return node < MMSIM_MAX_NODES &&
           ((m->bits[node / (8 * sizeof(unsigned long))] >> (node % (8 * sizeof(unsigned long)))) & 1);
}

/* ---- NUMA syscalls: return like the raw syscalls (-1 and errno) --------- */
static inline long mmsim_set_mempolicy(int mode, const unsigned long *nodemask,
                                       unsigned long maxnode)
{
    return syscall(MMSIM_NR_SET_MEMPOLICY, (long)mode, nodemask, maxnode);
}

/* With flags MPOL_F_NODE|MPOL_F_ADDR, *mode receives the node of the page
 * at addr; the kernel faults the page in (for reading) if it is not yet
 * present, as Linux does, so the first touch may be this call.  With
 * MPOL_F_ADDR alone, the policy of the mapping at addr: MPOL_DEFAULT when
 * it has none of its own (Linux does not report the task's policy there). */
static inline long mmsim_get_mempolicy(int *mode, unsigned long *nodemask, unsigned long maxnode,
                                       void *addr, unsigned long flags)
{
    return syscall(MMSIM_NR_GET_MEMPOLICY, mode, nodemask, maxnode, addr, flags);
}

static inline long mmsim_mbind(void *addr, unsigned long len, int mode,
                               const unsigned long *nodemask, unsigned long maxnode,
                               unsigned flags)
{
    return syscall(MMSIM_NR_MBIND, addr, len, (long)mode, nodemask, maxnode, (unsigned long)flags);
}

/* nodes == NULL: query; status[i] receives the node of pages[i] or -errno
 * (-ENOENT not resident, -EFAULT not mapped).  Otherwise pages[i] moves to
 * nodes[i] and status[i] receives its node or -errno; the result is the
 * number of pages that could not be moved (0: all). */
static inline long mmsim_move_pages(int pid, unsigned long count, void **pages,
                                    const int *nodes, int *status, int flags)
{
    return syscall(MMSIM_NR_MOVE_PAGES, (long)pid, count, pages, nodes, status, (long)flags);
}

static inline long mmsim_migrate_pages(int pid, unsigned long maxnode,
                                       const unsigned long *old_nodes,
                                       const unsigned long *new_nodes)
{
    return syscall(MMSIM_NR_MIGRATE_PAGES, (long)pid, maxnode, old_nodes, new_nodes);
}

/* Linux 5.17+: the home node of an MPOL_BIND/PREFERRED_MANY range.
 * (mmsim does not implement it yet: ENOSYS, as under qemu-riscv64.) */
static inline long mmsim_set_mempolicy_home_node(void *start, unsigned long len,
                                                 unsigned long home_node, unsigned long flags)
{
    return syscall(MMSIM_NR_SET_MEMPOLICY_HOME_NODE, start, len, home_node, flags);
}

/* Either pointer may be NULL. */
static inline long mmsim_getcpu(unsigned *cpu, unsigned *node)
{
    return syscall(MMSIM_NR_GETCPU, cpu, node, (void *)0);
}

/* Raw syscalls (glibc's wrappers differ: the raw getaffinity returns the
 * number of bytes it wrote).  pid 0 = the calling thread. */
static inline long mmsim_sched_setaffinity(int pid, size_t size, const unsigned long *mask)
{
    return syscall(MMSIM_NR_SCHED_SETAFFINITY, (long)pid, size, mask);
}
static inline long mmsim_sched_getaffinity(int pid, size_t size, unsigned long *mask)
{
    return syscall(MMSIM_NR_SCHED_GETAFFINITY, (long)pid, size, mask);
}

/* Pins the calling thread to one CPU.  0, or -1 with errno. */
static inline int mmsim_bind_cpu(unsigned cpu)
{
    unsigned long mask[1024 / (8 * sizeof(unsigned long))] = {0};
    if (cpu >= 1024) {
        errno = EINVAL;
        return -1;
    }
    mask[cpu / (8 * sizeof(unsigned long))] = 1UL << (cpu % (8 * sizeof(unsigned long)));
    return mmsim_sched_setaffinity(0, sizeof(mask), mask) < 0 ? -1 : 0;
}

/* The nodes this task may allocate from, as get_mempolicy(MPOL_F_MEMS_ALLOWED)
 * reports them.  0, or -1 with errno (e.g. ENOSYS under qemu-riscv64). */
static inline int mmsim_mems_allowed(mmsim_nodemask_t *mask)
{
    mmsim_nodemask_zero(mask);
    return mmsim_get_mempolicy((int *)0, mask->bits, MMSIM_NODEMASK_MAXNODE, (void *)0,
                               MPOL_F_MEMS_ALLOWED) < 0 ? -1 : 0;
}

/* One more than the highest node with memory this task may use; -1 with
 * errno when the kernel cannot say. */
static inline int mmsim_node_count(void)
{
    mmsim_nodemask_t m;
    if (mmsim_mems_allowed(&m) < 0)
        return -1;
    int n = 0;
    for (unsigned i = 0; i < MMSIM_MAX_NODES; i++)
        if (mmsim_nodemask_isset(&m, i))
            n = (int)i + 1;
    return n;
}

/* ---- the private syscall: ROI markers (contract at the top) ------------ */
#define MMSIM_SYSCALL_NR 0x4d4d0L
#define MMSIM_OP_ROI_BEGIN 0
#define MMSIM_OP_ROI_END 1
#define MMSIM_OP_QUERY 2
#define MMSIM_MAGIC 0x6d6d73696dL /* "mmsim" */

/* The raw call: the result, or -1 with errno (ENOSYS outside mmsim). */
static inline long mmsim_syscall(long op)
{
    return syscall(MMSIM_SYSCALL_NR, op, 0L, 0L, 0L, 0L, 0L);
}

/* 0 under mmsim, -1 elsewhere; never aborts, leaves errno unchanged. */
static inline int mmsim_roi_begin(void)
{
    int saved = errno;
    long r = mmsim_syscall(MMSIM_OP_ROI_BEGIN);
    errno = saved;
    return r == 0 ? 0 : -1;
}

static inline int mmsim_roi_end(void)
{
    int saved = errno;
    long r = mmsim_syscall(MMSIM_OP_ROI_END);
    errno = saved;
    return r == 0 ? 0 : -1;
}

/* 1 when running under mmsim, 0 elsewhere (qemu, real Linux). */
static inline int mmsim_in_simulator(void)
{
    int saved = errno;
    long r = mmsim_syscall(MMSIM_OP_QUERY);
    errno = saved;
    return r == MMSIM_MAGIC;
}

/* ---- time ---------------------------------------------------------------
 * CLOCK_MONOTONIC in nanoseconds (simulated time under mmsim); 0 if the
 * clock is unavailable. */
static inline uint64_t mmsim_now_ns(void)
{
    struct timespec ts;
#ifdef CLOCK_MONOTONIC
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
#else /* strict ISO C: glibc hides clock_gettime; 1 is Linux's CLOCK_MONOTONIC */
    if (syscall(MMSIM_NR_CLOCK_GETTIME, 1L, &ts) != 0)
        return 0;
#endif
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#ifdef __cplusplus
}
#endif

#endif /* MMSIM_GUEST_H */
