/*
 * check_index.c: end to end, corpus/ -> indexer -> Xapian, checked through
 * the shim (indexer/index_writer.h, document.h, the indexer program).
 *
 * core:   corpus/ indexed by $SOU_BIN_DIR/indexer and by sou_index_run with
 *         1 and 3 threads: 4 documents, 参保 in all four with positions, 兰州
 *         only in 003 (001 names it in its footer), S-prefixed title terms,
 *         no footer bigrams, unigrams without positions, the date value and
 *         the stored JSON.
 * update: re-indexing replaces (still 4), a changed document replaces its
 *         old version, repeated ids in one input, --delete.
 * errors: a second writer gets "database is locked", a JSONL file with a bad
 *         line exits 1 yet indexes the rest, a directory that is not an
 *         index is refused, a stop request still leaves an openable index.
 * Each test works in its own mkdtemp() directory, removed afterwards.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "index_writer.h"
#include "nearcopy.h"
#include "progress.h"
#include "replaces.h"
#include "schema.h"
#include "sou_testserver.h"
#include "sou_xapian.h"

#define ID000 "000_ac1cf03b7f701441"
#define ID001 "001_dd3610d66644acdd"
#define ID003 "003_1bdcc1241bf11e8e"

/* ------------------------------------------------------------ helpers */

static char *tmpdir; /* owned; made by tmp_setup, removed by tmp_teardown */

static void tmp_setup(void)
{
    tmpdir = sou_test_tmpdir("index");
    ck_assert_ptr_nonnull(tmpdir);
}

static void tmp_teardown(void)
{
    sou_test_rmtree(tmpdir);
    free(tmpdir);
    tmpdir = NULL;
}

static void corpus_dir(char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/corpus", sou_test_source_dir());
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Run $SOU_BIN_DIR/indexer with args (NULL-terminated); its stdout and
 * stderr go into out (cap bytes, NUL-terminated).  Returns the exit status. */
static int run_indexer(char *out, size_t cap, const char *const *args)
{
    char prog[1024], outpath[128];
    const char *argv[32];
    int n = 0, status, fd;
    pid_t pid;
    FILE *f;
    size_t got;

    snprintf(prog, sizeof prog, "%s/indexer", sou_test_bin_dir());
    snprintf(outpath, sizeof outpath, "%s/indexer.out", tmpdir);
    argv[n++] = prog;
    while (*args && n < 31)
        argv[n++] = *args++;
    argv[n] = NULL;
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
            _exit(126);
        dup2(fd, 1);
        dup2(fd, 2);
        execv(prog, (char *const *)argv);
        _exit(127);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    f = fopen(outpath, "r");
    ck_assert_ptr_nonnull(f);
    got = fread(out, 1, cap - 1, f);
    out[got] = '\0';
    fclose(f);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status); /* as a shell says it */
    ck_assert_msg(WIFEXITED(status), "indexer died: %s", out);
    ck_assert_msg(WEXITSTATUS(status) != 127, "cannot run %s", prog);
    return WEXITSTATUS(status);
}

