/* Guest address spaces: VMAs, demand paging and the interim page table. */
#include "kernel/mm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "internal.h"
#include "kernel/mempolicy.h"
#include "kernel/page_alloc.h"
#include "mmu/pte.h"
#include "numa/physmem.h"

#define PT_EMPTY UINT64_MAX
#define PT_ENTRIES 512u
#define THP_ORDER 9u
#define THP_SIZE (MM_PAGE_SIZE << THP_ORDER)

/* A leaf of a PROT_NONE VMA: present to the kernel, invalid to the
 * hardware (V = 0).  RSW bit 8 says "present"; R marks it a leaf (a valid
 * PTE with R = W = X = 0 would be a pointer). */
#define PTE_SW_PROTNONE (1ull << PTE_RSW_SHIFT)

static inline bool pte_present(uint64_t e)
{
    return (e & (PTE_V | PTE_SW_PROTNONE)) != 0;
}

static inline bool pte_leaf(uint64_t e)
{
    return (e & PTE_SW_PROTNONE) || ((e & PTE_V) && (e & (PTE_R | PTE_X)));
}

static inline uint64_t *pt_table(const struct mm *mm, uint64_t paddr)
{
    return (uint64_t *)(void *)physmem_host(mm->pm, paddr);
}

/* PTE permission bits of a VMA protection (RISC-V has no write-only PTE:
 * mm_prot_effective). */
static uint64_t prot_bits(unsigned prot)
{
    prot = mm_prot_effective(prot);
    if (!(prot & (MM_PROT_R | MM_PROT_W | MM_PROT_X)))
        return PTE_SW_PROTNONE | PTE_R;
    uint64_t b = PTE_V | PTE_U;
    if (prot & MM_PROT_R)
        b |= PTE_R;
    if (prot & MM_PROT_W)
        b |= PTE_W;
    if (prot & MM_PROT_X)
        b |= PTE_X;
    return b;
}

static void flush_range(struct mm *mm, uint64_t start, uint64_t end, unsigned what)
{
    if (mm->flush && start < end)
        mm->flush(mm->flush_ctx, mm, start, end, what);
}

static void count_pt(struct mm *mm, uint64_t pfn, int delta)
{
    mm->pt_pages += (uint64_t)(int64_t)delta;
    if (delta > 0)
        mm->ctr->pt_alloc++;
    else
        mm->ctr->pt_free++;
    int node = physmem_node_of(mm->pm, pfn << MM_PAGE_SHIFT);
    if (mm->ctr->pt_pages_node && node >= 0) {
        mm->ctr->pt_pages_node[node] += (uint64_t)(int64_t)delta;
        if (delta > 0)
            mm->ctr->pt_alloc_node[node]++;
    }
}

/* A zeroed page-table page.  MM_PT_LOCAL is Linux: an ordinary kernel
 * allocation under the task's policy (not the VMA's), so by default on the
 * faulting CPU's node.  MM_PT_DATA: on data_node when it is known (the
 * node of the page being mapped), any node when that one is full. */
static int pt_alloc_table(struct mm *mm, int data_node, uint64_t *paddr)
{
    uint64_t pfn;
    int rc;
    if (mm->pt_place == MM_PT_DATA && data_node >= 0)
        rc = page_alloc_pages_local(mm->pa, GFP_KERNEL, 0, (unsigned)data_node, NULL,
                                    mm->local_node, &pfn);
    else
        rc = mempolicy_alloc(mm->pa, mm->policy, mm->local_node, mm->il_next++, GFP_KERNEL, 0,
                             &pfn);
    if (rc)
        return -ENOMEM;
    uint8_t *p = physmem_host(mm->pm, pfn << MM_PAGE_SHIFT);
    if (!p) {
        page_free_pages(mm->pa, pfn, 0);
        return -ENOMEM;
    }
    memset(p, 0, MM_PAGE_SIZE);
    count_pt(mm, pfn, 1);
    *paddr = pfn << MM_PAGE_SHIFT;
    return 0;
}

static void pt_free_table(struct mm *mm, uint64_t paddr)
{
    count_pt(mm, paddr >> MM_PAGE_SHIFT, -1);
    page_free_pages(mm->pa, paddr >> MM_PAGE_SHIFT, 0);
}

/* The PTE slot of va at `level` (0: a 4 KiB leaf, 1: a 2 MiB leaf), or the
 * slot of a leaf met higher up; *at receives the slot's level.  Missing
 * tables are allocated when alloc (data_node: see pt_alloc_table); NULL
 * when a table is missing (or could not be allocated). */
static uint64_t *pt_slot(const struct mm *mm, uint64_t va, unsigned level, bool alloc,
                         int data_node, unsigned *at)
{
    if (!mm->root)
        return NULL;
    uint64_t table = mm->root;
    for (unsigned l = mm->levels - 1;; l--) {
        uint64_t *pte = pt_table(mm, table) + sv_vpn(va, l);
        uint64_t e = *pte;
        if (l == level || pte_leaf(e)) {
            *at = l;
            return pte;
        }
        if (!(e & PTE_V)) {
            if (!alloc || pt_alloc_table((struct mm *)mm, data_node, &table))
                return NULL;
            *pte = pte_make(table, PTE_V);
            continue;
        }
        table = pte_paddr(e);
    }
}

