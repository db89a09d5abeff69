/*
 * document.c: sou_doc -> sx_doc, following schema.h (see document.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "json_line.h"
#include "nearcopy.h"
#include "passage.h"
#include "places.h"
#include "replaces.h"
#include "segment.h"
#include "schema.h"
#include "tokenize.h"

/* Positions of the title and of the body both start here (Xapian's habit). */
#define SOU_FIRST_POS 1u

/* The distinct terms of a title, in order (a title is a name: a word it
 * says twice is no more what it is about). */
typedef struct {
    char terms[SOU_TITLE_TERMS_MAX][SOU_DOCUMENT_MAX_TERM + 1];
    unsigned char len[SOU_TITLE_TERMS_MAX]; /* each at most SOU_DOCUMENT_MAX_TERM */
    size_t n;
} title_terms;
_Static_assert(SOU_DOCUMENT_MAX_TERM <= 255, "title_terms.len holds a term's length in a byte");

typedef struct {
    sx_doc *doc;
    sou_unigram_mode mode;
    char term[SOU_DOCUMENT_MAX_TERM + 1];
    size_t prefix_len; /* term[0..prefix_len) holds the prefix */
    int positions;     /* 0: terms only (the title of passages after the first) */
    title_terms *seen; /* non-NULL: each term counts once (a title), these so far */
    sx_status status;
    sx_error *err;
} term_ctx;

/* 1 if term[0..len) was new to t (now added), 0 if t had it, -1 if t is
 * full (then it counts as new). */
static int title_terms_add(title_terms *t, const char *term, size_t len)
{
    if (len > SOU_DOCUMENT_MAX_TERM || t->n == SOU_TITLE_TERMS_MAX)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        if (t->len[i] == len && !memcmp(t->terms[i], term, len))
            return 0;
    memcpy(t->terms[t->n], term, len);
    t->len[t->n++] = (unsigned char)len;
    return 1;
}

static int add_token(const sou_token *tok, void *arg)
{
    term_ctx *c = arg;
    size_t n = c->prefix_len + tok->term_len;

    if (n > SOU_DOCUMENT_MAX_TERM)
        return 0; /* a run too long to be a useful term */
    memcpy(c->term + c->prefix_len, tok->term, tok->term_len);
    if (c->seen && title_terms_add(c->seen, tok->term, tok->term_len) == 0) { /* said again */
        if (c->positions && tok->kind != SOU_TOKEN_UNIGRAM)
            c->status = sx_doc_add_position(c->doc, c->term, n, tok->pos, c->err);
        return c->status != SX_OK;
    }
    if (!c->positions) {
        c->status = sx_doc_add_term(c->doc, c->term, n, 1, c->err);
    } else if (tok->kind == SOU_TOKEN_UNIGRAM) {
        if (c->mode == SOU_UNIGRAMS_TERMS || c->mode == SOU_UNIGRAMS_RUN_END)
            c->status = sx_doc_add_term(c->doc, c->term, n, 1, c->err);
        else if (c->mode == SOU_UNIGRAMS_POSITIONS)
            c->status = sx_doc_add_posting(c->doc, c->term, n, tok->pos, c->err);
    } else {
        c->status = sx_doc_add_posting(c->doc, c->term, n, tok->pos, c->err);
    }
    return c->status != SX_OK;
}

