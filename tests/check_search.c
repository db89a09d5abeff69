/* check_search.c: the searcher (searchd/search/search.h) over an index of corpus/
 * plus a few test documents, built once by $SOU_BIN_DIR/indexer. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "search.h"
#include "sou_xapian.h"
#include "stored.h"
#include "tf_memo.h"

/* Paths here are short; a truncated one would only fail the test. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

static char g_dir[PATH_MAX];
static char g_db[PATH_MAX];

/* Test documents next to corpus/: order (民人 vs 人民), escaping, script. */
static const char *EXTRA_JSONL =
    "{\"id\":\"t_order_a\",\"title\":\"服务\",\"body\":\"全心全意为人民服务。\",\"date\":\"2020-01-02\"}\n"
    "{\"id\":\"t_order_b\",\"title\":\"统计\",\"body\":\"本市居民人数继续增长。\",\"date\":\"2019-05-06\"}\n"
    "{\"id\":\"t_script\",\"title\":\"<b>标题</b>\",\"body\":\"<script>alert('x')</script> 脚本注入测试\","
    "\"date\":\"2018-03-04\",\"category\":\"安全\"}\n"
    "{\"id\":\"t_copy_a\",\"title\":\"关于候鸟迁徙观测站的通知\",\"body\":\"候鸟迁徙观测站每年春秋两季开放，志愿者记录白鹤和灰鹤的数量。\"}\n"
    "{\"id\":\"t_copy_b\",\"title\":\"关于候鸟迁徙观测站的 通知\",\"body\":\"候鸟迁徙观测站每年春秋两季开放，志愿者记录白鹤的数量。\"}\n"
    "{\"id\":\"t_birds\",\"title\":\"湿地白鹤越冬记录\",\"body\":\"今年冬季湿地记录到白鹤和灰鹤越冬，候鸟迁徙观测站的志愿者参与计数。\"}\n"
    "{\"id\":\"t_undated\",\"title\":\"无日期\",\"body\":\"没有日期的宣传册。\"}\n"
    "{\"id\":\"t_flyer\",\"title\":\"有日期\",\"body\":\"有日期的宣传册。\",\"date\":\"2021-06-07\"}\n"
    "{\"id\":\"t_escapes\",\"title\":\"转义\",\"body\":\"控制\\u0001字符\\t表情\\ud83d\\ude00 \\\"引号\\\" \\\\ 反斜杠\"}\n";

static const char *bin_dir(char *buf, size_t cap)
{
    const char *env = getenv("SOU_BIN_DIR");
    if (env && *env)
        return env;
    ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
    if (n <= 0)
        return ".";
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
    return buf;
}

static int build_index(void)
{
    char bin[PATH_MAX], exe[PATH_MAX], src[PATH_MAX], cmd[4 * PATH_MAX];
    const char *b = bin_dir(exe, sizeof exe);
    snprintf(bin, sizeof bin, "%s", b);
    const char *env = getenv("SOU_SOURCE_DIR");
    if (env && *env)
        snprintf(src, sizeof src, "%s", env);
    else
        snprintf(src, sizeof src, "%s/../..", bin);
    snprintf(g_dir, sizeof g_dir, "/tmp/check_search.XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    snprintf(g_db, sizeof g_db, "%s/db", g_dir);
    char extra[PATH_MAX + 16];
    snprintf(extra, sizeof extra, "%s/extra.jsonl", g_dir);
    FILE *f = fopen(extra, "w");
    if (!f)
        return -1;
    fputs(EXTRA_JSONL, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s/indexer' --quiet --db '%s' '%s/corpus' '%s'", bin, g_db, src, extra);
    return system(cmd) == 0 ? 0 : -1;
}

static sou_searcher *g_s;

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

/* Search with options given as JSON text; fails the test on error. */
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

static json_t *search_q(const char *q)
{
    json_t *o = json_pack("{s:s}", "q", q);
    sou_error err = {0};
    json_t *a = sou_search(g_s, o, &err);
    json_decref(o);
    ck_assert_msg(a != NULL, "search %s: %s", q, err.message);
    return a;
}

static void search_bad(const char *json_opts, const char *want)
{
    sou_error err = {0};
    json_t *o = json_loads(json_opts, 0, NULL);
    ck_assert_msg(o != NULL, "bad test JSON %s", json_opts);
    json_t *a = sou_search(g_s, o, &err);
    json_decref(o);
    ck_assert_msg(a == NULL, "%s should fail", json_opts);
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
    ck_assert_msg(strstr(err.message, want) != NULL, "%s: message \"%s\" lacks \"%s\"", json_opts,
                  err.message, want);
}

static const char *hit_id(const json_t *a, size_t i)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), i), "id"));
}

static size_t nhits(const json_t *a)
{
    return json_array_size(json_object_get(a, "hits"));
}

static long long total(const json_t *a)
{
    return json_integer_value(json_object_get(a, "total"));
}

static int any_hit(const json_t *a, const char *prefix)
{
    for (size_t i = 0; i < nhits(a); i++)
        if (!strncmp(hit_id(a, i), prefix, strlen(prefix)))
            return 1;
    return 0;
}

/* 1 if a hit or a near-copy listed under one ("similar") has an id
 * starting with prefix. */
static int any_hit_or_similar(const json_t *a, const char *prefix)
{
    const json_t *h, *s;
    size_t i, j;
    json_array_foreach(json_object_get(a, "hits"), i, h)
    {
        if (!strncmp(json_string_value(json_object_get(h, "id")), prefix, strlen(prefix)))
            return 1;
        json_array_foreach(json_object_get(h, "similar"), j, s) if (!strncmp(json_string_value(json_object_get(s, "id")),
                                                                             prefix, strlen(prefix))) return 1;
    }
    return 0;
}

static const struct {
    const char *q, *first;
} QUESTIONS[] = {
    {"天津看牙能用医保报销吗", "000_"},
    {"兰州怎么在手机上激活医保卡", "003_"},
    {"岳阳医保能报销哪些费用", "002_"},
    {"石家庄医保卡激活步骤", "001_"},
    {"天津看牙能用醫保報銷嗎", "000_"}, /* traditional */
};

