/*
 * fuzz_article.c: the article text reader (indexer/reader_article.c):
 * title line, date-and-source line, body, footer.  Promises: fuzz_reader.h;
 * an article file gives at most one document.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t skipped = 0;
    FUZZ_CHECK(fuzz_read_all(data, size, SOU_INPUT_ARTICLE, 0, &skipped) + skipped <= 1);
    return 0;
}
