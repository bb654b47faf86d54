/* The RV64GC hart: every instruction-table row executed against values
 * derived from the unprivileged spec, compressed expansions, traps,
 * misaligned accesses, LR/SC, budgets, fence.i, the trace and the
 * disassembler.
 *
 * Encodings in the tables come from GNU as (riscv64-linux-gnu-as
 * -march=rv64gc_zba_zbb), expected disassembly from riscv64-linux-gnu-objdump
 * -d; expected results are worked out from the spec by hand. */
#include <stdio.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/insn_table.h"
#include "internal.h"
#include "test_cpu_mock.h"
#include "testutil.h"

#define MEMV 0x8877665544332211ull

enum { CK_X = 1, CK_F = 2, CK_MEM = 4, CK_PC = 8, CK_FLAGS = 16, CK_FRM = 32 };

struct icase {
    const char *text;
    uint32_t insn;
    uint64_t a1, a2, f1, f2, f3;        /* x11, x12, f11, f12, f13 */
    uint64_t x, f, mem, pc;             /* expected x10, f10, [DATA], pc */
    uint32_t flags, frm, frm_in;
    int stop;                           /* 0: HART_STOP_ECALL */
    int chk;
};

static const struct icase cases[] = {
    { "lui a0,0x80000", 0x80000537, .x = 0xffffffff80000000ull, .chk = CK_X },
    { "auipc a0,0x1", 0x00001517, .x = 0x11000ull, .chk = CK_X },
    { "jal a0,.+8", 0x0080056f, .x = 0x10004ull, .pc = 0x10008ull, .chk = CK_X|CK_PC },
    { "jalr a0,5(a1)", 0x00558567, .a1 = 0x10003ull, .x = 0x10004ull, .pc = 0x10008ull, .chk = CK_X|CK_PC },
    { "beq a1,a2,.+8", 0x00c58463, .a1 = 0x5ull, .a2 = 0x5ull, .pc = 0x10008ull, .chk = CK_PC },
    { "bne a1,a2,.+8", 0x00c59463, .a1 = 0x5ull, .a2 = 0x5ull, .pc = 0x10004ull, .chk = CK_PC },
    { "blt a1,a2,.+8", 0x00c5c463, .a1 = 0xffffffffffffffffull, .a2 = 0x0ull, .pc = 0x10008ull, .chk = CK_PC },
    { "bge a1,a2,.+8", 0x00c5d463, .a1 = 0xffffffffffffffffull, .a2 = 0x0ull, .pc = 0x10004ull, .chk = CK_PC },
    { "bltu a1,a2,.+8", 0x00c5e463, .a1 = 0xffffffffffffffffull, .a2 = 0x0ull, .pc = 0x10004ull, .chk = CK_PC },
    { "bgeu a1,a2,.+8", 0x00c5f463, .a1 = 0xffffffffffffffffull, .a2 = 0x0ull, .pc = 0x10008ull, .chk = CK_PC },
    { "lb a0,7(a1)", 0x00758503, .a1 = 0x18000ull, .x = 0xffffffffffffff88ull, .chk = CK_X },
    { "lh a0,6(a1)", 0x00659503, .a1 = 0x18000ull, .x = 0xffffffffffff8877ull, .chk = CK_X },
    { "lw a0,4(a1)", 0x0045a503, .a1 = 0x18000ull, .x = 0xffffffff88776655ull, .chk = CK_X },
    { "ld a0,0(a1)", 0x0005b503, .a1 = 0x18000ull, .x = 0x8877665544332211ull, .chk = CK_X },
    { "lbu a0,7(a1)", 0x0075c503, .a1 = 0x18000ull, .x = 0x88ull, .chk = CK_X },
    { "lhu a0,6(a1)", 0x0065d503, .a1 = 0x18000ull, .x = 0x8877ull, .chk = CK_X },
    { "lwu a0,4(a1)", 0x0045e503, .a1 = 0x18000ull, .x = 0x88776655ull, .chk = CK_X },
    { "sb a2,1(a1)", 0x00c580a3, .a1 = 0x18000ull, .a2 = 0xabull, .mem = 0x887766554433ab11ull, .chk = CK_MEM },
    { "sh a2,2(a1)", 0x00c59123, .a1 = 0x18000ull, .a2 = 0xabcdull, .mem = 0x88776655abcd2211ull, .chk = CK_MEM },
    { "sw a2,4(a1)", 0x00c5a223, .a1 = 0x18000ull, .a2 = 0x12345678abcdef01ull, .mem = 0xabcdef0144332211ull, .chk = CK_MEM },
    { "sd a2,0(a1)", 0x00c5b023, .a1 = 0x18000ull, .a2 = 0x123456789abcdefull, .mem = 0x123456789abcdefull, .chk = CK_MEM },
    { "addi a0,a1,-2048", 0x80058513, .a1 = 0x1ull, .x = 0xfffffffffffff801ull, .chk = CK_X },
    { "slti a0,a1,-1", 0xfff5a513, .a1 = 0xfffffffffffffffeull, .x = 0x1ull, .chk = CK_X },
    { "sltiu a0,a1,-1", 0xfff5b513, .a1 = 0x5ull, .x = 0x1ull, .chk = CK_X },
    { "xori a0,a1,-1", 0xfff5c513, .a1 = 0xf0ull, .x = 0xffffffffffffff0full, .chk = CK_X },
    { "ori a0,a1,0x70f", 0x70f5e513, .a1 = 0xf0ull, .x = 0x7ffull, .chk = CK_X },
    { "andi a0,a1,-16", 0xff05f513, .a1 = 0x12345ull, .x = 0x12340ull, .chk = CK_X },
    { "slli a0,a1,63", 0x03f59513, .a1 = 0x3ull, .x = 0x8000000000000000ull, .chk = CK_X },
    { "srli a0,a1,60", 0x03c5d513, .a1 = 0xffffffffffffffffull, .x = 0xfull, .chk = CK_X },
    { "srai a0,a1,60", 0x43c5d513, .a1 = 0x8000000000000000ull, .x = 0xfffffffffffffff8ull, .chk = CK_X },
    { "add a0,a1,a2", 0x00c58533, .a1 = 0xffffffffffffffffull, .a2 = 0x2ull, .x = 0x1ull, .chk = CK_X },
    { "sub a0,a1,a2", 0x40c58533, .a1 = 0x1ull, .a2 = 0x2ull, .x = 0xffffffffffffffffull, .chk = CK_X },
    { "sll a0,a1,a2", 0x00c59533, .a1 = 0x1ull, .a2 = 0x41ull, .x = 0x2ull, .chk = CK_X },
    { "slt a0,a1,a2", 0x00c5a533, .a1 = 0xfffffffffffffffbull, .a2 = 0x3ull, .x = 0x1ull, .chk = CK_X },
    { "sltu a0,a1,a2", 0x00c5b533, .a1 = 0xfffffffffffffffbull, .a2 = 0x3ull, .x = 0x0ull, .chk = CK_X },
    { "xor a0,a1,a2", 0x00c5c533, .a1 = 0xff00ull, .a2 = 0xff0ull, .x = 0xf0f0ull, .chk = CK_X },
    { "srl a0,a1,a2", 0x00c5d533, .a1 = 0x8000000000000000ull, .a2 = 0x3full, .x = 0x1ull, .chk = CK_X },
    { "sra a0,a1,a2", 0x40c5d533, .a1 = 0x8000000000000000ull, .a2 = 0x3eull, .x = 0xfffffffffffffffeull, .chk = CK_X },
    { "or a0,a1,a2", 0x00c5e533, .a1 = 0xff00ull, .a2 = 0xff0ull, .x = 0xfff0ull, .chk = CK_X },
    { "and a0,a1,a2", 0x00c5f533, .a1 = 0xff00ull, .a2 = 0xff0ull, .x = 0xf00ull, .chk = CK_X },
    { "addiw a0,a1,1", 0x0015851b, .a1 = 0x7fffffffull, .x = 0xffffffff80000000ull, .chk = CK_X },
    { "slliw a0,a1,31", 0x01f5951b, .a1 = 0x1ull, .x = 0xffffffff80000000ull, .chk = CK_X },
    { "srliw a0,a1,4", 0x0045d51b, .a1 = 0xffffffffffffffffull, .x = 0xfffffffull, .chk = CK_X },
    { "sraiw a0,a1,4", 0x4045d51b, .a1 = 0x80000000ull, .x = 0xfffffffff8000000ull, .chk = CK_X },
    { "addw a0,a1,a2", 0x00c5853b, .a1 = 0xffffffffull, .a2 = 0x1ull, .x = 0x0ull, .chk = CK_X },
    { "subw a0,a1,a2", 0x40c5853b, .a1 = 0x0ull, .a2 = 0x1ull, .x = 0xffffffffffffffffull, .chk = CK_X },
    { "sllw a0,a1,a2", 0x00c5953b, .a1 = 0x1ull, .a2 = 0x3full, .x = 0xffffffff80000000ull, .chk = CK_X },
    { "srlw a0,a1,a2", 0x00c5d53b, .a1 = 0x80000000ull, .a2 = 0x1full, .x = 0x1ull, .chk = CK_X },
    { "sraw a0,a1,a2", 0x40c5d53b, .a1 = 0x80000000ull, .a2 = 0x1full, .x = 0xffffffffffffffffull, .chk = CK_X },
    { "fence rw,rw", 0x0330000f, .pc = 0x10004ull, .chk = CK_PC },
    { "fence.i", 0x0000100f, .pc = 0x10004ull, .chk = CK_PC },
    { "ecall", 0x00000073, .pc = 0x10000ull, .stop = HART_STOP_ECALL, .chk = CK_PC },
    { "ebreak", 0x00100073, .pc = 0x10000ull, .stop = HART_STOP_EBREAK, .chk = CK_PC },
    { "csrrw a0,frm,a2", 0x00261573, .a2 = 0x3ull, .x = 0x0ull, .frm = 3, .chk = CK_X|CK_FRM },
    { "csrrs a0,fflags,a2", 0x00162573, .a2 = 0x5ull, .x = 0x0ull, .flags = 5, .chk = CK_X|CK_FLAGS },
    { "csrrc a0,frm,a2", 0x00263573, .a2 = 0x1ull, .x = 0x3ull, .frm = 2, .frm_in = 3, .chk = CK_X|CK_FRM },
    { "csrrwi a0,frm,2", 0x00215573, .x = 0x1ull, .frm = 2, .frm_in = 1, .chk = CK_X|CK_FRM },
    { "csrrsi a0,fcsr,3", 0x0031e573, .x = 0x40ull, .flags = 3, .frm = 2, .frm_in = 2, .chk = CK_X|CK_FLAGS|CK_FRM },
    { "csrrci a0,frm,1", 0x0020f573, .x = 0x3ull, .frm = 2, .frm_in = 3, .chk = CK_X|CK_FRM },
    { "mul a0,a1,a2", 0x02c58533, .a1 = 0xfffffffffffffffdull, .a2 = 0x7ull, .x = 0xffffffffffffffebull, .chk = CK_X },
    { "mulh a0,a1,a2", 0x02c59533, .a1 = 0xffffffffffffffffull, .a2 = 0xffffffffffffffffull, .x = 0x0ull, .chk = CK_X },
    { "mulhsu a0,a1,a2", 0x02c5a533, .a1 = 0xffffffffffffffffull, .a2 = 0xffffffffffffffffull, .x = 0xffffffffffffffffull, .chk = CK_X },
    { "mulhu a0,a1,a2", 0x02c5b533, .a1 = 0xffffffffffffffffull, .a2 = 0xffffffffffffffffull, .x = 0xfffffffffffffffeull, .chk = CK_X },
    { "div a0,a1,a2", 0x02c5c533, .a1 = 0x8000000000000000ull, .a2 = 0xffffffffffffffffull, .x = 0x8000000000000000ull, .chk = CK_X },
    { "divu a0,a1,a2", 0x02c5d533, .a1 = 0x7ull, .a2 = 0x0ull, .x = 0xffffffffffffffffull, .chk = CK_X },
    { "rem a0,a1,a2", 0x02c5e533, .a1 = 0xfffffffffffffff9ull, .a2 = 0x2ull, .x = 0xffffffffffffffffull, .chk = CK_X },
    { "remu a0,a1,a2", 0x02c5f533, .a1 = 0x7ull, .a2 = 0x0ull, .x = 0x7ull, .chk = CK_X },
    { "mulw a0,a1,a2", 0x02c5853b, .a1 = 0x10000ull, .a2 = 0x10000ull, .x = 0x0ull, .chk = CK_X },
    { "divw a0,a1,a2", 0x02c5c53b, .a1 = 0x80000000ull, .a2 = 0xffffffffffffffffull, .x = 0xffffffff80000000ull, .chk = CK_X },
    { "divuw a0,a1,a2", 0x02c5d53b, .a1 = 0xffffffffffffffffull, .a2 = 0x2ull, .x = 0x7fffffffull, .chk = CK_X },
    { "remw a0,a1,a2", 0x02c5e53b, .a1 = 0xfffffffffffffff9ull, .a2 = 0x0ull, .x = 0xfffffffffffffff9ull, .chk = CK_X },
    { "remuw a0,a1,a2", 0x02c5f53b, .a1 = 0x100000007ull, .a2 = 0x4ull, .x = 0x3ull, .chk = CK_X },
    { "lr.w a0,(a1)", 0x1005a52f, .a1 = 0x18000ull, .x = 0x44332211ull, .chk = CK_X },
    { "sc.w a0,a2,(a1)", 0x18c5a52f, .a1 = 0x18000ull, .a2 = 0x5ull, .x = 0x1ull, .mem = 0x8877665544332211ull, .chk = CK_X|CK_MEM },
    { "amoswap.w a0,a2,(a1)", 0x08c5a52f, .a1 = 0x18000ull, .a2 = 0xdeadbeefull, .x = 0x44332211ull, .mem = 0x88776655deadbeefull, .chk = CK_X|CK_MEM },
    { "amoadd.w a0,a2,(a1)", 0x00c5a52f, .a1 = 0x18000ull, .a2 = 0xffffffffull, .x = 0x44332211ull, .mem = 0x8877665544332210ull, .chk = CK_X|CK_MEM },
    { "amoxor.w a0,a2,(a1)", 0x20c5a52f, .a1 = 0x18000ull, .a2 = 0xffull, .x = 0x44332211ull, .mem = 0x88776655443322eeull, .chk = CK_X|CK_MEM },
    { "amoand.w a0,a2,(a1)", 0x60c5a52f, .a1 = 0x18000ull, .a2 = 0xffull, .x = 0x44332211ull, .mem = 0x8877665500000011ull, .chk = CK_X|CK_MEM },
    { "amoor.w a0,a2,(a1)", 0x40c5a52f, .a1 = 0x18000ull, .a2 = 0xff000000ull, .x = 0x44332211ull, .mem = 0x88776655ff332211ull, .chk = CK_X|CK_MEM },
    { "amomin.w a0,a2,(a1)", 0x80c5a52f, .a1 = 0x18000ull, .a2 = 0x80000000ull, .x = 0x44332211ull, .mem = 0x8877665580000000ull, .chk = CK_X|CK_MEM },
    { "amomax.w.aq a0,a2,(a1)", 0xa4c5a52f, .a1 = 0x18000ull, .a2 = 0x80000000ull, .x = 0x44332211ull, .mem = 0x8877665544332211ull, .chk = CK_X|CK_MEM },
    { "amominu.w.rl a0,a2,(a1)", 0xc2c5a52f, .a1 = 0x18000ull, .a2 = 0x80000000ull, .x = 0x44332211ull, .mem = 0x8877665544332211ull, .chk = CK_X|CK_MEM },
    { "amomaxu.w.aqrl a0,a2,(a1)", 0xe6c5a52f, .a1 = 0x18000ull, .a2 = 0x80000000ull, .x = 0x44332211ull, .mem = 0x8877665580000000ull, .chk = CK_X|CK_MEM },
    { "lr.d.aq a0,(a1)", 0x1405b52f, .a1 = 0x18000ull, .x = 0x8877665544332211ull, .chk = CK_X },
    { "sc.d a0,a2,(a1)", 0x18c5b52f, .a1 = 0x18000ull, .a2 = 0x5ull, .x = 0x1ull, .mem = 0x8877665544332211ull, .chk = CK_X|CK_MEM },
    { "amoswap.d a0,a2,(a1)", 0x08c5b52f, .a1 = 0x18000ull, .a2 = 0x1ull, .x = 0x8877665544332211ull, .mem = 0x1ull, .chk = CK_X|CK_MEM },
    { "amoadd.d a0,a2,(a1)", 0x00c5b52f, .a1 = 0x18000ull, .a2 = 0x1ull, .x = 0x8877665544332211ull, .mem = 0x8877665544332212ull, .chk = CK_X|CK_MEM },
    { "amoxor.d a0,a2,(a1)", 0x20c5b52f, .a1 = 0x18000ull, .a2 = 0x8877665544332211ull, .x = 0x8877665544332211ull, .mem = 0x0ull, .chk = CK_X|CK_MEM },
    { "amoand.d a0,a2,(a1)", 0x60c5b52f, .a1 = 0x18000ull, .a2 = 0xffull, .x = 0x8877665544332211ull, .mem = 0x11ull, .chk = CK_X|CK_MEM },
    { "amoor.d a0,a2,(a1)", 0x40c5b52f, .a1 = 0x18000ull, .a2 = 0xffull, .x = 0x8877665544332211ull, .mem = 0x88776655443322ffull, .chk = CK_X|CK_MEM },
    { "amomin.d a0,a2,(a1)", 0x80c5b52f, .a1 = 0x18000ull, .a2 = 0x1ull, .x = 0x8877665544332211ull, .mem = 0x8877665544332211ull, .chk = CK_X|CK_MEM },
    { "amomax.d a0,a2,(a1)", 0xa0c5b52f, .a1 = 0x18000ull, .a2 = 0x1ull, .x = 0x8877665544332211ull, .mem = 0x1ull, .chk = CK_X|CK_MEM },
    { "amominu.d a0,a2,(a1)", 0xc0c5b52f, .a1 = 0x18000ull, .a2 = 0x1ull, .x = 0x8877665544332211ull, .mem = 0x1ull, .chk = CK_X|CK_MEM },
    { "amomaxu.d a0,a2,(a1)", 0xe0c5b52f, .a1 = 0x18000ull, .a2 = 0x1ull, .x = 0x8877665544332211ull, .mem = 0x8877665544332211ull, .chk = CK_X|CK_MEM },
    { "flw fa0,4(a1)", 0x0045a507, .a1 = 0x18000ull, .f = 0xffffffff88776655ull, .chk = CK_F },
    { "fsw fa2,0(a1)", 0x00c5a027, .a1 = 0x18000ull, .f2 = 0xffffffff3f800000ull, .mem = 0x887766553f800000ull, .chk = CK_MEM },
    { "fmadd.s fa0,fa1,fa2,fa3", 0x68c5f543, .f1 = 0xffffffff40000000ull, .f2 = 0xffffffff40400000ull, .f3 = 0xffffffff3f800000ull, .f = 0xffffffff40e00000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fmsub.s fa0,fa1,fa2,fa3", 0x68c5f547, .f1 = 0xffffffff40000000ull, .f2 = 0xffffffff40400000ull, .f3 = 0xffffffff3f800000ull, .f = 0xffffffff40a00000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fnmsub.s fa0,fa1,fa2,fa3", 0x68c5f54b, .f1 = 0xffffffff40000000ull, .f2 = 0xffffffff40400000ull, .f3 = 0xffffffff3f800000ull, .f = 0xffffffffc0a00000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fnmadd.s fa0,fa1,fa2,fa3", 0x68c5f54f, .f1 = 0xffffffff40000000ull, .f2 = 0xffffffff40400000ull, .f3 = 0xffffffff3f800000ull, .f = 0xffffffffc0e00000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fadd.s fa0,fa1,fa2", 0x00c5f553, .f1 = 0xffffffff3fc00000ull, .f2 = 0xffffffff40100000ull, .f = 0xffffffff40700000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fsub.s fa0,fa1,fa2", 0x08c5f553, .f1 = 0xffffffff3fc00000ull, .f2 = 0xffffffff40100000ull, .f = 0xffffffffbf400000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fmul.s fa0,fa1,fa2", 0x10c5f553, .f1 = 0xffffffff3fc00000ull, .f2 = 0xffffffffc0000000ull, .f = 0xffffffffc0400000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fdiv.s fa0,fa1,fa2", 0x18c5f553, .f1 = 0xffffffff3f800000ull, .f2 = 0xffffffff00000000ull, .f = 0xffffffff7f800000ull, .flags = 8, .chk = CK_F|CK_FLAGS },
    { "fsqrt.s fa0,fa1", 0x5805f553, .f1 = 0xffffffffbf800000ull, .f = 0xffffffff7fc00000ull, .flags = 16, .chk = CK_F|CK_FLAGS },
    { "fsgnj.s fa0,fa1,fa2", 0x20c58553, .f1 = 0xffffffff3f800000ull, .f2 = 0xffffffffc0000000ull, .f = 0xffffffffbf800000ull, .chk = CK_F },
    { "fsgnjn.s fa0,fa1,fa2", 0x20c59553, .f1 = 0xffffffff3f800000ull, .f2 = 0xffffffffc0000000ull, .f = 0xffffffff3f800000ull, .chk = CK_F },
    { "fsgnjx.s fa0,fa1,fa2", 0x20c5a553, .f1 = 0xffffffffbf800000ull, .f2 = 0xffffffffc0000000ull, .f = 0xffffffff3f800000ull, .chk = CK_F },
    { "fmin.s fa0,fa1,fa2", 0x28c58553, .f1 = 0xffffffff80000000ull, .f2 = 0xffffffff00000000ull, .f = 0xffffffff80000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fmax.s fa0,fa1,fa2", 0x28c59553, .f1 = 0xffffffff80000000ull, .f2 = 0xffffffff00000000ull, .f = 0xffffffff00000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fcvt.w.s a0,fa1,rtz", 0xc0059553, .f1 = 0xffffffffc0300000ull, .x = 0xfffffffffffffffeull, .flags = 1, .chk = CK_X|CK_FLAGS },
    { "fcvt.wu.s a0,fa1,rtz", 0xc0159553, .f1 = 0xffffffffbf800000ull, .x = 0x0ull, .flags = 16, .chk = CK_X|CK_FLAGS },
    { "fcvt.l.s a0,fa1,rdn", 0xc025a553, .f1 = 0xffffffffc0100000ull, .x = 0xfffffffffffffffdull, .flags = 1, .chk = CK_X|CK_FLAGS },
    { "fcvt.lu.s a0,fa1,rup", 0xc035b553, .f1 = 0xffffffff40100000ull, .x = 0x3ull, .flags = 1, .chk = CK_X|CK_FLAGS },
    { "fmv.x.w a0,fa1", 0xe0058553, .f1 = 0xffffffff80000000ull, .x = 0xffffffff80000000ull, .chk = CK_X },
    { "feq.s a0,fa1,fa2", 0xa0c5a553, .f1 = 0xffffffff80000000ull, .f2 = 0xffffffff00000000ull, .x = 0x1ull, .flags = 0, .chk = CK_X|CK_FLAGS },
    { "flt.s a0,fa1,fa2", 0xa0c59553, .f1 = 0xffffffff3f800000ull, .f2 = 0xffffffff7fc00000ull, .x = 0x0ull, .flags = 16, .chk = CK_X|CK_FLAGS },
    { "fle.s a0,fa1,fa2", 0xa0c58553, .f1 = 0xffffffff40000000ull, .f2 = 0xffffffff40000000ull, .x = 0x1ull, .flags = 0, .chk = CK_X|CK_FLAGS },
    { "fclass.s a0,fa1", 0xe0059553, .f1 = 0xffffffffff800000ull, .x = 0x1ull, .chk = CK_X },
    { "fcvt.s.w fa0,a1", 0xd005f553, .a1 = 0xfffffffffffffffdull, .f = 0xffffffffc0400000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fcvt.s.wu fa0,a1", 0xd015f553, .a1 = 0xffffffffull, .f = 0xffffffff4f800000ull, .flags = 1, .chk = CK_F|CK_FLAGS },
    { "fcvt.s.l fa0,a1,rtz", 0xd0259553, .a1 = 0x1000001ull, .f = 0xffffffff4b800000ull, .flags = 1, .chk = CK_F|CK_FLAGS },
    { "fcvt.s.lu fa0,a1,rup", 0xd035b553, .a1 = 0x1000001ull, .f = 0xffffffff4b800001ull, .flags = 1, .chk = CK_F|CK_FLAGS },
    { "fmv.w.x fa0,a1", 0xf0058553, .a1 = 0x123456789abcdef0ull, .f = 0xffffffff9abcdef0ull, .chk = CK_F },
    { "fld fa0,0(a1)", 0x0005b507, .a1 = 0x18000ull, .f = 0x8877665544332211ull, .chk = CK_F },
    { "fsd fa2,0(a1)", 0x00c5b027, .a1 = 0x18000ull, .f2 = 0x3ff0000000000000ull, .mem = 0x3ff0000000000000ull, .chk = CK_MEM },
    { "fmadd.d fa0,fa1,fa2,fa3", 0x6ac5f543, .f1 = 0x4000000000000000ull, .f2 = 0x4008000000000000ull, .f3 = 0x3ff0000000000000ull, .f = 0x401c000000000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fmsub.d fa0,fa1,fa2,fa3", 0x6ac5f547, .f1 = 0x4000000000000000ull, .f2 = 0x4008000000000000ull, .f3 = 0x3ff0000000000000ull, .f = 0x4014000000000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fnmsub.d fa0,fa1,fa2,fa3", 0x6ac5f54b, .f1 = 0x4000000000000000ull, .f2 = 0x4008000000000000ull, .f3 = 0x3ff0000000000000ull, .f = 0xc014000000000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fnmadd.d fa0,fa1,fa2,fa3", 0x6ac5f54f, .f1 = 0x4000000000000000ull, .f2 = 0x4008000000000000ull, .f3 = 0x3ff0000000000000ull, .f = 0xc01c000000000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fadd.d fa0,fa1,fa2", 0x02c5f553, .f1 = 0x3ff0000000000000ull, .f2 = 0x3ca0000000000000ull, .f = 0x3ff0000000000000ull, .flags = 1, .chk = CK_F|CK_FLAGS },
    { "fsub.d fa0,fa1,fa2", 0x0ac5f553, .f1 = 0x7ff0000000000000ull, .f2 = 0x7ff0000000000000ull, .f = 0x7ff8000000000000ull, .flags = 16, .chk = CK_F|CK_FLAGS },
    { "fmul.d fa0,fa1,fa2", 0x12c5f553, .f1 = 0x7e70000000000000ull, .f2 = 0x4630000000000000ull, .f = 0x7ff0000000000000ull, .flags = 5, .chk = CK_F|CK_FLAGS },
    { "fdiv.d fa0,fa1,fa2", 0x1ac5f553, .f1 = 0x3ff0000000000000ull, .f2 = 0x4008000000000000ull, .f = 0x3fd5555555555555ull, .flags = 1, .chk = CK_F|CK_FLAGS },
    { "fsqrt.d fa0,fa1", 0x5a05f553, .f1 = 0x4002000000000000ull, .f = 0x3ff8000000000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fsgnj.d fa0,fa1,fa2", 0x22c58553, .f1 = 0x3ff0000000000000ull, .f2 = 0xc000000000000000ull, .f = 0xbff0000000000000ull, .chk = CK_F },
    { "fsgnjn.d fa0,fa1,fa2", 0x22c59553, .f1 = 0x3ff0000000000000ull, .f2 = 0xc000000000000000ull, .f = 0x3ff0000000000000ull, .chk = CK_F },
    { "fsgnjx.d fa0,fa1,fa2", 0x22c5a553, .f1 = 0xbff0000000000000ull, .f2 = 0xc000000000000000ull, .f = 0x3ff0000000000000ull, .chk = CK_F },
    { "fmin.d fa0,fa1,fa2", 0x2ac58553, .f1 = 0x7ff8000000000000ull, .f2 = 0x4008000000000000ull, .f = 0x4008000000000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fmax.d fa0,fa1,fa2", 0x2ac59553, .f1 = 0x7ff0000000000001ull, .f2 = 0x4008000000000000ull, .f = 0x4008000000000000ull, .flags = 16, .chk = CK_F|CK_FLAGS },
    { "fcvt.s.d fa0,fa1", 0x4015f553, .f1 = 0x3ff0000000400000ull, .f = 0xffffffff3f800000ull, .flags = 1, .chk = CK_F|CK_FLAGS },
    { "fcvt.d.s fa0,fa1", 0x42058553, .f1 = 0xffffffffbfc00000ull, .f = 0xbff8000000000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "feq.d a0,fa1,fa2", 0xa2c5a553, .f1 = 0x7ff0000000000001ull, .f2 = 0x3ff0000000000000ull, .x = 0x0ull, .flags = 16, .chk = CK_X|CK_FLAGS },
    { "flt.d a0,fa1,fa2", 0xa2c59553, .f1 = 0xbff0000000000000ull, .f2 = 0x3ff0000000000000ull, .x = 0x1ull, .flags = 0, .chk = CK_X|CK_FLAGS },
    { "fle.d a0,fa1,fa2", 0xa2c58553, .f1 = 0x3ff0000000000000ull, .f2 = 0xbff0000000000000ull, .x = 0x0ull, .flags = 0, .chk = CK_X|CK_FLAGS },
    { "fclass.d a0,fa1", 0xe2059553, .f1 = 0x7ff8000000000000ull, .x = 0x200ull, .chk = CK_X },
    { "fcvt.w.d a0,fa1", 0xc205f553, .f1 = 0x4004000000000000ull, .x = 0x2ull, .flags = 1, .chk = CK_X|CK_FLAGS },
    { "fcvt.wu.d a0,fa1,rtz", 0xc2159553, .f1 = 0x41f0000000000000ull, .x = 0xffffffffffffffffull, .flags = 16, .chk = CK_X|CK_FLAGS },
    { "fcvt.l.d a0,fa1,rtz", 0xc2259553, .f1 = 0x7ff8000000000000ull, .x = 0x7fffffffffffffffull, .flags = 16, .chk = CK_X|CK_FLAGS },
    { "fcvt.lu.d a0,fa1,rtz", 0xc2359553, .f1 = 0xbfe0000000000000ull, .x = 0x0ull, .flags = 1, .chk = CK_X|CK_FLAGS },
    { "fcvt.d.w fa0,a1", 0xd2058553, .a1 = 0xffffffff80000000ull, .f = 0xc1e0000000000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fcvt.d.wu fa0,a1", 0xd2158553, .a1 = 0xffffffff80000000ull, .f = 0x41e0000000000000ull, .flags = 0, .chk = CK_F|CK_FLAGS },
    { "fcvt.d.l fa0,a1", 0xd225f553, .a1 = 0x20000000000001ull, .f = 0x4340000000000000ull, .flags = 1, .chk = CK_F|CK_FLAGS },
    { "fcvt.d.lu fa0,a1", 0xd235f553, .a1 = 0xffffffffffffffffull, .f = 0x43f0000000000000ull, .flags = 1, .chk = CK_F|CK_FLAGS },
    { "fmv.x.d a0,fa1", 0xe2058553, .f1 = 0xc000000000000000ull, .x = 0xc000000000000000ull, .chk = CK_X },
    { "fmv.d.x fa0,a1", 0xf2058553, .a1 = 0x4000000000000000ull, .f = 0x4000000000000000ull, .chk = CK_F },
    { "sh1add a0,a1,a2", 0x20c5a533, .a1 = 0x3ull, .a2 = 0x1ull, .x = 0x7ull, .chk = CK_X },
    { "sh2add a0,a1,a2", 0x20c5c533, .a1 = 0x3ull, .a2 = 0x1ull, .x = 0xdull, .chk = CK_X },
    { "sh3add a0,a1,a2", 0x20c5e533, .a1 = 0x3ull, .a2 = 0x1ull, .x = 0x19ull, .chk = CK_X },
    { "add.uw a0,a1,a2", 0x08c5853b, .a1 = 0xffffffffffffffffull, .a2 = 0x1ull, .x = 0x100000000ull, .chk = CK_X },
    { "sh1add.uw a0,a1,a2", 0x20c5a53b, .a1 = 0xffffffffffffffffull, .a2 = 0x0ull, .x = 0x1fffffffeull, .chk = CK_X },
    { "sh2add.uw a0,a1,a2", 0x20c5c53b, .a1 = 0xffffffffffffffffull, .a2 = 0x0ull, .x = 0x3fffffffcull, .chk = CK_X },
    { "sh3add.uw a0,a1,a2", 0x20c5e53b, .a1 = 0xffffffffffffffffull, .a2 = 0x0ull, .x = 0x7fffffff8ull, .chk = CK_X },
    { "slli.uw a0,a1,4", 0x0845951b, .a1 = 0xffffffffffffffffull, .x = 0xffffffff0ull, .chk = CK_X },
    { "andn a0,a1,a2", 0x40c5f533, .a1 = 0xffull, .a2 = 0xfull, .x = 0xf0ull, .chk = CK_X },
    { "orn a0,a1,a2", 0x40c5e533, .a1 = 0x0ull, .a2 = 0xfffffffffffffffeull, .x = 0x1ull, .chk = CK_X },
    { "xnor a0,a1,a2", 0x40c5c533, .a1 = 0xffull, .a2 = 0xfull, .x = 0xffffffffffffff0full, .chk = CK_X },
    { "clz a0,a1", 0x60059513, .a1 = 0x1ull, .x = 0x3full, .chk = CK_X },
    { "ctz a0,a1", 0x60159513, .a1 = 0x0ull, .x = 0x40ull, .chk = CK_X },
    { "cpop a0,a1", 0x60259513, .a1 = 0xffffffffffffffffull, .x = 0x40ull, .chk = CK_X },
    { "clzw a0,a1", 0x6005951b, .a1 = 0xffffffff00000000ull, .x = 0x20ull, .chk = CK_X },
    { "ctzw a0,a1", 0x6015951b, .a1 = 0x100ull, .x = 0x8ull, .chk = CK_X },
    { "cpopw a0,a1", 0x6025951b, .a1 = 0xffffffffffffffffull, .x = 0x20ull, .chk = CK_X },
    { "max a0,a1,a2", 0x0ac5e533, .a1 = 0xffffffffffffffffull, .a2 = 0x1ull, .x = 0x1ull, .chk = CK_X },
    { "maxu a0,a1,a2", 0x0ac5f533, .a1 = 0xffffffffffffffffull, .a2 = 0x1ull, .x = 0xffffffffffffffffull, .chk = CK_X },
    { "min a0,a1,a2", 0x0ac5c533, .a1 = 0xffffffffffffffffull, .a2 = 0x1ull, .x = 0xffffffffffffffffull, .chk = CK_X },
    { "minu a0,a1,a2", 0x0ac5d533, .a1 = 0xffffffffffffffffull, .a2 = 0x1ull, .x = 0x1ull, .chk = CK_X },
    { "sext.b a0,a1", 0x60459513, .a1 = 0x180ull, .x = 0xffffffffffffff80ull, .chk = CK_X },
    { "sext.h a0,a1", 0x60559513, .a1 = 0x18000ull, .x = 0xffffffffffff8000ull, .chk = CK_X },
    { "zext.h a0,a1", 0x0805c53b, .a1 = 0xffffffffffffffffull, .x = 0xffffull, .chk = CK_X },
    { "rol a0,a1,a2", 0x60c59533, .a1 = 0x8000000000000001ull, .a2 = 0x1ull, .x = 0x3ull, .chk = CK_X },
    { "ror a0,a1,a2", 0x60c5d533, .a1 = 0x3ull, .a2 = 0x1ull, .x = 0x8000000000000001ull, .chk = CK_X },
    { "rolw a0,a1,a2", 0x60c5953b, .a1 = 0x80000001ull, .a2 = 0x1ull, .x = 0x3ull, .chk = CK_X },
    { "rorw a0,a1,a2", 0x60c5d53b, .a1 = 0x3ull, .a2 = 0x1ull, .x = 0xffffffff80000001ull, .chk = CK_X },
    { "rori a0,a1,4", 0x6045d513, .a1 = 0x1full, .x = 0xf000000000000001ull, .chk = CK_X },
    { "roriw a0,a1,4", 0x6045d51b, .a1 = 0x1full, .x = 0xfffffffff0000001ull, .chk = CK_X },
    { "orc.b a0,a1", 0x2875d513, .a1 = 0x100800000000002ull, .x = 0xff00ff00000000ffull, .chk = CK_X },
    { "rev8 a0,a1", 0x6b85d513, .a1 = 0x102030405060708ull, .x = 0x807060504030201ull, .chk = CK_X },
};

/* Run one instruction followed by ecalls at CODE with a fresh hart. */
static void run_case(const struct icase *c)
{
    struct mock *m = mock_new();
    struct hart *h = &m->h;
    uint32_t prog[3] = { c->insn, ECALL, ECALL };
    put_words(m, CODE, prog, 3);
    put64(m, DATA, MEMV);
    h->x[10] = 0x5a5a5a5a5a5a5a5aull;
    h->x[11] = c->a1;
    h->x[12] = c->a2;
    h->f[11] = c->f1;
    h->f[12] = c->f2;
    h->f[13] = c->f3;
    hart_set_frm(h, c->frm_in);
    enum hart_stop s = hart_run(h, 100);
    int want_stop = c->stop ? c->stop : HART_STOP_ECALL;
    ck_assert_msg((int)s == want_stop, "%s: stop %d, want %d (cause %u tval %#lx)", c->text, s,
                  want_stop, h->cause, (unsigned long)h->tval);
    if (c->chk & CK_X)
        ck_assert_msg(h->x[10] == c->x, "%s: x10 = %#lx, want %#lx", c->text,
                      (unsigned long)h->x[10], (unsigned long)c->x);
    if (c->chk & CK_F)
        ck_assert_msg(h->f[10] == c->f, "%s: f10 = %#lx, want %#lx", c->text,
                      (unsigned long)h->f[10], (unsigned long)c->f);
    if (c->chk & CK_MEM)
        ck_assert_msg(get64(m, DATA) == c->mem, "%s: mem = %#lx, want %#lx", c->text,
                      (unsigned long)get64(m, DATA), (unsigned long)c->mem);
    if (c->chk & CK_PC)
        ck_assert_msg(h->pc == c->pc, "%s: pc = %#lx, want %#lx", c->text,
                      (unsigned long)h->pc, (unsigned long)c->pc);
    if (c->chk & CK_FLAGS)
        ck_assert_msg(h->fflags == c->flags, "%s: fflags = %#x, want %#x", c->text, h->fflags,
                      c->flags);
    if (c->chk & CK_FRM)
        ck_assert_msg(h->frm == c->frm, "%s: frm = %u, want %u", c->text, h->frm, c->frm);
    ck_assert_uint_eq(h->x[0], 0);
    mock_free(m);
}

START_TEST(every_row_executes)
{
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        run_case(&cases[i]);
}
END_TEST

START_TEST(every_row_is_covered)
{
    /* Each table row is matched by the encoding of at least one case, and
     * each case decodes to the row its mnemonic names. */
    bool seen[RV_NUM_OPS] = { false };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int op = rv_insn_lookup(cases[i].insn);
        ck_assert_msg(op >= RV_FIRST_INSN, "%s does not decode", cases[i].text);
        const char *name = rv_insn_table[op].name;
        size_t n = strlen(name);
        ck_assert_msg(strncmp(cases[i].text, name, n) == 0 &&
                          (cases[i].text[n] == ' ' || cases[i].text[n] == '.' || !cases[i].text[n]),
                      "%s decodes as %s", cases[i].text, name);
        seen[op] = true;
    }
    for (int op = RV_FIRST_INSN; op < RV_NUM_OPS; op++)
        ck_assert_msg(seen[op], "row %s has no test", rv_insn_table[op].name);
}
END_TEST

/* ---- Compressed ---- */

static const struct { uint16_t c; uint32_t e; const char *text; } rvc[] = {
    { 0x1fe8, 0x3fc10513, "c.addi4spn a0,sp,1020" },
    { 0x3de8, 0x0f85b507, "c.fld fa0,248(a1)" },
    { 0x5cfc, 0x07c4a783, "c.lw a5,124(s1)" },
    { 0x7fe8, 0x0f87b503, "c.ld a0,248(a5)" },
    { 0xa604, 0x00963427, "c.fsd fs1,8(a2)" },
    { 0xc1a8, 0x04a5a023, "c.sw a0,64(a1)" },
    { 0xe6c0, 0x0886b423, "c.sd s0,136(a3)" },
    { 0x0001, 0x00000013, "c.nop" },
    { 0x1501, 0xfe050513, "c.addi a0,-32" },
    { 0x237d, 0x01f3031b, "c.addiw t1,31" },
    { 0x57fd, 0xfff00793, "c.li a5,-1" },
    { 0x7101, 0xe0010113, "c.addi16sp sp,-512" },
    { 0x617d, 0x1f010113, "c.addi16sp sp,496" },
    { 0x7501, 0xfffe0537, "c.lui a0,0xfffe0" },
    { 0x62fd, 0x0001f2b7, "c.lui t0,0x1f" },
    { 0x917d, 0x03f55513, "c.srli a0,63" },
    { 0x8485, 0x4014d493, "c.srai s1,1" },
    { 0x9a7d, 0xfff67613, "c.andi a2,-1" },
    { 0x8d0d, 0x40b50533, "c.sub a0,a1" },
    { 0x8c3d, 0x00f44433, "c.xor s0,a5" },
    { 0x8ed9, 0x00e6e6b3, "c.or a3,a4" },
    { 0x8f75, 0x00d77733, "c.and a4,a3" },
    { 0x9d0d, 0x40b5053b, "c.subw a0,a1" },
    { 0x9e25, 0x0096063b, "c.addw a2,s1" },
    { 0xb001, 0x801ff06f, "c.j .-2048" },
    { 0xaffd, 0x7fe0006f, "c.j .+2046" },
    { 0xd101, 0xf00500e3, "c.beqz a0,.-256" },
    { 0xecfd, 0x0e049f63, "c.bnez s1,.+254" },
    { 0x1386, 0x02139393, "c.slli t2,33" },
    { 0x347e, 0x1f813407, "c.fldsp fs0,504(sp)" },
    { 0x50fe, 0x0fc12083, "c.lwsp ra,252(sp)" },
    { 0x757e, 0x1f813503, "c.ldsp a0,504(sp)" },
    { 0x8082, 0x00008067, "c.jr ra" },
    { 0x857e, 0x01f00533, "c.mv a0,t6" },
    { 0x9002, 0x00100073, "c.ebreak" },
    { 0x9782, 0x000780e7, "c.jalr a5" },
    { 0x994e, 0x01390933, "c.add s2,s3" },
    { 0xbfee, 0x1fb13c27, "c.fsdsp fs11,504(sp)" },
    { 0xdf96, 0x0e512e23, "c.swsp t0,252(sp)" },
    { 0xffc6, 0x1f113c23, "c.sdsp a7,504(sp)" },
};

START_TEST(compressed_expansions)
{
    for (size_t i = 0; i < ARRAY_SIZE(rvc); i++)
        ck_assert_msg(rv_expand_compressed(rvc[i].c) == rvc[i].e, "%s: %#x, want %#x",
                      rvc[i].text, rv_expand_compressed(rvc[i].c), rvc[i].e);
}
END_TEST

/* The fast loop gives a 16-bit dispatch entry only to RV_RVC_OP's ops:
 * every 16-bit encoding must decode to one of them. */
START_TEST(compressed_ops_listed)
{
    unsigned n = 0;
    for (uint32_t c = 0; c < 0x10000; c++) {
        if ((c & 3) == 3)
            continue;       /* a 32-bit instruction's low half */
        struct rv_dinsn d;
        memset(&d, 0, sizeof(d));
        rv_decode_raw(&d, c);
        ck_assert_uint_eq(d.len, 2);
        ck_assert_msg(RV_RVC_OP(d.op), "%#06x decodes to op %d, not in RV_RVC_OP", c, d.op);
        n++;
    }
    ck_assert_uint_eq(n, 49152);
}
END_TEST

START_TEST(compressed_reserved)
{
    /* Reserved / illegal encodings (spec: RVC opcode map). */
    static const uint16_t bad[] = {
        0x0000,     /* all-zero halfword */
        0x0004,     /* c.addi4spn with nzuimm = 0 */
        0x8000,     /* quadrant 0, funct3 100 */
        0x2001,     /* c.addiw rd = 0 */
        0x6101,     /* c.addi16sp with nzimm = 0 */
        0x6501,     /* c.lui a0 with nzimm = 0 */
        0x9c41,     /* c.subw-space funct2 = 10 (reserved) */
        0x9c61,     /* funct2 = 11 (reserved) */
        0x4002,     /* c.lwsp rd = 0 */
        0x6002,     /* c.ldsp rd = 0 */
        0x8002,     /* c.jr rs1 = 0 */
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        ck_assert_msg(rv_expand_compressed(bad[i]) == 0, "%#x expands", bad[i]);
        struct mock *m = mock_new();
        put16(m, CODE, bad[i]);
        ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_TRAP);
        ck_assert_uint_eq(m->h.cause, CAUSE_ILLEGAL_INSN);
        ck_assert_uint_eq(m->h.tval, bad[i]);
        ck_assert_uint_eq(m->h.pc, CODE);
        ck_assert_uint_eq(m->h.instret, 0);
        mock_free(m);
    }
}
END_TEST

START_TEST(compressed_program)
{
    /* sum = 0; for (i = 5; i != 0; i--) sum += i;  in RVC:
     *   c.li a0,0 ; c.li a1,5 ; loop: c.add a0,a1 ; c.addi a1,-1 ; c.bnez a1,loop ; ecall */
    static const uint16_t prog[] = { 0x4501, 0x4595, 0x952e, 0x15fd, 0xfdf5, 0x0073, 0x0000 };
    struct mock *m = mock_new();
    for (size_t i = 0; i < ARRAY_SIZE(prog); i++)
        put16(m, CODE + 2 * i, prog[i]);
    ck_assert_int_eq(hart_run(&m->h, 1000), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.x[10], 15);
    ck_assert_uint_eq(m->h.pc, CODE + 10);
    ck_assert_uint_eq(m->h.instret, 2 + 5 * 3);
    /* c.ebreak stops with pc at the 2-byte instruction */
    put16(m, CODE + 10, 0x9002);
    hart_icache_flush(&m->h);
    m->h.pc = CODE + 10;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_EBREAK);
    ck_assert_uint_eq(m->h.pc, CODE + 10);
    mock_free(m);
}
END_TEST

/* ---- Illegal instructions and traps ---- */

static void expect_illegal(uint32_t insn, uint32_t frm)
{
    struct mock *m = mock_new();
    uint32_t prog[2] = { insn, ECALL };
    put_words(m, CODE, prog, 2);
    hart_set_frm(&m->h, frm);
    m->h.x[10] = 77;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_TRAP);
    ck_assert_uint_eq(m->h.cause, CAUSE_ILLEGAL_INSN);
    ck_assert_uint_eq(m->h.tval, insn);
    ck_assert_uint_eq(m->h.pc, CODE);
    ck_assert_uint_eq(m->h.x[10], 77);      /* nothing committed */
    ck_assert_uint_eq(m->h.instret, 0);
    mock_free(m);
}

START_TEST(illegal_instructions)
{
    expect_illegal(0xffffffff, 0);
    expect_illegal(0x00c5d553, 0);      /* fadd.s fa0,fa1,fa2 with rm = 5 */
    expect_illegal(0x00c5e553, 0);      /* rm = 6 */
    expect_illegal(0x00c5f553, 5);      /* rm = dyn, frm = 5 */
    expect_illegal(0xc205f553, 7);      /* fcvt.w.d a0,fa1 with dyn and frm = 7 */
    expect_illegal(0xc0059573, 0);      /* csrrw a0,cycle,a1: read-only */
    expect_illegal(0xc025a573, 0);      /* csrrs a0,instret,a1 (rs1 != 0 writes) */
    expect_illegal(0x7c05a573, 0);      /* csrrs a0,0x7c0,a1: no such CSR */
    expect_illegal(0x30002573, 0);      /* csrr a0,mstatus: not in user mode */
    expect_illegal(0x10500073, 0);      /* wfi */
    expect_illegal(0x0000000b, 0);      /* custom-0 */
}
END_TEST

START_TEST(read_only_counters)
{
    /* rdcycle/rdinstret count retired instructions; rdtime asks the host.
     *   nop ; nop ; rdinstret a0 ; rdcycle a1 ; rdtime a2 ; ecall */
    static const uint32_t prog[] = { 0x00000013, 0x00000013, 0xc0202573, 0xc00025f3,
                                     0xc0102673, ECALL };
    struct mock *m = mock_new();
    put_words(m, CODE, prog, ARRAY_SIZE(prog));
    m->time = 123456;
    m->h.instret = 1000;
    m->h.cycle = 2000;
    ck_assert_int_eq(hart_run(&m->h, 100), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.x[10], 1002);
    ck_assert_uint_eq(m->h.x[11], 2003);
    ck_assert_uint_eq(m->h.x[12], 123456);
    ck_assert_uint_eq(m->h.instret, 1005);
    mock_free(m);
}
END_TEST

/* A clock derived from the hart's cycle count, as the kernel's is: rdtime
 * must see the cycles retired so far in the current hart_run. */
static uint64_t clock_from_cycle(void *ctx)
{
    struct mock *m = ctx;
    return m->h.cycle * 10 + m->h.instret;
}

static const struct hart_mem_ops cycle_clock_ops = {.translate = mock_translate,
                                                    .read_time = clock_from_cycle};

START_TEST(rdtime_is_current)
{
    /* rdtime a0 ; 5 x nop ; rdtime a1 ; rdcycle a2 ; rdinstret a3 ;
     * rdtime a4 ; ecall */
    static const uint32_t prog[] = { 0xc0102573, 0x00000013, 0x00000013, 0x00000013,
                                     0x00000013, 0x00000013, 0xc01025f3, 0xc0002673,
                                     0xc02026f3, 0xc0102773, ECALL };
    /* Whole runs (one block, fast loop), a budget per instruction (the
     * single-step loop) and budgets splitting the block at every point. */
    for (uint64_t budget = 1; budget <= 12; budget++) {
        struct mock *m = mock_new();
        put_words(m, CODE, prog, ARRAY_SIZE(prog));
        m->h.ops = &cycle_clock_ops;
        m->h.cycle = 2000;
        m->h.instret = 1000;
        enum hart_stop st;
        while ((st = hart_run(&m->h, budget)) == HART_STOP_BUDGET)
            ;
        ck_assert_int_eq(st, HART_STOP_ECALL);
        ck_assert_uint_eq(m->h.x[10], 2000 * 10 + 1000);
        ck_assert_uint_eq(m->h.x[11], 2006 * 10 + 1006);
        ck_assert_uint_eq(m->h.x[12], 2007);
        ck_assert_uint_eq(m->h.x[13], 1008);
        ck_assert_uint_eq(m->h.x[14], 2009 * 10 + 1009);
        /* and the counters are left as the run retired them */
        ck_assert_uint_eq(m->h.cycle, 2010);
        ck_assert_uint_eq(m->h.instret, 1010);
        mock_free(m);
    }
}
END_TEST

START_TEST(page_faults)
{
    struct mock *m = mock_new();
    /* ld a0,0(a1) from an unmapped page */
    put32(m, CODE, 0x0005b503);
    m->perm[9] = 0;
    m->h.x[11] = DATA + 0x1008;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_TRAP);
    ck_assert_uint_eq(m->h.cause, CAUSE_LOAD_PAGE_FAULT);
    ck_assert_uint_eq(m->h.tval, DATA + 0x1008);
    ck_assert_uint_eq(m->h.pc, CODE);
    /* sd a2,0(a1) to a read-only page */
    m->perm[9] = P_R;
    put32(m, CODE, 0x00c5b023);
    hart_icache_flush(&m->h);
    hart_tlb_flush(&m->h);
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_TRAP);
    ck_assert_uint_eq(m->h.cause, CAUSE_STORE_PAGE_FAULT);
    ck_assert_uint_eq(m->h.tval, DATA + 0x1008);
    /* fetch from a non-executable page */
    m->h.pc = DATA;
    m->perm[8] = P_R | P_W;
    hart_tlb_flush(&m->h);
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_TRAP);
    ck_assert_uint_eq(m->h.cause, CAUSE_FETCH_PAGE_FAULT);
    ck_assert_uint_eq(m->h.tval, DATA);
    ck_assert_uint_eq(m->h.pc, DATA);
    mock_free(m);
}
END_TEST

