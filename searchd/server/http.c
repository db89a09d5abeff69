/*
 * http.c: searchd's HTTP side (libevent's evhttp).
 *
 *   GET /search?q=..&limit=..  the search (options as in search.h)
 *   GET /doc/<id>[?q=..]       one document, matches marked when q is given
 *   GET /health                200 {"status":"ok",...} or 503 while the index cannot be opened;
 *                              a sharded index: "ok" | "degraded" and "shards": [...], 503 when no shard answers
 *   GET /stats                 counters, latency percentiles, documents, revision, uptime
 *   GET /fields                the index's facets and the labels of fields and values
 *   GET /suggest?q=..          completions of a prefix from the titles ("" : example queries)
 *   GET /metrics               the same and more in Prometheus' text format
 *   GET / and other paths      the search page's files (sou_web), else 404
 *
 * Every API answer is JSON (Content-Type: application/json; charset=utf-8),
 * errors as {"error":{"code":..,"message":..}} with the matching status.
 * Methods other than GET and HEAD get 405.  A request line plus headers
 * over max_headers gets 413 (JSON); evhttp itself refuses a head over four
 * times that with 400, and a body over max_body with 413 (its HTML).
 *
 * Each connection's bufferevent is made here (evhttp_set_bevcb), with our
 * state (http_conn) beside it: it counts open connections (the listener
 * pauses at max_http_connections; evhttp's close callback counts them out)
 * and holds the request deadline: from the first byte of a request, it must
 * arrive whole within request_timeout, else the socket is shut down
 * (evhttp's own timeout restarts at every byte, so one byte a second held a
 * connection forever).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <sys/queue.h>

#include <event2/keyvalq_struct.h>

#include "json_line.h"
#include "log.h"
#include "server_private.h"
#include "utf8.h"

#include "web_assets.h"

typedef struct {
    sou_server *srv;
    struct evhttp_request *req; /* evhttp frees it after we reply */
    sou_req_kind kind;
    enum { ANSWER_BODY, ANSWER_STATS, ANSWER_HEALTH, ANSWER_METRICS, ANSWER_FIELDS } answer;
    double t0;
} http_req;

struct http_conn {
    sou_server *srv;
    struct bufferevent *bev;          /* evhttp's, for the connection's life */
    struct evhttp_connection *evcon;  /* known once attached */
    struct evbuffer_cb_entry *on_input;
    struct event *attach, *deadline;
    int in_request;                   /* bytes of a request arrived, request not complete yet */
    http_conn *prev, *next;
};

/* Bytes from the client: the first of a request starts its deadline. */
static void http_input(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
    http_conn *hc = arg;
    if (info->n_added == 0 || hc->in_request)
        return;
    struct timeval tv = {hc->srv->cfg->request_timeout, 0};
    hc->in_request = 1;
    event_add(hc->deadline, &tv);
}

static void http_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
    http_conn *hc = arg;
    SOU_INFO("HTTP connection: request not complete after %d s (request_timeout): closing",
             hc->srv->cfg->request_timeout);
    /* evhttp owns the connection: ending the socket makes it free it. */
    shutdown(bufferevent_getfd(hc->bev), SHUT_RDWR);
}

/* evhttp frees the connection. */
static void http_closed(struct evhttp_connection *evcon, void *arg)
{
    http_conn *hc = arg;
    sou_server *s = hc->srv;
    if (hc->prev)
        hc->prev->next = hc->next;
    else
        s->http_conns = hc->next;
    if (hc->next)
        hc->next->prev = hc->prev;
    s->http_open--;
    s->stats.http_connections_open = s->http_open;
    evbuffer_remove_cb_entry(bufferevent_get_input(hc->bev), hc->on_input);
    event_free(hc->deadline);
    event_free(hc->attach);
    free(hc);
    sou_server_accepting(s); /* below the cap again */
}

