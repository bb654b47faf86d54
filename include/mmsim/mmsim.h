/* libmmsim: a cycle-level machine simulator for memory-system research.
 *
 * Conventions (as SQLite's):
 *  - every object is an opaque handle with a create/destroy pair; destroying
 *    NULL is a no-op;
 *  - functions return an int result code: MMSIM_OK (0) or a negative
 *    MMSIM_ERR_*; mmsim_strerror() names it, and mmsim_machine_errmsg() gives
 *    the detail of a machine's last failure;
 *  - no global mutable state: any number of machines may live in a process
 *    (a machine must be used by one thread at a time).
 */
#ifndef MMSIM_MMSIM_H
#define MMSIM_MMSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MMSIM_BUILDING) && defined(__GNUC__)
#define MMSIM_API __attribute__((visibility("default")))
#else
#define MMSIM_API
#endif

/* ---- Version ------------------------------------------------------------ */

#define MMSIM_VERSION_MAJOR 0
#define MMSIM_VERSION_MINOR 1
#define MMSIM_VERSION_PATCH 0
#define MMSIM_VERSION "0.1.0"
/* MAJOR * 1000000 + MINOR * 1000 + PATCH */
#define MMSIM_VERSION_NUMBER 1000

/* The version of the library actually linked (compare with the macros). */
MMSIM_API const char *mmsim_version(void);
MMSIM_API int mmsim_version_number(void);

/* ---- Result codes ------------------------------------------------------- */

/* X(name, value, message): one list generates the enum and mmsim_strerror. */
#define MMSIM_RESULT_LIST(X)                                                   \
    X(OK, 0, "success")                                                        \
    X(ERR_INVALID, -1, "invalid argument")                                     \
    X(ERR_NOMEM, -2, "out of host memory")                                     \
    X(ERR_IO, -3, "input/output error")                                        \
    X(ERR_NOT_FOUND, -4, "not found")                                          \
    X(ERR_PARSE, -5, "malformed input")                                        \
    X(ERR_TOPOLOGY, -6, "invalid topology")                                    \
    X(ERR_STATE, -7, "call not valid in the current state")                    \
    X(ERR_EXEC, -8, "program cannot be executed")                              \
    X(ERR_GUEST_NOMEM, -9, "guest out of memory")                              \
    X(ERR_UNSUPPORTED, -10, "not supported")                                   \
    X(ERR_LIMIT, -11, "limit reached")                                         \
    X(ERR_RANGE, -12, "out of range")                                          \
    X(ERR_GUEST_FAULT, -13, "guest fault")                                   \
    X(ERR_STOPPED, -14, "stopped by a callback")

enum mmsim_result {
#define MMSIM_X_ENUM(name, value, msg) MMSIM_##name = value,
    MMSIM_RESULT_LIST(MMSIM_X_ENUM)
#undef MMSIM_X_ENUM
};

/* A static English description of a result code; never NULL. */
MMSIM_API const char *mmsim_strerror(int code);

/* ---- Topologies --------------------------------------------------------- */

/* An immutable, validated machine description (see docs/TOPOLOGY.md). */
typedef struct mmsim_topology mmsim_topology;

/* Loading functions: on success return MMSIM_OK and set *out (free it with
 * mmsim_topology_destroy).  On failure set *out to NULL, return an error
 * code and, if errbuf is not NULL, write a one-line message such as
 * "numa-2s.yaml:14:9: links[0].to: node 7 does not exist (nodes 0-1)". */

/* A topology compiled into the library, by name ("numa-2s"). */
MMSIM_API int mmsim_topology_bundled(const char *name, mmsim_topology **out,
                                     char *errbuf, size_t errlen);
/* A YAML topology file. */
MMSIM_API int mmsim_topology_load_file(const char *path, mmsim_topology **out,
                                       char *errbuf, size_t errlen);
/* YAML text; source_name is used in messages (NULL: "<string>"). */
MMSIM_API int mmsim_topology_load_string(const char *yaml, size_t len,
                                         const char *source_name,
                                         mmsim_topology **out, char *errbuf,
                                         size_t errlen);
/* A bundled name if one matches exactly, else a file path. */
MMSIM_API int mmsim_topology_open(const char *name_or_path, mmsim_topology **out,
                                  char *errbuf, size_t errlen);
MMSIM_API void mmsim_topology_destroy(mmsim_topology *t);

