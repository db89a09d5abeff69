/*
 * query_parse.h: the user's query syntax -> a parsed query.
 *
 * The text is first checked (valid UTF-8, at most SOU_QUERY_MAX_CHARS
 * characters) and normalised with sou_normalize (full-width -> half-width,
 * case folding, traditional -> simplified), so every operator below also
 * works when typed in full-width forms ("ｔｉｔｌｅ：医保", "－兰州").  Then it
 * is split at white space into items:
 *
 *   "参保 地"          a phrase: the words in this order, adjacent (required).
 *                      Straight quotes and the CJK quotes “” 「」 『』 all work;
 *                      an unterminated quote runs to the end of the query.
 *   -兰州  -"a b"      exclude documents containing the word / phrase.
 *   title:医保          the word must be in the title (title:"a b" a title phrase).
 *   date:A..B          A and B are YYYY, YYYY-MM or YYYY-MM-DD, either side may
 *                      be omitted (date:2025.. / date:..2026-02-06); date:A alone
 *                      means that day / month / year.
 *   anything else      plain text: the question or keywords; ranked, not required.
 *
 * The parser does not tokenise: items keep their normalised text; stopwords
 * (stopwords.h) and bigrams (query_build.h) come later.
 */
#ifndef SOU_QUERY_PARSE_H
#define SOU_QUERY_PARSE_H

#include <stddef.h>

#include "search.h"

enum { SOU_QUERY_MAX_CHARS = 1000 };

typedef enum {
    SOU_QITEM_TEXT = 1,    /* plain text, ranked */
    SOU_QITEM_PHRASE = 2,  /* "exact phrase", required */
    SOU_QITEM_TITLE = 3,   /* title:word or title:"phrase", required */
    SOU_QITEM_EXCLUDE = 4  /* -word or -"phrase", excluded */
} sou_qitem_kind;

typedef struct {
    sou_qitem_kind kind;
    char *text; /* normalised UTF-8, NUL-terminated, owned by the parsed query */
    size_t len;
    size_t from, to; /* the whole item (quotes, "-", "title:" included) in norm[], bytes */
} sou_qitem;

typedef struct {
    sou_qitem *items; /* in query order */
    size_t n, cap;
    char date_from[9]; /* "YYYYMMDD" or "" when open */
    char date_to[9];   /* "YYYYMMDD" (inclusive) or "" when open */
    const char *source; /* the query as given (borrowed: must outlive the parsed query) */
    size_t source_len;
    char *norm;         /* owned: the normalised query the items were cut from */
    size_t norm_len;
} sou_parsed_query;

/* Parse q[0..len) into pq (caller-owned struct, fully initialised here;
 * release with sou_parsed_query_destroy, also after a failure; q must
 * outlive it).  Errors say which part of q is wrong (sou_error_where: param
 * "q", the text as typed, its character range).  Returns 0,
 * or -1 with err filled (SOU_EBADREQUEST: invalid UTF-8 with its byte
 * offset, too long, empty query, bad date with the offending text;
 * SOU_EINTERNAL when out of memory). */
int sou_query_parse(const char *q, size_t len, sou_parsed_query *pq, sou_error *err);

void sou_parsed_query_destroy(sou_parsed_query *pq);

/* Say in err (already set) that item i of pq is the wrong part of the
 * query: param "q", the item as the user typed it (not normalised) and its
 * character range in the query. */
void sou_query_locate(const sou_parsed_query *pq, size_t i, sou_error *err);

/* Parse one date bound "YYYY", "YYYY-MM" or "YYYY-MM-DD" (s[0..len)) into
 * out "YYYYMMDD": the first day of the period when upper == 0, the last day
 * when upper != 0.  Checks month and day ranges (leap years included).
 * Returns 0 or -1 (out untouched). */
int sou_parse_date(const char *s, size_t len, int upper, char out[9]);

#endif /* SOU_QUERY_PARSE_H */
