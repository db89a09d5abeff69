/*
 * sou_xapian.h: the pure-C face of Xapian for sou.
 *
 * Xapian is C++; the rest of sou is C.  This header is the only place the two
 * meet: opaque handles, plain C types, and a status code plus a caller-supplied
 * error struct on every call that can fail.  No C++ exception ever crosses
 * into C: every implementation body catches the whole ladder (specific
 * Xapian::*Error, Xapian::Error, std::bad_alloc, std::exception, ...) and maps
 * it to an sx_status in one place.
 *
 * Ownership, everywhere in this API:
 *   - sx_*_new / sx_*_open / constructors return an object the caller owns and
 *     frees with the matching sx_*_free / sx_db_close.  Free functions accept NULL.
 *   - Functions that take other handles (sx_query_combine, sx_enquire_set_query,
 *     sx_db_replace_by_term, ...) only borrow them: they copy what they need and
 *     the caller still frees its arguments.
 *   - Strings returned through char ** out-parameters are malloc()ed; the
 *     caller free()s them.  Strings returned as const char * are borrowed and
 *     live as long as the object they came from (documented per function).
 *   - The sx_error struct is fixed-size and never allocates; pass NULL if the
 *     message is not wanted.  On success it is left untouched.
 *
 * Thread safety follows Xapian: one handle per thread; distinct handles on the
 * same database may be used from different threads at once.
 */
#ifndef SOU_XAPIAN_H
#define SOU_XAPIAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes, with their default messages, defined once. */
#define SX_STATUS_LIST(X)                                                       \
    X(SX_OK, "success")                                                         \
    X(SX_ERR_NOT_FOUND, "not found")              /* no database there, no such document */ \
    X(SX_ERR_LOCKED, "database is locked")        /* another writer holds it */ \
    X(SX_ERR_CORRUPT, "database is corrupt")                                    \
    X(SX_ERR_MODIFIED, "database was modified")   /* reopen and retry */        \
    X(SX_ERR_VERSION, "database format not supported")                         \
    X(SX_ERR_INVALID_ARG, "invalid argument")                                   \
    X(SX_ERR_QUERY, "invalid query")                                            \
    X(SX_ERR_NO_MEMORY, "out of memory")                                        \
    X(SX_ERR_IO, "database I/O error")                                          \
    X(SX_ERR_NETWORK, "network error")            /* a remote database is unreachable or hung up */ \
    X(SX_ERR_TIMEOUT, "timed out")                /* a remote database did not answer in time */ \
    X(SX_ERR_XAPIAN, "Xapian error")              /* any other Xapian::Error */ \
    X(SX_ERR_UNKNOWN, "unknown C++ exception")

typedef enum {
#define SX_STATUS_ENUM(name, msg) name,
    SX_STATUS_LIST(SX_STATUS_ENUM)
#undef SX_STATUS_ENUM
} sx_status;

typedef struct {
    sx_status status;
    char message[256]; /* human-readable, includes the Xapian error type and path */
    char context[128]; /* which remote database raised it ("remote:tcp(HOST:PORT)"), else "" */
} sx_error;

/* Default message for a status; never NULL, static storage. */
const char *sx_status_string(sx_status status);

/* ---------------------------------------------------------------- databases */

typedef struct sx_db sx_db;

typedef enum {
    SX_DB_OPEN,                /* open an existing database; SX_ERR_NOT_FOUND if missing */
    SX_DB_CREATE,              /* create; fail if it exists */
    SX_DB_CREATE_OR_OPEN,      /* open, creating it if missing */
    SX_DB_CREATE_OR_OVERWRITE  /* create, replacing any existing database */
} sx_db_mode;

/* Open a writable database at path.  SX_ERR_LOCKED if another writer has it.
 * On success *out is owned by the caller (sx_db_close). */
sx_status sx_db_open_writable(const char *path, sx_db_mode mode, sx_db **out, sx_error *err);

/* Open a read-only database at path.  SX_ERR_NOT_FOUND if there is none. */
sx_status sx_db_open_readonly(const char *path, sx_db **out, sx_error *err);

