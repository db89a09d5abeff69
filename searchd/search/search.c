/* search.c: the searcher: options, the query, the ranking run and the
 * answer JSON (the contract is search.h; the ranking is query_build.h). */
#include "search.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audience.h"
#include "db_error.h"
#include "facet_search.h"
#include "group.h"
#include "highlight.h"
#include "nearcopy.h"
#include "query_build.h"
#include "query_parse.h"
#include "related.h"
#include "suggest.h"
#include "schema.h"
#include "shards.h"
#include "sou_xapian.h"
#include "strbuf.h"
#include "stored.h"
#include "utf8.h"

#define SOU_ID_TERM_MAX 256 /* Q + an id of at most 240 bytes */

struct sou_searcher {
    sou_shards *shards; /* the database, or the shards of a sharded index */
    char *path;
    sou_rank_params rank;
    const sou_lexicon *lex; /* borrowed: the process-wide lexicon */
    sx_db *synonyms;        /* a sharded index's synonym database (schema.h), or NULL: in the db */
    json_t *syn_table;      /* the synonym table as of the last open or reopen (sou_synonym_table) */
    int scoped;             /* the index has places' regulations (schema.h XS), as of then too */
    sou_fields fields;      /* the index's facets and labels (its metadata), as of the last reopen */
    json_t *examples;       /* the example queries of this revision (sou_suggest), or NULL */
    sou_tf_memo *memo;      /* term frequencies of earlier queries (tf_memo.h); NULL for a sharded
                             * index, whose answering shards, and so its statistics, can change
                             * between two queries of one revision */
    int (*match_hook)(void *ctx); /* tests: runs between matching and reading the hits */
    void *match_hook_ctx;
};

/* Attempts at one answer while the index keeps changing underneath (each
 * after a reopen): an indexer commits every --batch documents, and Xapian
 * keeps only the last two revisions readable. */
#define SEARCH_MAX_ATTEMPTS 8

/* ------------------------------------------------------------ the lexicon */

int sou_search_set_lexicon(const char *paths)
{
    return sou_lexicon_set_paths(paths);
}

const sou_lexicon *sou_search_lexicon(sou_error *err)
{
    char msg[600];
    const sou_lexicon *lex = sou_lexicon_shared(msg, sizeof msg);
    if (!lex)
        sou_error_set(err, SOU_EUNAVAILABLE, "%s", msg);
    return lex;
}

/* The options a request may carry (search.h). */
typedef struct {
    const char *q;
    size_t q_len;
    unsigned limit, offset, passages, passage_chars, facet_limit;
    enum { SORT_RELEVANCE, SORT_DATE, SORT_DATE_ASC } sort;
    char date_from[9], date_to[9];
    const json_t *facets, *filter; /* borrowed: read by sou_facet_request_parse */
    int group;                     /* "collapse": near-copies shown as one hit (group.h) */
} search_opts;

static const char *const SORT_NAMES[] = {"relevance", "date", "date_asc"};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------ lifecycle */

/* The index's facets and labels from its metadata (fields.h; a sharded
 * index's first shard up holds the same as every other).  0, or -1 with
 * err when they cannot be read; with no shard up they stay as they were. */
static int load_fields(sou_searcher *s, sou_error *err)
{
    sx_error xe = {0};
    sou_error ignored;
    char *text = NULL, why[256];
    size_t len = 0;
    sx_db *db = sou_shards_db(s->shards, &ignored);
    if (!db)
        return 0;
    if (sx_db_get_metadata(db, SOU_FIELDS_KEY, &text, &len, &xe) != SX_OK) {
        sou_error_from_db(err, &xe, "reading the index's fields");
        return -1;
    }
    int rc = sou_fields_parse(&s->fields, text, len, why, sizeof why);
    free(text);
    if (rc < 0)
        sou_error_set(err, SOU_EUNAVAILABLE, "%s: %s", s->path, why);
    return rc;
}

/* What the query side reads once per revision: the synonym table
 * (sou_synonym_table: from the database beside a stub, or the index's own)
 * and whether the index has places' regulations. */
static int load_synonyms(sou_searcher *s, sou_error *err)
{
    sx_error xe = {0};
    sx_db *db = s->synonyms ? s->synonyms : sou_shards_db(s->shards, NULL);
    json_t *t = db ? sou_synonym_table(db, &xe) : json_object();
    if (!t) {
        sou_error_from_db(err, &xe, "reading the synonyms");
        return -1;
    }
    json_decref(s->syn_table);
    s->syn_table = t;
    unsigned scoped = 0;
    sx_db *idx = sou_shards_db(s->shards, NULL);
    if (idx && sx_db_termfreq(idx, SOU_PREFIX_SCOPE, strlen(SOU_PREFIX_SCOPE), &scoped, &xe) != SX_OK)
        scoped = 1; /* unknown (a shard is down): rank by place, as if there were some */
    s->scoped = scoped > 0;
    return 0;
}

sou_searcher *sou_searcher_open_with(const char *db_path, const sou_shard_options *opt, sou_error *err)
{
    sou_searcher *s = NULL;
    if (!db_path || !*db_path) {
        sou_error_set(err, SOU_EUNAVAILABLE, "no index path given");
        return NULL;
    }
    s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(db_path))) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory opening %s", db_path);
        goto fail;
    }
    sou_rank_params_init(&s->rank);
    if (!(s->lex = sou_search_lexicon(err)))
        goto fail;
    if (sou_fields_init(&s->fields) < 0) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory opening %s", db_path);
        goto fail;
    }
    if (!(s->shards = sou_shards_open(db_path, opt, err)) || load_fields(s, err) < 0)
        goto fail;
    char where[4096];
    if (sou_shards_sharded(s->shards) && sou_schema_synonyms_path(db_path, where, sizeof where) &&
        access(where, F_OK) == 0)
        sx_db_open_readonly(where, &s->synonyms, NULL); /* without it: no synonyms, still searching */
    if (load_synonyms(s, err) < 0)
        goto fail;
    if (!sou_shards_sharded(s->shards))
        s->memo = sou_tf_memo_new(); /* out of memory: every frequency is asked */
    return s;
fail:
    sou_searcher_free(s);
    return NULL;
}

sou_searcher *sou_searcher_open(const char *db_path, sou_error *err)
{
    return sou_searcher_open_with(db_path, NULL, err);
}

void sou_searcher_free(sou_searcher *s)
{
    if (!s)
        return;
    sou_shards_free(s->shards);
    sx_db_close(s->synonyms);
    json_decref(s->syn_table);
    sou_fields_destroy(&s->fields);
    json_decref(s->examples);
    sou_tf_memo_free(s->memo);
    free(s->path);
    free(s);
}

void sou_searcher_set_rank(sou_searcher *s, const sou_rank_params *rp)
{
    s->rank = *rp;
}

int sou_searcher_refresh(sou_searcher *s, sou_error *err)
{
    int syn_changed = 0;
    if (s->synonyms)
        sx_db_reopen(s->synonyms, &syn_changed, NULL);
    int rc = sou_shards_refresh(s->shards, err);
    if (rc == 1) {
        json_decref(s->examples); /* another revision: other titles */
        s->examples = NULL;
        if (load_fields(s, err) < 0)
            return -1;
    }
    if ((rc == 1 || syn_changed) && load_synonyms(s, err) < 0)
        return -1;
    return rc;
}

/* A sharded index: every shard checked now, the documents of those up. */
static json_t *sharded_info(sou_searcher *s, sou_error *err)
{
    unsigned up = 0;
    json_int_t docs = 0;
    json_t *shards = sou_shards_health_json(s->shards, &up), *sd;
    size_t i;
    if (!shards) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
        return NULL;
    }
    json_array_foreach(shards, i, sd) docs += json_integer_value(json_object_get(sd, "documents"));
    json_t *j = json_pack("{s:I,s:n,s:s,s:s,s:o}", "documents", docs, "revision", "db", s->path, "status",
                          up == json_array_size(shards) ? "ok" : up ? "degraded" : "unavailable", "shards",
                          shards);
    if (j)
        json_object_set_new(j, "fields", sou_fields_info(&s->fields));
    else
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
    return j;
}

