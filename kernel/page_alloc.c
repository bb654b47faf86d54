/* The buddy allocator, zones, watermarks and zonelists (see page_alloc.h
 * and docs/MEMORY.md). */
#include <inttypes.h>
#include <string.h>

#include "kernel/page_alloc_internal.h"
#include "libmmsim/stats.h"
#include "libmmsim/topology.h"
#include "numa/physmem.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static const char *const zone_names[MAX_NR_ZONES] = {"DMA", "DMA32", "Normal", "Movable"};

const char *zone_name(enum zone_type z)
{
    return (unsigned)z < MAX_NR_ZONES ? zone_names[z] : "?";
}

enum zone_type gfp_zone(unsigned gfp)
{
    if (gfp & __GFP_DMA)
        return ZONE_DMA;
    if (gfp & __GFP_DMA32)
        return ZONE_DMA32;
    /* Only movable *and* highmem-capable requests may use ZONE_MOVABLE: a
     * movable kernel allocation still lands in NORMAL, as in Linux. */
    if ((gfp & (__GFP_MOVABLE | __GFP_HIGHMEM)) == (__GFP_MOVABLE | __GFP_HIGHMEM))
        return ZONE_MOVABLE;
    return ZONE_NORMAL;
}

/* ---- Free lists: nr_free and the nonempty bitmap change only here ------- */

static void list_init(struct page_list *h)
{
    h->next = h->prev = h;
}

static inline struct page *lru_page(struct page_list *l)
{
    return (struct page *)((char *)l - offsetof(struct page, lru));
}

static inline void add_to_free_list(struct zone *z, struct page *p, unsigned order)
{
    struct free_area *a = &z->area[order];
    struct page_list *h = &a->list;
    p->lru.next = h->next;
    p->lru.prev = h;
    h->next->prev = &p->lru;
    h->next = &p->lru;
    /* A free block's head carries no other flag (PG_head was cleared when
     * it was freed; split-off halves were tail frames). */
    MMSIM_ASSERT(!(p->flags & ~PG_buddy));
    p->flags = PG_buddy;
    p->order = (uint8_t)order;
    a->nr_free++;
    z->nonempty |= 1u << order;
}

static inline void del_from_free_list(struct zone *z, struct page *p, unsigned order)
{
    struct free_area *a = &z->area[order];
    MMSIM_ASSERT((p->flags & PG_buddy) && p->order == order && a->nr_free);
    p->lru.prev->next = p->lru.next;
    p->lru.next->prev = p->lru.prev;
    p->flags = 0;
    if (--a->nr_free == 0)
        z->nonempty &= ~(1u << order);
}

/* ---- Sections of page descriptors ---------------------------------------- */

/* One descriptor per 4 KiB frame: keep it at 32 bytes (0.8% of guest memory). */
_Static_assert(sizeof(struct page) == 32, "struct page grew");

static inline struct page *pfn_page_fast(const struct page_alloc *pa, uint64_t pfn)
{
    struct page *s = pa->sect[(pfn >> pa->sect_shift) - pa->sect_first];
    return s + (pfn & ((1ULL << pa->sect_shift) - 1));
}

struct page *page_alloc_pfn_to_page(const struct page_alloc *pa, uint64_t pfn)
{
    uint64_t s = pfn >> pa->sect_shift;
    if (s < pa->sect_first || s - pa->sect_first >= pa->nsect || !pa->sect[s - pa->sect_first])
        return NULL;
    struct page *p = pfn_page_fast(pa, pfn);
    return p->zone == PAGE_NO_ZONE ? NULL : p;
}

/* Allocate and initialise the descriptors of the section holding pfn. */
static int section_populate(struct page_alloc *pa, uint64_t pfn)
{
    uint64_t s = (pfn >> pa->sect_shift) - pa->sect_first;
    if (pa->sect[s])
        return MMSIM_OK;
    uint64_t n = 1ULL << pa->sect_shift;
    struct page *pages = malloc(n * sizeof(*pages));
    if (!pages)
        return MMSIM_ERR_NOMEM;
    uint64_t first = (s + pa->sect_first) << pa->sect_shift;
    for (uint64_t i = 0; i < n; i++)
        pages[i] = (struct page){.pfn = first + i, .zone = PAGE_NO_ZONE, .mapcount = -1};
    for (unsigned nd = 0; nd < pa->nnodes; nd++) {
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
            const struct zone *z = &pa->node[nd].zones[zt];
            uint64_t lo = z->start_pfn > first ? z->start_pfn : first;
            uint64_t hi = z->end_pfn < first + n ? z->end_pfn : first + n;
            for (uint64_t p = lo; p < hi; p++)
                pages[p - first].zone = z->id;
        }
    }
    pa->sect[s] = pages;
    return MMSIM_OK;
}

/* ---- The buddy system ------------------------------------------------------ */

/* Put a free block on the lists, merging it with its buddy as long as the
 * buddy is a free block of the same order in the same zone.  The buddy of
 * [pfn, pfn + 2^order) is found by flipping bit `order` of pfn; a merged
 * block starts at the lower of the two. */
