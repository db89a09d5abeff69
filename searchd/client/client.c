/* client.c: see client.h. */
#include "client.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wchar.h>
#include <fcntl.h>

#include "hostport.h"
#include "json_line.h"
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

char *sou_client_request_line(const char *command, const json_t *options)
{
    size_t len = 0;
    char *body = sou_json_line(options, &len), *line = NULL;

    if (body && asprintf(&line, "%s %s", command, body) < 0)
        line = NULL;
    free(body);
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

/* Display columns of the code point cp on a terminal (CJK is 2 wide):
 * glibc's wcwidth, in a UTF-8 locale whatever the process's locale is. */
static unsigned columns_of(uint32_t cp)
{
    static locale_t utf8;
    if (cp < 0x7F)
        return 1;
    if (!utf8)
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;
    int w = wcwidth((wchar_t)cp);
    if (utf8)
        uselocale(old);
    return w < 0 ? 1 : (unsigned)w;
}

/* The UTF-8 character at s (NUL-terminated): its length, at least 1 (a
 * malformed byte counts as one character of its own). */
static size_t char_at(const char *s, uint32_t *cp)
{
    size_t n = sou_utf8_decode((const unsigned char *)s, strnlen(s, 4), cp);
    if (n == 0) {
        *cp = 0xFFFD;
        n = 1;
    }
    return n;
}

/* Columns of s[0..len), SGR escapes (\033[...m) counting nothing. */
static unsigned width_of(const char *s, size_t len)
{
    unsigned w = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == '\033') {
            while (i < len && s[i] != 'm')
                i++;
            i++;
            continue;
        }
        uint32_t cp;
        i += char_at(s + i, &cp);
        w += columns_of(cp);
    }
    return w;
}

/* The next unit of text that must not be broken: an escape sequence, a run
 * of ASCII letters and digits (a word, at most 60 bytes: a URL still
 * breaks), or one other character (CJK breaks between any two). */
static size_t unit_at(const char *s)
{
    size_t i = 0;
    if (s[0] == '\033') {
        for (i = 1; s[i] && s[i] != 'm'; i++)
            ;
        return s[i] ? i + 1 : i;
    }
    while (i < 60 && (isalnum((unsigned char)s[i]) || (i > 0 && strchr("._-'", s[i]) && s[i])))
        i++;
    if (i > 0)
        return i;
    uint32_t cp;
    return char_at(s, &cp);
}

/* Punctuation that must not begin a line (the CJK line-breaking rule):
 * it may hang into the last two columns instead. */
static int no_line_start(const char *s, size_t n)
{
    static const char *const marks[] = {"，", "。", "、", "；", "：", "？", "！", "）", "」", "』", "》", "〉",
                                        "】", "〕", "”", "’", "…", ",", ".", ";", ":", "?", "!", ")", "]"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strlen(marks[i]) == n && memcmp(s, marks[i], n) == 0)
            return 1;
    return 0;
}

void sou_print_wrapped(FILE *out, const char *text, unsigned indent, unsigned width, unsigned *col)
{
    unsigned c = *col;
    /* ordinary text stops two columns short, so that a closing mark can hang there */
    unsigned limit = width > indent + 8 ? width - 2 : width;
    for (const char *p = text; *p;) {
        if (*p == '\n') {
            fputc('\n', out);
            fprintf(out, "%*s", (int)indent, "");
            c = indent;
            p++;
            while (*p == ' ')
                p++;
            continue;
        }
        size_t n = unit_at(p);
        unsigned w = width_of(p, n);
        if (width && w > 0 && c + w > (no_line_start(p, n) ? width : limit) && c > indent) {
            fputc('\n', out);
            fprintf(out, "%*s", (int)indent, "");
            c = indent;
            if (*p == ' ') { /* the break replaces the space */
                p++;
                continue;
            }
        }
        fwrite(p, 1, n, out);
        c += w;
        p += n;
    }
    *col = c;
}

/* Print text from an answer wrapped, without terminal controls (a line
 * break or a tab shows as a space). */
static void print_text(FILE *out, const char *text, unsigned indent, const sou_print_opts *po, unsigned *col)
{
    char *clean = strdup(text ? text : "");
    if (!clean)
        return;
    sou_strip_controls(clean);
    for (char *t = clean; (t = strchr(t, '\t')) != NULL;)
        *t = ' ';
    sou_print_wrapped(out, clean, indent, po->width, col);
    free(clean);
}

/* Print html rendered (control characters dropped), marks coloured or dropped. */
static void print_html(FILE *out, const char *html, const char *after, unsigned indent, const sou_print_opts *po,
                       unsigned *col)
{
    char *text = sou_render_html(html, po->color ? MARK : "", po->color ? RESET : "");
    sou_print_wrapped(out, text ? text : "", indent, po->width, col);
    if (po->color && after)
        fputs(after, out); /* a mark's reset also ends an enclosing bold: restore it */
    free(text);
}

