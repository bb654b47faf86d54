/* The validated machine description, as every room sees it.
 *
 * A topology is immutable once loaded: the YAML parser (topology.c) fills it,
 * validation checks it, and numa/route.c derives routes and the SLIT table.
 * Rooms read it when a machine is assembled and keep what they need. */
#ifndef MMSIM_TOPOLOGY_H
#define MMSIM_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmsim/mmsim.h"

#define TOPO_MAX_NODES 64
#define TOPO_MAX_CPUS 1024

/* A latency as written in the file: time (picoseconds) or core cycles.
 * Kept in the unit it was given in so that "4cycles" stays exactly 4 cycles
 * whatever the clock. */
enum topo_unit { TOPO_PS = 0, TOPO_CYCLES = 1 };
struct topo_lat {
    uint64_t amount;
    enum topo_unit unit;
};

enum topo_repl { TOPO_REPL_LRU = 0, TOPO_REPL_PLRU, TOPO_REPL_RANDOM };

struct topo_cache {
    uint64_t size;      /* bytes; 0 = no such cache */
    uint32_t ways;
    uint32_t line;      /* bytes */
    struct topo_lat latency;
    enum topo_repl repl;
    uint32_t mshrs;
    bool inclusive;     /* LLC only: inclusive of the node's private caches */
};

/* The in-order pipeline of every CPU (cpu/pipeline.h; issue 7).  Latencies
 * in core cycles, from issue to result. */
enum topo_bp { TOPO_BP_BIMODAL = 0, TOPO_BP_GSHARE };
enum topo_prefetch { TOPO_PF_NONE = 0, TOPO_PF_NEXT_LINE, TOPO_PF_STRIDE };
struct topo_pipeline {
    uint32_t width;             /* instructions issued per cycle: 1 or 2 */
    uint32_t lat_mul, lat_div;  /* integer multiply, divide/remainder */
    uint32_t lat_fadd, lat_fmul, lat_fma, lat_fdiv, lat_fsqrt, lat_fcvt;
    uint32_t load_use;          /* extra cycles before a load's result can be used */
    enum topo_bp predictor;
    uint32_t bp_entries;        /* 2-bit counters */
    uint32_t bp_history;        /* gshare: global history bits */
    uint32_t btb_entries;
    uint32_t ras_entries;
    uint32_t mispredict;        /* branch misprediction penalty */
    uint32_t store_buffer;      /* entries; 0: stores block like loads */
};

/* The default pipeline (a current small in-order core; the figures and
 * their sources are in topology.c).  pipe_init uses it for a zeroed
 * struct, as a hand-built topology has. */
void topo_pipeline_defaults(struct topo_pipeline *p);

struct topo_tlb {
    uint32_t entries;   /* 0 = no such TLB */
    uint32_t ways;
    enum topo_repl repl;
};

/* Per-CPU parameters; the same for every CPU of a machine. */
struct topo_cpu {
    struct topo_cache l1i, l1d, l2;
    struct topo_tlb itlb, dtlb, l2tlb;
    uint32_t pwc_entries;   /* page-walk cache entries per upper level */
    struct topo_pipeline pipe;
    enum topo_prefetch prefetch;        /* L1D prefetcher */
};

enum topo_arb { TOPO_ARB_ROUND_ROBIN = 0, TOPO_ARB_FCFS };

struct topo_node {
    uint32_t ncpus;
    uint32_t first_cpu;         /* CPUs are numbered node by node */
    uint64_t mem_size;          /* bytes; 0 = a CPU-only node */
    uint64_t mem_base;          /* guest physical base of this node's DRAM */
    uint64_t movable;           /* bytes of ZONE_MOVABLE at the top */
    struct topo_lat mem_latency;        /* memory controller access */
    uint64_t mem_bandwidth;             /* bytes per second */
    uint32_t bus_width;                 /* bytes per bus cycle */
    uint64_t bus_clock_hz;
    struct topo_lat bus_latency;        /* arbitration + address phase */
    enum topo_arb bus_arbitration;
    struct topo_cache llc;
    int line;                           /* source line, for messages */
};

struct topo_link {
    uint32_t a, b;                      /* bidirectional: a <-> b */
    struct topo_lat latency;            /* per traversal, one direction */
    uint64_t bandwidth;                 /* bytes per second, per direction */
    int line;
};