static inline __attribute__((always_inline)) void
free_one(struct page_alloc *pa, struct zone *z, struct page *p, uint64_t pfn, unsigned order)
{
    const unsigned top = pa->norders - 1;
    const uint64_t span = z->end_pfn - z->start_pfn;
    MMSIM_ASSERT((pfn & ((1ULL << order) - 1)) == 0);
    MMSIM_ASSERT(pfn >= z->start_pfn && pfn + (1ULL << order) <= z->end_pfn);
    z->free_pages += 1ULL << order;
    while (order < top) {
        uint64_t buddy_pfn = pfn ^ (1ULL << order);
        if (buddy_pfn - z->start_pfn >= span)   /* outside the zone (either side) */
            break;
        /* Same section: sections are at least as large as the largest
         * block, and a block and its buddy share their parent block. */
        struct page *b = p + ((int64_t)buddy_pfn - (int64_t)pfn);
        if (b->flags != PG_buddy || b->order != order)
            break;
        del_from_free_list(z, b, order);
        if (buddy_pfn < pfn) {
            pfn = buddy_pfn;
            p = b;
        }
        order++;
    }
    add_to_free_list(z, p, order);
}

/* Take the next never-used max-order block of the zone: give its section
 * descriptors and hand it over as if it had been on the largest list. */
static struct page *take_deferred(struct page_alloc *pa, struct zone *z)
{
    uint64_t pfn = z->defer_pfn;
    if (section_populate(pa, pfn) != MMSIM_OK)
        return NULL;
    z->defer_pfn += 1ULL << (pa->norders - 1);
    return pfn_page_fast(pa, pfn);
}

/* Remove a block of exactly `order` from z, splitting the smallest larger
 * free block if needed; NULL if none (or no host memory for descriptors). */
static struct page *rmqueue(struct page_alloc *pa, struct zone *z, unsigned order)
{
    const unsigned top = pa->norders - 1;
    uint32_t avail = z->nonempty >> order;
    struct page *p;
    unsigned o;
    /* Deferred blocks are free blocks of the largest order, so taking
     * them only when no listed block is large enough keeps the lists
     * exactly as if every block had been listed at boot. */
    if (avail) {
        o = order + (unsigned)__builtin_ctz(avail);
        p = lru_page(z->area[o].list.next);
        del_from_free_list(z, p, o);
    } else if (z->defer_pfn < z->defer_end) {
        o = top;
        p = take_deferred(pa, z);
        if (!p)
            return NULL;
    } else {
        return NULL;
    }
    /* Split: keep the lower half, give the upper halves back to the lists
     * one order smaller each time (64 -> 32 + [32], 32 -> 16 + [16], ...).
     * Each list below o gains one block, so the nonempty bits are set once. */
    if (o > order) {
        z->nonempty |= (1u << o) - (1u << order);
        while (o > order) {
            o--;
            struct page *half = p + (1ULL << o);
            struct free_area *a = &z->area[o];
            MMSIM_ASSERT(half->flags == 0);
            half->lru.next = a->list.next;
            half->lru.prev = &a->list;
            a->list.next->prev = &half->lru;
            a->list.next = &half->lru;
            half->flags = PG_buddy;
            half->order = (uint8_t)o;
            a->nr_free++;
        }
    }
    z->free_pages -= 1ULL << order;
    p->flags = PG_head;
    p->order = (uint8_t)order;
    return p;
}

/* ---- Per-CPU page lists (Linux's pcp "pagesets") ----------------------- */

static NOINLINE void paranoid_check(const struct page_alloc *pa);

/* Give up to n frames from the cold end (tail) of z's pcp list back to the
 * buddy system, as Linux's free_pcppages_bulk. */
static NOINLINE void pcp_spill(struct page_alloc *pa, struct zone *z, uint64_t n)
{
    struct per_cpu_pages *pcp = &z->pcp;
    while (n-- && pcp->count) {
        struct page *p = lru_page(pcp->list.prev);
        p->lru.prev->next = p->lru.next;
        p->lru.next->prev = p->lru.prev;
        pcp->count--;
        MMSIM_ASSERT(p->flags == PG_pcp);
        p->flags = 0;
        free_one(pa, z, p, p->pfn, 0);
    }
}

/* Refill an empty pcp list with up to `batch` order-0 frames from the
 * buddy system (Linux's rmqueue_bulk: appended in the order taken, so the
 * first frame taken is the first handed out). */
static NOINLINE void pcp_refill(struct page_alloc *pa, struct zone *z)
{
    struct per_cpu_pages *pcp = &z->pcp;
    for (uint64_t i = 0; i < pcp->batch; i++) {
        struct page *p = rmqueue(pa, z, 0);
        if (!p)
            break;
        p->flags = PG_pcp;
        p->lru.next = &pcp->list;
        p->lru.prev = pcp->list.prev;
        pcp->list.prev->next = &p->lru;
        pcp->list.prev = &p->lru;
        pcp->count++;
    }
}

/* Linux's rmqueue: order 0 through the pcp list when it is on. */
static inline struct page *take_block(struct page_alloc *pa, struct zone *z, unsigned order)
{
    if (order || !pa->pcp)
        return rmqueue(pa, z, order);
    struct per_cpu_pages *pcp = &z->pcp;
    if (unlikely(!pcp->count)) {
        pcp_refill(pa, z);
        if (!pcp->count)
            return NULL;
    }
    struct page *p = lru_page(pcp->list.next);
    p->lru.prev->next = p->lru.next;
    p->lru.next->prev = p->lru.prev;
    pcp->count--;
    p->flags = PG_head;
    p->order = 0;
    return p;
}

void page_alloc_drain(struct page_alloc *pa)
{
    for (unsigned n = 0; n < pa->nnodes; n++)
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
            struct zone *z = &pa->node[n].zones[zt];
            if (z->pcp.count) {
                pcp_spill(pa, z, z->pcp.count);
                if (unlikely(pa->paranoid))
                    paranoid_check(pa);
            }
        }
}

static uint64_t pcp_pages(const struct page_alloc *pa)
{
    uint64_t n = 0;
    for (unsigned nd = 0; nd < pa->nnodes; nd++)
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++)
            n += pa->node[nd].zones[zt].pcp.count;
    return n;
}

