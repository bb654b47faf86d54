/* Link occupancy and route traversal: see link.h for the model. */
#include "numa/link.h"

#include <stdlib.h>
#include <string.h>

#include "libmmsim/internal.h"

int links_init(struct links *ls, const struct mmsim_topology *t)
{
    memset(ls, 0, sizeof(*ls));
    if (!t || !t->nnodes || (t->nnodes > 1 && !t->next_hop))
        return MMSIM_ERR_INVALID;
    const uint32_t nn = t->nnodes;
    ls->nnodes = nn;
    ls->n = t->nlinks;
    ls->next_hop = t->next_hop;
    ls->l = calloc(t->nlinks ? t->nlinks : 1, sizeof(*ls->l));
    ls->between = malloc((size_t)nn * nn * sizeof(*ls->between));
    if (!ls->l || !ls->between) {
        links_free(ls);
        return MMSIM_ERR_NOMEM;
    }
    for (size_t i = 0; i < (size_t)nn * nn; i++)
        ls->between[i] = UINT32_MAX;
    for (uint32_t i = 0; i < t->nlinks; i++) {
        const struct topo_link *tl = &t->links[i];
        if (tl->a >= nn || tl->b >= nn) {
            links_free(ls);
            return MMSIM_ERR_INVALID;
        }
        struct link *l = &ls->l[i];
        l->a = tl->a;
        l->b = tl->b;
        l->latency_ps = topo_lat_ps(t, tl->latency);
        l->bandwidth = tl->bandwidth;
        for (int d = 0; d < 2; d++) {
            uint32_t u = d ? tl->b : tl->a, v = d ? tl->a : tl->b;
            uint32_t *cur = &ls->between[(size_t)u * nn + v];
            if (*cur == UINT32_MAX || l->latency_ps < ls->l[*cur].latency_ps)
                *cur = i;
        }
    }
    return MMSIM_OK;
}

void links_free(struct links *ls)
{
    free(ls->l);
    free(ls->between);
    ls->l = NULL;
    ls->between = NULL;
}

uint64_t link_send(struct link *l, unsigned dir, uint64_t bytes, uint64_t now)
{
    MMSIM_ASSERT(dir < 2);
    const uint64_t xfer =
        l->bandwidth ? (uint64_t)(((unsigned __int128)bytes * 1000000000000ull + l->bandwidth - 1) /
                                  l->bandwidth)
                     : 0;
    const uint64_t start = now > l->free_ps[dir] ? now : l->free_ps[dir];
    l->free_ps[dir] = start + xfer;
    struct link_dir_stats *s = &l->st[dir];
    s->messages++;
    s->bytes += bytes;
    s->busy_ps += xfer;
    s->queue_ps += start - now;
    return start + l->latency_ps;
}

uint64_t links_route(struct links *ls, uint32_t from, uint32_t to, uint64_t bytes,
                     uint64_t now, uint32_t *hops)
{
    MMSIM_ASSERT(from < ls->nnodes && to < ls->nnodes);
    uint32_t h = 0;
    for (uint32_t u = from; u != to; h++) {
        const uint32_t v = ls->next_hop[(size_t)u * ls->nnodes + to];
        const uint32_t i = ls->between[(size_t)u * ls->nnodes + v];
        MMSIM_ASSERT(i != UINT32_MAX && h < ls->nnodes);
        struct link *l = &ls->l[i];
        now = link_send(l, l->a == u ? 0 : 1, bytes, now);
        u = v;
    }
    if (hops)
        *hops = h;
    return now;
}

uint64_t link_utilisation_ppm(const struct link *l, unsigned dir, uint64_t now)
{
    if (!now || dir > 1)
        return 0;
    return (uint64_t)((unsigned __int128)l->st[dir].busy_ps * 1000000u / now);
}

int links_stats_register(struct links *ls, struct stats_registry *r, const char *prefix)
{
    if (!ls || !r || !prefix)
        return MMSIM_ERR_INVALID;
    int rc = MMSIM_OK;
    for (uint32_t i = 0; i < ls->n && rc == MMSIM_OK; i++) {
        struct link *l = &ls->l[i];
        for (unsigned d = 0; d < 2 && rc == MMSIM_OK; d++) {
            const uint32_t u = d ? l->b : l->a, v = d ? l->a : l->b;
            struct link_dir_stats *s = &l->st[d];
            rc = stats_add_counterf(r, &s->messages, "messages sent in this direction",
                                    "%s.link%u.%uto%u.messages", prefix, i, u, v);
            if (rc == MMSIM_OK)
                rc = stats_add_counterf(r, &s->bytes, "bytes sent in this direction",
                                        "%s.link%u.%uto%u.bytes", prefix, i, u, v);
            if (rc == MMSIM_OK)
                rc = stats_add_counterf(r, &s->busy_ps, "picoseconds this direction was busy",
                                        "%s.link%u.%uto%u.busy_ps", prefix, i, u, v);
            if (rc == MMSIM_OK)
                rc = stats_add_counterf(r, &s->queue_ps,
                                        "picoseconds messages waited for this direction",
                                        "%s.link%u.%uto%u.queue_ps", prefix, i, u, v);
        }
    }
    return rc;
}