/* ---- Misaligned accesses ---- */

START_TEST(misaligned_across_pages)
{
    struct mock *m = mock_new();
    uint64_t a = DATA + 0x1000 - 3;     /* 3 bytes on one page, 5 on the next */
    for (int i = 0; i < 8; i++)
        mock_ptr(m, a)[i] = (uint8_t)(0x10 + i);
    /* ld a0,0(a1) ; lw a2,1(a1) ; sd a3,0(a4) ; ecall */
    static const uint32_t prog[] = { 0x0005b503, 0x0015a603, 0x00d73023, ECALL };
    put_words(m, CODE, prog, 4);
    m->h.x[11] = a;
    m->h.x[13] = 0x0102030405060708ull;
    m->h.x[14] = a + 16;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.x[10], 0x1716151413121110ull);
    ck_assert_uint_eq(m->h.x[12], 0x14131211ull);
    ck_assert_uint_eq(get64(m, a + 16), 0x0102030405060708ull);

    /* A straddling store whose second page is read-only commits nothing. */
    m->perm[9] = P_R;
    hart_tlb_flush(&m->h);
    m->h.pc = CODE + 8;
    m->h.x[14] = a;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_TRAP);
    ck_assert_uint_eq(m->h.cause, CAUSE_STORE_PAGE_FAULT);
    ck_assert_uint_eq(m->h.tval, DATA + 0x1000);
    ck_assert_uint_eq(get64(m, a), 0x1716151413121110ull);
    mock_free(m);
}
END_TEST