/* Parameter overrides (parameter sweeps, `mmsim run --set`): a NEW
 * topology, t with one value replaced, validated exactly as a file is (t
 * itself is unchanged).  path names a value of the YAML document
 * (docs/TOPOLOGY.md): keys separated by dots, sequence entries by [i] or
 * [*] (every entry), e.g. "links[*].latency", "nodes[1].memory_controller
 * .latency", "cpu.dtlb.entries", "kernel.thp".  value is YAML ("120ns",
 * "always", "{size: 1MiB, ways: 8}", "[[10, 20], [20, 10]]").  A key the
 * document does not have is added (so defaults can be overridden), with
 * the mappings leading to it.  Returns MMSIM_OK and *out (free it with
 * mmsim_topology_destroy), or sets *out to NULL and returns
 * MMSIM_ERR_INVALID (a malformed path, an index out of range, a path
 * through a scalar, a topology built without YAML text),
 * MMSIM_ERR_PARSE (the value is not YAML), MMSIM_ERR_TOPOLOGY (the result
 * is not a valid topology) or MMSIM_ERR_NOMEM, with a one-line message in
 * errbuf such as "<override links[*].latency=fast>: links[0].latency:
 * expected a latency with a unit such as 80ns or 4cycles, got 'fast'". */
MMSIM_API int mmsim_topology_override(const mmsim_topology *t, const char *path,
                                      const char *value, mmsim_topology **out, char *errbuf,
                                      size_t errlen);
/* The same for n "PATH=VALUE" strings, applied in order (each result must
 * be valid: the message names the first that is not). */
MMSIM_API int mmsim_topology_override_list(const mmsim_topology *t, const char *const *sets,
                                           size_t n, mmsim_topology **out, char *errbuf,
                                           size_t errlen);

/* Bundled topologies: count, and name/one-line summary of entry i (NULL when
 * i is out of range).  The default UMA and NUMA topologies used when none is
 * given are mmsim_topology_default_uma() / _numa(). */
MMSIM_API int mmsim_topology_bundled_count(void);
MMSIM_API const char *mmsim_topology_bundled_name(int i);
MMSIM_API const char *mmsim_topology_bundled_summary(int i);
MMSIM_API const char *mmsim_topology_default_uma(void);
MMSIM_API const char *mmsim_topology_default_numa(void);

typedef struct mmsim_node_info {
    unsigned cpu_count;
    unsigned first_cpu;         /* the node's CPUs are first_cpu.. +count-1 */
    uint64_t mem_base;          /* guest physical address of its DRAM */
    uint64_t mem_size;          /* bytes (0: a CPU-only node) */
    double mem_latency_ns;      /* memory controller latency */
    double mem_bandwidth_gbs;   /* GB/s (10^9 bytes per second) */
} mmsim_node_info;

typedef struct mmsim_link_info {
    unsigned node_a, node_b;    /* links are bidirectional */
    double latency_ns;          /* one traversal */
    double bandwidth_gbs;       /* per direction */
} mmsim_link_info;

/* Inspection.  Counts and names never fail on a valid handle; the _info
 * functions return MMSIM_ERR_RANGE for an index out of range and
 * MMSIM_ERR_INVALID for NULL arguments. */
MMSIM_API const char *mmsim_topology_name(const mmsim_topology *t);
MMSIM_API const char *mmsim_topology_description(const mmsim_topology *t);
MMSIM_API const char *mmsim_topology_source(const mmsim_topology *t);
MMSIM_API double mmsim_topology_clock_ghz(const mmsim_topology *t);
MMSIM_API unsigned mmsim_topology_node_count(const mmsim_topology *t);
MMSIM_API unsigned mmsim_topology_cpu_count(const mmsim_topology *t);
MMSIM_API unsigned mmsim_topology_link_count(const mmsim_topology *t);
MMSIM_API int mmsim_topology_node_info(const mmsim_topology *t, unsigned node,
                                       mmsim_node_info *out);
MMSIM_API int mmsim_topology_link_info(const mmsim_topology *t, unsigned link,
                                       mmsim_link_info *out);
/* The node of a CPU, or -1 when cpu is out of range. */
MMSIM_API int mmsim_topology_cpu_node(const mmsim_topology *t, unsigned cpu);
/* SLIT distance from node a to node b (10 = local), or -1 out of range. */
MMSIM_API int mmsim_topology_distance(const mmsim_topology *t, unsigned a, unsigned b);
/* Links on the route from a to b (0 when a == b), or -1 out of range. */
MMSIM_API int mmsim_topology_hops(const mmsim_topology *t, unsigned a, unsigned b);

/* ---- Machines ----------------------------------------------------------- */

typedef struct mmsim_machine mmsim_machine;

/* Create a machine from a topology (the machine keeps its own copy, so t
 * may be destroyed afterwards).  seed makes every pseudo-random choice of
 * the run (replacement, getrandom, AT_RANDOM) reproducible. */
MMSIM_API int mmsim_machine_create(const mmsim_topology *t, uint64_t seed,
                                   mmsim_machine **out);