json_t *sou_searcher_info(sou_searcher *s, sou_error *err)
{
    sx_error xe = {0};
    unsigned docs = 0;
    uint64_t rev = 0;
    if (sou_shards_sharded(s->shards))
        return sharded_info(s, err);
    sx_db *db = sou_shards_db(s->shards, err);
    /* articles, not passages: the first passage of each carries SOU_TERM_ARTICLE */
    if (sx_db_termfreq(db, SOU_TERM_ARTICLE, strlen(SOU_TERM_ARTICLE), &docs, &xe) != SX_OK ||
        sx_db_revision(db, &rev, &xe) != SX_OK) {
        sou_error_from_db(err, &xe, "reading the index statistics");
        return NULL;
    }
    json_t *j = json_pack("{s:I,s:I,s:s,s:o}", "documents", (json_int_t)docs, "revision", (json_int_t)rev,
                          "db", s->path, "fields", sou_fields_info(&s->fields));
    if (!j)
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
    return j;
}

/* ------------------------------------------------------------ options */

static const char *const KNOWN_OPTIONS[] = {"q",        "limit",   "offset",        "sort",   "date_from",
                                            "date_to",  "passages", "passage_chars", "facets", "filter",
                                            "facet_limit", "collapse"};

/* An integer option: a JSON integer or a decimal string; absent or "" gives def. */
static int opt_uint(const json_t *o, const char *key, unsigned min, unsigned max, unsigned def,
                    unsigned *out, sou_error *err)
{
    const json_t *v = json_object_get(o, key);
    long long x;
    *out = def;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v)) {
        x = json_integer_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!*s)
            return 0;
        char *end;
        errno = 0;
        x = strtoll(s, &end, 10);
        if (end == s || *end || errno || !((*s >= '0' && *s <= '9') || *s == '-' || *s == '+'))
            goto bad;
    } else {
        goto bad;
    }
    if (x < (long long)min || x > (long long)max)
        goto range;
    *out = (unsigned)x;
    return 0;
bad:
    sou_error_fail(err, SOU_R_BAD_OPTION, "option \"%s\": must be an integer %u..%u", key, min, max);
    if (json_is_string(v))
        sou_error_where(err, key, json_string_value(v), json_string_length(v), 0, 0);
    else
        sou_error_where(err, key, NULL, 0, 0, 0);
    return -1;
range:
    sou_error_fail(err, SOU_R_BAD_OPTION, "option \"%s\": must be %u..%u, got %lld", key, min, max, x);
    {
        char given[32];
        snprintf(given, sizeof given, "%lld", x);
        sou_error_where(err, key, given, strlen(given), 0, 0);
    }
    return -1;
}

/* A boolean option: true/false, or "true"/"false"/"1"/"0" (HTTP); absent
 * or "" gives def. */
static int opt_bool(const json_t *o, const char *key, int def, int *out, sou_error *err)
{
    const json_t *v = json_object_get(o, key);
    *out = def;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 0;
    }
    const char *t = json_string_value(v);
    if (t && (!*t || !strcmp(t, "true") || !strcmp(t, "1") || !strcmp(t, "false") || !strcmp(t, "0"))) {
        *out = *t ? (t[0] == 't' || t[0] == '1') : def;
        return 0;
    }
    sou_error_fail(err, SOU_R_BAD_OPTION, "option \"%s\": must be true or false", key);
    sou_error_where(err, key, t, t ? strlen(t) : 0, 0, 0);
    return -1;
}

static int opt_string(const json_t *o, const char *key, const char **out, sou_error *err)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        sou_error_fail(err, SOU_R_BAD_OPTION, "option \"%s\": must be a string", key);
        sou_error_where(err, key, NULL, 0, 0, 0);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

