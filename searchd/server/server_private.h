/*
 * server_private.h: what server.c, http.c and line.c share inside
 * sou_server.  Everything here lives in the event-loop thread.
 */
#ifndef SOU_SERVER_PRIVATE_H
#define SOU_SERVER_PRIVATE_H

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "access_log.h"
#include "config.h"
#include "server.h"
#include "stats.h"
#include "workers.h"

typedef struct line_conn line_conn;
typedef struct http_conn http_conn;

struct sou_server {
    const sou_config *cfg;    /* borrowed */
    struct event_base *base;  /* owned */
    sou_workers *workers;     /* owned */
    sou_stats stats;
    sou_access_log access_log; /* off unless cfg->access_log */
    struct evhttp *http;      /* owned; NULL when off */
    struct evhttp_bound_socket *http_bound; /* owned by http */
    struct evconnlistener *line_listener;   /* owned; NULL when off or stopping */
    int http_port, line_port;
    char http_addr[80], line_addr[80];
    struct event *signals[3]; /* SIGTERM, SIGINT, SIGHUP */
    struct event *drain_timer;
    int stopping;
    double stop_deadline;
    int timed_out;
    size_t http_inflight;     /* HTTP requests handed to workers, not yet answered */
    line_conn *conns;         /* open line connections (doubly linked) */
    int conns_open;
    http_conn *http_conns;    /* open HTTP connections (doubly linked) */
    int http_open;
    int max_line_conns, max_http_conns; /* cfg's, lowered to fit the descriptor limit */
    struct evconnlistener *http_listener; /* borrowed from http_bound; NULL when off */
    struct event *accept_retry;           /* resumes accepting after EMFILE */
    int accept_paused;                    /* 1 while waiting for descriptors */
};

/* server.c: stop or resume accepting on every listener (EMFILE, the HTTP
 * connection cap); resuming only happens while neither reason holds. */
void sou_server_accepting(sou_server *s);

/* http.c: attach evhttp to an already bound listener. */
int sou_http_start(sou_server *s, struct evconnlistener *lev, sou_error *err);


/* line.c: the listener's accept callback. */
void sou_line_accept_cb(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *addr, int socklen,
                        void *arg);
/* line.c: stop reading new requests; close connections with nothing pending. */
void sou_line_stop(sou_server *s);
/* line.c: close every connection now. */
void sou_line_close_all(sou_server *s);

/* server.c: the /stats and STATS object from an INFO job's result. */
json_t *sou_server_stats(sou_server *s, const sou_job *info_job);
/* server.c: count one answered request (stats, /metrics) and write its
 * access-log line.  Every answer of both protocols goes through here. */
void sou_server_answered(sou_server *s, const sou_access_entry *e);
/* server.c: the /metrics text (Prometheus format) from an INFO job's result;
 * malloc'ed, NULL when out of memory. */
char *sou_server_metrics(sou_server *s, const sou_job *info_job, size_t *len);
/* server.c: called whenever something finished, so shutdown can proceed. */
void sou_server_maybe_done(sou_server *s);

#endif /* SOU_SERVER_PRIVATE_H */
