/* Decoding: 32-bit instructions through the instruction table, and the
 * compressed (C) forms through their 32-bit expansions. */
#include "cpu/decode.h"

/* ---- Encoders for the expansions (inverse of the imm_* helpers) ---- */

static uint32_t enc_r(uint32_t match, uint32_t rd, uint32_t rs1, uint32_t rs2)
{
    return match | rd << 7 | rs1 << 15 | rs2 << 20;
}

static uint32_t enc_i(uint32_t match, uint32_t rd, uint32_t rs1, int32_t imm)
{
    return match | rd << 7 | rs1 << 15 | (uint32_t)imm << 20;
}

static uint32_t enc_s(uint32_t match, uint32_t rs1, uint32_t rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return match | (u & 31) << 7 | rs1 << 15 | rs2 << 20 | (u >> 5 & 0x7f) << 25;
}

static uint32_t enc_b(uint32_t match, uint32_t rs1, uint32_t rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return match | rs1 << 15 | rs2 << 20 | (u >> 11 & 1) << 7 | (u >> 1 & 0xf) << 8 |
           (u >> 5 & 0x3f) << 25 | (u >> 12 & 1) << 31;
}

static uint32_t enc_j(uint32_t match, uint32_t rd, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return match | rd << 7 | (u & 0xff000) | (u >> 11 & 1) << 20 | (u >> 1 & 0x3ff) << 21 |
           (u >> 20 & 1) << 31;
}

#define MATCH(id) (rv_insn_table[RV_##id].match)

/* ---- Compressed immediates (spec table "RVC instruction formats") ---- */

static uint32_t bits(uint32_t c, int hi, int lo) { return (c >> lo) & ((1u << (hi - lo + 1)) - 1); }
static int32_t sext(uint32_t v, int nbits) { return (int32_t)(v << (32 - nbits)) >> (32 - nbits); }

/* CI: imm[5] = c[12], imm[4:0] = c[6:2], sign-extended. */
static int32_t imm_ci(uint32_t c) { return sext(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6); }
/* c.lw / c.sw: uimm[5:3] = c[12:10], uimm[2] = c[6], uimm[6] = c[5]. */
static int32_t imm_cl_w(uint32_t c)
{
    return (int32_t)(bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2 | bits(c, 5, 5) << 6);
}
/* c.ld / c.sd / c.fld / c.fsd: uimm[5:3] = c[12:10], uimm[7:6] = c[6:5]. */
static int32_t imm_cl_d(uint32_t c) { return (int32_t)(bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6); }
/* c.addi4spn: nzuimm[5:4|9:6|2|3] = c[12:5]. */
static int32_t imm_ciw(uint32_t c)
{
    return (int32_t)(bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 | bits(c, 6, 6) << 2 |
                     bits(c, 5, 5) << 3);
}
/* c.j / c.jal: offset[11|4|9:8|10|6|7|3:1|5] = c[12:2]. */
static int32_t imm_cj(uint32_t c)
{
    return sext(bits(c, 12, 12) << 11 | bits(c, 11, 11) << 4 | bits(c, 10, 9) << 8 |
                    bits(c, 8, 8) << 10 | bits(c, 7, 7) << 6 | bits(c, 6, 6) << 7 |
                    bits(c, 5, 3) << 1 | bits(c, 2, 2) << 5, 12);
}
/* c.beqz / c.bnez: offset[8|4:3] = c[12:10], offset[7:6|2:1|5] = c[6:2]. */
static int32_t imm_cb(uint32_t c)
{
    return sext(bits(c, 12, 12) << 8 | bits(c, 11, 10) << 3 | bits(c, 6, 5) << 6 |
                    bits(c, 4, 3) << 1 | bits(c, 2, 2) << 5, 9);
}
/* c.addi16sp: nzimm[9] = c[12], nzimm[4|6|8:7|5] = c[6:2]. */
static int32_t imm_c16sp(uint32_t c)
{
    return sext(bits(c, 12, 12) << 9 | bits(c, 6, 6) << 4 | bits(c, 5, 5) << 6 |
                    bits(c, 4, 3) << 7 | bits(c, 2, 2) << 5, 10);
}
/* c.lwsp: uimm[5] = c[12], uimm[4:2|7:6] = c[6:2]. */
static int32_t imm_clwsp(uint32_t c)
{
    return (int32_t)(bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6);
}
/* c.ldsp / c.fldsp: uimm[5] = c[12], uimm[4:3|8:6] = c[6:2]. */
static int32_t imm_cldsp(uint32_t c)
{
    return (int32_t)(bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6);
}
/* c.swsp: uimm[5:2|7:6] = c[12:7]. */
static int32_t imm_cswsp(uint32_t c) { return (int32_t)(bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6); }
/* c.sdsp / c.fsdsp: uimm[5:3|8:6] = c[12:7]. */
static int32_t imm_csdsp(uint32_t c) { return (int32_t)(bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6); }

