/*
 * fuzz_passage.c: cutting a body into passages (indexer/passage.h).
 *
 * Promises checked: the passages partition the body exactly (concatenated
 * in order they give it back, so the document view can rebuild it), each
 * one's char_start counts the characters before it (a malformed byte is one
 * character), none is empty unless the body is, and none is longer than
 * SOU_PASSAGE_MAX characters.
 */
#include "fuzz.h"
#include "passage.h"
#include "utf8.h"

static size_t chars_in(const char *s, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t i = from; i < to; n++) {
        uint32_t cp;
        size_t k = sou_utf8_decode((const unsigned char *)s + i, to - i, &cp);
        i += k ? k : 1;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    sou_passages p = {0};

    FUZZ_CHECK(sou_passages_split(body, size, &p) == 0);
    FUZZ_CHECK(p.n >= 1);
    FUZZ_CHECK(p.v[0].start == 0 && p.v[0].char_start == 0);
    FUZZ_CHECK(p.v[p.n - 1].end == size);
    size_t chars = 0;
    for (size_t i = 0; i < p.n; i++) {
        const sou_passage *x = &p.v[i];
        if (i > 0)
            FUZZ_CHECK(x->start == p.v[i - 1].end);
        FUZZ_CHECK(x->start <= x->end && x->end <= size);
        FUZZ_CHECK(x->start < x->end || size == 0);
        FUZZ_CHECK(x->char_start == chars);
        size_t n = chars_in(body, x->start, x->end);
        FUZZ_CHECK(n <= SOU_PASSAGE_MAX);
        chars += n;
    }
    /* splitting again (the indexer may be run twice) gives the same cuts */
    sou_passages again = {0};
    FUZZ_CHECK(sou_passages_split(body, size, &again) == 0);
    FUZZ_CHECK(again.n == p.n && memcmp(again.v, p.v, p.n * sizeof *p.v) == 0);
    sou_passages_destroy(&again);
    sou_passages_destroy(&p);
    return 0;
}
