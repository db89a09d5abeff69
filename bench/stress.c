/*
 * stress.c: sou-stress, the program behind bench/stress.  It starts searchd
 * on an index and attacks it the ways issue 8 catalogued, printing:
 *
 *   1. queries: the cost of every query of the catalogue (the hostile ones
 *      that cost 15 s and 260 MB before the query budget, and ordinary ones),
 *      median of 3 over the line protocol: searchd's took_ms, the wall time,
 *      and the peak RSS growth while it ran (VmHWM, reset before each through
 *      /proc/PID/clear_refs); then the largest of each;
 *   2. never-read: 20 line connections each pipelining 1,000 big searches
 *      and never reading (1.64 GB before max_output): RSS before, at its
 *      peak and after, and how long until searchd had closed them all;
 *   3. re-index: every article of the corpus indexed again into the served
 *      index (--batch 1000) while 4 clients search: answers, failures,
 *      slowest;
 *   4. connections: idle line and HTTP connections opened until searchd stops
 *      taking them (or --connections): how many it holds, its RSS and CPU
 *      with them, and a search's latency with and without them.
 *
 *   sou-stress --bin DIR --db INDEX --corpus FILE.jsonl[.gz] [--port P]
 *              [--connections N] [--only queries,never-read,reindex,connections]
 *
 * --port P: searchd's HTTP port (the line protocol gets P+1); default: free
 * ports the kernel picks.  Uses the tests' helpers (tests/support).
 */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "sou_testload.h"
#include "sou_testserver.h"

static const char *g_db, *g_corpus;
static int g_port;
static char g_bin[4096];

/* The most frequent characters of Chinese text, for the catalogue's attacks. */
static const char COMMON[] =
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种"
    "事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第"
    "公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合"
    "回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总"
    "何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听"
    "白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带"
    "导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连"
    "调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史"
    "委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半"
    "节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群"
    "项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独"
    "球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳"
    "欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮"
    "挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛"
    "托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾";

/* The first n characters of COMMON (3 bytes each), each wrapped as pre c post
 * and joined by spaces, after head; the query text (malloc'ed). */
static char *chars_query(const char *head, size_t n, size_t width, const char *pre, const char *post)
{
    size_t chars = (sizeof COMMON - 1) / 3;
    char *q = malloc(strlen(head) + n * (width * 3 * 4 + 16) + 8);
    size_t len = (size_t)sprintf(q, "%s", head);
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(q + len, "%s%s%.*s%s", len ? " " : "", pre, (int)(width * 3),
                               COMMON + (i * width % chars) * 3, post);
    return q;
}

typedef struct {
    const char *name;
    char *q;          /* owned */
    const char *opts; /* more options, JSON members, or "" */
} query;