/* A traffic generator of the topology file's `traffic:` list, created with
 * the machine (libmmsim/traffic_api.c; the fields are mmsim_traffic's). */
struct topo_traffic {
    int pattern;                /* mmsim_traffic_pattern */
    uint64_t footprint, stride, interval_ps, rate, ops, duration_ns;
    uint32_t size, outstanding;
    double reads;
    int cpu;
    int populate;
    bool has_policy;
    mmsim_mempolicy policy;
    char *trace;                /* resolved against the file's directory */
    int line;                   /* source line, for messages */
};

/* Page-fault cost defaults: a minor anonymous fault on a current server
 * costs on the order of 1 us of kernel time including the zeroing, which
 * alone moves 4 KiB at some 10-20 GB/s (~250 ns). */
#define TOPO_DEFAULT_FAULT_CYCLES 1500
#define TOPO_DEFAULT_ZERO_CYCLES 600

struct mmsim_topology {
    char *name;
    char *description;
    char *source;           /* file path, "<bundled:NAME>" or "<string>" */
    char *text;             /* the YAML it was parsed from (overrides edit
                             * it), or NULL for a hand-built topology */
    size_t text_len;
    uint64_t clock_hz;
    uint32_t nnodes, ncpus, nlinks;
    struct topo_node *nodes;
    struct topo_link *links;
    struct topo_cpu cpu;

    /* Guest kernel parameters. */
    uint32_t max_order;         /* number of buddy orders, default 11 */
    uint64_t min_free_kbytes;   /* 0 = derive as Linux does */
    bool pcp;                   /* per-CPU page lists (parser default true;
                                 * false in a zeroed hand-built topology) */
    uint32_t paging_levels;     /* 3: Sv39 (default; 0 means 3), 4: Sv48 */
    uint32_t thp;               /* enum mm_thp: 0 never, 1 madvise (default), 2 always */
    uint32_t pt_placement;      /* enum mm_pt_place: 0 local (default), 1 data */
    uint64_t fault_cycles;      /* page fault: entry, handling, exit (cycles) */
    uint64_t zero_cycles;       /* zeroing one 4 KiB frame (cycles) */

    struct topo_traffic *traffic;       /* `traffic:` generators (NULL: none) */
    uint32_t ntraffic;

    /* Derived by numa/route.c (or given explicitly: distance only). */
    bool distance_explicit;
    uint8_t *distance;          /* nnodes * nnodes, SLIT values */
    uint32_t *hops;             /* nnodes * nnodes, links on the route */
    uint32_t *next_hop;         /* nnodes * nnodes, next node on the route */
    uint64_t *route_ps;         /* nnodes * nnodes, one-way link latency */
};

static inline uint32_t topo_cpu_node(const struct mmsim_topology *t, uint32_t cpu)
{
    for (uint32_t n = 0; n < t->nnodes; n++)
        if (cpu >= t->nodes[n].first_cpu && cpu < t->nodes[n].first_cpu + t->nodes[n].ncpus)
            return n;
    return UINT32_MAX;
}

/* Parse and validate YAML text (len bytes); src names it in messages.
 * Returns MMSIM_OK, MMSIM_ERR_PARSE (YAML syntax), MMSIM_ERR_TOPOLOGY
 * (schema/validation) or MMSIM_ERR_NOMEM, with the message in err. */
int topo_parse(const char *text, size_t len, const char *src, struct mmsim_topology **out,
               char *err, size_t errlen);
/* topo_parse, with file names in the text (a generator's trace) relative to
 * the directory of base instead of src's (an override of a file's text). */
int topo_parse_at(const char *text, size_t len, const char *src, const char *base,
                  struct mmsim_topology **out, char *err, size_t errlen);

/* Convert a latency to picoseconds / to (rounded) core cycles. */
uint64_t topo_lat_ps(const struct mmsim_topology *t, struct topo_lat l);
uint64_t topo_lat_cycles(const struct mmsim_topology *t, struct topo_lat l);

/* Deep copy (machines keep their own). Returns NULL on allocation failure. */
struct mmsim_topology *topo_clone(const struct mmsim_topology *t);
void topo_free(struct mmsim_topology *t);

#endif
