/* The instruction table, generated from RV_INSN_LIST (see insn_table.h). */
#include "cpu/insn_table.h"

const struct rv_insn_desc rv_insn_table[RV_NUM_OPS] = {
#define RV_ROW(id, nm, mt, mk, ft, ar)                                         \
    [RV_##id] = {.name = nm, .match = mt, .mask = mk, .fmt = ft, .args = ar},
    RV_INSN_LIST(RV_ROW)
#undef RV_ROW
};

int rv_insn_lookup(uint32_t insn)
{
    /* Linear scan: only run once per decoded instruction.  No two rows
     * overlap, so the order does not matter. */
    for (int op = RV_FIRST_INSN; op < RV_NUM_OPS; op++) {
        const struct rv_insn_desc *r = &rv_insn_table[op];
        if ((insn & r->mask) == r->match)
            return op;
    }
    return RV_ILLEGAL;
}