#define CK_OK(call)                                                               \
    do {                                                                          \
        sx_error e_ = {SX_OK, "", ""};                                            \
        sx_error *err = &e_;                                                      \
        sx_status st_ = (call);                                                   \
        ck_assert_msg(st_ == SX_OK, "%s -> %d: %s", #call, (int)st_, e_.message); \
    } while (0)

static sx_db *open_ro(const char *path)
{
    sx_db *db = NULL;
    CK_OK(sx_db_open_readonly(path, &db, err));
    return db;
}

static unsigned termfreq(sx_db *db, const char *term)
{
    unsigned n = 0;
    CK_OK(sx_db_termfreq(db, term, strlen(term), &n, err));
    return n;
}

/* Articles (schema.h: the first passage of each carries SOU_TERM_ARTICLE);
 * a long article is several Xapian documents. */
static unsigned doccount(sx_db *db)
{
    return termfreq(db, SOU_TERM_ARTICLE);
}

typedef struct {
    sx_db *db;
    char seen[64][256];
    unsigned n;
} article_set;

static int add_article(unsigned docid, void *ctx)
{
    article_set *a = ctx;
    sx_doc *d = NULL;
    char *v = NULL;
    size_t len = 0;
    CK_OK(sx_db_get_document(a->db, docid, &d, err));
    char *data = NULL;
    CK_OK(sx_doc_get_data(d, &data, &len, err));
    sx_doc_free(d);
    json_t *j = json_loadb(data, len, 0, NULL);
    free(data);
    v = strdup(json_string_value(json_object_get(j, "id"))); /* the article id, in every passage's data */
    json_decref(j);
    unsigned i;
    for (i = 0; i < a->n; i++)
        if (!strcmp(a->seen[i], v))
            break;
    if (i == a->n && a->n < 64)
        snprintf(a->seen[a->n++], sizeof a->seen[0], "%s", v);
    free(v);
    return 0;
}

/* Articles having term in some passage. */
static unsigned articles_with(sx_db *db, const char *term)
{
    static article_set a;
    a.db = db;
    a.n = 0;
    CK_OK(sx_db_each_posting(db, term, strlen(term), add_article, &a, err));
    return a.n;
}

/* Documents matching every term that starts with prefix (how searchd looks
 * up a single character). */
static unsigned prefix_matches(sx_db *db, const char *prefix)
{
    sx_error qe = {SX_OK, "", ""};
    sx_query *q = sx_query_prefix(prefix, strlen(prefix), 0, &qe);
    sx_enquire *e = sx_enquire_new(db, &qe);
    sx_mset *m = NULL;
    ck_assert_msg(q && e, "%s", qe.message);
    CK_OK(sx_enquire_set_query(e, q, err));
    CK_OK(sx_enquire_set_collapse(e, SOU_VALUE_ARTICLE, 1, err)); /* articles, not passages */
    CK_OK(sx_enquire_run(e, 0, 100, 100, &m, err));
    unsigned n = sx_mset_size(m);
    sx_mset_free(m);
    sx_enquire_free(e);
    sx_query_free(q);
    return n;
}

static unsigned docid_of(sx_db *db, const char *id)
{
    char term[256];
    unsigned docid = 0;
    snprintf(term, sizeof term, "Q%s", id);
    CK_OK(sx_db_find_by_term(db, term, &docid, err));
    return docid;
}

static size_t npositions(sx_db *db, unsigned docid, const char *term, uint32_t *first)
{
    uint32_t *pos = NULL;
    size_t n = 0;
    CK_OK(sx_db_positions(db, docid, term, strlen(term), &pos, &n, err));
    if (first)
        *first = n ? pos[0] : 0;
    free(pos);
    return n;
}

/* The stored JSON of the document with this id (caller json_decref's). */
static json_t *data_of(sx_db *db, const char *id)
{
    sx_doc *doc = NULL;
    char *data = NULL;
    size_t len = 0;
    json_error_t jerr;
    json_t *obj;
    CK_OK(sx_db_get_document(db, docid_of(db, id), &doc, err));
    CK_OK(sx_doc_get_data(doc, &data, &len, err));
    obj = json_loadb(data, len, 0, &jerr);
    ck_assert_msg(obj != NULL, "stored data is not JSON: %s", jerr.text);
    free(data);
    sx_doc_free(doc);
    return obj;
}

static char *value_of(sx_db *db, const char *id, unsigned slot)
{
    sx_doc *doc = NULL;
    char *v = NULL;
    size_t len;
    CK_OK(sx_db_get_document(db, docid_of(db, id), &doc, err));
    CK_OK(sx_doc_get_value(doc, slot, &v, &len, err));
    sx_doc_free(doc);
    return v;
}

/* Everything the end-to-end test expects of an index of corpus/. */
static void check_corpus_index(const char *path)
{
    static const char *const ids[] = {ID000, ID001, "002_90e83fe1bcde53a9", ID003};
    static const char *const footer_only[] = {"声明", "投诉", "知识", "资讯"};
    sx_db *db = open_ro(path);
    uint32_t first;
    json_t *data;
    char *v;

    ck_assert_uint_eq(doccount(db), 4);
    /* the seeds are 2,300-3,900 characters: cut into passages (passage.h) */
    unsigned docs = 0;
    CK_OK(sx_db_doccount(db, &docs, err));
    ck_assert_uint_gt(docs, 4);
    ck_assert_uint_eq(articles_with(db, "参保"), 4);
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(npositions(db, docid_of(db, ids[i]), "参保", NULL) > 0, "%s", ids[i]);

    /* 兰州 is in 003's body and in 001's footer only */
    ck_assert_uint_eq(articles_with(db, "兰州"), 1);
    ck_assert_uint_gt(npositions(db, docid_of(db, ID003), "兰州", NULL), 0);
    for (size_t i = 0; i < sizeof footer_only / sizeof *footer_only; i++)
        ck_assert_msg(termfreq(db, footer_only[i]) == 0, "footer bigram %s indexed", footer_only[i]);

    /* title terms: 已经交了医疗保险怎么修改参保地 -> 参保 is the 13th bigram */
    ck_assert_uint_eq(articles_with(db, "S参保"), 4);
    ck_assert_uint_eq(npositions(db, docid_of(db, ID000), "S参保", &first), 1);
    ck_assert_uint_eq(first, 13);
    ck_assert_uint_eq(articles_with(db, "S2026"), 2); /* words in titles too: 000 and 002 */
    ck_assert_uint_eq(articles_with(db, "S社保"), 1); /* 003's first line */

    /* single characters: alone only at the end of a CJK run, no positions
     * (参保地 ends runs in every seed: "参保地”"); elsewhere a character is the
     * first half of a bigram, so the terms starting with it find it all */
    ck_assert_uint_eq(articles_with(db, "地"), 4);
    ck_assert_uint_eq(npositions(db, docid_of(db, ID000), "地", NULL), 0);
    ck_assert_uint_eq(termfreq(db, "兰"), 0); /* 兰 only ever starts 兰州 */
    ck_assert_uint_eq(prefix_matches(db, "兰"), 1);
    ck_assert_uint_eq(prefix_matches(db, "参"), 4);

    /* the stored fields and the date */
    data = data_of(db, ID000);
    ck_assert_str_eq(json_string_value(json_object_get(data, "id")), ID000);
    ck_assert_str_eq(json_string_value(json_object_get(data, "title")),
                     "已经交了医疗保险怎么修改参保地?(2026-02-06)");
    ck_assert_str_eq(json_string_value(json_object_get(data, "date")), "2026-02-06 08:00:01");
    ck_assert_ptr_null(strstr(json_string_value(json_object_get(data, "body")), "社保网声明"));
    json_decref(data);
    v = value_of(db, ID000, SOU_VALUE_DATE);
    ck_assert_str_eq(v, "20260206080001");
    free(v);
    v = value_of(db, ID000, SOU_VALUE_DATE_ASC); /* 9 - each digit */
    ck_assert_str_eq(v, "79739793919998");
    free(v);
    v = value_of(db, ID003, SOU_VALUE_DATE);
    ck_assert_str_eq(v, ""); /* no date */
    free(v);
    v = value_of(db, ID003, SOU_VALUE_DATE_ASC);
    ck_assert_str_eq(v, "");
    free(v);
    unsigned freq = 0;
    CK_OK(sx_db_value_freq(db, SOU_VALUE_DATE_ASC, &freq, err));
    ck_assert_uint_eq(freq, docs - termfreq(db, "Q" ID003)); /* every passage but undated 003's */
    sx_db_close(db);
}

static sou_index_result run_library(const char *db, const char *input, unsigned threads,
                                    sou_index_stats *stats)
{
    sou_index_options opt = {0};
    const char *inputs[1] = {input};
    sx_error err = {SX_OK, "", ""};
    sou_index_result r;

    opt.db_path = db;
    opt.threads = threads;
    r = sou_index_run(&opt, inputs, 1, NULL, 0, stats, &err);
    ck_assert_msg(r != SOU_INDEX_FAILED, "%s", err.message);
    return r;
}

/* ------------------------------------------------------------ core */

/* 《title》同时废止 and nothing else names a replaced law (replaces.h). */
START_TEST(replaced_titles)
{
    char out[256];
    const char *b = "第三十九条 本条例自2022年11月1日起施行。《个体工商户条例》同时废止。";
    size_t n = sou_replaced_titles(b, strlen(b), out, sizeof out);
    ck_assert_uint_eq(n, 2 + strlen("个体工商户条例"));
    ck_assert(out[0] == '\0' && out[1] == SOU_CANDIDATE_REPLACES);
    ck_assert(!memcmp(out + 2, "个体工商户条例", n - 2));
    b = "1997年7月7日国务院发布的《中华人民共和国契税暂行条例》（国务院令第224号）同时废止。";
    ck_assert_uint_eq(sou_replaced_titles(b, strlen(b), out, sizeof out), 2 + strlen("中华人民共和国契税暂行条例"));
    b = "《甲条例》和《乙办法》同时废止。";
    n = sou_replaced_titles(b, strlen(b), out, sizeof out);
    ck_assert_uint_eq(n, 2 + strlen("乙办法")); /* the one next to the formula */
    const char *none[] = {"《甲条例》予以废止。", "《甲条例》第十条同时废止。", "《甲条例》。同时废止",
                          "同时废止", "》同时废止", "《》同时废止", "《甲条例同时废止"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        ck_assert_msg(sou_replaced_titles(none[i], strlen(none[i]), out, sizeof out) == 0, "%s", none[i]);
    b = "《个体工商户条例》同时废止";
    ck_assert_uint_eq(sou_replaced_titles(b, strlen(b), out, 5), 0); /* does not fit */
}
END_TEST

START_TEST(corpus_program)
{
    char db[128], corpus[1024], out[8192], build[160];
    const char *args[] = {"--db", db, corpus, NULL};

    snprintf(db, sizeof db, "%s/db", tmpdir);
    corpus_dir(corpus, sizeof corpus);
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 0);
    ck_assert_msg(strstr(out, "4 added, 0 replaced, 0 deleted, 0 skipped") != NULL, "%s", out);
    check_corpus_index(db);
    snprintf(build, sizeof build, "%s.sou-build", db);
    ck_assert_int_ne(access(build, F_OK), 0); /* the shards are gone */
}
END_TEST

START_TEST(corpus_library)
{
    char db[128], corpus[1024];
    sou_index_stats stats;
    unsigned threads[] = {1, 3};

    corpus_dir(corpus, sizeof corpus);
    for (size_t i = 0; i < 2; i++) {
        snprintf(db, sizeof db, "%s/db%u", tmpdir, threads[i]);
        ck_assert_int_eq(run_library(db, corpus, threads[i], &stats), SOU_INDEX_OK);
        ck_assert_uint_eq(stats.added, 4);
        ck_assert_uint_eq(stats.read, 4);
        ck_assert_uint_eq(stats.threads, threads[i]);
        ck_assert_int_eq(stats.fresh, 1);
        ck_assert_uint_gt(stats.bytes, 20000);
        check_corpus_index(db);
    }
}
END_TEST

START_TEST(unigram_modes)
{
    char db[128], corpus[1024];
    sou_index_options opt = {0};
    const char *inputs[1] = {corpus};
    sx_error err;
    sx_db *x;

    corpus_dir(corpus, sizeof corpus);
    snprintf(db, sizeof db, "%s/pos", tmpdir);
    opt.db_path = db;
    opt.unigrams = SOU_UNIGRAMS_POSITIONS;
    ck_assert_int_eq(sou_index_run(&opt, inputs, 1, NULL, 0, NULL, &err), SOU_INDEX_OK);
    x = open_ro(db);
    ck_assert_uint_gt(npositions(x, docid_of(x, ID000), "参", NULL), 0);
    sx_db_close(x);

    snprintf(db, sizeof db, "%s/terms", tmpdir);
    opt.unigrams = SOU_UNIGRAMS_TERMS;
    ck_assert_int_eq(sou_index_run(&opt, inputs, 1, NULL, 0, NULL, &err), SOU_INDEX_OK);
    x = open_ro(db);
    ck_assert_uint_eq(articles_with(x, "参"), 4);
    ck_assert_uint_eq(npositions(x, docid_of(x, ID000), "参", NULL), 0);
    sx_db_close(x);

    snprintf(db, sizeof db, "%s/none", tmpdir);
    opt.unigrams = SOU_UNIGRAMS_NONE;
    ck_assert_int_eq(sou_index_run(&opt, inputs, 1, NULL, 0, NULL, &err), SOU_INDEX_OK);
    x = open_ro(db);
    ck_assert_uint_eq(termfreq(x, "参"), 0);
    ck_assert_uint_eq(articles_with(x, "参保"), 4);
    sx_db_close(x);
}
END_TEST

/* ------------------------------------------------------------ update */

START_TEST(reindex_replaces)
{
    char db[128], corpus[1024], out[8192], jsonl[128];
    const char *args[] = {"--db", db, corpus, NULL};
    const char *args2[] = {"--db", db, "--threads", "2", jsonl, NULL};
    sx_db *x;
    json_t *data;

    snprintf(db, sizeof db, "%s/db", tmpdir);
    corpus_dir(corpus, sizeof corpus);
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 0);
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 0);
    ck_assert_msg(strstr(out, "0 added, 4 replaced") != NULL, "%s", out);
    check_corpus_index(db);

    /* a new version of 000 replaces the old one; a new id is added */
    snprintf(jsonl, sizeof jsonl, "%s/update.jsonl", tmpdir);
    write_text(jsonl, "{\"id\":\"" ID000 "\",\"title\":\"新标题\",\"body\":\"重庆医保\"}\n"
                      "{\"id\":\"new-1\",\"title\":\"另一篇\",\"body\":\"新增文章\"}\n");
    ck_assert_int_eq(run_indexer(out, sizeof out, args2), 0);
    ck_assert_msg(strstr(out, "1 added, 1 replaced") != NULL, "%s", out);
    x = open_ro(db);
    ck_assert_uint_eq(doccount(x), 5);
    data = data_of(x, ID000);
    ck_assert_str_eq(json_string_value(json_object_get(data, "title")), "新标题");
    json_decref(data);
    ck_assert_uint_eq(articles_with(x, "参保"), 3); /* 000's old body is gone */
    ck_assert_uint_eq(termfreq(x, "重庆"), 1);
    sx_db_close(x);
}
END_TEST

