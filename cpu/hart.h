/* The RV64GC hart: architectural state and the interpreter's contract.
 *
 * The hart knows nothing of processes or syscalls.  It executes user-mode
 * code until something needs the outside world (ecall, a fault, the end of
 * its instruction budget) and returns a stop reason; the caller (the guest
 * kernel via the machine's run loop) handles it and calls hart_run again.
 *
 * Every guest memory access goes through one translation hook
 * (hart_mem_ops.translate), cached in a small software TLB inside the hart,
 * so that the MMU issue can replace the interim translation with real page
 * tables without touching the interpreter. */
#ifndef MMSIM_CPU_HART_H
#define MMSIM_CPU_HART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/decode.h"

/* Exception causes (privileged spec, mcause values). */
enum hart_cause {
    CAUSE_MISALIGNED_FETCH = 0,
    CAUSE_FETCH_ACCESS = 1,
    CAUSE_ILLEGAL_INSN = 2,
    CAUSE_BREAKPOINT = 3,
    CAUSE_MISALIGNED_LOAD = 4,
    CAUSE_LOAD_ACCESS = 5,
    CAUSE_MISALIGNED_STORE = 6,     /* also misaligned AMO / LR / SC */
    CAUSE_STORE_ACCESS = 7,
    CAUSE_ECALL_U = 8,
    CAUSE_FETCH_PAGE_FAULT = 12,
    CAUSE_LOAD_PAGE_FAULT = 13,
    CAUSE_STORE_PAGE_FAULT = 15,
};

enum hart_access { HART_READ = 0, HART_WRITE = 1, HART_EXEC = 2 };

enum hart_stop {
    HART_STOP_BUDGET = 0,   /* executed the requested number of instructions */
    HART_STOP_ECALL,        /* pc points AT the ecall; caller advances pc by 4 */
    HART_STOP_EBREAK,       /* pc points at the ebreak (c.ebreak: 2 bytes) */
    HART_STOP_TRAP,         /* exception: cause/tval set, pc = faulting insn */
    HART_STOP_REQUEST,      /* hart->stop_request was set (by a hook) */
    HART_STOP_YIELD,        /* timing: a memory access waits for this CPU's turn at
                             * the shared hierarchy (hart->tm_pend says which) */
};

/* What a timed memory access is (the mem_time hook's kind). */
enum hart_mem_kind { HART_MEM_LOAD = 0, HART_MEM_STORE, HART_MEM_FETCH, HART_MEM_AMO };

struct hart;

struct hart_mem_ops {
    /* Translate the page containing vaddr for the given access.  On success
     * store in *host the host address that corresponds to the START of the
     * 4 KiB guest page containing vaddr and return 0; the hart may cache
     * that mapping in its software TLB until hart_tlb_flush().  On failure
     * return the exception cause to raise (e.g. CAUSE_LOAD_PAGE_FAULT). */
    int (*translate)(void *ctx, uint64_t vaddr, enum hart_access acc, uint8_t **host);
    /* Current simulated time in timer ticks, for rdtime / the time CSR.
     * During the call the hart's cycle and instret fields include the
     * instructions retired so far in the current hart_run (otherwise they
     * are only brought up to date when hart_run returns), so a clock
     * derived from them is exact.  translate and read_time run with the
     * caller's floating-point environment, not the guest's. */
    uint64_t (*read_time)(void *ctx);
    /* Timing mode only (hart->pipe set): the memory access of the current
     * instruction to host address `host` (guest memory the translate hook
     * returned), starting at `cycle`, before the instruction executes.
     * Returns 0 when it completed without waiting for other CPUs, with
     * *done (the cycle its data is there, or a store's ownership) and
     * *miss (false for an L1 hit); or 1 when it must wait for this CPU's
     * turn at the shared hierarchy: the callee keeps it pending, the hart
     * stops (HART_STOP_YIELD) before the instruction, and whoever performs
     * the access later calls hart_timing_grant; the instruction then runs
     * with that result. */
    int (*mem_time)(void *ctx, const void *host, enum hart_mem_kind kind, uint64_t cycle,
                    uint64_t *done, bool *miss);
    /* Optional (NULL: never).  May the decoded form of the code page at
     * vaddr (just translated for execute) be shared with the other harts
     * of the store (hart_dstore_use)?  Only when the page's bytes cannot
     * change while this hart holds it: nothing may write them, nor free
     * the frame, without first calling hart_icache_flush on every hart
     * whose address space maps it there (see "Sharing decoded pages" in
     * hart.c).  Runs with the caller's floating-point environment. */
    bool (*code_shared)(void *ctx, uint64_t vaddr);
};