static sx_status add_text(term_ctx *c, const char *prefix, const char *text, size_t len, int positions)
{
    /* The schema's tokens; the other modes only exist to measure it against. */
    sou_tokenize_purpose purpose = c->mode == SOU_UNIGRAMS_RUN_END ? SOU_TOKENIZE_DOCUMENT
                                   : c->mode == SOU_UNIGRAMS_NONE  ? SOU_TOKENIZE_QUERY
                                                                   : SOU_TOKENIZE_CHARS;

    c->prefix_len = strlen(prefix);
    c->positions = positions;
    memcpy(c->term, prefix, c->prefix_len);
    c->status = SX_OK;
    sou_tokenize(text, len, SOU_FIRST_POS, purpose, add_token, c, NULL);
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

/* This thread's title sets (60 KB each: not on the stack): the one
 * add_title fills for each passage, and the article's distinct title terms
 * for the body (title_body_terms, made once an article). */
static _Thread_local title_terms title_seen, title_body;

/* sou_tokenize's callback: the token into the title_terms set arg. */
static int collect_title_token(const sou_token *tok, void *arg)
{
    title_terms_add(arg, tok->term, tok->term_len);
    return 0;
}

/* The title's terms (SOU_PREFIX_TITLE), each counted once; with positions,
 * a repeated one's positions kept (title phrases still match). */
static sx_status add_title(term_ctx *c, const char *title, int positions)
{
    title_seen.n = 0;
    c->seen = &title_seen;
    sx_status st = add_text(c, SOU_PREFIX_TITLE, title, strlen(title), positions);
    c->seen = NULL;
    return st;
}

/* The title's words counted in the body too (no positions): BM25F's way of
 * weighting a field, one document length and one saturation for both, so a
 * title word weighs more in a short guide than in a long story
 * (docs/ranking.md).  Each distinct word counts SOU_TITLE_BODY_WDF times (once
 * however often the title says it) in a title of up to SOU_TITLE_BODY_TOKENS
 * distinct tokens, proportionally less in a longer one
 * (BM25F's length normalisation of the field): a 60-character "title" that
 * is really a paragraph must not match every question through its
 * many words.  The S-prefixed title terms stay for title: searches and the
 * query-time title boost.  The title's distinct terms into t; returns the
 * wdf each gets (add_title_to_body, on every passage). */
static unsigned title_body_terms(const char *title, title_terms *t)
{
    t->n = 0;
    sou_tokenize(title, strlen(title), SOU_FIRST_POS, 0, collect_title_token, t, NULL);
    unsigned n = (unsigned)t->n;
    unsigned wdf = n <= SOU_TITLE_BODY_TOKENS ? SOU_TITLE_BODY_WDF
                                              : (SOU_TITLE_BODY_WDF * SOU_TITLE_BODY_TOKENS + n / 2) / n;
    return wdf ? wdf : 1;
}

static sx_status add_title_to_body(term_ctx *c, const title_terms *t, unsigned wdf)
{
    for (size_t i = 0; i < t->n; i++) {
        sx_status st = sx_doc_add_term(c->doc, t->terms[i], t->len[i], wdf, c->err);
        if (st != SX_OK)
            return st;
    }
    return SX_OK;
}

/* The place whose own regulation the title names (schema.h: XS, and the
 * place in value 3), into out (cap bytes); its length, or 0 when the title is not a place's
 * regulation.  The place is the shortest division (places.h) followed by an
 * administrative unit (上海 of 上海市市容环境卫生管理条例, not 上海市; 深圳 of
 * 深圳经济特区...), else a place the lexicon knows (segment.h) followed by 县
 * or 区, a county's or a district's own; a word that only starts like a unit
 * is no place's (城市市容和环境卫生管理条例, 中华人民共和国市场主体登记管理条例
 * are national). */
static size_t title_scope(const char *title, char *out, size_t cap)
{
    static const char *const UNITS[] = {"特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区",
                                        "自治州", "经济特区", "地区", "省", "市", "盟", "区", "县"};
    static const char *const LOCAL_UNITS[] = {"自治县", "县", "区"};
    static const char *const ENDS[] = {"条例", "办法", "规定", "规则", "细则", "决定", "意见", "通知", "规划", "标准"};
    const sou_lexicon *lex = sou_lexicon_shared(NULL, 0);
    char t[512];
    size_t n = sou_normalize(title, strlen(title), t, sizeof t, NULL);
    if (!lex || n >= sizeof t)
        return 0;
    /* the end: a regulation's kind, perhaps followed by "(...)" */
    size_t e = n;
    if (e && t[e - 1] == ')') {
        char *open = memrchr(t, '(', e);
        if (open)
            e = (size_t)(open - t);
    }
    int regulation = 0;
    for (size_t i = 0; i < sizeof ENDS / sizeof *ENDS && !regulation; i++) {
        size_t k = strlen(ENDS[i]);
        regulation = e >= k && memcmp(t + e - k, ENDS[i], k) == 0;
    }
    if (!regulation)
        return 0;
    size_t ends[9] = {0}, nc = 0;
    for (size_t i = 0; i < n && nc < 9;) {
        i += ((unsigned char)t[i] < 0x80) ? 1 : ((unsigned char)t[i] < 0xE0) ? 2 : ((unsigned char)t[i] < 0xF0) ? 3 : 4;
        ends[nc++] = i;
    }
    size_t found = 0;
    for (size_t c = 1; c < nc && !found; c++) { /* 2..9 characters */
        size_t len = ends[c];
        if (len >= n)
            break;
        int division = sou_place_is_division(t, len);
        if (!division && !sou_lexicon_is_place(lex, t, len))
            continue;
        const char *const *units = division ? UNITS : LOCAL_UNITS;
        size_t nu = division ? sizeof UNITS / sizeof *UNITS : sizeof LOCAL_UNITS / sizeof *LOCAL_UNITS;
        for (size_t u = 0; u < nu && !found; u++)
            if (!strncmp(t + len, units[u], strlen(units[u])))
                found = len;
    }
    if (!found || found >= cap)
        return 0;
    memcpy(out, t, found);
    out[found] = '\0';
    return found;
}

static sx_status no_memory(sx_error *err)
{
    if (err) {
        err->status = SX_ERR_NO_MEMORY;
        snprintf(err->message, sizeof err->message, "%s", sx_status_string(SX_ERR_NO_MEMORY));
    }
    return SX_ERR_NO_MEMORY;
}

/* Value SOU_VALUE_CANDIDATE of a passage (schema.h, nearcopy.h). */
static sx_status set_candidate_value(sx_doc *d, const char *title, const char *body, size_t body_len,
                                     const unsigned char article[SOU_NC_ARTICLE_BYTES], const char *fields,
                                     size_t fields_len, sx_error *err)
{
    size_t len = 0;
    unsigned char *v = sou_candidate_value(title, strlen(title), body, body_len, article, fields, fields_len, &len);
    if (!v)
        return no_memory(err);
    sx_status st = sx_doc_set_value(d, SOU_VALUE_CANDIDATE, (const char *)v, len, err);
    free(v);
    return st;
}

/* The i-th spare document of out, cleared (allocated on first use). */
static sx_doc *passage_doc(sou_xpassages *out, size_t i)
{
    if (i == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 4;
        sx_doc **v = realloc(out->v, cap * sizeof *v);
        if (!v)
            return NULL;
        memset(v + out->cap, 0, (cap - out->cap) * sizeof *v);
        out->v = v;
        out->cap = cap;
    }
    if (!out->v[i] && !(out->v[i] = sx_doc_new()))
        return NULL;
    sx_doc_clear(out->v[i]);
    return out->v[i];
}

sx_status sou_document_build(const sou_doc *in, sou_unigram_mode mode, sou_xpassages *out, sx_error *err)
{
    term_ctx c;
    char idterm[SOU_DOCUMENT_MAX_TERM + 16], date[15], date_asc[15], offset[16];
    char *data = NULL;
    size_t n, idlen;
    int has_date;
    sou_passages ps = {0};
    json_t *fields = NULL;
    sx_status st = SX_OK;

    out->n = 0;
    c.mode = mode;
    c.seen = NULL;
    c.err = err;
    idlen = sou_document_idterm(in->id, idterm, sizeof idterm);
    if (idlen == 0) {
        st = SX_ERR_INVALID_ARG;
        if (err) {
            err->status = st;
            snprintf(err->message, sizeof err->message, "id too long");
        }
        goto done;
    }
    has_date = in->date && sou_document_date_value(in->date, date);
    char place[SOU_DOCUMENT_MAX_TERM + 1];
    size_t place_len = title_scope(in->title, place, sizeof place);
    if (has_date) {
        memcpy(date_asc, date, sizeof date);
        for (int i = 0; i < 14; i++)
            date_asc[i] = (char)('9' - (date[i] - '0'));
    }
    /* The passages' data differ only in "body": one shallow copy of the
     * fields, its body replaced for each. */
    unsigned title_wdf = title_body_terms(in->title, &title_body); /* the same on every passage */
    unsigned char article[SOU_NC_ARTICLE_BYTES]; /* the whole body's signature, on every passage */
    sou_nearcopy_article(in->body, in->body_len, article);
    /* what ranking and grouping read beside the signatures (nearcopy.h):
     * the date (its day), the place, the titles of the laws this one replaces */
    char cfields[2 + 8 + 2 + SOU_DOCUMENT_MAX_TERM + SOU_REPLACES_BYTES];
    size_t ncf = 0;
    if (has_date)
        sou_candidate_field_put(cfields, &ncf, sizeof cfields, SOU_CANDIDATE_DATE, date, 8);
    if (place_len)
        sou_candidate_field_put(cfields, &ncf, sizeof cfields, SOU_CANDIDATE_PLACE, place, place_len);
    ncf += sou_replaced_titles(in->body, in->body_len, cfields + ncf, sizeof cfields - ncf);
    if (sou_passages_split(in->body, in->body_len, &ps) < 0 || !(fields = json_copy(in->fields))) {
        st = no_memory(err);
        goto done;
    }
    for (size_t i = 0; i < ps.n; i++) {
        const sou_passage *p = &ps.v[i];
        sx_doc *d = passage_doc(out, i);
        if (!d) {
            st = no_memory(err);
            goto done;
        }
        out->n = i + 1;
        c.doc = d;
        snprintf(offset, sizeof offset, "%010zu", p->char_start);
        if ((st = sx_doc_add_boolean_term(d, idterm, idlen, err)) != SX_OK ||
            (i == 0 && (st = sx_doc_add_boolean_term(d, SOU_TERM_ARTICLE, strlen(SOU_TERM_ARTICLE), err)) != SX_OK) ||
            /* Every passage ranks with the title; its positions (for
             * title phrases) are stored once, on the first: each copy costs
             * a position list per title term and passage. */
            (st = add_title(&c, in->title, i == 0)) != SX_OK ||
            (st = add_text(&c, "", in->body + p->start, p->end - p->start, 1)) != SX_OK ||
            (st = add_title_to_body(&c, &title_body, title_wdf)) != SX_OK ||
            (place_len && i == 0 &&
             (st = sx_doc_add_boolean_term(d, SOU_PREFIX_SCOPE, strlen(SOU_PREFIX_SCOPE), err)) != SX_OK) ||
            (has_date && (st = sx_doc_set_value(d, SOU_VALUE_DATE, date, 14, err)) != SX_OK) ||
            (has_date && (st = sx_doc_set_value(d, SOU_VALUE_DATE_ASC, date_asc, 14, err)) != SX_OK) ||
            (ps.n > 1 && (st = sx_doc_set_value(d, SOU_VALUE_ARTICLE, in->id, strlen(in->id), err)) != SX_OK) ||
            (st = sx_doc_set_value(d, SOU_VALUE_OFFSET, offset, strlen(offset), err)) != SX_OK)
            goto done;
        if ((st = set_candidate_value(d, in->title, in->body + p->start, p->end - p->start, article, cfields, ncf, err)) != SX_OK)
            goto done;
        if (json_object_set_new(fields, "body", json_stringn(in->body + p->start, p->end - p->start)) < 0 ||
            !(data = sou_json_line(fields, &n))) {
            st = no_memory(err);
            goto done;
        }
        st = sx_doc_set_data(d, data, n, err);
        free(data);
        data = NULL;
        if (st != SX_OK)
            goto done;
    }

done:
    json_decref(fields);
    sou_passages_destroy(&ps);
    return st;
}

void sou_xpassages_destroy(sou_xpassages *p)
{
    for (size_t i = 0; i < p->cap; i++)
        sx_doc_free(p->v[i]);
    free(p->v);
    memset(p, 0, sizeof *p);
}

sx_status sou_document_write(sx_db *db, const char *idterm, const sou_xpassages *p, sx_error *err)
{
    return sx_db_replace_group(db, idterm, (const sx_doc *const *)p->v, p->n, err);
}