/* Close and free.  For a writable database this commits pending changes
 * (Xapian's destructor semantics); a failure there is swallowed, so call
 * sx_db_commit first when the outcome matters.  NULL is allowed. */
void sx_db_close(sx_db *db);

/* Writable only: commit pending changes (outside a transaction). */
sx_status sx_db_commit(sx_db *db, sx_error *err);

/* Writable only: transactions.  flushed != 0 means the commit of the
 * transaction is durable on its own (Xapian's begin_transaction(true)). */
sx_status sx_db_begin_transaction(sx_db *db, int flushed, sx_error *err);
sx_status sx_db_commit_transaction(sx_db *db, sx_error *err);
sx_status sx_db_cancel_transaction(sx_db *db, sx_error *err);

typedef struct sx_doc sx_doc;

/* Writable only: replace the document indexed by the unique term idterm
 * (e.g. "Q000_ac1c"), or add it if none has that term.  doc is borrowed and
 * must itself contain idterm (sx_doc_add_boolean_term), else SX_ERR_INVALID_ARG:
 * Xapian would otherwise add a copy that the next replace cannot find.
 * *docid_out (may be NULL) receives the document id. */
sx_status sx_db_replace_by_term(sx_db *db, const char *idterm, const sx_doc *doc,
                                unsigned *docid_out, sx_error *err);

/* Writable only: make docs[0..n) (n > 0, borrowed) the documents indexed by
 * idterm, replacing all that had it (an article stored as several passages:
 * fewer or more than before).  Every doc must contain idterm, else
 * SX_ERR_INVALID_ARG and nothing is written. */
sx_status sx_db_replace_group(sx_db *db, const char *idterm, const sx_doc *const *docs, size_t n,
                              sx_error *err);

/* Writable only: delete every document indexed by idterm.
 * *deleted (may be NULL) is set to 1 if one existed, else 0. */
sx_status sx_db_delete_by_term(sx_db *db, const char *idterm, int *deleted, sx_error *err);

/* Number of documents. */
sx_status sx_db_doccount(sx_db *db, unsigned *out, sx_error *err);

/* Revision of the database (changes at every commit). */
sx_status sx_db_revision(sx_db *db, uint64_t *out, sx_error *err);

/* Read-only: bring the handle up to the latest commit.  *changed (may be
 * NULL) is set to 1 if a newer revision is now visible. */
sx_status sx_db_reopen(sx_db *db, int *changed, sx_error *err);

/* Read-only, local, not a union: hold every value of slot in memory, read
 * again at each reopen that brings a new revision (one copy a revision,
 * shared by every handle of this process at it), as long as they take at
 * most max_bytes (else, from then on, or on a remote database, nothing is
 * held and values are read from the database as before).
 * sx_mset_documents then takes slot's values from memory: a page's
 * candidates cost no B-tree lookups.  *kept (may be NULL) is 1 when they
 * are held.  max_bytes 0 stops holding them. */
sx_status sx_db_keep_values(sx_db *db, unsigned slot, size_t max_bytes, int *kept, sx_error *err);

/* Number of documents containing term (0 if none). */
sx_status sx_db_termfreq(sx_db *db, const char *term, size_t term_len, unsigned *out, sx_error *err);

/* Number of documents with a value in slot (0 if none). */
sx_status sx_db_value_freq(sx_db *db, unsigned slot, unsigned *out, sx_error *err);

/* The numbers of documents holding each of terms[0..n) (lengths lens[i])
 * into out[0..n), counted over the whole database (every shard of a
 * union).  Over remote shards this is one query's statistics exchange (two
 * round trips, the shards in parallel), not a round trip per term and shard. */
sx_status sx_db_termfreqs(sx_db *db, const char *const *terms, const size_t *lens, size_t n, unsigned *out,
                          sx_error *err);

/* Document id of the document indexed by the unique term idterm.
 * SX_ERR_NOT_FOUND if there is none. */
sx_status sx_db_find_by_term(sx_db *db, const char *idterm, unsigned *docid, sx_error *err);

