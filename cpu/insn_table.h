/* The one RV64GC instruction table: name, MATCH, MASK, operand format.
 *
 * The decoder (cpu/decode.c), the disassembler (cpu/disasm.c), the trace
 * and the tests all use this list, so an instruction exists in exactly one
 * place.  Compressed instructions are not rows: they are expanded to their
 * 32-bit equivalents (spec chapter "C" gives each expansion).
 *
 * Operand letters in `args` (for the disassembler):
 *   d s t     rd rs1 rs2 as integer registers
 *   D S T R   rd rs1 rs2 rs3 as FP registers
 *   i         I-immediate (decimal)      o  I-immediate as offset "imm(rs1)"
 *   q         S-immediate as "imm(rs1)"   b  branch target   j  jal target
 *   u         U-immediate >> 12 (hex)     >  shift amount (hex)
 *   c         CSR number                  Z  5-bit zimm (rs1 field)
 *   m         rounding mode (printed unless dynamic)
 *   A         "(rs1)" for LR/SC/AMO       F  fence pred,succ
 */
#ifndef MMSIM_CPU_INSN_TABLE_H
#define MMSIM_CPU_INSN_TABLE_H

#include <stdint.h>

/* Instruction formats: how the decoder extracts the immediate. */
enum rv_fmt { FMT_R, FMT_I, FMT_S, FMT_B, FMT_U, FMT_J, FMT_SH, FMT_CSR, FMT_R4 };

/* Field builders for MATCH values. */
#define RV_OP(op, f3) ((uint32_t)(op) | ((uint32_t)(f3) << 12))
#define RV_R(op, f3, f7) (RV_OP(op, f3) | ((uint32_t)(f7) << 25))
#define RV_R2(op, f3, f7, rs2) (RV_R(op, f3, f7) | ((uint32_t)(rs2) << 20))
#define RV_AMO(f3, f5) (RV_OP(0x2f, f3) | ((uint32_t)(f5) << 27))

#define M_OPC 0x0000007fu           /* opcode only */
#define M_F3 0x0000707fu            /* opcode + funct3 */
#define M_F7 0xfe00707fu            /* + funct7 */
#define M_F6 0xfc00707fu            /* + funct6 (RV64 shifts) */
#define M_F12 0xfff0707fu           /* + funct7 + rs2 */
#define M_ALL 0xffffffffu
#define M_AMO 0xf800707fu           /* aq/rl free */
#define M_LR 0xf9f0707fu            /* aq/rl free, rs2 = 0 */
#define M_FRM 0xfe00007fu           /* funct7, rm free */
#define M_FRM2 0xfff0007fu          /* funct7 + rs2, rm free */
#define M_R4 0x0600007fu            /* fmt bits, rm free */

