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
 *   "<peer>: docs N bytes B seconds S bad K".
 *
 * Header-only and C-compatible so the C (fts5.c) and C++ peers share it; the
 * functions are static inline.  What prints: peer_answer() (stdout), the
 * readers' messages about bad lines and peer_docs_end()'s summary (stderr).
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

/* The document loop of a peer's "index" mode: peer_docs_start() starts the
 * clock, peer_docs_next() hands out the documents of `in` one by one (bad
 * lines are reported by peer_doc_next(), counted and skipped), and
 * peer_docs_end() prints the summary line, frees what the loop holds and
 * returns the exit status (1 when any line was bad).  peer_docs_free() frees
 * without a summary, for a peer that gives up half-way; it is safe on a
 * zeroed struct. */
typedef struct {
    FILE *in;
    char *line;
    size_t cap, bytes;
    long lineno, docs, bad;
    double t0;
    peer_doc doc;
} peer_docs;

static inline void peer_docs_start(peer_docs *p, FILE *in)
{
    /* All-zero bytes are 0.0 in IEEE 754 doubles; the header is also C++. */
    /* cppcheck-suppress memsetClassFloat */
    memset(p, 0, sizeof *p);
    p->in = in;
    p->t0 = peer_now();
}

/* The next document (valid until the next call), or NULL at end of input. */
static inline const peer_doc *peer_docs_next(peer_docs *p)
{
    int r;
    while ((r = peer_doc_next(p->in, &p->line, &p->cap, &p->lineno, &p->bytes, &p->doc)) != 0) {
        if (r < 0) {
            ++p->bad;
            continue;
        }
        ++p->docs;
        return &p->doc;
    }
    return NULL;
}

static inline void peer_docs_free(peer_docs *p)
{
    peer_doc_clear(&p->doc);
    free(p->line);
    p->line = NULL;
}

static inline int peer_docs_end(peer_docs *p, const char *peer)
{
    double secs = peer_now() - p->t0;
    peer_docs_free(p);
    fprintf(stderr, "%s: docs %ld bytes %zu seconds %.3f bad %ld\n", peer, p->docs, p->bytes, secs,
            p->bad);
    return p->bad ? 1 : 0;
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

/* The question loop of a peer's "search" mode: peer_questions_next() puts
 * the next question in q->qid and q->text (pointing into q->line, valid until
 * the next call) and returns 1, or 0 at end of input; lines without a tab are
 * reported by peer_question_next() and skipped.  peer_questions_free() frees
 * the line; it is safe on a zeroed struct. */
typedef struct {
    FILE *in;
    char *line;
    size_t cap;
    long lineno;
    char *qid, *text;
} peer_questions;

static inline void peer_questions_start(peer_questions *q, FILE *in)
{
    memset(q, 0, sizeof *q);
    q->in = in;
}

static inline int peer_questions_next(peer_questions *q)
{
    int r;
    while ((r = peer_question_next(q->in, &q->line, &q->cap, &q->lineno, &q->qid, &q->text)) < 0)
        continue;
    return r;
}

static inline void peer_questions_free(peer_questions *q)
{
    free(q->line);
    q->line = NULL;
}

/* Prints the answer line for qid: the microseconds it took and the first
 * ids_len bytes of ids (space-separated ids, best first; may be NULL when
 * ids_len is 0). */
static inline void peer_answer(const char *qid, double microseconds, const char *ids, size_t ids_len)
{
    printf("%s\t%.0f\t%.*s\n", qid, microseconds, (int)ids_len, ids_len ? ids : "");
}

#ifdef __cplusplus
}
#endif

#endif
