/*
 * utf8.h: strict UTF-8 decoding and encoding for the tokenizer.
 *
 * The decoder accepts exactly the well-formed sequences of Unicode 15 table
 * 3-7: no overlong forms, no surrogates (U+D800-DFFF), nothing above
 * U+10FFFF, no truncated sequences.  On anything else it consumes nothing and
 * says so; the caller skips ONE byte and tries again, which can never loop or
 * read past the end, and never lets a malformed byte reach the output.
 * The functions are inline because they sit in the tokenizer's inner loop.
 */
#ifndef SOU_UTF8_H
#define SOU_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one character from s[0..avail) (avail > 0).  Returns its length in
 * bytes (1-4) and stores the code point in *cp, or returns 0 when s[0] does
 * not start a well-formed sequence that fits in avail bytes. */
static inline size_t sou_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char b0 = s[0];
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    if (b0 < 0xC2) /* continuation byte, or C0/C1 (always overlong) */
        return 0;
    if (b0 < 0xE0) {
        if (avail < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(b0 & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (b0 < 0xF0) {
        if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (b0 == 0xE0 && s[1] < 0xA0) /* overlong */
            return 0;
        if (b0 == 0xED && s[1] > 0x9F) /* surrogate */
            return 0;
        *cp = ((uint32_t)(b0 & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if (b0 < 0xF5) {
        if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (b0 == 0xF0 && s[1] < 0x90) /* overlong */
            return 0;
        if (b0 == 0xF4 && s[1] > 0x8F) /* above U+10FFFF */
            return 0;
        *cp = ((uint32_t)(b0 & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
              ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    return 0; /* F5-FF never appear in UTF-8 */
}

/* Encode cp (a Unicode scalar value: <= 0x10FFFF, not a surrogate) into
 * out[0..4).  Returns the number of bytes written, or 0 (nothing written) for
 * a value that is not a scalar value. */
static inline size_t sou_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return 0;
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

/* Characters of the well-formed UTF-8 s[0..len): the bytes that are no
 * continuation byte. */
static inline size_t sou_utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* The byte offset of character c of the well-formed UTF-8 s[0..len) (len
 * when s has fewer characters): the inverse of sou_utf8_chars. */
static inline size_t sou_utf8_offset(const char *s, size_t len, size_t c)
{
    size_t i = 0;
    for (; i < len && c; c--)
        do
            i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80);
    return i;
}

/* Length of the longest well-formed prefix of s[0..len): len when all of it
 * is UTF-8, else the offset of the first malformed byte.  This is sou's one
 * UTF-8 validator (fast on ASCII and on three-byte CJK characters). */
size_t sou_utf8_valid_prefix(const char *s, size_t len);

/* Returns 1 when s[0..len) is entirely well-formed UTF-8, else 0, and (when
 * bad_at is not NULL) stores the offset of the first malformed byte. */
int sou_utf8_valid(const char *s, size_t len, size_t *bad_at);

#endif /* SOU_UTF8_H */
