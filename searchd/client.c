/* client.c: see client.h. */
#include "client.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>

#include "hostport.h"
#include "strbuf.h"
#include "utf8.h"

#define MAX_ANSWER (64u << 20) /* an answer longer than this is not from searchd */

struct sou_client {
    int fd;
    int timeout_ms;
    sou_strbuf in; /* bytes read past the last answer */
};

/* connect() with a timeout: non-blocking connect, poll, then back to blocking. */
static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
    int flags = fcntl(fd, F_GETFL, 0), soerr = 0;
    socklen_t elen = sizeof soerr;
    struct pollfd p = {fd, POLLOUT, 0};

    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (connect(fd, sa, len) < 0) {
        if (errno != EINPROGRESS)
            return -1;
        int n = poll(&p, 1, timeout_ms);
        if (n == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) < 0)
            return -1;
        if (soerr) {
            errno = soerr;
            return -1;
        }
    }
    fcntl(fd, F_SETFL, flags);
    return 0;
}

sou_client *sou_client_connect(const char *hostport, int timeout_ms, sou_error *err)
{
    char host[256], port[8];
    unsigned port_number;
    struct addrinfo hints, *res = NULL, *ai;
    sou_client *c = NULL;
    int fd = -1, rc, saved = 0;

    if (sou_hostport_split(hostport, host, sizeof host, &port_number) < 0) {
        sou_error_set(err, SOU_EBADREQUEST, "server address \"%.100s\": expected HOST:PORT", hostport);
        return NULL;
    }
    if (!host[0])
        snprintf(host, sizeof host, "127.0.0.1");
    snprintf(port, sizeof port, "%u", port_number);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
        sou_error_set(err, SOU_EUNAVAILABLE, "cannot resolve %.100s: %s", hostport, gai_strerror(rc));
        return NULL;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (connect_timeout(fd, ai->ai_addr, ai->ai_addrlen, timeout_ms) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        sou_error_set(err, SOU_EUNAVAILABLE, "cannot connect to searchd at %.100s: %s", hostport,
                      strerror(saved));
        return NULL;
    }
    if (!(c = calloc(1, sizeof *c))) {
        close(fd);
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
        return NULL;
    }
    c->fd = fd;
    c->timeout_ms = timeout_ms;
    return c;
}

void sou_client_close(sou_client *c)
{
    if (!c)
        return;
    close(c->fd);
    sou_strbuf_destroy(&c->in);
    free(c);
}

static int send_all(sou_client *c, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

json_t *sou_client_call(sou_client *c, const char *request, char **raw, sou_error *err)
{
    char *nl;
    size_t line_len;
    json_t *answer = NULL;
    json_error_t jerr;

    if (raw)
        *raw = NULL;
    if (strchr(request, '\n')) {
        sou_error_set(err, SOU_EBADREQUEST, "a request cannot contain a newline");
        return NULL;
    }
    if (send_all(c, request, strlen(request)) < 0 || send_all(c, "\n", 1) < 0) {
        sou_error_set(err, SOU_EUNAVAILABLE, "sending to searchd: %s", strerror(errno));
        return NULL;
    }
    while (!(nl = c->in.len ? memchr(c->in.p, '\n', c->in.len) : NULL)) {
        struct pollfd p = {c->fd, POLLIN, 0};
        ssize_t n;
        if (c->in.len + 65536 > MAX_ANSWER) {
            sou_error_set(err, SOU_EINTERNAL, "answer from searchd is too long");
            return NULL;
        }
        if (sou_strbuf_reserve(&c->in, 65536) < 0) {
            sou_error_set(err, SOU_EINTERNAL, "out of memory reading searchd's answer");
            return NULL;
        }
        n = poll(&p, 1, c->timeout_ms);
        if (n == 0) {
            sou_error_set(err, SOU_EUNAVAILABLE, "no answer from searchd within %d ms", c->timeout_ms);
            return NULL;
        }
        if (n > 0)
            n = recv(c->fd, c->in.p + c->in.len, c->in.cap - c->in.len - 1, 0); /* keep the NUL's byte */
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            sou_error_set(err, SOU_EUNAVAILABLE, "searchd closed the connection%s%s", n < 0 ? ": " : "",
                          n < 0 ? strerror(errno) : "");
            return NULL;
        }
        c->in.len += (size_t)n;
    }
    line_len = (size_t)(nl - c->in.p);
    answer = json_loadb(c->in.p, line_len, 0, &jerr);
    if (!answer) {
        sou_error_set(err, SOU_EINTERNAL, "searchd's answer is not JSON: %s", jerr.text);
    } else if (raw && !(*raw = strndup(c->in.p, line_len))) {
        json_decref(answer);
        answer = NULL;
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
    }
    memmove(c->in.p, nl + 1, c->in.len - line_len - 1);
    c->in.len -= line_len + 1;
    return answer;
}

