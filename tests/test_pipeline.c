/* The in-order pipeline timing model (cpu/pipeline.h).
 *
 * Every expected cycle is worked out by hand in the comments from the
 * model's rules (docs/TIMING.md, "The pipeline"): an instruction issues at
 * the latest of its operands' ready cycles, its unit's free cycle and the
 * next issue slot; results are ready `latency` cycles after issue; a
 * mispredicted branch issued at t lets the next instruction issue at
 * t + 1 + mispredict; a blocking load miss lets nothing issue before its
 * data returns. */
#include <stdlib.h>
#include <string.h>

#include "cpu/pipeline.h"
#include "libmmsim/stats.h"
#include "testutil.h"

static struct rv_dinsn ins(int op, int rd, int rs1, int rs2)
{
    return (struct rv_dinsn){.op = (uint16_t)op, .rd = (uint8_t)rd, .rs1 = (uint8_t)rs1,
                             .rs2 = (uint8_t)rs2, .len = 4};
}

static struct rv_dinsn ins4(int op, int rd, int rs1, int rs2, int rs3)
{
    struct rv_dinsn d = ins(op, rd, rs1, rs2);
    d.rs3 = (uint8_t)rs3;
    return d;
}

static uint64_t X(struct pipe *p, struct rv_dinsn d)
{
    return pipe_exec(p, &d);
}

/* The defaults with a chosen width (latencies quoted where tests use them). */
static struct topo_pipeline config(unsigned width)
{
    struct topo_pipeline c;
    topo_pipeline_defaults(&c);
    c.width = width;
    return c;
}

/* The derived counters (pipe_stats_sync). */
static uint64_t issue_cycles(struct pipe *p)
{
    pipe_stats_sync(p);
    return p->st.cycles_issue;
}

static uint64_t dual(struct pipe *p)
{
    pipe_stats_sync(p);
    return p->st.dual;
}

static void open_pipe(struct pipe *p, const struct topo_pipeline *c)
{
    ck_assert_int_eq(pipe_init(p, c, 1), MMSIM_OK);
}

static void close_pipe(struct pipe *p)
{
    ck_assert_msg(pipe_cycles_check(p), "cycle %llu is not the sum of its causes",
                  (unsigned long long)p->cycle);
    pipe_free(p);
}

START_TEST(defaults_and_init_errors)
{
    struct topo_pipeline c;
    topo_pipeline_defaults(&c);
    ck_assert_uint_eq(c.width, 2);
    ck_assert_uint_eq(c.lat_mul, 3);
    ck_assert_uint_eq(c.lat_div, 20);
    ck_assert_uint_eq(c.load_use, 0);
    ck_assert_int_eq(c.predictor, TOPO_BP_GSHARE);
    ck_assert_uint_eq(c.mispredict, 5);
    ck_assert_uint_eq(c.store_buffer, 8);

    struct pipe p;
    /* A zeroed configuration (hand-built topology) means the defaults. */
    struct topo_pipeline z;
    memset(&z, 0, sizeof(z));
    open_pipe(&p, &z);
    ck_assert_uint_eq(p.cfg.width, 2);
    ck_assert_uint_eq(p.cfg.bp_entries, 4096);
    pipe_free(&p);
    pipe_free(NULL);

    struct topo_pipeline bad = c;
    bad.width = 3;
    ck_assert_int_eq(pipe_init(&p, &bad, 1), MMSIM_ERR_INVALID);
    bad = c;
    bad.btb_entries = 100;
    ck_assert_int_eq(pipe_init(&p, &bad, 1), MMSIM_ERR_INVALID);
    bad = c;
    bad.lat_mul = 0;
    ck_assert_int_eq(pipe_init(&p, &bad, 1), MMSIM_ERR_INVALID);
    ck_assert_int_eq(pipe_init(&p, NULL, 1), MMSIM_ERR_INVALID);
}
END_TEST

/* The per-op table follows the operand letters of rv_insn_table: which
 * registers are read and written, integer or FP (insn_table.h). */