/* Fetch document docid; *out is owned by the caller (sx_doc_free).
 * SX_ERR_NOT_FOUND if there is no such document. */
sx_status sx_db_get_document(sx_db *db, unsigned docid, sx_doc **out, sx_error *err);

/* Positions of term in document docid, ascending.  *positions is malloc()ed
 * (caller frees; NULL when *count is 0).  A term without positions gives 0. */
sx_status sx_db_positions(sx_db *db, unsigned docid, const char *term, size_t term_len,
                          uint32_t **positions, size_t *count, sx_error *err);

/* Visit the terms of document docid in sorted order; fn returns non-zero to
 * stop.  term is borrowed for the call only (not NUL-terminated: use len). */
typedef int (*sx_term_fn)(const char *term, size_t len, unsigned wdf, void *ctx);
sx_status sx_db_each_term(sx_db *db, unsigned docid, sx_term_fn fn, void *ctx, sx_error *err);

/* Visit the terms of the whole database that start with prefix[0..len), in
 * sorted order, with their term frequency (documents holding them), at
 * most max of them (0: all); fn returns non-zero to stop.  term is borrowed
 * for the call. */
typedef int (*sx_term_freq_fn)(const char *term, size_t len, unsigned termfreq, void *ctx);
sx_status sx_db_each_prefixed(sx_db *db, const char *prefix, size_t len, unsigned max, sx_term_freq_fn fn,
                              void *ctx, sx_error *err);

/* Visit the documents containing term, by ascending document id; fn returns
 * non-zero to stop. */
typedef int (*sx_docid_fn)(unsigned docid, void *ctx);
sx_status sx_db_each_posting(sx_db *db, const char *term, size_t term_len, sx_docid_fn fn, void *ctx,
                             sx_error *err);

/* The documents containing term, by ascending document id: *out malloc()ed
 * (caller frees; NULL when *n is 0), *n of them. */
sx_status sx_db_postings(sx_db *db, const char *term, size_t term_len, unsigned **out, size_t *n, sx_error *err);

/* Xapian's synonym table (written by the indexer, read by searchd: it needs
 * no re-indexing of documents to change).  Writable only: add synonym as a
 * synonym of term; remove every entry. */
sx_status sx_db_add_synonym(sx_db *db, const char *term, const char *synonym, sx_error *err);
sx_status sx_db_clear_synonyms(sx_db *db, sx_error *err);

/* Visit the synonyms of term in sorted order; fn returns non-zero to stop.
 * syn is borrowed for the call only (not NUL-terminated). */
typedef int (*sx_synonym_fn)(const char *syn, size_t len, void *ctx);
sx_status sx_db_each_synonym(sx_db *db, const char *term, size_t term_len, sx_synonym_fn fn, void *ctx,
                             sx_error *err);

/* Visit the terms that have synonyms, in sorted order. */
sx_status sx_db_each_synonym_key(sx_db *db, sx_synonym_fn fn, void *ctx, sx_error *err);

/* Number of terms that have synonyms. */
sx_status sx_db_synonym_count(sx_db *db, unsigned *keys, sx_error *err);

/* Merge the databases at src[0..n) into a new database at dest (which must
 * not exist), like xapian-compact: document ids are renumbered into one range. */
sx_status sx_db_compact(const char *const *src, size_t n, const char *dest, sx_error *err);

/* Metadata (Xapian's user metadata: key -> string, beside the documents).
 * get: *out malloc()ed and NUL-terminated ("" when the key is unset; caller
 * frees), *len (may be NULL) its length.  set: writable only; an empty value
 * removes the key; committed with the next commit. */
sx_status sx_db_get_metadata(sx_db *db, const char *key, char **out, size_t *len, sx_error *err);
sx_status sx_db_set_metadata(sx_db *db, const char *key, const char *value, sx_error *err);

/* ---------------------------------------------------------------- remote databases and shards */

/* Open the database that xapian-tcpsrv serves at host:port (Xapian's remote
 * backend), read-only, or writable (the server must run with --writable).
 * timeout_ms bounds every answer the server owes (a slow or hung server
 * then fails with SX_ERR_TIMEOUT), connect_timeout_ms the connection; 0
 * means no limit (Xapian's meaning).  Failures to connect are SX_ERR_NETWORK
 * or SX_ERR_TIMEOUT.  On success *out is owned by the caller (sx_db_close). */
