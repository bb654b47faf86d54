/* The in-order pipeline timing model of one CPU (docs/TIMING.md, "The
 * pipeline").
 *
 * Functional execution stays in the interpreter; this model only answers
 * "at which cycle does this instruction issue?" from a scoreboard of
 * register ready times, unit busy times, the issue slots of the current
 * cycle, a branch predictor (bimodal or gshare, BTB, RAS) and a store
 * buffer.  It holds no guest data (DESIGN principle 1) and no global state.
 *
 * The clock.  `p->cycle` is the first cycle in which a new issue group may
 * start: after N independent ALU instructions on a single-issue core it is
 * N.  Every cycle the clock advances either starts an issue group or is
 * charged to one stall cause, so the issue cycles are derived:
 * cycles_issue = cycle - sum(stall[])  (pipe_stats_sync).
 *
 * Dual issue (width 2) follows the two pipes of SiFive's U74: pipe A does
 * memory and integer ALU work, pipe B integer ALU, control flow, multiply,
 * divide, floating point and system instructions.  The second instruction
 * of a cycle joins the first when its operands are ready in that cycle
 * (so it cannot depend on the first) and the two fit different pipes (an
 * ALU instruction fits either; two memory or two pipe-B instructions do
 * not pair).  A taken branch ends its group.
 *
 * Calling sequence for each retired instruction (the interpreter's side):
 *
 *     t = pipe_issue(p, d);                  // operands, unit, slot
 *     ALU/FP/mul/div/CSR/jumps: pipe_complete(p, d, t)   (or pipe_exec)
 *     load, LR, AMO, SC:  pipe_load(p, d, t, data_cycle, miss)
 *     store:              pipe_store(p, t, done_cycle)
 *     branch/jal/jalr:    pipe_branch(p, d, t, pc, taken, target) after complete
 *     i-side miss, walk, fault, syscall: pipe_stall(p, until, cause)
 *
 * pipe_issue must be followed by the completion call of the same
 * instruction before the next pipe_issue (the pairing test relies on the
 * first instruction's result time being recorded). */
#ifndef MMSIM_CPU_PIPELINE_H
#define MMSIM_CPU_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/decode.h"
#include "cpu/insn_table.h"
#include "libmmsim/internal.h"
#include "libmmsim/stats.h"
#include "libmmsim/topology.h"

/* Where a cycle went.  The first five are decided by the model; the caller
 * names the others in pipe_stall (it knows why it waited). */
enum pipe_stall {
    PIPE_STALL_RAW = 0,     /* an operand from a non-load producer not ready */
    PIPE_STALL_LOAD,        /* load-use on a hit, or a blocking load miss */
    PIPE_STALL_FU,          /* unpipelined divider / FP divider busy */
    PIPE_STALL_SB,          /* store buffer full, or a fence draining it */
    PIPE_STALL_BRANCH,      /* misprediction penalty */
    PIPE_STALL_FETCH,       /* i-cache / iTLB miss */
    PIPE_STALL_WALK,        /* page-table walk (either side) */
    PIPE_STALL_FAULT,       /* page fault handled by the guest kernel */
    PIPE_STALL_SYSCALL,     /* system call serviced by the guest kernel */
    PIPE_NSTALL
};

/* Names for statistics and reports ("raw", "load", ...). */
extern const char *const pipe_stall_names[PIPE_NSTALL];

struct pipe_stats {
    uint64_t insns;         /* instructions issued */
    /* Derived by pipe_stats_sync (the issue path counts only insns):
     * cycles_issue = cycle - all stalls, dual = insns - cycles_issue. */
    uint64_t cycles_issue;  /* cycles that started an issue group */
    uint64_t dual;          /* instructions that issued second in a cycle */
    uint64_t stall[PIPE_NSTALL];
    uint64_t loads, load_misses, stores, sb_full;
    uint64_t branches;      /* control-flow instructions (all kinds) */
    uint64_t cond;          /* conditional branches */
    uint64_t mispredicts;   /* control-flow instructions that paid the penalty */
    uint64_t dir_misses;    /* conditional branches with the wrong direction */
    uint64_t btb_misses;    /* taken, target not (correctly) in the BTB */
    uint64_t ras_hits, ras_misses;  /* returns */
};

/* Ready times carry, in their low PIPE_TAG bits, the stall cause a wait
 * for them is charged to (RAW, LOAD, FU or SB: the first four causes), so
 * one max over an instruction's operands gives both when it can issue and
 * why it waited, without a branch. */