MMSIM_API void mmsim_machine_destroy(mmsim_machine *m);
/* Detail of the last failed call on m ("" if none); owned by m, valid
 * until the next call on m. */
MMSIM_API const char *mmsim_machine_errmsg(const mmsim_machine *m);
MMSIM_API const mmsim_topology *mmsim_machine_topology(const mmsim_machine *m);

/* ---- Statistics --------------------------------------------------------- */

/* Statistics are named hierarchically ("cpu3.dtlb.misses",
 * "node1.dram.reads").  Counters are 64-bit; histograms expose their count,
 * sum, min, max and buckets in dumps, and "<name>.count" etc. by name. */
typedef enum mmsim_format {
    MMSIM_FORMAT_TEXT = 0,
    MMSIM_FORMAT_JSON = 1,
} mmsim_format;

/* Number of registered statistics, and the name of statistic i. */
MMSIM_API int mmsim_stats_count(const mmsim_machine *m);
MMSIM_API const char *mmsim_stats_name(const mmsim_machine *m, int i);
/* Value of a counter by name; MMSIM_ERR_NOT_FOUND if no such statistic. */
MMSIM_API int mmsim_stats_get(const mmsim_machine *m, const char *name, uint64_t *value);
/* Zero every statistic (start of a region of interest). */
MMSIM_API int mmsim_stats_reset(mmsim_machine *m);
/* Write all statistics to a stream. */
MMSIM_API int mmsim_stats_dump(const mmsim_machine *m, FILE *f, mmsim_format fmt);

/* ---- Hardware views ----------------------------------------------------- */

/* Print the machine as `numactl -H` does (nodes, cpus, size, free,
 * distances), or as JSON. */
MMSIM_API int mmsim_machine_print_hardware(mmsim_machine *m, FILE *f, mmsim_format fmt);

/* ---- Guest physical memory (kernel/page_alloc, kernel/mempolicy) -------- */
/* MMSIM-MEMORY-API-BEGIN */
/* The guest kernel's physical memory: nodes -> zones -> buddy allocator,
 * and the NUMA memory policies of set_mempolicy(2)/mbind(2).  See
 * docs/MEMORY.md.  Frames are 4 KiB; an allocation of order k is 2^k
 * contiguous, naturally aligned frames (k < the topology's max_order,
 * 11 by default). */

/* Policy modes and mode flags: Linux's numeric values. */
#define MMSIM_MPOL_DEFAULT 0
#define MMSIM_MPOL_PREFERRED 1
#define MMSIM_MPOL_BIND 2
#define MMSIM_MPOL_INTERLEAVE 3
#define MMSIM_MPOL_LOCAL 4
#define MMSIM_MPOL_PREFERRED_MANY 5
#define MMSIM_MPOL_WEIGHTED_INTERLEAVE 6
#define MMSIM_MPOL_F_STATIC_NODES (1u << 15)
#define MMSIM_MPOL_F_RELATIVE_NODES (1u << 14)

/* A memory policy as a harness describes it.  All-zero is MPOL_DEFAULT
 * (allocate on the allocating CPU's node, falling back by distance). */
typedef struct mmsim_mempolicy {
    int mode;                   /* MMSIM_MPOL_* */
    unsigned flags;             /* MMSIM_MPOL_F_* */
    uint64_t nodes;             /* bit n = node n */
    uint8_t weights[64];        /* WEIGHTED_INTERLEAVE: per node, 0 means 1 */
} mmsim_mempolicy;

/* Allocation flags, as Linux's GFP flags (the values are libmmsim's own):
 * which zones a request may use, whether other nodes may serve it, and
 * which watermark it must respect. */
#define MMSIM_GFP_DMA 0x0001u           /* ZONE_DMA only (below 16 MiB) */
#define MMSIM_GFP_DMA32 0x0004u         /* ZONE_DMA32 and below (below 4 GiB) */
#define MMSIM_GFP_HIGH 0x0020u          /* may use half of the min reserve */
#define MMSIM_GFP_ZERO 0x0100u          /* zero the frames */
#define MMSIM_GFP_MEMALLOC 0x2000u      /* ignore the watermarks */
#define MMSIM_GFP_THISNODE 0x8000u      /* no fallback to other nodes */
#define MMSIM_GFP_NOWAIT 0x0800u        /* cannot wait: min watermark */
#define MMSIM_GFP_ATOMIC 0x0820u        /* cannot wait, high priority */
#define MMSIM_GFP_KERNEL 0x0c00u        /* ZONE_NORMAL and below, can wait */
#define MMSIM_GFP_USER 0x1c00u
#define MMSIM_GFP_HIGHUSER_MOVABLE 0x1c0au  /* may use ZONE_MOVABLE */

