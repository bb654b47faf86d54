/* A guest address space: VMAs, brk, mmap placement, and the page tables
 * (Sv39 or Sv48) that the kernel writes into guest physical memory and the
 * CPUs' hardware walkers read (mmu/).  Frames come from the buddy allocator
 * on first touch under the VMA's or the task's memory policy.  The kernel
 * side (syscalls, copies) reads the same tables in software.
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
#define VMA_HUGEPAGE 0x10u      /* madvise(MADV_HUGEPAGE) */
#define VMA_NOHUGEPAGE 0x20u    /* madvise(MADV_NOHUGEPAGE) */

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
    struct mempolicy *policy;   /* NULL: the task's policy; else mbind's, owned */
    struct vma *next;           /* sorted by start */
};

/* Why mm_lookup failed (si_code of the SIGSEGV it causes). */
enum mm_fault {
    MM_OK = 0, MM_FAULT_MAPERR = 1, MM_FAULT_ACCERR = 2, MM_FAULT_NOMEM = 3,
    MM_FAULT_LIMIT = 4,         /* the run limit on guest memory: the run stops */
};

/* Placement of page-table pages (topology `kernel: {pt_placement: ...}`). */
enum mm_pt_place {
    MM_PT_LOCAL = 0,            /* the node of the faulting CPU (Linux) */
    MM_PT_DATA,                 /* the node of the data page being mapped */
};

/* Transparent huge pages (topology `kernel: {thp: ...}`, CLI --thp). */
enum mm_thp { MM_THP_NEVER = 0, MM_THP_MADVISE, MM_THP_ALWAYS };

/* What a shootdown must drop (the flush hook's `what`). */
#define MM_FLUSH_EXEC 0x1u      /* code may have changed: decoded instructions too */
#define MM_FLUSH_TABLES 0x2u    /* page-table pages were freed: walk caches too */

/* Machine-wide counters an mm adds to (the kernel's; an mm made without a
 * kernel points at its own). */
struct mm_counters {
    uint64_t faults;            /* demand-paging faults that allocated */
    uint64_t thp_fault_alloc;   /* faults that mapped a 2 MiB page */
    uint64_t thp_fault_fallback;        /* THP candidates that got 4 KiB pages */
    uint64_t thp_split;         /* huge pages split into 4 KiB pages */
    uint64_t pgmigrate_success, pgmigrate_fail;
    uint64_t pt_alloc, pt_free; /* page-table pages allocated / freed */
    uint64_t *pt_pages_node;    /* page-table pages held per node (gauges), or NULL */
    uint64_t *pt_alloc_node;    /* page-table pages allocated per node, or NULL */
    uint64_t mem_limit;         /* run limit: frames allocated in all (0: none) */
    bool limit_hit;             /* a fault stopped at mem_limit */
};

#define MM_CPU_WORDS 16         /* 1024 CPUs */

struct mm {
    struct physmem *pm;
    struct page_alloc *pa;
    const struct mempolicy *policy;     /* the task's policy */
    unsigned local_node;                /* node of the CPU touching it now */
    uint64_t il_next;                   /* interleave counter (no-address allocations) */

    struct vma *vmas;
    struct vma *cache;                  /* last VMA found */

    /* Page tables in guest physical memory, read by every CPU's walker. */
    uint64_t root;                      /* paddr of the root table; 0: none */
    unsigned levels;                    /* 3: Sv39, 4: Sv48 (before the first map) */
    uint16_t asid;                      /* the kernel's; part of satp */
    enum mm_pt_place pt_place;
    enum mm_thp thp;
    uint64_t pt_pages;                  /* page-table pages held, root included */
    uint64_t pt_deposit;                /* tables set aside for huge-page splits */
    uint64_t cpumask[MM_CPU_WORDS];     /* CPUs whose TLBs may hold this mm */

    uint64_t brk_start, brk;
    uint64_t mmap_base;
    uint64_t stack_start;