#define PIPE_TAG 2
#define PIPE_TIME(v) ((v) >> PIPE_TAG)

/* ready[] layout: x0-x31, f0-f31, then 32 slots that are always 0 (the
 * reads of absent operands land there) and 32 that are written and never
 * read (absent destinations, and x0). */
enum { PIPE_R_FP = 32, PIPE_R_NONE = 64, PIPE_R_SINK = 96, PIPE_NREADY = 128 };

/* Per-op facts, built once at pipe_init from rv_insn_table: an operand
 * register r is ready[r + o] (o: 0 integer, PIPE_R_FP, PIPE_R_NONE). */
struct pipe_op {
    uint8_t o1, o2, o3, od;     /* rs1, rs2, rs3, rd offsets (rd: PIPE_R_SINK if none) */
    uint8_t unit;               /* PIPE_UNIT_* waited for */
    uint8_t reserve;            /* 1: holds that unit for its latency (not pipelined) */
    uint8_t need;               /* PIPE_NEED_* bit of the pipe it needs */
    uint8_t pairs;              /* PIPE_NEED_* bits that may issue after it in
                                 * its cycle (0 on a single-issue core) */
    uint16_t lat;               /* issue to result, cycles (loads: on a hit) */
    uint8_t tag;                /* tag of the result: PIPE_STALL_LOAD from memory */
    uint8_t cls;                /* enum pipe_class */
    uint32_t lt;                /* (lat << PIPE_TAG) | tag: the tagged ready
                                 * time of the result less the issue cycle */
};
_Static_assert(sizeof(struct pipe_op) == 16, "a shift indexes the op table");

/* Pipes, one bit each: ALU work fits either pipe. */
enum { PIPE_NEED_ANY = 1, PIPE_NEED_A = 2, PIPE_NEED_B = 4 };

/* unit_free[] indices: [NONE] stays 0. */
enum { PIPE_UNIT_NONE = 0, PIPE_UNIT_DIV, PIPE_UNIT_FDIV, PIPE_UNIT_SBDRAIN, PIPE_NUNIT };

/* Instruction classes: latency, pipe and unit follow from the class. */
enum pipe_class {
    PC_ALU = 0, PC_MUL, PC_DIV, PC_LOAD, PC_STORE, PC_AMO, PC_BRANCH, PC_JAL, PC_JALR,
    PC_FADD, PC_FMUL, PC_FMA, PC_FDIV, PC_FSQRT, PC_FCVT, PC_FMISC, PC_FENCE, PC_SYS,
    PC_NCLASS
};

/* The class of an op (inline and switch-only, so that a constant op folds
 * to a constant class: the timing loop's per-op issue code relies on it). */