static const char *str_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A list of strings from answer.query[key] as "a, b, c" (caller frees), or NULL if empty. */
static char *query_list(const json_t *answer, const char *key)
{
    const json_t *a = json_object_get(json_object_get(answer, "query"), key);
    sou_strbuf out = {0};
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v) {
        const char *s = json_string_value(v);
        if (!s)
            continue;
        if (out.len)
            sou_strbuf_puts(&out, ", ");
        sou_strbuf_puts(&out, s);
    }
    return out.len ? sou_strbuf_steal(&out, NULL) : (sou_strbuf_destroy(&out), NULL);
}

/* Why nothing was found: what the query was understood as. */
static void print_no_results(FILE *out, const json_t *answer, const sou_print_opts *po)
{
    json_int_t total = json_integer_value(json_object_get(answer, "total"));
    json_int_t offset = json_integer_value(json_object_get(answer, "offset"));
    const json_t *q = json_object_get(answer, "query");
    unsigned col = 0;
    if (total > 0) {
        fprintf(out, "no results on this page: %lld result%s in all, --offset %lld is past the end\n",
                (long long)total, total == 1 ? "" : "s", (long long)offset);
        return;
    }
    fputs("no results for ", out);
    col = 15;
    print_text(out, str_of(q, "text"), 2, po, &col);
    fputc('\n', out);
    static const struct {
        const char *key, *label;
    } parts[] = {{"missing", "in no document"},  {"dropped", "ignored"},    {"phrases", "phrases required"},
                 {"title_terms", "in the title"}, {"excluded", "excluded"}, {"filters", "filters"}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        char *list = query_list(answer, parts[i].key);
        if (list) {
            fprintf(out, "  %s: ", parts[i].label);
            col = 4 + (unsigned)strlen(parts[i].label);
            print_text(out, list, 4, po, &col);
            fputc('\n', out);
        }
        free(list);
    }
    const char *from = json_string_value(json_object_get(q, "date_from"));
    const char *to = json_string_value(json_object_get(q, "date_to"));
    if (from || to)
        fprintf(out, "  dates: %s to %s\n", from ? from : "the first", to ? to : "the last");
}

/* Under the results, as the page shows them: the words no document has
 * ("in no document: 狗咬") and the synonyms searched too ("synonyms: 社保 =
 * 社会保险; 医保 = 医疗保险 / 基本医疗保险"). */
static void print_query_notes(FILE *out, const json_t *answer, const sou_print_opts *po)
{
    char *missing = query_list(answer, "missing");
    unsigned col;
    if (missing) {
        fputs("  in no document: ", out);
        col = 18;
        print_text(out, missing, 4, po, &col);
        fputc('\n', out);
        free(missing);
    }
    const char *word;
    const json_t *alts;
    sou_strbuf syn = {0};
    json_object_foreach((json_t *)json_object_get(json_object_get(answer, "query"), "synonyms"), word, alts) {
        size_t i;
        const json_t *a;
        sou_strbuf_puts(&syn, syn.len ? "; " : "");
        sou_strbuf_puts(&syn, word);
        json_array_foreach(alts, i, a) {
            if (json_string_value(a)) {
                sou_strbuf_puts(&syn, i ? " / " : " = ");
                sou_strbuf_puts(&syn, json_string_value(a));
            }
        }
    }
    if (syn.len && !syn.oom) {
        fputs("  synonyms: ", out);
        col = 12;
        print_text(out, syn.p, 4, po, &col);
        fputc('\n', out);
    }
    sou_strbuf_destroy(&syn);
}

/* "category: 司法解释 12, 案例 3" for each counted field. */
static void print_facets(FILE *out, const json_t *answer, const sou_print_opts *po)
{
    const char *field;
    const json_t *values;
    json_object_foreach((json_t *)json_object_get(answer, "facets"), field, values) {
        unsigned col = 0;
        fputs(po->color ? BOLD : "", out);
        print_text(out, field, 2, po, &col);
        fputs(po->color ? RESET ":" : ":", out);
        col++;
        size_t i;
        const json_t *v;
        json_array_foreach(values, i, v) {
            char count[32];
            snprintf(count, sizeof count, " %lld", (long long)json_integer_value(json_object_get(v, "count")));
            print_text(out, i ? ", " : " ", 2, po, &col);
            const char *name = json_string_value(json_object_get(v, "label"));
            print_text(out, name ? name : str_of(v, "value"), 2, po, &col);
            print_text(out, count, 2, po, &col);
        }
        fputc('\n', out);
    }
}

/* A hit's near-copies (other versions or copies searchd showed as one):
 * "   + N similar: id title; id title". */
static void print_similar(FILE *out, const json_t *similar, const sou_print_opts *po)
{
    size_t i, n = json_array_size(similar);
    json_t *s;
    unsigned col = 0;
    char head[48];
    if (!n)
        return;
    snprintf(head, sizeof head, "   + %zu similar: ", n);
    fputs(po->color ? DIM : "", out);
    print_text(out, head, 5, po, &col);
    json_array_foreach(similar, i, s) {
        if (i)
            print_text(out, "; ", 5, po, &col);
        print_text(out, str_of(s, "id"), 5, po, &col);
        print_text(out, " ", 5, po, &col);
        print_text(out, *str_of(s, "title") ? str_of(s, "title") : "(untitled)", 5, po, &col);
    }
    fputs(po->color ? RESET "\n" : "\n", out);
}

