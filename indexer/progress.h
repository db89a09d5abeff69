/*
 * progress.h: the indexer's progress line on a terminal and its summary line.
 *
 * The progress line is redrawn in place ("\r...", erased to the end of the
 * line) and only when the stream is a terminal; the summary line is one line
 * of plain text for logs and scripts.  MB means 10^6 bytes of input (JSONL
 * after decompression, or article files as stored).
 */
#ifndef SOU_PROGRESS_H
#define SOU_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

#include "index_writer.h"

typedef struct {
    FILE *out;   /* borrowed */
    int enabled; /* 0: every call does nothing */
    int drawn;   /* a progress line is on the screen */
} sou_progress;

/* enabled < 0: enable when out is a terminal. */
void sou_progress_init(sou_progress *p, FILE *out, int enabled);

/* Redraw the line from stats: phase, documents, MB, docs/s, MB/s. */
void sou_progress_draw(sou_progress *p, const sou_index_stats *stats);

/* Erase the line (before printing anything else on out). */
void sou_progress_clear(sou_progress *p);

/* The summary line, without a newline, into buf (cap bytes, truncated like
 * snprintf).  Returns the length it needs. */
int sou_progress_summary(const sou_index_stats *stats, char *buf, size_t cap);

#endif /* SOU_PROGRESS_H */