/* X(ID, name, match, mask, fmt, args) */
#define RV_INSN_LIST(X)                                                        \
    /* RV64I */                                                                \
    X(LUI, "lui", 0x37, M_OPC, FMT_U, "d,u")                                   \
    X(AUIPC, "auipc", 0x17, M_OPC, FMT_U, "d,u")                               \
    X(JAL, "jal", 0x6f, M_OPC, FMT_J, "d,j")                                   \
    X(JALR, "jalr", RV_OP(0x67, 0), M_F3, FMT_I, "d,o")                        \
    X(BEQ, "beq", RV_OP(0x63, 0), M_F3, FMT_B, "s,t,b")                        \
    X(BNE, "bne", RV_OP(0x63, 1), M_F3, FMT_B, "s,t,b")                        \
    X(BLT, "blt", RV_OP(0x63, 4), M_F3, FMT_B, "s,t,b")                        \
    X(BGE, "bge", RV_OP(0x63, 5), M_F3, FMT_B, "s,t,b")                        \
    X(BLTU, "bltu", RV_OP(0x63, 6), M_F3, FMT_B, "s,t,b")                      \
    X(BGEU, "bgeu", RV_OP(0x63, 7), M_F3, FMT_B, "s,t,b")                      \
    X(LB, "lb", RV_OP(0x03, 0), M_F3, FMT_I, "d,o")                            \
    X(LH, "lh", RV_OP(0x03, 1), M_F3, FMT_I, "d,o")                            \
    X(LW, "lw", RV_OP(0x03, 2), M_F3, FMT_I, "d,o")                            \
    X(LD, "ld", RV_OP(0x03, 3), M_F3, FMT_I, "d,o")                            \
    X(LBU, "lbu", RV_OP(0x03, 4), M_F3, FMT_I, "d,o")                          \
    X(LHU, "lhu", RV_OP(0x03, 5), M_F3, FMT_I, "d,o")                          \
    X(LWU, "lwu", RV_OP(0x03, 6), M_F3, FMT_I, "d,o")                          \
    X(SB, "sb", RV_OP(0x23, 0), M_F3, FMT_S, "t,q")                            \
    X(SH, "sh", RV_OP(0x23, 1), M_F3, FMT_S, "t,q")                            \
    X(SW, "sw", RV_OP(0x23, 2), M_F3, FMT_S, "t,q")                            \
    X(SD, "sd", RV_OP(0x23, 3), M_F3, FMT_S, "t,q")                            \
    X(ADDI, "addi", RV_OP(0x13, 0), M_F3, FMT_I, "d,s,i")                      \
    X(SLTI, "slti", RV_OP(0x13, 2), M_F3, FMT_I, "d,s,i")                      \
    X(SLTIU, "sltiu", RV_OP(0x13, 3), M_F3, FMT_I, "d,s,i")                    \
    X(XORI, "xori", RV_OP(0x13, 4), M_F3, FMT_I, "d,s,i")                      \
    X(ORI, "ori", RV_OP(0x13, 6), M_F3, FMT_I, "d,s,i")                        \
    X(ANDI, "andi", RV_OP(0x13, 7), M_F3, FMT_I, "d,s,i")                      \
    X(SLLI, "slli", RV_OP(0x13, 1), M_F6, FMT_SH, "d,s,>")                     \
    X(SRLI, "srli", RV_OP(0x13, 5), M_F6, FMT_SH, "d,s,>")                     \
    X(SRAI, "srai", RV_R(0x13, 5, 0x20), M_F6, FMT_SH, "d,s,>")                \
    X(ADD, "add", RV_R(0x33, 0, 0), M_F7, FMT_R, "d,s,t")                      \
    X(SUB, "sub", RV_R(0x33, 0, 0x20), M_F7, FMT_R, "d,s,t")                   \
    X(SLL, "sll", RV_R(0x33, 1, 0), M_F7, FMT_R, "d,s,t")                      \
    X(SLT, "slt", RV_R(0x33, 2, 0), M_F7, FMT_R, "d,s,t")                      \
    X(SLTU, "sltu", RV_R(0x33, 3, 0), M_F7, FMT_R, "d,s,t")                    \
    X(XOR, "xor", RV_R(0x33, 4, 0), M_F7, FMT_R, "d,s,t")                      \
    X(SRL, "srl", RV_R(0x33, 5, 0), M_F7, FMT_R, "d,s,t")                      \
    X(SRA, "sra", RV_R(0x33, 5, 0x20), M_F7, FMT_R, "d,s,t")                   \
    X(OR, "or", RV_R(0x33, 6, 0), M_F7, FMT_R, "d,s,t")                        \
    X(AND, "and", RV_R(0x33, 7, 0), M_F7, FMT_R, "d,s,t")                      \
    X(ADDIW, "addiw", RV_OP(0x1b, 0), M_F3, FMT_I, "d,s,i")                    \
    X(SLLIW, "slliw", RV_R(0x1b, 1, 0), M_F7, FMT_SH, "d,s,>")                 \
    X(SRLIW, "srliw", RV_R(0x1b, 5, 0), M_F7, FMT_SH, "d,s,>")                 \
    X(SRAIW, "sraiw", RV_R(0x1b, 5, 0x20), M_F7, FMT_SH, "d,s,>")              \
    X(ADDW, "addw", RV_R(0x3b, 0, 0), M_F7, FMT_R, "d,s,t")                    \
    X(SUBW, "subw", RV_R(0x3b, 0, 0x20), M_F7, FMT_R, "d,s,t")                 \
    X(SLLW, "sllw", RV_R(0x3b, 1, 0), M_F7, FMT_R, "d,s,t")                    \
    X(SRLW, "srlw", RV_R(0x3b, 5, 0), M_F7, FMT_R, "d,s,t")                    \
    X(SRAW, "sraw", RV_R(0x3b, 5, 0x20), M_F7, FMT_R, "d,s,t")                 \
    X(FENCE, "fence", RV_OP(0x0f, 0), M_F3, FMT_I, "F")                        \
    X(FENCE_I, "fence.i", RV_OP(0x0f, 1), M_F3, FMT_I, "")                     \
    X(ECALL, "ecall", 0x00000073, M_ALL, FMT_I, "")                            \
    X(EBREAK, "ebreak", 0x00100073, M_ALL, FMT_I, "")                          \
    /* Zicsr */                                                                \
    X(CSRRW, "csrrw", RV_OP(0x73, 1), M_F3, FMT_CSR, "d,c,s")                  \
    X(CSRRS, "csrrs", RV_OP(0x73, 2), M_F3, FMT_CSR, "d,c,s")                  \
    X(CSRRC, "csrrc", RV_OP(0x73, 3), M_F3, FMT_CSR, "d,c,s")                  \
    X(CSRRWI, "csrrwi", RV_OP(0x73, 5), M_F3, FMT_CSR, "d,c,Z")                \
    X(CSRRSI, "csrrsi", RV_OP(0x73, 6), M_F3, FMT_CSR, "d,c,Z")                \
    X(CSRRCI, "csrrci", RV_OP(0x73, 7), M_F3, FMT_CSR, "d,c,Z")                \
    /* M */                                                                    \
    X(MUL, "mul", RV_R(0x33, 0, 1), M_F7, FMT_R, "d,s,t")                      \
    X(MULH, "mulh", RV_R(0x33, 1, 1), M_F7, FMT_R, "d,s,t")                    \
    X(MULHSU, "mulhsu", RV_R(0x33, 2, 1), M_F7, FMT_R, "d,s,t")                \
    X(MULHU, "mulhu", RV_R(0x33, 3, 1), M_F7, FMT_R, "d,s,t")                  \
    X(DIV, "div", RV_R(0x33, 4, 1), M_F7, FMT_R, "d,s,t")                      \
    X(DIVU, "divu", RV_R(0x33, 5, 1), M_F7, FMT_R, "d,s,t")                    \
    X(REM, "rem", RV_R(0x33, 6, 1), M_F7, FMT_R, "d,s,t")                      \
    X(REMU, "remu", RV_R(0x33, 7, 1), M_F7, FMT_R, "d,s,t")                    \
    X(MULW, "mulw", RV_R(0x3b, 0, 1), M_F7, FMT_R, "d,s,t")                    \
    X(DIVW, "divw", RV_R(0x3b, 4, 1), M_F7, FMT_R, "d,s,t")                    \
    X(DIVUW, "divuw", RV_R(0x3b, 5, 1), M_F7, FMT_R, "d,s,t")                  \
    X(REMW, "remw", RV_R(0x3b, 6, 1), M_F7, FMT_R, "d,s,t")                    \
    X(REMUW, "remuw", RV_R(0x3b, 7, 1), M_F7, FMT_R, "d,s,t")                  \
    /* A */                                                                    \
    X(LR_W, "lr.w", RV_AMO(2, 0x02), M_LR, FMT_R, "d,A")                       \
    X(SC_W, "sc.w", RV_AMO(2, 0x03), M_AMO, FMT_R, "d,t,A")                    \
    X(AMOSWAP_W, "amoswap.w", RV_AMO(2, 0x01), M_AMO, FMT_R, "d,t,A")          \
    X(AMOADD_W, "amoadd.w", RV_AMO(2, 0x00), M_AMO, FMT_R, "d,t,A")            \
    X(AMOXOR_W, "amoxor.w", RV_AMO(2, 0x04), M_AMO, FMT_R, "d,t,A")            \
    X(AMOAND_W, "amoand.w", RV_AMO(2, 0x0c), M_AMO, FMT_R, "d,t,A")            \
    X(AMOOR_W, "amoor.w", RV_AMO(2, 0x08), M_AMO, FMT_R, "d,t,A")              \
    X(AMOMIN_W, "amomin.w", RV_AMO(2, 0x10), M_AMO, FMT_R, "d,t,A")            \
    X(AMOMAX_W, "amomax.w", RV_AMO(2, 0x14), M_AMO, FMT_R, "d,t,A")            \
    X(AMOMINU_W, "amominu.w", RV_AMO(2, 0x18), M_AMO, FMT_R, "d,t,A")          \
    X(AMOMAXU_W, "amomaxu.w", RV_AMO(2, 0x1c), M_AMO, FMT_R, "d,t,A")          \
    X(LR_D, "lr.d", RV_AMO(3, 0x02), M_LR, FMT_R, "d,A")                       \
    X(SC_D, "sc.d", RV_AMO(3, 0x03), M_AMO, FMT_R, "d,t,A")                    \
    X(AMOSWAP_D, "amoswap.d", RV_AMO(3, 0x01), M_AMO, FMT_R, "d,t,A")          \
    X(AMOADD_D, "amoadd.d", RV_AMO(3, 0x00), M_AMO, FMT_R, "d,t,A")            \
    X(AMOXOR_D, "amoxor.d", RV_AMO(3, 0x04), M_AMO, FMT_R, "d,t,A")            \
    X(AMOAND_D, "amoand.d", RV_AMO(3, 0x0c), M_AMO, FMT_R, "d,t,A")            \
    X(AMOOR_D, "amoor.d", RV_AMO(3, 0x08), M_AMO, FMT_R, "d,t,A")              \
    X(AMOMIN_D, "amomin.d", RV_AMO(3, 0x10), M_AMO, FMT_R, "d,t,A")            \
    X(AMOMAX_D, "amomax.d", RV_AMO(3, 0x14), M_AMO, FMT_R, "d,t,A")            \
    X(AMOMINU_D, "amominu.d", RV_AMO(3, 0x18), M_AMO, FMT_R, "d,t,A")          \
    X(AMOMAXU_D, "amomaxu.d", RV_AMO(3, 0x1c), M_AMO, FMT_R, "d,t,A")          \
    /* F */                                                                    \
    X(FLW, "flw", RV_OP(0x07, 2), M_F3, FMT_I, "D,o")                          \
    X(FSW, "fsw", RV_OP(0x27, 2), M_F3, FMT_S, "T,q")                          \
    X(FMADD_S, "fmadd.s", 0x43, M_R4, FMT_R4, "D,S,T,R,m")                     \
    X(FMSUB_S, "fmsub.s", 0x47, M_R4, FMT_R4, "D,S,T,R,m")                     \
    X(FNMSUB_S, "fnmsub.s", 0x4b, M_R4, FMT_R4, "D,S,T,R,m")                   \
    X(FNMADD_S, "fnmadd.s", 0x4f, M_R4, FMT_R4, "D,S,T,R,m")                   \
    X(FADD_S, "fadd.s", RV_R(0x53, 0, 0x00), M_FRM, FMT_R, "D,S,T,m")          \
    X(FSUB_S, "fsub.s", RV_R(0x53, 0, 0x04), M_FRM, FMT_R, "D,S,T,m")          \
    X(FMUL_S, "fmul.s", RV_R(0x53, 0, 0x08), M_FRM, FMT_R, "D,S,T,m")          \
    X(FDIV_S, "fdiv.s", RV_R(0x53, 0, 0x0c), M_FRM, FMT_R, "D,S,T,m")          \
    X(FSQRT_S, "fsqrt.s", RV_R2(0x53, 0, 0x2c, 0), M_FRM2, FMT_R, "D,S,m")     \
    X(FSGNJ_S, "fsgnj.s", RV_R(0x53, 0, 0x10), M_F7, FMT_R, "D,S,T")           \
    X(FSGNJN_S, "fsgnjn.s", RV_R(0x53, 1, 0x10), M_F7, FMT_R, "D,S,T")         \
    X(FSGNJX_S, "fsgnjx.s", RV_R(0x53, 2, 0x10), M_F7, FMT_R, "D,S,T")         \
    X(FMIN_S, "fmin.s", RV_R(0x53, 0, 0x14), M_F7, FMT_R, "D,S,T")             \
    X(FMAX_S, "fmax.s", RV_R(0x53, 1, 0x14), M_F7, FMT_R, "D,S,T")             \
    X(FCVT_W_S, "fcvt.w.s", RV_R2(0x53, 0, 0x60, 0), M_FRM2, FMT_R, "d,S,m")   \
    X(FCVT_WU_S, "fcvt.wu.s", RV_R2(0x53, 0, 0x60, 1), M_FRM2, FMT_R, "d,S,m") \
    X(FCVT_L_S, "fcvt.l.s", RV_R2(0x53, 0, 0x60, 2), M_FRM2, FMT_R, "d,S,m")   \
    X(FCVT_LU_S, "fcvt.lu.s", RV_R2(0x53, 0, 0x60, 3), M_FRM2, FMT_R, "d,S,m") \
    X(FMV_X_W, "fmv.x.w", RV_R2(0x53, 0, 0x70, 0), M_F12, FMT_R, "d,S")        \
    X(FEQ_S, "feq.s", RV_R(0x53, 2, 0x50), M_F7, FMT_R, "d,S,T")               \
    X(FLT_S, "flt.s", RV_R(0x53, 1, 0x50), M_F7, FMT_R, "d,S,T")               \
    X(FLE_S, "fle.s", RV_R(0x53, 0, 0x50), M_F7, FMT_R, "d,S,T")               \
    X(FCLASS_S, "fclass.s", RV_R2(0x53, 1, 0x70, 0), M_F12, FMT_R, "d,S")      \
    X(FCVT_S_W, "fcvt.s.w", RV_R2(0x53, 0, 0x68, 0), M_FRM2, FMT_R, "D,s,m")   \
    X(FCVT_S_WU, "fcvt.s.wu", RV_R2(0x53, 0, 0x68, 1), M_FRM2, FMT_R, "D,s,m") \
    X(FCVT_S_L, "fcvt.s.l", RV_R2(0x53, 0, 0x68, 2), M_FRM2, FMT_R, "D,s,m")   \
    X(FCVT_S_LU, "fcvt.s.lu", RV_R2(0x53, 0, 0x68, 3), M_FRM2, FMT_R, "D,s,m") \
    X(FMV_W_X, "fmv.w.x", RV_R2(0x53, 0, 0x78, 0), M_F12, FMT_R, "D,s")        \
    /* D */                                                                    \
    X(FLD, "fld", RV_OP(0x07, 3), M_F3, FMT_I, "D,o")                          \
    X(FSD, "fsd", RV_OP(0x27, 3), M_F3, FMT_S, "T,q")                          \
    X(FMADD_D, "fmadd.d", 0x02000043, M_R4, FMT_R4, "D,S,T,R,m")               \
    X(FMSUB_D, "fmsub.d", 0x02000047, M_R4, FMT_R4, "D,S,T,R,m")               \
    X(FNMSUB_D, "fnmsub.d", 0x0200004b, M_R4, FMT_R4, "D,S,T,R,m")             \
    X(FNMADD_D, "fnmadd.d", 0x0200004f, M_R4, FMT_R4, "D,S,T,R,m")             \
    X(FADD_D, "fadd.d", RV_R(0x53, 0, 0x01), M_FRM, FMT_R, "D,S,T,m")          \
    X(FSUB_D, "fsub.d", RV_R(0x53, 0, 0x05), M_FRM, FMT_R, "D,S,T,m")          \
    X(FMUL_D, "fmul.d", RV_R(0x53, 0, 0x09), M_FRM, FMT_R, "D,S,T,m")          \
    X(FDIV_D, "fdiv.d", RV_R(0x53, 0, 0x0d), M_FRM, FMT_R, "D,S,T,m")          \
    X(FSQRT_D, "fsqrt.d", RV_R2(0x53, 0, 0x2d, 0), M_FRM2, FMT_R, "D,S,m")     \
    X(FSGNJ_D, "fsgnj.d", RV_R(0x53, 0, 0x11), M_F7, FMT_R, "D,S,T")           \
    X(FSGNJN_D, "fsgnjn.d", RV_R(0x53, 1, 0x11), M_F7, FMT_R, "D,S,T")         \
    X(FSGNJX_D, "fsgnjx.d", RV_R(0x53, 2, 0x11), M_F7, FMT_R, "D,S,T")         \
    X(FMIN_D, "fmin.d", RV_R(0x53, 0, 0x15), M_F7, FMT_R, "D,S,T")             \
    X(FMAX_D, "fmax.d", RV_R(0x53, 1, 0x15), M_F7, FMT_R, "D,S,T")             \
    X(FCVT_S_D, "fcvt.s.d", RV_R2(0x53, 0, 0x20, 1), M_FRM2, FMT_R, "D,S,m")   \
    X(FCVT_D_S, "fcvt.d.s", RV_R2(0x53, 0, 0x21, 0), M_FRM2, FMT_R, "D,S,m")   \
    X(FEQ_D, "feq.d", RV_R(0x53, 2, 0x51), M_F7, FMT_R, "d,S,T")               \
    X(FLT_D, "flt.d", RV_R(0x53, 1, 0x51), M_F7, FMT_R, "d,S,T")               \
    X(FLE_D, "fle.d", RV_R(0x53, 0, 0x51), M_F7, FMT_R, "d,S,T")               \
    X(FCLASS_D, "fclass.d", RV_R2(0x53, 1, 0x71, 0), M_F12, FMT_R, "d,S")      \
    X(FCVT_W_D, "fcvt.w.d", RV_R2(0x53, 0, 0x61, 0), M_FRM2, FMT_R, "d,S,m")   \
    X(FCVT_WU_D, "fcvt.wu.d", RV_R2(0x53, 0, 0x61, 1), M_FRM2, FMT_R, "d,S,m") \
    X(FCVT_L_D, "fcvt.l.d", RV_R2(0x53, 0, 0x61, 2), M_FRM2, FMT_R, "d,S,m")   \
    X(FCVT_LU_D, "fcvt.lu.d", RV_R2(0x53, 0, 0x61, 3), M_FRM2, FMT_R, "d,S,m") \
    X(FCVT_D_W, "fcvt.d.w", RV_R2(0x53, 0, 0x69, 0), M_FRM2, FMT_R, "D,s,m")   \
    X(FCVT_D_WU, "fcvt.d.wu", RV_R2(0x53, 0, 0x69, 1), M_FRM2, FMT_R, "D,s,m") \
    X(FCVT_D_L, "fcvt.d.l", RV_R2(0x53, 0, 0x69, 2), M_FRM2, FMT_R, "D,s,m")   \
    X(FCVT_D_LU, "fcvt.d.lu", RV_R2(0x53, 0, 0x69, 3), M_FRM2, FMT_R, "D,s,m") \
    X(FMV_X_D, "fmv.x.d", RV_R2(0x53, 0, 0x71, 0), M_F12, FMT_R, "d,S")        \
    X(FMV_D_X, "fmv.d.x", RV_R2(0x53, 0, 0x79, 0), M_F12, FMT_R, "D,s")        \
    /* Zba */                                                                  \
    X(SH1ADD, "sh1add", RV_R(0x33, 2, 0x10), M_F7, FMT_R, "d,s,t")             \
    X(SH2ADD, "sh2add", RV_R(0x33, 4, 0x10), M_F7, FMT_R, "d,s,t")             \
    X(SH3ADD, "sh3add", RV_R(0x33, 6, 0x10), M_F7, FMT_R, "d,s,t")             \
    X(ADD_UW, "add.uw", RV_R(0x3b, 0, 0x04), M_F7, FMT_R, "d,s,t")             \
    X(SH1ADD_UW, "sh1add.uw", RV_R(0x3b, 2, 0x10), M_F7, FMT_R, "d,s,t")       \
    X(SH2ADD_UW, "sh2add.uw", RV_R(0x3b, 4, 0x10), M_F7, FMT_R, "d,s,t")       \
    X(SH3ADD_UW, "sh3add.uw", RV_R(0x3b, 6, 0x10), M_F7, FMT_R, "d,s,t")       \
    X(SLLI_UW, "slli.uw", RV_R(0x1b, 1, 0x04), M_F6, FMT_SH, "d,s,>")          \
    /* Zbb */                                                                  \
    X(ANDN, "andn", RV_R(0x33, 7, 0x20), M_F7, FMT_R, "d,s,t")                 \
    X(ORN, "orn", RV_R(0x33, 6, 0x20), M_F7, FMT_R, "d,s,t")                   \
    X(XNOR, "xnor", RV_R(0x33, 4, 0x20), M_F7, FMT_R, "d,s,t")                 \
    X(CLZ, "clz", RV_R2(0x13, 1, 0x30, 0), M_F12, FMT_R, "d,s")                \
    X(CTZ, "ctz", RV_R2(0x13, 1, 0x30, 1), M_F12, FMT_R, "d,s")                \
    X(CPOP, "cpop", RV_R2(0x13, 1, 0x30, 2), M_F12, FMT_R, "d,s")              \
    X(CLZW, "clzw", RV_R2(0x1b, 1, 0x30, 0), M_F12, FMT_R, "d,s")              \
    X(CTZW, "ctzw", RV_R2(0x1b, 1, 0x30, 1), M_F12, FMT_R, "d,s")              \
    X(CPOPW, "cpopw", RV_R2(0x1b, 1, 0x30, 2), M_F12, FMT_R, "d,s")            \
    X(MAX, "max", RV_R(0x33, 6, 0x05), M_F7, FMT_R, "d,s,t")                   \
    X(MAXU, "maxu", RV_R(0x33, 7, 0x05), M_F7, FMT_R, "d,s,t")                 \
    X(MIN, "min", RV_R(0x33, 4, 0x05), M_F7, FMT_R, "d,s,t")                   \
    X(MINU, "minu", RV_R(0x33, 5, 0x05), M_F7, FMT_R, "d,s,t")                 \
    X(SEXT_B, "sext.b", RV_R2(0x13, 1, 0x30, 4), M_F12, FMT_R, "d,s")          \
    X(SEXT_H, "sext.h", RV_R2(0x13, 1, 0x30, 5), M_F12, FMT_R, "d,s")          \
    X(ZEXT_H, "zext.h", RV_R2(0x3b, 4, 0x04, 0), M_F12, FMT_R, "d,s")          \
    X(ROL, "rol", RV_R(0x33, 1, 0x30), M_F7, FMT_R, "d,s,t")                   \
    X(ROR, "ror", RV_R(0x33, 5, 0x30), M_F7, FMT_R, "d,s,t")                   \
    X(ROLW, "rolw", RV_R(0x3b, 1, 0x30), M_F7, FMT_R, "d,s,t")                 \
    X(RORW, "rorw", RV_R(0x3b, 5, 0x30), M_F7, FMT_R, "d,s,t")                 \
    X(RORI, "rori", RV_R(0x13, 5, 0x30), M_F6, FMT_SH, "d,s,>")                \
    X(RORIW, "roriw", RV_R(0x1b, 5, 0x30), M_F7, FMT_SH, "d,s,>")              \
    X(ORC_B, "orc.b", RV_R2(0x13, 5, 0x14, 7), M_F12, FMT_R, "d,s")            \
    X(REV8, "rev8", RV_R2(0x13, 5, 0x35, 0x18), M_F12, FMT_R, "d,s")

/* Decoded operation: a few internal ones, then one per table row. */
enum rv_op {
    RV_UNDECODED = 0,   /* slot not decoded yet */
    RV_ILLEGAL,         /* traps CAUSE_ILLEGAL_INSN, imm holds the raw bits */
    RV_PAGE_END,        /* sentinel after the last slot of a page */
    RV_CROSS,           /* 32-bit instruction straddling a page boundary */
    RV_NOP,             /* integer op with rd = x0 and no side effect */
#define RV_ENUM(id, name, match, mask, fmt, args) RV_##id,
    RV_INSN_LIST(RV_ENUM)
#undef RV_ENUM
    RV_NUM_OPS
};
#define RV_FIRST_INSN RV_LUI

struct rv_insn_desc {
    const char *name;
    uint32_t match, mask;
    uint8_t fmt;            /* enum rv_fmt */
    const char *args;
};

/* Indexed by enum rv_op; rows before RV_FIRST_INSN have name NULL. */
extern const struct rv_insn_desc rv_insn_table[RV_NUM_OPS];

/* The table row (enum rv_op) that matches a 32-bit instruction, or
 * RV_ILLEGAL. */
int rv_insn_lookup(uint32_t insn);

#endif
