/*
 * reader.h: turning input files into documents for the indexer.
 *
 * Two formats are read:
 *   - article text files (the seed format of corpus/, see corpus/README.md):
 *     a title line, a "YYYY-MM-DD hh:mm:ss<source>" line, the body, then a
 *     footer (the site's statement and the related-article lines) that is
 *     dropped, as are disclaimer lines (which are the site's: article_rules.h).
 *     The id is the file name without its extension;
 *   - JSONL, plain or gzip-compressed (zlib reads both), one JSON object a
 *     line with string fields "id", "title", "body" and any others ("url",
 *     "date", ...); non-string fields are ignored.
 *
 * A reader never prints: every problem with the input (unreadable file,
 * malformed JSON, missing field, invalid UTF-8, over-long line) goes to the
 * caller's sou_problem_fn with the file and line, and reading goes on with
 * the next document.  Documents come out as sou_doc, which the caller owns.
 */
#ifndef SOU_READER_H
#define SOU_READER_H

#include <stddef.h>

#include <jansson.h>

#include "article_rules.h"

/* A problem found in the input.  file is the path as given ("-" for stdin),
 * line is 1-based (0 when the problem concerns the whole file).  Both
 * strings are borrowed for the duration of the call. */
typedef void (*sou_problem_fn)(const char *file, unsigned long line, const char *msg, void *ctx);

/* Longest JSONL line accepted by default; longer lines are reported and skipped.
 * Article files larger than this are refused too. */
#define SOU_READER_MAX_LINE (64u * 1024u * 1024u)

/* Longest id accepted, in bytes (Xapian terms are limited to 245 bytes). */
#define SOU_READER_MAX_ID 200u

/* Longest title made from the first line of an article without a title line. */
#define SOU_READER_MAX_TITLE_CHARS 100u

/* A parsed document.  fields is a JSON object holding every stored field, in
 * this order: "id", "title", "body", then the others as found (for articles:
 * "date" and "source" when present).  id/title/body/date point into fields. */
typedef struct {
    json_t *fields;      /* owned (json_decref via sou_doc_free) */
    const char *id;      /* borrowed from fields; never NULL nor empty */
    const char *title;   /* borrowed from fields; "" when there is none */
    const char *body;    /* borrowed from fields; exactly the text to tokenise */
    size_t body_len;     /* bytes */
    const char *date;    /* borrowed from fields; NULL when absent */
    char *file;          /* owned copy of the input path, for later messages */
    unsigned long line;  /* line of the input (1 for article files) */
    size_t bytes;        /* input bytes the document came from */
} sou_doc;

/* Free a document and everything it owns.  NULL is allowed. */
void sou_doc_free(sou_doc *doc);

typedef enum {
    SOU_INPUT_ARTICLE, /* seed-format text file */
    SOU_INPUT_JSONL,   /* JSONL, plain or gzip; "-" is standard input */
    SOU_INPUT_UNKNOWN  /* not an input sou reads (data.csv): reported, never guessed */
} sou_input_kind;

/* The kind a path is read as: *.jsonl, *.jsonl.gz, *.json, *.gz and "-" are
 * JSONL, *.txt an article text file, anything else SOU_INPUT_UNKNOWN. */
sou_input_kind sou_input_kind_of(const char *path);

typedef struct {
    sou_problem_fn problem; /* may be NULL: problems are then only counted */
    void *problem_ctx;
    size_t max_line;        /* 0 = SOU_READER_MAX_LINE */
    const sou_article_rules *article_rules; /* borrowed; NULL = sou_article_rules_default() */
} sou_reader_options;

typedef struct sou_reader sou_reader;

/* Open path for reading as kind.  Returns NULL when it cannot be opened (the
 * reason has gone to opt->problem as "path: ..."); otherwise the caller owns
 * the reader (sou_reader_close).  opt is copied. */
sou_reader *sou_reader_open(const char *path, sou_input_kind kind, const sou_reader_options *opt);

/* Next document: 1 with *out set (owned by the caller), 0 at the end of the
 * input, -1 when a JSONL input stopped on an I/O error or a truncated gzip
 * stream (reported; an unreadable article file is reported and gives 0).
 * Bad documents are reported and skipped; they never end the reading. */
int sou_reader_next(sou_reader *r, sou_doc **out);

/* Number of problems reported so far, of documents skipped because of one
 * (a line that is not a document, a file that cannot be read), and of input
 * bytes consumed. */
size_t sou_reader_problems(const sou_reader *r);
size_t sou_reader_skipped(const sou_reader *r);
size_t sou_reader_bytes(const sou_reader *r);

void sou_reader_close(sou_reader *r);

/* Visit the inputs under path: path itself if it is a file or "-" (a file
 * of an unknown kind is reported and skipped); if a directory, its *.txt,
 * *.jsonl, *.jsonl.gz files, recursively, in name order, skipping names
 * that start with '.'.  Symbolic links are followed, but every directory is
 * read once (by device and inode, as find -L does): a link back up the
 * tree is reported as a loop and skipped.  fn returns non-zero to
 * stop the walk (that value is returned).  A path that cannot be read is
 * reported through problem and skipped; the return value is then -1 unless
 * fn stopped the walk. */
typedef int (*sou_input_fn)(const char *path, sou_input_kind kind, void *ctx);
int sou_inputs_walk(const char *path, sou_input_fn fn, void *ctx, sou_problem_fn problem,
                    void *problem_ctx);

/* ------------------------------------------------- helpers shared by the readers */

/* Remove malformed UTF-8 (bad lead or continuation bytes, overlong forms,
 * surrogates, code points above U+10FFFF, truncated sequences) from s[0..len)
 * in place.  Returns the new length; *invalid (may be NULL) gets the number
 * of bytes removed; *first_bad (may be NULL) the offset of the first one in
 * the original text (len if none). */
size_t sou_utf8_clean(char *s, size_t len, size_t *invalid, size_t *first_bad);

/* Replace every NUL byte of s[0..len) by a space, in place: a NUL can be
 * neither stored (the stored JSON would need \u0000, which jansson and
 * clients reject) nor shown, and as a space it still breaks words as it did.
 * Returns the number replaced; *first (may be NULL) the offset of the first. */
size_t sou_nul_to_space(char *s, size_t len, size_t *first);

/* Build a document from fields (stolen: on failure it is freed too), which
 * must hold string "id" and "body"; see sou_doc.  Returns NULL when out of
 * memory. */
sou_doc *sou_doc_from_fields(json_t *fields, const char *file, unsigned long line, size_t bytes);

/* Parse one article text file held in text[0..len) (already valid UTF-8)
 * into a document with the given id, dropping its footer and disclaimers as
 * rules say (NULL: only the related-article list).  Returns NULL when out
 * of memory. */
sou_doc *sou_article_parse(const char *text, size_t len, const char *id, const char *file,
                           size_t bytes, const sou_article_rules *rules);

#endif /* SOU_READER_H */