/* The present leaf PTE mapping va (NULL: none); *shift its page size. */
static uint64_t *pt_leaf(const struct mm *mm, uint64_t va, unsigned *shift)
{
    unsigned at;
    uint64_t *pte = pt_slot(mm, va, 0, false, -1, &at);
    if (!pte || !pte_leaf(*pte))
        return NULL;
    *shift = sv_level_shift(at);
    return pte;
}

/* Frame of the 4 KiB page of va behind a leaf of page size 1 << shift. */
static inline uint64_t leaf_pfn(uint64_t e, uint64_t va, unsigned shift)
{
    return (pte_paddr(e) + (va & ((1ull << shift) - 1))) >> MM_PAGE_SHIFT;
}

uint64_t mm_page_pfn(const struct mm *mm, uint64_t vpn)
{
    unsigned shift;
    uint64_t va = vpn << MM_PAGE_SHIFT;
    const uint64_t *pte = pt_leaf(mm, va, &shift);
    return pte ? leaf_pfn(*pte, va, shift) : PT_EMPTY;
}

uint64_t mm_satp(const struct mm *mm)
{
    return satp_make(mm->levels == 4 ? SV48 : SV39, mm->asid, mm->root);
}

static void free_frames(struct mm *mm, uint64_t pfn, unsigned order)
{
    page_free_pages(mm->pa, pfn, order);
    mm->frames -= 1ull << order;
}

/* Every mapped huge page has a page-table page set aside (Linux's
 * pgtable_trans_huge_deposit), so that splitting it never needs memory.
 * The deposited pages form a list through their first word. */
static int deposit_table(struct mm *mm, int node)
{
    uint64_t t;
    if (pt_alloc_table(mm, node, &t))
        return -ENOMEM;
    *pt_table(mm, t) = mm->pt_deposit;
    mm->pt_deposit = t;
    return 0;
}

static uint64_t withdraw_table(struct mm *mm)
{
    uint64_t t = mm->pt_deposit;
    MMSIM_ASSERT(t);
    mm->pt_deposit = *pt_table(mm, t);
    *pt_table(mm, t) = 0;
    return t;
}

/* Turn the 2 MiB leaf *pte (covering va) into a table of 512 4 KiB PTEs to
 * the same frames, which become separately freeable (Linux's
 * split_huge_pmd + split_page). */
static void split_huge(struct mm *mm, uint64_t *pte, uint64_t va)
{
    uint64_t e = *pte, table = withdraw_table(mm);
    uint64_t pfn = pte_paddr(e) >> MM_PAGE_SHIFT;
    uint64_t *t = pt_table(mm, table);
    uint64_t bits = e & ~PTE_PPN_MASK;
    for (unsigned i = 0; i < PT_ENTRIES; i++)
        t[i] = bits | pte_make((pfn + i) << MM_PAGE_SHIFT, 0);
    page_alloc_split(mm->pa, pfn, THP_ORDER);
    *pte = pte_make(table, PTE_V);
    mm->ctr->thp_split++;
    uint64_t base = va & ~(THP_SIZE - 1);
    flush_range(mm, base, base + THP_SIZE, MM_FLUSH_TABLES);
}

/* Free what maps [start, end) below the table at paddr `table` of level
 * `level`, whose entry 0 maps va `base`.  Tables wholly inside the range
 * are freed; *tables says so. */
static void pt_free_range(struct mm *mm, uint64_t table, unsigned level, uint64_t base,
                          uint64_t start, uint64_t end, bool *tables)
{
    unsigned shift = sv_level_shift(level);
    uint64_t span = 1ull << shift;
    uint64_t *t = pt_table(mm, table);
    unsigned i = start > base ? (unsigned)((start - base) >> shift) : 0;
    for (; i < PT_ENTRIES; i++) {
        uint64_t lo = base + (uint64_t)i * span, hi = lo + span;
        if (lo >= end)
            break;
        uint64_t e = t[i];
        if (!pte_present(e))
            continue;
        bool whole = lo >= start && hi <= end;
        if (pte_leaf(e)) {
            if (whole) {
                free_frames(mm, pte_paddr(e) >> MM_PAGE_SHIFT, level * SV_LEVEL_BITS);
                t[i] = 0;
                if (level)
                    pt_free_table(mm, withdraw_table(mm));
                continue;
            }
            split_huge(mm, &t[i], lo);
            e = t[i];
        }
        pt_free_range(mm, pte_paddr(e), level - 1, lo, start, end, tables);
        if (whole) {
            pt_free_table(mm, pte_paddr(e));
            t[i] = 0;
            *tables = true;
        }
    }
}

/* Free the frames of every page in [start, end), and the page tables that
 * map nothing else, then shoot down. */
static void free_range_frames(struct mm *mm, uint64_t start, uint64_t end, unsigned what)
{
    if (!mm->root || start >= end)
        return;
    bool tables = false;
    pt_free_range(mm, mm->root, mm->levels - 1, 0, start, end, &tables);
    flush_range(mm, start, end, what | (tables ? MM_FLUSH_TABLES : 0));
}

