/* json_line.c: see json_line.h. */
#include "json_line.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* sou_json_line's output buffer. */
/* A JSON string as jansson writes it without JSON_ENSURE_ASCII or
 * JSON_ESCAPE_SLASH: UTF-8 as is (a json_t string is valid UTF-8 already),
 * \" \\ \b \f \n \r \t, other control characters as \u00XX. */
static void jb_string(sou_strbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (sou_strbuf_reserve(b, n + 2) < 0)
        return;
    b->p[b->len++] = '"';
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        /* Eight bytes at a time while none needs escaping (has-zero-byte
         * tests for '"', '\\' and bytes below 0x20). */
        while (run + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + run, 8);
            const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
            uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
            if ((((q - ones) & ~q) | ((bs - ones) & ~bs) | ((w - ones * 0x20) & ~w)) & highs)
                break;
            run += 8;
        }
        while (run < n && (unsigned char)s[run] >= 0x20 && s[run] != '"' && s[run] != '\\')
            run++;
        sou_strbuf_put(b, s + i, run - i);
        if (run == n)
            break;
        unsigned char c = (unsigned char)s[run];
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
        }
        sou_strbuf_put(b, esc, el);
        i = run + 1;
    }
    sou_strbuf_put(b, "\"", 1);
}

/* A real as jansson prints it with JSON_REAL_PRECISION(9): %.9g, ".0" when
 * that looks like an integer, no '+' or leading zeros in the exponent. */
static void jb_real(sou_strbuf *b, double v)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.9g", v);
    if (n < 0 || (size_t)n >= sizeof buf - 3) {
        b->oom = 1;
        return;
    }
    size_t len = (size_t)n;
    for (char *c = buf; *c; c++)
        if (*c == ',') /* a locale's decimal comma */
            *c = '.';
    if (!strchr(buf, '.') && !strchr(buf, 'e')) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }
    char *start = strchr(buf, 'e');
    if (start) {
        start++;
        char *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - buf) + 1);
            len -= (size_t)(end - start);
        }
    }
    sou_strbuf_put(b, buf, len);
}

static void jb_value(sou_strbuf *b, const json_t *v, int depth)
{
    char num[32];
    if (depth > 2048) { /* jansson's own limit; sou's answers are 4 deep */
        b->oom = 1;
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *m;
        int first = 1;
        sou_strbuf_put(b, "{", 1);
        json_object_foreach((json_t *)v, key, m)
        {
            if (!first)
                sou_strbuf_put(b, ",", 1);
            first = 0;
            jb_string(b, key, strlen(key));
            sou_strbuf_put(b, ":", 1);
            jb_value(b, m, depth + 1);
        }
        sou_strbuf_put(b, "}", 1);
        break;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        sou_strbuf_put(b, "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (i)
                sou_strbuf_put(b, ",", 1);
            jb_value(b, json_array_get(v, i), depth + 1);
        }
        sou_strbuf_put(b, "]", 1);
        break;
    }
    case JSON_STRING:
        jb_string(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER: {
        int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        sou_strbuf_put(b, num, (size_t)n);
        break;
    }
    case JSON_REAL:
        jb_real(b, json_real_value(v));
        break;
    case JSON_TRUE:
        sou_strbuf_put(b, "true", 4);
        break;
    case JSON_FALSE:
        sou_strbuf_put(b, "false", 5);
        break;
    case JSON_NULL:
        sou_strbuf_put(b, "null", 4);
        break;
    }
}

char *sou_json_line(const json_t *answer, size_t *len)
{
    /* What json_dumps(answer, JSON_COMPACT | JSON_PRESERVE_ORDER |
     * JSON_REAL_PRECISION(9)) writes, byte for byte (tests/check_json_line.c),
     * at a fifth of its cost: jansson escapes strings a code point at a time
     * through a callback, which was an eighth of a search's CPU.  Compact
     * output never has a newline (strings escape theirs), so one answer is
     * exactly one line.  Non-ASCII stays UTF-8.  Nine significant digits
     * print 0.1 as 0.1, not 0.10000000000000001. */
    sou_strbuf b = {0};
    if (!answer || !(json_is_object(answer) || json_is_array(answer)))
        return NULL; /* json_dumps's rule without JSON_ENCODE_ANY */
    sou_strbuf_reserve(&b, 4095); /* an answer is a few KB: one allocation, mostly */
    jb_value(&b, answer, 0);
    return sou_strbuf_steal(&b, len);
}

