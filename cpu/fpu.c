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

/* GCC does not model the FP environment: it may move or merge FP
 * operations across fesetround() and the fe*exceptflag() calls.  Values
 * pass through this empty asm, which the compiler must assume reads and
 * writes both the value and memory, to pin each operation between the
 * environment changes around it. */
#define FENV_BARRIER(v) __asm__ volatile("" : "+x"(v) : : "memory")

static float f32(uint32_t v) { float f; memcpy(&f, &v, 4); return f; }
static uint32_t u32(float f) { uint32_t v; memcpy(&v, &f, 4); return v; }
static double f64(uint64_t v) { double f; memcpy(&f, &v, 8); return f; }
static uint64_t u64(double f) { uint64_t v; memcpy(&v, &f, 8); return v; }

static bool nan_s(uint32_t v) { return (v & 0x7fffffffu) > 0x7f800000u; }
static bool snan_s(uint32_t v) { return nan_s(v) && !(v & 0x00400000u); }
static bool nan_d(uint64_t v) { return (v & ~(1ull << 63)) > 0x7ff0000000000000ull; }
static bool snan_d(uint64_t v) { return nan_d(v) && !(v & (1ull << 51)); }

static void raise_flags(struct hart *h, uint32_t f) { h->fflags |= f; }

static const int host_rm[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };

/* Put the host in rounding mode rm (RMM computes in RNE and fixes up).
 * The mode last set is remembered, so the common case is one compare;
 * helpers that switch modes temporarily switch back before returning. */
static void set_round(struct hart *h, int rm)
{
    int want = rm < 4 ? host_rm[rm] : FE_TONEAREST;
    if (h->dcache->host_round != want) {
        fesetround(want);
        h->dcache->host_round = want;
    }
}

static uint32_t host_to_rv(int ex)
{
    return ((ex & FE_INEXACT) ? FFLAG_NX : 0) | ((ex & FE_UNDERFLOW) ? FFLAG_UF : 0) |
           ((ex & FE_OVERFLOW) ? FFLAG_OF : 0) | ((ex & FE_DIVBYZERO) ? FFLAG_DZ : 0) |
           ((ex & FE_INVALID) ? FFLAG_NV : 0);
}

uint32_t fpu_get_flags(struct hart *h)
{
    return (h->fflags | host_to_rv(fetestexcept(FE_ALL_EXCEPT))) & 31;
}

void fpu_set_flags(struct hart *h, uint32_t flags)
{
    feclearexcept(FE_ALL_EXCEPT);
    h->fflags = flags & 31;
}

void fpu_sync_flags(struct hart *h)
{
    h->fflags = fpu_get_flags(h);
}

/* ---- RMM: the host rounds to nearest-even; a result differs from RMM
 * only on an exact tie that RNE resolved towards zero. ---- */

/* Round a double to single with ties away from zero. */
static float d_to_s_rmm(double x)
{
    FENV_BARRIER(x);
    float rn = (float)x;                /* host is in RNE */
    FENV_BARRIER(rn);
    if ((double)rn == x || isinf(x) || isnan(x))
        return rn;
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    fesetround(FE_TOWARDZERO);
    FENV_BARRIER(x);
    float lo = (float)x;
    FENV_BARRIER(lo);
    fesetround(FE_TONEAREST);
    float hi = nextafterf(lo, x < 0 ? -INFINITY : INFINITY);
    bool tie = !isinf(hi) && (double)hi - x == x - (double)lo;
    fesetexceptflag(&saved, FE_ALL_EXCEPT);
    return tie ? hi : rn;
}

/* Ties-away correction of a double result r = RN(exact) given the exact
 * error err = exact - r (0 when unknown or exact). */
static double fix_rmm_d(double r, double err)
{
    if (err == 0 || isinf(r) || isnan(r))
        return r;
    double away = nextafter(r, r < 0 || (r == 0 && err < 0) ? -INFINITY : INFINITY);
    double ulp = fabs(away - r);
    /* A tie that RNE sent towards zero: |err| is half an ulp and err
     * points away from zero. */
    if (2 * fabs(err) == ulp && (err > 0) == (r > 0 || (r == 0 && err > 0)))
        return away;
    return r;
}

static double rmm_err_d(int op, double a, double b, double r)
{
    switch (op) {
    case FPU_ADD: case FPU_SUB: {   /* TwoSum: exact error of RN(a + b) */
        double bb = op == FPU_SUB ? -b : b;
        double v = r - a;
        return (a - (r - v)) + (bb - v);
    }
    case FPU_MUL:
        return fma(a, b, -r);
    case FPU_DIV: {
        /* a - r*b is exact; the quotient error is that divided by b.  A
         * tie needs |a - r*b| == ulp/2 * |b|. */
        double rem = fma(-r, b, a);
        return rem / b;
    }
    default:
        return 0;   /* sqrt results are never ties */
    }
}

static void two_sum(double a, double b, double *s, double *e)
{
    *s = a + b;
    double v = *s - a;
    *e = (a - (*s - v)) + (b - v);
}

/* Exact error a*b + c - r of a fused result r = RN(a*b + c), as far as a
 * cascade of error-free transformations can tell; 0 when the remainder
 * does not vanish exactly (then r is not a tie and needs no fix). */