START_TEST(questions_find_their_article)
{
    json_t *a = search_q(QUESTIONS[_i].q);
    ck_assert_uint_ge(nhits(a), 1);
    ck_assert_msg(!strncmp(hit_id(a, 0), QUESTIONS[_i].first, 4), "%s: first is %s, want %s*",
                  QUESTIONS[_i].q, hit_id(a, 0), QUESTIONS[_i].first);
    json_decref(a);
}
END_TEST

START_TEST(answer_shape)
{
    json_t *a = search_q("天津看牙能用医保报销吗");
    json_t *q = json_object_get(a, "query");
    ck_assert_str_eq(json_string_value(json_object_get(q, "text")), "天津看牙能用医保报销吗");
    ck_assert_uint_ge(json_array_size(json_object_get(q, "terms")), 4);
    json_t *dropped = json_object_get(q, "dropped");
    int saw = 0;
    for (size_t i = 0; i < json_array_size(dropped); i++)
        saw |= !strcmp(json_string_value(json_array_get(dropped, i)), "吗");
    ck_assert(saw);
    ck_assert_str_eq(json_string_value(json_object_get(q, "sort")), "relevance");
    ck_assert(json_is_null(json_object_get(q, "date_from")));
    ck_assert(json_is_boolean(json_object_get(a, "exact")));
    ck_assert(json_is_true(json_object_get(a, "exact"))); /* a tiny index counts exactly */
    ck_assert(json_is_real(json_object_get(a, "took_ms")));
    json_t *h = json_array_get(json_object_get(a, "hits"), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(h, "rank")), 1);
    const char *keys[] = {"id", "title", "url", "date", "title_html", "snippet", "snippet_text"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        ck_assert_msg(json_is_string(json_object_get(h, keys[i])), "hit lacks %s", keys[i]);
    ck_assert(json_is_real(json_object_get(h, "score")));
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(h, "snippet")), "<mark>"));
    ck_assert_ptr_null(json_object_get(h, "body"));
    /* highlights are character offsets into snippet_text */
    json_t *hl = json_object_get(h, "highlights");
    ck_assert_uint_ge(json_array_size(hl), 1);
    const char *text = json_string_value(json_object_get(h, "snippet_text"));
    size_t chars = 0;
    for (const char *p = text; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    for (size_t i = 0; i < json_array_size(hl); i++) {
        json_int_t s = json_integer_value(json_array_get(json_array_get(hl, i), 0));
        json_int_t e = json_integer_value(json_array_get(json_array_get(hl, i), 1));
        ck_assert(s < e && (size_t)e <= chars);
    }
    json_decref(a);
}
END_TEST

/* The part of s from character k on. */
static const char *from_char(const char *s, size_t k)
{
    for (; *s && k > 0; s++)
        if (((unsigned char)s[1] & 0xC0) != 0x80)
            k--;
    return s;
}

START_TEST(passage_offset)
{
    /* With one passage, the body read from passage_offset begins with the
     * passage's text (after a leading "…"), for every hit. */
    json_t *a = search("{\"q\": \"医保卡激活\", \"passages\": 1, \"passage_chars\": 40}");
    ck_assert_uint_ge(nhits(a), 2);
    for (size_t i = 0; i < nhits(a); i++) {
        json_t *h = json_array_get(json_object_get(a, "hits"), i);
        json_int_t at = json_integer_value(json_object_get(h, "passage_offset"));
        ck_assert(json_is_integer(json_object_get(h, "passage_offset")) && at >= 0);
        const char *text = json_string_value(json_object_get(h, "snippet_text"));
        if (!strncmp(text, "…", strlen("…")))
            text += strlen("…");
        sou_error err = {0};
        json_t *d = sou_get_document(g_s, hit_id(a, i), NULL, &err);
        ck_assert_ptr_nonnull(d);
        const char *body = from_char(json_string_value(json_object_get(d, "body")), (size_t)at);
        size_t n = strcspn(text, " \n"); /* the passage shows white space as one space */
        if (n > 12)
            n = 12; /* four CJK characters */
        ck_assert_msg(n >= 6 && !strncmp(body, text, n), "%s: body at %lld is \"%.30s\", passage \"%.30s\"",
                      hit_id(a, i), (long long)at, body, text);
        json_decref(d);
    }
    json_decref(a);
}
END_TEST

START_TEST(bigram_order_matters)
{
    json_t *a = search_q("民人");
    ck_assert_int_eq(total(a), 1);
    ck_assert_str_eq(hit_id(a, 0), "t_order_b");
    json_decref(a);
    a = search_q("人民");
    ck_assert_int_eq(total(a), 1);
    ck_assert_str_eq(hit_id(a, 0), "t_order_a");
    json_decref(a);
}
END_TEST

START_TEST(single_character)
{
    json_t *a = search_q("牙");
    ck_assert_uint_ge(nhits(a), 1);
    ck_assert(any_hit_or_similar(a, "000_")); /* 000 and 001 ask one question for two places */
    ck_assert(!any_hit_or_similar(a, "002_")); /* 002 has no 牙 */
    const char *snip = json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), 0), "snippet"));
    ck_assert_ptr_nonnull(strstr(snip, "<mark>牙</mark>"));
    json_decref(a);
}
END_TEST

START_TEST(phrase_and_merged_marks)
{
    json_t *a = search_q("\"参保地\"");
    ck_assert_int_eq(total(a), 4);
    for (size_t i = 0; i < nhits(a); i++) {
        const char *snip = json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), i), "snippet"));
        ck_assert_ptr_nonnull(strstr(snip, "<mark>参保地</mark>"));
        ck_assert_ptr_null(strstr(snip, "</mark><mark>"));
    }
    json_decref(a);
    a = search_q("\"人民服务\"");
    ck_assert_int_eq(total(a), 1);
    json_decref(a);
    a = search_q("\"服务人民\"");
    ck_assert_int_eq(total(a), 0);
    json_decref(a);
}
END_TEST

START_TEST(exclusion)
{
    json_t *a = search_q("医保卡激活");
    ck_assert(any_hit(a, "003_"));
    long long all = total(a);
    json_decref(a);
    a = search_q("医保卡激活 -兰州");
    ck_assert(!any_hit(a, "003_"));
    ck_assert_int_lt(total(a), all);
    json_t *ex = json_object_get(json_object_get(a, "query"), "excluded");
    ck_assert_str_eq(json_string_value(json_array_get(ex, 0)), "兰州");
    json_decref(a);
}
END_TEST