START_TEST(repeated_ids)
{
    char db[128], jsonl[128];
    sou_index_stats stats;
    sx_db *x;
    json_t *data;

    snprintf(db, sizeof db, "%s/db", tmpdir);
    snprintf(jsonl, sizeof jsonl, "%s/dup.jsonl", tmpdir);
    write_text(jsonl, "{\"id\":\"d\",\"title\":\"一\",\"body\":\"第一版\"}\n"
                      "{\"id\":\"e\",\"title\":\"二\",\"body\":\"别的\"}\n"
                      "{\"id\":\"d\",\"title\":\"三\",\"body\":\"第二版\"}\n");
    ck_assert_int_eq(run_library(db, jsonl, 2, &stats), SOU_INDEX_OK);
    ck_assert_uint_eq(stats.added, 2);
    ck_assert_uint_eq(stats.replaced, 1);
    x = open_ro(db);
    ck_assert_uint_eq(doccount(x), 2);
    data = data_of(x, "d");
    ck_assert_str_eq(json_string_value(json_object_get(data, "body")), "第二版"); /* the last wins */
    json_decref(data);
    ck_assert_uint_eq(termfreq(x, "一版"), 0);
    sx_db_close(x);
}
END_TEST

START_TEST(delete_ids)
{
    char db[128], corpus[1024], out[8192];
    const char *args[] = {"--db", db, corpus, NULL};
    const char *del[] = {"--db", db, "--delete", ID003, "--delete", "no-such-id", NULL};
    sx_db *x;

    snprintf(db, sizeof db, "%s/db", tmpdir);
    corpus_dir(corpus, sizeof corpus);
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 0);
    ck_assert_int_eq(run_indexer(out, sizeof out, del), 0);
    ck_assert_msg(strstr(out, "1 deleted") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "1 --delete id was not in the index") != NULL, "%s", out);
    x = open_ro(db);
    ck_assert_uint_eq(doccount(x), 3);
    ck_assert_uint_eq(termfreq(x, "兰州"), 0);
    ck_assert_uint_eq(termfreq(x, "Q" ID003), 0);
    sx_db_close(x);
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(second_writer_locked)
{
    char db[128], corpus[1024], out[8192];
    const char *args[] = {"--db", db, corpus, NULL};
    sx_db *holder = NULL;

    snprintf(db, sizeof db, "%s/db", tmpdir);
    corpus_dir(corpus, sizeof corpus);
    CK_OK(sx_db_open_writable(db, SX_DB_CREATE_OR_OPEN, &holder, err));
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 3);
    ck_assert_msg(strstr(out, "database is locked") != NULL, "%s", out);
    ck_assert_msg(strstr(out, db) != NULL, "the message names the database: %s", out);
    /* the summary line too, after a database error (it was missing) */
    ck_assert_msg(strstr(out, "indexer: 0 added, 0 replaced") != NULL, "%s", out);
    sx_db_close(holder);
    /* once the other writer is gone, indexing works */
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 0);
    check_corpus_index(db);
}
END_TEST

