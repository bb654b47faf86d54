/* Common internal definitions shared by every room of libmmsim.
 * Not part of the public API: nothing here is installed. */
#ifndef MMSIM_INTERNAL_H
#define MMSIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define NOINLINE __attribute__((noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))
/* For a function whose only effect is host prefetches: GCC 12 deems such
 * a function effect-free (its IPA analysis) and drops the calls to it. */
#if defined(__clang__)
#define NOIPA __attribute__((noinline))
#else
#define NOIPA __attribute__((noipa))
#endif
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Internal invariants: on in debug and test builds (MMSIM_CHECKS), compiled
 * out of release builds so hot paths pay nothing.  A failed invariant is a
 * simulator bug, never a guest or user error, hence the abort. */
#if defined(MMSIM_CHECKS)
#define MMSIM_ASSERT(cond)                                                     \
    do {                                                                       \
        if (unlikely(!(cond)))                                                 \
            mmsim_assert_fail(#cond, __FILE__, __LINE__);                      \
    } while (0)
#else
#define MMSIM_ASSERT(cond) ((void)sizeof(!(cond)))
#endif

_Noreturn void mmsim_assert_fail(const char *expr, const char *file, int line);

/* printf into a fixed buffer, always NUL-terminated, never overflowing. */
void mmsim_fmt(char *buf, size_t len, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* strdup that returns NULL on allocation failure (callers report NOMEM). */
char *mmsim_strdup(const char *s);

/* Zeroed arrays of n * size bytes (NULL on overflow or failure), for the
 * simulator's big tables (a last-level cache's lines, a home directory):
 * from MMSIM_BIG_ALLOC bytes on they are mapped on 2 MiB boundaries and
 * offered to the host as transparent huge pages, so that random probes
 * across them do not miss the host's TLB as well as its caches.  Free with
 * mmsim_big_free and the same n and size. */
#define MMSIM_BIG_ALLOC (2u << 20)
void *mmsim_big_calloc(size_t n, size_t size);
void mmsim_big_free(void *p, size_t n, size_t size);

#endif
