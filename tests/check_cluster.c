/*
 * check_cluster.c: sharded indexes on Xapian's remote backend, end to end,
 * with real xapian-tcpsrv and xapian-replicate processes on free loopback
 * ports (Debian's xapian-tools).
 *
 * main() builds, once, from corpus/ plus 300 generated JSONL articles
 * (sentences of the seed articles recombined, deterministically): one
 * index; the same documents through `indexer --db STUB` into 3 shards
 * served by `xapian-tcpsrv --writable`; and `indexer --shards 3` into a
 * local sharded directory.  TCases:
 *   units      the stub parser and the routing hash (plain calls)
 *   identical  every query feature gives the answers of one index (ids,
 *              order up to ties, scores to 1e-9, totals, highlights), remote
 *              and local; the local layout opens in xapian-delve
 *   writes     replace and --delete reach the right shard, shard marks are
 *              checked, a killed run is reported and repaired by a re-run
 *   failures   searchd with a shard down or hung: partial answers, /health,
 *              recovery without a restart, all shards down, and a read
 *              replica that takes over and catches up through
 *              xapian-replicate while searchd keeps answering
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "query_build.h"
#include "query_parse.h"
#include "schema.h"
#include "search.h"
#include "shard.h"
#include "sou_testcluster.h"
#include "sou_testserver.h"
#include "sou_xapian.h"

/* For code that also runs outside a test (main's set-up): fail loudly. */
#define NEED(c)                                                                        \
    do {                                                                               \
        if (!(c)) {                                                                    \
            fprintf(stderr, "check_cluster: %s:%d: %s (%s)\n", __FILE__, __LINE__, #c, \
                    strerror(errno));                                                  \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

#define NSHARDS 3
#define NGEN 300

static char *g_tmp;                      /* the run's temporary directory */
static char g_jsonl[4096];               /* the generated articles */
static char g_corpus[4096];              /* corpus/ */
static char g_single[4096];              /* one index of both */
static char g_stub[4096];                /* stub of the NSHARDS writable servers */
static char g_shard_dir[NSHARDS][4096];  /* their databases */
static char g_local[4096];               /* indexer --shards NSHARDS */
static sou_xapsrv g_wsrv[NSHARDS];       /* xapian-tcpsrv --writable on g_shard_dir */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    NEED(f != NULL);
    fputs(text, f);
    fclose(f);
}

/* ------------------------------------------------------------ the corpus */

/* A deterministic generator (no rand(): the same articles everywhere). */
static unsigned long g_rng = 9;
static unsigned rnd(unsigned n)
{
    g_rng = g_rng * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)((g_rng >> 33) % n);
}

/* The sentences of corpus/'s articles (ending at 。！？ or a line end). */
static char **sentences(size_t *n)
{
    char **v = NULL;
    size_t cap = 0;
    DIR *d = opendir(g_corpus);
    struct dirent *de;
    *n = 0;
    NEED(d != NULL);
    char *names[64];
    size_t nn = 0;
    while ((de = readdir(d)) && nn < 64)
        if (strstr(de->d_name, ".txt"))
            names[nn++] = strdup(de->d_name);
    closedir(d);
    for (size_t a = 0; a < nn; a++) /* name order: readdir's order is not fixed */
        for (size_t b = a + 1; b < nn; b++)
            if (strcmp(names[a], names[b]) > 0) {
                char *t = names[a];
                names[a] = names[b];
                names[b] = t;
            }
    for (size_t f = 0; f < nn; f++) {
        char path[8192], *text = NULL;
        size_t len = 0;
        snprintf(path, sizeof path, "%s/%s", g_corpus, names[f]);
        FILE *fp = fopen(path, "r");
        NEED(fp != NULL);
        char buf[65536];
        size_t k;
        while ((k = fread(buf, 1, sizeof buf, fp)) > 0) {
            char *t = realloc(text, len + k + 1);
            NEED(t != NULL);
            text = t;
            memcpy(text + len, buf, k);
            len += k;
        }
        fclose(fp);
        text[len] = '\0';
        char *start = text;
        for (char *p = text; *p; p++) {
            size_t cut = 0;
            if (*p == '\n')
                cut = 1;
            else if (!strncmp(p, "。", 3) || !strncmp(p, "！", 3) || !strncmp(p, "？", 3))
                cut = 3;
            if (!cut)
                continue;
            size_t slen = (size_t)(p - start) + (*p == '\n' ? 0 : cut);
            if (slen >= 18) { /* six characters or more */
                if (*n == cap) {
                    char **nv = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof *v);
                    NEED(nv != NULL);
                    v = nv;
                }
                v[(*n)++] = strndup(start, slen);
            }
            p += cut - 1;
            start = p + 1;
        }
        free(text);
        free(names[f]);
    }
    NEED(*n > 50);
    return v;
}

/* The first max_chars characters of s (whole UTF-8 sequences). */
static char *prefix_chars(const char *s, unsigned max_chars)
{
    size_t i = 0;
    for (unsigned c = 0; s[i] && c < max_chars; c++) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
    }
    return strndup(s, i);
}

static void add_doc(FILE *f, const char *id, const char *title, const char *body, const char *date)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "title", title, "body", body, "date", date, "url",
                          "https://example.org/doc");
    char *line = json_dumps(o, JSON_COMPACT);
    fprintf(f, "%s\n", line);
    free(line);
    json_decref(o);
}

static void gen_corpus(const char *path, unsigned n)
{
    size_t ns;
    char **s = sentences(&ns);
    FILE *f = fopen(path, "w");
    NEED(f != NULL);
    for (unsigned i = 0; i < n; i++) {
        char id[32], date[16], *body = NULL;
        size_t blen = 0;
        unsigned k = 2 + rnd(7);
        for (unsigned j = 0; j < k; j++) {
            const char *x = s[rnd((unsigned)ns)];
            char *nb = realloc(body, blen + strlen(x) + 1);
            NEED(nb != NULL);
            body = nb;
            strcpy(body + blen, x);
            blen += strlen(x);
        }
        char *title = prefix_chars(s[rnd((unsigned)ns)], 20);
        snprintf(id, sizeof id, "gen%03u", i);
        snprintf(date, sizeof date, "20%02u-%02u-%02u", 10 + rnd(17), 1 + rnd(12), 1 + rnd(28));
        add_doc(f, id, title, body, date);
        free(title);
        free(body);
    }
    /* Forms the query side must fold: traditional script, full width. */
    add_doc(f, "trad1", "醫療保險報銷指南", "在天津看牙能用醫保報銷嗎？醫療保險的參保地變更需要辦理轉移。", "2021-03-04");
    add_doc(f, "wide1", "手机ＡＰＰ激活医保卡", "打开ＡＰＰ，激活医保电子凭证，app 里可以查询参保地。", "2024-07-08");
    fclose(f);
    for (size_t i = 0; i < ns; i++)
        free(s[i]);
    free(s);
}

/* The ids in the generated file and corpus/, for routing checks. */
static size_t all_ids(char ***out)
{
    size_t n = 0;
    char **v = calloc(NGEN + 64, sizeof *v), line[1 << 16];
    FILE *f = fopen(g_jsonl, "r");
    ck_assert(f != NULL);
    while (fgets(line, sizeof line, f)) {
        json_t *o = json_loads(line, 0, NULL);
        v[n++] = strdup(json_string_value(json_object_get(o, "id")));
        json_decref(o);
    }
    fclose(f);
    DIR *d = opendir(g_corpus);
    struct dirent *de;
    while ((de = readdir(d)))
        if (strstr(de->d_name, ".txt"))
            v[n++] = strndup(de->d_name, strlen(de->d_name) - 4);
    closedir(d);
    *out = v;
    return n;
}