START_TEST(op_table_follows_the_instruction_table)
{
    struct topo_pipeline c = config(2);
    struct pipe p;
    open_pipe(&p, &c);
    const struct {
        int op;
        uint8_t o1, o2, o3, od, need;
    } want[] = {
        {RV_ADD, 0, 0, PIPE_R_NONE, 0, PIPE_NEED_ANY},
        {RV_ADDI, 0, PIPE_R_NONE, PIPE_R_NONE, 0, PIPE_NEED_ANY},
        {RV_LUI, PIPE_R_NONE, PIPE_R_NONE, PIPE_R_NONE, 0, PIPE_NEED_ANY},
        {RV_SD, 0, 0, PIPE_R_NONE, PIPE_R_SINK, PIPE_NEED_A},
        {RV_FSD, 0, PIPE_R_FP, PIPE_R_NONE, PIPE_R_SINK, PIPE_NEED_A},
        {RV_FLD, 0, PIPE_R_NONE, PIPE_R_NONE, PIPE_R_FP, PIPE_NEED_A},
        {RV_LR_D, 0, PIPE_R_NONE, PIPE_R_NONE, 0, PIPE_NEED_A},
        {RV_SC_D, 0, 0, PIPE_R_NONE, 0, PIPE_NEED_A},
        {RV_BEQ, 0, 0, PIPE_R_NONE, PIPE_R_SINK, PIPE_NEED_B},
        {RV_JAL, PIPE_R_NONE, PIPE_R_NONE, PIPE_R_NONE, 0, PIPE_NEED_B},
        {RV_JALR, 0, PIPE_R_NONE, PIPE_R_NONE, 0, PIPE_NEED_B},
        {RV_CSRRWI, PIPE_R_NONE, PIPE_R_NONE, PIPE_R_NONE, 0, PIPE_NEED_B},
        {RV_MULW, 0, 0, PIPE_R_NONE, 0, PIPE_NEED_B},
        {RV_FMADD_D, PIPE_R_FP, PIPE_R_FP, PIPE_R_FP, PIPE_R_FP, PIPE_NEED_B},
        {RV_FCVT_D_L, 0, PIPE_R_NONE, PIPE_R_NONE, PIPE_R_FP, PIPE_NEED_B},
        {RV_FMV_X_D, PIPE_R_FP, PIPE_R_NONE, PIPE_R_NONE, 0, PIPE_NEED_B},
        {RV_FLT_S, PIPE_R_FP, PIPE_R_FP, PIPE_R_NONE, 0, PIPE_NEED_B},
        {RV_NOP, PIPE_R_NONE, PIPE_R_NONE, PIPE_R_NONE, PIPE_R_SINK, PIPE_NEED_ANY},
    };
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        const struct pipe_op *o = &p.ops[want[i].op];
        const char *name = want[i].op >= RV_FIRST_INSN ? rv_insn_table[want[i].op].name : "nop";
        ck_assert_msg(o->o1 == want[i].o1 && o->o2 == want[i].o2 && o->o3 == want[i].o3 &&
                          o->od == want[i].od && o->need == want[i].need,
                      "%s: %u %u %u -> %u, pipe %u", name, o->o1, o->o2, o->o3, o->od, o->need);
    }
    /* Latencies by class (the defaults). */
    ck_assert_uint_eq(p.ops[RV_MULHU].lat, 3);
    ck_assert_uint_eq(p.ops[RV_REMUW].lat, 20);
    ck_assert_uint_eq(p.ops[RV_FSUB_D].lat, 5);
    ck_assert_uint_eq(p.ops[RV_FNMSUB_S].lat, 5);
    ck_assert_uint_eq(p.ops[RV_FSQRT_S].lat, 22);
    ck_assert_uint_eq(p.ops[RV_FSGNJX_D].lat, 3);
    ck_assert_uint_eq(p.ops[RV_LBU].lat, 1);           /* 1 + load_use (0) */
    ck_assert_uint_eq(p.ops[RV_AMOMAXU_W].lat, 1);
    ck_assert_uint_eq(p.ops[RV_SH3ADD_UW].lat, 1);
    ck_assert_uint_eq(p.ops[RV_CPOPW].lat, 1);
    close_pipe(&p);
}
END_TEST

