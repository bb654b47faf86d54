/* A guest address space: VMAs, brk, mmap placement and the INTERIM
 * translation (a host-side hash from virtual page number to physical frame
 * number).  The MMU issue replaces the translation with Sv39 page tables in
 * guest memory; everything outside mm.c reaches it only through
 * mm_lookup / mm_map_page / mm_unmap_range and the copy helpers.
 *
 * Layout (deterministic, like Linux's default top-down layout with no
 * randomisation):
 *   MM_TASK_SIZE          0x40_0000_0000 (Sv39 user space, 256 GiB)
 *   stack                 [MM_STACK_TOP - 8 MiB, MM_STACK_TOP)
 *   mmap_base             MM_STACK_TOP - 128 MiB (the stack gap); mmap
 *                         allocates top-down below it
 *   brk                   from the page after the highest PT_LOAD, upwards
 */
#ifndef MMSIM_KERNEL_MM_H
#define MMSIM_KERNEL_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define MM_PAGE_SHIFT 12
#define MM_PAGE_SIZE 4096ULL
#define MM_PAGE_MASK (MM_PAGE_SIZE - 1)
#define MM_PAGE_UP(x) (((x) + MM_PAGE_MASK) & ~MM_PAGE_MASK)
#define MM_PAGE_DOWN(x) ((x) & ~MM_PAGE_MASK)

#define MM_TASK_SIZE 0x4000000000ULL
#define MM_STACK_TOP MM_TASK_SIZE
#define MM_STACK_SIZE (8ULL << 20)
#define MM_STACK_GAP (128ULL << 20)
#define MM_MMAP_MIN 0x10000ULL          /* vm.mmap_min_addr */

/* A guest-supplied length rounded up to whole pages in *out.  false (and
 * *out untouched) when it exceeds the user address space: MM_PAGE_UP would
 * wrap a length near 2^64 to 0.  Use it wherever a guest length is rounded. */
static inline bool mm_len_pages(uint64_t len, uint64_t *out)
{
    if (len > MM_TASK_SIZE)
        return false;
    *out = MM_PAGE_UP(len);
    return true;
}

/* VMA protection: Linux PROT_* values. */
#define MM_PROT_R 1u
#define MM_PROT_W 2u
#define MM_PROT_X 4u

/* VMA flags. */
#define VMA_STACK 0x1u
#define VMA_HEAP 0x2u
#define VMA_SHARED 0x4u         /* MAP_SHARED (XXX: behaves as private) */
#define VMA_SPECIAL 0x8u        /* [vdso]-like kernel page */

/* The access a VMA's prot allows: RISC-V has no write-only PTE, so Linux
 * maps PROT_WRITE as read+write (the VMA, and /proc/self/maps, keep -w-). */
static inline unsigned mm_prot_effective(unsigned prot)
{
    return prot | ((prot & MM_PROT_W) ? MM_PROT_R : 0u);
}

struct physmem;
struct page_alloc;
struct mempolicy;
struct hart;

struct vma {
    uint64_t start, end;        /* page aligned, [start, end) */
    unsigned prot;
    unsigned flags;
    char name[24];              /* "[stack]", "[heap]", file name, "" */
    struct mempolicy *policy;   /* NULL: the task's policy (later: mbind) */
    struct vma *next;           /* sorted by start */
};

/* Why mm_lookup failed (si_code of the SIGSEGV it causes). */
enum mm_fault { MM_OK = 0, MM_FAULT_MAPERR = 1, MM_FAULT_ACCERR = 2, MM_FAULT_NOMEM = 3 };

struct mm {
    struct physmem *pm;
    struct page_alloc *pa;
    const struct mempolicy *policy;     /* the task's policy */
    unsigned local_node;
    uint64_t il_next;                   /* interleave counter of the task policy */

    struct vma *vmas;
    struct vma *cache;                  /* last VMA found */

    /* Interim page table: open addressing, linear probing. */
    uint64_t *pt_vpn;                   /* UINT64_MAX = empty */
    uint64_t *pt_pfn;
    size_t pt_cap, pt_count;

    uint64_t brk_start, brk;
    uint64_t mmap_base;
    uint64_t stack_start;

