/* title_key.c: the key of a title for grouping near-copies (see
 * title_key.h). */
#include "title_key.h"

#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "utf8.h"

/* Longest synonym looked up in a title, characters. */
#define SYNONYM_MAX_CHARS 8u
/* Longest place name dropped, characters, and how many in a row. */
#define PLACE_MAX_CHARS 6u
#define PLACE_MAX_WORDS 3

/* Administrative units: a place before (or ending in) one is an issuer. */
static int is_unit(uint32_t c)
{
    /* not 州: 兰州, 广州 are cities, and 自治州 follows its name */
    static const uint32_t U[] = {0x7701 /* 省 */, 0x5E02 /* 市 */, 0x533A /* 区 */, 0x53BF /* 县 */,
                                 0x65D7 /* 旗 */, 0x76DF /* 盟 */, 0x9547 /* 镇 */, 0x4E61 /* 乡 */,
                                 0x6751 /* 村 */, 0x56FD /* 国 */};
    for (size_t i = 0; i < sizeof U / sizeof *U; i++)
        if (c == U[i])
            return 1;
    return 0;
}

/* 1 if cp[0..n) is a date alone: Y-M-D, Y.M.D, Y/M/D, Y年M月D日 (a year of
 * four digits), M月D日, with spaces anywhere. */
static int is_date(const uint32_t *cp, size_t n)
{
    unsigned num[3] = {0}, digits[3] = {0}, k = 0;
    uint32_t sep[3] = {0};
    size_t i = 0;
    while (i < n) {
        while (i < n && cp[i] == ' ')
            i++;
        if (i == n || cp[i] - '0' >= 10u || k == 3)
            return 0;
        num[k] = digits[k] = 0;
        for (; i < n && cp[i] - '0' < 10u; i++, digits[k]++)
            if ((num[k] = num[k] * 10 + (cp[i] - '0')) > 9999)
                return 0;
        while (i < n && cp[i] == ' ')
            i++;
        sep[k] = i < n ? cp[i++] : 0;
        if (sep[k] && sep[k] != '-' && sep[k] != '.' && sep[k] != '/' && sep[k] != 0x5E74 /* 年 */ &&
            sep[k] != 0x6708 /* 月 */ && sep[k] != 0x65E5 /* 日 */)
            return 0;
        k++;
    }
    if (k < 2 || num[k - 2] < 1 || num[k - 2] > 12 || num[k - 1] < 1 || num[k - 1] > 31)
        return 0;
    if (sep[k - 1] && sep[k - 1] != 0x65E5)
        return 0; /* only 日 may follow the day */
    return k == 3 ? digits[0] == 4 : sep[0] == 0x6708;
}

/* n minus a trailing "(date)" of cp[0..n) (the fold made brackets ASCII). */
static size_t drop_date(const uint32_t *cp, size_t n)
{
    size_t e = n;
    while (e && cp[e - 1] == ' ')
        e--;
    if (!e || cp[e - 1] != ')')
        return n;
    size_t o = e - 1;
    while (o && cp[o - 1] != '(' && cp[o - 1] != ')')
        o--;
    return o && cp[o - 1] == '(' && is_date(cp + o, e - 1 - o) ? o - 1 : n;
}

/* 1 if the title cp[0..n) is a question: it ends with a question mark or
 * asks with 怎么, 如何, 怎样, 哪里, 吗 or 呢. */
static int is_question(const uint32_t *cp, size_t n)
{
    static const uint32_t Q2[][2] = {{0x600E, 0x4E48} /* 怎么 */, {0x5982, 0x4F55} /* 如何 */,
                                     {0x600E, 0x6837} /* 怎样 */, {0x54EA, 0x91CC} /* 哪里 */};
    size_t e = n;
    while (e && cp[e - 1] == ' ')
        e--;
    if (e && cp[e - 1] == '?')
        return 1;
    for (size_t i = 0; i < e; i++) {
        if (cp[i] == 0x5417 /* 吗 */ || cp[i] == 0x5462 /* 呢 */)
            return 1;
        for (size_t q = 0; i + 1 < e && q < sizeof Q2 / sizeof *Q2; q++)
            if (cp[i] == Q2[q][0] && cp[i + 1] == Q2[q][1])
                return 1;
    }
    return 0;
}

/* The UTF-8 of cp[0..n) into out (4n bytes), its length. */
static size_t encode(const uint32_t *cp, size_t n, char *out)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += sou_utf8_encode(cp[i], out + len);
    return len;
}

/* Characters of place names at the start of cp[0..n) that are a question's
 * subject, not an issuer (title_key.h); 0 if none. */
static size_t leading_places(const sou_lexicon *lex, const uint32_t *cp, size_t n)
{
    size_t at = 0;
    char buf[4 * PLACE_MAX_CHARS];
    for (int w = 0; lex && w < PLACE_MAX_WORDS; w++) {
        size_t found = 0;
        for (size_t l = PLACE_MAX_CHARS; l >= 2 && !found; l--)
            if (at + l + 2 <= n && sou_classify(cp[at]) == SOU_CC_CJK && !is_unit(cp[at + l - 1]) &&
                !is_unit(cp[at + l]) && sou_lexicon_is_place(lex, buf, encode(cp + at, l, buf)))
                found = l;
        if (!found)
            break;
        at += found;
    }
    return at;
}