static double rmm_err_fma(double a, double b, double c, double r)
{
    double ph = a * b, pl = fma(a, b, -ph);     /* a*b = ph + pl */
    double s1, e1, d1, e2, t1, e3, t2, e4, t3, e5;
    two_sum(ph, c, &s1, &e1);                   /* ph + c = s1 + e1 */
    two_sum(s1, -r, &d1, &e2);                  /* s1 - r = d1 + e2 */
    two_sum(d1, pl, &t1, &e3);
    two_sum(t1, e1, &t2, &e4);
    two_sum(t2, e2, &t3, &e5);                  /* err = t3 + e3 + e4 + e5 */
    if (!isfinite(t3) || e3 != 0 || e4 != 0 || e5 != 0)
        return 0;
    return t3;
}

/* Single fma with ties away: a*b is exact in double and TwoSum gives the
 * exact sum s + e; only a float midpoint s with e = 0 is a tie, and a
 * midpoint s with e != 0 lies on the side e points to. */
static float fmaf_rmm(float a, float b, float c)
{
    double s, e;
    FENV_BARRIER(a);
    two_sum((double)a * b, c, &s, &e);
    FENV_BARRIER(s);
    if (isnan(s) || isinf(s))
        return (float)s;
    float rn = (float)s;
    FENV_BARRIER(rn);
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    fesetround(FE_TOWARDZERO);
    FENV_BARRIER(s);
    float lo = (float)s;
    FENV_BARRIER(lo);
    fesetround(FE_TONEAREST);
    float hi = nextafterf(lo, s < 0 ? -INFINITY : INFINITY);
    bool mid = (double)lo != s && !isinf(hi) && (double)hi - s == s - (double)lo;
    fesetexceptflag(&saved, FE_ALL_EXCEPT);
    if (e != 0)     /* s itself may be a float: the sum still was not */
        feraiseexcept(FE_INEXACT);
    if (!mid)
        return rn;
    if (e == 0 || (e > 0) == (s > 0))
        return hi;
    return lo;
}

static double rmm_err(int op, double a, double b, double c, double r)
{
    switch (op) {
    case FPU_MADD: return rmm_err_fma(a, b, c, r);
    case FPU_MSUB: return rmm_err_fma(a, b, -c, r);
    case FPU_NMSUB: return rmm_err_fma(-a, b, c, r);
    case FPU_NMADD: return rmm_err_fma(-a, b, -c, r);
    default: return rmm_err_d(op, a, b, r);
    }
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
    if (rm == RM_RMM && !isnan(r)) {
        fexcept_t saved;
        fegetexceptflag(&saved, FE_ALL_EXCEPT);
        FENV_BARRIER(a);
        FENV_BARRIER(b);
        FENV_BARRIER(c);
        FENV_BARRIER(r);
        r = fix_rmm_d(r, rmm_err(op, a, b, c, r));
        FENV_BARRIER(r);
        fesetexceptflag(&saved, FE_ALL_EXCEPT);
    }
    return canon_d(r);
}

uint64_t fpu_arith_s(struct hart *h, int op, uint64_t ua, uint64_t ub, uint64_t uc, int rm)
{
    float a = f32(unbox_s(ua)), b = f32(unbox_s(ub)), c = f32(unbox_s(uc)), r;
    if (rm == RM_RMM && op <= FPU_SQRT) {
        /* Exactly representable operands: the double result rounds to
         * single innocuously (53 >= 2 * 24 + 2), so round it with RMM. */
        set_round(h, RM_RNE);
        double x, da = a, db = b;
        FENV_BARRIER(da);
        FENV_BARRIER(db);
        switch (op) {
        case FPU_ADD: x = da + db; break;
        case FPU_SUB: x = da - db; break;
        case FPU_MUL: x = da * db; break;
        case FPU_DIV: x = da / db; break;
        default: x = sqrt(da); break;
        }
        return canon_s(d_to_s_rmm(x));
    }
    if (rm == RM_RMM) {
        set_round(h, RM_RNE);
        switch (op) {
        case FPU_MADD: fma_inf_zero(h, a, b); return canon_s(fmaf_rmm(a, b, c));
        case FPU_MSUB: fma_inf_zero(h, a, b); return canon_s(fmaf_rmm(a, b, -c));
        case FPU_NMSUB: fma_inf_zero(h, a, b); return canon_s(fmaf_rmm(-a, b, c));
        default: fma_inf_zero(h, a, b); return canon_s(fmaf_rmm(-a, b, -c));
        }
    }
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
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    FENV_BARRIER(x);
    double r = round_int(x, rm);
    FENV_BARRIER(r);
    fesetexceptflag(&saved, FE_ALL_EXCEPT);
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
    double x = f64(a);
    set_round(h, rm);
    FENV_BARRIER(x);
    float r = rm == RM_RMM ? d_to_s_rmm(x) : (float)x;
    FENV_BARRIER(r);
    return canon_s(r);
}

uint64_t fpu_cvt_d_s(struct hart *h, uint64_t a)
{
    return canon_d((double)f32(unbox_s(a)));
}
