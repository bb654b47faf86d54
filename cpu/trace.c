/* The commit log, close to `spike -l --log-commits`:
 *
 *   core   0: 0x0000000000010078 (0x00000513) li      a0, 0
 *   core   0: 3 0x0000000000010078 (0x00000513) x10 0x0000000000000000
 *
 * The second line lists the register written and, for stores, the memory
 * written ("mem 0xADDR 0xVALUE").  Only the trace loop calls this. */
#include <inttypes.h>
#include <string.h>

#include "cpu/hart_internal.h"

/* The privilege column of spike's commit log: the hart runs user-mode code
 * (syscall emulation), which spike logs as 0 (3 would be machine mode). */
#define TRACE_PRIV 0

static void print_insn(FILE *fp, uint32_t raw)
{
    if ((raw & 3) == 3)
        fprintf(fp, "(0x%08" PRIx32 ")", raw);
    else
        fprintf(fp, "(0x%04" PRIx32 ")", raw & 0xffff);
}

void hart_trace_before(struct hart *h, struct rv_trace_state *t, const struct rv_dinsn *d)
{
    if (d->op == RV_CROSS)      /* traced once decoded */
        return;
    t->pc = h->pc;
    t->d = *d;
    t->raw = hart_fetch_raw(h, h->pc);
    t->store_size = 0;
    switch (d->op) {
    case RV_SB: case RV_SH: case RV_SW: case RV_SD: case RV_FSW: case RV_FSD:
        t->addr = h->x[d->rs1] + (uint64_t)(int64_t)d->imm;
        t->store_size = d->op == RV_SB ? 1 : d->op == RV_SH ? 2
                        : (d->op == RV_SW || d->op == RV_FSW) ? 4 : 8;
        break;
    default:
        if (d->op >= RV_SC_W && d->op <= RV_AMOMAXU_D && d->op != RV_LR_D) {
            t->addr = h->x[d->rs1];
            t->store_size = d->op <= RV_AMOMAXU_W ? 4 : 8;
        }
        break;
    }

    char text[96], spaced[128];
    hart_disasm(t->raw, t->pc, text, sizeof(text));
    /* spike separates operands with ", " */
    size_t j = 0;
    for (size_t i = 0; text[i] && j + 2 < sizeof(spaced); i++) {
        spaced[j++] = text[i];
        if (text[i] == ',')
            spaced[j++] = ' ';
    }
    spaced[j] = 0;
    fprintf(h->trace, "core %3" PRIu32 ": 0x%016" PRIx64 " ", h->id, t->pc);
    print_insn(h->trace, t->raw);
    fprintf(h->trace, " %s\n", spaced);
}

void hart_trace_after(struct hart *h, const struct rv_trace_state *t)
{
    const struct rv_dinsn *d = &t->d;
    FILE *fp = h->trace;
    fprintf(fp, "core %3" PRIu32 ": %d 0x%016" PRIx64 " ", h->id, TRACE_PRIV, t->pc);
    print_insn(fp, t->raw);
    if (d->op >= RV_FIRST_INSN) {
        const char *args = rv_insn_table[d->op].args;
        if (args[0] == 'd' && d->rd != 0)
            fprintf(fp, " x%-2u 0x%016" PRIx64, d->rd, h->x[d->rd]);
        else if (args[0] == 'D')
            fprintf(fp, " f%-2u 0x%016" PRIx64, d->rd, h->f[d->rd]);
    }
    bool sc_failed = (d->op == RV_SC_W || d->op == RV_SC_D) && h->x[d->rd] != 0;
    if (t->store_size && !sc_failed) {
        uint64_t v = 0;
        if (hart_read_mem(h, t->addr, &v, (size_t)t->store_size) == 0)
            fprintf(fp, " mem 0x%016" PRIx64 " 0x%0*" PRIx64, t->addr, 2 * t->store_size, v);
    }
    fputc('\n', fp);
}
