/* F and D corner cases: rounding modes, every fflags bit, NaN boxing,
 * canonical NaNs, saturating conversions, min/max, fclass, fused
 * multiply-add, comparisons, and the host FP environment.  Expected values
 * follow the unprivileged spec (chapters F and D) and IEEE 754-2008. */
#include <fenv.h>
#include <math.h>
#include <string.h>

#include "internal.h"
#include "test_cpu_mock.h"
#include "testutil.h"

enum { NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16 };
enum { RNE, RTZ, RDN, RUP, RMM, DYN = 7 };

static uint64_t D(double v) { uint64_t u; memcpy(&u, &v, 8); return u; }
static uint64_t S(float v) { uint32_t u; memcpy(&u, &v, 4); return 0xffffffff00000000ull | u; }
static uint64_t SB(uint32_t bits) { return 0xffffffff00000000ull | bits; }

#define CANS SB(0x7fc00000u)
#define CAND 0x7ff8000000000000ull
#define SNAND 0x7ff0000000000001ull
#define SNANS SB(0x7f800001u)

/* OP-FP encoding, spec "RV32F standard extension" tables: rd = 10,
 * rs1 = 11, rs2 = 12 unless given (fixed rs2 field for unary ops). */
static uint32_t fop(uint32_t funct7, uint32_t rs2, uint32_t rm)
{
    return funct7 << 25 | rs2 << 20 | 11u << 15 | rm << 12 | 10u << 7 | 0x53;
}
#define BIN(f7, rm) fop(f7, 12, rm)
/* fmadd family: opcode 0x43/47/4b/4f, fmt 0 = S, 1 = D, rs3 = 13 */
static uint32_t fma_op(uint32_t opcode, uint32_t fmt, uint32_t rm)
{
    return 13u << 27 | fmt << 25 | 12u << 20 | 11u << 15 | rm << 12 | 10u << 7 | opcode;
}

struct fres {
    uint64_t f, x;
    uint32_t flags;
};

/* Execute one instruction with fa1..fa3 = a, b, c, a1 = xa, frm. */
static struct fres run1(uint32_t insn, uint64_t a, uint64_t b, uint64_t c, uint64_t xa,
                        uint32_t frm)
{
    struct mock *m = mock_new();
    uint32_t prog[2] = { insn, ECALL };
    put_words(m, CODE, prog, 2);
    m->h.f[11] = a;
    m->h.f[12] = b;
    m->h.f[13] = c;
    m->h.x[11] = xa;
    hart_set_frm(&m->h, frm);
    enum hart_stop s = hart_run(&m->h, 10);
    ck_assert_msg(s == HART_STOP_ECALL, "insn %#x: stop %d cause %u", insn, s, m->h.cause);
    struct fres r = { m->h.f[10], m->h.x[10], m->h.fflags };
    mock_free(m);
    return r;
}

#define CHECK_F(insn, a, b, c, frm, want, wflags)                              \
    do {                                                                       \
        struct fres r_ = run1(insn, a, b, c, 0, frm);                          \
        ck_assert_msg(r_.f == (want) && r_.flags == (uint32_t)(wflags),         \
                      "line %d: f = %#lx flags %#x, want %#lx flags %#x", __LINE__, \
                      (unsigned long)r_.f, r_.flags, (unsigned long)(want),    \
                      (unsigned)(wflags));                                     \
    } while (0)
#define CHECK_X(insn, a, b, frm, want, wflags)                                 \
    do {                                                                       \
        struct fres r_ = run1(insn, a, b, 0, 0, frm);                          \
        ck_assert_msg(r_.x == (want) && r_.flags == (uint32_t)(wflags),         \
                      "line %d: x = %#lx flags %#x, want %#lx flags %#x", __LINE__, \
                      (unsigned long)r_.x, r_.flags, (unsigned long)(want),    \
                      (unsigned)(wflags));                                     \
    } while (0)
#define CHECK_I2F(insn, xa, frm, want, wflags)                                 \
    do {                                                                       \
        struct fres r_ = run1(insn, 0, 0, 0, xa, frm);                         \
        ck_assert_msg(r_.f == (want) && r_.flags == (uint32_t)(wflags),         \
                      "line %d: f = %#lx flags %#x, want %#lx flags %#x", __LINE__, \
                      (unsigned long)r_.f, r_.flags, (unsigned long)(want),    \
                      (unsigned)(wflags));                                     \
    } while (0)