/* ---- Watermarks --------------------------------------------------------- */

#define ALLOC_WMARK_MIN 0x0u
#define ALLOC_WMARK_LOW 0x1u
#define ALLOC_NO_WATERMARKS 0x4u
#define ALLOC_MIN_RESERVE 0x8u      /* __GFP_HIGH: half the min reserve */
#define ALLOC_NON_BLOCK 0x10u       /* cannot wait: a quarter more */

static bool zone_has_block(const struct page_alloc *pa, const struct zone *z, unsigned order)
{
    return (z->nonempty >> order) != 0 || z->defer_pfn < z->defer_end ||
           (order == 0 && z->pcp.count);
}

/* Linux's __zone_watermark_ok without lowmem_reserve and migrate types:
 * after taking the block, more than `mark` pages must stay free; a
 * high-order request also needs a free block of at least its order. */
static bool zone_watermark_ok(const struct page_alloc *pa, const struct zone *z,
                              unsigned order, unsigned flags)
{
    if (flags & ALLOC_NO_WATERMARKS)
        return zone_has_block(pa, z, order);
    int64_t mark = (int64_t)z->wmark[flags & ALLOC_WMARK_LOW ? WMARK_LOW : WMARK_MIN];
    if (flags & ALLOC_MIN_RESERVE) {
        mark -= mark / 2;
        if (flags & ALLOC_NON_BLOCK)
            mark -= mark / 4;
    }
    int64_t free = (int64_t)z->free_pages - ((1LL << order) - 1);
    if (free <= mark)
        return false;
    return order == 0 || zone_has_block(pa, z, order);
}

/* ---- Allocation -------------------------------------------------------- */

static void zone_statistics(struct page_alloc *pa, const struct zone *preferred,
                            const struct zone *z, unsigned local_node)
{
    struct numa_stat *s = &pa->node[z->node].numa;
    if (z->node == preferred->node) {
        s->numa_hit++;
    } else {
        s->numa_miss++;
        pa->node[preferred->node].numa.numa_foreign++;
    }
    if (z->node == local_node)
        s->local_node++;
    else
        s->other_node++;
}

static inline bool zone_usable(const struct zone *z, enum zone_type high, nodemask_t mask)
{
    return z->type <= high && ((mask >> z->node) & 1);
}

static NOINLINE void paranoid_check(const struct page_alloc *pa)
{
    char msg[256];
    if (page_alloc_check(pa, msg, sizeof(msg)) != 0) {
        fprintf(stderr, "page_alloc: %s\n", msg);
        abort();
    }
}

static void zero_block(struct page_alloc *pa, uint64_t pfn, unsigned order)
{
    uint8_t *h = physmem_host(pa->pm, pfn << PAGE_SHIFT);
    if (h)
        memset(h, 0, PAGE_SIZE << order);
}

/* The allocation is done: account it and hand it out. */
static inline int allocated(struct page_alloc *pa, struct zone *z, const struct zone *preferred,
                            struct page *p, unsigned gfp, unsigned order, unsigned local_node,
                            uint64_t *pfn_out)
{
    z->pgalloc++;
    pa->used += 1ULL << order;
    zone_statistics(pa, preferred, z, local_node);
    *pfn_out = p->pfn;
    if (gfp & __GFP_ZERO)
        zero_block(pa, p->pfn, order);
    if (unlikely(pa->paranoid))
        paranoid_check(pa);
    return MMSIM_OK;
}

/* Linux's slow path minus reclaim (there is nothing to reclaim): the min
 * watermark, lowered for __GFP_HIGH and again for callers that cannot
 * wait, or none at all for __GFP_MEMALLOC. */
static NOINLINE int alloc_slowpath(struct page_alloc *pa, const struct pa_node *pn, unsigned i,
                                   enum zone_type high, nodemask_t mask, unsigned gfp,
                                   unsigned order, unsigned local_node, uint64_t *pfn_out)
{
    struct zone *preferred = pn->zonelist[i];
    unsigned flags = ALLOC_WMARK_MIN;
    if (gfp & __GFP_HIGH) {
        flags |= ALLOC_MIN_RESERVE;
        if (!(gfp & __GFP_DIRECT_RECLAIM))
            flags |= ALLOC_NON_BLOCK;
    }
    if ((gfp & (__GFP_MEMALLOC | __GFP_NOMEMALLOC)) == __GFP_MEMALLOC)
        flags = ALLOC_NO_WATERMARKS;
    for (bool drained = false;; drained = true) {
        for (unsigned j = i; j < pn->nzl; j++) {
            struct zone *z = pn->zonelist[j];
            if (!zone_usable(z, high, mask) || !zone_watermark_ok(pa, z, order, flags))
                continue;
            struct page *p = take_block(pa, z, order);
            if (p)
                return allocated(pa, z, preferred, p, gfp, order, local_node, pfn_out);
        }
        /* As Linux after direct reclaim fails (there is nothing to
         * reclaim here): drain the pcp lists once and retry, so frames
         * parked there never make a request that can wait fail. */
        if (drained || !(gfp & __GFP_DIRECT_RECLAIM) || !pcp_pages(pa))
            break;
        page_alloc_drain(pa);
    }
    preferred->alloc_fail++;
    return MMSIM_ERR_GUEST_NOMEM;
}