/* Right after the accept: evhttp has set up its connection on our
 * bufferevent (its callback argument), and nothing was read yet. */
static void http_attach(evutil_socket_t fd, short what, void *arg)
{
    http_conn *hc = arg;
    void *cbarg = NULL;
    bufferevent_getcb(hc->bev, NULL, NULL, NULL, &cbarg);
    hc->evcon = cbarg;
    evhttp_connection_set_closecb(hc->evcon, http_closed, hc);
}

/* evhttp_set_bevcb: the bufferevent of a new connection, with our state
 * (counted, deadline) attached to it. */
static struct bufferevent *http_new_bev(struct event_base *base, void *arg)
{
    sou_server *s = arg;
    http_conn *hc = calloc(1, sizeof *hc);
    if (!hc || !(hc->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) ||
        !(hc->deadline = evtimer_new(base, http_deadline_cb, hc)) ||
        !(hc->attach = event_new(base, -1, 0, http_attach, hc)) ||
        !(hc->on_input = evbuffer_add_cb(bufferevent_get_input(hc->bev), http_input, hc)))
        goto fail;
    hc->srv = s;
    hc->next = s->http_conns;
    if (s->http_conns)
        s->http_conns->prev = hc;
    s->http_conns = hc;
    event_active(hc->attach, EV_TIMEOUT, 0);
    s->stats.http_connections_total++;
    s->stats.http_connections_open = s->http_open + 1;
    if (++s->http_open >= s->max_http_conns) {
        SOU_WARN("%d HTTP connections open (max_http_connections): not accepting more until one closes",
                 s->http_open);
        sou_server_accepting(s);
    }
    return hc->bev;
fail:
    /* evhttp then makes a plain bufferevent itself: uncounted, still served. */
    SOU_ERROR("out of memory accepting an HTTP connection");
    if (hc) {
        if (hc->deadline)
            event_free(hc->deadline);
        if (hc->attach)
            event_free(hc->attach);
        if (hc->bev)
            bufferevent_free(hc->bev);
        free(hc);
    }
    return NULL;
}

/* A whole request arrived on req's connection: its deadline is met. */
static void http_request_arrived(sou_server *s, struct evhttp_request *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
    for (http_conn *hc = s->http_conns; bev && hc; hc = hc->next)
        if (hc->bev == bev) {
            hc->in_request = 0;
            event_del(hc->deadline);
            return;
        }
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
    }
}

static const char *method_name(enum evhttp_cmd_type m)
{
    switch (m) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE: return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH: return "PATCH";
    }
    return "?";
}

/* Count the answer; the access log also gets the peer and the request line. */
static void answered(sou_server *s, struct evhttp_request *req, sou_req_kind kind, double t0, int status,
                     size_t bytes)
{
    sou_access_entry e = {SOU_PROTO_HTTP, NULL, kind, status, (sou_now() - t0) * 1000.0, bytes, NULL, 0};
    char peer[80], request[SOU_ACCESS_LOG_REQUEST_MAX + 16];

    if (s->access_log.fd >= 0) {
        struct evhttp_connection *conn = evhttp_request_get_connection(req);
        char *host = NULL;
        ev_uint16_t port = 0;
        const char *uri = evhttp_request_get_uri(req);
        int n;
        if (conn) {
            evhttp_connection_get_peer(conn, &host, &port);
            snprintf(peer, sizeof peer, "%s:%u", host ? host : "?", (unsigned)port);
            e.peer = peer;
        }
        n = snprintf(request, sizeof request, "%s %s", method_name(evhttp_request_get_command(req)),
                     uri ? uri : "");
        e.request = request;
        e.request_len = n < 0 ? 0 : (size_t)n < sizeof request ? (size_t)n : sizeof request - 1;
    }
    sou_server_answered(s, &e);
}