START_TEST(rounding_modes)
{
    const float ulp = 0x1p-23f;
    /* 1 + 0.75 ulp: nearest is 1 + ulp; directed modes pick a side. */
    uint64_t a = S(1.0f), b = S(0x1.8p-24f);
    CHECK_F(BIN(0x00, RNE), a, b, 0, 0, S(1.0f + ulp), NX);
    CHECK_F(BIN(0x00, RTZ), a, b, 0, 0, S(1.0f), NX);
    CHECK_F(BIN(0x00, RDN), a, b, 0, 0, S(1.0f), NX);
    CHECK_F(BIN(0x00, RUP), a, b, 0, 0, S(1.0f + ulp), NX);
    CHECK_F(BIN(0x00, RMM), a, b, 0, 0, S(1.0f + ulp), NX);
    /* negative: -1 - 0.75 ulp */
    a = S(-1.0f), b = S(-0x1.8p-24f);
    CHECK_F(BIN(0x00, RTZ), a, b, 0, 0, S(-1.0f), NX);
    CHECK_F(BIN(0x00, RDN), a, b, 0, 0, S(-1.0f - ulp), NX);
    CHECK_F(BIN(0x00, RUP), a, b, 0, 0, S(-1.0f), NX);
    /* the dynamic mode comes from frm */
    CHECK_F(BIN(0x00, DYN), a, b, 0, RDN, S(-1.0f - ulp), NX);
    CHECK_F(BIN(0x00, DYN), a, b, 0, RUP, S(-1.0f), NX);
    /* exact ties: RNE to even, RMM away from zero */
    CHECK_F(BIN(0x00, RNE), S(1.0f), S(0x1p-24f), 0, 0, S(1.0f), NX);
    CHECK_F(BIN(0x00, RMM), S(1.0f), S(0x1p-24f), 0, 0, S(1.0f + ulp), NX);
    CHECK_F(BIN(0x00, RMM), S(-1.0f), S(-0x1p-24f), 0, 0, S(-1.0f - ulp), NX);
    CHECK_F(BIN(0x01, RNE), D(1.0), D(0x1p-53), 0, 0, D(1.0), NX);
    CHECK_F(BIN(0x01, RMM), D(1.0), D(0x1p-53), 0, 0, D(1.0 + 0x1p-52), NX);
    CHECK_F(BIN(0x01, RMM), D(-1.0), D(-0x1p-53), 0, 0, D(-1.0 - 0x1p-52), NX);
    /* RMM on a tie that RNE already rounds away (odd lower neighbour) */
    CHECK_F(BIN(0x01, RMM), D(1.0 + 0x1p-52), D(0x1p-53), 0, 0, D(1.0 + 0x1p-51), NX);
    /* RMM multiply tie: (1 + 2^-52) * (1 + 2^-1) = 1.5 + 1.5*2^-52:
     * 1.5 * 2^-52 is an exact midpoint between 1.5+2^-52 and 1.5+2^-51 */
    CHECK_F(BIN(0x09, RMM), D(1.0 + 0x1p-52), D(1.5), 0, 0, D(1.5 + 0x1p-51), NX);
    CHECK_F(BIN(0x09, RNE), D(1.0 + 0x1p-52), D(1.5), 0, 0, D(1.5 + 0x1p-51), NX);
    CHECK_F(BIN(0x09, RTZ), D(1.0 + 0x1p-52), D(1.5), 0, 0, D(1.5 + 0x1p-52), NX);
    /* sqrt(2) rounds up to nearest (0x...bcd > sqrt 2) */
    CHECK_F(fop(0x2d, 0, RNE), D(2.0), 0, 0, 0, 0x3ff6a09e667f3bcdull, NX);
    CHECK_F(fop(0x2d, 0, RTZ), D(2.0), 0, 0, 0, 0x3ff6a09e667f3bccull, NX);
    CHECK_F(fop(0x2d, 0, RUP), D(2.0), 0, 0, 0, 0x3ff6a09e667f3bcdull, NX);
    /* overflow: RNE/RUP to +inf, RTZ/RDN to the largest finite */
    CHECK_F(BIN(0x09, RNE), D(0x1p1000), D(0x1p100), 0, 0, D(INFINITY), OF | NX);
    CHECK_F(BIN(0x09, RTZ), D(0x1p1000), D(0x1p100), 0, 0, D(0x1.fffffffffffffp1023), OF | NX);
    CHECK_F(BIN(0x09, RDN), D(0x1p1000), D(0x1p100), 0, 0, D(0x1.fffffffffffffp1023), OF | NX);
    CHECK_F(BIN(0x08, RUP), S(0x1p100f), S(0x1p100f), 0, 0, S(INFINITY), OF | NX);
    CHECK_F(BIN(0x08, RTZ), S(0x1p100f), S(0x1p100f), 0, 0, S(0x1.fffffep127f), OF | NX);
}
END_TEST

START_TEST(every_flag)
{
    CHECK_F(BIN(0x09, RNE), D(0.0), D(INFINITY), 0, 0, CAND, NV);        /* 0 * inf */
    CHECK_F(BIN(0x0d, RNE), D(-1.0), D(0.0), 0, 0, D(-INFINITY), DZ);    /* -1 / 0 */
    CHECK_F(BIN(0x0d, RNE), D(0.0), D(0.0), 0, 0, CAND, NV);             /* 0 / 0 */
    CHECK_F(BIN(0x0c, RNE), S(1.0f), S(3.0f), 0, 0, SB(0x3eaaaaab), NX); /* 1 / 3 */
    CHECK_F(BIN(0x09, RNE), D(0x1p-1000), D(0x1p-100), 0, 0, D(0.0), UF | NX);
    /* exact subnormal: tiny but exact, so no UF (spec: UF needs inexact) */
    CHECK_F(BIN(0x09, RNE), D(0x1p-1022), D(0.5), 0, 0, D(0x1p-1023), 0);
    /* tininess after rounding: 2^-126 * (1 - 2^-25) rounds (unbounded
     * exponent) to 2^-126, the smallest normal: NX but not UF */
    CHECK_F(fop(0x20, 1, RNE), 0x380ffffff0000000ull, 0, 0, 0, SB(0x00800000), NX);
    /* a genuinely tiny inexact result */
    CHECK_F(fop(0x20, 1, RNE), 0x3730000000400000ull, 0, 0, 0, SB(0x00000200), UF | NX);
    CHECK_F(fop(0x20, 1, RNE), D(0x1p200), 0, 0, 0, S(INFINITY), OF | NX);
    /* flags accumulate and are read/cleared through the CSRs:
     * fdiv.d fa0,fa1,fa2 ; frflags a0 ; fsflags zero ; fadd.d fa0,fa1,fa1 ;
     * frflags a1 ; fsrm a2 (a2 = RUP) -> old frm ; frcsr a3 ; ecall */
    static const uint32_t prog[] = { 0x1ac5f553, 0x00102573, 0x00101073, 0x02b5f553,
                                     0x001025f3, 0x00261673, 0x003026f3, ECALL };
    struct mock *m = mock_new();
    put_words(m, CODE, prog, ARRAY_SIZE(prog));
    m->h.f[11] = D(1.0);
    m->h.f[12] = D(3.0);
    m->h.x[12] = RUP;
    hart_set_frm(&m->h, RTZ);
    ck_assert_int_eq(hart_run(&m->h, 100), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.x[10], NX);
    ck_assert_uint_eq(m->h.x[11], 0);
    ck_assert_uint_eq(m->h.x[12], RTZ);
    ck_assert_uint_eq(m->h.x[13], RUP << 5);
    ck_assert_uint_eq(m->h.frm, RUP);
    ck_assert_uint_eq(m->h.fflags, 0);
    mock_free(m);
}
END_TEST

