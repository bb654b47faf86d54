/* isa.h - inline-asm helpers for the ISA guest programs: run one named
 * instruction on given operands so the compiler cannot fold the result. */
#ifndef GUEST_ISA_H
#define GUEST_ISA_H
#include <stdint.h>

#define RR(insn, a, b) ({ uint64_t r_; __asm__ volatile(insn " %0, %1, %2" \
    : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))); r_; })
#define R1(insn, a) ({ uint64_t r_; __asm__ volatile(insn " %0, %1" \
    : "=r"(r_) : "r"((uint64_t)(a))); r_; })
#define RI(insn, a, imm) ({ uint64_t r_; __asm__ volatile(insn " %0, %1, " #imm \
    : "=r"(r_) : "r"((uint64_t)(a))); r_; })

static inline uint64_t dbits(double d) { uint64_t u; __builtin_memcpy(&u, &d, 8); return u; }
static inline double bitsd(uint64_t u) { double d; __builtin_memcpy(&d, &u, 8); return d; }
static inline uint32_t fbits(float f) { uint32_t u; __builtin_memcpy(&u, &f, 4); return u; }
static inline float bitsf(uint32_t u) { float f; __builtin_memcpy(&f, &u, 4); return f; }

static inline unsigned get_fflags(void) { unsigned v; __asm__ volatile("frflags %0" : "=r"(v)); return v; }
static inline void clr_fflags(void) { __asm__ volatile("fsflags zero"); }
#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01
#endif

/* Floating-point helpers on raw bit patterns: operands are moved into
 * ft0..ft2 with fmv.d.x (a pure transfer: no NaN-boxing applied, so single
 * operands must be passed boxed, see BOX), the result comes back with
 * fmv.x.d (so a single result shows its NaN box) or in an x register. */
#define BOX(x) (0xffffffff00000000ull | (uint32_t)(x))
#define FCLOB "ft0", "ft1", "ft2", "ft3"
#define FBIN(insn, a, b) ({ uint64_t r_; __asm__ volatile(                  \
    "fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1\n\t"      \
    "fmv.x.d %0, ft2" : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))   \
    : FCLOB); r_; })
#define FBINRM(insn, rm, a, b) FBIN(insn " ft2, ft0, ft1, " rm "\n\t#", a, b)
#define FUN(insn, a) ({ uint64_t r_; __asm__ volatile(                      \
    "fmv.d.x ft0, %1\n\t" insn " ft2, ft0\n\tfmv.x.d %0, ft2"               \
    : "=r"(r_) : "r"((uint64_t)(a)) : FCLOB); r_; })
#define FUNRM(insn, rm, a) FUN(insn " ft2, ft0, " rm "\n\t#", a)
#define FTER(insn, a, b, c) ({ uint64_t r_; __asm__ volatile(               \
    "fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\tfmv.d.x ft3, %3\n\t"             \
    insn " ft2, ft0, ft1, ft3\n\tfmv.x.d %0, ft2" : "=r"(r_)                \
    : "r"((uint64_t)(a)), "r"((uint64_t)(b)), "r"((uint64_t)(c)) : FCLOB); r_; })
#define FTERRM(insn, rm, a, b, c) FTER(insn " ft2, ft0, ft1, ft3, " rm "\n\t#", a, b, c)
/* float -> x register (fcvt.*.* to integer, fclass, fmv.x.w) */
#define FTOX(insn, a) ({ uint64_t r_; __asm__ volatile(                     \
    "fmv.d.x ft0, %1\n\t" insn " %0, ft0" : "=r"(r_)                        \
    : "r"((uint64_t)(a)) : FCLOB); r_; })
#define FTOXRM(insn, rm, a) ({ uint64_t r_; __asm__ volatile(               \
    "fmv.d.x ft0, %1\n\t" insn " %0, ft0, " rm : "=r"(r_)                   \
    : "r"((uint64_t)(a)) : FCLOB); r_; })
/* x register -> float (fcvt from integer, fmv.w.x) */
#define XTOF(insn, a) ({ uint64_t r_; __asm__ volatile(                     \
    insn " ft2, %1\n\tfmv.x.d %0, ft2" : "=r"(r_)                           \
    : "r"((uint64_t)(a)) : FCLOB); r_; })
#define XTOFRM(insn, rm, a) ({ uint64_t r_; __asm__ volatile(               \
    insn " ft2, %1, " rm "\n\tfmv.x.d %0, ft2" : "=r"(r_)                   \
    : "r"((uint64_t)(a)) : FCLOB); r_; })
/* comparisons: two floats -> x register */
#define FCMP(insn, a, b) ({ uint64_t r_; __asm__ volatile(                  \
    "fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " %0, ft0, ft1"           \
    : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) : FCLOB); r_; })

/* evaluate expr with fflags cleared first; store the flags in *flagp */
#define WITH_FLAGS(flagp, expr) ({ clr_fflags(); uint64_t v_ = (expr);      \
    *(flagp) = get_fflags(); v_; })

/* double constants */
#define D_ZERO  0x0000000000000000ull
#define D_NZERO 0x8000000000000000ull
#define D_ONE   0x3ff0000000000000ull
#define D_NONE  0xbff0000000000000ull
#define D_TWO   0x4000000000000000ull
#define D_THREE 0x4008000000000000ull
#define D_HALF  0x3fe0000000000000ull
#define D_INF   0x7ff0000000000000ull
#define D_NINF  0xfff0000000000000ull
#define D_QNAN  0x7ff8000000000000ull   /* the canonical NaN */
#define D_SNAN  0x7ff0000000000001ull
#define D_MAX   0x7fefffffffffffffull
#define D_MIN   0x0010000000000000ull   /* smallest normal */
#define D_DEN   0x0000000000000001ull   /* smallest subnormal */
/* single constants (unboxed; wrap with BOX when used as an operand) */
#define F_ZERO  0x00000000u
#define F_NZERO 0x80000000u
#define F_ONE   0x3f800000u
#define F_NONE  0xbf800000u
#define F_TWO   0x40000000u
#define F_THREE 0x40400000u
#define F_HALF  0x3f000000u
#define F_INF   0x7f800000u
#define F_NINF  0xff800000u
#define F_QNAN  0x7fc00000u
#define F_SNAN  0x7f800001u
#define F_MAX   0x7f7fffffu
#define F_MIN   0x00800000u
#define F_DEN   0x00000001u
