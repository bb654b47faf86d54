/* Public API of the guest physical memory (include/mmsim/mmsim.h, the
 * MEMORY section): page allocation under a policy, and the views. */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/mempolicy.h"
#include "kernel/page_alloc.h"
#include "machine.h"
#include "mem/memsys.h"

_Static_assert(MMSIM_GFP_DMA == __GFP_DMA && MMSIM_GFP_DMA32 == __GFP_DMA32 &&
                   MMSIM_GFP_HIGH == __GFP_HIGH && MMSIM_GFP_ZERO == __GFP_ZERO &&
                   MMSIM_GFP_MEMALLOC == __GFP_MEMALLOC &&
                   MMSIM_GFP_THISNODE == __GFP_THISNODE && MMSIM_GFP_NOWAIT == GFP_NOWAIT &&
                   MMSIM_GFP_ATOMIC == GFP_ATOMIC && MMSIM_GFP_KERNEL == GFP_KERNEL &&
                   MMSIM_GFP_USER == GFP_USER &&
                   MMSIM_GFP_HIGHUSER_MOVABLE == GFP_HIGHUSER_MOVABLE,
               "public GFP flags mirror kernel/page_alloc.h");
_Static_assert(MMSIM_MPOL_WEIGHTED_INTERLEAVE == MPOL_WEIGHTED_INTERLEAVE &&
                   MMSIM_MPOL_F_STATIC_NODES == MPOL_F_STATIC_NODES &&
                   MMSIM_MPOL_F_RELATIVE_NODES == MPOL_F_RELATIVE_NODES &&
                   MMSIM_ZONE_MOVABLE == ZONE_MOVABLE && MMSIM_NR_ZONES == MAX_NR_ZONES,
               "public policy and zone numbers mirror the kernel's");

static int no_memory(struct mmsim_machine *m)
{
    return machine_err(m, MMSIM_ERR_STATE, "the machine has no guest memory manager");
}

int mmsim_page_alloc(mmsim_machine *m, const mmsim_mempolicy *pol, unsigned cpu, unsigned gfp,
                     unsigned order, uint64_t ilx, uint64_t *paddr)
{
    if (!m || !paddr)
        return m ? machine_err(m, MMSIM_ERR_INVALID, "paddr is NULL") : MMSIM_ERR_INVALID;
    machine_clear_err(m);
    if (!m->page_alloc)
        return no_memory(m);
    if (cpu >= m->topo->ncpus)
        return machine_err(m, MMSIM_ERR_RANGE, "cpu %u out of range (0-%u)", cpu,
                           m->topo->ncpus - 1);
    if (order >= page_alloc_nr_orders(m->page_alloc))
        return machine_err(m, MMSIM_ERR_RANGE, "order %u out of range (0-%u)", order,
                           page_alloc_nr_orders(m->page_alloc) - 1);
    struct mempolicy p = {0};
    if (pol) {
        nodemask_t nodes = pol->nodes;
        int err = mempolicy_init(&p, pol->mode, pol->flags, &nodes, m->topo);
        if (err)
            return machine_err(m, MMSIM_ERR_INVALID,
                               "invalid memory policy (mode %d, flags %#x, nodes %#llx): %s",
                               pol->mode, pol->flags, (unsigned long long)pol->nodes,
                               strerror(-err));
        memcpy(p.weights, pol->weights, sizeof(p.weights));
    }
    if (!gfp)
        gfp = GFP_KERNEL;
    uint64_t pfn;
    int rc = mempolicy_alloc(m->page_alloc, &p, topo_cpu_node(m->topo, cpu), ilx, gfp, order,
                             &pfn);
    if (rc == MMSIM_ERR_GUEST_NOMEM)
        return machine_err(m, rc, "no memory for an order-%u allocation under the %s policy",
                           order, mempolicy_mode_name(p.mode));
    if (rc)
        return machine_err(m, rc, "allocation failed");
    /* Mark the block as the harness's, so mmsim_page_free can refuse frames
     * the guest kernel owns (freeing those would double-free them later). */
    page_alloc_pfn_to_page(m->page_alloc, pfn)->flags |= PG_api;
    *paddr = pfn << PAGE_SHIFT;
    return MMSIM_OK;
}

int mmsim_page_free(mmsim_machine *m, uint64_t paddr, unsigned order)
{
    if (!m)
        return MMSIM_ERR_INVALID;
    machine_clear_err(m);
    if (!m->page_alloc)
        return no_memory(m);
    uint64_t pfn = paddr >> PAGE_SHIFT;
    if ((paddr & (PAGE_SIZE - 1)) || !page_alloc_valid_block(m->page_alloc, pfn, order))
        return machine_err(m, MMSIM_ERR_INVALID,
                           "%#llx is not an allocated block of order %u",
                           (unsigned long long)paddr, order);
    if (!(page_alloc_pfn_to_page(m->page_alloc, pfn)->flags & PG_api))
        return machine_err(m, MMSIM_ERR_INVALID,
                           "%#llx was not allocated with mmsim_page_alloc (the guest kernel owns it)",
                           (unsigned long long)paddr);
    page_free_pages(m->page_alloc, pfn, order);
    return MMSIM_OK;
}