/* Zones, as Linux numbers them on a 64-bit machine without highmem. */
#define MMSIM_ZONE_DMA 0
#define MMSIM_ZONE_DMA32 1
#define MMSIM_ZONE_NORMAL 2
#define MMSIM_ZONE_MOVABLE 3
#define MMSIM_NR_ZONES 4

/* Allocate 2^order frames for a CPU under a policy (NULL: MPOL_DEFAULT).
 * The policy is validated as set_mempolicy would (MMSIM_ERR_INVALID with
 * the reason in mmsim_machine_errmsg).  ilx is the interleave index for
 * INTERLEAVE and WEIGHTED_INTERLEAVE: the page offset within a mapping,
 * or a counter the harness increments per allocation; other modes ignore
 * it.  gfp is MMSIM_GFP_* (0 behaves as MMSIM_GFP_KERNEL).  Returns
 * MMSIM_OK with *paddr = guest physical address of the first frame,
 * MMSIM_ERR_GUEST_NOMEM when the policy's nodes cannot satisfy it (nothing
 * is allocated then), MMSIM_ERR_RANGE for a cpu or order out of range. */
MMSIM_API int mmsim_page_alloc(mmsim_machine *m, const mmsim_mempolicy *pol, unsigned cpu,
                               unsigned gfp, unsigned order, uint64_t ilx, uint64_t *paddr);
/* Free a block returned by mmsim_page_alloc, with the same order.
 * MMSIM_ERR_INVALID if paddr is not the start of an allocated block of
 * that order (a double free included); nothing changes then. */
MMSIM_API int mmsim_page_free(mmsim_machine *m, uint64_t paddr, unsigned order);

typedef struct mmsim_zone_info {
    int populated;              /* 0: the zone has no memory on this node */
    uint64_t start_pfn;         /* first frame (paddr >> 12) */
    uint64_t spanned, present, managed;         /* frames */
    uint64_t free_pages;
    uint64_t min, low, high;    /* watermarks, frames */
    uint64_t free_blocks[20];   /* per order, as /proc/buddyinfo */
    unsigned orders;            /* valid entries of free_blocks */
} mmsim_zone_info;

typedef struct mmsim_numa_stat {
    uint64_t numa_hit, numa_miss, numa_foreign, interleave_hit, local_node, other_node;
} mmsim_numa_stat;

/* Inspect zone `zone` (MMSIM_ZONE_*) of a node / a node's NUMA counters.
 * MMSIM_ERR_RANGE for a node or zone out of range. */
MMSIM_API int mmsim_memory_zone_info(mmsim_machine *m, unsigned node, unsigned zone,
                                     mmsim_zone_info *out);
MMSIM_API int mmsim_memory_numa_stat(mmsim_machine *m, unsigned node, mmsim_numa_stat *out);
/* "DMA", "DMA32", "Normal", "Movable"; NULL out of range. */
MMSIM_API const char *mmsim_zone_name(unsigned zone);

typedef enum mmsim_memory_view {
    MMSIM_VIEW_BUDDYINFO = 0,   /* /proc/buddyinfo */
    MMSIM_VIEW_ZONEINFO = 1,    /* /proc/zoneinfo, abridged */
    MMSIM_VIEW_PAGETYPEINFO = 2,/* /proc/pagetypeinfo (one migrate type) */
    MMSIM_VIEW_EXTFRAG = 3,     /* debugfs extfrag/extfrag_index */
    MMSIM_VIEW_NUMASTAT = 4,    /* numastat(8) */
} mmsim_memory_view;

/* Print a view of the machine's memory.  With MMSIM_FORMAT_JSON every
 * view prints the same document: min_free_kbytes and, per node, free
 * bytes, NUMA counters and each zone's sizes, watermarks, free blocks per
 * order and extfrag index per order.  Returns MMSIM_OK, MMSIM_ERR_INVALID
 * (unknown view or format), MMSIM_ERR_IO or MMSIM_ERR_NOMEM. */
MMSIM_API int mmsim_memory_print(mmsim_machine *m, FILE *f, mmsim_memory_view view,
                                 mmsim_format fmt);
/* The unloaded load-to-use latency the configuration implies (what a
 * dependent chain of loads measures on an idle machine, docs/TIMING.md)
 * for a load by cpu satisfied at `level`: L1, L2, the node's LLC, or the
 * DRAM of home_node (local, or remote over the links' route; ignored for
 * the other levels).  In picoseconds.  MMSIM_ERR_RANGE for a CPU or node
 * out of range or a node without memory. */
typedef enum mmsim_mem_level {
    MMSIM_LEVEL_L1 = 0,
    MMSIM_LEVEL_L2 = 1,
    MMSIM_LEVEL_LLC = 2,
    MMSIM_LEVEL_DRAM = 3,
} mmsim_mem_level;
MMSIM_API int mmsim_memory_latency(mmsim_machine *m, unsigned cpu, mmsim_mem_level level,
                                   unsigned home_node, uint64_t *ps);
