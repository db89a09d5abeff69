/* check_facets.c: facets and filters (indexer/schema/fields.h, searchd/search/facet_search.h)
 * over a small index built by $SOU_BIN_DIR/indexer with --facet and --label:
 * counts of articles (a long law of several passages counts once), filters
 * ORed within a field and ANDed across, the counts of a filtered field
 * without its own filter, errors, and the metadata the indexer keeps. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facet_search.h"
#include "fields.h"
#include "passage.h"
#include "search.h"
#include "sou_testserver.h"

static char *g_tmp;
static char g_db[4096];
static sou_searcher *g_s;

/* A long law: more than SOU_PASSAGE_MAX characters, so several passages,
 * with 醉驾 in more than one of them. */
static char *long_law(void)
{
    size_t cap = 64 * 1024, len = 0;
    char *body = malloc(cap);
    if (!body)
        abort();
    body[0] = '\0';
    for (int i = 1; i <= 80; i++)
        len += (size_t)snprintf(body + len, cap - len, "第%d条 %s本市道路交通安全管理工作应当遵循依法管理、方便群众的原则。\n", i,
                                i % 20 == 0 ? "醉驾的，依法处理。" : "");
    return body;
}

static int write_fixture(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    char *law = long_law();
    json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", "law_long", "title", "测试市道路交通安全条例", "body", law,
                          "category", "DLC", "region", "上海");
    char *line = json_dumps(d, JSON_COMPACT);
    fprintf(f, "%s\n", line);
    free(line);
    json_decref(d);
    free(law);
    static const char *const rows[][4] = {
        /* id, category, region, body */
        {"interp_1", "司法解释", "全国", "醉驾案件的认定标准。"},
        {"interp_2", "司法解释", "上海", "醉驾的量刑意见。"},
        {"interp_3", "司法解释", "全国", "关于醉驾的批复。"},
        {"case_1", "案例", "上海", "醉驾致人受伤案。"},
        {"case_2", "案例", "全国", "醉驾逃逸案。"},
        {"law_1", "法律", "全国", "道路交通安全法总则。"},
        {"plain_1", "", "", "没有类别的醉驾说明。"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        d = json_pack("{s:s,s:s,s:s}", "id", rows[i][0], "title", rows[i][0], "body", rows[i][3]);
        if (*rows[i][1])
            json_object_set_new(d, "category", json_string(rows[i][1]));
        if (*rows[i][2])
            json_object_set_new(d, "region", json_string(rows[i][2]));
        line = json_dumps(d, JSON_COMPACT);
        fprintf(f, "%s\n", line);
        free(line);
        json_decref(d);
    }
    /* a value too long to be a facet value: neither counted nor filtered */
    char longcat[400] = "";
    for (int i = 0; i < 60; i++)
        strcat(longcat, "类");
    d = json_pack("{s:s,s:s,s:s,s:s}", "id", "long_cat", "title", "x", "body", "醉驾的长类别文档。", "category", longcat);
    line = json_dumps(d, JSON_COMPACT);
    fprintf(f, "%s\n", line);
    free(line);
    json_decref(d);
    return fclose(f);
}

static int run_indexer(const char *const *extra, const char *input)
{
    char bin[4096];
    const char *argv[16];
    int n = 0;
    snprintf(bin, sizeof bin, "%s/indexer", sou_test_bin_dir());
    argv[n++] = bin;
    argv[n++] = "--quiet";
    argv[n++] = "--db";
    argv[n++] = g_db;
    while (extra && *extra)
        argv[n++] = *extra++;
    if (input)
        argv[n++] = input;
    argv[n] = NULL;
    char *out = NULL, *err = NULL;
    int st = sou_test_run(argv, &out, &err);
    if (err && *err && st != 0 && st != 2)
        fprintf(stderr, "indexer: %s", err);
    free(out);
    free(err);
    return st;
}

static void setup(void)
{
    sou_error err = {0};
    g_s = sou_searcher_open(g_db, &err);
    ck_assert_msg(g_s != NULL, "open %s: %s", g_db, err.message);
}

static void teardown(void)
{
    sou_searcher_free(g_s);
    g_s = NULL;
}

static json_t *search(const char *json_opts)
{
    sou_error err = {0};
    json_t *o = json_loads(json_opts, 0, NULL);
    ck_assert_msg(o != NULL, "bad test JSON %s", json_opts);
    json_t *a = sou_search(g_s, o, &err);
    json_decref(o);
    ck_assert_msg(a != NULL, "search %s: %s", json_opts, err.message);
    return a;
}

/* The count of value in the answer's facet field, -1 when absent; *label
 * (may be NULL) gets its label or NULL. */
