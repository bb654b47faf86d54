/* A set-associative cache of tags and MESI states (never data: DESIGN
 * principle 1, guest data stays in flat guest memory).
 *
 * Geometry: size / (ways * line) sets, both powers of two; a line address
 * (addr >> log2(line)) indexes its set with its low bits and is stored
 * whole as the tag.  Write-back with write-allocate: a store to a line not
 * held in M or E is a miss (or, on S, an upgrade) that the caller resolves
 * and then fills in M; evicting an M line reports a writeback.
 *
 * Replacement: an invalid way first, else true LRU (a use stamp per line),
 * tree pseudo-LRU (one bit per inner node of a binary tree over the ways,
 * pointing at the half to evict from; ways that are not a power of two
 * never descend into missing ways; above 64 ways LRU is used) or random
 * (xorshift64*, seeded by the caller; no global state) — as mmu/tlb.h.
 *
 * Timing: every time is in picoseconds.  A hit costs the topology's hit
 * latency.  A line filled with a future ready time (the miss is still in
 * flight) makes a hit before then wait for it.  MSHRs bound the misses in
 * flight: a miss holds one from its start to its fill time; when all are
 * held, the next miss starts when the earliest frees.  A second miss to a
 * line already in flight merges with it and completes at its fill time. */
#ifndef MMSIM_MEM_CACHE_H
#define MMSIM_MEM_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libmmsim/internal.h"
#include "libmmsim/stats.h"
#include "libmmsim/topology.h"

#define CACHE_PLRU_MAX_WAYS 64

/* Line states; I must stay 0 (a zeroed line is invalid). */
enum mesi { MESI_I = 0, MESI_S, MESI_E, MESI_M };

const char *mesi_name(enum mesi s);

struct cache_line {
    uint64_t tag;           /* line address (addr >> line_shift) */
    uint64_t stamp;         /* LRU: last use */
    uint64_t ready;         /* ps: when a fill in flight completes */
    uint8_t state;          /* enum mesi; dirty is derived: state == MESI_M */
    /* The owner's word (in what would be padding): 0 when a line is
     * installed, reported for a victim, never read here (mem/memsys.c
     * keeps where the LLC held the line, as a hint to verify). */
    uint32_t aux;
};

struct cache_mshr {
    uint64_t line;          /* line address being fetched */
    uint64_t free_ps;       /* fill time; UINT64_MAX between acquire and release */
};

struct cache_stats {
    uint64_t hits;
    uint64_t misses;        /* line absent */
    uint64_t upgrades;      /* store to a line held in S: ownership, no data */
    uint64_t evictions;     /* valid lines displaced by fills */
    uint64_t writebacks;    /* dirty (M) lines evicted or invalidated */
    uint64_t invalidations; /* lines dropped by cache_invalidate */
    uint64_t mshr_merges;   /* misses to a line already in flight */
    uint64_t mshr_stalls;   /* misses that waited for a free MSHR */
    uint64_t mshr_stall_ps; /* total waiting time */
};

struct cache {
    struct cache_line *lines;   /* sets x ways */
    uint64_t *plru;             /* tree bits per set (PLRU only) */
    struct cache_mshr *mshr;    /* mshrs entries (NULL: unlimited) */
    uint32_t sets, ways, line, nmshr;
    unsigned line_shift;
    uint64_t set_mask;
    enum topo_repl repl;
    unsigned plru_depth;
    uint64_t hit_ps;            /* hit latency */
    uint64_t hit_cycles;        /* the same in core cycles (for the CPU's clock) */
    uint64_t clock;             /* LRU stamp source */
    /* Valid lines: a probe of an empty cache (an idle CPU's, a node no
     * one has used yet) answers without scanning a set. */
    uint64_t nvalid;
    /* Moves on whenever a line changes other than by a hit (a fill, an
     * invalidation, a downgrade): whoever remembers where a line sits, and
     * that it was ready and valid (the CPU's hit filter, kernel/timing.c),
     * knows it still is while the epoch stands. */
    uint64_t epoch;
    uint64_t rng;               /* random replacement state */
    struct cache_stats st;
    /* The line the last inline hit found (any slot: its tag and state are
     * checked again before use, so a refilled or invalidated slot simply
     * misses the memo).  Consecutive accesses to one line skip the scan. */
    struct cache_line *memo;
    unsigned memo_way;
    /* The line a lookup last found absent (cache_hit, cache_access or a
     * caller's cache_note_absent), and the epoch then: while the epoch
     * stands it is still absent (cache_absent), so the caller's slow path
     * need not scan the set again, and a fill of it only looks for the
     * victim. */
    uint64_t absent_ln, absent_epoch;
};