START_TEST(nan_boxing_and_canonical_nans)
{
    uint64_t unboxed = 0x000000003f800000ull;   /* 1.0f without the box */
    CHECK_F(BIN(0x00, RNE), unboxed, S(1.0f), 0, 0, CANS, 0);
    CHECK_F(BIN(0x10, 1), unboxed, unboxed, 0, 0, SB(0xffc00000), 0);  /* fsgnjn.s */
    CHECK_X(fop(0x70, 0, 1), unboxed, 0, 0, 1u << 9, 0);                /* fclass.s: qNaN */
    CHECK_X(fop(0x70, 0, 0), 0x1234567887654321ull, 0, 0, 0xffffffff87654321ull, 0); /* fmv.x.w */
    CHECK_F(fop(0x21, 0, RNE), unboxed, 0, 0, 0, CAND, 0);              /* fcvt.d.s */
    /* NaN payloads and signs never propagate */
    CHECK_F(BIN(0x00, RNE), SB(0x7fc12345), S(1.0f), 0, 0, CANS, 0);
    CHECK_F(BIN(0x08, RNE), SB(0xffc00001), S(1.0f), 0, 0, CANS, 0);
    CHECK_F(BIN(0x01, RNE), SNAND, D(1.0), 0, 0, CAND, NV);
    CHECK_F(BIN(0x01, RNE), 0xfff8000000000123ull, D(1.0), 0, 0, CAND, 0);
    CHECK_F(fop(0x20, 1, RNE), 0xfff8000000000123ull, 0, 0, 0, CANS, 0); /* fcvt.s.d */
    CHECK_F(fop(0x21, 0, RNE), SNANS, 0, 0, 0, CAND, NV);                /* fcvt.d.s */
    CHECK_F(fop(0x2c, 0, RNE), S(-0.0f), 0, 0, 0, S(-0.0f), 0);          /* sqrt(-0) = -0 */
}
END_TEST

