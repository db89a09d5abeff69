/*
 * fuzz_lexicon.c: reading a lexicon file (sou_lexicon_load, segment.h),
 * the words a site adds for its queries.  The input is the file; what
 * loads must then segment a text, and what does not load must say why.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "segment.h"

static int count_word(const sou_seg_word *w, void *ctx)
{
    FUZZ_CHECK(w->start < w->end);
    (*(size_t *)ctx)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], err[256] = "";
    int fd = memfd_create("lexicon", MFD_CLOEXEC);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    const char *paths[] = {path};
    sou_lexicon *lex = sou_lexicon_load(paths, 1, err, sizeof err);
    if (lex) {
        static const char text[] = "天津看牙能用医保报销吗abc老板拖欠工资不发怎么办";
        size_t words = 0;
        FUZZ_CHECK(sou_segment(lex, text, sizeof text - 1, count_word, &words) == 0);
        FUZZ_CHECK(words > 0);
        sou_lexicon_free(lex);
    } else {
        FUZZ_CHECK(err[0] != '\0');
    }
    close(fd);
    return 0;
}