START_TEST(misaligned_atomics_trap)
{
    struct mock *m = mock_new();
    /* lr.w a0,(a1) */
    put32(m, CODE, 0x1005a52f);
    m->h.x[11] = DATA + 2;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_TRAP);
    ck_assert_uint_eq(m->h.cause, CAUSE_MISALIGNED_LOAD);
    ck_assert_uint_eq(m->h.tval, DATA + 2);
    /* sc.d a0,a2,(a1) */
    put32(m, CODE, 0x18c5b52f);
    hart_icache_flush(&m->h);
    m->h.x[11] = DATA + 4;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_TRAP);
    ck_assert_uint_eq(m->h.cause, CAUSE_MISALIGNED_STORE);
    ck_assert_uint_eq(m->h.tval, DATA + 4);
    /* amoadd.w a0,a2,(a1) */
    put32(m, CODE, 0x00c5a52f);
    hart_icache_flush(&m->h);
    m->h.x[11] = DATA + 1;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_TRAP);
    ck_assert_uint_eq(m->h.cause, CAUSE_MISALIGNED_STORE);
    ck_assert_uint_eq(m->h.tval, DATA + 1);
    mock_free(m);
}
END_TEST

START_TEST(lr_sc)
{
    /* lr.d a0,(a1) ; sc.d a3,a2,(a1) ; sc.d a4,a2,(a1) ;
     * lr.w a0,(a1) ; sc.w a5,a2,(a5') -- a different address fails ; ecall */
    static const uint32_t prog[] = {
        0x1005b52f,     /* lr.d a0,(a1) */
        0x18c5b6af,     /* sc.d a3,a2,(a1) */
        0x18c5b72f,     /* sc.d a4,a2,(a1) */
        0x1005a52f,     /* lr.w a0,(a1) */
        0x18c827af,     /* sc.w a5,a2,(a6) */
        0x18c5a8af,     /* sc.w a7,a2,(a1) -- reservation already cleared */
        ECALL,
    };
    struct mock *m = mock_new();
    put_words(m, CODE, prog, ARRAY_SIZE(prog));
    put64(m, DATA, MEMV);
    m->h.x[11] = DATA;
    m->h.x[12] = 0x1234;
    m->h.x[16] = DATA + 8;
    ck_assert_int_eq(hart_run(&m->h, 100), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.x[13], 0);       /* success */
    ck_assert_uint_eq(m->h.x[14], 1);       /* reservation consumed */
    ck_assert_uint_eq(m->h.x[10], 0x1234);  /* lr.w saw the sc.d store */
    ck_assert_uint_eq(m->h.x[15], 1);
    ck_assert_uint_eq(m->h.x[17], 1);
    ck_assert_uint_eq(get64(m, DATA), 0x1234);
    ck_assert_uint_eq(get64(m, DATA + 8), 0);
    mock_free(m);
}
END_TEST