static int count_of(const json_t *a, const char *field, const char *value, const char **label)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(json_object_get(a, "facets"), field), i, v) {
        if (strcmp(json_string_value(json_object_get(v, "value")), value) == 0) {
            if (label)
                *label = json_string_value(json_object_get(v, "label"));
            return (int)json_integer_value(json_object_get(v, "count"));
        }
    }
    return -1;
}

static int total(const json_t *a)
{
    return (int)json_integer_value(json_object_get(a, "total"));
}

START_TEST(counts_articles)
{
    /* the fixture's law is cut into passages, several with 醉驾 */
    char *law = long_law();
    sou_passages p = {0};
    ck_assert_int_eq(sou_passages_split(law, strlen(law), &p), 0);
    ck_assert_uint_ge(p.n, 2);
    sou_passages_destroy(&p);
    free(law);
    json_t *a = search("{\"q\": \"醉驾\", \"facets\": \"category\"}");
    const char *label = NULL;
    /* the long law has 醉驾 in several passages: one article */
    ck_assert_int_eq(count_of(a, "category", "DLC", &label), 1);
    ck_assert_str_eq(label, "地方性法规");
    ck_assert_int_eq(count_of(a, "category", "司法解释", &label), 3);
    ck_assert_ptr_null(label);
    ck_assert_int_eq(count_of(a, "category", "案例", NULL), 2);
    ck_assert_int_eq(count_of(a, "category", "法律", NULL), -1); /* does not match 醉驾 */
    /* most frequent first */
    const json_t *list = json_object_get(json_object_get(a, "facets"), "category");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "value")), "司法解释");
    ck_assert_uint_eq(json_array_size(list), 3); /* the over-long value is not counted */
    ck_assert_int_eq(total(a), 8);
    json_decref(a);

    /* several fields, and facet_limit */
    a = search("{\"q\": \"醉驾\", \"facets\": [\"region\", \"category\"], \"facet_limit\": 1}");
    const char *key;
    const json_t *v;
    const char *order[2];
    int k = 0;
    json_object_foreach(json_object_get(a, "facets"), key, v) {
        if (k < 2)
            order[k] = key;
        k++;
        ck_assert_uint_eq(json_array_size(v), 1);
    }
    ck_assert_int_eq(k, 2);
    ck_assert_str_eq(order[0], "region"); /* in the order asked */
    ck_assert_int_eq(count_of(a, "region", "上海", NULL), 3); /* a tie with 全国: byte order */
    json_decref(a);
}
END_TEST

START_TEST(filters)
{
    /* one value */
    json_t *a = search("{\"q\": \"醉驾\", \"filter\": \"category:案例\", \"facets\": \"category,region\"}");
    ck_assert_int_eq(total(a), 2);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(a, "query"), "filters"), 0)),
                     "category:案例");
    /* the filtered field is counted without its own filter: the other values stay */
    ck_assert_int_eq(count_of(a, "category", "司法解释", NULL), 3);
    ck_assert_int_eq(count_of(a, "category", "案例", NULL), 2);
    /* the other field with it */
    ck_assert_int_eq(count_of(a, "region", "上海", NULL), 1);
    ck_assert_int_eq(count_of(a, "region", "全国", NULL), 1);
    json_decref(a);
    /* OR within a field; with counts, the total is theirs, and exact */
    a = search("{\"q\": \"醉驾\", \"filter\": [\"category:案例\", \"category:司法解释\"]}");
    ck_assert_int_eq(total(a), 5);
    json_decref(a);
    a = search("{\"q\": \"醉驾\", \"filter\": [\"category:案例\", \"category:司法解释\"], \"facets\": \"category\"}");
    ck_assert_int_eq(total(a), 5);
    ck_assert(json_is_true(json_object_get(a, "exact")));
    json_decref(a);
    /* AND across fields */
    a = search("{\"q\": \"醉驾\", \"filter\": [\"category:司法解释\", \"region:上海\"], \"facets\": \"region\"}");
    ck_assert_int_eq(total(a), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), 0), "id")),
                     "interp_2");
    /* region counted under the category filter only */
    ck_assert_int_eq(count_of(a, "region", "全国", NULL), 2);
    json_decref(a);
    /* a long article: every passage carries the filter term */
    a = search("{\"q\": \"原则\", \"filter\": \"category:DLC\"}");
    ck_assert_int_eq(total(a), 1);
    json_decref(a);
    /* a value nobody has: no results, no error */
    a = search("{\"q\": \"醉驾\", \"filter\": \"category:宪法\"}");
    ck_assert_int_eq(total(a), 0);
    json_decref(a);
}
END_TEST