/* The disk fills up (here: a file-size limit, so that writing past it
 * fails with EFBIG) in the middle of a run that commits every 50 articles:
 * exit status 3, the error, and a summary line that says how much of what
 * was indexed was lost with the open batch; the index holds exactly the
 * rest, every commit before the error. */
START_TEST(database_error_midway)
{
    char db[128], corpus[1024], gen[160], out[8192];
    const char *base[] = {"--db", db, corpus, NULL};
    const char *args[] = {"--db", db, "--batch", "50", gen, NULL};
    unsigned long added = 0, replaced = 0, lost = 0;
    struct rlimit fsize = {2u << 20, RLIM_INFINITY}, old;
    sx_db *x;
    FILE *f;

    snprintf(db, sizeof db, "%s/db", tmpdir);
    snprintf(gen, sizeof gen, "%s/gen.jsonl", tmpdir);
    corpus_dir(corpus, sizeof corpus);
    ck_assert_int_eq(run_indexer(out, sizeof out, base), 0);
    ck_assert_ptr_nonnull(f = fopen(gen, "w"));
    ck_assert_int_eq(sou_test_write_articles(f, 0, 4000, 1), 0);
    ck_assert_int_eq(fclose(f), 0);
    x = open_ro(db);
    unsigned base_articles = termfreq(x, "K");
    sx_db_close(x);

    signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails instead of killing; inherited */
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &fsize), 0);
    int status = run_indexer(out, sizeof out, args);
    setrlimit(RLIMIT_FSIZE, &old);
    ck_assert_msg(status == 3, "exit status %d: %s", status, out);
    ck_assert_msg(strstr(out, "File too large") != NULL || strstr(out, "too large") != NULL, "%s", out);
    /* the summary line: "indexer: N added, R replaced, ...[; L of them not committed ...]" */
    const char *sum = NULL;
    for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (sscanf(p, "indexer: %lu added, %lu replaced", &added, &replaced) == 2) {
            sum = p;
            break;
        }
    ck_assert_msg(sum != NULL, "no summary line: %s", out);
    const char *rb = strstr(sum, "; ");
    const char *eol = strchr(sum, '\n');
    if (rb && (!eol || rb < eol))
        ck_assert_int_eq(sscanf(rb, "; %lu of them not committed", &lost), 1);
    ck_assert_msg(added > 0 && added < 4000, "the limit did not stop the run half-way: %s", out);
    x = open_ro(db);
    ck_assert_msg(termfreq(x, "K") == base_articles + added - lost,
                  "the index holds %u articles; %u before, %lu added, %lu of them rolled back: %s",
                  termfreq(x, "K"), base_articles, added, lost, out);
    sx_db_close(x);
}
END_TEST

