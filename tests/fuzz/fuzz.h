/*
 * fuzz.h: what every harness in tests/fuzz/ shares.
 *
 * A harness is one libFuzzer entry point, LLVMFuzzerTestOneInput, over one
 * parser or text routine of sou.  Besides the sanitizers' own findings
 * (out-of-bounds, use after free, leaks, undefined behaviour) each harness
 * checks the routine's documented promises with FUZZ_CHECK: a broken promise
 * aborts, which libFuzzer reports as a crash and saves the input.
 *
 * Built with -DSOU_FUZZ=ON (clang), a harness is a libFuzzer program
 * (scripts/fuzz.sh runs it); otherwise it is linked with replay.c, which runs
 * it once over the files and directories it is given, so the seed corpus and
 * every input that ever crashed (tests/fuzz/corpus/<harness>/) replay in
 * every build, the ASan one included (ctest fuzz_<harness>).
 */
#ifndef SOU_FUZZ_H
#define SOU_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A promise of the code under test that the input broke. */
#define FUZZ_CHECK(cond)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond);        \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

/* data[0..size) as a NUL-terminated string (malloc'ed; aborts when out of memory). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif /* SOU_FUZZ_H */
