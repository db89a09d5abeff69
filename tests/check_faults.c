/* check_faults.c: searchd and the indexer under hostile clients and faults
 * (issue 8): slow and never-reading clients, descriptor exhaustion, malformed
 * HTTP, an indexer killed at random points, re-indexing while clients search.
 * Every test is bounded in time and deterministic in what it checks. */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sou_testserver.h"
#include "sou_xapian.h"

static char *g_tmp;     /* temporary directory for the whole run */
static char g_db[4096]; /* index of corpus/ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void start(sou_testserver *ts, const char *db, const char *const extra[])
{
    char err[256];
    ck_assert_msg(sou_testserver_start(ts, db, extra, err, sizeof err) == 0, "searchd: %s", err);
}

/* Seconds until the server closes fd (reading and dropping what comes), or
 * -1 if it is still open after limit seconds. */
static double closed_after(int fd, double limit)
{
    double t0 = now_s();
    char buf[4096];
    while (now_s() - t0 < limit) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0)
                return now_s() - t0;
        }
    }
    return -1;
}

static json_t *stats(const sou_testserver *ts)
{
    sou_testconn c;
    ck_assert_int_eq(sou_testconn_open(&c, ts->line_port), 0);
    json_t *a = sou_testconn_call(&c, "STATS");
    sou_testconn_close(&c);
    ck_assert_ptr_nonnull(a);
    return a;
}

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* Client CPU seconds (user + system) of pid so far. */
static double cpu_s(pid_t pid)
{
    char path[64], buf[1024];
    unsigned long ut = 0, st = 0;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ------------------------------------------------------------ slow clients */

/* One byte a second kept a connection open forever: the timer restarted at
 * every byte.  A request line must now arrive whole within request_timeout. */
START_TEST(test_slowloris_line)
{
    const char *extra[] = {"--request-timeout", "1", NULL};
    sou_testserver ts;
    start(&ts, g_db, extra);
    int fd = sou_test_connect(ts.line_port);
    ck_assert_int_ge(fd, 0);
    const char *slow = "SEARCH 医保怎么报销医保怎么报销";
    double t0 = now_s(), closed = -1;
    for (size_t i = 0; slow[i] && closed < 0; i++) {
        if (send(fd, slow + i, 1, MSG_NOSIGNAL) != 1)
            break;
        closed = closed_after(fd, 0.2); /* one byte every 200 ms */
    }
    if (closed < 0)
        closed = closed_after(fd, 5);
    double at = now_s() - t0;
    ck_assert_msg(closed >= 0 && at >= 0.8 && at < 4.0, "closed after %.2f s (deadline 1 s)", at);
    close(fd);
    /* A client that sends its line at once is unaffected. */
    sou_testconn c;
    ck_assert_int_eq(sou_testconn_open(&c, ts.line_port), 0);
    json_t *a = sou_testconn_call(&c, "PING");
    ck_assert(json_is_true(json_object_get(a, "pong")));
    json_decref(a);
    sou_testconn_close(&c);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
}
END_TEST

START_TEST(test_slowloris_http)
{
    const char *extra[] = {"--request-timeout", "1", NULL};
    sou_testserver ts;
    start(&ts, g_db, extra);
    int fd = sou_test_connect(ts.http_port);
    ck_assert_int_ge(fd, 0);
    const char *slow = "GET /search?q=%E5%8C%BB%E4%BF%9D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa";
    double t0 = now_s(), closed = -1;
    for (size_t i = 0; slow[i] && closed < 0; i++) {
        if (send(fd, slow + i, 1, MSG_NOSIGNAL) != 1)
            break;
        closed = closed_after(fd, 0.2);
    }
    if (closed < 0)
        closed = closed_after(fd, 5);
    double at = now_s() - t0;
    ck_assert_msg(closed >= 0 && at >= 0.8 && at < 4.0, "closed after %.2f s (deadline 1 s)", at);
    close(fd);
    int status = 0;
    json_t *a = sou_test_http_json(ts.http_port, "/health", &status);
    ck_assert_int_eq(status, 200);
    json_decref(a);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
}
END_TEST

/* 20 connections pipelining big answers and never reading grew searchd from
 * 52 MB to 1.64 GB: past max_output bytes waiting, a client is closed. */
START_TEST(test_never_reading_clients)
{
    const char *extra[] = {"--max-output", "256K", "--max-pipeline", "1000", NULL};
    sou_testserver ts;
    start(&ts, g_db, extra);
    long rss0 = rss_kb(ts.pid);
    enum { CONNS = 10, REQUESTS = 600 };
    int fds[CONNS];
    static char batch[REQUESTS * 100];
    size_t len = 0;
    for (int i = 0; i < REQUESTS; i++)
        len += (size_t)snprintf(batch + len, sizeof batch - len,
                                "SEARCH {\"q\":\"医保报销\",\"limit\":100,\"passages\":10,\"passage_chars\":1000}\n");
    for (int i = 0; i < CONNS; i++) {
        int small = 4096;
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &small, sizeof small); /* before connect */
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)ts.line_port)};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ck_assert_int_eq(connect(fds[i], (struct sockaddr *)&sa, sizeof sa), 0);
        struct timeval tv = {2, 0};
        setsockopt(fds[i], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        for (size_t off = 0; off < len;) { /* stops when searchd stops reading */
            ssize_t n = send(fds[i], batch + off, len - off, MSG_NOSIGNAL);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
    }
    /* Every one of them is closed by searchd, and its memory comes back. */
    double t0 = now_s();
    json_int_t open = -1;
    long peak = 0;
    while (now_s() - t0 < 20) {
        long r = rss_kb(ts.pid);
        peak = r > peak ? r : peak;
        json_t *st = stats(&ts);
        open = json_integer_value(json_object_get(json_object_get(st, "connections"), "open"));
        json_decref(st);
        if (open == 1) /* the STATS connection itself */
            break;
        usleep(100 * 1000);
    }
    ck_assert_msg(open == 1, "%lld connections still open", (long long)open);
    /* Bounded: each held at most 256 KiB + one answer (~50 KB here) beside
     * the kernel's buffers; before, each grew to 128 answers and stayed. */
    ck_assert_msg(peak - rss0 < 64 * 1024, "RSS grew from %ld to %ld kB", rss0, peak);
    for (int i = 0; i < CONNS; i++)
        close(fds[i]);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
}
END_TEST

