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

START_TEST(test_request_line)
{
    json_t *o = json_pack("{s:s,s:i}", "q", "{not json} \"quoted\"", "limit", 5);
    char *l = sou_client_request_line("SEARCH", o);
    ck_assert_str_eq(l, "SEARCH {\"q\":\"{not json} \\\"quoted\\\"\",\"limit\":5}");
    free(l);
    json_decref(o);
    o = json_pack("{s:s}", "id", "天津");
    l = sou_client_request_line("GET", o);
    ck_assert_str_eq(l, "GET {\"id\":\"天津\"}");
    free(l);
    json_decref(o);
}
END_TEST

START_TEST(test_strip_controls)
{
    /* What would drive the terminal becomes a space (a run of it one). */
    char s[] = "\033]0;pwned\a\033[2J标题\tA\xc2\x9b" "31m\x7f\n二行";
    sou_strip_controls(s);
    ck_assert_str_eq(s, " ]0;pwned [2J标题\tA 31m 二行");
}
END_TEST

/* Every line of buf: at most width columns (CJK counts 2), and every line
 * after the first starts with indent spaces. */
static void check_wrapped(const char *buf, unsigned width, unsigned indent)
{
    int first = 1;
    for (const char *line = buf; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        unsigned cols = 0;
        for (size_t i = 0; i < len; i++) {
            if (line[i] == '\033') { /* an SGR escape takes no room */
                while (i < len && line[i] != 'm')
                    i++;
                continue;
            }
            if (((unsigned char)line[i] & 0xC0) != 0x80)
                cols += (unsigned char)line[i] >= 0xE0 ? 2 : 1;
        }
        ck_assert_msg(cols <= width, "line of %u columns: %.*s", cols, (int)len, line);
        if (!first)
            ck_assert_msg(len > indent && strspn(line, " ") == indent, "continuation line \"%.*s\"", (int)len, line);
        first = 0;
        line += len + (nl != NULL);
    }
}

START_TEST(test_wrap)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    unsigned col = 3;
    fputs("   ", f);
    sou_print_wrapped(f, "\033[1;31m医疗保险\033[0m卡在手机上激活需要先下载国家医保服务平台APP然后实名认证 "
                         "supercalifragilistic words stay whole", 3, 24, &col);
    fclose(f);
    check_wrapped(buf, 24, 3);
    ck_assert_ptr_nonnull(strstr(buf, "supercalifragilistic"));
    ck_assert_ptr_nonnull(strstr(buf, "APP")); /* a short Latin word is not split */
    free(buf);
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
    sou_print_opts plain = {0, 0}, colour = {1, 0};
    ck_assert_int_eq(sou_print_answer(f, a, &plain), 1);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "1. A & B  2026-01-02  d1\n"));
    ck_assert_ptr_nonnull(strstr(buf, "   x <y> z\n"));
    ck_assert_ptr_nonnull(strstr(buf, "1 of about 7 results"));
    ck_assert_ptr_null(strchr(buf, '\033'));
    free(buf);
    f = open_memstream(&buf, &len);
    sou_print_answer(f, a, &colour);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "\033[1;31mz\033[0m"));
    free(buf);
    json_decref(a);

    /* A long passage on a 30-column terminal: wrapped under its indent. */
    a = json_pack("{s:i,s:b,s:f,s:[{s:i,s:s,s:s,s:s}]}", "total", 1, "exact", 1, "took_ms", 0.2, "hits", "rank", 1,
                  "id", "d2", "title", "长标题", "snippet",
                  "医保卡在手机上激活需要先下载<mark>国家医保服务平台</mark>然后按照提示完成实名认证和人脸识别");
    sou_print_opts narrow = {0, 30};
    f = open_memstream(&buf, &len);
    sou_print_answer(f, a, &narrow);
    fclose(f);
    char *passage = strstr(buf, "\n   ") + 1, *summary = strstr(buf, "\n1 of 1");
    ck_assert_ptr_nonnull(summary);
    *summary = '\0';
    check_wrapped(passage, 30, 3);
    ck_assert_ptr_nonnull(strchr(passage, '\n')); /* it did wrap */
    free(buf);
    json_decref(a);

    /* No hits: what the query was understood as. */
    a = json_loads("{\"query\":{\"text\":\"zqxj 怎么办\",\"dropped\":[\"怎么\"],\"missing\":[\"zqxj\"],"
                   "\"date_from\":\"2025-01-01\",\"date_to\":null},\"total\":0,\"hits\":[]}",
                   0, NULL);
    f = open_memstream(&buf, &len);
    sou_print_answer(f, a, &plain);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "no results for zqxj 怎么办\n"));
    ck_assert_ptr_nonnull(strstr(buf, "  ignored: 怎么\n"));
    ck_assert_ptr_nonnull(strstr(buf, "  in no document: zqxj\n"));
    ck_assert_ptr_nonnull(strstr(buf, "  dates: 2025-01-01 to the last\n"));
    free(buf);
    json_decref(a);
    /* Near-copies folded into a hit: listed under it. */
    a = json_loads("{\"total\":1,\"exact\":true,\"took_ms\":0.1,\"hits\":[{\"rank\":1,\"id\":\"v2\",\"title\":\"条例\","
                   "\"snippet\":\"正文\",\"similar\":[{\"id\":\"v1\",\"title\":\"条例\"},{\"id\":\"v0\",\"title\":\"\"}]}]}",
                   0, NULL);
    f = open_memstream(&buf, &len);
    sou_print_answer(f, a, &plain);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "   + 2 similar: v1 条例; v0 (untitled)\n"));
    ck_assert_ptr_null(strstr(buf, "synonyms")); /* nothing to say about the query */
    free(buf);
    json_decref(a);
    /* Hits, and what the query searched besides its words: the notes follow the count. */
    a = json_loads("{\"query\":{\"text\":\"被狗咬了谁负责\",\"missing\":[\"狗咬\"],\"synonyms\":{\"狗\":[\"犬\"],"
                   "\"医保\":[\"医疗保险\",\"基本医疗保险\"]}},\"total\":1,\"exact\":true,\"took_ms\":0.1,"
                   "\"hits\":[{\"rank\":1,\"id\":\"d\",\"title\":\"养犬管理条例\",\"snippet\":\"犬只\"}]}",
                   0, NULL);
    f = open_memstream(&buf, &len);
    sou_print_answer(f, a, &plain);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "1 of 1 result, 0.10 ms\n  in no document: 狗咬\n"
                                      "  synonyms: 狗 = 犬; 医保 = 医疗保险 / 基本医疗保险\n"));
    free(buf);
    json_decref(a);
    a = json_loads("{\"query\":{\"text\":\"医保\"},\"total\":4,\"offset\":20,\"hits\":[]}", 0, NULL);
    f = open_memstream(&buf, &len);
    sou_print_answer(f, a, &plain);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "4 results in all, --offset 20 is past the end"));
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

