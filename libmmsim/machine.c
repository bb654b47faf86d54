/* Assembling a machine from its topology, error reporting, hardware views. */
#include <jansson.h>
#include <stdarg.h>
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/page_alloc.h"
#include "machine.h"
#include "numa/physmem.h"
#include "process.h"
#include "traffic_api.h"

int machine_err(struct mmsim_machine *m, int code, const char *fmt, ...)
{
    if (!m)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->errmsg, sizeof(m->errmsg), fmt, ap);
    va_end(ap);
    return code;
}

void machine_clear_err(struct mmsim_machine *m)
{
    if (m)
        m->errmsg[0] = '\0';
}

const char *mmsim_machine_errmsg(const mmsim_machine *m)
{
    return m ? m->errmsg : "NULL machine";
}

const mmsim_topology *mmsim_machine_topology(const mmsim_machine *m)
{
    return m ? m->topo : NULL;
}

int mmsim_machine_create(const mmsim_topology *t, uint64_t seed, mmsim_machine **out)
{
    if (!out)
        return MMSIM_ERR_INVALID;
    *out = NULL;
    if (!t)
        return MMSIM_ERR_INVALID;
    struct mmsim_machine *m = calloc(1, sizeof(*m));
    if (!m)
        return MMSIM_ERR_NOMEM;
    m->seed = seed;
    m->next_sample = UINT64_MAX;
    int rc = MMSIM_ERR_NOMEM;
    if (!(m->topo = topo_clone(t)) || !(m->stats = stats_create()))
        goto fail;
    if ((rc = physmem_create(m->topo, &m->physmem)) != MMSIM_OK)
        goto fail;
    if ((rc = page_alloc_create(m->topo, m->physmem, &m->page_alloc)) != MMSIM_OK)
        goto fail;
    if ((rc = page_alloc_register_stats(m->page_alloc, m->stats)) != MMSIM_OK)
        goto fail;
    if ((rc = kernel_create(m, &m->kernel)) != MMSIM_OK)
        goto fail;
    if ((rc = traffic_create_from_topology(m)) != MMSIM_OK)     /* its traffic: list */
        goto fail;
    *out = m;
    return MMSIM_OK;
fail:
    mmsim_machine_destroy(m);
    return rc;
}

void mmsim_machine_destroy(mmsim_machine *m)
{
    if (!m)
        return;
    /* From one of m's own callbacks the run loop would go on with freed
     * state: refused (the harness destroys m after the run returns). */
    if (m->in_callback) {
        machine_err(m, MMSIM_ERR_STATE, "mmsim_machine_destroy called from a callback: ignored");
        return;
    }
    process_free_all(m);
    kernel_destroy(m->kernel);   /* tasks free their frames: before the allocator */
    page_alloc_destroy(m->page_alloc);
    physmem_destroy(m->physmem);
    stats_destroy(m->stats);
    topo_free(m->topo);
    free(m);
}

/* ---- Statistics API ------------------------------------------------------ */

int mmsim_stats_count(const mmsim_machine *m)
{
    return m ? stats_count(m->stats) : 0;
}

const char *mmsim_stats_name(const mmsim_machine *m, int i)
{
    return m ? stats_name(m->stats, i) : NULL;
}

int mmsim_stats_get(const mmsim_machine *m, const char *name, uint64_t *value)
{
    if (!m || !name || !value)
        return MMSIM_ERR_INVALID;
    int rc = stats_get(m->stats, name, value);
    if (rc != MMSIM_OK)
        machine_err((struct mmsim_machine *)m, rc, "no statistic named '%s'", name);
    return rc;
}

int mmsim_stats_reset(mmsim_machine *m)
{
    if (!m)
        return MMSIM_ERR_INVALID;
    stats_reset(m->stats);
    stats_drop_snapshot(m->stats);
    return MMSIM_OK;
}

int mmsim_stats_dump(const mmsim_machine *m, FILE *f, mmsim_format fmt)
{
    if (!m || !f || (fmt != MMSIM_FORMAT_TEXT && fmt != MMSIM_FORMAT_JSON))
        return MMSIM_ERR_INVALID;
    return stats_dump(m->stats, f, fmt);
}

/* ---- numactl -H ---------------------------------------------------------- */

