/* F and D helpers: IEEE 754 arithmetic on the host FPU with RISC-V
 * semantics on top (canonical NaNs, NaN boxing, fflags, RMM rounding,
 * saturating conversions).  Values are raw register bits. */
#ifndef MMSIM_CPU_FPU_H
#define MMSIM_CPU_FPU_H

#include <stdbool.h>
#include <stdint.h>

struct hart;

/* fflags bits (spec: fcsr). */
enum { FFLAG_NX = 1, FFLAG_UF = 2, FFLAG_OF = 4, FFLAG_DZ = 8, FFLAG_NV = 16 };
/* Rounding modes (frm / rm field). */
enum { RM_RNE = 0, RM_RTZ = 1, RM_RDN = 2, RM_RUP = 3, RM_RMM = 4, RM_DYN = 7 };

#define CANON_NAN_S 0x7fc00000u
#define CANON_NAN_D 0x7ff8000000000000ull

/* NaN boxing: a single lives in the low half of an f register whose upper
 * 32 bits are all ones; anything else reads as the canonical NaN. */
static inline uint64_t box_s(uint32_t v) { return 0xffffffff00000000ull | v; }
static inline uint32_t unbox_s(uint64_t v)
{
    return (v >> 32) == 0xffffffffu ? (uint32_t)v : CANON_NAN_S;
}

/* GCC does not model the FP environment: it may move or merge FP
 * operations across the MXCSR writes (or fesetround() and the fe*except()
 * calls).  Values
 * pass through this empty asm, which the compiler must assume reads and
 * writes both the value and memory, to pin each operation between the
 * environment changes around it. */
#define FENV_BARRIER(v) __asm__ volatile("" : "+x"(v) : : "memory")

enum fpu_arith { FPU_ADD, FPU_SUB, FPU_MUL, FPU_DIV, FPU_SQRT,
                 FPU_MADD, FPU_MSUB, FPU_NMSUB, FPU_NMADD };
enum fpu_cmp { FPU_LE, FPU_LT, FPU_EQ };
enum fpu_int { FPU_W, FPU_WU, FPU_L, FPU_LU };

/* rm is a resolved rounding mode 0..4.  Single results are NaN-boxed. */
uint64_t fpu_arith_s(struct hart *h, int op, uint64_t a, uint64_t b, uint64_t c, int rm);
uint64_t fpu_arith_d(struct hart *h, int op, uint64_t a, uint64_t b, uint64_t c, int rm);
uint64_t fpu_minmax_s(struct hart *h, uint64_t a, uint64_t b, bool max);
uint64_t fpu_minmax_d(struct hart *h, uint64_t a, uint64_t b, bool max);
uint64_t fpu_cmp_s(struct hart *h, uint64_t a, uint64_t b, int kind);
uint64_t fpu_cmp_d(struct hart *h, uint64_t a, uint64_t b, int kind);
uint64_t fpu_class_s(uint64_t a);
uint64_t fpu_class_d(uint64_t a);
uint64_t fpu_to_int_s(struct hart *h, uint64_t a, int rm, int kind);
uint64_t fpu_to_int_d(struct hart *h, uint64_t a, int rm, int kind);
uint64_t fpu_from_int_s(struct hart *h, uint64_t x, int rm, int kind);
uint64_t fpu_from_int_d(struct hart *h, uint64_t x, int rm, int kind);
uint64_t fpu_cvt_s_d(struct hart *h, uint64_t a, int rm);
uint64_t fpu_cvt_d_s(struct hart *h, uint64_t a);

/* The fflags of each value of MXCSR's six exception flags (bits 0-5),
 * on hosts whose FP environment is MXCSR (HOSTFP_MXCSR): the interpreter
 * reads fflags inline with it. */
extern const uint8_t fpu_mxcsr_fflags[64];
/* Is the host FPU in rounding mode rm (RM_RNE..RM_RUP)?  For checked
 * builds' assertions that hart.host_round is right. */
bool fpu_host_round_is(int rm);
/* fflags including the exceptions accumulated in the host FPU. */
uint32_t fpu_get_flags(struct hart *h);
void fpu_set_flags(struct hart *h, uint32_t flags);
/* Fold the host's accumulated exception flags into h->fflags. */
void fpu_sync_flags(struct hart *h);

#endif
