/*
 * check_server.c: searchd end to end, over real sockets.
 *
 * main() indexes corpus/ once with the real indexer into a temporary
 * directory.  TCases "core" and "bad_input" share one searchd started in an
 * unchecked fixture (in Check's parent process, so it is stopped even when
 * a forked test crashes); "lifecycle" tests start their own (missing index,
 * live update, signals, idle timeout); "units" calls the protocol parsers
 * and the config reader as plain functions.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "server.h"
#include "sou_testload.h"
#include "sou_testserver.h"
#include "utf8.h"

static char *g_tmp;       /* temporary directory for the whole run */
static char g_db[4096];   /* index of corpus/ */
static sou_testserver g_srv;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void start_shared(void)
{
    char err[256];
    if (sou_testserver_start(&g_srv, g_db, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "check_server: cannot start searchd: %s\n", err);
        exit(1);
    }
}

static void stop_shared(void)
{
    int status = sou_testserver_stop(&g_srv);
    if (status != 0)
        fprintf(stderr, "check_server: the shared searchd exited with status %d\n", status);
}

/* GET /search?q=<q><extra> on the shared server. */
static json_t *http_search(int port, const char *q, const char *extra, int *status)
{
    char *enc = sou_test_urlencode(q), *target = NULL;
    json_t *j;
    ck_assert_int_ge(asprintf(&target, "/search?q=%s%s", enc, extra ? extra : ""), 0);
    j = sou_test_http_json(port, target, status);
    free(enc);
    free(target);
    return j;
}

static const char *first_id(const json_t *answer)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(answer, "hits"), 0), "id"));
}

static int error_code(const json_t *answer)
{
    return (int)json_integer_value(json_object_get(json_object_get(answer, "error"), "code"));
}

static const char *error_message(const json_t *answer)
{
    const char *m = json_string_value(json_object_get(json_object_get(answer, "error"), "message"));
    return m ? m : "";
}

/* ------------------------------------------------------------------ core */

static const struct {
    const char *q;
    const char *id_prefix;
} questions[] = {
    {"天津看牙能用医保报销吗", "000_"},
    {"兰州怎么在手机上激活医保卡", "003_"},
    {"岳阳医保能报销哪些费用", "002_"},
    {"石家庄医保卡激活步骤", "001_"},
};

START_TEST(test_first_hit_http)
{
    int status;
    json_t *a = http_search(g_srv.http_port, questions[_i].q, NULL, &status);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(first_id(a));
    ck_assert_msg(strncmp(first_id(a), questions[_i].id_prefix, 4) == 0, "%s: first hit %s, expected %s...",
                  questions[_i].q, first_id(a), questions[_i].id_prefix);
    json_decref(a);
}
END_TEST

/* Over HTTP too: the synonyms used, the words in no document, and
 * collapse as a query parameter. */
START_TEST(test_query_words_http)
{
    int status;
    json_t *a = http_search(g_srv.http_port, "被狗咬了谁来办理", NULL, &status);
    ck_assert_int_eq(status, 200);
    const json_t *missing = json_object_get(json_object_get(a, "query"), "missing");
    int found = 0; /* corpus/ has no 狗 nor 犬: 狗 and 狗咬 are missing, 办理 is not */
    for (size_t i = 0; i < json_array_size(missing); i++) {
        found |= !strcmp(json_string_value(json_array_get(missing, i)), "狗咬");
        ck_assert_str_ne(json_string_value(json_array_get(missing, i)), "办理");
    }
    ck_assert(found);
    json_decref(a);
    a = http_search(g_srv.http_port, "医保参保地怎么改", "&collapse=false", &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(json_object_get(json_object_get(json_object_get(a, "query"), "synonyms"), "医保"));
    ck_assert_int_eq(json_array_size(json_object_get(a, "hits")), 4);
    json_decref(a);
    a = http_search(g_srv.http_port, "医保", "&collapse=perhaps", &status);
    ck_assert_int_eq(status, 400);
    json_decref(a);
}
END_TEST

START_TEST(test_http_and_line_identical)
{
    sou_testconn c;
    ck_assert_int_eq(sou_testconn_open(&c, g_srv.line_port), 0);
    for (size_t i = 0; i < sizeof questions / sizeof questions[0]; i++) {
        int status;
        char *line = NULL;
        json_t *h = http_search(g_srv.http_port, questions[i].q, "&limit=3&passages=1", &status);
        json_t *l;
        ck_assert_int_ge(asprintf(&line, "SEARCH {\"q\":\"%s\",\"limit\":3,\"passages\":1}", questions[i].q), 0);
        l = sou_testconn_call(&c, line);
        ck_assert_ptr_nonnull(h);
        ck_assert_ptr_nonnull(l);
        ck_assert_int_eq(json_array_size(json_object_get(h, "hits")), 3);
        ck_assert_msg(json_equal(json_object_get(h, "hits"), json_object_get(l, "hits")),
                      "%s: HTTP and line protocol hits differ", questions[i].q);
        ck_assert(json_equal(json_object_get(h, "total"), json_object_get(l, "total")));
        ck_assert(json_equal(json_object_get(h, "query"), json_object_get(l, "query")));
        free(line);
        json_decref(h);
        json_decref(l);
    }
    /* The plain-text form is the same request as {"q": text}. */
    {
        json_t *a = sou_testconn_call(&c, "SEARCH 天津看牙能用医保报销吗");
        ck_assert_str_eq(first_id(a), "000_ac1cf03b7f701441");
        json_decref(a);
    }
    sou_testconn_close(&c);
}
END_TEST

START_TEST(test_pipelining)
{
    sou_testconn c;
    json_t *a;
    /* Six requests in one write; answers must come back in this order. */
    const char *batch = "PING\r\n"
                        "SEARCH 兰州怎么在手机上激活医保卡\n"
                        "SEARCH 天津看牙能用医保报销吗\n"
                        "GET 001_dd3610d66644acdd\n"
                        "BOGUS\n"
                        "SEARCH 岳阳医保能报销哪些费用\n"
                        "PING\n";
    ck_assert_int_eq(sou_testconn_open(&c, g_srv.line_port), 0);
    for (int round = 0; round < 5; round++) {
        ck_assert_int_eq(sou_testconn_send(&c, batch), 0);
        a = sou_testconn_readjson(&c);
        ck_assert(json_is_true(json_object_get(a, "pong")));
        json_decref(a);
        a = sou_testconn_readjson(&c);
        ck_assert_str_eq(first_id(a), "003_1bdcc1241bf11e8e");
        json_decref(a);
        a = sou_testconn_readjson(&c);
        ck_assert_str_eq(first_id(a), "000_ac1cf03b7f701441");
        json_decref(a);
        a = sou_testconn_readjson(&c);
        ck_assert_str_eq(json_string_value(json_object_get(a, "id")), "001_dd3610d66644acdd");
        json_decref(a);
        a = sou_testconn_readjson(&c);
        ck_assert_int_eq(error_code(a), 400);
        json_decref(a);
        a = sou_testconn_readjson(&c);
        ck_assert_str_eq(first_id(a), "002_90e83fe1bcde53a9");
        json_decref(a);
        a = sou_testconn_readjson(&c);
        ck_assert(json_is_true(json_object_get(a, "pong")));
        json_decref(a);
    }
    sou_testconn_close(&c);
}
END_TEST

START_TEST(test_ping_stats_get_quit)
{
    sou_testconn c;
    json_t *a;
    char *rest;

    ck_assert_int_eq(sou_testconn_open(&c, g_srv.line_port), 0);
    a = sou_testconn_call(&c, "ping"); /* commands are case-insensitive */
    ck_assert(json_is_true(json_object_get(a, "pong")));
    json_decref(a);

    a = sou_testconn_call(&c, "SEARCH 医保");
    ck_assert_int_ge(json_integer_value(json_object_get(a, "total")), 1);
    json_decref(a);
    a = sou_testconn_call(&c, "STATS");
    ck_assert_ptr_nonnull(a);
    ck_assert_int_ge(json_integer_value(json_object_get(a, "requests")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "documents")), 4);
    ck_assert(json_is_integer(json_object_get(a, "revision")));
    ck_assert(json_is_number(json_object_get(a, "uptime_s")));
    ck_assert(json_is_integer(json_object_get(a, "errors")));
    ck_assert(json_is_number(json_object_get(json_object_get(a, "latency_ms"), "p50")));
    ck_assert(json_is_number(json_object_get(json_object_get(a, "latency_ms"), "p90")));
    ck_assert(json_is_number(json_object_get(json_object_get(a, "latency_ms"), "p99")));
    ck_assert_str_eq(json_string_value(json_object_get(a, "index")), "ok");
    json_decref(a);

    a = sou_testconn_call(&c, "GET 002_90e83fe1bcde53a9");
    ck_assert_str_eq(json_string_value(json_object_get(a, "id")), "002_90e83fe1bcde53a9");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(a, "body")));
    json_decref(a);
    a = sou_testconn_call(&c, "GET {\"id\":\"000_ac1cf03b7f701441\",\"q\":\"天津\"}");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(a, "body_html")), "<mark>天津</mark>"));
    json_decref(a);
    a = sou_testconn_call(&c, "GET no-such-document");
    ck_assert_int_eq(error_code(a), 404);
    json_decref(a);
    a = sou_testconn_call(&c, "GET");
    ck_assert_int_eq(error_code(a), 400);
    json_decref(a);
    a = sou_testconn_call(&c, "PING extra");
    ck_assert_int_eq(error_code(a), 400);
    json_decref(a);

    a = sou_testconn_call(&c, "QUIT");
    ck_assert(json_is_true(json_object_get(a, "bye")));
    json_decref(a);
    rest = sou_testconn_readline(&c); /* the server closes */
    ck_assert_ptr_null(rest);
    sou_testconn_close(&c);
}
END_TEST