static size_t catalogue(query *c)
{
    size_t n = 0, chars = (sizeof COMMON - 1) / 3;
    char *thousand = malloc(1000 * 3 + 1); /* the longest question there may be */
    for (size_t i = 0; i < 1000; i++)
        memcpy(thousand + 3 * i, COMMON + 3 * (i % chars), 3);
    thousand[3000] = '\0';
    c[n++] = (query){"中国 and 330 single-character exclusions", chars_query("中国", 330, 1, "-", ""), ""};
    c[n++] = (query){"中国 and 50 single-character exclusions", chars_query("中国", 50, 1, "-", ""), ""};
    c[n++] = (query){"中国 and 10 single-character exclusions", chars_query("中国", 10, 1, "-", ""), ""};
    c[n++] = (query){"500 single characters, spaced", chars_query("", 500, 1, "", ""), ""};
    c[n++] = (query){"10 single characters, spaced", chars_query("", 10, 1, "", ""), ""};
    c[n++] = (query){"250 quoted single characters", chars_query("", 250, 1, "\"", "\""), ""};
    c[n++] = (query){"32 quoted bigrams", chars_query("", 32, 2, "\"", "\""), ""};
    c[n++] = (query){"32 bigram exclusions", chars_query("中国", 32, 2, "-", ""), ""};
    c[n++] = (query){"的", strdup("的"), ""};
    c[n++] = (query){"的, offset 10000, limit 100", strdup("的"), ",\"offset\":10000,\"limit\":100"};
    c[n++] = (query){"的, sort date, offset 10000, limit 100", strdup("的"),
                     ",\"offset\":10000,\"limit\":100,\"sort\":\"date\""};
    c[n++] = (query){"人, limit 100, 10 passages of 1000", strdup("人"),
                     ",\"limit\":100,\"passages\":10,\"passage_chars\":1000"};
    c[n++] = (query){"\"医 保\"", strdup("\"医 保\""), ""};
    c[n++] = (query){"「怪、力、乱、神。」", strdup("「怪、力、乱、神。」"), ""};
    c[n++] = (query){"a 1000-character question", thousand, ""};
    c[n++] = (query){"-的 (an exclusion in most articles)", strdup("中国 -的"), ""};
    c[n++] = (query){"中国经济发展, limit 100", strdup("中国经济发展"), ",\"limit\":100"};
    c[n++] = (query){"医保", strdup("医保"), ""};
    c[n++] = (query){"天津看牙能用医保报销吗", strdup("天津看牙能用医保报销吗"), ""};
    c[n++] = (query){"老板拖欠工资不发怎么办", strdup("老板拖欠工资不发怎么办"), ""};
    return n;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Reset VmHWM to the current RSS (Linux 4.0+); 0 or -1. */
static int reset_peak(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/clear_refs", (int)pid);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void start_searchd(sou_testserver *ts, const char *const *more)
{
    char err[256], http[32], line[32];
    const char *args[24];
    size_t n = 0;
    snprintf(http, sizeof http, "127.0.0.1:%d", g_port);
    snprintf(line, sizeof line, "127.0.0.1:%d", g_port ? g_port + 1 : 0);
    args[n++] = "--http";
    args[n++] = http;
    args[n++] = "--line";
    args[n++] = line;
    args[n++] = "--log-level";
    args[n++] = "error";
    for (size_t i = 0; more && more[i] && n < 22; i++)
        args[n++] = more[i];
    args[n] = NULL;
    if (sou_testserver_start(ts, g_db, args, err, sizeof err) < 0) {
        fprintf(stderr, "sou-stress: searchd: %s\n", err);
        exit(1);
    }
}

/* ------------------------------------------------------------ 1. queries */

static void run_queries(void)
{
    query cat[32];
    size_t n = catalogue(cat);
    sou_testserver ts;
    const char *threads[] = {"--threads", "2", NULL};
    start_searchd(&ts, threads);
    sou_testconn c;
    if (sou_testconn_open(&c, ts.line_port) < 0) {
        fprintf(stderr, "sou-stress: cannot connect to searchd\n");
        exit(1);
    }
    json_decref(sou_testconn_call(&c, "SEARCH 医保")); /* warm the caches */
    double worst_took = 0, worst_wall = 0;
    long worst_rss = 0;
    const char *worst_took_q = "", *worst_rss_q = "";
    printf("1. queries (median of 3; RSS: peak growth while it ran)\n");
    printf("   %-16s %9s %9s %7s  %s\n", "answer", "took ms", "wall ms", "RSS MB", "query");
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s}", "q", cat[i].q);
        char *qj = json_dumps(o, JSON_COMPACT), *line = NULL;
        json_decref(o);
        qj[strlen(qj) - 1] = '\0'; /* reopen the object for the extra options */
        if (asprintf(&line, "SEARCH %s%s}", qj, cat[i].opts) < 0)
            exit(1);
        double took[3], wall[3];
        long rss = 0;
        char answer[64] = "";
        for (int r = 0; r < 3; r++) {
            long before = sou_test_proc_kb(ts.pid, "VmRSS");
            reset_peak(ts.pid);
            double t0 = now_ms();
            json_t *a = sou_testconn_call(&c, line);
            wall[r] = now_ms() - t0;
            long peak = sou_test_proc_kb(ts.pid, "VmHWM") - before;
            rss = peak > rss ? peak : rss;
            const json_t *e = json_object_get(a, "error");
            took[r] = e ? NAN : json_number_value(json_object_get(a, "took_ms"));
            if (!a)
                snprintf(answer, sizeof answer, "no answer");
            else if (e)
                snprintf(answer, sizeof answer, "%lld %s", (long long)json_integer_value(json_object_get(e, "code")),
                         json_string_value(json_object_get(e, "reason")));
            else
                snprintf(answer, sizeof answer, "200 %lld hits", (long long)json_integer_value(json_object_get(a, "total")));
            json_decref(a);
        }
        qsort(took, 3, sizeof *took, cmp_double);
        qsort(wall, 3, sizeof *wall, cmp_double);
        printf("   %-16s %9.1f %9.1f %7.1f  %s\n", answer, took[1], wall[1], rss / 1024.0, cat[i].name);
        if (wall[1] > worst_wall) {
            worst_wall = wall[1];
            worst_took = isnan(took[1]) ? 0 : took[1];
            worst_took_q = cat[i].name;
        }
        if (rss > worst_rss) {
            worst_rss = rss;
            worst_rss_q = cat[i].name;
        }
        free(line);
        free(qj);
    }
    printf("   largest query cost: %.1f ms wall (%.1f ms in searchd): %s; most memory: %.1f MB: %s\n\n", worst_wall,
           worst_took, worst_took_q, worst_rss / 1024.0, worst_rss_q);
    sou_testconn_close(&c);
    sou_testserver_stop(&ts);
    for (size_t i = 0; i < n; i++)
        free(cat[i].q);
}