int page_alloc_pages_local(struct page_alloc *pa, unsigned gfp, unsigned order,
                           unsigned preferred_node, const nodemask_t *allowed,
                           unsigned local_node, uint64_t *pfn_out)
{
    if (unlikely(order >= pa->norders || preferred_node >= pa->nnodes))
        return MMSIM_ERR_INVALID;
    const struct pa_node *pn = &pa->node[preferred_node];
    const enum zone_type high = gfp_zone(gfp);
    nodemask_t mask = allowed ? *allowed : ~NODEMASK_NONE;
    if (gfp & __GFP_THISNODE)
        mask &= NODEMASK_OF(preferred_node);

    /* The first usable zone of the zonelist is the preferred zone: the
     * NUMA counters call allocations elsewhere misses. */
    unsigned i = 0;
    while (i < pn->nzl && !zone_usable(pn->zonelist[i], high, mask))
        i++;
    if (unlikely(i == pn->nzl))
        return MMSIM_ERR_GUEST_NOMEM;

    /* Fast path: the first zone of the zonelist above its low watermark. */
    for (unsigned j = i; j < pn->nzl; j++) {
        struct zone *z = pn->zonelist[j];
        if (!zone_usable(z, high, mask) ||
            (int64_t)(z->free_pages - ((1ULL << order) - 1)) <= (int64_t)z->wmark[WMARK_LOW] ||
            (order && !zone_has_block(pa, z, order)))
            continue;
        struct page *p = take_block(pa, z, order);
        if (likely(p != NULL))
            return allocated(pa, z, pn->zonelist[i], p, gfp, order, local_node, pfn_out);
    }
    return alloc_slowpath(pa, pn, i, high, mask, gfp, order, local_node, pfn_out);
}

int page_alloc_pages(struct page_alloc *pa, unsigned gfp, unsigned order,
                     unsigned preferred_node, const nodemask_t *allowed, uint64_t *pfn_out)
{
    return page_alloc_pages_local(pa, gfp, order, preferred_node, allowed, preferred_node,
                                  pfn_out);
}

bool page_alloc_valid_block(const struct page_alloc *pa, uint64_t pfn, unsigned order)
{
    if (order >= pa->norders || (pfn & ((1ULL << order) - 1)))
        return false;
    const struct page *p = page_alloc_pfn_to_page(pa, pfn);
    return p && (p->flags & (PG_head | PG_buddy)) == PG_head && p->order == order;
}

uint64_t page_alloc_used_pages(const struct page_alloc *pa)
{
    return pa->used;
}

void page_alloc_split(struct page_alloc *pa, uint64_t pfn, unsigned order)
{
    struct page *p = pfn_page_fast(pa, pfn);
    MMSIM_ASSERT((p->flags & (PG_head | PG_buddy)) == PG_head && p->order == order);
    /* The block's frames lie in one section and zone (blocks never cross
     * them), so their descriptors are consecutive. */
    for (uint64_t i = 0; i < 1ull << order; i++) {
        p[i].flags = PG_head;
        p[i].order = 0;
    }
}

void page_free_pages(struct page_alloc *pa, uint64_t pfn, unsigned order)
{
    struct page *p = pfn_page_fast(pa, pfn);
    /* Double free or wrong order: the head must be an allocated block of
     * exactly this order. */
    MMSIM_ASSERT((p->flags & (PG_head | PG_buddy)) == PG_head && p->order == order);
    struct zone *z = page_zone(pa, p);
    z->pgfree++;
    pa->used -= 1ULL << order;
    if (order == 0 && pa->pcp) {
        /* Linux's free_unref_page: hot end of the pcp list; `batch` cold
         * frames go back to the buddy system when the list reaches high. */
        struct per_cpu_pages *pcp = &z->pcp;
        p->flags = PG_pcp;
        p->order = 0;
        p->lru.next = pcp->list.next;
        p->lru.prev = &pcp->list;
        pcp->list.next->prev = &p->lru;
        pcp->list.next = &p->lru;
        if (++pcp->count >= pcp->high)
            pcp_spill(pa, z, pcp->batch);
    } else {
        p->flags = 0;
        free_one(pa, z, p, pfn, order);
    }
    if (unlikely(pa->paranoid))
        paranoid_check(pa);
}

void page_alloc_count_interleave_hit(struct page_alloc *pa, unsigned node)
{
    pa->node[node].numa.interleave_hit++;
}

void page_alloc_set_paranoid(struct page_alloc *pa, bool on)
{
    pa->paranoid = on;
}

/* ---- Boot: zones, watermarks, zonelists ---------------------------------- */

static uint64_t isqrt(uint64_t x)
{
    uint64_t r = 0;
    for (uint64_t bit = 1ULL << 62; bit; bit >>= 2) {
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    }
    return r;
}

static void zone_set(struct zone *z, uint64_t lo, uint64_t hi)
{
    if (hi <= lo)
        return;
    z->start_pfn = lo;
    z->end_pfn = hi;
    z->managed = hi - lo;
    z->populated = true;
}

/* Zone ranges of a node: DMA, DMA32 and NORMAL by address; MOVABLE the top
 * `movable` bytes, its start rounded up to a max-order block as Linux
 * rounds zone_movable_pfn. */
