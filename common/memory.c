/* The xmalloc family: out-of-memory is the one fatal error. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

/* Every allocation asks for at least one byte, so NULL is always a failure
 * (the header promises callers a pointer). */
static void *check(void *ptr, size_t size)
{
        if (!ptr) {
                fprintf(stderr, "siaran: out of memory (%zu bytes)\n", size);
                abort();
        }
        return ptr;
}

void *xmalloc(size_t size)
{
        return check(malloc(size ? size : 1), size);
}

void *xcalloc(size_t count, size_t size)
{
        size_t total;
        if (__builtin_mul_overflow(count, size, &total))
                total = SIZE_MAX; /* calloc refuses it too; the message says why */
        return check(calloc(count ? count : 1, size ? size : 1), total);
}

void *xrealloc(void *ptr, size_t size)
{
        return check(realloc(ptr, size ? size : 1), size);
}

char *xstrdup(const char *s)
{
        if (!s)
                return NULL;
        size_t len = strlen(s) + 1;
        return memcpy(xmalloc(len), s, len);
}

char *xasprintf(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *out = NULL;
        int n = vasprintf(&out, fmt, ap);
        va_end(ap);
        return check(n < 0 ? NULL : out, 1);
}
