/* The disassembler: objdump-style text from the instruction table, with
 * the pseudo-instructions objdump prints (li, mv, ret, beqz, ...).
 * Branch and jump targets are printed as absolute hex addresses without
 * the "<symbol>" objdump appends. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/hart.h"
#include "internal.h"

struct out {
    char *buf;
    size_t len, pos;
};

static void PRINTF_LIKE(2, 3) put(struct out *o, const char *fmt, ...)
{
    if (o->pos >= o->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->pos += (size_t)n;
    if (o->pos >= o->len)
        o->pos = o->len - 1;
}

static const char *csr_name(unsigned csr)
{
    switch (csr) {
    case 0x001: return "fflags";
    case 0x002: return "frm";
    case 0x003: return "fcsr";
    case 0xc00: return "cycle";
    case 0xc01: return "time";
    case 0xc02: return "instret";
    default: return NULL;
    }
}

static const char *const rm_name[8] = { "rne", "rtz", "rdn", "rup", "rmm", "5", "6", "dyn" };

static void fence_set(struct out *o, unsigned v)
{
    if (v & 8) put(o, "i");
    if (v & 4) put(o, "o");
    if (v & 2) put(o, "r");
    if (v & 1) put(o, "w");
    if (!v) put(o, "0");
}

/* Operands per the table's args string. */
static void operands(struct out *o, const char *args, uint32_t insn, const struct rv_dinsn *d,
                     uint64_t pc)
{
    const char *const *xr = hart_xreg_name, *const *fr = hart_freg_name;
    for (const char *a = args; *a; a++) {
        switch (*a) {
        case 'd': put(o, "%s", xr[d->rd]); break;
        case 's': put(o, "%s", xr[d->rs1]); break;
        case 't': put(o, "%s", xr[d->rs2]); break;
        case 'D': put(o, "%s", fr[d->rd]); break;
        case 'S': put(o, "%s", fr[d->rs1]); break;
        case 'T': put(o, "%s", fr[d->rs2]); break;
        case 'R': put(o, "%s", fr[d->rs3]); break;
        case 'i': put(o, "%d", d->imm); break;
        case 'o': case 'q': put(o, "%d(%s)", d->imm, xr[d->rs1]); break;
        case 'b': case 'j': put(o, "%" PRIx64, pc + (uint64_t)(int64_t)d->imm); break;
        case 'u': put(o, "0x%x", (uint32_t)d->imm >> 12); break;
        case '>': put(o, "0x%x", (unsigned)d->imm); break;
        case 'c': {
            const char *n = csr_name((unsigned)d->imm & 0xfff);
            if (n)
                put(o, "%s", n);
            else
                put(o, "0x%x", (unsigned)d->imm & 0xfff);
            break;
        }
        case 'Z': put(o, "%u", d->rs1); break;
        case 'A': put(o, "(%s)", xr[d->rs1]); break;
        case 'F':
            fence_set(o, (insn >> 24) & 15);
            put(o, ",");
            fence_set(o, (insn >> 20) & 15);
            break;
        case 'm':
            /* Printed unless dynamic; exact conversions never print it. */
            if (d->rm == 7) {
                if (o->pos > 0 && o->buf[o->pos - 1] == ',')
                    o->buf[--o->pos] = 0;
            } else
                put(o, "%s", rm_name[d->rm]);
            break;
        default: put(o, "%c", *a); break;
        }
    }
    if (o->pos > 0 && o->buf[o->pos - 1] == ',')
        o->buf[--o->pos] = 0;
}

#define MN "%-7s "      /* mnemonic column, as objdump's tab renders */

