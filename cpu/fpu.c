/* F and D on the host FPU.
 *
 * While hart_run executes, the host FPU holds the guest's rounding mode and
 * accumulates the guest's exception flags: x86 SSE reports the five IEEE
 * exceptions as RISC-V defines them (tininess is detected after rounding on
 * both, and underflow is only flagged when the result is also inexact), so
 * the sticky host flags are the sticky guest flags.  What the host does
 * differently is fixed up here: NaN results are made canonical, RMM
 * (ties to max magnitude) has no host mode, conversions to integers
 * saturate, and comparisons/min/max/class are done on the bits. */
#include <fenv.h>
#include <math.h>
#include <string.h>

#include "cpu/fpu.h"
#include "cpu/hart_internal.h"

static float f32(uint32_t v) { float f; memcpy(&f, &v, 4); return f; }
static uint32_t u32(float f) { uint32_t v; memcpy(&v, &f, 4); return v; }
static double f64(uint64_t v) { double f; memcpy(&f, &v, 8); return f; }
static uint64_t u64(double f) { uint64_t v; memcpy(&v, &f, 8); return v; }

static bool nan_s(uint32_t v) { return (v & 0x7fffffffu) > 0x7f800000u; }
static bool snan_s(uint32_t v) { return nan_s(v) && !(v & 0x00400000u); }
static bool nan_d(uint64_t v) { return (v & ~(1ull << 63)) > 0x7ff0000000000000ull; }
static bool snan_d(uint64_t v) { return nan_d(v) && !(v & (1ull << 51)); }

static void raise_flags(struct hart *h, uint32_t f) { h->fflags |= f; }

/* ---- The host FPU's rounding mode and flags.  On x86-64 these live in
 * MXCSR (flags in bits 0-5: IE DE ZE OE UE PE; rounding control in bits
 * 13-14), which is all hart_run swaps (hart_internal.h); elsewhere
 * <fenv.h>. ---- */
#if HOSTFP_MXCSR
enum { HF_NV = 0x01, HF_DZ = 0x04, HF_OF = 0x08, HF_UF = 0x10, HF_NX = 0x20, HF_ALL = 0x3f };
static const unsigned host_rc[4] = { 0u << 13, 3u << 13, 1u << 13, 2u << 13 };

static unsigned host_flags(void) { return _mm_getcsr() & HF_ALL; }
static void host_set_flags(unsigned f) { _mm_setcsr((_mm_getcsr() & ~(unsigned)HF_ALL) | f); }
static void host_set_round(int rm) { _mm_setcsr((_mm_getcsr() & ~(3u << 13)) | host_rc[rm]); }
bool fpu_host_round_is(int rm) { return (_mm_getcsr() & (3u << 13)) == host_rc[rm]; }
#else
enum { HF_NV = FE_INVALID, HF_DZ = FE_DIVBYZERO, HF_OF = FE_OVERFLOW, HF_UF = FE_UNDERFLOW,
       HF_NX = FE_INEXACT, HF_ALL = FE_ALL_EXCEPT };
static const int host_rm[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };

static unsigned host_flags(void) { return (unsigned)fetestexcept(FE_ALL_EXCEPT); }
static void host_set_flags(unsigned f)
{
    feclearexcept(FE_ALL_EXCEPT);
    if (f)
        feraiseexcept((int)f);
}
static void host_set_round(int rm) { fesetround(host_rm[rm]); }
bool fpu_host_round_is(int rm) { return fegetround() == host_rm[rm]; }
#endif

/* Put the host in rounding mode rm (RMM is done in software, and its
 * special cases, which are exact, in RNE).  The mode last set is
 * remembered, so the common case is one compare. */
static void set_round(struct hart *h, int rm)
{
    int want = rm < 4 ? rm : RM_RNE;
    if (h->host_round != want) {
        host_set_round(want);
        hart_set_host_round(h, want);
    }
}