START_TEST(title_search)
{
    json_t *a = search_q("title:石家庄");
    ck_assert_int_eq(total(a), 1);
    ck_assert(any_hit(a, "001_"));
    const char *th = json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), 0), "title_html"));
    ck_assert_ptr_nonnull(strstr(th, "<mark>石家庄</mark>"));
    json_decref(a);
    a = search_q("title:牙科");
    ck_assert_int_eq(total(a), 0);
    ck_assert_uint_eq(nhits(a), 0);
    json_decref(a);
}
END_TEST

START_TEST(date_filter_and_sort)
{
    json_t *a = search_q("医保 date:2026-01-01..");
    ck_assert_uint_ge(nhits(a), 1);
    for (size_t i = 0; i < nhits(a); i++) {
        const char *d = json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), i), "date"));
        ck_assert_msg(!strncmp(d, "2026", 4), "date %s outside the range", d);
    }
    ck_assert(!any_hit(a, "001_")); /* 2025-05-17 */
    json_decref(a);

    a = search("{\"q\": \"医保\", \"date_from\": \"2025-05-17\", \"date_to\": \"2025-05-17\"}");
    ck_assert_int_eq(total(a), 1);
    ck_assert(any_hit(a, "001_"));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(a, "query"), "date_to")), "2025-05-17");
    json_decref(a);

    a = search("{\"q\": \"参保地\", \"sort\": \"date\"}");
    for (size_t i = 1; i < nhits(a); i++) {
        const char *d0 = json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), i - 1), "date"));
        const char *d1 = json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), i), "date"));
        ck_assert_msg(strcmp(d0, d1) >= 0, "not newest first: %s then %s", d0, d1);
    }
    json_decref(a);
    a = search("{\"q\": \"参保地\", \"sort\": \"date_asc\"}");
    for (size_t i = 1; i < nhits(a); i++) {
        const char *d0 = json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), i - 1), "date"));
        const char *d1 = json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), i), "date"));
        ck_assert_msg(!*d1 || strcmp(d0, d1) <= 0, "not oldest first: %s then %s", d0, d1);
        ck_assert_msg(*d0 || !*d1, "an undated document before a dated one");
    }
    json_decref(a);
    /* Undated documents come last in both directions. */
    for (int asc = 0; asc < 2; asc++) {
        a = search(asc ? "{\"q\": \"宣传册\", \"sort\": \"date_asc\"}" : "{\"q\": \"宣传册\", \"sort\": \"date\"}");
        ck_assert_uint_eq(nhits(a), 2);
        ck_assert_str_eq(hit_id(a, 0), "t_flyer");
        ck_assert_str_eq(hit_id(a, 1), "t_undated");
        json_decref(a);
    }
    a = search_q("date:2018..2020");
    ck_assert_int_eq(total(a), 3); /* only the test documents are that old */
    json_decref(a);
}
END_TEST

START_TEST(traditional_and_width)
{
    json_t *a = search_q("医保卡激活"), *b = search_q("醫保卡激活");
    ck_assert_int_eq(total(a), total(b));
    ck_assert_str_eq(hit_id(a, 0), hit_id(b, 0));
    json_decref(a);
    json_decref(b);
    a = search_q("APP");
    b = search_q("ＡＰＰ");
    json_t *c = search_q("app");
    ck_assert_int_ge(total(a), 1);
    ck_assert_int_eq(total(a), total(b));
    ck_assert_int_eq(total(a), total(c));
    json_decref(a);
    json_decref(b);
    json_decref(c);
    a = search_q("12333");
    ck_assert(any_hit(a, "001_") && any_hit(a, "003_"));
    json_decref(a);
}
END_TEST

START_TEST(escaping_and_extra_fields)
{
    json_t *a = search_q("脚本注入");
    ck_assert_str_eq(hit_id(a, 0), "t_script");
    json_t *h = json_array_get(json_object_get(a, "hits"), 0);
    const char *snip = json_string_value(json_object_get(h, "snippet"));
    ck_assert_ptr_null(strstr(snip, "<script"));
    ck_assert_ptr_nonnull(strstr(snip, "&lt;script&gt;"));
    ck_assert_str_eq(json_string_value(json_object_get(h, "title_html")), "&lt;b&gt;标题&lt;/b&gt;");
    ck_assert_str_eq(json_string_value(json_object_get(h, "category")), "安全");
    json_decref(a);
}
END_TEST

START_TEST(limit_and_offset)
{
    json_t *a = search("{\"q\": \"参保地\", \"limit\": \"2\"}");
    ck_assert_uint_eq(nhits(a), 2);
    ck_assert_int_eq(total(a), 4);
    const char *second = hit_id(a, 1);
    json_t *b = search("{\"q\": \"参保地\", \"limit\": 1, \"offset\": 1}");
    ck_assert_uint_eq(nhits(b), 1);
    ck_assert_str_eq(hit_id(b, 0), second);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(b, "hits"), 0), "rank")), 2);
    json_decref(a);
    json_decref(b);
    a = search("{\"q\": \"参保地\", \"offset\": 100}");
    ck_assert_uint_eq(nhits(a), 0);
    ck_assert_int_eq(total(a), 4);
    json_decref(a);
    a = search("{\"q\": \"参保地\", \"passages\": 0, \"limit\": 100, \"offset\": 10000, \"sort\": \"\"}");
    ck_assert_uint_eq(nhits(a), 0);
    json_decref(a);
    a = search("{\"q\": \"参保地\", \"passages\": 0}");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), 0), "snippet")), "");
    json_decref(a);
    a = search("{\"q\": \"参保地\", \"passages\": 1, \"passage_chars\": 10}");
    const char *t = json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), 0), "snippet_text"));
    size_t chars = 0;
    for (const char *p = t; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    ck_assert_uint_le(chars, 12);
    json_decref(a);
}
END_TEST