START_TEST(conversions_saturate)
{
    /* fcvt.{w,wu,l,lu}.d: funct7 0x61, rs2 selects the type */
    enum { W = 0, WU = 1, L = 2, LU = 3 };
    const uint64_t imax = 0x7fffffffull, imin = 0xffffffff80000000ull;
    CHECK_X(fop(0x61, W, RTZ), CAND, 0, 0, imax, NV);
    CHECK_X(fop(0x61, W, RTZ), D(INFINITY), 0, 0, imax, NV);
    CHECK_X(fop(0x61, W, RTZ), D(-INFINITY), 0, 0, imin, NV);
    CHECK_X(fop(0x61, W, RTZ), D(2147483647.0), 0, 0, imax, 0);
    CHECK_X(fop(0x61, W, RTZ), D(2147483648.0), 0, 0, imax, NV);
    CHECK_X(fop(0x61, W, RTZ), D(-2147483648.9), 0, 0, imin, NX);
    CHECK_X(fop(0x61, W, RDN), D(-2147483648.5), 0, 0, imin, NV);
    CHECK_X(fop(0x61, W, RTZ), D(-0.0), 0, 0, 0, 0);
    CHECK_X(fop(0x61, WU, RTZ), CAND, 0, 0, UINT64_MAX, NV);
    CHECK_X(fop(0x61, WU, RTZ), D(INFINITY), 0, 0, UINT64_MAX, NV);
    CHECK_X(fop(0x61, WU, RTZ), D(-INFINITY), 0, 0, 0, NV);
    CHECK_X(fop(0x61, WU, RTZ), D(4294967295.0), 0, 0, UINT64_MAX, 0);  /* sign-extended */
    CHECK_X(fop(0x61, WU, RTZ), D(-0.9), 0, 0, 0, NX);
    CHECK_X(fop(0x61, WU, RNE), D(-0.9), 0, 0, 0, NV);                 /* rounds to -1 */
    CHECK_X(fop(0x61, WU, RTZ), D(-0.0), 0, 0, 0, 0);
    CHECK_X(fop(0x61, L, RTZ), CAND, 0, 0, INT64_MAX, NV);
    CHECK_X(fop(0x61, L, RTZ), D(-INFINITY), 0, 0, (uint64_t)INT64_MIN, NV);
    CHECK_X(fop(0x61, L, RTZ), D(0x1p63), 0, 0, INT64_MAX, NV);
    CHECK_X(fop(0x61, L, RTZ), D(-0x1p63), 0, 0, (uint64_t)INT64_MIN, 0);
    CHECK_X(fop(0x61, LU, RTZ), D(INFINITY), 0, 0, UINT64_MAX, NV);
    CHECK_X(fop(0x61, LU, RTZ), D(0x1p64), 0, 0, UINT64_MAX, NV);
    CHECK_X(fop(0x61, LU, RTZ), D(0x1.fffffffffffffp63), 0, 0, 0xfffffffffffff800ull, 0);
    CHECK_X(fop(0x61, LU, RTZ), D(-1.0), 0, 0, 0, NV);
    /* single sources: fcvt.w.s, fcvt.lu.s */
    CHECK_X(fop(0x60, W, RTZ), SNANS, 0, 0, imax, NV);
    CHECK_X(fop(0x60, W, RTZ), S(-3e9f), 0, 0, imin, NV);
    CHECK_X(fop(0x60, LU, RTZ), S(-INFINITY), 0, 0, 0, NV);
    /* rounding modes of the integer result */
    CHECK_X(fop(0x61, W, RNE), D(2.5), 0, 0, 2, NX);
    CHECK_X(fop(0x61, W, RMM), D(2.5), 0, 0, 3, NX);
    CHECK_X(fop(0x61, W, RMM), D(-2.5), 0, 0, (uint64_t)-3, NX);
    CHECK_X(fop(0x61, W, RDN), D(-2.5), 0, 0, (uint64_t)-3, NX);
    CHECK_X(fop(0x61, W, RUP), D(2.1), 0, 0, 3, NX);
    CHECK_X(fop(0x61, W, DYN), D(2.5), 0, RUP, 3, NX);
    /* integer to FP: fcvt.s.w (0x68) and fcvt.d.l (0x69, rs2 = 2) */
    CHECK_I2F(fop(0x68, W, RNE), 16777217, 0, S(16777216.0f), NX);
    CHECK_I2F(fop(0x68, W, RMM), 16777217, 0, S(16777218.0f), NX);
    CHECK_I2F(fop(0x68, W, RUP), 16777217, 0, S(16777218.0f), NX);
    CHECK_I2F(fop(0x68, W, RDN), (uint64_t)-16777217, 0, S(-16777218.0f), NX);
    CHECK_I2F(fop(0x68, W, RNE), 0xffffffff00000005ull, 0, S(5.0f), 0);  /* low word only */
    CHECK_I2F(fop(0x69, L, RTZ), (uint64_t)INT64_MIN, 0, D(-0x1p63), 0);
    CHECK_I2F(fop(0x69, L, RTZ), INT64_MAX, 0, D(0x1.fffffffffffffp62), NX);
    CHECK_I2F(fop(0x69, L, RNE), 0, 0, D(0.0), 0);
}
END_TEST

START_TEST(min_max_compare_class)
{
    /* fmin/fmax (funct7 0x15 for D, 0x14 for S; rm field 0 = min, 1 = max) */
    CHECK_F(BIN(0x15, 0), CAND, CAND, 0, 0, CAND, 0);
    CHECK_F(BIN(0x15, 0), SNAND, CAND, 0, 0, CAND, NV);
    CHECK_F(BIN(0x15, 1), SNAND, D(-1.0), 0, 0, D(-1.0), NV);
    CHECK_F(BIN(0x15, 0), D(0.0), D(-0.0), 0, 0, D(-0.0), 0);
    CHECK_F(BIN(0x15, 1), D(-0.0), D(0.0), 0, 0, D(0.0), 0);
    CHECK_F(BIN(0x15, 1), D(-0.0), D(-0.0), 0, 0, D(-0.0), 0);
    CHECK_F(BIN(0x14, 0), S(2.0f), SB(0x7fc00000), 0, 0, S(2.0f), 0);
    CHECK_F(BIN(0x14, 1), SNANS, SNANS, 0, 0, CANS, NV);
    /* feq quiet, flt/fle signaling (funct7 0x51; rm 2 eq, 1 lt, 0 le) */
    CHECK_X(BIN(0x51, 2), CAND, D(1.0), 0, 0, 0);
    CHECK_X(BIN(0x51, 2), SNAND, D(1.0), 0, 0, NV);
    CHECK_X(BIN(0x51, 1), CAND, D(1.0), 0, 0, NV);
    CHECK_X(BIN(0x51, 0), D(1.0), CAND, 0, 0, NV);
    CHECK_X(BIN(0x51, 0), D(-0.0), D(0.0), 0, 1, 0);
    CHECK_X(BIN(0x51, 1), D(-0.0), D(0.0), 0, 0, 0);
    CHECK_X(BIN(0x50, 1), S(-INFINITY), S(-1.0f), 0, 1, 0);
    /* fclass: bit i for class i, spec table order */
    static const uint64_t d_in[10] = { 0xfff0000000000000ull, 0xbff0000000000000ull,
                                       0x800fffffffffffffull, 0x8000000000000000ull, 0,
                                       0x0000000000000001ull, 0x7fefffffffffffffull,
                                       0x7ff0000000000000ull, SNAND, CAND };
    static const uint32_t s_in[10] = { 0xff800000, 0xbf800000, 0x807fffff, 0x80000000, 0,
                                       0x00000001, 0x7f7fffff, 0x7f800000, 0x7f800001,
                                       0x7fc00000 };
    for (int i = 0; i < 10; i++) {
        CHECK_X(fop(0x71, 0, 1), d_in[i], 0, 0, 1u << i, 0);
        CHECK_X(fop(0x70, 0, 1), SB(s_in[i]), 0, 0, 1u << i, 0);
    }
}
END_TEST