START_TEST(independent_alu_one_per_cycle)
{
    struct topo_pipeline c = config(1);
    struct pipe p;
    open_pipe(&p, &c);
    /* addi x5..x14, x0, k: no dependences, one per cycle: 0..9. */
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(X(&p, ins(RV_ADDI, 5 + i, 0, 0)), (uint64_t)i);
    ck_assert_uint_eq(p.cycle, 10);
    /* A dependent chain of latency-1 ALU ops does not stall either:
     * add x5, x5, x5 at 10, 11, 12. */
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(X(&p, ins(RV_ADD, 5, 5, 5)), 10 + (uint64_t)i);
    /* x0 is never a dependency: a load into x0 that misses... */
    struct rv_dinsn ld0 = ins(RV_LD, 0, 1, 0);
    uint64_t t = pipe_issue(&p, &ld0);
    ck_assert_uint_eq(t, 13);
    pipe_load(&p, &ld0, t, 14, false);          /* a hit: no blocking */
    /* ...then add x6, x0, x0 at 14, with no load-use wait. */
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 6, 0, 0)), 14);
    ck_assert_uint_eq(p.st.insns, 15);
    ck_assert_uint_eq(issue_cycles(&p), 15);
    ck_assert_uint_eq(dual(&p), 0);
    close_pipe(&p);
}
END_TEST

START_TEST(independent_alu_two_per_cycle)
{
    struct topo_pipeline c = config(2);
    struct pipe p;
    open_pipe(&p, &c);
    /* Ten independent ALU ops: pairs at 0,0 1,1 2,2 3,3 4,4. */
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(X(&p, ins(RV_ADDI, 5 + i, 0, 0)), (uint64_t)i / 2);
    ck_assert_uint_eq(p.cycle, 5);
    ck_assert_uint_eq(dual(&p), 5);
    /* add x5 at 5; add x6, x5 depends on it (ready 6): not paired, 6;
     * add x7 (independent) pairs with it at 6. */
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 5, 1, 2)), 5);
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 6, 5, 3)), 6);
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 7, 1, 2)), 6);
    /* Pipes: a load (A) and an ALU op pair (7, 7); two loads do not (8,
     * 9); a mul (B) pairs with the second load (9); mul, mul and fadd.d
     * all need pipe B (9, 10, 11); an ALU op pairs with the fadd.d (11). */
    struct rv_dinsn ld = ins(RV_LD, 10, 1, 0);
    uint64_t t = pipe_issue(&p, &ld);
    ck_assert_uint_eq(t, 7);
    pipe_load(&p, &ld, t, 0, false);
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 11, 1, 2)), 7);
    ld = ins(RV_LD, 12, 1, 0);
    t = pipe_issue(&p, &ld);
    pipe_load(&p, &ld, t, 0, false);
    ck_assert_uint_eq(t, 8);
    struct rv_dinsn ld2 = ins(RV_LW, 13, 2, 0);
    t = pipe_issue(&p, &ld2);
    pipe_load(&p, &ld2, t, 0, false);
    ck_assert_uint_eq(t, 9);
    ck_assert_uint_eq(X(&p, ins(RV_MUL, 14, 1, 2)), 9);
    ck_assert_uint_eq(X(&p, ins(RV_MUL, 15, 1, 2)), 10);
    ck_assert_uint_eq(X(&p, ins(RV_FADD_D, 1, 2, 3)), 11);
    ck_assert_uint_eq(X(&p, ins(RV_ADDI, 16, 0, 0)), 11);
    ck_assert_uint_eq(p.cycle, 12);
    close_pipe(&p);
}
END_TEST

START_TEST(dependent_mul_chain)
{
    struct topo_pipeline c = config(1);
    c.lat_mul = 3;
    struct pipe p;
    open_pipe(&p, &c);
    /* mul x5, x5, x6 four times: each waits 3 cycles for the last: 0, 3,
     * 6, 9; two stall cycles per dependent mul. */
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(X(&p, ins(RV_MUL, 5, 5, 6)), 3 * (uint64_t)i);
    ck_assert_uint_eq(p.cycle, 10);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_RAW], 6);
    ck_assert_uint_eq(issue_cycles(&p), 4);
    /* The same through FP registers: fmadd.d f1, f1, f2, f3 (fma 5). */
    c = config(1);
    pipe_free(&p);
    open_pipe(&p, &c);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(X(&p, ins4(RV_FMADD_D, 1, 1, 2, 3)), 5 * (uint64_t)i);
    /* The third operand (rs3) counts: fmadd.d f4, f5, f6, f1 waits for f1
     * (ready at 10 + 5 = 15). */
    ck_assert_uint_eq(X(&p, ins4(RV_FMADD_D, 4, 5, 6, 1)), 15);
    /* Integer x1 is not f1: add x7, x1, x1 issues at once (16). */
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 7, 1, 1)), 16);
    close_pipe(&p);
}
END_TEST

