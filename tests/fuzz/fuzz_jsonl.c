/*
 * fuzz_jsonl.c: the JSONL reader (indexer/reader_jsonl.c), plain or gzip,
 * with a small line cap so over-long lines are reached too.  Promises:
 * fuzz_reader.h; also, no line is lost silently: in a plain (not gzip)
 * input every line that is not blank, or is over the cap, gives a document
 * or a reported, counted skip.
 */
#include "fuzz_reader.h"

enum { MAX_LINE = 2048 };

static int blank(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t skipped = 0, docs = fuzz_read_all(data, size, SOU_INPUT_JSONL, MAX_LINE, &skipped);

    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        return 0; /* gzip: the lines are inside */
    size_t lines = 0;
    for (size_t i = 0; i < size;) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        size_t n = nl ? (size_t)(nl - (data + i)) : size - i;
        if (!blank(data + i, n) || n > MAX_LINE)
            lines++;
        i += n + 1;
    }
    FUZZ_CHECK(docs + skipped == lines);
    return 0;
}
