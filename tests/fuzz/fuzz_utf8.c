/*
 * fuzz_utf8.c: the UTF-8 decoder, encoder and validator (indexer/utf8.h).
 *
 * Promises checked: sou_utf8_valid_prefix (the fast validator) stops exactly
 * where decoding one character at a time first fails; sou_utf8_valid agrees
 * with it; every decoded character is a scalar value that encodes back to
 * the very bytes it came from.
 */
#include "fuzz.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t i = 0, bad_at = (size_t)-1;

    while (i < size) {
        uint32_t cp;
        char enc[4];
        size_t n = sou_utf8_decode(data + i, size - i, &cp);
        if (n == 0)
            break;
        FUZZ_CHECK(n <= size - i);
        FUZZ_CHECK(cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF));
        FUZZ_CHECK(sou_utf8_encode(cp, enc) == n);
        FUZZ_CHECK(memcmp(enc, data + i, n) == 0);
        i += n;
    }
    FUZZ_CHECK(sou_utf8_valid_prefix((const char *)data, size) == i);
    FUZZ_CHECK(sou_utf8_valid((const char *)data, size, &bad_at) == (i == size));
    if (i < size)
        FUZZ_CHECK(bad_at == i);
    return 0;
}
