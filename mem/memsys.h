/* The machine's memory system: the standalone timing components (caches,
 * node buses, memory controllers, links, coherence decisions) composed into
 * one hierarchy that answers "when does this access complete, and where was
 * it satisfied?".  Holds tags, states and "next free" times, never guest
 * data (DESIGN principle 1).  docs/TIMING.md, "The memory system", gives the
 * latency composition; every time is in picoseconds.
 *
 * Shape, per CPU: L1I and L1D, then a unified L2 that includes both (an L2
 * eviction back-invalidates the L1s), all private.  Per node: the node bus
 * shared by its CPUs (MESI snooping of their private caches), a last-level
 * cache (inclusive of the private caches or not, t->nodes[n].llc.inclusive)
 * and, when the node has memory, its controller.  Across nodes: a home
 * directory per line (at the node whose DRAM holds it) and the links.
 *
 * Two entry points, matching DESIGN principle 2:
 *  - memsys_private(): L1 then L2 of one CPU, touching nothing shared, so a
 *    CPU may call it whatever its clock relative to the others;
 *  - memsys_access(): the whole path, only when the caller has made this
 *    CPU's clock the smallest (shared resources see non-decreasing times).
 *
 * Every line size in the hierarchy must be the same (the coherence unit). */
#ifndef MMSIM_MEM_MEMSYS_H
#define MMSIM_MEM_MEMSYS_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/bus.h"
#include "libmmsim/internal.h"
#include "libmmsim/stats.h"
#include "libmmsim/topology.h"
#include "mem/cache.h"
#include "mem/coherence.h"
#include "mem/dram.h"
#include "numa/link.h"

struct physmem;

enum mem_kind {
    MEM_LOAD = 0,
    MEM_STORE,
    MEM_FETCH,      /* instruction fetch: L1I */
    MEM_PTE,        /* a page-table walker read: through L1D, counted apart */
};

/* Where an access was satisfied. */
enum mem_class {
    MC_L1 = 0,
    MC_L2,
    MC_LLC,             /* the node's last-level cache */
    MC_C2C_LOCAL,       /* another private cache of the same node supplied it */
    MC_C2C_REMOTE,      /* another node's caches supplied it (forwarded by the home) */
    MC_DRAM_LOCAL,      /* the node's own memory controller */
    MC_DRAM_REMOTE,     /* another node's controller over the links (stats per hop count) */
    MC_UPGRADE,         /* ownership of a line already held shared: no data moved */
    MC_COUNT
};

/* Per CPU and class: the number of accesses, their latency in total and
 * what it would have been without queueing (stall-free); their difference
 * is the time lost to contention. */
struct memsys_cls_stats {
    uint64_t count;
    uint64_t ps;                /* completion - issue, summed */
    uint64_t unloaded_ps;       /* the same on an idle machine */
    struct stats_hist lat;      /* latency histogram (not kept for L1: constant) */
};

struct memsys_cpu_stats {
    uint64_t pf_issued;         /* prefetches sent below L2 */
    uint64_t pf_redundant;      /* prefetch candidates already cached */
};

struct memsys_cpu {
    struct cache l1i, l1d, l2;
    unsigned node, local;       /* node and index among the node's CPUs */
    uint64_t pf_last, pf_stride;        /* stride prefetcher: last L1D miss line, stride */
    bool pf_confirmed;                  /* the last two strides were equal */
    /* [MC_COUNT] for data/fetch accesses, then page-walk reads, then
     * remote DRAM per hop count (1..max hops). */
    struct memsys_cls_stats *cls;
    struct memsys_cpu_stats st;
    /* The last access memsys_private declined because neither its L1 nor
     * the L2 held the line: the line and the two caches' epochs then.
     * While both epochs stand, memsys_access knows both miss without
     * scanning the sets again (misses change no replacement state). */
    uint64_t miss_line;
    const struct cache *miss_l1;
    uint64_t miss_e1, miss_e2;
    /* The line memsys_prefetch last prefetched for: a miss on it soon
     * after need not ask again. */
    uint64_t pf_hint;
};

/* Lines a confirmed stride prefetches ahead. */
#define MEMSYS_PF_DEGREE 2

#define MEMSYS_PTE_SLOT MC_COUNT
#define MEMSYS_HOP_SLOT(h) (MC_COUNT + (h))     /* h >= 1 */

/* One home node's directory: lines of its DRAM cached by some node, in
 * an open-addressing table (key and entry side by side: one host miss). */
struct memsys_dir_slot {
    uint64_t key;               /* line number + 1; 0 = empty slot */
    struct dir_entry e;
};

struct memsys_dir {
    struct memsys_dir_slot *s;
    uint64_t cap, n;            /* power-of-two slots, entries used */
};

struct memsys_node_stats {
    uint64_t c2c;               /* cache-to-cache transfers within the node */
    uint64_t snoop_invalidations;       /* private copies invalidated by snoops */
    uint64_t back_invalidations;        /* private copies dropped by an inclusive LLC */
    uint64_t dir_requests;      /* directory requests handled as home */
    uint64_t dir_forwards;      /* ... forwarded to an owner node */
    uint64_t dir_invalidations; /* ... invalidations sent to sharer nodes */
    uint64_t writebacks;        /* dirty lines written back to memory (as home) */
};

struct memsys_node {
    struct cache llc;
    struct bus bus;
    struct dram dram;
    bool has_mem, inclusive;
    struct memsys_dir dir;
    struct memsys_node_stats st;
};