START_TEST(test_http_endpoints)
{
    int status;
    char *headers = NULL, *body = NULL, *big = NULL;
    json_t *a;

    /* Content-Type and a search. */
    ck_assert_int_eq(sou_test_http(g_srv.http_port, "GET", "/search?q=%E5%8C%BB%E4%BF%9D&limit=2", NULL, &status,
                                   &headers, &body), 0);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(headers, "Content-Type: application/json; charset=utf-8"));
    a = json_loads(body, 0, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(a, "hits")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(a, "hits"), 1), "rank")), 2);
    json_decref(a);
    free(headers);
    free(body);

    /* HEAD: same status, no body. */
    ck_assert_int_eq(sou_test_http(g_srv.http_port, "HEAD", "/health", NULL, &status, NULL, &body), 0);
    ck_assert_int_eq(status, 200);
    ck_assert_str_eq(body, "");
    free(body);

    /* 405 with Allow, as JSON. */
    ck_assert_int_eq(sou_test_http(g_srv.http_port, "POST", "/search?q=x", "Content-Length: 0\r\n", &status,
                                   &headers, &body), 0);
    ck_assert_int_eq(status, 405);
    ck_assert_ptr_nonnull(strstr(headers, "Allow: GET, HEAD"));
    a = json_loads(body, 0, NULL);
    ck_assert_int_eq(error_code(a), 405);
    json_decref(a);
    free(headers);
    free(body);

    /* 404: unknown path, unknown document. */
    a = sou_test_http_json(g_srv.http_port, "/no/such/path", &status);
    ck_assert_int_eq(status, 404);
    ck_assert_int_eq(error_code(a), 404);
    json_decref(a);
    a = sou_test_http_json(g_srv.http_port, "/doc/no-such-document", &status);
    ck_assert_int_eq(status, 404);
    ck_assert_int_eq(error_code(a), 404);
    json_decref(a);

    /* /doc/<id>?q= marks the query's words. */
    a = sou_test_http_json(g_srv.http_port, "/doc/000_ac1cf03b7f701441?q=%E5%A4%A9%E6%B4%A5", &status);
    ck_assert_int_eq(status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(a, "id")), "000_ac1cf03b7f701441");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(a, "body_html")), "<mark>天津</mark>"));
    json_decref(a);
    a = sou_test_http_json(g_srv.http_port, "/doc/000_ac1cf03b7f701441?bogus=1", &status);
    ck_assert_int_eq(status, 400);
    json_decref(a);

    /* 400: no q, empty q, unknown option, repeated parameter, bad UTF-8, negative limit. */
    const char *bad[] = {"/search", "/search?q=", "/search?q=x&bogus=1", "/search?q=a&q=b", "/search?q=%FF%FE",
                         "/search?q=x&limit=-5", "/search?q=x&limit=abc", "/search?q=x&offset=999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = sou_test_http_json(g_srv.http_port, bad[i], &status);
        ck_assert_msg(status == 400, "%s: status %d", bad[i], status);
        ck_assert_msg(error_code(a) == 400 && *error_message(a), "%s: no JSON error", bad[i]);
        json_decref(a);
    }

    /* /health and /stats. */
    a = sou_test_http_json(g_srv.http_port, "/health", &status);
    ck_assert_int_eq(status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(a, "status")), "ok");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "documents")), 4);
    json_decref(a);
    a = sou_test_http_json(g_srv.http_port, "/stats", &status);
    ck_assert_int_eq(status, 200);
    ck_assert_int_ge(json_integer_value(json_object_get(a, "requests")), 5);
    ck_assert_int_ge(json_integer_value(json_object_get(a, "errors")), 5);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "documents")), 4);
    ck_assert(json_is_integer(json_object_get(a, "revision")));
    ck_assert(json_is_number(json_object_get(a, "uptime_s")));
    ck_assert(json_real_value(json_object_get(json_object_get(a, "latency_ms"), "p99")) > 0);
    json_decref(a);

    /* 413: a request head beyond max_headers (64 KiB). */
    big = malloc(100 * 1024);
    memcpy(big, "X-Big: ", 7);
    memset(big + 7, 'a', 90 * 1024);
    strcpy(big + 7 + 90 * 1024, "\r\n");
    ck_assert_int_eq(sou_test_http(g_srv.http_port, "GET", "/health", big, &status, NULL, NULL), 0);
    ck_assert_int_eq(status, 413);
    /* ... a long URI too, and a body beyond max_body (64 KiB). */
    {
        char *target = malloc(80 * 1024);
        strcpy(target, "/search?q=");
        memset(target + 10, 'a', 70 * 1024);
        target[10 + 70 * 1024] = '\0';
        ck_assert_int_eq(sou_test_http(g_srv.http_port, "GET", target, NULL, &status, NULL, &body), 0);
        ck_assert_int_eq(status, 413);
        a = json_loads(body, 0, NULL);
        ck_assert_int_eq(error_code(a), 413);
        json_decref(a);
        free(body);
        free(target);
    }
    memset(big, 0, 100 * 1024);
    strcpy(big, "Content-Length: 100000\r\n");
    ck_assert_int_eq(sou_test_http(g_srv.http_port, "POST", "/search", big, &status, NULL, NULL), 0);
    ck_assert_int_eq(status, 413);
    free(big);
}
END_TEST

