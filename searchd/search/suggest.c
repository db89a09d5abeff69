/* suggest.c: completions and examples from the titles (suggest.h). */
#include "suggest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "segment.h"
#include "schema.h"
#include "tokenize.h"
#include "utf8.h"

typedef struct {
    char *text;
    size_t len;
    unsigned freq;
    double score; /* examples: freq weighed by rarity in the lexicon */
} candidate;

typedef struct {
    candidate v[SOU_SUGGEST_MAX + 1];
    size_t n, limit;
    size_t skip;             /* bytes of term prefix to drop (XP / XW) */
    const char *exact;       /* the typed prefix: not a suggestion */
    size_t exact_len;
    int oom;
} best;

static int better(const candidate *a, unsigned freq, size_t len, const char *text)
{
    if (freq != a->freq)
        return freq > a->freq;
    if (len != a->len)
        return len < a->len;
    return memcmp(text, a->text, len < a->len ? len : a->len) < 0;
}

/* Keep the best limit candidates, best first (a small insertion sort). */
static void offer(best *b, const char *text, size_t len, unsigned freq)
{
    size_t pos = b->n;
    while (pos > 0 && better(&b->v[pos - 1], freq, len, text))
        pos--;
    if (pos >= b->limit)
        return;
    char *copy = malloc(len + 1);
    if (!copy) {
        b->oom = 1;
        return;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (b->n == b->limit)
        free(b->v[--b->n].text);
    memmove(&b->v[pos + 1], &b->v[pos], (b->n - pos) * sizeof b->v[0]);
    b->v[pos] = (candidate){copy, len, freq, 0};
    b->n++;
}

static int on_term(const char *term, size_t len, unsigned freq, void *ctx)
{
    best *b = ctx;
    const char *text = term + b->skip;
    size_t tl = len - b->skip;
    if (!(tl == b->exact_len && memcmp(text, b->exact, tl) == 0))
        offer(b, text, tl, freq);
    return b->oom;
}

static json_t *to_json(best *b, sou_error *err)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < b->n; i++)
        if (json_array_append_new(a, json_stringn(b->v[i].text, b->v[i].len)) < 0) {
            json_decref(a);
            a = NULL;
        }
    for (size_t i = 0; i < b->n; i++)
        free(b->v[i].text);
    if (!a || b->oom) {
        json_decref(a);
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
        return NULL;
    }
    return a;
}


json_t *sou_suggest_prefix(sx_db *db, const char *prefix, size_t len, unsigned limit, sx_error *xe, sou_error *err)
{
    char term[256];
    size_t need = sou_normalize(prefix, len, NULL, 0, NULL);
    best b = {.n = 0};
    b.limit = limit > SOU_SUGGEST_MAX ? SOU_SUGGEST_MAX : limit;
    if (need + 3 > sizeof term) {
        sou_error_fail(err, SOU_R_QUERY_TOO_LONG, "q: a prefix of at most %zu bytes can be completed",
                       sizeof term - 3);
        sou_error_where(err, "q", NULL, 0, 0, 0);
        return NULL;
    }
    char *norm = term + 2;
    size_t nl = sou_normalize(prefix, len, norm, sizeof term - 2, NULL);
    while (nl && norm[nl - 1] == ' ') /* "劳动 " is still being typed */
        nl--;
    while (nl && norm[0] == ' ') {
        memmove(norm, norm + 1, --nl);
    }
    if (nl == 0)
        return json_array();
    int word = sou_utf8_chars(norm, nl) == 1;
    memcpy(term, word ? SOU_PREFIX_TITLE_WORD : SOU_PREFIX_TITLE_PHRASE, 2);
    b.skip = 2;
    b.exact = norm;
    b.exact_len = nl;
    if (sx_db_each_prefixed(db, term, nl + 2, SOU_SUGGEST_SCAN, on_term, &b, xe) != SX_OK) {
        for (size_t i = 0; i < b.n; i++)
            free(b.v[i].text);
        sou_error_set(err, SOU_EUNAVAILABLE, "reading the suggestions: %s", xe->message);
        return NULL;
    }
    return to_json(&b, err);
}

/* ---------------------------------------------------------------- examples */

typedef struct {
    candidate *v;
    size_t n, cap;
    unsigned max_freq; /* words in more titles say nothing */
    const sou_lexicon *lex;
    int oom;
} pool;

/* log of a word count above which a word is everyday language (jieba's
 * counts: 关于 ~ 10^5, 医疗 ~ 10^4, 劳动合同 ~ 10^2) */
#define LEXICON_LOG_SCALE 14.0

static int on_word(const char *term, size_t len, unsigned freq, void *ctx)
{
    pool *p = ctx;
    size_t chars = sou_utf8_chars(term + 2, len - 2);
    if (chars < 2 || chars > 6 || freq > p->max_freq || freq < 2)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (term[i] >= '0' && term[i] <= '9')
            return 0; /* 2019 is no example */
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        candidate *v = realloc(p->v, cap * sizeof *v);
        if (!v) {
            p->oom = 1;
            return 1;
        }
        p->v = v;
        p->cap = cap;
    }
    if (!(p->v[p->n].text = strndup(term + 2, len - 2))) {
        p->oom = 1;
        return 1;
    }
    p->v[p->n].len = len - 2;
    p->v[p->n].freq = freq;
    double rarity = 1.0;
    if (p->lex) {
        uint64_t f = sou_lexicon_freq(p->lex, term + 2, len - 2);
        rarity = LEXICON_LOG_SCALE - log((double)f + 1.0);
        if (rarity < 0.5)
            rarity = 0.5;
    }
    /* how often, on a log scale, times how rare, squared: a word of a few
     * titles that is rare in general outweighs one of many everyday titles */
    p->v[p->n++].score = log(1.0 + freq) * rarity * rarity;
    return 0;
}

static int by_score(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->text, y->text);
}

json_t *sou_suggest_examples(sx_db *db, const sou_lexicon *lex, unsigned limit, sx_error *xe, sou_error *err)
{
    unsigned articles = 0;
    pool p = {0};
    p.lex = lex;
    json_t *out = NULL;
    if (sx_db_termfreq(db, SOU_TERM_ARTICLE, strlen(SOU_TERM_ARTICLE), &articles, xe) != SX_OK)
        goto xfail;
    p.max_freq = articles / 20 > 2 ? articles / 20 : 2;
    if (sx_db_each_prefixed(db, SOU_PREFIX_TITLE_WORD, 2, SOU_EXAMPLES_SCAN, on_word, &p, xe) != SX_OK)
        goto xfail;
    if (p.oom)
        goto oom;
    qsort(p.v, p.n, sizeof *p.v, by_score);
    if (!(out = json_array()))
        goto oom;
    for (size_t i = 0; i < p.n && json_array_size(out) < limit; i++) {
        int overlaps = 0;
        for (size_t k = 0; k < json_array_size(out) && !overlaps; k++) {
            const char *o = json_string_value(json_array_get(out, k));
            overlaps = strstr(o, p.v[i].text) || strstr(p.v[i].text, o);
        }
        if (!overlaps && json_array_append_new(out, json_string(p.v[i].text)) < 0)
            goto oom;
    }
    goto done;
xfail:
    sou_error_set(err, SOU_EUNAVAILABLE, "reading the examples: %s", xe->message);
    goto done;
oom:
    sou_error_set(err, SOU_EINTERNAL, "out of memory");
    json_decref(out);
    out = NULL;
done:
    for (size_t i = 0; i < p.n; i++)
        free(p.v[i].text);
    free(p.v);
    return out;
}