static void send_body(sou_server *s, struct evhttp_request *req, sou_req_kind kind, double t0, int status,
                      const char *content_type, const void *body, size_t len, int newline)
{
    struct evbuffer *buf = evbuffer_new();
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);

    evhttp_add_header(h, "Content-Type", content_type);
    if (status == 405)
        evhttp_add_header(h, "Allow", "GET, HEAD");
    if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
        /* evhttp 2.1 would send the body: give the length only. */
        char n[32];
        snprintf(n, sizeof n, "%zu", len + (newline ? 1 : 0));
        evhttp_add_header(h, "Content-Length", n);
    } else if (buf) {
        evbuffer_add(buf, body, len);
        if (newline)
            evbuffer_add(buf, "\n", 1);
    }
    evhttp_send_reply(req, status, reason(status), buf);
    if (buf)
        evbuffer_free(buf);
    answered(s, req, kind, t0, status, len + (newline ? 1 : 0));
}

static void send_json(sou_server *s, struct evhttp_request *req, sou_req_kind kind, double t0, int status,
                      const json_t *answer)
{
    size_t len = 0;
    char *text = answer ? sou_json_line(answer, &len) : NULL;

    if (!text) {
        static const char oom[] = "{\"error\":{\"code\":500,\"reason\":\"internal\",\"message\":\"out of memory\"}}";
        send_body(s, req, kind, t0, 500, "application/json; charset=utf-8", oom, sizeof oom - 1, 1);
        return;
    }
    send_body(s, req, kind, t0, status, "application/json; charset=utf-8", text, len, 1);
    free(text);
}

static void send_error(sou_server *s, struct evhttp_request *req, sou_req_kind kind, double t0,
                       const sou_error *err)
{
    json_t *e = sou_error_json(err);
    send_json(s, req, kind, t0, sou_error_http_status(err->code), e);
    json_decref(e);
}

/* Parameters that may be given more than once (filter=a:1&filter=b:2):
 * they become an array of strings, in order. */
static int repeatable(const char *key)
{
    return strcmp(key, "filter") == 0 || strcmp(key, "facets") == 0;
}

static int add_repeated(json_t *options, const char *key, const char *value, size_t len)
{
    json_t *a = json_object_get(options, key);
    if (!a && json_object_set_new(options, key, a = json_array()) < 0)
        return -1;
    return json_array_append_new(a, json_stringn(value, len));
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Offset of the first '%' in s not followed by two hex digits, or -1.
 * evhttp_uridecode passes such a '%' through as it is ("%zz"), while a
 * cut-off character ("%E5%8C") fails as invalid UTF-8: one rule for both. */
static long bad_percent(const char *s)
{
    for (const char *p = s; (p = strchr(p, '%')) != NULL; p++)
        if (!is_hex(p[1]) || !is_hex(p[2]))
            return (long)(p - s);
    return -1;
}

json_t *sou_http_search_options(const char *query, sou_error *err)
{
    json_t *options = NULL;
    const char *p = query ? query : "";
    long bad = bad_percent(p);

    if (bad >= 0) {
        sou_error_set(err, SOU_EBADREQUEST,
                      "query string: invalid percent-encoding at byte %ld (%% must be followed by two "
                      "hex digits)",
                      bad);
        return NULL;
    }
    if (!(options = json_object())) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
        return NULL;
    }
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t part_len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', part_len);
        size_t key_len = eq ? (size_t)(eq - p) : part_len;
        char *raw_key = strndup(p, key_len);
        char *raw_value = eq ? strndup(eq + 1, part_len - key_len - 1) : strdup("");
        char *key = NULL, *value = NULL;
        size_t klen = 0, vlen = 0;
        int ok = 0;

        if (raw_key && raw_value) {
            key = evhttp_uridecode(raw_key, 1, &klen);
            value = evhttp_uridecode(raw_value, 1, &vlen);
        }
        if (!key || !value) {
            sou_error_set(err, SOU_EINTERNAL, "out of memory");
        } else if (part_len == 0) {
            ok = 1; /* "a=1&&b=2": nothing between the ampersands */
        } else if (klen == 0) {
            sou_error_set(err, SOU_EBADREQUEST, "query string: a parameter without a name");
        } else if (strlen(key) != klen || sou_utf8_valid_prefix(key, klen) != klen) {
            sou_error_set(err, SOU_EBADREQUEST, "query string: a parameter name is not valid UTF-8 text");
        } else if (json_object_get(options, key) && !repeatable(key)) {
            sou_error_set(err, SOU_EBADREQUEST, "query string: parameter \"%.40s\" given twice", key);
            sou_error_where(err, key, value, vlen, 0, 0);
        } else if (strlen(value) != vlen) {
            sou_error_set(err, SOU_EBADREQUEST, "parameter \"%.40s\": contains a NUL byte", key);
        } else if (sou_utf8_valid_prefix(value, vlen) != vlen) {
            sou_error_fail(err, SOU_R_BAD_UTF8, "parameter \"%.40s\": not valid UTF-8 (at byte %zu)", key,
                           sou_utf8_valid_prefix(value, vlen));
        } else if (repeatable(key) ? add_repeated(options, key, value, vlen) < 0
                                     : json_object_set_new(options, key, json_stringn(value, vlen)) < 0) {
            sou_error_set(err, SOU_EINTERNAL, "out of memory");
        } else {
            ok = 1;
        }
        free(raw_key);
        free(raw_value);
        free(key);
        free(value);
        if (!ok) {
            json_decref(options);
            return NULL;
        }
        p += part_len;
        if (*p == '&')
            p++;
    }
    return options;
}

