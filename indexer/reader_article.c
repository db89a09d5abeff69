/*
 * reader_article.c: article text files in the seed format (corpus/README.md).
 *
 *   已经交了医疗保险怎么修改参保地?(2026-02-06)        <- title line
 *   2026-02-06 08:00:01社保网                          <- date and source
 *   医保参保地变更指...                                 <- body
 *   温馨提示:本数据仅供参考!具体需以当地有关法规为准!  <- disclaimer (dropped)
 *   社保网声明:资讯来源于网络,...                      <- footer from here on (dropped)
 *   西宁医保账户金额可以转移吗?(2026-02-05) 2026-02-05 23:24医保知识 ...
 *
 * Why the footer goes: its related-article links name every other topic of
 * the site, so keeping them would make every article match every query.
 * Which lines start the footer and which are disclaimers is data
 * (article_rules.h: the seed site's by default, indexer --article-rules).
 * Only disclaimer *lines* are dropped, not what follows them: a line that is
 * just "温馨提示:" is a section heading (003) and the body goes on after it.
 * A file whose second non-empty line is not a date line has no title line:
 * its first line becomes the title (cut to SOU_READER_MAX_TITLE_CHARS) and
 * stays in the body too, and the document has no date.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader_private.h"

typedef struct {
    const char *s;
    size_t n;
} span;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Trim ASCII white space and U+3000 (ideographic space) from both ends. */
static span trim(span l)
{
    for (;;) {
        if (l.n && (l.s[0] == ' ' || l.s[0] == '\t' || l.s[0] == '\r')) {
            l.s++;
            l.n--;
        } else if (l.n >= 3 && memcmp(l.s, "\xE3\x80\x80", 3) == 0) {
            l.s += 3;
            l.n -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (l.n && (l.s[l.n - 1] == ' ' || l.s[l.n - 1] == '\t' || l.s[l.n - 1] == '\r'))
            l.n--;
        else if (l.n >= 3 && memcmp(l.s + l.n - 3, "\xE3\x80\x80", 3) == 0)
            l.n -= 3;
        else
            break;
    }
    return l;
}

/* Match digits: between min and max of them at s[*i]; advance *i. */
static int digits(span l, size_t *i, int min, int max)
{
    int k = 0;
    while (*i < l.n && k < max && is_digit(l.s[*i])) {
        (*i)++;
        k++;
    }
    return k >= min;
}

static int expect(span l, size_t *i, char c)
{
    if (*i < l.n && l.s[*i] == c) {
        (*i)++;
        return 1;
    }
    return 0;
}

/* "YYYY-MM-DD[ hh:mm[:ss]]<source>": on a match, *date is the date part and
 * *source the rest (trimmed, may be empty). */
static int date_line(span l, span *date, span *source)
{
    size_t i = 0, j;

    if (!(digits(l, &i, 4, 4) && expect(l, &i, '-') && digits(l, &i, 1, 2) && expect(l, &i, '-') &&
          digits(l, &i, 1, 2)))
        return 0;
    j = i;
    if ((expect(l, &j, ' ') || expect(l, &j, 'T')) && digits(l, &j, 1, 2) && expect(l, &j, ':') &&
        digits(l, &j, 2, 2)) {
        i = j;
        if (expect(l, &j, ':') && digits(l, &j, 2, 2))
            i = j;
    }
    if (i < l.n && is_digit(l.s[i]))
        return 0;
    date->s = l.s;
    date->n = i;
    *source = trim((span){l.s + i, l.n - i});
    /* a body line that merely starts with a date goes on at length */
    return source->n <= 64;
}

/* A related-article line ends with " YYYY-MM-DD hh:mm<label>", label being a
 * short run of non-ASCII characters such as 医保知识. */
static int related_line(span l)
{
    size_t i, last = l.n;

    if (l.n < 17)
        return 0;
    for (i = 1; i + 16 <= l.n; i++) {
        const char *p = l.s + i;
        if (p[-1] == ' ' && is_digit(p[0]) && is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]) &&
            p[4] == '-' && is_digit(p[5]) && is_digit(p[6]) && p[7] == '-' && is_digit(p[8]) &&
            is_digit(p[9]) && p[10] == ' ' && is_digit(p[11]) && is_digit(p[12]) && p[13] == ':' &&
            is_digit(p[14]) && is_digit(p[15]))
            last = i + 16;
    }
    if (last == l.n || l.n - last < 3 || l.n - last > 24)
        return 0;
    for (i = last; i < l.n; i++)
        if ((unsigned char)l.s[i] < 0x80)
            return 0;
    return 1;
}

/* The footer starts with the site's statement (the rules) or with the
 * related-article list. */
static int footer_line(const sou_article_rules *rules, span l)
{
    return (rules && sou_article_rules_footer(rules, l.s, l.n)) || related_line(l);
}

/* A disclaimer is a single line (the rules say which). */
static int disclaimer_line(const sou_article_rules *rules, span l)
{
    return rules && sou_article_rules_disclaimer(rules, l.s, l.n);
}