char *sou_client_search_line(const char *q, int limit)
{
    json_t *o = json_pack("{s:s}", "q", q);
    char *body, *line = NULL;

    if (!o)
        return NULL;
    if (limit > 0)
        json_object_set_new(o, "limit", json_integer(limit));
    body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (body && asprintf(&line, "SEARCH %s", body) < 0)
        line = NULL;
    free(body);
    json_decref(o);
    return line;
}

/* cp as UTF-8 into b; 0 for what an entity must not produce: NUL, a
 * surrogate, anything above U+10FFFF. */
static size_t entity_utf8(unsigned long cp, char *b)
{
    return cp == 0 || cp > 0x10FFFF ? 0 : sou_utf8_encode((uint32_t)cp, b);
}

/* Length of the terminal control at s (C0 but for tab, DEL, C1, and the
 * bidirectional overrides and isolates that reorder what is shown), or 0.
 * A title holding "\033]0;pwned\007\033[2J" must not reach the terminal. */
static size_t control_len(const unsigned char *s)
{
    if ((s[0] < 0x20 && s[0] != '\t') || s[0] == 0x7F)
        return 1;
    if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
        return 2;
    if (s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0xAA && s[2] <= 0xAE)
        return 3; /* U+202A-202E */
    if (s[0] == 0xE2 && s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9)
        return 3; /* U+2066-2069 */
    return 0;
}

size_t sou_strip_controls(char *s)
{
    unsigned char *in = (unsigned char *)s, *out = in;
    while (*in) {
        size_t n = control_len(in);
        if (n) {
            /* A line break or other control shows as one space, never as itself. */
            if (out == (unsigned char *)s || out[-1] != ' ')
                *out++ = ' ';
            in += n;
            continue;
        }
        *out++ = *in++;
    }
    *out = '\0';
    return (size_t)(out - (unsigned char *)s);
}

/* Write s to out without terminal controls. */
static void put_clean(FILE *out, const char *s)
{
    char *copy = strdup(s);
    if (!copy)
        return;
    sou_strip_controls(copy);
    fputs(copy, out);
    free(copy);
}

