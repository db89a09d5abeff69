/* peer_io.h: the input and output shared by the benchmark's peer programs.
 *
 * Every peer reads the same things in the same way so the benchmarks compare
 * engines, not readers:
 *   - documents: JSONL on stdin (the benchmark pipes `zcat` into it), one object a
 *     line with string fields "id", "title", "body";
 *   - questions: lines "QID<TAB>TEXT" on stdin;
 *   - answers: one line a question, "QID<TAB>MICROSECONDS<TAB>ID ID ...", best
 *     first (no ids when nothing matched), on stdout; bench/lib/metrics.py reads it.
 * A peer's "index" mode ends with one summary line on stderr:
 *   "<peer>: docs N bytes B seconds S".
 *
 * Header-only and C-compatible so the C (fts5.c) and C++ peers share it; the
 * functions are static inline, and nothing here prints except peer_answer().
 */
#ifndef SOU_BENCH_PEER_IO_H
#define SOU_BENCH_PEER_IO_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Monotonic clock in seconds. */
static inline double peer_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One parsed document.  The strings are borrowed from the json_t held in
 * `root`; peer_doc_clear() releases it. */
typedef struct {
    json_t *root;
    const char *id, *title, *body;
    size_t id_len, title_len, body_len;
} peer_doc;

static inline void peer_doc_clear(peer_doc *d)
{
    if (d->root)
        json_decref(d->root);
    memset(d, 0, sizeof *d);
}

/* Reads the next non-empty line of `in` into *line (grown with realloc; the
 * caller frees it) and parses it into *d.  Returns 1 for a document, 0 at end of
 * input, -1 for a bad line, with a message naming line `*lineno` on stderr (the
 * peers are programs, so they may print; the caller skips the line). */
static inline int peer_doc_next(FILE *in, char **line, size_t *cap, long *lineno,
                                size_t *bytes, peer_doc *d)
{
    ssize_t n;
    json_error_t jerr;

    peer_doc_clear(d);
    while ((n = getline(line, cap, in)) >= 0) {
        ++*lineno;
        *bytes += (size_t)n;
        if (n == 0 || (*line)[0] == '\n')
            continue;
        d->root = json_loadb(*line, (size_t)n, 0, &jerr);
        if (!d->root) {
            fprintf(stderr, "stdin:%ld: bad JSON: %s\n", *lineno, jerr.text);
            return -1;
        }
        json_t *id = json_object_get(d->root, "id");
        json_t *title = json_object_get(d->root, "title");
        json_t *body = json_object_get(d->root, "body");
        if (!json_is_string(id) || !json_is_string(body)) {
            fprintf(stderr, "stdin:%ld: document without string id or body\n", *lineno);
            peer_doc_clear(d);
            return -1;
        }
        d->id = json_string_value(id);
        d->id_len = json_string_length(id);
        d->body = json_string_value(body);
        d->body_len = json_string_length(body);
        d->title = json_is_string(title) ? json_string_value(title) : "";
        d->title_len = json_is_string(title) ? json_string_length(title) : 0;
        return 1;
    }
    return 0;
}

/* Reads the next question "QID<TAB>TEXT" into *line (caller frees) and points
 * *qid and *text into it.  Returns 1, 0 at end of input, -1 for a line without
 * a tab (message on stderr). */
static inline int peer_question_next(FILE *in, char **line, size_t *cap, long *lineno,
                                     char **qid, char **text)
{
    ssize_t n;
    while ((n = getline(line, cap, in)) >= 0) {
        ++*lineno;
        while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
            (*line)[--n] = '\0';
        if (n == 0)
            continue;
        char *tab = strchr(*line, '\t');
        if (!tab) {
            fprintf(stderr, "stdin:%ld: question line without a tab\n", *lineno);
            return -1;
        }
        *tab = '\0';
        *qid = *line;
        *text = tab + 1;
        return 1;
    }
    return 0;
}

#ifdef __cplusplus
}
#endif

#endif