START_TEST(load_use_on_a_hit)
{
    struct topo_pipeline c = config(1);
    c.load_use = 2;
    struct pipe p;
    open_pipe(&p, &c);
    /* ld x5 at 0, a hit: ready at 0 + 1 + 2 = 3; add x6, x5, x5 waits
     * two cycles (load-use) and issues at 3. */
    struct rv_dinsn ld = ins(RV_LD, 5, 1, 0);
    uint64_t t = pipe_issue(&p, &ld);
    ck_assert_uint_eq(t, 0);
    pipe_load(&p, &ld, t, 5, false);
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 6, 5, 5)), 3);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_LOAD], 2);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_RAW], 0);
    ck_assert_uint_eq(p.st.loads, 1);
    ck_assert_uint_eq(p.st.load_misses, 0);
    /* An fld feeding fadd.d the same way: fld f1 at 4, fadd.d at 7. */
    ld = ins(RV_FLD, 1, 2, 0);
    t = pipe_issue(&p, &ld);
    ck_assert_uint_eq(t, 4);
    pipe_load(&p, &ld, t, 0, false);
    ck_assert_uint_eq(X(&p, ins(RV_FADD_D, 2, 1, 1)), 7);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_LOAD], 4);
    close_pipe(&p);
}
END_TEST

START_TEST(blocking_load_miss)
{
    struct topo_pipeline c = config(1);
    struct pipe p;
    open_pipe(&p, &c);
    /* ld x5 at 0 misses, data at 100: nothing issues before 100.  The
     * next, independent, add x7 issues at 100; add x6, x5 at 101. */
    struct rv_dinsn ld = ins(RV_LD, 5, 1, 0);
    uint64_t t = pipe_issue(&p, &ld);
    ck_assert_uint_eq(t, 0);
    pipe_load(&p, &ld, t, 100, true);
    ck_assert_uint_eq(p.cycle, 100);
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 7, 1, 2)), 100);
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 6, 5, 5)), 101);
    ck_assert_uint_eq(p.cycle, 102);
    /* 3 issue cycles + 99 waiting for the data. */
    ck_assert_uint_eq(issue_cycles(&p), 3);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_LOAD], 99);
    ck_assert_uint_eq(p.st.load_misses, 1);
    close_pipe(&p);
}
END_TEST

START_TEST(divider_is_not_pipelined)
{
    struct topo_pipeline c = config(1);
    c.lat_div = 20;
    c.lat_fdiv = 22;
    struct pipe p;
    open_pipe(&p, &c);
    /* div x5 at 0 holds the divider until 20; an independent div x6
     * waits for it (19 stall cycles, fu); fdiv.d uses the FP divider and
     * does not wait (21); a second fdiv.d waits until 21 + 22 = 43. */
    ck_assert_uint_eq(X(&p, ins(RV_DIV, 5, 1, 2)), 0);
    ck_assert_uint_eq(X(&p, ins(RV_REMU, 6, 3, 4)), 20);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_FU], 19);
    ck_assert_uint_eq(X(&p, ins(RV_FDIV_D, 1, 2, 3)), 21);
    ck_assert_uint_eq(X(&p, ins(RV_FSQRT_D, 4, 5, 0)), 43);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_FU], 19 + 21);
    /* add x7, x6 after remu (ready 40): it already is at 44. */
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 7, 6, 6)), 44);
    /* Write after write: div x8 at 45 (ready 65); li x8 (addi x8, x0, 0)
     * reads nothing and issues at 46, but writeback is in order, so
     * add x9, x8, x8 still waits for 65. */
    ck_assert_uint_eq(X(&p, ins(RV_DIV, 8, 1, 2)), 45);
    ck_assert_uint_eq(X(&p, ins(RV_ADDI, 8, 0, 0)), 46);
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 9, 8, 8)), 65);
    close_pipe(&p);
}
END_TEST