/* ---- Budgets ---- */

START_TEST(budget_is_exact)
{
    /* li t0,10 ; loop: addi a0,a0,1 ; addi t0,t0,-1 ; bnez t0,loop ; ecall
     * After n instructions (1 <= n <= 31): k = n - 1 loop instructions ran
     * and a0 = ceil(k / 3). */
    static const uint32_t prog[] = { 0x00a00293, 0x00150513, 0xfff28293, 0xfe029ce3, ECALL };
    for (uint64_t n = 1; n <= 31; n++) {
        struct mock *m = mock_new();
        put_words(m, CODE, prog, ARRAY_SIZE(prog));
        ck_assert_int_eq(hart_run(&m->h, n), HART_STOP_BUDGET);
        ck_assert_uint_eq(m->h.instret, n);
        ck_assert_uint_eq(m->h.x[10], (n - 1 + 2) / 3);
        /* The remainder in one go reaches the ecall after 31 in total. */
        ck_assert_int_eq(hart_run(&m->h, 1000), HART_STOP_ECALL);
        ck_assert_uint_eq(m->h.instret, 31);
        ck_assert_uint_eq(m->h.x[10], 10);
        mock_free(m);
    }
    /* Budgets split at every point give the same result. */
    struct mock *m = mock_new();
    put_words(m, CODE, prog, ARRAY_SIZE(prog));
    uint64_t steps = 0;
    while (hart_run(&m->h, 1) == HART_STOP_BUDGET)
        steps++;
    ck_assert_uint_eq(steps, 31);
    ck_assert_uint_eq(m->h.x[10], 10);
    ck_assert_uint_eq(hart_run(&m->h, 0), HART_STOP_BUDGET);
    mock_free(m);
}
END_TEST

