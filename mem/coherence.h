/* Coherence decisions as pure functions: MESI snooping within a node and a
 * home-node directory across nodes.  They say what must happen; the caller
 * (the memory hierarchy, later) applies the new states to its caches and
 * charges the bus, link and memory time of what was decided.
 *
 * Snooping (one node, one line, the private caches of n <= 64 CPUs):
 *
 *   requester   access  others            result
 *   M/E/S       read    -                 hit, no bus transaction
 *   M           write   -                 hit
 *   E           write   -                 hit, silently M
 *   S           write   S                 BusUpgr: invalidate the other S copies; M
 *   I           read    none              BusRd, memory (or LLC) supplies; E
 *   I           read    S only            BusRd, memory supplies; S
 *   I           read    an E or M owner   BusRd, the owner supplies cache to cache and
 *                                         becomes S; an M owner's data is also written
 *                                         back (MESI has no O state); S
 *   I           write   none              BusRdX, memory supplies; M
 *   I           write   S copies          BusRdX, memory supplies, copies invalidated; M
 *   I           write   an E or M owner   BusRdX, the owner supplies and is
 *                                         invalidated (dirty data moves, no writeback); M
 *
 * Directory (home node of a line; presence bit per node, n <= 64 nodes):
 *
 *   state       request from p          result
 *   uncached    read                    memory; EXCLUSIVE, owner p (p may hold E)
 *   uncached    write                   memory; EXCLUSIVE, owner p (M)
 *   shared      read                    memory; SHARED, p added
 *   shared      write                   invalidate the other sharers; memory data unless
 *                                       p already shares (an upgrade); EXCLUSIVE p
 *   exclusive q read                    forwarded to q, q supplies and keeps a shared copy
 *                                       (writing back if dirty); SHARED {p, q}
 *   exclusive q write                   forwarded to q, q supplies and is invalidated;
 *                                       EXCLUSIVE p
 *   exclusive p any                     nothing: the node already owns the line */
#ifndef MMSIM_MEM_COHERENCE_H
#define MMSIM_MEM_COHERENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/cache.h"

#define COH_MAX_CPUS 64
#define DIR_MAX_NODES 64

enum coh_bus_op { COH_NONE = 0, COH_BUSRD, COH_BUSRDX, COH_BUSUPGR };

struct coh_snoop {
    enum coh_bus_op op;         /* the bus transaction, COH_NONE for a hit */
    enum mesi req_state;        /* the requester's new state */
    int supplier;               /* the CPU that supplies the line cache to cache, or -1 */
    bool from_memory;           /* data comes from below (LLC/memory/directory) */
    bool writeback;             /* the supplier's dirty line is written back to memory */
    uint64_t invalidate;        /* CPUs whose copies are invalidated (bit per CPU) */
    unsigned ninvalidate;
};

/* The MESI decision for CPU req (< n) reading or writing a line whose state
 * in each of the n private caches is st[i].  Writes the new states back to
 * st and describes the transaction in *out.  Inconsistent input (two
 * owners, an owner beside sharers) is a caller bug (asserted). */
void coh_snoop_decide(enum mesi *st, unsigned n, unsigned req, bool write,
                      struct coh_snoop *out);

enum dir_state { DIR_UNCACHED = 0, DIR_SHARED, DIR_EXCLUSIVE };

struct dir_entry {
    uint64_t presence;          /* nodes holding a copy */
    uint8_t state;              /* enum dir_state */
    uint8_t owner;              /* DIR_EXCLUSIVE: the owning node */
};

enum dir_data { DIR_DATA_NONE = 0, DIR_DATA_MEMORY, DIR_DATA_OWNER };

struct dir_outcome {
    enum dir_data data;         /* where the line comes from */
    int forward_to;             /* owner node the request is forwarded to, or -1 */
    bool owner_keeps;           /* read forward: the owner keeps a shared copy */
    uint64_t invalidate;        /* nodes sent invalidations (bit per node) */
    unsigned ninvalidate;
    bool upgrade;               /* write by a sharer: ownership without data */
};

/* Node `node` reads or writes the line: update e and describe the messages.
 * A node that already owns the line gets DIR_DATA_NONE and nothing else. */
void dir_request(struct dir_entry *e, unsigned node, bool write, struct dir_outcome *out);

/* Node `node` drops its copy (eviction).  Returns true when the directory
 * expects the data back (the node was the exclusive owner and says its copy
 * is dirty). */
bool dir_evict(struct dir_entry *e, unsigned node, bool dirty);

#endif
