/*
 * check_operations.c: what operators rely on: GET /metrics (Prometheus text
 * format), the JSON access log and its reopening on SIGHUP, and --version.
 *
 * main() indexes corpus/ once; "units" calls sou_stats_prometheus as a plain
 * function; "server" starts searchd (with an access log) per test.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stats.h"
#include "sou_testserver.h"

static char *g_tmp;     /* temporary directory for the whole run */
static char g_db[4096]; /* index of corpus/ */

/* The value of the sample line "<series> <value>" in text, or -1 if absent. */
static double sample(const char *text, const char *series)
{
    size_t n = strlen(series);

    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

/* ----------------------------------------------------------------- units */

START_TEST(test_prometheus_text)
{
    sou_stats st;
    json_t *info = json_pack("{s:i, s:i}", "documents", 4, "revision", 7);
    size_t len = 0;
    char *text;

    sou_stats_init(&st);
    sou_stats_record(&st, SOU_REQ_SEARCH, 1, 200, 0.3);  /* 0.3 ms: in the 0.5 ms bucket */
    sou_stats_record(&st, SOU_REQ_SEARCH, 1, 200, 7.0);  /* 7 ms: first counted at le 0.01 */
    sou_stats_record(&st, SOU_REQ_SEARCH, 0, 400, 0.1);
    sou_stats_record(&st, SOU_REQ_GET, 0, 404, 0.2);
    sou_stats_record(&st, SOU_REQ_OTHER, 1, 418, 9000.0); /* an unlisted status, 9 s: only +Inf */
    text = sou_stats_prometheus(&st, info, 0, 3, 5, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(strlen(text), len);

    ck_assert_double_eq(sample(text, "sou_requests_total{protocol=\"http\",kind=\"search\",status=\"200\"}"), 2);
    ck_assert_double_eq(sample(text, "sou_requests_total{protocol=\"line\",kind=\"search\",status=\"400\"}"), 1);
    ck_assert_double_eq(sample(text, "sou_requests_total{protocol=\"line\",kind=\"get\",status=\"404\"}"), 1);
    ck_assert_double_eq(sample(text, "sou_requests_total{protocol=\"http\",kind=\"other\",status=\"other\"}"), 1);
    ck_assert_double_eq(sample(text, "sou_requests_total{protocol=\"http\",kind=\"get\",status=\"200\"}"), -1);

    /* Cumulative buckets, +Inf equals _count, _sum in seconds. */
    ck_assert_double_eq(
        sample(text, "sou_request_duration_seconds_bucket{protocol=\"http\",kind=\"search\",le=\"0.0005\"}"), 1);
    ck_assert_double_eq(
        sample(text, "sou_request_duration_seconds_bucket{protocol=\"http\",kind=\"search\",le=\"0.005\"}"), 1);
    ck_assert_double_eq(
        sample(text, "sou_request_duration_seconds_bucket{protocol=\"http\",kind=\"search\",le=\"0.01\"}"), 2);
    ck_assert_double_eq(
        sample(text, "sou_request_duration_seconds_bucket{protocol=\"http\",kind=\"search\",le=\"+Inf\"}"), 2);
    ck_assert_double_eq(sample(text, "sou_request_duration_seconds_count{protocol=\"http\",kind=\"search\"}"), 2);
    ck_assert_double_eq_tol(sample(text, "sou_request_duration_seconds_sum{protocol=\"http\",kind=\"search\"}"),
                            0.0073, 1e-9);
    ck_assert_double_eq(
        sample(text, "sou_request_duration_seconds_bucket{protocol=\"http\",kind=\"other\",le=\"5\"}"), 0);
    ck_assert_double_eq(
        sample(text, "sou_request_duration_seconds_bucket{protocol=\"http\",kind=\"other\",le=\"+Inf\"}"), 1);
    /* A kind that never happened has no series; searches always have one. */
    ck_assert_double_eq(sample(text, "sou_request_duration_seconds_count{protocol=\"http\",kind=\"get\"}"), -1);
    ck_assert_double_eq(sample(text, "sou_request_duration_seconds_count{protocol=\"line\",kind=\"search\"}"), 1);

    ck_assert_double_eq(sample(text, "sou_queue_length"), 5);
    ck_assert_double_eq(sample(text, "sou_worker_threads"), 3);
    ck_assert_double_eq(sample(text, "sou_index_up"), 1);
    ck_assert_double_eq(sample(text, "sou_index_documents"), 4);
    ck_assert_double_eq(sample(text, "sou_index_revision"), 7);
    ck_assert_double_eq(sample(text, "sou_index_age_seconds"), -1); /* no mtime given */
    ck_assert_ptr_nonnull(strstr(text, "# TYPE sou_requests_total counter\n"));
    ck_assert_ptr_nonnull(strstr(text, "# TYPE sou_request_duration_seconds histogram\n"));
    ck_assert_ptr_nonnull(strstr(text, "sou_build_info{version=\"" SOU_VERSION "\"} 1\n"));
    free(text);

    /* Without an index: up 0 and no document count. */
    text = sou_stats_prometheus(&st, NULL, 0, 3, 0, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_double_eq(sample(text, "sou_index_up"), 0);
    ck_assert_double_eq(sample(text, "sou_index_documents"), -1);
    free(text);
    json_decref(info);
}
END_TEST

/* ---------------------------------------------------------------- server */

START_TEST(test_metrics_endpoint)
{
    sou_testserver ts;
    char err[256], *headers = NULL, *body = NULL;
    int status = 0;
    json_t *j;
    sou_testconn c;

    ck_assert_int_eq(sou_testserver_start(&ts, g_db, NULL, err, sizeof err), 0);
    j = sou_test_http_json(ts.http_port, "/search?q=%E5%8C%BB%E4%BF%9D", &status);
    ck_assert_int_eq(status, 200);
    json_decref(j);
    j = sou_test_http_json(ts.http_port, "/search?limit=0&q=x", &status);
    ck_assert_int_eq(status, 400);
    json_decref(j);
    ck_assert_int_eq(sou_testconn_open(&c, ts.line_port), 0);
    j = sou_testconn_call(&c, "SEARCH 医保");
    ck_assert_ptr_nonnull(json_object_get(j, "hits"));
    json_decref(j);
    sou_testconn_close(&c);

    ck_assert_int_eq(sou_test_http(ts.http_port, "GET", "/metrics", NULL, &status, &headers, &body), 0);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(headers, "Content-Type: text/plain; version=0.0.4; charset=utf-8"));
    ck_assert_double_eq(sample(body, "sou_requests_total{protocol=\"http\",kind=\"search\",status=\"200\"}"), 1);
    ck_assert_double_eq(sample(body, "sou_requests_total{protocol=\"http\",kind=\"search\",status=\"400\"}"), 1);
    ck_assert_double_eq(sample(body, "sou_requests_total{protocol=\"line\",kind=\"search\",status=\"200\"}"), 1);
    ck_assert_double_eq(sample(body, "sou_request_duration_seconds_count{protocol=\"http\",kind=\"search\"}"), 2);
    ck_assert_double_eq(sample(body, "sou_connections_total{protocol=\"line\"}"), 1);
    /* The two HTTP searches and this scrape, each on a connection of its own. */
    ck_assert_double_eq(sample(body, "sou_connections_total{protocol=\"http\"}"), 3);
    ck_assert(sample(body, "sou_connections_open{protocol=\"http\"}") >= 1); /* this one */
    ck_assert_double_eq(sample(body, "sou_index_up"), 1);
    ck_assert_double_eq(sample(body, "sou_index_documents"), 4);
    ck_assert_double_eq(sample(body, "sou_queue_length"), 0);
    ck_assert(sample(body, "sou_index_revision") >= 1);
    ck_assert(sample(body, "sou_index_age_seconds") >= 0);
    ck_assert(sample(body, "sou_start_time_seconds") > 1e9);
    free(headers);
    free(body);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
}
END_TEST

START_TEST(test_metrics_without_index)
{
    sou_testserver ts;
    char err[256], missing[4200], *body = NULL;
    int status = 0;

    snprintf(missing, sizeof missing, "%s/not-yet.db", g_tmp);
    ck_assert_int_eq(sou_testserver_start(&ts, missing, NULL, err, sizeof err), 0);
    ck_assert_int_eq(sou_test_http(ts.http_port, "GET", "/metrics", NULL, &status, NULL, &body), 0);
    ck_assert_int_eq(status, 200); /* the scrape itself works; the gauge says the index is down */
    ck_assert_double_eq(sample(body, "sou_index_up"), 0);
    ck_assert_double_eq(sample(body, "sou_index_documents"), -1);
    ck_assert_double_eq(sample(body, "sou_index_age_seconds"), -1);
    free(body);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
}
END_TEST

/* Every line of text parses as a JSON object; returns how many. */
static int json_lines(const char *text, json_t **last_search_line)
{
    int n = 0;
    const char *p = text;

    while (p && *p) {
        const char *nl = strchr(p, '\n');
        json_error_t e;
        json_t *o;
        ck_assert_msg(nl != NULL, "access log line without a newline: %s", p);
        o = json_loadb(p, (size_t)(nl - p), 0, &e);
        ck_assert_msg(json_is_object(o), "not a JSON object: %.*s", (int)(nl - p), p);
        if (last_search_line && strcmp(json_string_value(json_object_get(o, "kind")), "search") == 0) {
            json_decref(*last_search_line);
            *last_search_line = json_incref(o);
        }
        json_decref(o);
        n++;
        p = nl + 1;
    }
    return n;
}

START_TEST(test_access_log)
{
    sou_testserver ts;
    char err[256], log[4200], rotated[4300];
    const char *args[] = {"--access-log", log, NULL};
    int status = 0;
    json_t *j, *line = NULL;
    sou_testconn c;
    char *text;

    snprintf(log, sizeof log, "%s/access.log", g_tmp);
    snprintf(rotated, sizeof rotated, "%s/access.log.1", g_tmp);
    unlink(log);
    unlink(rotated);
    ck_assert_int_eq(sou_testserver_start(&ts, g_db, args, err, sizeof err), 0);
    j = sou_test_http_json(ts.http_port, "/search?q=%E5%8C%BB%E4%BF%9D&limit=1", &status);
    ck_assert_int_eq(status, 200);
    json_decref(j);
    ck_assert_int_eq(sou_testconn_open(&c, ts.line_port), 0);
    json_decref(sou_testconn_call(&c, "PING"));
    json_decref(sou_testconn_call(&c, "SEARCH {\"q\":\"医保卡\",\"limit\":1}"));

    text = sou_test_read_file(log, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(json_lines(text, &line), 3);
    ck_assert_str_eq(json_string_value(json_object_get(line, "protocol")), "line");
    ck_assert_str_eq(json_string_value(json_object_get(line, "request")), "SEARCH {\"q\":\"医保卡\",\"limit\":1}");
    ck_assert_int_eq(json_integer_value(json_object_get(line, "status")), 200);
    ck_assert_int_gt(json_integer_value(json_object_get(line, "bytes")), 100);
    ck_assert(json_real_value(json_object_get(line, "ms")) >= 0);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(line, "peer")), "127.0.0.1:"));
    ck_assert_ptr_nonnull(strstr(text, "\"request\":\"GET /search?q=%E5%8C%BB%E4%BF%9D&limit=1\""));
    ck_assert_ptr_nonnull(strstr(text, "\"time\":\"20"));
    json_decref(line);
    free(text);

    /* Log rotation: move the file away, SIGHUP, and new lines go to a new file. */
    ck_assert_int_eq(rename(log, rotated), 0);
    ck_assert_int_eq(sou_testserver_signal(&ts, SIGHUP), 0);
    for (int i = 0; i < 100 && access(log, F_OK) != 0; i++)
        usleep(20 * 1000);
    json_decref(sou_testconn_call(&c, "PING"));
    text = sou_test_read_file(log, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(json_lines(text, NULL), 1);
    free(text);
    text = sou_test_read_file(rotated, NULL);
    ck_assert_int_eq(json_lines(text, NULL), 3);
    free(text);
    sou_testconn_close(&c);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
}
END_TEST

START_TEST(test_versions)
{
    static const char *const programs[] = {"indexer", "searchd", "sou"};
    char path[4200], want[128], *out = NULL;

    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        const char *argv[] = {path, "--version", NULL};
        snprintf(path, sizeof path, "%s/%s", sou_test_bin_dir(), programs[i]);
        snprintf(want, sizeof want, "%s (sou) %s\n", programs[i], SOU_VERSION);
        ck_assert_int_eq(sou_test_run(argv, &out, NULL), 0);
        ck_assert_str_eq(out, want);
        free(out);
        out = NULL;
    }
}
END_TEST

static Suite *operations_suite(void)
{
    Suite *s = suite_create("operations");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, test_prometheus_text);
    suite_add_tcase(s, tc);

    tc = tcase_create("server");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_metrics_endpoint);
    tcase_add_test(tc, test_metrics_without_index);
    tcase_add_test(tc, test_access_log);
    tcase_add_test(tc, test_versions);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    g_tmp = sou_test_corpus_index("check-operations", g_db, sizeof g_db);
    if (!g_tmp)
        return 1;
    sr = srunner_create(operations_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    sou_test_rmtree(g_tmp);
    free(g_tmp);
    return failed ? 1 : 0;
}