START_TEST(stop_request)
{
    /* loop: j loop */
    struct mock *m = mock_new();
    put32(m, CODE, 0x0000006f);
    m->h.stop_request = 1;
    ck_assert_int_eq(hart_run(&m->h, 1000), HART_STOP_REQUEST);
    ck_assert_uint_eq(m->h.instret, 0);
    m->h.stop_request = 0;
    ck_assert_int_eq(hart_run(&m->h, 1000), HART_STOP_BUDGET);
    ck_assert_uint_eq(m->h.instret, 1000);
    ck_assert_uint_eq(m->h.pc, CODE);
    mock_free(m);
}
END_TEST

/* ---- Code across a page boundary ---- */

START_TEST(insn_straddles_page)
{
    /* addi a0,zero,1 at 0x10ffa, then "addi a0,a0,2" straddling
     * 0x10ffe..0x11001, then ecall. */
    struct mock *m = mock_new();
    put32(m, CODE + 0xffa, 0x00100513);
    put16(m, CODE + 0xffe, 0x0513);
    put16(m, CODE + 0x1000, 0x0025);
    put32(m, CODE + 0x1002, ECALL);
    m->h.pc = CODE + 0xffa;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.x[10], 3);
    ck_assert_uint_eq(m->h.pc, CODE + 0x1002);
    ck_assert_uint_eq(m->h.instret, 2);
    /* The second page not executable: fetch fault at the straddler. */
    m->perm[1] = P_R;
    hart_tlb_flush(&m->h);
    m->h.pc = CODE + 0xffa;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_TRAP);
    ck_assert_uint_eq(m->h.cause, CAUSE_FETCH_PAGE_FAULT);
    ck_assert_uint_eq(m->h.pc, CODE + 0xffe);
    ck_assert_uint_eq(m->h.instret, 3);
    mock_free(m);
}
END_TEST

