/* stored.c: reading the stored document data (see stored.h). */
#include "stored.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* The indexer stores a flat JSON object of strings (schema.h).  jansson's
 * loader reads it a character at a time through a stream and costs ~30 us
 * for a news article, a sixth of a whole query; this scanner jumps from
 * quote to quote with memchr-like loops.  Anything it does not expect (a
 * number, a nested value, bad escapes, control characters) makes it give up
 * (NULL) and the caller falls back to json_loadb, so it only has to be right
 * on what it accepts. */
static int hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* A JSON string starting after its opening quote at s[*i]; decoded and
 * appended to b (NUL-terminated).  *i moves past the closing quote.  -1 when
 * malformed. */
static int scan_string(const char *s, size_t len, size_t *i, sou_strbuf *b)
{
    size_t k = *i;
    for (;;) {
        size_t run = k;
        /* Eight bytes at a time while none is a quote, a backslash or a
         * control character (the classic has-zero-byte tests). */
        while (run + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + run, 8);
            const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
            uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
            uint64_t hit = ((q - ones) & ~q) | ((bs - ones) & ~bs) | ((w - ones * 0x20) & ~w);
            if (hit & highs)
                break;
            run += 8;
        }
        while (run < len && s[run] != '"' && s[run] != '\\' && (unsigned char)s[run] >= 0x20)
            run++;
        if (sou_strbuf_reserve(b, run - k + 4) < 0)
            return -1;
        memcpy(b->p + b->len, s + k, run - k);
        b->len += run - k;
        if (run >= len || (unsigned char)s[run] < 0x20)
            return -1;
        if (s[run] == '"') {
            b->p[b->len] = '\0';
            *i = run + 1;
            return 0;
        }
        /* an escape */
        if (run + 1 >= len)
            return -1;
        char e = s[run + 1], c;
        k = run + 2;
        switch (e) {
        case '"': c = '"'; break;
        case '\\': c = '\\'; break;
        case '/': c = '/'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u': {
            uint32_t cp, lo;
            if (k + 4 > len || hex4(s + k, &cp) < 0)
                return -1;
            k += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair */
                if (k + 6 > len || s[k] != '\\' || s[k + 1] != 'u' || hex4(s + k + 2, &lo) < 0 ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                k += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return -1;
            }
            if (cp == 0) /* older indexes stored NUL bytes: read as the break they were */
                cp = ' ';
            size_t n = sou_utf8_encode(cp, b->p + b->len);
            if (n == 0)
                return -1;
            b->len += n;
            continue;
        }
        default:
            return -1;
        }
        b->p[b->len++] = c;
    }
}

static size_t skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* After a member of a flat object at s[*i]: 1 for "," (another member
 * follows; *i moves past the comma and white space), 0 for "}" (*i moves
 * past it), -1 for anything else. */
static int after_member(const char *s, size_t len, size_t *i)
{
    size_t j = skip_ws(s, len, *i);
    if (j < len && s[j] == ',') {
        *i = skip_ws(s, len, j + 1);
        return 1;
    }
    if (j < len && s[j] == '}') {
        *i = j + 1;
        return 0;
    }
    return -1;
}

/* The stored fields of a hit without building JSON values: the answer only
 * copies the short ones, and the body (most of the bytes) only feeds the
 * highlighter, so wrapping it in a json_t (a copy plus jansson's byte-at-a-
 * time UTF-8 check, a tenth of a query) is wasted.  The strings live in one
 * arena (scanner) or in a jansson object (fallback). */

void sou_stored_fields_free(sou_stored_fields *d)
{
    sou_strbuf_destroy(&d->arena);
    free(d->f);
    json_decref(d->fallback);
    memset(d, 0, sizeof *d);
}


const char *sou_stored_field_get(const sou_stored_fields *d, const char *key, size_t *len)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i < d->n; i++)
        if (d->f[i].key_len == kl && memcmp(d->f[i].key_p, key, kl) == 0) {
            *len = d->f[i].val_len;
            return d->f[i].val_p;
        }
    *len = 0;
    return "";
}

/* Append a field, or replace the value of an earlier one with the same key
 * (as json_object_set does).  -1 when out of memory. */