/* Runs of the indexer with tests/preload's faults in LD_PRELOAD (NULL:
 * none); fail / kill_at are the paths of SOU_FAULT_RENAME_FAIL / _KILL. */
static void preload_faults(int on, const char *fail, const char *kill_at)
{
    static char preload[1100], asan[1200];
    if (!on) {
        unsetenv("LD_PRELOAD");
        unsetenv("SOU_FAULT_RENAME_FAIL");
        unsetenv("SOU_FAULT_RENAME_KILL");
        return;
    }
    snprintf(preload, sizeof preload, "%s/sou_fault_preload.so", sou_test_bin_dir());
    ck_assert_msg(access(preload, F_OK) == 0, "%s is missing", preload);
    setenv("LD_PRELOAD", preload, 1);
    /* the sanitizer build's runtime wants to come first; here it cannot */
    if (!strstr(getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "", "verify_asan_link_order")) {
        snprintf(asan, sizeof asan, "%s%sverify_asan_link_order=0", getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "",
                 getenv("ASAN_OPTIONS") ? ":" : "");
        setenv("ASAN_OPTIONS", asan, 1);
    }
    if (fail)
        setenv("SOU_FAULT_RENAME_FAIL", fail, 1);
    if (kill_at)
        setenv("SOU_FAULT_RENAME_KILL", kill_at, 1);
}