#if HOSTFP_MXCSR
/* MXCSR's flags as fflags: IE -> NV, ZE -> DZ, OE -> OF, UE -> UF, PE ->
 * NX; DE (a denormal operand) has no RISC-V flag. */
#define MX(i) (((i) & HF_NV ? FFLAG_NV : 0) | ((i) & HF_DZ ? FFLAG_DZ : 0) |                \
               ((i) & HF_OF ? FFLAG_OF : 0) | ((i) & HF_UF ? FFLAG_UF : 0) |                \
               ((i) & HF_NX ? FFLAG_NX : 0))
#define MX4(i) MX(i), MX((i) + 1), MX((i) + 2), MX((i) + 3)
#define MX16(i) MX4(i), MX4((i) + 4), MX4((i) + 8), MX4((i) + 12)
const uint8_t fpu_mxcsr_fflags[64] = { MX16(0), MX16(16), MX16(32), MX16(48) };
#undef MX16
#undef MX4
#undef MX

static uint32_t host_to_rv(unsigned ex) { return fpu_mxcsr_fflags[ex & HF_ALL]; }
#else
static uint32_t host_to_rv(unsigned ex)
{
    return ((ex & HF_NX) ? FFLAG_NX : 0) | ((ex & HF_UF) ? FFLAG_UF : 0) |
           ((ex & HF_OF) ? FFLAG_OF : 0) | ((ex & HF_DZ) ? FFLAG_DZ : 0) |
           ((ex & HF_NV) ? FFLAG_NV : 0);
}
#endif

uint32_t fpu_get_flags(struct hart *h)
{
    return (h->fflags | host_to_rv(host_flags())) & 31;
}

void fpu_set_flags(struct hart *h, uint32_t flags)
{
    host_set_flags(0);
    h->fflags = flags & 31;
}

void fpu_sync_flags(struct hart *h)
{
    unsigned ex = host_flags();
    if (ex)     /* rarely: most runs do no FP that raises a flag */
        h->fflags = (h->fflags | host_to_rv(ex)) & 31;
}

/* ---- RMM (round to nearest, ties to max magnitude) has no host mode.
 * Its finite, non-zero cases are computed exactly in integer arithmetic
 * (unsigned __int128; no long double) and rounded here, flags included:
 * correct wherever the tie or the rounding error lies, subnormal range
 * included.  RMM is rare, so this favours being obviously right over
 * speed.  The rest rounds as in RNE and is left to the host: NaN, infinite
 * and zero operands and division by zero give exact or special results,
 * and a square root is never a tie. ---- */

typedef unsigned __int128 u128;

/* A binary format: precision p (with the implicit bit), emax (= bias;
 * emin = 1 - emax), and the position of the sign bit. */
struct ffmt {
    int p, emax, sign_bit;
};
static const struct ffmt BIN64 = { 53, 1023, 63 }, BIN32 = { 24, 127, 31 };

/* A finite value sign * m * 2^e, exactly. */
struct term {
    bool neg;
    u128 m;
    int e;
};

/* A finite value sign * (m + f) * 2^e for some 0 <= f < 1, where sticky
 * says whether f != 0: enough to round correctly when m has more than p + 1
 * bits. */
struct exact {
    bool neg;
    u128 m;
    int e;
    bool sticky;
};

static int msb128(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((uint64_t)v);
}

static u128 low_bits(u128 v, int n) { return v & (((u128)1 << n) - 1); }

static bool finite_nonzero(const struct ffmt *F, uint64_t v)
{
    uint64_t e = (v >> (F->p - 1)) & (uint64_t)(2 * F->emax + 1);
    return e != (uint64_t)(2 * F->emax + 1) && (v & ((1ull << F->sign_bit) - 1)) != 0;
}

static bool is_finite(const struct ffmt *F, uint64_t v)
{
    return ((v >> (F->p - 1)) & (uint64_t)(2 * F->emax + 1)) != (uint64_t)(2 * F->emax + 1);
}