START_TEST(fused_multiply_add)
{
    /* (1 + 2^-30)(1 - 2^-30) - 1 = -2^-60 exactly: a separate multiply
     * would round the product to 1 and give 0. */
    CHECK_F(fma_op(0x43, 1, RNE), D(1 + 0x1p-30), D(1 - 0x1p-30), D(-1.0), 0, D(-0x1p-60), 0);
    CHECK_F(fma_op(0x43, 0, RNE), S(1 + 0x1p-12f), S(1 - 0x1p-12f), S(-1.0f), 0, S(-0x1p-24f), 0);
    /* fmsub: a*b - c; fnmsub: -(a*b) + c; fnmadd: -(a*b) - c */
    CHECK_F(fma_op(0x47, 1, RNE), D(1 + 0x1p-30), D(1 - 0x1p-30), D(1.0), 0, D(-0x1p-60), 0);
    CHECK_F(fma_op(0x4b, 1, RNE), D(1 + 0x1p-30), D(1 - 0x1p-30), D(1.0), 0, D(0x1p-60), 0);
    CHECK_F(fma_op(0x4f, 1, RNE), D(1 + 0x1p-30), D(1 - 0x1p-30), D(-1.0), 0, D(0x1p-60), 0);
    /* inf * 0 + qNaN is invalid in RISC-V */
    CHECK_F(fma_op(0x43, 1, RNE), D(INFINITY), D(0.0), CAND, 0, CAND, NV);
    CHECK_F(fma_op(0x43, 0, RNE), S(0.0f), S(-INFINITY), CANS, 0, CANS, NV);
    /* one rounding: 1 + 2^-60 rounds to 1 (NX); the directed mode applies */
    CHECK_F(fma_op(0x43, 1, RUP), D(0x1p-30), D(0x1p-30), D(1.0), 0, D(1 + 0x1p-52), NX);
    CHECK_F(fma_op(0x43, 1, RTZ), D(0x1p-30), D(0x1p-30), D(1.0), 0, D(1.0), NX);
    /* ties away from zero in one rounding */
    CHECK_F(fma_op(0x43, 1, RMM), D(1.0), D(1.0), D(0x1p-53), 0, D(1 + 0x1p-52), NX);
    CHECK_F(fma_op(0x43, 1, RNE), D(1.0), D(1.0), D(0x1p-53), 0, D(1.0), NX);
    CHECK_F(fma_op(0x4f, 1, RMM), D(1.0), D(1.0), D(0x1p-53), 0, D(-1 - 0x1p-52), NX);
    CHECK_F(fma_op(0x43, 0, RMM), S(1.0f), S(1.0f), S(0x1p-24f), 0, S(1 + 0x1p-23f), NX);
    CHECK_F(fma_op(0x43, 0, RNE), S(1.0f), S(1.0f), S(0x1p-24f), 0, S(1.0f), NX);
    /* just below the midpoint: nearest is down in every nearest mode */
    CHECK_F(fma_op(0x47, 0, RMM), S(1.0f + 0x1p-23f), S(1.0f), S(0x1p-24f + 0x1p-47f), 0,
            S(1.0f), NX);
    CHECK_F(fma_op(0x43, 0, RMM), S(1.0f), S(1.0f), S(0x1p-30f), 0, S(1.0f), NX);
    /* exact zero sums: +0 in RNE, -0 in RDN */
    CHECK_F(fma_op(0x43, 1, RNE), D(1.0), D(1.0), D(-1.0), 0, D(0.0), 0);
    CHECK_F(fma_op(0x43, 1, RDN), D(1.0), D(1.0), D(-1.0), 0, D(-0.0), 0);
}
END_TEST

/* RMM when the tie is at subnormal precision, or the rounding error is
 * finer than the smallest subnormal.  q = 2^-1074 (bits 0x1), the last
 * place of every double below 2^-1021; qs = 2^-149 for single. */