START_TEST(bad_options)
{
    search_bad("{\"q\": \"医保\", \"limit\": 0}", "\"limit\": must be 1..100");
    search_bad("{\"q\": \"医保\", \"limit\": 101}", "\"limit\"");
    search_bad("{\"q\": \"医保\", \"limit\": \"ten\"}", "\"limit\": must be an integer");
    search_bad("{\"q\": \"医保\", \"limit\": 2.5}", "\"limit\"");
    search_bad("{\"q\": \"医保\", \"limit\": \"99999999999999999999\"}", "\"limit\"");
    search_bad("{\"q\": \"医保\", \"offset\": -1}", "\"offset\"");
    search_bad("{\"q\": \"医保\", \"offset\": 10001}", "\"offset\"");
    search_bad("{\"q\": \"医保\", \"passages\": 11}", "\"passages\"");
    search_bad("{\"q\": \"医保\", \"passage_chars\": 5}", "\"passage_chars\"");
    search_bad("{\"q\": \"医保\", \"sort\": \"price\"}", "\"sort\"");
    search_bad("{\"q\": \"医保\", \"sort\": 1}", "\"sort\": must be a string");
    search_bad("{\"q\": \"医保\", \"date_from\": \"2025-13-01\"}", "\"date_from\"");
    search_bad("{\"q\": \"医保\", \"date_to\": \"yesterday\"}", "\"date_to\"");
    search_bad("{\"q\": \"医保\", \"date_from\": \"2026-01-01\", \"date_to\": \"2025-01-01\"}", "date range");
    search_bad("{\"q\": \"医保\", \"colour\": \"red\"}", "\"colour\": unknown");
    search_bad("{\"limit\": 3}", "\"q\": missing");
    search_bad("{\"q\": 12333}", "\"q\": must be a string");
    search_bad("{\"q\": \"\"}", "empty query");
    search_bad("{\"q\": \"   \"}", "empty query");
    search_bad("{\"q\": \"date:2025-02-30\"}", "date:");
    search_bad("[1, 2]", "JSON object");
    sou_error err = {0};
    ck_assert_ptr_null(sou_search(g_s, NULL, &err));
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
}
END_TEST

/* Each error names its reason and, where it can, the part of the request
 * at fault: the parameter, the text as given and its character range. */
static const struct {
    const char *opts, *reason, *param, *value;
    int at, end; /* -1: no "at" */
} REASONS[] = {
    {"{\"q\": \"醉驾 date:2025-13\"}", "bad_date", "q", "date:2025-13", 3, 15},
    /* typed in full width after an ideographic space: the value as typed */
    {"{\"q\": \"醉驾\u3000ｄａｔｅ：２０２５－１３\"}", "bad_date", "q", "ｄａｔｅ：２０２５－１３", 3, 15},
    /* a zero-width space before: normalisation drops it, offsets count it */
    {"{\"q\": \"醉\u200b驾 date:2025-02-30 工资\"}", "bad_date", "q", "date:2025-02-30", 4, 19},
    {"{\"q\": \"工资 date:2026..2025\"}", "bad_date_range", "q", "date:2026..2025", 3, 18},
    {"{\"q\": \"title: 医保\"}", "bad_syntax", "q", "title:", 0, 6},
    {"{\"q\": \"\"}", "empty_query", "q", "", -1, -1},
    {"{\"q\": \"。。！\"}", "nothing_searchable", "q", "", -1, -1},
    {"{\"q\": \"医保 \\\"？？\\\"\"}", "nothing_searchable", "q", "\"？？\"", 3, 7},
    {"{\"limit\": 3}", "missing_option", "q", "", -1, -1},
    {"{\"q\": \"医保\", \"colour\": \"red\"}", "unknown_option", "colour", "", -1, -1},
    {"{\"q\": \"医保\", \"limit\": 0}", "bad_option", "limit", "0", -1, -1},
    {"{\"q\": \"医保\", \"limit\": \"ten\"}", "bad_option", "limit", "ten", -1, -1},
    {"{\"q\": \"医保\", \"sort\": \"price\"}", "bad_option", "sort", "price", -1, -1},
    {"{\"q\": \"医保\", \"date_from\": \"2025-13-01\"}", "bad_date", "date_from", "2025-13-01", -1, -1},
    {"{\"q\": \"医保\", \"date_from\": \"2026-01-01\", \"date_to\": \"2025-01-01\"}", "bad_date_range",
     "date_from", "", -1, -1},
};

START_TEST(error_reasons)
{
    sou_error err = {0};
    json_t *o = json_loads(REASONS[_i].opts, 0, NULL);
    ck_assert_msg(o != NULL, "bad test JSON %s", REASONS[_i].opts);
    ck_assert_ptr_null(sou_search(g_s, o, &err));
    json_decref(o);
    json_t *j = sou_error_json(&err), *e = json_object_get(j, "error");
    ck_assert_int_eq(json_integer_value(json_object_get(e, "code")), 400);
    ck_assert_str_eq(json_string_value(json_object_get(e, "reason")), REASONS[_i].reason);
    ck_assert_str_eq(json_string_value(json_object_get(e, "param")), REASONS[_i].param);
    ck_assert_str_eq(json_string_value(json_object_get(e, "value")), REASONS[_i].value);
    const json_t *at = json_object_get(e, "at");
    if (REASONS[_i].at < 0) {
        ck_assert_ptr_null(at);
    } else {
        ck_assert_msg(at != NULL, "%s: no \"at\"", REASONS[_i].opts);
        ck_assert_int_eq(json_integer_value(json_array_get(at, 0)), REASONS[_i].at);
        ck_assert_int_eq(json_integer_value(json_array_get(at, 1)), REASONS[_i].end);
    }
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(e, "message")), ""));
    json_decref(j);
}
END_TEST

START_TEST(error_json_generic)
{
    /* An error set without a reason reports its code's generic one, and
     * nothing about a location. */
    sou_error err;
    sou_error_set(&err, SOU_EUNAVAILABLE, "cannot open the index at %s", "/nowhere");
    json_t *j = sou_error_json(&err);
    char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    ck_assert_str_eq(text, "{\"error\":{\"code\":503,\"reason\":\"unavailable\","
                           "\"message\":\"cannot open the index at /nowhere\"}}");
    free(text);
    json_decref(j);
    sou_error_fail(&err, SOU_R_NOT_FOUND, "document \"x\" not found");
    ck_assert_int_eq(err.code, SOU_ENOTFOUND);
    ck_assert_str_eq(sou_error_reason_word(&err), "not_found");
    /* a long value is cut at a character boundary */
    char big[400] = "";
    for (int i = 0; i < 100; i++)
        strcat(big, "醫");
    sou_error_where(&err, "q", big, strlen(big), 0, 100);
    ck_assert_uint_eq(strlen(err.value) % 3, 0);
    j = sou_error_json(&err);
    ck_assert_ptr_nonnull(json_object_get(json_object_get(j, "error"), "value"));
    json_decref(j);
}
END_TEST