static const struct {
    const char *opts, *reason, *message;
} BAD[] = {
    {"{\"q\": \"醉驾\", \"facets\": \"colour\"}", "unknown_field", "facets: category, region"},
    {"{\"q\": \"醉驾\", \"filter\": \"colour:red\"}", "unknown_field", "\"colour\" is not a facet"},
    {"{\"q\": \"醉驾\", \"filter\": \"category\"}", "bad_filter", "expected FIELD:VALUE"},
    {"{\"q\": \"醉驾\", \"filter\": \"category:\"}", "bad_filter", "expected FIELD:VALUE"},
    {"{\"q\": \"醉驾\", \"facets\": 3}", "bad_option", "string or an array"},
    {"{\"q\": \"醉驾\", \"filter\": [\"category:案例\", 2]}", "bad_option", "string or an array"},
    {"{\"q\": \"醉驾\", \"facet_limit\": 0}", "bad_option", "facet_limit"},
};

START_TEST(bad_requests)
{
    sou_error err = {0};
    json_t *o = json_loads(BAD[_i].opts, 0, NULL);
    ck_assert_ptr_null(sou_search(g_s, o, &err));
    json_decref(o);
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
    ck_assert_str_eq(sou_error_reason_word(&err), BAD[_i].reason);
    ck_assert_msg(strstr(err.message, BAD[_i].message), "\"%s\" lacks \"%s\"", err.message, BAD[_i].message);
}
END_TEST

START_TEST(fields_info)
{
    sou_error err = {0};
    json_t *info = sou_searcher_info(g_s, &err);
    ck_assert_ptr_nonnull(info);
    json_t *f = json_object_get(info, "fields");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "facets"), 0)), "category");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "facets"), 1)), "region");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "labels"), "category")), "类别");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(f, "values"), "category"),
                                                       "DLC")),
                     "地方性法规");
    json_decref(info);
}
END_TEST

START_TEST(indexer_keeps_fields)
{
    /* A later run without --facet keeps the facets; a new facet takes the
     * next slot and leaves the others where they were; a label is replaced. */
    const char *more[] = {"--facet", "source", "--label", "category=法规类别", NULL};
    ck_assert_int_eq(run_indexer(more, NULL), 0);
    ck_assert_int_eq(run_indexer(NULL, NULL), 2); /* nothing to do: usage, the index untouched */
    sou_error err = {0};
    sou_searcher *s = sou_searcher_open(g_db, &err);
    ck_assert_ptr_nonnull(s);
    json_t *info = sou_searcher_info(s, &err);
    json_t *f = json_object_get(info, "fields");
    ck_assert_uint_eq(json_array_size(json_object_get(f, "facets")), 3);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "facets"), 2)), "source");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "labels"), "category")), "法规类别");
    json_decref(info);
    /* counts still right after the update */
    json_t *o = json_pack("{s:s,s:s}", "q", "醉驾", "facets", "category");
    json_t *a = sou_search(s, o, &err);
    json_decref(o);
    ck_assert_int_eq(count_of(a, "category", "司法解释", NULL), 3);
    json_decref(a);
    sou_searcher_free(s);
}
END_TEST