/* A new index is built aside and swapped in.  Without renameat2's atomic
 * exchange the swap is two renames; the directory must never be lost: not
 * when the second rename fails, not when the indexer dies between them. */
START_TEST(swap_without_renameat2)
{
    char db[128], build[160], corpus[1024], out[8192];
    const char *args[] = {"--db", db, corpus, NULL};
    sx_db *x;

    corpus_dir(corpus, sizeof corpus);
    snprintf(db, sizeof db, "%s/db", tmpdir);
    snprintf(build, sizeof build, "%s/db.sou-build", tmpdir);

    /* the fallback works */
    preload_faults(1, NULL, NULL);
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 0);
    preload_faults(0, NULL, NULL);
    check_corpus_index(db);
    ck_assert_int_ne(access(build, F_OK), 0); /* cleaned up */
    sou_test_rmtree(db);

    /* the last rename fails: the old (empty) database is put back */
    preload_faults(1, db, NULL);
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 3);
    preload_faults(0, NULL, NULL);
    ck_assert_msg(strstr(out, "the old one is back") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "4 of them not committed") != NULL, "%s", out);
    x = open_ro(db);
    ck_assert_uint_eq(doccount(x), 0);
    sx_db_close(x);
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 0);
    check_corpus_index(db);
    sou_test_rmtree(db);

    /* killed between the renames: DIR is missing, and the next run puts
     * the finished index in place before it does anything else */
    preload_faults(1, NULL, db);
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 128 + SIGKILL);
    preload_faults(0, NULL, NULL);
    ck_assert_int_ne(access(db, F_OK), 0);
    {
        char jsonl[160];
        const char *more[] = {"--db", db, jsonl, NULL};
        snprintf(jsonl, sizeof jsonl, "%s/more.jsonl", tmpdir);
        write_text(jsonl, "{\"id\":\"more-1\",\"title\":\"又一篇\",\"body\":\"崩溃之后的新文章。\"}\n");
        ck_assert_int_eq(run_indexer(out, sizeof out, more), 0);
    }
    x = open_ro(db);
    ck_assert_uint_eq(termfreq(x, "K"), 5); /* the 4 of the killed run and the new one */
    ck_assert_uint_eq(termfreq(x, "Qmore-1"), 1);
    sx_db_close(x);
}
END_TEST

