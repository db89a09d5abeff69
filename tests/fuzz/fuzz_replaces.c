/*
 * fuzz_replaces.c: the titles a law says it replaces (indexer/replaces.h)
 * and the candidate-value fields they are stored in (nearcopy.h).
 *
 * The input is a body (any bytes).  Promises checked: the output fits its
 * buffer and is a run of fields, each a NUL, the tag 'R' and a title of
 * valid UTF-8 without NUL that the body holds as 《title》; at most
 * SOU_REPLACES_MAX of them; a candidate value built with them keeps its
 * title and finds every field again.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "nearcopy.h"
#include "replaces.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    char out[600];
    size_t n = sou_replaced_titles(body, size, out, sizeof out);
    FUZZ_CHECK(n <= sizeof out);
    size_t fields = 0;
    for (size_t at = 0; at < n; fields++) {
        FUZZ_CHECK(out[at] == '\0' && at + 2 <= n && out[at + 1] == SOU_CANDIDATE_REPLACES);
        const char *t = out + at + 2;
        const char *end = memchr(t, '\0', n - (size_t)(t - out));
        size_t tl = end ? (size_t)(end - t) : n - (size_t)(t - out);
        FUZZ_CHECK(tl > 0 && sou_utf8_valid(t, tl, NULL));
        char quoted[700];
        FUZZ_CHECK(tl + 6 <= sizeof quoted);
        memcpy(quoted, "《", 3);
        memcpy(quoted + 3, t, tl);
        memcpy(quoted + 3 + tl, "》", 3);
        FUZZ_CHECK(memmem(body, size, quoted, tl + 6) != NULL);
        at = (size_t)(t - out) + tl;
    }
    FUZZ_CHECK(fields <= SOU_REPLACES_MAX);
    unsigned char article[SOU_NC_ARTICLE_BYTES] = {0};
    size_t vlen = 0, tl = 0;
    unsigned char *v = sou_candidate_value("题目", strlen("题目"), body, size, article, out, n, &vlen);
    FUZZ_CHECK(v != NULL);
    const char *t = sou_candidate_title((const char *)v, vlen, &tl);
    FUZZ_CHECK(t && tl == strlen("题目") && !memcmp(t, "题目", tl));
    for (size_t at = 0; at < n;) {
        const char *f = out + at + 2, *end = memchr(f, '\0', n - (size_t)(f - out));
        size_t fl = end ? (size_t)(end - f) : n - (size_t)(f - out);
        FUZZ_CHECK(sou_candidate_has_field((const char *)v, vlen, SOU_CANDIDATE_REPLACES, f, fl));
        at = (size_t)(f - out) + fl;
    }
    free(v);
    return 0;
}