START_TEST(test_search_page)
{
    int status;
    char *headers = NULL, *body = NULL;
    ck_assert_int_eq(sou_test_http(g_srv.http_port, "GET", "/", NULL, &status, &headers, &body), 0);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(headers, "text/html"));
    free(headers);
    free(body);
}
END_TEST

/* ------------------------------------------------------------- bad input */

/* Send raw bytes as one request line; return the one answer. */
static json_t *line_raw(const char *bytes, size_t len)
{
    sou_testconn c;
    json_t *a;
    ck_assert_int_eq(sou_testconn_open(&c, g_srv.line_port), 0);
    ck_assert_int_eq(sou_test_send(c.fd, bytes, len), 0);
    ck_assert_int_eq(sou_test_send(c.fd, "\n", 1), 0);
    a = sou_testconn_readjson(&c);
    sou_testconn_close(&c);
    ck_assert_ptr_nonnull(a);
    return a;
}

static void expect_error(const char *bytes, size_t len, int code, const char *needle)
{
    json_t *a = line_raw(bytes, len);
    ck_assert_msg(error_code(a) == code, "%.40s: code %d, expected %d (%s)", bytes, error_code(a), code,
                  error_message(a));
    if (needle)
        ck_assert_msg(strstr(error_message(a), needle), "%.40s: message \"%s\" lacks \"%s\"", bytes,
                      error_message(a), needle);
    json_decref(a);
}
#define EXPECT_ERROR(s, code, needle) expect_error((s), sizeof(s) - 1, (code), (needle))

START_TEST(test_bad_commands)
{
    EXPECT_ERROR("FROB the index", 400, "unknown command \"FROB\"");
    EXPECT_ERROR("", 400, "empty request");
    EXPECT_ERROR("   ", 400, "empty request");
    EXPECT_ERROR("SEARCH", 400, "SEARCH needs an argument");
    EXPECT_ERROR("STATS now", 400, "takes no argument");
    EXPECT_ERROR("SEARCH {\"q\": ", 400, "malformed JSON");
    EXPECT_ERROR("SEARCH {\"q\": \"a\", \"q\": \"b\"}", 400, "malformed JSON");
    EXPECT_ERROR("SEARCH {\"q\": \"医保\", \"bogus\": 1}", 400, "bogus");
    EXPECT_ERROR("SEARCH {\"q\": \"\"}", 400, NULL);
    EXPECT_ERROR("SEARCH {\"q\": 5}", 400, NULL);
    EXPECT_ERROR("GET {\"id\": 5}", 400, "must be a string");
    EXPECT_ERROR("GET {\"q\": \"x\"}", 400, "\"id\" is required");
}
END_TEST

static const char *error_reason(const json_t *answer)
{
    const char *r = json_string_value(json_object_get(json_object_get(answer, "error"), "reason"));
    return r ? r : "";
}