START_TEST(rmm_subnormal)
{
    const uint64_t q5 = 0x5, nq5 = 0x8000000000000005ull;
    /* 5q * 0.5 = 2.5q: a tie, away from zero is 3q (RNE: 2q, even);
     * tiny and inexact, so UF too */
    CHECK_F(BIN(0x09, RMM), q5, D(0.5), 0, 0, 0x3, NX | UF);
    CHECK_F(BIN(0x09, RNE), q5, D(0.5), 0, 0, 0x2, NX | UF);
    CHECK_F(BIN(0x09, RMM), nq5, D(0.5), 0, 0, 0x8000000000000003ull, NX | UF);
    CHECK_F(BIN(0x0d, RMM), q5, D(2.0), 0, 0, 0x3, NX | UF);           /* fdiv.d */
    CHECK_F(BIN(0x0d, RMM), q5, D(-2.0), 0, 0, 0x8000000000000003ull, NX | UF);
    CHECK_F(fma_op(0x43, 1, RMM), q5, D(0.5), D(0.0), 0, 0x3, NX | UF); /* fmadd.d */
    CHECK_F(fma_op(0x47, 1, RMM), q5, D(0.5), D(-0.0), 0, 0x3, NX | UF); /* fmsub.d */
    CHECK_F(fma_op(0x4b, 1, RMM), q5, D(0.5), D(0.0), 0, 0x8000000000000003ull, NX | UF);
    CHECK_F(fma_op(0x4f, 1, RMM), q5, D(0.5), D(0.0), 0, 0x8000000000000003ull, NX | UF);
    /* 5q * 0.5 + q = 3.5q -> 4q; 5q * 0.5 - 2q = 0.5q -> q */
    CHECK_F(fma_op(0x43, 1, RMM), q5, D(0.5), 0x1, 0, 0x4, NX | UF);
    CHECK_F(fma_op(0x47, 1, RMM), q5, D(0.5), 0x2, 0, 0x1, NX | UF);
    /* half the smallest subnormal ties away to it; a quarter is 0 */
    CHECK_F(BIN(0x09, RMM), 0x1, D(0.5), 0, 0, 0x1, NX | UF);
    CHECK_F(BIN(0x09, RNE), 0x1, D(0.5), 0, 0, 0x0, NX | UF);
    CHECK_F(BIN(0x09, RMM), 0x1, D(-0.25), 0, 0, D(-0.0), NX | UF);
    /* the largest subnormal times 0.5 + 2^-53-ish: (2^52 + 1)q * 0.5 =
     * (2^51 + 0.5)q -> (2^51 + 1)q */
    CHECK_F(BIN(0x09, RMM), 0x0010000000000001ull, D(0.5), 0, 0, 0x0008000000000001ull,
            NX | UF);
    /* a tie in the lowest normal binade, whose half ulp (2^-1075) is not a
     * double either: (2^52 + 3)q * 1.5 = (1.5 * 2^52 + 4.5)q, normal, not
     * tiny -> (1.5 * 2^52 + 5)q; RNE keeps the even + 4 */
    CHECK_F(BIN(0x09, RMM), 0x0010000000000003ull, D(1.5), 0, 0, 0x0018000000000005ull, NX);
    CHECK_F(BIN(0x09, RNE), 0x0010000000000003ull, D(1.5), 0, 0, 0x0018000000000004ull, NX);
    /* tininess after rounding: (2^52 - 1)q * (1 + 2^-52) = 2^-1022 (1 -
     * 2^-104) rounds to 2^-1022 even with an unbounded exponent: NX only */
    CHECK_F(BIN(0x09, RMM), 0x000fffffffffffffull, D(1 + 0x1p-52), 0, 0,
            0x0010000000000000ull, NX);
    /* single: 5qs * 0.5, 5qs / 2, fma with c = 0, fcvt.s.d of 2.5qs */
    CHECK_F(BIN(0x08, RMM), SB(0x5), S(0.5f), 0, 0, SB(0x3), NX | UF);
    CHECK_F(BIN(0x0c, RMM), SB(0x5), S(2.0f), 0, 0, SB(0x3), NX | UF);
    CHECK_F(fma_op(0x43, 0, RMM), SB(0x5), S(0.5f), S(0.0f), 0, SB(0x3), NX | UF);
    CHECK_F(fop(0x20, 1, RMM), D(0x1.4p-148), 0, 0, 0, SB(0x3), NX | UF);
    CHECK_F(fop(0x20, 1, RNE), D(0x1.4p-148), 0, 0, 0, SB(0x2), NX | UF);
    CHECK_F(BIN(0x08, RMM), SB(0x007fffff), S(1 + 0x1p-23f), 0, 0, SB(0x00800000), NX);
    /* fmadd.s: (-2^-126 (1 + 6 * 2^-23)) (-2^-126 (1 + 4 * 2^-23)) ~ 2^-252
     * added to the subnormal -0x614280 qs: nearest is that subnormal, and
     * the sum is inexact and tiny, so NX and UF */
    CHECK_F(fma_op(0x43, 0, RMM), SB(0x80800006), SB(0x80800004), SB(0x80614280), 0,
            SB(0x80614280), NX | UF);
    CHECK_F(fma_op(0x43, 0, RNE), SB(0x80800006), SB(0x80800004), SB(0x80614280), 0,
            SB(0x80614280), NX | UF);
    /* exact cancellation is +0, as in RNE */
    CHECK_F(fma_op(0x43, 1, RMM), q5, D(1.0), nq5, 0, D(0.0), 0);
    CHECK_F(BIN(0x05, RMM), nq5, nq5, 0, 0, D(0.0), 0);
    /* overflow: the largest double plus half its ulp (2^970) ties to inf */
    CHECK_F(BIN(0x01, RMM), D(0x1.fffffffffffffp1023), D(0x1p970), 0, 0, D(INFINITY), OF | NX);
    CHECK_F(BIN(0x01, RMM), D(0x1.fffffffffffffp1023), D(0x1.fffffffffffffp969), 0, 0,
            D(0x1.fffffffffffffp1023), NX);
    /* special operands still follow the host */
    CHECK_F(BIN(0x0d, RMM), q5, D(0.0), 0, 0, D(INFINITY), DZ);
    CHECK_F(fma_op(0x43, 1, RMM), D(INFINITY), D(0.0), D(1.0), 0, CAND, NV);
    CHECK_F(fop(0x2d, 0, RMM), D(-1.0), 0, 0, 0, CAND, NV);
}
END_TEST

/* Callouts (translate, read_time) run with the caller's FP environment:
 * its rounding mode and flags, not the guest's; flags they raise stay the
 * caller's and do not reach the guest. */
static unsigned probe_translates, probe_times;
static int probe_flags_translate, probe_flags_time;
static uint64_t probe_third;