sx_status sx_db_open_remote(const char *host, unsigned port, unsigned timeout_ms,
                            unsigned connect_timeout_ms, int writable, sx_db **out, sx_error *err);

/* The same over a program's stdin/stdout ("remote :PROGRAM ARGS" in a stub,
 * e.g. xapian-progsrv): Xapian runs program with args (split at spaces). */
sx_status sx_db_open_remote_program(const char *program, const char *args, unsigned timeout_ms,
                                    int writable, sx_db **out, sx_error *err);

/* A read-only handle that searches parts[0..n) as one database (Xapian's
 * multi-database: term statistics are combined, so scores are those of one
 * index holding every part's documents).  The parts are borrowed and may
 * be freed after this call, but not closed while the union is in use:
 * closing a part closes it inside the union too.  *out is owned by the
 * caller; sx_db_close on it drops the union and leaves the parts open. */
sx_status sx_db_union(sx_db *const *parts, size_t n, sx_db **out, sx_error *err);

/* A round trip to a remote database (Xapian's keep_alive), bounded by its
 * timeout: SX_OK if it answered.  Local databases always answer. */
sx_status sx_db_ping(sx_db *db, sx_error *err);

/* 1 if db (or one of its parts) is remote. */
int sx_db_is_remote(const sx_db *db);

/* 1 if err was raised by the remote database db: Xapian names the server
 * in the error's context (err->context).  0 when it cannot tell: errors such
 * as "connection closed unexpectedly" carry no context. */
int sx_error_is_from(const sx_error *err, const sx_db *db);

/* A stub database file (Xapian's format, one shard a line: "auto PATH",
 * "glass PATH", "chert PATH", "remote HOST:PORT", "remote :PROGRAM ARGS";
 * "#" starts a comment) as data.  sou adds one directive that Xapian reads
 * as a comment, so every Xapian tool still opens the stub:
 *
 *     remote a.example:7001
 *     #sou-replica b.example:7001
 *
 * names another server with a copy of the shard on the line above (a read
 * replica kept current by xapian-replicate); searchd uses it when the first
 * fails.  Relative paths are resolved against the stub's directory, as
 * Xapian does. */
typedef enum {
    SX_SHARD_LOCAL,   /* path */
    SX_SHARD_REMOTE,  /* hosts[i]:ports[i], i < naddrs (the line's own, then its replicas) */
    SX_SHARD_PROGRAM  /* program, args */
} sx_shard_kind;

typedef struct {
    sx_shard_kind kind;
    unsigned line;        /* line of the stub file (1-based), for messages */
    char *path;           /* LOCAL: the shard's path (resolved); PROGRAM: the program */
    char *args;           /* PROGRAM: its arguments ("" if none) */
    char **hosts;         /* REMOTE: naddrs host names */
    unsigned *ports;
    size_t naddrs;
    char *name;           /* for messages and /health: "remote HOST:PORT", "auto PATH", ... */
} sx_shard_spec;

typedef struct {
    char *path;           /* the stub file that was read */
    sx_shard_spec *shards;
    size_t n;
} sx_stub;

/* 1 if path is a stub database: a file that is not a single-file database,
 * or a directory holding a file XAPIANDB.  0 otherwise (a glass directory,
 * nothing there). */
int sx_stub_is_stub(const char *path);

/* Read the stub at path (the file, or the directory holding XAPIANDB).
 * *out is owned by the caller (sx_stub_free).  SX_ERR_NOT_FOUND when path
 * is not a stub; SX_ERR_INVALID_ARG, with "FILE:LINE: ..." in the message,
 * for a line Xapian would not accept, a #sou-replica line without a remote
 * line above it, or a stub that lists no shard. */
sx_status sx_stub_read(const char *path, sx_stub **out, sx_error *err);
void sx_stub_free(sx_stub *stub);


/* ---------------------------------------------------------------- documents */