/* An indexer killed while Xapian was creating DIR left only what Xapian
 * writes before the version file (check_faults found it): the next run
 * takes DIR as new, it does not refuse it as "not a Xapian database". */
START_TEST(half_created_index)
{
    static const char *const left[] = {"flintlock", "postlist.glass", "termlist.glass", "v.tmp"};
    char db[128], file[160], corpus[1024], out[8192];
    const char *args[] = {"--db", db, corpus, NULL};

    snprintf(db, sizeof db, "%s/db", tmpdir);
    corpus_dir(corpus, sizeof corpus);
    ck_assert_int_eq(mkdir(db, 0777), 0);
    for (size_t i = 0; i < sizeof left / sizeof left[0]; i++) {
        snprintf(file, sizeof file, "%s/%s", db, left[i]);
        write_text(file, i ? "half a table" : "");
    }
    ck_assert_msg(run_indexer(out, sizeof out, args) == 0, "%s", out);
    check_corpus_index(db);
}
END_TEST

START_TEST(bad_jsonl_line)
{
    char db[128], jsonl[128], out[8192], expect[256];
    const char *args[] = {"--db", db, jsonl, NULL};
    sx_db *x;

    snprintf(db, sizeof db, "%s/db", tmpdir);
    snprintf(jsonl, sizeof jsonl, "%s/bad.jsonl", tmpdir);
    write_text(jsonl, "{\"id\":\"a\",\"title\":\"甲\",\"body\":\"第一篇\"}\n"
                      "{\"id\":\"b\",\"title\":\"乙\",\"body\":\n"
                      "{\"id\":\"c\",\"title\":\"丙\",\"body\":\"第三篇\"}\n");
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 1);
    snprintf(expect, sizeof expect, "%s:2: invalid JSON", jsonl);
    ck_assert_msg(strstr(out, expect) != NULL, "%s", out);
    ck_assert_msg(strstr(out, "2 added, 0 replaced, 0 deleted, 1 skipped") != NULL, "%s", out);
    x = open_ro(db);
    ck_assert_uint_eq(doccount(x), 2);
    ck_assert_uint_eq(termfreq(x, "Qc"), 1);
    sx_db_close(x);
}
END_TEST