/* MMSIM-MEMORY-API-END */

/* ---- Processes and running (kernel/, libmmsim/process.c) ---------------- */
/* MMSIM-PROCESS-API-BEGIN */

/* A guest process: a static RISC-V Linux executable (ELF64, EM_RISCV,
 * ET_EXEC or static-pie) running in syscall-emulation mode on one CPU of a
 * machine.  Processes belong to their machine: mmsim_machine_destroy()
 * destroys those still alive.  Guest files are the host's (see
 * mmsim_machine_set_root); guest fds 0/1/2 are the host's 0/1/2 unless
 * mmsim_process_set_stdio() says otherwise.  Guest time is simulated time:
 * CLOCK_REALTIME starts at 2026-01-01T00:00:00Z. */
typedef struct mmsim_process mmsim_process;

typedef enum mmsim_process_state {
    MMSIM_PROCESS_RUNNABLE = 0,     /* created, or stopped by a budget */
    MMSIM_PROCESS_EXITED = 1,       /* exit/exit_group: see exit_status */
    MMSIM_PROCESS_KILLED = 2,       /* terminated by a signal */
} mmsim_process_state;

/* Create a process from an executable file.  argv (NULL-terminated; NULL
 * means { path, NULL }) and envp (NULL-terminated; NULL means empty) are
 * copied.  cpu must be a CPU of the machine on which no live thread sits
 * (the process's first thread starts there; later threads are placed by
 * the kernel, see docs/KERNEL.md).  Returns MMSIM_OK and *out, or: MMSIM_ERR_NOT_FOUND (no such
 * file), MMSIM_ERR_EXEC (not a valid static RISC-V executable; the message
 * names the file and the reason), MMSIM_ERR_RANGE (cpu), MMSIM_ERR_STATE
 * (cpu busy), MMSIM_ERR_GUEST_NOMEM, MMSIM_ERR_NOMEM, MMSIM_ERR_INVALID.
 * Detail in mmsim_machine_errmsg(m). */
MMSIM_API int mmsim_process_create(mmsim_machine *m, const char *path,
                                   const char *const *argv, const char *const *envp,
                                   unsigned cpu, mmsim_process **out);
/* The same from an image in memory (copied; buf may be freed afterwards).
 * name is used in messages, as argv[0] when argv is NULL, and for
 * /proc/self/exe (which the guest cannot open: there is no file). */
MMSIM_API int mmsim_process_create_mem(mmsim_machine *m, const void *buf, size_t len,
                                       const char *name, const char *const *argv,
                                       const char *const *envp, unsigned cpu,
                                       mmsim_process **out);
/* Destroy a process (killing it if it still runs).  NULL is a no-op. */
MMSIM_API void mmsim_process_destroy(mmsim_process *p);

/* Host file descriptors behind guest fds 0, 1, 2 (a negative value keeps
 * the current one).  They are not closed by the simulator.  Call before the
 * process first runs.  Returns MMSIM_OK or MMSIM_ERR_STATE. */
MMSIM_API int mmsim_process_set_stdio(mmsim_process *p, int in, int out, int err);

/* Confine guest paths to a host directory (NULL: the host's file system,
 * as qemu-riscv64 does).  Affects processes created afterwards.  Returns
 * MMSIM_OK, MMSIM_ERR_NOT_FOUND (not a directory), MMSIM_ERR_NOMEM. */
MMSIM_API int mmsim_machine_set_root(mmsim_machine *m, const char *dir);
/* Write an instruction trace (spike-like commit log) and a syscall trace to
 * f (NULL: off).  f stays owned by the caller. */
MMSIM_API int mmsim_machine_set_trace(mmsim_machine *m, FILE *f);
/* Where warnings (unknown syscalls) and fault diagnoses go (default stderr;
 * NULL: nowhere). */
MMSIM_API int mmsim_machine_set_diag(mmsim_machine *m, FILE *f);

/* Run every runnable process until all have exited or been killed
 * (max_insns == 0), or until max_insns instructions have been executed in
 * this call.  Returns MMSIM_OK when no process is left runnable,
 * MMSIM_ERR_LIMIT when the budget ran out first (call again to continue),
 * MMSIM_ERR_STATE when there is nothing to run, or when every remaining
 * thread is blocked with no timeout pending (a guest deadlock: the message
 * starts with "deadlock: " and lists the blocked threads). */
MMSIM_API int mmsim_machine_run(mmsim_machine *m, uint64_t max_insns);