/* ------------------------------------------------------------ programs */

static char *bin(const char *name)
{
    char *p = NULL;
    NEED(asprintf(&p, "%s/%s", sou_test_bin_dir(), name) >= 0);
    return p;
}

/* indexer with args (NULL-terminated); stderr into *err when not NULL. */
static int indexer(char **err, ...)
{
    const char *argv[32];
    char *prog = bin("indexer");
    va_list ap;
    int n = 0, rc;
    char *out = NULL, *e = NULL;
    argv[n++] = prog;
    argv[n++] = "--quiet";
    va_start(ap, err);
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < 31)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    rc = sou_test_run(argv, &out, &e);
    free(out);
    if (err)
        *err = e;
    else
        free(e);
    free(prog);
    return rc;
}

/* A stub listing servers srv[0..n) (and extra text after the first line). */
static void write_stub(const char *path, sou_xapsrv *srv, size_t n, const char *after_first)
{
    char text[4096];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(text + len, sizeof text - len, "remote %s\n", srv[i].addr);
        if (i == 0 && after_first)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s", after_first);
    }
    write_file(path, text);
}

/* Documents holding term in the database at dir.  An indexer may be
 * committing to it meanwhile: a revision it overwrote while we opened or read
 * it (DatabaseModifiedError) is read again. */
static unsigned term_docs(const char *dir, const char *term)
{
    for (int attempt = 0;; attempt++) {
        sx_db *db = NULL;
        unsigned n = 0;
        sx_status st = sx_db_open_readonly(dir, &db, NULL);
        if (st == SX_OK)
            st = sx_db_termfreq(db, term, strlen(term), &n, NULL);
        sx_db_close(db);
        if (st != SX_ERR_MODIFIED || attempt == 100) {
            ck_assert_int_eq(st, SX_OK);
            return n;
        }
        usleep(10 * 1000);
    }
}

/* Articles in the database at dir (an article may be several passage
 * documents; its first one carries SOU_TERM_ARTICLE). */
static unsigned shard_docs(const char *dir)
{
    return term_docs(dir, SOU_TERM_ARTICLE);
}

/* Articles with this id in the database at dir (its first passage has both
 * the id term and SOU_TERM_ARTICLE). */
static unsigned id_count(const char *dir, const char *id)
{
    sx_db *db = NULL;
    unsigned n = 0;
    char term[300];
    snprintf(term, sizeof term, "Q%s", id);
    ck_assert_int_eq(sx_db_open_readonly(dir, &db, NULL), SX_OK);
    sx_query *a = sx_query_term(term, strlen(term), 1, 0, NULL),
             *k = sx_query_term(SOU_TERM_ARTICLE, strlen(SOU_TERM_ARTICLE), 1, 0, NULL);
    const sx_query *both_parts[2] = {a, k};
    sx_query *both = sx_query_combine(SX_OP_AND, both_parts, 2, 0, NULL);
    sx_enquire *e = sx_enquire_new(db, NULL);
    sx_mset *m = NULL;
    ck_assert_int_eq(sx_enquire_set_query(e, both, NULL), SX_OK);
    ck_assert_int_eq(sx_enquire_run(e, 0, 10, 1000, &m, NULL), SX_OK);
    n = sx_mset_size(m);
    sx_mset_free(m);
    sx_enquire_free(e);
    sx_query_free(a);
    sx_query_free(k);
    sx_query_free(both);
    sx_db_close(db);
    return n;
}

/* Documents (passages) holding the id term of id in the database at dir. */
static unsigned id_docs(const char *dir, const char *id)
{
    char term[300];
    snprintf(term, sizeof term, "Q%s", id);
    return term_docs(dir, term);
}

/* ------------------------------------------------------------ comparing answers */

static json_t *search_json(sou_searcher *s, const char *opts, sou_error *err)
{
    json_t *o = json_loads(opts, 0, NULL);
    ck_assert_msg(o != NULL, "bad test JSON %s", opts);
    json_t *a = sou_search(s, o, err);
    json_decref(o);
    return a;
}

/* The key that orders hit i (score, and the date first when sorted by it):
 * hits with equal keys are ties, in an order that depends on document ids. */
static int same_key(json_t *a, json_t *b, int by_date)
{
    if (by_date && !json_equal(json_object_get(a, "date"), json_object_get(b, "date")))
        return 0;
    return fabs(json_real_value(json_object_get(a, "score")) - json_real_value(json_object_get(b, "score"))) < 1.5e-4;
}

static json_t *hit_by_id(json_t *hits, const char *id)
{
    size_t i;
    json_t *h;
    json_array_foreach(hits, i, h) if (!strcmp(json_string_value(json_object_get(h, "id")), id)) return h;
    return NULL;
}

/* one index (a) and a sharded one (b) answer opts the same way. */
static void compare_answers(sou_searcher *a, sou_searcher *b, const char *opts)
{
    sou_error ea = {0}, eb = {0};
    json_t *A = search_json(a, opts, &ea), *B = search_json(b, opts, &eb);
    ck_assert_msg(A && B, "%s: %s / %s", opts, A ? "" : ea.message, B ? "" : eb.message);
    ck_assert_msg(json_equal(json_object_get(A, "query"), json_object_get(B, "query")), "%s: query objects differ",
                  opts);
    ck_assert_msg(json_is_false(json_object_get(B, "partial")), "%s: partial", opts);
    json_t *ha = json_object_get(A, "hits"), *hb = json_object_get(B, "hits");
    int exa = json_is_true(json_object_get(A, "exact")), exb = json_is_true(json_object_get(B, "exact"));
    json_int_t ta = json_integer_value(json_object_get(A, "total")), tb = json_integer_value(json_object_get(B, "total"));
    if (exa && exb)
        ck_assert_msg(ta == tb, "%s: totals %lld / %lld", opts, (long long)ta, (long long)tb);
    else {
        /* Estimates (Xapian counts only offset+limit+10 matches, and the
         * shards each count that many, so the two estimate differently):
         * compare_weights compares the exact counts. */
        ck_assert_int_ge(ta, (json_int_t)json_array_size(ha));
        ck_assert_int_ge(tb, (json_int_t)json_array_size(hb));
    }
    ck_assert_msg(json_array_size(ha) == json_array_size(hb), "%s: %zu / %zu hits", opts, json_array_size(ha),
                  json_array_size(hb));
    const char *sort = json_string_value(json_object_get(json_object_get(A, "query"), "sort"));
    int by_date = sort && strcmp(sort, "relevance") != 0;
    size_t n = json_array_size(ha), limit = (size_t)json_integer_value(json_object_get(A, "limit"));
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && same_key(json_array_get(ha, i), json_array_get(ha, j), by_date))
            j++;
        /* ranks i..j-1 are one tie group; the same scores on both sides */
        for (size_t k = i; k < j; k++)
            ck_assert_msg(same_key(json_array_get(ha, k), json_array_get(hb, k), by_date),
                          "%s: rank %zu: scores %g / %g", opts, k + 1,
                          json_real_value(json_object_get(json_array_get(ha, k), "score")),
                          json_real_value(json_object_get(json_array_get(hb, k), "score")));
        /* A group cut by the end of the page may hold different ties. */
        int cut = j == n && n == limit;
        json_t *group = json_array();
        for (size_t k = i; k < j; k++)
            json_array_append(group, json_array_get(hb, k));
        for (size_t k = i; k < j; k++) {
            json_t *x = json_array_get(ha, k);
            json_t *y = hit_by_id(group, json_string_value(json_object_get(x, "id")));
            ck_assert_msg(y || cut, "%s: %s at rank %zu is not among the same ties", opts,
                          json_string_value(json_object_get(x, "id")), k + 1);
            if (!y)
                continue;
            json_t *xc = json_deep_copy(x), *yc = json_deep_copy(y);
            json_object_del(xc, "rank");
            json_object_del(yc, "rank");
            json_object_del(xc, "score"); /* rounded to 1e-4; compared above, raw in compare_weights */
            json_object_del(yc, "score");
            char *xs = json_dumps(xc, JSON_SORT_KEYS | JSON_COMPACT), *ys = json_dumps(yc, JSON_SORT_KEYS | JSON_COMPACT);
            ck_assert_msg(json_equal(xc, yc), "%s: hit %s differs:\n%.300s\n%.300s", opts,
                          json_string_value(json_object_get(x, "id")), xs, ys);
            free(xs);
            free(ys);
            json_decref(xc);
            json_decref(yc);
        }
        json_decref(group);
        i = j;
    }
    json_decref(A);
    json_decref(B);
}