int mm_map_page(struct mm *mm, uint64_t vpn, uint64_t pfn)
{
    unsigned at;
    uint64_t va = vpn << MM_PAGE_SHIFT;
    uint64_t *pte = pt_slot(mm, va, 0, true, physmem_node_of(mm->pm, pfn << MM_PAGE_SHIFT), &at);
    if (!pte)
        return -ENOMEM;
    if (at != 0) {
        split_huge(mm, pte, va);
        pte = pt_slot(mm, va, 0, false, -1, &at);
    }
    const struct vma *v = mm_find_vma(mm, va);
    if (pte_present(*pte))
        free_frames(mm, pte_paddr(*pte) >> MM_PAGE_SHIFT, 0);
    *pte = pte_make(pfn << MM_PAGE_SHIFT, prot_bits(v ? v->prot : MM_PROT_R | MM_PROT_W) |
                                               PTE_A | PTE_D);
    mm->frames++;
    /* A frame replaced under executable code: the harts' decoded copies go
     * too (they may share them: k_code_shared in kernel.c). */
    flush_range(mm, va, va + MM_PAGE_SIZE, v && (v->prot & MM_PROT_X) ? MM_FLUSH_EXEC : 0);
    return 0;
}

/* Call fn on every present leaf slot of [start, end) (whole pages: split
 * huge pages at the ends first with split_edges). */
typedef void leaf_fn(void *ctx, uint64_t *pte, uint64_t va, unsigned shift);

static void leaves_level(struct mm *mm, uint64_t table, unsigned level, uint64_t base,
                         uint64_t start, uint64_t end, leaf_fn *fn, void *ctx)
{
    unsigned shift = sv_level_shift(level);
    uint64_t *t = pt_table(mm, table);
    unsigned i = start > base ? (unsigned)((start - base) >> shift) : 0;
    for (; i < PT_ENTRIES; i++) {
        uint64_t lo = base + ((uint64_t)i << shift);
        if (lo >= end)
            break;
        if (!pte_present(t[i]))
            continue;
        if (pte_leaf(t[i]))
            fn(ctx, &t[i], lo, shift);
        else
            leaves_level(mm, pte_paddr(t[i]), level - 1, lo, start, end, fn, ctx);
    }
}

static void walk_leaves(struct mm *mm, uint64_t start, uint64_t end, leaf_fn *fn, void *ctx)
{
    if (mm->root && start < end)
        leaves_level(mm, mm->root, mm->levels - 1, 0, start, end, fn, ctx);
}

/* Split the huge pages that straddle start or end. */
static void split_edges(struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t edge[2] = {start, end};
    for (int i = 0; i < 2; i++) {
        unsigned shift;
        uint64_t *pte;
        if (edge[i] & (THP_SIZE - 1) && edge[i] < MM_TASK_SIZE &&
            (pte = pt_leaf(mm, edge[i], &shift)) && shift > MM_PAGE_SHIFT)
            split_huge(mm, pte, edge[i]);
    }
}

static void set_prot(void *ctx, uint64_t *pte, uint64_t va, unsigned shift)
{
    *pte = (*pte & (PTE_PPN_MASK | PTE_A | PTE_D)) | *(const uint64_t *)ctx;
}

/* ---- Creation ----------------------------------------------------------- */

int mm_create(struct physmem *pm, struct page_alloc *pa, const struct mempolicy *pol,
              unsigned local_node, struct mm **out)
{
    *out = NULL;
    struct mm *mm = calloc(1, sizeof(*mm));
    if (!mm)
        return -ENOMEM;
    mm->pm = pm;
    mm->pa = pa;
    mm->policy = pol;
    mm->local_node = local_node;
    mm->levels = 3;
    mm->thp = MM_THP_MADVISE;
    mm->ctr = &mm->own_ctr;
    mm->mmap_base = MM_STACK_TOP - MM_STACK_GAP;
    if (pm && pa && pt_alloc_table(mm, -1, &mm->root)) {
        free(mm);
        return -ENOMEM;
    }
    *out = mm;
    return 0;
}

static void free_vma(struct vma *v)
{
    free(v->policy);
    free(v);
}

void mm_destroy(struct mm *mm)
{
    if (!mm)
        return;
    if (mm->root) {
        free_range_frames(mm, 0, MM_TASK_SIZE, MM_FLUSH_EXEC);
        pt_free_table(mm, mm->root);
    }
    for (struct vma *v = mm->vmas, *n; v; v = n) {
        n = v->next;
        free_vma(v);
    }
    free(mm);
}

/* ---- VMAs --------------------------------------------------------------- */

struct vma *mm_find_vma(struct mm *mm, uint64_t addr)
{
    struct vma *c = mm->cache;
    if (c && addr >= c->start && addr < c->end)
        return c;
    for (struct vma *v = mm->vmas; v && v->start <= addr; v = v->next)
        if (addr < v->end)
            return mm->cache = v;
    return NULL;
}

bool mm_range_free(const struct mm *mm, uint64_t start, uint64_t len)
{
    uint64_t end = start + len;
    if (end < start || end > MM_TASK_SIZE)
        return false;
    for (const struct vma *v = mm->vmas; v && v->start < end; v = v->next)
        if (v->end > start)
            return false;
    return true;
}

uint64_t mm_find_free(const struct mm *mm, uint64_t len)
{
    if (!mm_len_pages(len, &len) || !len || len > mm->mmap_base)
        return 0;
    uint64_t best = 0, prev_end = MM_MMAP_MIN;
    for (const struct vma *v = mm->vmas;; v = v->next) {
        uint64_t gap_end = v ? v->start : MM_TASK_SIZE;
        if (gap_end > mm->mmap_base)
            gap_end = mm->mmap_base;
        if (gap_end > prev_end && gap_end - prev_end >= len)
            best = gap_end - len;
        if (!v || v->start >= mm->mmap_base)
            break;
        if (v->end > prev_end)
            prev_end = v->end;
    }
    return best;
}

