/*
 * line.c: the line protocol (documented in the README, "searchd: HTTP and
 * the line protocol").
 *
 * One request per line (LF or CRLF), at most cfg->max_line bytes; one JSON
 * line per request, in request order.  Each connection keeps a FIFO of its
 * requests; a request is answered either at once (PING, QUIT, errors) or by
 * a worker, and answers are written from the head of the FIFO as soon as
 * the head is done, so pipelined requests answered by different workers
 * still come back in order.
 *
 * Memory per connection is bounded three ways: the read high watermark
 * (max_line + 2) stops reading once a line that long has no newline; at
 * most max_pipeline unanswered requests (then reading pauses and TCP pushes
 * back); reading pauses while more than OUTPUT_PAUSE bytes of answers wait
 * for a client that does not read, and a client with more than max_output
 * bytes waiting when another answer is ready is closed (the answers already
 * asked for still come back from the workers: pausing alone let 128 of them
 * pile up, 80 MB a connection).
 *
 * A request line must arrive whole within request_timeout of its first
 * byte (the idle timer restarts at every byte, so one byte a second held a
 * connection forever): past it the client gets a 408 line and is closed.
 *
 * An over-long line is answered with a 413 error and then skipped up to its
 * newline, after which the connection goes on: every line still gets
 * exactly one answer, so a pipelining client stays in step.
 *
 * When a connection goes away with requests in flight, those requests are
 * detached (conn = NULL) and freed when their job comes back.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "json_line.h"
#include "log.h"
#include "server_private.h"
#include "utf8.h"

#define OUTPUT_PAUSE (1u << 20)

typedef struct line_req line_req;
struct line_req {
    sou_server *srv;
    line_conn *conn; /* NULL once the connection is gone */
    sou_req_kind kind;
    enum { INFO_NONE, INFO_STATS, INFO_FIELDS } info; /* what to answer from an info job */
    int done;
    int close_after; /* QUIT */
    int status;
    double t0;
    char *request; /* owned; the request line for the access log (only when it is on) */
    size_t request_len;
    sou_job *job; /* borrowed while a worker has it, else NULL */
    char *reply; /* owned; one JSON text without the newline */
    size_t len;
    line_req *next;
};

struct line_conn {
    sou_server *srv;
    struct bufferevent *bev;
    struct event *deadline; /* request_timeout after the first byte of a line */
    double line_started;    /* sou_now() of that byte; 0 between lines */
    line_req *head, *tail; /* unanswered requests, oldest first */
    int pending;
    int discarding; /* skipping the rest of an over-long line */
    int closing;    /* no more requests: close once everything is written */
    int eof;        /* the client has shut down its side */
    unsigned long long lineno;
    char peer[64]; /* "127.0.0.1:50312", for the access log */
    line_conn *prev, *next;
};

/* ---------------------------------------------------------------- parsing */