/* Limits of a run (all 0: none, the defaults).  A run limit ends
 * mmsim_machine_run() with MMSIM_ERR_LIMIT and records which one in
 * mmsim_machine_limit_hit(); the statistics gauge "run.truncated" is then
 * 1.  max_insns: instructions of one mmsim_machine_run call (an argument
 * of mmsim_machine_run too: the smaller non-zero one applies).
 * max_time_ns: simulated time, checked at scheduling boundaries (the run
 * stops once every CPU's clock has reached it; a quantum may overshoot).
 * timeout_s: host wall-clock seconds (CLOCK_MONOTONIC), checked at
 * scheduling boundaries: the only host-time input, and it only decides
 * when to stop.  max_threads: live threads per process; clone fails with
 * EAGAIN beyond it (as RLIMIT_NPROC; default and maximum 4096).
 * max_files: RLIMIT_NOFILE of new processes (soft and hard; default and
 * maximum 1024): opening beyond it fails with EMFILE.  Returns MMSIM_OK,
 * MMSIM_ERR_INVALID (NULL, negative timeout), MMSIM_ERR_RANGE
 * (max_threads or max_files above the maximum). */
typedef struct mmsim_limits {
    uint64_t max_insns;
    uint64_t max_time_ns;
    double timeout_s;
    unsigned max_threads;
    unsigned max_files;
    /* Guest memory the host backs: frames allocated to guests (page tables
     * included), in bytes; reaching it ends the run like the other limits
     * ("max-mem").  0: none. */
    uint64_t max_mem_bytes;
} mmsim_limits;
MMSIM_API int mmsim_machine_set_limits(mmsim_machine *m, const mmsim_limits *l);
/* Which run limit ended the last mmsim_machine_run: "max-insns",
 * "max-time", "timeout", "max-mem", or NULL (none). */
MMSIM_API const char *mmsim_machine_limit_hit(const mmsim_machine *m);

MMSIM_API mmsim_process_state mmsim_process_get_state(const mmsim_process *p);
/* The wait(2)-style status of a finished process (WIFEXITED/WEXITSTATUS,
 * WIFSIGNALED/WTERMSIG from <sys/wait.h> apply).  MMSIM_ERR_STATE while it
 * is still runnable. */
MMSIM_API int mmsim_process_wait_status(const mmsim_process *p, int *status);
/* The status as a shell reports it: the exit code, or 128 + signal. */
MMSIM_API int mmsim_process_exit_code(const mmsim_process *p, int *code);

typedef struct mmsim_process_info {
    unsigned pid, cpu;
    uint64_t insns;             /* instructions retired by its CPU */
    uint64_t cycles;            /* its CPU's clock */
    uint64_t sim_time_ps;       /* simulated time of its CPU */
    uint64_t syscalls;
    uint64_t unknown_syscalls;  /* machine-wide calls returning ENOSYS */
    uint64_t page_faults;       /* demand-paging allocations */
    uint64_t resident_pages;    /* frames mapped now */
} mmsim_process_info;

/* Fill *out.  MMSIM_ERR_INVALID for NULL arguments.  After the process has
 * ended, cpu is the CPU of its last thread and resident_pages is 0 (its
 * frames are back in the buddy allocator). */
MMSIM_API int mmsim_process_info_get(const mmsim_process *p, mmsim_process_info *out);

/* Restrict the CPUs the process's threads may run on (numactl
 * --physcpubind): cpus[0..n-1] are CPU numbers of the machine.  The
 * process moves to an allowed CPU (placement as for new threads, see
 * docs/KERNEL.md) if its own is not in the set; its threads inherit the
 * set and may change it with sched_setaffinity.  Call before the process
 * first runs.  Returns MMSIM_OK, MMSIM_ERR_RANGE (a CPU out of range),
 * MMSIM_ERR_INVALID (empty set, NULL), MMSIM_ERR_STATE (already ran). */
MMSIM_API int mmsim_process_set_affinity(mmsim_process *p, const unsigned *cpus, size_t n);

/* The process's memory policy (numactl --membind / --interleave /
 * --preferred / --localalloc; the guest's own set_mempolicy(2)): the
 * policy of every page it allocates from now on outside VMAs that have
 * their own (mbind).  pol is validated as set_mempolicy(2) would (nodes
 * without memory are dropped from the mask, as Linux drops them); NULL or
 * all-zero is MMSIM_MPOL_DEFAULT.  Pages already resident stay where they
 * are, as with set_mempolicy: to place the program image and initial
 * stack too, set the policy before creating the process with
 * mmsim_machine_set_mempolicy.  May be called before and between runs
 * while the process lives.  Returns MMSIM_OK, MMSIM_ERR_INVALID (NULL p;
 * an unknown mode or flag, a node the machine does not have, nodes given
 * to DEFAULT/LOCAL, none given to BIND/INTERLEAVE/PREFERRED_MANY/
 * WEIGHTED_INTERLEAVE, or only nodes without memory: the reason is in
 * mmsim_machine_errmsg), MMSIM_ERR_STATE (the process has ended). */
