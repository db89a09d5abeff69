/*
 * fuzz_article_rules.c: the rules that say which lines of an article file
 * are boilerplate (indexer/article_rules.h, `indexer --article-rules`).
 * The input up to the first NUL byte is a rules text, the rest lines to
 * judge with those rules and with the built-in ones.  Promises checked: a
 * rules text parses or says "file:line: what"; judging a line never reads
 * outside it (the sanitizers).
 */
#include "article_rules.h"
#include "fuzz.h"

static void judge_lines(const sou_article_rules *r, const char *s, size_t len)
{
    for (size_t i = 0; i <= len;) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (s + i)) : len - i;
        /* an exact-size copy of the line, so a read past it is caught */
        char *line = malloc(n ? n : 1);
        FUZZ_CHECK(line != NULL);
        memcpy(line, s + i, n);
        int f = sou_article_rules_footer(r, line, n);
        int d = sou_article_rules_disclaimer(r, line, n);
        FUZZ_CHECK((f == 0 || f == 1) && (d == 0 || d == 1));
        free(line);
        i += n + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nul = memchr(s, '\0', size);
    size_t rlen = nul ? (size_t)(nul - s) : size;
    const char *lines = nul ? nul + 1 : s + size;
    size_t llen = size - (size_t)(lines - s);
    char err[256] = "";

    char *text = malloc(rlen ? rlen : 1);
    FUZZ_CHECK(text != NULL);
    memcpy(text, s, rlen);
    sou_article_rules *r = sou_article_rules_parse(text, rlen, "rules.txt", err, sizeof err);
    if (!r)
        FUZZ_CHECK(strncmp(err, "rules.txt:", 10) == 0 || strcmp(err, "out of memory") == 0);
    else
        judge_lines(r, lines, llen);
    judge_lines(sou_article_rules_default(), lines, llen);
    sou_article_rules_free(r);
    free(text);
    return 0;
}