static int parse_options(const json_t *o, search_opts *opt, sou_error *err)
{
    memset(opt, 0, sizeof *opt);
    if (!json_is_object(o)) {
        sou_error_fail(err, SOU_R_BAD_REQUEST, "options: expected a JSON object");
        return -1;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        size_t k;
        for (k = 0; k < sizeof KNOWN_OPTIONS / sizeof *KNOWN_OPTIONS; k++)
            if (strcmp(key, KNOWN_OPTIONS[k]) == 0)
                break;
        if (k == sizeof KNOWN_OPTIONS / sizeof *KNOWN_OPTIONS) {
            sou_error_fail(err, SOU_R_UNKNOWN_OPTION,
                           "option \"%.64s\": unknown (known: q, limit, offset, sort, date_from, date_to, "
                           "passages, passage_chars, facets, filter, facet_limit, collapse)",
                           key);
            sou_error_where(err, key, NULL, 0, 0, 0);
            return -1;
        }
    }
    const json_t *q = json_object_get(o, "q");
    if (!q || json_is_null(q)) {
        sou_error_fail(err, SOU_R_MISSING_OPTION, "option \"q\": missing (the query text)");
        sou_error_where(err, "q", NULL, 0, 0, 0);
        return -1;
    }
    if (!json_is_string(q)) {
        sou_error_fail(err, SOU_R_BAD_OPTION, "option \"q\": must be a string");
        sou_error_where(err, "q", NULL, 0, 0, 0);
        return -1;
    }
    opt->q = json_string_value(q);
    opt->q_len = json_string_length(q);
    if (opt_uint(o, "limit", 1, 100, 10, &opt->limit, err) < 0 ||
        opt_uint(o, "offset", 0, 10000, 0, &opt->offset, err) < 0 ||
        opt_uint(o, "passages", 0, 10, 2, &opt->passages, err) < 0 ||
        opt_uint(o, "passage_chars", 10, 1000, 100, &opt->passage_chars, err) < 0 ||
        opt_uint(o, "facet_limit", 1, SOU_FACET_LIMIT_MAX, SOU_FACET_LIMIT_DEFAULT, &opt->facet_limit, err) < 0 ||
        opt_bool(o, "collapse", 1, &opt->group, err) < 0)
        return -1;
    opt->facets = json_object_get(o, "facets");
    opt->filter = json_object_get(o, "filter");
    const char *sort, *from, *to;
    if (opt_string(o, "sort", &sort, err) < 0 || opt_string(o, "date_from", &from, err) < 0 ||
        opt_string(o, "date_to", &to, err) < 0)
        return -1;
    opt->sort = SORT_RELEVANCE;
    if (sort && *sort) {
        if (strcmp(sort, "relevance") == 0)
            opt->sort = SORT_RELEVANCE;
        else if (strcmp(sort, "date") == 0)
            opt->sort = SORT_DATE;
        else if (strcmp(sort, "date_asc") == 0)
            opt->sort = SORT_DATE_ASC;
        else {
            sou_error_fail(err, SOU_R_BAD_OPTION,
                           "option \"sort\": must be \"relevance\", \"date\" or \"date_asc\", got \"%.32s\"",
                           sort);
            sou_error_where(err, "sort", sort, strlen(sort), 0, 0);
            return -1;
        }
    }
    if (from && *from && sou_parse_date(from, strlen(from), 0, opt->date_from) < 0) {
        sou_error_fail(err, SOU_R_BAD_DATE, "option \"date_from\": expected YYYY-MM-DD, got \"%.32s\"", from);
        sou_error_where(err, "date_from", from, strlen(from), 0, 0);
        return -1;
    }
    if (to && *to && sou_parse_date(to, strlen(to), 1, opt->date_to) < 0) {
        sou_error_fail(err, SOU_R_BAD_DATE, "option \"date_to\": expected YYYY-MM-DD, got \"%.32s\"", to);
        sou_error_where(err, "date_to", to, strlen(to), 0, 0);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ answers */

static json_t *date_json(const char *ymd)
{
    if (!ymd[0])
        return json_null();
    char buf[11];
    snprintf(buf, sizeof buf, "%.4s-%.2s-%.2s", ymd, ymd + 4, ymd + 6);
    return json_string(buf);
}

static json_t *marks_json(const sou_hl_result *r)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < r->n_marks; i++) {
        /* json_pack would parse its format for every mark */
        json_t *m = json_array();
        int bad = !m || json_array_append_new(m, json_integer((json_int_t)r->marks[i][0])) < 0 ||
                  json_array_append_new(m, json_integer((json_int_t)r->marks[i][1])) < 0;
        if (bad)
            json_decref(m);
        if (bad || json_array_append_new(a, m) < 0) { /* append_new releases m when it fails */
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* ------------------------------------------------------------ stored data */

/* The stored data of doc into d (stored.h).  Returns 0, -1 when out of
 * memory, -2 when the database failed (xe filled: Xapian reads the data
 * lazily, so this is where a DatabaseModifiedError can surface). */
static int doc_fields_read(const sx_doc *doc, sou_stored_fields *d, sx_error *xe)
{
    char *data = NULL;
    size_t len = 0;
    memset(d, 0, sizeof *d);
    if (sx_doc_get_data(doc, &data, &len, xe) != SX_OK)
        return xe->status == SX_ERR_NO_MEMORY ? -1 : -2;
    int rc = sou_stored_fields_parse(data, len, d);
    free(data);
    return rc;
}

/* The stored data of doc as a JSON object (stored.h), or NULL with xe
 * filled when the database failed (status SX_ERR_NO_MEMORY when out of
 * memory). */
static json_t *doc_data(const sx_doc *doc, sx_error *xe)
{
    char *data = NULL;
    size_t len = 0;
    if (sx_doc_get_data(doc, &data, &len, xe) != SX_OK)
        return NULL;
    json_t *j = sou_stored_object(data, len);
    free(data);
    if (!j)
        xe->status = SX_ERR_NO_MEMORY;
    return j;
}

static const char *str_field(const json_t *o, const char *key, size_t *len)
{
    const json_t *v = json_object_get(o, key);
    if (json_is_string(v)) {
        *len = json_string_length(v);
        return json_string_value(v);
    }
    *len = 0;
    return "";
}

/* One hit object.  Returns a new reference or NULL (out of memory).  The
 * members and their order are fixed: rank, id, title, url, date, score, the
 * highlights, then every other stored string field but the body. */
static json_t *hit_json(const sou_stored_fields *data, unsigned rank, double score, long passage_offset,
                        const sou_hl_terms *hl, const search_opts *opt)
{
    sou_hl_result th = {0}, bh = {0};
    json_t *hit = NULL;
    size_t tlen, blen;
    const char *title = sou_stored_field_get(data, "title", &tlen);
    const char *body = sou_stored_field_get(data, "body", &blen);
    if (sou_highlight_whole(hl, title, tlen, &th) < 0 ||
        sou_highlight_passages(hl, body, blen, opt->passages, opt->passage_chars, &bh) < 0)
        goto done;
    size_t len;
    const char *id = sou_stored_field_get(data, "id", &len);
    hit = json_object();
    if (!hit)
        goto done;
    /* Every string here is valid UTF-8 already (the stored fields were
     * checked when read, the highlighter writes only decoded characters),
     * so jansson's own check of keys and values is skipped. */
    int bad = 0;
    bad |= json_object_set_new_nocheck(hit, "rank", json_integer(rank));
    bad |= json_object_set_new_nocheck(hit, "id", json_stringn_nocheck(id, len));
    bad |= json_object_set_new_nocheck(hit, "title", json_stringn_nocheck(title, tlen));
    const char *url = sou_stored_field_get(data, "url", &len);
    bad |= json_object_set_new_nocheck(hit, "url", json_stringn_nocheck(url, len));
    const char *date = sou_stored_field_get(data, "date", &len);
    bad |= json_object_set_new_nocheck(hit, "date", json_stringn_nocheck(date, len));
    bad |= json_object_set_new_nocheck(hit, "score", json_real((double)(long long)(score * 10000 + 0.5) / 10000));
    bad |= json_object_set_new_nocheck(hit, "title_html", json_stringn_nocheck(th.html, th.html_len));
    bad |= json_object_set_new_nocheck(hit, "snippet", json_stringn_nocheck(bh.html, bh.html_len));
    bad |= json_object_set_new_nocheck(hit, "snippet_text", json_stringn_nocheck(bh.text, bh.text_len));
    bad |= json_object_set_new_nocheck(hit, "highlights", marks_json(&bh));
    bad |= json_object_set_new_nocheck(hit, "title_highlights", marks_json(&th));
    /* the passage document's place in the article plus the snippet's in it */
    bad |= json_object_set_new_nocheck(hit, "passage_offset", json_integer(passage_offset + (long)bh.best_at));
    for (size_t i = 0; i < data->n; i++) {
        const sou_stored_field *f = &data->f[i];
        if (json_object_get(hit, f->key_p) || strcmp(f->key_p, "body") == 0)
            continue;
        bad |= json_object_set_new_nocheck(hit, f->key_p, json_stringn_nocheck(f->val_p, f->val_len));
    }
    if (bad) {
        json_decref(hit);
        hit = NULL;
    }
done:
    sou_hl_result_destroy(&th);
    sou_hl_result_destroy(&bh);
    return hit;
}

/* Where the passage doc starts in its article's body, in characters
 * (schema.h: value SOU_VALUE_OFFSET); 0 when absent. */
static long passage_offset(const sx_doc *doc)
{
    char *v = NULL;
    size_t len = 0;
    long off = 0;
    if (sx_doc_get_value(doc, SOU_VALUE_OFFSET, &v, &len, NULL) == SX_OK && v)
        off = strtol(v, NULL, 10);
    free(v);
    return off;
}

static sou_hl_terms *hl_terms_of(const sou_built_query *bq)
{
    sou_hl_terms *t = sou_hl_terms_new();
    for (size_t i = 0; t && i < bq->n_hl; i++)
        if (sou_hl_terms_add(t, bq->hl_terms[i], strlen(bq->hl_terms[i])) < 0) {
            sou_hl_terms_free(t);
            return NULL;
        }
    return t;
}

/* Most articles an exclusion (-word) may remove: finding them is a query of
 * its own, bounded by this. */
#define EXCLUDE_MAX_ARTICLES 10000u

/* Make bq's exclusions remove whole articles: the passage-level AND_NOT in
 * the query misses an article's other passages, so the articles with a
 * passage matching bq->exclude are found (one hit per article: collapsed)
 * and their id terms excluded too.  Returns 0 or -1 with err (400 when the
 * exclusion is in more than EXCLUDE_MAX_ARTICLES articles). */
static int exclude_articles(sx_db *db, sou_built_query *bq, sx_error *xep, sou_error *err)
{
    sx_error xe = {0};
    sx_mset *m = NULL;
    sx_query **ids = NULL, *any = NULL, *q = NULL;
    unsigned n = 0;
    int rc = -1;
    sx_enquire *e = sx_enquire_new(db, &xe);
    if (!e || sx_enquire_set_query(e, bq->exclude, &xe) != SX_OK ||
        sx_enquire_set_collapse(e, SOU_VALUE_ARTICLE, 1, &xe) != SX_OK ||
        sx_enquire_run(e, 0, EXCLUDE_MAX_ARTICLES + 1, 0, &m, &xe) != SX_OK) {
        *xep = xe;
        sou_error_from_db(err, &xe, "finding the excluded articles");
        goto done;
    }
    n = sx_mset_size(m);
    if (n > EXCLUDE_MAX_ARTICLES) {
        sou_error_fail(err, SOU_R_TOO_COMMON, "q: the excluded words are in more than %u articles; "
                       "exclude rarer words", EXCLUDE_MAX_ARTICLES);
        sou_error_where(err, "q", NULL, 0, 0, 0);
        goto done;
    }
    if (n == 0) {
        rc = 0;
        goto done;
    }
    if (!(ids = calloc(n, sizeof *ids)))
        goto oom;
    unsigned k = 0; /* articles of several passages: those whose others must go too */
    for (unsigned i = 0; i < n; i++) {
        char *key = NULL, term[SOU_ID_TERM_MAX];
        size_t len = 0;
        if (sx_mset_collapse_key(m, i, &key, &len, &xe) != SX_OK) {
            *xep = xe;
            sou_error_from_db(err, &xe, "finding the excluded articles");
            goto done;
        }
        int tl = snprintf(term, sizeof term, "%s%s", SOU_PREFIX_ID, key);
        free(key);
        if (len == 0)
            continue; /* an article of one passage: the query's AND_NOT removes it */
        if (!(ids[k++] = sx_query_term(term, (size_t)tl < sizeof term ? (size_t)tl : sizeof term - 1, 1, 0, &xe)))
            goto oom;
    }
    if (k == 0) {
        rc = 0;
        goto done;
    }
    if (!(any = sx_query_combine(SX_OP_OR, (const sx_query *const *)ids, k, 0, &xe)))
        goto oom;
    const sx_query *pair[2] = {bq->query, any};
    if (!(q = sx_query_combine(SX_OP_AND_NOT, pair, 2, 0, &xe)))
        goto oom;
    sx_query_free(bq->query);
    bq->query = q;
    rc = 0;
    goto done;
oom:
    sou_error_set(err, SOU_EINTERNAL, "out of memory excluding articles");
done:
    for (unsigned i = 0; ids && i < n; i++)
        sx_query_free(ids[i]);
    free(ids);
    sx_query_free(any);
    sx_mset_free(m);
    sx_enquire_free(e);
    return rc;
}

/* Restrict bq's query to the filters of fr; *unfiltered keeps the query
 * as it was (for counting facets).  Returns 0 or -1 with err. */
static int apply_filters(sou_built_query *bq, const sou_facet_request *fr, sx_query **unfiltered, sou_error *err)
{
    sx_error xe = {0};
    sx_query *filt = sou_facet_filter(fr, NULL, &xe), *q = NULL;
    if (filt) {
        const sx_query *pair[2] = {bq->query, filt};
        q = sx_query_combine(SX_OP_FILTER, pair, 2, 0, &xe);
    }
    sx_query_free(filt);
    if (!q) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory applying the filters");
        return -1;
    }
    *unfiltered = bq->query;
    bq->query = q;
    return 0;
}

/* Near-copies listed under one hit at most. */
#define SIMILAR_MAX 10u

/* The values a shown hit needs besides its data: where its passage starts. */
static const unsigned shown_slots[] = {SOU_VALUE_OFFSET};

/* Hits fetched past the page so that small totals are exact. */
#define TOTAL_SLACK 10u

/* The first hits reordered by their titles and priors (rerank_first_hits);
 * the rest keep Xapian's order.  20 did as well as 40 on every public set. */
#define RERANK_WINDOW 20u

/* Oldest first, undated last: descending on the complemented date
 * (schema.h).  An index written before that value existed has only value
 * 0: ascending on it, undated first. */
static sx_status date_asc_sort(sx_db *db, sx_enquire *e, sx_error *xe)
{
    unsigned with_key = 0;
    sx_status st = sx_db_value_freq(db, SOU_VALUE_DATE_ASC, &with_key, xe);
    if (st != SX_OK)
        return st;
    if (with_key == 0)
        return sx_enquire_sort_by_value(e, SOU_VALUE_DATE, 0, xe);
    return sx_enquire_sort_by_value(e, SOU_VALUE_DATE_ASC, 1, xe);
}

void sou_searcher_set_match_hook(sou_searcher *s, int (*fn)(void *ctx), void *ctx)
{
    s->match_hook = fn;
    s->match_hook_ctx = ctx;
}

/* The hit doc, scored score, as the answer's hit object, ranked rank.
 * SX_OK with *out; SX_ERR_NO_MEMORY; or a database error in *xe. */
static sx_status read_hit(sx_doc *doc, double score, unsigned rank, const sou_hl_terms *hl,
                          const search_opts *opt, json_t **out, sx_error *xe)
{
    sou_stored_fields data;
    int rd = doc_fields_read(doc, &data, xe);
    *out = rd == 0 ? hit_json(&data, rank, score, passage_offset(doc), hl, opt) : NULL;
    sou_stored_fields_free(&data);
    if (rd == -2)
        return xe->status;
    return *out ? SX_OK : SX_ERR_NO_MEMORY;
}

/* Value slot of doc, malloc()ed; NULL when empty or unreadable. */
static char *value_of(const sx_doc *doc, unsigned slot)
{
    char *v = NULL;
    size_t len = 0;
    if (sx_doc_get_value(doc, slot, &v, &len, NULL) != SX_OK || len == 0) {
        free(v);
        return NULL;
    }
    return v;
}

/* {"id", "title"} of doc, for a "similar" list. */
static sx_status similar_json(sx_doc *doc, json_t **out, sx_error *xe)
{
    sou_stored_fields data;
    int rd = doc_fields_read(doc, &data, xe);
    size_t il = 0, tl = 0;
    const char *id = rd == 0 ? sou_stored_field_get(&data, "id", &il) : "";
    const char *title = rd == 0 ? sou_stored_field_get(&data, "title", &tl) : "";
    json_t *o = rd == 0 ? json_object() : NULL;
    if (o && (json_object_set_new_nocheck(o, "id", json_stringn_nocheck(id, il)) < 0 ||
              json_object_set_new_nocheck(o, "title", json_stringn_nocheck(title, tl)) < 0)) {
        json_decref(o);
        o = NULL;
    }
    sou_stored_fields_free(&data);
    *out = o;
    if (rd == -2)
        return xe->status;
    return o ? SX_OK : SX_ERR_NO_MEMORY;
}

/* The page of representatives offset..offset+limit among the candidates
 * docs[0..n) (scored score[0..n), in rank order), each with its
 * near-copies as "similar" (group.h).  The groups come from the signatures
 * alone; then the data of what is shown is read, together, and only
 * representatives are highlighted.  Once the page is full, later
 * candidates can still join its groups. */
static sx_status group_page(const sou_searcher *s, sx_doc *const *docs, const double *score, unsigned n,
                            const sou_hl_terms *hl, const search_opts *opt, json_t *hits, sx_error *xe)
{
    sou_grouper *g = sou_grouper_new(n, s->lex, s->syn_table);
    long *member_of = calloc(n ? n : 1, sizeof *member_of); /* the group candidate i joined, or -1 */
    sou_group_relation *relation = calloc(n ? n : 1, sizeof *relation); /* candidate i's to its group's */
    size_t *page_cand = calloc(opt->limit, sizeof *page_cand); /* the candidate each page hit shows */
    sx_doc **shown = calloc(n ? n : 1, sizeof *shown);        /* whose data is read */
    unsigned *similar = calloc(opt->limit, sizeof *similar);  /* members listed under each */
    char *v = NULL;
    sx_status st = g && member_of && relation && page_cand && shown && similar ? SX_OK : SX_ERR_NO_MEMORY;
    size_t npage = 0, nshown = 0;
    for (unsigned i = 0; st == SX_OK && i < n; i++) {
        size_t len = 0;
        sou_group_relation rel = SOU_GROUP_PLACE;
        free(v);
        v = NULL;
        if (sx_doc_get_value(docs[i], SOU_VALUE_CANDIDATE, &v, &len, NULL) != SX_OK)
            v = NULL;
        long r = sou_grouper_find(g, v, len, &rel); /* the signature, the title, its fields (nearcopy.h) */
        member_of[i] = r;
        relation[i] = rel;
        if (r >= 0 || npage == opt->limit)
            continue;
        if ((r = sou_grouper_add(g, v, len)) < 0) {
            st = SX_ERR_NO_MEMORY;
            break;
        }
        if ((size_t)r >= opt->offset)
            page_cand[npage++] = i;
    }
    /* Who stands for a group: a law that replaces the representative (or
     * that it amends); else, among copies of one text under one title
     * (versions or copies of one document), the newest (the law in force),
     * at the rank of the best-matching one.  The same article for another
     * place is not a version (the 兰州 question keeps the 兰州 article). */
    for (size_t k = 0; st == SX_OK && k < npage && opt->sort == SORT_RELEVANCE; k++) {
        size_t rep = page_cand[k], best = rep;
        char *best_date = NULL;
        int dated = 0, replaced = 0; /* rep's date read: only a group's dates are */
        for (unsigned i = (unsigned)rep + 1; i < n && !replaced; i++) {
            if (member_of[i] != (long)(opt->offset + k))
                continue;
            if (relation[i] == SOU_GROUP_REPLACES) {
                best = i;
                replaced = 1;
                continue;
            }
            if (relation[i] != SOU_GROUP_VERSION)
                continue;
            if (!dated++)
                best_date = value_of(docs[rep], SOU_VALUE_DATE);
            char *d = value_of(docs[i], SOU_VALUE_DATE);
            if (d && (!best_date || strcmp(d, best_date) > 0)) {
                free(best_date);
                best_date = d;
                best = i;
            } else {
                free(d);
            }
        }
        free(best_date);
        if (best != rep) {
            member_of[rep] = member_of[best];
            member_of[best] = -1;
            page_cand[k] = best;
        }
    }
    for (size_t k = 0; k < npage; k++)
        shown[nshown++] = docs[page_cand[k]];
    for (unsigned i = 0; i < n; i++) {
        long r = member_of[i];
        if (r >= (long)opt->offset && (size_t)r < opt->offset + npage && similar[r - opt->offset]++ < SIMILAR_MAX)
            shown[nshown++] = docs[i];
    }
    if (st == SX_OK)
        st = sx_docs_read(shown, nshown, shown_slots, 1, xe);
    for (size_t k = 0; st == SX_OK && k < npage; k++) {
        json_t *hit = NULL;
        size_t c = page_cand[k];
        if ((st = read_hit(docs[c], score[c], opt->offset + (unsigned)k + 1, hl, opt, &hit, xe)) == SX_OK &&
            json_array_append_new(hits, hit) < 0)
            st = SX_ERR_NO_MEMORY;
    }
    /* the members, in rank order, as each page hit's "similar" */
    for (unsigned i = 0; st == SX_OK && i < n; i++) {
        long r = member_of[i];
        if (r < 0 || (size_t)r < opt->offset || (size_t)r >= opt->offset + npage)
            continue;
        json_t *hit = json_array_get(hits, (size_t)r - opt->offset), *a = json_object_get(hit, "similar"), *o = NULL;
        if (!a && (!(a = json_array()) || json_object_set_new_nocheck(hit, "similar", a) < 0)) {
            st = SX_ERR_NO_MEMORY;
            break;
        }
        if (json_array_size(a) >= SIMILAR_MAX)
            continue;
        if ((st = similar_json(docs[i], &o, xe)) == SX_OK && json_array_append_new(a, o) < 0)
            st = SX_ERR_NO_MEMORY;
    }
    free(v);
    free(member_of);
    free(relation);
    free(page_cand);
    free(shown);
    free(similar);
    sou_grouper_free(g);
    return st;
}

/* The place factor of a hit with candidate value v[0..len) (nearcopy.h:
 * its place field) for a question naming places (a json array, perhaps
 * empty): a place's own regulation (1 + 2f) for the people of that place
 * or of its cities, another place's 1, anything else (1 + f): the national
 * law before twenty cities' versions of it unless the question names one.
 * An index written before the place field ranks every hit alike. */
static double place_factor(const char *v, size_t len, const json_t *places, double f)
{
    size_t pl = 0;
    const char *p = v ? sou_candidate_field(v, len, SOU_CANDIDATE_PLACE, &pl) : NULL;
    if (!p)
        return 1 + f;
    for (size_t i = 0; i < json_array_size(places); i++) {
        const json_t *q = json_array_get(places, i);
        if (json_string_length(q) == pl && !memcmp(json_string_value(q), p, pl))
            return 1 + 2 * f;
    }
    return 1;
}

/* The first RERANK_WINDOW candidates of docs[0..n) (in Xapian's order,
 * scored score[]) reordered by score x (1 + rp's title_cover_weight x the
 * share of their title the question covers) x their place factor
 * (place_factor for bq's places, with place_f; 1 when 0) x rp's
 * audience_weight when the title names an audience (audience.h) that bq's
 * do not; score[] updated.  The title: one
 * that is mostly the question (律师事务所设立许可 for
 * 开律师事务所需要什么条件) before one that mentions it among much else
 * (香港、澳门律师事务所与广东境内律师事务所联营设立许可(...)), which BM25
 * without a title length cannot tell.  The place and the audience: priors
 * on the document, so they scale the text's evidence instead of adding to
 * it (a constant counted for much beside a weak match and little beside a
 * strong one: 丽水's dog rule kept its lead over 民法典); docs/ranking.md.
 * Ties keep Xapian's order. */
static sx_status rerank_first_hits(sx_doc **docs, double *score, unsigned n, const sou_hl_terms *hl,
                                   const sou_rank_params *rp, const sou_built_query *bq, double place_f,
                                   sx_error *xe)
{
    double w = rp->title_cover_weight, audience_f = rp->audience_weight;
    /* Hits tied with the last of the window join it: which of a tie group
     * come first depends on document ids, which differ with sharding, and
     * the answer must not. */
    unsigned w_end = n < RERANK_WINDOW ? n : RERANK_WINDOW;
    while (w_end < n && fabs(score[w_end] - score[w_end - 1]) <= 1e-9 * fabs(score[w_end - 1]))
        w_end++;
    n = w_end;
    for (unsigned i = 0; i < n; i++) {
        sou_stored_fields data = {0};
        char *v = NULL;
        size_t vlen = 0, tlen = 0;
        int rd = 0;
        if (sx_doc_get_value(docs[i], SOU_VALUE_CANDIDATE, &v, &vlen, NULL) != SX_OK)
            vlen = 0;
        const char *title = sou_candidate_title(v, vlen, &tlen); /* read with the matching */
        if (!title && (rd = doc_fields_read(docs[i], &data, xe)) == 0) /* an older index: no title there */
            title = sou_stored_field_get(&data, "title", &tlen);
        double cover = title ? sou_hl_coverage(hl, title, tlen) : 0;
        double placed = place_f > 0 ? place_factor(v, vlen, bq->places, place_f) : 1;
        if (audience_f != 1 && title && (sou_audiences(title, tlen) & ~bq->audiences))
            placed *= audience_f;
        free(v);
        sou_stored_fields_free(&data);
        if (rd == -2)
            return xe->status;
        if (rd < 0 || cover < 0)
            return SX_ERR_NO_MEMORY;
        score[i] *= (1 + w * cover) * placed;
    }
    /* insertion sort: stable, and n is the window and its ties, at most the hits fetched */
    for (unsigned i = 1; i < n; i++) {
        sx_doc *d = docs[i];
        double sc = score[i];
        unsigned j = i;
        for (; j > 0 && score[j - 1] < sc; j--) {
            docs[j] = docs[j - 1];
            score[j] = score[j - 1];
        }
        docs[j] = d;
        score[j] = sc;
    }
    return SX_OK;
}

/* The matching and the page's hits, all read from one revision of db.
 * Returns 0 with *out and hits filled; 1 when the index moved on
 * underneath (Xapian's DatabaseModifiedError: reopen and start again, hits
 * emptied); -1 with err, and *xep when db failed (a shard, perhaps). */
static int match_and_read(sou_searcher *s, sx_db *db, const sou_built_query *bq, const search_opts *opt,
                          const sou_hl_terms *hl, sx_mset **out, json_t *hits, sx_error *xep, sou_error *err)
{
    sx_error xe = {0};
    sx_mset *m = NULL;
    sx_doc **docs = NULL;
    sx_enquire *e = sx_enquire_new(db, &xe);
    sx_status st = e ? SX_OK : xe.status;
    if (st == SX_OK)
        st = sx_enquire_set_query(e, bq->query, &xe);
    if (st == SX_OK)
        st = sx_enquire_set_bm25(e, s->rank.k1, 0, 1, s->rank.b, 0.5, &xe);
    if (st == SX_OK)
        st = sx_enquire_set_time_limit(e, s->rank.limits.time_limit, &xe);
    /* one hit per article: its best passage */
    if (st == SX_OK)
        st = sx_enquire_set_collapse(e, SOU_VALUE_ARTICLE, 1, &xe);
    if (st == SX_OK) {
        if (opt->sort == SORT_RELEVANCE)
            st = sx_enquire_sort_by_relevance(e, &xe);
        else if (opt->sort == SORT_DATE)
            st = sx_enquire_sort_by_value(e, SOU_VALUE_DATE, 1, &xe);
        else
            st = date_asc_sort(db, e, &xe);
    }
    /* Asking for a few hits past the page keeps the total exact for small
     * result sets at almost no cost (with collapsing, Xapian's bounds are
     * exact only when the MSet comes back short); large ones get Xapian's
     * estimate.  Grouping near-copies needs the hits from the first one,
     * and more of them: each group on the page may hide others. */
    int grouping = opt->group && opt->offset + opt->limit <= SOU_GROUP_WINDOW;
    /* the rerank orders the first hits: a page among them is cut
     * from them in their new order */
    double place_f = s->scoped ? s->rank.scope_weight : 0;
    int rerank = opt->sort == SORT_RELEVANCE && bq->ranked &&
                 (s->rank.title_cover_weight > 0 || place_f > 0 || s->rank.audience_weight != 1);
    unsigned first = grouping || (rerank && opt->offset < RERANK_WINDOW) ? 0 : opt->offset;
    unsigned want = opt->offset + opt->limit + TOTAL_SLACK - first, nread = 0, from = opt->offset - first;
    double *score = NULL;
    /* the values read with the matching, of every candidate: what ranking
     * and grouping look at (each a B-tree lookup: the shown hits' others
     * are read with their data) */
    const unsigned slots[] = {SOU_VALUE_CANDIDATE};
    size_t nslots = grouping || rerank ? 1 : 0;
    for (;;) {
        if (st == SX_OK)
            st = sx_enquire_run(e, first, want, first + want, &m, &xe);
        if (st == SX_OK && s->match_hook && s->match_hook(s->match_hook_ctx)) {
            st = xe.status = SX_ERR_MODIFIED;
            snprintf(xe.message, sizeof xe.message, "DatabaseModifiedError (injected by a test)");
        }
        unsigned n = st == SX_OK ? sx_mset_size(m) : 0;
        nread = grouping ? n : (n < from + opt->limit ? n : from + opt->limit);
        if (rerank && first == 0 && nread < n && nread < RERANK_WINDOW)
            nread = n < RERANK_WINDOW ? n : RERANK_WINDOW;
        /* The documents in one go (sx_mset_documents: one prefetch, the
         * shards' in parallel), not a round trip per hit. */
        if (st == SX_OK && nread) {
            if (!(docs = calloc(nread, sizeof *docs)) || !(score = calloc(nread, sizeof *score)))
                goto oom;
            st = sx_mset_documents(m, nread, slots, nslots, docs, &xe);
            for (unsigned i = 0; i < nread; i++)
                score[i] = sx_mset_weight(m, i);
        }
        if (st == SX_OK && rerank && first == 0)
            st = rerank_first_hits(docs, score, nread, hl, &s->rank, bq, place_f, &xe);
        if (st == SX_OK && grouping)
            st = group_page(s, docs, score, nread, hl, opt, hits, &xe);
        if (st == SX_OK && !grouping && nread > from)
            st = sx_docs_read(docs + from, nread - from, shown_slots, 1, &xe);
        for (unsigned i = from; st == SX_OK && !grouping && i < nread; i++) {
            json_t *hit = NULL;
            st = read_hit(docs[i], score[i], first + i + 1, hl, opt, &hit, &xe);
            if (st == SX_OK && json_array_append_new(hits, hit) < 0)
                st = SX_ERR_NO_MEMORY;
        }
        /* Groups took so many candidates that the page is short although
         * more follow: again with more (rare: most hits are no copies). */
        if (st != SX_OK || !grouping || json_array_size(hits) == opt->limit || n < want ||
            want >= SOU_GROUP_WINDOW)
            break;
        for (unsigned k = 0; k < nread; k++)
            sx_doc_free(docs[k]);
        free(docs);
        docs = NULL;
        free(score);
        score = NULL;
        sx_mset_free(m);
        m = NULL;
        json_array_clear(hits);
        want = want * 2 + opt->limit > SOU_GROUP_WINDOW ? SOU_GROUP_WINDOW : want * 2 + opt->limit;
    }
    sx_enquire_free(e);
    e = NULL;
    for (unsigned k = 0; docs && k < nread; k++)
        sx_doc_free(docs[k]);
    free(docs);
    docs = NULL;
    free(score);
    if (st == SX_ERR_NO_MEMORY)
        goto oom;
    if (st == SX_OK) {
        *out = m;
        return 0;
    }
    sx_mset_free(m);
    json_array_clear(hits);
    if (st == SX_ERR_MODIFIED)
        return 1;
    *xep = xe;
    sou_error_from_db(err, &xe, "searching");
    return -1;
oom:
    sx_enquire_free(e);
    for (unsigned k = 0; docs && k < nread; k++)
        sx_doc_free(docs[k]);
    free(docs);
    free(score);
    sx_mset_free(m);
    json_array_clear(hits);
    sou_error_set(err, SOU_EINTERNAL, "out of memory building the answer");
    return -1;
}

/* One attempt on db: build the query (a single character expands in db),
 * the exclusions, the matching and the page.  0 with *bq, *hl, *out and
 * hits filled; 1 when the index moved on underneath; -1 with err, and *xe
 * when db failed. */
/* What one search needs and gives, across its attempts. */
typedef struct {
    const sou_parsed_query *pq;
    const search_opts *opt;
    const sou_facet_request *fr;
    sou_built_query *bq;
    sou_hl_terms **hl;
    sx_mset **out;
    json_t *hits;
    json_t **facets; /* set when fr counts */
} search_run;

static int search_once(sou_searcher *s, sx_db *db, search_run *r, sx_error *xe, sou_error *err)
{
    sou_query_env env = {s->lex, db, s->syn_table, s->memo};
    sx_query *unfiltered = NULL;
    int rc;
    if (sou_query_build(&env, r->pq, &s->rank, r->bq, err) < 0) {
        *xe = r->bq->xe;
        return -1;
    }
    if (!(*r->hl = hl_terms_of(r->bq))) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
        return -1;
    }
    if (r->bq->exclude && exclude_articles(db, r->bq, xe, err) < 0)
        return xe->status == SX_ERR_MODIFIED ? 1 : -1;
    if (r->fr->ngroups && apply_filters(r->bq, r->fr, &unfiltered, err) < 0)
        return -1;
    rc = match_and_read(s, db, r->bq, r->opt, *r->hl, r->out, r->hits, xe, err);
    /* the counts from the same revision as the hits */
    if (rc == 0 && r->fr->ncount) {
        json_decref(*r->facets);
        *r->facets = sou_facet_count(db, &s->fields, r->fr, unfiltered ? unfiltered : r->bq->query,
                                     s->rank.limits.time_limit, xe, err);
        if (!*r->facets)
            rc = xe->status == SX_ERR_MODIFIED ? 1 : -1;
    }
    sx_query_free(unfiltered);
    return rc;
}

/* search_once until an answer holds still: on a fresh revision while the
 * index changes underneath (at most SEARCH_MAX_ATTEMPTS times), and without
 * a shard that failed, or on its replica (at most once a shard). */
static int run_search(sou_searcher *s, search_run *r, sou_error *err)
{
    int changed = 0;
    size_t failovers = 0;
    for (;;) {
        sx_error xe = {0};
        sx_db *db = sou_shards_db(s->shards, err);
        if (!db)
            return -1;
        sou_built_query_destroy(r->bq);
        memset(r->bq, 0, sizeof *r->bq);
        sou_hl_terms_free(*r->hl);
        *r->hl = NULL;
        int rc = search_once(s, db, r, &xe, err);
        if (rc == 0)
            return 0;
        if (rc > 0) {
            if (++changed == SEARCH_MAX_ATTEMPTS) {
                sou_error_set(err, SOU_EUNAVAILABLE,
                              "searching: the index changed %d times during this search; try again", changed);
                return -1;
            }
            sou_shards_reopen(s->shards);
            continue;
        }
        if (failovers++ >= sou_shards_count(s->shards) || !sou_shards_failure(s->shards, &xe))
            return -1; /* err says why */
    }
}

json_t *sou_search(sou_searcher *s, const json_t *options, sou_error *err)
{
    double t0 = now_ms();
    search_opts opt;
    sou_parsed_query pq = {0};
    sou_built_query bq = {0};
    sou_hl_terms *hl = NULL;
    sx_mset *m = NULL;
    json_t *answer = NULL, *hits = NULL, *query = NULL, *facets = NULL;
    sou_facet_request fr = {0};

    if (parse_options(options, &opt, err) < 0 ||
        sou_facet_request_parse(&s->fields, opt.facets, opt.filter, opt.facet_limit, &fr, err) < 0 ||
        sou_query_parse(opt.q, opt.q_len, &pq, err) < 0)
        goto fail;
    /* Date options and date: in the query narrow each other. */
    if (opt.date_from[0] && (!pq.date_from[0] || strcmp(opt.date_from, pq.date_from) > 0))
        memcpy(pq.date_from, opt.date_from, 9);
    if (opt.date_to[0] && (!pq.date_to[0] || strcmp(opt.date_to, pq.date_to) < 0))
        memcpy(pq.date_to, opt.date_to, 9);
    if (pq.date_from[0] && pq.date_to[0] && strcmp(pq.date_from, pq.date_to) > 0) {
        sou_error_fail(err, SOU_R_BAD_DATE_RANGE, "date range: the start (%.8s) is after the end (%.8s)",
                       pq.date_from, pq.date_to);
        sou_error_where(err, opt.date_from[0] ? "date_from" : "date_to", NULL, 0, 0, 0);
        goto fail;
    }
    hits = json_array();
    if (!hits)
        goto oom;
    search_run run = {&pq, &opt, &fr, &bq, &hl, &m, hits, &facets};
    if (run_search(s, &run, err) < 0)
        goto fail;
    unsigned lower = sx_mset_lower_bound(m), upper = sx_mset_upper_bound(m);
    unsigned total = lower == upper ? lower : sx_mset_estimated(m);
    /* Filtered and counted, a field's chosen values add up to the exact
     * number of articles (each has one value, and the field is counted
     * under the other filters): better than Xapian's estimate. */
    long counted = sou_facet_filtered_total(&fr, facets);
    if (counted >= 0)
        total = lower = upper = (unsigned)counted;
    query = json_pack("{s:s%,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:o,s:o,s:s}", "text", opt.q, opt.q_len, "terms",
                      bq.terms, "dropped", bq.dropped, "synonyms", bq.synonyms, "missing", bq.missing,
                      "phrases", bq.phrases, "excluded", bq.excluded, "title_terms", bq.title_terms,
                      "date_from", date_json(pq.date_from), "date_to", date_json(pq.date_to), "sort",
                      SORT_NAMES[opt.sort]);
    if (!query || json_object_set_new(query, "filters", json_incref(fr.applied)) < 0)
        goto oom;
    answer = json_pack("{s:o,s:I,s:b,s:i,s:i,s:f,s:o}", "query", query, "total", (json_int_t)total,
                       "exact", lower == upper, "offset", (int)opt.offset, "limit", (int)opt.limit,
                       "took_ms", 0.0, "hits", hits);
    query = hits = NULL; /* stolen by json_pack, even on failure */
    if (!answer || (facets && json_object_set_new(answer, "facets", facets) < 0)) {
        facets = NULL;
        goto oom;
    }
    facets = NULL;
    if (sou_shards_sharded(s->shards) &&
        (json_object_set_new(answer, "shards", sou_shards_answer_json(s->shards)) < 0 ||
         json_object_set_new(answer, "partial", json_boolean(sou_shards_partial(s->shards))) < 0))
        goto oom;
    double took = now_ms() - t0;
    json_object_set_new(answer, "took_ms", json_real((double)(long long)(took * 1000 + 0.5) / 1000));
    goto done;
oom:
    sou_error_set(err, SOU_EINTERNAL, "out of memory building the answer");
fail:
    json_decref(answer);
    answer = NULL;
done:
    json_decref(hits);
    json_decref(query);
    json_decref(facets);
    sou_facet_request_destroy(&fr);
    sx_mset_free(m);
    sou_hl_terms_free(hl);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
    return answer;
}

/* ------------------------------------------------------------ suggestions */

json_t *sou_suggest(sou_searcher *s, const json_t *options, sou_error *err)
{
    const char *key;
    const json_t *v;
    unsigned limit;
    if (!json_is_object(options)) {
        sou_error_fail(err, SOU_R_BAD_REQUEST, "options: expected a JSON object");
        return NULL;
    }
    json_object_foreach((json_t *)options, key, v)
        if (strcmp(key, "q") != 0 && strcmp(key, "limit") != 0) {
            sou_error_fail(err, SOU_R_UNKNOWN_OPTION, "option \"%.64s\": unknown (known: q, limit)", key);
            sou_error_where(err, key, NULL, 0, 0, 0);
            return NULL;
        }
    const json_t *q = json_object_get(options, "q");
    if (!json_is_string(q)) {
        sou_error_fail(err, q ? SOU_R_BAD_OPTION : SOU_R_MISSING_OPTION, "option \"q\": %s",
                       q ? "must be a string" : "missing (the prefix typed, or \"\" for examples)");
        sou_error_where(err, "q", NULL, 0, 0, 0);
        return NULL;
    }
    if (opt_uint(options, "limit", 1, SOU_SUGGEST_MAX, SOU_SUGGEST_DEFAULT, &limit, err) < 0)
        return NULL;
    json_t *list = NULL;
    /* once more after a reopen when an indexer commit moved the index on */
    for (int attempt = 0; !list && attempt < 2; attempt++) {
        sx_error xe = {0};
        sx_db *db = sou_shards_db(s->shards, err);
        if (!db)
            return NULL;
        if (json_string_length(q) > 0) {
            list = sou_suggest_prefix(db, json_string_value(q), json_string_length(q), limit, &xe, err);
        } else {
            if (!s->examples)
                s->examples = sou_suggest_examples(db, s->lex, SOU_SUGGEST_MAX, &xe, err);
            list = s->examples ? json_array() : NULL;
            for (size_t i = 0; list && i < json_array_size(s->examples) && i < limit; i++)
                json_array_append(list, json_array_get(s->examples, i));
        }
        if (!list && xe.status != SX_ERR_MODIFIED)
            return NULL;
        if (!list)
            sou_shards_reopen(s->shards);
    }
    if (!list)
        return NULL;
    json_t *answer = json_pack("{s:O,s:o}", "q", q, "suggestions", list);
    if (!answer)
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
    return answer;
}

/* ------------------------------------------------------------ documents */

/* doc's "related" (related.h).  An extra: when it cannot be found (the
 * index moving on, a shard down) the document is answered without it. */
static void add_related(sou_searcher *s, json_t *doc, const char *idterm)
{
    sx_error xe = {0};
    sou_error ignored;
    sx_db *db = sou_shards_db(s->shards, &ignored);
    size_t tlen;
    json_t *related = db ? sou_related(db, idterm, str_field(doc, "title", &tlen), SOU_RELATED_MAX,
                                       s->rank.limits.time_limit, &xe, &ignored)
                         : NULL;
    if (related)
        json_object_set_new(doc, "related", related);
}

typedef struct {
    long offset;
    json_t *data;
} passage_data;

static int by_offset(const void *a, const void *b)
{
    const passage_data *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The whole article indexed under idterm: the stored fields of its first
 * passage with "body" the passages' bodies in order (schema.h).  A new
 * object, or NULL with err (SOU_ENOTFOUND when no document has idterm). */
static json_t *article_read_once(sx_db *db, const char *idterm, sx_error *xep, sou_error *err)
{
    sx_error xe = {0};
    struct {
        unsigned *v;
        size_t n;
    } ids = {NULL, 0};
    passage_data *ps = NULL;
    sou_strbuf body = {0};
    json_t *out = NULL;
    size_t n = 0;
    if (sx_db_postings(db, idterm, strlen(idterm), &ids.v, &ids.n, &xe) != SX_OK) {
        *xep = xe;
        sou_error_from_db(err, &xe, "reading the document");
        goto done;
    }
    if (ids.n == 0) {
        sou_error_set(err, SOU_ENOTFOUND, "not found");
        goto done;
    }
    if (!(ps = calloc(ids.n, sizeof *ps)))
        goto oom;
    for (; n < ids.n; n++) {
        sx_doc *doc = NULL;
        if (sx_db_get_document(db, ids.v[n], &doc, &xe) != SX_OK) {
            *xep = xe;
            sou_error_from_db(err, &xe, "reading the document");
            goto done;
        }
        ps[n].offset = passage_offset(doc);
        ps[n].data = doc_data(doc, &xe);
        sx_doc_free(doc);
        if (!ps[n].data) {
            *xep = xe;
            sou_error_from_db(err, &xe, "reading the document");
            goto done;
        }
    }
    qsort(ps, n, sizeof *ps, by_offset);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *b = str_field(ps[i].data, "body", &len);
        sou_strbuf_put(&body, b, len);
    }
    if (body.oom)
        goto oom;
    out = ps[0].data;
    ps[0].data = NULL;
    if (json_object_set_new(out, "body", json_stringn(body.p ? body.p : "", body.len)) < 0)
        goto oom;
    goto done;
oom:
    sou_error_set(err, SOU_EINTERNAL, "out of memory reading the document");
    json_decref(out);
    out = NULL;
done:
    for (size_t i = 0; i < n; i++)
        json_decref(ps[i].data);
    free(ps);
    free(ids.v);
    sou_strbuf_destroy(&body);
    return out;
}

/* article_read_once, again on a fresh revision while the index changes
 * underneath, and without a shard that failed (or on its replica).  An
 * article that is on no shard that answered is unavailable, not absent. */
static json_t *article_read(sou_searcher *s, const char *idterm, sou_error *err)
{
    int changed = 0;
    size_t failovers = 0;
    for (;;) {
        sx_error xe = {0};
        sx_db *db = sou_shards_db(s->shards, err);
        if (!db)
            return NULL;
        json_t *out = article_read_once(db, idterm, &xe, err);
        if (out)
            return out;
        if (xe.status == SX_ERR_MODIFIED && ++changed < SEARCH_MAX_ATTEMPTS) {
            sou_shards_reopen(s->shards);
            continue;
        }
        if (err->code != SOU_ENOTFOUND && failovers++ < sou_shards_count(s->shards) &&
            sou_shards_failure(s->shards, &xe))
            continue;
        if (err->code == SOU_ENOTFOUND && sou_shards_partial(s->shards)) {
            json_t *sh = sou_shards_answer_json(s->shards);
            char *failed = sh ? json_dumps(json_object_get(sh, "failed"), JSON_COMPACT) : NULL;
            sou_error_set(err, SOU_EUNAVAILABLE, "%s is not on the shards that answered (down: %s)",
                          idterm + strlen(SOU_PREFIX_ID), failed ? failed : "some");
            free(failed);
            json_decref(sh);
        }
        return NULL;
    }
}

json_t *sou_get_document(sou_searcher *s, const char *id, const char *q, sou_error *err)
{
    sou_error local;
    json_t *out = NULL;
    sou_parsed_query pq = {0};
    sou_built_query bq = {0};
    sou_hl_terms *hl = NULL;
    sou_hl_result th = {0}, bh = {0};
    char term[512];

    if (!err)
        err = &local;
    size_t idlen = id ? strlen(id) : 0, bad_at;
    if (idlen == 0) {
        sou_error_fail(err, SOU_R_BAD_ID, "document id: empty");
        goto done;
    }
    if (idlen > 240) {
        sou_error_fail(err, SOU_R_BAD_ID, "document id: %zu bytes, at most 240", idlen);
        goto done;
    }
    for (bad_at = 0; bad_at < idlen;) {
        uint32_t cp;
        size_t k = sou_utf8_decode((const unsigned char *)id + bad_at, idlen - bad_at, &cp);
        if (!k)
            break;
        bad_at += k;
    }
    if (bad_at < idlen) {
        sou_error_fail(err, SOU_R_BAD_ID, "document id: invalid UTF-8 at byte %zu", bad_at);
        goto done;
    }
    snprintf(term, sizeof term, "%s%s", SOU_PREFIX_ID, id);
    if (!(out = article_read(s, term, err))) {
        if (err->code == SOU_ENOTFOUND) {
            sou_error_fail(err, SOU_R_NOT_FOUND, "document \"%.200s\" not found", id);
            sou_error_where(err, "id", id, idlen, 0, 0);
        }
        goto done;
    }
    if (!json_object_get(out, "id"))
        json_object_set_new(out, "id", json_string(id));
    add_related(s, out, term);
    if (q && *q) {
        /* Only the terms to mark are needed, with the synonyms' (the db's
         * synonym table); NULL db: marks without synonyms. */
        sx_db *db = sou_shards_db(s->shards, NULL);
        sou_query_env env = {s->lex, db, s->syn_table, s->memo};
        if (sou_query_parse(q, strlen(q), &pq, err) < 0 || sou_query_build(&env, &pq, &s->rank, &bq, err) < 0)
            goto fail;
        size_t tlen, blen;
        const char *title = str_field(out, "title", &tlen);
        const char *body = str_field(out, "body", &blen);
        /* The marked HTML can be several times the text (escapes, marks):
         * a bound on the text keeps one request's memory bounded. */
        if (tlen + blen > SOU_DOC_HIGHLIGHT_MAX) {
            sou_error_fail(err, SOU_R_TOO_LARGE,
                           "document \"%.200s\": %zu bytes of text, highlighting (q) works on at most %u; "
                           "ask without q for the plain text",
                           id, tlen + blen, (unsigned)SOU_DOC_HIGHLIGHT_MAX);
            goto fail;
        }
        if (!(hl = hl_terms_of(&bq)) || sou_highlight_whole(hl, title, tlen, &th) < 0 ||
            sou_highlight_whole(hl, body, blen, &bh) < 0 ||
            json_object_set_new(out, "title_html", json_stringn(th.html, th.html_len)) < 0 ||
            json_object_set_new(out, "body_html", json_stringn(bh.html, bh.html_len)) < 0) {
            sou_error_set(err, SOU_EINTERNAL, "out of memory highlighting the document");
            goto fail;
        }
    }
    goto done;
fail:
    json_decref(out);
    out = NULL;
done:
    sou_hl_terms_free(hl);
    sou_hl_result_destroy(&th);
    sou_hl_result_destroy(&bh);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
    return out;
}
