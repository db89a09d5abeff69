/*
 * reader_jsonl.c: JSONL, one document a line, plain or gzip (zlib's gzread
 * passes plain files through unchanged), "-" for standard input.
 *
 * Lines are framed in one growing buffer capped at opt.max_line: a longer
 * line is reported and skipped up to its newline, never held whole.  A line
 * that does not parse is checked for malformed UTF-8 (jansson refuses it);
 * if that was the trouble, the bad bytes are dropped, the fact reported, and
 * the document indexed from what remains.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "reader_private.h"

#define SOU_JSONL_CHUNK (256u * 1024u)

/* zlib's message without the "<fd:N>: " it puts in front (we opened by fd). */
static const char *gz_message(gzFile gz, int *errnum)
{
    const char *msg = gzerror(gz, errnum), *colon;
    if (strncmp(msg, "<fd:", 4) == 0 && (colon = strstr(msg, ": ")) != NULL)
        return colon + 2;
    return msg;
}

/* Fill the buffer with more input.  1 read something, 0 end of input, -1 error. */
static int fill(sou_reader *r)
{
    int got, errnum;
    const char *msg;

    if (r->start > 0) { /* keep the unread bytes at the front */
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end < SOU_JSONL_CHUNK) {
        size_t ncap = r->cap ? r->cap * 2 : 4 * SOU_JSONL_CHUNK;
        char *nb;
        while (ncap - r->end < SOU_JSONL_CHUNK)
            ncap *= 2;
        nb = realloc(r->buf, ncap);
        if (!nb) {
            sou_reader_report(r, r->line + 1, "out of memory");
            return -1;
        }
        r->buf = nb;
        r->cap = ncap;
    }
    got = gzread(r->gz, r->buf + r->end, (unsigned)(r->cap - r->end > INT_MAX ? INT_MAX : r->cap - r->end));
    if (got < 0) {
        msg = gz_message(r->gz, &errnum);
        sou_reader_report(r, r->line + 1, "read error: %s",
                          errnum == Z_ERRNO ? strerror(errno) : msg);
        return -1;
    }
    if (got == 0) {
        /* zlib flags a truncated gzip stream with Z_BUF_ERROR at the end */
        msg = gz_message(r->gz, &errnum);
        if (errnum != Z_OK) {
            sou_reader_report(r, r->line + 1, "read error: %s", msg);
            return -1;
        }
        r->eof = 1;
        return 0;
    }
    r->end += (size_t)got;
    return 1;
}

