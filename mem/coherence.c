/* MESI snooping and home-directory decisions: see coherence.h. */
#include "mem/coherence.h"

#include <string.h>

void coh_snoop_decide(enum mesi *st, unsigned n, unsigned req, bool write,
                      struct coh_snoop *out)
{
    MMSIM_ASSERT(n <= COH_MAX_CPUS && req < n);
    memset(out, 0, sizeof(*out));
    out->supplier = -1;
    int owner = -1;
    uint64_t sharers = 0;
    for (unsigned i = 0; i < n; i++) {
        if (i == req || st[i] == MESI_I)
            continue;
        if (st[i] == MESI_S) {
            sharers |= 1ull << i;
        } else {
            MMSIM_ASSERT(owner < 0);
            owner = (int)i;
        }
    }
    MMSIM_ASSERT(owner < 0 || (!sharers && st[req] == MESI_I));

    const enum mesi mine = st[req];
    if (!write && mine != MESI_I) {
        out->req_state = mine;
        return;
    }
    if (write && (mine == MESI_M || mine == MESI_E)) {
        out->req_state = st[req] = MESI_M;
        return;
    }
    if (write && mine == MESI_S) {
        out->op = COH_BUSUPGR;
    } else {
        out->op = write ? COH_BUSRDX : COH_BUSRD;
        if (owner >= 0) {
            out->supplier = owner;
            out->writeback = !write && st[owner] == MESI_M;
        } else {
            out->from_memory = true;
        }
    }
    if (write) {
        uint64_t inv = sharers | (owner >= 0 ? 1ull << owner : 0);
        out->invalidate = inv;
        out->ninvalidate = (unsigned)__builtin_popcountll(inv);
        for (uint64_t m = inv; m; m &= m - 1)
            st[__builtin_ctzll(m)] = MESI_I;
        out->req_state = st[req] = MESI_M;
    } else {
        if (owner >= 0)
            st[owner] = MESI_S;
        out->req_state = st[req] = (owner >= 0 || sharers) ? MESI_S : MESI_E;
    }
}

void dir_request(struct dir_entry *e, unsigned node, bool write, struct dir_outcome *out)
{
    MMSIM_ASSERT(node < DIR_MAX_NODES);
    memset(out, 0, sizeof(*out));
    out->forward_to = -1;
    const uint64_t me = 1ull << node;
    switch ((enum dir_state)e->state) {
    case DIR_UNCACHED:
        out->data = DIR_DATA_MEMORY;
        e->state = DIR_EXCLUSIVE;
        e->owner = (uint8_t)node;
        e->presence = me;
        return;
    case DIR_SHARED:
        if (!write) {
            /* A sharer re-reading (it lost the line silently) still needs data. */
            out->data = DIR_DATA_MEMORY;
            e->presence |= me;
            return;
        }
        out->upgrade = (e->presence & me) != 0;
        out->data = out->upgrade ? DIR_DATA_NONE : DIR_DATA_MEMORY;
        out->invalidate = e->presence & ~me;
        out->ninvalidate = (unsigned)__builtin_popcountll(out->invalidate);
        e->state = DIR_EXCLUSIVE;
        e->owner = (uint8_t)node;
        e->presence = me;
        return;
    case DIR_EXCLUSIVE:
        if (e->owner == node)
            return;
        out->data = DIR_DATA_OWNER;
        out->forward_to = e->owner;
        if (write) {
            out->invalidate = 1ull << e->owner;
            out->ninvalidate = 1;
            e->owner = (uint8_t)node;
            e->presence = me;
        } else {
            out->owner_keeps = true;
            e->state = DIR_SHARED;
            e->presence |= me;
        }
        return;
    }
}

bool dir_evict(struct dir_entry *e, unsigned node, bool dirty)
{
    MMSIM_ASSERT(node < DIR_MAX_NODES);
    const uint64_t me = 1ull << node;
    if (!(e->presence & me))
        return false;
    e->presence &= ~me;
    if (e->state == DIR_EXCLUSIVE) {
        MMSIM_ASSERT(e->owner == node);
        e->state = DIR_UNCACHED;
        return dirty;
    }
    if (!e->presence)
        e->state = DIR_UNCACHED;
    return false;
}