struct pipe;

/* Number of software TLB entries per access type (direct mapped). */
#define HART_STLB_SIZE 256

/* Entries of the timing mode's L1D and L1I hit filters (powers of two:
 * 64 KiB and 16 KiB of 64-byte lines, more than the bundled L1s hold). */
#define HART_DFILT_SIZE 1024
#define HART_IFILT_SIZE 256
/* Bit 0 of a hit filter entry's stamp pointer (8-byte aligned). */
#define HART_L1F_W ((uintptr_t)1)

/* No access's masked address has bits 3..11 set (see stlb_hit). */
#define HART_STLB_EMPTY UINT64_MAX

struct hart_stlb_entry {
    /* The page's virtual address (vaddr with the low 12 bits clear), or
     * HART_STLB_EMPTY: a hit is one and with a constant and one compare
     * (stlb_hit), alignment included. */
    uint64_t page;
    uintptr_t addend;           /* host address = vaddr + addend */
};

struct hart_stats {
    uint64_t insns;             /* retired instructions (== instret) */
    uint64_t loads, stores, amos;
    uint64_t ecalls, traps, stlb_misses, decode_misses, icache_flushes;
    uint64_t stlb_fills[3];     /* software TLB misses by enum hart_access */
    uint64_t split_accesses;    /* loads/stores that straddle two pages */
};

struct hart {
    /* Architectural state. */
    uint64_t x[32];             /* x[0] is always 0 when observed */
    uint64_t f[32];             /* raw 64-bit FP registers (NaN-boxed singles) */

    /* What every step of a run loop reads or writes, from here to rm_map,
     * in as few host cache lines as will hold it (six): with many CPUs
     * taking short turns each CPU's lines are cold again at its turn. */
    uint64_t pc;
    uint64_t cycle;             /* mcycle seen by rdcycle */
    uint64_t instret;           /* seen by rdinstret */
    /* Asynchronous stop request (checked at block boundaries). */
    volatile int stop_request;
    bool resv_valid;            /* the LR/SC reservation (resv_addr) holds */
    FILE *trace;                /* non-NULL: spike-like commit log */
    /* While hart_run runs: where the caller's host FP environment is kept
     * (a hostfp_env, cpu/hart_internal.h), which the calls out run in. */
    void *fp_host;
    struct hart_dcache *dcache; /* decoded-instruction cache, owned by cpu/ */

    /* Timing mode (cpu/pipeline.h): NULL runs functionally, one cycle per
     * instruction.  Owned by the caller. */
    struct pipe *pipe;
    uint64_t tm_now;            /* issue cycle of the instruction executing */
    uint64_t tm_walk_end;       /* the caller's page walks for it end here (0: none) */
    uint64_t tm_fetch_pc;       /* first address of the fetched I-cache line
                                 * + 1; 0: none (fetch again) */
    uint64_t tm_limit;          /* stop (HART_STOP_BUDGET) once the clock reaches it */
    /* Where the last timed run stopped at tm_limit: the decoded slot
     * (tm_resume_d, in tm_resume_page) of tm_resume_pc, as the lookup of
     * the next run would find it while code_gen stays tm_resume_gen.
     * code_gen moves on whenever the execute TLB or the decode cache
     * changes (cpu/hart.c), so the next run of a CPU that only ran out of
     * its turn starts there without the lookups. */
    uint64_t code_gen, tm_resume_gen, tm_resume_pc;
    struct dpage *tm_resume_page;
    struct rv_dinsn *tm_resume_d;
    struct rv_dinsn *tm_start;  /* tm_resume_d for this run, or NULL */
    unsigned tm_line_shift;     /* log2 of the L1I line */
    /* An access that waits for the CPU's turn (HART_STOP_YIELD): the
     * instruction at tm_pend_pc runs again when it is granted, with the
     * result in tm_grant (below). */
    unsigned tm_pend;           /* 0, or 1 + enum hart_mem_kind (fetch / data) */
    bool tm_granted;

    struct hart_stats stats;