static void link_vma(struct mm *mm, struct vma *nv)
{
    struct vma **pp = &mm->vmas;
    while (*pp && (*pp)->start < nv->start)
        pp = &(*pp)->next;
    nv->next = *pp;
    *pp = nv;
}

int mm_map(struct mm *mm, uint64_t start, uint64_t len, unsigned prot, unsigned flags,
           const char *name)
{
    if ((start | len) & MM_PAGE_MASK || !len)
        return -EINVAL;
    if (!mm_range_free(mm, start, len))
        return -EEXIST;
    struct vma *v = calloc(1, sizeof(*v));
    if (!v)
        return -ENOMEM;
    v->start = start;
    v->end = start + len;
    v->prot = prot;
    v->flags = flags;
    if (name)
        mmsim_fmt(v->name, sizeof(v->name), "%s", name);
    link_vma(mm, v);
    return 0;
}

/* Split the VMA containing addr (if addr is strictly inside) at addr. */
static int split_at(struct mm *mm, uint64_t addr)
{
    struct vma *v = mm_find_vma(mm, addr);
    if (!v || v->start == addr)
        return 0;
    struct vma *n = malloc(sizeof(*n));
    if (!n)
        return -ENOMEM;
    *n = *v;
    if (v->policy) {
        if (!(n->policy = malloc(sizeof(*n->policy)))) {
            free(n);
            return -ENOMEM;
        }
        *n->policy = *v->policy;
    }
    n->start = addr;
    v->end = addr;
    v->next = n;
    return 0;
}

/* Member by member: the struct has padding, which memcmp would compare. */
static bool same_policy(const struct mempolicy *a, const struct mempolicy *b)
{
    return a == b ||
           (a && b && a->mode == b->mode && a->flags == b->flags && a->nodes == b->nodes &&
            a->user_nodes == b->user_nodes && a->mems_allowed == b->mems_allowed &&
            memcmp(a->weights, b->weights, sizeof(a->weights)) == 0);
}

/* Merge neighbours around [start, end) that became alike (Linux's
 * vma_merge after mprotect, mbind, madvise), so repeated changes do not
 * leave a trail of split VMAs. */
static void merge_around(struct mm *mm, uint64_t start, uint64_t end)
{
    for (struct vma *v = mm->vmas; v && v->start <= end; v = v->next) {
        while (v->next && v->end == v->next->start && v->next->start <= end &&
               v->end >= start && v->prot == v->next->prot && v->flags == v->next->flags &&
               !(v->flags & (VMA_SPECIAL | VMA_STACK)) && !strcmp(v->name, v->next->name) &&
               same_policy(v->policy, v->next->policy)) {
            struct vma *n = v->next;
            v->end = n->end;
            v->next = n->next;
            if (mm->cache == n)
                mm->cache = v;
            free_vma(n);
        }
    }
}

int mm_unmap_range(struct mm *mm, uint64_t start, uint64_t len)
{
    if (start & MM_PAGE_MASK || !len || !mm_len_pages(len, &len))
        return -EINVAL;
    uint64_t end = start + len;
    if (end < start || end > MM_TASK_SIZE)
        return -EINVAL;
    if (split_at(mm, start) || split_at(mm, end))
        return -ENOMEM;
    bool exec = false;
    for (struct vma **pp = &mm->vmas; *pp;) {
        struct vma *v = *pp;
        if (v->start >= start && v->end <= end) {
            exec |= (v->prot & MM_PROT_X) != 0;
            *pp = v->next;
            if (mm->cache == v)
                mm->cache = NULL;
            free_vma(v);
            continue;
        }
        pp = &v->next;
    }
    /* One pass over the tables for the whole range, so that page tables
     * spanning several VMAs are freed too. */
    free_range_frames(mm, start, end, exec ? MM_FLUSH_EXEC : 0);
    return 0;
}

int mm_discard(struct mm *mm, uint64_t start, uint64_t len)
{
    if (start & MM_PAGE_MASK || !mm_len_pages(len, &len))
        return -EINVAL;
    if (start + len < start || start + len > MM_TASK_SIZE)
        return -EINVAL;
    free_range_frames(mm, start, start + len, MM_FLUSH_EXEC);
    return 0;
}

int mm_protect(struct mm *mm, uint64_t start, uint64_t len, unsigned prot)
{
    if (start & MM_PAGE_MASK)
        return -EINVAL;
    if (!mm_len_pages(len, &len))
        return -ENOMEM;         /* Linux: PAGE_ALIGN wraps, end <= start */
    uint64_t end = start + len;
    if (end < start || end > MM_TASK_SIZE)
        return -ENOMEM;
    if (!len)
        return 0;
    /* Linux: -ENOMEM when part of the range is unmapped. */
    uint64_t a = start;
    while (a < end) {
        struct vma *v = mm_find_vma(mm, a);
        if (!v)
            return -ENOMEM;
        a = v->end;
    }
    if (split_at(mm, start) || split_at(mm, end))
        return -ENOMEM;
    bool exec = false;
    for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
        if (v->start >= start) {
            exec |= ((v->prot | prot) & MM_PROT_X) != 0;
            v->prot = prot;
        }
    /* Linux's change_protection: rewrite the present PTEs, keeping the
     * frame and A/D. */
    split_edges(mm, start, end);
    uint64_t bits = prot_bits(prot);
    walk_leaves(mm, start, end, set_prot, &bits);
    merge_around(mm, start, end);
    flush_range(mm, start, end, exec ? MM_FLUSH_EXEC : 0);
    return 0;
}