static int fields_put(sou_stored_fields *d, sou_stored_field f)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->f[i].key_len == f.key_len &&
            memcmp(d->arena.p + d->f[i].key, d->arena.p + f.key, f.key_len) == 0) {
            d->f[i].val = f.val;
            d->f[i].val_len = f.val_len;
            return 0;
        }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        sou_stored_field *v = realloc(d->f, cap * sizeof *v);
        if (!v)
            return -1;
        d->f = v;
        d->cap = cap;
    }
    d->f[d->n++] = f;
    return 0;
}

/* The scanner: the indexer's flat object of strings into fields.  -1 (d
 * partly filled) when it does not accept the text. */
static int scan_fields(const char *s, size_t len, sou_stored_fields *d)
{
    size_t i = skip_ws(s, len, 0);
    if (i >= len || s[i++] != '{')
        return -1;
    /* Decoding never grows the text: one allocation holds every string. */
    d->arena.oom = 0; /* the arena may be reused: an earlier failure is not this one's */
    if (sou_strbuf_reserve(&d->arena, len + 8) < 0)
        return -1;
    i = skip_ws(s, len, i);
    if (i < len && s[i] == '}') {
        i++;
        goto end;
    }
    for (;;) {
        sou_stored_field f = {0};
        f.key = d->arena.len;
        if (i >= len || s[i++] != '"' || scan_string(s, len, &i, &d->arena) < 0)
            return -1;
        f.key_len = d->arena.len - f.key;
        d->arena.len++; /* keep the NUL */
        i = skip_ws(s, len, i);
        if (i >= len || s[i++] != ':')
            return -1;
        i = skip_ws(s, len, i);
        f.val = d->arena.len;
        if (i >= len || s[i++] != '"' || scan_string(s, len, &i, &d->arena) < 0)
            return -1;
        f.val_len = d->arena.len - f.val;
        d->arena.len++;
        if (strlen(d->arena.p + f.key) != f.key_len || sou_utf8_valid_prefix(d->arena.p + f.key, f.key_len) != f.key_len ||
            sou_utf8_valid_prefix(d->arena.p + f.val, f.val_len) != f.val_len || fields_put(d, f) < 0)
            return -1;
        int more = after_member(s, len, &i);
        if (more < 0)
            return -1;
        if (!more)
            break;
    }
end:
    if (skip_ws(s, len, i) != len)
        return -1;
    for (size_t k = 0; k < d->n; k++) {
        d->f[k].key_p = d->arena.p + d->f[k].key;
        d->f[k].val_p = d->arena.p + d->f[k].val;
    }
    return 0;
}

/* ------------------------------------------------------------ the API */


int sou_stored_fields_parse(const char *data, size_t len, sou_stored_fields *d)
{
    memset(d, 0, sizeof *d);
    if (data && scan_fields(data, len, d) == 0)
        return 0;
    /* Not the indexer's flat object of strings: the general parser, and its
     * string members as fields. */
    d->n = 0;
    d->arena.len = 0;
    json_t *j = data ? json_loadb(data, len, 0, NULL) : NULL;
    if (!json_is_object(j)) {
        json_decref(j);
        return 0;
    }
    d->fallback = j;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (!json_is_string(v))
            continue;
        if (d->n == d->cap) {
            size_t cap = d->cap ? d->cap * 2 : 8;
            sou_stored_field *nv = realloc(d->f, cap * sizeof *nv);
            if (!nv)
                return -1;
            d->f = nv;
            d->cap = cap;
        }
        d->f[d->n++] = (sou_stored_field){0, strlen(key), 0, json_string_length(v), key, json_string_value(v)};
    }
    return 0;
}

json_t *sou_stored_object(const char *data, size_t len)
{
    sou_stored_fields d;
    json_t *o = NULL;

    if (sou_stored_fields_parse(data, len, &d) < 0)
        goto done;
    if (d.fallback) { /* what the general parser read, non-string members too */
        o = json_incref(d.fallback);
        goto done;
    }
    if (!(o = json_object()))
        goto done;
    for (size_t i = 0; i < d.n; i++) /* the scanner checked the UTF-8 */
        if (json_object_set_new_nocheck(o, d.f[i].key_p, json_stringn_nocheck(d.f[i].val_p, d.f[i].val_len)) < 0) {
            json_decref(o);
            o = NULL;
            goto done;
        }
done:
    sou_stored_fields_free(&d);
    return o;
}