static void node_zones(struct page_alloc *pa, const struct topo_node *tn, unsigned n)
{
    struct pa_node *pn = &pa->node[n];
    for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
        struct zone *z = &pn->zones[zt];
        z->node = n;
        z->type = (enum zone_type)zt;
        z->id = (uint16_t)(n * MAX_NR_ZONES + zt);
        for (unsigned o = 0; o < PAGE_ALLOC_MAX_ORDERS; o++)
            list_init(&z->area[o].list);
        list_init(&z->pcp.list);
    }
    if (!tn->mem_size)
        return;
    uint64_t lo = tn->mem_base >> PAGE_SHIFT, hi = (tn->mem_base + tn->mem_size) >> PAGE_SHIFT;
    uint64_t mov = hi;
    if (tn->movable) {
        uint64_t block = 1ULL << (pa->norders - 1);
        uint64_t want = tn->movable >= tn->mem_size ? lo : hi - (tn->movable >> PAGE_SHIFT);
        mov = (want + block - 1) & ~(block - 1);
        if (mov < lo)
            mov = lo;
        if (mov > hi)
            mov = hi;
    }
    const uint64_t dma = ZONE_DMA_LIMIT >> PAGE_SHIFT, dma32 = ZONE_DMA32_LIMIT >> PAGE_SHIFT;
    zone_set(&pn->zones[ZONE_DMA], lo, MIN(mov, dma));
    zone_set(&pn->zones[ZONE_DMA32], MAX(lo, dma), MIN(mov, dma32));
    zone_set(&pn->zones[ZONE_NORMAL], MAX(lo, dma32), mov);
    zone_set(&pn->zones[ZONE_MOVABLE], mov, hi);
}

/* Linux's __setup_per_zone_wmarks: min_free_kbytes is shared among the
 * zones below MOVABLE in proportion to their size; MOVABLE gets a small
 * fixed min; low and high sit a quarter of the share (or 0.1% of the zone,
 * watermark_scale_factor 10, whichever is larger) above min and low. */
static void setup_watermarks(struct page_alloc *pa, const struct mmsim_topology *t)
{
    uint64_t lowmem = 0;
    for (unsigned n = 0; n < pa->nnodes; n++)
        for (unsigned zt = 0; zt < ZONE_MOVABLE; zt++)
            lowmem += pa->node[n].zones[zt].managed;
    uint64_t mfk = t->min_free_kbytes;
    if (!mfk) {
        /* init_per_zone_wmark_min: sqrt(lowmem_kbytes * 16), clamped. */
        mfk = isqrt(lowmem * (PAGE_SIZE >> 10) * 16);
        mfk = MAX(mfk, 128);
        mfk = MIN(mfk, 262144);
    }
    pa->min_free_kbytes = mfk;
    uint64_t pages_min = mfk >> (PAGE_SHIFT - 10);
    for (unsigned n = 0; n < pa->nnodes; n++) {
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
            struct zone *z = &pa->node[n].zones[zt];
            if (!z->populated)
                continue;
            uint64_t share = lowmem ? pages_min * z->managed / lowmem : 0;
            if (zt == ZONE_MOVABLE)
                z->wmark[WMARK_MIN] = MIN(MAX(z->managed / 1024, 32), 128);
            else
                z->wmark[WMARK_MIN] = share;
            uint64_t gap = MAX(share >> 2, z->managed * 10 / 10000);
            z->wmark[WMARK_LOW] = z->wmark[WMARK_MIN] + gap;
            z->wmark[WMARK_HIGH] = z->wmark[WMARK_LOW] + gap;
        }
    }
}

/* pcp batch and high as Linux 5.14-6.6 set them at boot (zone_batchsize,
 * zone_highsize with percpu_pagelist_high_fraction 0): batch is a quarter
 * of the zone's pages per 1024, at most 1 MiB worth, rounded down to
 * 2^n - 1 after adding half, at least 1; high is the low watermark split
 * among the CPUs of the zone's node, at least 4 batches.  One list serves
 * all of a node's CPUs here, so it gets the whole low watermark. */
static void setup_pcp(struct page_alloc *pa)
{
    for (unsigned n = 0; n < pa->nnodes; n++)
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++) {
            struct zone *z = &pa->node[n].zones[zt];
            if (!z->populated || !pa->pcp)
                continue;
            uint64_t b = MIN(z->managed >> 10, (1ULL << 20) / PAGE_SIZE) / 4;
            b = MAX(b, 1);
            b += b / 2;
            uint64_t p2 = 1;
            while (p2 * 2 <= b)
                p2 *= 2;
            z->pcp.batch = MAX(p2 - 1, 1);
            z->pcp.high = MAX(z->wmark[WMARK_LOW], z->pcp.batch * 4);
        }
}

/* Linux's build_zonelists/find_next_best_node: the node itself first, then
 * the nodes with memory by the smallest distance + (1 if the node number is
 * below n: "prefer the next node") + (1 if the node has CPUs: prefer
 * headless nodes), ties to the lowest node number.  Not modelled: the
 * node_load bias that rotates ties between the zonelists of different
 * nodes.  Each node contributes its zones from the highest down. */
static unsigned node_key(const struct mmsim_topology *t, unsigned n, unsigned m)
{
    if (m == n)
        return 0;
    unsigned v = t->distance[n * t->nnodes + m] + (m < n) + (t->nodes[m].ncpus > 0);
    return (v + 1) * 128u + m;
}

static int build_zonelist(struct page_alloc *pa, const struct mmsim_topology *t, unsigned n)
{
    struct pa_node *pn = &pa->node[n];
    unsigned nn = pa->nnodes;
    unsigned k = 0;
    for (unsigned m = 0; m < nn; m++)
        if (t->nodes[m].mem_size)
            pn->fallback[k++] = (uint8_t)m;
    pn->nfallback = k;
    for (unsigned a = 1; a < k; a++) {
        uint8_t v = pn->fallback[a];
        unsigned key_v = node_key(t, n, v);
        unsigned b = a;
        while (b > 0) {
            uint8_t u = pn->fallback[b - 1];
            unsigned key_u = node_key(t, n, u);
            if (key_u <= key_v)
                break;
            pn->fallback[b] = u;
            b--;
        }
        pn->fallback[b] = v;
    }
    pn->zonelist = calloc((size_t)k * MAX_NR_ZONES + 1, sizeof(*pn->zonelist));
    if (!pn->zonelist)
        return MMSIM_ERR_NOMEM;
    pn->nzl = 0;
    for (unsigned a = 0; a < k; a++)
        for (int zt = MAX_NR_ZONES - 1; zt >= 0; zt--)
            if (pa->node[pn->fallback[a]].zones[zt].populated)
                pn->zonelist[pn->nzl++] = &pa->node[pn->fallback[a]].zones[zt];
    return MMSIM_OK;
}

