/*
 * check_shim.c: the C API over Xapian (shim/sou_xapian.h).
 *
 * TCases: "core" (documents round trip, replace/delete, transactions, reopen,
 * compact), "queries" (every operator, value ranges, sorting, result bounds)
 * and "errors" (missing and locked databases, NULL arguments, bad ids).
 * Every test works in its own mkdtemp() directory under /tmp, removed after.
 */
#include <check.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sou_xapian.h"

/* ------------------------------------------------------------ helpers */

static char tmpdir[64];

static void tmp_setup(void)
{
    strcpy(tmpdir, "/tmp/sou_shim_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void tmp_teardown(void)
{
    if (tmpdir[0])
        nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    tmpdir[0] = '\0';
}

/* Path of name inside the test's directory (static buffer per call site). */
static const char *tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
    return buf;
}

#define CK_OK(call)                                                               \
    do {                                                                          \
        sx_error e_;                                                              \
        memset(&e_, 0, sizeof e_);                                                \
        sx_error *err = &e_;                                                      \
        sx_status st_ = (call);                                                   \
        ck_assert_msg(st_ == SX_OK, "%s -> %d: %s", #call, (int)st_, e_.message); \
    } while (0)

/* A test document: terms "w" at positions, in the order given. */
struct tdoc {
    const char *id;      /* without the Q prefix */
    const char *words;   /* space-separated, positions 1, 2, ... */
    const char *date;    /* value slot 0, or NULL */
    const char *data;    /* data blob, or NULL */
};

static unsigned add_tdoc(sx_db *db, const struct tdoc *t)
{
    sx_doc *doc = sx_doc_new();
    ck_assert_ptr_nonnull(doc);
    char idterm[64];
    snprintf(idterm, sizeof idterm, "Q%s", t->id);
    CK_OK(sx_doc_add_boolean_term(doc, idterm, strlen(idterm), err));
    uint32_t pos = 1;
    for (const char *p = t->words; *p;) {
        size_t n = strcspn(p, " ");
        if (n)
            CK_OK(sx_doc_add_posting(doc, p, n, pos++, err));
        p += n;
        p += strspn(p, " ");
    }
    if (t->date)
        CK_OK(sx_doc_set_value(doc, 0, t->date, strlen(t->date), err));
    if (t->data)
        CK_OK(sx_doc_set_data(doc, t->data, strlen(t->data), err));
    unsigned did = 0;
    CK_OK(sx_db_replace_by_term(db, idterm, doc, &did, err));
    sx_doc_free(doc);
    return did;
}

/* The query fixture: docids 1..4 in this order. */
static const struct tdoc fixture[] = {
    {"d1", "a b c", "2026-01-01", "{\"id\":\"d1\"}"},
    {"d2", "b a", "2025-06-01", "{\"id\":\"d2\"}"},
    {"d3", "a x x b", "2024-03-03", "{\"id\":\"d3\"}"},
    {"d4", "c d", "2023-01-01", "{\"id\":\"d4\"}"},
};

static sx_db *fixture_db(void)
{
    char path[128];
    sx_db *db = NULL;
    CK_OK(sx_db_open_writable(tmp_path(path, sizeof path, "fx"), SX_DB_CREATE, &db, err));
    for (size_t i = 0; i < sizeof fixture / sizeof fixture[0]; i++)
        ck_assert_uint_eq(add_tdoc(db, &fixture[i]), i + 1);
    CK_OK(sx_db_commit(db, err));
    return db;
}

static sx_query *term(const char *t)
{
    sx_query *q = sx_query_term(t, strlen(t), 1, 0, NULL);
    ck_assert_ptr_nonnull(q);
    return q;
}

/* Combine terms given as a NULL-terminated list. */
static sx_query *combine_terms(sx_query_op op, unsigned window, const char *first, ...)
{
    sx_query *subs[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *t = first; t; t = va_arg(ap, const char *)) {
        ck_assert_uint_lt(n, 8);
        subs[n++] = term(t);
    }
    va_end(ap);
    sx_error e;
    sx_query *q = sx_query_combine(op, (const sx_query *const *)subs, n, window, &e);
    ck_assert_msg(q != NULL, "combine: %s", e.message);
    for (size_t i = 0; i < n; i++)
        sx_query_free(subs[i]);
    return q;
}

/* Run q (freed here) and return the matching docids as a bit set (bit d). */
static unsigned match_set(sx_db *db, sx_query *q)
{
    sx_enquire *e = sx_enquire_new(db, NULL);
    ck_assert_ptr_nonnull(e);
    CK_OK(sx_enquire_set_query(e, q, err));
    sx_mset *m = NULL;
    CK_OK(sx_enquire_run(e, 0, 100, 0, &m, err));
    unsigned set = 0;
    for (unsigned i = 0; i < sx_mset_size(m); i++)
        set |= 1u << sx_mset_docid(m, i);
    sx_mset_free(m);
    sx_enquire_free(e);
    sx_query_free(q);
    return set;
}

#define D(n) (1u << (n))

/* Run q (freed here) and return the weight of docid, or -1 if not matched. */
static double weight_of(sx_db *db, sx_query *q, unsigned docid)
{
    sx_enquire *e = sx_enquire_new(db, NULL);
    ck_assert_ptr_nonnull(e);
    CK_OK(sx_enquire_set_query(e, q, err));
    sx_mset *m = NULL;
    CK_OK(sx_enquire_run(e, 0, 100, 0, &m, err));
    double w = -1;
    for (unsigned i = 0; i < sx_mset_size(m); i++)
        if (sx_mset_docid(m, i) == docid)
            w = sx_mset_weight(m, i);
    sx_mset_free(m);
    sx_enquire_free(e);
    sx_query_free(q);
    return w;
}

struct termlist {
    char text[512];
    unsigned count;
    unsigned stop_after; /* 0: never stop */
};

static int collect_term(const char *t, size_t len, unsigned wdf, void *ctx)
{
    struct termlist *tl = ctx;
    size_t used = strlen(tl->text);
    snprintf(tl->text + used, sizeof tl->text - used, "%.*s:%u ", (int)len, t, wdf);
    tl->count++;
    return tl->stop_after && tl->count >= tl->stop_after;
}

/* ------------------------------------------------------------ core */

START_TEST(test_status_strings)
{
    ck_assert_str_eq(sx_status_string(SX_OK), "success");
    ck_assert_str_eq(sx_status_string(SX_ERR_LOCKED), "database is locked");
    for (int s = SX_OK; s <= SX_ERR_UNKNOWN; s++)
        ck_assert_ptr_nonnull(sx_status_string((sx_status)s));
    ck_assert_ptr_nonnull(sx_status_string((sx_status)999));
    ck_assert_ptr_nonnull(sx_status_string((sx_status)-1));
}
END_TEST

START_TEST(test_round_trip)
{
    char path[128];
    tmp_path(path, sizeof path, "db");
    sx_db *w = NULL;
    CK_OK(sx_db_open_writable(path, SX_DB_CREATE, &w, err));

    sx_doc *doc = sx_doc_new();
    ck_assert_ptr_nonnull(doc);
    const char *data = "{\"title\":\"参保\",\"n\":1}";
    CK_OK(sx_doc_add_boolean_term(doc, "Q000_ab", 7, err));
    CK_OK(sx_doc_add_posting(doc, "参保", strlen("参保"), 1, err));
    CK_OK(sx_doc_add_posting(doc, "保地", strlen("保地"), 2, err));
    CK_OK(sx_doc_add_posting(doc, "参保", strlen("参保"), 7, err));
    CK_OK(sx_doc_add_posting(doc, "参保", strlen("参保"), 4, err));
    CK_OK(sx_doc_add_position(doc, "保地", strlen("保地"), 9, err)); /* a position, wdf stays 1 */
    CK_OK(sx_doc_add_term(doc, "nopos", 5, 3, err));
    CK_OK(sx_doc_add_boolean_term(doc, "Kpolicy", 7, err));
    CK_OK(sx_doc_set_value(doc, 0, "20260206", 8, err));
    CK_OK(sx_doc_set_value(doc, 3, "a\0b", 3, err)); /* values are binary-safe */
    CK_OK(sx_doc_set_data(doc, data, strlen(data), err));
    unsigned did = 0;
    CK_OK(sx_db_replace_by_term(w, "Q000_ab", doc, &did, err));
    ck_assert_uint_eq(did, 1);
    CK_OK(sx_db_commit(w, err));
    sx_doc_free(doc);
    sx_db_close(w);

    sx_db *r = NULL;
    CK_OK(sx_db_open_readonly(path, &r, err));
    unsigned n = 0;
    CK_OK(sx_db_doccount(r, &n, err));
    ck_assert_uint_eq(n, 1);
    CK_OK(sx_db_termfreq(r, "参保", strlen("参保"), &n, err));
    ck_assert_uint_eq(n, 1);
    CK_OK(sx_db_termfreq(r, "none", 4, &n, err));
    ck_assert_uint_eq(n, 0);
    CK_OK(sx_db_termfreq(r, "", 0, &n, err));
    ck_assert_uint_eq(n, 0);
    unsigned found = 0;
    CK_OK(sx_db_find_by_term(r, "Q000_ab", &found, err));
    ck_assert_uint_eq(found, did);

    uint32_t *pos = NULL;
    size_t count = 99;
    CK_OK(sx_db_positions(r, did, "参保", strlen("参保"), &pos, &count, err));
    ck_assert_uint_eq(count, 3);
    ck_assert_uint_eq(pos[0], 1);
    ck_assert_uint_eq(pos[1], 4);
    ck_assert_uint_eq(pos[2], 7);
    free(pos);
    CK_OK(sx_db_positions(r, did, "保地", strlen("保地"), &pos, &count, err));
    ck_assert_uint_eq(count, 2);
    ck_assert_uint_eq(pos[0], 2);
    ck_assert_uint_eq(pos[1], 9);
    free(pos);
    CK_OK(sx_db_positions(r, did, "nopos", 5, &pos, &count, err));
    ck_assert_uint_eq(count, 0);
    ck_assert_ptr_null(pos);
    CK_OK(sx_db_positions(r, did, "absent", 6, &pos, &count, err));
    ck_assert_uint_eq(count, 0);
    ck_assert_ptr_null(pos);

    struct termlist tl = {"", 0, 0};
    CK_OK(sx_db_each_term(r, did, collect_term, &tl, err));
    ck_assert_str_eq(tl.text, "Kpolicy:0 Q000_ab:0 nopos:3 保地:1 参保:3 ");
    struct termlist first2 = {"", 0, 2};
    CK_OK(sx_db_each_term(r, did, collect_term, &first2, err));
    ck_assert_str_eq(first2.text, "Kpolicy:0 Q000_ab:0 ");

    sx_doc *got = NULL;
    CK_OK(sx_db_get_document(r, did, &got, err));
    char *s = NULL;
    size_t len = 0;
    CK_OK(sx_doc_get_data(got, &s, &len, err));
    ck_assert_uint_eq(len, strlen(data));
    ck_assert_str_eq(s, data);
    free(s);
    CK_OK(sx_doc_get_value(got, 0, &s, &len, err));
    ck_assert_str_eq(s, "20260206");
    free(s);
    CK_OK(sx_doc_get_value(got, 3, &s, &len, err));
    ck_assert_uint_eq(len, 3);
    ck_assert_int_eq(memcmp(s, "a\0b", 4), 0);
    free(s);
    CK_OK(sx_doc_get_value(got, 9, &s, &len, err));
    ck_assert_uint_eq(len, 0);
    ck_assert_str_eq(s, "");
    free(s);

    /* Clearing leaves an empty document that can be reused. */
    sx_doc_clear(got);
    CK_OK(sx_doc_get_data(got, &s, NULL, err));
    ck_assert_str_eq(s, "");
    free(s);
    CK_OK(sx_doc_get_value(got, 0, &s, &len, err));
    ck_assert_uint_eq(len, 0);
    free(s);
    sx_doc_free(got);
    sx_db_close(r);
}
END_TEST

START_TEST(test_replace_delete)
{
    char path[128];
    sx_db *w = NULL;
    CK_OK(sx_db_open_writable(tmp_path(path, sizeof path, "db"), SX_DB_CREATE_OR_OPEN, &w, err));
    struct tdoc a = {"a", "one two", NULL, "first"};
    struct tdoc a2 = {"a", "three", NULL, "second"};
    struct tdoc b = {"b", "two", NULL, "other"};
    unsigned da = add_tdoc(w, &a);
    unsigned db_ = add_tdoc(w, &b);
    ck_assert_uint_ne(da, db_);
    ck_assert_uint_eq(add_tdoc(w, &a2), da); /* same id: replaced in place */
    unsigned n = 0;
    CK_OK(sx_db_doccount(w, &n, err));
    ck_assert_uint_eq(n, 2);
    CK_OK(sx_db_termfreq(w, "one", 3, &n, err));
    ck_assert_uint_eq(n, 0);
    CK_OK(sx_db_termfreq(w, "three", 5, &n, err));
    ck_assert_uint_eq(n, 1);
    sx_doc *d = NULL;
    CK_OK(sx_db_get_document(w, da, &d, err));
    char *s = NULL;
    CK_OK(sx_doc_get_data(d, &s, NULL, err));
    ck_assert_str_eq(s, "second");
    free(s);
    sx_doc_free(d);

    int deleted = -1;
    CK_OK(sx_db_delete_by_term(w, "Qa", &deleted, err));
    ck_assert_int_eq(deleted, 1);
    CK_OK(sx_db_delete_by_term(w, "Qa", &deleted, err));
    ck_assert_int_eq(deleted, 0);
    CK_OK(sx_db_delete_by_term(w, "Qnever", NULL, err));
    CK_OK(sx_db_doccount(w, &n, err));
    ck_assert_uint_eq(n, 1);
    unsigned found;
    sx_error e;
    ck_assert_int_eq(sx_db_find_by_term(w, "Qa", &found, &e), SX_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(e.message, "Qa"));
    CK_OK(sx_db_commit(w, err));
    sx_db_close(w);
}
END_TEST

START_TEST(test_transactions)
{
    char path[128];
    tmp_path(path, sizeof path, "db");
    sx_db *w = NULL, *r = NULL;
    CK_OK(sx_db_open_writable(path, SX_DB_CREATE, &w, err));
    CK_OK(sx_db_commit(w, err));
    CK_OK(sx_db_open_readonly(path, &r, err));

    struct tdoc a = {"a", "one", NULL, NULL};
    struct tdoc b = {"b", "two", NULL, NULL};
    CK_OK(sx_db_begin_transaction(w, 1, err));
    add_tdoc(w, &a);
    CK_OK(sx_db_cancel_transaction(w, err));
    unsigned n = 99;
    CK_OK(sx_db_doccount(w, &n, err));
    ck_assert_uint_eq(n, 0);

    CK_OK(sx_db_begin_transaction(w, 1, err));
    add_tdoc(w, &b);
    /* Nested transactions are a Xapian InvalidOperationError. */
    sx_error e;
    ck_assert_int_eq(sx_db_begin_transaction(w, 0, &e), SX_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(e.message, "InvalidOperationError"));
    CK_OK(sx_db_commit_transaction(w, err));
    /* A flushed transaction is committed on its own: a reader sees it. */
    int changed = 0;
    CK_OK(sx_db_reopen(r, &changed, err));
    ck_assert_int_eq(changed, 1);
    CK_OK(sx_db_doccount(r, &n, err));
    ck_assert_uint_eq(n, 1);
    unsigned found = 0;
    CK_OK(sx_db_find_by_term(r, "Qb", &found, err));
    ck_assert_int_eq(sx_db_find_by_term(r, "Qa", &found, NULL), SX_ERR_NOT_FOUND);

    /* Outside a transaction: commit/cancel_transaction are errors. */
    ck_assert_int_eq(sx_db_commit_transaction(w, &e), SX_ERR_INVALID_ARG);
    ck_assert_int_eq(sx_db_cancel_transaction(w, &e), SX_ERR_INVALID_ARG);
    sx_db_close(r);
    sx_db_close(w);
}
END_TEST

START_TEST(test_reopen_revision)
{
    char path[128];
    tmp_path(path, sizeof path, "db");
    sx_db *w = NULL, *r = NULL;
    CK_OK(sx_db_open_writable(path, SX_DB_CREATE, &w, err));
    struct tdoc a = {"a", "one", NULL, NULL};
    add_tdoc(w, &a);
    CK_OK(sx_db_commit(w, err));
    CK_OK(sx_db_open_readonly(path, &r, err));
    uint64_t rev1 = 0, rev2 = 0;
    CK_OK(sx_db_revision(r, &rev1, err));
    int changed = -1;
    CK_OK(sx_db_reopen(r, &changed, err));
    ck_assert_int_eq(changed, 0);

    struct tdoc b = {"b", "two", NULL, NULL};
    add_tdoc(w, &b);
    CK_OK(sx_db_commit(w, err));
    unsigned n = 0;
    CK_OK(sx_db_doccount(r, &n, err));
    ck_assert_uint_eq(n, 1); /* still the old snapshot */
    CK_OK(sx_db_reopen(r, &changed, err));
    ck_assert_int_eq(changed, 1);
    CK_OK(sx_db_doccount(r, &n, err));
    ck_assert_uint_eq(n, 2);
    CK_OK(sx_db_revision(r, &rev2, err));
    ck_assert_uint_gt(rev2, rev1);
    CK_OK(sx_db_reopen(r, NULL, err));
    sx_db_close(r);
    sx_db_close(w);

    /* Closing a writer commits its pending changes. */
    CK_OK(sx_db_open_writable(path, SX_DB_OPEN, &w, err));
    struct tdoc c = {"c", "three", NULL, NULL};
    add_tdoc(w, &c);
    sx_db_close(w);
    CK_OK(sx_db_open_readonly(path, &r, err));
    CK_OK(sx_db_doccount(r, &n, err));
    ck_assert_uint_eq(n, 3);
    sx_db_close(r);
}
END_TEST

START_TEST(test_compact)
{
    char p1[128], p2[128], out[128];
    tmp_path(p1, sizeof p1, "s1");
    tmp_path(p2, sizeof p2, "s2");
    tmp_path(out, sizeof out, "merged");
    struct tdoc docs[] = {
        {"a", "one two", "1", "A"}, {"b", "two", "2", "B"},
        {"c", "three", "3", "C"},   {"d", "two three", "4", "D"},
    };
    sx_db *w = NULL;
    CK_OK(sx_db_open_writable(p1, SX_DB_CREATE, &w, err));
    add_tdoc(w, &docs[0]);
    add_tdoc(w, &docs[1]);
    sx_db_close(w);
    CK_OK(sx_db_open_writable(p2, SX_DB_CREATE, &w, err));
    add_tdoc(w, &docs[2]);
    add_tdoc(w, &docs[3]);
    sx_db_close(w);

    const char *src[] = {p1, p2};
    CK_OK(sx_db_compact(src, 2, out, err));
    sx_db *r = NULL;
    CK_OK(sx_db_open_readonly(out, &r, err));
    unsigned n = 0;
    CK_OK(sx_db_doccount(r, &n, err));
    ck_assert_uint_eq(n, 4);
    CK_OK(sx_db_termfreq(r, "two", 3, &n, err));
    ck_assert_uint_eq(n, 3);
    unsigned seen = 0;
    for (size_t i = 0; i < 4; i++) {
        char idterm[8];
        snprintf(idterm, sizeof idterm, "Q%s", docs[i].id);
        unsigned did = 0;
        CK_OK(sx_db_find_by_term(r, idterm, &did, err));
        ck_assert_uint_ge(did, 1);
        ck_assert_uint_le(did, 4); /* renumbered into one range */
        seen |= 1u << did;
        sx_doc *d = NULL;
        CK_OK(sx_db_get_document(r, did, &d, err));
        char *data = NULL;
        CK_OK(sx_doc_get_data(d, &data, NULL, err));
        ck_assert_str_eq(data, docs[i].data);
        free(data);
        sx_doc_free(d);
    }
    ck_assert_uint_eq(seen, D(1) | D(2) | D(3) | D(4));
    /* Positions survive the merge. */
    unsigned did = 0;
    CK_OK(sx_db_find_by_term(r, "Qd", &did, err));
    uint32_t *pos = NULL;
    size_t count = 0;
    CK_OK(sx_db_positions(r, did, "three", 5, &pos, &count, err));
    ck_assert_uint_eq(count, 1);
    ck_assert_uint_eq(pos[0], 2);
    free(pos);
    sx_db_close(r);

    /* Into an existing destination: refused, naming it. */
    sx_error e;
    ck_assert_int_eq(sx_db_compact(src, 2, out, &e), SX_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(e.message, out));
    ck_assert_ptr_nonnull(strstr(e.message, "exists"));
    /* From a missing source: NOT_FOUND naming the source. */
    char missing[128], out2[128];
    tmp_path(missing, sizeof missing, "nowhere");
    tmp_path(out2, sizeof out2, "merged2");
    const char *bad[] = {p1, missing};
    ck_assert_int_eq(sx_db_compact(bad, 2, out2, &e), SX_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(e.message, missing));
    ck_assert_int_ne(access(out2, F_OK), 0);
}
END_TEST

/* ------------------------------------------------------------ queries */

START_TEST(test_phrase_near)
{
    sx_db *db = fixture_db();
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_PHRASE, 0, "a", "b", NULL)), D(1));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_PHRASE, 0, "b", "a", NULL)), D(2));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_PHRASE, 0, "a", "b", "c", NULL)), D(1));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_PHRASE, 0, "a", "c", NULL)), 0);
    /* A phrase window lets other words in between, order still counts. */
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_PHRASE, 4, "a", "b", NULL)), D(1) | D(3));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_NEAR, 2, "a", "b", NULL)), D(1) | D(2));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_NEAR, 3, "b", "a", NULL)), D(1) | D(2));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_NEAR, 4, "b", "a", NULL)),
                      D(1) | D(2) | D(3));
    sx_db_close(db);
}
END_TEST

