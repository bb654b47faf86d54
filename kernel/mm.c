/* Guest address spaces: VMAs, demand paging and the interim page table. */
#include "kernel/mm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "internal.h"
#include "kernel/mempolicy.h"
#include "kernel/page_alloc.h"
#include "numa/physmem.h"

#define PT_EMPTY UINT64_MAX

/* ---- Interim page table: vpn -> pfn hash ------------------------------ */

static size_t pt_hash(const struct mm *mm, uint64_t vpn)
{
    return (size_t)((vpn * 0x9E3779B97F4A7C15ULL) >> 17) & (mm->pt_cap - 1);
}

static size_t pt_slot(const struct mm *mm, uint64_t vpn)
{
    size_t i = pt_hash(mm, vpn);
    while (mm->pt_vpn[i] != PT_EMPTY && mm->pt_vpn[i] != vpn)
        i = (i + 1) & (mm->pt_cap - 1);
    return i;
}

static int pt_grow(struct mm *mm)
{
    size_t ncap = mm->pt_cap ? mm->pt_cap * 2 : 1024;
    uint64_t *nv = malloc(ncap * sizeof(*nv));
    uint64_t *np = malloc(ncap * sizeof(*np));
    if (!nv || !np) {
        free(nv);
        free(np);
        return -ENOMEM;
    }
    uint64_t *ov = mm->pt_vpn, *op = mm->pt_pfn;
    size_t ocap = mm->pt_cap;
    memset(nv, 0xff, ncap * sizeof(*nv));
    mm->pt_vpn = nv;
    mm->pt_pfn = np;
    mm->pt_cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (ov[i] == PT_EMPTY)
            continue;
        size_t s = pt_slot(mm, ov[i]);
        nv[s] = ov[i];
        np[s] = op[i];
    }
    free(ov);
    free(op);
    return 0;
}

uint64_t mm_page_pfn(const struct mm *mm, uint64_t vpn)
{
    if (!mm->pt_cap)
        return PT_EMPTY;
    size_t s = pt_slot(mm, vpn);
    return mm->pt_vpn[s] == vpn ? mm->pt_pfn[s] : PT_EMPTY;
}

int mm_map_page(struct mm *mm, uint64_t vpn, uint64_t pfn)
{
    if ((mm->pt_count + 1) * 2 > mm->pt_cap && pt_grow(mm))
        return -ENOMEM;
    size_t s = pt_slot(mm, vpn);
    if (mm->pt_vpn[s] != vpn)
        mm->pt_count++;
    mm->pt_vpn[s] = vpn;
    mm->pt_pfn[s] = pfn;
    return 0;
}

/* Remove vpn; backward-shift deletion keeps probe chains intact without
 * tombstones.  Returns the pfn that was mapped, or PT_EMPTY. */
static uint64_t pt_remove(struct mm *mm, uint64_t vpn)
{
    if (!mm->pt_cap)
        return PT_EMPTY;
    size_t mask = mm->pt_cap - 1;
    size_t i = pt_slot(mm, vpn);
    if (mm->pt_vpn[i] != vpn)
        return PT_EMPTY;
    uint64_t pfn = mm->pt_pfn[i];
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (mm->pt_vpn[j] == PT_EMPTY)
            break;
        size_t h = pt_hash(mm, mm->pt_vpn[j]);
        /* Move j into the hole at i unless its home lies cyclically in (i, j]. */
        bool stays = (i <= j) ? (i < h && h <= j) : (i < h || h <= j);
        if (!stays) {
            mm->pt_vpn[i] = mm->pt_vpn[j];
            mm->pt_pfn[i] = mm->pt_pfn[j];
            i = j;
        }
    }
    mm->pt_vpn[i] = PT_EMPTY;
    mm->pt_count--;
    return pfn;
}

static void free_frame(struct mm *mm, uint64_t pfn)
{
    if (mm->pa)
        page_free_pages(mm->pa, pfn, 0);
    mm->frames--;
}

/* Free the frames of every page in [start, end). */
static void free_range_frames(struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t npages = (end - start) >> MM_PAGE_SHIFT;
    if (!mm->pt_count)
        return;
    if (npages <= mm->pt_cap) {
        for (uint64_t a = start; a < end; a += MM_PAGE_SIZE) {
            uint64_t pfn = pt_remove(mm, a >> MM_PAGE_SHIFT);
            if (pfn != PT_EMPTY)
                free_frame(mm, pfn);
        }
        return;
    }
    /* Huge sparse range: scan the table instead of the range. */
    uint64_t lo = start >> MM_PAGE_SHIFT, hi = end >> MM_PAGE_SHIFT;
    for (size_t i = 0; i < mm->pt_cap;) {
        uint64_t v = mm->pt_vpn[i];
        if (v != PT_EMPTY && v >= lo && v < hi) {
            free_frame(mm, pt_remove(mm, v));
            continue;       /* slot i may now hold a shifted entry */
        }
        i++;
    }
}