/* The raw Xapian weights, to 1e-9, of the query q on databases a and b
 * (built and ranked as sou_search does: rank defaults, BM25 k1 b, one hit
 * per article), over every hit: the same articles at the same weights in
 * the same order (ties aside), so the same number of matches too.  Reading
 * every hit also keeps Xapian exact: with a small check_at_least Xapian
 * 1.4.22 can leave a better hit out of a page (AND_MAYBE over an OR of
 * phrases, seen on one index here), which is not what is compared. */
static void compare_weights(const char *pa, const char *pb, const char *q)
{
    const char *paths[2] = {pa, pb};
    double *w[2];
    char **ids[2];
    unsigned n[2];
    sou_rank_params rp;
    sou_rank_params_init(&rp);
    for (int side = 0; side < 2; side++) {
        sou_error err = {0};
        sou_parsed_query pq = {0};
        sou_built_query bq = {0};
        sx_db *db = NULL;
        sx_stub *stub = NULL;
        sx_db *parts[NSHARDS] = {0};
        size_t nparts = 0;
        /* A stub is opened as the searcher does: a union of its shards. */
        if (sx_stub_read(paths[side], &stub, NULL) == SX_OK) {
            for (size_t i = 0; i < stub->n; i++) {
                const sx_shard_spec *sp = &stub->shards[i];
                sx_status st = sp->kind == SX_SHARD_REMOTE
                                   ? sx_db_open_remote(sp->hosts[0], sp->ports[0], 10000, 10000, 0, &parts[i], NULL)
                                   : sx_db_open_readonly(sp->path, &parts[i], NULL);
                ck_assert_int_eq(st, SX_OK);
            }
            nparts = stub->n;
            ck_assert_int_eq(sx_db_union(parts, nparts, &db, NULL), SX_OK);
        } else {
            ck_assert_int_eq(sx_db_open_readonly(paths[side], &db, NULL), SX_OK);
        }
        sou_query_env env = {sou_search_lexicon(&err), db, NULL, NULL}; /* no synonyms on either side */
        ck_assert_int_eq(sou_query_parse(q, strlen(q), &pq, &err), 0);
        ck_assert_msg(sou_query_build(&env, &pq, &rp, &bq, &err) == 0, "%s: %s", q, err.message);
        sx_enquire *e = sx_enquire_new(db, NULL);
        sx_mset *m = NULL;
        ck_assert_int_eq(sx_enquire_set_query(e, bq.query, NULL), SX_OK);
        ck_assert_int_eq(sx_enquire_set_bm25(e, rp.k1, 0, 1, rp.b, 0.5, NULL), SX_OK);
        ck_assert_int_eq(sx_enquire_set_collapse(e, SOU_VALUE_ARTICLE, 1, NULL), SX_OK); /* hits are articles */
        ck_assert_int_eq(sx_enquire_run(e, 0, 100000, 1000000, &m, NULL), SX_OK);
        n[side] = sx_mset_size(m);
        w[side] = calloc(n[side] + 1, sizeof *w[side]);
        ids[side] = calloc(n[side] + 1, sizeof *ids[side]);
        sx_doc **docs = calloc(n[side] + 1, sizeof *docs);
        ck_assert(w[side] && ids[side] && docs);
        ck_assert_int_eq(sx_mset_documents(m, n[side], NULL, 0, docs, NULL), SX_OK);
        for (unsigned i = 0; i < n[side]; i++) {
            char *data = NULL;
            size_t len;
            w[side][i] = sx_mset_weight(m, i);
            sx_doc_get_data(docs[i], &data, &len, NULL);
            json_t *o = json_loadb(data, len, 0, NULL);
            ids[side][i] = strdup(json_string_value(json_object_get(o, "id")));
            json_decref(o);
            free(data);
            sx_doc_free(docs[i]);
        }
        free(docs);
        sx_mset_free(m);
        sx_enquire_free(e);
        sou_built_query_destroy(&bq);
        sou_parsed_query_destroy(&pq);
        sx_db_close(db);
        for (size_t i = 0; i < nparts; i++)
            sx_db_close(parts[i]);
        sx_stub_free(stub);
    }
    ck_assert_msg(n[0] == n[1], "%s: %u / %u matching articles", q, n[0], n[1]);
    ck_assert_uint_gt(n[0], 0);
    for (unsigned i = 0; i < n[0]; i++) {
        ck_assert_msg(fabs(w[0][i] - w[1][i]) < 1e-9, "%s: rank %u: weight %.12f / %.12f", q, i + 1, w[0][i], w[1][i]);
        /* the same article at the same weight, up to ties */
        int found = 0;
        for (unsigned k = 0; k < n[1] && !found; k++)
            found = !strcmp(ids[0][i], ids[1][k]) && fabs(w[1][k] - w[0][i]) < 1e-9;
        ck_assert_msg(found, "%s: %s has another weight on the shards", q, ids[0][i]);
    }
    for (int side = 0; side < 2; side++) {
        for (unsigned i = 0; i < n[side]; i++)
            free(ids[side][i]);
        free(ids[side]);
        free(w[side]);
    }
}

/* Every query feature: a question, a bigram, one character (expanded in the
 * index), a phrase, an exclusion, title:, date ranges (query and options),
 * both date sorts, paging, traditional script, full width, passages, an
 * unknown word. */
static const char *const QUERIES[] = {
    "{\"q\": \"天津看牙能用医保报销吗\", \"limit\": 100}",
    "{\"q\": \"医保\", \"limit\": 100}",
    "{\"q\": \"牙\", \"limit\": 100}",
    "{\"q\": \"\\\"参保地\\\"\", \"limit\": 100}",
    "{\"q\": \"医保 -兰州\", \"limit\": 100}",
    "{\"q\": \"title:医保\", \"limit\": 100}",
    "{\"q\": \"title:\\\"医保卡\\\" 激活\"}",
    "{\"q\": \"社保 date:2015..2020\", \"limit\": 100}",
    "{\"q\": \"医保\", \"date_from\": \"2018-01-01\", \"date_to\": \"2022-12-31\", \"limit\": 100}",
    "{\"q\": \"社保\", \"sort\": \"date\", \"limit\": 60}",
    "{\"q\": \"社保\", \"sort\": \"date_asc\", \"limit\": 60}",
    "{\"q\": \"医保 报销\", \"offset\": 5, \"limit\": 7}",
    "{\"q\": \"醫療保險\", \"limit\": 20}",
    "{\"q\": \"ＡＰＰ 激活\", \"limit\": 20}",
    "{\"q\": \"参保地变更怎么办理\", \"passages\": 3, \"passage_chars\": 60}",
    /* more distinct terms than rank.elite: the rarest are chosen over the whole index */
    "{\"q\": \"参保地变更以后医疗保险报销比例和门诊慢特病待遇怎样办理转移接续手续\", \"limit\": 50}",
    "{\"q\": \"麒麟独角兽\"}",
};
#define NQUERIES (sizeof QUERIES / sizeof *QUERIES)

