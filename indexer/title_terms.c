/* title_terms.c: a title's words and phrases as terms (title_terms.h). */
#include "title_terms.h"

#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "tokenize.h"
#include "utf8.h"

typedef struct {
    size_t start, end; /* bytes in the phrase */
    unsigned chars;
} word;

typedef struct {
    word v[256];
    size_t n;
} words;

static int add_word(const sou_seg_word *w, void *ctx)
{
    words *ws = ctx;
    if (ws->n < sizeof ws->v / sizeof ws->v[0])
        ws->v[ws->n++] = (word){w->start, w->end, w->chars};
    return 0;
}

static sx_status add_term(sx_doc *doc, const char *prefix, const char *s, size_t len, sx_error *err)
{
    char term[SOU_TITLE_PHRASE_CHARS * 4 + 8];
    size_t pl = strlen(prefix);
    if (pl + len > sizeof term)
        return SX_OK;
    memcpy(term, prefix, pl);
    memcpy(term + pl, s, len);
    return sx_doc_add_boolean_term(doc, term, pl + len, err);
}

/* The terms of one phrase p[0..len) (normalised, no break inside). */
static sx_status add_phrase(const sou_lexicon *lex, const char *p, size_t len, sx_doc *doc, sx_error *err)
{
    words ws = {.n = 0};
    sou_segment(lex, p, len, add_word, &ws);
    for (size_t i = 0; i < ws.n; i++) {
        sx_status st = SX_OK;
        if (ws.v[i].chars >= 2)
            st = add_term(doc, SOU_PREFIX_TITLE_WORD, p + ws.v[i].start, ws.v[i].end - ws.v[i].start, err);
        /* from this word on, as many whole words as fit */
        size_t k = i, end = ws.v[i].start;
        unsigned chars = 0;
        while (k < ws.n && chars + ws.v[k].chars <= SOU_TITLE_PHRASE_CHARS) {
            chars += ws.v[k].chars;
            end = ws.v[k].end;
            k++;
        }
        if (k == i) { /* one word longer than a phrase may be: its first characters */
            size_t b = ws.v[i].start;
            for (unsigned c = 0; c < SOU_TITLE_PHRASE_CHARS && b < ws.v[i].end; c++) {
                uint32_t cp;
                size_t n = sou_utf8_decode((const unsigned char *)p + b, ws.v[i].end - b, &cp);
                b += n ? n : 1;
            }
            end = b;
            chars = SOU_TITLE_PHRASE_CHARS;
        }
        if (st == SX_OK && chars >= 2)
            st = add_term(doc, SOU_PREFIX_TITLE_PHRASE, p + ws.v[i].start, end - ws.v[i].start, err);
        if (st != SX_OK)
            return st;
    }
    return SX_OK;
}

sx_status sou_title_terms_add(const sou_lexicon *lex, const char *title, sx_doc *doc, sx_error *err)
{
    size_t tl = strlen(title);
    size_t cap = sou_normalize(title, tl, NULL, 0, NULL) + 1;
    char *t = malloc(cap);
    sx_status st = SX_OK;
    if (!t)
        return SX_ERR_NO_MEMORY;
    size_t len = sou_normalize(title, tl, t, cap, NULL);
    if (len >= cap)
        len = cap - 1;
    /* phrases: runs without a break character */
    size_t i = 0, start = 0;
    while (st == SX_OK && i <= len) {
        uint32_t cp = 0;
        size_t n = i < len ? sou_utf8_decode((const unsigned char *)t + i, len - i, &cp) : 1;
        if (n == 0)
            n = 1;
        if (i == len || sou_classify(cp) == SOU_CC_BREAK) {
            if (i > start)
                st = add_phrase(lex, t + start, i - start, doc, err);
            start = i + n;
        }
        i += n;
    }
    free(t);
    return st;
}