START_TEST(test_error_reasons)
{
    /* Both protocols carry the machine-readable reason and where the
     * error lies, for clients that explain errors in their own words. */
    int status;
    json_t *a = http_search(g_srv.http_port, "醉驾 date:2025-13", NULL, &status);
    ck_assert_int_eq(status, 400);
    ck_assert_str_eq(error_reason(a), "bad_date");
    const json_t *e = json_object_get(a, "error");
    ck_assert_str_eq(json_string_value(json_object_get(e, "param")), "q");
    ck_assert_str_eq(json_string_value(json_object_get(e, "value")), "date:2025-13");
    ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(e, "at"), 0)), 3);
    ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(e, "at"), 1)), 15);
    json_decref(a);
    a = http_search(g_srv.http_port, "医保", "&date_from=2025-02-30", &status);
    ck_assert_int_eq(status, 400);
    ck_assert_str_eq(error_reason(a), "bad_date");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(a, "error"), "param")), "date_from");
    json_decref(a);
    a = sou_test_http_json(g_srv.http_port, "/doc/no-such-doc", &status);
    ck_assert_int_eq(status, 404);
    ck_assert_str_eq(error_reason(a), "not_found");
    json_decref(a);
    a = sou_test_http_json(g_srv.http_port, "/nowhere", &status);
    ck_assert_str_eq(error_reason(a), "not_found");
    json_decref(a);
    /* an index without facets: filtering on one is an unknown field */
    a = http_search(g_srv.http_port, "医保", "&filter=category:x&filter=category:y", &status);
    ck_assert_int_eq(status, 400);
    ck_assert_str_eq(error_reason(a), "unknown_field");
    json_decref(a);
    a = sou_test_http_json(g_srv.http_port, "/suggest?q=%E5%8C%BB%E4%BF%9D&limit=2", &status);
    ck_assert_int_eq(status, 200);
    ck_assert(json_is_array(json_object_get(a, "suggestions")));
    json_decref(a);
    a = sou_test_http_json(g_srv.http_port, "/fields", &status);
    ck_assert_int_eq(status, 200);
    ck_assert(json_is_array(json_object_get(a, "facets")) && json_object_get(a, "labels"));
    json_decref(a);

    sou_testconn c;
    ck_assert_int_eq(sou_testconn_open(&c, g_srv.line_port), 0);
    static const struct {
        const char *line, *reason;
    } lines[] = {
        {"FROB", "unknown_command"},
        {"SEARCH {\"q\": ", "bad_json"},
        {"SEARCH {\"q\": \"医保\", \"bogus\": 1}", "unknown_option"},
        {"SEARCH 醉驾 date:2025-13", "bad_date"},
        {"SEARCH {\"q\": \"医保\", \"limit\": 0}", "bad_option"},
        {"GET no-such-doc", "not_found"},
        {"FIELDS now", "bad_request"},
        {"SEARCH {\"q\": \"医保\", \"facets\": \"category\"}", "unknown_field"},
        {"SEARCH \xff", "bad_utf8"},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        a = sou_testconn_call(&c, lines[i].line);
        ck_assert_msg(a != NULL, "%s: no answer", lines[i].line);
        ck_assert_msg(strcmp(error_reason(a), lines[i].reason) == 0, "%s: reason \"%s\", expected %s",
                      lines[i].line, error_reason(a), lines[i].reason);
        json_decref(a);
    }
    a = sou_testconn_call(&c, "SUGGEST 医保");
    ck_assert(a && json_is_array(json_object_get(a, "suggestions")));
    json_decref(a);
    a = sou_testconn_call(&c, "FIELDS");
    ck_assert(a && json_is_array(json_object_get(a, "facets")));
    json_decref(a);
    sou_testconn_close(&c);
}
END_TEST

START_TEST(test_bad_utf8)
{
    EXPECT_ERROR("SEARCH \xff\xfe", 400, "UTF-8");
    EXPECT_ERROR("SEARCH \xe5\xa4", 400, "UTF-8");           /* truncated 天 */
    EXPECT_ERROR("SEARCH \xc0\xaf", 400, "UTF-8");           /* overlong / */
    EXPECT_ERROR("SEARCH \xed\xa0\x80", 400, "UTF-8");       /* a surrogate */
    EXPECT_ERROR("SEARCH a\0b", 400, "NUL");
    EXPECT_ERROR("\xe5\xa4\xa9\xe6\xb4\xa5", 400, "unknown command \"天津\"");
}
END_TEST

START_TEST(test_limits)
{
    json_t *a;
    EXPECT_ERROR("SEARCH {\"q\":\"医保\",\"limit\":-1}", 400, "limit");
    EXPECT_ERROR("SEARCH {\"q\":\"医保\",\"limit\":1000000}", 400, "limit");
    EXPECT_ERROR("SEARCH {\"q\":\"医保\",\"limit\":99999999999999999999999}", 400, NULL);
    EXPECT_ERROR("SEARCH {\"q\":\"医保\",\"offset\":-3}", 400, "offset");
    a = line_raw("SEARCH {\"q\":\"医保\",\"offset\":5000}", strlen("SEARCH {\"q\":\"医保\",\"offset\":5000}"));
    ck_assert_ptr_null(json_object_get(a, "error"));
    ck_assert_int_eq(json_array_size(json_object_get(a, "hits")), 0);
    ck_assert_int_ge(json_integer_value(json_object_get(a, "total")), 1);
    json_decref(a);
}
END_TEST

START_TEST(test_long_line)
{
    /* A 1 MB line gets one 413 error, then the connection goes on in step. */
    sou_testconn c;
    size_t n = 1 << 20;
    char *big = malloc(n + 16);
    json_t *a;

    memcpy(big, "SEARCH ", 7);
    memset(big + 7, 'a', n - 7);
    memcpy(big + n, "\nPING\n", 6);
    ck_assert_int_eq(sou_testconn_open(&c, g_srv.line_port), 0);
    ck_assert_int_eq(sou_test_send(c.fd, big, n + 6), 0);
    a = sou_testconn_readjson(&c);
    ck_assert_int_eq(error_code(a), 413);
    ck_assert_ptr_nonnull(strstr(error_message(a), "longer than 65536 bytes"));
    json_decref(a);
    a = sou_testconn_readjson(&c);
    ck_assert(json_is_true(json_object_get(a, "pong")));
    json_decref(a);
    /* Exactly at the limit is fine (an error only about the query itself). */
    memset(big, ' ', n);
    memcpy(big, "PING", 4);
    big[65536] = '\n';
    ck_assert_int_eq(sou_test_send(c.fd, big, 65537), 0);
    a = sou_testconn_readjson(&c);
    ck_assert(json_is_true(json_object_get(a, "pong")));
    json_decref(a);
    sou_testconn_close(&c);
    free(big);
}
END_TEST

START_TEST(test_binary_garbage)
{
    /* Deterministic garbage: every line gets a JSON error, and PING after it works. */
    sou_testconn c;
    unsigned char junk[8192];
    unsigned x = 12345;
    int lines = 0, answered = 0;
    json_t *a;

    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
        if (junk[i] == '\n')
            lines++;
    }
    junk[sizeof junk - 1] = '\n';
    lines++;
    ck_assert_int_eq(sou_testconn_open(&c, g_srv.line_port), 0);
    ck_assert_int_eq(sou_test_send(c.fd, junk, sizeof junk), 0);
    ck_assert_int_eq(sou_testconn_send(&c, "PING\n"), 0);
    while ((a = sou_testconn_readjson(&c)) && !json_object_get(a, "pong")) {
        ck_assert_int_eq(error_code(a), 400);
        answered++;
        json_decref(a);
    }
    ck_assert_ptr_nonnull(a);
    json_decref(a);
    ck_assert_int_eq(answered, lines);
    sou_testconn_close(&c);
}
END_TEST

