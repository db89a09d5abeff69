/*
 * fuzz_title_key.c: the title keys of near-copy grouping
 * (searchd/search/title_key.h), with the lexicon searchd loads and a small
 * synonym table.
 *
 * The input is two titles (any bytes: stored titles are UTF-8, but the key
 * must not trust them), split at the first newline.  Promises checked: a key
 * is made (no failure but out of memory, which the harness does not
 * provoke), it is valid UTF-8 no longer than its title allows, a key is the
 * same as itself (once it is not empty), and sameness is symmetric.
 */
#include "fuzz.h"
#include "search.h"
#include "title_key.h"
#include "utf8.h"

static const sou_lexicon *lexicon;
static json_t *synonyms;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sou_error err = {0};
    if (!(lexicon = sou_search_lexicon(&err))) {
        fprintf(stderr, "fuzz_title_key: %s\n", err.message);
        abort();
    }
    synonyms = json_pack("{s:[s],s:[s],s:[s,s],s:[s]}", "医保", "医疗保险", "医疗保险", "医保", "社保", "社会保险",
                         "社会保障", "驾照", "机动车驾驶证");
    if (!synonyms)
        abort();
    return 0;
}

static void make(const char *s, size_t n, sou_title_key *k)
{
    FUZZ_CHECK(sou_title_key_make(s, n, lexicon, synonyms, k) == 0);
    FUZZ_CHECK(sou_utf8_valid(k->s ? k->s : "", k->len, NULL));
    /* folding keeps a character's length or shortens it (width, script),
     * and a synonym's form is at most 4 bytes a character longer */
    FUZZ_CHECK(k->len <= 4 * n + 64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t alen = nl ? (size_t)(nl - text) : size;
    const char *b = nl ? nl + 1 : text + size;
    size_t blen = size - (size_t)(b - text);
    sou_title_key ka, kb;
    make(text, alen, &ka);
    make(b, blen, &kb);
    if (ka.len)
        FUZZ_CHECK(sou_title_key_same(&ka, &ka) != 0);
    FUZZ_CHECK(sou_title_key_same(&ka, &kb) == sou_title_key_same(&kb, &ka));
    sou_title_key_destroy(&ka);
    sou_title_key_destroy(&kb);
    return 0;
}