    /* The L1 hit filters' state (below, tm_dfilt). */
    struct hart_l1f {
        const uint64_t *epoch;
        uint64_t *clock;
        /* The stamp (uint64_t *) of the line the clock last stamped, while
         * *clock == mru_clock: a stamp moves only with the clock, or to 0
         * with the epoch (an invalidation), and each clock value stamps one
         * line, so that line is the most recent and no other is.  Set when
         * the filter stamps or finds the most recent line, and by the
         * owner when it enters a line the cache has just stamped. */
        uintptr_t mru;
        uint64_t mru_clock;
        uint64_t hits;
        uint8_t wstate;
        bool on;
    } tm_df, tm_if;
    /* The rounding mode of each value of an F/D instruction's rm field,
     * for every FP op to check with one load: bits 0-2 are the mode (frm
     * for the dynamic 7; above RM_RMM the instruction is illegal), and
     * HART_RM_HOST is set when the host FPU is in it (while the hart
     * runs).  Derived from frm and host_round: written only by
     * hart_set_frm and hart_set_host_round (checked builds recompute each
     * entry where it is used). */
    uint8_t rm_map[8];

    /* The rest is for rarer events. */
    uint32_t fflags;            /* fcsr[4:0] */
    uint32_t frm;               /* fcsr[7:5]; set with hart_set_frm */
    /* The mode (RM_RNE..RM_RUP) the host FPU is in while the hart runs;
     * RM_RNE between runs, so that a run need not set it.  Set with
     * hart_set_host_round. */
    int host_round;
    /* Set by hart_run on HART_STOP_TRAP (here, where it fills a hole). */
    uint32_t cause;
    /* LR/SC reservation (a reservation set of one aligned 8-byte word). */
    uint64_t resv_addr;
    uint64_t tval;              /* faulting address, or the raw instruction */
    uint32_t id;                /* CPU number in the machine */
    const struct hart_mem_ops *ops;
    void *ctx;                  /* passed to ops */
    uint64_t tm_pend_pc, tm_pend_issue;
    uint64_t tm_grant;          /* cycle the granted access completes */

    struct hart_stlb_entry stlb_r[HART_STLB_SIZE];
    struct hart_stlb_entry stlb_w[HART_STLB_SIZE];
    struct hart_stlb_entry stlb_x[HART_STLB_SIZE];

    /* L1 hits without a call into the memory system: lines this CPU hit
     * in its L1D (and, apart, its L1I), filled in by the mem_time hook's
     * owner (kernel/timing.c) and direct-mapped by host line.  An entry
     * holds while its gen equals *epoch, which the cache moves on whenever
     * a line changes other than by a hit (so the line still sits in that
     * slot, valid, in the state it had or a store's M), the access is at
     * or after its ready cycle, and, for a store, the line was in wstate
     * when it went in (a line that became M since only misses the filter:
     * the memory system then answers).  A hit does what the cache's own
     * hit does to replacement state (an LRU stamp from *clock), so the
     * model is unchanged; the hits are counted here until the owner adds
     * them to its statistics.  32 bytes: a shift indexes the table, and
     * no entry straddles two host cache lines (the tables, hence struct
     * hart, are 64-byte aligned: allocate harts with that alignment). */
    _Alignas(64) struct hart_l1f_entry {
        uint64_t line;          /* host address >> tm_line_shift */
        uint64_t gen;
        uint64_t ready;         /* first cycle the line is there (an access
                                 * after a page walk runs ahead of the
                                 * instructions that follow it) */
        uintptr_t stamp;        /* the line's LRU stamp (uint64_t *), with
                                 * HART_L1F_W set when a store may hit */
    } tm_dfilt[HART_DFILT_SIZE], tm_ifilt[HART_IFILT_SIZE];
};

/* rm_map stays within the six lines from pc (see above). */
_Static_assert(offsetof(struct hart, rm_map) + sizeof(((struct hart *)0)->rm_map) <=
                   offsetof(struct hart, pc) + 6 * 64,
               "the per-step fields outgrew six host lines");
/* The machine's harts are one array.  An odd number of host lines each
 * puts the same field of consecutive harts in different sets of the host's
 * L1 (with an even number, a 16-CPU run kept only 4 harts' hot lines apart
 * and took 8% more L1 misses under callgrind's model). */
_Static_assert(sizeof(struct hart) / 64 % 2 == 1, "struct hart should span an odd number of 64-byte lines");
/* No software-TLB entry straddles two host lines. */
_Static_assert(offsetof(struct hart, stlb_r) % 16 == 0, "software TLB entries should be 16-byte aligned");

enum { HART_RM_HOST = 8 };

/* rm_map's entry for rm field value rm (the dynamic mode is 7). */
static inline uint8_t hart_rm_entry(unsigned rm, uint32_t frm, int host_round)
{
    unsigned m = rm == 7 ? frm : rm;
    return (uint8_t)(m | ((int)m == host_round ? HART_RM_HOST : 0));
}