static void http_job_done(sou_job *job)
{
    http_req *h = job->arg;
    sou_server *s = h->srv;

    if (h->answer == ANSWER_STATS) {
        json_t *st = sou_server_stats(s, job);
        send_json(s, h->req, h->kind, h->t0, 200, st);
        json_decref(st);
    } else if (h->answer == ANSWER_METRICS) {
        size_t len = 0;
        char *text = sou_server_metrics(s, job, &len);
        if (text)
            send_body(s, h->req, h->kind, h->t0, 200, "text/plain; version=0.0.4; charset=utf-8", text, len, 0);
        else
            send_json(s, h->req, h->kind, h->t0, 500, NULL);
        free(text);
    } else if (h->answer == ANSWER_FIELDS && job->status == 200) {
        send_json(s, h->req, h->kind, h->t0, 200, json_object_get(job->answer, "fields"));
    } else if (h->answer == ANSWER_HEALTH && job->status == 200) {
        /* A sharded index says "ok", "degraded" or "unavailable" (503), and how each shard is. */
        const char *status = json_string_value(json_object_get(job->answer, "status"));
        json_t *o = json_pack("{s:s, s:O?, s:O?, s:O*}", "status", status ? status : "ok", "documents",
                              json_object_get(job->answer, "documents"), "revision",
                              json_object_get(job->answer, "revision"), "shards",
                              json_object_get(job->answer, "shards"));
        send_json(s, h->req, h->kind, h->t0, status && strcmp(status, "unavailable") == 0 ? 503 : 200, o);
        json_decref(o);
    } else {
        send_body(s, h->req, h->kind, h->t0, job->status, "application/json; charset=utf-8", job->body,
                  job->body_len, 1);
    }
    s->http_inflight--;
    free(h);
    sou_job_free(job);
    sou_server_maybe_done(s);
}

static void submit(sou_server *s, struct evhttp_request *req, double t0, sou_req_kind kind, int answer,
                   sou_job_kind job_kind, json_t *options)
{
    http_req *h = calloc(1, sizeof *h);
    sou_job *job = h ? sou_job_new(job_kind, options, http_job_done, h) : NULL;
    sou_error err;

    if (!job) {
        if (!h)
            json_decref(options);
        free(h);
        sou_error_set(&err, SOU_EINTERNAL, "out of memory");
        send_error(s, req, kind, t0, &err);
        return;
    }
    h->srv = s;
    h->req = req;
    h->kind = kind;
    h->answer = answer;
    h->t0 = t0;
    job->submitted = t0;
    s->http_inflight++;
    sou_workers_submit(s->workers, job);
}

