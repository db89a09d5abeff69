/*
 * strbuf.h: sou's one growable byte string, for building JSON, HTML and
 * text (the JSON writer, the highlighter, the stored-data scanner, the
 * client's rendering).
 *
 * A zeroed sou_strbuf is an empty buffer.  The bytes are always followed by
 * a NUL once anything was reserved, so b->p can be used as a C string.  An
 * allocation failure sets oom and makes every later put a no-op, so a
 * builder checks once at the end (SQLite's *pRc habit).  The buffer owns p:
 * free it with sou_strbuf_destroy, or take it with sou_strbuf_steal.
 */
#ifndef SOU_STRBUF_H
#define SOU_STRBUF_H

#include <stddef.h>
#include <string.h>

typedef struct {
    char *p;     /* the bytes, NUL-terminated; NULL until something is reserved */
    size_t len;  /* bytes used, without the NUL */
    size_t cap;  /* bytes allocated */
    int oom;     /* an allocation failed: the content is incomplete */
} sou_strbuf;

/* Room for extra more bytes and the NUL.  Returns 0, or -1 (and sets oom)
 * when out of memory.  Capacity doubles, from 256 bytes. */
int sou_strbuf_reserve(sou_strbuf *b, size_t extra);

/* Append s[0..n). */
static inline void sou_strbuf_put(sou_strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap && sou_strbuf_reserve(b, n) < 0)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* Append a few bytes (one character): no call to memcpy when they fit. */
static inline void sou_strbuf_put_small(sou_strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        sou_strbuf_put(b, s, n);
        return;
    }
    char *d = b->p + b->len;
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
    b->len += n;
    d[n] = '\0';
}

static inline void sou_strbuf_puts(sou_strbuf *b, const char *s)
{
    sou_strbuf_put(b, s, strlen(s));
}

/* The bytes (NUL-terminated, caller frees) and their length in *len (may be
 * NULL); the buffer is empty again.  NULL (and everything freed) when an
 * allocation had failed. */
char *sou_strbuf_steal(sou_strbuf *b, size_t *len);

/* Free the bytes; the buffer is empty again. */
void sou_strbuf_destroy(sou_strbuf *b);

#endif /* SOU_STRBUF_H */