int64_t mm_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len,
                 unsigned flags, uint64_t new_addr)
{
    const unsigned MAYMOVE = 1, FIXED = 2;
    if (old & MM_PAGE_MASK || !new_len || flags & ~(MAYMOVE | FIXED) ||
        ((flags & FIXED) && !(flags & MAYMOVE)))
        return -EINVAL;
    if (old_len > MM_TASK_SIZE || new_len > MM_TASK_SIZE) {
        /* As qemu-riscv64: a range that wraps the 64-bit space is -ENOMEM
         * (old range; new range in place or at new_addr), any other length
         * beyond the address space -EINVAL.  Never rounded (it would wrap
         * to 0 and look like a shrink). */
        bool wraps = old + old_len < old ||
                     (!(flags & MAYMOVE) && old + new_len < old) ||
                     ((flags & FIXED) && new_addr + new_len < new_addr);
        return wraps ? -ENOMEM : -EINVAL;
    }
    old_len = MM_PAGE_UP(old_len);
    new_len = MM_PAGE_UP(new_len);
    struct vma *v = mm_find_vma(mm, old);
    if (!v || old + old_len > v->end || old_len == 0)
        return -EFAULT;
    if (flags & FIXED) {
        if (new_addr & MM_PAGE_MASK)
            return -EINVAL;
        if (new_addr < old + old_len && old < new_addr + new_len)
            return -EINVAL;
    } else if (new_len <= old_len) {
        if (new_len < old_len)
            mm_unmap_range(mm, old + new_len, old_len - new_len);
        return (int64_t)old;
    } else if (old + old_len == v->end && mm_range_free(mm, v->end, new_len - old_len)) {
        v->end = old + new_len;         /* grow in place */
        return (int64_t)old;
    } else if (!(flags & MAYMOVE)) {
        return -ENOMEM;
    }
    /* Move: a new VMA, then move the PTEs (no copy needed). */
    if (split_at(mm, old) || split_at(mm, old + old_len))
        return -ENOMEM;
    v = mm_find_vma(mm, old);
    if (flags & FIXED) {
        mm_unmap_range(mm, new_addr, new_len);
    } else {
        new_addr = mm_find_free(mm, new_len);
        if (!new_addr)
            return -ENOMEM;
    }
    int rc = mm_map(mm, new_addr, new_len, v->prot, v->flags, v->name);
    if (rc)
        return rc == -EEXIST ? -ENOMEM : rc;
    uint64_t moved = old_len < new_len ? old_len : new_len;
    for (uint64_t off = 0; off < moved;) {
        unsigned shift, at;
        uint64_t *pte = pt_leaf(mm, old + off, &shift);
        if (!pte) {
            off += MM_PAGE_SIZE;
            continue;
        }
        if (shift > MM_PAGE_SHIFT) {
            split_huge(mm, pte, old + off);
            continue;
        }
        uint64_t e = *pte;
        uint64_t *dst = pt_slot(mm, new_addr + off, 0, true, -1, &at);
        if (!dst)
            break;      /* no memory for a table: the rest stays behind and is freed */
        *dst = e;
        *pte = 0;
        off += MM_PAGE_SIZE;
    }
    mm_unmap_range(mm, old, old_len);   /* frees frames beyond new_len, shoots down */
    return (int64_t)new_addr;
}

uint64_t mm_brk(struct mm *mm, uint64_t newbrk)
{
    /* Beyond the address space: refused before MM_PAGE_UP can wrap it to
     * 0 (which would look like a shrink to nothing). */
    if (newbrk < mm->brk_start || newbrk > MM_TASK_SIZE)
        return mm->brk;
    uint64_t old_end = MM_PAGE_UP(mm->brk), new_end = MM_PAGE_UP(newbrk);
    if (new_end > old_end) {
        if (mm->commit_limit && (new_end - old_end) >> MM_PAGE_SHIFT > mm->commit_limit)
            return mm->brk;
        if (!mm_range_free(mm, old_end, new_end - old_end) ||
            new_end + MM_PAGE_SIZE > mm->mmap_base)
            return mm->brk;
        struct vma *h = old_end > mm->brk_start ? mm_find_vma(mm, old_end - 1) : NULL;
        if (h && (h->flags & VMA_HEAP) && h->end == old_end)
            h->end = new_end;
        else if (mm_map(mm, old_end, new_end - old_end, MM_PROT_R | MM_PROT_W, VMA_HEAP,
                        "[heap]"))
            return mm->brk;
    } else if (new_end < old_end) {
        mm_unmap_range(mm, new_end, old_end - new_end);
    }
    mm->brk = newbrk;
    return mm->brk;
}

/* ---- Translation and demand paging ------------------------------------- */

static unsigned need_prot(int acc)
{
    return acc == HART_WRITE ? MM_PROT_W : acc == HART_EXEC ? MM_PROT_X : MM_PROT_R;
}

