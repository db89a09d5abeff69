/* access_log.c: see access_log.h. */
#include "access_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "json_line.h"
#include "utf8.h"

static const char *const PROTO_NAMES[SOU_PROTOS] = {"http", "line"};
static const char *const KIND_NAMES[SOU_REQ_KINDS] = {"search", "get", "other"};

void sou_access_log_init(sou_access_log *al)
{
    al->fd = -1;
}

int sou_access_log_open(sou_access_log *al, const char *path)
{
    int fd;

    if (!path || !*path) {
        sou_access_log_close(al);
        return 0;
    }
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    sou_access_log_close(al);
    al->fd = fd;
    return 0;
}

void sou_access_log_close(sou_access_log *al)
{
    if (al->fd >= 0)
        close(al->fd);
    al->fd = -1;
}

void sou_access_log_write(sou_access_log *al, const sou_access_entry *e)
{
    struct timeval tv;
    struct tm tm;
    char when[40];
    size_t rlen = e->request ? e->request_len : 0, len = 0, bad = 0;
    json_t *o;
    char *line;

    if (al->fd < 0)
        return;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + strlen(when), sizeof when - strlen(when), ".%03dZ", (int)(tv.tv_usec / 1000) % 1000);
    if (rlen > SOU_ACCESS_LOG_REQUEST_MAX)
        rlen = SOU_ACCESS_LOG_REQUEST_MAX;
    /* JSON strings must be valid UTF-8: keep the valid prefix, which also
     * drops a character cut by the limit. */
    if (e->request && !sou_utf8_valid(e->request, rlen, &bad))
        rlen = bad;
    o = json_pack("{s:s, s:s, s:s?, s:s, s:i, s:f, s:I, s:s%}", "time", when, "protocol",
                  PROTO_NAMES[e->protocol], "peer", e->peer, "kind", KIND_NAMES[e->kind], "status", e->status,
                  "ms", (double)(long long)(e->ms * 1000 + 0.5) / 1000, "bytes", (json_int_t)e->bytes, "request",
                  e->request ? e->request : "", rlen);
    line = o ? sou_json_line(o, &len) : NULL;
    if (line) {
        line[len] = '\n'; /* over the terminating NUL: the line is written by length */
        ssize_t ignored = write(al->fd, line, len + 1);
        (void)ignored;
    }
    free(line);
    json_decref(o);
}
