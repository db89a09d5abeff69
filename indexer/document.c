/*
 * document.c: sou_doc -> sx_doc, following schema.h (see document.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "json_line.h"
#include "schema.h"
#include "tokenize.h"

/* Positions of the title and of the body both start here (Xapian's habit). */
#define SOU_FIRST_POS 1u

typedef struct {
    sx_doc *doc;
    sou_unigram_mode mode;
    char term[SOU_DOCUMENT_MAX_TERM + 1];
    size_t prefix_len; /* term[0..prefix_len) holds the prefix */
    sx_status status;
    sx_error *err;
} term_ctx;

static int add_token(const sou_token *tok, void *arg)
{
    term_ctx *c = arg;
    size_t n = c->prefix_len + tok->term_len;

    if (n > SOU_DOCUMENT_MAX_TERM)
        return 0; /* a run too long to be a useful term */
    memcpy(c->term + c->prefix_len, tok->term, tok->term_len);
    if (tok->kind == SOU_TOKEN_UNIGRAM) {
        if (c->mode == SOU_UNIGRAMS_TERMS || c->mode == SOU_UNIGRAMS_RUN_END)
            c->status = sx_doc_add_term(c->doc, c->term, n, 1, c->err);
        else if (c->mode == SOU_UNIGRAMS_POSITIONS)
            c->status = sx_doc_add_posting(c->doc, c->term, n, tok->pos, c->err);
    } else {
        c->status = sx_doc_add_posting(c->doc, c->term, n, tok->pos, c->err);
    }
    return c->status != SX_OK;
}

static sx_status add_text(term_ctx *c, const char *prefix, const char *text, size_t len)
{
    unsigned flags = c->mode == SOU_UNIGRAMS_RUN_END ? SOU_TOKENIZE_RUN_END
                     : c->mode == SOU_UNIGRAMS_NONE  ? 0
                                                     : SOU_TOKENIZE_UNIGRAMS;

    c->prefix_len = strlen(prefix);
    memcpy(c->term, prefix, c->prefix_len);
    c->status = SX_OK;
    sou_tokenize(text, len, SOU_FIRST_POS, flags, add_token, c, NULL);
    return c->status;
}


size_t sou_document_idterm(const char *id, char *buf, size_t cap)
{
    size_t n = strlen(SOU_PREFIX_ID) + strlen(id);
    if (n + 1 > cap || n > SOU_DOCUMENT_MAX_TERM)
        return 0;
    memcpy(buf, SOU_PREFIX_ID, strlen(SOU_PREFIX_ID));
    memcpy(buf + strlen(SOU_PREFIX_ID), id, strlen(id) + 1);
    return n;
}

int sou_document_date_value(const char *date, char out[15])
{
    /* year, month, day, hour, minute, second: a group of digits each */
    static const int max[6] = {9999, 12, 31, 23, 59, 59};
    int part[6] = {0, 0, 0, 0, 0, 0}, nparts = 0;
    const char *p = date;

    while (*p == ' ')
        p++;
    if (strspn(p, "0123456789") >= 8) { /* compact: 20260206[080001] */
        size_t n = strspn(p, "0123456789");
        if (n != 8 && n != 12 && n != 14)
            return 0;
        memset(out, '0', 14);
        memcpy(out, p, n);
        out[14] = '\0';
        return 1;
    }
    while (nparts < 6 && *p) {
        int v = 0, k = 0;
        while (*p >= '0' && *p <= '9' && k < 5) {
            v = v * 10 + (*p - '0');
            p++;
            k++;
        }
        if (k == 0 || (nparts == 0 && k != 4) || (nparts > 0 && k > 2) || v > max[nparts])
            break;
        if (nparts > 0 && nparts < 3 && v == 0)
            break; /* month and day start at 1 */
        part[nparts++] = v;
        while (*p && !(*p >= '0' && *p <= '9'))
            p++;
    }
    if (nparts < 2) /* at least year and month */
        return 0;
    snprintf(out, 15, "%04d%02d%02d%02d%02d%02d", part[0], part[1], part[2], part[3], part[4],
             part[5]);
    return 1;
}

sx_status sou_document_build(const sou_doc *in, sou_unigram_mode mode, sx_doc *out, sx_error *err)
{
    term_ctx c;
    char idterm[SOU_DOCUMENT_MAX_TERM + 16], date[15];
    char *data = NULL;
    size_t n;
    sx_status st;

    sx_doc_clear(out);
    c.doc = out;
    c.mode = mode;
    c.err = err;
    n = sou_document_idterm(in->id, idterm, sizeof idterm);
    if (n == 0) {
        st = SX_ERR_INVALID_ARG;
        if (err) {
            err->status = st;
            snprintf(err->message, sizeof err->message, "id too long");
        }
        goto done;
    }
    if ((st = sx_doc_add_boolean_term(out, idterm, n, err)) != SX_OK)
        goto done;
    if ((st = add_text(&c, SOU_PREFIX_TITLE, in->title, strlen(in->title))) != SX_OK)
        goto done;
    if ((st = add_text(&c, "", in->body, in->body_len)) != SX_OK)
        goto done;
    if (in->date && sou_document_date_value(in->date, date)) {
        if ((st = sx_doc_set_value(out, SOU_VALUE_DATE, date, 14, err)) != SX_OK)
            goto done;
        for (int i = 0; i < 14; i++)
            date[i] = (char)('9' - (date[i] - '0'));
        if ((st = sx_doc_set_value(out, SOU_VALUE_DATE_ASC, date, 14, err)) != SX_OK)
            goto done;
    }
    data = sou_json_line(in->fields, &n); /* the fields are an object: NULL only on OOM */
    if (!data) {
        st = SX_ERR_NO_MEMORY;
        if (err) {
            err->status = st;
            snprintf(err->message, sizeof err->message, "%s", sx_status_string(st));
        }
        goto done;
    }
    st = sx_doc_set_data(out, data, n, err);

done:
    free(data);
    return st;
}