/* ------------------------------------------------------------ units */

START_TEST(stub_parser)
{
    char path[4200], text[512];
    sx_stub *st = NULL;
    sx_error e = {0};

    snprintf(path, sizeof path, "%s/units.stub", g_tmp);
    write_file(path, "# comment\n\nauto rel/shard\nglass /abs/db\nremote 10.0.0.1:7001\n#sou-replica h2:7002\n"
                     "#sou-replica [::1]:7003\nremote :xapian-progsrv /db x\n");
    ck_assert_int_eq(sx_stub_is_stub(path), 1);
    ck_assert_int_eq(sx_stub_read(path, &st, &e), SX_OK);
    ck_assert_uint_eq(st->n, 4);
    ck_assert_int_eq(st->shards[0].kind, SX_SHARD_LOCAL);
    snprintf(text, sizeof text, "%s/rel/shard", g_tmp);
    ck_assert_str_eq(st->shards[0].path, text); /* relative to the stub, as Xapian does */
    ck_assert_uint_eq(st->shards[0].line, 3);
    ck_assert_str_eq(st->shards[1].path, "/abs/db");
    ck_assert_int_eq(st->shards[2].kind, SX_SHARD_REMOTE);
    ck_assert_uint_eq(st->shards[2].naddrs, 3);
    ck_assert_str_eq(st->shards[2].hosts[0], "10.0.0.1");
    ck_assert_uint_eq(st->shards[2].ports[0], 7001);
    ck_assert_str_eq(st->shards[2].hosts[1], "h2");
    ck_assert_str_eq(st->shards[2].hosts[2], "::1");
    ck_assert_uint_eq(st->shards[2].ports[2], 7003);
    ck_assert_str_eq(st->shards[2].name, "remote 10.0.0.1:7001");
    ck_assert_int_eq(st->shards[3].kind, SX_SHARD_PROGRAM);
    ck_assert_str_eq(st->shards[3].path, "xapian-progsrv");
    ck_assert_str_eq(st->shards[3].args, "/db x");
    sx_stub_free(st);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"remote host\n", ":1: \"remote\" wants HOST:PORT"},
        {"remote host:0\n", ":1: \"remote\" wants HOST:PORT"},
        {"auto db\nremote h:99999\n", ":2: \"remote\" wants HOST:PORT"},
        {"#sou-replica h:1\nremote h:2\n", ":1: #sou-replica must follow"},
        {"auto db\n#sou-replica h:1\n", ":2: #sou-replica must follow"},
        {"remote h:1\n#sou-replica nohost\n", ":2: #sou-replica wants HOST:PORT"},
        {"inmemory\n", "inmemory database cannot be a sou shard"},
        {"flint /x\n", ":1: unknown shard type \"flint\""},
        {"# nothing\n", "lists no shard"},
        {"auto\n", ":1: \"auto\" wants a path"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_file(path, bad[i].text);
        st = NULL;
        ck_assert_int_eq(sx_stub_read(path, &st, &e), SX_ERR_INVALID_ARG);
        ck_assert_ptr_null(st);
        ck_assert_msg(strstr(e.message, bad[i].want) && strstr(e.message, "units.stub"), "%s: %s", bad[i].text,
                      e.message);
    }
    /* A glass database and nothing at all are not stubs. */
    ck_assert_int_eq(sx_stub_is_stub(g_single), 0);
    ck_assert_int_eq(sx_stub_read(g_single, &st, &e), SX_ERR_NOT_FOUND);
    ck_assert_int_eq(sx_stub_is_stub("/nonexistent/x"), 0);
    ck_assert_int_eq(sx_stub_is_stub(g_local), 1); /* a directory holding XAPIANDB */
}
END_TEST

START_TEST(routing_hash)
{
    /* The routing is part of the on-disk format: these values never change. */
    ck_assert_uint_eq(sou_id_hash("", 0), 2166136261u);
    ck_assert_uint_eq(sou_id_hash("a", 1), 0xe40c292cu);
    ck_assert_uint_eq(sou_id_hash("foobar", 6), 0xbf9cf968u);
    ck_assert_uint_eq(sou_shard_of("000_ac1cf03b7f701441", 20, 3), 0);
    ck_assert_uint_eq(sou_id_hash("000_ac1cf03b7f701441", 20), 0xc2b3c5ffu);
    ck_assert_uint_eq(sou_shard_of("anything", 8, 1), 0);
    ck_assert_uint_eq(sou_shard_of("anything", 8, 0), 0);
    unsigned count[4] = {0};
    for (unsigned i = 0; i < 4000; i++) {
        char id[32];
        int n = snprintf(id, sizeof id, "article-%u", i);
        count[sou_shard_of(id, (size_t)n, 4)]++;
    }
    for (int k = 0; k < 4; k++)
        ck_assert_msg(count[k] > 850 && count[k] < 1150, "shard %d has %u of 4000", k, count[k]);
}
END_TEST

/* ------------------------------------------------------------ identical answers */

static void check_identical(const char *sharded)
{
    sou_error err = {0};
    sou_searcher *a = sou_searcher_open(g_single, &err);
    ck_assert_msg(a != NULL, "%s", err.message);
    sou_searcher *b = sou_searcher_open(sharded, &err);
    ck_assert_msg(b != NULL, "%s", err.message);
    for (size_t i = 0; i < NQUERIES; i++)
        compare_answers(a, b, QUERIES[i]);
    json_t *da = sou_get_document(a, "003_1bdcc1241bf11e8e", "激活医保卡", &err);
    json_t *db = sou_get_document(b, "003_1bdcc1241bf11e8e", "激活医保卡", &err);
    ck_assert_msg(da && db && json_equal(da, db), "GET /doc differs");
    json_decref(da);
    json_decref(db);
    sou_searcher_free(a);
    sou_searcher_free(b);
}

START_TEST(identical_remote)
{
    check_identical(g_stub);
}
END_TEST

START_TEST(identical_local)
{
    check_identical(g_local);
}
END_TEST

START_TEST(identical_weights)
{
    static const char *const qs[] = {"天津看牙能用医保报销吗", "医保", "牙", "医", "title:牙", "\"参保地\" 变更",
                                     "医保 -兰州", "社保 date:2015..2020", "醫療保險", "ＡＰＰ 激活",
                                     "参保地变更以后医疗保险报销比例和门诊慢特病待遇怎样办理转移接续手续"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        compare_weights(g_single, g_stub, qs[i]);
        compare_weights(g_single, g_local, qs[i]);
    }
}
END_TEST

