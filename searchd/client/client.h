/*
 * client.h: what the sou command-line client needs, as a library so tests
 * can call it: a blocking line-protocol connection to searchd, and turning
 * an answer into text for a terminal or a pipe.
 */
#ifndef SOU_CLIENT_H
#define SOU_CLIENT_H

#include <stdio.h>

#include <jansson.h>

#include "search.h"

typedef struct sou_client sou_client;

/* Connect to searchd's line protocol at "HOST:PORT" (a name or a numeric
 * address; "[::1]:7700" for IPv6), waiting at most timeout_ms for the
 * connection and for each answer.  NULL with SOU_EUNAVAILABLE and a
 * one-line reason ("cannot connect to 127.0.0.1:7700: Connection refused").
 * Caller frees with sou_client_close. */
sou_client *sou_client_connect(const char *hostport, int timeout_ms, sou_error *err);

/* Send one request line (no newline in it) and read its one answer line.
 * Returns the answer parsed (new reference) and, when raw is not NULL, the
 * line itself in *raw (caller frees).  NULL with err when the connection
 * fails or the answer is not JSON.  An error answer from searchd is still
 * an answer: check for its "error" member. */
json_t *sou_client_call(sou_client *c, const char *request, char **raw, sou_error *err);

void sou_client_close(sou_client *c);

/* The request line "<command> <options as compact JSON>" (SEARCH, GET):
 * always the JSON form, so a query starting with '{' stays a query.
 * Caller frees; NULL on OOM. */
char *sou_client_request_line(const char *command, const json_t *options);

/* HTML from searchd (a snippet or title_html: escaped text and <mark>)
 * to plain text: <mark> becomes mark_on, </mark> mark_off, other tags
 * vanish, entities (&amp; &lt; &gt; &quot; &#39; &#NNN; &#xHH;) are
 * decoded.  Caller frees; NULL on OOM. */
char *sou_render_html(const char *html, const char *mark_on, const char *mark_off);

/* Replace every terminal control in s (C0 controls but tab, DEL, C1, the
 * bidirectional overrides and isolates) by a space, runs of them by one,
 * in place; returns the new length.  Everything sou prints from an answer
 * goes through it (sou_render_html does it too), with or without colour. */
size_t sou_strip_controls(char *s);

/* How answers are printed. */
typedef struct {
    int color;      /* ANSI bold for titles, bold red for marks; else plain text */
    unsigned width; /* wrap lines at this many columns (CJK counts 2), keeping the
                     * indent of what is wrapped; 0: do not wrap (output to a pipe) */
} sou_print_opts;

/* Write text to out, wrapped at po->width columns (0: not at all); *col is
 * the column the cursor is at, and is updated.  Continuation lines (and
 * lines after a '\n' in text) start with indent spaces; a break replaces
 * the space it falls on; runs of ASCII letters and digits are kept whole;
 * closing punctuation (，。）」…) never starts a line: other text stops two
 * columns short so that it can hang there; SGR escapes (\033[...m) take no
 * room.  text is printed as it is: strip it first (sou_strip_controls). */
void sou_print_wrapped(FILE *out, const char *text, unsigned indent, unsigned width, unsigned *col);

/* Print a search answer as a ranked list: rank, title, date, url or id, the
 * passage (wrapped lines indented under it), then a summary line and the
 * facet counts.  With no hits, what the query was understood as (ignored
 * words, words in no document, phrases, dates, filters) or that the page is
 * past the end.  Returns the number of hits printed. */
int sou_print_answer(FILE *out, const json_t *answer, const sou_print_opts *po);

/* Print a document answer (GET): title, id, date, the other stored fields
 * and url on one line, the body, then the related articles.  fields (may
 * be NULL): the index's FIELDS answer, for the names of fields and values
 * ("类别: 地方性法规" instead of "category: DLC"). */
void sou_print_document(FILE *out, const json_t *doc, const json_t *fields, const sou_print_opts *po);

#endif /* SOU_CLIENT_H */