/* /doc/<id>: the id is the rest of the path, percent-decoded. */
static void handle_doc(sou_server *s, struct evhttp_request *req, double t0, const char *raw_id,
                       const char *query)
{
    size_t id_len = 0;
    char *id = evhttp_uridecode(raw_id, 0, &id_len);
    json_t *params = NULL, *options = NULL;
    const char *key;
    json_t *value;
    sou_error err;

    if (!id) {
        sou_error_set(&err, SOU_EINTERNAL, "out of memory");
        goto fail;
    }
    if (bad_percent(raw_id) >= 0) {
        sou_error_set(&err, SOU_EBADREQUEST, "/doc/<id>: invalid percent-encoding in the id");
        goto fail;
    }
    if (id_len == 0 || strlen(id) != id_len || sou_utf8_valid_prefix(id, id_len) != id_len) {
        sou_error_fail(&err, SOU_R_BAD_ID, "/doc/<id>: the id must be non-empty UTF-8 text");
        goto fail;
    }
    if (!(params = sou_http_search_options(query, &err)))
        goto fail;
    json_object_foreach(params, key, value) {
        if (strcmp(key, "q") != 0) {
            sou_error_fail(&err, SOU_R_UNKNOWN_OPTION, "/doc/<id>: unknown parameter \"%.40s\" (only q)", key);
            sou_error_where(&err, key, NULL, 0, 0, 0);
            goto fail;
        }
    }
    options = json_pack("{s:s%, s:O?}", "id", id, id_len, "q", json_object_get(params, "q"));
    if (!options) {
        sou_error_set(&err, SOU_EINTERNAL, "out of memory");
        goto fail;
    }
    submit(s, req, t0, SOU_REQ_GET, ANSWER_BODY, SOU_JOB_GET, options);
    options = NULL;
    goto done;
fail:
    send_error(s, req, SOU_REQ_GET, t0, &err);
done:
    json_decref(params);
    free(id);
}

/* Bytes of the request line and headers, as received (about). */
static size_t head_size(struct evhttp_request *req)
{
    const char *uri = evhttp_request_get_uri(req);
    size_t n = uri ? strlen(uri) + 16 : 16;
    struct evkeyval *kv;

    for (kv = TAILQ_FIRST(evhttp_request_get_input_headers(req)); kv; kv = TAILQ_NEXT(kv, next))
        n += strlen(kv->key) + strlen(kv->value) + 4;
    return n;
}

