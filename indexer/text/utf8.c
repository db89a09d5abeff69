/* utf8.c: the non-inline part of utf8.h. */
#include "utf8.h"

#include <string.h>

size_t sou_utf8_valid_prefix(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str, *p = s, *e = s + n;

    while (p < e) {
        if (e - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (!(w & 0x8080808080808080ULL)) { /* eight ASCII bytes */
                p += 8;
                continue;
            }
        }
        if (*p < 0x80) {
            p++;
            continue;
        }
        /* The common case here, a CJK character: three bytes E1-EC or EE-EF
         * lead (E0 and ED have narrower second bytes: the decoder). */
        if (e - p >= 3 && ((*p >= 0xE1 && *p <= 0xEC) || *p >= 0xEE) && *p <= 0xEF && (p[1] & 0xC0) == 0x80 &&
            (p[2] & 0xC0) == 0x80) {
            p += 3;
            continue;
        }
        uint32_t cp;
        size_t k = sou_utf8_decode(p, (size_t)(e - p), &cp);
        if (!k)
            return (size_t)(p - s);
        p += k;
    }
    return n;
}

int sou_utf8_valid(const char *s, size_t len, size_t *bad_at)
{
    size_t valid = sou_utf8_valid_prefix(s, len);

    if (valid == len)
        return 1;
    if (bad_at)
        *bad_at = valid;
    return 0;
}