const char *mmsim_zone_name(unsigned zone)
{
    return zone < MAX_NR_ZONES ? zone_name((enum zone_type)zone) : NULL;
}

int mmsim_memory_zone_info(mmsim_machine *m, unsigned node, unsigned zone,
                           mmsim_zone_info *out)
{
    if (!m || !out)
        return m ? machine_err(m, MMSIM_ERR_INVALID, "out is NULL") : MMSIM_ERR_INVALID;
    machine_clear_err(m);
    if (!m->page_alloc)
        return no_memory(m);
    if (node >= m->topo->nnodes || zone >= MAX_NR_ZONES)
        return machine_err(m, MMSIM_ERR_RANGE, "node %u zone %u out of range", node, zone);
    struct zone_info zi;
    page_alloc_zone_info(m->page_alloc, node, (enum zone_type)zone, &zi);
    memset(out, 0, sizeof(*out));
    out->populated = zi.populated;
    out->start_pfn = zi.start_pfn;
    out->spanned = zi.spanned;
    out->present = zi.present;
    out->managed = zi.managed;
    out->free_pages = zi.free_pages;
    out->min = zi.wmark_min;
    out->low = zi.wmark_low;
    out->high = zi.wmark_high;
    out->orders = page_alloc_nr_orders(m->page_alloc);
    memcpy(out->free_blocks, zi.nr_free, sizeof(uint64_t) * out->orders);
    return MMSIM_OK;
}

int mmsim_memory_numa_stat(mmsim_machine *m, unsigned node, mmsim_numa_stat *out)
{
    if (!m || !out)
        return m ? machine_err(m, MMSIM_ERR_INVALID, "out is NULL") : MMSIM_ERR_INVALID;
    machine_clear_err(m);
    if (!m->page_alloc)
        return no_memory(m);
    if (node >= m->topo->nnodes)
        return machine_err(m, MMSIM_ERR_RANGE, "node %u out of range", node);
    struct numa_stat s;
    page_alloc_numa_stat(m->page_alloc, node, &s);
    *out = (mmsim_numa_stat){s.numa_hit,       s.numa_miss,  s.numa_foreign,
                             s.interleave_hit, s.local_node, s.other_node};
    return MMSIM_OK;
}

static json_t *memory_json(const struct page_alloc *pa)
{
    json_t *root = json_object(), *nodes = json_array();
    if (!root || !nodes) {
        json_decref(root);
        json_decref(nodes);
        return NULL;
    }
    unsigned norders = page_alloc_nr_orders(pa);
    json_object_set_new(root, "page_size", json_integer((json_int_t)PAGE_SIZE));
    json_object_set_new(root, "orders", json_integer(norders));
    json_object_set_new(root, "min_free_kbytes",
                        json_integer((json_int_t)page_alloc_min_free_kbytes(pa)));
    json_object_set_new(root, "nodes", nodes);
    for (unsigned n = 0; n < page_alloc_nr_nodes(pa); n++) {
        json_t *jn = json_object(), *zones = json_array(), *numa = json_object();
        json_array_append_new(nodes, jn);
        json_object_set_new(jn, "node", json_integer(n));
        json_object_set_new(jn, "free_bytes",
                            json_integer((json_int_t)page_alloc_node_free_bytes(pa, n)));
        struct numa_stat s;
        page_alloc_numa_stat(pa, n, &s);
        json_object_set_new(numa, "numa_hit", json_integer((json_int_t)s.numa_hit));
        json_object_set_new(numa, "numa_miss", json_integer((json_int_t)s.numa_miss));
        json_object_set_new(numa, "numa_foreign", json_integer((json_int_t)s.numa_foreign));
        json_object_set_new(numa, "interleave_hit", json_integer((json_int_t)s.interleave_hit));
        json_object_set_new(numa, "local_node", json_integer((json_int_t)s.local_node));
        json_object_set_new(numa, "other_node", json_integer((json_int_t)s.other_node));
        json_object_set_new(jn, "numastat", numa);
        json_object_set_new(jn, "zones", zones);
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
            struct zone_info zi;
            page_alloc_zone_info(pa, n, (enum zone_type)zt, &zi);
            if (!zi.populated)
                continue;
            json_t *jz = json_object(), *blocks = json_array(), *frag = json_array();
            json_array_append_new(zones, jz);
            json_object_set_new(jz, "zone", json_string(zone_name((enum zone_type)zt)));
            json_object_set_new(jz, "start_pfn", json_integer((json_int_t)zi.start_pfn));
            json_object_set_new(jz, "spanned", json_integer((json_int_t)zi.spanned));
            json_object_set_new(jz, "present", json_integer((json_int_t)zi.present));
            json_object_set_new(jz, "managed", json_integer((json_int_t)zi.managed));
            json_object_set_new(jz, "free_pages", json_integer((json_int_t)zi.free_pages));
            json_object_set_new(jz, "min", json_integer((json_int_t)zi.wmark_min));
            json_object_set_new(jz, "low", json_integer((json_int_t)zi.wmark_low));
            json_object_set_new(jz, "high", json_integer((json_int_t)zi.wmark_high));
            for (unsigned o = 0; o < norders; o++) {
                json_array_append_new(blocks, json_integer((json_int_t)zi.nr_free[o]));
                int idx = page_alloc_extfrag_index(pa, n, (enum zone_type)zt, o);
                json_array_append_new(frag, json_real(idx / 1000.0));
            }
            json_object_set_new(jz, "free_blocks", blocks);
            json_object_set_new(jz, "extfrag_index", frag);
        }
    }
    return root;
}

