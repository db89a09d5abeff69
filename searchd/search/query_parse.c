/* query_parse.c: the user's query syntax (see query_parse.h). */
#include "query_parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenize.h"
#include "utf8.h"

static int is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
           cp == 0x3000 || cp == 0xA0;
}

/* Straight quotes survive normalisation; the CJK quotes do not fold to them,
 * so accept them here: people type “…” and 「…」 on Chinese keyboards. */
static int is_quote_cp(uint32_t cp)
{
    return cp == '"' || cp == 0x201C || cp == 0x201D || (cp >= 0x300C && cp <= 0x300F) ||
           cp == 0xFF02;
}

/* Decode the character at s[i] (s is valid UTF-8 after normalisation). */
static size_t cp_at(const char *s, size_t len, size_t i, uint32_t *cp)
{
    size_t n = sou_utf8_decode((const unsigned char *)s + i, len - i, cp);
    if (n == 0) { /* cannot happen on normalised text; step one byte anyway */
        *cp = 0xFFFD;
        n = 1;
    }
    return n;
}

static int add_item(sou_parsed_query *pq, sou_qitem_kind kind, const char *text, size_t len, size_t from,
                    size_t to, sou_error *err)
{
    if (pq->n == pq->cap) {
        size_t cap = pq->cap ? pq->cap * 2 : 8;
        sou_qitem *items = realloc(pq->items, cap * sizeof *items);
        if (!items)
            goto oom;
        pq->items = items;
        pq->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        goto oom;
    memcpy(copy, text, len);
    copy[len] = '\0';
    pq->items[pq->n].kind = kind;
    pq->items[pq->n].text = copy;
    pq->items[pq->n].len = len;
    pq->items[pq->n].from = from;
    pq->items[pq->n].to = to;
    pq->n++;
    return 0;
oom:
    sou_error_set(err, SOU_EINTERNAL, "out of memory parsing the query");
    return -1;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* Reads 1..maxd digits at s[*i]; -1 when there are none. */
static int read_num(const char *s, size_t len, size_t *i, int mind, int maxd)
{
    int v = 0, d = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9' && d < maxd) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        d++;
    }
    return d >= mind ? v : -1;
}

int sou_parse_date(const char *s, size_t len, int upper, char out[9])
{
    size_t i = 0;
    int y = read_num(s, len, &i, 4, 4), m = -1, d = -1;
    if (y < 1)
        return -1;
    if (i < len && (s[i] == '-' || s[i] == '/')) {
        i++;
        m = read_num(s, len, &i, 1, 2);
        if (m < 1 || m > 12)
            return -1;
        if (i < len && (s[i] == '-' || s[i] == '/')) {
            i++;
            d = read_num(s, len, &i, 1, 2);
            if (d < 1 || d > days_in_month(y, m))
                return -1;
        }
    }
    if (i != len)
        return -1;
    if (m < 0)
        m = upper ? 12 : 1;
    if (d < 0)
        d = upper ? days_in_month(y, m) : 1;
    char buf[32];
    snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
    memcpy(out, buf, 9);
    return 0;
}

/* date:SPEC where SPEC is A..B, A.., ..B or A. */
static int parse_date_spec(const char *s, size_t len, sou_parsed_query *pq, sou_error *err)
{
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == '.' && s[i + 1] == '.') {
            dots = s + i;
            break;
        }
    char from[9] = "", to[9] = "";
    if (dots) {
        size_t alen = (size_t)(dots - s), blen = len - alen - 2;
        if ((alen == 0 && blen == 0) || (alen && sou_parse_date(s, alen, 0, from) < 0) ||
            (blen && sou_parse_date(dots + 2, blen, 1, to) < 0))
            goto bad;
    } else if (len == 0 || sou_parse_date(s, len, 0, from) < 0 || sou_parse_date(s, len, 1, to) < 0) {
        goto bad;
    }
    if (from[0] && to[0] && strcmp(from, to) > 0) {
        sou_error_fail(err, SOU_R_BAD_DATE_RANGE, "q: date:%.*s: the range is empty (start after end)",
                       (int)(len > 64 ? 64 : len), s);
        return -1;
    }
    /* Several date: items narrow each other (intersection). */
    if (from[0] && (!pq->date_from[0] || strcmp(from, pq->date_from) > 0))
        memcpy(pq->date_from, from, 9);
    if (to[0] && (!pq->date_to[0] || strcmp(to, pq->date_to) < 0))
        memcpy(pq->date_to, to, 9);
    return 0;
bad:
    sou_error_fail(err, SOU_R_BAD_DATE,
                   "q: date:%.*s: expected YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD, A.. or ..B "
                   "(YYYY or YYYY-MM also work)",
                   (int)(len > 64 ? 64 : len), s);
    return -1;
}