static void flush(struct mm *mm, bool exec)
{
    if (mm->flush)
        mm->flush(mm->flush_ctx, mm, exec);
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
    mm->mmap_base = MM_STACK_TOP - MM_STACK_GAP;
    if (pt_grow(mm)) {
        free(mm);
        return -ENOMEM;
    }
    *out = mm;
    return 0;
}

void mm_destroy(struct mm *mm)
{
    if (!mm)
        return;
    for (size_t i = 0; i < mm->pt_cap; i++)
        if (mm->pt_vpn[i] != PT_EMPTY)
            free_frame(mm, mm->pt_pfn[i]);
    for (struct vma *v = mm->vmas, *n; v; v = n) {
        n = v->next;
        free(v);
    }
    free(mm->pt_vpn);
    free(mm->pt_pfn);
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
    n->start = addr;
    v->end = addr;
    v->next = n;
    return 0;
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
            free_range_frames(mm, v->start, v->end);
            *pp = v->next;
            if (mm->cache == v)
                mm->cache = NULL;
            free(v);
            continue;
        }
        pp = &v->next;
    }
    flush(mm, exec);
    return 0;
}

int mm_discard(struct mm *mm, uint64_t start, uint64_t len)
{
    if (start & MM_PAGE_MASK || !mm_len_pages(len, &len))
        return -EINVAL;
    if (start + len < start || start + len > MM_TASK_SIZE)
        return -EINVAL;
    free_range_frames(mm, start, start + len);
    flush(mm, true);
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
    flush(mm, exec);
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
    /* Move: a new VMA, then re-key the frames (no copy needed). */
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
    for (uint64_t off = 0; off < moved; off += MM_PAGE_SIZE) {
        uint64_t pfn = pt_remove(mm, (old + off) >> MM_PAGE_SHIFT);
        if (pfn != PT_EMPTY && mm_map_page(mm, (new_addr + off) >> MM_PAGE_SHIFT, pfn))
            free_frame(mm, pfn);
    }
    mm_unmap_range(mm, old, old_len);   /* frees frames beyond new_len, flushes */
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

/* strict: the syscall view (a VMA's prot as given, as qemu-riscv64's
 * access checks see it: a write-only page cannot be read by a syscall);
 * otherwise the hart's view (mm_prot_effective: write implies read). */
static enum mm_fault lookup(struct mm *mm, uint64_t vaddr, int acc, bool check, bool strict,
                            uint8_t **host)
{
    struct vma *v = mm_find_vma(mm, vaddr);
    if (!v)
        return MM_FAULT_MAPERR;
    unsigned prot = strict ? v->prot : mm_prot_effective(v->prot);
    if (check && !(prot & need_prot(acc)))
        return MM_FAULT_ACCERR;
    uint64_t vpn = vaddr >> MM_PAGE_SHIFT;
    uint64_t pfn = mm_page_pfn(mm, vpn);
    if (pfn == PT_EMPTY) {
        if (!mm->pa || !mm->pm)
            return MM_FAULT_NOMEM;
        const struct mempolicy *pol = mempolicy_effective(v->policy, mm->policy);
        /* Interleave index: the page offset in the VMA for a VMA policy, a
         * per-task counter for the task's policy (Linux's il_prev). */
        uint64_t ilx = pol == v->policy ? (vaddr - v->start) >> MM_PAGE_SHIFT : mm->il_next++;
        if (mempolicy_alloc(mm->pa, pol, mm->local_node, ilx, GFP_HIGHUSER_MOVABLE, 0, &pfn))
            return MM_FAULT_NOMEM;
        uint8_t *p = physmem_host(mm->pm, pfn << MM_PAGE_SHIFT);
        if (!p || mm_map_page(mm, vpn, pfn)) {
            page_free_pages(mm->pa, pfn, 0);
            return MM_FAULT_NOMEM;
        }
        memset(p, 0, MM_PAGE_SIZE);
        mm->faults++;
        if (mm->fault_stat)
            (*mm->fault_stat)++;
        mm->frames++;
        *host = p;
        return MM_OK;
    }
    *host = physmem_host(mm->pm, pfn << MM_PAGE_SHIFT);
    return MM_OK;
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