START_TEST(test_boolean_ops)
{
    sx_db *db = fixture_db();
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_AND, 0, "a", "b", NULL)),
                      D(1) | D(2) | D(3));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_AND, 0, "a", "c", NULL)), D(1));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_OR, 0, "x", "d", NULL)), D(3) | D(4));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_AND_NOT, 0, "a", "x", NULL)), D(1) | D(2));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_AND_NOT, 0, "a", "x", "c", NULL)), D(2));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_AND_NOT, 0, "a", NULL)),
                      D(1) | D(2) | D(3));

    /* AND_MAYBE: the first's matches; the others only add weight. */
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_AND_MAYBE, 0, "a", "c", NULL)),
                      D(1) | D(2) | D(3));
    double plain = weight_of(db, term("a"), 1);
    double maybe = weight_of(db, combine_terms(SX_OP_AND_MAYBE, 0, "a", "c", NULL), 1);
    ck_assert_double_gt(maybe, plain);
    ck_assert_double_eq_tol(weight_of(db, combine_terms(SX_OP_AND_MAYBE, 0, "a", "c", NULL), 2),
                            weight_of(db, term("a"), 2), 1e-9);

    /* FILTER: restricted to the others' matches, weight of the first only. */
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_FILTER, 0, "a", "c", NULL)), D(1));
    ck_assert_double_eq_tol(weight_of(db, combine_terms(SX_OP_FILTER, 0, "a", "c", NULL), 1),
                            plain, 1e-9);
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_FILTER, 0, "a", "b", "c", NULL)), D(1));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_FILTER, 0, "a", "b", "x", NULL)), D(3));

    /* SYNONYM: one pseudo-term matching either. */
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_SYNONYM, 0, "x", "d", NULL)), D(3) | D(4));

    /* ELITE_SET: only the window best terms; d (rarest) wins with 1. */
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_ELITE_SET, 1, "a", "c", "d", NULL)), D(4));
    ck_assert_uint_eq(match_set(db, combine_terms(SX_OP_ELITE_SET, 0, "a", "c", "d", NULL)),
                      D(1) | D(2) | D(3) | D(4));

    /* Zero subqueries: a query that matches nothing. */
    sx_query *none = sx_query_combine(SX_OP_AND, NULL, 0, 0, NULL);
    ck_assert_ptr_nonnull(none);
    ck_assert_int_eq(sx_query_empty(none), 1);
    sx_query_free(none);

    sx_query *all = sx_query_match_all(NULL);
    ck_assert_int_eq(sx_query_empty(all), 0);
    ck_assert_uint_eq(match_set(db, all), D(1) | D(2) | D(3) | D(4));
    sx_query *nothing = sx_query_match_nothing(NULL);
    ck_assert_int_eq(sx_query_empty(nothing), 1);
    ck_assert_uint_eq(match_set(db, nothing), 0);

    sx_query *q = combine_terms(SX_OP_PHRASE, 0, "参保", "b", NULL);
    char *desc = sx_query_describe(q);
    ck_assert_ptr_nonnull(desc);
    ck_assert_ptr_nonnull(strstr(desc, "PHRASE"));
    ck_assert_ptr_nonnull(strstr(desc, "参保"));
    free(desc);
    sx_query_free(q);
    sx_db_close(db);
}
END_TEST

