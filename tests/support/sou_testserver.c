/* sou_testserver.c: see sou_testserver.h. */
#include "sou_testserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *sou_test_bin_dir(void)
{
    const char *d = getenv("SOU_BIN_DIR");
    return d && *d ? d : "build/bin";
}

const char *sou_test_source_dir(void)
{
    const char *d = getenv("SOU_SOURCE_DIR");
    return d && *d ? d : ".";
}

char *sou_test_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char *path = NULL;

    if (asprintf(&path, "%s/sou-%s-XXXXXX", base && *base ? base : "/tmp", tag) < 0)
        return NULL;
    if (!mkdtemp(path)) {
        free(path);
        return NULL;
    }
    return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

void sou_test_rmtree(const char *path)
{
    if (path && *path)
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read everything from fd into a new string. */
static char *slurp(int fd)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t n;

    if (!buf)
        return NULL;
    for (;;) {
        if (len + 1 >= cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b)
                break;
            buf = b;
        }
        n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

static int wait_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return -1;
}

int sou_test_run(const char *const argv[], char **out, char **err)
{
    int po[2] = {-1, -1}, pe[2] = {-1, -1}, st;
    pid_t pid;

    if (out)
        *out = NULL;
    if (err)
        *err = NULL;
    if ((out && pipe(po) < 0) || (err && pipe(pe) < 0))
        return -1;
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(null, 0);
        dup2(out ? po[1] : null, 1);
        dup2(err ? pe[1] : null, 2);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (out)
        close(po[1]);
    if (err)
        close(pe[1]);
    /* Read stdout and stderr together so neither pipe fills up. */
    if (out && err) {
        size_t cap[2] = {4096, 4096}, len[2] = {0, 0};
        char *buf[2] = {malloc(cap[0]), malloc(cap[1])};
        struct pollfd p[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
        int open_fds = 2;
        while (open_fds > 0 && poll(p, 2, -1) >= 0) {
            for (int i = 0; i < 2; i++) {
                if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                if (len[i] + 4097 > cap[i])
                    buf[i] = realloc(buf[i], cap[i] *= 2);
                ssize_t n = read(p[i].fd, buf[i] + len[i], cap[i] - len[i] - 1);
                if (n <= 0) {
                    close(p[i].fd);
                    p[i].fd = -1;
                    open_fds--;
                } else {
                    len[i] += (size_t)n;
                }
            }
        }
        buf[0][len[0]] = '\0';
        buf[1][len[1]] = '\0';
        *out = buf[0];
        *err = buf[1];
    } else if (out) {
        *out = slurp(po[0]);
        close(po[0]);
    } else if (err) {
        *err = slurp(pe[0]);
        close(pe[0]);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return wait_status(st);
}

pid_t sou_test_spawn(const char *const argv[], int *stdin_fd)
{
    int p[2] = {-1, -1};
    pid_t pid;

    if (stdin_fd && pipe2(p, O_CLOEXEC) < 0)
        return -1;
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        if (stdin_fd) {
            close(p[0]);
            close(p[1]);
        }
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(stdin_fd ? p[0] : null, 0);
        dup2(null, 1);
        dup2(null, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (stdin_fd) {
        close(p[0]);
        *stdin_fd = p[1];
    }
    return pid;
}

int sou_test_wait(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return wait_status(st);
}

int sou_test_write_articles(FILE *f, unsigned first, unsigned n, unsigned revision)
{
    static const char *const sentences[] = {
        "参保人员可以通过线上或线下渠道办理医保关系转移。", "劳动者的工资应当以货币形式按月支付给本人。",
        "用人单位拖欠工资的,劳动者可以向劳动监察部门投诉。", "居住证的申领需要提供身份证和居住证明材料。",
        "异地就医前应当先办理备案手续,再持卡结算。", "门诊费用的报销比例因地区和医院等级而不同。",
        "新闻联播报道了各地推进经济高质量发展的做法。", "社保卡激活后可以在定点药店和医院直接使用。",
        "退休人员的基本养老金每年根据物价水平调整。", "失业保险金的领取期限与缴费年限挂钩。",
        "城乡居民医保的缴费标准由各地医保部门公布。", "公积金贷款的额度与缴存余额和缴存时间有关。",
        "网上办理可以减少排队时间,节省办事成本。", "有关部门提醒市民注意防范电信网络诈骗。",
        "学校开学前要做好校园安全检查和防疫准备。", "气象台发布暴雨预警,提醒群众减少外出。",
    };
    enum { NS = sizeof sentences / sizeof sentences[0] };
    for (unsigned i = first; i < first + n; i++) {
        uint32_t x = i * 2654435761u + 12345u; /* a fixed sequence per article */
        char body[8192];
        size_t len = 0;
        unsigned count = 10 + i % 12; /* 10-21 sentences of 22-26 characters */
        len += (size_t)snprintf(body + len, sizeof body - len, "doc%u rev%u ", i, revision);
        for (unsigned k = 0; k < count; k++) {
            x = x * 1103515245u + 12345u;
            len += (size_t)snprintf(body + len, sizeof body - len, "%s", sentences[(x >> 16) % NS]);
        }
        x = x * 1103515245u + 12345u;
        if (fprintf(f,
                    "{\"id\":\"gen-%05u\",\"title\":\"第%u号 %s\",\"body\":\"%s\","
                    "\"date\":\"2025-%02u-%02u\"}\n",
                    i, i, sentences[(x >> 16) % NS], body, 1 + i % 12, 1 + i % 28) < 0)
            return -1;
    }
    return ferror(f) ? -1 : 0;
}

long sou_test_proc_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    long kb = -1;
    size_t fl = strlen(field);
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
            kb = strtol(line + fl + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

double sou_test_proc_cpu_s(pid_t pid)
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
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

int sou_test_index(const char *db, const char *const inputs[])
{
    const char *argv[64];
    char *indexer = NULL;
    int n = 0, rc;

    if (asprintf(&indexer, "%s/indexer", sou_test_bin_dir()) < 0)
        return -1;
    argv[n++] = indexer;
    argv[n++] = "--db";
    argv[n++] = db;
    for (int i = 0; inputs[i] && n < 62; i++)
        argv[n++] = inputs[i];
    argv[n] = NULL;
    rc = sou_test_run(argv, NULL, NULL);
    free(indexer);
    return rc;
}

char *sou_test_corpus_index(const char *tag, char *db, size_t cap)
{
    char *tmp = sou_test_tmpdir(tag);
    char *corpus = NULL;
    const char *inputs[] = {NULL, NULL};
    int n;

    if (!tmp || asprintf(&corpus, "%s/corpus", sou_test_source_dir()) < 0) {
        fprintf(stderr, "%s: cannot make a temporary directory\n", tag);
        goto fail;
    }
    n = snprintf(db, cap, "%s/corpus.db", tmp);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "%s: index path %s/corpus.db is too long\n", tag, tmp);
        goto fail;
    }
    inputs[0] = corpus;
    if (sou_test_index(db, inputs) != 0) {
        fprintf(stderr, "%s: %s/indexer --db %s %s failed\n", tag, sou_test_bin_dir(), db, corpus);
        goto fail;
    }
    free(corpus);
    return tmp;

fail:
    sou_test_rmtree(tmp);
    free(tmp);
    free(corpus);
    return NULL;
}

int sou_testserver_start(sou_testserver *ts, const char *db, const char *const extra_args[], char *errbuf,
                         size_t errlen)
{
    const char *argv[64];
    char *searchd = NULL;
    char line[256];
    size_t len = 0;
    int p[2], n = 0;
    double deadline = now() + 10;

    memset(ts, 0, sizeof *ts);
    if (asprintf(&searchd, "%s/searchd", sou_test_bin_dir()) < 0)
        return -1;
    argv[n++] = searchd;
    argv[n++] = "--db";
    argv[n++] = db;
    argv[n++] = "--http";
    argv[n++] = "127.0.0.1:0";
    argv[n++] = "--line";
    argv[n++] = "127.0.0.1:0";
    argv[n++] = "--log-level";
    argv[n++] = "warn";
    for (int i = 0; extra_args && extra_args[i] && n < 62; i++)
        argv[n++] = extra_args[i];
    argv[n] = NULL;
    if (pipe(p) < 0) {
        snprintf(errbuf, errlen, "pipe: %s", strerror(errno));
        free(searchd);
        return -1;
    }
    fflush(NULL);
    ts->pid = fork();
    if (ts->pid < 0) {
        snprintf(errbuf, errlen, "fork: %s", strerror(errno));
        ts->pid = 0;
        free(searchd);
        return -1;
    }
    if (ts->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    free(searchd);
    close(p[1]);
    /* Wait for "searchd: http 127.0.0.1:P line 127.0.0.1:Q\n". */
    while (len < sizeof line - 1 && !memchr(line, '\n', len)) {
        struct pollfd pf = {p[0], POLLIN, 0};
        int ms = (int)((deadline - now()) * 1000);
        ssize_t r;
        if (ms <= 0 || poll(&pf, 1, ms) <= 0) {
            snprintf(errbuf, errlen, "searchd did not report its ports within 10 s");
            goto fail;
        }
        r = read(p[0], line + len, sizeof line - 1 - len);
        if (r <= 0) {
            snprintf(errbuf, errlen, "searchd exited before listening (see its stderr above)");
            goto fail;
        }
        len += (size_t)r;
        line[len] = '\0';
    }
    close(p[0]);
    line[len] = '\0';
    if (sscanf(line, "searchd: http %63s line %63s", ts->http, ts->line) != 2) {
        snprintf(errbuf, errlen, "unexpected first line from searchd: %s", line);
        p[0] = -1;
        goto fail;
    }
    {
        const char *c = strrchr(ts->http, ':');
        ts->http_port = c ? atoi(c + 1) : 0;
        c = strrchr(ts->line, ':');
        ts->line_port = c ? atoi(c + 1) : 0;
    }
    return 0;
fail:
    if (p[0] >= 0)
        close(p[0]);
    sou_testserver_stop(ts);
    return -1;
}

int sou_testserver_signal(sou_testserver *ts, int sig)
{
    return ts->pid > 0 ? kill(ts->pid, sig) : -1;
}

int sou_testserver_stop(sou_testserver *ts)
{
    int st;
    double deadline;

    if (ts->pid <= 0)
        return -1;
    kill(ts->pid, SIGTERM);
    deadline = now() + 10;
    for (;;) {
        pid_t r = waitpid(ts->pid, &st, WNOHANG);
        if (r == ts->pid)
            break;
        if (r < 0 && errno != EINTR) {
            ts->pid = 0;
            return -1;
        }
        if (now() > deadline) {
            kill(ts->pid, SIGKILL);
            waitpid(ts->pid, &st, 0);
            break;
        }
        usleep(10 * 1000);
    }
    ts->pid = 0;
    return wait_status(st);
}

int sou_test_connect(int port)
{
    struct sockaddr_in a;
    struct timeval tv = {10, 0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int sou_test_send(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int sou_testconn_open(sou_testconn *c, int port)
{
    memset(c, 0, sizeof *c);
    c->fd = sou_test_connect(port);
    return c->fd < 0 ? -1 : 0;
}

void sou_testconn_close(sou_testconn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

int sou_testconn_send(sou_testconn *c, const char *text)
{
    return sou_test_send(c->fd, text, strlen(text));
}

char *sou_testconn_readline(sou_testconn *c)
{
    char *nl, *line;

    while (!(nl = c->len ? memchr(c->buf, '\n', c->len) : NULL)) {
        ssize_t n;
        if (c->len + 65536 > c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 131072;
            char *b = realloc(c->buf, cap);
            if (!b)
                return NULL;
            c->buf = b;
            c->cap = cap;
        }
        n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        c->len += (size_t)n;
    }
    line = strndup(c->buf, (size_t)(nl - c->buf));
    c->len -= (size_t)(nl - c->buf) + 1;
    memmove(c->buf, nl + 1, c->len);
    return line;
}

json_t *sou_testconn_readjson(sou_testconn *c)
{
    char *line = sou_testconn_readline(c);
    json_t *j = line ? json_loads(line, 0, NULL) : NULL;
    free(line);
    return j;
}

json_t *sou_testconn_call(sou_testconn *c, const char *request_line)
{
    /* One write: the line and its newline in two small segments would wait
     * for the server's delayed ACK of the first (Nagle), 40 ms a request. */
    size_t len = strlen(request_line);
    char *buf = malloc(len + 2);
    int rc;
    if (!buf)
        return NULL;
    memcpy(buf, request_line, len);
    buf[len] = '\n';
    buf[len + 1] = '\0';
    rc = sou_testconn_send(c, buf);
    free(buf);
    return rc < 0 ? NULL : sou_testconn_readjson(c);
}

int sou_test_http(int port, const char *method, const char *target, const char *extra_headers, int *status,
                  char **headers, char **body)
{
    int fd = sou_test_connect(port);
    char *req = NULL, *resp, *sep;

    *status = 0;
    if (headers)
        *headers = NULL;
    if (body)
        *body = NULL;
    if (fd < 0)
        return -1;
    if (asprintf(&req, "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s\r\n", method, target,
                 extra_headers ? extra_headers : "") < 0 ||
        sou_test_send(fd, req, strlen(req)) < 0) {
        free(req);
        close(fd);
        return -1;
    }
    free(req);
    resp = slurp(fd); /* HTTP/1.0: the server closes after the answer */
    close(fd);
    if (!resp)
        return -1;
    sscanf(resp, "HTTP/1.%*d %d", status);
    sep = strstr(resp, "\r\n\r\n");
    if (headers)
        *headers = sep ? strndup(resp, (size_t)(sep - resp)) : strdup(resp);
    if (body)
        *body = strdup(sep ? sep + 4 : "");
    free(resp);
    return 0;
}

json_t *sou_test_http_json(int port, const char *target, int *status)
{
    char *body = NULL;
    json_t *j = NULL;

    if (sou_test_http(port, "GET", target, NULL, status, NULL, &body) == 0 && body)
        j = json_loads(body, 0, NULL);
    free(body);
    return j;
}

char *sou_test_urlencode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = malloc(strlen(s) * 3 + 1), *o = out;

    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '_' || *p == '.' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

char *sou_test_read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f)
        return NULL;
    do {
        if (len + 4096 + 1 > cap) {
            char *grown;
            cap = (len + 4096 + 1) * 2;
            if (!(grown = realloc(buf, cap))) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        n = fread(buf + len, 1, 4096, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}