START_TEST(local_layout)
{
    char **ids, path[4200], *out = NULL, *err = NULL;
    size_t n = all_ids(&ids);
    unsigned want[NSHARDS] = {0}, total = 0;
    for (size_t i = 0; i < n; i++) {
        want[sou_shard_of(ids[i], strlen(ids[i]), NSHARDS)]++;
        free(ids[i]);
    }
    free(ids);
    for (int k = 0; k < NSHARDS; k++) {
        snprintf(path, sizeof path, "%s/shard-%d", g_local, k);
        ck_assert_uint_eq(shard_docs(path), want[k]);
        ck_assert_uint_eq(shard_docs(g_shard_dir[k]), want[k]); /* the remote shards: the same routing */
        total += want[k];
        sx_db *db = NULL;
        char *mark = NULL, expect[16];
        ck_assert_int_eq(sx_db_open_readonly(path, &db, NULL), SX_OK);
        ck_assert_int_eq(sx_db_get_metadata(db, SOU_META_SHARD, &mark, NULL, NULL), SX_OK);
        snprintf(expect, sizeof expect, "%d/%d", k, NSHARDS);
        ck_assert_str_eq(mark, expect);
        free(mark);
        ck_assert_int_eq(sx_db_get_metadata(db, SOU_META_RUN, &mark, NULL, NULL), SX_OK);
        ck_assert_msg(strstr(mark, " done"), "run mark \"%s\"", mark);
        free(mark);
        sx_db_close(db);
    }
    /* Xapian's own tools open the directory as the whole index. */
    const char *argv[] = {"/usr/bin/xapian-delve", g_local, NULL};
    ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
    /* it counts passage documents: as many as in the one index */
    sx_db *one = NULL;
    unsigned passages = 0;
    ck_assert_int_eq(sx_db_open_readonly(g_single, &one, NULL), SX_OK);
    sx_db_doccount(one, &passages, NULL);
    sx_db_close(one);
    ck_assert_uint_gt(passages, total);
    snprintf(path, sizeof path, "number of documents = %u", passages);
    ck_assert_msg(strstr(out, path), "xapian-delve says:\n%s%s", out, err);
    free(out);
    free(err);
    /* --shards must match an existing sharded index; one index is not one. */
    ck_assert_int_eq(indexer(&err, "--db", g_local, "--shards", "4", g_jsonl, NULL), 3);
    ck_assert_msg(strstr(err, "has 3 shards, --shards asks for 4"), "%s", err);
    free(err);
    ck_assert_int_eq(indexer(&err, "--db", g_single, "--shards", "2", g_jsonl, NULL), 3);
    ck_assert_msg(strstr(err, "--shards builds a new sharded index"), "%s", err);
    free(err);
}
END_TEST

START_TEST(sharded_info)
{
    sou_error e = {0};
    sou_searcher *s = sou_searcher_open(g_stub, &e);
    ck_assert_msg(s != NULL, "%s", e.message);
    json_t *info = sou_searcher_info(s, &e);
    ck_assert(info != NULL);
    ck_assert_str_eq(json_string_value(json_object_get(info, "status")), "ok");
    ck_assert_uint_eq(json_array_size(json_object_get(info, "shards")), NSHARDS);
    ck_assert_int_eq(json_integer_value(json_object_get(info, "documents")), NGEN + 2 + 4);
    json_t *sh0 = json_array_get(json_object_get(info, "shards"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(sh0, "status")), "up");
    ck_assert_str_eq(json_string_value(json_object_get(sh0, "address")), g_wsrv[0].addr);
    json_decref(info);
    sou_searcher_free(s);
}
END_TEST

/* ------------------------------------------------------------ writes */

/* A new directory under the run's: main() removes it whatever happens. */
static void subdir(char *buf, size_t cap, const char *tag)
{
    snprintf(buf, cap, "%s/%s-XXXXXX", g_tmp, tag);
    ck_assert_msg(mkdtemp(buf) != NULL, "%s: %s", buf, strerror(errno));
}

typedef struct {
    char dir[2048], stub[4200], single[4200], shard[NSHARDS][4200];
    sou_xapsrv srv[NSHARDS];
} wfix;
static wfix W;

/* Its own small sharded index on writable servers, and one index. */
static void writes_setup(void)
{
    char e[256];
    subdir(W.dir, sizeof W.dir, "writes");
    for (int k = 0; k < NSHARDS; k++) {
        snprintf(W.shard[k], sizeof W.shard[k], "%s/shard%d", W.dir, k);
        ck_assert_msg(sou_tcpsrv_start(&W.srv[k], W.shard[k], 1, 0, e, sizeof e) == 0, "%s", e);
    }
    snprintf(W.stub, sizeof W.stub, "%s/stub", W.dir);
    snprintf(W.single, sizeof W.single, "%s/single", W.dir);
    write_stub(W.stub, W.srv, NSHARDS, NULL);
    ck_assert_int_eq(indexer(NULL, "--db", W.stub, g_corpus, NULL), 0);
    ck_assert_int_eq(indexer(NULL, "--db", W.single, g_corpus, NULL), 0);
}

static void writes_teardown(void)
{
    for (int k = 0; k < NSHARDS; k++)
        sou_xapsrv_stop(&W.srv[k]);
    sou_test_rmtree(W.dir);
}

START_TEST(replace_and_delete_route)
{
    char in[4300];
    const char *id = "002_90e83fe1bcde53a9", *gone = "001_dd3610d66644acdd";
    unsigned home = sou_shard_of(id, strlen(id), NSHARDS), home2 = sou_shard_of(gone, strlen(gone), NSHARDS);
    snprintf(in, sizeof in, "%s/replace.jsonl", W.dir);
    write_file(in, "{\"id\":\"002_90e83fe1bcde53a9\",\"title\":\"替换后的标题\",\"body\":\"麒麟独角兽出现在替换后的正文里。\"}\n");
    /* Long seed articles are several passage documents, all on one shard. */
    for (int k = 0; k < NSHARDS; k++) {
        ck_assert_uint_eq(id_docs(W.shard[k], gone) > 1, k == (int)home2);
        ck_assert_uint_eq(id_docs(W.shard[k], gone) == 0, k != (int)home2);
    }
    for (int side = 0; side < 2; side++) {
        const char *db = side ? W.stub : W.single;
        ck_assert_int_eq(indexer(NULL, "--db", db, in, NULL), 0);
        ck_assert_int_eq(indexer(NULL, "--db", db, "--delete", gone, NULL), 0);
    }
    for (int k = 0; k < NSHARDS; k++) {
        ck_assert_uint_eq(id_count(W.shard[k], id), k == (int)home);
        ck_assert_uint_eq(id_docs(W.shard[k], id), k == (int)home); /* the old passages are gone */
        ck_assert_uint_eq(id_docs(W.shard[k], gone), 0);             /* every passage */
    }
    ck_assert_uint_eq(shard_docs(W.shard[0]) + shard_docs(W.shard[1]) + shard_docs(W.shard[2]), 3);
    sou_error err = {0};
    sou_searcher *a = sou_searcher_open(W.single, &err), *b = sou_searcher_open(W.stub, &err);
    ck_assert(a && b);
    json_t *r = search_json(b, "{\"q\": \"麒麟独角兽\"}", &err);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "total")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r, "hits"), 0), "id")), id);
    json_decref(r);
    compare_answers(a, b, "{\"q\": \"麒麟独角兽\"}");
    compare_answers(a, b, "{\"q\": \"医保\"}");
    json_t *d = sou_get_document(b, gone, NULL, &err);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(err.code, SOU_ENOTFOUND);
    sou_searcher_free(a);
    sou_searcher_free(b);
}
END_TEST