START_TEST(store_buffer_fills_and_drains)
{
    struct topo_pipeline c = config(1);
    c.store_buffer = 2;
    struct pipe p;
    open_pipe(&p, &c);
    struct rv_dinsn sd = ins(RV_SD, 0, 1, 2);
    /* sd at 0 (done 50) and sd at 1 (done 51) fill the two entries. */
    uint64_t t = pipe_issue(&p, &sd);
    ck_assert_uint_eq(pipe_store(&p, t, t + 50), 0);
    t = pipe_issue(&p, &sd);
    ck_assert_uint_eq(pipe_store(&p, t, t + 50), 1);
    /* The third, issued at 2, waits for the oldest (50): it enters at 50
     * and the next instruction issues at 51 (48 stall cycles, sb).  Its
     * completion moves by the same 48: 2 + 50 + 48 = 100. */
    t = pipe_issue(&p, &sd);
    ck_assert_uint_eq(t, 2);
    ck_assert_uint_eq(pipe_store(&p, t, t + 50), 50);
    ck_assert_uint_eq(p.st.sb_full, 1);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_SB], 48);
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 5, 1, 2)), 51);
    /* At 52 the oldest entry (51) has drained: no wait.  Entries drain
     * in order, so this store, quick on its own (done 55), completes
     * after the one before it (100). */
    t = pipe_issue(&p, &sd);
    ck_assert_uint_eq(t, 52);
    ck_assert_uint_eq(pipe_store(&p, t, 55), 52);
    ck_assert_uint_eq(PIPE_TIME(p.unit_free[PIPE_UNIT_SBDRAIN]), 100);
    /* fence waits for the buffer to drain: 100 (47 more sb cycles). */
    ck_assert_uint_eq(X(&p, ins(RV_FENCE, 0, 0, 0)), 100);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_SB], 48 + 47);
    /* A store's data register is an operand: fadd.d f1 at 101 (ready
     * 106), fsd f1 waits until 106. */
    ck_assert_uint_eq(X(&p, ins(RV_FADD_D, 1, 2, 3)), 101);
    struct rv_dinsn fsd = ins(RV_FSD, 0, 2, 1);
    ck_assert_uint_eq(pipe_issue(&p, &fsd), 106);
    close_pipe(&p);

    /* store_buffer 0: a store blocks like a load miss. */
    c.store_buffer = 0;
    open_pipe(&p, &c);
    t = pipe_issue(&p, &sd);
    ck_assert_uint_eq(pipe_store(&p, t, 30), 0);
    ck_assert_uint_eq(X(&p, ins(RV_ADD, 5, 1, 2)), 30);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_SB], 29);
    close_pipe(&p);
}
END_TEST

/* Run `addi x5, x5, -1; bne x5, x0, loop` for n iterations at pc 0x1000. */
static void run_loop(struct pipe *p, int n)
{
    struct rv_dinsn addi = ins(RV_ADDI, 5, 5, 0), bne = ins(RV_BNE, 0, 5, 0);
    for (int i = 1; i <= n; i++) {
        X(p, addi);
        uint64_t t = X(p, bne);
        pipe_branch(p, &bne, t, 0x1004, i < n, 0x1000);
    }
}

START_TEST(predictor_learns_a_loop)
{
    struct topo_pipeline c = config(1);
    c.predictor = TOPO_BP_BIMODAL;
    c.mispredict = 5;
    struct pipe p;
    open_pipe(&p, &c);
    /* Counters start weakly not-taken.  Iteration 1: predicted not
     * taken, taken: mispredict (counter -> 2).  Iterations 2-9: taken,
     * predicted taken, BTB hit.  Iteration 10 falls through: predicted
     * taken, mispredict.
     * Cycles: addi 0, bne 1 (miss: next at 1 + 1 + 5 = 7); iterations
     * 2-9 take 2 cycles each (7..22); addi 23, bne 24 (miss: 30). */
    run_loop(&p, 10);
    ck_assert_uint_eq(p.st.branches, 10);
    ck_assert_uint_eq(p.st.cond, 10);
    ck_assert_uint_eq(p.st.dir_misses, 2);
    ck_assert_uint_eq(p.st.mispredicts, 2);
    ck_assert_uint_eq(p.st.btb_misses, 0);
    ck_assert_uint_eq(p.cycle, 30);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_BRANCH], 10);
    /* Again: the counter (2 after the exit) now predicts the first
     * iteration; only the exit mispredicts. */
    run_loop(&p, 10);
    ck_assert_uint_eq(p.st.dir_misses, 3);
    ck_assert_uint_eq(p.cycle, 30 + 20 + 5);
    close_pipe(&p);
}
END_TEST

/* One branch at 0x1000 taken, not taken, taken, ... n times. */
static void run_alternating(struct pipe *p, int n)
{
    struct rv_dinsn beq = ins(RV_BEQ, 0, 10, 11);
    for (int i = 0; i < n; i++) {
        uint64_t t = X(p, beq);
        pipe_branch(p, &beq, t, 0x1000, i % 2 == 0, 0x2000);
    }
}