static bool is_zero(const struct ffmt *F, uint64_t v)
{
    return (v & ((1ull << F->sign_bit) - 1)) == 0;
}

/* Bits of a finite value as sign * m * 2^e. */
static struct term unpack(const struct ffmt *F, uint64_t v)
{
    int fb = F->p - 1;
    uint64_t be = (v >> fb) & (uint64_t)(2 * F->emax + 1);
    uint64_t frac = v & ((1ull << fb) - 1);
    struct term t = { (v >> F->sign_bit) & 1, frac, 1 - F->emax - fb };
    if (be) {
        t.m = frac | 1ull << fb;
        t.e = (int)be - F->emax - fb;
    }
    return t;
}

/* Round x to format F with ties away from zero and raise NX, UF and OF as
 * RISC-V does (tininess is detected after rounding; UF only when inexact).
 * Returns the bits (a single unboxed). */
static uint64_t round_rmm(struct hart *h, const struct ffmt *F, struct exact x)
{
    const int p = F->p, emin = 1 - F->emax;
    const int norm = 125;       /* m is kept with its top bit here */
    uint64_t sign = (uint64_t)x.neg << F->sign_bit;
    if (x.m == 0) {
        /* Only an exact cancellation gets here (producers never leave a
         * lone sticky fraction): +0 in every mode but RDN. */
        MMSIM_ASSERT(!x.sticky);
        return 0;
    }
    int msb = msb128(x.m);
    if (msb < norm) {
        x.m <<= norm - msb;
        x.e -= norm - msb;
    } else if (msb > norm) {
        int k = msb - norm;
        x.sticky |= low_bits(x.m, k) != 0;
        x.m >>= k;
        x.e += k;
    }
    int top = norm + x.e;               /* 2^top <= |x| < 2^(top + 1) */
    int lsb = top - (p - 1);            /* weight of the result's last bit */
    if (lsb < emin - (p - 1))
        lsb = emin - (p - 1);           /* subnormal */
    int sh = lsb - x.e;                 /* >= norm - (p - 1) > 64 */
    u128 q;
    bool inexact;
    if (sh >= norm + 2) {
        /* |x| < 2^(norm + 1 + e) <= half the last place: rounds to 0 */
        q = 0;
        inexact = true;
    } else {
        u128 rem = low_bits(x.m, sh);
        q = (x.m >> sh) + (rem >= (u128)1 << (sh - 1));     /* ties away */
        inexact = rem != 0 || x.sticky;
    }
    if (q >> p) {                       /* carried into a new binade */
        q >>= 1;
        lsb++;
    }
    /* Tiny: the result rounded to p bits with an unbounded exponent is
     * below 2^emin.  Only |x| just below 2^emin can round up to it. */
    bool tiny = top < emin;
    if (top == emin - 1) {
        int su = norm - (p - 1);
        u128 qu = (x.m >> su) + (low_bits(x.m, su) >= (u128)1 << (su - 1));
        tiny = !(qu >> p);
    }
    uint32_t flags = inexact ? FFLAG_NX | (tiny ? FFLAG_UF : 0) : 0;
    uint64_t bits;
    if (q >> (p - 1)) {
        int be = lsb + (p - 1) + F->emax;   /* biased exponent */
        if (be > 2 * F->emax) {             /* overflow: ties away go to inf */
            raise_flags(h, FFLAG_OF | FFLAG_NX);
            return sign | (uint64_t)(2 * F->emax + 1) << (p - 1);
        }
        bits = sign | (uint64_t)be << (p - 1) | ((uint64_t)q & ((1ull << (p - 1)) - 1));
    } else {
        bits = sign | (uint64_t)q;          /* subnormal or zero */
    }
    raise_flags(h, flags);
    return bits;
}

