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
    X(ERR_GUEST_FAULT, -13, "guest fault")

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
/* MMSIM-MEMORY-API-END */

/* ---- Processes and running (kernel/, libmmsim/process.c) ---------------- */
/* MMSIM-PROCESS-API-BEGIN */
/* MMSIM-PROCESS-API-END */

#ifdef __cplusplus
}
#endif

#endif
