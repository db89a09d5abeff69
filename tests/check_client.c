/*
 * check_client.c: the sou command-line client.  "render" tests the HTML to
 * terminal text conversion and request building as plain calls; "cli" runs
 * the sou program against a searchd (started once, in an unchecked
 * fixture), in --db mode, and against a port where nothing listens.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "sou_testserver.h"

static char *g_tmp;
static char g_db[4096];
static char g_sou[4096];
static sou_testserver g_srv;

static void start_shared(void)
{
    char err[256];
    if (sou_testserver_start(&g_srv, g_db, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "check_client: cannot start searchd: %s\n", err);
        exit(1);
    }
}

static void stop_shared(void)
{
    sou_testserver_stop(&g_srv);
}

/* ---------------------------------------------------------------- render */

START_TEST(test_render_html)
{
    static const struct {
        const char *html, *on, *off, *want;
    } cases[] = {
        {"<mark>参保地</mark>怎么变更", "[", "]", "[参保地]怎么变更"},
        {"<mark>参保地</mark>怎么变更", "", "", "参保地怎么变更"},
        {"a &lt;script&gt; &amp; &quot;x&quot; &#39;y&#39;", "", "", "a <script> & \"x\" 'y'"},
        {"&#22825;&#x6D25;", "", "", "天津"},
        {"AT&T &bogus; &#0; &", "", "", "AT&T &bogus; &#0; &"},
        {"<b>bold</b> <mark>m</mark>", "\033[1m", "\033[0m", "bold \033[1mm\033[0m"},
        {"unclosed <tag", "", "", "unclosed <tag"},
        {"", "[", "]", ""},
        {"…<mark>医保</mark>…", "*", "*", "…*医保*…"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = sou_render_html(cases[i].html, cases[i].on, cases[i].off);
        ck_assert_ptr_nonnull(got);
        ck_assert_msg(strcmp(got, cases[i].want) == 0, "case %zu: got \"%s\", want \"%s\"", i, got, cases[i].want);
        free(got);
    }
}
END_TEST

START_TEST(test_search_line)
{
    char *l = sou_client_search_line("{not json} \"quoted\"", 5);
    ck_assert_str_eq(l, "SEARCH {\"q\":\"{not json} \\\"quoted\\\"\",\"limit\":5}");
    free(l);
    l = sou_client_search_line("天津", 0);
    ck_assert_str_eq(l, "SEARCH {\"q\":\"天津\"}");
    free(l);
    ck_assert_ptr_null(sou_client_search_line("\xff", 0));
}
END_TEST

START_TEST(test_print_answer)
{
    json_t *a = json_loads("{\"total\":7,\"exact\":false,\"took_ms\":0.5,\"hits\":[{\"rank\":1,\"id\":\"d1\","
                           "\"title\":\"A & B\",\"title_html\":\"<mark>A</mark> &amp; B\",\"date\":\"2026-01-02\","
                           "\"snippet\":\"x &lt;y&gt; <mark>z</mark>\"}]}",
                           0, NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(sou_print_answer(f, a, 0), 1);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "1. A & B  2026-01-02  d1\n"));
    ck_assert_ptr_nonnull(strstr(buf, "   x <y> z\n"));
    ck_assert_ptr_nonnull(strstr(buf, "1 of about 7 results"));
    ck_assert_ptr_null(strchr(buf, '\033'));
    free(buf);
    f = open_memstream(&buf, &len);
    sou_print_answer(f, a, 1);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "\033[1;31mz\033[0m"));
    free(buf);
    json_decref(a);
}
END_TEST

/* ------------------------------------------------------------------- cli */

