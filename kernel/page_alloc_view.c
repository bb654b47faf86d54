/* Text views of the allocator in the formats of Linux's /proc files. */
#include <inttypes.h>
#include <string.h>

#include "kernel/page_alloc_internal.h"

static int done(FILE *f)
{
    return ferror(f) ? MMSIM_ERR_IO : MMSIM_OK;
}

/* /proc/buddyinfo: populated zones only, free blocks per order. */
int page_alloc_print_buddyinfo(const struct page_alloc *pa, FILE *f)
{
    for (unsigned n = 0; n < pa->nnodes; n++) {
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
            const struct zone *z = pa_zone(pa, n, (enum zone_type)zt);
            if (!z->populated)
                continue;
            fprintf(f, "Node %u, zone %8s ", n, zone_name(z->type));
            for (unsigned o = 0; o < pa->norders; o++)
                fprintf(f, "%6" PRIu64 " ", zone_nr_free(pa, z, o));
            fputc('\n', f);
        }
    }
    return done(f);
}

/* /proc/zoneinfo, abridged to the allocator's part: every zone of every
 * node with memory; the details only for populated zones, as Linux. */
int page_alloc_print_zoneinfo(const struct page_alloc *pa, FILE *f)
{
    for (unsigned n = 0; n < pa->nnodes; n++) {
        const struct pa_node *pn = &pa->node[n];
        bool any = false;
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++)
            any |= pn->zones[zt].populated;
        if (!any)
            continue;
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
            const struct zone *z = &pn->zones[zt];
            uint64_t spanned = z->end_pfn - z->start_pfn;
            fprintf(f, "Node %u, zone %8s\n", n, zone_name(z->type));
            fprintf(f, "  pages free     %" PRIu64 "\n", z->free_pages);
            fprintf(f, "        boost    0\n");
            fprintf(f, "        min      %" PRIu64 "\n", z->wmark[WMARK_MIN]);
            fprintf(f, "        low      %" PRIu64 "\n", z->wmark[WMARK_LOW]);
            fprintf(f, "        high     %" PRIu64 "\n", z->wmark[WMARK_HIGH]);
            fprintf(f, "        spanned  %" PRIu64 "\n", spanned);
            fprintf(f, "        present  %" PRIu64 "\n", spanned);
            fprintf(f, "        managed  %" PRIu64 "\n", z->managed);
            if (!z->populated)
                continue;
            fprintf(f, "      nr_free_pages %" PRIu64 "\n", z->free_pages);
            fprintf(f, "      pgalloc      %" PRIu64 "\n", z->pgalloc);
            fprintf(f, "      pgfree       %" PRIu64 "\n", z->pgfree);
            if (pa->pcp) {
                /* Linux prints one entry per CPU; one list serves every
                 * CPU of the node here (docs/MEMORY.md). */
                fprintf(f, "  pagesets\n");
                fprintf(f, "    cpu: node%u\n", n);
                fprintf(f, "              count: %" PRIu64 "\n", z->pcp.count);
                fprintf(f, "              high:  %" PRIu64 "\n", z->pcp.high);
                fprintf(f, "              batch: %" PRIu64 "\n", z->pcp.batch);
            }
            fprintf(f, "  start_pfn:           %" PRIu64 "\n", z->start_pfn);
        }
    }
    return done(f);
}

/* /proc/pagetypeinfo with the one migrate type this model has: every
 * block is "Movable", as every pageblock is at a fresh Linux boot. */
