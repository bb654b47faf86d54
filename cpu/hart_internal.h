/* Private to cpu/: the decoded-instruction cache, the software TLB slow
 * paths and the hooks shared by the interpreter, the FPU helpers and the
 * trace. */
#ifndef MMSIM_CPU_HART_INTERNAL_H
#define MMSIM_CPU_HART_INTERNAL_H

#include <fenv.h>
/* MXCSR on x86-64 (see "The host FP environment" below); defining
 * MMSIM_HOSTFP_FENV selects the portable <fenv.h> code there too. */
#if defined(__x86_64__) && !defined(MMSIM_HOSTFP_FENV)
#define HOSTFP_MXCSR 1
#include <xmmintrin.h>
#else
#define HOSTFP_MXCSR 0
#endif

#include "cpu/decode.h"
#include "cpu/hart.h"
#include "internal.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096u
#define PAGE_SLOTS (PAGE_SIZE / 2)      /* one slot per halfword */

/* Decoded form of one guest page, keyed by the host address of the page
 * (so it survives TLB flushes and serves every virtual alias).  Slot i
 * holds the instruction starting at byte 2*i; slot PAGE_SLOTS is the
 * RV_PAGE_END sentinel that sends sequential flow back to a lookup.
 *
 * Pages live in a store (struct hart_dstore, hart.c) that the harts of a
 * machine share: a hart's decode cache holds only tags pointing at them,
 * and harts that run the same code from a page the kernel vouches for
 * (hart_mem_ops.code_shared) hold the same page.  Why that is exact: see
 * "Sharing decoded pages" in hart.c. */
struct dpage {
    uintptr_t host;                     /* the page's host address while used */
    /* Where the slots were decoded from.  Kept when the last hart lets the
     * page go, so a run that a callout flushed under its feet can still
     * finish decoding the block it is in (a page is reused only by a
     * hart's decode miss, which that run takes only after leaving it). */
    const uint8_t *bytes;
    struct dpage *next;                 /* hash chain, or the free list */
    uint32_t users;                     /* tags that point here */
    bool shared;                        /* in the store's table */
#if defined(MMSIM_CHECKS)
    uint8_t *snap;                      /* the bytes when it was set up */
#endif
    struct rv_dinsn slot[PAGE_SLOTS + 1];
};

/* ---- The host FP environment ----
 *
 * The guest's arithmetic runs on the host FPU (fpu.c), which holds the
 * guest's rounding mode and accumulates its exception flags while hart_run
 * executes; the caller's environment is saved on entry, restored on return,
 * and swapped in around calls out of the simulator (found through
 * h->fp_host).  A run loop's steps (hart_run_in, hart.c) share one such
 * switch: the host FPU stays in the guest's default environment between
 * them, and a step reads MXCSR at either end but writes it only when the
 * guest left flags or a rounding mode behind.
 *
 * On x86-64 all double/float arithmetic is SSE, whose whole state (rounding
 * mode, sticky flags, exception masks, FTZ/DAZ) is the 32-bit MXCSR; cpu/
 * never touches the x87 unit (no long double), so its state is the
 * caller's throughout and the environment is just MXCSR: saving or
 * restoring it is one stmxcsr/ldmxcsr, cheap enough for every software-TLB
 * miss.  (glibc's x86-64 libm, which fpu.c calls for fma, sqrt and the
 * roundings, works on double and float in SSE only, its fma fallback for
 * CPUs without FMA3 included.)  Elsewhere the full <fenv.h> environment is
 * swapped. */
#if HOSTFP_MXCSR
typedef uint32_t hostfp_env;
/* The guest's environment at the start of a run: every exception masked,
 * round to nearest, no flags, no flush-to-zero or denormals-are-zero. */
#define HOSTFP_MXCSR_DEFAULT 0x1f80u
#define HOSTFP_MXCSR_FLAGS 0x3fu        /* the sticky exception flags */
static inline void hostfp_save(hostfp_env *e) { *e = _mm_getcsr(); }
static inline void hostfp_restore(const hostfp_env *e) { _mm_setcsr(*e); }
static inline void hostfp_set_default(void) { _mm_setcsr(HOSTFP_MXCSR_DEFAULT); }
#else
typedef fenv_t hostfp_env;
static inline void hostfp_save(hostfp_env *e) { fegetenv(e); }
static inline void hostfp_restore(const hostfp_env *e) { fesetenv(e); }
static inline void hostfp_set_default(void) { fesetenv(FE_DFL_ENV); }
#endif

/* Two-way set associative, so a loop calling into a page that maps to the
 * same set does not re-decode both pages on every call. */
#define DCACHE_SETS 64
#define DCACHE_WAYS 2

/* A tag: the host page (0: none) and its decoded page in the store. */
struct dtag {
    uintptr_t host;
    struct dpage *page;
};

struct hart_dcache {
    struct dtag tag[DCACHE_SETS][DCACHE_WAYS];
    uint8_t last_fill[DCACHE_SETS];     /* way filled most recently */
    /* A straddling instruction decoded for one execution, followed by a
     * page-end sentinel at the slot its length leads to. */
    struct rv_dinsn cross[3];
    struct hart_dstore *store;          /* where the pages are */
    bool own_store;                     /* this hart's alone (hart_init's) */
};