START_TEST(shard_marks_checked)
{
    char path[4300], *err = NULL;
    sou_xapsrv swapped[NSHARDS] = {W.srv[1], W.srv[0], W.srv[2]};
    snprintf(path, sizeof path, "%s/swapped.stub", W.dir);
    write_stub(path, swapped, NSHARDS, NULL);
    ck_assert_int_eq(indexer(&err, "--db", path, g_corpus, NULL), 3);
    ck_assert_msg(strstr(err, "swapped.stub:1 (remote ") && strstr(err, "is shard 1 of 3 but is listed as shard 0"),
                  "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/short.stub", W.dir);
    write_stub(path, W.srv, 2, NULL);
    ck_assert_int_eq(indexer(&err, "--db", path, g_corpus, NULL), 3);
    ck_assert_msg(strstr(err, "is shard 0 of a 3-shard index, but the stub lists 2 shards"), "%s", err);
    free(err);
    /* A database not written by the sharded indexer cannot become a shard. */
    snprintf(path, sizeof path, "%s/alien.stub", W.dir);
    char text[4400];
    snprintf(text, sizeof text, "auto %s\n", W.single);
    write_file(path, text);
    ck_assert_int_eq(indexer(&err, "--db", path, g_corpus, NULL), 3);
    ck_assert_msg(strstr(err, "but no shard mark"), "%s", err);
    free(err);
    /* Nothing was written anywhere. */
    ck_assert_uint_eq(shard_docs(W.shard[0]) + shard_docs(W.shard[1]) + shard_docs(W.shard[2]), 4);
    /* A server that is down is named with its stub line. */
    sou_xapsrv_stop(&W.srv[2]);
    ck_assert_int_eq(indexer(&err, "--db", W.stub, g_corpus, NULL), 3);
    ck_assert_msg(strstr(err, "stub:3 (remote ") && strstr(err, "Connection refused"), "%s", err);
    free(err);
}
END_TEST

/* indexer --batch 1 --db stub - with its stdin from a pipe we hold. */
static pid_t indexer_piped(const char *db, int *to)
{
    int p[2];
    char *prog = bin("indexer");
    ck_assert_int_eq(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(p[0], 0);
        close(p[1]);
        execl(prog, prog, "--quiet", "--batch", "1", "--db", db, "-", (char *)NULL);
        _exit(127);
    }
    close(p[0]);
    free(prog);
    *to = p[1];
    return pid;
}

START_TEST(killed_run_reported_and_repaired)
{
    char in[4300], *err = NULL;
    int to;
    unsigned before = 0, n = 60;
    for (int k = 0; k < NSHARDS; k++)
        before += shard_docs(W.shard[k]);
    snprintf(in, sizeof in, "%s/killed.jsonl", W.dir);
    FILE *f = fopen(in, "w");
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "{\"id\":\"k%u\",\"title\":\"第%u篇\",\"body\":\"中断测试的正文%u。\"}\n", i, i, i);
    fclose(f);
    /* Half the input, each document committed on its shard (--batch 1),
     * then SIGKILL: the shards stay "running", the rest never came.  The
     * blank lines fill the reader's first read (zlib reads until its
     * buffer is full), so the documents are indexed while we wait. */
    pid_t pid = indexer_piped(W.stub, &to);
    f = fopen(in, "r");
    char line[256], blank[4096];
    for (unsigned i = 0; i < n / 2 && fgets(line, sizeof line, f); i++)
        ck_assert_int_eq(write(to, line, strlen(line)), (ssize_t)strlen(line));
    fclose(f);
    memset(blank, '\n', sizeof blank);
    for (int i = 0; i < 512; i++) /* 2 MiB */
        ck_assert_int_eq(write(to, blank, sizeof blank), (ssize_t)sizeof blank);
    unsigned now = 0;
    for (double t0 = now_s(); now_s() - t0 < 20 && now < before + n / 2; usleep(50000)) {
        now = 0;
        for (int k = 0; k < NSHARDS; k++)
            now += shard_docs(W.shard[k]);
    }
    ck_assert_uint_eq(now, before + n / 2);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(to);
    /* The next run says so, and indexing the input again repairs it. */
    ck_assert_int_eq(indexer(&err, "--db", W.stub, in, NULL), 0);
    ck_assert_msg(strstr(err, "did not finish on shards 0, 1, 2") && strstr(err, "run the same inputs again"), "%s",
                  err);
    free(err);
    now = 0;
    for (int k = 0; k < NSHARDS; k++)
        now += shard_docs(W.shard[k]);
    ck_assert_uint_eq(now, before + n);
    for (unsigned i = 0; i < n; i += 7) {
        char id[16];
        snprintf(id, sizeof id, "k%u", i);
        unsigned home = sou_shard_of(id, strlen(id), NSHARDS);
        for (int k = 0; k < NSHARDS; k++)
            ck_assert_uint_eq(id_count(W.shard[k], id), k == (int)home);
    }
    ck_assert_int_eq(indexer(&err, "--db", W.stub, "--delete", "k1", NULL), 0);
    ck_assert_msg(!strstr(err, "did not finish"), "a finished run is still reported: %s", err);
    free(err);
}
END_TEST

/* ------------------------------------------------------------ failures */

typedef struct {
    char dir[2048], stub[4200];
    sou_xapsrv srv[NSHARDS];
    sou_testserver sd;
    json_t *full; /* the answer with every shard up */
} ffix;
static ffix F;

static const char *const FAST[] = {"--threads",       "2",   "--shard-timeout", "400", "--shard-retry", "200",
                                   "--shard-refresh", "300", "--shard-connect-timeout", "300", NULL};

static json_t *http_search(const char *q, int *status)
{
    char *enc = sou_test_urlencode(q), *target = NULL;
    ck_assert_int_ge(asprintf(&target, "/search?q=%s&limit=100", enc), 0);
    json_t *j = sou_test_http_json(F.sd.http_port, target, status);
    free(enc);
    free(target);
    return j;
}

/* Read-only servers of their own on the shards built by main(). */
static void failures_setup(void)
{
    char e[256];
    subdir(F.dir, sizeof F.dir, "failures");
    for (int k = 0; k < NSHARDS; k++)
        ck_assert_msg(sou_tcpsrv_start(&F.srv[k], g_shard_dir[k], 0, 0, e, sizeof e) == 0, "%s", e);
    snprintf(F.stub, sizeof F.stub, "%s/stub", F.dir);
    write_stub(F.stub, F.srv, NSHARDS, NULL);
    ck_assert_msg(sou_testserver_start(&F.sd, F.stub, FAST, e, sizeof e) == 0, "%s", e);
    /* The first searches open the remote shards: under ASan on a loaded
     * machine one can outlast FAST's 400 ms and come back partial.  The
     * tests are about later failures, so warm up until every shard answers. */
    int status = 0;
    for (int attempt = 0; attempt < 20; attempt++) {
        json_decref(F.full);
        F.full = http_search("医保", &status);
        ck_assert_int_eq(status, 200);
        if (json_is_false(json_object_get(F.full, "partial")))
            break;
        usleep(200 * 1000);
    }
    ck_assert(json_is_false(json_object_get(F.full, "partial")));
}

static void failures_teardown(void)
{
    sou_testserver_stop(&F.sd);
    for (int k = 0; k < NSHARDS; k++)
        sou_xapsrv_stop(&F.srv[k]);
    json_decref(F.full);
    F.full = NULL;
    sou_test_rmtree(F.dir);
}

/* Every hit of a partial answer comes from a shard that answered, and is a
 * hit of the full answer with the same score. */