START_TEST(test_disconnect_mid_answer)
{
    /* Clients that ask a lot and leave: searchd must not mind. */
    for (int round = 0; round < 20; round++) {
        int fd = sou_test_connect(g_srv.line_port);
        char batch[4096] = "";
        struct linger lg = {1, 0};
        ck_assert_int_ge(fd, 0);
        for (int i = 0; i < 40; i++)
            strcat(batch, "SEARCH 医保报销\n");
        ck_assert_int_eq(sou_test_send(fd, batch, strlen(batch)), 0);
        if (round % 2) /* half of them reset the connection */
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        close(fd);
    }
    /* The same over HTTP: a request, then gone before the answer. */
    for (int round = 0; round < 20; round++) {
        int fd = sou_test_connect(g_srv.http_port);
        static const char req[] = "GET /search?q=%E5%8C%BB%E4%BF%9D%E6%8A%A5%E9%94%80 HTTP/1.1\r\nHost: x\r\n\r\n";
        struct linger lg = {1, 0};
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(sou_test_send(fd, req, sizeof req - 1), 0);
        if (round % 2)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        close(fd);
    }
    {
        sou_testconn c;
        json_t *a;
        int status;
        a = sou_test_http_json(g_srv.http_port, "/health", &status);
        ck_assert_int_eq(status, 200);
        json_decref(a);
        ck_assert_int_eq(sou_testconn_open(&c, g_srv.line_port), 0);
        a = sou_testconn_call(&c, "SEARCH 天津看牙能用医保报销吗");
        ck_assert_str_eq(first_id(a), "000_ac1cf03b7f701441");
        json_decref(a);
        sou_testconn_close(&c);
    }
}
END_TEST

START_TEST(test_idle_connections)
{
    int fds[200];
    int status;
    json_t *a;
    sou_testconn c;

    for (int i = 0; i < 200; i++) {
        fds[i] = i % 2 ? sou_test_connect(g_srv.line_port) : sou_test_connect(g_srv.http_port);
        ck_assert_int_ge(fds[i], 0);
    }
    a = http_search(g_srv.http_port, "兰州怎么在手机上激活医保卡", NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_str_eq(first_id(a), "003_1bdcc1241bf11e8e");
    json_decref(a);
    ck_assert_int_eq(sou_testconn_open(&c, g_srv.line_port), 0);
    a = sou_testconn_call(&c, "SEARCH 石家庄医保卡激活步骤");
    ck_assert_str_eq(first_id(a), "001_dd3610d66644acdd");
    json_decref(a);
    a = sou_testconn_call(&c, "STATS");
    ck_assert_int_ge(json_integer_value(json_object_get(json_object_get(a, "connections"), "open")), 100);
    json_decref(a);
    sou_testconn_close(&c);
    for (int i = 0; i < 200; i++)
        close(fds[i]);
}
END_TEST

/* ------------------------------------------------------------- lifecycle */

static void start_own(sou_testserver *ts, const char *db, const char *const extra[])
{
    char err[256];
    ck_assert_msg(sou_testserver_start(ts, db, extra, err, sizeof err) == 0, "searchd: %s", err);
}

START_TEST(test_missing_index_503)
{
    char *db = NULL;
    sou_testserver ts;
    int status;
    json_t *a;
    sou_testconn c;
    const char *corpus[] = {NULL, NULL};
    char *corpus_dir = NULL;
    double deadline;

    const char *quiet[] = {"--log-level", "error", NULL}; /* "index unavailable" is expected here */
    ck_assert_int_ge(asprintf(&db, "%s/later.db", g_tmp), 0);
    start_own(&ts, db, quiet);
    a = http_search(ts.http_port, "医保", NULL, &status);
    ck_assert_int_eq(status, 503);
    ck_assert_int_eq(error_code(a), 503);
    json_decref(a);
    a = sou_test_http_json(ts.http_port, "/health", &status);
    ck_assert_int_eq(status, 503);
    json_decref(a);
    a = sou_test_http_json(ts.http_port, "/stats", &status);
    ck_assert_int_eq(status, 200);
    ck_assert(json_is_null(json_object_get(a, "documents")));
    ck_assert_str_ne(json_string_value(json_object_get(a, "index")), "ok");
    json_decref(a);
    ck_assert_int_eq(sou_testconn_open(&c, ts.line_port), 0);
    a = sou_testconn_call(&c, "SEARCH 医保");
    ck_assert_int_eq(error_code(a), 503);

    /* The index appears: searchd starts answering, no restart. */
    ck_assert_int_ge(asprintf(&corpus_dir, "%s/corpus", sou_test_source_dir()), 0);
    corpus[0] = corpus_dir;
    ck_assert_int_eq(sou_test_index(db, corpus), 0);
    deadline = now() + 5;
    do {
        json_decref(a);
        a = sou_testconn_call(&c, "SEARCH 天津看牙能用医保报销吗");
        ck_assert_ptr_nonnull(a);
    } while (json_object_get(a, "error") && now() < deadline && usleep(50 * 1000) == 0);
    ck_assert_msg(!json_object_get(a, "error"), "still failing: %s", error_message(a));
    ck_assert_str_eq(first_id(a), "000_ac1cf03b7f701441");
    json_decref(a);
    sou_testconn_close(&c);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
    free(db);
    free(corpus_dir);
}
END_TEST

/* The indexer adds to a served index while clients search: the clients run
 * during the indexer's run (its input is a pipe the test holds open, so the
 * run cannot end before the test has seen a commit and counted answers),
 * no request fails, and each commit is visible at the next request. */
START_TEST(test_live_update)
{
    char *db = NULL, *corpus_dir = NULL, *indexer = NULL;
    const char *inputs[] = {NULL, NULL};
    const char *queries[] = {"鹦鹉螺号潜水艇", "医保报销比例", "doc7 rev2", "劳动者的工资拖欠怎么办"};
    sou_testserver ts;
    sou_testconn c;
    sou_testload_counts before, during, after;
    json_t *a;
    int fd, status;
    FILE *in;
    double t0, deadline;

    ck_assert_int_ge(asprintf(&db, "%s/live.db", g_tmp), 0);
    ck_assert_int_ge(asprintf(&corpus_dir, "%s/corpus", sou_test_source_dir()), 0);
    inputs[0] = corpus_dir;
    ck_assert_int_eq(sou_test_index(db, inputs), 0);
    start_own(&ts, db, NULL);
    ck_assert_int_eq(sou_testconn_open(&c, ts.line_port), 0);
    a = sou_testconn_call(&c, "SEARCH 鹦鹉螺号潜水艇");
    ck_assert_int_eq(json_array_size(json_object_get(a, "hits")), 0);
    json_decref(a);

    sou_testload *load = sou_testload_start(ts.line_port, ts.http_port, 2, queries, 4, "{\"limit\":20}");
    ck_assert_ptr_nonnull(load);
    ck_assert_int_ge(asprintf(&indexer, "%s/indexer", sou_test_bin_dir()), 0);
    const char *argv[] = {indexer, "--db", db, "--batch", "50", "--quiet", "-", NULL};
    sou_testload_read(load, &before);
    t0 = now();
    pid_t pid = sou_test_spawn(argv, &fd);
    ck_assert_int_gt(pid, 0);
    ck_assert_ptr_nonnull(in = fdopen(fd, "w"));
    /* More than the indexer's 1 MiB read buffer, so it works on this while
     * waiting for the rest. */
    fprintf(in, "{\"id\":\"live-1\",\"title\":\"鹦鹉螺号潜水艇下水\",\"body\":\"鹦鹉螺号潜水艇今天在海上试航。"
                "<script>alert(1)</script>\",\"date\":\"2026-03-01\"}\n");
    ck_assert_int_eq(sou_test_write_articles(in, 0, 1500, 1), 0);
    ck_assert_int_eq(fflush(in), 0);

    /* Visible while the indexer still runs (it is waiting for more input). */
    deadline = now() + 20;
    for (;;) {
        a = sou_testconn_call(&c, "SEARCH 鹦鹉螺号潜水艇");
        ck_assert_ptr_nonnull(a);
        ck_assert_msg(!json_object_get(a, "error"), "%s", error_message(a));
        if (first_id(a) && strcmp(first_id(a), "live-1") == 0) {
            /* End to end, document text reaches the client HTML-escaped. */
            const char *snippet = json_string_value(
                json_object_get(json_array_get(json_object_get(a, "hits"), 0), "snippet"));
            ck_assert_ptr_nonnull(snippet);
            ck_assert_ptr_nonnull(strstr(snippet, "&lt;script&gt;"));
            ck_assert_ptr_null(strstr(snippet, "<script"));
            break;
        }
        json_decref(a);
        ck_assert_msg(now() < deadline, "the first commit was not visible within 20 s");
        usleep(20 * 1000);
    }
    json_decref(a);
    ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0); /* still running */
    fprintf(stderr, "check_server: live update visible %.0f ms after the indexer started\n", (now() - t0) * 1000);

    /* Every article again (revision 2), replacing; then the input ends. */
    ck_assert_int_eq(sou_test_write_articles(in, 0, 1500, 2), 0);
    sou_testload_read(load, &during);
    ck_assert_int_eq(fclose(in), 0);
    ck_assert_int_eq(sou_test_wait(pid), 0);
    sou_testload_stop(load, &after);

    ck_assert_msg(after.failures == 0, "%lu of %lu requests failed while indexing, the first: %s", after.failures,
                  after.failures + after.answers, after.first_failure);
    /* The clients really ran during the indexer's run, before and after
     * the first commit it made visible. */
    ck_assert_msg(during.answers - before.answers >= 10, "only %lu answers while the indexer ran",
                  during.answers - before.answers);
    ck_assert_msg(after.answers > during.answers, "no answers during the replacing");
    fprintf(stderr, "check_server: %lu answers while the indexer ran, none failed, slowest %.0f ms\n",
            after.answers - before.answers, after.max_ms);
    a = sou_testconn_call(&c, "STATS");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "documents")), 4 + 1 + 1500);
    json_decref(a);
    a = sou_testconn_call(&c, "SEARCH {\"q\":\"rev1\",\"limit\":1}");
    ck_assert_int_eq(json_array_size(json_object_get(a, "hits")), 0); /* all replaced */
    json_decref(a);
    sou_testconn_close(&c);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
    free(db);
    free(corpus_dir);
    free(indexer);
}
END_TEST