MMSIM_API int mmsim_process_set_mempolicy(mmsim_process *p, const mmsim_mempolicy *pol);
/* The process's policy as get_mempolicy(2) reports it (nodes as given for
 * the STATIC/RELATIVE flavours, else the effective nodes; 0 for DEFAULT
 * and LOCAL).  MMSIM_ERR_INVALID for NULL arguments. */
MMSIM_API int mmsim_process_get_mempolicy(const mmsim_process *p, mmsim_mempolicy *out);
/* The policy processes created from now on start with (NULL or all-zero:
 * MMSIM_MPOL_DEFAULT), before their program is loaded: numactl sets its
 * policy and then execs, so the image and the initial stack follow it.
 * Validated as mmsim_process_set_mempolicy validates.  Returns MMSIM_OK or
 * MMSIM_ERR_INVALID. */
MMSIM_API int mmsim_machine_set_mempolicy(mmsim_machine *m, const mmsim_mempolicy *pol);

/* Print the process's address space as Linux's /proc/PID/numa_maps does
 * (docs/MEMORY.md, "numa_maps"): one line per VMA with its start, its
 * effective policy ("default", "bind:0-1", "interleave:0-3", "prefer:1",
 * "local"), heap/stack/file=NAME, and for resident pages anon=/dirty= (or
 * mapped= for read-only file mappings), N<node>=pages and
 * kernelpagesize_kB=4.  After the process has ended it prints the address
 * space as it was when its last thread exited.  f stays the caller's.
 * Returns MMSIM_OK, MMSIM_ERR_INVALID (NULL), MMSIM_ERR_IO (writing f
 * failed), MMSIM_ERR_STATE (the address space is gone and none was kept:
 * out of host memory at exit). */
MMSIM_API int mmsim_process_print_numa_maps(const mmsim_process *p, FILE *f);

/* Scheduler parameters: a CPU runs quantum_insns instructions before the
 * scheduler picks the CPU with the smallest clock again (default 10000);
 * threads sharing a CPU switch every timeslice_ns of simulated time
 * (default 1,000,000 cycles' worth).  0 keeps the current value.  Affects
 * the timing of multi-threaded runs (never their determinism). */
MMSIM_API int mmsim_machine_set_sched(mmsim_machine *m, uint64_t quantum_insns,
                                      uint64_t timeslice_ns);
/* Where new threads go (docs/KERNEL.md, "Placement"): FILL (default)
 * takes the first idle CPU of the parent's node, then of the following
 * nodes; SPREAD takes an idle CPU of the node with the fewest threads, so
 * consecutive threads land on different nodes.  Affinity masks restrict
 * both.  Returns MMSIM_OK or MMSIM_ERR_INVALID. */
typedef enum mmsim_placement {
    MMSIM_PLACE_FILL = 0,
    MMSIM_PLACE_SPREAD = 1,
} mmsim_placement;
MMSIM_API int mmsim_machine_set_placement(mmsim_machine *m, mmsim_placement placement);
/* The timing model (docs/TIMING.md).  DETAILED (the default): every
 * instruction goes through the CPU's in-order pipeline and every fetch,
 * load, store and page-walk read through the caches, buses, links and
 * memory controllers.  OFF: functional only, one cycle per instruction
 * (fast-forward).  ROI: OFF until the guest's first mmsim_roi_begin(),
 * DETAILED from then on.  May be changed between runs.  Returns MMSIM_OK,
 * MMSIM_ERR_INVALID or MMSIM_ERR_NOMEM (building the memory system). */
typedef enum mmsim_timing {
    MMSIM_TIMING_DETAILED = 0,
    MMSIM_TIMING_OFF = 1,
    MMSIM_TIMING_ROI = 2,
} mmsim_timing;
MMSIM_API int mmsim_machine_set_timing(mmsim_machine *m, mmsim_timing mode);
/* MMSIM-PROCESS-API-END */

/* ---- Experiments (libmmsim/api_experiment.c, run.c) --------------------- */
/* MMSIM-EXPERIMENT-API-BEGIN */

/* Run until the machine's time reaches `cycle` (core cycles since the
 * machine was created) or nothing is left to run, whichever comes first:
 * each call continues where the last stopped, and a run split into
 * several calls gives exactly the statistics of one call (the stop falls
 * on a scheduling boundary, which changes nothing), as long as no
 * instruction or wall-clock limit is set: those count per call (each call
 * may retire max_insns more).  The machine's time
 * is mmsim_machine_cycle(); a CPU's quantum may overshoot `cycle`.
 * Returns MMSIM_OK in both cases (mmsim_machine_finished() tells them
 * apart), or what mmsim_machine_run returns for its other outcomes: the
 * run limits (MMSIM_ERR_LIMIT), MMSIM_ERR_STOPPED (a callback asked),
 * MMSIM_ERR_STATE (nothing to run at all, a deadlock, a call from a
 * callback). */