START_TEST(test_prefix)
{
    static const struct tdoc docs[] = {
        {"p1", "参保 保地 地", NULL, NULL},
        {"p2", "参加 参加", NULL, NULL},
        {"p3", "参加 医保", NULL, NULL},
        {"p4", "地区", NULL, NULL},
    };
    char path[128];
    sx_db *db = NULL;
    CK_OK(sx_db_open_writable(tmp_path(path, sizeof path, "px"), SX_DB_CREATE, &db, err));
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        add_tdoc(db, &docs[i]);
    CK_OK(sx_db_commit(db, err));

    /* every term starting with the prefix, the prefix itself included */
    ck_assert_uint_eq(match_set(db, sx_query_prefix("参", strlen("参"), 0, NULL)), D(1) | D(2) | D(3));
    ck_assert_uint_eq(match_set(db, sx_query_prefix("地", strlen("地"), 0, NULL)), D(1) | D(4));
    ck_assert_uint_eq(match_set(db, sx_query_prefix("医保", strlen("医保"), 0, NULL)), D(3));
    ck_assert_uint_eq(match_set(db, sx_query_prefix("无", strlen("无"), 0, NULL)), 0);
    /* a limit keeps the most frequent terms: 参加 (2 documents), not 参保 */
    ck_assert_uint_eq(match_set(db, sx_query_prefix("参", strlen("参"), 1, NULL)), D(2) | D(3));

    sx_error e = {SX_OK, "", ""};
    ck_assert_ptr_null(sx_query_prefix("", 0, 0, &e));
    ck_assert_int_eq(e.status, SX_ERR_INVALID_ARG);
    ck_assert_ptr_null(sx_query_prefix(NULL, 1, 0, NULL));
    sx_db_close(db);
}
END_TEST