/* At most max characters of l, cut at a character boundary. */
static span cut_chars(span l, size_t max)
{
    size_t i = 0, chars = 0;
    while (i < l.n && chars < max) {
        i++;
        while (i < l.n && ((unsigned char)l.s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    l.n = i;
    return l;
}

static json_t *string_of(span l)
{
    return json_stringn(l.s, l.n);
}

sou_doc *sou_article_parse(const char *text, size_t len, const char *id, const char *file,
                           size_t bytes, const sou_article_rules *rules)
{
    span *lines = NULL, title = {"", 0}, date = {NULL, 0}, source = {NULL, 0};
    size_t nlines = 0, cap = 1, i, first = 0, body_from, body_len = 0;
    size_t nonempty[2], found = 0;
    char *body = NULL, *p;
    json_t *fields = NULL;
    sou_doc *doc = NULL;

    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* byte-order mark */
        text += 3;
        len -= 3;
    }
    for (i = 0; i < len; i++)
        cap += text[i] == '\n';
    lines = malloc(cap * sizeof *lines);
    if (!lines)
        goto done;
    for (p = (char *)text; p < text + len;) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
        lines[nlines++] = trim((span){p, n});
        p += n + 1;
    }

    for (i = 0; i < nlines && found < 2; i++)
        if (lines[i].n)
            nonempty[found++] = i;
    body_from = nlines;
    if (found == 2 && date_line(lines[nonempty[1]], &date, &source)) {
        title = lines[nonempty[0]];
        body_from = nonempty[1] + 1;
    } else if (found >= 1 && date_line(lines[nonempty[0]], &date, &source)) {
        body_from = nonempty[0] + 1; /* a date line but no title line */
    } else if (found >= 1) {
        first = nonempty[0];
        title = cut_chars(lines[first], SOU_READER_MAX_TITLE_CHARS);
        body_from = first;
    }

    /* body: the non-empty lines up to the footer, without disclaimers, one per line */
    body = malloc(len + 1);
    if (!body)
        goto done;
    for (i = body_from; i < nlines; i++) {
        span l = lines[i];
        if (footer_line(rules, l))
            break;
        if (l.n == 0 || disclaimer_line(rules, l))
            continue;
        if (body_len)
            body[body_len++] = '\n';
        memcpy(body + body_len, l.s, l.n);
        body_len += l.n;
    }
    body[body_len] = '\0';

    fields = json_object();
    if (!fields || json_object_set_new(fields, "id", json_string(id)) ||
        json_object_set_new(fields, "title", string_of(title)) ||
        json_object_set_new(fields, "body", json_stringn(body, body_len)))
        goto done;
    if (date.s && json_object_set_new(fields, "date", string_of(date)))
        goto done;
    if (source.s && source.n && json_object_set_new(fields, "source", string_of(source)))
        goto done;
    doc = sou_doc_from_fields(fields, file, 1, bytes);
    fields = NULL; /* stolen */

done:
    json_decref(fields);
    free(body);
    free(lines);
    return doc;
}

/* The file name without directories and without its last extension. */
static char *id_of(const char *path)
{
    const char *base = strrchr(path, '/'), *dot;
    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    return strndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

int sou_article_next(sou_reader *r, sou_doc **out)
{
    struct stat st;
    char *text = NULL, *id = NULL;
    size_t len = 0, invalid, first_bad;
    int fd = -1, rc = -1;

    if (r->article_done)
        return 0;
    r->article_done = 1;
    fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        sou_reader_report(r, 0, "cannot read: %s", strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        sou_reader_report(r, 0, "not a regular file");
        goto done;
    }
    if ((size_t)st.st_size > r->opt.max_line) {
        sou_reader_report(r, 0, "larger than %zu bytes, skipped", r->opt.max_line);
        goto done;
    }
    text = malloc((size_t)st.st_size + 1);
    if (!text)
        goto oom;
    while (len < (size_t)st.st_size) {
        ssize_t got = read(fd, text + len, (size_t)st.st_size - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            sou_reader_report(r, 0, "read error: %s", strerror(errno));
            goto done;
        }
        if (got == 0)
            break; /* the file shrank */
        len += (size_t)got;
    }
    r->bytes += len;
    {
        size_t clean = sou_utf8_clean(text, len, &invalid, &first_bad);
        if (invalid) {
            unsigned long line = 1;
            for (size_t i = 0; i < first_bad; i++)
                line += text[i] == '\n';
            sou_reader_report(r, line, "invalid UTF-8: %zu byte%s dropped", invalid,
                              invalid == 1 ? "" : "s");
        }
        text[clean] = '\0';
        size_t first_nul = 0, nuls = sou_nul_to_space(text, clean, &first_nul);
        if (nuls) {
            unsigned long line = 1;
            for (size_t i = 0; i < first_nul; i++)
                line += text[i] == '\n';
            sou_reader_report(r, line, "%zu NUL byte%s replaced by spaces", nuls, nuls == 1 ? "" : "s");
        }
        id = id_of(r->path);
        if (!id)
            goto oom;
        sou_utf8_clean(id, strlen(id), &invalid, NULL);
        if (invalid) {
            sou_reader_report(r, 0, "file name is not valid UTF-8, skipped");
            goto done;
        }
        if (strlen(id) == 0 || strlen(id) > SOU_READER_MAX_ID) {
            sou_reader_report(r, 0, "file name gives an empty id or one longer than %u bytes, skipped",
                              SOU_READER_MAX_ID);
            goto done;
        }
        *out = sou_article_parse(text, clean, id, r->path, len,
                                 r->opt.article_rules ? r->opt.article_rules : sou_article_rules_default());
        if (!*out)
            goto oom;
    }
    rc = 1;
    goto done;

oom:
    sou_reader_report(r, 0, "out of memory");
done:
    if (fd >= 0)
        close(fd);
    free(text);
    free(id);
    /* a file that could not be read is reported; the next file is read all the same */
    if (rc != 1)
        r->skipped++;
    return rc == 1 ? 1 : 0;
}
