/* The in-order pipeline timing model: per-op table, the slow paths of
 * issue, loads, the store buffer and branch prediction (cpu/pipeline.h). */
#include <stdlib.h>
#include <string.h>

#include "cpu/pipeline.h"

/* The tags of ready times are these four causes (pipe_issue). */
_Static_assert(PIPE_STALL_RAW == 0 && PIPE_STALL_LOAD == 1 && PIPE_STALL_FU == 2 &&
               PIPE_STALL_SB == 3 && PIPE_TAG == 2, "ready-time tags");

const char *const pipe_stall_names[PIPE_NSTALL] = {
    "raw", "load", "fu", "sb", "branch", "fetch", "walk", "fault", "syscall",
};

static uint32_t class_latency(const struct topo_pipeline *c, enum pipe_class k)
{
    switch (k) {
    case PC_MUL: return c->lat_mul;
    case PC_DIV: return c->lat_div;
    case PC_LOAD: case PC_AMO: return 1 + c->load_use;
    case PC_FADD: return c->lat_fadd;
    case PC_FMUL: return c->lat_fmul;
    case PC_FMA: return c->lat_fma;
    case PC_FDIV: return c->lat_fdiv;
    case PC_FSQRT: return c->lat_fsqrt;
    /* Moves, compares, sign injection, min/max and classify run in the
     * conversion unit's few cycles on both reference cores (TIMING.md). */
    case PC_FCVT: case PC_FMISC: return c->lat_fcvt;
    default: return 1;
    }
}

/* Register operands from the disassembler's operand letters (insn_table.h),
 * so that the table stays the one place an instruction is described. */
static void op_operands(struct pipe_op *o, const char *args)
{
    static const uint8_t off[3] = {PIPE_R_NONE, 0, PIPE_R_FP};
    args = args ? args : "";
    o->o1 = off[PIPE_ARG_RS1(args)];
    o->o2 = off[PIPE_ARG_RS2(args)];
    o->o3 = PIPE_ARG_RS3(args) ? PIPE_R_FP : PIPE_R_NONE;
    o->od = PIPE_ARG_RD(args) == 2 ? PIPE_R_FP : PIPE_ARG_RD(args) == 1 ? 0 : PIPE_R_SINK;
}

static bool pow2(uint32_t x)
{
    return x && !(x & (x - 1));
}

static void build_ops(struct pipe *p, bool dual)
{
    for (int op = 0; op < RV_NUM_OPS; op++) {
        struct pipe_op *o = &p->ops[op];
        memset(o, 0, sizeof(*o));
        enum pipe_class k = pipe_op_class(op);
        op_operands(o, op >= RV_FIRST_INSN ? rv_insn_table[op].args : NULL);
        o->cls = (uint8_t)k;
        o->lat = (uint16_t)class_latency(&p->cfg, k);
        o->tag = (uint8_t)pipe_class_tag(k);
        o->lt = ((uint32_t)o->lat << PIPE_TAG) | o->tag;
        o->unit = (uint8_t)pipe_class_unit(k);
        o->reserve = o->unit == PIPE_UNIT_DIV || o->unit == PIPE_UNIT_FDIV;
        o->need = (uint8_t)pipe_class_need(k);
        /* Two instructions pair unless they need the same pipe. */
        o->pairs = !dual ? 0 : (uint8_t)pipe_class_pairs(k);
    }
    for (int k = 0; k < PC_NCLASS; k++) {
        p->cls[k].lt = (class_latency(&p->cfg, (enum pipe_class)k) << PIPE_TAG) |
                       pipe_class_tag((enum pipe_class)k);
        p->cls[k].pairs = !dual ? 0 : pipe_class_pairs((enum pipe_class)k);
    }
}