/* Make all of a zone free: the max-order aligned middle stays deferred
 * (untracked until an allocation needs it); the unaligned head and tail go
 * on the lists now, block by block. */
static int zone_init_free(struct page_alloc *pa, struct zone *z)
{
    uint64_t block = 1ULL << (pa->norders - 1);
    uint64_t a = (z->start_pfn + block - 1) & ~(block - 1);
    uint64_t b = z->end_pfn & ~(block - 1);
    if (a >= b)
        a = b = z->end_pfn;
    z->defer_pfn = a;
    z->defer_end = b;
    z->free_pages = b - a;
    const uint64_t ranges[2][2] = {{z->start_pfn, a}, {b, z->end_pfn}};
    for (unsigned r = 0; r < 2; r++) {
        for (uint64_t pfn = ranges[r][0]; pfn < ranges[r][1];) {
            unsigned o = pfn ? (unsigned)__builtin_ctzll(pfn) : 63;
            while (o > 0 && (o >= pa->norders || pfn + (1ULL << o) > ranges[r][1]))
                o--;
            int rc = section_populate(pa, pfn);
            if (rc)
                return rc;
            free_one(pa, z, pfn_page_fast(pa, pfn), pfn, o);
            pfn += 1ULL << o;
        }
    }
    return MMSIM_OK;
}

int page_alloc_create(const struct mmsim_topology *t, struct physmem *pm,
                      struct page_alloc **out)
{
    *out = NULL;
    unsigned norders = t->max_order ? t->max_order : 11;
    if (norders > PAGE_ALLOC_MAX_ORDERS || t->nnodes == 0 || t->nnodes > 64 || !t->distance)
        return MMSIM_ERR_TOPOLOGY;
    struct page_alloc *pa = calloc(1, sizeof(*pa));
    if (!pa)
        return MMSIM_ERR_NOMEM;
    pa->pm = pm;
    pa->nnodes = t->nnodes;
    pa->norders = norders;
    pa->sect_shift = MAX(SECTION_MIN_SHIFT, norders - 1);
    pa->node = calloc(t->nnodes, sizeof(*pa->node));
    int rc = MMSIM_ERR_NOMEM;
    if (!pa->node)
        goto fail;

    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned n = 0; n < t->nnodes; n++) {
        const struct topo_node *tn = &t->nodes[n];
        if (tn->mem_size && ((tn->mem_base | tn->mem_size) & (PAGE_SIZE - 1))) {
            rc = MMSIM_ERR_TOPOLOGY;
            goto fail;
        }
        node_zones(pa, tn, n);
        if (tn->mem_size) {
            lo = MIN(lo, tn->mem_base >> PAGE_SHIFT);
            hi = MAX(hi, (tn->mem_base + tn->mem_size) >> PAGE_SHIFT);
        }
    }
    if (hi) {
        pa->sect_first = lo >> pa->sect_shift;
        pa->nsect = ((hi - 1) >> pa->sect_shift) - pa->sect_first + 1;
        pa->sect = calloc(pa->nsect, sizeof(*pa->sect));
        if (!pa->sect)
            goto fail;
    }
    setup_watermarks(pa, t);
    pa->pcp = t->pcp;
    setup_pcp(pa);
    for (unsigned n = 0; n < t->nnodes; n++) {
        if ((rc = build_zonelist(pa, t, n)))
            goto fail;
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++)
            if (pa->node[n].zones[zt].populated &&
                (rc = zone_init_free(pa, &pa->node[n].zones[zt])))
                goto fail;
    }
    *out = pa;
    return MMSIM_OK;
fail:
    page_alloc_destroy(pa);
    return rc;
}

void page_alloc_destroy(struct page_alloc *pa)
{
    if (!pa)
        return;
    /* Linux drains the pcp lists when memory goes offline: the frames are
     * released with their sections below, so this only keeps the final
     * state exact for anyone inspecting it through paranoid mode. */
    if (pa->node && pa->sect)
        page_alloc_drain(pa);
    for (uint64_t s = 0; s < pa->nsect; s++)
        free(pa->sect[s]);
    free(pa->sect);
    if (pa->node)
        for (unsigned n = 0; n < pa->nnodes; n++)
            free(pa->node[n].zonelist);
    free(pa->node);
    free(pa);
}

/* ---- Statistics and inspection ------------------------------------------- */

