/* server.c: see server.h.  Listeners, signals, shutdown, /stats and /metrics. */
#include "server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "hostport.h"
#include "log.h"
#include "server_private.h"

/* "HOST:PORT" (hostport.h; the host numeric, localhost or empty for
 * 127.0.0.1; port 0 = any free port, which evutil_parse_sockaddr_port
 * refuses) to a socket address. */
static int parse_address(const char *what, const char *text, struct sockaddr_storage *ss, int *len,
                         sou_error *err)
{
    char host[64];
    unsigned port;
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof *ss);
    if (sou_hostport_split(text, host, sizeof host, &port) < 0)
        goto bad;
    if (strcmp(host, "localhost") == 0 || host[0] == '\0')
        snprintf(host, sizeof host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        *len = (int)sizeof *in;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *len = (int)sizeof *in6;
        return 0;
    }
bad:
    sou_error_set(err, SOU_EBADREQUEST,
                  "--%s \"%.60s\": expected HOST:PORT with a numeric host, e.g. 127.0.0.1:8080 or [::1]:8080",
                  what, text);
    return -1;
}

/* The address a listener really got ("127.0.0.1:43211"); returns the port. */
static int bound_address(struct evconnlistener *lev, char *out, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;

    if (getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET) {
            struct sockaddr_in *in = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
            port = ntohs(in->sin_port);
            snprintf(out, size, "%s:%d", host, port);
            return port;
        }
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
            port = ntohs(in6->sin6_port);
            snprintf(out, size, "[%s]:%d", host, port);
            return port;
        }
    }
    snprintf(out, size, "?");
    return 0;
}