int pipe_init(struct pipe *p, const struct topo_pipeline *cfg, uint64_t seed)
{
    (void)seed;
    memset(p, 0, sizeof(*p));
    if (!cfg)
        return MMSIM_ERR_INVALID;
    p->cfg = *cfg;
    if (!p->cfg.width)
        topo_pipeline_defaults(&p->cfg);
    const struct topo_pipeline *c = &p->cfg;
    const uint32_t lats[] = {c->lat_mul, c->lat_div, c->lat_fadd, c->lat_fmul, c->lat_fma,
                             c->lat_fdiv, c->lat_fsqrt, c->lat_fcvt, 1 + c->load_use};
    for (size_t i = 0; i < ARRAY_SIZE(lats); i++)
        if (lats[i] < 1 || lats[i] > UINT16_MAX)
            return MMSIM_ERR_INVALID;
    if (c->width < 1 || c->width > 2 || !pow2(c->bp_entries) || !pow2(c->btb_entries) ||
        c->bp_history > 32)
        return MMSIM_ERR_INVALID;
    p->bht = malloc(c->bp_entries);
    p->btb = calloc(c->btb_entries, sizeof(*p->btb));
    p->ras = calloc(c->ras_entries ? c->ras_entries : 1, sizeof(*p->ras));
    p->sb = calloc(c->store_buffer ? c->store_buffer : 1, sizeof(*p->sb));
    if (!p->bht || !p->btb || !p->ras || !p->sb) {
        pipe_free(p);
        return MMSIM_ERR_NOMEM;
    }
    /* Weakly not-taken: a branch seen once taken is predicted taken next. */
    memset(p->bht, 1, c->bp_entries);
    p->bht_mask = c->bp_entries - 1;
    p->hist_mask = c->predictor == TOPO_BP_GSHARE ? (uint32_t)((1ull << c->bp_history) - 1) : 0;
    p->btb_mask = c->btb_entries - 1;
    build_ops(p, c->width == 2);
    return MMSIM_OK;
}

void pipe_free(struct pipe *p)
{
    if (!p)
        return;
    free(p->bht);
    free(p->btb);
    free(p->ras);
    free(p->sb);
    p->bht = NULL;
    p->btb = NULL;
    p->ras = NULL;
    p->sb = NULL;
}

static uint64_t stall_sum(const struct pipe *p)
{
    uint64_t sum = 0;
    for (int i = 0; i < PIPE_NSTALL; i++)
        sum += p->st.stall[i];
    return sum;
}

void pipe_stats_sync(struct pipe *p)
{
    uint64_t stalls = stall_sum(p);
    p->st.cycles_issue = p->cycle >= stalls ? p->cycle - stalls : 0;
    p->st.dual = p->st.insns >= p->st.cycles_issue ? p->st.insns - p->st.cycles_issue : 0;
}

bool pipe_cycles_check(const struct pipe *p)
{
    uint64_t stalls = stall_sum(p);
    if (stalls > p->cycle)
        return false;
    /* Each issue cycle holds 1..width instructions. */
    uint64_t groups = p->cycle - stalls;
    return groups <= p->st.insns && p->st.insns <= groups * p->cfg.width;
}

void pipe_load_miss(struct pipe *p, const struct rv_dinsn *d, uint64_t issue, uint64_t data_cycle)
{
    p->st.load_misses++;
    uint64_t hit = issue + 1 + p->cfg.load_use;
    pipe_complete_at(p, d, data_cycle > hit ? data_cycle : hit, PIPE_STALL_LOAD);
    pipe_stall(p, data_cycle, PIPE_STALL_LOAD);
}

uint64_t pipe_store(struct pipe *p, uint64_t issue, uint64_t done_cycle)
{
    p->st.stores++;
    /* When the buffer will be empty (what a fence waits for). */
    uint64_t drained = PIPE_TIME(p->unit_free[PIPE_UNIT_SBDRAIN]);
    if (!p->cfg.store_buffer) {
        pipe_stall(p, done_cycle, PIPE_STALL_SB);
        drained = done_cycle > drained ? done_cycle : drained;
        p->unit_free[PIPE_UNIT_SBDRAIN] = (drained << PIPE_TAG) | PIPE_STALL_SB;
        return issue;
    }
    uint64_t enter = issue, oldest = p->sb[p->sb_head];
    if (oldest > issue) {
        /* Full: the store holds its pipeline stage until the oldest entry
         * drains; what follows it issues no earlier than the next cycle. */
        p->st.sb_full++;
        enter = oldest;
        done_cycle += enter - issue;
        pipe_stall(p, enter + 1, PIPE_STALL_SB);
    }
    /* In-order drain keeps the ring sorted, so the oldest entry is always
     * the first to free and the newest is when the buffer is empty. */
    if (done_cycle < drained)
        done_cycle = drained;
    p->sb[p->sb_head] = done_cycle;
    p->sb_head = p->sb_head + 1 == p->cfg.store_buffer ? 0 : p->sb_head + 1;
    p->unit_free[PIPE_UNIT_SBDRAIN] = (done_cycle << PIPE_TAG) | PIPE_STALL_SB;
    return enter;
}