/* New empty document, owned by the caller; NULL only when out of memory. */
sx_doc *sx_doc_new(void);
void sx_doc_free(sx_doc *doc);

/* Add term at position pos (wdf += 1). */
sx_status sx_doc_add_posting(sx_doc *doc, const char *term, size_t len, uint32_t pos, sx_error *err);

/* Add position pos of term without raising its wdf (a title's repeated
 * word: findable by phrase, counted once). */
sx_status sx_doc_add_position(sx_doc *doc, const char *term, size_t len, uint32_t pos, sx_error *err);

/* Add term without a position (wdf += wdf_inc). */
sx_status sx_doc_add_term(sx_doc *doc, const char *term, size_t len, unsigned wdf_inc, sx_error *err);

/* Add a boolean (filter) term: no wdf, no effect on document length. */
sx_status sx_doc_add_boolean_term(sx_doc *doc, const char *term, size_t len, sx_error *err);

/* Set value slot (used for sorting and range filters). */
sx_status sx_doc_set_value(sx_doc *doc, unsigned slot, const char *value, size_t len, sx_error *err);

/* Set the document data blob (sou stores JSON there). */
sx_status sx_doc_set_data(sx_doc *doc, const char *data, size_t len, sx_error *err);

/* Data blob: *out malloc()ed, NUL-terminated, caller frees; *len its length.
 * A database document's data is read once and kept. */
sx_status sx_doc_get_data(const sx_doc *doc, char **out, size_t *len, sx_error *err);

/* Value in slot: *out malloc()ed, NUL-terminated (empty if unset), caller frees. */
sx_status sx_doc_get_value(const sx_doc *doc, unsigned slot, char **out, size_t *len, sx_error *err);

/* Remove all terms, postings, values and data (reuse one sx_doc per document). */
void sx_doc_clear(sx_doc *doc);

/* ---------------------------------------------------------------- queries */

typedef struct sx_query sx_query;

typedef enum {
    SX_OP_AND,
    SX_OP_OR,
    SX_OP_AND_NOT,   /* first subquery AND NOT any of the others */
    SX_OP_AND_MAYBE, /* first subquery; the others only add weight */
    SX_OP_FILTER,    /* first subquery, restricted to docs matching the others (no weight) */
    SX_OP_PHRASE,    /* subqueries in order within window positions (0 = exact) */
    SX_OP_NEAR,      /* subqueries in any order within window positions */
    SX_OP_ELITE_SET, /* OR of the window (0 = default 10) best-weighted subqueries */
    SX_OP_SYNONYM    /* weighted as if one term */
} sx_query_op;

/* A term query: term[0..len), within-query frequency wqf (1 if 0), query
 * position pos (0 if unknown).  Returns NULL and fills err on failure. */
sx_query *sx_query_term(const char *term, size_t len, unsigned wqf, unsigned pos, sx_error *err);

/* Combine subqueries (borrowed) with op.  window: see sx_query_op. */
sx_query *sx_query_combine(sx_query_op op, const sx_query *const *subs, size_t n,
                           unsigned window, sx_error *err);

/* sub (borrowed) with its weight multiplied by factor (>= 0). */
sx_query *sx_query_scale(const sx_query *sub, double factor, sx_error *err);

/* Documents whose value in slot lies in [lo, hi] (string order); either bound
 * may be NULL for open-ended.  Matches without weight. */
sx_query *sx_query_value_range(unsigned slot, const char *lo, const char *hi, sx_error *err);

/* Every term that starts with prefix[0..len) (the prefix itself included),
 * weighted as one term (SYNONYM).  Expansion happens when the query runs;
 * max_expansion (0 = no limit) keeps only that many of the most frequent
 * terms, so a very common prefix stays cheap at the cost of documents that
 * hold only its rarest extensions. */
sx_query *sx_query_prefix(const char *prefix, size_t len, unsigned max_expansion, sx_error *err);