/* The answer with the value of "took_ms" replaced by 0 (it differs run to run). */
static void zero_took(char *s)
{
    char *t = strstr(s, "\"took_ms\":");
    ck_assert_ptr_nonnull(t);
    t += strlen("\"took_ms\":");
    size_t n = strspn(t, "0123456789.e-");
    memmove(t + 1, t + n, strlen(t + n) + 1);
    *t = '0';
}

START_TEST(test_cli_db_json_same_bytes)
{
    /* --json with --db prints what searchd prints, byte for byte (scores
     * included: 0.181, not 0.18099999999999999). */
    const char *q = "天津看牙能用医保报销吗";
    char *db_out = NULL, *srv_out = NULL, *err = NULL;
    const char *a1[] = {g_sou, "--db", g_db, "--json", "-n", "3", q, NULL};
    const char *a2[] = {g_sou, "--server", g_srv.line, "--json", "-n", "3", q, NULL};
    ck_assert_int_eq(sou_test_run(a1, &db_out, &err), 0);
    free(err);
    ck_assert_int_eq(sou_test_run(a2, &srv_out, &err), 0);
    free(err);
    zero_took(db_out);
    zero_took(srv_out);
    ck_assert_str_eq(db_out, srv_out);
    ck_assert_ptr_null(strstr(db_out, "99999"));
    free(db_out);
    free(srv_out);
    const char *g1[] = {g_sou, "--db", g_db, "--json", "get", "003_1bdcc1241bf11e8e", NULL};
    const char *g2[] = {g_sou, "--server", g_srv.line, "--json", "get", "003_1bdcc1241bf11e8e", NULL};
    ck_assert_int_eq(sou_test_run(g1, &db_out, &err), 0);
    free(err);
    ck_assert_int_eq(sou_test_run(g2, &srv_out, &err), 0);
    free(err);
    ck_assert_str_eq(db_out, srv_out);
    free(db_out);
    free(srv_out);
}
END_TEST