static void check_partial(json_t *a, int down)
{
    ck_assert(json_is_true(json_object_get(a, "partial")));
    json_t *sh = json_object_get(a, "shards");
    ck_assert_int_eq(json_integer_value(json_object_get(sh, "total")), NSHARDS);
    ck_assert_int_eq(json_integer_value(json_object_get(sh, "answered")), NSHARDS - 1);
    ck_assert_uint_eq(json_array_size(json_object_get(sh, "failed")), 1);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(sh, "failed"), 0)), F.srv[down].addr);
    size_t i;
    json_t *h;
    ck_assert_uint_gt(json_array_size(json_object_get(a, "hits")), 0);
    json_array_foreach(json_object_get(a, "hits"), i, h)
    {
        const char *id = json_string_value(json_object_get(h, "id"));
        ck_assert_uint_ne(sou_shard_of(id, strlen(id), NSHARDS), (unsigned)down);
    }
    ck_assert_int_le(json_integer_value(json_object_get(a, "total")), json_integer_value(json_object_get(F.full, "total")));
}

/* Wait (at most 5 s) until searchd answers from every shard again. */
static void wait_complete(void)
{
    for (double t0 = now_s(); now_s() - t0 < 5; usleep(100000)) {
        int status = 0;
        json_t *a = http_search("医保", &status);
        int done = status == 200 && json_is_false(json_object_get(a, "partial"));
        if (done)
            ck_assert(json_equal(json_object_get(a, "hits"), json_object_get(F.full, "hits")));
        json_decref(a);
        if (done)
            return;
    }
    ck_abort_msg("searchd did not use the shard again within 5 s");
}

START_TEST(shard_down_partial_then_back)
{
    char e[256];
    int status = 0, port = F.srv[1].port;
    sou_xapsrv_stop(&F.srv[1]);
    for (int i = 0; i < 3; i++) { /* both workers, and again */
        json_t *a = http_search("医保", &status);
        ck_assert_int_eq(status, 200);
        check_partial(a, 1);
        json_decref(a);
    }
    /* the line protocol says the same */
    sou_testconn c;
    ck_assert_int_eq(sou_testconn_open(&c, F.sd.line_port), 0);
    json_t *a = sou_testconn_call(&c, "SEARCH 医保");
    check_partial(a, 1);
    json_decref(a);
    sou_testconn_close(&c);
    json_t *h = sou_test_http_json(F.sd.http_port, "/health", &status);
    ck_assert_int_eq(status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(h, "status")), "degraded");
    json_t *s1 = json_array_get(json_object_get(h, "shards"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(s1, "status")), "down");
    ck_assert_msg(strstr(json_string_value(json_object_get(s1, "error")), "Connection refused"), "%s",
                  json_string_value(json_object_get(s1, "error")));
    json_decref(h);
    /* An article on the shard that is down is unavailable, not absent. */
    const char *away = NULL;
    size_t hi;
    json_t *fh;
    json_array_foreach(json_object_get(F.full, "hits"), hi, fh)
    {
        const char *id = json_string_value(json_object_get(fh, "id"));
        if (!away && sou_shard_of(id, strlen(id), NSHARDS) == 1)
            away = id;
    }
    ck_assert_ptr_nonnull(away);
    char target[300];
    snprintf(target, sizeof target, "/doc/%s", away);
    json_t *d = sou_test_http_json(F.sd.http_port, target, &status);
    ck_assert_int_eq(status, 503);
    ck_assert_msg(strstr(json_string_value(json_object_get(json_object_get(d, "error"), "message")),
                         "is not on the shards that answered"),
                  "%s", json_string_value(json_object_get(json_object_get(d, "error"), "message")));
    json_decref(d);
    /* /metrics says which shard is down */
    char *metrics = NULL, want[128];
    ck_assert_int_eq(sou_test_http(F.sd.http_port, "GET", "/metrics", NULL, &status, NULL, &metrics), 0);
    snprintf(want, sizeof want, "sou_shard_up{shard=\"1\",address=\"%s\"} 0", F.srv[1].addr);
    ck_assert_msg(strstr(metrics, want), "no %s in\n%s", want, metrics);
    snprintf(want, sizeof want, "sou_shard_up{shard=\"0\",address=\"%s\"} 1", F.srv[0].addr);
    ck_assert_msg(strstr(metrics, want), "no %s", want);
    free(metrics);
    /* The server comes back on its port: used again, no restart. */
    ck_assert_msg(sou_tcpsrv_start(&F.srv[1], g_shard_dir[1], 0, port, e, sizeof e) == 0, "%s", e);
    wait_complete();
    h = sou_test_http_json(F.sd.http_port, "/health", &status);
    ck_assert_int_eq(status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(h, "status")), "ok");
    json_decref(h);
}
END_TEST

START_TEST(shard_hung_partial_then_back)
{
    int status = 0;
    ck_assert_int_eq(sou_xapsrv_pause(&F.srv[2], 1), 0);
    for (int i = 0; i < 3; i++) {
        double t0 = now_s();
        json_t *a = http_search("医保", &status);
        ck_assert_int_eq(status, 200);
        check_partial(a, 2);
        /* At most one answer timeout (400 ms) and a retry, never more. */
        ck_assert_msg(now_s() - t0 < 2.0, "a partial answer took %.2f s", now_s() - t0);
        json_decref(a);
    }
    ck_assert_int_eq(sou_xapsrv_pause(&F.srv[2], 0), 0);
    wait_complete();
}
END_TEST

START_TEST(all_shards_down)
{
    int status = 0;
    for (int k = 0; k < NSHARDS; k++)
        sou_xapsrv_stop(&F.srv[k]);
    json_t *a = http_search("医保", &status);
    ck_assert_int_eq(status, 503);
    ck_assert_msg(strstr(json_string_value(json_object_get(json_object_get(a, "error"), "message")), "is answering"),
                  "%s", json_dumps(a, 0));
    json_decref(a);
    json_t *h = sou_test_http_json(F.sd.http_port, "/health", &status);
    ck_assert_int_eq(status, 503);
    ck_assert_str_eq(json_string_value(json_object_get(h, "status")), "unavailable");
    json_decref(h);
}
END_TEST

/* The replica test: a loop that keeps searching over one line connection. */
typedef struct {
    int port;
    volatile int stop;
    int answers, errors, partial;
    char last_error[512];
} searcher_loop;

static void *search_loop(void *arg)
{
    searcher_loop *l = arg;
    sou_testconn c;
    if (sou_testconn_open(&c, l->port) < 0) {
        l->errors++;
        return NULL;
    }
    while (!l->stop) {
        json_t *a = sou_testconn_call(&c, "SEARCH 医保");
        if (!a || json_object_get(a, "error")) {
            l->errors++;
            if (a) {
                char *s = json_dumps(a, JSON_COMPACT);
                snprintf(l->last_error, sizeof l->last_error, "%s", s);
                free(s);
            }
        } else if (json_is_true(json_object_get(a, "partial"))) {
            l->partial++;
        }
        l->answers++;
        json_decref(a);
        usleep(10000);
    }
    sou_testconn_close(&c);
    return NULL;
}

static int replicate(const sou_xapsrv *rs, const char *replica)
{
    char port[16];
    snprintf(port, sizeof port, "%d", rs->port);
    const char *argv[] = {"/usr/bin/xapian-replicate", "-h", "127.0.0.1", "-p", port, "-m", "m", "-o", replica, NULL};
    char *out = NULL, *err = NULL;
    int rc = sou_test_run(argv, &out, &err);
    if (rc != 0)
        fprintf(stderr, "xapian-replicate: %s%s\n", out, err);
    free(out);
    free(err);
    return rc;
}