static int probe_translate(void *ctx, uint64_t va, enum hart_access acc, uint8_t **host)
{
    probe_translates++;
    probe_flags_translate |= fetestexcept(FE_ALL_EXCEPT);
    return mock_translate(ctx, va, acc, host);
}

static uint64_t probe_time(void *ctx)
{
    (void)ctx;
    volatile double one = 1.0, three = 3.0;
    probe_times++;
    probe_flags_time = fetestexcept(FE_ALL_EXCEPT);
    probe_third = D(one / three);       /* rounded by the caller's mode */
    return 42;
}

static const struct hart_mem_ops probe_ops = {.translate = probe_translate,
                                              .read_time = probe_time};

/* fsqrt.d fa0,fa1 (NV) ; ld a0,0(a1) (TLB miss) ; rdtime a2 ;
 * fdiv.d fa3,fa1,fa2,rtz ; ecall, on a hart whose hooks probe the host's
 * environment. */
static struct mock *probe_mock(void)
{
    static const uint32_t prog[] = { 0x5a05f553, 0x0005b503, 0xc0102673, 0x1ac596d3, ECALL };
    struct mock *m = mock_new();
    put_words(m, CODE, prog, ARRAY_SIZE(prog));
    m->h.ops = &probe_ops;
    m->h.f[11] = D(-1.0);
    m->h.f[12] = D(3.0);
    m->h.x[11] = DATA;
    probe_translates = probe_times = 0;
    probe_flags_translate = probe_flags_time = 0;
    return m;
}

START_TEST(host_environment_in_callouts)
{
    struct mock *m = probe_mock();
    fesetround(FE_UPWARD);
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    ck_assert_int_eq(hart_run(&m->h, 100), HART_STOP_ECALL);
    int after = fetestexcept(FE_ALL_EXCEPT), round = fegetround();
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    ck_assert_uint_ge(probe_translates, 2);
    ck_assert_uint_eq(probe_times, 1);
    /* the host's flags, without the guest's NV */
    ck_assert_int_eq(probe_flags_translate, FE_DIVBYZERO);
    ck_assert_int_eq(probe_flags_time, FE_DIVBYZERO);
    ck_assert_uint_eq(probe_third, 0x3fd5555555555556ull);     /* 1/3 rounded up */
    ck_assert_uint_eq(m->h.x[12], 42);
    /* the guest's: NV from the sqrt, NX from its own division, nothing of
     * the host's DZ */
    ck_assert_uint_eq(m->h.fflags, NV | NX);
    ck_assert_uint_eq(m->h.f[13], 0xbfd5555555555555ull);      /* -1/3, rtz */
    /* the callout's NX stays the host's */
    ck_assert_int_eq(after, FE_DIVBYZERO | FE_INEXACT);
    ck_assert_int_eq(round, FE_UPWARD);
    mock_free(m);
}
END_TEST

/* A run loop's steps in one FP session (hart_run_in): the guest's flags
 * and rounding are exact across steps, what the loop computes between
 * steps and what callouts raise stay the host's, and the host gets its
 * environment back, flags included, from hart_fp_host. */
START_TEST(host_environment_session)
{
    struct mock *m = probe_mock();     /* the first step ends after the rdtime */
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    struct hart_fp_session s;
    hart_fp_begin(&s);
    ck_assert_int_eq(hart_run_in(&m->h, 3, &s), HART_STOP_BUDGET);
    ck_assert_uint_eq(m->h.fflags, NV);
    volatile double tiny = 0x1p-1000;
    volatile double under = tiny * tiny;        /* the loop's own UF and NX */
    (void)under;
    ck_assert_int_eq(hart_run_in(&m->h, 100, &s), HART_STOP_ECALL);
    hart_fp_host(&s);
    int after = fetestexcept(FE_ALL_EXCEPT), round = fegetround();
    feclearexcept(FE_ALL_EXCEPT);
    ck_assert_uint_eq(probe_times, 1);
    ck_assert_int_eq(probe_flags_translate, FE_DIVBYZERO);
    ck_assert_int_eq(probe_flags_time, FE_DIVBYZERO);
    ck_assert_uint_eq(probe_third, 0x3fd5555555555555ull);     /* 1/3 rounded to nearest */
    /* the guest's NV and its division's NX, nothing of the host's */
    ck_assert_uint_eq(m->h.fflags, NV | NX);
    ck_assert_uint_eq(m->h.f[13], 0xbfd5555555555555ull);      /* -1/3, rtz */
    ck_assert_int_eq(after, FE_DIVBYZERO | FE_UNDERFLOW | FE_INEXACT);
    ck_assert_int_eq(round, FE_TONEAREST);
    mock_free(m);
}
END_TEST

/* fadd.d rd, rs1, rs2 with rounding mode rm; csrrwi zero, frm, imm. */
static uint32_t fadd_d(uint32_t rd, uint32_t rs1, uint32_t rs2, uint32_t rm)
{
    return 0x01u << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | 0x53;
}
static uint32_t fsrmi(uint32_t imm) { return 0x002u << 20 | imm << 15 | 5u << 12 | 0x73; }

/* rm_map matches frm and host_round (what checked builds assert at each
 * use), and host_round is RNE between runs. */
static void check_rm_map(const struct hart *h)
{
    ck_assert_int_eq(h->host_round, RNE);
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(h->rm_map[i], hart_rm_entry(i, h->frm, h->host_round));
}

/* The dynamic mode follows frm wherever it is written, whatever mode the
 * host was left in: static modes and frm writes interleaved in one run
 * (inline ops in the host's mode, the others switching it), frm set
 * between runs as sigreturn or a context switch does, and an invalid frm
 * written by the guest trapping at the next dynamic op. */