/* a + b exactly enough to round (a.m, b.m non-zero, at most 124 bits). */
static struct exact add_terms(struct term a, struct term b)
{
    const int norm = 124;
    int ka = norm - msb128(a.m), kb = norm - msb128(b.m);
    a.m <<= ka;
    a.e -= ka;
    b.m <<= kb;
    b.e -= kb;
    if (b.e > a.e || (b.e == a.e && b.m > a.m)) {   /* |a| >= |b| */
        struct term t = a;
        a = b;
        b = t;
    }
    int d = a.e - b.e;
    bool sticky = false;
    if (d <= 2) {                   /* align a on b without losing bits */
        a.m <<= d;
        a.e = b.e;
    } else if (d >= 128) {
        sticky = true;              /* all of b is below a's last bit */
        b.m = 0;
    } else {
        sticky = low_bits(b.m, d) != 0;
        b.m >>= d;
    }
    /* Now |a| + |b| = (a.m + b.m + f) * 2^a.e with 0 <= f < 1, f != 0 iff
     * sticky; a difference borrows f from the last place: a.m - b.m - f
     * = (a.m - b.m - 1) + (1 - f).  a.m > b.m when d > 2, so the result
     * keeps well over p + 1 bits. */
    struct exact r = { a.neg, a.m, a.e, sticky };
    if (a.neg == b.neg)
        r.m = a.m + b.m;
    else
        r.m = a.m - b.m - (sticky ? 1 : 0);
    return r;
}

/* The RMM result of op on raw operands (singles unboxed), into *out;
 * false when the operation is left to the host. */
static bool rmm_arith(struct hart *h, const struct ffmt *F, int op, uint64_t a, uint64_t b,
                      uint64_t c, uint64_t *out)
{
    struct term ta, tb;
    struct exact x;
    switch (op) {
    case FPU_ADD:
    case FPU_SUB:
        if (!finite_nonzero(F, a) || !finite_nonzero(F, b))
            return false;
        ta = unpack(F, a);
        tb = unpack(F, b);
        tb.neg ^= op == FPU_SUB;
        x = add_terms(ta, tb);
        break;
    case FPU_MUL:
        if (!finite_nonzero(F, a) || !finite_nonzero(F, b))
            return false;
        ta = unpack(F, a);
        tb = unpack(F, b);
        x = (struct exact){ ta.neg ^ tb.neg, ta.m * tb.m, ta.e + tb.e, false };
        break;
    case FPU_DIV: {
        if (!finite_nonzero(F, a) || !finite_nonzero(F, b))
            return false;
        ta = unpack(F, a);
        tb = unpack(F, b);
        /* At least 126 - 53 = 73 quotient bits, the rest is the sticky. */
        int k = 126 - msb128(ta.m);
        u128 num = ta.m << k;
        x = (struct exact){ ta.neg ^ tb.neg, num / tb.m, ta.e - k - tb.e, num % tb.m != 0 };
        break;
    }
    case FPU_SQRT:
        return false;
    default: {
        if (!finite_nonzero(F, a) || !finite_nonzero(F, b) || !is_finite(F, c))
            return false;
        ta = unpack(F, a);
        tb = unpack(F, b);
        struct term prod = { ta.neg ^ tb.neg ^ (op == FPU_NMSUB || op == FPU_NMADD),
                             ta.m * tb.m, ta.e + tb.e };
        if (is_zero(F, c)) {
            x = (struct exact){ prod.neg, prod.m, prod.e, false };
        } else {
            struct term tc = unpack(F, c);
            tc.neg ^= op == FPU_MSUB || op == FPU_NMADD;
            x = add_terms(prod, tc);
        }
        break;
    }
    }
    *out = round_rmm(h, F, x);
    return true;
}

static uint64_t canon_d(double r) { return isnan(r) ? CANON_NAN_D : u64(r); }
static uint64_t canon_s(float r) { return box_s(isnan(r) ? CANON_NAN_S : u32(r)); }

/* RISC-V requires NV for inf * 0 + c even when c is a quiet NaN; IEEE
 * leaves that optional, so do not rely on the host. */
