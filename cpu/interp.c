/* The interpreter: five instantiations of one loop (interp_loop.h).
 *
 *   hart_run_fast   runs whole basic blocks with no per-instruction check;
 *                   budget and stop_request are checked between blocks.
 *                   Its handlers know their instruction's length from the
 *                   dispatch index and it derives pc from the slot, so an
 *                   instruction that straddles two pages (whose slot is
 *                   outside the page) is left to hart_run_step.
 *   hart_run_step   one instruction per "block": used for the tail of a
 *                   budget that ends inside a block, so budgets are exact,
 *                   and for page straddlers.
 *   hart_run_trace  like step, plus the spike-like commit log.
 *   hart_run_timing whole blocks through the pipeline and the memory
 *                   system (detailed timing); the run-ahead limit is still
 *                   checked before every instruction.
 *   hart_run_timing_step  its single-step tail, as hart_run_step.
 */
#include <math.h>
#include <string.h>

#include "cpu/fpu.h"
#include "cpu/hart_internal.h"
#include "cpu/pipeline.h"

/* Memory access fast paths: one compare of the page tag (and alignment)
 * and one add; everything else goes to the out-of-line slow path.  A load
 * of fewer than 8 bytes is sign-extended when sext is set, on either
 * path: so the hit path loads with the extension (movsx), and nothing is
 * left to do after the two paths join. */
static ALWAYS_INLINE uint64_t load_ext(uint64_t t, int size, bool sext)
{
    if (!sext)
        return t;
    switch (size) {
    case 1: return (uint64_t)(int64_t)(int8_t)t;
    case 2: return (uint64_t)(int64_t)(int16_t)t;
    case 4: return (uint64_t)(int64_t)(int32_t)t;
    default: return t;
    }
}

/* The guest's bytes at host address p (the page's, after a TLB hit). */
static ALWAYS_INLINE void host_load(const void *p, int size, bool sext, uint64_t *v)
{
    switch (size) {
    case 1: *v = load_ext(*(const uint8_t *)p, 1, sext); break;
    case 2: { uint16_t t; memcpy(&t, p, 2); *v = load_ext(t, 2, sext); break; }
    case 4: { uint32_t t; memcpy(&t, p, 4); *v = load_ext(t, 4, sext); break; }
    default: memcpy(v, p, 8); break;
    }
}

