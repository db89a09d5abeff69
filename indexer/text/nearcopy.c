/* nearcopy.c: one-permutation b-bit MinHash of titles and passages (see
 * nearcopy.h). */
#include "nearcopy.h"

#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "tokenize.h"
#include "utf8.h"

#define EMPTY 0xFFFFu

/* splitmix64's finaliser: a good 64-bit mix of the shingle's code points */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* The code points of text that carry content (CJK, letters, digits), after
 * the tokenizer's fold: punctuation and spacing differences do not count. */
static uint32_t *content_chars(const char *text, size_t len, size_t *n)
{
    uint32_t *cp = malloc((len + 1) * sizeof *cp);
    size_t k = 0;
    if (!cp)
        return NULL;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t l = sou_utf8_decode((const unsigned char *)text + i, len - i, &c);
        if (!l) {
            i++;
            continue;
        }
        i += l;
        c = sou_fold(c);
        if (c != SOU_FOLD_DROP && sou_classify(c) != SOU_CC_BREAK)
            cp[k++] = c;
    }
    *n = k;
    return cp;
}

/* bins[0..nbins) = the minimum 16-bit hash of the w-character shingles
 * falling in each bin (EMPTY where none does). */
static void minhash(const char *text, size_t len, unsigned w, uint16_t *bins, unsigned nbins)
{
    size_t n = 0;
    uint32_t *cp = content_chars(text, len, &n);
    for (unsigned b = 0; b < nbins; b++)
        bins[b] = EMPTY;
    if (!cp)
        return;
    if (n > 0 && n < w) /* a text shorter than a shingle is one shingle */
        w = (unsigned)n;
    for (size_t i = 0; n && i + w <= n; i++) {
        uint64_t h = 0;
        for (unsigned k = 0; k < w; k++)
            h = mix(h ^ cp[i + k]);
        unsigned b = (unsigned)(h % nbins);
        uint16_t v = (uint16_t)(h >> 40);
        if (v == EMPTY)
            v--;
        if (v < bins[b])
            bins[b] = v;
    }
    free(cp);
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v & 0xFF);
    p[1] = (unsigned char)(v >> 8);
}

static uint16_t get16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

void sou_nearcopy_signature(const char *title, size_t title_len, const char *body, size_t body_len,
                            unsigned char out[SOU_NC_BYTES])
{
    uint16_t t[SOU_NC_TITLE_BINS], b[SOU_NC_BODY_BINS];
    minhash(title, title_len, 2, t, SOU_NC_TITLE_BINS);
    minhash(body, body_len, 3, b, SOU_NC_BODY_BINS);
    for (unsigned i = 0; i < SOU_NC_TITLE_BINS; i++)
        put16(out + 2 * i, t[i]);
    for (unsigned i = 0; i < SOU_NC_BODY_BINS; i++)
        put16(out + 2 * (SOU_NC_TITLE_BINS + i), b[i]);
}

void sou_nearcopy_article(const char *body, size_t body_len, unsigned char out[SOU_NC_ARTICLE_BYTES])
{
    uint16_t b[SOU_NC_BODY_BINS];
    minhash(body, body_len, 3, b, SOU_NC_BODY_BINS);
    for (unsigned i = 0; i < SOU_NC_BODY_BINS; i++)
        put16(out + 2 * i, b[i]);
}

unsigned char *sou_candidate_value(const char *title, size_t title_len, const char *body, size_t body_len,
                                   const unsigned char article[SOU_NC_ARTICLE_BYTES], const char *fields,
                                   size_t fields_len, size_t *len)
{
    size_t head = SOU_NC_BYTES + 1 + SOU_NC_ARTICLE_BYTES;
    unsigned char *v = malloc(head + title_len + fields_len);
    if (!v)
        return NULL;
    sou_nearcopy_signature(title, title_len, body, body_len, v);
    v[SOU_NC_BYTES] = SOU_NC_ARTICLE_MARK;
    memcpy(v + SOU_NC_BYTES + 1, article, SOU_NC_ARTICLE_BYTES);
    memcpy(v + head, title, title_len);
    if (fields_len)
        memcpy(v + head + title_len, fields, fields_len);
    *len = head + title_len + fields_len;
    return v;
}

int sou_candidate_field_put(char *out, size_t *n, size_t cap, char tag, const char *s, size_t slen)
{
    if (*n > cap || cap - *n < 2 + slen)
        return -1;
    out[(*n)++] = '\0';
    out[(*n)++] = tag;
    memcpy(out + *n, s, slen);
    *n += slen;
    return 0;
}

/* The next field of v[0..len) from p (at a NUL), its tag and bytes; NULL at the end. */
static const char *next_field(const char *v, size_t len, const char *p, char *tag, const char **bytes, size_t *n)
{
    const char *end = v + len;
    if (!p || p + 2 > end)
        return NULL;
    const char *next = memchr(p + 1, '\0', (size_t)(end - p - 1));
    *tag = p[1];
    *bytes = p + 2;
    *n = (size_t)((next ? next : end) - *bytes);
    return next ? next : end;
}

/* The NUL that starts v's fields, or NULL. */
static const char *first_field(const char *v, size_t len)
{
    size_t tl = 0;
    const char *t = sou_candidate_title(v, len, &tl);
    return t && t + tl < v + len ? t + tl : NULL;
}

const char *sou_candidate_field(const char *v, size_t len, char tag, size_t *flen)
{
    char t;
    const char *b, *next;
    for (const char *p = first_field(v, len); p && (next = next_field(v, len, p, &t, &b, flen)); p = next)
        if (t == tag)
            return b;
    return NULL;
}

int sou_candidate_has_field(const char *v, size_t len, char tag, const char *s, size_t slen)
{
    char t;
    const char *b, *next;
    size_t n;
    for (const char *p = first_field(v, len); p && (next = next_field(v, len, p, &t, &b, &n)); p = next)
        if (t == tag && n == slen && !memcmp(b, s, slen))
            return 1;
    return 0;
}

/* The estimated Jaccard similarity of two bin arrays (one-permutation
 * hashing: equal non-empty bins over bins non-empty in either), in 1/1000;
 * -1 when both are empty. */
static int jaccard(const unsigned char *a, const unsigned char *b, unsigned nbins)
{
    unsigned same = 0, used = 0;
    for (unsigned i = 0; i < nbins; i++) {
        uint16_t x = get16(a + 2 * i), y = get16(b + 2 * i);
        if (x == EMPTY && y == EMPTY)
            continue;
        used++;
        same += x == y;
    }
    return used ? (int)(same * 1000 / used) : -1;
}

int sou_nearcopy_body_similarity(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    if (alen < SOU_NC_BYTES || blen < SOU_NC_BYTES)
        return -1;
    return jaccard(a + 2 * SOU_NC_TITLE_BINS, b + 2 * SOU_NC_TITLE_BINS, SOU_NC_BODY_BINS);
}

int sou_nearcopy_title_similarity(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    if (alen < SOU_NC_BYTES || blen < SOU_NC_BYTES)
        return -1;
    return jaccard(a, b, SOU_NC_TITLE_BINS);
}

int sou_nearcopy_article_similarity(const unsigned char *a, const unsigned char *b)
{
    return jaccard(a, b, SOU_NC_BODY_BINS);
}