static void ras_push(struct pipe *p, uint64_t ret)
{
    uint32_t n = p->cfg.ras_entries;
    if (!n)
        return;
    /* A full stack overwrites its oldest entry, as hardware RASes do. */
    p->ras[p->ras_top] = ret;
    p->ras_top = p->ras_top + 1 == n ? 0 : p->ras_top + 1;
    if (p->ras_count < n)
        p->ras_count++;
}

static bool ras_pop(struct pipe *p, uint64_t *ret)
{
    uint32_t n = p->cfg.ras_entries;
    if (!p->ras_count)
        return false;
    p->ras_top = p->ras_top ? p->ras_top - 1 : n - 1;
    p->ras_count--;
    *ret = p->ras[p->ras_top];
    return true;
}

static bool is_link(unsigned r)
{
    return r == 1 || r == 5;
}

bool pipe_predict(struct pipe *p, const struct rv_dinsn *d, uint64_t pc, bool taken,
                  uint64_t target)
{
    /* (The class from the op, not ops[]: one shared table.) */
    enum pipe_class cls = pipe_op_class(d->op);
    if (cls == PC_BRANCH)
        return pipe_predict_cond(p, pc, taken, target);
    p->st.branches++;
    if (cls != PC_JAL && cls != PC_JALR)
        return false;       /* not control flow: nothing to predict */
    bool miss = false;
    bool rd_link = is_link(d->rd);
    if (cls == PC_JALR && is_link(d->rs1) && (!rd_link || d->rd != d->rs1)) {
        uint64_t pred;
        if (ras_pop(p, &pred) && pred == target) {
            p->st.ras_hits++;
        } else {
            p->st.ras_misses++;
            miss = true;
        }
    } else {
        if (!pipe_btb_hit(p, pc, target)) {
            p->st.btb_misses++;
            miss = true;
        }
        pipe_btb_set(p, pc, target);
    }
    if (rd_link)
        ras_push(p, pc + d->len);
    p->st.mispredicts += miss;
    return miss;
}

void pipe_branch(struct pipe *p, const struct rv_dinsn *d, uint64_t issue, uint64_t pc,
                 bool taken, uint64_t target)
{
    if (pipe_predict(p, d, pc, taken, target))
        pipe_stall(p, issue + 1 + p->cfg.mispredict, PIPE_STALL_BRANCH);
    /* Fetch redirects after a taken branch: nothing pairs with it.  (A
     * jump is always taken; anything else is not control flow.) */
    unsigned cls = p->ops[d->op].cls;
    if ((cls == PC_BRANCH && taken) || cls == PC_JAL || cls == PC_JALR)
        p->open = 0;
}

int pipe_stats_register(struct pipe *p, struct stats_registry *r, const char *prefix)
{
    if (!p || !r || !prefix)
        return MMSIM_ERR_INVALID;
    const struct {
        uint64_t *v;
        const char *name, *desc;
    } ctr[] = {
        {&p->st.insns, "insns", "instructions issued"},
        {&p->st.cycles_issue, "cycles.issue", "cycles that started an issue group (pipe_stats_sync)"},
        {&p->st.dual, "dual", "instructions issued second in their cycle (pipe_stats_sync)"},
        {&p->st.loads, "loads", "loads, LR, SC and AMOs"},
        {&p->st.load_misses, "load_misses", "blocking loads that missed"},
        {&p->st.stores, "stores", "stores entering the store buffer"},
        {&p->st.sb_full, "sb_full", "stores that found the store buffer full"},
        {&p->st.branches, "branches", "control-flow instructions"},
        {&p->st.cond, "cond", "conditional branches"},
        {&p->st.mispredicts, "mispredicts", "control-flow instructions that paid the penalty"},
        {&p->st.dir_misses, "dir_misses", "conditional branches predicted in the wrong direction"},
        {&p->st.btb_misses, "btb_misses", "taken branches and jumps whose target the BTB lacked"},
        {&p->st.ras_hits, "ras.hits", "returns predicted by the return address stack"},
        {&p->st.ras_misses, "ras.misses", "returns the return address stack got wrong"},
    };
    int rc = MMSIM_OK;
    for (size_t i = 0; i < ARRAY_SIZE(ctr) && rc == MMSIM_OK; i++)
        rc = stats_add_counterf(r, ctr[i].v, ctr[i].desc, "%s.%s", prefix, ctr[i].name);
    for (int i = 0; i < PIPE_NSTALL && rc == MMSIM_OK; i++)
        rc = stats_add_counterf(r, &p->st.stall[i], "cycles the pipeline stalled for this cause",
                                "%s.stall.%s", prefix, pipe_stall_names[i]);
    return rc;
}
