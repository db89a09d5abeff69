/* passage.c: natural units, packed into passages (see passage.h). */
#include "passage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

typedef struct {
    size_t start, end, chars, char_start;
} unit;

typedef struct {
    unit *v;
    size_t n, cap;
} units;

static int units_push(units *u, unit x)
{
    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 64;
        unit *v = realloc(u->v, cap * sizeof *v);
        if (!v)
            return -1;
        u->v = v;
        u->cap = cap;
    }
    u->v[u->n++] = x;
    return 0;
}

static int push_passage(sou_passages *p, size_t start, size_t end, size_t char_start)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        sou_passage *v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return -1;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = (sou_passage){start, end, char_start};
    return 0;
}

/* One character at s[i]: its byte length (a malformed byte counts as one). */
static size_t char_len(const char *s, size_t len, size_t i, uint32_t *cp)
{
    size_t k = sou_utf8_decode((const unsigned char *)s + i, len - i, cp);
    if (!k) {
        *cp = 0xFFFD;
        return 1;
    }
    return k;
}

static int is_numeral(uint32_t cp)
{
    static const char NUMERALS[] = "一二三四五六七八九十百千零〇两";
    if (cp >= '0' && cp <= '9')
        return 1;
    for (size_t i = 0; NUMERALS[i];) {
        uint32_t c;
        size_t k = sou_utf8_decode((const unsigned char *)NUMERALS + i, sizeof NUMERALS - 1 - i, &c);
        if (c == cp)
            return 1;
        i += k;
    }
    return 0;
}

enum { LINE_TEXT, LINE_ARTICLE, LINE_HEADING };

/* What the line s[0..len) starts with: 第…条 (an article), 第…编/章/节 (a
 * heading) or anything else; leading spaces (also U+3000) are skipped. */
static int line_kind(const char *s, size_t len)
{
    size_t i = 0;
    uint32_t cp;
    while (i < len) {
        size_t k = char_len(s, len, i, &cp);
        if (cp != ' ' && cp != '\t' && cp != 0x3000)
            break;
        i += k;
    }
    if (i >= len)
        return LINE_TEXT;
    i += char_len(s, len, i, &cp);
    if (cp != 0x7B2C) /* 第 */
        return LINE_TEXT;
    size_t digits = 0;
    while (i < len && digits < 12) {
        size_t k = char_len(s, len, i, &cp);
        if (!is_numeral(cp))
            break;
        i += k;
        digits++;
    }
    if (!digits || i >= len)
        return LINE_TEXT;
    char_len(s, len, i, &cp);
    if (cp == 0x6761) /* 条 */
        return LINE_ARTICLE;
    if (cp == 0x7F16 || cp == 0x7AE0 || cp == 0x8282) /* 编 章 节 */
        return LINE_HEADING;
    return LINE_TEXT;
}

static int is_sentence_end(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1B || cp == '!' || cp == '?' ||
           cp == ';' || cp == '\n';
}

/* Append u to out as units of at most SOU_PASSAGE_MAX characters, cut after
 * the last sentence end that keeps a piece within the bound. */
static int push_cut(units *out, const char *s, size_t len, unit u)
{
    if (u.chars <= SOU_PASSAGE_MAX)
        return units_push(out, u);
    size_t start = u.start, start_chars = u.char_start, chars = 0, i = u.start;
    size_t cut = 0, cut_chars = 0; /* the last sentence end in this piece */
    while (i < u.end) {
        uint32_t cp;
        size_t k = char_len(s, len, i, &cp);
        i += k;
        chars++;
        if (is_sentence_end(cp) && i < u.end) {
            cut = i;
            cut_chars = chars;
        }
        if (chars == SOU_PASSAGE_MAX && i < u.end) {
            if (!cut) {
                cut = i;
                cut_chars = chars;
            }
            if (units_push(out, (unit){start, cut, cut_chars, start_chars}) < 0)
                return -1;
            start = cut;
            start_chars += cut_chars;
            chars -= cut_chars;
            cut = 0;
        }
    }
    return units_push(out, (unit){start, u.end, chars, start_chars});
}

int sou_passages_split(const char *body, size_t len, sou_passages *out)
{
    units lines = {0}, us = {0};
    int rc = -1, law = 0;
    out->n = 0;

    /* lines, each with its '\n' */
    size_t total = 0;
    for (size_t i = 0; i < len;) {
        size_t start = i, chars = 0;
        uint32_t cp = 0;
        while (i < len && cp != '\n') {
            i += char_len(body, len, i, &cp);
            chars++;
        }
        if (units_push(&lines, (unit){start, i, chars, total}) < 0)
            goto done;
        total += chars;
    }
    if (total <= SOU_PASSAGE_MAX) {
        rc = push_passage(out, 0, len, 0);
        goto done;
    }
    for (size_t i = 0; i < lines.n && !law; i++)
        law = line_kind(body + lines.v[i].start, lines.v[i].end - lines.v[i].start) == LINE_ARTICLE;

    /* natural units: a law's articles (headings stay with the article after
     * them) or paragraphs */
    unit cur = {0, 0, 0, 0};
    int have = 0, cur_heading_only = 0;
    for (size_t i = 0; i < lines.n; i++) {
        const unit *l = &lines.v[i];
        int kind = law ? line_kind(body + l->start, l->end - l->start) : LINE_TEXT;
        int starts = !law || (kind != LINE_TEXT && !cur_heading_only);
        if (have && starts) {
            if (push_cut(&us, body, len, cur) < 0)
                goto done;
            have = 0;
        }
        if (!have) {
            cur = *l;
            cur_heading_only = kind == LINE_HEADING;
            have = 1;
        } else {
            cur.end = l->end;
            cur.chars += l->chars;
            cur_heading_only &= kind == LINE_HEADING;
        }
    }
    if (have && push_cut(&us, body, len, cur) < 0)
        goto done;

    /* packed in order up to the target size */
    size_t p_start = 0, p_chars = 0, p_char_start = 0;
    for (size_t i = 0; i < us.n; i++) {
        const unit *u = &us.v[i];
        if (p_chars && p_chars + u->chars > SOU_PASSAGE_TARGET) {
            if (push_passage(out, p_start, u->start, p_char_start) < 0)
                goto done;
            p_chars = 0;
        }
        if (!p_chars) {
            p_start = u->start;
            p_char_start = u->char_start;
        }
        p_chars += u->chars;
    }
    rc = push_passage(out, p_start, len, p_char_start);
done:
    free(lines.v);
    free(us.v);
    return rc;
}

void sou_passages_destroy(sou_passages *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}
