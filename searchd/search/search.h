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
 *              "passage_offset": where the best passage starts in the body, in characters
 *                              (the page opens the document there),
 *              ...every other stored string field of the document (e.g. "category")}]}
 *
 * Errors are {"error": {"code": <http status>, "reason": "bad_date", "message": "...",
 * "param": "q", "value": "date:2025-13", "at": [3, 15]}} built by sou_error_json(): the
 * code says which HTTP status fits, the reason what went wrong (SOU_REASON_LIST), and
 * param/value/at, when present, which part of the request is wrong.
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

/* Why a request failed, for programs: a stable lower-case word in every
 * error answer ("reason"), so that a client can explain the failure in its
 * own language (the search page does, in Chinese) while "message" stays
 * English for people reading logs.  Each reason implies its code.  The
 * generic ones (bad_request ... internal) are what an error set with
 * sou_error_set() reports. */
#define SOU_REASON_LIST(X)                                                                    \
    X(SOU_R_NONE, "", SOU_OK)                                                                 \
    X(SOU_R_BAD_REQUEST, "bad_request", SOU_EBADREQUEST)   /* any other bad request */        \
    X(SOU_R_NOT_FOUND, "not_found", SOU_ENOTFOUND)          /* no such document or path */     \
    X(SOU_R_TOO_LARGE, "too_large", SOU_ETOOLARGE)          /* request over a size limit */    \
    X(SOU_R_UNAVAILABLE, "unavailable", SOU_EUNAVAILABLE)   /* index cannot be read, busy */   \
    X(SOU_R_INTERNAL, "internal", SOU_EINTERNAL)                                              \
    X(SOU_R_UNKNOWN_OPTION, "unknown_option", SOU_EBADREQUEST) /* param: the option */         \
    X(SOU_R_MISSING_OPTION, "missing_option", SOU_EBADREQUEST) /* param: the option */         \
    X(SOU_R_BAD_OPTION, "bad_option", SOU_EBADREQUEST)     /* wrong type or out of range */   \
    X(SOU_R_EMPTY_QUERY, "empty_query", SOU_EBADREQUEST)                                      \
    X(SOU_R_QUERY_TOO_LONG, "query_too_long", SOU_EBADREQUEST)                                \
    X(SOU_R_BAD_UTF8, "bad_utf8", SOU_EBADREQUEST)                                            \
    X(SOU_R_BAD_DATE, "bad_date", SOU_EBADREQUEST)         /* not a date, or no such day */   \
    X(SOU_R_BAD_DATE_RANGE, "bad_date_range", SOU_EBADREQUEST) /* start after end */          \
    X(SOU_R_BAD_SYNTAX, "bad_syntax", SOU_EBADREQUEST)     /* title: without a word, ... */   \
    X(SOU_R_NOTHING_SEARCHABLE, "nothing_searchable", SOU_EBADREQUEST) /* only punctuation */ \
    X(SOU_R_UNKNOWN_FIELD, "unknown_field", SOU_EBADREQUEST) /* facet/filter not in index */  \
    X(SOU_R_BAD_FILTER, "bad_filter", SOU_EBADREQUEST)     /* not FIELD:VALUE */              \
    X(SOU_R_BAD_ID, "bad_id", SOU_EBADREQUEST)             /* empty, too long, not UTF-8 */   \
    X(SOU_R_TOO_COMMON, "too_common", SOU_EBADREQUEST)     /* -word in too many articles */   \
    X(SOU_R_TOO_COMPLEX, "too_complex", SOU_EBADREQUEST)   /* over a query cost limit */      \
    X(SOU_R_BAD_JSON, "bad_json", SOU_EBADREQUEST)         /* line protocol options */        \
    X(SOU_R_UNKNOWN_COMMAND, "unknown_command", SOU_EBADREQUEST)                              \
    X(SOU_R_METHOD_NOT_ALLOWED, "method_not_allowed", SOU_EBADREQUEST) /* HTTP answers 405 */   \
    X(SOU_R_OVERLOADED, "overloaded", SOU_EUNAVAILABLE)    /* too many requests queued */     \
    X(SOU_R_SHUTTING_DOWN, "shutting_down", SOU_EUNAVAILABLE)

typedef enum {
#define SOU_REASON_ENUM(name, word, code) name,
    SOU_REASON_LIST(SOU_REASON_ENUM)
#undef SOU_REASON_ENUM
} sou_reason;

/* A failure, in a caller-supplied struct that never allocates.  A struct
 * initialised to zeros is "no error"; every setter below fills it whole. */
typedef struct {
    sou_error_code code;
    char message[256]; /* says what was wrong and where, e.g. "option \"limit\": must be 1..100" */
    sou_reason reason; /* SOU_R_NONE: the generic reason of code */
    char param[32];    /* the option or parameter at fault ("q", "date_from"), or "" */
    char value[128];   /* the offending text as it was given (cut at a character boundary), or "" */
    unsigned at, at_len; /* where value lies in param's text, in characters; at_len 0: not known */
} sou_error;

/* HTTP status for code (200, 400, 404, 413, 503, 500). */
int sou_error_http_status(sou_error_code code);

/* Fill err (may be NULL) with code and a printf-style message; the reason
 * is code's generic one and there is no location.  Returns code. */