START_TEST(replica_takes_over_and_catches_up)
{
    char e[256], master_dir[4300], master[4400], replica[4300], stub[4300], after[128], in[4300];
    sou_xapsrv rs, msrv, rsrv;
    sou_testserver sd;
    int status = 0;

    /* A master database, served, and its replica through xapian-replicate. */
    snprintf(master_dir, sizeof master_dir, "%s/master", F.dir);
    snprintf(master, sizeof master, "%s/m", master_dir);
    snprintf(replica, sizeof replica, "%s/replica", F.dir);
    ck_assert_int_eq(mkdir(master_dir, 0777), 0);
    ck_assert_int_eq(indexer(NULL, "--db", master, g_corpus, NULL), 0);
    ck_assert_msg(sou_replsrv_start(&rs, master_dir, e, sizeof e) == 0, "%s", e);
    ck_assert_int_eq(replicate(&rs, replica), 0);
    ck_assert_msg(sou_tcpsrv_start(&msrv, master, 0, 0, e, sizeof e) == 0, "%s", e);
    ck_assert_msg(sou_tcpsrv_start(&rsrv, replica, 0, 0, e, sizeof e) == 0, "%s", e);
    snprintf(stub, sizeof stub, "%s/replicated.stub", F.dir);
    snprintf(after, sizeof after, "#sou-replica %s\n", rsrv.addr);
    write_stub(stub, &msrv, 1, after);
    ck_assert_msg(sou_testserver_start(&sd, stub, FAST, e, sizeof e) == 0, "%s", e);

    /* The master's server dies: the replica answers, nothing is partial. */
    sou_xapsrv_stop(&msrv);
    for (int i = 0; i < 3; i++) {
        char *enc = sou_test_urlencode("医保");
        char target[256];
        snprintf(target, sizeof target, "/search?q=%s", enc);
        free(enc);
        json_t *a = sou_test_http_json(sd.http_port, target, &status);
        ck_assert_int_eq(status, 200);
        ck_assert(json_is_false(json_object_get(a, "partial")));
        ck_assert_int_eq(json_integer_value(json_object_get(a, "total")), 4);
        json_decref(a);
    }
    json_t *h = sou_test_http_json(sd.http_port, "/health", &status);
    json_t *s0 = json_array_get(json_object_get(h, "shards"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(s0, "address")), rsrv.addr);
    ck_assert_uint_eq(json_array_size(json_object_get(s0, "replicas")), 2);
    json_decref(h);

    /* An update on the master reaches the replica (a full copy swapped in
     * through the replica's stub) while searchd goes on answering. */
    snprintf(in, sizeof in, "%s/new.jsonl", F.dir);
    write_file(in, "{\"id\":\"fresh1\",\"title\":\"医保新规\",\"body\":\"医保麒麟独角兽条款今日生效。\"}\n");
    ck_assert_int_eq(indexer(NULL, "--db", master, in, NULL), 0);
    searcher_loop loop = {.port = sd.line_port};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, search_loop, &loop), 0);
    usleep(300000);
    ck_assert_int_eq(replicate(&rs, replica), 0);
    int seen = 0;
    for (double t0 = now_s(); now_s() - t0 < 5 && !seen; usleep(100000)) {
        json_t *a = sou_test_http_json(sd.http_port, "/search?q=%E9%BA%92%E9%BA%9F%E7%8B%AC%E8%A7%92%E5%85%BD",
                                       &status);
        seen = status == 200 && json_integer_value(json_object_get(a, "total")) == 1;
        json_decref(a);
    }
    usleep(300000);
    loop.stop = 1;
    pthread_join(th, NULL);
    ck_assert_msg(seen, "the update did not show through the replica within 5 s");
    ck_assert_int_ge(loop.answers, 10);
    ck_assert_msg(loop.errors == 0 && loop.partial == 0, "%d answers, %d errors (%s), %d partial during the swap",
                  loop.answers, loop.errors, loop.last_error, loop.partial);
    sou_testserver_stop(&sd);
    sou_xapsrv_stop(&rsrv);
    sou_xapsrv_stop(&rs);
}
END_TEST

/* ------------------------------------------------------------ suite */

static Suite *cluster_suite(void)
{
    Suite *s = suite_create("cluster");
    TCase *units = tcase_create("units");
    tcase_add_test(units, stub_parser);
    tcase_add_test(units, routing_hash);
    suite_add_tcase(s, units);
    TCase *ident = tcase_create("identical");
    tcase_set_timeout(ident, 120);
    tcase_add_test(ident, identical_remote);
    tcase_add_test(ident, identical_local);
    tcase_add_test(ident, identical_weights);
    tcase_add_test(ident, local_layout);
    tcase_add_test(ident, sharded_info);
    suite_add_tcase(s, ident);
    TCase *writes = tcase_create("writes");
    tcase_set_timeout(writes, 120);
    tcase_add_checked_fixture(writes, writes_setup, writes_teardown);
    tcase_add_test(writes, replace_and_delete_route);
    tcase_add_test(writes, shard_marks_checked);
    tcase_add_test(writes, killed_run_reported_and_repaired);
    suite_add_tcase(s, writes);
    TCase *fail = tcase_create("failures");
    tcase_set_timeout(fail, 120);
    tcase_add_checked_fixture(fail, failures_setup, failures_teardown);
    tcase_add_test(fail, shard_down_partial_then_back);
    tcase_add_test(fail, shard_hung_partial_then_back);
    tcase_add_test(fail, all_shards_down);
    tcase_add_test(fail, replica_takes_over_and_catches_up);
    suite_add_tcase(s, fail);
    return s;
}

/* The shared indexes (see the top of the file). */
static int build_shared(void)
{
    char e[256];
    if (!(g_tmp = sou_test_tmpdir("cluster")))
        return -1;
    snprintf(g_corpus, sizeof g_corpus, "%s/corpus", sou_test_source_dir());
    snprintf(g_jsonl, sizeof g_jsonl, "%s/generated.jsonl", g_tmp);
    snprintf(g_single, sizeof g_single, "%s/single", g_tmp);
    snprintf(g_stub, sizeof g_stub, "%s/remote.stub", g_tmp);
    snprintf(g_local, sizeof g_local, "%s/local", g_tmp);
    gen_corpus(g_jsonl, NGEN);
    for (int k = 0; k < NSHARDS; k++) {
        snprintf(g_shard_dir[k], sizeof g_shard_dir[k], "%s/shard%d", g_tmp, k);
        if (sou_tcpsrv_start(&g_wsrv[k], g_shard_dir[k], 1, 0, e, sizeof e) < 0) {
            fprintf(stderr, "check_cluster: xapian-tcpsrv: %s\n", e);
            return -1;
        }
    }
    write_stub(g_stub, g_wsrv, NSHARDS, NULL);
    const char *fail = NULL;
    if (indexer(NULL, "--db", g_single, g_corpus, g_jsonl, NULL) != 0)
        fail = g_single;
    else if (indexer(NULL, "--db", g_stub, g_corpus, g_jsonl, NULL) != 0)
        fail = g_stub;
    else if (indexer(NULL, "--db", g_local, "--shards", "3", g_corpus, g_jsonl, NULL) != 0)
        fail = g_local;
    if (fail) {
        fprintf(stderr, "check_cluster: indexing into %s failed\n", fail);
        return -1;
    }
    return 0;
}

int main(void)
{
    int failed = 1;
    if (build_shared() == 0) {
        SRunner *sr = srunner_create(cluster_suite());
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
    }
    for (int k = 0; k < NSHARDS; k++)
        sou_xapsrv_stop(&g_wsrv[k]);
    if (g_tmp)
        sou_test_rmtree(g_tmp);
    free(g_tmp);
    return failed ? 1 : 0;
}