START_TEST(documents)
{
    sou_error err = {0};
    json_t *d = sou_get_document(g_s, "t_script", NULL, &err);
    ck_assert_msg(d != NULL, "%s", err.message);
    ck_assert_str_eq(json_string_value(json_object_get(d, "id")), "t_script");
    ck_assert_str_eq(json_string_value(json_object_get(d, "body")), "<script>alert('x')</script> 脚本注入测试");
    ck_assert_ptr_null(json_object_get(d, "body_html"));
    json_decref(d);
    d = sou_get_document(g_s, "t_script", "注入 <script>", &err);
    ck_assert_msg(d != NULL, "%s", err.message);
    ck_assert_str_eq(json_string_value(json_object_get(d, "body_html")),
                     "&lt;<mark>script</mark>&gt;alert(&#39;x&#39;)&lt;/<mark>script</mark>&gt; 脚本<mark>注入</mark>测试");
    ck_assert_ptr_nonnull(json_object_get(d, "title_html"));
    json_decref(d);
    d = sou_get_document(g_s, "000_ac1cf03b7f701441", "参保地", &err);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(d, "body_html")), "<mark>参保地</mark>"));
    json_decref(d);
    ck_assert_ptr_null(sou_get_document(g_s, "no_such_doc", NULL, &err));
    ck_assert_int_eq(err.code, SOU_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "no_such_doc"));
    ck_assert_ptr_null(sou_get_document(g_s, "", NULL, &err));
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
    ck_assert_ptr_null(sou_get_document(g_s, "bad\xff", NULL, &err));
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
    ck_assert_ptr_null(sou_get_document(g_s, "t_script", "date:2025-99", &err));
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
}
END_TEST

START_TEST(related_articles)
{
    /* More like this: the bird articles find each other; a near-copy (the
     * same title) and the article itself never show. */
    sou_error err = {0};
    json_t *d = sou_get_document(g_s, "t_copy_a", NULL, &err);
    ck_assert_ptr_nonnull(d);
    json_t *rel = json_object_get(d, "related");
    ck_assert(json_is_array(rel));
    ck_assert_uint_ge(json_array_size(rel), 1);
    ck_assert_uint_le(json_array_size(rel), 5);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rel, 0), "id")), "t_birds");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rel, 0), "title")), "湿地白鹤越冬记录");
    for (size_t i = 0; i < json_array_size(rel); i++) {
        const char *id = json_string_value(json_object_get(json_array_get(rel, i), "id"));
        ck_assert_str_ne(id, "t_copy_a");
        ck_assert_str_ne(id, "t_copy_b");
    }
    json_decref(d);
    /* the seed articles, one template for four cities, are related */
    d = sou_get_document(g_s, "000_ac1cf03b7f701441", NULL, &err);
    rel = json_object_get(d, "related");
    int seeds = 0;
    for (size_t i = 0; i < json_array_size(rel); i++)
        seeds += strncmp(json_string_value(json_object_get(json_array_get(rel, i), "id")), "00", 2) == 0;
    ck_assert_int_ge(seeds, 2);
    json_decref(d);
}
END_TEST

static json_t *suggest(const char *json_opts)
{
    sou_error err = {0};
    json_t *o = json_loads(json_opts, 0, NULL);
    json_t *a = sou_suggest(g_s, o, &err);
    json_decref(o);
    ck_assert_msg(a != NULL, "suggest %s: %s", json_opts, err.message);
    return json_object_get(a, "suggestions") ? a : NULL;
}

static int has_suggestion(const json_t *a, const char *text)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(a, "suggestions"), i, v) {
        if (strcmp(json_string_value(v), text) == 0)
            return 1;
    }
    return 0;
}

START_TEST(suggestions)
{
    /* a title's phrase from a word start: 关于候鸟迁徙观测站的通知 completes 候鸟 */
    json_t *a = suggest("{\"q\": \"候鸟\"}");
    ck_assert(has_suggestion(a, "候鸟迁徙观测站的通知"));
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(a, "suggestions"), i, v) {
        ck_assert_msg(strncmp(json_string_value(v), "候鸟", strlen("候鸟")) == 0, "%s", json_string_value(v));
    }
    ck_assert_str_eq(json_string_value(json_object_get(a, "q")), "候鸟");
    json_decref(a);
    /* typed in traditional script, with a space after it */
    a = suggest("{\"q\": \"候鳥 \"}");
    ck_assert(has_suggestion(a, "候鸟迁徙观测站的通知"));
    json_decref(a);
    /* one character: the title words that start with it */
    a = suggest("{\"q\": \"候\"}");
    ck_assert(has_suggestion(a, "候鸟"));
    json_decref(a);
    /* the seed titles */
    a = suggest("{\"q\": \"医保\", \"limit\": 3}");
    ck_assert_uint_ge(json_array_size(json_object_get(a, "suggestions")), 1);
    ck_assert_uint_le(json_array_size(json_object_get(a, "suggestions")), 3);
    json_decref(a);
    /* nothing starts so: an empty list */
    a = suggest("{\"q\": \"zqxjvwk\"}");
    ck_assert_uint_eq(json_array_size(json_object_get(a, "suggestions")), 0);
    json_decref(a);
    /* the empty prefix: examples, words of two or more titles */
    a = suggest("{\"q\": \"\"}");
    ck_assert_uint_ge(json_array_size(json_object_get(a, "suggestions")), 1);
    json_decref(a);
    sou_error err = {0};
    json_t *o = json_loads("{\"q\": \"医保\", \"colour\": 1}", 0, NULL);
    ck_assert_ptr_null(sou_suggest(g_s, o, &err));
    ck_assert_str_eq(sou_error_reason_word(&err), "unknown_option");
    json_decref(o);
    o = json_loads("{\"limit\": 2}", 0, NULL);
    ck_assert_ptr_null(sou_suggest(g_s, o, &err));
    ck_assert_str_eq(sou_error_reason_word(&err), "missing_option");
    json_decref(o);
}
END_TEST