START_TEST(test_sighup)
{
    sou_testserver ts;
    sou_testconn c;
    json_t *a;
    char *log = NULL, *rotated = NULL, *text = NULL;
    FILE *f;
    long size;

    ck_assert_int_ge(asprintf(&log, "%s/searchd.log", g_tmp), 0);
    ck_assert_int_ge(asprintf(&rotated, "%s/searchd.log.1", g_tmp), 0);
    {
        const char *extra[] = {"--log-file", log, "--log-level", "info", NULL};
        start_own(&ts, g_db, extra);
    }
    /* Rotate the log: after SIGHUP searchd writes to a new file of the old name. */
    ck_assert_int_eq(rename(log, rotated), 0);
    ck_assert_int_eq(sou_testconn_open(&c, ts.line_port), 0);
    a = sou_testconn_call(&c, "SEARCH 医保");
    ck_assert_ptr_null(json_object_get(a, "error"));
    json_decref(a);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(sou_testserver_signal(&ts, SIGHUP), 0);
        usleep(50 * 1000);
        a = sou_testconn_call(&c, "SEARCH 兰州怎么在手机上激活医保卡");
        ck_assert_str_eq(first_id(a), "003_1bdcc1241bf11e8e");
        json_decref(a);
    }
    sou_testconn_close(&c);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
    f = fopen(log, "r");
    ck_assert_msg(f != NULL, "SIGHUP did not reopen the log file");
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)size + 1);
    ck_assert_int_eq(fread(text, 1, (size_t)size, f), size);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "INFO stopped"));
    free(text);
    free(log);
    free(rotated);
}
END_TEST

START_TEST(test_max_connections)
{
    const char *extra[] = {"--max-connections", "2", "--log-level", "error", NULL};
    sou_testserver ts;
    sou_testconn c1, c2, c3;
    json_t *a;

    start_own(&ts, g_db, extra);
    ck_assert_int_eq(sou_testconn_open(&c1, ts.line_port), 0);
    ck_assert_int_eq(sou_testconn_open(&c2, ts.line_port), 0);
    a = sou_testconn_call(&c2, "PING"); /* both are accepted by now */
    json_decref(a);
    ck_assert_int_eq(sou_testconn_open(&c3, ts.line_port), 0);
    a = sou_testconn_readjson(&c3); /* refused with a reason */
    ck_assert_int_eq(error_code(a), 503);
    json_decref(a);
    ck_assert_ptr_null(sou_testconn_readline(&c3));
    sou_testconn_close(&c3);
    a = sou_testconn_call(&c1, "PING");
    ck_assert(json_is_true(json_object_get(a, "pong")));
    json_decref(a);
    sou_testconn_close(&c1);
    sou_testconn_close(&c2);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
}
END_TEST

START_TEST(test_sigterm)
{
    sou_testserver ts;
    sou_testconn c;
    json_t *a;
    char batch[2048] = "";
    int answers = 0;

    start_own(&ts, g_db, NULL);
    ck_assert_int_eq(sou_testconn_open(&c, ts.line_port), 0);
    a = sou_testconn_call(&c, "PING");
    json_decref(a);
    for (int i = 0; i < 20; i++)
        strcat(batch, "SEARCH 医保怎么报销\n");
    ck_assert_int_eq(sou_testconn_send(&c, batch), 0);
    a = sou_testconn_readjson(&c); /* searchd has the batch */
    ck_assert_ptr_nonnull(a);
    answers++;
    json_decref(a);
    ck_assert_int_eq(sou_testserver_signal(&ts, SIGTERM), 0);
    /* Whatever was read is answered completely, then the connection closes. */
    while ((a = sou_testconn_readjson(&c))) {
        ck_assert_ptr_nonnull(json_object_get(a, "hits"));
        answers++;
        json_decref(a);
    }
    ck_assert_int_ge(answers, 1);
    ck_assert_int_le(answers, 20);
    sou_testconn_close(&c);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
    /* The ports are closed. */
    ck_assert_int_lt(sou_test_connect(ts.line_port), 0);
}
END_TEST

