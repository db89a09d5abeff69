/*
 * fuzz_highlight.c: the passage highlighter (searchd/highlight.h).
 *
 * Input: byte 0 the number of passages (0..10), byte 1 their length (10..265
 * characters), then the query's terms up to the first newline (tokenised as
 * the query side does, unigrams included, and each space-separated piece
 * added whole too: the query side adds its words so, and whatever the piece
 * is, a word, several tokens or bytes, must be safe), then the text (any bytes: stored
 * text is UTF-8, but the highlighter must not trust it).  Promises checked,
 * for passages and for the whole text: the HTML and the plain text are valid
 * UTF-8 without raw markup characters or control characters from the input
 * (no NUL byte either), the marks are sorted, disjoint, non-empty and inside
 * the plain text (in characters), the plain text is the HTML without its
 * tags, and the whole-text mode keeps every character of valid input
 * (control characters as spaces, but line breaks and tabs).
 */
#include "fuzz.h"
#include "highlight.h"
#include "tokenize.h"
#include "utf8.h"

static int add_term(const sou_token *t, void *ctx)
{
    FUZZ_CHECK(sou_hl_terms_add(ctx, t->term, t->term_len) == 0);
    return 0;
}

static size_t chars_of(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; n++) {
        uint32_t cp;
        size_t k = sou_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        FUZZ_CHECK(k > 0);
        i += k;
    }
    return n;
}

/* The HTML with its <mark> and </mark> tags removed and its five entities
 * decoded must be the plain text. */
static void check_html_is_text(const sou_hl_result *r)
{
    char *out = malloc(r->html_len + 1);
    size_t n = 0;
    FUZZ_CHECK(out != NULL);
    for (size_t i = 0; i < r->html_len;) {
        static const struct {
            const char *ent;
            char c;
        } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
        const char *h = r->html + i;
        if (strncmp(h, "<mark>", 6) == 0) {
            i += 6;
            continue;
        }
        if (strncmp(h, "</mark>", 7) == 0) {
            i += 7;
            continue;
        }
        FUZZ_CHECK(*h != '<' && *h != '>' && *h != '"' && *h != '\'');
        if (*h == '&') {
            size_t k = 0;
            while (k < 5 && strncmp(h, ents[k].ent, strlen(ents[k].ent)) != 0)
                k++;
            FUZZ_CHECK(k < 5);
            out[n++] = ents[k].c;
            i += strlen(ents[k].ent);
            continue;
        }
        out[n++] = *h;
        i++;
    }
    FUZZ_CHECK(n == r->text_len && memcmp(out, r->text, n) == 0);
    free(out);
}

static void check_result(const sou_hl_result *r)
{
    FUZZ_CHECK(r->html && r->text);
    FUZZ_CHECK(strlen(r->html) == r->html_len && strlen(r->text) == r->text_len);
    FUZZ_CHECK(sou_utf8_valid(r->html, r->html_len, NULL));
    FUZZ_CHECK(sou_utf8_valid(r->text, r->text_len, NULL));
    check_html_is_text(r);
    size_t chars = chars_of(r->text, r->text_len);
    for (size_t i = 0; i < r->n_marks; i++) {
        FUZZ_CHECK(r->marks[i][0] < r->marks[i][1] && r->marks[i][1] <= chars);
        if (i > 0)
            FUZZ_CHECK(r->marks[i - 1][1] <= r->marks[i][0]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned passages = data[0] % 11, chars = 10u + data[1];
    const char *rest = (const char *)data + 2;
    size_t len = size - 2;
    const char *nl = memchr(rest, '\n', len);
    size_t qlen = nl ? (size_t)(nl - rest) : 0;
    const char *text = nl ? nl + 1 : rest;
    size_t tlen = len - (size_t)(text - rest);

    sou_hl_terms *t = sou_hl_terms_new();
    FUZZ_CHECK(t != NULL);
    sou_tokenize(rest, qlen, 0, SOU_TOKENIZE_CHARS, add_term, t, NULL);
    for (size_t a = 0; a < qlen;) {
        const char *sp = memchr(rest + a, ' ', qlen - a);
        size_t b = sp ? (size_t)(sp - rest) : qlen;
        FUZZ_CHECK(sou_hl_terms_add(t, rest + a, b - a) == 0);
        a = b + 1;
    }

    sou_hl_result r;
    FUZZ_CHECK(sou_highlight_passages(t, text, tlen, passages, chars, &r) == 0);
    check_result(&r);
    sou_hl_result_destroy(&r);

    FUZZ_CHECK(sou_highlight_whole(t, text, tlen, &r) == 0);
    check_result(&r);
    if (sou_utf8_valid(text, tlen, NULL)) {
        /* every character, control characters but line breaks and tabs as spaces */
        char *want = fuzz_strndup((const uint8_t *)text, tlen);
        for (size_t i = 0; i < tlen; i++)
            if ((unsigned char)want[i] < 0x20 && want[i] != '\n' && want[i] != '\t' && want[i] != '\r')
                want[i] = ' ';
        FUZZ_CHECK(r.text_len == tlen && memcmp(r.text, want, tlen) == 0);
        free(want);
    }
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
    return 0;
}