struct memsys {
    const struct mmsim_topology *t;
    const struct physmem *pm;
    struct memsys_cpu *cpu;
    struct memsys_node *node;
    uint32_t ncpus, nnodes, max_hops;
    uint32_t line;              /* bytes, the coherence unit */
    unsigned line_shift;
    enum topo_prefetch prefetch;
    struct links links;
    /* memsys_home's table: the node of each 2^home_shift bytes from
     * home_base (MEMSYS_NO_HOME in holes), when the DRAM ranges' bounds
     * share a granule that makes the table small; nhome 0 otherwise. */
    uint64_t home_base;
    unsigned home_shift;
    uint32_t nhome;
    uint8_t *home_of;
};

#define MEMSYS_NO_HOME UINT8_MAX

/* Build the hierarchy for t (which must outlive ms: links point into its
 * routes).  pm (may be NULL: the topology's DRAM ranges are used) maps an
 * address to its home node.  seed drives random replacement.  reg (may be
 * NULL) gets every statistic: cpuN.l1i|l1d|l2.*, nodeN.llc|bus|mem.*,
 * numa.link*, and the memory system's own (docs/TIMING.md).  Returns
 * MMSIM_OK, MMSIM_ERR_INVALID (inconsistent line sizes or geometry, more
 * than 64 CPUs on a node), MMSIM_ERR_NOMEM or the registry's error; *out is
 * NULL on failure. */
int memsys_create(const struct mmsim_topology *t, const struct physmem *pm, uint64_t seed,
                  struct stats_registry *reg, struct memsys **out);
/* NULL is a no-op.  The registry must not be read afterwards for ms's names. */
void memsys_destroy(struct memsys *ms);

/* Out-of-line part of memsys_private: the L2. */
bool memsys_private_l2(struct memsys *ms, unsigned cpu, uint64_t paddr, enum mem_kind k,
                       uint64_t now, uint64_t *done_ps);

/* The private fast path: L1 (I for fetches, D otherwise), then L2, of cpu.
 * True with *done_ps when satisfied there touching no shared state: a load
 * or fetch hit in any valid state, a store hit in E or M (a hit on a line
 * whose fill is still in flight waits for it).  False, with nothing
 * changed, when the access needs the shared hierarchy: then yield and call
 * memsys_access. */
static ALWAYS_INLINE bool memsys_private(struct memsys *ms, unsigned cpu, uint64_t paddr,
                                         enum mem_kind k, uint64_t now, uint64_t *done_ps)
{
    struct memsys_cpu *c = &ms->cpu[cpu];
    struct cache *l1 = k == MEM_FETCH ? &c->l1i : &c->l1d;
    if (likely(cache_hit(l1, paddr, k == MEM_STORE, now, done_ps))) {
        struct memsys_cls_stats *s = &c->cls[k == MEM_PTE ? MEMSYS_PTE_SLOT : MC_L1];
        s->count++;
        s->ps += l1->hit_ps;
        s->unloaded_ps += l1->hit_ps;
        return true;
    }
    return memsys_private_l2(ms, cpu, paddr, k, now, done_ps);
}

/* The full access by cpu at now, when the caller has made sure no CPU has
 * a smaller clock.  Returns the completion time (ps) and, in *cls (may be
 * NULL), where it was satisfied.  Loads and fetches complete when the data
 * arrives; a store when ownership is obtained (a store buffer may let the
 * CPU go on earlier).  Victims' writebacks are posted (they occupy the
 * bus, links and controllers but delay nobody's completion directly). */
uint64_t memsys_access(struct memsys *ms, unsigned cpu, uint64_t paddr, enum mem_kind k,
                       uint64_t now, enum mem_class *cls);

/* A hint, changing nothing the model sees: paddr may miss cpu's private
 * caches soon, so the host may start fetching the simulator's own
 * structures that such a miss probes at random places (the LLC set, the
 * home directory's slot).  Issued ahead of the access (the kernel does at
 * a software-TLB miss), their host misses overlap other work. */
void memsys_prefetch(struct memsys *ms, unsigned cpu, uint64_t paddr);

/* The unloaded latency (ps) the configuration implies for class cls, for
 * cpu reaching a line homed at home_node: for MC_C2C_REMOTE home_node is
 * the owner node (the line homed at the owner or at cpu's node); for
 * MC_UPGRADE an upgrade within cpu's node.  An isolated access of that
 * class costs exactly this. */
uint64_t memsys_unloaded_ps(const struct memsys *ms, unsigned cpu, enum mem_class cls,
                            unsigned home_node);

/* Home node of paddr (addresses outside DRAM: node 0). */
unsigned memsys_home(const struct memsys *ms, uint64_t paddr);

/* When cpu's L1 (I for fetches) next has a free MSHR at or after now: a
 * core with several misses in flight (a store buffer) should not present
 * a miss before then, so that its clock stays the time the miss leaves. */
uint64_t memsys_mshr_free_ps(const struct memsys *ms, unsigned cpu, enum mem_kind k,
                             uint64_t now);

/* The home directory's entry for paddr's line (tests, reports): false when
 * no node caches it (or on a one-node machine, which has no directory). */
bool memsys_dir_lookup(const struct memsys *ms, uint64_t paddr, struct dir_entry *out);

/* The stats name of a class ("l1", "l2", "llc", "c2c_local", ...). */
const char *memsys_class_name(enum mem_class cls);

#endif