static inline unsigned dcache_set(uintptr_t host)
{
    return (unsigned)((host >> PAGE_SHIFT) ^ (host >> (PAGE_SHIFT + 6))) % DCACHE_SETS;
}

/* The decoded page for a host page address, or NULL. */
static inline struct dpage *dcache_find(struct hart_dcache *dc, uintptr_t host)
{
    const struct dtag *set = dc->tag[dcache_set(host)];
    if (likely(set[0].host == host))
        return set[0].page;
    if (set[1].host == host)
        return set[1].page;
    return NULL;
}

/* Software TLB. */
_Static_assert(sizeof(struct hart_stlb_entry) == 16, "a TLB index is a byte offset / 16");
static inline struct hart_stlb_entry *stlb_entry(struct hart_stlb_entry *tlb, uint64_t vaddr)
{
    /* The page number's low bits, already scaled to the entry size. */
    return (struct hart_stlb_entry *)(void *)((char *)tlb +
        ((vaddr >> (PAGE_SHIFT - 4)) & ((HART_STLB_SIZE - 1) << 4)));
}

/* Does e map the page of an access of size bytes (1, 2, 4, 8) at vaddr,
 * naturally aligned?  vaddr with the in-page bits cleared except those
 * that must be zero for alignment is e->page exactly when both hold. */
static inline bool stlb_hit(const struct hart_stlb_entry *e, uint64_t vaddr, unsigned size)
{
    return (vaddr & ~(uint64_t)(PAGE_SIZE - size)) == e->page;
}

/* Does e map the page of vaddr (any alignment)? */
static inline bool stlb_hit_page(const struct hart_stlb_entry *e, uint64_t vaddr)
{
    return stlb_hit(e, vaddr, 1);
}

/* Out-of-line TLB refill: translate the page of vaddr for acc, cache it,
 * return the host address of vaddr; on failure record cause/tval on the
 * hart and return NULL. */
uint8_t *hart_stlb_fill(struct hart *h, uint64_t vaddr, enum hart_access acc);

/* Slow memory access (misaligned, page-straddling, or TLB miss).  Returns
 * 0, or non-zero after recording cause and tval on the hart. */
int hart_load_slow(struct hart *h, uint64_t addr, int size, uint64_t *val);
int hart_store_slow(struct hart *h, uint64_t addr, int size, uint64_t val);

/* The decoded page for pc (a TLB lookup for execute plus a cache lookup),
 * or NULL after recording a fetch fault. */
struct dpage *hart_dpage_lookup(struct hart *h, uint64_t pc);
/* Decode the instruction of slot idx of page p; the bytes of the next
 * page, if needed, are read through an execute translation. */
void hart_decode_slot(struct hart *h, struct dpage *p, unsigned idx);
/* Length of the basic block starting at slot idx (decodes as needed). */
unsigned hart_block_len(struct hart *h, struct dpage *p, unsigned idx);

/* Run the FP environment of the host around calls out of the simulator
 * (translate, read_time): the callout computes under the caller's rounding
 * mode and flags (and whatever flags it raises stay the caller's), and the
 * guest's sticky flags neither leak out nor get disturbed. */
static inline void hart_callout_enter(struct hart *h, hostfp_env *guest)
{
    hostfp_save(guest);
    hostfp_restore((const hostfp_env *)h->fp_host);
}

static inline void hart_callout_leave(struct hart *h, const hostfp_env *guest)
{
    hostfp_save((hostfp_env *)h->fp_host);
    hostfp_restore(guest);
}

/* The run loops (interp.c): return a stop reason, or -1 when the next
 * block does not fit the budget (or pc is odd) and the caller must
 * single-step, or HART_RUN_CROSS (hart_run_fast only) before an
 * instruction that the caller single-steps before it goes on: one that
 * straddles a page, or a load into x0 (rv_decode). */
#define HART_RUN_CROSS (-2)
int hart_run_fast(struct hart *h, uint64_t max, uint64_t *retired);
int hart_run_step(struct hart *h, uint64_t max, uint64_t *retired);
int hart_run_timing(struct hart *h, uint64_t max, uint64_t *retired);
int hart_run_timing_step(struct hart *h, uint64_t max, uint64_t *retired);
int hart_run_trace(struct hart *h, uint64_t max, uint64_t *retired);

/* Trace hooks (trace.c). */
struct rv_trace_state {
    uint64_t pc;
    uint64_t addr;              /* store address, when the insn stores */
    int store_size;             /* 0: no memory write */
    struct rv_dinsn d;
    uint32_t raw;
};
void hart_trace_before(struct hart *h, struct rv_trace_state *t, const struct rv_dinsn *d);
void hart_trace_after(struct hart *h, const struct rv_trace_state *t);

/* Raw instruction bits at pc (for traces), 0 when not fetchable. */
uint32_t hart_fetch_raw(struct hart *h, uint64_t pc);

#endif