/* ------------------------------------------------------------ 2. never read */

static void run_never_read(void)
{
    enum { CONNS = 20, REQUESTS = 1000 };
    sou_testserver ts;
    start_searchd(&ts, NULL);
    sou_testconn c;
    sou_testconn_open(&c, ts.line_port);
    json_decref(sou_testconn_call(&c, "SEARCH 中国经济发展"));
    long rss0 = sou_test_proc_kb(ts.pid, "VmRSS");
    static char batch[REQUESTS * 110];
    size_t len = 0;
    for (int i = 0; i < REQUESTS; i++)
        len += (size_t)snprintf(batch + len, sizeof batch - len,
                                "SEARCH {\"q\":\"中国经济发展\",\"limit\":100,\"passages\":10,\"passage_chars\":1000}\n");
    int fds[CONNS];
    double t0 = now_ms();
    for (int i = 0; i < CONNS; i++) {
        int small = 4096;
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)ts.line_port)};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        struct timeval tv = {2, 0};
        setsockopt(fds[i], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fds[i], (struct sockaddr *)&sa, sizeof sa) < 0)
            continue;
        for (size_t off = 0; off < len;) {
            ssize_t k = send(fds[i], batch + off, len - off, MSG_NOSIGNAL);
            if (k <= 0)
                break;
            off += (size_t)k;
        }
    }
    long peak = rss0;
    double closed_at = -1;
    while (now_ms() - t0 < 60000) {
        long r = sou_test_proc_kb(ts.pid, "VmRSS");
        peak = r > peak ? r : peak;
        json_t *st = sou_testconn_call(&c, "STATS");
        json_int_t open = json_integer_value(json_object_get(json_object_get(st, "connections"), "open"));
        json_decref(st);
        if (open <= 1) {
            closed_at = now_ms() - t0;
            break;
        }
        usleep(100 * 1000);
    }
    printf("2. never-read: %d connections x %d pipelined searches of limit 100, 10 passages of 1000 characters\n",
           CONNS, REQUESTS);
    printf("   RSS %.1f MB before, %.1f MB at the peak, %.1f MB after; all closed by searchd after %.1f s%s\n\n",
           rss0 / 1024.0, peak / 1024.0, sou_test_proc_kb(ts.pid, "VmRSS") / 1024.0, closed_at / 1000,
           closed_at < 0 ? " (NOT all closed within 60 s)" : "");
    for (int i = 0; i < CONNS; i++)
        close(fds[i]);
    sou_testconn_close(&c);
    sou_testserver_stop(&ts);
}

/* ------------------------------------------------------------ 3. re-index */

static void run_reindex(void)
{
    const char *queries[] = {"天津看牙能用医保报销吗", "老板拖欠工资不发怎么办", "中国经济发展", "医保", "新闻联播"};
    sou_testserver ts;
    start_searchd(&ts, NULL);
    sou_testload *load = sou_testload_start(ts.line_port, ts.http_port, 4, queries, 5, "{\"limit\":10}");
    if (!load)
        exit(1);
    sou_testload_counts before, after;
    usleep(500 * 1000);
    sou_testload_read(load, &before);
    char indexer[4200];
    snprintf(indexer, sizeof indexer, "%s/indexer", g_bin);
    const char *argv[] = {indexer, "--db", g_db, "--quiet", "--batch", "1000", g_corpus, NULL};
    double t0 = now_ms();
    int status = sou_test_wait(sou_test_spawn(argv, NULL));
    double took = (now_ms() - t0) / 1000;
    sou_testload_stop(load, &after);
    printf("3. re-index: every article of %s indexed again into the served index (--batch 1000, %.1f s, exit %d)\n",
           g_corpus, took, status);
    printf("   while 4 clients searched: %lu answers, %lu failed%s%s, slowest %.0f ms (%.0f ms in searchd)\n\n",
           after.answers - before.answers, after.failures, after.failures ? ": " : "", after.first_failure,
           after.max_ms, after.max_took_ms);
    sou_testserver_stop(&ts);
}