START_TEST(test_cli_plain)
{
    char *out = NULL, *err = NULL;
    const char *argv[] = {g_sou, "--server", g_srv.line, "-n", "2", "天津看牙能用医保报销吗", NULL};
    ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
    /* Piped: no colour codes, no markup; rank, title, date, id. */
    ck_assert_ptr_nonnull(strstr(out, "1. 已经交了医疗保险怎么修改参保地?(2026-02-06)"));
    ck_assert_ptr_nonnull(strstr(out, "000_ac1cf03b7f701441"));
    ck_assert_ptr_nonnull(strstr(out, "\n2. "));
    ck_assert_ptr_null(strstr(out, "\n3. "));
    ck_assert_ptr_null(strchr(out, '\033'));
    ck_assert_ptr_null(strstr(out, "<mark>"));
    ck_assert_str_eq(err, "");
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_words_joined)
{
    /* Several words are one query. */
    char *out = NULL, *err = NULL;
    const char *argv[] = {g_sou, "--server", g_srv.line, "兰州", "手机", "激活", "医保卡", NULL};
    ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "1. 医保参保地变更与社保转移接续"));
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_json)
{
    char *out = NULL, *err = NULL;
    json_t *a;
    const char *argv[] = {g_sou, "--json", "--server", g_srv.line, "石家庄医保卡激活步骤", NULL};
    ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
    a = json_loads(out, 0, NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), 0), "id")),
                     "001_dd3610d66644acdd");
    json_decref(a);
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_db)
{
    char *out = NULL, *err = NULL;
    json_t *a;
    const char *argv[] = {g_sou, "--db", g_db, "岳阳医保能报销哪些费用", NULL};
    const char *argv_json[] = {g_sou, "--db", g_db, "--json", "-n", "1", "岳阳医保能报销哪些费用", NULL};
    const char *argv_missing[] = {g_sou, "--db", "/nonexistent/sou.db", "医保", NULL};
    ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "1. 医疗保险怎么把参保地改了呢?"));
    free(out);
    free(err);
    ck_assert_int_eq(sou_test_run(argv_json, &out, &err), 0);
    a = json_loads(out, 0, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(a, "hits")), 1);
    json_decref(a);
    free(out);
    free(err);
    ck_assert_int_eq(sou_test_run(argv_missing, &out, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/sou.db"));
    free(out);
    free(err);
}
END_TEST

/* A loopback port where nothing listens: bind, note the port, close. */
static int dead_port(void)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

START_TEST(test_cli_unreachable)
{
    char *out = NULL, *err = NULL, server[64];
    snprintf(server, sizeof server, "127.0.0.1:%d", dead_port());
    {
        const char *argv[] = {g_sou, "--server", server, "医保", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 2);
    }
    ck_assert_str_eq(out, "");
    ck_assert_ptr_nonnull(strstr(err, "cannot connect"));
    ck_assert_ptr_nonnull(strstr(err, server));
    ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1); /* one line */
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_errors)
{
    char *out = NULL, *err = NULL;
    {
        const char *argv[] = {g_sou, NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 2); /* no query: usage */
        ck_assert_ptr_nonnull(strstr(err, "Usage: sou"));
        free(out);
        free(err);
    }
    {
        const char *argv[] = {g_sou, "-n", "0", "x", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 2);
        free(out);
        free(err);
    }
    {
        /* An error answer from searchd: exit 1, its message on stderr. */
        const char *argv[] = {g_sou, "--server", g_srv.line, "\xff\xfe", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 1);
        ck_assert_ptr_nonnull(strstr(err, "UTF-8"));
        free(out);
        free(err);
    }
}
END_TEST

START_TEST(test_client_library)
{
    sou_error err;
    sou_client *c = sou_client_connect(g_srv.line, 5000, &err);
    char *raw = NULL;
    json_t *a;

    ck_assert_ptr_nonnull(c);
    a = sou_client_call(c, "PING", &raw, &err);
    ck_assert(json_is_true(json_object_get(a, "pong")));
    ck_assert_str_eq(raw, "{\"pong\":true}");
    json_decref(a);
    free(raw);
    ck_assert_ptr_null(sou_client_call(c, "PING\nPING", NULL, &err));
    a = sou_client_call(c, "QUIT", NULL, &err);
    json_decref(a);
    ck_assert_ptr_null(sou_client_call(c, "PING", NULL, &err)); /* closed */
    ck_assert_int_eq(err.code, SOU_EUNAVAILABLE);
    sou_client_close(c);
    ck_assert_ptr_null(sou_client_connect("no-port-here", 1000, &err));
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
}
END_TEST

static Suite *client_suite(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("render");
    tcase_add_test(tc, test_render_html);
    tcase_add_test(tc, test_search_line);
    tcase_add_test(tc, test_print_answer);
    suite_add_tcase(s, tc);

    tc = tcase_create("cli");
    tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
    tcase_add_test(tc, test_cli_plain);
    tcase_add_test(tc, test_cli_words_joined);
    tcase_add_test(tc, test_cli_json);
    tcase_add_test(tc, test_cli_db);
    tcase_add_test(tc, test_cli_unreachable);
    tcase_add_test(tc, test_cli_errors);
    tcase_add_test(tc, test_client_library);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    g_tmp = sou_test_corpus_index("check-client", g_db, sizeof g_db);
    if (!g_tmp)
        return 1;
    snprintf(g_sou, sizeof g_sou, "%s/sou", sou_test_bin_dir());
    sr = srunner_create(client_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    sou_test_rmtree(g_tmp);
    free(g_tmp);
    return failed ? 1 : 0;
}