START_TEST(dynamic_mode_follows_frm)
{
    /* fa1 = 1, fa2 = 0.75 ulp(1), fa3 = 0.25 ulp(1) */
    const uint64_t one = D(1.0), up = D(1.0 + 0x1p-52);
    const uint32_t prog[] = {
        fadd_d(10, 11, 12, RTZ),    /* static: the host goes to RTZ */
        fadd_d(14, 11, 12, DYN),    /* frm = RNE: back to RNE */
        fsrmi(RTZ),                 /* frm = RTZ, host in RNE */
        fadd_d(15, 11, 12, DYN),    /* RTZ: the host switches */
        fadd_d(16, 11, 12, DYN),    /* RTZ: inline */
        fsrmi(RUP),                 /* frm = RUP, host in RTZ */
        fadd_d(17, 11, 13, DYN),    /* RUP */
        fadd_d(18, 11, 13, RNE),    /* static RNE */
        fadd_d(19, 11, 13, DYN),    /* RUP again */
        ECALL,
    };
    struct mock *m = mock_new();
    put_words(m, CODE, prog, ARRAY_SIZE(prog));
    m->h.f[11] = one;
    m->h.f[12] = D(0x1.8p-53);
    m->h.f[13] = D(0x1p-54);
    hart_set_frm(&m->h, RNE);
    check_rm_map(&m->h);
    ck_assert_int_eq(hart_run(&m->h, 100), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.f[10], one);
    ck_assert_uint_eq(m->h.f[14], up);
    ck_assert_uint_eq(m->h.f[15], one);
    ck_assert_uint_eq(m->h.f[16], one);
    ck_assert_uint_eq(m->h.f[17], up);
    ck_assert_uint_eq(m->h.f[18], one);
    ck_assert_uint_eq(m->h.f[19], up);
    ck_assert_uint_eq(m->h.frm, RUP);
    check_rm_map(&m->h);

    /* frm written between runs: fadd.d fa0, fa1, fa2 (dyn) in each mode */
    const uint32_t one_op[] = { fadd_d(10, 11, 12, DYN), ECALL };
    put_words(m, CODE, one_op, ARRAY_SIZE(one_op));
    hart_icache_flush(&m->h);
    static const struct { uint32_t frm; double want; } modes[] = {
        { RTZ, 1.0 }, { RUP, 1.0 + 0x1p-52 }, { RDN, 1.0 }, { RNE, 1.0 + 0x1p-52 },
        { RNE, 1.0 + 0x1p-52 }, { RTZ, 1.0 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
        hart_set_frm(&m->h, modes[i].frm);
        m->h.pc = CODE;
        ck_assert_int_eq(hart_run(&m->h, 100), HART_STOP_ECALL);
        ck_assert_msg(m->h.f[10] == D(modes[i].want), "frm %u", modes[i].frm);
        check_rm_map(&m->h);
    }

    /* the guest makes frm invalid with the host in another mode: the next
     * dynamic op is illegal, committing nothing; a valid frm lets it run */
    const uint32_t bad[] = { fadd_d(10, 11, 12, RUP), fsrmi(5), fadd_d(11, 11, 12, DYN), ECALL };
    put_words(m, CODE, bad, ARRAY_SIZE(bad));
    hart_icache_flush(&m->h);
    m->h.pc = CODE;
    ck_assert_int_eq(hart_run(&m->h, 100), HART_STOP_TRAP);
    ck_assert_uint_eq(m->h.cause, CAUSE_ILLEGAL_INSN);
    ck_assert_uint_eq(m->h.tval, bad[2]);
    ck_assert_uint_eq(m->h.pc, CODE + 8);
    ck_assert_uint_eq(m->h.f[10], up);
    ck_assert_uint_eq(m->h.f[11], one);
    ck_assert_uint_eq(m->h.frm, 5);
    check_rm_map(&m->h);
    hart_set_frm(&m->h, RUP);
    ck_assert_int_eq(hart_run(&m->h, 100), HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.f[11], up);
    mock_free(m);
}
END_TEST

START_TEST(host_environment_restored)
{
    fesetround(FE_UPWARD);
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    /* fdiv.s fa0,fa1,fa2 with rtz: inexact, and a rounding mode change */
    struct fres r = run1(BIN(0x0c, RTZ), S(1.0f), S(3.0f), 0, 0, 0);
    ck_assert_uint_eq(r.f, SB(0x3eaaaaaa));
    ck_assert_uint_eq(r.flags, NX);
    ck_assert_int_eq(fegetround(), FE_UPWARD);
    ck_assert_int_eq(fetestexcept(FE_ALL_EXCEPT), FE_DIVBYZERO);
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu_fpu");
    TCase *t = tcase_create("fpu");
    tcase_add_test(t, rounding_modes);
    tcase_add_test(t, dynamic_mode_follows_frm);
    tcase_add_test(t, every_flag);
    tcase_add_test(t, nan_boxing_and_canonical_nans);
    tcase_add_test(t, conversions_saturate);
    tcase_add_test(t, min_max_compare_class);
    tcase_add_test(t, fused_multiply_add);
    tcase_add_test(t, rmm_subnormal);
    tcase_add_test(t, host_environment_restored);
    tcase_add_test(t, host_environment_in_callouts);
    tcase_add_test(t, host_environment_session);
    suite_add_tcase(s, t);
    return testutil_run(s);
}