/* What an access or fill did. */
enum cache_outcome { CACHE_HIT = 0, CACHE_MISS, CACHE_UPGRADE };

struct cache_result {
    enum cache_outcome kind;
    enum mesi prev;             /* state of the line before the operation */
    uint64_t ready_ps;          /* hit: when the data is available */
    bool victim;                /* fill: a valid line was evicted ... */
    bool victim_dirty;          /* ... in state M: a writeback is due */
    uint64_t victim_addr;       /* ... its byte address (line aligned) */
    uint32_t victim_aux;        /* ... its aux word */
    struct cache_line *slot;    /* hit or fill: the line itself */
};

/* Set up c from a topology cache description; t converts its latency
 * (picoseconds and core cycles).  tc->size 0 makes an absent cache that
 * never hits.  mshrs 0 means unlimited.  seed drives random replacement.
 * Returns MMSIM_OK, MMSIM_ERR_INVALID (sets or line not a power of two,
 * size not a multiple of ways * line) or MMSIM_ERR_NOMEM. */
int cache_init(struct cache *c, const struct topo_cache *tc, const struct mmsim_topology *t,
               uint64_t seed);
/* Release c's arrays (c itself belongs to the caller); safe twice. */
void cache_free(struct cache *c);

static inline uint64_t cache_line_addr(const struct cache *c, uint64_t addr)
{
    return addr >> c->line_shift << c->line_shift;
}

static inline uint32_t cache_set_of(const struct cache *c, uint64_t addr)
{
    return (uint32_t)((addr >> c->line_shift) & c->set_mask);
}

static ALWAYS_INLINE void cache_touch(struct cache *c, size_t set, unsigned way)
{
    if (c->repl == TOPO_REPL_LRU) {
        struct cache_line *l = &c->lines[set * c->ways + way];
        if (l->stamp != c->clock)
            l->stamp = ++c->clock;
    } else if (c->repl == TOPO_REPL_PLRU) {
        /* Point every node on the way's path at the other half. */
        uint64_t bits = c->plru[set];
        unsigned node = 1;
        for (unsigned d = c->plru_depth; d-- > 0;) {
            unsigned b = (way >> d) & 1;
            bits = b ? bits & ~(1ull << node) : bits | (1ull << node);
            node = 2 * node + b;
        }
        c->plru[set] = bits;
    }
}

/* The hot path: a load (write false) or store that hits a ready line with
 * the permission it needs (a store needs E or M; E becomes M).  Sets
 * *ready_ps to now + hit latency, counts the hit and returns true.
 * Anything else returns false with nothing changed: call cache_access. */
static ALWAYS_INLINE bool cache_hit(struct cache *c, uint64_t addr, bool write, uint64_t now,
                                    uint64_t *ready_ps)
{
    const uint64_t ln = addr >> c->line_shift;
    const size_t set = (size_t)(ln & c->set_mask);
    struct cache_line *l = c->memo;
    unsigned w = c->memo_way;
    if (!l || l->tag != ln || l->state == MESI_I) {
        struct cache_line *row = c->lines + set * c->ways;
        for (w = 0; w < c->ways; w++)
            if (row[w].tag == ln && row[w].state != MESI_I)
                break;
        if (w == c->ways) {
            c->absent_ln = ln;
            c->absent_epoch = c->epoch;
            return false;
        }
        l = &row[w];
        c->memo = l;
        c->memo_way = w;
    }
    if (unlikely(l->ready > now || (write && l->state == MESI_S)))
        return false;
    if (write)
        l->state = MESI_M;
    cache_touch(c, set, w);
    c->st.hits++;
    *ready_ps = now + c->hit_ps;
    return true;
}