/* Next line (without its newline) into *line, *len: 1 a line, 0 end, -1 error. */
static int next_line(sou_reader *r, char **line, size_t *len)
{
    size_t scanned = 0; /* bytes of [start, end) already known to hold no newline */
    int skipping = 0;   /* discarding an over-long line up to its newline */

    for (;;) {
        char *nl = r->end > r->start + scanned
                       ? memchr(r->buf + r->start + scanned, '\n', r->end - r->start - scanned)
                       : NULL;
        if (nl) {
            size_t n = (size_t)(nl - (r->buf + r->start));
            r->line++;
            r->bytes += n + 1;
            if (!skipping && n > r->opt.max_line) {
                sou_reader_report(r, r->line, "line longer than %zu bytes, skipped",
                                  r->opt.max_line);
                r->skipped++;
                skipping = 1;
            }
            if (skipping) {
                r->start += n + 1;
                skipping = 0;
                scanned = 0;
                continue;
            }
            *line = r->buf + r->start;
            *len = n;
            r->start += n + 1;
            return 1;
        }
        scanned = r->end - r->start;
        if (scanned > r->opt.max_line) {
            if (!skipping) {
                sou_reader_report(r, r->line + 1, "line longer than %zu bytes, skipped",
                                  r->opt.max_line);
                r->skipped++;
            }
            skipping = 1;
            r->bytes += scanned;
            r->start = r->end;
            scanned = 0;
        }
        if (r->eof) {
            if (r->end == r->start) {
                if (skipping)
                    r->line++;
                return 0;
            }
            /* last line without a newline */
            r->line++;
            r->bytes += r->end - r->start;
            *line = r->buf + r->start;
            *len = r->end - r->start;
            r->start = r->end;
            return 1;
        }
        /* fill() moves the unread bytes to the front: scanned stays valid */
        if (fill(r) < 0)
            return -1;
    }
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* "\u0000" in the string members of root become spaces (sou_nul_to_space),
 * reported once for the line.  Returns 0, or -1 when out of memory. */
static int nul_strings_to_spaces(sou_reader *r, unsigned long line, json_t *root)
{
    const char *key;
    json_t *v;
    size_t total = 0;
    json_object_foreach(root, key, v)
    {
        size_t len = json_string_length(v);
        if (!json_is_string(v) || strlen(json_string_value(v)) == len)
            continue;
        char *copy = malloc(len + 1);
        if (!copy)
            return -1;
        memcpy(copy, json_string_value(v), len + 1);
        total += sou_nul_to_space(copy, len, NULL);
        int rc = json_string_setn_nocheck(v, copy, len);
        free(copy);
        if (rc < 0)
            return -1;
    }
    if (total)
        sou_reader_report(r, line, "%zu NUL byte%s (\\u0000) replaced by spaces", total,
                          total == 1 ? "" : "s");
    return 0;
}

/* Parse one line into a document; NULL (after reporting) if it is not one. */
static sou_doc *parse_line(sou_reader *r, char *text, size_t len)
{
    json_error_t jerr;
    json_t *root, *fields = NULL, *id, *title, *body, *value;
    const char *key;
    sou_doc *doc = NULL;
    unsigned long line = r->line;
    size_t line_bytes = len + 1;

    if (line == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* byte-order mark */
        text += 3;
        len -= 3;
    }
    root = json_loadb(text, len, JSON_ALLOW_NUL, &jerr);
    if (!root) {
        size_t invalid, first;
        size_t clean_len = sou_utf8_clean(text, len, &invalid, &first);
        if (invalid == 0) {
            sou_reader_report(r, line, "invalid JSON at column %d: %s", jerr.column, jerr.text);
            return NULL;
        }
        sou_reader_report(r, line, "invalid UTF-8: %zu byte%s dropped (first at byte %zu)",
                          invalid, invalid == 1 ? "" : "s", first + 1);
        root = json_loadb(text, clean_len, JSON_ALLOW_NUL, &jerr);
        if (!root) {
            sou_reader_report(r, line, "invalid JSON at column %d: %s", jerr.column, jerr.text);
            return NULL;
        }
    }
    if (!json_is_object(root)) {
        sou_reader_report(r, line, "not a JSON object");
        goto done;
    }
    if (nul_strings_to_spaces(r, line, root) < 0)
        goto done;
    id = json_object_get(root, "id");
    title = json_object_get(root, "title");
    body = json_object_get(root, "body");
    if (!json_is_string(id) || json_string_length(id) == 0) {
        sou_reader_report(r, line, id ? "\"id\" is not a non-empty string, document skipped"
                                      : "no \"id\", document skipped");
        goto done;
    }
    if (json_string_length(id) > SOU_READER_MAX_ID) {
        sou_reader_report(r, line, "\"id\" longer than %u bytes, document skipped",
                          SOU_READER_MAX_ID);
        goto done;
    }
    if (!json_is_string(body)) {
        sou_reader_report(r, line, body ? "\"body\" is not a string, document %s skipped"
                                        : "no \"body\", document %s skipped",
                          json_string_value(id));
        goto done;
    }
    if (!json_is_string(title)) {
        sou_reader_report(r, line, title ? "\"title\" is not a string: document %s indexed with an empty title"
                                         : "no \"title\": document %s indexed with an empty title",
                          json_string_value(id));
        title = NULL;
    }

    fields = json_object();
    if (!fields || json_object_set(fields, "id", id) ||
        json_object_set_new(fields, "title", title ? json_incref(title) : json_string("")) ||
        json_object_set(fields, "body", body))
        goto oom;
    json_object_foreach(root, key, value) {
        if (!json_is_string(value) || strcmp(key, "id") == 0 || strcmp(key, "title") == 0 ||
            strcmp(key, "body") == 0)
            continue; /* non-string fields are not stored */
        if (json_object_set(fields, key, value))
            goto oom;
    }
    doc = sou_doc_from_fields(fields, r->path, line, line_bytes);
    fields = NULL; /* stolen */
    if (!doc)
        goto oom;
    goto done;

oom:
    sou_reader_report(r, line, "out of memory, document skipped");
done:
    json_decref(fields);
    json_decref(root);
    return doc;
}

int sou_jsonl_next(sou_reader *r, sou_doc **out)
{
    char *text;
    size_t len;
    int rc;

    while ((rc = next_line(r, &text, &len)) == 1) {
        if (blank(text, len))
            continue;
        *out = parse_line(r, text, len);
        if (*out)
            return 1;
        r->skipped++;
    }
    return rc;
}
