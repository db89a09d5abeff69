/* strbuf.c: the out-of-line part of strbuf.h. */
#include "strbuf.h"

#include <stdlib.h>

int sou_strbuf_reserve(sou_strbuf *b, size_t extra)
{
    size_t cap;
    char *p;

    if (b->oom)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    if (!(p = realloc(b->p, cap))) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    b->p[b->len] = '\0';
    return 0;
}

char *sou_strbuf_steal(sou_strbuf *b, size_t *len)
{
    char *p = b->p;

    if (b->oom || (!p && sou_strbuf_reserve(b, 0) < 0)) {
        sou_strbuf_destroy(b);
        return NULL;
    }
    p = b->p;
    p[b->len] = '\0'; /* a builder may have written bytes directly */
    if (len)
        *len = b->len;
    *b = (sou_strbuf){0};
    return p;
}

void sou_strbuf_destroy(sou_strbuf *b)
{
    free(b->p);
    *b = (sou_strbuf){0};
}
