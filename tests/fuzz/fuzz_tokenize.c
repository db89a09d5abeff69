/*
 * fuzz_tokenize.c: the tokenizer and normalisation (indexer/tokenize.h,
 * normalize.h), which see every byte of every document and query.
 *
 * The first byte chooses the purpose (query, document, chars); the rest is
 * the text.  Promises checked:
 *   - every token lies inside the text, in text order, with a non-empty
 *     valid UTF-8 term that is already normalised, of the length its kind
 *     says (a bigram two CJK characters, a unigram one);
 *   - sou_normalize writes valid UTF-8 that is a fixed point (normalising
 *     again changes nothing), truncates to whole characters within cap, and
 *     always reports the full length;
 *   - index time and query time agree: the query side normalises first and
 *     then tokenises, the indexer tokenises the raw text; for valid UTF-8
 *     both give the same terms at the same positions;
 *   - sou_fold is idempotent and never gives a surrogate.
 */
#include "fuzz.h"
#include "normalize.h"
#include "tokenize.h"
#include "utf8.h"

typedef struct {
    const char *text;
    size_t len;
    size_t n, cap;
    char **terms;
    uint32_t *pos;
    sou_token_kind *kind;
    size_t last_start;
    uint32_t last_pos;
} collected;

static size_t count_chars(const char *s, size_t len)
{
    size_t i = 0, n = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = sou_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        FUZZ_CHECK(k > 0);
        i += k;
        n++;
    }
    return n;
}

static int collect(const sou_token *t, void *ctx)
{
    collected *c = ctx;
    char norm[1024];

    FUZZ_CHECK(t->start < t->end && t->end <= c->len);
    FUZZ_CHECK(t->term_len > 0 && t->term_len < sizeof norm);
    FUZZ_CHECK(strlen(t->term) == t->term_len);
    FUZZ_CHECK(sou_utf8_valid(t->term, t->term_len, NULL));
    FUZZ_CHECK(sou_normalize(t->term, t->term_len, norm, sizeof norm, NULL) == t->term_len);
    FUZZ_CHECK(memcmp(norm, t->term, t->term_len) == 0);
    if (t->kind == SOU_TOKEN_BIGRAM)
        FUZZ_CHECK(count_chars(t->term, t->term_len) == 2);
    else if (t->kind == SOU_TOKEN_UNIGRAM)
        FUZZ_CHECK(count_chars(t->term, t->term_len) == 1);
    else
        FUZZ_CHECK(t->kind == SOU_TOKEN_WORD);
    /* in text order: a unigram shares its bigram's position and start */
    if (c->n > 0)
        FUZZ_CHECK(t->pos >= c->last_pos);
    c->last_start = t->start;
    c->last_pos = t->pos;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->terms = realloc(c->terms, c->cap * sizeof *c->terms);
        c->pos = realloc(c->pos, c->cap * sizeof *c->pos);
        c->kind = realloc(c->kind, c->cap * sizeof *c->kind);
        FUZZ_CHECK(c->terms && c->pos && c->kind);
    }
    c->terms[c->n] = fuzz_strndup((const uint8_t *)t->term, t->term_len);
    c->pos[c->n] = t->pos;
    c->kind[c->n] = t->kind;
    c->n++;
    return 0;
}

static void collected_free(collected *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->terms[i]);
    free(c->terms);
    free(c->pos);
    free(c->kind);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    sou_tokenize_purpose flags = (sou_tokenize_purpose)(data[0] % 3);
    const char *text = (const char *)data + 1;
    size_t len = size - 1, invalid = 0;

    /* the fold, character by character */
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = sou_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        if (!k) {
            i++;
            continue;
        }
        uint32_t f = sou_fold(cp);
        if (f != SOU_FOLD_DROP) {
            FUZZ_CHECK(f <= 0x10FFFF && !(f >= 0xD800 && f <= 0xDFFF));
            FUZZ_CHECK(sou_fold(f) == f);
            (void)sou_classify(f);
        }
        i += k;
    }

    /* normalisation */
    size_t need = sou_normalize(text, len, NULL, 0, &invalid);
    char *norm = malloc(need + 1);
    FUZZ_CHECK(norm != NULL);
    FUZZ_CHECK(sou_normalize(text, len, norm, need + 1, NULL) == need);
    FUZZ_CHECK(norm[need] == '\0'); /* NUL is a character like any other */
    FUZZ_CHECK(sou_utf8_valid(norm, need, NULL));
    {
        char *again = malloc(need + 1);
        FUZZ_CHECK(again != NULL);
        FUZZ_CHECK(sou_normalize(norm, need, again, need + 1, NULL) == need);
        FUZZ_CHECK(memcmp(again, norm, need) == 0);
        /* truncated: whole characters, a prefix of the full result */
        size_t cap = need / 2 + 1;
        FUZZ_CHECK(sou_normalize(text, len, again, cap, NULL) == need);
        if (!memchr(norm, '\0', need)) {
            size_t got = strlen(again);
            FUZZ_CHECK(got < cap && memcmp(again, norm, got) == 0);
            FUZZ_CHECK(sou_utf8_valid(again, got, NULL));
        }
        free(again);
    }

    /* tokens of the raw text */
    collected raw = {text, len, 0, 0, NULL, NULL, NULL, 0, 0};
    sou_tokenize_stats st;
    FUZZ_CHECK(sou_tokenize(text, len, 7, flags, collect, &raw, &st) == 0);
    FUZZ_CHECK(st.invalid_bytes == invalid);
    if (raw.n > 0)
        FUZZ_CHECK(st.next_pos > raw.pos[raw.n - 1]);

    /* ... and of the normalised text, as the query side does */
    if (invalid == 0) {
        collected q = {norm, need, 0, 0, NULL, NULL, NULL, 0, 0};
        FUZZ_CHECK(sou_tokenize(norm, need, 7, flags, collect, &q, NULL) == 0);
        FUZZ_CHECK(q.n == raw.n);
        for (size_t i = 0; i < q.n; i++) {
            FUZZ_CHECK(strcmp(q.terms[i], raw.terms[i]) == 0);
            FUZZ_CHECK(q.pos[i] == raw.pos[i] && q.kind[i] == raw.kind[i]);
        }
        collected_free(&q);
    }
    collected_free(&raw);
    free(norm);
    return 0;
}