int page_alloc_register_stats(struct page_alloc *pa, struct stats_registry *r)
{
    static const char *const lower[MAX_NR_ZONES] = {"dma", "dma32", "normal", "movable"};
    int rc = MMSIM_OK;
    for (unsigned n = 0; n < pa->nnodes && !rc; n++) {
        struct numa_stat *s = &pa->node[n].numa;
        struct {
            uint64_t *v;
            const char *name, *desc;
        } numa[] = {
            {&s->numa_hit, "numa_hit", "allocations on their preferred node"},
            {&s->numa_miss, "numa_miss", "allocations here that preferred another node"},
            {&s->numa_foreign, "numa_foreign", "allocations preferring here that went elsewhere"},
            {&s->interleave_hit, "interleave_hit", "interleaved allocations on their target"},
            {&s->local_node, "local_node", "allocations here by a CPU of this node"},
            {&s->other_node, "other_node", "allocations here by a CPU of another node"},
        };
        for (unsigned i = 0; i < ARRAY_SIZE(numa) && !rc; i++)
            rc = stats_add_counterf(r, numa[i].v, numa[i].desc, "node%u.%s", n, numa[i].name);
        for (unsigned zt = 0; zt < MAX_NR_ZONES && !rc; zt++) {
            struct zone *z = &pa->node[n].zones[zt];
            if (!z->populated)
                continue;
            rc = stats_add_counterf(r, &z->pgalloc, "blocks allocated from the zone",
                                    "node%u.%s.pgalloc", n, lower[zt]);
            if (!rc)
                rc = stats_add_counterf(r, &z->pgfree, "blocks freed to the zone",
                                        "node%u.%s.pgfree", n, lower[zt]);
            if (!rc)
                rc = stats_add_counterf(r, &z->alloc_fail,
                                        "failed allocations preferring the zone",
                                        "node%u.%s.alloc_fail", n, lower[zt]);
            if (!rc)
                rc = stats_add_gaugef(r, &z->free_pages, "free pages in the zone",
                                      "node%u.%s.free_pages", n, lower[zt]);
        }
    }
    return rc;
}

uint64_t page_alloc_node_free_bytes(const struct page_alloc *pa, unsigned node)
{
    if (node >= pa->nnodes)
        return 0;
    uint64_t free = 0;
    for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++)
        free += pa->node[node].zones[zt].free_pages;
    return free << PAGE_SHIFT;
}

unsigned page_alloc_nr_nodes(const struct page_alloc *pa)
{
    return pa->nnodes;
}

unsigned page_alloc_nr_orders(const struct page_alloc *pa)
{
    return pa->norders;
}

uint64_t page_alloc_min_free_kbytes(const struct page_alloc *pa)
{
    return pa->min_free_kbytes;
}

uint64_t zone_nr_free(const struct page_alloc *pa, const struct zone *z, unsigned order)
{
    uint64_t n = z->area[order].nr_free;
    if (order == pa->norders - 1)
        n += (z->defer_end - z->defer_pfn) >> order;
    return n;
}

void page_alloc_zone_info(const struct page_alloc *pa, unsigned node, enum zone_type zt,
                          struct zone_info *out)
{
    memset(out, 0, sizeof(*out));
    if (node >= pa->nnodes || (unsigned)zt >= MAX_NR_ZONES)
        return;
    const struct zone *z = &pa->node[node].zones[zt];
    out->populated = z->populated;
    out->start_pfn = z->start_pfn;
    out->spanned = z->end_pfn - z->start_pfn;
    out->present = out->spanned;
    out->managed = z->managed;
    out->free_pages = z->free_pages;
    out->wmark_min = z->wmark[WMARK_MIN];
    out->wmark_low = z->wmark[WMARK_LOW];
    out->wmark_high = z->wmark[WMARK_HIGH];
    for (unsigned o = 0; o < pa->norders; o++)
        out->nr_free[o] = zone_nr_free(pa, z, o);
    out->pgalloc = z->pgalloc;
    out->pgfree = z->pgfree;
    out->alloc_fail = z->alloc_fail;
    out->pcp_count = z->pcp.count;
    out->pcp_high = z->pcp.high;
    out->pcp_batch = z->pcp.batch;
}

void page_alloc_numa_stat(const struct page_alloc *pa, unsigned node, struct numa_stat *out)
{
    if (node >= pa->nnodes) {
        memset(out, 0, sizeof(*out));
        return;
    }
    *out = pa->node[node].numa;
}

unsigned page_alloc_node_order(const struct page_alloc *pa, unsigned n, unsigned *nodes)
{
    if (n >= pa->nnodes)
        return 0;
    const struct pa_node *pn = &pa->node[n];
    for (unsigned i = 0; i < pn->nfallback; i++)
        nodes[i] = pn->fallback[i];
    return pn->nfallback;
}

/* ---- The invariant checker ----------------------------------------------- */

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            mmsim_fmt(msg, len, __VA_ARGS__);                                  \
            free(seen);                                                        \
            return -1;                                                         \
        }                                                                      \
    } while (0)

static bool mark_range(uint8_t *seen, uint64_t from, uint64_t n)
{
    for (uint64_t i = from; i < from + n; i++) {
        if (seen[i >> 3] & (1u << (i & 7)))
            return false;
        seen[i >> 3] |= (uint8_t)(1u << (i & 7));
    }
    return true;
}