static void fma_inf_zero(struct hart *h, double a, double b)
{
    if ((isinf(a) && b == 0) || (a == 0 && isinf(b)))
        raise_flags(h, FFLAG_NV);
}

uint64_t fpu_arith_d(struct hart *h, int op, uint64_t ua, uint64_t ub, uint64_t uc, int rm)
{
    uint64_t out;
    if (rm == RM_RMM && rmm_arith(h, &BIN64, op, ua, ub, uc, &out))
        return out;
    double a = f64(ua), b = f64(ub), c = f64(uc), r;
    set_round(h, rm);
    FENV_BARRIER(a);
    FENV_BARRIER(b);
    FENV_BARRIER(c);
    switch (op) {
    case FPU_ADD: r = a + b; break;
    case FPU_SUB: r = a - b; break;
    case FPU_MUL: r = a * b; break;
    case FPU_DIV: r = a / b; break;
    case FPU_SQRT: r = sqrt(a); break;
    case FPU_MADD: fma_inf_zero(h, a, b); r = fma(a, b, c); break;
    case FPU_MSUB: fma_inf_zero(h, a, b); r = fma(a, b, -c); break;
    case FPU_NMSUB: fma_inf_zero(h, a, b); r = fma(-a, b, c); break;
    default: fma_inf_zero(h, a, b); r = fma(-a, b, -c); break;
    }
    FENV_BARRIER(r);
    return canon_d(r);
}

uint64_t fpu_arith_s(struct hart *h, int op, uint64_t ua, uint64_t ub, uint64_t uc, int rm)
{
    uint32_t ba = unbox_s(ua), bb = unbox_s(ub), bc = unbox_s(uc);
    uint64_t out;
    if (rm == RM_RMM && rmm_arith(h, &BIN32, op, ba, bb, bc, &out))
        return box_s((uint32_t)out);
    float a = f32(ba), b = f32(bb), c = f32(bc), r;
    set_round(h, rm);
    FENV_BARRIER(a);
    FENV_BARRIER(b);
    FENV_BARRIER(c);
    switch (op) {
    case FPU_ADD: r = a + b; break;
    case FPU_SUB: r = a - b; break;
    case FPU_MUL: r = a * b; break;
    case FPU_DIV: r = a / b; break;
    case FPU_SQRT: r = sqrtf(a); break;
    case FPU_MADD: fma_inf_zero(h, a, b); r = fmaf(a, b, c); break;
    case FPU_MSUB: fma_inf_zero(h, a, b); r = fmaf(a, b, -c); break;
    case FPU_NMSUB: fma_inf_zero(h, a, b); r = fmaf(-a, b, c); break;
    default: fma_inf_zero(h, a, b); r = fmaf(-a, b, -c); break;
    }
    FENV_BARRIER(r);
    return canon_s(r);
}

/* ---- min/max (spec 2.2: -0 < +0, a single NaN yields the other operand,
 * sNaN signals) ---- */

uint64_t fpu_minmax_d(struct hart *h, uint64_t a, uint64_t b, bool max)
{
    if (snan_d(a) || snan_d(b))
        raise_flags(h, FFLAG_NV);
    if (nan_d(a) && nan_d(b))
        return CANON_NAN_D;
    if (nan_d(a))
        return b;
    if (nan_d(b))
        return a;
    double x = f64(a), y = f64(b);
    if (x == y)     /* equal, or +0/-0: pick by sign */
        return max ? (a & b) : (a | b);
    return (x < y) != max ? a : b;
}

uint64_t fpu_minmax_s(struct hart *h, uint64_t ua, uint64_t ub, bool max)
{
    uint32_t a = unbox_s(ua), b = unbox_s(ub);
    if (snan_s(a) || snan_s(b))
        raise_flags(h, FFLAG_NV);
    if (nan_s(a) && nan_s(b))
        return box_s(CANON_NAN_S);
    if (nan_s(a))
        return box_s(b);
    if (nan_s(b))
        return box_s(a);
    float x = f32(a), y = f32(b);
    if (x == y)
        return box_s(max ? (a & b) : (a | b));
    return box_s((x < y) != max ? a : b);
}