START_TEST(gshare_learns_what_bimodal_cannot)
{
    struct topo_pipeline c = config(1);
    c.predictor = TOPO_BP_BIMODAL;
    c.bp_entries = 16;
    struct pipe p;
    open_pipe(&p, &c);
    /* Bimodal: one counter, starting at 1.  T: predicted N (-> 2); N:
     * predicted T (-> 1); and so on: every branch mispredicts. */
    run_alternating(&p, 100);
    ck_assert_uint_eq(p.st.dir_misses, 100);
    close_pipe(&p);

    c.predictor = TOPO_BP_GSHARE;
    c.bp_history = 2;
    open_pipe(&p, &c);
    /* gshare, 16 counters, 2 history bits; (0x1000 >> 1) & 15 = 0, so
     * the index is the history.  k=0: h=00, ctr 1, T: miss (-> 2);
     * k=1: h=01, ctr 1, N: hit (-> 0); k=2: h=10, ctr 1, T: miss (-> 2);
     * k=3: h=01, ctr 0, N: hit; k=4: h=10, ctr 2, T: hit (BTB set at
     * k=0).  From then on h alternates 01/10 with fixed outcomes. */
    run_alternating(&p, 100);
    ck_assert_uint_eq(p.st.dir_misses, 2);
    ck_assert_uint_eq(p.st.btb_misses, 0);
    ck_assert_uint_eq(p.st.mispredicts, 2);
    close_pipe(&p);
}
END_TEST

static void call(struct pipe *p, int rd, uint64_t pc, uint64_t target)
{
    struct rv_dinsn jal = ins(RV_JAL, rd, 0, 0);
    pipe_branch(p, &jal, X(p, jal), pc, true, target);
}

static void ret(struct pipe *p, uint64_t pc, uint64_t target)
{
    struct rv_dinsn jr = ins(RV_JALR, 0, 1, 0);     /* jalr x0, 0(ra) */
    pipe_branch(p, &jr, X(p, jr), pc, true, target);
}

START_TEST(ras_predicts_nested_returns)
{
    struct topo_pipeline c = config(1);
    struct pipe p;
    open_pipe(&p, &c);
    /* main 0x100 calls A (0x1000), A at 0x1010 calls B (0x2000), B at
     * 0x2020 calls C (0x3000); C, B and A return to the instructions
     * after their calls.  The three calls miss the empty BTB; the three
     * returns hit the RAS. */
    for (int round = 0; round < 2; round++) {
        call(&p, 1, 0x100, 0x1000);
        call(&p, 1, 0x1010, 0x2000);
        call(&p, 1, 0x2020, 0x3000);
        ret(&p, 0x3008, 0x2024);
        ret(&p, 0x2028, 0x1014);
        ret(&p, 0x1018, 0x104);
    }
    /* Round 2: the calls hit the BTB as well. */
    ck_assert_uint_eq(p.st.ras_hits, 6);
    ck_assert_uint_eq(p.st.ras_misses, 0);
    ck_assert_uint_eq(p.st.btb_misses, 3);
    ck_assert_uint_eq(p.st.mispredicts, 3);
    /* A return with an empty stack mispredicts. */
    ret(&p, 0x104, 0x500);
    ck_assert_uint_eq(p.st.ras_misses, 1);
    close_pipe(&p);

    /* A 2-entry RAS with three nested calls loses the outermost return
     * address (overwritten): two hits, one miss.  x5 links too (the
     * alternate link register of the spec's hint table), and a jal with
     * rd = x0 is a plain jump that pushes nothing. */
    c.ras_entries = 2;
    open_pipe(&p, &c);
    call(&p, 5, 0x100, 0x1000);
    call(&p, 1, 0x1010, 0x2000);
    call(&p, 0, 0x2010, 0x2100);
    call(&p, 1, 0x2120, 0x3000);
    ret(&p, 0x3008, 0x2124);
    ret(&p, 0x2128, 0x1014);
    struct rv_dinsn jr5 = ins(RV_JALR, 0, 5, 0);    /* jalr x0, 0(t0) */
    pipe_branch(&p, &jr5, X(&p, jr5), 0x1018, true, 0x104);
    ck_assert_uint_eq(p.st.ras_hits, 2);
    ck_assert_uint_eq(p.st.ras_misses, 1);
    close_pipe(&p);
}
END_TEST