static ALWAYS_INLINE enum pipe_class pipe_op_class(int op)
{
    switch (op) {
    case RV_LB: case RV_LH: case RV_LW: case RV_LD: case RV_LBU: case RV_LHU: case RV_LWU:
    case RV_FLW: case RV_FLD:
        return PC_LOAD;
    case RV_SB: case RV_SH: case RV_SW: case RV_SD: case RV_FSW: case RV_FSD:
        return PC_STORE;
    case RV_LR_W: case RV_SC_W: case RV_AMOSWAP_W: case RV_AMOADD_W: case RV_AMOXOR_W:
    case RV_AMOAND_W: case RV_AMOOR_W: case RV_AMOMIN_W: case RV_AMOMAX_W: case RV_AMOMINU_W:
    case RV_AMOMAXU_W: case RV_LR_D: case RV_SC_D: case RV_AMOSWAP_D: case RV_AMOADD_D:
    case RV_AMOXOR_D: case RV_AMOAND_D: case RV_AMOOR_D: case RV_AMOMIN_D: case RV_AMOMAX_D:
    case RV_AMOMINU_D: case RV_AMOMAXU_D:
        return PC_AMO;
    case RV_MUL: case RV_MULH: case RV_MULHSU: case RV_MULHU: case RV_MULW:
        return PC_MUL;
    case RV_DIV: case RV_DIVU: case RV_REM: case RV_REMU: case RV_DIVW: case RV_DIVUW:
    case RV_REMW: case RV_REMUW:
        return PC_DIV;
    case RV_BEQ: case RV_BNE: case RV_BLT: case RV_BGE: case RV_BLTU: case RV_BGEU:
        return PC_BRANCH;
    case RV_JAL: return PC_JAL;
    case RV_JALR: return PC_JALR;
    case RV_FADD_S: case RV_FSUB_S: case RV_FADD_D: case RV_FSUB_D:
        return PC_FADD;
    case RV_FMUL_S: case RV_FMUL_D:
        return PC_FMUL;
    case RV_FMADD_S: case RV_FMSUB_S: case RV_FNMSUB_S: case RV_FNMADD_S:
    case RV_FMADD_D: case RV_FMSUB_D: case RV_FNMSUB_D: case RV_FNMADD_D:
        return PC_FMA;
    case RV_FDIV_S: case RV_FDIV_D: return PC_FDIV;
    case RV_FSQRT_S: case RV_FSQRT_D: return PC_FSQRT;
    case RV_FCVT_W_S: case RV_FCVT_WU_S: case RV_FCVT_L_S: case RV_FCVT_LU_S:
    case RV_FCVT_S_W: case RV_FCVT_S_WU: case RV_FCVT_S_L: case RV_FCVT_S_LU:
    case RV_FCVT_S_D: case RV_FCVT_D_S: case RV_FCVT_W_D: case RV_FCVT_WU_D:
    case RV_FCVT_L_D: case RV_FCVT_LU_D: case RV_FCVT_D_W: case RV_FCVT_D_WU:
    case RV_FCVT_D_L: case RV_FCVT_D_LU:
        return PC_FCVT;
    case RV_FSGNJ_S: case RV_FSGNJN_S: case RV_FSGNJX_S: case RV_FMIN_S: case RV_FMAX_S:
    case RV_FMV_X_W: case RV_FEQ_S: case RV_FLT_S: case RV_FLE_S: case RV_FCLASS_S:
    case RV_FMV_W_X: case RV_FSGNJ_D: case RV_FSGNJN_D: case RV_FSGNJX_D: case RV_FMIN_D:
    case RV_FMAX_D: case RV_FEQ_D: case RV_FLT_D: case RV_FLE_D: case RV_FCLASS_D:
    case RV_FMV_X_D: case RV_FMV_D_X:
        return PC_FMISC;
    case RV_FENCE: case RV_FENCE_I:
        return PC_FENCE;
    case RV_ECALL: case RV_EBREAK: case RV_CSRRW: case RV_CSRRS: case RV_CSRRC:
    case RV_CSRRWI: case RV_CSRRSI: case RV_CSRRCI:
        return PC_SYS;
    default:
        return PC_ALU;      /* RV64I/Zba/Zbb arithmetic, NOP, illegal, markers */
    }
}

/* The pipe a class needs (PIPE_NEED_*). */
static ALWAYS_INLINE unsigned pipe_class_need(enum pipe_class k)
{
    return k == PC_ALU ? PIPE_NEED_ANY
           : k == PC_LOAD || k == PC_STORE || k == PC_AMO ? PIPE_NEED_A : PIPE_NEED_B;
}

/* The pipes that may issue after an instruction of class k in its cycle
 * on a dual-issue core: any but the one it needs (ALU work needs none). */
static ALWAYS_INLINE unsigned pipe_class_pairs(enum pipe_class k)
{
    unsigned all = PIPE_NEED_ANY | PIPE_NEED_A | PIPE_NEED_B, need = pipe_class_need(k);
    return need == PIPE_NEED_ANY ? all : all & ~need;
}

/* The stall cause a wait for a result of class k is charged to. */
static ALWAYS_INLINE unsigned pipe_class_tag(enum pipe_class k)
{
    return k == PC_LOAD || k == PC_AMO ? PIPE_STALL_LOAD : PIPE_STALL_RAW;
}

/* Is the latency of class k one cycle whatever the configuration? */
static ALWAYS_INLINE bool pipe_class_lat1(enum pipe_class k)
{
    return k == PC_ALU || k == PC_STORE || k == PC_BRANCH || k == PC_JAL || k == PC_JALR ||
           k == PC_FENCE || k == PC_SYS;
}

/* The unit a class waits for (and, DIV/FDIV, holds). */
static ALWAYS_INLINE unsigned pipe_class_unit(enum pipe_class k)
{
    return k == PC_DIV ? PIPE_UNIT_DIV
           : k == PC_FDIV || k == PC_FSQRT ? PIPE_UNIT_FDIV
           : k == PC_FENCE ? PIPE_UNIT_SBDRAIN : PIPE_UNIT_NONE;
}