START_TEST(not_an_index)
{
    char dir[128], file[160], out[8192];
    const char *args[] = {"--db", dir, file, NULL};

    snprintf(dir, sizeof dir, "%s/stuff", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0777), 0);
    snprintf(file, sizeof file, "%s/keep.txt", dir);
    write_text(file, "标题\n正文\n");
    ck_assert_int_eq(run_indexer(out, sizeof out, args), 3);
    ck_assert_msg(strstr(out, "not a Xapian database") != NULL, "%s", out);
    ck_assert_int_eq(access(file, F_OK), 0); /* untouched */

    /* usage errors */
    {
        const char *none[] = {"--db", dir, NULL};
        const char *bad[] = {"--db", dir, "--threads", "zero", file, NULL};
        ck_assert_int_eq(run_indexer(out, sizeof out, none), 2);
        ck_assert_int_eq(run_indexer(out, sizeof out, bad), 2);
    }
}
END_TEST

START_TEST(stop_requested)
{
    char db[128], corpus[1024];
    volatile sig_atomic_t stop = 1;
    sou_index_options opt = {0};
    const char *inputs[1] = {corpus};
    sou_index_stats stats;
    sx_error err;
    sx_db *x;

    corpus_dir(corpus, sizeof corpus);
    snprintf(db, sizeof db, "%s/db", tmpdir);
    opt.db_path = db;
    opt.stop = &stop;
    ck_assert_int_eq(sou_index_run(&opt, inputs, 1, NULL, 0, &stats, &err), SOU_INDEX_INTERRUPTED);
    ck_assert_uint_eq(stats.read, 0);
    x = open_ro(db); /* an empty index, but an index */
    ck_assert_uint_eq(doccount(x), 0);
    sx_db_close(x);
}
END_TEST

/* ------------------------------------------------------------ output */

START_TEST(progress_and_summary)
{
    sou_index_stats st = {0};
    sou_progress p;
    char buf[512];
    FILE *f = tmpfile();
    long size;

    st.read = 1200;
    st.added = 1000;
    st.replaced = 100;
    st.bytes = 3500000;
    st.seconds = 2.0;
    st.phase = "indexing";
    st.threads = 2;
    st.fresh = 1;

    /* not a terminal: no progress line at all */
    sou_progress_init(&p, f, -1);
    sou_progress_draw(&p, &st);
    sou_progress_clear(&p);
    fflush(f);
    ck_assert_int_eq(ftell(f), 0);

    /* forced on: redrawn in place, then erased */
    sou_progress_init(&p, f, 1);
    sou_progress_draw(&p, &st);
    fflush(f);
    size = ftell(f);
    rewind(f);
    ck_assert_uint_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    ck_assert_msg(buf[0] == '\r' && strstr(buf, "1200 docs read, 1100 indexed, 3.5 MB, 550 docs/s, 1.75 MB/s"),
                  "%s", buf + 1);
    fclose(f);

    sou_progress_summary(&st, buf, sizeof buf);
    ck_assert_str_eq(buf, "1000 added, 100 replaced, 0 deleted, 0 skipped, 3.5 MB in 2.00 s "
                          "(1.75 MB/s, 550 docs/s, 2 threads, new index)");
}
END_TEST

static Suite *index_suite(void)
{
    Suite *s = suite_create("index");
    TCase *core = tcase_create("core"), *update = tcase_create("update"),
          *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, tmp_setup, tmp_teardown);
    tcase_add_checked_fixture(update, tmp_setup, tmp_teardown);
    tcase_add_checked_fixture(errors, tmp_setup, tmp_teardown);
    tcase_add_test(core, replaced_titles);
    tcase_add_test(core, corpus_program);
    tcase_add_test(core, corpus_library);
    tcase_add_test(core, unigram_modes);
    tcase_add_test(update, reindex_replaces);
    tcase_add_test(update, repeated_ids);
    tcase_add_test(update, delete_ids);
    tcase_add_test(errors, second_writer_locked);
    tcase_add_test(errors, database_error_midway);
    tcase_add_test(errors, swap_without_renameat2);
    tcase_add_test(errors, half_created_index);
    tcase_add_test(errors, bad_jsonl_line);
    tcase_add_test(errors, not_an_index);
    tcase_add_test(errors, stop_requested);
    tcase_add_test(core, progress_and_summary);
    suite_add_tcase(s, core);
    suite_add_tcase(s, update);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(index_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