/* Scan a bare word from s[*i]: up to white space or a quote. */
static void scan_word(const char *s, size_t len, size_t *i)
{
    while (*i < len) {
        uint32_t cp;
        size_t n = cp_at(s, len, *i, &cp);
        if (is_space_cp(cp) || is_quote_cp(cp))
            break;
        *i += n;
    }
}

/* Scan a quoted string whose opening quote is at s[*i]; [*start, *end) gets
 * the inside; *i moves past the closing quote (or to the end). */
static void scan_quoted(const char *s, size_t len, size_t *i, size_t *start, size_t *end)
{
    uint32_t cp;
    *i += cp_at(s, len, *i, &cp);
    *start = *i;
    while (*i < len) {
        size_t n = cp_at(s, len, *i, &cp);
        if (is_quote_cp(cp)) {
            *end = *i;
            *i += n;
            return;
        }
        *i += n;
    }
    *end = len; /* unterminated: to the end, which is what the user meant */
}

/* The operand that starts at s[*i] (after "-" or "title:"): a quoted
 * phrase or a word; [*start, *end) gets its text and *i moves past it. */
static void scan_operand(const char *s, size_t len, size_t *i, size_t *start, size_t *end)
{
    uint32_t cp = ' ';
    if (*i < len)
        cp_at(s, len, *i, &cp);
    if (is_quote_cp(cp)) {
        scan_quoted(s, len, i, start, end);
        return;
    }
    *start = *i;
    scan_word(s, len, i);
    *end = *i;
}

/* The original character and byte offsets of the point where the
 * normalised text reaches its character k.  sou_normalize maps one
 * character to at most one and drops a few (zero-width spaces, soft
 * hyphens), so the original characters are folded one at a time until k
 * have produced output. */
static void orig_point(const char *q, size_t qlen, size_t k, unsigned *chars, size_t *bytes)
{
    size_t i = 0, out = 0;
    unsigned c = 0;
    while (i < qlen && out < k) {
        uint32_t cp;
        size_t n = sou_utf8_decode((const unsigned char *)q + i, qlen - i, &cp);
        char folded[8];
        if (n == 0)
            n = 1;
        if (sou_normalize(q + i, n, folded, sizeof folded, NULL) > 0)
            out++;
        i += n;
        c++;
    }
    *chars = c;
    *bytes = i;
}

/* Say that buf[start, end) (normalised bytes) is the wrong part of q: err
 * gets param "q", the text as the user typed it and its character range. */
static void locate(sou_error *err, const char *q, size_t qlen, const char *buf, size_t start, size_t end)
{
    size_t kstart = 0, kend = 0, bs, be;
    unsigned cs, ce;
    for (size_t i = 0; i < end;) {
        uint32_t cp;
        i += cp_at(buf, end, i, &cp);
        if (i <= start)
            kstart++;
        kend++;
    }
    orig_point(q, qlen, kstart, &cs, &bs);
    orig_point(q, qlen, kend, &ce, &be);
    sou_error_where(err, "q", q + bs, be - bs, cs, ce - cs);
}

static int has_content(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += cp_at(s, len, i, &cp);
        if (!is_space_cp(cp))
            return 1;
    }
    return 0;
}