START_TEST(test_cli_search_options)
{
    char *out = NULL, *err = NULL;
    /* --offset: the second hit alone, ranked 2 */
    {
        const char *argv[] = {g_sou, "--server", g_srv.line, "-n", "1", "--offset", "1", "医保", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
        ck_assert_msg(!strncmp(out, "2. ", 3), "%s", out);
        ck_assert_ptr_null(strstr(out, "\n1. "));
        free(out);
        free(err);
    }
    /* --sort date / date_asc, --from/--to: the JSON answer says what was applied */
    static const struct {
        const char *flag, *value, *key, *want;
    } applied[] = {
        {"--sort", "date", "sort", "date"},
        {"--sort", "date_asc", "sort", "date_asc"},
        {"--from", "2025-05-17", "date_from", "2025-05-17"},
        {"--to", "2025-12-31", "date_to", "2025-12-31"},
    };
    for (size_t i = 0; i < sizeof applied / sizeof applied[0]; i++) {
        const char *argv[] = {g_sou, "--server", g_srv.line, "--json", applied[i].flag, applied[i].value, "医保", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
        json_t *a = json_loads(out, 0, NULL);
        ck_assert_ptr_nonnull(a);
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(a, "query"), applied[i].key)),
                         applied[i].want);
        json_decref(a);
        free(out);
        free(err);
    }
    {
        const char *argv[] = {g_sou, "--server", g_srv.line, "--from", "2025-05-17", "--to", "2025-05-17", "医保", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
        ck_assert_ptr_nonnull(strstr(out, "001_dd3610d66644acdd"));
        ck_assert_ptr_nonnull(strstr(out, "1 of 1 result,"));
        free(out);
        free(err);
    }
    /* bad values: refused by sou (usage, 2) or by searchd (1, its message) */
    {
        const char *argv[] = {g_sou, "--sort", "price", "医保", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 2);
        ck_assert_ptr_nonnull(strstr(err, "relevance, date or date_asc"));
        free(out);
        free(err);
    }
    {
        const char *argv[] = {g_sou, "--server", g_srv.line, "--from", "2025-13-01", "医保", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 1);
        ck_assert_ptr_nonnull(strstr(err, "date_from"));
        free(out);
        free(err);
    }
    /* --facet and --filter reach searchd (this index has no facets: its error) */
    {
        const char *argv[] = {g_sou, "--server", g_srv.line, "--facet", "category", "--filter", "category:x", "医保", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 1);
        ck_assert_ptr_nonnull(strstr(err, "not a facet of this index"));
        free(out);
        free(err);
    }
    {
        const char *argv[] = {g_sou, "--filter", "category", "医保", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 2);
        ck_assert_ptr_nonnull(strstr(err, "FIELD:VALUE"));
        free(out);
        free(err);
    }
    /* no results: what was ignored */
    {
        const char *argv[] = {g_sou, "--server", g_srv.line, "zqxjvwk", "怎么办", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
        ck_assert_ptr_nonnull(strstr(out, "no results for zqxjvwk 怎么办"));
        ck_assert_ptr_nonnull(strstr(out, "ignored: 怎么"));
        free(out);
        free(err);
    }
}
END_TEST

START_TEST(test_cli_get)
{
    char *out = NULL, *err = NULL;
    {
        const char *argv[] = {g_sou, "--server", g_srv.line, "get", "003_1bdcc1241bf11e8e", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
        ck_assert_msg(!strncmp(out, "医保参保地变更与社保转移接续", strlen("医保参保地变更与社保转移接续")), "%s", out);
        ck_assert_ptr_nonnull(strstr(out, "\n003_1bdcc1241bf11e8e"));
        ck_assert_ptr_nonnull(strstr(out, "兰州")); /* the body */
        ck_assert_ptr_nonnull(strstr(out, "\nrelated:\n  1. ")); /* the seed articles are one template */
        ck_assert_ptr_null(strchr(out, '\033'));
        free(out);
        free(err);
    }
    {
        /* options after "get" too; an unknown id: exit 1, said on stderr */
        const char *argv[] = {g_sou, "get", "--db", g_db, "no-such-document", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 1);
        ck_assert_ptr_nonnull(strstr(err, "not found"));
        free(out);
        free(err);
    }
    {
        const char *argv[] = {g_sou, "get", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 2);
        ck_assert_ptr_nonnull(strstr(err, "one document id"));
        free(out);
        free(err);
    }
    {
        const char *argv[] = {g_sou, "--sort", "date", "get", "x", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 2);
        free(out);
        free(err);
    }
    {
        /* "sou -- get" searches for the word */
        const char *argv[] = {g_sou, "--server", g_srv.line, "--json", "--", "get", NULL};
        ck_assert_int_eq(sou_test_run(argv, &out, &err), 0);
        ck_assert_ptr_nonnull(strstr(out, "\"text\":\"get\""));
        free(out);
        free(err);
    }
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
    tcase_add_test(tc, test_request_line);
    tcase_add_test(tc, test_strip_controls);
    tcase_add_test(tc, test_wrap);
    tcase_add_test(tc, test_print_answer);
    suite_add_tcase(s, tc);

    tc = tcase_create("cli");
    tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
    tcase_add_test(tc, test_cli_plain);
    tcase_add_test(tc, test_cli_words_joined);
    tcase_add_test(tc, test_cli_json);
    tcase_add_test(tc, test_cli_db);
    tcase_add_test(tc, test_cli_db_json_same_bytes);
    tcase_add_test(tc, test_cli_search_options);
    tcase_add_test(tc, test_cli_get);
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