struct pipe_btb {
    uint64_t tag;               /* pc | 1: 0 marks an empty entry */
    uint64_t target;
};

struct pipe {
    uint64_t cycle;             /* first cycle a new issue group may start */
    uint64_t open;              /* PIPE_NEED_* bits that may still issue in
                                 * cycle - 1 (0: that cycle is closed) */
    /* The timing loop (cpu/interp_loop.h) keeps copies of cycle and open
     * (pipe_issue_at) and dispatches fast while its copy of the clock is
     * below check_at: the run-ahead limit, or 0 when they must be loaded
     * again (pipe_stall moved them out of line: pipe_resync) or the loop
     * has something else to look at first (a page walk's end, an
     * instruction to resume).  One compare for all of them. */
    uint64_t check_at;
    /* What pipe_issue_op needs of ops[] by class, beside the clock: with
     * many CPUs, each CPU's ops[] is another 50 host cache lines that are
     * cold again at each of its turns. */
    struct pipe_cls {
        uint32_t lt, pairs;     /* pipe_op.lt and .pairs of the class's ops */
    } cls[PC_NCLASS];
    uint64_t ready[PIPE_NREADY];        /* tagged: (cycle << PIPE_TAG) | cause */
    uint64_t unit_free[PIPE_NUNIT];     /* tagged the same way */

    /* Branch prediction. */
    uint8_t *bht;               /* 2-bit counters */
    uint32_t bht_mask, hist_mask;
    uint64_t ghr;               /* global history, newest outcome in bit 0 */
    struct pipe_btb *btb;
    uint32_t btb_mask;
    uint64_t *ras;
    uint32_t ras_top, ras_count;

    /* Store buffer: completion cycles in FIFO order (drain in order). */
    uint64_t *sb;
    uint32_t sb_head;           /* the oldest entry (the next to reuse) */

    struct topo_pipeline cfg;   /* a copy: the topology may go away */
    struct pipe_stats st;
    struct pipe_op ops[RV_NUM_OPS];
};

/* Set up p for cfg (copied).  A zeroed cfg (a hand-built topology) means
 * the defaults of topo_pipeline_defaults().  seed is reserved for
 * randomised structures; the model is deterministic without it.  Returns
 * MMSIM_OK, MMSIM_ERR_INVALID (width not 1 or 2, a table size that is not
 * a power of two) or MMSIM_ERR_NOMEM; on failure p owns nothing. */
int pipe_init(struct pipe *p, const struct topo_pipeline *cfg, uint64_t seed);
/* Free p's tables (p itself belongs to the caller).  NULL is a no-op. */
void pipe_free(struct pipe *p);

/* Register p's counters as "<prefix>.insns", "<prefix>.stall.raw", ...
 * (for example prefix "cpu0.pipe").  Returns MMSIM_OK, MMSIM_ERR_INVALID
 * (duplicate names) or MMSIM_ERR_NOMEM. */
int pipe_stats_register(struct pipe *p, struct stats_registry *r, const char *prefix);

/* Are the counters consistent: every cycle charged to an issue group or a
 * stall, at most `width` instructions per issue cycle?  (Tests and
 * assertions; false after stats were reset in the middle of a run.) */
bool pipe_cycles_check(const struct pipe *p);

/* Compute the derived counters (cycles_issue, dual).  Call before
 * reading them; a registry sync function of the machine can call it for
 * every CPU (one registry allows only a few sync functions). */
void pipe_stats_sync(struct pipe *p);

/* The cycle register file slot i (0-31 x, 32-63 f) is ready. */
static inline uint64_t pipe_ready(const struct pipe *p, unsigned i)
{
    return PIPE_TIME(p->ready[i]);
}

/* The issue cycle of an instruction whose operands and unit are ready at
 * the tagged time e (the max of their ready[] entries), that needs pipe
 * `need` and lets `pairs` issue after it in its cycle: advances the clock
 * *cycle and the open slots *open (and stores both in p), charges a wait
 * to the cause in e's tag.  It issues second in the cycle before *cycle
 * when that cycle's slots are open to its pipe and every operand was ready
 * then (so it cannot depend on the first): the earliest cycle is
 * *cycle - 1 then, else *cycle, and never before e. */