static int hardware_json(struct mmsim_machine *m, FILE *f)
{
    const struct mmsim_topology *t = m->topo;
    json_t *root = json_object();
    json_object_set_new(root, "topology", json_string(t->name));
    json_object_set_new(root, "description", json_string(t->description));
    json_object_set_new(root, "clock_hz", json_integer((json_int_t)t->clock_hz));
    json_t *nodes = json_array();
    for (uint32_t n = 0; n < t->nnodes; n++) {
        const struct topo_node *nd = &t->nodes[n];
        json_t *o = json_object(), *cpus = json_array();
        for (uint32_t c = 0; c < nd->ncpus; c++)
            json_array_append_new(cpus, json_integer(nd->first_cpu + c));
        json_object_set_new(o, "node", json_integer(n));
        json_object_set_new(o, "cpus", cpus);
        json_object_set_new(o, "size_bytes", json_integer((json_int_t)nd->mem_size));
        json_object_set_new(o, "free_bytes",
                            json_integer((json_int_t)page_alloc_node_free_bytes(m->page_alloc, n)));
        json_object_set_new(o, "dram_base", json_integer((json_int_t)nd->mem_base));
        json_object_set_new(o, "mem_latency_ns", json_real((double)topo_lat_ps(t, nd->mem_latency) / 1e3));
        json_object_set_new(o, "mem_bandwidth_gbs", json_real((double)nd->mem_bandwidth / 1e9));
        json_array_append_new(nodes, o);
    }
    json_object_set_new(root, "nodes", nodes);
    json_t *links = json_array();
    for (uint32_t l = 0; l < t->nlinks; l++) {
        json_t *o = json_object();
        json_object_set_new(o, "from", json_integer(t->links[l].a));
        json_object_set_new(o, "to", json_integer(t->links[l].b));
        json_object_set_new(o, "latency_ns", json_real((double)topo_lat_ps(t, t->links[l].latency) / 1e3));
        json_object_set_new(o, "bandwidth_gbs", json_real((double)t->links[l].bandwidth / 1e9));
        json_array_append_new(links, o);
    }
    json_object_set_new(root, "links", links);
    json_t *dist = json_array(), *hops = json_array();
    for (uint32_t a = 0; a < t->nnodes; a++) {
        json_t *row = json_array(), *hrow = json_array();
        for (uint32_t b = 0; b < t->nnodes; b++) {
            json_array_append_new(row, json_integer(t->distance[a * t->nnodes + b]));
            json_array_append_new(hrow, json_integer(t->hops[a * t->nnodes + b]));
        }
        json_array_append_new(dist, row);
        json_array_append_new(hops, hrow);
    }
    json_object_set_new(root, "distances", dist);
    json_object_set_new(root, "distances_explicit", json_boolean(t->distance_explicit));
    json_object_set_new(root, "hops", hops);
    int rc = json_dumpf(root, f, JSON_INDENT(2)) == 0 && fputc('\n', f) != EOF ? MMSIM_OK
                                                                              : MMSIM_ERR_IO;
    json_decref(root);
    return rc;
}

int mmsim_machine_print_hardware(mmsim_machine *m, FILE *f, mmsim_format fmt)
{
    if (!m || !f)
        return MMSIM_ERR_INVALID;
    if (fmt == MMSIM_FORMAT_JSON)
        return hardware_json(m, f);
    if (fmt != MMSIM_FORMAT_TEXT)
        return machine_err(m, MMSIM_ERR_INVALID, "unknown output format %d", (int)fmt);
    /* Byte for byte the layout numactl -H prints. */
    const struct mmsim_topology *t = m->topo;
    if (t->nnodes == 1)
        fprintf(f, "available: 1 nodes (0)\n");
    else
        fprintf(f, "available: %u nodes (0-%u)\n", t->nnodes, t->nnodes - 1);
    for (uint32_t n = 0; n < t->nnodes; n++) {
        const struct topo_node *nd = &t->nodes[n];
        fprintf(f, "node %u cpus:", n);
        for (uint32_t c = 0; c < nd->ncpus; c++)
            fprintf(f, " %u", nd->first_cpu + c);
        fprintf(f, "\nnode %u size: %llu MB\n", n, (unsigned long long)(nd->mem_size >> 20));
        fprintf(f, "node %u free: %llu MB\n", n,
                (unsigned long long)(page_alloc_node_free_bytes(m->page_alloc, n) >> 20));
    }
    fprintf(f, "node distances:\nnode ");
    for (uint32_t b = 0; b < t->nnodes; b++)
        fprintf(f, "%3u ", b);
    fprintf(f, "\n");
    for (uint32_t a = 0; a < t->nnodes; a++) {
        fprintf(f, "%3u: ", a);
        for (uint32_t b = 0; b < t->nnodes; b++)
            fprintf(f, "%3u ", (unsigned)t->distance[a * t->nnodes + b]);
        fprintf(f, "\n");
    }
    return ferror(f) ? MMSIM_ERR_IO : MMSIM_OK;
}