START_TEST(test_value_range_scale)
{
    sx_db *db = fixture_db();
    ck_assert_uint_eq(match_set(db, sx_query_value_range(0, "2024-01-01", "2025-12-31", NULL)),
                      D(2) | D(3));
    ck_assert_uint_eq(match_set(db, sx_query_value_range(0, "2025-06-01", "2025-06-01", NULL)),
                      D(2));
    ck_assert_uint_eq(match_set(db, sx_query_value_range(0, "2025-01-01", NULL, NULL)),
                      D(1) | D(2));
    ck_assert_uint_eq(match_set(db, sx_query_value_range(0, NULL, "2024-12-31", NULL)),
                      D(3) | D(4));
    ck_assert_uint_eq(match_set(db, sx_query_value_range(0, NULL, NULL, NULL)),
                      D(1) | D(2) | D(3) | D(4));
    ck_assert_uint_eq(match_set(db, sx_query_value_range(7, NULL, NULL, NULL)),
                      D(1) | D(2) | D(3) | D(4));
    ck_assert_uint_eq(match_set(db, sx_query_value_range(7, "", "zzz", NULL)), 0);
    ck_assert_uint_eq(match_set(db, sx_query_value_range(7, NULL, "zzz", NULL)), 0);
    ck_assert_uint_eq(match_set(db, sx_query_value_range(0, "2027", "2026", NULL)), 0);

    /* A value range filters an AND without weight. */
    sx_query *subs[2] = {term("a"), sx_query_value_range(0, "2025", NULL, NULL)};
    sx_query *q = sx_query_combine(SX_OP_FILTER, (const sx_query *const *)subs, 2, 0, NULL);
    ck_assert_uint_eq(match_set(db, q), D(1) | D(2));
    sx_query_free(subs[0]);
    sx_query_free(subs[1]);

    sx_query *a = term("a");
    double w = weight_of(db, term("a"), 1);
    ck_assert_double_gt(w, 0);
    ck_assert_double_eq_tol(weight_of(db, sx_query_scale(a, 2.5, NULL), 1), 2.5 * w, 1e-9);
    ck_assert_double_eq_tol(weight_of(db, sx_query_scale(a, 0, NULL), 1), 0, 1e-12);
    sx_error e;
    ck_assert_ptr_null(sx_query_scale(a, -1, &e));
    ck_assert_int_eq(e.status, SX_ERR_INVALID_ARG);
    sx_query_free(a);
    sx_db_close(db);
}
END_TEST

static void ck_order(sx_mset *m, const unsigned *want, unsigned n)
{
    ck_assert_uint_eq(sx_mset_size(m), n);
    for (unsigned i = 0; i < n; i++)
        ck_assert_uint_eq(sx_mset_docid(m, i), want[i]);
}