START_TEST(straddler_in_a_loop)
{
    /* 0xff8: addi a0,a0,1; 0xffc: c.nop; 0xffe: auipc a2,0 (straddles);
     * 0x1002: j 0xff8.  Budgets that end just before and just after the
     * straddler, and a straddling jal that links and jumps back. */
    struct mock *m = mock_new();
    put32(m, CODE + 0xff8, 0x00150513);
    put16(m, CODE + 0xffc, 0x0001);
    put16(m, CODE + 0xffe, 0x0617);
    put16(m, CODE + 0x1000, 0x0000);
    put32(m, CODE + 0x1002, 0xff7ff06f);
    m->h.pc = CODE + 0xff8;
    ck_assert_int_eq(hart_run(&m->h, 4 * 100 + 2), HART_STOP_BUDGET);
    ck_assert_uint_eq(m->h.x[10], 101);
    ck_assert_uint_eq(m->h.x[12], CODE + 0xffe);
    ck_assert_uint_eq(m->h.pc, CODE + 0xffe);
    ck_assert_uint_eq(m->h.instret, 402);
    ck_assert_int_eq(hart_run(&m->h, 1), HART_STOP_BUDGET);
    ck_assert_uint_eq(m->h.pc, CODE + 0x1002);
    ck_assert_int_eq(hart_run(&m->h, 4 * 10), HART_STOP_BUDGET);
    ck_assert_uint_eq(m->h.x[10], 111);
    ck_assert_uint_eq(m->h.pc, CODE + 0x1002);
    ck_assert_uint_eq(m->h.instret, 443);
    /* jal ra,0xff8 straddling at 0xffe. */
    put16(m, CODE + 0xffe, 0xf0ef);
    put16(m, CODE + 0x1000, 0xffbf);
    hart_icache_flush(&m->h);
    m->h.pc = CODE + 0xff8;
    m->h.x[10] = 0;
    ck_assert_int_eq(hart_run(&m->h, 30), HART_STOP_BUDGET);
    ck_assert_uint_eq(m->h.x[10], 10);
    ck_assert_uint_eq(m->h.x[1], CODE + 0x1002);
    ck_assert_uint_eq(m->h.pc, CODE + 0xff8);
    mock_free(m);
}
END_TEST

START_TEST(code_on_many_pages)
{
    /* Page i (0..7): addi a0,a0,1 ; j <page i+1>  -- the last jumps back
     * to page 0.  Every block is two instructions on its own page. */
    struct mock *m = mock_new();
    for (int i = 0; i < 8; i++) {
        put32(m, CODE + 0x1000ull * i, 0x00150513);
        put32(m, CODE + 0x1000ull * i + 4, i < 7 ? 0x7fd0006f : 0xffdf806f);
    }
    ck_assert_int_eq(hart_run(&m->h, 16 * 1000 + 1), HART_STOP_BUDGET);
    ck_assert_uint_eq(m->h.x[10], 8 * 1000 + 1);
    ck_assert_uint_eq(m->h.pc, CODE + 4);
    /* decoded once per page: later rounds hit the cache */
    ck_assert_uint_le(m->h.stats.decode_misses, 8);
    ck_assert_uint_le(m->h.stats.stlb_misses, 8);
    mock_free(m);
}
END_TEST

START_TEST(flush_during_run)
{
    /* li t0,5 ; lui t1,1 ; loop: ld a1,0(a2) ; add a2,a2,t1 ; addi a0,a0,1 ;
     * addi t0,t0,-1 ; bnez t0,loop ; ecall -- every load misses the TLB and
     * the translate hook flushes both caches. */
    static const uint32_t prog[] = { 0x00500293, 0x00001337, 0x00063583, 0x00660633,
                                     0x00150513, 0xfff28293, 0xfe0298e3, ECALL };
    struct mock *m = mock_new();
    put_words(m, CODE, prog, ARRAY_SIZE(prog));
    for (int i = 0; i < 5; i++)
        put64(m, DATA + 0x1000ull * (unsigned)i, 100u + (unsigned)i);
    m->h.x[12] = DATA;
    m->flush_in_translate = true;
    ck_assert_int_eq(hart_run(&m->h, 1000), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.x[10], 5);
    ck_assert_uint_eq(m->h.x[11], 104);
    ck_assert_uint_eq(m->h.instret, 2 + 5 * 5);
    mock_free(m);
}
END_TEST

/* ---- fence.i and self-modifying code ---- */

START_TEST(fence_i_self_modifying)
{
    /* P: sw a2,0(a1) ; fence.i ; j T        (P = CODE)
     * T: addi a0,zero,1 ; ecall             (T = CODE + 0x100)
     * a2 = "addi a0,zero,2" */
    static const uint32_t p[] = { 0x00c5a023, 0x0000100f, 0x0f80006f };
    static const uint32_t t[] = { 0x00100513, ECALL };
    struct mock *m = mock_new();
    put_words(m, CODE, p, 3);
    put_words(m, CODE + 0x100, t, 2);
    m->h.x[11] = CODE + 0x100;
    m->h.x[12] = 0x00200513;
    m->h.pc = CODE + 0x100;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_ECALL);     /* decodes T */
    ck_assert_uint_eq(m->h.x[10], 1);
    m->h.pc = CODE;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.x[10], 2);
    ck_assert_uint_eq(m->h.instret, 1 + 4);    /* ecalls do not retire */
    /* The host rewriting code calls hart_icache_flush. */
    put32(m, CODE + 0x100, 0x00300513);
    hart_icache_flush(&m->h);
    m->h.pc = CODE + 0x100;
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.x[10], 3);
    mock_free(m);
}
END_TEST