/* ---- comparisons: feq is quiet (NV only for sNaN), flt/fle signal on
 * any NaN ---- */

uint64_t fpu_cmp_d(struct hart *h, uint64_t a, uint64_t b, int kind)
{
    if (nan_d(a) || nan_d(b)) {
        if (kind != FPU_EQ || snan_d(a) || snan_d(b))
            raise_flags(h, FFLAG_NV);
        return 0;
    }
    double x = f64(a), y = f64(b);
    return kind == FPU_EQ ? x == y : kind == FPU_LT ? x < y : x <= y;
}

uint64_t fpu_cmp_s(struct hart *h, uint64_t ua, uint64_t ub, int kind)
{
    uint32_t a = unbox_s(ua), b = unbox_s(ub);
    if (nan_s(a) || nan_s(b)) {
        if (kind != FPU_EQ || snan_s(a) || snan_s(b))
            raise_flags(h, FFLAG_NV);
        return 0;
    }
    float x = f32(a), y = f32(b);
    return kind == FPU_EQ ? x == y : kind == FPU_LT ? x < y : x <= y;
}

/* ---- fclass: one bit per class (spec table "Format of result of FCLASS") */

static uint64_t classify(bool neg, bool exp_max, bool exp_zero, bool frac_zero, bool quiet)
{
    if (exp_max) {
        if (frac_zero)
            return neg ? 1u << 0 : 1u << 7;
        return quiet ? 1u << 9 : 1u << 8;
    }
    if (exp_zero) {
        if (frac_zero)
            return neg ? 1u << 3 : 1u << 4;
        return neg ? 1u << 2 : 1u << 5;
    }
    return neg ? 1u << 1 : 1u << 6;
}

uint64_t fpu_class_s(uint64_t ua)
{
    uint32_t a = unbox_s(ua);
    uint32_t e = (a >> 23) & 0xff, f = a & 0x7fffff;
    return classify(a >> 31, e == 0xff, e == 0, f == 0, (f >> 22) & 1);
}

uint64_t fpu_class_d(uint64_t a)
{
    uint64_t e = (a >> 52) & 0x7ff, f = a & ((1ull << 52) - 1);
    return classify(a >> 63, e == 0x7ff, e == 0, f == 0, (f >> 51) & 1);
}

/* ---- conversions to integers: round per rm, saturate out-of-range and
 * NaN inputs with NV (spec table "Domains of float-to-integer
 * conversions"), NX when in range but inexact. ---- */

static double round_int(double x, int rm)
{
    switch (rm) {
    case RM_RTZ: return trunc(x);
    case RM_RDN: return floor(x);
    case RM_RUP: return ceil(x);
    case RM_RMM: return round(x);
    default: return roundeven(x);
    }
}

static uint64_t to_int(struct hart *h, double x, bool nan, int rm, int kind)
{
    static const double lo[4] = { -2147483648.0, 0.0, -9223372036854775808.0, 0.0 };
    static const double hi_excl[4] = { 2147483648.0, 4294967296.0, 9223372036854775808.0,
                                       18446744073709551616.0 };
    static const uint64_t min_v[4] = { (uint64_t)INT32_MIN, 0, (uint64_t)INT64_MIN, 0 };
    static const uint64_t max_v[4] = { INT32_MAX, UINT64_MAX /* sign-extended 2^32-1 */,
                                       INT64_MAX, UINT64_MAX };
    if (nan) {
        raise_flags(h, FFLAG_NV);
        return max_v[kind];
    }
    /* The host's floor/ceil may raise inexact: keep the guest's flags. */
    unsigned saved = host_flags();
    FENV_BARRIER(x);
    double r = round_int(x, rm);
    FENV_BARRIER(r);
    host_set_flags(saved);
    if (r < lo[kind]) {
        raise_flags(h, FFLAG_NV);
        return min_v[kind];
    }
    if (r >= hi_excl[kind]) {
        raise_flags(h, FFLAG_NV);
        return max_v[kind];
    }
    if (r != x)
        raise_flags(h, FFLAG_NX);
    switch (kind) {
    case FPU_W: return (uint64_t)(int64_t)(int32_t)r;
    case FPU_WU: return (uint64_t)(int64_t)(int32_t)(uint32_t)r;
    case FPU_L: return (uint64_t)(int64_t)r;
    default: return (uint64_t)r;
    }
}