/* An enquire for every document of db. */
static sx_enquire *enquire_all(sx_db *db)
{
    sx_enquire *e = sx_enquire_new(db, NULL);
    ck_assert_ptr_nonnull(e);
    sx_query *all = sx_query_match_all(NULL);
    CK_OK(sx_enquire_set_query(e, all, err));
    sx_query_free(all); /* the enquire keeps its own copy */
    return e;
}

START_TEST(test_sort_and_bounds)
{
    sx_db *db = fixture_db();
    sx_enquire *e = enquire_all(db);
    sx_mset *m = NULL;

    CK_OK(sx_enquire_sort_by_value(e, 0, 0, err));
    CK_OK(sx_enquire_run(e, 0, 10, 0, &m, err));
    ck_order(m, (const unsigned[]){4, 3, 2, 1}, 4);
    sx_mset_free(m);
    CK_OK(sx_enquire_sort_by_value(e, 0, 1, err));
    CK_OK(sx_enquire_run(e, 0, 10, 0, &m, err));
    ck_order(m, (const unsigned[]){1, 2, 3, 4}, 4);

    /* Hit documents carry their data. */
    sx_doc *d = NULL;
    CK_OK(sx_mset_document(m, 2, &d, err));
    char *data = NULL;
    CK_OK(sx_doc_get_data(d, &data, NULL, err));
    ck_assert_str_eq(data, "{\"id\":\"d3\"}");
    free(data);
    sx_doc_free(d);
    sx_error er;
    ck_assert_int_eq(sx_mset_document(m, 4, &d, &er), SX_ERR_INVALID_ARG);
    ck_assert_ptr_null(d);
    ck_assert_uint_eq(sx_mset_docid(m, 4), 0);
    ck_assert_double_eq(sx_mset_weight(m, 4), 0);
    sx_mset_free(m);

    /* Offset and limit; totals stay those of the whole match. */
    CK_OK(sx_enquire_run(e, 1, 2, 0, &m, err));
    ck_order(m, (const unsigned[]){2, 3}, 2);
    ck_assert_uint_eq(sx_mset_estimated(m), 4);
    ck_assert_uint_eq(sx_mset_lower_bound(m), 4);
    ck_assert_uint_eq(sx_mset_upper_bound(m), 4);
    sx_mset_free(m);
    /* check_at_least beyond the page: the total is counted exactly. */
    CK_OK(sx_enquire_run(e, 0, 1, 10, &m, err));
    ck_assert_uint_eq(sx_mset_size(m), 1);
    ck_assert_uint_eq(sx_mset_lower_bound(m), 4);
    ck_assert_uint_eq(sx_mset_upper_bound(m), 4);
    ck_assert_uint_eq(sx_mset_estimated(m), 4);
    sx_mset_free(m);
    CK_OK(sx_enquire_run(e, 10, 5, 0, &m, err));
    ck_assert_uint_eq(sx_mset_size(m), 0);
    sx_mset_free(m);

    /* Back to relevance with BM25 parameters: "b" ranks d2 (short) first. */
    sx_query *b = term("b");
    CK_OK(sx_enquire_set_query(e, b, err));
    sx_query_free(b);
    CK_OK(sx_enquire_sort_by_relevance(e, err));
    CK_OK(sx_enquire_set_bm25(e, 1.2, 0, 1, 0.75, 0.5, err));
    CK_OK(sx_enquire_run(e, 0, 10, 0, &m, err));
    ck_assert_uint_eq(sx_mset_size(m), 3);
    ck_assert_uint_eq(sx_mset_docid(m, 0), 2);
    ck_assert_double_gt(sx_mset_weight(m, 0), sx_mset_weight(m, 2));
    sx_mset_free(m);
    /* b = 0: no length normalisation, all three weigh the same. */
    CK_OK(sx_enquire_set_bm25(e, 1.2, 0, 1, 0, 0.5, err));
    CK_OK(sx_enquire_run(e, 0, 10, 0, &m, err));
    ck_assert_double_eq_tol(sx_mset_weight(m, 0), sx_mset_weight(m, 2), 1e-9);
    sx_mset_free(m);
    ck_assert_int_eq(sx_enquire_set_bm25(e, -1, 0, 1, 0.5, 0.5, &er), SX_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(er.message, "k1"));
    ck_assert_int_eq(sx_enquire_set_bm25(e, 1.2, 0, 1, 1.5, 0.5, &er), SX_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(er.message, "b = 1.5"));
    ck_assert_int_eq(sx_enquire_set_bm25(e, 1.2, 0, NAN, 0.5, 0.5, &er), SX_ERR_INVALID_ARG);
    sx_enquire_free(e);
    sx_db_close(db);
}
END_TEST

/* The documents of a page are read with the matching and kept: what
 * sx_mset_documents and sx_docs_read read is answered without the database
 * (here closed: Xapian 1.4 would read the data again on every call), what
 * they did not read fails cleanly. */
START_TEST(test_documents_kept)
{
    sx_db *db = fixture_db();
    sx_enquire *e = enquire_all(db);
    CK_OK(sx_enquire_sort_by_value(e, 0, 1, err)); /* newest first: d1 d2 d3 d4 */
    sx_mset *m = NULL;
    CK_OK(sx_enquire_run(e, 0, 10, 0, &m, err));
    sx_doc *docs[4];
    const unsigned date_slot[] = {0};
    CK_OK(sx_mset_documents(m, 4, date_slot, 1, docs, err));
    CK_OK(sx_docs_read(docs, 2, NULL, 0, err)); /* the data of the first two */
    sx_enquire_free(e);
    sx_db_close(db);
    char *v = NULL;
    for (int i = 0; i < 4; i++) {
        CK_OK(sx_doc_get_value(docs[i], 0, &v, NULL, err));
        ck_assert_str_eq(v, fixture[i].date);
        free(v);
    }
    for (int i = 0; i < 2; i++) {
        CK_OK(sx_doc_get_data(docs[i], &v, NULL, err));
        ck_assert_str_eq(v, fixture[i].data);
        free(v);
    }
    sx_error er = {0};
    ck_assert_int_ne(sx_doc_get_data(docs[2], &v, NULL, &er), SX_OK);
    ck_assert_ptr_null(v);
    ck_assert_ptr_nonnull(strstr(er.message, "losed")); /* DatabaseClosedError */
    /* a document changed after reading forgets what it kept */
    CK_OK(sx_doc_set_data(docs[0], "x", 1, err));
    CK_OK(sx_doc_get_data(docs[0], &v, NULL, err));
    ck_assert_str_eq(v, "x");
    free(v);
    for (int i = 0; i < 4; i++)
        sx_doc_free(docs[i]);
    sx_mset_free(m);
}
END_TEST

/* The value of slot 0 of each of the page's documents, as sx_mset_documents
 * reads it (empty without one), space-separated in id order d1 d2 ... */
static void page_values(sx_db *db, char *out, size_t cap)
{
    sx_enquire *e = enquire_all(db);
    /* every weight equal: docid order */
    sx_mset *m = NULL;
    CK_OK(sx_enquire_run(e, 0, 10, 0, &m, err));
    unsigned n = sx_mset_size(m);
    sx_doc *docs[10];
    const unsigned slot[] = {0};
    CK_OK(sx_mset_documents(m, n, slot, 1, docs, err));
    out[0] = '\0';
    for (unsigned i = 0; i < n; i++) {
        char *v = NULL;
        CK_OK(sx_doc_get_value(docs[i], 0, &v, NULL, err));
        snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "", *v ? v : "-");
        free(v);
        sx_doc_free(docs[i]);
    }
    sx_mset_free(m);
    sx_enquire_free(e);
}