/* ---- Decoded pages shared between harts ---- */

/* Two mocks on the same memory whose harts share one store. */
static void mock_pair(struct mock **a, struct mock **b, struct hart_dstore **s, bool share)
{
    *a = mock_new();
    *b = mock_new();
    free((*b)->mem);
    (*b)->mem = (*a)->mem;
    *s = hart_dstore_create();
    ck_assert_ptr_nonnull(*s);
    ck_assert_int_eq(hart_dstore_use(&(*a)->h, *s), 0);
    ck_assert_int_eq(hart_dstore_use(&(*b)->h, *s), 0);
    (*a)->share_code = (*b)->share_code = share;
}

static void mock_pair_free(struct mock *a, struct mock *b, struct hart_dstore *s)
{
    b->mem = NULL;
    mock_free(b);
    mock_free(a);
    hart_dstore_destroy(s);
}

/* li t0,N ; loop: addi a0,a0,1 ; addi t0,t0,-1 ; bnez t0,loop ; ecall */
static void put_count_loop(struct mock *m, uint64_t va, int n)
{
    const uint32_t prog[] = { 0x00000293u | (uint32_t)n << 20, 0x00150513, 0xfff28293,
                              0xfe029ce3, ECALL };
    put_words(m, va, prog, ARRAY_SIZE(prog));
}

static uint64_t run_at(struct mock *m, uint64_t pc)
{
    m->h.pc = pc;
    m->h.x[10] = 0;
    ck_assert_int_eq(hart_run(&m->h, 1000), HART_STOP_ECALL);
    return m->h.x[10];
}

START_TEST(shared_pages_keep_per_hart_misses)
{
    /* Each hart counts its own decode misses and code generations, shared
     * or not: the same numbers as two harts with their own stores. */
    for (int share = 0; share < 2; share++) {
        struct mock *a, *b;
        struct hart_dstore *s;
        mock_pair(&a, &b, &s, share);
        struct mock *solo = mock_new();
        put_count_loop(a, CODE, 7);
        put_count_loop(a, CODE + 0x1000, 9);
        put_count_loop(solo, CODE, 7);
        put_count_loop(solo, CODE + 0x1000, 9);
        ck_assert_uint_eq(run_at(a, CODE), 7);
        ck_assert_uint_eq(run_at(b, CODE), 7);
        ck_assert_uint_eq(run_at(b, CODE + 0x1000), 9);
        ck_assert_uint_eq(run_at(a, CODE), 7);
        ck_assert_uint_eq(run_at(solo, CODE), 7);
        ck_assert_uint_eq(run_at(solo, CODE), 7);
        ck_assert_uint_eq(a->h.stats.decode_misses, 1);
        ck_assert_uint_eq(b->h.stats.decode_misses, 2);
        ck_assert_uint_eq(a->h.stats.decode_misses, solo->h.stats.decode_misses);
        ck_assert_uint_eq(a->h.code_gen, solo->h.code_gen);
        hart_icache_flush(&a->h);
        ck_assert_uint_eq(run_at(a, CODE), 7);
        ck_assert_uint_eq(run_at(b, CODE), 7);
        ck_assert_uint_eq(a->h.stats.decode_misses, 2);
        ck_assert_uint_eq(b->h.stats.decode_misses, 2);
        mock_free(solo);
        mock_pair_free(a, b, s);
    }
}
END_TEST

START_TEST(shared_page_rewritten_after_flushes)
{
    /* A page both harts let go of (as the kernel's shootdown makes them
     * before its frame is reused) is decoded afresh by the next miss, even
     * when one hart flushed long before the other. */
    struct mock *a, *b;
    struct hart_dstore *s;
    mock_pair(&a, &b, &s, true);
    put_count_loop(a, CODE, 5);
    ck_assert_uint_eq(run_at(a, CODE), 5);
    ck_assert_uint_eq(run_at(b, CODE), 5);
    hart_icache_flush(&a->h);
    ck_assert_uint_eq(run_at(b, CODE), 5);      /* b still holds it */
    hart_icache_flush(&b->h);
    put_count_loop(a, CODE, 11);
    ck_assert_uint_eq(run_at(b, CODE), 11);
    ck_assert_uint_eq(run_at(a, CODE), 11);
    /* And the other way round, a page the harts hold in different ways. */
    hart_icache_flush(&a->h);
    hart_icache_flush(&b->h);
    put_count_loop(a, CODE, 3);
    ck_assert_uint_eq(run_at(a, CODE), 3);
    ck_assert_uint_eq(run_at(b, CODE), 3);
    mock_pair_free(a, b, s);
}
END_TEST

START_TEST(unshared_pages_decode_lazily)
{
    /* Code the kernel does not vouch for (writable) keeps one copy per
     * hart, each decoded when its hart first runs a block: a hart that
     * never ran the rewritten block sees the new code without a fence.i,
     * one that ran it keeps the old until it flushes. */
    struct mock *a, *b;
    struct hart_dstore *s;
    mock_pair(&a, &b, &s, false);
    put_count_loop(a, CODE, 5);
    put_count_loop(a, CODE + 0x100, 6);
    ck_assert_uint_eq(run_at(a, CODE), 5);
    ck_assert_uint_eq(run_at(a, CODE + 0x100), 6);
    ck_assert_uint_eq(run_at(b, CODE), 5);
    put_count_loop(a, CODE + 0x100, 8);
    ck_assert_uint_eq(run_at(b, CODE + 0x100), 8);
    ck_assert_uint_eq(run_at(a, CODE + 0x100), 6);
    hart_icache_flush(&a->h);
    ck_assert_uint_eq(run_at(a, CODE + 0x100), 8);
    mock_pair_free(a, b, s);
}
END_TEST

START_TEST(shared_flush_during_run)
{
    /* flush_during_run with the page shared with a second hart: the
     * flushed run finishes its page, the other hart keeps its tag. */
    static const uint32_t prog[] = { 0x00500293, 0x00001337, 0x00063583, 0x00660633,
                                     0x00150513, 0xfff28293, 0xfe0298e3, ECALL };
    struct mock *a, *b;
    struct hart_dstore *s;
    mock_pair(&a, &b, &s, true);
    put_words(a, CODE, prog, ARRAY_SIZE(prog));
    for (int i = 0; i < 5; i++)
        put64(a, DATA + 0x1000ull * (unsigned)i, 100u + (unsigned)i);
    for (int r = 0; r < 2; r++) {
        struct mock *m = r ? b : a;
        m->h.pc = CODE;
        m->h.x[10] = 0;
        m->h.x[12] = DATA;
        m->flush_in_translate = !r;
        ck_assert_int_eq(hart_run(&m->h, 1000), HART_STOP_ECALL);
        ck_assert_uint_eq(m->h.x[10], 5);
        ck_assert_uint_eq(m->h.x[11], 104);
    }
    a->flush_in_translate = false;
    b->h.pc = CODE;
    b->h.x[12] = DATA;
    b->flush_in_translate = true;
    ck_assert_int_eq(hart_run(&b->h, 1000), HART_STOP_ECALL);
    ck_assert_uint_eq(b->h.x[11], 104);
    mock_pair_free(a, b, s);
}
END_TEST

/* ---- Trace ---- */

START_TEST(trace_format)
{
    /* li a0,0 ; sd a0,8(a1) ; ecall */
    static const uint32_t prog[] = { 0x00000513, 0x00a5b423, ECALL };
    struct mock *m = mock_new();
    put_words(m, CODE, prog, 3);
    m->h.x[11] = DATA;
    char *buf = NULL;
    size_t len = 0;
    m->h.trace = open_memstream(&buf, &len);
    ck_assert_int_eq(hart_run(&m->h, 10), HART_STOP_ECALL);
    fclose(m->h.trace);
    ck_assert_str_eq(buf,
        "core   0: 0x0000000000010000 (0x00000513) li      a0, 0\n"
        "core   0: 0 0x0000000000010000 (0x00000513) x10 0x0000000000000000\n"
        "core   0: 0x0000000000010004 (0x00a5b423) sd      a0, 8(a1)\n"
        "core   0: 0 0x0000000000010004 (0x00a5b423) mem 0x0000000000018008 0x0000000000000000\n"
        "core   0: 0x0000000000010008 (0x00000073) ecall\n");
    free(buf);
    mock_free(m);
}
END_TEST

/* ---- Disassembler vs objdump ---- */