/* The same expanded now, in db (borrowed): the terms of db that start with
 * prefix, the max_expansion (0 = all) with the most documents (ties: term
 * order), as one SYNONYM.  Over a union of shards the expansion and its
 * statistics are the whole index's, so the scores equal one index's; the
 * deferred expansion above happens inside each shard (on each server for
 * remote ones), and its weights depend on how the documents are split.
 * Matches nothing when no term starts with prefix. */
sx_query *sx_query_prefix_in(sx_db *db, const char *prefix, size_t len, unsigned max_expansion,
                             sx_error *err);

/* Every document / no document. */
sx_query *sx_query_match_all(sx_error *err);
sx_query *sx_query_match_nothing(sx_error *err);
/* Every document, each with the same weight (Xapian's FixedWeightPostingSource):
 * combined with FILTER / AND_NOT, a fixed bonus for a class of documents. */
sx_query *sx_query_fixed_weight(double weight, sx_error *err);

/* 1 if the query matches nothing by construction. */
int sx_query_empty(const sx_query *q);

/* Xapian's description of the query, malloc()ed (caller frees); NULL on OOM. */
char *sx_query_describe(const sx_query *q);

void sx_query_free(sx_query *q);

/* ---------------------------------------------------------------- enquire */

typedef struct sx_enquire sx_enquire;
typedef struct sx_mset sx_mset;

/* An enquire session over db (borrowed: db must outlive it).  Owned by the
 * caller (sx_enquire_free).  NULL and err filled on failure. */
sx_enquire *sx_enquire_new(sx_db *db, sx_error *err);
void sx_enquire_free(sx_enquire *e);

/* Set the query (borrowed; copied). */
sx_status sx_enquire_set_query(sx_enquire *e, const sx_query *q, sx_error *err);

/* BM25 parameters (Xapian's BM25Weight: k1, k2, k3, b, min_normlen). */
sx_status sx_enquire_set_bm25(sx_enquire *e, double k1, double k2, double k3, double b,
                              double min_normlen, sx_error *err);

/* Sort by relevance (the default). */
sx_status sx_enquire_sort_by_relevance(sx_enquire *e, sx_error *err);

/* Sort by relevance, equal weights by value slot (ascending): an order
 * that does not depend on document ids (a sharded index numbers them
 * otherwise than one database). */
sx_status sx_enquire_sort_by_relevance_then_value(sx_enquire *e, unsigned slot, sx_error *err);

/* Sort by value slot, ties by relevance.  descending != 0: largest first. */
sx_status sx_enquire_sort_by_value(sx_enquire *e, unsigned slot, int descending, sx_error *err);

/* "More like these": the terms that best tell the documents docids[0..n)
 * apart from the rest of the database (Xapian's ESet over an RSet of them),
 * best first, at most max of them; keep (may be NULL) decides which terms
 * may be chosen (return 1 to allow).  fn gets each chosen term (borrowed
 * for the call) and its expand weight. */
typedef int (*sx_term_keep_fn)(const char *term, size_t len, void *ctx);
typedef void (*sx_term_weight_fn)(const char *term, size_t len, double weight, void *ctx);
sx_status sx_enquire_expand(sx_enquire *e, const unsigned *docids, size_t n, unsigned max, sx_term_keep_fn keep,
                            sx_term_weight_fn fn, void *ctx, sx_error *err);

/* Boolean weighting: every match weighs 0 (for runs that only count). */
sx_status sx_enquire_set_bool_weight(sx_enquire *e, sx_error *err);

/* Counting the values of a slot over every match of a run (Xapian's
 * ValueCountMatchSpy, which also works over the remote backend).  The spy
 * is owned by the caller (sx_spy_free) and must outlive the runs of every
 * enquire it was added to; it counts the documents of every run it sees,
 * so pass sx_enquire_run a check_at_least of at least the number of
 * documents for every match to be counted. */
typedef struct sx_spy sx_spy;
sx_spy *sx_spy_new(unsigned slot, sx_error *err);
void sx_spy_free(sx_spy *spy);
sx_status sx_enquire_add_spy(sx_enquire *e, sx_spy *spy, sx_error *err);

/* Documents the spy saw (with a value in its slot or not). */
unsigned sx_spy_total(const sx_spy *spy);

