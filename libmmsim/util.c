/* Small helpers every room uses. */
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

void mmsim_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "mmsim: internal error: %s:%d: assertion `%s' failed\n", file, line, expr);
    abort();
}

void mmsim_fmt(char *buf, size_t len, const char *fmt, ...)
{
    if (!buf || len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

char *mmsim_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void *mmsim_big_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    const size_t bytes = n * size;
    if (bytes < MMSIM_BIG_ALLOC)
        return calloc(n ? n : 1, size ? size : 1);
    /* Map one huge page more than needed and trim both ends, so that the
     * table starts on a huge-page boundary. */
    const size_t huge = MMSIM_BIG_ALLOC, len = (bytes + huge - 1) / huge * huge;
    if (len > SIZE_MAX - huge)
        return NULL;
    uint8_t *m = mmap(NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    uint8_t *p = (uint8_t *)(((uintptr_t)m + huge - 1) & ~(uintptr_t)(huge - 1));
    if (p > m)
        munmap(m, (size_t)(p - m));
    munmap(p + len, (size_t)(m + huge - p));     /* never empty: p < m + huge */
    /* Only advice: without transparent huge pages the table still works. */
    (void)madvise(p, len, MADV_HUGEPAGE);
    return p;
}

void mmsim_big_free(void *p, size_t n, size_t size)
{
    if (!p)
        return;
    const size_t bytes = n * size;
    if (bytes < MMSIM_BIG_ALLOC) {
        free(p);
        return;
    }
    const size_t huge = MMSIM_BIG_ALLOC;
    munmap(p, (bytes + huge - 1) / huge * huge);
}
