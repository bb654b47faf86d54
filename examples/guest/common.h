/* common.h - small helpers shared by the bundled guest workloads
 * (examples/guest): option parsing, a deterministic PRNG, buffers placed by
 * a memory policy, CPU pinning.  Guest code only (RISC-V). */
#ifndef MMSIM_EXAMPLES_COMMON_H
#define MMSIM_EXAMPLES_COMMON_H

#include <mmsim/guest.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define KIB 1024UL
#define MIB (1024UL * 1024UL)
#define HUGE_2M (2UL * MIB)

static const char *prog_name = "workload";

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: warning: ", prog_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* splitmix64: a deterministic PRNG (one 64-bit state). */
static inline uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (Lemire's multiply-shift; bias is negligible
 * for the sizes used here). */
static inline uint64_t rng_below(uint64_t *s, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)rng_next(s) * n) >> 64);
}

/* Unsigned number with an optional K/M/G suffix (times 1024^k).  Dies with
 * a message naming the option on bad input. */
static inline uint64_t parse_num(const char *opt, const char *s, int allow_suffix)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        die("%s: expected a non-negative number, got '%s'", opt, s ? s : "");
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        die("%s: not a number: '%s'", opt, s);
    unsigned shift = 0;
    if (allow_suffix && *end) {
        switch (*end) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        default: die("%s: bad suffix in '%s' (use K, M or G)", opt, s);
        }
        end++;
        if (*end == 'i' && end[1] == 'B')
            end += 2;
        else if (*end == 'B')
            end++;
    }
    if (*end)
        die("%s: trailing characters in '%s'", opt, s);
    if (shift && v > (~0ULL >> shift))
        die("%s: too large: '%s'", opt, s);
    return (uint64_t)v << shift;
}

/* Pins the calling thread to CPU (if cpu >= 0), warning on failure. */
static inline void pin_cpu(long cpu)
{
    if (cpu < 0)
        return;
    if (mmsim_bind_cpu((unsigned)cpu) != 0)
        warn("cannot pin to CPU %ld (%s); running unpinned", cpu, strerror(errno));
}

/* Placement request for map_buffer(). */
struct placement {
    int mode;       /* MPOL_*; MPOL_DEFAULT: leave the task's policy alone */
    int all_nodes;  /* nodes = 0..nr_nodes-1 (interleave over all) */
    int nr_nodes;
    long node;      /* the node for BIND/PREFERRED (single node) */
    int huge;       /* madvise(MADV_HUGEPAGE) */
};

/* Result flags of map_buffer(). */
struct mapping {
    void *base;     /* what mmap returned */
    size_t maplen;
    char *p;        /* 2 MiB-aligned start of the usable buffer */
    size_t len;
    int policy_ok;  /* mbind succeeded (or nothing asked) */
    int policy_errno;
    int huge_ok;    /* madvise succeeded (or nothing asked) */
};

/* Anonymous private buffer of len bytes, 2 MiB aligned, NOT touched, with
 * the placement applied before the first touch.  A policy that the kernel
 * refuses with ENOSYS/EPERM/EINVAL is reported in policy_ok/policy_errno
 * and the buffer stays unbound; other failures die. */
static inline struct mapping map_buffer(size_t len, const struct placement *pl)
{
    struct mapping m = {0};
    m.maplen = len + HUGE_2M;
    m.base = mmap(NULL, m.maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m.base == MAP_FAILED)
        die("mmap of %zu KiB failed: %s", m.maplen / KIB, strerror(errno));
    m.p = (char *)(((uintptr_t)m.base + HUGE_2M - 1) & ~(uintptr_t)(HUGE_2M - 1));
    m.len = len;
    m.policy_ok = m.huge_ok = 1;
    if (pl && pl->huge) {
#ifdef MADV_HUGEPAGE
        if (madvise(m.p, len, MADV_HUGEPAGE) != 0) {
            m.huge_ok = 0;
            warn("madvise(MADV_HUGEPAGE) failed (%s); using base pages", strerror(errno));
        }
#else
        m.huge_ok = 0;
#endif
    }
    if (pl && (pl->mode != MPOL_DEFAULT || pl->all_nodes)) {
        mmsim_nodemask_t mask;
        mmsim_nodemask_zero(&mask);
        const unsigned long *bits = mask.bits;
        unsigned long maxnode = MMSIM_NODEMASK_MAXNODE;
        if (pl->all_nodes) {
            for (int n = 0; n < pl->nr_nodes; n++)
                mmsim_nodemask_set(&mask, (unsigned)n);
        } else if (pl->mode == MPOL_LOCAL) {
            bits = NULL;
            maxnode = 0;
        } else {
            mmsim_nodemask_set(&mask, (unsigned)pl->node);
        }
        if (mmsim_mbind(m.p, len, pl->mode, bits, maxnode, 0) != 0) {
            int e = errno;
            if (e != ENOSYS && e != EPERM && e != EINVAL && e != EOPNOTSUPP)
                die("mbind failed: %s", strerror(e));
            m.policy_ok = 0;
            m.policy_errno = e;
        }
    }
    return m;
}

static inline void unmap_buffer(struct mapping *m)
{
    if (m->base && munmap(m->base, m->maplen) != 0)
        warn("munmap failed: %s", strerror(errno));
    m->base = NULL;
}

/* Number of memory nodes: the override if > 0, else what the kernel says,
 * else 1 (with *known = 0). */
static inline int nodes_available(int override, int *known)
{
    *known = 1;
    if (override > 0)
        return override;
    int n = mmsim_node_count();
    if (n > 0)
        return n;
    *known = 0;
    return 1;
}

/* Keeps a value alive without the optimiser discarding its computation. */
static inline void keep(uint64_t v)
{
    __asm__ volatile("" : : "r"(v) : "memory");
}

#endif