/* ------------------------------------------------------------ 4. connections */

static long metric(int port, const char *name)
{
    int status = 0;
    char *body = NULL;
    long v = -1;
    if (sou_test_http(port, "GET", "/metrics", NULL, &status, NULL, &body) == 0 && body) {
        const char *p = strstr(body, name);
        if (p)
            v = strtol(p + strlen(name), NULL, 10);
    }
    free(body);
    return v;
}

static double median_search(sou_testconn *c)
{
    double v[21];
    for (int i = 0; i < 21; i++) {
        double t0 = now_ms();
        json_decref(sou_testconn_call(c, "SEARCH 天津看牙能用医保报销吗"));
        v[i] = now_ms() - t0;
    }
    qsort(v, 21, sizeof *v, cmp_double);
    return v[10];
}

static void run_connections(long want)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if ((long)rl.rlim_cur - 100 < want)
        want = (long)rl.rlim_cur - 100;
    sou_testserver ts;
    start_searchd(&ts, NULL);
    sou_testconn c;
    sou_testconn_open(&c, ts.line_port);
    median_search(&c);
    double before = median_search(&c);
    long rss0 = sou_test_proc_kb(ts.pid, "VmRSS");
    int *fds = calloc((size_t)want, sizeof *fds);
    long opened = 0;
    for (long i = 0; i < want; i++) {
        fds[i] = sou_test_connect(i % 2 ? ts.http_port : ts.line_port);
        if (fds[i] < 0)
            break;
        opened++;
    }
    usleep(2000 * 1000); /* let searchd accept what it will */
    long line = metric(ts.http_port, "sou_connections_open{protocol=\"line\"} ");
    long http = metric(ts.http_port, "sou_connections_open{protocol=\"http\"} ");
    double cpu0 = sou_test_proc_cpu_s(ts.pid);
    usleep(2000 * 1000);
    double idle_cpu = sou_test_proc_cpu_s(ts.pid) - cpu0;
    double with = median_search(&c);
    printf("4. connections: %ld opened (half line, half HTTP; ulimit -n %llu)\n", opened,
           (unsigned long long)rl.rlim_cur);
    printf("   held open by searchd: %ld line + %ld HTTP (one of each is this program's own); RSS %.1f -> %.1f MB; "
           "%.2f s of CPU in 2 s idle; a search %.2f ms with them, %.2f ms without (medians of 21)\n",
           line, http, rss0 / 1024.0, sou_test_proc_kb(ts.pid, "VmRSS") / 1024.0, idle_cpu, with, before);
    for (long i = 0; i < opened; i++)
        close(fds[i]);
    free(fds);
    sou_testconn_close(&c);
    sou_testserver_stop(&ts);
}

int main(int argc, char **argv)
{
    const char *only = "queries,never-read,reindex,connections";
    long connections = 16000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--bin"))
            snprintf(g_bin, sizeof g_bin, "%s", argv[i + 1]);
        else if (!strcmp(argv[i], "--db"))
            g_db = argv[i + 1];
        else if (!strcmp(argv[i], "--corpus"))
            g_corpus = argv[i + 1];
        else if (!strcmp(argv[i], "--port"))
            g_port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--connections"))
            connections = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--only"))
            only = argv[i + 1];
        else {
            fprintf(stderr, "sou-stress: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!g_bin[0] || !g_db || !g_corpus) {
        fprintf(stderr, "usage: sou-stress --bin DIR --db INDEX --corpus FILE [--port P] [--connections N] "
                        "[--only queries,never-read,reindex,connections]\n");
        return 2;
    }
    setenv("SOU_BIN_DIR", g_bin, 1); /* where the test helpers find searchd */
    signal(SIGPIPE, SIG_IGN);
    if (strstr(only, "queries"))
        run_queries();
    if (strstr(only, "never-read"))
        run_never_read();
    if (strstr(only, "reindex"))
        run_reindex();
    if (strstr(only, "connections"))
        run_connections(connections);
    return 0;
}