START_TEST(stored_escapes_round_trip)
{
    sou_error err = {0};
    json_t *d = sou_get_document(g_s, "t_escapes", "表情", &err);
    ck_assert_msg(d != NULL, "%s", err.message);
    ck_assert_str_eq(json_string_value(json_object_get(d, "body")),
                     "控制\001字符\t表情\xf0\x9f\x98\x80 \"引号\" \\ 反斜杠");
    ck_assert_str_eq(json_string_value(json_object_get(d, "body_html")),
                     "控制 字符\t<mark>表情</mark>\xf0\x9f\x98\x80 &quot;引号&quot; \\ 反斜杠");
    json_decref(d);
}
END_TEST

START_TEST(info_and_refresh)
{
    sou_error err = {0};
    json_t *i = sou_searcher_info(g_s, &err);
    ck_assert_ptr_nonnull(i);
    ck_assert_int_eq(json_integer_value(json_object_get(i, "documents")), 13);
    ck_assert_str_eq(json_string_value(json_object_get(i, "db")), g_db);
    json_decref(i);
    ck_assert_int_eq(sou_searcher_refresh(g_s, &err), 0);
}
END_TEST

START_TEST(open_errors)
{
    sou_error err = {0};
    ck_assert_ptr_null(sou_searcher_open("/nonexistent/sou-index", &err));
    ck_assert_int_eq(err.code, SOU_EUNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/sou-index"));
    ck_assert_ptr_null(sou_searcher_open("", &err));
    ck_assert_int_eq(err.code, SOU_EUNAVAILABLE);
    sou_searcher_free(NULL);
}
END_TEST

/* ------------------------------------------------------------ limits of cost */

/* "中国 -X -Y ..." with n single-character exclusions. */
static char *exclusions(int n)
{
    static const char chars[] = "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作";
    char *q = malloc(16 + 6 * (size_t)n);
    strcpy(q, "中国");
    for (int i = 0; i < n; i++) {
        strcat(q, " -");
        size_t end = strlen(q), k = 3 * (size_t)(i % 49);
        memcpy(q + end, chars + k, 3);
        q[end + 3] = '\0';
    }
    return q;
}

START_TEST(query_cost_is_bounded)
{
    /* 330 exclusions took 15 s and 260 MB: refused, the message says why. */
    char *q = exclusions(40);
    char opts[1024];
    snprintf(opts, sizeof opts, "{\"q\": \"%s\"}", q);
    search_bad(opts, "too many operators: 40 phrases, exclusions and title: words, at most 32");
    free(q);
    /* Each excluded character stands for every word starting with it, in
     * the body and the title: 10 fit the budget, 11 do not. */
    q = exclusions(10);
    json_decref(search_q(q));
    free(q);
    q = exclusions(11);
    snprintf(opts, sizeof opts, "{\"q\": \"%s\"}", q);
    search_bad(opts, "too many single characters searched alone (22 searches, at most 20");
    free(q);
    search_bad("{\"q\": \"医 保 卡 兰 州 天 津 看 牙 报 销\"}", "too many single characters");
    /* Characters in a longer question are exact terms, not expansions. */
    json_decref(search_q("的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作"));
    json_t *a = search_q("兰 州");
    ck_assert_str_eq(hit_id(a, 0), "003_1bdcc1241bf11e8e");
    json_decref(a);
    /* The longest query there may be (1000 characters) is within the term
     * budget: it was refused as "too long: 2273 terms, at most 2048". */
    {
        static const char seed[] = "医保参保地变更指参保人需准备原参保地医保卡新单位劳动合同等材料通过线上或线下渠道申请转移";
        size_t chars = (sizeof seed - 1) / 3;
        char *longest = malloc(3 * 1000 + 32);
        size_t len = (size_t)sprintf(longest, "{\"q\": \"");
        for (size_t i = 0; i < 1000; i++, len += 3)
            memcpy(longest + len, seed + 3 * (i % chars), 3);
        sprintf(longest + len, "\"}");
        json_decref(search(longest));
        /* and so is one of 500 two-character words in every order, about
         * 500 different bigrams across two words: placing each beside its
         * words took 8,349 terms; only the kept ones are placed */
        static const char words[] = "医院学校公司银行法院律师工资合同房屋土地车辆驾驶保险养老医疗就业"
                                    "失业工伤生育户口护照签证结婚离婚子女父母老人儿童学生教师";
        size_t nwords = (sizeof words - 1) / 6;
        unsigned r = 1;
        len = (size_t)sprintf(longest, "{\"q\": \"");
        for (size_t i = 0; i < 500; i++, len += 6) {
            r = r * 1103515245u + 12345u;
            memcpy(longest + len, words + 6 * ((r >> 16) % nwords), 6);
        }
        sprintf(longest + len, "\"}");
        json_decref(search(longest));
        free(longest);
    }
}
END_TEST

/* Quoted text whose parts are single characters was a 500 (Xapian cannot
 * put a wildcard in a PHRASE): they are required, not placed. */
START_TEST(phrase_with_single_characters)
{
    json_t *a = search_q("\"兰 州\"");
    ck_assert_uint_ge(nhits(a), 1);
    ck_assert_str_eq(hit_id(a, 0), "003_1bdcc1241bf11e8e");
    json_decref(a);
    a = search_q("「医、保、卡。」");
    ck_assert_uint_ge(nhits(a), 1);
    json_decref(a);
    a = search_q("\"医保 卡\"");
    ck_assert_uint_ge(nhits(a), 1);
    json_decref(a);
    a = search_q("-\"兰 州\" 医保");
    for (size_t i = 0; i < nhits(a); i++)
        ck_assert_str_ne(hit_id(a, i), "003_1bdcc1241bf11e8e");
    json_decref(a);
}
END_TEST

/* Run the indexer over one JSONL text into dir/db; returns the db path (static). */
static const char *index_jsonl(const char *dir, const char *jsonl, size_t len)
{
    static char db[PATH_MAX];
    char bin[PATH_MAX], exe[PATH_MAX], file[PATH_MAX + 16], cmd[4 * PATH_MAX];
    snprintf(bin, sizeof bin, "%s", bin_dir(exe, sizeof exe));
    snprintf(db, sizeof db, "%s/db", dir);
    snprintf(file, sizeof file, "%s/in.jsonl", dir);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(jsonl, 1, len, f), len);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s/indexer' --quiet --db '%s' '%s'", bin, db, file);
    ck_assert_int_eq(system(cmd), 0);
    return db;
}

