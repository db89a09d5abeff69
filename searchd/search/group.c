/* group.c: grouping near-copy hits (see group.h). */
#include "group.h"

#include <stdlib.h>
#include <string.h>

#include "nearcopy.h"
#include "title_key.h"

/* A representative: a copy of its candidate value, and what is read from it. */
typedef struct {
    char *value; /* owned: the signature, the article's, the title, the fields (nearcopy.h) */
    size_t value_len;
    const unsigned char *sig;     /* value's first SOU_NC_BYTES, or NULL (no signature) */
    const unsigned char *article; /* the whole article's signature in value, or NULL */
    const char *title;            /* in value; NULL: an index without titles in the value */
    size_t title_len;
    sou_title_key key; /* made when first compared (key.s NULL until then) */
} rep;

struct sou_grouper {
    rep *v;
    size_t n, max;
    const sou_lexicon *lex;
    const json_t *synonyms;
};

sou_grouper *sou_grouper_new(size_t max, const sou_lexicon *lex, const json_t *synonyms)
{
    sou_grouper *g = calloc(1, sizeof *g);
    if (g && !(g->v = calloc(max ? max : 1, sizeof *g->v))) {
        free(g);
        return NULL;
    }
    if (g) {
        g->max = max;
        g->lex = lex;
        g->synonyms = synonyms;
    }
    return g;
}

void sou_grouper_free(sou_grouper *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++) {
        free(g->v[i].value);
        sou_title_key_destroy(&g->v[i].key);
    }
    free(g->v);
    free(g);
}

/* The key of title t[0..tl) in *k, made once; 0, or -1 when out of memory. */
static int key_of(const sou_grouper *g, const char *t, size_t tl, sou_title_key *k)
{
    return k->s || sou_title_key_make(t, tl, g->lex, g->synonyms, k) == 0 ? 0 : -1;
}

/* 1 if the document of candidate value a replaces the one titled t[0..tl)
 * of candidate value b (replaces.h), and is not older: the text of
 * 反间谍法 (2014) replaces the 国家安全法 of 1993, not the one of 2015. */
static int replaces(const char *a, size_t alen, const char *t, size_t tl, const char *b, size_t blen)
{
    if (!t || !sou_candidate_has_field(a, alen, SOU_CANDIDATE_REPLACES, t, tl))
        return 0;
    size_t da = 0, db = 0;
    const char *x = sou_candidate_field(a, alen, SOU_CANDIDATE_DATE, &da);
    const char *y = sou_candidate_field(b, blen, SOU_CANDIDATE_DATE, &db);
    return !x || !y || da != db || memcmp(x, y, da) >= 0;
}

/* 1 if the title a[0..al) is an amendment of the law titled b[0..bl): b,
 * then 修正案, then perhaps a bracketed number or year (刑法修正案（五）,
 * 宪法修正案（1988年）, full or half width). */
static int amends(const char *a, size_t al, const char *b, size_t bl)
{
    static const char MARK[] = "修正案";
    static const char *const BRACKETS[][2] = {{"（", "）"}, {"(", ")"}};
    size_t ml = sizeof MARK - 1;
    if (!a || !b || !bl || al < bl + ml || memcmp(a, b, bl) || memcmp(a + bl, MARK, ml))
        return 0;
    const char *r = a + bl + ml;
    size_t rest = al - bl - ml;
    if (rest == 0)
        return 1;
    for (size_t k = 0; k < sizeof BRACKETS / sizeof *BRACKETS; k++) {
        size_t ol = strlen(BRACKETS[k][0]), cl = strlen(BRACKETS[k][1]);
        if (rest > ol + cl && !memcmp(r, BRACKETS[k][0], ol) && !memcmp(r + rest - cl, BRACKETS[k][1], cl) &&
            !memmem(r + ol, rest - ol - cl, BRACKETS[k][1], cl))
            return 1;
    }
    return 0;
}

long sou_grouper_find(sou_grouper *g, const char *v, size_t len, sou_group_relation *relation)
{
    const unsigned char *sig = (const unsigned char *)v;
    size_t tl = 0;
    const char *t = v ? sou_candidate_title(v, len, &tl) : NULL;
    sou_title_key key = {0};
    const unsigned char *art = v ? sou_candidate_article(v, len) : NULL;
    long found = -1;
    *relation = SOU_GROUP_PLACE;
    for (size_t i = 0; v && len >= SOU_NC_BYTES && i < g->n && found < 0; i++) {
        rep *r = &g->v[i];
        if (!r->sig)
            continue;
        if (!t || !r->title) { /* an index without titles in the value */
            if (sou_nearcopy_title_similarity(sig, SOU_NC_BYTES, r->sig, SOU_NC_BYTES) >= 950 &&
                sou_nearcopy_body_similarity(sig, SOU_NC_BYTES, r->sig, SOU_NC_BYTES) >= 500) {
                found = (long)i;
                *relation = SOU_GROUP_VERSION;
            }
            continue;
        }
        /* a law and the one it replaces, or one of its amendments: versions
         * of one under two names, the law in force standing */
        if (replaces(v, len, r->title, r->title_len, r->value, r->value_len) ||
            amends(r->title, r->title_len, t, tl)) {
            found = (long)i;
            *relation = SOU_GROUP_REPLACES;
            break;
        }
        if (replaces(r->value, r->value_len, t, tl, v, len) || amends(t, tl, r->title, r->title_len)) {
            found = (long)i;
            *relation = SOU_GROUP_REPLACED;
            break;
        }
        /* the bins first, most pairs of hits differ there: of the passages
         * that matched, or of the whole articles where the index has them */
        int body = sou_nearcopy_body_similarity(sig, SOU_NC_BYTES, r->sig, SOU_NC_BYTES);
        if (art && r->article) {
            int whole = sou_nearcopy_article_similarity(art, r->article);
            body = whole > body ? whole : body;
        }
        if (body < SOU_GROUP_PLACE_BODY_MIN)
            continue;
        int same = 2; /* one title */
        if (tl != r->title_len || memcmp(t, r->title, tl)) {
            if (key_of(g, t, tl, &key) < 0 || key_of(g, r->title, r->title_len, &r->key) < 0)
                break; /* out of memory: shown apart, which only repeats a result */
            same = sou_title_key_same(&key, &r->key);
        }
        if ((same == 2 && body >= SOU_GROUP_BODY_MIN) || same == 1) {
            found = (long)i;
            *relation = same == 2 ? SOU_GROUP_VERSION : SOU_GROUP_PLACE;
        }
    }
    sou_title_key_destroy(&key);
    return found;
}

size_t sou_grouper_count(const sou_grouper *g)
{
    return g->n;
}

long sou_grouper_add(sou_grouper *g, const char *v, size_t len)
{
    if (g->n == g->max)
        return -1;
    rep *r = &g->v[g->n];
    memset(r, 0, sizeof *r);
    if (v && len) {
        if (!(r->value = malloc(len)))
            return -1;
        memcpy(r->value, v, len);
        r->value_len = len;
        r->title = sou_candidate_title(r->value, len, &r->title_len);
        r->sig = len >= SOU_NC_BYTES ? (const unsigned char *)r->value : NULL;
        r->article = sou_candidate_article(r->value, len);
    }
    return (long)g->n++;
}