uint32_t rv_expand_compressed(uint16_t c16)
{
    uint32_t c = c16;
    uint32_t rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
    uint32_t rdp = 8 + bits(c, 4, 2), rs1p = 8 + bits(c, 9, 7);   /* rd', rs1' */
    uint32_t f3 = bits(c, 15, 13);

    switch (c & 3) {
    case 0:
        switch (f3) {
        case 0: /* c.addi4spn; nzuimm = 0 is reserved (covers c = 0) */
            if (imm_ciw(c) == 0)
                return 0;
            return enc_i(MATCH(ADDI), rdp, 2, imm_ciw(c));
        case 1: return enc_i(MATCH(FLD), rdp, rs1p, imm_cl_d(c));
        case 2: return enc_i(MATCH(LW), rdp, rs1p, imm_cl_w(c));
        case 3: return enc_i(MATCH(LD), rdp, rs1p, imm_cl_d(c));
        case 5: return enc_s(MATCH(FSD), rs1p, rdp, imm_cl_d(c));
        case 6: return enc_s(MATCH(SW), rs1p, rdp, imm_cl_w(c));
        case 7: return enc_s(MATCH(SD), rs1p, rdp, imm_cl_d(c));
        default: return 0;  /* 4: reserved */
        }
    case 1:
        switch (f3) {
        case 0: return enc_i(MATCH(ADDI), rd, rd, imm_ci(c));   /* c.addi, c.nop */
        case 1: /* c.addiw; rd = 0 reserved */
            if (rd == 0)
                return 0;
            return enc_i(MATCH(ADDIW), rd, rd, imm_ci(c));
        case 2: return enc_i(MATCH(ADDI), rd, 0, imm_ci(c));     /* c.li */
        case 3:
            if (rd == 2) {  /* c.addi16sp */
                if (imm_c16sp(c) == 0)
                    return 0;
                return enc_i(MATCH(ADDI), 2, 2, imm_c16sp(c));
            }
            if (imm_ci(c) == 0)     /* c.lui, nzimm = 0 reserved */
                return 0;
            return MATCH(LUI) | rd << 7 | ((uint32_t)imm_ci(c) << 12);
        case 4:
            switch (bits(c, 11, 10)) {
            case 0: return enc_i(MATCH(SRLI), rs1p, rs1p, (int32_t)(bits(c, 12, 12) << 5 | rs2));
            case 1: return enc_i(MATCH(SRAI), rs1p, rs1p, (int32_t)(bits(c, 12, 12) << 5 | rs2));
            case 2: return enc_i(MATCH(ANDI), rs1p, rs1p, imm_ci(c));
            default:
                switch (bits(c, 12, 12) << 2 | bits(c, 6, 5)) {
                case 0: return enc_r(MATCH(SUB), rs1p, rs1p, rdp);
                case 1: return enc_r(MATCH(XOR), rs1p, rs1p, rdp);
                case 2: return enc_r(MATCH(OR), rs1p, rs1p, rdp);
                case 3: return enc_r(MATCH(AND), rs1p, rs1p, rdp);
                case 4: return enc_r(MATCH(SUBW), rs1p, rs1p, rdp);
                case 5: return enc_r(MATCH(ADDW), rs1p, rs1p, rdp);
                default: return 0;
                }
            }
        case 5: return enc_j(MATCH(JAL), 0, imm_cj(c));
        case 6: return enc_b(MATCH(BEQ), rs1p, 0, imm_cb(c));
        default: return enc_b(MATCH(BNE), rs1p, 0, imm_cb(c));
        }
    case 2:
        switch (f3) {
        case 0: return enc_i(MATCH(SLLI), rd, rd, (int32_t)(bits(c, 12, 12) << 5 | rs2));
        case 1: return enc_i(MATCH(FLD), rd, 2, imm_cldsp(c));
        case 2:
            if (rd == 0)
                return 0;
            return enc_i(MATCH(LW), rd, 2, imm_clwsp(c));
        case 3:
            if (rd == 0)
                return 0;
            return enc_i(MATCH(LD), rd, 2, imm_cldsp(c));
        case 4:
            if (bits(c, 12, 12) == 0) {
                if (rs2 == 0) {     /* c.jr; rs1 = 0 reserved */
                    if (rd == 0)
                        return 0;
                    return enc_i(MATCH(JALR), 0, rd, 0);
                }
                return enc_r(MATCH(ADD), rd, 0, rs2);   /* c.mv */
            }
            if (rs2 == 0) {
                if (rd == 0)
                    return MATCH(EBREAK);
                return enc_i(MATCH(JALR), 1, rd, 0);    /* c.jalr */
            }
            return enc_r(MATCH(ADD), rd, rd, rs2);      /* c.add */
        case 5: return enc_s(MATCH(FSD), 2, rs2, imm_csdsp(c));
        case 6: return enc_s(MATCH(SW), 2, rs2, imm_cswsp(c));
        default: return enc_s(MATCH(SD), 2, rs2, imm_csdsp(c));
        }
    default:
        return 0;   /* not compressed */
    }
}