static ALWAYS_INLINE uint64_t pipe_slot(struct pipe *p, uint64_t e, unsigned need,
                                        unsigned pairs, uint64_t *cycle, uint64_t *open)
{
    /* open != 0 only after an issue, so base >= 1 when it may pair. */
    uint64_t base = *cycle, et = PIPE_TIME(e);
    uint64_t first = base - ((*open & need) != 0);
    uint64_t t = et > first ? et : first;
    if (t > base)       /* most instructions do not wait: no read-modify-write chain */
        p->st.stall[e & ((1u << PIPE_TAG) - 1)] += t - base;
    /* Paired (t == base - 1): the clock stays and the cycle closes;
     * otherwise a new group starts at t. */
    *cycle = t + 1;
    *open = t < base ? 0 : pairs;
    p->cycle = *cycle;
    p->open = *open;
    return t;
}

/* Issue d at the earliest cycle its operands, its unit and the issue slots
 * allow, in program order, from the clock *cycle and the open issue slots
 * *open, which it advances (and stores in p: a caller may keep both in
 * registers, where a chain through memory would cost a store-to-load
 * forwarding per instruction); returns the issue cycle.  With complete,
 * also records the result as pipe_complete would (a load's at its hit
 * latency), in the same pass over the op's facts.  Reserves an unpipelined
 * unit (divider, FP divider) for the instruction's latency.
 *
 * Hot path: every field is read into a local first, because the uint8_t
 * fields of rv_dinsn and pipe_op may alias any store (character types) and
 * would be reloaded after each one; and pairing is computed, not branched
 * on, because the host cannot predict it. */
static inline uint64_t pipe_issue_at(struct pipe *p, const struct rv_dinsn *d, uint64_t *cycle,
                                     uint64_t *open, bool complete)
{
    const struct pipe_op *o = &p->ops[d->op];
    unsigned i1 = d->rs1 + o->o1, i2 = d->rs2 + o->o2, i3 = d->rs3 + o->o3;
    unsigned unit = o->unit, pairs = o->pairs, reserve = o->reserve;
    unsigned id = d->rd + o->od, tag = o->tag;
    uint64_t lat = o->lat;
    uint64_t e = p->ready[i1];
    uint64_t r = p->ready[i2];
    e = r > e ? r : e;
    r = p->ready[i3];
    e = r > e ? r : e;
    r = p->unit_free[unit];
    e = r > e ? r : e;
    uint64_t t = pipe_slot(p, e, o->need, pairs, cycle, open);
    if (unlikely(reserve))
        p->unit_free[unit] = ((t + lat) << PIPE_TAG) | PIPE_STALL_FU;
    if (complete) {
        /* As pipe_complete: a load's result at its hit latency (a miss
         * moves it later: pipe_load_miss). */
        id = id ? id : PIPE_R_SINK;
        uint64_t v = ((t + lat) << PIPE_TAG) | tag;
        p->ready[id] = v > p->ready[id] ? v : p->ready[id];
    }
    return t;
}

/* Operand shapes from the disassembler's operand letters (insn_table.h):
 * which register file rs1, rs2, rd are read from or written to (0: none,
 * 1: x, 2: f), and whether rs3 is read (always f).  Plain expressions, so
 * that a string literal folds to a constant. */
#define PIPE_ARG_HAS(args, c) (__builtin_strchr((args), (c)) != NULL)
#define PIPE_ARG_RS1(args)                                                     \
    (PIPE_ARG_HAS(args, 'S') ? 2u                                              \
     : PIPE_ARG_HAS(args, 's') || PIPE_ARG_HAS(args, 'o') || PIPE_ARG_HAS(args, 'q') || \
             PIPE_ARG_HAS(args, 'A')                                           \
         ? 1u                                                                  \
         : 0u)
#define PIPE_ARG_RS2(args) (PIPE_ARG_HAS(args, 'T') ? 2u : PIPE_ARG_HAS(args, 't') ? 1u : 0u)
#define PIPE_ARG_RD(args) (PIPE_ARG_HAS(args, 'D') ? 2u : PIPE_ARG_HAS(args, 'd') ? 1u : 0u)
#define PIPE_ARG_RS3(args) PIPE_ARG_HAS(args, 'R')

/* Does op need pipe_issue_at's general path: a unit to wait for or hold? */
#define PIPE_OP_GENERAL(op) (pipe_class_unit(pipe_op_class(op)) != PIPE_UNIT_NONE)

