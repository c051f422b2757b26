/* The xmalloc family: out-of-memory is the one fatal error. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

static void *check(void *ptr, size_t size)
{
        if (!ptr && size) {
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
        return check(calloc(count ? count : 1, size ? size : 1), count * size);
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