char *sou_render_html(const char *html, const char *mark_on, const char *mark_off)
{
    static const struct {
        const char *name;
        const char *text;
    } entities[] = {{"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}};
    sou_strbuf out = {0};
    const char *p = html;

    while (*p) {
        if (*p == '<') {
            const char *end = strchr(p, '>');
            if (!end) {
                size_t start = out.len;
                sou_strbuf_put(&out, p, strlen(p)); /* not a tag: keep the text */
                if (!out.oom)
                    out.len = start + sou_strip_controls(out.p + start);
                p += strlen(p);
            } else {
                if (strncmp(p, "<mark>", 6) == 0)
                    sou_strbuf_put(&out, mark_on, strlen(mark_on));
                else if (strncmp(p, "</mark>", 7) == 0)
                    sou_strbuf_put(&out, mark_off, strlen(mark_off));
                p = end + 1; /* any other tag vanishes */
            }
        } else if (*p == '&') {
            const char *semi = strchr(p, ';');
            size_t n = semi ? (size_t)(semi - p - 1) : 0;
            char b[4];
            size_t blen = 0;
            if (semi && n > 1 && n < 10 && p[1] == '#') {
                char *end;
                unsigned long cp = (p[2] == 'x' || p[2] == 'X') ? strtoul(p + 3, &end, 16) : strtoul(p + 2, &end, 10);
                if (end == semi)
                    blen = entity_utf8(cp, b);
            } else if (semi && n > 0 && n < 10) {
                for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
                    if (strlen(entities[i].name) == n && strncmp(p + 1, entities[i].name, n) == 0) {
                        blen = strlen(entities[i].text);
                        memcpy(b, entities[i].text, blen);
                    }
            }
            if (blen && control_len((const unsigned char *)b)) {
                sou_strbuf_put(&out, " ", 1); /* &#27; decodes to ESC: never as itself */
                p = semi + 1;
            } else if (blen) {
                sou_strbuf_put(&out, b, blen);
                p = semi + 1;
            } else {
                sou_strbuf_put(&out, "&", 1); /* a bare ampersand stays */
                p++;
            }
        } else {
            size_t n = strcspn(p, "<&");
            size_t start = out.len;
            sou_strbuf_put(&out, p, n);
            if (!out.oom)
                out.len = start + sou_strip_controls(out.p + start);
            p += n;
        }
    }
    return sou_strbuf_steal(&out, NULL);
}

#define BOLD "\033[1m"
#define MARK "\033[1;31m"
#define DIM "\033[2m"
#define RESET "\033[0m"

/* Print html rendered, with marks coloured or dropped. */
static void print_html(FILE *out, const char *html, int color, const char *after)
{
    char *text = sou_render_html(html, color ? MARK : "", color ? RESET : "");
    if (text)
        fputs(text, out);
    if (color && after)
        fputs(after, out); /* a mark's reset also ends an enclosing bold: restore it */
    free(text);
}

int sou_print_answer(FILE *out, const json_t *answer, int color)
{
    const json_t *hits = json_object_get(answer, "hits");
    size_t i;
    json_t *hit;
    int printed = 0;
    json_int_t total = json_integer_value(json_object_get(answer, "total"));
    int exact = json_is_true(json_object_get(answer, "exact"));
    double took = json_number_value(json_object_get(answer, "took_ms"));

    json_array_foreach(hits, i, hit) {
        const char *title_html = json_string_value(json_object_get(hit, "title_html"));
        const char *title = json_string_value(json_object_get(hit, "title"));
        const char *date = json_string_value(json_object_get(hit, "date"));
        const char *url = json_string_value(json_object_get(hit, "url"));
        const char *id = json_string_value(json_object_get(hit, "id"));
        const char *snippet = json_string_value(json_object_get(hit, "snippet"));
        json_int_t rank = json_integer_value(json_object_get(hit, "rank"));

        fprintf(out, "%s%lld.%s ", color ? BOLD : "", (long long)(rank ? rank : (json_int_t)i + 1),
                color ? "" : "");
        if (title_html && color)
            print_html(out, title_html, color, BOLD);
        else
            put_clean(out, title ? title : (title_html ? title_html : "(untitled)"));
        fprintf(out, "%s", color ? RESET : "");
        if (date && *date) {
            fputs("  ", out);
            put_clean(out, date);
        }
        if ((url && *url) || id) {
            fprintf(out, "  %s", color ? DIM : "");
            put_clean(out, url && *url ? url : id);
            fputs(color ? RESET : "", out);
        }
        fputc('\n', out);
        if (snippet && *snippet) {
            fputs("   ", out);
            print_html(out, snippet, color, NULL);
            fputc('\n', out);
        }
        printed++;
    }
    if (printed == 0)
        fprintf(out, "no results\n");
    else
        fprintf(out, "%s%d of %s%lld result%s, %.2f ms%s\n", color ? DIM : "", printed, exact ? "" : "about ",
                (long long)total, total == 1 ? "" : "s", took, color ? RESET : "");
    return printed;
}