_Static_assert(RV_LWU - RV_LB == 6 && RV_BGEU - RV_BEQ == 5, "loads and branches in a row");

bool rv_ends_block(int op)
{
    switch (op) {
    case RV_JAL: case RV_JALR:
    case RV_BEQ: case RV_BNE: case RV_BLT: case RV_BGE: case RV_BLTU: case RV_BGEU:
    case RV_ECALL: case RV_EBREAK: case RV_FENCE_I:
    case RV_ILLEGAL: case RV_CROSS: case RV_PAGE_END: case RV_UNDECODED:
        return true;
    default:
        return false;
    }
}

/* Integer instructions whose only effect is writing rd: with rd = x0 they
 * are no-ops (hints), which lets the interpreter write rd unconditionally. */
static bool pure_int(uint32_t insn)
{
    switch (rv_opcode(insn)) {
    case 0x13: case 0x1b: case 0x33: case 0x3b: case 0x37: case 0x17:
        return true;
    default:
        return false;
    }
}

/* FP instructions with a rounding-mode field (funct3 not fixed by the mask). */
static bool has_rm(int op)
{
    const struct rv_insn_desc *r = &rv_insn_table[op];
    uint32_t opc = r->match & 0x7f;
    return (opc == 0x53 || opc == 0x43 || opc == 0x47 || opc == 0x4b || opc == 0x4f) &&
           (r->mask & 0x7000) == 0;
}

/* The R4 major opcodes: fmadd, fmsub, fnmsub, fnmadd. */
static bool is_fma(uint32_t insn)
{
    uint32_t opc = rv_opcode(insn);
    return opc == 0x43 || opc == 0x47 || opc == 0x4b || opc == 0x4f;
}

static bool host_fma3(void)
{
#if defined(__x86_64__)
    return __builtin_cpu_supports("fma");
#else
    return true;
#endif
}

void rv_decode(struct rv_dinsn *d, uint32_t insn, uint32_t raw, int len)
{
    int op = insn ? rv_insn_lookup(insn) : RV_ILLEGAL;
    d->blen = 0;
    d->len = (uint8_t)len;
    d->rd = (uint8_t)rv_rd(insn);
    d->rs1 = (uint8_t)rv_rs1(insn);
    d->rs2 = (uint8_t)rv_rs2(insn);
    d->rs3 = (uint8_t)rv_rs3(insn);
    d->rm = (uint8_t)rv_funct3(insn);
    d->imm = 0;
    if (op != RV_ILLEGAL) {
        switch (rv_insn_table[op].fmt) {
        case FMT_I: d->imm = imm_i(insn); break;
        case FMT_S: d->imm = imm_s(insn); break;
        case FMT_B: d->imm = imm_b(insn); break;
        case FMT_U: d->imm = imm_u(insn); break;
        case FMT_J: d->imm = imm_j(insn); break;
        case FMT_SH: d->imm = (int32_t)((insn >> 20) & 0x3f); break;
        case FMT_CSR: d->imm = (int32_t)(insn >> 20); break;
        default: break;
        }
        if (rv_opcode(insn) == 0x2f)
            d->rm = (uint8_t)((insn >> 25) & 3);     /* aq, rl */
        /* Static rounding modes 5 and 6 are reserved (7 = dynamic is
         * checked at execution against frm). */
        if (has_rm(op)) {
            d->imm = (int32_t)raw;  /* unused otherwise; the trap value
                                       if frm turns out to be invalid */
            if (d->rm == 5 || d->rm == 6)
                op = RV_ILLEGAL;
        }
        else if (d->rd == 0 && pure_int(insn))
            op = RV_NOP;
    }
    if (op == RV_ILLEGAL)
        d->imm = (int32_t)raw;
    d->op = (uint16_t)op;
    d->xop = rv_xop(op, len);
    /* A load into x0 still accesses memory; the fast loop's loads write
     * rd without restoring x0 after it, and leave these (rare) to the
     * single-step loop, as they do an instruction straddling two pages. */
    if (op >= RV_LB && op <= RV_LWU && d->rd == 0)
        d->xop = RV_CROSS;
    /* The fast loop issues the host's FMA3 instruction for a fused
     * multiply-add without a check (cpu/interp.c, FMA_HOST); on an x86-64
     * host without FMA3, the op's other entry checks (CASE_FMA). */
    if (is_fma(insn) && op != RV_ILLEGAL && !host_fma3())
        d->xop = (uint16_t)(op + RV_NUM_OPS);
}

void rv_decode_raw(struct rv_dinsn *d, uint32_t raw)
{
    if ((raw & 3) != 3) {
        uint32_t e = rv_expand_compressed((uint16_t)raw);
        rv_decode(d, e, raw & 0xffff, 2);
    } else {
        rv_decode(d, raw, raw, 4);
    }
}