/* Can the fault at vaddr in v be served by a transparent huge page?  The
 * aligned 2 MiB around it must lie inside the VMA, and THP be allowed for
 * it (always, or madvise with MADV_HUGEPAGE) and not refused. */
static bool thp_eligible(const struct mm *mm, const struct vma *v, uint64_t vaddr)
{
    if (mm->thp == MM_THP_NEVER || (v->flags & (VMA_NOHUGEPAGE | VMA_SPECIAL)) ||
        (mm->thp == MM_THP_MADVISE && !(v->flags & VMA_HUGEPAGE)))
        return false;
    uint64_t base = vaddr & ~(THP_SIZE - 1);
    return base >= v->start && base + THP_SIZE <= v->end &&
           page_alloc_nr_orders(mm->pa) > THP_ORDER;
}

/* Map a huge page at the empty level-1 slot *slot.  false: fall back. */
static bool fault_huge(struct mm *mm, const struct vma *v, const struct mempolicy *pol,
                       uint64_t *slot, uint64_t vaddr, int acc)
{
    uint64_t base = vaddr & ~(THP_SIZE - 1), pfn;
    /* Linux's vma_thp_gfp_mask in the default "defrag=madvise" mode: no
     * direct reclaim, just take a free 2 MiB block if there is one. */
    if (mempolicy_alloc(mm->pa, pol, mm->local_node, base >> (MM_PAGE_SHIFT + THP_ORDER),
                        GFP_TRANSHUGE_LIGHT, THP_ORDER, &pfn))
        return false;
    int node = physmem_node_of(mm->pm, pfn << MM_PAGE_SHIFT);
    uint8_t *p = physmem_host(mm->pm, pfn << MM_PAGE_SHIFT);
    if (!p || deposit_table(mm, node)) {
        page_free_pages(mm->pa, pfn, THP_ORDER);
        return false;
    }
    memset(p, 0, THP_SIZE);
    *slot = pte_make(pfn << MM_PAGE_SHIFT,
                     prot_bits(v->prot) | PTE_A | (acc == HART_WRITE ? PTE_D : 0));
    mm->frames += 1u << THP_ORDER;
    mm->ctr->thp_fault_alloc++;
    mm->pending_cycles += mm->fault_cost + (mm->zero_cost << THP_ORDER);
    return true;
}

/* A frame for the page of vaddr in v, installed at a missing leaf. */
static enum mm_fault fault_page(struct mm *mm, const struct vma *v, uint64_t vaddr, int acc)
{
    if (!mm->root)
        return MM_FAULT_NOMEM;
    /* The run limit on guest memory (a frame, a huge page, and the tables
     * that may come with either). */
    if (mm->ctr->mem_limit &&
        page_alloc_used_pages(mm->pa) + (thp_eligible(mm, v, vaddr) ? 512 : 1) + mm->levels >
            mm->ctr->mem_limit) {
        mm->ctr->limit_hit = true;
        return MM_FAULT_LIMIT;
    }
    const struct mempolicy *pol = mempolicy_effective(v->policy, mm->policy);
    unsigned at;
    if (thp_eligible(mm, v, vaddr)) {
        uint64_t *slot = pt_slot(mm, vaddr, 1, true, -1, &at);
        if (!slot)
            return MM_FAULT_NOMEM;
        if (at == 1 && !pte_present(*slot)) {
            if (fault_huge(mm, v, pol, slot, vaddr, acc))
                goto done;
            mm->ctr->thp_fault_fallback++;
        }
    }
    /* Interleave index as Linux (6.7+) computes it for anonymous memory,
     * whether the policy is the VMA's or the task's: the virtual page
     * number. */
    uint64_t pfn;
    if (mempolicy_alloc(mm->pa, pol, mm->local_node, vaddr >> MM_PAGE_SHIFT,
                        GFP_HIGHUSER_MOVABLE, 0, &pfn))
        return MM_FAULT_NOMEM;
    uint8_t *p = physmem_host(mm->pm, pfn << MM_PAGE_SHIFT);
    uint64_t *pte = p ? pt_slot(mm, vaddr, 0, true, physmem_node_of(mm->pm, pfn << MM_PAGE_SHIFT),
                                &at) : NULL;
    if (!pte) {
        page_free_pages(mm->pa, pfn, 0);
        return MM_FAULT_NOMEM;
    }
    memset(p, 0, MM_PAGE_SIZE);
    *pte = pte_make(pfn << MM_PAGE_SHIFT,
                    prot_bits(v->prot) | PTE_A | (acc == HART_WRITE ? PTE_D : 0));
    mm->frames++;
    mm->pending_cycles += mm->fault_cost + mm->zero_cost;
done:
    mm->faults++;
    mm->ctr->faults++;
    return MM_OK;
}

enum mm_fault mm_fault_in(struct mm *mm, uint64_t vaddr, int acc)
{
    struct vma *v = mm_find_vma(mm, vaddr);
    if (!v)
        return MM_FAULT_MAPERR;
    if (!(mm_prot_effective(v->prot) & need_prot(acc)))
        return MM_FAULT_ACCERR;
    unsigned shift;
    uint64_t *pte = pt_leaf(mm, vaddr, &shift);
    if (!pte)
        return fault_page(mm, v, vaddr, acc);
    /* Present but refused: a PROT_NONE leaf whose VMA now allows the
     * access cannot happen (mprotect rewrites the PTEs), so the walker
     * saw what the VMA says. */
    if (!(*pte & PTE_V))
        return MM_FAULT_ACCERR;
    return MM_OK;
}