/* objdump's aliases.  Returns true when it printed one. */
static bool pseudo(struct out *o, int op, uint32_t insn, const struct rv_dinsn *d, uint64_t pc)
{
    const char *const *xr = hart_xreg_name, *const *fr = hart_freg_name;
    uint64_t target = pc + (uint64_t)(int64_t)d->imm;
    unsigned csr = (unsigned)d->imm & 0xfff;
    switch (op) {
    case RV_NOP:
        return false;
    case RV_ADDI:
        if (d->rd == 0 && d->rs1 == 0 && d->imm == 0)
            put(o, "nop");
        else if (d->rs1 == 0)
            put(o, MN "%s,%d", "li", xr[d->rd], d->imm);
        else if (d->imm == 0)
            put(o, MN "%s,%s", "mv", xr[d->rd], xr[d->rs1]);
        else
            return false;
        return true;
    case RV_ADDIW:
        if (d->imm != 0)
            return false;
        put(o, MN "%s,%s", "sext.w", xr[d->rd], xr[d->rs1]);
        return true;
    case RV_XORI:
        if (d->imm != -1)
            return false;
        put(o, MN "%s,%s", "not", xr[d->rd], xr[d->rs1]);
        return true;
    case RV_SUB: case RV_SUBW:
        if (d->rs1 != 0)
            return false;
        put(o, MN "%s,%s", op == RV_SUB ? "neg" : "negw", xr[d->rd], xr[d->rs2]);
        return true;
    case RV_SLTIU:
        if (d->imm != 1)
            return false;
        put(o, MN "%s,%s", "seqz", xr[d->rd], xr[d->rs1]);
        return true;
    case RV_SLTU:
        if (d->rs1 != 0)
            return false;
        put(o, MN "%s,%s", "snez", xr[d->rd], xr[d->rs2]);
        return true;
    case RV_SLT:
        if (d->rs2 == 0)
            put(o, MN "%s,%s", "sltz", xr[d->rd], xr[d->rs1]);
        else if (d->rs1 == 0)
            put(o, MN "%s,%s", "sgtz", xr[d->rd], xr[d->rs2]);
        else
            return false;
        return true;
    case RV_ADD_UW:
        if (d->rs2 != 0)
            return false;
        put(o, MN "%s,%s", "zext.w", xr[d->rd], xr[d->rs1]);
        return true;
    case RV_JAL:
        if (d->rd == 0)
            put(o, MN "%" PRIx64, "j", target);
        else if (d->rd == 1)
            put(o, MN "%" PRIx64, "jal", target);
        else
            return false;
        return true;
    case RV_JALR:
        if (d->imm != 0)
            return false;
        if (d->rd == 0 && d->rs1 == 1)
            put(o, "ret");
        else if (d->rd == 0)
            put(o, MN "%s", "jr", xr[d->rs1]);
        else if (d->rd == 1)
            put(o, MN "%s", "jalr", xr[d->rs1]);
        else
            return false;
        return true;
    case RV_BEQ: case RV_BNE: case RV_BLT: case RV_BGE: {
        static const char *const z2[] = { "beqz", "bnez", "bltz", "bgez" };  /* rs2 = 0 */
        static const char *const z1[] = { NULL, NULL, "bgtz", "blez" };      /* rs1 = 0 */
        int k = op - RV_BEQ;
        if (d->rs2 == 0)
            put(o, MN "%s,%" PRIx64, z2[k], xr[d->rs1], target);
        else if (d->rs1 == 0 && z1[k])
            put(o, MN "%s,%" PRIx64, z1[k], xr[d->rs2], target);
        else
            return false;
        return true;
    }
    case RV_FENCE:
        if (((insn >> 20) & 0xff) != 0xff)
            return false;
        put(o, "fence");
        return true;
    case RV_CSRRS:
        if (d->rs1 != 0)
            return false;
        switch (csr) {
        case 0xc00: put(o, MN "%s", "rdcycle", xr[d->rd]); return true;
        case 0xc01: put(o, MN "%s", "rdtime", xr[d->rd]); return true;
        case 0xc02: put(o, MN "%s", "rdinstret", xr[d->rd]); return true;
        case 0x001: put(o, MN "%s", "frflags", xr[d->rd]); return true;
        case 0x002: put(o, MN "%s", "frrm", xr[d->rd]); return true;
        case 0x003: put(o, MN "%s", "frcsr", xr[d->rd]); return true;
        default: return false;
        }
    case RV_CSRRW: {
        static const char *const w[] = { NULL, "fsflags", "fsrm", "fscsr" };
        if (csr < 1 || csr > 3)
            return false;
        if (d->rd == 0)
            put(o, MN "%s", w[csr], xr[d->rs1]);
        else
            put(o, MN "%s,%s", w[csr], xr[d->rd], xr[d->rs1]);
        return true;
    }
    case RV_FSGNJ_S: case RV_FSGNJN_S: case RV_FSGNJX_S:
    case RV_FSGNJ_D: case RV_FSGNJN_D: case RV_FSGNJX_D: {
        static const char *const n[] = { "fmv.s", "fneg.s", "fabs.s", "fmv.d", "fneg.d", "fabs.d" };
        if (d->rs1 != d->rs2)
            return false;
        int k = op <= RV_FSGNJX_S ? op - RV_FSGNJ_S : 3 + op - RV_FSGNJ_D;
        put(o, MN "%s,%s", n[k], fr[d->rd], fr[d->rs1]);
        return true;
    }
    default:
        return false;
    }
}

int hart_disasm(uint32_t insn, uint64_t pc, char *buf, size_t len)
{
    struct out o = { buf, len, 0 };
    int ilen = (insn & 3) == 3 ? 4 : 2;
    uint32_t e = ilen == 2 ? rv_expand_compressed((uint16_t)insn) : insn;
    struct rv_dinsn d;
    if (len)
        buf[0] = 0;
    rv_decode(&d, e, ilen == 2 ? (insn & 0xffff) : insn, ilen);
    int op = d.op;
    if (op == RV_NOP)       /* hints keep their real mnemonic */
        op = rv_insn_lookup(e);
    if (op == RV_ILLEGAL) {
        if (ilen == 2)
            put(&o, MN "0x%04x", ".2byte", insn & 0xffff);
        else
            put(&o, MN "0x%08x", ".4byte", insn);
        return ilen;
    }
    if (ilen == 2 && op == RV_ADD && d.rs1 == 0) {     /* c.mv */
        put(&o, MN "%s,%s", "mv", hart_xreg_name[d.rd], hart_xreg_name[d.rs2]);
        return ilen;
    }
    if (pseudo(&o, op, e, &d, pc))
        return ilen;
    const struct rv_insn_desc *r = &rv_insn_table[op];
    char name[24];
    mmsim_fmt(name, sizeof(name), "%s", r->name);
    if ((e & 0x7f) == 0x2f && (d.rm & 3)) {     /* aq/rl suffix */
        static const char *const s[] = { "", ".rl", ".aq", ".aqrl" };
        mmsim_fmt(name, sizeof(name), "%s%s", r->name, s[d.rm & 3]);
    }
    /* Exact conversions: the rounding mode is not printed. */
    const char *args = r->args;
    if (op == RV_FCVT_D_W || op == RV_FCVT_D_WU || op == RV_FCVT_D_S)
        d.rm = 7;
    if (!args[0]) {
        put(&o, "%s", name);
        return ilen;
    }
    put(&o, MN, name);
    operands(&o, args, e, &d, pc);
    return ilen;
}