static struct evconnlistener *listen_on(sou_server *s, const char *what, const char *address,
                                        evconnlistener_cb cb, sou_error *err)
{
    struct sockaddr_storage ss;
    int len;
    struct evconnlistener *lev;

    if (parse_address(what, address, &ss, &len, err) < 0)
        return NULL;
    /* Backlog 1024: hundreds of clients connecting at once must not see SYN drops. */
    lev = evconnlistener_new_bind(s->base, cb, cb ? s : NULL,
                                  LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 1024,
                                  (struct sockaddr *)&ss, len);
    if (!lev) {
        sou_error_set(err, SOU_EINTERNAL, "--%s %.60s: cannot listen: %s", what, address, strerror(errno));
        return NULL;
    }
    /* Answers are small writes: without TCP_NODELAY, Nagle's algorithm and the
     * client's delayed ACK hold back the tail of an answer for ~40 ms (seen as
     * a 50 ms p99).  Linux copies the option to every accepted socket. */
    int one = 1;
    if (setsockopt(evconnlistener_get_fd(lev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
        SOU_WARN("--%s: cannot set TCP_NODELAY: %s", what, strerror(errno));
    return lev;
}

static void begin_shutdown(sou_server *s)
{
    if (s->stopping)
        return;
    s->stopping = 1;
    s->stop_deadline = sou_now() + s->cfg->shutdown_timeout;
    SOU_INFO("shutting down: finishing %zu request(s) in flight", sou_workers_pending(s->workers));
    if (s->line_listener) {
        evconnlistener_free(s->line_listener);
        s->line_listener = NULL;
    }
    if (s->http_bound) {
        evhttp_del_accept_socket(s->http, s->http_bound);
        s->http_bound = NULL;
        s->http_listener = NULL;
    }
    sou_line_stop(s);
    {
        struct timeval tick = {0, 20 * 1000};
        event_add(s->drain_timer, &tick);
    }
    sou_server_maybe_done(s);
}

void sou_server_maybe_done(sou_server *s)
{
    if (!s->stopping || !s->workers)
        return;
    if (s->conns_open == 0 && s->http_inflight == 0 && sou_workers_pending(s->workers) == 0) {
        /* A short grace so the last HTTP answers leave their buffers. */
        struct timeval grace = {0, 50 * 1000};
        event_base_loopexit(s->base, &grace);
    }
}

static void drain_tick(evutil_socket_t fd, short what, void *arg)
{
    sou_server *s = arg;

    if (sou_now() >= s->stop_deadline) {
        SOU_WARN("shutdown: gave up after %d s with %zu request(s) still running", s->cfg->shutdown_timeout,
                 sou_workers_pending(s->workers));
        s->timed_out = 1;
        event_base_loopbreak(s->base);
        return;
    }
    sou_server_maybe_done(s);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    sou_server *s = arg;

    if (sig == SIGHUP) {
        SOU_INFO("SIGHUP: reopening the index and the log");
        if (sou_log_open(s->cfg->log_file) < 0)
            SOU_ERROR("cannot reopen log file %s: %s", s->cfg->log_file, strerror(errno));
        if (sou_access_log_open(&s->access_log, s->cfg->access_log) < 0)
            SOU_ERROR("cannot reopen access log %s: %s", s->cfg->access_log, strerror(errno));
        sou_workers_reopen(s->workers);
        return;
    }
    SOU_INFO("%s received", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    begin_shutdown(s);
}

json_t *sou_server_stats(sou_server *s, const sou_job *info_job)
{
    const json_t *info = info_job && info_job->status == 200 ? info_job->answer : NULL;
    const char *index_error = info_job && info_job->status != 200 ? info_job->error.message : NULL;
    json_t *o = sou_stats_json(&s->stats, info, index_error, s->cfg->threads, sou_workers_queued(s->workers));

    if (o)
        json_object_set_new(o, "db", json_string(s->cfg->db));
    return o;
}

/* Keep the connection caps below the open-files limit (main.c raised it),
 * with room for the index files of every worker, the listeners and the log:
 * past the limit accept() fails with EMFILE, which used to spin a core. */
static void fit_fd_limit(sou_server *s)
{
    struct rlimit rl;
    long long line = s->cfg->max_connections, http = s->cfg->max_http_connections;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        goto done;
    /* A glass database is about 8 files; each worker opens its own. */
    long long reserve = 64 + 12LL * s->cfg->threads;
    long long avail = rl.rlim_cur == RLIM_INFINITY ? line + http : (long long)rl.rlim_cur - reserve;
    if (avail < 2)
        avail = 2;
    if (line + http > avail) {
        long long l = avail * line / (line + http);
        line = l < 1 ? 1 : l;
        http = avail - line < 1 ? 1 : avail - line;
        SOU_WARN("open-file limit %llu: at most %lld line and %lld HTTP connections (ulimit -n raises it)",
                 (unsigned long long)rl.rlim_cur, line, http);
    }
done:
    s->max_line_conns = (int)line;
    s->max_http_conns = (int)http;
}

void sou_server_accepting(sou_server *s)
{
    int resume = !s->stopping && !s->accept_paused;
    if (s->line_listener) {
        if (resume)
            evconnlistener_enable(s->line_listener);
        else
            evconnlistener_disable(s->line_listener);
    }
    if (s->http_listener) {
        if (resume && s->http_open < s->max_http_conns)
            evconnlistener_enable(s->http_listener);
        else
            evconnlistener_disable(s->http_listener);
    }
}

static void accept_retry_cb(evutil_socket_t fd, short what, void *arg)
{
    sou_server *s = arg;
    s->accept_paused = 0;
    sou_server_accepting(s);
}

/* accept() failed.  Out of descriptors (or memory), the pending connection
 * stays pending and the listener would fire again at once: stop accepting
 * for a moment instead (as nginx does), so closing connections can free
 * descriptors, and the log gets one line, not one per attempt. */
static void accept_error_cb(struct evconnlistener *lev, void *arg)
{
    sou_server *s = arg;
    int e = EVUTIL_SOCKET_ERROR();
    if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
        if (!s->accept_paused)
            SOU_WARN("accept(): %s: not accepting for 200 ms (%d line, %d HTTP connections open)",
                     strerror(e), s->conns_open, s->http_open);
        s->accept_paused = 1;
        sou_server_accepting(s);
        struct timeval pause = {0, 200 * 1000};
        event_add(s->accept_retry, &pause);
        return;
    }
    SOU_WARN("accept(): %s", strerror(e));
}

/* When the index last changed: the newest modification time of the index
 * path and, for a directory, of its entries (a commit writes new files), in
 * Unix seconds; 0 when it cannot be read. */
static double index_mtime(const char *path)
{
    struct stat sb;
    double newest = 0;
    DIR *dir;
    struct dirent *e;

    if (!path || stat(path, &sb) < 0)
        return 0;
    newest = (double)sb.st_mtim.tv_sec + (double)sb.st_mtim.tv_nsec / 1e9;
    if (!S_ISDIR(sb.st_mode) || !(dir = opendir(path)))
        return newest;
    while ((e = readdir(dir))) {
        struct stat fb;
        double t;
        if (e->d_name[0] == '.' || fstatat(dirfd(dir), e->d_name, &fb, 0) < 0)
            continue;
        t = (double)fb.st_mtim.tv_sec + (double)fb.st_mtim.tv_nsec / 1e9;
        if (t > newest)
            newest = t;
    }
    closedir(dir);
    return newest;
}

void sou_server_answered(sou_server *s, const sou_access_entry *e)
{
    sou_stats_record(&s->stats, e->kind, e->protocol == SOU_PROTO_HTTP, e->status, e->ms);
    sou_access_log_write(&s->access_log, e);
}

char *sou_server_metrics(sou_server *s, const sou_job *info_job, size_t *len)
{
    const json_t *info = info_job && info_job->status == 200 ? info_job->answer : NULL;

    return sou_stats_prometheus(&s->stats, info, index_mtime(s->cfg->db), s->cfg->threads,
                                sou_workers_queued(s->workers), len);
}

sou_server *sou_server_new(const sou_config *cfg, sou_error *err)
{
    static const int sigs[3] = {SIGTERM, SIGINT, SIGHUP};
    sou_server *s = NULL;
    struct evconnlistener *http_lev = NULL;

    if (!(s = calloc(1, sizeof *s))) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
        return NULL;
    }
    s->cfg = cfg;
    fit_fd_limit(s);
    sou_stats_init(&s->stats);
    sou_access_log_init(&s->access_log);
    if (sou_access_log_open(&s->access_log, cfg->access_log) < 0) {
        sou_error_set(err, SOU_EINTERNAL, "--access-log %.100s: cannot open: %s", cfg->access_log, strerror(errno));
        goto fail;
    }
    snprintf(s->http_addr, sizeof s->http_addr, "off");
    snprintf(s->line_addr, sizeof s->line_addr, "off");
    if (!(s->base = event_base_new())) {
        sou_error_set(err, SOU_EINTERNAL, "cannot create the event loop");
        goto fail;
    }
    sou_shard_options so;
    sou_shard_options_init(&so);
    so.timeout_ms = (unsigned)cfg->shard_timeout;
    so.connect_timeout_ms = (unsigned)cfg->shard_connect_timeout;
    so.retry_ms = (unsigned)cfg->shard_retry;
    so.refresh_ms = (unsigned)cfg->shard_refresh;
    if (!(s->workers = sou_workers_new(s->base, cfg->db, &so, cfg->threads, cfg->max_queue, err)))
        goto fail;
    if (!(s->accept_retry = evtimer_new(s->base, accept_retry_cb, s))) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
        goto fail;
    }
    if (cfg->http && *cfg->http && strcmp(cfg->http, "off") != 0) {
        if (!(http_lev = listen_on(s, "http", cfg->http, NULL, err)))
            goto fail;
        s->http_port = bound_address(http_lev, s->http_addr, sizeof s->http_addr);
        if (sou_http_start(s, http_lev, err) < 0) {
            if (!s->http_bound)
                evconnlistener_free(http_lev);
            goto fail;
        }
        s->http_listener = http_lev;
        evconnlistener_set_error_cb(http_lev, accept_error_cb);
    }
    if (cfg->line && *cfg->line && strcmp(cfg->line, "off") != 0) {
        if (!(s->line_listener = listen_on(s, "line", cfg->line, sou_line_accept_cb, err)))
            goto fail;
        s->line_port = bound_address(s->line_listener, s->line_addr, sizeof s->line_addr);
        evconnlistener_set_error_cb(s->line_listener, accept_error_cb);
    }
    for (int i = 0; i < 3; i++) {
        if (!(s->signals[i] = evsignal_new(s->base, sigs[i], on_signal, s)) || event_add(s->signals[i], NULL) < 0) {
            sou_error_set(err, SOU_EINTERNAL, "cannot handle signal %d", sigs[i]);
            goto fail;
        }
    }
    if (!(s->drain_timer = event_new(s->base, -1, EV_PERSIST, drain_tick, s))) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
        goto fail;
    }
    return s;
fail:
    sou_server_free(s);
    return NULL;
}

void sou_server_describe(const sou_server *s, char *buf, size_t size)
{
    snprintf(buf, size, "http %s line %s", s->http_addr, s->line_addr);
}

int sou_server_http_port(const sou_server *s)
{
    return s->http_port;
}

int sou_server_line_port(const sou_server *s)
{
    return s->line_port;
}

int sou_server_run(sou_server *s)
{
    event_base_dispatch(s->base);
    return s->timed_out ? 1 : 0;
}

void sou_server_free(sou_server *s)
{
    if (!s)
        return;
    /* Workers first: joining them runs the done callbacks of what was
     * still running, which reply on connections that still exist. */
    sou_workers_free(s->workers);
    s->workers = NULL;
    sou_line_close_all(s);
    if (s->line_listener)
        evconnlistener_free(s->line_listener);
    if (s->http)
        evhttp_free(s->http); /* frees its connections, and with them our http_conn */
    if (s->accept_retry)
        event_free(s->accept_retry);
    for (int i = 0; i < 3; i++)
        if (s->signals[i])
            event_free(s->signals[i]);
    if (s->drain_timer)
        event_free(s->drain_timer);
    if (s->base)
        event_base_free(s->base);
    sou_access_log_close(&s->access_log);
    free(s);
}