/* The host address of vaddr's 4 KiB page, demand-paging it.  strict: the
 * syscall view (a VMA's prot as given, as qemu-riscv64's access checks
 * see it: a write-only page cannot be read by a syscall); otherwise the
 * hart's view (mm_prot_effective: write implies read).  The kernel's own
 * accesses set A (and D for a write) as the hardware would. */
static enum mm_fault lookup(struct mm *mm, uint64_t vaddr, int acc, bool check, bool strict,
                            uint8_t **host)
{
    struct vma *v = mm_find_vma(mm, vaddr);
    if (!v)
        return MM_FAULT_MAPERR;
    unsigned prot = strict ? v->prot : mm_prot_effective(v->prot);
    if (check && !(prot & need_prot(acc)))
        return MM_FAULT_ACCERR;
    unsigned shift;
    uint64_t *pte = pt_leaf(mm, vaddr, &shift);
    if (!pte) {
        enum mm_fault f = fault_page(mm, v, vaddr, acc);
        if (f != MM_OK)
            return f;
        pte = pt_leaf(mm, vaddr, &shift);
    }
    *pte |= PTE_A | (acc == HART_WRITE ? PTE_D : 0);
    *host = physmem_host(mm->pm, leaf_pfn(*pte, vaddr, shift) << MM_PAGE_SHIFT);
    return *host ? MM_OK : MM_FAULT_NOMEM;
}

enum mm_fault mm_lookup(struct mm *mm, uint64_t vaddr, int acc, bool check, uint8_t **host)
{
    return lookup(mm, vaddr, acc, check, false, host);
}

static int copy(struct mm *mm, uint64_t vaddr, void *buf, size_t len, int acc, bool check)
{
    uint8_t *b = buf;
    while (len) {
        uint8_t *host;
        if (lookup(mm, vaddr, acc, check, true, &host))
            return -EFAULT;
        size_t off = vaddr & MM_PAGE_MASK, n = MM_PAGE_SIZE - off;
        if (n > len)
            n = len;
        if (acc == HART_WRITE)
            memcpy(host + off, b, n);
        else
            memcpy(b, host + off, n);
        b += n;
        vaddr += n;
        len -= n;
    }
    return 0;
}

int mm_copy_in(struct mm *mm, void *dst, uint64_t vaddr, size_t len)
{
    return copy(mm, vaddr, dst, len, HART_READ, true);
}

int mm_copy_out(struct mm *mm, uint64_t vaddr, const void *src, size_t len)
{
    return copy(mm, vaddr, (void *)src, len, HART_WRITE, true);
}

int mm_poke(struct mm *mm, uint64_t vaddr, const void *src, size_t len)
{
    return copy(mm, vaddr, (void *)src, len, HART_WRITE, false);
}

long mm_strncpy_in(struct mm *mm, char *dst, uint64_t vaddr, size_t max)
{
    size_t i = 0;
    while (i < max) {
        uint8_t *host;
        if (lookup(mm, vaddr + i, HART_READ, true, true, &host))
            return -EFAULT;
        size_t off = (vaddr + i) & MM_PAGE_MASK;
        for (; off < MM_PAGE_SIZE && i < max; off++, i++) {
            dst[i] = (char)host[off];
            if (!host[off])
                return (long)i;
        }
    }
    return -ENAMETOOLONG;
}

int mm_iov(struct mm *mm, uint64_t vaddr, size_t len, int acc, struct iovec *iov, int max,
           size_t *covered)
{
    /* Read by the host (write(2) from the guest) and never touched: the
     * bytes are zeros, so hand the host a shared zero page instead of
     * demand-allocating a frame (Linux's zero page does the same), which
     * keeps a huge untouched buffer from becoming resident. */
    static const uint8_t zero_page[MM_PAGE_SIZE];
    int n = 0;
    *covered = 0;
    while (len && n < max) {
        uint8_t *host;
        const struct vma *v;
        if (acc == HART_READ && mm_page_pfn(mm, vaddr >> MM_PAGE_SHIFT) == PT_EMPTY &&
            (v = mm_find_vma(mm, vaddr)) && (v->prot & MM_PROT_R))
            host = (uint8_t *)(uintptr_t)zero_page;     /* the host only reads it */
        else if (lookup(mm, vaddr, acc, true, true, &host))
            break;
        size_t off = vaddr & MM_PAGE_MASK, k = MM_PAGE_SIZE - off;
        if (k > len)
            k = len;
        if (n && (uint8_t *)iov[n - 1].iov_base + iov[n - 1].iov_len == host + off) {
            iov[n - 1].iov_len += k;    /* physically contiguous frames */
        } else {
            iov[n].iov_base = host + off;
            iov[n].iov_len = k;
            n++;
        }
        *covered += k;
        vaddr += k;
        len -= k;
    }
    return n;
}

/* ---- NUMA placement ------------------------------------------------------ */

static bool node_has_memory(const struct physmem *pm, unsigned node)
{
    for (unsigned i = 0; pm && i < pm->nranges; i++)
        if (pm->range[i].node == node)
            return true;
    return false;
}