/* pipe_issue_at with complete, for an op known at compile time (so that
 * only its own operands are read) that is not PIPE_OP_GENERAL; s1, s2, s3
 * and sd are its PIPE_ARG_RS1/RS2/RS3/RD.  Absent operands read ready[] slots that
 * are always 0 in pipe_issue_at, and an absent result goes to the sink:
 * leaving both out changes nothing. */
static ALWAYS_INLINE uint64_t pipe_issue_op(struct pipe *p, const struct rv_dinsn *d,
                                            uint64_t *cycle, uint64_t *open, unsigned op,
                                            unsigned s1, unsigned s2, bool s3, unsigned sd)
{
    uint64_t e = 0;
    if (s1)
        e = p->ready[d->rs1 + (s1 == 2 ? PIPE_R_FP : 0)];
    if (s2) {
        uint64_t r = p->ready[d->rs2 + (s2 == 2 ? PIPE_R_FP : 0)];
        e = r > e ? r : e;
    }
    if (s3) {
        uint64_t r = p->ready[d->rs3 + PIPE_R_FP];
        e = r > e ? r : e;
    }
    /* o->pairs and o->lt, from the class (constants, but for the
     * configured latencies) */
    const enum pipe_class k = pipe_op_class((int)op);
    unsigned pairs = p->cls[k].pairs;
    uint64_t lt = pipe_class_lat1(k) ? (1u << PIPE_TAG) | pipe_class_tag(k) : p->cls[k].lt;
    MMSIM_ASSERT(pairs == p->ops[op].pairs && lt == p->ops[op].lt);
    uint64_t t = pipe_slot(p, e, pipe_class_need(k), pairs, cycle, open);
    if (sd) {
        unsigned id = d->rd + (sd == 2 ? PIPE_R_FP : 0);
        uint64_t v = (t << PIPE_TAG) + lt;
        p->ready[id] = v > p->ready[id] ? v : p->ready[id];
        if (sd == 1)
            p->ready[0] = 0;    /* x0 is always ready (cheaper than a test) */
    }
    return t;
}

/* pipe_issue_at from p's own clock and slots, counted in st.insns.  (The
 * interpreter keeps both in registers and adds its own count once per
 * run: one read-modify-write of memory less per instruction.) */
static inline uint64_t pipe_issue(struct pipe *p, const struct rv_dinsn *d)
{
    uint64_t cycle = p->cycle, open = p->open;
    p->st.insns++;
    return pipe_issue_at(p, d, &cycle, &open, false);
}

/* Record d's result as ready at `when` with tag (a stall cause).  Never
 * writes x0.  Write after write: a later writer never makes the register
 * ready earlier than an earlier, slower one (in-order writeback). */
static inline void pipe_complete_at(struct pipe *p, const struct rv_dinsn *d, uint64_t when,
                                    unsigned tag)
{
    unsigned i = d->rd + p->ops[d->op].od;
    i = i ? i : PIPE_R_SINK;
    uint64_t v = (when << PIPE_TAG) | tag;
    p->ready[i] = v > p->ready[i] ? v : p->ready[i];
}

/* Record d's result `lat` cycles after issue: 1 for integer ALU ops and
 * jumps, the configured latencies otherwise, 1 + load_use for a load (its
 * hit latency). */
static inline void pipe_complete(struct pipe *p, const struct rv_dinsn *d, uint64_t issue)
{
    const struct pipe_op *o = &p->ops[d->op];
    uint64_t lat = o->lat;
    pipe_complete_at(p, d, issue + lat, o->tag);
}

/* pipe_issue + pipe_complete, for every instruction that is not a memory
 * access; returns the issue cycle. */
static inline uint64_t pipe_exec(struct pipe *p, const struct rv_dinsn *d)
{
    uint64_t t = pipe_issue(p, d);
    pipe_complete(p, d, t);
    return t;
}

/* A load (or LR, AMO, SC: one blocking access with a result) issued at
 * `issue` whose data the memory system delivers at data_cycle.  A hit
 * (miss false: the line was present and ready) delays only dependants, by
 * load_use; the hierarchy's L1 hit latency is the pipeline's own and
 * data_cycle is not used.  A miss blocks: nothing issues before
 * data_cycle, and the result is ready then. */
void pipe_load_miss(struct pipe *p, const struct rv_dinsn *d, uint64_t issue, uint64_t data_cycle);