static ALWAYS_INLINE void host_store(void *p, int size, uint64_t v)
{
    switch (size) {
    case 1: *(uint8_t *)p = (uint8_t)v; break;
    case 2: { uint16_t t = (uint16_t)v; memcpy(p, &t, 2); break; }
    case 4: { uint32_t t = (uint32_t)v; memcpy(p, &t, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

static ALWAYS_INLINE int load(struct hart *h, uint64_t a, int size, bool sext, uint64_t *v)
{
    struct hart_stlb_entry *e = stlb_entry(h->stlb_r, a);
    if (likely(stlb_hit(e, a, (unsigned)size))) {
        const void *p = (const void *)(uintptr_t)(a + e->addend);
        host_load(p, size, sext, v);
        return 0;
    }
    /* Through a temporary of its own: *v (a handler's local) stays out of
     * memory on the fast path. */
    uint64_t t = 0;
    int rc = hart_load_slow(h, a, size, &t);
    *v = load_ext(t, size, sext);
    return rc;
}

static ALWAYS_INLINE int store(struct hart *h, uint64_t a, int size, uint64_t v)
{
    struct hart_stlb_entry *e = stlb_entry(h->stlb_w, a);
    if (likely(stlb_hit(e, a, (unsigned)size))) {
        void *p = (void *)(uintptr_t)(a + e->addend);
        host_store(p, size, v);
        return 0;
    }
    return hart_store_slow(h, a, size, v);
}

/* F/D arithmetic inline while the host is already in the rounding mode
 * (RMM never is: it is done in software), the common case, where
 * fpu_arith_* would only switch on an op known here at compile time.  The
 * operands are read from the register file as host values, and the result
 * written back so, without a trip through the integer registers.  A NaN
 * result goes to fpu_arith_* as well, to be made canonical and, for
 * inf * 0 in a fused multiply-add, to raise NV (which the host need not):
 * computing it again raises the same host flags, which only accumulate.
 * So does a single operand that is not NaN-boxed (a canonical NaN), before
 * the host computes anything with it.
 * FENV_VALUE hides each value from the optimiser (no folding, no merging
 * of two equal operations) without FENV_BARRIER's memory clobber: no
 * change of the FP environment happens in between, and the operands come
 * from the register file in memory, after any call that changed it. */
#define FENV_VALUE(v) __asm__ volatile("" : "+x"(v))
/* fmaf or fma, by the type (T a value of it). */
#define FMA_(T) _Generic((T)0, float: fmaf, default: fma)
/* A fused multiply-add r = [-](a * b) [+-] c (RISC-V's four, the form
 * names of fpu_arith).  On an x86-64 host with FMA3 it is one instruction
 * inline: libm's fma is that same instruction behind a call through the
 * PLT (its ifunc picks it on such a host), so results and MXCSR flags are
 * the same, while the call cost a dozen host instructions and the spills
 * of every value live across it.  Elsewhere, and on an x86-64 host
 * without FMA3 (libgcc tests CPUID and the OS's AVX state once), libm's
 * fma, correctly rounded as well.  fma3: the host is known to have FMA3
 * (the fast loop's usual entry: rv_decode, CASE_FMA). */
#if HOSTFP_MXCSR
#define FMA_HOST(T, op, a, b, c, r, fma3)                                      \
    do {                                                                       \
        if ((fma3) || likely(__builtin_cpu_supports("fma"))) {                 \
            (r) = (c);                                                         \
            if (sizeof(T) == 8)                                                \
                FMA_ASM(op, "sd", a, b, r);                                    \
            else                                                               \
                FMA_ASM(op, "ss", a, b, r);                                    \
        } else {                                                               \
            FMA_CALL(T, op, a, b, c, r);                                       \
        }                                                                      \
    } while (0)
/* r = a * b + r and the like, by the op (vfnmadd is -(a * b) + r).  AT&T
 * order: vfmadd231sd b, a, r. */
#define FMA_ASM(op, sfx, a, b, r)                                              \
    do {                                                                       \
        switch (op) {                                                          \
        case FPU_MADD:                                                         \
            __asm__("vfmadd231" sfx " %2, %1, %0" : "+x"(r) : "x"(a), "x"(b)); \
            break;                                                             \
        case FPU_MSUB:                                                         \
            __asm__("vfmsub231" sfx " %2, %1, %0" : "+x"(r) : "x"(a), "x"(b)); \
            break;                                                             \
        case FPU_NMSUB:                                                        \
            __asm__("vfnmadd231" sfx " %2, %1, %0" : "+x"(r) : "x"(a), "x"(b)); \
            break;                                                             \
        default:                                                               \
            __asm__("vfnmsub231" sfx " %2, %1, %0" : "+x"(r) : "x"(a), "x"(b)); \
            break;                                                             \
        }                                                                      \
    } while (0)
#else
#define FMA_HOST(T, op, a, b, c, r, fma3) FMA_CALL(T, op, a, b, c, r)
#endif
#define FMA_CALL(T, op, a, b, c, r)                                            \
    do {                                                                       \
        switch (op) {                                                          \
        case FPU_MADD: (r) = FMA_(T)((a), (b), (c)); break;                    \
        case FPU_MSUB: (r) = FMA_(T)((a), (b), -(c)); break;                   \
        case FPU_NMSUB: (r) = FMA_(T)(-(a), (b), (c)); break;                  \
        default: (r) = FMA_(T)(-(a), (b), -(c)); break;                        \
        }                                                                      \
    } while (0)
/* r = op(a, b, c) in type T, or goto fop_slow for a NaN result. */
#define FOP_INLINE(op, a, b, c, T, r, fma3)                                    \
    do {                                                                       \
        FENV_VALUE(a);                                                         \
        FENV_VALUE(b);                                                         \
        if ((op) >= FPU_MADD)                                                  \
            FENV_VALUE(c);                                                     \
        switch (op) {                                                          \
        case FPU_ADD: (r) = (a) + (b); break;                                  \
        case FPU_SUB: (r) = (a) - (b); break;                                  \
        case FPU_MUL: (r) = (a) * (b); break;                                  \
        case FPU_DIV: (r) = (a) / (b); break;                                  \
        case FPU_SQRT: (r) = _Generic((T)0, float: sqrtf, default: sqrt)(a); break; \
        default: FMA_HOST(T, op, a, b, c, r, fma3); break;                     \
        }                                                                      \
        FENV_VALUE(r);                                                         \
        if (unlikely((r) != (r)))                                              \
            goto fop_slow;                                                     \
    } while (0)

/* d's entry in rm_map: its rounding mode (its rm field, or frm for the
 * dynamic one; above RM_RMM it is illegal), with HART_RM_HOST when the
 * host FPU is in it.  Checked builds recompute it, and ask the host. */
static ALWAYS_INLINE unsigned insn_rm_entry(const struct hart *h, const struct rv_dinsn *d)
{
    unsigned e = h->rm_map[d->rm];
    MMSIM_ASSERT(e == hart_rm_entry(d->rm, h->frm, h->host_round) &&
                 fpu_host_round_is(h->host_round));
    return e;
}

/* The rounding mode of d, resolved: above RM_RMM it is illegal. */
static ALWAYS_INLINE int insn_rm(const struct hart *h, const struct rv_dinsn *d)
{
    return (int)(insn_rm_entry(h, d) & 7);
}

/* fop_d and fop_s for everything but the inline case: another rounding
 * mode, or a NaN result (computed again here).  Out of line, so that the
 * inline case keeps nothing live for it. */
static NOINLINE void fop_d_slow(struct hart *h, const struct rv_dinsn *d, int op, int rm)
{
    h->f[d->rd] = fpu_arith_d(h, op, h->f[d->rs1], h->f[d->rs2],
                              op >= FPU_MADD ? h->f[d->rs3] : 0, rm);
}

static NOINLINE void fop_s_slow(struct hart *h, const struct rv_dinsn *d, int op, int rm)
{
    h->f[d->rd] = fpu_arith_s(h, op, h->f[d->rs1], h->f[d->rs2],
                              op >= FPU_MADD ? h->f[d->rs3] : 0, rm);
}

/* The same for lean callers, which keep not even the mode: resolved and
 * checked here (false for an invalid one, having changed nothing). */
static NOINLINE bool fop_d_slow_rm(struct hart *h, const struct rv_dinsn *d, int op)
{
    int rm = insn_rm(h, d);
    if (unlikely(rm > RM_RMM))
        return false;
    fop_d_slow(h, d, op, rm);
    return true;
}

static NOINLINE bool fop_s_slow_rm(struct hart *h, const struct rv_dinsn *d, int op)
{
    int rm = insn_rm(h, d);
    if (unlikely(rm > RM_RMM))
        return false;
    fop_s_slow(h, d, op, rm);
    return true;
}

/* Execute the F/D arithmetic op (enum fpu_arith) of the instruction d in
 * double or single precision.  Returns false, having changed nothing,
 * when its rounding mode is invalid (illegal instruction).
 * lean (the fast loop): the inline case tests rm_map's flag in memory
 * (three host instructions with the load of rm) and keeps nothing for the
 * others.  The other loops keep the entry in a register for them: the
 * lean form there made gcc lay out the whole timed loop differently, with
 * 0.5% more host instructions in intmark's detailed run, in handlers that
 * do no FP. */
static ALWAYS_INLINE bool fop_d(struct hart *h, const struct rv_dinsn *d, int op, bool fma3,
                                bool lean)
{
    unsigned e = insn_rm_entry(h, d);
    if (likely(e & HART_RM_HOST)) {
        double a, b, c = 0, r;
        memcpy(&a, &h->f[d->rs1], 8);
        memcpy(&b, &h->f[d->rs2], 8);
        if (op >= FPU_MADD)
            memcpy(&c, &h->f[d->rs3], 8);
        FOP_INLINE(op, a, b, c, double, r, fma3);
        memcpy(&h->f[d->rd], &r, 8);
        return true;
    }
fop_slow:
    if (lean)
        return fop_d_slow_rm(h, d, op);
    if (unlikely((e & 7) > RM_RMM))
        return false;
    fop_d_slow(h, d, op, (int)(e & 7));
    return true;
}

static ALWAYS_INLINE bool fop_s(struct hart *h, const struct rv_dinsn *d, int op, bool fma3,
                                bool lean)
{
    unsigned e = insn_rm_entry(h, d);
    /* Only the operands op has must be NaN-boxed (fsqrt's rs2 is 0). */
    uint64_t ua = h->f[d->rs1], ub = op == FPU_SQRT ? ~0ull : h->f[d->rs2];
    uint64_t uc = op >= FPU_MADD ? h->f[d->rs3] : ~0ull;
    if (likely((e & HART_RM_HOST) && ((ua & ub & uc) >> 32) == 0xffffffffu)) {
        uint32_t ba = (uint32_t)ua, bb = (uint32_t)ub, bc = (uint32_t)uc, br;
        float a, b, c, r;
        memcpy(&a, &ba, 4);
        memcpy(&b, &bb, 4);
        memcpy(&c, &bc, 4);
        FOP_INLINE(op, a, b, c, float, r, fma3);
        memcpy(&br, &r, 4);
        h->f[d->rd] = box_s(br);
        return true;
    }
fop_slow:
    if (lean)
        return fop_s_slow_rm(h, d, op);
    if (unlikely((e & 7) > RM_RMM))
        return false;
    fop_s_slow(h, d, op, (int)(e & 7));
    return true;
}

/* fcvt.d.w and fcvt.d.wu inline: every 32-bit integer is a double, so
 * the host's conversion is exact (no flag, no rounding); the others may
 * round (fpu.c rounds them in integer arithmetic, RMM included). */
static ALWAYS_INLINE uint64_t itof_d(struct hart *h, uint64_t x, int rm, int kind)
{
    if (kind == FPU_W || kind == FPU_WU) {
        double r = kind == FPU_W ? (double)(int32_t)x : (double)(uint32_t)x;
        uint64_t u;
        memcpy(&u, &r, 8);
        return u;
    }
    return fpu_from_int_d(h, x, rm, kind);
}

/* F/D comparisons (enum fpu_cmp) of the instruction d.  On x86-64 they
 * are one host compare each, chosen for RISC-V's flags: comisd raises IE
 * (NV) for any NaN operand, as flt and fle must, ucomisd only for a
 * signalling one, as feq must, into the guest's sticky flags in MXCSR;
 * the flag outputs read false for an unordered pair.  A single operand
 * that is not NaN-boxed (a canonical NaN) goes to fpu_cmp_s. */
#if HOSTFP_MXCSR
#define FCMP_HOST(sfx, kind, a, b, r)                                          \
    do {                                                                       \
        if ((kind) == FPU_EQ) {                                                \
            bool e_, ord_;                                                     \
            __asm__ volatile("ucomi" sfx " %2, %3"                             \
                             : "=@cce"(e_), "=@ccnp"(ord_) : "x"(b), "x"(a));  \
            (r) = e_ && ord_;                                                  \
        } else if ((kind) == FPU_LT) { /* b above a */                         \
            __asm__ volatile("comi" sfx " %1, %2" : "=@cca"(r) : "x"(a), "x"(b)); \
        } else {                                                               \
            __asm__ volatile("comi" sfx " %1, %2" : "=@ccae"(r) : "x"(a), "x"(b)); \
        }                                                                      \
    } while (0)

static ALWAYS_INLINE uint64_t fcmp_d(struct hart *h, const struct rv_dinsn *d, int kind)
{
    double a, b;
    bool r;
    memcpy(&a, &h->f[d->rs1], 8);
    memcpy(&b, &h->f[d->rs2], 8);
    FCMP_HOST("sd", kind, a, b, r);
    return r;
}

static ALWAYS_INLINE uint64_t fcmp_s(struct hart *h, const struct rv_dinsn *d, int kind)
{
    uint64_t ua = h->f[d->rs1], ub = h->f[d->rs2];
    if (unlikely(((ua & ub) >> 32) != 0xffffffffu))
        return fpu_cmp_s(h, ua, ub, kind);
    uint32_t ba = (uint32_t)ua, bb = (uint32_t)ub;
    float a, b;
    bool r;
    memcpy(&a, &ba, 4);
    memcpy(&b, &bb, 4);
    FCMP_HOST("ss", kind, a, b, r);
    return r;
}
#undef FCMP_HOST

/* fflags, with what the host FPU accumulated; and setting them. */
static ALWAYS_INLINE uint32_t fflags_get(const struct hart *h)
{
    return (h->fflags | fpu_mxcsr_fflags[_mm_getcsr() & HOSTFP_MXCSR_FLAGS]) & 31;
}

static ALWAYS_INLINE void fflags_set(struct hart *h, uint32_t flags)
{
    _mm_setcsr(_mm_getcsr() & ~HOSTFP_MXCSR_FLAGS);
    h->fflags = flags & 31;
}
#else
static ALWAYS_INLINE uint64_t fcmp_d(struct hart *h, const struct rv_dinsn *d, int kind)
{
    return fpu_cmp_d(h, h->f[d->rs1], h->f[d->rs2], kind);
}

static ALWAYS_INLINE uint64_t fcmp_s(struct hart *h, const struct rv_dinsn *d, int kind)
{
    return fpu_cmp_s(h, h->f[d->rs1], h->f[d->rs2], kind);
}

static ALWAYS_INLINE uint32_t fflags_get(struct hart *h) { return fpu_get_flags(h); }
static ALWAYS_INLINE void fflags_set(struct hart *h, uint32_t flags) { fpu_set_flags(h, flags); }
#endif

#undef FOP_INLINE
#undef FMA_HOST
#undef FMA_ASM
#undef FMA_CALL
#undef FMA_
#undef FENV_VALUE

/* Host address for an LR/SC/AMO: must be naturally aligned (else the
 * misaligned cause), translated for acc. NULL after recording the trap. */
static NOINLINE uint8_t *amo_slow(struct hart *h, uint64_t a, int size, enum hart_access acc)
{
    if (a & (uint64_t)(size - 1)) {
        h->cause = acc == HART_READ ? CAUSE_MISALIGNED_LOAD : CAUSE_MISALIGNED_STORE;
        h->tval = a;
        return NULL;
    }
    return hart_stlb_fill(h, a, acc);
}

static ALWAYS_INLINE uint8_t *amo_addr(struct hart *h, uint64_t a, int size, enum hart_access acc)
{
    struct hart_stlb_entry *e = stlb_entry(acc == HART_WRITE ? h->stlb_w : h->stlb_r, a);
    if (likely(stlb_hit(e, a, (unsigned)size)))
        return (uint8_t *)(uintptr_t)(a + e->addend);
    return amo_slow(h, a, size, acc);
}

static uint64_t amo_op(int op, uint64_t old, uint64_t src, bool word)
{
    if (word) {
        old = (uint64_t)(int64_t)(int32_t)old;
        src = (uint64_t)(int64_t)(int32_t)src;
    }
    switch (op) {
    case RV_AMOSWAP_W: case RV_AMOSWAP_D: return src;
    case RV_AMOADD_W: case RV_AMOADD_D: return old + src;
    case RV_AMOXOR_W: case RV_AMOXOR_D: return old ^ src;
    case RV_AMOAND_W: case RV_AMOAND_D: return old & src;
    case RV_AMOOR_W: case RV_AMOOR_D: return old | src;
    case RV_AMOMIN_W: case RV_AMOMIN_D: return (int64_t)old < (int64_t)src ? old : src;
    case RV_AMOMAX_W: case RV_AMOMAX_D: return (int64_t)old > (int64_t)src ? old : src;
    case RV_AMOMINU_W: return (uint32_t)old < (uint32_t)src ? old : src;
    case RV_AMOMAXU_W: return (uint32_t)old > (uint32_t)src ? old : src;
    case RV_AMOMINU_D: return old < src ? old : src;
    default: return old > src ? old : src;  /* AMOMAXU_D */
    }
}

/* Execute one LR/SC/AMO.  Returns 0, or non-zero after recording a trap. */
static NOINLINE int exec_amo(struct hart *h, const struct rv_dinsn *d)
{
    int op = d->op;
    bool word = op <= RV_AMOMAXU_W;
    int size = word ? 4 : 8;
    uint64_t a = h->x[d->rs1], old, v;
    uint8_t *p;

    h->stats.amos++;
    if (op == RV_LR_W || op == RV_LR_D) {
        if (!(p = amo_addr(h, a, size, HART_READ)))
            return 1;
        if (word) {
            uint32_t t;
            memcpy(&t, p, 4);
            v = (uint64_t)(int64_t)(int32_t)t;
        } else {
            memcpy(&v, p, 8);
        }
        h->resv_addr = a;
        h->resv_valid = true;
        h->x[d->rd] = v;
        h->x[0] = 0;
        return 0;
    }
    if (op == RV_SC_W || op == RV_SC_D) {
        if (a & (uint64_t)(size - 1)) {
            h->cause = CAUSE_MISALIGNED_STORE;
            h->tval = a;
            return 1;
        }
        uint64_t fail = 1;
        if (h->resv_valid && h->resv_addr == a) {
            if (!(p = amo_addr(h, a, size, HART_WRITE)))
                return 1;       /* nothing committed, reservation kept */
            memcpy(p, &h->x[d->rs2], (size_t)size);
            fail = 0;
        }
        h->resv_valid = false;  /* any SC clears the reservation */
        h->x[d->rd] = fail;
        h->x[0] = 0;
        return 0;
    }
    if (!(p = amo_addr(h, a, size, HART_WRITE)))
        return 1;
    if (word) {
        uint32_t t;
        memcpy(&t, p, 4);
        old = (uint64_t)(int64_t)(int32_t)t;
        t = (uint32_t)amo_op(op, old, h->x[d->rs2], true);
        memcpy(p, &t, 4);
    } else {
        memcpy(&old, p, 8);
        v = amo_op(op, old, h->x[d->rs2], false);
        memcpy(p, &v, 8);
    }
    h->x[d->rd] = old;
    h->x[0] = 0;
    return 0;
}

/* Zicsr: fflags, frm, fcsr and the read-only cycle/time/instret.
 * instret_now is what retired in this hart_run so far.  Returns false for
 * an illegal access (unknown CSR, or a write to a read-only one), having
 * changed nothing. */
static NOINLINE bool exec_csr_slow(struct hart *h, const struct rv_dinsn *d, uint64_t instret_now)
{
    int op = d->op;
    unsigned csr = (unsigned)d->imm & 0xfff;
    bool imm_form = op >= RV_CSRRWI;
    uint64_t src = imm_form ? d->rs1 : h->x[d->rs1];
    bool is_write = op == RV_CSRRW || op == RV_CSRRWI || d->rs1 != 0;
    uint64_t old;

    if ((csr >> 10) == 3 && is_write)     /* csr[11:10] = 3: read-only */
        return false;
    switch (csr) {
    case 0x001: old = fpu_get_flags(h); break;
    case 0x002: old = h->frm; break;
    case 0x003: old = fpu_get_flags(h) | h->frm << 5; break;
    case 0xc00: old = h->pipe ? h->pipe->cycle : h->cycle + instret_now; break;
    case 0xc01: {
        /* The clock behind read_time may be derived from the hart's
         * counters (the kernel's is its cycle count), which hart_run only
         * writes back when it returns: make them current for the call. */
        hostfp_env env;
        uint64_t cycle = h->cycle;
        h->cycle = h->pipe ? h->pipe->cycle : h->cycle + instret_now;
        h->instret += instret_now;
        hart_callout_enter(h, &env);
        old = h->ops->read_time ? h->ops->read_time(h->ctx) : 0;
        hart_callout_leave(h, &env);
        h->cycle = cycle;
        h->instret -= instret_now;
        break;
    }
    case 0xc02: old = h->instret + instret_now; break;
    default: return false;
    }
    if (is_write) {
        uint64_t nv;
        switch (op) {
        case RV_CSRRW: case RV_CSRRWI: nv = src; break;
        case RV_CSRRS: case RV_CSRRSI: nv = old | src; break;
        default: nv = old & ~src; break;
        }
        switch (csr) {
        case 0x001: fpu_set_flags(h, (uint32_t)nv & 31); break;
        case 0x002: hart_set_frm(h, (uint32_t)nv & 7); break;
        default:
            fpu_set_flags(h, (uint32_t)nv & 31);
            hart_set_frm(h, (uint32_t)(nv >> 5) & 7);
            break;
        }
    }
    h->x[d->rd] = old;
    h->x[0] = 0;
    return true;
}

/* frflags and fsflags (csrrs rd, fflags, x0 and csrrw rd, fflags, rs1)
 * inline, before exec_csr_slow: code that saves and restores the FP flags
 * around a comparison runs them as often as the comparison.  Returns
 * false, having done nothing, for any other CSR instruction (so that the
 * caller computes exec_csr_slow's instret only then). */
static ALWAYS_INLINE bool exec_csr_fflags(struct hart *h, const struct rv_dinsn *d)
{
    if (((unsigned)d->imm & 0xfff) == 0x001 &&
        (d->op == RV_CSRRW || (d->op == RV_CSRRS && d->rs1 == 0))) {
        uint64_t src = h->x[d->rs1];
        uint64_t old = fflags_get(h);
        if (d->op == RV_CSRRW)
            fflags_set(h, (uint32_t)src & 31);
        h->x[d->rd] = old;
        h->x[0] = 0;
        return true;
    }
    return false;
}

/* Decode the instruction straddling the page boundary at pc (its upper
 * half is fetched through the next page's execute translation): returns
 * the decoded form to dispatch, or NULL after recording a fetch fault. */
static NOINLINE struct rv_dinsn *fetch_cross(struct hart *h, struct dpage *p, uint64_t pc)
{
    struct hart_dcache *dc = h->dcache;
    uint16_t lo, hi;
    memcpy(&lo, p->bytes + PAGE_SIZE - 2, 2);
    struct hart_stlb_entry *e = stlb_entry(h->stlb_x, pc + 2);
    const uint8_t *q = stlb_hit_page(e, pc + 2)
                           ? (const uint8_t *)(uintptr_t)(pc + 2 + e->addend)
                           : hart_stlb_fill(h, pc + 2, HART_EXEC);
    if (!q)
        return NULL;
    memcpy(&hi, q, 2);
    rv_decode_raw(&dc->cross[0], (uint32_t)hi << 16 | lo);
    dc->cross[0].blen = 1;
    memset(&dc->cross[2], 0, sizeof(dc->cross[2]));
    dc->cross[2].op = dc->cross[2].xop = RV_PAGE_END;
    return &dc->cross[0];
}

static NOINLINE uint64_t mulh(uint64_t a, uint64_t b, int kind)
{
    switch (kind) {
    case 0: return (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)b) >> 64);
    case 1: return (uint64_t)(((__int128)(int64_t)a * (__int128)b) >> 64);
    default: return (uint64_t)(((unsigned __int128)a * b) >> 64);
    }
}

/* ---- Timing mode: fetches and data accesses through the memory system ---- */

/* What a timed data access gave: rc 0 with done (the cycle its data is
 * there, or a store's ownership) and miss (false for an L1 hit); 1 when it
 * waits for the CPU's turn at the shared hierarchy (the instruction must
 * not run yet); 2 after a translation fault (cause and tval set).  Two
 * words, returned in registers: the hit path keeps it out of memory. */
struct tm_access {
    uint64_t done;
    uint32_t rc;
    bool miss;
};

/* The memory system's hook for a translated access. */
static NOINLINE struct tm_access tm_mem(struct hart *h, const uint8_t *host,
                                        enum hart_mem_kind kind, uint64_t start)
{
    struct tm_access r = {0, 0, false};
    r.rc = (uint32_t)h->ops->mem_time(h->ctx, host, kind, start, &r.done, &r.miss);
    return r;
}

/* The timed access of the instruction issued at t_iss to guest address a,
 * translated for acc through tlb first (a fault is the instruction's
 * own).  A granted access (the CPU's turn came: kernel) returns its result
 * without asking again. */
static NOINLINE struct tm_access tm_pre_slow(struct hart *h, uint64_t t_iss, uint64_t a,
                                             enum hart_access acc, enum hart_mem_kind kind)
{
    if (h->tm_granted) {
        h->tm_granted = false;
        return (struct tm_access){h->tm_grant, 0, true};
    }
    const uint8_t *host = hart_stlb_fill(h, a, acc);
    if (!host)
        return (struct tm_access){0, 2, false};
    uint64_t start = t_iss > h->tm_walk_end ? t_iss : h->tm_walk_end;
    struct tm_access r = tm_mem(h, host, kind, start);
    if (!r.rc && start > t_iss)     /* a page walk came first: the data waits for it */
        r.miss = true;
    return r;
}

/* Does the hit filter f answer an access to host line `line` at cycle now
 * through its entry e (cpu/hart.h)?  Then it does what the cache's own hit
 * does to replacement state and counts the hit. */
static ALWAYS_INLINE bool filter_hit(struct hart_l1f *f, const struct hart_l1f_entry *e,
                                     uint64_t line, uint64_t now, bool write)
{
    if (!(e->line == line && e->gen == *f->epoch && now >= e->ready))
        return false;
    /* Valid while the epoch stands (cpu/hart.h): only a store asks more. */
    if (write && !(e->stamp & HART_L1F_W))
        return false;
    /* cache_touch: a line that is not the most recent gets the next
     * stamp.  Which line is the most recent is known without reading its
     * stamp (a likely host miss: the lines are the memory system's) while
     * the clock stands at f->mru_clock (cpu/hart.h). */
    uintptr_t stamp = e->stamp & ~HART_L1F_W;
    uint64_t clock = *f->clock;
    if (clock != f->mru_clock || stamp != f->mru) {
        if (clock != f->mru_clock && *(uint64_t *)stamp == clock) {
            f->mru_clock = clock;       /* the cache stamped it last */
        } else {
            *(uint64_t *)stamp = ++clock;
            *f->clock = clock;
            f->mru_clock = clock;
        }
        f->mru = stamp;
    }
    f->hits++;
    return true;
}

/* tm_pre's result: the access's timing, and the host address of a
 * naturally aligned access of size bytes that tm_pre found in the software
 * TLB (0 otherwise): the access itself then needs no second lookup
 * (tm_load, tm_store), as nothing between them changes the TLB. */
struct tm_pre_out {
    struct tm_access t;
    uintptr_t host;
};

static ALWAYS_INLINE struct tm_pre_out tm_pre(struct hart *h, uint64_t t_iss,
                                              struct hart_stlb_entry *tlb, uint64_t a,
                                              enum hart_access acc, enum hart_mem_kind kind,
                                              unsigned size)
{
    struct hart_stlb_entry *e = stlb_entry(tlb, a);
    if (likely(stlb_hit_page(e, a) && !h->tm_granted)) {
        uint64_t host = a + e->addend;
        uint64_t line = host >> h->tm_line_shift;
        /* (alignment keeps the access in the page) */
        uintptr_t direct = size && !(a & (size - 1)) ? (uintptr_t)host : 0;
        if (likely(filter_hit(&h->tm_df, &h->tm_dfilt[line & (HART_DFILT_SIZE - 1)], line, t_iss,
                              kind != HART_MEM_LOAD)))
            return (struct tm_pre_out){{t_iss, 0, false}, direct};
        return (struct tm_pre_out){tm_mem(h, (const uint8_t *)(uintptr_t)host, kind, t_iss), direct};
    }
    return (struct tm_pre_out){tm_pre_slow(h, t_iss, a, acc, kind), 0};
}

/* load() and store() through tm_pre's host address when it has one: what
 * load() and store() do on a TLB hit. */
static ALWAYS_INLINE int tm_load(struct hart *h, uintptr_t host, uint64_t a, int size, bool sext,
                                 uint64_t *v)
{
    if (likely(host)) {
        host_load((const void *)host, size, sext, v);
        return 0;
    }
    return load(h, a, size, sext, v);
}

static ALWAYS_INLINE int tm_store(struct hart *h, uintptr_t host, uint64_t a, int size,
                                  uint64_t v)
{
    if (likely(host)) {
        host_store((void *)host, size, v);
        return 0;
    }
    return store(h, a, size, v);
}

/* The fetch of a new I-cache line at pc (in the decoded page p): returns 1
 * when it must wait for the shared hierarchy (the instruction has not
 * started), else stalls the pipeline for a miss (and any fetch-side page
 * walk) and returns 0. */
static NOINLINE int tm_fetch(struct hart *h, const struct dpage *p, uint64_t pc)
{
    struct pipe *pp = h->pipe;
    uint64_t done;
    bool miss;
    if (h->tm_walk_end > pp->cycle)
        pipe_stall(pp, h->tm_walk_end, PIPE_STALL_WALK);
    h->tm_fetch_pc = (pc >> h->tm_line_shift << h->tm_line_shift) + 1;
    const uint8_t *host = p->bytes + (pc & (PAGE_SIZE - 1));
    uint64_t line = (uintptr_t)host >> h->tm_line_shift;
    if (filter_hit(&h->tm_if, &h->tm_ifilt[line & (HART_IFILT_SIZE - 1)], line, pp->cycle, false))
        return 0;
    if (h->ops->mem_time(h->ctx, host, HART_MEM_FETCH, pp->cycle, &done, &miss)) {
        h->tm_pend = 1 + HART_MEM_FETCH;
        h->tm_pend_pc = pc;
        return 1;
    }
    if (miss)
        pipe_stall(pp, done, PIPE_STALL_FETCH);
    return 0;
}

/* tm_fetch's common case inline: no page walk to wait for (walks: there
 * may be one; the timing loop's fast dispatch knows there is none), and
 * the L1I hit filter answers (at cycle, the pipeline's clock).  False:
 * call tm_fetch, which finds the same and goes on.  The caller keeps the
 * fetched line (h->tm_fetch_pc when it returns). */
static ALWAYS_INLINE bool tm_fetch_hit(struct hart *h, const struct dpage *p, uint64_t pc,
                                       uint64_t cycle, bool walks)
{
    MMSIM_ASSERT(walks || !h->tm_walk_end);
    if (walks && unlikely(h->tm_walk_end > cycle))
        return false;
    uint64_t line = (uintptr_t)(p->bytes + (pc & (PAGE_SIZE - 1))) >> h->tm_line_shift;
    return filter_hit(&h->tm_if, &h->tm_ifilt[line & (HART_IFILT_SIZE - 1)], line, cycle, false);
}

/* The CPU comes back to the instruction at pc that waited (h->tm_pend).
 * A fetch: pay its stall, then the instruction issues as usual (returns
 * false).  A data access: the instruction keeps its issue cycle (returns
 * true, *t_iss).  Anything else (a signal handler runs first, another
 * thread took the CPU) drops the wait: the instruction starts afresh. */
static NOINLINE bool tm_resumed(struct hart *h, uint64_t pc, uint64_t *t_iss)
{
    unsigned pend = h->tm_pend;
    h->tm_pend = 0;
    if (pc != h->tm_pend_pc || !h->tm_granted) {
        h->tm_granted = false;
        return false;
    }
    if (pend == 1 + HART_MEM_FETCH) {
        h->tm_granted = false;
        pipe_stall(h->pipe, h->tm_grant, PIPE_STALL_FETCH);
        return false;
    }
    *t_iss = h->tm_pend_issue;
    h->tm_now = *t_iss;
    return true;
}

void hart_timing_grant(struct hart *h, uint64_t done)
{
    if (h->tm_pend) {
        h->tm_grant = done;
        h->tm_granted = true;
    }
}

#define MODE_FAST 0
#define MODE_STEP 1
#define MODE_TRACE 2
#define MODE_TIMING 3
#define MODE_TIMING_STEP 4

#define LOOP_NAME hart_run_fast
#define LOOP_MODE MODE_FAST
#include "cpu/interp_loop.h"
#undef LOOP_NAME
#undef LOOP_MODE

#define LOOP_NAME hart_run_step
#define LOOP_MODE MODE_STEP
#include "cpu/interp_loop.h"
#undef LOOP_NAME
#undef LOOP_MODE

#define LOOP_NAME hart_run_trace
#define LOOP_MODE MODE_TRACE
#include "cpu/interp_loop.h"
#undef LOOP_NAME
#undef LOOP_MODE

#define LOOP_NAME hart_run_timing
#define LOOP_MODE MODE_TIMING
#include "cpu/interp_loop.h"
#undef LOOP_NAME
#undef LOOP_MODE

#define LOOP_NAME hart_run_timing_step
#define LOOP_MODE MODE_TIMING_STEP
#include "cpu/interp_loop.h"
#undef LOOP_NAME
#undef LOOP_MODE