START_TEST(test_idle_timeout)
{
    const char *extra[] = {"--idle-timeout", "1", NULL};
    sou_testserver ts;
    sou_testconn c;
    json_t *a;
    double t0;

    start_own(&ts, g_db, extra);
    ck_assert_int_eq(sou_testconn_open(&c, ts.line_port), 0);
    a = sou_testconn_call(&c, "PING");
    ck_assert(json_is_true(json_object_get(a, "pong")));
    json_decref(a);
    t0 = now();
    ck_assert_ptr_null(sou_testconn_readline(&c)); /* closed by searchd */
    ck_assert(now() - t0 > 0.5);
    ck_assert(now() - t0 < 5);
    sou_testconn_close(&c);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
}
END_TEST

START_TEST(test_bad_command_line)
{
    char *searchd = NULL, *out = NULL, *err = NULL;
    ck_assert_int_ge(asprintf(&searchd, "%s/searchd", sou_test_bin_dir()), 0);
    {
        const char *argv[] = {searchd, "--db", g_db, "--threads", "zero", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 2);
        ck_assert_ptr_nonnull(strstr(err, "threads"));
        free(out);
        free(err);
    }
    {
        const char *argv[] = {searchd, "--http", "127.0.0.1:0", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 2);
        ck_assert_ptr_nonnull(strstr(err, "--db"));
        free(out);
        free(err);
    }
    {
        const char *argv[] = {searchd, "--db", g_db, "--http", "nowhere", NULL};
        ck_assert_int_ne(sou_test_run(argv, &out, &err), 0);
        ck_assert_ptr_nonnull(strstr(err, "HOST:PORT"));
        free(out);
        free(err);
    }
    free(searchd);
}
END_TEST

/* ----------------------------------------------------------------- units */

START_TEST(test_line_parse)
{
    sou_line_request r;
    sou_error err;

    ck_assert_int_eq(sou_line_parse("SEARCH 天津 医保", strlen("SEARCH 天津 医保"), &r, &err), 0);
    ck_assert_int_eq(r.cmd, SOU_CMD_SEARCH);
    ck_assert_str_eq(json_string_value(json_object_get(r.options, "q")), "天津 医保");
    json_decref(r.options);
    {
        const char *l = "  search\t{\"q\":\"x\",\"limit\":3}  ";
        ck_assert_int_eq(sou_line_parse(l, strlen(l), &r, &err), 0);
    }
    ck_assert_int_eq(json_integer_value(json_object_get(r.options, "limit")), 3);
    json_decref(r.options);
    ck_assert_int_eq(sou_line_parse("GET a b", 7, &r, &err), 0);
    ck_assert_int_eq(r.cmd, SOU_CMD_GET);
    ck_assert_str_eq(json_string_value(json_object_get(r.options, "id")), "a b");
    json_decref(r.options);
    ck_assert_int_eq(sou_line_parse("QUIT", 4, &r, &err), 0);
    ck_assert_int_eq(r.cmd, SOU_CMD_QUIT);
    ck_assert_ptr_null(r.options);
    ck_assert_int_eq(sou_line_parse("SEARCH [1,2]", 12, &r, &err), 0); /* not JSON: it is query text */
    json_decref(r.options);
    ck_assert_int_eq(sou_line_parse("SEARCH {1,2}", 12, &r, &err), -1);
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
    ck_assert_int_eq(sou_line_parse("SEARCH {\"q\":\"x\"} trailing", 26, &r, &err), -1);
    ck_assert_int_eq(sou_line_parse("SEARCHX y", 9, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "unknown command \"SEARCHX\""));
    ck_assert_int_eq(sou_line_parse("PING", 3, &r, &err), -1); /* length, not NUL, ends the line: "PIN" */
    /* A huge unknown command is quoted only in part, never cut inside a character. */
    {
        char name[300];
        for (int i = 0; i < 100; i++)
            memcpy(name + 3 * i, "天", 3);
        ck_assert_int_eq(sou_line_parse(name, 300, &r, &err), -1);
        ck_assert_uint_eq(sou_utf8_valid_prefix(err.message, strlen(err.message)), strlen(err.message));
    }
}
END_TEST

START_TEST(test_http_options)
{
    sou_error err;
    json_t *o = sou_http_search_options("q=%E5%A4%A9%E6%B4%A5+%E5%8C%BB%E4%BF%9D&limit=5&sort=date&&passages=",
                                        &err);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(json_string_value(json_object_get(o, "q")), "天津 医保");
    ck_assert_str_eq(json_string_value(json_object_get(o, "limit")), "5");
    ck_assert_str_eq(json_string_value(json_object_get(o, "passages")), "");
    ck_assert_int_eq(json_object_size(o), 4);
    json_decref(o);
    o = sou_http_search_options(NULL, &err);
    ck_assert_int_eq(json_object_size(o), 0);
    json_decref(o);
    ck_assert_ptr_null(sou_http_search_options("q=a&q=b", &err));
    ck_assert_ptr_nonnull(strstr(err.message, "twice"));
    /* filter and facets may repeat: an array, in order */
    o = sou_http_search_options("q=a&filter=category%3A%E6%A1%88%E4%BE%8B&facets=category&filter=region:x", &err);
    ck_assert_ptr_nonnull(o);
    ck_assert_uint_eq(json_array_size(json_object_get(o, "filter")), 2);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(o, "filter"), 0)), "category:案例");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(o, "filter"), 1)), "region:x");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(o, "facets"), 0)), "category");
    json_decref(o);
    ck_assert_ptr_null(sou_http_search_options("q=%C3%28", &err));
    ck_assert_ptr_nonnull(strstr(err.message, "UTF-8"));
    ck_assert_ptr_null(sou_http_search_options("q=a%00b", &err));
    ck_assert_ptr_null(sou_http_search_options("=x", &err));
}
END_TEST

