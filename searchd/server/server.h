/*
 * server.h: searchd, the daemon: listeners, signals, and the two protocols
 * (HTTP in http.c, the line protocol in line.c) in front of the worker pool
 * (workers.h) that runs sou_search.
 *
 * Life of a request: a protocol parses it into a sou_job (the same JSON
 * options object for HTTP and the line protocol), the pool answers it on a
 * worker thread, and the event-loop thread sends the answer.  Signals:
 * SIGTERM/SIGINT stop accepting, finish what is in flight and return from
 * sou_server_run; SIGHUP reopens the index in every worker and the log file.
 */
#ifndef SOU_SERVER_H
#define SOU_SERVER_H

#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "search.h"

typedef struct sou_server sou_server;

/* Bind the listeners and start the workers.  cfg is borrowed and must
 * outlive the server.  The index need not exist yet.  NULL with err
 * (e.g. "--http 127.0.0.1:80: cannot listen: Permission denied").
 * The process must be set up first: libevent's pthreads support on
 * (evthread_use_pthreads, before any event_base exists: worker threads call
 * event_active) and SIGPIPE ignored; searchd's main does that. */
sou_server *sou_server_new(const sou_config *cfg, sou_error *err);

/* The bound addresses, e.g. "http 127.0.0.1:8080 line 127.0.0.1:7700"
 * ("off" for a disabled listener): a port of 0 is shown as the one picked. */
void sou_server_describe(const sou_server *s, char *buf, size_t size);

/* The bound ports (0 when that listener is off). */
int sou_server_http_port(const sou_server *s);
int sou_server_line_port(const sou_server *s);

/* Serve until SIGTERM or SIGINT, then finish in-flight requests (for at
 * most cfg->shutdown_timeout seconds).  Returns 0, or 1 if it had to give
 * up on requests still running. */
int sou_server_run(sou_server *s);

void sou_server_free(sou_server *s);

/* --- pure functions of the protocols, exposed for tests --- */

/* HTTP query string ("q=...&limit=5", still percent-encoded, may be NULL)
 * to the search options object: each parameter becomes a string member
 * (sou_search parses numbers from strings).  NULL with a 400 err for a
 * repeated parameter, invalid percent-encoding or invalid UTF-8.  New
 * reference. */
json_t *sou_http_search_options(const char *query, sou_error *err);

typedef enum {
    SOU_CMD_SEARCH,
    SOU_CMD_GET,
    SOU_CMD_SUGGEST,
    SOU_CMD_PING,
    SOU_CMD_STATS,
    SOU_CMD_FIELDS,
    SOU_CMD_QUIT
} sou_line_cmd;

typedef struct {
    sou_line_cmd cmd;
    json_t *options; /* owned: SEARCH's options, GET's {"id", "q"?}; NULL otherwise */
} sou_line_request;

/* Parse one request line (without its newline; need not be NUL-terminated).
 * Returns 0 with req filled (caller decrefs req->options), or -1 with err:
 * invalid UTF-8, NUL byte, empty line, unknown command, wrong arguments,
 * malformed JSON options. */
int sou_line_parse(const char *line, size_t len, sou_line_request *req, sou_error *err);

#endif /* SOU_SERVER_H */