MMSIM_API int mmsim_machine_run_until(mmsim_machine *m, uint64_t cycle);
/* The machine's time in core cycles: the earliest moment at which any
 * live thread can still do something (the smallest clock of the CPUs
 * with runnable threads, or a blocked thread's timeout); once every
 * process has ended, the largest CPU clock.  0 for NULL. */
MMSIM_API uint64_t mmsim_machine_cycle(const mmsim_machine *m);
/* 1 when no thread of any process is left alive (a run would have
 * nothing to do), else 0; 1 for NULL. */
MMSIM_API int mmsim_machine_finished(const mmsim_machine *m);

/* Callbacks.  One of each kind per machine: registering again replaces
 * it, NULL removes it.  They run inside mmsim_machine_run/_run_until, in
 * simulated-time order, so a run with callbacks stays deterministic (and
 * has the same statistics as without).  They may read anything
 * (mmsim_stats_get, mmsim_process_info_get, mmsim_machine_cycle...) and
 * reset the statistics, but not run, destroy the machine or destroy a
 * process: those calls return MMSIM_ERR_STATE (or are ignored, for the
 * destroy functions).  A non-zero return asks the run to stop: it returns
 * MMSIM_ERR_STOPPED at the next scheduling boundary (the immediate one
 * for samples and exits; after the current syscall for ROI events), and
 * a later run continues from there. */

/* Sampling: called when the machine's time (mmsim_machine_cycle) crosses
 * a multiple of every_cycles, at the first scheduling boundary at or after
 * it (a quantum, 10,000 instructions by default, is the granularity).
 * boundary is that multiple, now the actual time (>= boundary).  When the
 * time leaps over several multiples at once (the threads idle, or waiting
 * for one another), the call is made once, for the last of them.  No call is made for a
 * boundary that is not reached before the run ends.  every_cycles == 0
 * with a callback is MMSIM_ERR_INVALID. */
typedef int (*mmsim_sample_fn)(mmsim_machine *m, uint64_t boundary, uint64_t now,
                               void *user);
MMSIM_API int mmsim_machine_on_sample(mmsim_machine *m, uint64_t every_cycles,
                                      mmsim_sample_fn cb, void *user);
/* Region of interest: called when a guest thread calls mmsim_roi_begin()
 * (begin = 1) or mmsim_roi_end() (begin = 0); cpu and cycle are the
 * calling CPU and its clock.  At begin the callback runs before the
 * statistics are reset (it sees the warm-up's counts: pages allocated,
 * numastat), at end after they are snapshotted (it sees the region's). */
typedef int (*mmsim_roi_fn)(mmsim_machine *m, int begin, unsigned cpu, uint64_t cycle,
                            void *user);
MMSIM_API int mmsim_machine_on_roi(mmsim_machine *m, mmsim_roi_fn cb, void *user);
/* Process exit: called once per process when it has exited or been
 * killed (at the next scheduling boundary, before its address space is
 * released: mmsim_process_print_numa_maps works), with its exit code as
 * mmsim_process_exit_code gives it. */
typedef int (*mmsim_exit_fn)(mmsim_machine *m, mmsim_process *p, int exit_code, void *user);
MMSIM_API int mmsim_machine_on_exit(mmsim_machine *m, mmsim_exit_fn cb, void *user);

/* The run's summary: where the loads, stores and fetches of all CPUs were
 * satisfied (L1, L2, LLC, cache-to-cache local/remote, local/remote DRAM,
 * upgrades), each class's share and average latency, and the machine's
 * IPC (instructions of the CPUs that ran timed over the largest clock),
 * from the statistics (so the ROI's, when the guest marked one).  TEXT:
 * one line, "IPC 0.12; memory accesses: L1 91.06% (5.6 ns), ...", or
 * nothing for a run without detailed timing; JSON: one object with
 * "timed", "insns", "cycles", "ipc", "accesses" and "classes" (per class
 * count, share, avg_ns).  The complete statistics: mmsim_stats_dump.
 * Returns MMSIM_OK, MMSIM_ERR_INVALID or MMSIM_ERR_IO. */
MMSIM_API int mmsim_machine_write_report(const mmsim_machine *m, FILE *f, mmsim_format fmt);
/* MMSIM-EXPERIMENT-API-END */

#ifdef __cplusplus
}
#endif

#endif