START_TEST(fields_unit)
{
    sou_fields f, g;
    char why[256];
    ck_assert_int_eq(sou_fields_init(&f), 0);
    ck_assert_int_eq(sou_fields_add_facet(&f, "category", why, sizeof why), 0);
    ck_assert_int_eq(sou_fields_add_facet(&f, "category", why, sizeof why), 0); /* once */
    ck_assert_int_eq(sou_fields_add_facet(&f, "a:b", why, sizeof why), -1);
    ck_assert_ptr_nonnull(strstr(why, "a:b"));
    ck_assert_int_eq(sou_fields_add_facet(&f, "", why, sizeof why), -1);
    ck_assert_int_eq(sou_fields_add_label(&f, "category=类别", why, sizeof why), 0);
    ck_assert_int_eq(sou_fields_add_label(&f, "category:DLC=地方性法规", why, sizeof why), 0);
    ck_assert_int_eq(sou_fields_add_label(&f, "category:a:b=x", why, sizeof why), 0); /* value "a:b" */
    ck_assert_str_eq(sou_fields_value_label(&f, "category", "a:b"), "x");
    ck_assert_int_eq(sou_fields_add_label(&f, "category", why, sizeof why), -1);
    ck_assert_int_eq(sou_fields_add_label(&f, "category:=x", why, sizeof why), -1);
    ck_assert_uint_eq(f.n, 1);
    ck_assert_uint_eq(f.facets[0].slot, SOU_VALUE_FACET_FIRST);
    /* round trip through the metadata text */
    size_t len;
    char *text = sou_fields_json(&f, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(sou_fields_init(&g), 0);
    ck_assert_int_eq(sou_fields_parse(&g, text, len, why, sizeof why), 0);
    ck_assert_str_eq(sou_fields_label(&g, "category"), "类别");
    ck_assert_str_eq(sou_fields_value_label(&g, "category", "DLC"), "地方性法规");
    ck_assert_uint_eq(g.facets[0].slot, SOU_VALUE_FACET_FIRST);
    free(text);
    /* merging keeps slots where they are free */
    sou_fields h;
    ck_assert_int_eq(sou_fields_init(&h), 0);
    ck_assert_int_eq(sou_fields_add_facet(&h, "region", why, sizeof why), 0); /* slot 11 in h */
    ck_assert_int_eq(sou_fields_merge(&g, &h, why, sizeof why), 0);
    ck_assert_uint_eq(sou_fields_facet(&g, "region")->slot, SOU_VALUE_FACET_FIRST + 1); /* 11 is category's */
    ck_assert_int_eq(sou_fields_parse(&g, "{\"facets\": 3", 12, why, sizeof why), -1);
    ck_assert_int_eq(sou_fields_parse(&g, "", 0, why, sizeof why), 0);
    ck_assert_uint_eq(g.n, 0);
    /* slot values: an article of several passages carries its id */
    char buf[64];
    ck_assert_uint_eq(sou_facet_slot_value("案例", strlen("案例"), "a1", 0, buf, sizeof buf), strlen("案例"));
    ck_assert_uint_eq(sou_facet_slot_value("案例", strlen("案例"), "a1", 1, buf, sizeof buf), strlen("案例") + 3);
    ck_assert_int_eq(buf[strlen("案例")], SOU_FACET_ARTICLE_SEP);
    ck_assert_uint_eq(sou_facet_slot_value("a\x1f" "b", 3, "a1", 0, buf, sizeof buf), 0);
    sou_fields_destroy(&f);
    sou_fields_destroy(&g);
    sou_fields_destroy(&h);
}
END_TEST

START_TEST(sharded_counts)
{
    /* The same documents in 3 local shards (indexer --shards): each shard
     * records the facets, and the counts equal those of one index. */
    char sharded[4200], input[4200];
    snprintf(sharded, sizeof sharded, "%s/sharded", g_tmp);
    snprintf(input, sizeof input, "%s/facets.jsonl", g_tmp);
    char bin[4096];
    snprintf(bin, sizeof bin, "%s/indexer", sou_test_bin_dir());
    const char *argv[] = {bin, "--quiet", "--db", sharded, "--shards", "3", "--facet", "category", "--facet",
                          "region", "--label", "category:DLC=地方性法规", input, NULL};
    ck_assert_int_eq(sou_test_run(argv, NULL, NULL), 0);
    sou_error err = {0};
    sou_searcher *sh = sou_searcher_open(sharded, &err);
    ck_assert_msg(sh != NULL, "%s", err.message);
    static const char *const queries[] = {
        "{\"q\": \"醉驾\", \"facets\": \"category,region\"}",
        "{\"q\": \"醉驾\", \"facets\": \"category,region\", \"filter\": \"region:上海\"}",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        json_t *o = json_loads(queries[i], 0, NULL);
        json_t *one = sou_search(g_s, o, &err);
        json_t *three = sou_search(sh, o, &err);
        json_decref(o);
        ck_assert_msg(one && three, "%s: %s", queries[i], err.message);
        ck_assert_msg(json_equal(json_object_get(one, "facets"), json_object_get(three, "facets")),
                      "%s: the shards count differently", queries[i]);
        ck_assert_int_eq(total(one), total(three));
        json_decref(one);
        json_decref(three);
    }
    sou_searcher_free(sh);
}
END_TEST

static Suite *facets_suite(void)
{
    Suite *s = suite_create("facets");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, counts_articles);
    tcase_add_test(core, filters);
    tcase_add_test(core, fields_info);
    tcase_add_test(core, fields_unit);
    tcase_add_test(core, sharded_counts);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_loop_test(errors, bad_requests, 0, sizeof BAD / sizeof BAD[0]);
    suite_add_tcase(s, errors);
    TCase *update = tcase_create("update"); /* last: it changes the index */
    tcase_add_test(update, indexer_keeps_fields);
    suite_add_tcase(s, update);
    return s;
}

int main(void)
{
    char input[4200];
    g_tmp = sou_test_tmpdir("check-facets");
    if (!g_tmp)
        return 1;
    snprintf(g_db, sizeof g_db, "%s/db", g_tmp);
    snprintf(input, sizeof input, "%s/facets.jsonl", g_tmp);
    if (write_fixture(input) < 0) {
        fprintf(stderr, "check_facets: cannot write %s\n", input);
        return 1;
    }
    const char *facets[] = {"--facet", "category", "--facet", "region", "--label", "category=类别",
                            "--label", "category:DLC=地方性法规", NULL};
    if (run_indexer(facets, input) != 0) {
        fprintf(stderr, "check_facets: cannot index %s\n", input);
        return 1;
    }
    SRunner *sr = srunner_create(facets_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* the update case runs after the others, on the same index */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    sou_test_rmtree(g_tmp);
    free(g_tmp);
    return failed ? 1 : 0;
}