/* Write fcsr's frm field (frm & 7): every write goes through here (the
 * dynamic entry of rm_map depends on it). */
static inline void hart_set_frm(struct hart *h, uint32_t frm)
{
    h->frm = frm & 7;
    h->rm_map[7] = hart_rm_entry(7, h->frm, h->host_round);
}

/* Record that the host FPU is now in rounding mode rm (RM_RNE..RM_RUP):
 * the flag moves from the old mode's entry to rm's, and the dynamic entry
 * follows.  A run that raised a flag ends here, so no loop. */
static inline void hart_set_host_round(struct hart *h, int rm)
{
    h->rm_map[h->host_round] &= (uint8_t)~HART_RM_HOST;
    h->rm_map[rm] |= HART_RM_HOST;
    h->host_round = rm;
    h->rm_map[7] = hart_rm_entry(7, h->frm, rm);
}

/* Build rm_map from frm and host_round (hart_init). */
static inline void hart_rm_map_init(struct hart *h)
{
    for (unsigned i = 0; i < 8; i++)
        h->rm_map[i] = hart_rm_entry(i, h->frm, h->host_round);
}

/* Initialise a hart (zeroed state, empty TLB and decode cache).  Returns 0,
 * or -1 when the decode cache cannot be allocated. */
int hart_init(struct hart *h, uint32_t id, const struct hart_mem_ops *ops, void *ctx);
void hart_destroy(struct hart *h);

/* A store of decoded pages for the harts of one machine to share (each
 * hart has its own until hart_dstore_use).  The store outlives its harts:
 * destroy it after them.  hart_dstore_use, before the hart first runs,
 * returns 0 or -1 (no memory). */
struct hart_dstore;
struct hart_dstore *hart_dstore_create(void);
void hart_dstore_destroy(struct hart_dstore *s);
int hart_dstore_use(struct hart *h, struct hart_dstore *s);

/* Execute up to max_insns instructions; returns why it stopped.  The host
 * floating-point environment is restored before returning. */
enum hart_stop hart_run(struct hart *h, uint64_t max_insns);

/* A run loop's many short runs: one switch of the host FP environment for
 * all of them rather than two per run (see cpu/hart.c).  Between
 * hart_fp_begin and the last hart_fp_host, hart_run_in is hart_run, but the
 * host FPU may be left in the guest's environment between runs: the code
 * there may compute (under the host's rounding mode), but anything that
 * reads or sets the FP flags or mode, calls out of the library or returns
 * to its caller must come after a hart_fp_host (cheap when not needed). */
struct hart_fp_session {
    uint32_t host;              /* the caller's MXCSR, with the flags raised since */
    bool guest;                 /* the host FPU holds the guest's environment */
};
void hart_fp_begin(struct hart_fp_session *s);
void hart_fp_host(struct hart_fp_session *s);
enum hart_stop hart_run_in(struct hart *h, uint64_t max_insns, struct hart_fp_session *s);

/* Forget all cached translations (after munmap, mprotect, a page-table
 * change, or sfence.vma). Cheap. */
void hart_tlb_flush(struct hart *h);
/* Timing mode: the access the hart waits for (hart->tm_pend) completes at
 * cycle done; the instruction runs when the hart runs next. */
void hart_timing_grant(struct hart *h, uint64_t done);

/* Forget the cached translations of the pages in [va, va + len) (page
 * aligned): of fetches, of loads and stores, or both.  The kernel uses it
 * to keep the software TLB a subset of the modelled L1 TLBs. */
void hart_tlb_flush_range(struct hart *h, uint64_t va, uint64_t len, bool fetch, bool data);
/* Forget decoded instructions (fence.i, or code pages unmapped/rewritten). */
void hart_icache_flush(struct hart *h);

/* Copy memory through the hart's translation (for the syscall layer).
 * Return 0, or the exception cause of the first failing page. */
int hart_read_mem(struct hart *h, uint64_t vaddr, void *dst, size_t len);
int hart_write_mem(struct hart *h, uint64_t vaddr, const void *src, size_t len);

/* Disassemble one instruction (raw, 16- or 32-bit) at pc into buf, in the
 * objdump/spike style ("addi    a0,a0,1").  Returns the instruction length
 * in bytes (2 or 4). */
int hart_disasm(uint32_t insn, uint64_t pc, char *buf, size_t len);

/* ABI register names ("zero", "ra", "sp", ... / "ft0" ...). */
extern const char *const hart_xreg_name[32];
extern const char *const hart_freg_name[32];

#endif
