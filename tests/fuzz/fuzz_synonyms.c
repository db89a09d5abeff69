/*
 * fuzz_synonyms.c: reading synonym rules (sou_synonyms_read,
 * indexer/synonyms.h), the file `indexer --synonyms` takes.  The input is
 * the file.  Promises checked: every entry is a pair of distinct non-empty
 * normalised words of at most SOU_SYNONYM_MAX_WORD bytes without spaces at
 * their ends, never a word and itself; a file either gives its rules or an error "file:line: what".
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "synonyms.h"
#include "tokenize.h"
#include "utf8.h"

static void check_word(const char *w)
{
    size_t len = strlen(w);
    char norm[SOU_SYNONYM_MAX_WORD * 2 + 8];
    FUZZ_CHECK(len > 0 && len <= SOU_SYNONYM_MAX_WORD);
    FUZZ_CHECK(w[0] != ' ' && w[len - 1] != ' ');
    FUZZ_CHECK(sou_utf8_valid(w, len, NULL));
    FUZZ_CHECK(sou_normalize(w, len, norm, sizeof norm, NULL) == len && memcmp(norm, w, len) == 0);
}

static int check_pair(const char *term, const char *synonym, void *ctx)
{
    check_word(term);
    check_word(synonym);
    FUZZ_CHECK(strcmp(term, synonym) != 0);
    (*(size_t *)ctx)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], err[512] = "";
    size_t pairs = 0;
    int fd = memfd_create("synonyms", MFD_CLOEXEC);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    const char *paths[] = {path};
    long rules = sou_synonyms_read(paths, 1, check_pair, &pairs, err, sizeof err);
    if (rules < 0) {
        FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':');
    } else {
        FUZZ_CHECK(rules > 0 || pairs == 0); /* a rule of one word repeated gives no pair */
    }
    close(fd);
    return 0;
}