sou_error_code sou_error_set(sou_error *err, sou_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same with a specific reason (its code follows from it).  Returns the code. */
sou_error_code sou_error_fail(sou_error *err, sou_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Say where the error lies: the parameter, the offending text value[0..len)
 * (copied, cut to fit at a character boundary) and, when at_len > 0, its
 * character range [at, at + at_len) inside the parameter's text.  param
 * and value may be NULL.  Call after sou_error_set / sou_error_fail. */
void sou_error_where(sou_error *err, const char *param, const char *value, size_t len, unsigned at,
                     unsigned at_len);

/* The reason's word ("bad_date"); the generic word of err's code when no
 * reason was given.  Static storage. */
const char *sou_error_reason_word(const sou_error *err);

/* {"error": {"code": <http status>, "reason": "...", "message": ...,
 *            "param"?: .., "value"?: .., "at"?: [start, end]}}
 * ("at": character offsets in the parameter's text, end exclusive); new
 * reference (NULL on OOM). */
json_t *sou_error_json(const sou_error *err);

typedef struct sou_searcher sou_searcher;

/* The lexicon files (segment.h) every searcher of this process segments
 * queries with: a ':'-separated list of paths, read once, at the first
 * sou_searcher_open (so call this before).  Unset: $SOU_LEXICON, else the
 * built-in default (jieba's dictionary from Debian's python3-jieba, then
 * sou's own words).  Returns -1 if the list is too long (4 KiB). */
int sou_search_set_lexicon(const char *paths);

/* The process-wide lexicon (loaded at the first call; borrowed, lives until
 * exit), or NULL with SOU_EUNAVAILABLE and the file and line in err. */
struct sou_lexicon;
const struct sou_lexicon *sou_search_lexicon(sou_error *err);

/* The candidate values long-lived searchers hold in memory, one copy a
 * revision for all of them (sou_shard_options.keep_values): value 3, the near-copy signature and the
 * title, about 230 bytes a passage: 18 MB for cmrc2018 + xwlb's 77,982, 5 MB
 * for the laws' 22,706 passages. */
#define SOU_KEEP_VALUES_MAX ((size_t)64 << 20)

/* How a searcher opens its index, and treats the shards of a sharded index
 * (a stub: see shards.h); sou_shard_options_init sets the defaults. */
typedef struct {
    unsigned timeout_ms;         /* a remote shard that owes an answer this long is left out */
    unsigned connect_timeout_ms; /* connecting to a remote shard */
    unsigned retry_ms;           /* a shard that failed is tried again after this long */
    unsigned refresh_ms;         /* remote shards reconnect this often to see new commits */
    unsigned replica_seed;       /* which replica of each shard to use first (spreads load) */
    /* Called when a shard goes down or comes back (warn = 1 for down); may
     * be NULL.  The library never logs by itself. */
    void (*notify)(int warn, const char *msg, void *ctx);
    void *notify_ctx;
    /* One database, not sharded: hold every candidate's value in memory if
     * they take at most this many bytes (read again at each new revision,
     * so a page's candidates cost no B-tree lookups: -6% of a cmrc2018
     * question's CPU, docs/ranking.md).  0 (the default) reads them as
     * needed: what a one-shot search (sou --db) wants. */
    size_t keep_values;
} sou_shard_options;

void sou_shard_options_init(sou_shard_options *o);

/* Open the index at db_path read-only: a database, or a stub listing the
 * shards of a sharded index (a stub file, or a directory holding XAPIANDB).
 * NULL with SOU_EUNAVAILABLE and the path and reason in err when it (or the
 * lexicon) cannot be opened (for a sharded index: when the stub cannot be
 * read; shards that are down are only left out).  opt may be NULL (defaults).  Caller frees
 * with sou_searcher_free. */
sou_searcher *sou_searcher_open_with(const char *db_path, const sou_shard_options *opt, sou_error *err);

/* sou_searcher_open_with(db_path, NULL, err). */
sou_searcher *sou_searcher_open(const char *db_path, sou_error *err);
void sou_searcher_free(sou_searcher *s);

/* Make the latest commit of the index visible (cheap when nothing changed;
 * call before each request).  Returns 1 if a new revision became visible,
 * 0 if not, -1 with err filled on failure. */
int sou_searcher_refresh(sou_searcher *s, sou_error *err);

/* Answer a search.  options is borrowed.  Returns a new reference to the
 * answer object, or NULL with err filled (SOU_EBADREQUEST for a bad query or
 * option, SOU_EUNAVAILABLE / SOU_EINTERNAL for index trouble).  Over a
 * sharded index the answer also has "shards": {"total": N, "answered": K,
 * "failed": ["HOST:PORT" or path, ...]} and "partial": K < N; it fails
 * (SOU_EUNAVAILABLE) only when no shard answers. */
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

/* Completions as you type (suggest.h): options {"q": the prefix typed (""
 * for the index's example queries), "limit": 1..20 (8)}.  Answer {"q": q,
 * "suggestions": ["劳动合同法", ...]}, drawn from the titles, most articles
 * first.  New reference, or NULL with err (SOU_EBADREQUEST for bad options). */
json_t *sou_suggest(sou_searcher *s, const json_t *options, sou_error *err);

/* {"documents": N, "revision": R, "db": path, "fields": the index's facets
 * and labels (as GET /fields)}; new reference.  For a sharded index, after checking every shard (a round trip to each remote
 * one, and a reconnection attempt to each that is down): "revision": null,
 * "status": "ok" | "degraded" (some shards down) | "unavailable" (all
 * down), and "shards": [{"shard", "name", "status": "up" | "down",
 * "address", "documents", "error", ...}, ...] (see shards.h). */
json_t *sou_searcher_info(sou_searcher *s, sou_error *err);

#endif /* SOU_SEARCH_H */
