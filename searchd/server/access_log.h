/*
 * access_log.h: searchd's optional access log, one JSON object a line per
 * answered request, for operators (setting access_log; off by default):
 *
 *   {"time":"2026-11-23T05:45:14.123Z","protocol":"http","peer":"127.0.0.1:50312",
 *    "kind":"search","status":200,"ms":0.912,"bytes":5120,"request":"GET /search?q=..."}
 *
 * "request" is the HTTP method and target as received (still
 * percent-encoded), or the line-protocol request line (its first 1000 bytes
 * of valid UTF-8).  Lines are written with one write(2) each on a file
 * opened with O_APPEND, so a line is never torn; used from the event-loop
 * thread only.
 */
#ifndef SOU_ACCESS_LOG_H
#define SOU_ACCESS_LOG_H

#include <stddef.h>

#include "stats.h"

/* Longest request text logged, bytes. */
#define SOU_ACCESS_LOG_REQUEST_MAX 1000

typedef struct {
    int fd; /* -1 when off */
} sou_access_log;

/* One answered request; strings are borrowed, may be NULL. */
typedef struct {
    sou_proto protocol;
    const char *peer;     /* "127.0.0.1:50312" */
    sou_req_kind kind;
    int status;
    double ms;            /* arrival to answer */
    size_t bytes;         /* answer body */
    const char *request;  /* see above; need not be NUL-terminated */
    size_t request_len;
} sou_access_entry;

void sou_access_log_init(sou_access_log *al);

/* Open path for appending (created 0640 if missing); NULL or "" closes the
 * log.  Called again (SIGHUP) it reopens, so a rotated file is let go.
 * Returns 0, or -1 with errno set (the previous file stays open). */
int sou_access_log_open(sou_access_log *al, const char *path);

void sou_access_log_close(sou_access_log *al);

/* Write e's line (nothing when the log is off).  Errors are ignored: a
 * full disk must not fail requests. */
void sou_access_log_write(sou_access_log *al, const sou_access_entry *e);

#endif /* SOU_ACCESS_LOG_H */