/* ------------------------------------------------------------ descriptors */

/* ulimit -n 256 with 400 connections made accept() fail with EMFILE in a
 * loop: a core spinning and hundreds of MB of log.  The caps now stay below
 * the limit (line connections get a 503 line, HTTP ones wait in the
 * backlog), accept() pauses on EMFILE, and the log is rate-limited. */
START_TEST(test_descriptor_exhaustion)
{
    char log[4200];
    snprintf(log, sizeof log, "%s/fd.log", g_tmp);
    const char *extra[] = {"--log-file", log, "--threads", "2", NULL};
    struct rlimit old, low = {256, 256};
    sou_testserver ts;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0); /* inherited by searchd */
    start(&ts, g_db, extra);
    struct rlimit mine = {old.rlim_cur < 4096 ? old.rlim_cur : 4096, old.rlim_max};
    setrlimit(RLIMIT_NOFILE, &mine); /* raising back needs rlim_max kept */
    enum { N = 400 };
    int line[N], http[N];
    for (int i = 0; i < N; i++) {
        line[i] = sou_test_connect(ts.line_port);
        http[i] = sou_test_connect(ts.http_port);
    }
    double cpu0 = cpu_s(ts.pid);
    usleep(1500 * 1000);
    double cpu = cpu_s(ts.pid) - cpu0;
    ck_assert_msg(cpu < 0.5, "searchd used %.2f s of CPU in 1.5 s while out of descriptors", cpu);
    struct stat st;
    ck_assert_int_eq(stat(log, &st), 0);
    ck_assert_msg(st.st_size < 64 * 1024, "log grew to %lld bytes", (long long)st.st_size);
    /* Freeing descriptors makes room again: the server still answers. */
    for (int i = 0; i < N; i++) {
        if (line[i] >= 0)
            close(line[i]);
        if (http[i] >= 0)
            close(http[i]);
    }
    int status = 0;
    json_t *a = NULL;
    for (int tries = 0; tries < 50 && status != 200; tries++) {
        json_decref(a);
        a = sou_test_http_json(ts.http_port, "/health", &status);
        if (status != 200)
            usleep(100 * 1000);
    }
    ck_assert_int_eq(status, 200);
    json_decref(a);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
}
END_TEST

/* ------------------------------------------------------------ HTTP details */

START_TEST(test_http_strictness)
{
    sou_testserver ts;
    start(&ts, g_db, NULL);
    int status = 0;
    char *body = NULL;
    /* RFC 7230 5.4: HTTP/1.1 without Host is a 400. */
    int fd = sou_test_connect(ts.http_port);
    const char *req = "GET /health HTTP/1.1\r\n\r\n";
    ck_assert_int_eq(sou_test_send(fd, req, strlen(req)), 0);
    char buf[512] = "";
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    ck_assert_int_gt(n, 0);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 400", 12) == 0, "%s", buf);
    close(fd);
    /* %zz is as bad as a cut-off character. */
    ck_assert_int_eq(sou_test_http(ts.http_port, "GET", "/search?q=%zz", NULL, &status, NULL, &body), 0);
    ck_assert_int_eq(status, 400);
    ck_assert_ptr_nonnull(strstr(body, "invalid percent-encoding"));
    free(body);
    ck_assert_int_eq(sou_test_http(ts.http_port, "GET", "/search?q=%E5%8C", NULL, &status, NULL, &body), 0);
    ck_assert_int_eq(status, 400);
    free(body);
    ck_assert_int_eq(sou_test_http(ts.http_port, "GET", "/doc/%zz", NULL, &status, NULL, &body), 0);
    ck_assert_int_eq(status, 400);
    free(body);
    ck_assert_int_eq(sou_testserver_stop(&ts), 0);
}
END_TEST

static Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("clients");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_slowloris_line);
    tcase_add_test(tc, test_slowloris_http);
    tcase_add_test(tc, test_never_reading_clients);
    tcase_add_test(tc, test_descriptor_exhaustion);
    tcase_add_test(tc, test_http_strictness);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    g_tmp = sou_test_corpus_index("check-faults", g_db, sizeof g_db);
    if (!g_tmp)
        return 1;
    SRunner *sr = srunner_create(faults_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    sou_test_rmtree(g_tmp);
    free(g_tmp);
    return failed ? 1 : 0;
}