static inline void pipe_load(struct pipe *p, const struct rv_dinsn *d, uint64_t issue,
                             uint64_t data_cycle, bool miss)
{
    p->st.loads++;
    if (likely(!miss))
        pipe_complete_at(p, d, issue + 1 + p->cfg.load_use, PIPE_STALL_LOAD);
    else
        pipe_load_miss(p, d, issue, data_cycle);
}

/* A store issued at `issue` enters the store buffer; done_cycle is when it
 * would complete in the memory system had it entered at issue.  When all
 * entries are busy the store waits in the pipeline for the oldest to drain
 * (nothing behind it issues meanwhile) and its completion moves by that
 * wait; entries drain in order.  With store_buffer 0 the store blocks
 * like a load miss.  Returns the cycle the store entered the buffer. */
uint64_t pipe_store(struct pipe *p, uint64_t issue, uint64_t done_cycle);

/* A control-flow instruction d at pc, issued at `issue`, resolved as
 * `taken` to `target` (the next pc when not taken is ignored).  Predicts it
 * as the front end would (direction: bimodal/gshare; target: BTB; returns:
 * RAS; calls push the RAS), then trains.  A wrong prediction delays the
 * next issue to issue + 1 + mispredict; a taken branch ends the issue
 * group.  Kinds follow the JALR hint table of the unprivileged spec: rd
 * x1/x5 links (a call pushes), rs1 x1/x5 with another rd pops (a return). */
void pipe_branch(struct pipe *p, const struct rv_dinsn *d, uint64_t issue, uint64_t pc,
                 bool taken, uint64_t target);
static inline bool pipe_btb_hit(const struct pipe *p, uint64_t pc, uint64_t target)
{
    const struct pipe_btb *b = &p->btb[(pc >> 1) & p->btb_mask];
    return b->tag == (pc | 1) && b->target == target;
}

static inline void pipe_btb_set(struct pipe *p, uint64_t pc, uint64_t target)
{
    struct pipe_btb *b = &p->btb[(pc >> 1) & p->btb_mask];
    b->tag = pc | 1;        /* pc is even: bit 0 marks the entry valid */
    b->target = target;
}

/* pipe_predict for a conditional branch at pc (inline: every sixth
 * instruction or so is one). */
static inline bool pipe_predict_cond(struct pipe *p, uint64_t pc, bool taken, uint64_t target)
{
    p->st.branches++;
    p->st.cond++;
    uint8_t *ctr = &p->bht[((pc >> 1) ^ (p->ghr & p->hist_mask)) & p->bht_mask];
    unsigned c = *ctr;
    p->ghr = (p->ghr << 1) | taken;
    bool miss;
    if (taken) {
        /* The BTB entry is written only when it changes (a hit holds
         * these very values). */
        struct pipe_btb *b = &p->btb[(pc >> 1) & p->btb_mask];
        bool hit = b->tag == (pc | 1) && b->target == target;
        if (!hit) {
            b->tag = pc | 1;
            b->target = target;
        }
        if (c < 2)
            p->st.dir_misses++;
        else if (!hit)
            p->st.btb_misses++;
        miss = c < 2 || !hit;
        *ctr = (uint8_t)(c < 3 ? c + 1 : 3);    /* last: a byte store may alias p */
    } else {
        miss = c >= 2;
        if (miss)
            p->st.dir_misses++;
        *ctr = (uint8_t)(c > 0 ? c - 1 : 0);
    }
    if (unlikely(miss))
        p->st.mispredicts++;
    return miss;
}

/* The prediction half of pipe_branch: predicts, trains and counts; returns
 * whether d pays the misprediction penalty.  The caller then stalls to
 * issue + 1 + cfg.mispredict and, when taken, closes the issue group. */
bool pipe_predict(struct pipe *p, const struct rv_dinsn *d, uint64_t pc, bool taken,
                  uint64_t target);

/* The timing loop's next dispatch takes its slow path (check_at). */
static inline void pipe_resync(struct pipe *p)
{
    p->check_at = 0;
}

/* The caller waited (i-cache/iTLB miss, page walk, page fault, syscall)
 * until until_cycle: nothing issues before it.  Earlier times are no-ops. */
static inline void pipe_stall(struct pipe *p, uint64_t until_cycle, enum pipe_stall cause)
{
    if (until_cycle > p->cycle) {
        p->st.stall[cause] += until_cycle - p->cycle;
        p->cycle = until_cycle;
        p->open = 0;
        pipe_resync(p);
    }
}

#endif