START_TEST(btb_misses_for_changing_jalr_targets)
{
    struct topo_pipeline c = config(1);
    c.mispredict = 5;
    struct pipe p;
    open_pipe(&p, &c);
    /* jalr x0, 0(a5) at 0x400 is neither a call nor a return: its target
     * comes from the BTB, which remembers the last one.  Alternating
     * between two targets misses every time. */
    struct rv_dinsn jr = ins(RV_JALR, 0, 15, 0);
    for (int i = 0; i < 6; i++)
        pipe_branch(&p, &jr, X(&p, jr), 0x400, true, i % 2 ? 0x800 : 0x900);
    ck_assert_uint_eq(p.st.btb_misses, 6);
    /* Six mispredicts: each jalr issues 1 + 5 after the last: 0, 6, ..., 30. */
    ck_assert_uint_eq(p.cycle, 36);
    /* The same target again and again: one miss, then hits. */
    for (int i = 0; i < 6; i++)
        pipe_branch(&p, &jr, X(&p, jr), 0x400, true, 0x900);
    ck_assert_uint_eq(p.st.btb_misses, 7);
    ck_assert_uint_eq(p.cycle, 36 + 6 + 5);
    /* An indirect call (jalr ra, 0(a5)) uses the BTB and pushes. */
    struct rv_dinsn jalr = ins(RV_JALR, 1, 15, 0);
    pipe_branch(&p, &jalr, X(&p, jalr), 0x500, true, 0x900);
    ret(&p, 0x908, 0x504);
    ck_assert_uint_eq(p.st.btb_misses, 8);
    ck_assert_uint_eq(p.st.ras_hits, 1);
    close_pipe(&p);
}
END_TEST

START_TEST(taken_branch_ends_the_issue_group)
{
    struct topo_pipeline c = config(2);
    c.predictor = TOPO_BP_BIMODAL;
    struct pipe p;
    open_pipe(&p, &c);
    /* Warm the branch at 0x10 up (taken twice: one miss, then learnt). */
    struct rv_dinsn beq = ins(RV_BEQ, 0, 0, 0);
    for (int i = 0; i < 2; i++)
        pipe_branch(&p, &beq, X(&p, beq), 0x10, true, 0x40);
    uint64_t base = p.cycle;
    /* addi + beq pair at base; the taken beq ends the group, so the next
     * addi issues at base + 1 and pairs with the one after it. */
    ck_assert_uint_eq(X(&p, ins(RV_ADDI, 5, 0, 0)), base);
    ck_assert_uint_eq(X(&p, beq), base);
    pipe_branch(&p, &beq, base, 0x10, true, 0x40);
    ck_assert_uint_eq(X(&p, ins(RV_ADDI, 6, 0, 0)), base + 1);
    ck_assert_uint_eq(X(&p, ins(RV_ADDI, 7, 0, 0)), base + 1);
    /* A branch that falls through as predicted keeps the slot: beq at
     * 0x20 (never taken, predicted not taken) pairs with the next. */
    ck_assert_uint_eq(X(&p, beq), base + 2);
    pipe_branch(&p, &beq, base + 2, 0x20, false, 0x40);
    ck_assert_uint_eq(X(&p, ins(RV_ADDI, 8, 0, 0)), base + 2);
    ck_assert_uint_eq(p.st.mispredicts, 1);
    close_pipe(&p);
}
END_TEST