int mmsim_memory_print(mmsim_machine *m, FILE *f, mmsim_memory_view view, mmsim_format fmt)
{
    if (!m || !f)
        return m ? machine_err(m, MMSIM_ERR_INVALID, "stream is NULL") : MMSIM_ERR_INVALID;
    machine_clear_err(m);
    if (!m->page_alloc)
        return no_memory(m);
    if ((unsigned)view > MMSIM_VIEW_NUMASTAT)
        return machine_err(m, MMSIM_ERR_INVALID, "unknown memory view %d", (int)view);
    const struct page_alloc *pa = m->page_alloc;
    int rc;
    if (fmt == MMSIM_FORMAT_JSON) {
        json_t *root = memory_json(pa);
        if (!root)
            return machine_err(m, MMSIM_ERR_NOMEM, "out of memory building JSON");
        rc = json_dumpf(root, f, JSON_INDENT(2)) == 0 && fputc('\n', f) != EOF ? MMSIM_OK
                                                                               : MMSIM_ERR_IO;
        json_decref(root);
    } else if (fmt == MMSIM_FORMAT_TEXT) {
        switch (view) {
        case MMSIM_VIEW_BUDDYINFO: rc = page_alloc_print_buddyinfo(pa, f); break;
        case MMSIM_VIEW_ZONEINFO: rc = page_alloc_print_zoneinfo(pa, f); break;
        case MMSIM_VIEW_PAGETYPEINFO: rc = page_alloc_print_pagetypeinfo(pa, f); break;
        case MMSIM_VIEW_EXTFRAG: rc = page_alloc_print_extfrag(pa, f); break;
        default: rc = page_alloc_print_numastat(pa, f); break;
        }
    } else {
        return machine_err(m, MMSIM_ERR_INVALID, "unknown output format %d", (int)fmt);
    }
    return rc ? machine_err(m, rc, "cannot write the memory view") : MMSIM_OK;
}

int mmsim_memory_latency(mmsim_machine *m, unsigned cpu, mmsim_mem_level level,
                         unsigned home_node, uint64_t *ps)
{
    if (!m || !ps)
        return m ? machine_err(m, MMSIM_ERR_INVALID, "latency output is NULL")
                 : MMSIM_ERR_INVALID;
    machine_clear_err(m);
    const struct mmsim_topology *t = m->topo;
    if (cpu >= t->ncpus)
        return machine_err(m, MMSIM_ERR_RANGE, "CPU %u out of range (0-%u)", cpu, t->ncpus - 1);
    static const enum mem_class cls[] = {MC_L1, MC_L2, MC_LLC, MC_DRAM_LOCAL};
    if ((unsigned)level > MMSIM_LEVEL_DRAM)
        return machine_err(m, MMSIM_ERR_INVALID, "unknown memory level %d", (int)level);
    if (level == MMSIM_LEVEL_DRAM &&
        (home_node >= t->nnodes || !t->nodes[home_node].mem_size))
        return machine_err(m, MMSIM_ERR_RANGE, "node %u has no memory", home_node);
    struct memsys *ms = kernel_memsys(m->kernel);
    if (!ms)
        return machine_err(m, MMSIM_ERR_NOMEM, "cannot build the memory system");
    enum mem_class c = cls[level];
    if (level == MMSIM_LEVEL_DRAM && home_node != topo_cpu_node(t, cpu))
        c = MC_DRAM_REMOTE;
    *ps = memsys_unloaded_ps(ms, cpu, c, level == MMSIM_LEVEL_DRAM ? home_node
                                                                  : topo_cpu_node(t, cpu));
    return MMSIM_OK;
}