static int check_zone(const struct page_alloc *pa, const struct zone *z, char *msg, size_t len)
{
    uint64_t span = z->end_pfn - z->start_pfn;
    uint8_t *seen = calloc(span / 8 + 1, 1);
    if (!seen) {
        mmsim_fmt(msg, len, "out of host memory");
        return -1;
    }
    const char *zn = zone_names[z->type];
    uint64_t total = 0, blocks = 0;
    for (unsigned o = 0; o < pa->norders; o++) {
        uint64_t count = 0;
        const struct page_list *h = &z->area[o].list;
        for (const struct page_list *l = h->next; l != h; l = l->next) {
            const struct page *p = (const struct page *)((const char *)l -
                                                         offsetof(struct page, lru));
            uint64_t pfn = p->pfn;
            CHECK(count < span, "node %u %s order %u: list longer than the zone", z->node, zn, o);
            CHECK(l->next->prev == l, "node %u %s order %u: broken list at pfn %#" PRIx64,
                  z->node, zn, o, pfn);
            CHECK((pfn & ((1ULL << o) - 1)) == 0,
                  "node %u %s: block at pfn %#" PRIx64 " not aligned to order %u", z->node, zn,
                  pfn, o);
            CHECK(pfn >= z->start_pfn && pfn + (1ULL << o) <= z->end_pfn,
                  "node %u %s: block at pfn %#" PRIx64 " order %u outside the zone", z->node,
                  zn, pfn, o);
            CHECK(p->zone == z->id, "node %u %s: pfn %#" PRIx64 " belongs to zone id %u",
                  z->node, zn, pfn, p->zone);
            CHECK((p->flags & PG_buddy) && !(p->flags & PG_head) && p->order == o,
                  "node %u %s: listed pfn %#" PRIx64 " has flags %#x order %u on list %u",
                  z->node, zn, pfn, p->flags, p->order, o);
            CHECK(mark_range(seen, pfn - z->start_pfn, 1ULL << o),
                  "node %u %s: frame of block pfn %#" PRIx64 " order %u is on two lists",
                  z->node, zn, pfn, o);
            count++;
        }
        CHECK(count == z->area[o].nr_free, "node %u %s order %u: nr_free %" PRIu64
              " but %" PRIu64 " listed", z->node, zn, o, z->area[o].nr_free, count);
        CHECK(!!count == !!(z->nonempty & (1u << o)), "node %u %s order %u: nonempty bit wrong",
              z->node, zn, o);
        total += count << o;
        blocks += count;
    }
    uint64_t block = 1ULL << (pa->norders - 1);
    CHECK(z->defer_pfn <= z->defer_end, "node %u %s: deferred range reversed", z->node, zn);
    if (z->defer_pfn < z->defer_end) {
        /* Only a non-empty range has an alignment: a zone with no whole
         * max-order block leaves it empty at end_pfn (zone_init_free). */
        CHECK((z->defer_pfn & (block - 1)) == 0 && (z->defer_end & (block - 1)) == 0,
              "node %u %s: deferred range misaligned", z->node, zn);
        CHECK(z->defer_pfn >= z->start_pfn && z->defer_end <= z->end_pfn,
              "node %u %s: deferred range outside the zone", z->node, zn);
        CHECK(mark_range(seen, z->defer_pfn - z->start_pfn, z->defer_end - z->defer_pfn),
              "node %u %s: a listed block overlaps the deferred range", z->node, zn);
    }
    total += z->defer_end - z->defer_pfn;
    /* pcp frames: order 0, in the zone, in no free block, listed once. */
    uint64_t npcp = 0;
    for (const struct page_list *l = z->pcp.list.next; l && l != &z->pcp.list; l = l->next) {
        const struct page *p = (const struct page *)((const char *)l -
                                                     offsetof(struct page, lru));
        CHECK(npcp < span, "node %u %s: pcp list longer than the zone", z->node, zn);
        CHECK(l->next->prev == l, "node %u %s: broken pcp list at pfn %#" PRIx64, z->node, zn,
              p->pfn);
        CHECK(p->pfn >= z->start_pfn && p->pfn < z->end_pfn && p->zone == z->id,
              "node %u %s: pcp frame %#" PRIx64 " outside the zone", z->node, zn, p->pfn);
        CHECK(p->flags == PG_pcp && p->order == 0,
              "node %u %s: pcp frame %#" PRIx64 " has flags %#x order %u", z->node, zn, p->pfn,
              p->flags, p->order);
        CHECK(mark_range(seen, p->pfn - z->start_pfn, 1),
              "node %u %s: pcp frame %#" PRIx64 " is also free in the buddy system", z->node,
              zn, p->pfn);
        npcp++;
    }
    CHECK(npcp == z->pcp.count, "node %u %s: pcp count %" PRIu64 " but %" PRIu64 " listed",
          z->node, zn, z->pcp.count, npcp);
    CHECK(total == z->free_pages, "node %u %s: free_pages %" PRIu64 " but %" PRIu64
          " counted", z->node, zn, z->free_pages, total);

    /* Descriptors: PG_buddy exactly on the listed heads; no allocated head
     * inside a free block. */
    uint64_t heads = 0;
    uint64_t sect = 1ULL << pa->sect_shift;
    for (uint64_t s = z->start_pfn & ~(sect - 1); s < z->end_pfn; s += sect) {
        const struct page *pages = pa->sect[(s >> pa->sect_shift) - pa->sect_first];
        if (!pages)
            continue;
        uint64_t lo = MAX(s, z->start_pfn), hi = MIN(s + sect, z->end_pfn);
        for (uint64_t pfn = lo; pfn < hi; pfn++) {
            const struct page *p = &pages[pfn - s];
            uint64_t i = pfn - z->start_pfn;
            bool in_free = seen[i >> 3] & (1u << (i & 7));
            if (p->flags & PG_buddy)
                heads++;
            CHECK(!(p->flags & PG_head) || !in_free,
                  "node %u %s: allocated pfn %#" PRIx64 " is inside a free block", z->node, zn,
                  pfn);
        }
    }
    CHECK(heads == blocks, "node %u %s: %" PRIu64 " PG_buddy frames but %" PRIu64
          " listed blocks", z->node, zn, heads, blocks);
    free(seen);
    return 0;
}

int page_alloc_check(const struct page_alloc *pa, char *msg, size_t len)
{
    for (unsigned n = 0; n < pa->nnodes; n++)
        for (unsigned zt = 0; zt < MAX_NR_ZONES; zt++)
            if (pa->node[n].zones[zt].populated &&
                check_zone(pa, &pa->node[n].zones[zt], msg, len))
                return -1;
    mmsim_fmt(msg, len, "ok");
    return 0;
}