/* Bytes of s[0..len) to quote in a message: at most max, cut at a character boundary. */
static int quote_len(const char *s, size_t len, size_t max)
{
    size_t n = len < max ? len : max;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static json_t *parse_json_object(const char *what, const char *arg, size_t len, sou_error *err)
{
    json_error_t jerr;
    json_t *o = json_loadb(arg, len, JSON_REJECT_DUPLICATES, &jerr);

    if (!o) {
        sou_error_fail(err, SOU_R_BAD_JSON, "%s: malformed JSON at character %d: %s", what, jerr.position,
                      jerr.text);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        sou_error_fail(err, SOU_R_BAD_JSON, "%s: the JSON options must be an object", what);
        return NULL;
    }
    return o;
}

/* <command> <text> | <command> {json options}: the text is option "q". */
static int parse_text_or_options(const char *what, const char *arg, size_t len, sou_line_request *req,
                                 sou_error *err)
{
    if (arg[0] == '{')
        req->options = parse_json_object(what, arg, len, err);
    else
        req->options = json_pack("{s:s%}", "q", arg, len);
    if (!req->options && err->code == SOU_OK)
        sou_error_set(err, SOU_EINTERNAL, "%s: out of memory", what);
    return req->options ? 0 : -1;
}

/* SEARCH <query text> | SEARCH {json options} */
static int parse_search(const char *arg, size_t len, sou_line_request *req, sou_error *err)
{
    return parse_text_or_options("SEARCH", arg, len, req, err);
}

/* SUGGEST <prefix> | SUGGEST {"q": "...", "limit": N} */
static int parse_suggest(const char *arg, size_t len, sou_line_request *req, sou_error *err)
{
    return parse_text_or_options("SUGGEST", arg, len, req, err);
}

/* GET <id> | GET {"id": "...", "q": "..."} */
static int parse_get(const char *arg, size_t len, sou_line_request *req, sou_error *err)
{
    const char *key;
    json_t *value;

    if (arg[0] != '{') {
        req->options = json_pack("{s:s%}", "id", arg, len);
        if (!req->options)
            sou_error_set(err, SOU_EINTERNAL, "GET: out of memory");
        return req->options ? 0 : -1;
    }
    if (!(req->options = parse_json_object("GET", arg, len, err)))
        return -1;
    json_object_foreach(req->options, key, value) {
        if (strcmp(key, "id") != 0 && strcmp(key, "q") != 0) {
            sou_error_fail(err, SOU_R_UNKNOWN_OPTION, "GET: unknown option \"%.40s\" (options: id, q)", key);
            goto fail;
        }
        if (!json_is_string(value)) {
            sou_error_set(err, SOU_EBADREQUEST, "GET: option \"%s\" must be a string", key);
            goto fail;
        }
    }
    if (!json_object_get(req->options, "id")) {
        sou_error_set(err, SOU_EBADREQUEST, "GET: option \"id\" is required");
        goto fail;
    }
    return 0;
fail:
    json_decref(req->options);
    req->options = NULL;
    return -1;
}

enum { ARG_NONE, ARG_REQUIRED };

/* The command table: every command, its argument rule and its parser.
 * sou_line_parse checks names and arity here, in one place. */
static const struct {
    const char *name;
    sou_line_cmd cmd;
    int arity;
    int (*parse)(const char *arg, size_t len, sou_line_request *req, sou_error *err);
    const char *usage;
} commands[] = {
    {"SEARCH", SOU_CMD_SEARCH, ARG_REQUIRED, parse_search, "SEARCH <query> | SEARCH {json options}"},
    {"GET", SOU_CMD_GET, ARG_REQUIRED, parse_get, "GET <id> | GET {\"id\":..,\"q\":..}"},
    {"SUGGEST", SOU_CMD_SUGGEST, ARG_REQUIRED, parse_suggest, "SUGGEST <prefix> | SUGGEST {\"q\":..,\"limit\":..}"},
    {"PING", SOU_CMD_PING, ARG_NONE, NULL, "PING"},
    {"STATS", SOU_CMD_STATS, ARG_NONE, NULL, "STATS"},
    {"FIELDS", SOU_CMD_FIELDS, ARG_NONE, NULL, "FIELDS"},
    {"QUIT", SOU_CMD_QUIT, ARG_NONE, NULL, "QUIT"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

int sou_line_parse(const char *line, size_t len, sou_line_request *req, sou_error *err)
{
    size_t valid, name_len, start, end;
    const char *arg;

    req->cmd = SOU_CMD_PING;
    req->options = NULL;
    err->code = SOU_OK;
    err->message[0] = '\0';
    if (memchr(line, '\0', len))
        return sou_error_set(err, SOU_EBADREQUEST, "request contains a NUL byte at byte %zu",
                             (size_t)((const char *)memchr(line, '\0', len) - line)),
               -1;
    if ((valid = sou_utf8_valid_prefix(line, len)) != len)
        return sou_error_fail(err, SOU_R_BAD_UTF8, "request is not valid UTF-8 (at byte %zu)", valid), -1;
    for (start = 0; start < len && is_blank(line[start]); start++)
        ;
    for (end = len; end > start && is_blank(line[end - 1]); end--)
        ;
    if (start == end)
        return sou_error_set(err, SOU_EBADREQUEST, "empty request (commands: SEARCH, GET, SUGGEST, PING, STATS, FIELDS, QUIT)"),
               -1;
    for (name_len = 0; start + name_len < end && !is_blank(line[start + name_len]); name_len++)
        ;
    arg = line + start + name_len;
    while (arg < line + end && is_blank(*arg))
        arg++;
    for (size_t i = 0; i < N_COMMANDS; i++) {
        size_t arg_len = (size_t)(line + end - arg);
        if (strlen(commands[i].name) != name_len || strncasecmp(commands[i].name, line + start, name_len) != 0)
            continue;
        if (commands[i].arity == ARG_NONE && arg_len > 0)
            return sou_error_set(err, SOU_EBADREQUEST, "%s takes no argument (usage: %s)", commands[i].name,
                                 commands[i].usage),
                   -1;
        if (commands[i].arity == ARG_REQUIRED && arg_len == 0)
            return sou_error_set(err, SOU_EBADREQUEST, "%s needs an argument (usage: %s)", commands[i].name,
                                 commands[i].usage),
                   -1;
        req->cmd = commands[i].cmd;
        return commands[i].parse ? commands[i].parse(arg, arg_len, req, err) : 0;
    }
    return sou_error_fail(err, SOU_R_UNKNOWN_COMMAND,
                          "unknown command \"%.*s\" (commands: SEARCH, GET, SUGGEST, PING, STATS, FIELDS, QUIT)",
                          quote_len(line + start, name_len, 40), line + start),
           -1;
}

/* ------------------------------------------------------------ connections */

static void conn_pump(line_conn *c);

static void req_free(line_req *r)
{
    free(r->reply);
    free(r->request);
    free(r);
}

/* Count r's answer (r->status, r->len) and write its access-log line. */
static void req_answered(line_req *r)
{
    sou_access_entry e = {SOU_PROTO_LINE, r->conn ? r->conn->peer : NULL, r->kind, r->status,
                          (sou_now() - r->t0) * 1000.0, r->len, r->request, r->request_len};
    sou_server_answered(r->srv, &e);
}

/* Answer r with a fixed JSON text (copied). */
static void req_answer(line_req *r, int status, const char *text, size_t len)
{
    r->reply = malloc(len + 1);
    if (r->reply) {
        memcpy(r->reply, text, len);
        r->reply[len] = '\0';
        r->len = len;
    }
    r->status = status;
    r->done = 1;
    req_answered(r);
}

static void req_answer_error(line_req *r, const sou_error *err)
{
    json_t *e = sou_error_json(err);
    size_t len = 0;
    char *text = e ? sou_json_line(e, &len) : NULL;

    if (text)
        req_answer(r, sou_error_http_status(err->code), text, len);
    else {
        static const char oom[] = "{\"error\":{\"code\":500,\"reason\":\"internal\",\"message\":\"out of memory\"}}";
        req_answer(r, 500, oom, sizeof oom - 1);
    }
    free(text);
    json_decref(e);
}

static void line_job_done(sou_job *job)
{
    line_req *r = job->arg;
    sou_server *s = r->srv;

    r->job = NULL;
    if (!r->conn) {
        /* The client left before the answer: nothing to send or count. */
        sou_job_free(job);
        req_free(r);
        sou_server_maybe_done(s);
        return;
    }
    if (r->info == INFO_FIELDS && job->status == 200) {
        size_t len = 0;
        const json_t *fields = json_object_get(job->answer, "fields");
        char *text = fields ? sou_json_line(fields, &len) : NULL;
        if (text) {
            req_answer(r, 200, text, len);
            free(text);
        } else {
            sou_error e;
            sou_error_set(&e, SOU_EINTERNAL, "out of memory building FIELDS");
            req_answer_error(r, &e);
        }
    } else if (r->info == INFO_STATS) {
        json_t *st = sou_server_stats(s, job);
        size_t len = 0;
        char *text = st ? sou_json_line(st, &len) : NULL;
        if (text) {
            req_answer(r, 200, text, len);
            free(text);
        } else {
            sou_error e;
            sou_error_set(&e, SOU_EINTERNAL, "out of memory building STATS");
            req_answer_error(r, &e);
        }
        json_decref(st);
    } else {
        r->reply = job->body;
        r->len = job->body_len;
        job->body = NULL;
        r->status = job->status;
        r->done = 1;
        req_answered(r);
    }
    sou_job_free(job);
    conn_pump(r->conn);
    sou_server_maybe_done(s);
}

static void conn_free(line_conn *c)
{
    sou_server *s = c->srv;
    line_req *r = c->head;

    while (r) {
        line_req *next = r->next;
        if (r->done)
            req_free(r);
        else {
            r->conn = NULL; /* its job is still out: line_job_done frees it */
            if (r->job)
                sou_job_cancel(r->job);
        }
        r = next;
    }
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    s->conns_open--;
    s->stats.connections_open = s->conns_open;
    if (c->deadline)
        event_free(c->deadline);
    bufferevent_free(c->bev);
    free(c);
    sou_server_maybe_done(s);
}

/* Handle one complete request line. */
static void conn_request(line_conn *c, const char *line, size_t len)
{
    sou_server *s = c->srv;
    line_req *r = calloc(1, sizeof *r);
    sou_line_request lr;
    sou_error err;
    sou_job *job = NULL;

    c->lineno++;
    if (!r) {
        SOU_ERROR("out of memory: dropping a line connection");
        c->closing = 1;
        return;
    }
    r->srv = s;
    r->conn = c;
    r->kind = SOU_REQ_OTHER;
    r->t0 = sou_now();
    if (s->access_log.fd >= 0 && line) { /* an over-long line comes without its text */
        r->request_len = len < SOU_ACCESS_LOG_REQUEST_MAX ? len : SOU_ACCESS_LOG_REQUEST_MAX;
        if ((r->request = malloc(r->request_len + 1)) != NULL)
            memcpy(r->request, line, r->request_len);
        else
            r->request_len = 0;
    }
    if (c->tail)
        c->tail->next = r;
    else
        c->head = r;
    c->tail = r;
    c->pending++;

    if (len > s->cfg->max_line) {
        sou_error_set(&err, SOU_ETOOLARGE, "request line %llu is longer than %zu bytes", c->lineno,
                      s->cfg->max_line);
        req_answer_error(r, &err);
        return;
    }
    if (sou_line_parse(line, len, &lr, &err) < 0) {
        req_answer_error(r, &err);
        return;
    }
    switch (lr.cmd) {
    case SOU_CMD_PING:
        req_answer(r, 200, "{\"pong\":true}", 13);
        return;
    case SOU_CMD_QUIT:
        req_answer(r, 200, "{\"bye\":true}", 12);
        r->close_after = 1;
        c->closing = 1;
        return;
    case SOU_CMD_SEARCH:
        r->kind = SOU_REQ_SEARCH;
        job = sou_job_new(SOU_JOB_SEARCH, lr.options, line_job_done, r);
        break;
    case SOU_CMD_GET:
        r->kind = SOU_REQ_GET;
        job = sou_job_new(SOU_JOB_GET, lr.options, line_job_done, r);
        break;
    case SOU_CMD_SUGGEST:
        job = sou_job_new(SOU_JOB_SUGGEST, lr.options, line_job_done, r);
        break;
    case SOU_CMD_STATS:
    case SOU_CMD_FIELDS:
        r->info = lr.cmd == SOU_CMD_STATS ? INFO_STATS : INFO_FIELDS;
        job = sou_job_new(SOU_JOB_INFO, NULL, line_job_done, r);
        break;
    }
    if (!job) {
        sou_error_set(&err, SOU_EINTERNAL, "out of memory");
        req_answer_error(r, &err);
        return;
    }
    job->submitted = r->t0;
    r->job = job;
    sou_workers_submit(s->workers, job);
}

/* Take the next request line out of the input.  Returns 1 if one was
 * handled, 0 if more input is needed. */
static int conn_read_one(line_conn *c)
{
    struct evbuffer *in = bufferevent_get_input(c->bev);
    size_t avail = evbuffer_get_length(in);
    size_t max_line = c->srv->cfg->max_line;
    size_t len;
    char *line;

    if (avail == 0)
        return 0;
    if (c->discarding) {
        size_t eol_len = 0;
        struct evbuffer_ptr p = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
        if (p.pos < 0) {
            evbuffer_drain(in, avail);
            return 0;
        }
        evbuffer_drain(in, (size_t)p.pos + eol_len);
        c->discarding = 0;
        c->line_started = 0;
        return 1;
    }
    line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF);
    if (line) {
        c->line_started = 0;
        conn_request(c, line, len);
        free(line);
        return 1;
    }
    if (avail >= max_line + 2) {
        /* No newline within the limit: answer now, skip to the newline. */
        c->discarding = 1;
        evbuffer_drain(in, avail);
        conn_request(c, NULL, max_line + 1); /* over-long: answered without looking at it */
        return 1;
    }
    if (c->eof) {
        /* The last line may lack its newline. */
        line = malloc(avail + 1);
        if (!line)
            return 0;
        evbuffer_remove(in, line, avail);
        line[avail] = '\0';
        len = avail;
        while (len > 0 && line[len - 1] == '\r')
            len--;
        conn_request(c, line, len);
        free(line);
        return 1;
    }
    return 0;
}

/* Start the deadline of a line whose first bytes are in, stop it between
 * lines. */
static void conn_watch_deadline(line_conn *c)
{
    struct evbuffer *in = bufferevent_get_input(c->bev);
    if (evbuffer_get_length(in) == 0 && !c->discarding) {
        c->line_started = 0;
        event_del(c->deadline);
        return;
    }
    if (c->line_started > 0)
        return;
    c->line_started = sou_now();
    struct timeval tv = {c->srv->cfg->request_timeout, 0};
    event_add(c->deadline, &tv);
}

static void conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
    line_conn *c = arg;
    sou_server *s = c->srv;
    char msg[160];
    if (c->pending > 0) {
        /* Reading is paused for our answers: the client is not late. */
        c->line_started = sou_now();
        struct timeval tv = {s->cfg->request_timeout, 0};
        event_add(c->deadline, &tv);
        return;
    }
    int n = snprintf(msg, sizeof msg,
                     "{\"error\":{\"code\":408,\"reason\":\"request_timeout\",\"message\":\"request line %llu did not arrive whole "
                     "within %d s (request_timeout); closing\"}}\n",
                     c->lineno + 1, s->cfg->request_timeout);
    SOU_INFO("line connection: request line not complete after %d s: closing", s->cfg->request_timeout);
    if (!c->head && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
        ssize_t ignored = send(bufferevent_getfd(c->bev), msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
        (void)ignored;
    }
    conn_free(c);
}

/* Queue r's answer on the output, or close c when a client that does not
 * read already has max_output bytes waiting.  Returns 0, or -1 when c was
 * closed (r is freed either way). */
static int conn_send(line_conn *c, line_req *r)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    size_t waiting = evbuffer_get_length(out);
    if (r->reply && waiting > 0 && waiting + r->len > c->srv->cfg->max_output) {
        SOU_WARN("line connection: %zu bytes of answers not read by the client (max_output %zu): closing",
                 waiting, c->srv->cfg->max_output);
        req_free(r);
        conn_free(c);
        return -1;
    }
    if (r->reply) {
        evbuffer_add(out, r->reply, r->len);
        evbuffer_add(out, "\n", 1);
    }
    if (r->close_after)
        c->closing = 1;
    req_free(r);
    return 0;
}

/* Write what can be written, read what can be read, close when finished.
 * May free c. */
static void conn_pump(line_conn *c)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    const sou_config *cfg = c->srv->cfg;

    for (;;) {
        while (c->head && c->head->done) {
            line_req *r = c->head;
            c->head = r->next;
            if (!c->head)
                c->tail = NULL;
            c->pending--;
            if (conn_send(c, r) < 0)
                return;
        }
        if (c->closing || c->srv->stopping) {
            /* QUIT, end of input or shutdown: no new requests; close once
             * every answer is written (the write callback calls back here). */
            bufferevent_disable(c->bev, EV_READ);
            if (!c->head && evbuffer_get_length(out) == 0)
                conn_free(c);
            return;
        }
        if (c->pending >= cfg->max_pipeline || evbuffer_get_length(out) > OUTPUT_PAUSE) {
            bufferevent_disable(c->bev, EV_READ); /* resumed by a job's answer or by the write callback */
            return;
        }
        if (!conn_read_one(c))
            break;
    }
    conn_watch_deadline(c);
    if (c->eof) {
        /* Nothing more will come: finish the answers, then close. */
        c->closing = 1;
        if (!c->head && evbuffer_get_length(out) == 0)
            conn_free(c);
        return;
    }
    bufferevent_enable(c->bev, EV_READ);
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
    conn_pump(arg);
}