static void handle_request(struct evhttp_request *req, void *arg)
{
    sou_server *s = arg;
    double t0 = sou_now();
    enum evhttp_cmd_type method = evhttp_request_get_command(req);
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
    sou_error err;

    http_request_arrived(s, req);
    if (!path || !*path)
        path = "/";
    /* RFC 7230 5.4: an HTTP/1.1 request without Host is a 400. */
    if (req->major == 1 && req->minor >= 1 &&
        !evhttp_find_header(evhttp_request_get_input_headers(req), "Host")) {
        sou_error_set(&err, SOU_EBADREQUEST, "HTTP/1.1 request without a Host header");
        send_error(s, req, SOU_REQ_OTHER, t0, &err);
        return;
    }
    if (head_size(req) > s->cfg->max_headers) {
        sou_error_set(&err, SOU_ETOOLARGE, "request line and headers exceed %zu bytes", s->cfg->max_headers);
        send_error(s, req, SOU_REQ_OTHER, t0, &err);
        return;
    }
    if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_HEAD) {
        sou_error_fail(&err, SOU_R_METHOD_NOT_ALLOWED, "method not allowed: use GET or HEAD");
        json_t *e = sou_error_json(&err);
        json_object_set_new(json_object_get(e, "error"), "code", json_integer(405));
        send_json(s, req, SOU_REQ_OTHER, t0, 405, e);
        json_decref(e);
        return;
    }
    if (s->stopping) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
        sou_error_fail(&err, SOU_R_SHUTTING_DOWN, "searchd is shutting down");
        send_error(s, req, SOU_REQ_OTHER, t0, &err);
        return;
    }
    if (strcmp(path, "/search") == 0) {
        json_t *options = sou_http_search_options(query, &err);
        if (!options)
            send_error(s, req, SOU_REQ_SEARCH, t0, &err);
        else
            submit(s, req, t0, SOU_REQ_SEARCH, ANSWER_BODY, SOU_JOB_SEARCH, options);
    } else if (strncmp(path, "/doc/", 5) == 0) {
        handle_doc(s, req, t0, path + 5, query);
    } else if (strcmp(path, "/health") == 0) {
        submit(s, req, t0, SOU_REQ_OTHER, ANSWER_HEALTH, SOU_JOB_INFO, NULL);
    } else if (strcmp(path, "/stats") == 0) {
        submit(s, req, t0, SOU_REQ_OTHER, ANSWER_STATS, SOU_JOB_INFO, NULL);
    } else if (strcmp(path, "/suggest") == 0) {
        json_t *options = sou_http_search_options(query, &err);
        if (!options)
            send_error(s, req, SOU_REQ_OTHER, t0, &err);
        else
            submit(s, req, t0, SOU_REQ_OTHER, ANSWER_BODY, SOU_JOB_SUGGEST, options);
    } else if (strcmp(path, "/fields") == 0) {
        submit(s, req, t0, SOU_REQ_OTHER, ANSWER_FIELDS, SOU_JOB_INFO, NULL);
    } else if (strcmp(path, "/metrics") == 0) {
        submit(s, req, t0, SOU_REQ_OTHER, ANSWER_METRICS, SOU_JOB_INFO, NULL);
    } else {
        const sou_asset *a = sou_asset_find(path);
        if (a) {
            send_body(s, req, SOU_REQ_OTHER, t0, 200, a->content_type, a->data, a->len, 0);
            return;
        }
        sou_error_set(&err, SOU_ENOTFOUND, "no such path: %.100s (try /search?q=...)", path);
        if (sou_utf8_valid_prefix(path, strlen(path)) != strlen(path))
            sou_error_set(&err, SOU_ENOTFOUND, "no such path");
        send_error(s, req, SOU_REQ_OTHER, t0, &err);
    }
}

int sou_http_start(sou_server *s, struct evconnlistener *lev, sou_error *err)
{
    s->http = evhttp_new(s->base);
    if (!s->http) {
        sou_error_set(err, SOU_EINTERNAL, "cannot create the HTTP server");
        return -1;
    }
    /* Accept every method so that we, not evhttp, answer 405 (with JSON). */
    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                                            EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    /* evhttp answers a head over its limit with 400 and HTML, so its limit is
     * only a backstop: handle_request answers 413 (JSON) beyond max_headers. */
    evhttp_set_max_headers_size(s->http, (ev_ssize_t)s->cfg->max_headers * 4);
    evhttp_set_max_body_size(s->http, (ev_ssize_t)s->cfg->max_body);
    evhttp_set_timeout(s->http, s->cfg->http_timeout);
    evhttp_set_gencb(s->http, handle_request, s);
    evhttp_set_bevcb(s->http, http_new_bev, s);
    s->http_bound = evhttp_bind_listener(s->http, lev);
    if (!s->http_bound) {
        sou_error_set(err, SOU_EINTERNAL, "cannot attach the HTTP server to its listener");
        return -1;
    }
    return 0;
}