START_TEST(test_utf8)
{
    ck_assert_uint_eq(sou_utf8_valid_prefix("abc", 3), 3);
    ck_assert_uint_eq(sou_utf8_valid_prefix("天津", 6), 6);
    ck_assert_uint_eq(sou_utf8_valid_prefix("天\xe6\xb4", 5), 3);
    ck_assert_uint_eq(sou_utf8_valid_prefix("a\xf4\x90\x80\x80", 5), 1); /* > U+10FFFF */
    ck_assert_uint_eq(sou_utf8_valid_prefix("a\xe0\x80\xaf", 4), 1);     /* overlong */
    ck_assert_uint_eq(sou_utf8_valid_prefix("\xf0\x9f\x98\x80", 4), 4);  /* emoji */
}
END_TEST

static char *write_file(const char *name, const char *text)
{
    char *path = NULL;
    FILE *f;
    ck_assert_int_ge(asprintf(&path, "%s/%s", g_tmp, name), 0);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

START_TEST(test_config)
{
    sou_config cfg;
    sou_config_error err = {""};
    char *good = write_file("good.conf", "# searchd\n\ndb = /srv/sou.db\nthreads=3\n  idle-timeout = 7 \n"
                                         "max_line = 1K\nlog_level = debug\n");
    char *bad_key = write_file("bad1.conf", "db = x\n\nfrobnicate = 1\n");
    char *bad_value = write_file("bad2.conf", "threads = many\n");
    char *no_eq = write_file("bad3.conf", "db /x\n");
    char msg[512];

    sou_config_defaults(&cfg);
    ck_assert_int_eq(cfg.max_line, 65536);
    ck_assert_int_ge(cfg.threads, 2);
    ck_assert_str_eq(cfg.line, "127.0.0.1:7700");
    ck_assert_int_eq(sou_config_load_file(&cfg, good, &err), 0);
    ck_assert_str_eq(cfg.db, "/srv/sou.db");
    ck_assert_int_eq(cfg.threads, 3);
    ck_assert_int_eq(cfg.idle_timeout, 7);
    ck_assert_int_eq(cfg.max_line, 1024);
    ck_assert_int_eq(cfg.log_level, 0);

    ck_assert_int_eq(sou_config_load_file(&cfg, bad_key, &err), -1);
    snprintf(msg, sizeof msg, "%s:3: unknown setting \"frobnicate\"", bad_key);
    ck_assert_str_eq(err.message, msg);
    ck_assert_int_eq(sou_config_load_file(&cfg, bad_value, &err), -1);
    snprintf(msg, sizeof msg, "%s:1: threads:", bad_value);
    ck_assert_msg(strncmp(err.message, msg, strlen(msg)) == 0, "%s", err.message);
    ck_assert_int_eq(sou_config_load_file(&cfg, no_eq, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, ":1: expected `key = value`"));
    /* The range is checked before the suffix multiplies (UBSan saw the overflow). */
    ck_assert_int_eq(sou_config_set(&cfg, "max-line", "9000000000000000000M", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "max_line: \"9000000000000000000M\" is not a number in"));
    ck_assert_int_eq(sou_config_set(&cfg, "max-output", "0K", &err), -1);
    ck_assert_int_eq(sou_config_set(&cfg, "max-output", "2M", &err), 0);
    ck_assert_uint_eq(cfg.max_output, 2u << 20);
    ck_assert_int_eq(sou_config_load_file(&cfg, "/nonexistent/searchd.conf", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/searchd.conf: "));
    sou_config_destroy(&cfg);

    /* Flags override the file, wherever --config appears. */
    {
        char *argv[] = {"searchd", "--threads", "5", "--config", good, "--http=off", NULL};
        sou_config_defaults(&cfg);
        ck_assert_int_eq(sou_config_parse_args(&cfg, 6, argv, &err), 0);
        ck_assert_int_eq(cfg.threads, 5);
        ck_assert_int_eq(cfg.idle_timeout, 7);
        ck_assert_str_eq(cfg.http, "off");
        sou_config_destroy(&cfg);
    }
    {
        char *argv[] = {"searchd", "--db", "x", "--threads", NULL};
        sou_config_defaults(&cfg);
        ck_assert_int_eq(sou_config_parse_args(&cfg, 4, argv, &err), -1);
        ck_assert_ptr_nonnull(strstr(err.message, "needs a value"));
        sou_config_destroy(&cfg);
    }
    {
        char *argv[] = {"searchd", "--db", "x", "--max-line", "10", NULL};
        sou_config_defaults(&cfg);
        ck_assert_int_eq(sou_config_parse_args(&cfg, 5, argv, &err), -1);
        ck_assert_ptr_nonnull(strstr(err.message, "max_line"));
        sou_config_destroy(&cfg);
    }
    free(good);
    free(bad_key);
    free(bad_value);
    free(no_eq);
}
END_TEST

static Suite *server_suite(void)
{
    Suite *s = suite_create("server");
    TCase *tc;

    tc = tcase_create("units");
    tcase_add_test(tc, test_line_parse);
    tcase_add_test(tc, test_http_options);
    tcase_add_test(tc, test_utf8);
    tcase_add_test(tc, test_config);
    suite_add_tcase(s, tc);

    tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
    tcase_add_loop_test(tc, test_first_hit_http, 0, sizeof questions / sizeof questions[0]);
    tcase_add_test(tc, test_http_and_line_identical);
    tcase_add_test(tc, test_query_words_http);
    tcase_add_test(tc, test_pipelining);
    tcase_add_test(tc, test_ping_stats_get_quit);
    tcase_add_test(tc, test_http_endpoints);
    tcase_add_test(tc, test_search_page);
    suite_add_tcase(s, tc);

    tc = tcase_create("bad_input");
    tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
    tcase_add_test(tc, test_bad_commands);
    tcase_add_test(tc, test_bad_utf8);
    tcase_add_test(tc, test_error_reasons);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_long_line);
    tcase_add_test(tc, test_binary_garbage);
    tcase_add_test(tc, test_disconnect_mid_answer);
    tcase_add_test(tc, test_idle_connections);
    suite_add_tcase(s, tc);

    tc = tcase_create("lifecycle");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_missing_index_503);
    tcase_add_test(tc, test_live_update);
    tcase_add_test(tc, test_sighup);
    tcase_add_test(tc, test_sigterm);
    tcase_add_test(tc, test_idle_timeout);
    tcase_add_test(tc, test_max_connections);
    tcase_add_test(tc, test_bad_command_line);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    g_tmp = sou_test_corpus_index("check-server", g_db, sizeof g_db);
    if (!g_tmp)
        return 1;
    sr = srunner_create(server_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    sou_test_rmtree(g_tmp);
    free(g_tmp);
    return failed ? 1 : 0;
}