static char *temp_dir(void)
{
    static char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/XXXXXX", g_dir);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    return dir;
}

/* The term-frequency memo: remembered per revision, forgotten at another
 * one and when full. */
START_TEST(tf_memo_per_revision)
{
    sou_tf_memo *m = sou_tf_memo_new();
    ck_assert_ptr_nonnull(m);
    unsigned tf = 0;
    sou_tf_memo_revision(m, 7);
    ck_assert_int_eq(sou_tf_memo_get(m, "医保", strlen("医保"), &tf), 0);
    sou_tf_memo_put(m, "医保", strlen("医保"), 12);
    sou_tf_memo_put(m, "S医保", strlen("S医保"), 3);
    ck_assert_int_eq(sou_tf_memo_get(m, "医保", strlen("医保"), &tf), 1);
    ck_assert_uint_eq(tf, 12);
    ck_assert_int_eq(sou_tf_memo_get(m, "医", strlen("医"), &tf), 0); /* a prefix is another term */
    sou_tf_memo_revision(m, 7);
    ck_assert_uint_eq(sou_tf_memo_size(m), 2);
    sou_tf_memo_revision(m, 8); /* a commit: everything forgotten */
    ck_assert_uint_eq(sou_tf_memo_size(m), 0);
    ck_assert_int_eq(sou_tf_memo_get(m, "医保", strlen("医保"), &tf), 0);
    char term[32];
    for (unsigned i = 0; i <= SOU_TF_MEMO_MAX; i++) {
        snprintf(term, sizeof term, "t%u", i);
        sou_tf_memo_put(m, term, strlen(term), i);
    }
    ck_assert_uint_eq(sou_tf_memo_size(m), 1); /* full: forgotten, then the last one kept */
    ck_assert_int_eq(sou_tf_memo_get(m, term, strlen(term), &tf), 1);
    ck_assert_uint_eq(tf, SOU_TF_MEMO_MAX);
    sou_tf_memo_free(m);
}
END_TEST

/* A searcher remembers term frequencies between queries, and a commit
 * makes it ask again: a word in no document is missing, then found once
 * an indexer adds it. */
START_TEST(tf_memo_after_commit)
{
    static const char one[] = "{\"id\":\"a\",\"title\":\"医保\",\"body\":\"医保报销\"}\n";
    const char *db = index_jsonl(temp_dir(), one, sizeof one - 1);
    sou_error err = {0};
    sou_searcher *s = sou_searcher_open(db, &err);
    ck_assert_msg(s != NULL, "%s", err.message);
    json_t *o = json_pack("{s:s}", "q", "医保 挂号");
    for (int round = 0; round < 2; round++) {
        json_t *a = sou_search(s, o, &err);
        ck_assert_msg(a != NULL, "%s", err.message);
        const json_t *missing = json_object_get(json_object_get(a, "query"), "missing");
        ck_assert_uint_eq(json_array_size(missing), 1);
        ck_assert_str_eq(json_string_value(json_array_get(missing, 0)), "挂号");
        json_decref(a);
    }
    sx_db *w = NULL;
    sx_error xe = {0};
    ck_assert_int_eq(sx_db_open_writable(db, SX_DB_OPEN, &w, &xe), SX_OK);
    sx_doc *d = sx_doc_new();
    ck_assert_int_eq(sx_doc_add_boolean_term(d, "Qb", 2, &xe), SX_OK);
    ck_assert_int_eq(sx_doc_add_posting(d, "挂号", strlen("挂号"), 1, &xe), SX_OK);
    ck_assert_int_eq(sx_doc_set_data(d, "{\"id\":\"b\",\"title\":\"\",\"body\":\"挂号\"}", 37, &xe), SX_OK);
    ck_assert_int_eq(sx_db_replace_by_term(w, "Qb", d, NULL, &xe), SX_OK);
    sx_doc_free(d);
    ck_assert_int_eq(sx_db_commit(w, &xe), SX_OK);
    sx_db_close(w);
    ck_assert_int_eq(sou_searcher_refresh(s, &err), 1);
    json_t *a = sou_search(s, o, &err);
    ck_assert_msg(a != NULL, "%s", err.message);
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(a, "query"), "missing")), 0);
    json_decref(a);
    json_decref(o);
    sou_searcher_free(s);
}
END_TEST

typedef struct {
    const char *db;
    int runs, fail_runs;
} rewrite_ctx;

/* The match hook: an indexer's commits (every document rewritten, three
 * times) between the matching and the reading of the hits, then the
 * DatabaseModifiedError that Xapian throws when the revision read has
 * vanished (injected: when it strikes depends on Xapian's block reuse). */
static int rewrite_everything(void *arg)
{
    rewrite_ctx *c = arg;
    if (c->runs++ > 0)
        return c->runs <= c->fail_runs;
    sx_db *w = NULL;
    sx_error xe = {0};
    ck_assert_int_eq(sx_db_open_writable(c->db, SX_DB_OPEN, &w, &xe), SX_OK);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 40; i++) {
            char id[32], term[40], data[160];
            snprintf(id, sizeof id, "m%02d", i);
            snprintf(term, sizeof term, "Q%s", id);
            snprintf(data, sizeof data, "{\"id\":\"%s\",\"title\":\"改写%d\",\"body\":\"医保\"}", id, round);
            sx_doc *d = sx_doc_new();
            ck_assert_int_eq(sx_doc_add_boolean_term(d, term, strlen(term), &xe), SX_OK);
            ck_assert_int_eq(sx_doc_add_posting(d, "医保", strlen("医保"), 1, &xe), SX_OK);
            ck_assert_int_eq(sx_doc_set_data(d, data, strlen(data), &xe), SX_OK);
            ck_assert_int_eq(sx_db_replace_by_term(w, term, d, NULL, &xe), SX_OK);
            sx_doc_free(d);
        }
        ck_assert_int_eq(sx_db_commit(w, &xe), SX_OK);
    }
    sx_db_close(w);
    return 1;
}