int page_alloc_print_pagetypeinfo(const struct page_alloc *pa, FILE *f)
{
    unsigned pb_order = pa->norders - 1 < 9 ? pa->norders - 1 : 9;
    fprintf(f, "Page block order: %u\n", pb_order);
    fprintf(f, "Pages per block:  %u\n\n", 1u << pb_order);
    fprintf(f, "%-43s ", "Free pages count per migrate type at order");
    for (unsigned o = 0; o < pa->norders; o++)
        fprintf(f, "%6u ", o);
    fputc('\n', f);
    for (unsigned n = 0; n < pa->nnodes; n++) {
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
            const struct zone *z = pa_zone(pa, n, (enum zone_type)zt);
            if (!z->populated)
                continue;
            fprintf(f, "Node %4u, zone %8s, type %12s ", n, zone_name(z->type), "Movable");
            for (unsigned o = 0; o < pa->norders; o++)
                fprintf(f, "%6" PRIu64 " ", zone_nr_free(pa, z, o));
            fputc('\n', f);
        }
    }
    fprintf(f, "\n%-23s %12s %12s\n", "Number of blocks type", "Movable", "Free");
    uint64_t pb = 1ULL << pb_order;
    for (unsigned n = 0; n < pa->nnodes; n++) {
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
            const struct zone *z = pa_zone(pa, n, (enum zone_type)zt);
            if (!z->populated)
                continue;
            uint64_t blocks = ((z->end_pfn + pb - 1) / pb) - z->start_pfn / pb;
            /* Wholly free pageblocks: free blocks of pageblock order or more. */
            uint64_t freeblk = 0;
            for (unsigned o = pb_order; o < pa->norders; o++)
                freeblk += zone_nr_free(pa, z, o) << (o - pb_order);
            fprintf(f, "Node %u, zone %8s %12" PRIu64 " %12" PRIu64 "\n", n,
                    zone_name(z->type), blocks, freeblk);
        }
    }
    return done(f);
}

int page_alloc_extfrag_index(const struct page_alloc *pa, unsigned node, enum zone_type zt,
                             unsigned order)
{
    if (node >= pa->nnodes || (unsigned)zt >= MAX_NR_ZONES || order >= pa->norders)
        return 0;
    const struct zone *z = pa_zone(pa, node, zt);
    uint64_t total = 0, suitable = 0, free_pages = 0;
    for (unsigned o = 0; o < pa->norders; o++) {
        uint64_t nr = zone_nr_free(pa, z, o);
        total += nr;
        free_pages += nr << o;
        if (o >= order)
            suitable += nr << (o - order);
    }
    if (!total)
        return 0;
    if (suitable)
        return -1000;
    /* 1 - (1 + free_pages / requested) / free_blocks, in thousandths,
     * with Linux's integer rounding. */
    uint64_t requested = 1ULL << order;
    return 1000 - (int)((1000 + free_pages * 1000 / requested) / total);
}

/* /sys/kernel/debug/extfrag/extfrag_index. */
int page_alloc_print_extfrag(const struct page_alloc *pa, FILE *f)
{
    for (unsigned n = 0; n < pa->nnodes; n++) {
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
            const struct zone *z = pa_zone(pa, n, (enum zone_type)zt);
            if (!z->populated)
                continue;
            fprintf(f, "Node %u, zone %8s ", n, zone_name(z->type));
            for (unsigned o = 0; o < pa->norders; o++) {
                int idx = page_alloc_extfrag_index(pa, n, z->type, o);
                fprintf(f, "%s%d.%03d ", idx < 0 ? "-" : " ", abs(idx) / 1000, abs(idx) % 1000);
            }
            fputc('\n', f);
        }
    }
    return done(f);
}

/* numastat(8)'s default table: one column per node. */
int page_alloc_print_numastat(const struct page_alloc *pa, FILE *f)
{
    static const char *const rows[] = {"numa_hit",       "numa_miss",  "numa_foreign",
                                       "interleave_hit", "local_node", "other_node"};
    fprintf(f, "%-16s", "");
    for (unsigned n = 0; n < pa->nnodes; n++) {
        char h[16];
        mmsim_fmt(h, sizeof(h), "node%u", n);
        fprintf(f, "%16s", h);
    }
    fputc('\n', f);
    for (unsigned r = 0; r < ARRAY_SIZE(rows); r++) {
        fprintf(f, "%-16s", rows[r]);
        for (unsigned n = 0; n < pa->nnodes; n++) {
            const struct numa_stat *s = &pa->node[n].numa;
            const uint64_t v[] = {s->numa_hit,       s->numa_miss,  s->numa_foreign,
                                  s->interleave_hit, s->local_node, s->other_node};
            fprintf(f, "%16" PRIu64, v[r]);
        }
        fputc('\n', f);
    }
    return done(f);
}