int sou_query_parse(const char *q, size_t len, sou_parsed_query *pq, sou_error *err)
{
    char *buf = NULL;
    int rc = -1;
    memset(pq, 0, sizeof *pq);
    if (!q) {
        sou_error_fail(err, SOU_R_MISSING_OPTION, "q: missing");
        sou_error_where(err, "q", NULL, 0, 0, 0);
        return -1;
    }
    size_t chars = 0;
    for (size_t i = 0; i < len; chars++) {
        uint32_t cp;
        size_t n = sou_utf8_decode((const unsigned char *)q + i, len - i, &cp);
        if (n == 0 || cp == 0) {
            sou_error_fail(err, SOU_R_BAD_UTF8, "q: invalid UTF-8 at byte %zu", i);
            sou_error_where(err, "q", NULL, 0, 0, 0);
            return -1;
        }
        i += n;
    }
    if (chars > SOU_QUERY_MAX_CHARS) {
        sou_error_fail(err, SOU_R_QUERY_TOO_LONG, "q: %zu characters, at most %d allowed", chars,
                       (int)SOU_QUERY_MAX_CHARS);
        sou_error_where(err, "q", NULL, 0, 0, 0);
        return -1;
    }
    size_t need = sou_normalize(q, len, NULL, 0, NULL);
    buf = malloc(need + 1);
    if (!buf) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory parsing the query");
        return -1;
    }
    size_t blen = sou_normalize(q, len, buf, need + 1, NULL);
    if (blen > need)
        blen = need;

    size_t i = 0;
    while (i < blen) {
        uint32_t cp;
        size_t n = cp_at(buf, blen, i, &cp);
        if (is_space_cp(cp)) {
            i += n;
            continue;
        }
        size_t start, end;
        size_t item = i;
        if (is_quote_cp(cp)) {
            scan_quoted(buf, blen, &i, &start, &end);
            if (has_content(buf + start, end - start) &&
                add_item(pq, SOU_QITEM_PHRASE, buf + start, end - start, item, i, err) < 0)
                goto done;
            continue;
        }
        if (cp == '-' && i + 1 < blen) {
            uint32_t next;
            cp_at(buf, blen, i + 1, &next);
            if (!is_space_cp(next)) {
                i++;
                scan_operand(buf, blen, &i, &start, &end);
                if (has_content(buf + start, end - start) &&
                    add_item(pq, SOU_QITEM_EXCLUDE, buf + start, end - start, item, i, err) < 0)
                    goto done;
                continue;
            }
        }
        if (blen - i >= 6 && memcmp(buf + i, "title:", 6) == 0) {
            i += 6;
            scan_operand(buf, blen, &i, &start, &end);
            if (!has_content(buf + start, end - start)) {
                sou_error_fail(err, SOU_R_BAD_SYNTAX, "q: title: needs a word after it (title:医保)");
                locate(err, q, len, buf, item, i);
                goto done;
            }
            if (add_item(pq, SOU_QITEM_TITLE, buf + start, end - start, item, i, err) < 0)
                goto done;
            continue;
        }
        if (blen - i >= 5 && memcmp(buf + i, "date:", 5) == 0) {
            i += 5;
            start = i;
            scan_word(buf, blen, &i);
            if (parse_date_spec(buf + start, i - start, pq, err) < 0) {
                locate(err, q, len, buf, item, i);
                goto done;
            }
            continue;
        }
        start = i;
        scan_word(buf, blen, &i);
        if (i == start) /* a lone '-' followed by space */
            i += n;
        if (add_item(pq, SOU_QITEM_TEXT, buf + start, i - start, start, i, err) < 0)
            goto done;
    }
    if (pq->n == 0 && !pq->date_from[0] && !pq->date_to[0]) {
        sou_error_fail(err, SOU_R_EMPTY_QUERY, "q: empty query");
        sou_error_where(err, "q", q, len, 0, 0);
        goto done;
    }
    rc = 0;
done:
    pq->source = q;
    pq->source_len = len;
    pq->norm = buf;
    pq->norm_len = blen;
    return rc;
}

void sou_parsed_query_destroy(sou_parsed_query *pq)
{
    if (!pq)
        return;
    for (size_t i = 0; i < pq->n; i++)
        free(pq->items[i].text);
    free(pq->items);
    free(pq->norm);
    memset(pq, 0, sizeof *pq);
}

void sou_query_locate(const sou_parsed_query *pq, size_t i, sou_error *err)
{
    if (i < pq->n && pq->norm && pq->source)
        locate(err, pq->source, pq->source_len, pq->norm, pq->items[i].from, pq->items[i].to);
}