static sou_searcher *modified_index(rewrite_ctx *c)
{
    char jsonl[40 * 100];
    size_t len = 0;
    for (int i = 0; i < 40; i++)
        len += (size_t)sprintf(jsonl + len, "{\"id\":\"m%02d\",\"title\":\"原文\",\"body\":\"医保\"}\n", i);
    c->db = index_jsonl(temp_dir(), jsonl, len);
    sou_error err = {0};
    sou_searcher *s = sou_searcher_open(c->db, &err);
    ck_assert_msg(s != NULL, "%s", err.message);
    sou_searcher_set_match_hook(s, rewrite_everything, c);
    return s;
}

/* An indexer committing while a slow query ran gave DatabaseModifiedError
 * (a 500: one retry was not enough): the search reopens and starts again
 * until one revision holds still, and answers from the newest. */
START_TEST(index_modified_during_search)
{
    rewrite_ctx c = {NULL, 0, 3};
    sou_searcher *s = modified_index(&c);
    sou_error err = {0};
    json_t *o = json_pack("{s:s,s:i}", "q", "医保", "limit", 40);
    json_t *a = sou_search(s, o, &err);
    ck_assert_msg(a != NULL, "search failed: %s", err.message);
    ck_assert_int_eq(c.runs, 4); /* three failed attempts, then one that held */
    ck_assert_uint_eq(nhits(a), 40);
    for (size_t i = 0; i < 40; i++) {
        const json_t *hit = json_array_get(json_object_get(a, "hits"), i);
        ck_assert_str_eq(json_string_value(json_object_get(hit, "title")), "改写2");
        ck_assert_uint_eq(strlen(hit_id(a, i)), 3);
    }
    json_decref(a);
    /* An index that never holds still: a clear 503, not a 500. */
    c.runs = 1;
    c.fail_runs = 1000;
    ck_assert_ptr_null(sou_search(s, o, &err));
    ck_assert_int_eq(err.code, SOU_EUNAVAILABLE);
    ck_assert_msg(strstr(err.message, "the index changed 8 times") != NULL, "%s", err.message);
    json_decref(o);
    sou_searcher_free(s);
}
END_TEST

/* /doc?q= on a 60 MB document answered 171 MB: a bound and a clear 413. */
START_TEST(document_highlight_is_bounded)
{
    size_t body = SOU_DOC_HIGHLIGHT_MAX + 10;
    char *jsonl = malloc(body + 200);
    size_t len = (size_t)sprintf(jsonl, "{\"id\":\"big\",\"title\":\"大文件\",\"body\":\"");
    for (size_t i = 0; i < body / 6; i++, len += 6)
        memcpy(jsonl + len, "中文", 6);
    len += (size_t)sprintf(jsonl + len, "\"}\n{\"id\":\"small\",\"title\":\"小\",\"body\":\"中文\"}\n");
    const char *db = index_jsonl(temp_dir(), jsonl, len);
    free(jsonl);
    sou_error err = {0};
    sou_searcher *s = sou_searcher_open(db, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_null(sou_get_document(s, "big", "中文", &err));
    ck_assert_int_eq(err.code, SOU_ETOOLARGE);
    ck_assert_msg(strstr(err.message, "ask without q") != NULL, "%s", err.message);
    json_t *d = sou_get_document(s, "big", NULL, &err); /* the plain text is still there */
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_ge(json_string_length(json_object_get(d, "body")), SOU_DOC_HIGHLIGHT_MAX);
    json_decref(d);
    d = sou_get_document(s, "small", "中文", &err);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_string_value(json_object_get(d, "body_html")), "<mark>中文</mark>");
    json_decref(d);
    sou_searcher_free(s);
}
END_TEST

/* Older indexes stored a NUL byte as \u0000, which jansson rejected: the
 * hit came back with an empty id, title and snippet. */
START_TEST(stored_nul_reads_as_space)
{
    static const char data[] = "{\"id\":\"n\\u00001\",\"title\":\"标\\u0000题\",\"body\":\"正文\"}";
    sou_stored_fields f;
    size_t len;
    ck_assert_int_eq(sou_stored_fields_parse(data, sizeof data - 1, &f), 0);
    ck_assert_str_eq(sou_stored_field_get(&f, "id", &len), "n 1");
    ck_assert_str_eq(sou_stored_field_get(&f, "title", &len), "标 题");
    ck_assert_str_eq(sou_stored_field_get(&f, "body", &len), "正文");
    sou_stored_fields_free(&f);
}
END_TEST

static Suite *search_suite(void)
{
    Suite *s = suite_create("search");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_loop_test(core, questions_find_their_article, 0, sizeof QUESTIONS / sizeof QUESTIONS[0]);
    tcase_add_test(core, answer_shape);
    tcase_add_test(core, passage_offset);
    tcase_add_test(core, bigram_order_matters);
    tcase_add_test(core, single_character);
    tcase_add_test(core, phrase_and_merged_marks);
    tcase_add_test(core, exclusion);
    tcase_add_test(core, title_search);
    tcase_add_test(core, date_filter_and_sort);
    tcase_add_test(core, traditional_and_width);
    tcase_add_test(core, escaping_and_extra_fields);
    tcase_add_test(core, documents);
    tcase_add_test(core, stored_escapes_round_trip);
    tcase_add_test(core, related_articles);
    tcase_add_test(core, suggestions);
    tcase_add_test(core, info_and_refresh);
    tcase_add_test(core, tf_memo_per_revision);
    tcase_add_test(core, tf_memo_after_commit);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_checked_fixture(limits, setup, teardown);
    tcase_add_test(limits, limit_and_offset);
    tcase_add_test(limits, query_cost_is_bounded);
    tcase_add_test(limits, phrase_with_single_characters);
    tcase_add_test(limits, index_modified_during_search);
    tcase_add_test(limits, document_highlight_is_bounded);
    tcase_add_test(limits, stored_nul_reads_as_space);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, bad_options);
    tcase_add_loop_test(errors, error_reasons, 0, sizeof REASONS / sizeof REASONS[0]);
    tcase_add_test(errors, error_json_generic);
    tcase_add_test(errors, open_errors);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    if (build_index() < 0) {
        fprintf(stderr, "check_search: cannot build the test index in %s (is the indexer built?)\n", g_dir);
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(search_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "check_search: could not remove %s\n", g_dir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