/* 1 if a[0..al) comes before b[0..bl): fewer characters, then bytewise. */
static int before(const char *a, size_t al, const char *b, size_t bl)
{
    size_t ac = sou_utf8_chars(a, al), bc = sou_utf8_chars(b, bl);
    if (ac != bc)
        return ac < bc;
    int c = memcmp(a, b, al < bl ? al : bl);
    return c < 0 || (c == 0 && al < bl);
}

/* 1 if synonyms lists w[0..len) among the synonyms of v. */
static int lists(const json_t *synonyms, const char *v, size_t vl, const char *w, size_t len)
{
    const json_t *t;
    size_t j;
    json_array_foreach(json_object_getn(synonyms, v, vl), j, t) if (json_string_length(t) == len &&
                                                                    !memcmp(json_string_value(t), w, len)) return 1;
    return 0;
}

/* The form of word w[0..len) that stands for its equivalence group in
 * synonyms: the shortest (then bytewise first) of w and those of its
 * synonyms that have w as a synonym too (a => b is no equivalence); NULL
 * if w has no synonyms.  *out_len its length. */
static const char *canonical(const json_t *synonyms, const char *w, size_t len, size_t *out_len)
{
    const json_t *a = json_object_getn(synonyms, w, len), *s;
    if (!a)
        return NULL;
    const char *best = w;
    size_t best_len = len, i;
    json_array_foreach(a, i, s)
    {
        const char *v = json_string_value(s);
        size_t vl = v ? json_string_length(s) : 0;
        if (v && before(v, vl, best, best_len) && lists(synonyms, v, vl, w, len)) {
            best = v;
            best_len = vl;
        }
    }
    *out_len = best_len;
    return best;
}

int sou_title_key_make(const char *title, size_t len, const sou_lexicon *lex, const json_t *synonyms,
                       sou_title_key *out)
{
    memset(out, 0, sizeof *out);
    uint32_t *cp = malloc((len + 1) * sizeof *cp);
    size_t *off = malloc((len + 1) * sizeof *off);
    char *text = malloc(4 * len + 1);
    size_t n = 0;
    if (!cp || !off || !text || !(out->s = malloc(4 * len + 1))) {
        free(cp);
        free(off);
        free(text);
        return -1;
    }
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t l = sou_utf8_decode((const unsigned char *)title + i, len - i, &c);
        if (!l) {
            i++;
            continue;
        }
        i += l;
        if ((c = sou_fold(c)) != SOU_FOLD_DROP)
            cp[n++] = c;
    }
    n = drop_date(cp, n);
    int question = is_question(cp, n);
    size_t k = 0; /* content characters only */
    for (size_t i = 0; i < n; i++)
        if (sou_classify(cp[i]) != SOU_CC_BREAK)
            cp[k++] = cp[i];
    n = k;
    size_t from = question ? leading_places(lex, cp, n) : 0, nc = n - from;
    out->placed = from > 0;
    /* the rest as UTF-8, off[i] where its i-th character starts */
    off[0] = 0;
    for (size_t i = 0; i < nc; i++)
        off[i + 1] = off[i] + sou_utf8_encode(cp[from + i], text + off[i]);
    /* its words folded to their group's form, the longest first */
    for (size_t i = 0; i < nc;) {
        size_t l = nc - i < SYNONYM_MAX_CHARS ? nc - i : SYNONYM_MAX_CHARS, cl = 0;
        const char *c = NULL;
        for (; synonyms && l >= 2 && !(c = canonical(synonyms, text + off[i], off[i + l] - off[i], &cl)); l--)
            ;
        if (!c) {
            c = text + off[i];
            cl = off[i + 1] - off[i];
            l = 1;
        }
        memcpy(out->s + out->len, c, cl);
        out->len += cl;
        i += l;
    }
    free(off);
    free(text);
    free(cp);
    return 0;
}

void sou_title_key_destroy(sou_title_key *k)
{
    if (k) {
        free(k->s);
        k->s = NULL;
    }
}

/* 1 if long_ is short_ after a city of 1..SOU_TITLE_KEY_CITY characters. */
static int after_city(const sou_title_key *long_, const sou_title_key *short_)
{
    if (!long_->placed || long_->len <= short_->len || short_->len == 0)
        return 0;
    size_t extra = long_->len - short_->len;
    return !memcmp(long_->s + extra, short_->s, short_->len) && sou_utf8_chars(long_->s, extra) <= SOU_TITLE_KEY_CITY;
}

int sou_title_key_same(const sou_title_key *a, const sou_title_key *b)
{
    if (!a->len || !b->len)
        return 0; /* no title left to compare */
    if (a->len == b->len && !memcmp(a->s, b->s, a->len))
        return a->placed || b->placed ? 1 : 2;
    return after_city(a, b) || after_city(b, a);
}