/* A slot's values held in memory (sx_db_keep_values) are the database's, a
 * document without one included, and follow a reopen onto a new revision;
 * values that do not fit are read from the database. */
START_TEST(test_keep_values)
{
    char path[128];
    tmp_path(path, sizeof path, "kept");
    sx_db *w = NULL, *r = NULL, *small = NULL;
    CK_OK(sx_db_open_writable(path, SX_DB_CREATE, &w, err));
    struct tdoc a = {"d1", "a", "v1", NULL}, b = {"d2", "a", NULL, NULL}, c = {"d3", "a", "v3", NULL};
    add_tdoc(w, &a);
    add_tdoc(w, &b);
    add_tdoc(w, &c);
    CK_OK(sx_db_commit(w, err));
    CK_OK(sx_db_open_readonly(path, &r, err));
    CK_OK(sx_db_open_readonly(path, &small, err));
    int kept = -1;
    CK_OK(sx_db_keep_values(r, 0, 1 << 20, &kept, err));
    ck_assert_int_eq(kept, 1);
    CK_OK(sx_db_keep_values(small, 0, 8, &kept, err)); /* 3 documents' offsets alone take 20 bytes */
    ck_assert_int_eq(kept, 0);
    char got[256];
    page_values(r, got, sizeof got);
    ck_assert_str_eq(got, "v1 - v3");
    page_values(small, got, sizeof got);
    ck_assert_str_eq(got, "v1 - v3");

    struct tdoc b2 = {"d2", "a", "v2", NULL}, d = {"d4", "a", "v4", NULL};
    add_tdoc(w, &b2); /* replaced in place: docid 2 gets a value */
    add_tdoc(w, &d);
    CK_OK(sx_db_commit(w, err));
    page_values(r, got, sizeof got); /* the old revision until reopened */
    ck_assert_str_eq(got, "v1 - v3");
    int changed = 0;
    CK_OK(sx_db_reopen(r, &changed, err));
    ck_assert_int_eq(changed, 1);
    page_values(r, got, sizeof got);
    ck_assert_str_eq(got, "v1 v2 v3 v4");
    CK_OK(sx_db_reopen(small, NULL, err));
    page_values(small, got, sizeof got);
    ck_assert_str_eq(got, "v1 v2 v3 v4");
    sx_error er = {0};
    ck_assert_int_eq(sx_db_keep_values(w, 0, 1 << 20, NULL, &er), SX_ERR_INVALID_ARG); /* writable */
    sx_db_close(small);
    sx_db_close(r);
    sx_db_close(w);
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(test_missing_database)
{
    char path[128];
    tmp_path(path, sizeof path, "no/such/db");
    sx_db *db = (sx_db *)1;
    sx_error e;
    ck_assert_int_eq(sx_db_open_readonly(path, &db, &e), SX_ERR_NOT_FOUND);
    ck_assert_int_eq(e.status, SX_ERR_NOT_FOUND);
    ck_assert_ptr_null(db);
    ck_assert_msg(strstr(e.message, path) != NULL, "%s", e.message);

    ck_assert_int_eq(sx_db_open_writable(path, SX_DB_OPEN, &db, &e), SX_ERR_NOT_FOUND);
    ck_assert_ptr_null(db);
    ck_assert_msg(strstr(e.message, path) != NULL, "%s", e.message);
    ck_assert_int_ne(access(path, F_OK), 0); /* OPEN created nothing */

    /* An existing directory that is not a database. */
    ck_assert_int_eq(sx_db_open_readonly(tmpdir, &db, &e), SX_ERR_NOT_FOUND);
    ck_assert_msg(strstr(e.message, tmpdir) != NULL, "%s", e.message);

    /* err may be NULL. */
    ck_assert_int_eq(sx_db_open_readonly(path, &db, NULL), SX_ERR_NOT_FOUND);
}
END_TEST

START_TEST(test_locked_database)
{
    char path[128];
    tmp_path(path, sizeof path, "db");
    sx_db *w1 = NULL, *w2 = NULL;
    CK_OK(sx_db_open_writable(path, SX_DB_CREATE_OR_OPEN, &w1, err));
    sx_error e;
    ck_assert_int_eq(sx_db_open_writable(path, SX_DB_CREATE_OR_OPEN, &w2, &e), SX_ERR_LOCKED);
    ck_assert_ptr_null(w2);
    ck_assert_msg(strstr(e.message, "database is locked") != NULL, "%s", e.message);
    ck_assert_msg(strstr(e.message, path) != NULL, "%s", e.message);
    ck_assert_int_eq(sx_db_open_writable(path, SX_DB_OPEN, &w2, &e), SX_ERR_LOCKED);
    /* Readers are not blocked by a writer. */
    sx_db *r = NULL;
    CK_OK(sx_db_open_readonly(path, &r, err));
    sx_db_close(r);
    /* Closing the first writer releases the lock. */
    sx_db_close(w1);
    CK_OK(sx_db_open_writable(path, SX_DB_OPEN, &w2, err));
    /* CREATE on an existing database fails, naming it. */
    sx_db *w3 = NULL;
    ck_assert_int_ne(sx_db_open_writable(path, SX_DB_CREATE, &w3, &e), SX_OK);
    ck_assert_ptr_null(w3);
    ck_assert_msg(strstr(e.message, path) != NULL, "%s", e.message);
    sx_db_close(w2);
    /* CREATE_OR_OVERWRITE empties it. */
    CK_OK(sx_db_open_writable(path, SX_DB_CREATE_OR_OVERWRITE, &w3, err));
    sx_db_close(w3);
}
END_TEST

START_TEST(test_null_arguments)
{
    sx_error e;
    sx_db *db = NULL;
#define CK_INVALID(call)                                                                  \
    do {                                                                                  \
        memset(&e, 0, sizeof e);                                                          \
        sx_status st_ = (call);                                                           \
        ck_assert_msg(st_ == SX_ERR_INVALID_ARG, "%s -> %d (%s)", #call, (int)st_, e.message); \
        ck_assert_int_eq(e.status, SX_ERR_INVALID_ARG);                                   \
        ck_assert_ptr_nonnull(strstr(e.message, "invalid argument"));                      \
    } while (0)
    CK_INVALID(sx_db_open_readonly(NULL, &db, &e));
    CK_INVALID(sx_db_open_readonly("", &db, &e));
    CK_INVALID(sx_db_open_readonly("/tmp", NULL, &e));
    CK_INVALID(sx_db_open_writable(NULL, SX_DB_OPEN, &db, &e));
    CK_INVALID(sx_db_open_writable("/tmp/x", (sx_db_mode)42, &db, &e));
    CK_INVALID(sx_db_commit(NULL, &e));
    CK_INVALID(sx_db_begin_transaction(NULL, 0, &e));
    CK_INVALID(sx_db_commit_transaction(NULL, &e));
    CK_INVALID(sx_db_cancel_transaction(NULL, &e));
    CK_INVALID(sx_db_replace_by_term(NULL, "Q1", NULL, NULL, &e));
    CK_INVALID(sx_db_delete_by_term(NULL, "Q1", NULL, &e));
    unsigned u;
    uint64_t r;
    CK_INVALID(sx_db_doccount(NULL, &u, &e));
    CK_INVALID(sx_db_revision(NULL, &r, &e));
    CK_INVALID(sx_db_reopen(NULL, NULL, &e));
    CK_INVALID(sx_db_termfreq(NULL, "a", 1, &u, &e));
    CK_INVALID(sx_db_find_by_term(NULL, "Q1", &u, &e));
    sx_doc *doc = (sx_doc *)1;
    CK_INVALID(sx_db_get_document(NULL, 1, &doc, &e));
    ck_assert_ptr_null(doc);
    uint32_t *pos = (uint32_t *)1;
    size_t count = 7;
    CK_INVALID(sx_db_positions(NULL, 1, "a", 1, &pos, &count, &e));
    ck_assert_ptr_null(pos);
    ck_assert_uint_eq(count, 0);
    CK_INVALID(sx_db_each_term(NULL, 1, collect_term, NULL, &e));
    CK_INVALID(sx_db_compact(NULL, 0, "/tmp/x", &e));
    const char *src[] = {NULL};
    CK_INVALID(sx_db_compact(src, 1, "/tmp/x", &e));

    CK_INVALID(sx_doc_add_posting(NULL, "a", 1, 1, &e));
    CK_INVALID(sx_doc_add_position(NULL, "a", 1, 1, &e));
    CK_INVALID(sx_doc_add_term(NULL, "a", 1, 1, &e));
    CK_INVALID(sx_doc_add_boolean_term(NULL, "a", 1, &e));
    CK_INVALID(sx_doc_set_value(NULL, 0, "a", 1, &e));
    CK_INVALID(sx_doc_set_data(NULL, "a", 1, &e));
    char *s = (char *)1;
    CK_INVALID(sx_doc_get_data(NULL, &s, NULL, &e));
    ck_assert_ptr_null(s);
    CK_INVALID(sx_doc_get_value(NULL, 0, &s, NULL, &e));
    sx_doc *d = sx_doc_new();
    CK_INVALID(sx_doc_add_posting(d, NULL, 1, 1, &e));
    CK_INVALID(sx_doc_add_posting(d, "a", 0, 1, &e));
    CK_INVALID(sx_doc_add_position(d, NULL, 1, 1, &e));
    CK_INVALID(sx_doc_add_term(d, "", 0, 1, &e));
    CK_INVALID(sx_doc_add_boolean_term(d, NULL, 0, &e));
    CK_INVALID(sx_doc_set_data(d, NULL, 3, &e));
    CK_OK(sx_doc_set_data(d, NULL, 0, err));
    sx_doc_free(d);

    CK_INVALID(sx_enquire_set_query(NULL, NULL, &e));
    CK_INVALID(sx_enquire_set_bm25(NULL, 1, 0, 1, 0.5, 0.5, &e));
    CK_INVALID(sx_enquire_sort_by_relevance(NULL, &e));
    CK_INVALID(sx_enquire_sort_by_value(NULL, 0, 0, &e));
    sx_mset *m = (sx_mset *)1;
    CK_INVALID(sx_enquire_run(NULL, 0, 10, 0, &m, &e));
    ck_assert_ptr_null(m);
    CK_INVALID(sx_mset_document(NULL, 0, &doc, &e));

    /* Constructors return NULL and fill err. */
    memset(&e, 0, sizeof e);
    ck_assert_ptr_null(sx_query_term(NULL, 1, 1, 0, &e));
    ck_assert_int_eq(e.status, SX_ERR_INVALID_ARG);
    memset(&e, 0, sizeof e);
    ck_assert_ptr_null(sx_query_term("a", 0, 1, 0, &e));
    ck_assert_int_eq(e.status, SX_ERR_INVALID_ARG);
    memset(&e, 0, sizeof e);
    ck_assert_ptr_null(sx_query_combine(SX_OP_AND, NULL, 2, 0, &e));
    ck_assert_int_eq(e.status, SX_ERR_INVALID_ARG);
    sx_query *a = term("a");
    const sx_query *subs[] = {a, NULL};
    memset(&e, 0, sizeof e);
    ck_assert_ptr_null(sx_query_combine(SX_OP_OR, subs, 2, 0, &e));
    ck_assert_int_eq(e.status, SX_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(e.message, "subquery 1"));
    memset(&e, 0, sizeof e);
    ck_assert_ptr_null(sx_query_combine((sx_query_op)99, subs, 1, 0, &e));
    ck_assert_int_eq(e.status, SX_ERR_INVALID_ARG);
    sx_query_free(a);
    memset(&e, 0, sizeof e);
    ck_assert_ptr_null(sx_query_scale(NULL, 1, &e));
    ck_assert_int_eq(e.status, SX_ERR_INVALID_ARG);
    memset(&e, 0, sizeof e);
    ck_assert_ptr_null(sx_enquire_new(NULL, &e));
    ck_assert_int_eq(e.status, SX_ERR_INVALID_ARG);
    ck_assert_ptr_null(sx_enquire_new(NULL, NULL));

    /* Accessors and free functions accept NULL. */
    ck_assert_int_eq(sx_query_empty(NULL), 1);
    char *desc = sx_query_describe(NULL);
    ck_assert_ptr_nonnull(desc);
    free(desc);
    ck_assert_uint_eq(sx_mset_size(NULL), 0);
    ck_assert_uint_eq(sx_mset_estimated(NULL), 0);
    ck_assert_uint_eq(sx_mset_lower_bound(NULL), 0);
    ck_assert_uint_eq(sx_mset_upper_bound(NULL), 0);
    ck_assert_uint_eq(sx_mset_docid(NULL, 0), 0);
    ck_assert_double_eq(sx_mset_weight(NULL, 0), 0);
    sx_db_close(NULL);
    sx_doc_free(NULL);
    sx_doc_clear(NULL);
    sx_query_free(NULL);
    sx_enquire_free(NULL);
    sx_mset_free(NULL);
#undef CK_INVALID
}
END_TEST

START_TEST(test_bad_documents)
{
    sx_db *db = fixture_db();
    sx_doc *d = (sx_doc *)1;
    sx_error e;
    ck_assert_int_eq(sx_db_get_document(db, 99, &d, &e), SX_ERR_NOT_FOUND);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(e.message, "DocNotFoundError") != NULL, "%s", e.message);
    ck_assert_int_eq(sx_db_get_document(db, 0, &d, &e), SX_ERR_NOT_FOUND);
    unsigned did;
    ck_assert_int_eq(sx_db_find_by_term(db, "Qzz", &did, &e), SX_ERR_NOT_FOUND);
    struct termlist tl = {"", 0, 0};
    ck_assert_int_eq(sx_db_each_term(db, 99, collect_term, &tl, &e), SX_ERR_NOT_FOUND);
    ck_assert_uint_eq(tl.count, 0);

    /* replace_by_term needs the id term in the document, or it would
     * silently duplicate on re-indexing. */
    d = sx_doc_new();
    CK_OK(sx_doc_add_posting(d, "a", 1, 1, err));
    ck_assert_int_eq(sx_db_replace_by_term(db, "Qd9", d, NULL, &e), SX_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(e.message, "Qd9"));
    /* A term longer than Xapian's limit fails at flush time, as an error. */
    char longterm[300];
    memset(longterm, 'z', sizeof longterm);
    CK_OK(sx_doc_add_boolean_term(d, "Qd9", 3, err));
    CK_OK(sx_doc_add_term(d, longterm, sizeof longterm, 1, err));
    sx_status st = sx_db_replace_by_term(db, "Qd9", d, NULL, &e);
    if (st == SX_OK)
        st = sx_db_commit(db, &e);
    ck_assert_int_eq(st, SX_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(e.message, "InvalidArgumentError"));
    sx_doc_free(d);
    sx_db_close(db);

    /* Writing through a read-only handle. */
    char path[128];
    sx_db *r = NULL;
    CK_OK(sx_db_open_readonly(tmp_path(path, sizeof path, "fx"), &r, err));
    ck_assert_int_eq(sx_db_commit(r, &e), SX_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(e.message, "read-only"));
    ck_assert_int_eq(sx_db_delete_by_term(r, "Qd1", NULL, &e), SX_ERR_INVALID_ARG);
    ck_assert_int_eq(sx_db_begin_transaction(r, 0, &e), SX_ERR_INVALID_ARG);
    sx_db_close(r);
}
END_TEST

START_TEST(test_message_truncation)
{
    /* A long path of 3-byte characters: the message is cut at 255 bytes
     * without splitting a character. */
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/", tmpdir);
    for (int i = 0; n < 600; i++)
        n += snprintf(path + n, sizeof path - n, i % 20 == 19 ? "库/" : "库");
    sx_db *db = NULL;
    sx_error e;
    ck_assert_int_eq(sx_db_open_readonly(path, &db, &e), SX_ERR_NOT_FOUND);
    size_t len = strlen(e.message);
    ck_assert_uint_le(len, 255);
    ck_assert_uint_ge(len, 240);
    /* Walk the UTF-8: every sequence complete. */
    const unsigned char *p = (const unsigned char *)e.message;
    size_t i = 0;
    while (i < len) {
        size_t need = p[i] < 0x80 ? 1 : (p[i] & 0xE0) == 0xC0 ? 2 : (p[i] & 0xF0) == 0xE0 ? 3 : 4;
        ck_assert_uint_le(i + need, len);
        for (size_t k = 1; k < need; k++)
            ck_assert_uint_eq(p[i + k] & 0xC0, 0x80);
        i += need;
    }
}
END_TEST

START_TEST(test_corrupt_database)
{
    /* A directory claiming to be glass with garbage in its version file. */
    char path[128], file[160];
    tmp_path(path, sizeof path, "bad");
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(file, sizeof file, "%s/iamglass", path);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("this is not a glass version file\n", f);
    fclose(f);
    sx_db *db = NULL;
    sx_error e;
    sx_status st = sx_db_open_readonly(path, &db, &e);
    ck_assert_msg(st == SX_ERR_CORRUPT || st == SX_ERR_VERSION, "%d: %s", (int)st, e.message);
    ck_assert_ptr_null(db);
    ck_assert_msg(strstr(e.message, path) != NULL, "%s", e.message);
}
END_TEST

static int list_term(const char *t, size_t len, unsigned freq, void *ctx)
{
    char *out = ctx;
    char one[64];
    snprintf(one, sizeof one, "%.*s:%u ", (int)len, t, freq);
    strcat(out, one);
    return 0;
}

static int keep_letters(const char *t, size_t len, void *ctx)
{
    (void)ctx;
    return len == 1 && t[0] >= 'a' && t[0] <= 'z';
}

static void take_term(const char *t, size_t len, double weight, void *ctx)
{
    char *out = ctx;
    ck_assert(weight > 0);
    strncat(out, t, len);
}

static int count_value(const char *v, size_t len, unsigned count, void *ctx)
{
    char *out = ctx;
    char one[64];
    snprintf(one, sizeof one, "%.*s=%u ", (int)len, v, count);
    strcat(out, one);
    return 0;
}

START_TEST(test_terms_postings_spies)
{
    sx_db *db = fixture_db();
    /* terms by prefix, with their frequencies; a cap */
    char buf[512] = "";
    CK_OK(sx_db_each_prefixed(db, "Q", 1, 0, list_term, buf, err));
    ck_assert_str_eq(buf, "Qd1:1 Qd2:1 Qd3:1 Qd4:1 ");
    buf[0] = '\0';
    CK_OK(sx_db_each_prefixed(db, "", 0, 2, list_term, buf, err));
    ck_assert_str_eq(buf, "Qd1:1 Qd2:1 ");
    /* postings as an array */
    unsigned *ids = NULL;
    size_t n = 0;
    CK_OK(sx_db_postings(db, "a", 1, &ids, &n, err));
    ck_assert_uint_eq(n, 3);
    ck_assert(ids[0] == 1 && ids[1] == 2 && ids[2] == 3);
    free(ids);
    CK_OK(sx_db_postings(db, "nothing", 7, &ids, &n, err));
    ck_assert(n == 0 && ids == NULL);
    /* a spy counts the values of every match: a run that asks for no hits */
    sx_enquire *e = sx_enquire_new(db, NULL);
    sx_spy *spy = sx_spy_new(0, NULL);
    sx_query *q = term("b");
    CK_OK(sx_enquire_set_query(e, q, err));
    CK_OK(sx_enquire_set_bool_weight(e, err));
    CK_OK(sx_enquire_add_spy(e, spy, err));
    sx_mset *m = NULL;
    CK_OK(sx_enquire_run(e, 0, 0, 4, &m, err));
    ck_assert_uint_eq(sx_spy_total(spy), 3);
    buf[0] = '\0';
    CK_OK(sx_spy_each(spy, count_value, buf, err));
    ck_assert_str_eq(buf, "2024-03-03=1 2025-06-01=1 2026-01-01=1 ");
    sx_mset_free(m);
    /* expand: the terms that tell document 4 apart, letters only */
    buf[0] = '\0';
    const unsigned rel[] = {4};
    CK_OK(sx_enquire_expand(e, rel, 1, 1, keep_letters, take_term, buf, err));
    ck_assert_str_eq(buf, "d"); /* d is only in document 4; c is in 1 too */
    /* relevance, then the value: equal weights in value order */
    CK_OK(sx_enquire_set_bm25(e, 1.2, 0, 1, 0, 0.5, err));
    CK_OK(sx_enquire_sort_by_relevance_then_value(e, 0, err));
    CK_OK(sx_enquire_run(e, 0, 10, 0, &m, err));
    ck_assert_uint_eq(sx_mset_size(m), 3);
    sx_mset_free(m);
    sx_query_free(q);
    sx_spy_free(spy);
    sx_enquire_free(e);
    unsigned freq = 1;
    CK_OK(sx_db_value_freq(db, 0, &freq, err));
    ck_assert_uint_eq(freq, 4);
    CK_OK(sx_db_value_freq(db, 5, &freq, err));
    ck_assert_uint_eq(freq, 0);
    sx_db_close(db);
}
END_TEST

static Suite *shim_suite(void)
{
    Suite *s = suite_create("shim");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, tmp_setup, tmp_teardown);
    tcase_add_test(core, test_status_strings);
    tcase_add_test(core, test_round_trip);
    tcase_add_test(core, test_replace_delete);
    tcase_add_test(core, test_transactions);
    tcase_add_test(core, test_reopen_revision);
    tcase_add_test(core, test_compact);
    suite_add_tcase(s, core);

    TCase *queries = tcase_create("queries");
    tcase_add_checked_fixture(queries, tmp_setup, tmp_teardown);
    tcase_add_test(queries, test_phrase_near);
    tcase_add_test(queries, test_boolean_ops);
    tcase_add_test(queries, test_prefix);
    tcase_add_test(queries, test_value_range_scale);
    tcase_add_test(queries, test_sort_and_bounds);
    tcase_add_test(queries, test_documents_kept);
    tcase_add_test(queries, test_keep_values);
    tcase_add_test(queries, test_terms_postings_spies);
    suite_add_tcase(s, queries);

    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, tmp_setup, tmp_teardown);
    tcase_add_test(errors, test_missing_database);
    tcase_add_test(errors, test_locked_database);
    tcase_add_test(errors, test_null_arguments);
    tcase_add_test(errors, test_bad_documents);
    tcase_add_test(errors, test_message_truncation);
    tcase_add_test(errors, test_corrupt_database);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(shim_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