    /* Called on unmap/protect so that harts caching this mm forget it
     * (exec: decoded instructions too).  NULL: nothing caches it. */
    void (*flush)(void *ctx, struct mm *mm, bool exec);
    void *flush_ctx;

    enum mm_fault last_fault;           /* reason of the last failed translate */
    uint64_t faults;                    /* demand-paging allocations */
    uint64_t *fault_stat;               /* also counted here when not NULL */
    uint64_t frames;                    /* frames currently mapped */
};

/* Create an empty address space (no VMAs).  pm/pa may be NULL for tests
 * that never touch a page.  Returns 0 or -ENOMEM. */
int mm_create(struct physmem *pm, struct page_alloc *pa, const struct mempolicy *pol,
              unsigned local_node, struct mm **out);
/* Free every frame and VMA.  NULL is a no-op. */
void mm_destroy(struct mm *mm);

struct vma *mm_find_vma(struct mm *mm, uint64_t addr);
/* Is [start, start+len) free of VMAs? */
bool mm_range_free(const struct mm *mm, uint64_t start, uint64_t len);
/* Highest free page-aligned gap of len bytes below mm->mmap_base (and above
 * MM_MMAP_MIN), or 0 when none. */
uint64_t mm_find_free(const struct mm *mm, uint64_t len);

/* Create a VMA over the free page-aligned range.  Returns 0, -EINVAL,
 * -EEXIST (overlap) or -ENOMEM. */
int mm_map(struct mm *mm, uint64_t start, uint64_t len, unsigned prot, unsigned flags,
           const char *name);
/* Remove VMAs (splitting partial ones) and free their frames.  0 or -EINVAL. */
int mm_unmap_range(struct mm *mm, uint64_t start, uint64_t len);
/* Free the frames of [start, start+len) so the pages read as zero on the
 * next touch (madvise MADV_DONTNEED).  0 or -EINVAL. */
int mm_discard(struct mm *mm, uint64_t start, uint64_t len);
/* Change protection over a fully mapped range: 0, -EINVAL or -ENOMEM. */
int mm_protect(struct mm *mm, uint64_t start, uint64_t len, unsigned prot);
/* mremap: returns the new address or a negative errno. */
int64_t mm_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len,
                 unsigned flags, uint64_t new_addr);
/* brk: returns the new break (the old one when the request fails). */
uint64_t mm_brk(struct mm *mm, uint64_t newbrk);

/* Translate (the hart's view): the host address of the START of vaddr's
 * page, demand-paging it under the VMA's permission: read needs R (or W:
 * mm_prot_effective), write W, exec X.  check == false skips the permission
 * check (the loader writing read-only pages).  The copy helpers and mm_iov
 * below check the VMA's prot as given (a syscall cannot read a write-only
 * page: qemu-riscv64 returns EFAULT there, although Linux would not). */
enum mm_fault mm_lookup(struct mm *mm, uint64_t vaddr, int acc, bool check, uint8_t **host);
/* Install / query frames in the interim page table. */
int mm_map_page(struct mm *mm, uint64_t vpn, uint64_t pfn);
uint64_t mm_page_pfn(const struct mm *mm, uint64_t vpn);    /* UINT64_MAX: none */

/* Copy between host and guest through the page table with permission
 * checks.  Return 0 or -EFAULT. */
int mm_copy_in(struct mm *mm, void *dst, uint64_t vaddr, size_t len);
int mm_copy_out(struct mm *mm, uint64_t vaddr, const void *src, size_t len);
/* Write ignoring permissions (inside VMAs only). */
int mm_poke(struct mm *mm, uint64_t vaddr, const void *src, size_t len);
/* Copy a NUL-terminated string of at most max bytes (including the NUL):
 * its length, -EFAULT, or -ENAMETOOLONG. */
long mm_strncpy_in(struct mm *mm, char *dst, uint64_t vaddr, size_t max);
/* Describe guest [vaddr, vaddr+len) as host iovecs (one per page piece),
 * stopping at the first inaccessible page or after max entries.  Returns the
 * number of entries (0 when the first byte is inaccessible and len > 0);
 * *covered receives the bytes described. */
int mm_iov(struct mm *mm, uint64_t vaddr, size_t len, int acc, struct iovec *iov, int max,
           size_t *covered);

#endif