int mm_page_node(struct mm *mm, uint64_t vaddr)
{
    if (!mm_find_vma(mm, vaddr))
        return -EFAULT;
    unsigned shift;
    const uint64_t *pte = pt_leaf(mm, vaddr, &shift);
    if (!pte)
        return -ENOENT;
    int node = physmem_node_of(mm->pm, leaf_pfn(*pte, vaddr, shift) << MM_PAGE_SHIFT);
    return node < 0 ? -EFAULT : node;
}

int mm_migrate_page(struct mm *mm, uint64_t vaddr, unsigned node)
{
    const struct vma *v = mm_find_vma(mm, vaddr);
    if (!v)
        return -EFAULT;
    if (!node_has_memory(mm->pm, node))
        return -EINVAL;
    unsigned shift;
    uint64_t *pte = pt_leaf(mm, vaddr, &shift);
    if (!pte)
        return -ENOENT;
    uint64_t old = leaf_pfn(*pte, vaddr, shift);
    if (physmem_node_of(mm->pm, old << MM_PAGE_SHIFT) == (int)node)
        return 0;
    if (shift > MM_PAGE_SHIFT) {
        split_huge(mm, pte, vaddr);
        pte = pt_leaf(mm, vaddr, &shift);
    }
    nodemask_t only = 1ull << node;
    uint64_t pfn;
    if (page_alloc_pages_local(mm->pa, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0, node, &only,
                               mm->local_node, &pfn)) {
        mm->ctr->pgmigrate_fail++;
        return -ENOMEM;
    }
    uint8_t *dst = physmem_host(mm->pm, pfn << MM_PAGE_SHIFT);
    const uint8_t *src = physmem_host(mm->pm, old << MM_PAGE_SHIFT);
    memcpy(dst, src, MM_PAGE_SIZE);
    /* Kernel work plus the copy (a read and a write of the page). */
    mm->pending_cycles += mm->fault_cost + 2 * mm->zero_cost;
    *pte = (*pte & ~PTE_PPN_MASK) | pte_make(pfn << MM_PAGE_SHIFT, 0);
    uint64_t page = vaddr & ~MM_PAGE_MASK;
    /* The old frame is reused only after every CPU has forgotten it. */
    flush_range(mm, page, page + MM_PAGE_SIZE, (v->prot & MM_PROT_X) ? MM_FLUSH_EXEC : 0);
    page_free_pages(mm->pa, old, 0);
    mm->ctr->pgmigrate_success++;
    return 0;
}

int mm_set_vma_policy(struct mm *mm, uint64_t start, uint64_t len, const struct mempolicy *pol)
{
    if (start & MM_PAGE_MASK || !mm_len_pages(len, &len))
        return -EINVAL;
    uint64_t end = start + len;
    if (end < start)
        return -EINVAL;
    for (uint64_t a = start; a < end;) {
        const struct vma *v = mm_find_vma(mm, a);
        if (!v)
            return -EFAULT;     /* a hole, or beyond the user address space */
        a = v->end;
    }
    if (split_at(mm, start) || split_at(mm, end))
        return -ENOMEM;
    bool clear = !pol || pol->mode == MPOL_DEFAULT;
    for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
        if (v->start < start)
            continue;
        if (clear) {
            free(v->policy);
            v->policy = NULL;
            continue;
        }
        if (!v->policy && !(v->policy = malloc(sizeof(*v->policy))))
            return -ENOMEM;
        *v->policy = *pol;
    }
    merge_around(mm, start, end);
    return 0;
}

static int walk_level(struct mm *mm, uint64_t table, unsigned level, uint64_t base,
                      uint64_t start, uint64_t end, mm_page_fn *cb, void *ctx)
{
    unsigned shift = sv_level_shift(level);
    const uint64_t *t = pt_table(mm, table);
    unsigned i = start > base ? (unsigned)((start - base) >> shift) : 0;
    for (; i < PT_ENTRIES; i++) {
        uint64_t lo = base + ((uint64_t)i << shift);
        if (lo >= end)
            break;
        uint64_t e = t[i];
        if (!pte_present(e))
            continue;
        int rc = pte_leaf(e) ? cb(ctx, lo, pte_paddr(e) >> MM_PAGE_SHIFT, shift)
                             : walk_level(mm, pte_paddr(e), level - 1, lo, start, end, cb, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

int mm_walk_pages(struct mm *mm, uint64_t start, uint64_t end, mm_page_fn *cb, void *ctx)
{
    if (!mm->root || start >= end)
        return 0;
    return walk_level(mm, mm->root, mm->levels - 1, 0, start, end, cb, ctx);
}

int mm_set_hugepage(struct mm *mm, uint64_t start, uint64_t len, bool on)
{
    if (start & MM_PAGE_MASK || !mm_len_pages(len, &len))
        return -EINVAL;
    uint64_t end = start + len;
    if (end < start || end > MM_TASK_SIZE)
        return -EINVAL;
    for (uint64_t a = start; a < end;) {
        const struct vma *v = mm_find_vma(mm, a);
        if (!v)
            return -ENOMEM;
        a = v->end;
    }
    if (split_at(mm, start) || split_at(mm, end))
        return -ENOMEM;
    for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
        if (v->start >= start)
            v->flags = (v->flags & ~(VMA_HUGEPAGE | VMA_NOHUGEPAGE)) |
                       (on ? VMA_HUGEPAGE : VMA_NOHUGEPAGE);
    merge_around(mm, start, end);
    return 0;
}