    /* Shootdown: called after PTEs in [start, end) changed or went away,
     * before their frames are reused, so that every CPU in cpumask drops
     * what it caches (MM_FLUSH_* in what).  NULL: nothing caches it. */
    void (*flush)(void *ctx, struct mm *mm, uint64_t start, uint64_t end, unsigned what);
    void *flush_ctx;

    enum mm_fault last_fault;           /* reason of the last failed translate */
    uint64_t faults;                    /* demand-paging allocations */
    uint64_t frames;                    /* 4 KiB frames currently mapped */
    /* Page-fault cost (kernel entry/exit and handling; zeroing per 4 KiB),
     * in cycles, and the cost of the faults since the kernel last charged
     * it to a CPU (it clears pending_cycles). */
    uint64_t fault_cost, zero_cost, pending_cycles;
    /* Linux's heuristic overcommit (vm.overcommit_memory = 0): a single
     * private writable mapping or brk growth larger than all memory fails
     * with ENOMEM up front.  In pages; 0: no limit. */
    uint64_t commit_limit;
    struct mm_counters *ctr;            /* never NULL after mm_create */
    struct mm_counters own_ctr;
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
/* The hardware's page fault: make the page of vaddr present for access
 * acc (a store also makes it writable-dirty) if the VMA allows it, under
 * the VMA's or the task's policy, with a transparent huge page when the
 * VMA qualifies.  Returns MM_OK (the walker may retry), or why not. */
enum mm_fault mm_fault_in(struct mm *mm, uint64_t vaddr, int acc);
/* Install a 4 KiB frame at vpn (replacing what was there; tests and the
 * loader).  0 or -ENOMEM. */
int mm_map_page(struct mm *mm, uint64_t vpn, uint64_t pfn);
/* Frame behind vpn, read from the page tables, or UINT64_MAX. */
uint64_t mm_page_pfn(const struct mm *mm, uint64_t vpn);
/* satp for this mm (MODE from levels, the ASID, the root). */
uint64_t mm_satp(const struct mm *mm);
/* madvise MADV_HUGEPAGE (on) / MADV_NOHUGEPAGE (off) over whole VMAs of
 * the range (split at its ends).  0, -ENOMEM (a hole, as Linux), -EINVAL. */
int mm_set_hugepage(struct mm *mm, uint64_t start, uint64_t len, bool on);

/* ---- NUMA placement (the syscalls of kernel/sys_numa.c, numa_maps) ----
 * Linux semantics; addresses need not be page aligned unless stated. */

/* Node of the frame behind vaddr: >= 0, -ENOENT when the page is not
 * resident (never touched, or discarded), -EFAULT when no VMA covers it. */
int mm_page_node(struct mm *mm, uint64_t vaddr);
/* Move the frame behind vaddr to `node`: allocate there (exactly that node,
 * no fallback), copy the contents, rewrite the PTE, free the old frame and
 * shoot down the TLB entries of every CPU that may cache it.  A transparent
 * huge page is split first (the 4 KiB piece moves).  Returns 0 (moved, or
 * already on node), -ENOENT (not resident), -EFAULT (no VMA), -ENOMEM (node
 * full), -EINVAL (node has no memory). */
int mm_migrate_page(struct mm *mm, uint64_t vaddr, unsigned node);
/* Give the VMAs over [start, start+len) (page aligned; a hole is -EFAULT,
 * nothing changed) their own copy of pol (NULL or MPOL_DEFAULT: fall back to
 * the task's policy again), splitting VMAs at the ends.  0, -EFAULT,
 * -EINVAL, -ENOMEM. */
int mm_set_vma_policy(struct mm *mm, uint64_t start, uint64_t len, const struct mempolicy *pol);
/* Call cb for every resident page in [start, end), in address order, with
 * the page's virtual start, its first frame, and its size as a shift (12,
 * or 21 for a transparent huge page: then pfn is the first of 512 frames
 * and va may start before `start`).  cb returning non-zero stops the walk
 * and is returned; else 0. */
typedef int mm_page_fn(void *ctx, uint64_t va, uint64_t pfn, unsigned shift);
int mm_walk_pages(struct mm *mm, uint64_t start, uint64_t end, mm_page_fn *cb, void *ctx);

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