/* A caller's lookup (cache_find) found addr's line absent: remember it
 * for cache_absent and for the fill that usually follows. */
static inline void cache_note_absent(struct cache *c, uint64_t addr)
{
    c->absent_ln = addr >> c->line_shift;
    c->absent_epoch = c->epoch;
}

/* Is addr's line known absent (cache_hit found it so, and nothing has
 * been filled or invalidated since)?  False says nothing. */
static inline bool cache_absent(const struct cache *c, uint64_t addr)
{
    return c->absent_epoch == c->epoch && c->absent_ln == addr >> c->line_shift;
}

/* The full lookup.  CACHE_HIT: r->ready_ps is max(now, line ready) + hit
 * latency, a store turns E into M.  CACHE_UPGRADE: a store found the line
 * in S (the caller obtains ownership, then cache_fill(.., MESI_M, ..)).
 * CACHE_MISS: absent.  Hits, misses and upgrades are counted; the
 * replacement state is updated on a hit or upgrade. */
enum cache_outcome cache_access(struct cache *c, uint64_t addr, bool write, uint64_t now,
                                struct cache_result *r);

/* Install addr's line in state st (not MESI_I), available from ready_ps.
 * A present line only changes state (and ready time if later); otherwise
 * a victim is chosen and reported in r (victim, victim_dirty,
 * victim_addr); r->prev is the line's previous state. */
void cache_fill(struct cache *c, uint64_t addr, enum mesi st, uint64_t ready_ps,
                struct cache_result *r);

/* cache_fill, except that a line present in M stays M whatever st says
 * (a clean refill of a line held dirty must not lose the dirty copy). */
void cache_fill_keep_dirty(struct cache *c, uint64_t addr, enum mesi st, uint64_t ready_ps,
                           struct cache_result *r);

/* Drop addr's line (a snooped write, a directory invalidation, an
 * inclusive LLC's back-invalidation).  Returns its previous state: MESI_M
 * means the data must be written back (or forwarded), and is counted as a
 * writeback. */
enum mesi cache_invalidate(struct cache *c, uint64_t addr);

/* Snooped read: M or E becomes S.  Returns the previous state (MESI_M:
 * the dirty data is supplied and written back; counted as a writeback). */
enum mesi cache_downgrade(struct cache *c, uint64_t addr);

/* addr's valid line, with its set and way (for cache_touch), or NULL;
 * no side effects.  For a caller that probes and then acts on one line
 * (mem/memsys.c) without looking it up twice. */
struct cache_line *cache_find(const struct cache *c, uint64_t addr, size_t *set, unsigned *way);

/* The state of addr's line, without side effects (snoop probe, tests). */
enum mesi cache_state(const struct cache *c, uint64_t addr);

/* MSHRs.  Before sending a miss for addr down the hierarchy at time now:
 * start = cache_mshr_acquire(c, addr, now, &slot) is when the miss may
 * leave (now, or later when every MSHR is held: counted as a stall); then,
 * once the fill time is known, cache_mshr_release(c, slot, fill_ps).  If
 * the line is already in flight the miss merges: *slot is -1 and the
 * return value is that fill time (the caller sends nothing).  An unlimited
 * cache always returns now with *slot -1 and merges nothing.
 * Acquire/release pairs must not interleave with another acquire of the
 * same cache (the scheduler serialises them). */
uint64_t cache_mshr_acquire(struct cache *c, uint64_t addr, uint64_t now, int *slot);
void cache_mshr_release(struct cache *c, int slot, uint64_t fill_ps);
/* Misses in flight at time now (tests). */
uint32_t cache_mshr_busy(const struct cache *c, uint64_t now);

/* Valid lines (tests). */
uint32_t cache_count(const struct cache *c);

/* Register "<prefix>.hits", ".misses", ".upgrades", ".evictions",
 * ".writebacks", ".invalidations", ".mshr.merges", ".mshr.stalls",
 * ".mshr.stall_ps".  Returns MMSIM_OK or the registry's error. */
int cache_stats_register(struct cache *c, struct stats_registry *r, const char *prefix);

#endif
