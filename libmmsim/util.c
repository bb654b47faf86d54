/* Small helpers every room uses. */
#include <stdarg.h>
#include <string.h>

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