/* Visit every value seen and its number of documents, in ascending byte
 * order of the values; fn returns non-zero to stop.  value is borrowed for
 * the call. */
typedef int (*sx_value_count_fn)(const char *value, size_t len, unsigned count, void *ctx);
sx_status sx_spy_each(const sx_spy *spy, sx_value_count_fn fn, void *ctx, sx_error *err);

/* Stop matching after seconds of CPU-bound work (0 = no limit): the answer
 * then holds the best hits found so far and an inexact total.  Xapian checks
 * the clock between postings, so one very long posting list can overrun it:
 * a backstop, not a hard limit. */
sx_status sx_enquire_set_time_limit(sx_enquire *e, double seconds, sx_error *err);

/* Keep at most max hits with the same value in slot (Xapian's collapse key):
 * documents with an empty value are never collapsed. */
sx_status sx_enquire_set_collapse(sx_enquire *e, unsigned slot, unsigned max, sx_error *err);

/* Run the query: hits [offset, offset+limit).  check_at_least: see Xapian
 * (0 = default; counts at least that many for an exact total).  *out is
 * owned by the caller (sx_mset_free). */
sx_status sx_enquire_run(sx_enquire *e, unsigned offset, unsigned limit, unsigned check_at_least,
                         sx_mset **out, sx_error *err);

/* ---------------------------------------------------------------- results */

unsigned sx_mset_size(const sx_mset *m);
unsigned sx_mset_estimated(const sx_mset *m);   /* estimated total matches */
unsigned sx_mset_lower_bound(const sx_mset *m); /* lower == upper means exact */
unsigned sx_mset_upper_bound(const sx_mset *m);
unsigned sx_mset_docid(const sx_mset *m, unsigned i);
double sx_mset_weight(const sx_mset *m, unsigned i);
/* Documents that contain term, from the statistics of the match when term
 * was in the query (no extra look-up, also over shards), else from the
 * database.  *out = 0 for a term in no document. */
sx_status sx_mset_termfreq(const sx_mset *m, const char *term, size_t len, unsigned *out, sx_error *err);

/* Documents collapsed into hit i (sx_enquire_set_collapse); 0 without. */
unsigned sx_mset_collapse_count(const sx_mset *m, unsigned i);
/* Collapse key of hit i, malloc()ed and NUL-terminated (caller frees); its
 * length in *len. */
sx_status sx_mset_collapse_key(const sx_mset *m, unsigned i, char **out, size_t *len, sx_error *err);

/* Document of hit i, owned by the caller (sx_doc_free). */
sx_status sx_mset_document(const sx_mset *m, unsigned i, sx_doc **out, sx_error *err);

/* The documents of hits [0, n) in one go (n at most sx_mset_size(m)):
 * docs[0..n) receive new documents owned by the caller (sx_doc_free each;
 * all NULL on failure).
 * Asks Xapian to prefetch them all first (MSet::fetch: glass reads ahead;
 * Xapian 1.5's remote backend pipelines the requests), and when the hits lie
 * in several remote shards reads each shard's from its own thread, so a
 * page costs about one round trip per hit of the busiest shard rather than
 * one per hit (Xapian 1.4's remote backend asks for documents one at a time).
 * The values in slots[0..nslots) of each are read now and kept, so that
 * reading them later does not touch the database (an indexer's commit can
 * then fail only the matching and this call); the data is read by
 * sx_docs_read or the first sx_doc_get_data, and kept. */
sx_status sx_mset_documents(const sx_mset *m, unsigned n, const unsigned *slots, size_t nslots,
                            sx_doc **docs, sx_error *err);

/* Read the data and the values in slots[0..nslots) of docs[0..n) (NULL
 * entries skipped) now, and keep them: what a page shows, read together
 * right after the matching rather than each between the highlighting of
 * others. */
sx_status sx_docs_read(sx_doc *const *docs, size_t n, const unsigned *slots, size_t nslots, sx_error *err);

void sx_mset_free(sx_mset *m);

#ifdef __cplusplus
}
#endif

#endif /* SOU_XAPIAN_H */