int sou_print_answer(FILE *out, const json_t *answer, const sou_print_opts *po)
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
        const char *date = str_of(hit, "date");
        const char *url = str_of(hit, "url");
        const char *snippet = str_of(hit, "snippet");
        json_int_t rank = json_integer_value(json_object_get(hit, "rank"));
        char head[32];
        unsigned col = 0;

        snprintf(head, sizeof head, "%lld. ", (long long)(rank ? rank : (json_int_t)i + 1));
        fprintf(out, "%s%s", po->color ? BOLD : "", head);
        col = (unsigned)strlen(head);
        if (title_html && po->color)
            print_html(out, title_html, BOLD, 3, po, &col);
        else
            print_text(out, title ? title : "(untitled)", 3, po, &col);
        fputs(po->color ? RESET : "", out);
        if (*date) {
            print_text(out, "  ", 3, po, &col);
            print_text(out, date, 3, po, &col);
        }
        fputs("  ", out);
        col += 2;
        fputs(po->color ? DIM : "", out);
        print_text(out, *url ? url : str_of(hit, "id"), 3, po, &col);
        fputs(po->color ? RESET : "", out);
        fputc('\n', out);
        if (*snippet) {
            fputs("   ", out);
            col = 3;
            print_html(out, snippet, NULL, 3, po, &col);
            fputc('\n', out);
        }
        print_similar(out, json_object_get(hit, "similar"), po);
        printed++;
    }
    if (printed == 0)
        print_no_results(out, answer, po);
    else
        fprintf(out, "%s%d of %s%lld result%s, %.2f ms%s\n", po->color ? DIM : "", printed, exact ? "" : "about ",
                (long long)total, total == 1 ? "" : "s", took, po->color ? RESET : "");
    if (printed)
        print_query_notes(out, answer, po);
    print_facets(out, answer, po);
    return printed;
}

void sou_print_document(FILE *out, const json_t *doc, const json_t *fields, const sou_print_opts *po)
{
    static const char *const shown[] = {"id", "title", "body", "url", "date", "related", "title_html", "body_html"};
    unsigned col = 0;
    const char *key;
    const json_t *v;

    fputs(po->color ? BOLD : "", out);
    print_text(out, *str_of(doc, "title") ? str_of(doc, "title") : "(untitled)", 0, po, &col);
    fputs(po->color ? RESET "\n" : "\n", out);
    /* id, date, the other fields, url: one line, wrapped */
    col = 0;
    fputs(po->color ? DIM : "", out);
    print_text(out, str_of(doc, "id"), 2, po, &col);
    if (*str_of(doc, "date")) {
        print_text(out, "  ", 2, po, &col);
        print_text(out, str_of(doc, "date"), 2, po, &col);
    }
    json_object_foreach((json_t *)doc, key, v) {
        size_t k;
        for (k = 0; k < sizeof shown / sizeof shown[0]; k++)
            if (strcmp(key, shown[k]) == 0)
                break;
        if (k < sizeof shown / sizeof shown[0] || !json_is_string(v) || !*json_string_value(v))
            continue;
        const char *name = json_string_value(json_object_get(json_object_get(fields, "labels"), key));
        const char *value = json_string_value(v);
        const char *vname =
            json_string_value(json_object_get(json_object_get(json_object_get(fields, "values"), key), value));
        print_text(out, "  ", 2, po, &col);
        print_text(out, name ? name : key, 2, po, &col);
        print_text(out, ": ", 2, po, &col);
        print_text(out, vname ? vname : value, 2, po, &col);
    }
    if (*str_of(doc, "url")) {
        print_text(out, "  ", 2, po, &col);
        print_text(out, str_of(doc, "url"), 2, po, &col);
    }
    fputs(po->color ? RESET "\n\n" : "\n\n", out);
    for (const char *line = str_of(doc, "body"); *line;) {
        size_t len = strcspn(line, "\n");
        char *one = strndup(line, len);
        col = 0;
        print_text(out, one ? one : "", 0, po, &col);
        fputc('\n', out);
        free(one);
        line += len + (line[len] == '\n');
    }
    const json_t *related = json_object_get(doc, "related");
    if (json_array_size(related) > 0) {
        size_t i;
        fprintf(out, "\n%srelated:%s\n", po->color ? BOLD : "", po->color ? RESET : "");
        json_array_foreach(related, i, v) {
            char head[32];
            snprintf(head, sizeof head, "  %zu. ", i + 1);
            fputs(head, out);
            col = (unsigned)strlen(head);
            print_text(out, str_of(v, "title"), 5, po, &col);
            fputs(po->color ? "  " DIM : "  ", out);
            col += 2;
            print_text(out, str_of(v, "id"), 5, po, &col);
            fputs(po->color ? RESET "\n" : "\n", out);
        }
    }
}
