/*
 * fuzz_segment.c: query segmentation with jieba's dictionary
 * (indexer/segment.h), the lexicon searchd loads (sou_search_lexicon).
 *
 * The input is normalised (as the query side does) and segmented with the
 * lexicon and without.  Promises checked: words come in text order, never
 * overlap, lie inside the text, count their characters right, and the CJK
 * words of a run cover it exactly (the same characters with or without
 * the lexicon).
 */
#include "fuzz.h"
#include "normalize.h"
#include "search.h"
#include "segment.h"
#include "tokenize.h"
#include "utf8.h"

static const sou_lexicon *lexicon;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    sou_error err = {0};
    if (!(lexicon = sou_search_lexicon(&err))) {
        fprintf(stderr, "fuzz_segment: %s\n", err.message);
        abort();
    }
    return 0;
}

typedef struct {
    const char *text;
    size_t len;
    size_t end;      /* where the previous word ended */
    size_t cjk_chars;
    size_t words;
} walk;

static int check_word(const sou_seg_word *w, void *ctx)
{
    walk *k = ctx;
    size_t chars = 0;

    FUZZ_CHECK(w->start < w->end && w->end <= k->len);
    FUZZ_CHECK(w->start >= k->end);
    /* joined: nothing lies between this word and the previous one */
    if (w->joined)
        FUZZ_CHECK(k->words > 0 && w->start == k->end);
    for (size_t i = w->start; i < w->end;) {
        uint32_t cp;
        size_t n = sou_utf8_decode((const unsigned char *)k->text + i, w->end - i, &cp);
        FUZZ_CHECK(n > 0);
        sou_char_class cc = sou_classify(cp);
        if (w->kind == SOU_SEG_CJK)
            FUZZ_CHECK(cc == SOU_CC_CJK);
        else
            FUZZ_CHECK(w->kind == SOU_SEG_OTHER && (cc == SOU_CC_LETTER || cc == SOU_CC_DIGIT));
        i += n;
        chars++;
    }
    FUZZ_CHECK(chars == w->chars);
    if (w->kind == SOU_SEG_CJK)
        k->cjk_chars += chars;
    k->end = w->end;
    k->words++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t need = sou_normalize((const char *)data, size, NULL, 0, NULL);
    char *norm = malloc(need + 1);
    FUZZ_CHECK(norm != NULL);
    sou_normalize((const char *)data, size, norm, need + 1, NULL);

    walk with = {norm, need, 0, 0, 0}, without = {norm, need, 0, 0, 0};
    FUZZ_CHECK(sou_segment(lexicon, norm, need, check_word, &with) == 0);
    FUZZ_CHECK(sou_segment(NULL, norm, need, check_word, &without) == 0);
    FUZZ_CHECK(with.cjk_chars == without.cjk_chars);
    FUZZ_CHECK(with.words >= without.words);
    free(norm);
    return 0;
}
