/* The dispatch loop, included by interp.c once per mode (LOOP_MODE) under
 * the name LOOP_NAME.  No include guard on purpose.  LOOP_BLOCKS: whole
 * blocks between checks (fast, timing); LOOP_TIMED: through the pipeline
 * and the memory system (timing, timing-step).
 *
 * Budget accounting: a block is a run of instructions ending with a
 * control transfer, fence.i, ecall/ebreak, an illegal instruction or the
 * end of the page; d->blen is the number of instructions from d to the
 * end of its block.  The timing loop adds the block's length to `retired`
 * when the block ends; a trap in the middle retires blk_n - d->blen.  The
 * fast loop charges the whole block to `left` (the budget left) when it
 * starts, so a block needs one compare and no bookkeeping at its end; an
 * exit in the middle gives back the d->blen instructions that did not
 * retire. */

#define LOOP_BLOCKS (LOOP_MODE == MODE_FAST || LOOP_MODE == MODE_TIMING)
#define LOOP_TIMED (LOOP_MODE == MODE_TIMING || LOOP_MODE == MODE_TIMING_STEP)

int LOOP_NAME(struct hart *h, uint64_t max, uint64_t *retired_io)
{
    uint64_t *const x = h->x;
    struct hart_dcache *const dc = h->dcache;
#if LOOP_MODE == MODE_TIMING
    /* Each timed run starts from nothing retired (run_guest), so the
     * progress test at the run-ahead limit compares with a constant. */
    MMSIM_ASSERT(*retired_io == 0);
    uint64_t retired = 0;
#else
    uint64_t retired = *retired_io;
#endif
    uint64_t pc = h->pc;
    struct dpage *page = NULL;
    struct rv_dinsn *d = NULL;
#if LOOP_MODE == MODE_FAST
    uint64_t left = max - retired;
#else
    uint64_t blk_n = 0;
#endif
    int stop;
#if LOOP_MODE == MODE_TRACE
    struct rv_trace_state ts;
#endif
#if LOOP_TIMED
    struct pipe *const pp = h->pipe;
    /* The issue cycle of the instruction at d lives in h->tm_now (the
     * memory hooks read it there): T_ISS. */
#define T_ISS (h->tm_now)
    const uint64_t retired0 = retired;  /* progress: at least one instruction */
    /* Instructions issued (the pipeline's insns), counted on the way out
     * as those retired, adjusted for the rare ones that did one and not
     * the other: issued but not retired (a yield, a trap, an ecall or
     * ebreak: +1), retired without issuing here (the resumed one: -1). */
    int n_adj = 0;
    /* The pipeline's clock and open slots, kept in registers (pipe_issue_at
     * stores them through; out-of-line code that moves them clears
     * pp->check_at, and they are loaded again before the next use). */
    uint64_t p_cycle = pp->cycle, p_open = pp->open;
    /* The fetched I-cache line, in a register (and in h->tm_fetch_pc
     * only for tm_fetch and between runs): its first address, or
     * UINT64_MAX (no pc & f_mask) when none is. */
    const uint64_t f_mask = ~(((uint64_t)1 << h->tm_line_shift) - 1);
    uint64_t f_base = h->tm_fetch_pc - 1;
    /* The fast dispatch runs while p_cycle < pp->check_at (cpu/pipeline.h):
     * the run-ahead limit (TM_LIMIT), or 0 to take the slow dispatch for
     * an instruction to resume, or a page walk's end (tm_walk_end, which
     * only the slow dispatch clears: so it is 0 on the fast path), or
     * when the clock moved out of line.  The slow dispatch arms it again. */
    pp->check_at = h->tm_pend || h->tm_walk_end ? 0 : h->tm_limit;
#define PIPE_RELOAD()                                                          \
    do {                                                                       \
        if (unlikely(pp->check_at != h->tm_limit)) {                           \
            pp->check_at = h->tm_walk_end ? 0 : h->tm_limit;                   \
            p_cycle = pp->cycle;                                               \
            p_open = pp->open;                                                 \
        }                                                                      \
    } while (0)
/* The CPU is as far ahead of the others as it may run (the run loop's
 * lookahead): checked before every instruction, so that a block does not
 * carry it further; at least one instruction per run, and never between
 * an LR and its SC (another CPU running there breaks the reservation, and
 * two CPUs taking turns would never get through). */
#define TM_LIMIT()                                                             \
    do {                                                                       \
        if (unlikely(p_cycle >= h->tm_limit) && retired + DONE_IN_BLOCK != retired0 && \
            !h->resv_valid) {                                                  \
            retired += DONE_IN_BLOCK;                                          \
            stop = HART_STOP_BUDGET;                                           \
            TM_RESUME_HERE();                                                  \
            goto out;                                                          \
        }                                                                      \
    } while (0)
/* The next run starts at d (hart.h, tm_resume) when it is an instruction
 * of a decoded page (not a straddler's copy or the page's end marker). */
#if LOOP_MODE == MODE_TIMING
#define TM_RESUME_HERE()                                                       \
    do {                                                                       \
        if ((uintptr_t)d - (uintptr_t)page->slot < PAGE_SLOTS * sizeof(*d)) {  \
            h->tm_resume_pc = pc;                                              \
            h->tm_resume_gen = h->code_gen;                                    \
            h->tm_resume_page = page;                                          \
            h->tm_resume_d = d;                                                \
        }                                                                      \
    } while (0)
#else
#define TM_RESUME_HERE() ((void)0)
#endif
/* Fetch the line of pc (tm_fetch), which may stall the clock; an L1I
 * filter hit inline (p_cycle is the clock here: check_at was armed, or
 * the slow dispatch reloaded it). */
#define TM_FETCH(walks)                                                        \
    do {                                                                       \
        if (likely(tm_fetch_hit(h, page, pc, p_cycle, (walks)))) {             \
            f_base = pc & f_mask;                                              \
            break;                                                             \
        }                                                                      \
        int w_ = tm_fetch(h, page, pc);                                        \
        f_base = h->tm_fetch_pc - 1;                                           \
        if (w_) {                                                              \
            retired += DONE_IN_BLOCK;                                          \
            stop = HART_STOP_YIELD;                                            \
            goto out;                                                          \
        }                                                                      \
        PIPE_RELOAD();                                                         \
    } while (0)
#endif
#if LOOP_MODE == MODE_FAST
    /* The fast loop dispatches on d->xop: every handler has an entry for
     * a 32-bit and one for a 16-bit instruction, where ilen is a constant
     * (CASE, CASE_C), so that the next instruction's slot does not wait
     * for a load of d->len (a dependency chain through every instruction
     * otherwise).  For an op without a 16-bit form the second entry is
     * dead (RV_RVC_OP). */
    unsigned ilen = 4;
    bool fma3 = true;           /* FMA3_KNOWN: CASE_FMA sets it */
#define ILEN ilen
#define DISPATCH_INDEX (d->xop)
/* d to the slot after an instruction of length l (2 or 4): one lea. */
#define STEP_D(l) (d = (struct rv_dinsn *)(void *)((char *)d + (l) * (sizeof(*d) / 2)))
    /* Nor does it keep pc per instruction: the pc of d follows from where
     * d is, as slots are 8 bytes per byte of code (pc_bias is set when d
     * moves to another page).  The variable pc is only up to date at
     * block_lookup and out (SYNC_PC). */
    uintptr_t pc_bias = 0;
#define PC ((uint64_t)(((uintptr_t)d - pc_bias) / (sizeof(struct rv_dinsn) / 2)))
#define ADVANCE_PC(l) ((void)0)
#define MOVE_PC(t) ((void)0)
#define SYNC_PC() (pc = PC)
/* An op a compressed instruction can decode to (RV_RVC_OP, cpu/decode.h)
 * has its handler twice, CASE_C(op, handler), one copy per length, so that
 * ILEN is a constant in each; any other op's 16-bit entry leaves for the
 * single-step loop (xop_no_rvc), which cannot happen. */
#define CASE(op)                                                               \
    if (0) {                                                                   \
        _Static_assert(!RV_RVC_OP(op), #op " has a 16-bit form: CASE_C");     \
    L_##op##_C:                                                                \
        goto xop_no_rvc;                                                       \
    }                                                                          \
    L_##op:                                                                    \
    ilen = 4;
#define CASE_C(op, ...)                                                        \
    if (0) {                                                                   \
        _Static_assert(RV_RVC_OP(op), #op " has no 16-bit form: CASE");       \
    L_##op##_C:                                                                \
        ilen = 2;                                                              \
        __VA_ARGS__;                                                           \
    }                                                                          \
    L_##op:                                                                    \
    ilen = 4;                                                                  \
    __VA_ARGS__;
/* A fused multiply-add: its second entry (the xop of one on a host
 * without FMA3, rv_decode) runs it with the host check (FMA3_KNOWN). */
#define CASE_FMA(op, ...)                                                      \
    if (0) {                                                                   \
        _Static_assert(!RV_RVC_OP(op), #op " has a 16-bit form");             \
    L_##op##_C:                                                                \
        ilen = 4;                                                              \
        fma3 = false;                                                          \
        __VA_ARGS__;                                                           \
    }                                                                          \
    L_##op:                                                                    \
    ilen = 4;                                                                  \
    fma3 = true;                                                               \
    __VA_ARGS__;
#define LABEL(op) [op] = &&L_##op, [(op) + RV_NUM_OPS] = &&L_##op##_C,
/* The near entries of branches and jal (rv_xop_place): NEAR_BRANCH. */
#define NEAR_LABEL(op) [(op) + 2 * RV_NUM_OPS] = &&L_##op##_N4,
#define NEAR_LABEL_C(op) NEAR_LABEL(op) [(op) + 3 * RV_NUM_OPS] = &&L_##op##_N2,
#define NEAR_LABELS                                                            \
    NEAR_LABEL_C(RV_JAL) NEAR_LABEL_C(RV_BEQ) NEAR_LABEL_C(RV_BNE)             \
    NEAR_LABEL(RV_BLT) NEAR_LABEL(RV_BGE) NEAR_LABEL(RV_BLTU) NEAR_LABEL(RV_BGEU)
#define DISPATCH_SIZE (4 * RV_NUM_OPS)
#else
#define ILEN ((unsigned)d->len)
#define DISPATCH_INDEX (d->op)
/* (l is 2 or 4: l * 8 bytes is l / 2 slots, without clearing bit 0) */
#define STEP_D(l) (d = (struct rv_dinsn *)(void *)((char *)d + (l) * (sizeof(*d) / 2)))
#define PC pc
#define ADVANCE_PC(l) (pc += (l))
#define MOVE_PC(t) (pc = (t))
#define SYNC_PC() ((void)0)
#define CASE(op) L_##op:
#define CASE_C(op, ...) L_##op: __VA_ARGS__;
#define CASE_FMA(op, ...) L_##op: __VA_ARGS__;
#define LABEL(op) [op] = &&L_##op,
#define NEAR_LABELS
#define DISPATCH_SIZE RV_NUM_OPS
#endif
#define INSN_LABEL(id, name, match, mask, fmt, args) LABEL(RV_##id)
    static const void *const dispatch_table[DISPATCH_SIZE] = {
        LABEL(RV_UNDECODED) LABEL(RV_ILLEGAL) LABEL(RV_PAGE_END) LABEL(RV_CROSS) LABEL(RV_NOP)
        RV_INSN_LIST(INSN_LABEL) NEAR_LABELS
    };
#undef INSN_LABEL
#undef LABEL
#undef NEAR_LABEL
#undef NEAR_LABEL_C
#undef NEAR_LABELS
#undef DISPATCH_SIZE
#if LOOP_TIMED
#define LABEL(id, name, match, mask, fmt, args) [RV_##id] = &&T_RV_##id,
    static const void *const issue_table[RV_NUM_OPS] = {
        [RV_UNDECODED] = &&L_RV_UNDECODED, [RV_ILLEGAL] = &&L_RV_ILLEGAL,
        [RV_PAGE_END] = &&L_RV_PAGE_END, [RV_CROSS] = &&L_RV_CROSS, [RV_NOP] = &&T_RV_NOP,
        RV_INSN_LIST(LABEL)
    };
#undef LABEL
#endif

/* Instructions retired before d in the current block. */
#if LOOP_BLOCKS
#define DONE_IN_BLOCK (blk_n - d->blen)
#else
#define DONE_IN_BLOCK 0u
#endif
/* Instructions retired in this run before d; and UNRETIRE() before leaving
 * at d in the middle of its block (d and what follows did not retire). */
#if LOOP_MODE == MODE_FAST
#define RETIRED_NOW (max - left - d->blen)
#define UNRETIRE() (left += d->blen)
#else
#define RETIRED_NOW (retired + DONE_IN_BLOCK)
#define UNRETIRE() (retired += DONE_IN_BLOCK)
#endif

#if LOOP_MODE == MODE_TRACE
#define TRACE_AFTER() hart_trace_after(h, &ts)
#else
#define TRACE_AFTER() ((void)0)
#endif

/* Timing: every instruction's result is recorded when it issues, at its
 * fixed latency (a load's: on a hit); a load miss moves it later.  A stall
 * in a handler (misprediction, load miss, full store buffer) sets
 * pp->moved: the next dispatch reloads p_cycle and p_open (nothing uses
 * them before). */
#if LOOP_TIMED
/* A control transfer resolved: train the predictor, pay a misprediction
 * (pred: pipe_predict, or pipe_predict_cond inline for a conditional
 * branch). */
#define TM_BRANCH(taken, target) TM_PREDICT(pipe_predict(pp, d, pc, (taken), (target)), taken)
#define TM_CBRANCH(taken, target) TM_PREDICT(pipe_predict_cond(pp, pc, (taken), (target)), taken)
#define TM_PREDICT(pred, taken)                                                \
    do {                                                                       \
        if (unlikely(pred))                                                    \
            pipe_stall(pp, T_ISS + 1 + pp->cfg.mispredict, PIPE_STALL_BRANCH); \
        if (taken) /* fetch redirects: nothing pairs with a taken branch */    \
            p_open = pp->open = 0;                                             \
    } while (0)
/* The timed access of a load/store/AMO at address a, BEFORE it executes:
 * when it must wait for the shared hierarchy the instruction does not run
 * now but again once the access is granted (so what other CPUs see of it
 * happens in time order).  TM_DONE records its completion afterwards. */
#define TM_PRE(tlb, a, acc, kind, size)                                        \
    struct tm_pre_out tm_o_ = tm_pre(h, T_ISS, (tlb), (a), (acc), (kind), (size)); \
    struct tm_access tm_a_ = tm_o_.t;                                          \
    if (unlikely(tm_a_.rc)) {                                                  \
        if (tm_a_.rc == 1)                                                     \
            goto tm_yield;                                                     \
        goto trap;                                                             \
    }
/* The access of a load or store after TM_PRE, through the host address it
 * found when it did (tm_load, tm_store). */
#define MEM_LOAD(a, size, sext, v) tm_load(h, tm_o_.host, (a), (size), (sext), (v))
#define MEM_STORE(a, size, v) tm_store(h, tm_o_.host, (a), (size), (v))
#define TM_DONE(kind)                                                          \
    do {                                                                       \
        if ((kind) == HART_MEM_STORE) {                                        \
            pipe_store(pp, T_ISS, tm_a_.done);                                 \
        } else {                                                               \
            pp->st.loads++;                                                    \
            if (unlikely(tm_a_.miss))                                          \
                pipe_load_miss(pp, d, T_ISS, tm_a_.done);                      \
        }                                                                      \
    } while (0)
#else
#define TM_BRANCH(taken, target) ((void)0)
#define TM_CBRANCH(taken, target) ((void)0)
#define TM_PRE(tlb, a, acc, kind, size)
#define MEM_LOAD(a, size, sext, v) load(h, (a), (size), (sext), (v))
#define MEM_STORE(a, size, v) store(h, (a), (size), (v))
#define TM_DONE(kind) ((void)0)
#endif

/* End of block: everything in it retired (the fast loop counted it when
 * the block started). */
#if LOOP_MODE == MODE_FAST
#define ACCOUNT_BLOCK() ((void)0)
#else
#define ACCOUNT_BLOCK() (retired += blk_n)
#endif
#define RETIRE_BLOCK()                                                         \
    do {                                                                       \
        ACCOUNT_BLOCK();                                                       \
        TRACE_AFTER();                                                         \
    } while (0)

/* Start the block at d: the fast loop's (block_at_d), where a handler
 * knows the next block's start. */
#if LOOP_MODE == MODE_FAST
#define BLOCK_ENTER()                                                          \
    do {                                                                       \
        if (unlikely(h->stop_request))                                         \
            goto block_stop;                                                   \
        /* The block is charged with one subtraction: a borrow means it     \
         * does not fit.  An undecoded slot or the page's end (blen 0)      \
         * costs nothing and goes to its handler, which finds its block. */ \
        if (unlikely(__builtin_sub_overflow(left, (uint64_t)d->blen, &left)))  \
            goto block_slow;                                                   \
        goto *dispatch_table[d->xop];                                          \
    } while (0)
#else
#define BLOCK_ENTER() goto block_at_d
#endif

/* Block-ending fall through (not-taken branch, fence). */
#define NEXT_BLOCK()                                                           \
    do {                                                                       \
        unsigned l_ = ILEN;                                                    \
        RETIRE_BLOCK();                                                        \
        ADVANCE_PC(l_);                                                        \
        STEP_D(l_);                                                            \
        BLOCK_ENTER();                                                         \
    } while (0)

/* Fall through to the next instruction: within the block in the fast and
 * timing loops; the single-step loops end a block after every instruction. */
#if LOOP_BLOCKS
#define NEXT()                                                                 \
    do {                                                                       \
        unsigned l_ = ILEN;                                                    \
        ADVANCE_PC(l_);                                                        \
        STEP_D(l_);                                                            \
        goto dispatch;                                                         \
    } while (0)
#else
#define NEXT() NEXT_BLOCK()
#endif

/* The slot of the instruction at (even) address a in page p. */
#define SLOT_OF(p, a)                                                          \
    ((struct rv_dinsn *)(void *)((char *)(p)->slot +                           \
                                 ((a) & (PAGE_SIZE - 2)) * (sizeof(struct rv_dinsn) / 2)))

/* Taken control transfer to t; a target in the same page needs no lookup. */
#define JUMP(t)                                                                \
    do {                                                                       \
        uint64_t t_ = (t);                                                     \
        RETIRE_BLOCK();                                                        \
        if (((t_ ^ PC) >> PAGE_SHIFT) == 0) {                                  \
            d = SLOT_OF(page, t_);                                             \
            MOVE_PC(t_);                                                       \
            goto block_at_d;                                                   \
        }                                                                      \
        pc = t_;                                                               \
        goto block_lookup;                                                     \
    } while (0)

/* Taken pc-relative transfer (branch, jal) by off: the fast loop finds a
 * target in the same page from d alone, without pc. */
#if LOOP_MODE == MODE_FAST
#define JUMP_REL(off)                                                          \
    do {                                                                       \
        int64_t o_ = (off);                                                    \
        RETIRE_BLOCK();                                                        \
        /* In integers: a target off the page is no pointer into it. */   \
        uintptr_t t_ = (uintptr_t)d + (uintptr_t)(o_ * 8);                     \
        if (likely(t_ - (uintptr_t)page->slot <                                \
                   PAGE_SLOTS * sizeof(struct rv_dinsn))) {                    \
            d = (struct rv_dinsn *)t_;                                         \
            goto block_at_d;                                                   \
        }                                                                      \
        pc = PC + (uint64_t)o_;                                                \
        goto block_lookup;                                                     \
    } while (0)
#else
#define JUMP_REL(off) JUMP(pc + (uint64_t)(int64_t)(off))
#endif

#define RD x[d->rd]
#define RS1 x[d->rs1]
#define RS2 x[d->rs2]
#define IMM ((uint64_t)(int64_t)d->imm)
#define SEXT32(v) ((uint64_t)(int64_t)(int32_t)(v))

/* x0 after a load into it: the fast loop single-steps those (rv_decode). */
#if LOOP_MODE == MODE_FAST
#define LOAD_X0() ((void)0)
#else
#define LOAD_X0() (x[0] = 0)
#endif
#define LOAD(size, sext)                                                       \
    do {                                                                       \
        uint64_t v_, a_ = RS1 + IMM;                                           \
        TM_PRE(h->stlb_r, a_, HART_READ, HART_MEM_LOAD, size);                 \
        h->stats.loads++;                                                      \
        if (unlikely(MEM_LOAD(a_, size, sext, &v_)))                           \
            goto trap;                                                         \
        RD = v_;                                                               \
        LOAD_X0();                                                             \
        TM_DONE(HART_MEM_LOAD);                                                \
        NEXT();                                                                \
    } while (0)
#define STORE(size, val)                                                       \
    do {                                                                       \
        uint64_t a_ = RS1 + IMM;                                               \
        TM_PRE(h->stlb_w, a_, HART_WRITE, HART_MEM_STORE, size);               \
        h->stats.stores++;                                                     \
        if (unlikely(MEM_STORE(a_, size, val)))                                \
            goto trap;                                                         \
        TM_DONE(HART_MEM_STORE);                                               \
        NEXT();                                                                \
    } while (0)
#define BRANCH(cond)                                                           \
    do {                                                                       \
        if (cond) {                                                            \
            TM_CBRANCH(true, pc + IMM);                                        \
            JUMP_REL(d->imm);                                                  \
        }                                                                      \
        TM_CBRANCH(false, pc + d->len);                                        \
        NEXT_BLOCK();                                                          \
    } while (0)
#define OP(expr)                                                               \
    do {                                                                       \
        RD = (expr);                                                           \
        NEXT();                                                                \
    } while (0)
/* Resolved rounding mode; dynamic with an invalid frm is illegal. */
#define GET_RM(rm)                                                             \
    int rm = insn_rm(h, d);                                                    \
    if (unlikely(rm > RM_RMM))                                                 \
        goto illegal_refetch
/* Is the host known to have FMA3?  The fast loop's fused multiply-adds
 * have an entry without the host check (their xop on such a host,
 * rv_decode) and one with it (CASE_FMA). */
#if LOOP_MODE == MODE_FAST
#define FMA3_KNOWN fma3
#else
#define FMA3_KNOWN false
#endif
/* fop_d/fop_s's lean form (see there) in the fast loop only. */
#define FOP_LEAN (LOOP_MODE == MODE_FAST)
#define FOP_S(kind)                                                            \
    do {                                                                       \
        if (unlikely(!fop_s(h, d, kind, FMA3_KNOWN, FOP_LEAN)))                \
            goto illegal_refetch;                                              \
        NEXT();                                                                \
    } while (0)
#define FOP_D(kind)                                                            \
    do {                                                                       \
        if (unlikely(!fop_d(h, d, kind, FMA3_KNOWN, FOP_LEAN)))                \
            goto illegal_refetch;                                              \
        NEXT();                                                                \
    } while (0)
#define FTOI(fn, kind)                                                         \
    do {                                                                       \
        GET_RM(rm);                                                            \
        RD = fn(h, h->f[d->rs1], rm, kind);                                       \
        x[0] = 0;                                                              \
        NEXT();                                                                \
    } while (0)
#define ITOF(fn, kind)                                                         \
    do {                                                                       \
        GET_RM(rm);                                                            \
        h->f[d->rd] = fn(h, RS1, rm, kind);                                       \
        NEXT();                                                                \
    } while (0)
#define XWRITE(expr)                                                           \
    do {                                                                       \
        RD = (expr);                                                           \
        x[0] = 0;                                                              \
        NEXT();                                                                \
    } while (0)

#if LOOP_MODE == MODE_TIMING
    /* Where the last run stopped at the run-ahead limit, when run_guest
     * found it still valid (hart.h, tm_resume). */
    if (h->tm_start) {
        d = h->tm_start;
        page = h->tm_resume_page;
#if defined(MMSIM_CHECKS)
        const struct hart_stlb_entry *e_ = stlb_entry(h->stlb_x, pc);
        MMSIM_ASSERT(stlb_hit_page(e_, pc) && SLOT_OF(page, pc) == d &&
                     dcache_find(dc, (uintptr_t)(pc + e_->addend) &
                                         ~(uintptr_t)(PAGE_SIZE - 1)) == page);
#endif
        goto block_at_d;
    }
#endif

block_lookup: {
#if LOOP_MODE == MODE_FAST
        /* An odd pc (only from outside: jumps clear bit 0) is not where its
         * slot is: the single-step loop keeps pc apart. */
        if (unlikely(pc & 1)) {
            stop = -1;
            goto out;
        }
#endif
        /* Find the decoded page of pc: execute-TLB hit plus cache hit inline. */
        struct hart_stlb_entry *e = stlb_entry(h->stlb_x, pc);
        struct dpage *p = NULL;
        if (likely(stlb_hit_page(e, pc))) {
            uintptr_t host = (uintptr_t)(pc + e->addend) & ~(uintptr_t)(PAGE_SIZE - 1);
            p = dcache_find(dc, host);
        }
        if (!p && !(p = hart_dpage_lookup(h, pc))) {
            h->tval = pc;
            stop = HART_STOP_TRAP;
            goto out;
        }
        page = p;
        d = SLOT_OF(p, pc);
#if LOOP_MODE == MODE_FAST
        pc_bias = (uintptr_t)p->slot - (uintptr_t)(pc & ~(uint64_t)(PAGE_SIZE - 1)) * 8;
#endif
    }

block_at_d:
#if LOOP_MODE == MODE_FAST
    BLOCK_ENTER();
#else
    if (unlikely(h->stop_request)) {
        SYNC_PC();
        stop = HART_STOP_REQUEST;
        goto out;
    }
#if LOOP_MODE == MODE_TIMING
    /* One compare for a known block (blen > 0) that fits the budget left,
     * as in the fast loop; the other cases in tm_block_slow. */
    blk_n = d->blen;
    if (unlikely((uint64_t)blk_n - 1 >= max - retired))
        goto tm_block_slow;
#else
    if (unlikely(retired >= max)) {
        stop = HART_STOP_BUDGET;
        goto out;
    }
    {
        unsigned n = d->blen;
        if (unlikely(n == 0)) {
            if (d->op == RV_PAGE_END)
                goto block_lookup;
            n = hart_block_len(h, page, (unsigned)(d - page->slot));
        }
#if LOOP_BLOCKS
        if (unlikely(n > max - retired)) {
            stop = -1;          /* finish the budget in single steps */
            goto out;
        }
        blk_n = n;
#else
        blk_n = 1;
#endif
    }
#endif
#endif

    /* (Unused in the timing single-step loop: it reaches dispatch only
     * through block_at_d.) */
dispatch: __attribute__((unused));
#if LOOP_MODE == MODE_TRACE
    h->pc = pc;
    hart_trace_before(h, &ts, d);
#endif
#if LOOP_TIMED
    /* A clock moved out of line, an instruction to resume, a page walk
     * for the next fetch or at the run-ahead limit, checked before every
     * instruction: the slow dispatch (check_at). */
    if (unlikely(p_cycle >= pp->check_at))
        goto tm_dispatch_slow;
    /* A new I-cache line is fetched before the instruction issues; a
     * fetch that must wait for the shared hierarchy stops here, before
     * anything of the instruction happened.  Markers (below RV_NOP) are no
     * instructions: they neither fetch nor issue (issue_table sends them
     * to their handlers). */
    if (unlikely((pc & f_mask) != f_base)) {
        if (d->op < RV_NOP)
            goto *dispatch_table[d->op];
        TM_FETCH(false);        /* (tm_walk_end is 0 on the fast path) */
    }
    /* Issue through the op's own code (TM_ISSUE), then run it. */
    goto *issue_table[d->op];
#endif
    /* Threaded dispatch: every handler ends with its own indirect jump to
     * the next handler (the decoded op indexes dispatch_table). */
    goto *dispatch_table[DISPATCH_INDEX];
    {
    CASE_C(RV_NOP, NEXT());
    CASE_C(RV_LUI, OP(IMM));
    CASE(RV_AUIPC) OP(PC + IMM);
    CASE_C(RV_JAL, {
        x[d->rd] = PC + ILEN;
        x[0] = 0;
        TM_BRANCH(true, pc + IMM);
        JUMP_REL(d->imm);
    })
    CASE_C(RV_JALR, {
        uint64_t t = (RS1 + IMM) & ~(uint64_t)1;
        x[d->rd] = PC + ILEN;
        x[0] = 0;
        TM_BRANCH(true, t);
        JUMP(t);
    })
    CASE_C(RV_BEQ, BRANCH(RS1 == RS2));
    CASE_C(RV_BNE, BRANCH(RS1 != RS2));
    CASE(RV_BLT) BRANCH((int64_t)RS1 < (int64_t)RS2);
    CASE(RV_BGE) BRANCH((int64_t)RS1 >= (int64_t)RS2);
    CASE(RV_BLTU) BRANCH(RS1 < RS2);
    CASE(RV_BGEU) BRANCH(RS1 >= RS2);
    CASE(RV_LB) LOAD(1, true);
    CASE(RV_LH) LOAD(2, true);
    CASE_C(RV_LW, LOAD(4, true));
    CASE_C(RV_LD, LOAD(8, false));
    CASE(RV_LBU) LOAD(1, false);
    CASE(RV_LHU) LOAD(2, false);
    CASE(RV_LWU) LOAD(4, false);
    CASE(RV_SB) STORE(1, RS2);
    CASE(RV_SH) STORE(2, RS2);
    CASE_C(RV_SW, STORE(4, RS2));
    CASE_C(RV_SD, STORE(8, RS2));
    CASE_C(RV_ADDI, OP(RS1 + IMM));
    CASE(RV_SLTI) OP((int64_t)RS1 < (int64_t)IMM);
    CASE(RV_SLTIU) OP(RS1 < IMM);
    CASE(RV_XORI) OP(RS1 ^ IMM);
    CASE(RV_ORI) OP(RS1 | IMM);
    CASE_C(RV_ANDI, OP(RS1 & IMM));
    CASE_C(RV_SLLI, OP(RS1 << d->imm));
    CASE_C(RV_SRLI, OP(RS1 >> d->imm));
    CASE_C(RV_SRAI, OP((uint64_t)((int64_t)RS1 >> d->imm)));
    CASE_C(RV_ADD, OP(RS1 + RS2));
    CASE_C(RV_SUB, OP(RS1 - RS2));
    CASE(RV_SLL) OP(RS1 << (RS2 & 63));
    CASE(RV_SLT) OP((int64_t)RS1 < (int64_t)RS2);
    CASE(RV_SLTU) OP(RS1 < RS2);
    CASE_C(RV_XOR, OP(RS1 ^ RS2));
    CASE(RV_SRL) OP(RS1 >> (RS2 & 63));
    CASE(RV_SRA) OP((uint64_t)((int64_t)RS1 >> (RS2 & 63)));
    CASE_C(RV_OR, OP(RS1 | RS2));
    CASE_C(RV_AND, OP(RS1 & RS2));
    CASE_C(RV_ADDIW, OP(SEXT32(RS1 + IMM)));
    CASE(RV_SLLIW) OP(SEXT32((uint32_t)RS1 << (d->imm & 31)));
    CASE(RV_SRLIW) OP(SEXT32((uint32_t)RS1 >> (d->imm & 31)));
    CASE(RV_SRAIW) OP(SEXT32((int32_t)RS1 >> (d->imm & 31)));
    CASE_C(RV_ADDW, OP(SEXT32(RS1 + RS2)));
    CASE_C(RV_SUBW, OP(SEXT32(RS1 - RS2)));
    CASE(RV_SLLW) OP(SEXT32((uint32_t)RS1 << (RS2 & 31)));
    CASE(RV_SRLW) OP(SEXT32((uint32_t)RS1 >> (RS2 & 31)));
    CASE(RV_SRAW) OP(SEXT32((int32_t)RS1 >> (RS2 & 31)));
    CASE(RV_FENCE) NEXT();
    CASE(RV_FENCE_I) {
        unsigned l = ILEN;
        RETIRE_BLOCK();
        hart_icache_flush(h);
        pc = PC + l;
        goto block_lookup;
    }
    CASE(RV_ECALL)
        stop = HART_STOP_ECALL;
        UNRETIRE();
        SYNC_PC();
        goto out;
    CASE_C(RV_EBREAK, {
        stop = HART_STOP_EBREAK;
        UNRETIRE();
        SYNC_PC();
        goto out;
    })
    CASE(RV_CSRRW) CASE(RV_CSRRS) CASE(RV_CSRRC)
    CASE(RV_CSRRWI) CASE(RV_CSRRSI) CASE(RV_CSRRCI)
        if (!exec_csr_fflags(h, d) && unlikely(!exec_csr_slow(h, d, RETIRED_NOW)))
            goto illegal_refetch;
        NEXT();

    /* M */
    CASE(RV_MUL) OP(RS1 * RS2);
    CASE(RV_MULH) OP(mulh(RS1, RS2, 0));
    CASE(RV_MULHSU) OP(mulh(RS1, RS2, 1));
    CASE(RV_MULHU) OP(mulh(RS1, RS2, 2));
    CASE(RV_DIV) {
        int64_t a = (int64_t)RS1, b = (int64_t)RS2;
        OP(b == 0 ? UINT64_MAX : (a == INT64_MIN && b == -1) ? (uint64_t)a : (uint64_t)(a / b));
    }
    CASE(RV_DIVU) OP(RS2 == 0 ? UINT64_MAX : RS1 / RS2);
    CASE(RV_REM) {
        int64_t a = (int64_t)RS1, b = (int64_t)RS2;
        OP(b == 0 ? (uint64_t)a : (a == INT64_MIN && b == -1) ? 0 : (uint64_t)(a % b));
    }
    CASE(RV_REMU) OP(RS2 == 0 ? RS1 : RS1 % RS2);
    CASE(RV_MULW) OP(SEXT32(RS1 * RS2));
    CASE(RV_DIVW) {
        int32_t a = (int32_t)RS1, b = (int32_t)RS2;
        OP(b == 0 ? UINT64_MAX : (a == INT32_MIN && b == -1) ? SEXT32(a) : SEXT32(a / b));
    }
    CASE(RV_DIVUW) {
        uint32_t a = (uint32_t)RS1, b = (uint32_t)RS2;
        OP(b == 0 ? UINT64_MAX : SEXT32(a / b));
    }
    CASE(RV_REMW) {
        int32_t a = (int32_t)RS1, b = (int32_t)RS2;
        OP(b == 0 ? SEXT32(a) : (a == INT32_MIN && b == -1) ? 0 : SEXT32(a % b));
    }
    CASE(RV_REMUW) {
        uint32_t a = (uint32_t)RS1, b = (uint32_t)RS2;
        OP(b == 0 ? SEXT32(a) : SEXT32(a % b));
    }

    /* A */
    CASE(RV_LR_W) CASE(RV_SC_W) CASE(RV_AMOSWAP_W) CASE(RV_AMOADD_W) CASE(RV_AMOXOR_W)
    CASE(RV_AMOAND_W) CASE(RV_AMOOR_W) CASE(RV_AMOMIN_W) CASE(RV_AMOMAX_W)
    CASE(RV_AMOMINU_W) CASE(RV_AMOMAXU_W)
    CASE(RV_LR_D) CASE(RV_SC_D) CASE(RV_AMOSWAP_D) CASE(RV_AMOADD_D) CASE(RV_AMOXOR_D)
    CASE(RV_AMOAND_D) CASE(RV_AMOOR_D) CASE(RV_AMOMIN_D) CASE(RV_AMOMAX_D)
    CASE(RV_AMOMINU_D) CASE(RV_AMOMAXU_D)
    {
#if LOOP_TIMED
        /* A misaligned address traps in exec_amo before any access. */
        bool lr_ = d->op == RV_LR_W || d->op == RV_LR_D;
        uint64_t a_ = RS1;
        if (!(a_ & (d->op <= RV_AMOMAXU_W ? 3u : 7u))) {
            TM_PRE(lr_ ? h->stlb_r : h->stlb_w, a_, lr_ ? HART_READ : HART_WRITE,
                   HART_MEM_AMO, 0);
            if (unlikely(exec_amo(h, d)))
                goto trap;
            TM_DONE(HART_MEM_AMO);
            NEXT();
        }
#endif
        if (unlikely(exec_amo(h, d)))
            goto trap;
        NEXT();
    }

    /* F and D */
    CASE(RV_FLW) {
        uint64_t v, a = RS1 + IMM;
        TM_PRE(h->stlb_r, a, HART_READ, HART_MEM_LOAD, 4);
        h->stats.loads++;
        if (unlikely(MEM_LOAD(a, 4, false, &v)))
            goto trap;
        h->f[d->rd] = box_s((uint32_t)v);
        TM_DONE(HART_MEM_LOAD);
        NEXT();
    }
    CASE_C(RV_FLD, {
        uint64_t v, a = RS1 + IMM;
        TM_PRE(h->stlb_r, a, HART_READ, HART_MEM_LOAD, 8);
        h->stats.loads++;
        if (unlikely(MEM_LOAD(a, 8, false, &v)))
            goto trap;
        h->f[d->rd] = v;
        TM_DONE(HART_MEM_LOAD);
        NEXT();
    })
    CASE(RV_FSW) STORE(4, h->f[d->rs2]);
    CASE_C(RV_FSD, STORE(8, h->f[d->rs2]));
    CASE_FMA(RV_FMADD_S, FOP_S(FPU_MADD));
    CASE_FMA(RV_FMSUB_S, FOP_S(FPU_MSUB));
    CASE_FMA(RV_FNMSUB_S, FOP_S(FPU_NMSUB));
    CASE_FMA(RV_FNMADD_S, FOP_S(FPU_NMADD));
    CASE(RV_FADD_S) FOP_S(FPU_ADD);
    CASE(RV_FSUB_S) FOP_S(FPU_SUB);
    CASE(RV_FMUL_S) FOP_S(FPU_MUL);
    CASE(RV_FDIV_S) FOP_S(FPU_DIV);
    CASE(RV_FSQRT_S) FOP_S(FPU_SQRT);
    CASE(RV_FSGNJ_S) CASE(RV_FSGNJN_S) CASE(RV_FSGNJX_S) {
        uint32_t a = unbox_s(h->f[d->rs1]), b = unbox_s(h->f[d->rs2]);
        uint32_t s = d->op == RV_FSGNJ_S ? b : d->op == RV_FSGNJN_S ? ~b : a ^ b;
        h->f[d->rd] = box_s((a & 0x7fffffffu) | (s & 0x80000000u));
        NEXT();
    }
    CASE(RV_FMIN_S) h->f[d->rd] = fpu_minmax_s(h, h->f[d->rs1], h->f[d->rs2], false); NEXT();
    CASE(RV_FMAX_S) h->f[d->rd] = fpu_minmax_s(h, h->f[d->rs1], h->f[d->rs2], true); NEXT();
    CASE(RV_FCVT_W_S) FTOI(fpu_to_int_s, FPU_W);
    CASE(RV_FCVT_WU_S) FTOI(fpu_to_int_s, FPU_WU);
    CASE(RV_FCVT_L_S) FTOI(fpu_to_int_s, FPU_L);
    CASE(RV_FCVT_LU_S) FTOI(fpu_to_int_s, FPU_LU);
    CASE(RV_FMV_X_W) XWRITE(SEXT32(h->f[d->rs1]));
    CASE(RV_FEQ_S) XWRITE(fcmp_s(h, d, FPU_EQ));
    CASE(RV_FLT_S) XWRITE(fcmp_s(h, d, FPU_LT));
    CASE(RV_FLE_S) XWRITE(fcmp_s(h, d, FPU_LE));
    CASE(RV_FCLASS_S) XWRITE(fpu_class_s(h->f[d->rs1]));
    CASE(RV_FCVT_S_W) ITOF(fpu_from_int_s, FPU_W);
    CASE(RV_FCVT_S_WU) ITOF(fpu_from_int_s, FPU_WU);
    CASE(RV_FCVT_S_L) ITOF(fpu_from_int_s, FPU_L);
    CASE(RV_FCVT_S_LU) ITOF(fpu_from_int_s, FPU_LU);
    CASE(RV_FMV_W_X) h->f[d->rd] = box_s((uint32_t)RS1); NEXT();
    CASE_FMA(RV_FMADD_D, FOP_D(FPU_MADD));
    CASE_FMA(RV_FMSUB_D, FOP_D(FPU_MSUB));
    CASE_FMA(RV_FNMSUB_D, FOP_D(FPU_NMSUB));
    CASE_FMA(RV_FNMADD_D, FOP_D(FPU_NMADD));
    CASE(RV_FADD_D) FOP_D(FPU_ADD);
    CASE(RV_FSUB_D) FOP_D(FPU_SUB);
    CASE(RV_FMUL_D) FOP_D(FPU_MUL);
    CASE(RV_FDIV_D) FOP_D(FPU_DIV);
    CASE(RV_FSQRT_D) FOP_D(FPU_SQRT);
    CASE(RV_FSGNJ_D) CASE(RV_FSGNJN_D) CASE(RV_FSGNJX_D) {
        uint64_t a = h->f[d->rs1], b = h->f[d->rs2];
        uint64_t s = d->op == RV_FSGNJ_D ? b : d->op == RV_FSGNJN_D ? ~b : a ^ b;
        h->f[d->rd] = (a & ~(1ull << 63)) | (s & (1ull << 63));
        NEXT();
    }
    CASE(RV_FMIN_D) h->f[d->rd] = fpu_minmax_d(h, h->f[d->rs1], h->f[d->rs2], false); NEXT();
    CASE(RV_FMAX_D) h->f[d->rd] = fpu_minmax_d(h, h->f[d->rs1], h->f[d->rs2], true); NEXT();
    CASE(RV_FCVT_S_D) {
        GET_RM(rm);
        h->f[d->rd] = fpu_cvt_s_d(h, h->f[d->rs1], rm);
        NEXT();
    }
    CASE(RV_FCVT_D_S) {
        GET_RM(rm);
        (void)rm;
        h->f[d->rd] = fpu_cvt_d_s(h, h->f[d->rs1]);
        NEXT();
    }
    CASE(RV_FEQ_D) XWRITE(fcmp_d(h, d, FPU_EQ));
    CASE(RV_FLT_D) XWRITE(fcmp_d(h, d, FPU_LT));
    CASE(RV_FLE_D) XWRITE(fcmp_d(h, d, FPU_LE));
    CASE(RV_FCLASS_D) XWRITE(fpu_class_d(h->f[d->rs1]));
    CASE(RV_FCVT_W_D) FTOI(fpu_to_int_d, FPU_W);
    CASE(RV_FCVT_WU_D) FTOI(fpu_to_int_d, FPU_WU);
    CASE(RV_FCVT_L_D) FTOI(fpu_to_int_d, FPU_L);
    CASE(RV_FCVT_LU_D) FTOI(fpu_to_int_d, FPU_LU);
    CASE(RV_FCVT_D_W) ITOF(itof_d, FPU_W);
    CASE(RV_FCVT_D_WU) ITOF(itof_d, FPU_WU);
    CASE(RV_FCVT_D_L) ITOF(itof_d, FPU_L);
    CASE(RV_FCVT_D_LU) ITOF(itof_d, FPU_LU);
    CASE(RV_FMV_X_D) XWRITE(h->f[d->rs1]);
    CASE(RV_FMV_D_X) h->f[d->rd] = RS1; NEXT();

    /* Zba */
    CASE(RV_SH1ADD) OP((RS1 << 1) + RS2);
    CASE(RV_SH2ADD) OP((RS1 << 2) + RS2);
    CASE(RV_SH3ADD) OP((RS1 << 3) + RS2);
    CASE(RV_ADD_UW) OP((uint64_t)(uint32_t)RS1 + RS2);
    CASE(RV_SH1ADD_UW) OP(((uint64_t)(uint32_t)RS1 << 1) + RS2);
    CASE(RV_SH2ADD_UW) OP(((uint64_t)(uint32_t)RS1 << 2) + RS2);
    CASE(RV_SH3ADD_UW) OP(((uint64_t)(uint32_t)RS1 << 3) + RS2);
    CASE(RV_SLLI_UW) OP((uint64_t)(uint32_t)RS1 << d->imm);

    /* Zbb */
    CASE(RV_ANDN) OP(RS1 & ~RS2);
    CASE(RV_ORN) OP(RS1 | ~RS2);
    CASE(RV_XNOR) OP(~(RS1 ^ RS2));
    CASE(RV_CLZ) OP(RS1 ? (uint64_t)__builtin_clzll(RS1) : 64);
    CASE(RV_CTZ) OP(RS1 ? (uint64_t)__builtin_ctzll(RS1) : 64);
    CASE(RV_CPOP) OP((uint64_t)__builtin_popcountll(RS1));
    CASE(RV_CLZW) OP((uint32_t)RS1 ? (uint64_t)__builtin_clz((uint32_t)RS1) : 32);
    CASE(RV_CTZW) OP((uint32_t)RS1 ? (uint64_t)__builtin_ctz((uint32_t)RS1) : 32);
    CASE(RV_CPOPW) OP((uint64_t)__builtin_popcount((uint32_t)RS1));
    CASE(RV_MAX) OP((int64_t)RS1 > (int64_t)RS2 ? RS1 : RS2);
    CASE(RV_MAXU) OP(RS1 > RS2 ? RS1 : RS2);
    CASE(RV_MIN) OP((int64_t)RS1 < (int64_t)RS2 ? RS1 : RS2);
    CASE(RV_MINU) OP(RS1 < RS2 ? RS1 : RS2);
    CASE(RV_SEXT_B) OP((uint64_t)(int64_t)(int8_t)RS1);
    CASE(RV_SEXT_H) OP((uint64_t)(int64_t)(int16_t)RS1);
    CASE(RV_ZEXT_H) OP((uint16_t)RS1);
    CASE(RV_ROL) {
        unsigned s = RS2 & 63;
        OP(s ? (RS1 << s) | (RS1 >> (64 - s)) : RS1);
    }
    CASE(RV_ROR) {
        unsigned s = RS2 & 63;
        OP(s ? (RS1 >> s) | (RS1 << (64 - s)) : RS1);
    }
    CASE(RV_RORI) {
        unsigned s = (unsigned)d->imm & 63;
        OP(s ? (RS1 >> s) | (RS1 << (64 - s)) : RS1);
    }
    CASE(RV_ROLW) {
        uint32_t v = (uint32_t)RS1;
        unsigned s = RS2 & 31;
        OP(SEXT32(s ? (v << s) | (v >> (32 - s)) : v));
    }
    CASE(RV_RORW) {
        uint32_t v = (uint32_t)RS1;
        unsigned s = RS2 & 31;
        OP(SEXT32(s ? (v >> s) | (v << (32 - s)) : v));
    }
    CASE(RV_RORIW) {
        uint32_t v = (uint32_t)RS1;
        unsigned s = (unsigned)d->imm & 31;
        OP(SEXT32(s ? (v >> s) | (v << (32 - s)) : v));
    }
    CASE(RV_ORC_B) {
        uint64_t v = RS1, r = 0;
        for (int i = 0; i < 64; i += 8)
            if ((v >> i) & 0xff)
                r |= 0xffull << i;
        OP(r);
    }
    CASE(RV_REV8) OP(__builtin_bswap64(RS1));

    /* Internal operations */
    CASE(RV_PAGE_END)
        /* Sequential flow left the page: the instructions before it in
         * the block retired. */
        ACCOUNT_BLOCK();
        SYNC_PC();      /* the fast loop's: the sentinel's pc is the next page */
        goto block_lookup;
    CASE(RV_CROSS) {
#if LOOP_MODE == MODE_FAST
        /* Its slot is not in a page, so its pc does not follow from d:
         * the caller single-steps it (rare: once per page crossing).  Also
         * the xop of a load into x0 (rv_decode). */
        UNRETIRE();
        SYNC_PC();
        stop = HART_RUN_CROSS;
        goto out;
#else
        struct rv_dinsn *c = fetch_cross(h, page, pc);
        if (!c) {
            goto trap;
        }
        d = c;
#if LOOP_TIMED
        /* The slow dispatch, as at entry: this may be the instruction a
         * run resumes (tm_pend), which the marker's dispatch let pass. */
        goto tm_dispatch_slow;
#else
        goto dispatch;
#endif
#endif
    }
    CASE_C(RV_ILLEGAL, {
        h->cause = CAUSE_ILLEGAL_INSN;
        h->tval = (uint32_t)d->imm;
        goto trap;
    })
    CASE(RV_UNDECODED)
#if LOOP_MODE == MODE_FAST
        /* Only at a block's start (blen 0, nothing charged): decode the
         * block, then charge it. */
        hart_block_len(h, page, (unsigned)(d - page->slot));
        goto block_at_d;
#else
        /* Every slot of a block is decoded before the block runs. */
        MMSIM_ASSERT(0);
        h->cause = CAUSE_ILLEGAL_INSN;
        h->tval = 0;
        goto trap;
#endif
    }

#if LOOP_MODE == MODE_FAST
xop_no_rvc:
    /* A 16-bit instruction of an op missing from RV_RVC_OP: correct, if slow. */
    MMSIM_ASSERT(0);
    UNRETIRE();
    SYNC_PC();
    stop = HART_RUN_CROSS;
    goto out;

    /* Near entries of the pc-relative transfers whose target is in their
     * page (rv_xop_place): to the target's slot and into its block, without
     * the page check of JUMP_REL.  l is the instruction's length. */
#define JUMP_NEAR()                                                            \
    do {                                                                       \
        d = (struct rv_dinsn *)(void *)((char *)d + (ptrdiff_t)d->imm *       \
                                        (ptrdiff_t)(sizeof(*d) / 2));          \
        BLOCK_ENTER();                                                         \
    } while (0)
#define NEAR_BRANCH(op, l, cond)                                               \
    L_##op##_N##l:                                                             \
    if (cond) {                                                                \
        JUMP_NEAR();                                                           \
    }                                                                          \
    ilen = (l);                                                                \
    NEXT_BLOCK();
#define NEAR_JAL(l)                                                            \
    L_RV_JAL_N##l:                                                             \
    x[d->rd] = PC + (l);                                                       \
    x[0] = 0;                                                                  \
    JUMP_NEAR();
    NEAR_JAL(4)
    NEAR_JAL(2)
    NEAR_BRANCH(RV_BEQ, 4, RS1 == RS2)
    NEAR_BRANCH(RV_BEQ, 2, RS1 == RS2)
    NEAR_BRANCH(RV_BNE, 4, RS1 != RS2)
    NEAR_BRANCH(RV_BNE, 2, RS1 != RS2)
    NEAR_BRANCH(RV_BLT, 4, (int64_t)RS1 < (int64_t)RS2)
    NEAR_BRANCH(RV_BGE, 4, (int64_t)RS1 >= (int64_t)RS2)
    NEAR_BRANCH(RV_BLTU, 4, RS1 < RS2)
    NEAR_BRANCH(RV_BGEU, 4, RS1 >= RS2)
#undef NEAR_JAL
#undef NEAR_BRANCH
#undef JUMP_NEAR

block_stop:
    SYNC_PC();
    stop = HART_STOP_REQUEST;
    goto out;

block_slow:
    /* The block (blen > 0) is longer than the budget left. */
    left += d->blen;
    SYNC_PC();
    if (left == 0) {
        stop = HART_STOP_BUDGET;
        goto out;
    }
    stop = -1;          /* finish the budget in single steps */
    goto out;
#endif

#if LOOP_TIMED
    /* Issue of each op, with what is known of it at compile time (its
     * operands, its unit), then its handler.  Markers do not issue. */
#define TM_ISSUE(op, args)                                                     \
    do {                                                                       \
        if (PIPE_OP_GENERAL(op))                                               \
            T_ISS = pipe_issue_at(pp, d, &p_cycle, &p_open, true);             \
        else                                                                   \
            T_ISS = pipe_issue_op(pp, d, &p_cycle, &p_open, op, PIPE_ARG_RS1(args), \
                                  PIPE_ARG_RS2(args), PIPE_ARG_RS3(args),      \
                                  PIPE_ARG_RD(args));                          \
    } while (0)
#define ISSUE_STUB(id, name, match, mask, fmt, args)                           \
    T_RV_##id:                                                                 \
    TM_ISSUE(RV_##id, args);                                                   \
    goto L_RV_##id;
    T_RV_NOP:
    TM_ISSUE(RV_NOP, "");
    goto L_RV_NOP;
    RV_INSN_LIST(ISSUE_STUB)
#undef ISSUE_STUB
#undef TM_ISSUE

tm_dispatch_slow:
    /* The clock moved out of line (e.g. a page fault of the fetch in
     * block_lookup), a page walk ended, the run-ahead limit, or a run that
     * resumes an instruction (tm_pend: then check_at is 0 on entry, so
     * that the fast path need not test it). */
    PIPE_RELOAD();
    TM_LIMIT();
    if (likely(d->op >= RV_NOP)) {
        if (unlikely(h->tm_pend) && tm_resumed(h, pc, &T_ISS)) {
            /* The instruction that waited for its data access: it issued
             * before it waited, and its access is granted (tm_pre). */
            n_adj--;
            goto *dispatch_table[d->op];
        }
        PIPE_RELOAD();      /* the stall of a resumed fetch */
        if (unlikely((pc & f_mask) != f_base))
            TM_FETCH(true);
        /* The page walks that the fetch waited for are over: those of the
         * instruction's own accesses come next (kernel_walk_time sends
         * the next dispatch here again). */
        if (h->tm_walk_end) {
            h->tm_walk_end = 0;
            pp->check_at = h->tm_limit;
        }
        goto *issue_table[d->op];
    }
    goto *dispatch_table[d->op];

#if LOOP_MODE == MODE_TIMING
tm_block_slow:
    if (retired >= max) {
        stop = HART_STOP_BUDGET;
        goto out;
    }
    if (d->blen == 0) {
        if (d->op == RV_PAGE_END)
            goto block_lookup;
        hart_block_len(h, page, (unsigned)(d - page->slot));
        goto block_at_d;
    }
    stop = -1;          /* finish the budget in single steps */
    goto out;
#endif

tm_yield:
    /* The data access waits for this CPU's turn: the instruction runs
     * again when it is granted (it does not retire now). */
    n_adj++;
    h->tm_pend = 1 + HART_MEM_LOAD;
    h->tm_pend_issue = T_ISS;
    h->tm_pend_pc = pc;
    retired += DONE_IN_BLOCK;
    stop = HART_STOP_YIELD;
    goto out;
#endif

illegal_refetch:
    /* Illegal only at execution (bad dynamic rm, CSR access): the decoded
     * form does not keep the bits, read them again. */
    SYNC_PC();
    h->cause = CAUSE_ILLEGAL_INSN;
    h->tval = hart_fetch_raw(h, pc);
    h->cause = CAUSE_ILLEGAL_INSN;
    goto trap;

trap:
    SYNC_PC();
    UNRETIRE();
    stop = HART_STOP_TRAP;
#if LOOP_TIMED
    n_adj += d->op >= RV_NOP;   /* an instruction, not a marker: it issued */
#endif
out:
#if LOOP_MODE == MODE_FAST
    retired = max - left;
#endif
#if LOOP_TIMED
    n_adj += stop == HART_STOP_ECALL || stop == HART_STOP_EBREAK;
    pp->st.insns += retired - retired0 + (uint64_t)(int64_t)n_adj;
    h->tm_fetch_pc = f_base + 1;
#endif
    h->pc = pc;
    *retired_io = retired;
    return stop;

#undef DONE_IN_BLOCK
#undef PIPE_RELOAD
#undef T_ISS
#undef TM_LIMIT
#undef TM_RESUME_HERE
#undef TM_FETCH
#undef LOOP_BLOCKS
#undef LOOP_TIMED
#undef CASE
#undef CASE_C
#undef CASE_FMA
#undef ILEN
#undef DISPATCH_INDEX
#undef STEP_D
#undef PC
#undef ADVANCE_PC
#undef MOVE_PC
#undef SYNC_PC
#undef SLOT_OF
#undef TRACE_AFTER
#undef TM_BRANCH
#undef TM_CBRANCH
#undef TM_PREDICT
#undef TM_PRE
#undef MEM_LOAD
#undef MEM_STORE
#undef TM_DONE
#undef RETIRE_BLOCK
#undef ACCOUNT_BLOCK
#undef RETIRED_NOW
#undef UNRETIRE
#undef NEXT
#undef NEXT_BLOCK
#undef BLOCK_ENTER
#undef JUMP
#undef JUMP_REL
#undef RD
#undef RS1
#undef RS2
#undef IMM
#undef SEXT32
#undef LOAD
#undef LOAD_X0
#undef STORE
#undef BRANCH
#undef OP
#undef GET_RM
#undef FOP_S
#undef FMA3_KNOWN
#undef FOP_LEAN
#undef FOP_D
#undef FTOI
#undef ITOF
#undef XWRITE
}