START_TEST(caller_stalls_and_statistics)
{
    struct topo_pipeline c = config(1);
    struct pipe p;
    open_pipe(&p, &c);
    X(&p, ins(RV_ADDI, 5, 0, 0));
    pipe_stall(&p, 40, PIPE_STALL_FETCH);       /* 39 cycles: i-cache miss */
    pipe_stall(&p, 10, PIPE_STALL_WALK);        /* in the past: nothing */
    ck_assert_uint_eq(X(&p, ins(RV_ADDI, 6, 0, 0)), 40);
    pipe_stall(&p, p.cycle + 100, PIPE_STALL_SYSCALL);
    ck_assert_uint_eq(X(&p, ins(RV_ECALL, 0, 0, 0)), 141);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_FETCH], 39);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_WALK], 0);
    ck_assert_uint_eq(p.st.stall[PIPE_STALL_SYSCALL], 100);

    struct stats_registry *reg = stats_create();
    ck_assert_ptr_nonnull(reg);
    ck_assert_int_eq(pipe_stats_register(&p, reg, "cpu0.pipe"), MMSIM_OK);
    pipe_stats_sync(&p);
    uint64_t v;
    ck_assert_int_eq(stats_get(reg, "cpu0.pipe.insns", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 3);
    ck_assert_int_eq(stats_get(reg, "cpu0.pipe.dual", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(stats_get(reg, "cpu0.pipe.stall.fetch", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 39);
    ck_assert_int_eq(stats_get(reg, "cpu0.pipe.cycles.issue", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 3);
    ck_assert_int_eq(stats_get(reg, "cpu0.pipe.ras.hits", &v), MMSIM_OK);
    ck_assert_int_eq(pipe_stats_register(&p, reg, "cpu0.pipe"), MMSIM_ERR_INVALID);
    stats_destroy(reg);
    close_pipe(&p);
}
END_TEST

/* A pseudo-random mix of every instruction kind, deterministic by seed. */
static void run_mix(struct pipe *p, uint64_t seed, int n)
{
    static const int ops[] = {RV_ADD, RV_ADDI, RV_MUL, RV_DIV, RV_LD, RV_SD, RV_FADD_D,
                              RV_FMADD_D, RV_FDIV_D, RV_FLD, RV_FSD, RV_BNE, RV_JAL, RV_JALR,
                              RV_FENCE, RV_FCVT_D_L, RV_AMOADD_D};
    uint64_t x = seed;
    uint64_t pc = 0x10000;
    for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int op = ops[(x >> 33) % ARRAY_SIZE(ops)];
        struct rv_dinsn d = ins4(op, (int)(x >> 20) & 31, (int)(x >> 25) & 31, (int)(x >> 30) & 31,
                                 (int)(x >> 40) & 31);
        uint64_t t = pipe_issue(p, &d);
        bool miss = (x >> 50) % 8 == 0;
        switch (op) {
        case RV_LD: case RV_FLD: case RV_AMOADD_D:
            pipe_load(p, &d, t, t + (miss ? 120 : 4), miss);
            break;
        case RV_SD: case RV_FSD:
            pipe_store(p, t, t + (miss ? 120 : 4));
            break;
        default:
            pipe_complete(p, &d, t);
            if (op == RV_BNE || op == RV_JAL || op == RV_JALR)
                pipe_branch(p, &d, t, pc, (x >> 45) & 1, 0x10000 + ((x >> 52) & 0xff0));
        }
        pc = (x >> 45) & 1 ? 0x10000 + ((x >> 52) & 0xff0) : pc + 4;
    }
}

START_TEST(deterministic)
{
    struct topo_pipeline c = config(2);
    struct pipe a, b;
    open_pipe(&a, &c);
    open_pipe(&b, &c);
    run_mix(&a, 42, 20000);
    run_mix(&b, 42, 20000);
    ck_assert_uint_eq(a.cycle, b.cycle);
    ck_assert_int_eq(memcmp(&a.st, &b.st, sizeof(a.st)), 0);
    ck_assert_uint_gt(dual(&a), 0);
    ck_assert_uint_gt(a.st.mispredicts, 0);
    ck_assert_uint_gt(a.st.stall[PIPE_STALL_FU], 0);
    ck_assert_uint_gt(a.st.stall[PIPE_STALL_LOAD], 0);
    /* Never faster than the issue width allows. */
    ck_assert_uint_ge(a.cycle, a.st.insns / 2);
    close_pipe(&a);
    close_pipe(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("issue");
    tcase_add_test(tc, defaults_and_init_errors);
    tcase_add_test(tc, op_table_follows_the_instruction_table);
    tcase_add_test(tc, independent_alu_one_per_cycle);
    tcase_add_test(tc, independent_alu_two_per_cycle);
    tcase_add_test(tc, dependent_mul_chain);
    tcase_add_test(tc, load_use_on_a_hit);
    tcase_add_test(tc, blocking_load_miss);
    tcase_add_test(tc, divider_is_not_pipelined);
    tcase_add_test(tc, store_buffer_fills_and_drains);
    suite_add_tcase(s, tc);
    tc = tcase_create("branches");
    tcase_add_test(tc, predictor_learns_a_loop);
    tcase_add_test(tc, gshare_learns_what_bimodal_cannot);
    tcase_add_test(tc, ras_predicts_nested_returns);
    tcase_add_test(tc, btb_misses_for_changing_jalr_targets);
    tcase_add_test(tc, taken_branch_ends_the_issue_group);
    suite_add_tcase(s, tc);
    tc = tcase_create("whole");
    tcase_add_test(tc, caller_stalls_and_statistics);
    tcase_add_test(tc, deterministic);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