static void conn_write_cb(struct bufferevent *bev, void *arg)
{
    /* The output drained (low watermark 0): maybe close, maybe resume reading. */
    conn_pump(arg);
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
    line_conn *c = arg;

    if (what & BEV_EVENT_TIMEOUT) {
        if ((what & BEV_EVENT_READING) && c->pending > 0 && !c->closing) {
            /* Waiting for our answers is not idling. */
            bufferevent_enable(bev, EV_READ);
            return;
        }
        SOU_DEBUG("line connection idle for %d s: closing", c->srv->cfg->idle_timeout);
        conn_free(c);
        return;
    }
    if (what & BEV_EVENT_EOF) {
        c->eof = 1;
        conn_pump(c);
        return;
    }
    /* A reset or write error: the client is gone; drop it and what it asked. */
    conn_free(c);
}

/* "127.0.0.1:50312" or "[::1]:50312" for the access log. */
static void peer_name(const struct sockaddr *addr, char *out, size_t size)
{
    char host[INET6_ADDRSTRLEN] = "?";

    if (addr && addr->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        snprintf(out, size, "%s:%u", host, (unsigned)ntohs(in->sin_port));
    } else if (addr && addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        snprintf(out, size, "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
    } else {
        snprintf(out, size, "?");
    }
}

void sou_line_accept_cb(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *addr, int socklen,
                        void *arg)
{
    sou_server *s = arg;
    line_conn *c;
    struct timeval idle = {s->cfg->idle_timeout, 0};

    if (s->conns_open >= s->max_line_conns) {
        static const char busy[] =
            "{\"error\":{\"code\":503,\"reason\":\"overloaded\",\"message\":\"too many connections\"}}\n";
        ssize_t ignored = send(fd, busy, sizeof busy - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
        (void)ignored;
        evutil_closesocket(fd);
        SOU_WARN("line connection refused: %d connections open (max_connections)", s->conns_open);
        return;
    }
    c = calloc(1, sizeof *c);
    if (!c || !(c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE))) {
        SOU_ERROR("out of memory accepting a line connection");
        free(c);
        evutil_closesocket(fd);
        return;
    }
    c->srv = s;
    if (!(c->deadline = evtimer_new(s->base, conn_deadline_cb, c))) {
        SOU_ERROR("out of memory accepting a line connection");
        bufferevent_free(c->bev);
        free(c);
        return;
    }
    peer_name(addr, c->peer, sizeof c->peer);
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    s->conns_open++;
    s->stats.connections_open = s->conns_open;
    s->stats.connections_total++;
    evutil_make_socket_nonblocking(fd);
    bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
    bufferevent_setwatermark(c->bev, EV_READ, 0, s->cfg->max_line + 2);
    bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
    bufferevent_set_timeouts(c->bev, &idle, &idle);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

void sou_line_stop(sou_server *s)
{
    line_conn *c = s->conns;

    while (c) {
        line_conn *next = c->next;
        conn_pump(c); /* sees s->stopping: stops reading, closes when answered */
        c = next;
    }
}

void sou_line_close_all(sou_server *s)
{
    while (s->conns)
        conn_free(s->conns);
}
