/* Instruction decoding: spec-named field helpers, the decoded form cached
 * by the interpreter, and the compressed-to-32-bit expansion. */
#ifndef MMSIM_CPU_DECODE_H
#define MMSIM_CPU_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/insn_table.h"

/* One decoded instruction (16 bytes).  `blen` is the number of
 * instructions from this one to the end of its basic block, inclusive
 * (0: not computed yet); the interpreter accounts budgets per block.
 * `xop` is what the fast loop dispatches on: op for a 32-bit instruction,
 * op + RV_NUM_OPS for a 16-bit one, so that each handler knows the
 * length of its instruction without loading it (rv_xop); plus
 * 2 * RV_NUM_OPS for a branch or jal whose target is in its own page
 * (rv_xop_place). */
struct rv_dinsn {
    uint16_t op;            /* enum rv_op */
    uint16_t blen;
    uint8_t rd, rs1, rs2, rs3;
    uint8_t len;            /* 2 or 4 */
    uint8_t rm;             /* funct3 / rounding mode / aq-rl bits */
    uint16_t xop;
    int32_t imm;            /* immediate, CSR number, or raw bits (illegal) */
};
_Static_assert(sizeof(struct rv_dinsn) == 16, "decoded insn is 16 bytes");
_Static_assert(4 * RV_NUM_OPS <= UINT16_MAX, "xop fits 16 bits");

/* The fast loop's dispatch index for op at instruction length len. */
static inline uint16_t rv_xop(int op, int len)
{
    return (uint16_t)(op + (len == 2 ? RV_NUM_OPS : 0));
}

/* Is op a pc-relative control transfer (a conditional branch or jal)? */
static inline bool rv_op_pcrel(int op)
{
    return op == RV_JAL || (op >= RV_BEQ && op <= RV_BGEU);
}

/* Called once d is decoded at byte offset off of a page of page_size
 * bytes: a branch or jal whose target is in the same page dispatches to
 * the fast loop's near entry, which goes to the target's slot without a
 * check (the target's offset does not depend on the page's address). */
static inline void rv_xop_place(struct rv_dinsn *d, unsigned off, unsigned page_size)
{
    if (rv_op_pcrel(d->op) && (uint64_t)((int64_t)off + d->imm) < page_size)
        d->xop = (uint16_t)(d->xop + 2 * RV_NUM_OPS);
}

/* Instruction fields, named as in the spec. */
static inline uint32_t rv_opcode(uint32_t i) { return i & 0x7f; }
static inline uint32_t rv_rd(uint32_t i) { return (i >> 7) & 31; }
static inline uint32_t rv_rs1(uint32_t i) { return (i >> 15) & 31; }
static inline uint32_t rv_rs2(uint32_t i) { return (i >> 20) & 31; }
static inline uint32_t rv_rs3(uint32_t i) { return i >> 27; }
static inline uint32_t rv_funct3(uint32_t i) { return (i >> 12) & 7; }

static inline int32_t imm_i(uint32_t i) { return (int32_t)i >> 20; }
static inline int32_t imm_s(uint32_t i)
{
    return (int32_t)(((int32_t)i >> 25) * 32) | (int32_t)((i >> 7) & 31);
}
static inline int32_t imm_b(uint32_t i)
{
    return (int32_t)(((int32_t)i >> 31) * 4096) | (int32_t)(((i >> 7) & 1) << 11) |
           (int32_t)(((i >> 25) & 0x3f) << 5) | (int32_t)(((i >> 8) & 0xf) << 1);
}
static inline int32_t imm_u(uint32_t i) { return (int32_t)(i & 0xfffff000u); }
static inline int32_t imm_j(uint32_t i)
{
    return (int32_t)(((int32_t)i >> 31) * (1 << 20)) | (int32_t)(i & 0xff000) |
           (int32_t)(((i >> 20) & 1) << 11) | (int32_t)(((i >> 21) & 0x3ff) << 1);
}

/* Is this instruction the last of a basic block (it may change pc other
 * than by falling through, or it stops the hart)? */
bool rv_ends_block(int op);

/* Decode a 32-bit instruction (or the 32-bit expansion of a compressed
 * one, with len 2 and raw the 16-bit bits for the illegal trap value). */
void rv_decode(struct rv_dinsn *d, uint32_t insn, uint32_t raw, int len);

/* Expand a compressed instruction to the equivalent 32-bit instruction.
 * Returns 0 for reserved or illegal encodings (0 is itself illegal). */
uint32_t rv_expand_compressed(uint16_t c);

/* Decode a 16- or 32-bit instruction from its raw bits. */
void rv_decode_raw(struct rv_dinsn *d, uint32_t raw);

/* Can a compressed instruction decode to op?  Exactly the ops that
 * rv_expand_compressed yields (RV_NOP for the hints among them,
 * RV_ILLEGAL for the reserved encodings): the fast loop gives only these
 * a 16-bit dispatch entry (cpu/interp_loop.h).  tests/test_cpu.c decodes
 * every 16-bit encoding against it. */
#define RV_RVC_OP(op)                                                          \
    ((op) == RV_NOP || (op) == RV_ADDI || (op) == RV_ADDIW || (op) == RV_LUI ||    \
     (op) == RV_SLLI || (op) == RV_SRLI || (op) == RV_SRAI || (op) == RV_ANDI ||   \
     (op) == RV_ADD || (op) == RV_SUB || (op) == RV_XOR || (op) == RV_OR ||        \
     (op) == RV_AND || (op) == RV_ADDW || (op) == RV_SUBW || (op) == RV_LW ||      \
     (op) == RV_LD || (op) == RV_SW || (op) == RV_SD || (op) == RV_FLD ||          \
     (op) == RV_FSD || (op) == RV_JAL || (op) == RV_JALR || (op) == RV_BEQ ||      \
     (op) == RV_BNE || (op) == RV_EBREAK || (op) == RV_ILLEGAL)

#endif