static const struct { uint32_t insn; uint64_t pc; const char *text; } dis[] = {
    { 0x00500513, 0x0, "li      a0,5" },
    { 0x00058513, 0x4, "mv      a0,a1" },
    { 0x00000013, 0x8, "nop" },
    { 0x00008067, 0x10, "ret" },
    { 0x000500e7, 0x14, "jalr    a0" },
    { 0x00050067, 0x18, "jr      a0" },
    { 0x008505e7, 0x1c, "jalr    a1,8(a0)" },
    { 0xfe1ff0ef, 0x20, "jal     0" },
    { 0xfddff06f, 0x24, "j       0" },
    { 0xfd9ff56f, 0x28, "jal     a0,0" },
    { 0xfc050ae3, 0x2c, "beqz    a0,0" },
    { 0xfc0518e3, 0x30, "bnez    a0,0" },
    { 0xfc0546e3, 0x34, "bltz    a0,0" },
    { 0xfc0554e3, 0x38, "bgez    a0,0" },
    { 0xfca042e3, 0x3c, "bgtz    a0,0" },
    { 0xfca050e3, 0x40, "blez    a0,0" },
    { 0xfab50ee3, 0x44, "beq     a0,a1,0" },
    { 0xfab56ce3, 0x48, "bltu    a0,a1,0" },
    { 0x12345537, 0x4c, "lui     a0,0x12345" },
    { 0x00001517, 0x50, "auipc   a0,0x1" },
    { 0xfff5c513, 0x5c, "not     a0,a1" },
    { 0x40b00533, 0x60, "neg     a0,a1" },
    { 0x40b0053b, 0x64, "negw    a0,a1" },
    { 0x0015b513, 0x68, "seqz    a0,a1" },
    { 0x00b03533, 0x6c, "snez    a0,a1" },
    { 0x0005a533, 0x70, "sltz    a0,a1" },
    { 0x00b02533, 0x74, "sgtz    a0,a1" },
    { 0x0005851b, 0x78, "sext.w  a0,a1" },
    { 0x00813503, 0x7c, "ld      a0,8(sp)" },
    { 0xfe113c23, 0x80, "sd      ra,-8(sp)" },
    { 0x0ff0000f, 0x84, "fence" },
    { 0x0230000f, 0x88, "fence   r,rw" },
    { 0x0000100f, 0x8c, "fence.i" },
    { 0x00000073, 0x90, "ecall" },
    { 0x00100073, 0x94, "ebreak" },
    { 0xc0002573, 0x98, "rdcycle a0" },
    { 0xc0102573, 0x9c, "rdtime  a0" },
    { 0xc0202573, 0xa0, "rdinstret a0" },
    { 0x00102573, 0xa4, "frflags a0" },
    { 0x00159573, 0xa8, "fsflags a0,a1" },
    { 0x00159073, 0xac, "fsflags a1" },
    { 0x00202573, 0xb0, "frrm    a0" },
    { 0x00259073, 0xb4, "fsrm    a1" },
    { 0x00302573, 0xb8, "frcsr   a0" },
    { 0x00359573, 0xbc, "fscsr   a0,a1" },
    { 0x00359073, 0xc0, "fscsr   a1" },
    { 0x7c05a573, 0xc8, "csrrs   a0,0x7c0,a1" },
    { 0x0035b573, 0xd4, "csrrc   a0,fcsr,a1" },
    { 0x1005a52f, 0xdc, "lr.w    a0,(a1)" },
    { 0x1605b52f, 0xe0, "lr.d.aqrl a0,(a1)" },
    { 0x18c5a52f, 0xe4, "sc.w    a0,a2,(a1)" },
    { 0x1ac5b52f, 0xe8, "sc.d.rl a0,a2,(a1)" },
    { 0x04c5a52f, 0xec, "amoadd.w.aq a0,a2,(a1)" },
    { 0xe0c5b52f, 0xf0, "amomaxu.d a0,a2,(a1)" },
    { 0x00412507, 0xf4, "flw     fa0,4(sp)" },
    { 0x00813827, 0xf8, "fsd     fs0,16(sp)" },
    { 0x00c5f553, 0xfc, "fadd.s  fa0,fa1,fa2" },
    { 0x02c59553, 0x100, "fadd.d  fa0,fa1,fa2,rtz" },
    { 0x02c58553, 0x104, "fadd.d  fa0,fa1,fa2,rne" },
    { 0x6ac5f543, 0x108, "fmadd.d fa0,fa1,fa2,fa3" },
    { 0x68c5b54b, 0x10c, "fnmsub.s fa0,fa1,fa2,fa3,rup" },
    { 0x5a05f553, 0x110, "fsqrt.d fa0,fa1" },
    { 0x22b58553, 0x114, "fmv.d   fa0,fa1" },
    { 0x22b59553, 0x118, "fneg.d  fa0,fa1" },
    { 0x20b5a553, 0x11c, "fabs.s  fa0,fa1" },
    { 0x22c58553, 0x120, "fsgnj.d fa0,fa1,fa2" },
    { 0xc2051553, 0x124, "fcvt.w.d a0,fa0,rtz" },
    { 0xc2057553, 0x128, "fcvt.w.d a0,fa0" },
    { 0xd2050553, 0x12c, "fcvt.d.w fa0,a0" },
    { 0x42058553, 0x130, "fcvt.d.s fa0,fa1" },
    { 0x4015f553, 0x134, "fcvt.s.d fa0,fa1" },
    { 0xc0254553, 0x138, "fcvt.l.s a0,fa0,rmm" },
    { 0xd0257553, 0x13c, "fcvt.s.l fa0,a0" },
    { 0xd2250553, 0x140, "fcvt.d.l fa0,a0,rne" },
    { 0xe2050553, 0x144, "fmv.x.d a0,fa0" },
    { 0xf2050553, 0x148, "fmv.d.x fa0,a0" },
    { 0xe0050553, 0x14c, "fmv.x.w a0,fa0" },
    { 0xf0050553, 0x150, "fmv.w.x fa0,a0" },
    { 0xe2051553, 0x154, "fclass.d a0,fa0" },
    { 0xa2b52553, 0x158, "feq.d   a0,fa0,fa1" },
    { 0xa0b51553, 0x15c, "flt.s   a0,fa0,fa1" },
    { 0x2ac58553, 0x160, "fmin.d  fa0,fa1,fa2" },
    { 0x02c5a533, 0x164, "mulhsu  a0,a1,a2" },
    { 0x02c5f53b, 0x168, "remuw   a0,a1,a2" },
    { 0x20c5a533, 0x16c, "sh1add  a0,a1,a2" },
    { 0x0805853b, 0x170, "zext.w  a0,a1" },
    { 0x08c5853b, 0x174, "add.uw  a0,a1,a2" },
    { 0x0a05951b, 0x178, "slli.uw a0,a1,0x20" },
    { 0x40c5f533, 0x17c, "andn    a0,a1,a2" },
    { 0x60059513, 0x180, "clz     a0,a1" },
    { 0x6025951b, 0x184, "cpopw   a0,a1" },
    { 0x60459513, 0x188, "sext.b  a0,a1" },
    { 0x0805c53b, 0x18c, "zext.h  a0,a1" },
    { 0x2875d513, 0x198, "orc.b   a0,a1" },
    { 0x6b85d513, 0x19c, "rev8    a0,a1" },
    { 0x0ac5e533, 0x1a0, "max     a0,a1,a2" },
    { 0x60c5953b, 0x1a4, "rolw    a0,a1,a2" },
    { 0x0005e503, 0x1b0, "lwu     a0,0(a1)" },
    /* Where objdump (binutils 2.40) prints an immediate form under the
     * register mnemonic ("add a0,a1,-7", "sll a0,a0,0x3"), we print the
     * real mnemonic. */
    { 0xff958513, 0xc, "addi    a0,a1,-7" },
    { 0x00351513, 0x54, "slli    a0,a0,0x3" },
    { 0x43f5d513, 0x58, "srai    a0,a1,0x3f" },
    { 0x6075d513, 0x190, "rori    a0,a1,0x7" },
    { 0x0011e573, 0xcc, "csrrsi  a0,fflags,3" },
    /* compressed: objdump prints the expansion */
    { 0x4515, 0x0, "li      a0,5" },
    { 0x852e, 0x2, "mv      a0,a1" },
    { 0x0001, 0x4, "nop" },
    { 0xe406, 0x8, "sd      ra,8(sp)" },
    { 0x60a2, 0xa, "ld      ra,8(sp)" },
    { 0x8082, 0xc, "ret" },
    { 0xbff5, 0xe, "j       a" },
    { 0xc501, 0x10, "beqz    a0,18" },
    { 0x952e, 0x12, "add     a0,a0,a1" },
    { 0x41c8, 0x14, "lw      a0,4(a1)" },
    { 0x2588, 0x18, "fld     fa0,8(a1)" },
    { 0x9002, 0x1a, "ebreak" },
    { 0x6505, 0x1e, "lui     a0,0x1" },
    { 0x9d0d, 0x20, "subw    a0,a0,a1" },
    { 0x1141, 0x6, "addi    sp,sp,-16" },
};

START_TEST(disasm_matches_objdump)
{
    char buf[64];
    for (size_t i = 0; i < ARRAY_SIZE(dis); i++) {
        int len = hart_disasm(dis[i].insn, dis[i].pc, buf, sizeof(buf));
        ck_assert_int_eq(len, (dis[i].insn & 3) == 3 ? 4 : 2);
        ck_assert_msg(strcmp(buf, dis[i].text) == 0, "%#x: \"%s\", want \"%s\"", dis[i].insn,
                      buf, dis[i].text);
    }
    /* Every row prints its own mnemonic (pseudo forms aside) for a
     * non-degenerate encoding, and nothing overflows a small buffer. */
    for (int op = RV_FIRST_INSN; op < RV_NUM_OPS; op++) {
        uint32_t insn = rv_insn_table[op].match | (~rv_insn_table[op].mask & 0x00b5a500u);
        hart_disasm(insn, 0, buf, sizeof(buf));
        ck_assert_msg(buf[0] != 0 && buf[0] != '.', "%s: \"%s\"", rv_insn_table[op].name, buf);
        char tiny[6];
        hart_disasm(insn, 0, tiny, sizeof(tiny));
        ck_assert_uint_lt(strlen(tiny), sizeof(tiny));
    }
    ck_assert_int_eq(hart_disasm(0xffffffff, 0, buf, sizeof(buf)), 4);
    ck_assert_str_eq(buf, ".4byte  0xffffffff");
    ck_assert_int_eq(hart_disasm(0x0000, 0, buf, sizeof(buf)), 2);
    ck_assert_str_eq(buf, ".2byte  0x0000");
}
END_TEST

START_TEST(register_names)
{
    ck_assert_str_eq(hart_xreg_name[0], "zero");
    ck_assert_str_eq(hart_xreg_name[2], "sp");
    ck_assert_str_eq(hart_xreg_name[8], "s0");
    ck_assert_str_eq(hart_xreg_name[31], "t6");
    ck_assert_str_eq(hart_freg_name[10], "fa0");
    ck_assert_str_eq(hart_freg_name[31], "ft11");
}
END_TEST

START_TEST(read_write_mem)
{
    struct mock *m = mock_new();
    char buf[10000];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)(i * 7);
    ck_assert_int_eq(hart_write_mem(&m->h, DATA - 100, buf, sizeof(buf)), 0);
    char back[10000];
    ck_assert_int_eq(hart_read_mem(&m->h, DATA - 100, back, sizeof(back)), 0);
    ck_assert_int_eq(memcmp(buf, back, sizeof(buf)), 0);
    m->perm[10] = 0;
    ck_assert_int_eq(hart_read_mem(&m->h, DATA, back, sizeof(back)), CAUSE_LOAD_PAGE_FAULT);
    ck_assert_int_eq(hart_write_mem(&m->h, DATA, buf, sizeof(buf)), CAUSE_STORE_PAGE_FAULT);
    mock_free(m);
}
END_TEST

static Suite *cpu_suite(void)
{
    Suite *s = suite_create("cpu");
    TCase *t = tcase_create("isa");
    tcase_add_test(t, every_row_executes);
    tcase_add_test(t, every_row_is_covered);
    tcase_add_test(t, compressed_expansions);
    tcase_add_test(t, compressed_ops_listed);
    tcase_add_test(t, compressed_reserved);
    tcase_add_test(t, compressed_program);
    tcase_add_test(t, illegal_instructions);
    tcase_add_test(t, read_only_counters);
    tcase_add_test(t, rdtime_is_current);
    suite_add_tcase(s, t);
    t = tcase_create("memory");
    tcase_add_test(t, page_faults);
    tcase_add_test(t, misaligned_across_pages);
    tcase_add_test(t, misaligned_atomics_trap);
    tcase_add_test(t, lr_sc);
    tcase_add_test(t, read_write_mem);
    suite_add_tcase(s, t);
    t = tcase_create("control");
    tcase_add_test(t, budget_is_exact);
    tcase_add_test(t, stop_request);
    tcase_add_test(t, insn_straddles_page);
    tcase_add_test(t, straddler_in_a_loop);
    tcase_add_test(t, code_on_many_pages);
    tcase_add_test(t, flush_during_run);
    tcase_add_test(t, fence_i_self_modifying);
    tcase_add_test(t, shared_pages_keep_per_hart_misses);
    tcase_add_test(t, shared_page_rewritten_after_flushes);
    tcase_add_test(t, unshared_pages_decode_lazily);
    tcase_add_test(t, shared_flush_during_run);
    suite_add_tcase(s, t);
    t = tcase_create("text");
    tcase_add_test(t, trace_format);
    tcase_add_test(t, disasm_matches_objdump);
    tcase_add_test(t, register_names);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return testutil_run(cpu_suite());
}
