/*
 * reader_private.h: what reader.c, reader_article.c and reader_jsonl.c share
 * and nobody else needs.
 */
#ifndef SOU_READER_PRIVATE_H
#define SOU_READER_PRIVATE_H

#include <stdarg.h>

#include <zlib.h>

#include "reader.h"

struct sou_reader {
    sou_input_kind kind;
    char *path;                 /* owned copy of the path as given */
    sou_reader_options opt;
    size_t problems;            /* problems reported */
    size_t skipped;             /* documents (lines, files) that gave no document */
    size_t bytes;               /* input bytes consumed */
    /* JSONL */
    gzFile gz;                  /* NULL for articles */
    char *buf;                  /* line buffer [start, end) holds unread bytes */
    size_t cap, start, end;
    int eof;
    unsigned long line;         /* number of the last line returned */
    /* articles */
    int article_done;
};

/* Report a problem at line (0 = whole file) through r's callback, printf-style. */
void sou_reader_report(sou_reader *r, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Format-specific halves of sou_reader_next. */
int sou_jsonl_next(sou_reader *r, sou_doc **out);
int sou_article_next(sou_reader *r, sou_doc **out);

#endif /* SOU_READER_PRIVATE_H */
