/*
 * search.h: answering one query over a sou index, as JSON.
 *
 * This is the whole interface between the protocols (HTTP, the line
 * protocol, the sou client's --db mode) and the search engine: a request is a
 * JSON object of options, the answer a JSON object, so HTTP and the line
 * protocol give identical answers by construction.
 *
 * A sou_searcher owns one read-only database handle and is used by one
 * thread at a time (searchd gives each worker thread its own).
 *
 * Request options (unknown keys are an error; numbers may also be given as
 * decimal strings, which is how HTTP query parameters arrive):
 *   "q"             string, required: the user's query (syntax in the README)
 *   "limit"         1..100, default 10
 *   "offset"        0..10000, default 0
 *   "sort"          "relevance" (default) | "date" (newest first) | "date_asc"
 *   "date_from"     "YYYY-MM-DD" inclusive (also settable in q as date:A..B)
 *   "date_to"       "YYYY-MM-DD" inclusive
 *   "passages"      0..10 passages per hit, default 2
 *   "passage_chars" 10..1000 characters per passage, default 100
 *
 * Answer:
 *   {"query": {"text": q, "terms": [..bigrams/words used..], "dropped": [..words ignored..],
 *              "phrases": [..], "excluded": [..], "title_terms": [..],
 *              "date_from": .., "date_to": .., "sort": ..},
 *    "total": N, "exact": true|false, "offset": o, "limit": l, "took_ms": 0.42,
 *    "hits": [{"rank": 1 (1-based, counts offset), "id", "title", "url", "date", "score",
 *              "title_html":   title, HTML-escaped, matches in <mark>..</mark>,
 *              "snippet":      the passages as HTML (escaped, <mark>ed, … where cut),
 *                              joined by " … ",
 *              "snippet_text": the same text without markup,
 *              "highlights":   [[start, end], ...] character (not byte) offsets of the
 *                              marked spans in snippet_text,
 *              "title_highlights": [[start, end], ...] character offsets in title,
 *              ...every other stored string field of the document (e.g. "category")}]}
 *
 * Errors are {"error": {"code": <http status>, "message": "..."}} built by
 * sou_error_json(); the code says which HTTP status fits.
 */
#ifndef SOU_SEARCH_H
#define SOU_SEARCH_H

#include <jansson.h>

/* Error codes with the HTTP status each maps to, defined once. */
#define SOU_ERROR_LIST(X)                                                   \
    X(SOU_OK, 200, "ok")                                                    \
    X(SOU_EBADREQUEST, 400, "bad request")      /* bad query or option */   \
    X(SOU_ENOTFOUND, 404, "not found")          /* no such document */      \
    X(SOU_ETOOLARGE, 413, "request too large")                              \
    X(SOU_EUNAVAILABLE, 503, "index unavailable") /* cannot open the index */ \
    X(SOU_EINTERNAL, 500, "internal error")

typedef enum {
#define SOU_ERROR_ENUM(name, http, msg) name,
    SOU_ERROR_LIST(SOU_ERROR_ENUM)
#undef SOU_ERROR_ENUM
} sou_error_code;

typedef struct {
    sou_error_code code;
    char message[256]; /* says what was wrong and where, e.g. "option \"limit\": must be 1..100" */
} sou_error;

/* HTTP status for code (200, 400, 404, 413, 503, 500). */
int sou_error_http_status(sou_error_code code);

/* Fill err (may be NULL) with code and a printf-style message; returns code. */
sou_error_code sou_error_set(sou_error *err, sou_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* {"error": {"code": <http status>, "message": ...}}; new reference (NULL on OOM). */
json_t *sou_error_json(const sou_error *err);

typedef struct sou_searcher sou_searcher;

/* Open the index at db_path read-only.  NULL with SOU_EUNAVAILABLE and the
 * path and reason in err when it cannot be opened.  Caller frees with
 * sou_searcher_free. */
sou_searcher *sou_searcher_open(const char *db_path, sou_error *err);
void sou_searcher_free(sou_searcher *s);

/* Make the latest commit of the index visible (cheap when nothing changed;
 * call before each request).  Returns 1 if a new revision became visible,
 * 0 if not, -1 with err filled on failure. */
int sou_searcher_refresh(sou_searcher *s, sou_error *err);

/* Answer a search.  options is borrowed.  Returns a new reference to the
 * answer object, or NULL with err filled (SOU_EBADREQUEST for a bad query or
 * option, SOU_EUNAVAILABLE / SOU_EINTERNAL for index trouble). */
json_t *sou_search(sou_searcher *s, const json_t *options, sou_error *err);

/* Longest title + body that sou_get_document highlights (bytes). */
#define SOU_DOC_HIGHLIGHT_MAX (1u << 20)

/* One whole document by id: {"id", "title", "body", "url", "date", ...every
 * stored field}; when q is non-NULL and non-empty also "title_html" and
 * "body_html" with the query's matches <mark>ed (HTML-escaped, whole text, no
 * cutting).  New reference, or NULL with SOU_ENOTFOUND, SOU_ETOOLARGE (q
 * given and the text is over SOU_DOC_HIGHLIGHT_MAX) or other errors. */
json_t *sou_get_document(sou_searcher *s, const char *id, const char *q, sou_error *err);

/* For tests (fault injection): fn(ctx) runs inside sou_search between the
 * matching and the reading of the hits, where an indexer's commits can make
 * the revision being read vanish; when it returns non-zero the search acts
 * as if Xapian had thrown DatabaseModifiedError there.  NULL removes it. */
void sou_searcher_set_match_hook(sou_searcher *s, int (*fn)(void *ctx), void *ctx);

/* {"documents": N, "revision": R, "db": path}; new reference. */
json_t *sou_searcher_info(sou_searcher *s, sou_error *err);

#endif /* SOU_SEARCH_H */