uint64_t fpu_to_int_s(struct hart *h, uint64_t ua, int rm, int kind)
{
    uint32_t a = unbox_s(ua);
    return to_int(h, nan_s(a) ? 0 : (double)f32(a), nan_s(a), rm, kind);
}

uint64_t fpu_to_int_d(struct hart *h, uint64_t a, int rm, int kind)
{
    return to_int(h, nan_d(a) ? 0 : f64(a), nan_d(a), rm, kind);
}

/* ---- conversions from integers, rounded in integer arithmetic so every
 * mode (RMM included) is exact; only NX can be raised. ---- */

static uint64_t from_int(struct hart *h, uint64_t x, int rm, int kind, int p, int bias)
{
    bool neg = false;
    uint64_t mag;
    switch (kind) {
    case FPU_W: {
        int64_t v = (int32_t)x;
        neg = v < 0;
        mag = neg ? (uint64_t)-v : (uint64_t)v;
        break;
    }
    case FPU_WU: mag = (uint32_t)x; break;
    case FPU_L:
        neg = (int64_t)x < 0;
        mag = neg ? -x : x;
        break;
    default: mag = x; break;
    }
    uint64_t sign = (uint64_t)neg << (p == 24 ? 31 : 63);
    if (mag == 0)
        return 0;
    int msb = 63 - __builtin_clzll(mag);
    int e = msb;
    uint64_t mant;
    if (msb <= p - 1) {
        mant = mag << (p - 1 - msb);
    } else {
        int sh = msb - (p - 1);
        mant = mag >> sh;
        uint64_t rem = mag & ((1ull << sh) - 1), half = 1ull << (sh - 1);
        bool up;
        switch (rm) {
        case RM_RTZ: up = false; break;
        case RM_RDN: up = neg && rem; break;
        case RM_RUP: up = !neg && rem; break;
        case RM_RMM: up = rem >= half; break;
        default: up = rem > half || (rem == half && (mant & 1)); break;
        }
        if (rem)
            raise_flags(h, FFLAG_NX);
        if (up && ++mant == 1ull << p) {
            mant >>= 1;
            e++;
        }
    }
    return sign | (uint64_t)(e + bias) << (p - 1) | (mant & ((1ull << (p - 1)) - 1));
}

uint64_t fpu_from_int_s(struct hart *h, uint64_t x, int rm, int kind)
{
    return box_s((uint32_t)from_int(h, x, rm, kind, 24, 127));
}

uint64_t fpu_from_int_d(struct hart *h, uint64_t x, int rm, int kind)
{
    return from_int(h, x, rm, kind, 53, 1023);
}

uint64_t fpu_cvt_s_d(struct hart *h, uint64_t a, int rm)
{
    if (rm == RM_RMM && finite_nonzero(&BIN64, a)) {
        struct term t = unpack(&BIN64, a);
        return box_s((uint32_t)round_rmm(h, &BIN32, (struct exact){ t.neg, t.m, t.e, false }));
    }
    double x = f64(a);
    set_round(h, rm);
    FENV_BARRIER(x);
    float r = (float)x;
    FENV_BARRIER(r);
    return canon_s(r);
}

uint64_t fpu_cvt_d_s(struct hart *h, uint64_t a)
{
    return canon_d((double)f32(unbox_s(a)));
}
