/* lineclient: the benchmarks' client for searchd's line protocol.
 *
 *   lineclient ask HOST:PORT [SCORES] < questions.tsv
 *       One persistent connection; for each "QID<TAB>TEXT" sends
 *       SEARCH {"q":TEXT,"limit":10} and waits for its JSON line; prints
 *       "QID<TAB>MICROSECONDS<TAB>ID ID ..." (peer_io.h's answer format), and
 *       when a SCORES file is named writes "QID<TAB>SCORE SCORE ..." there, the
 *       hits' scores in the same order (bench/cluster compares ties with them).
 *   lineclient load HOST:PORT CONNECTIONS SECONDS questions.tsv
 *       CONNECTIONS threads, each with its own connection, send the questions in a
 *       cycle (each thread starting at a different place), one request in flight a
 *       connection, for SECONDS; prints one line:
 *       "connections N requests R errors E seconds S qps Q p50_ms P p99_ms P max_ms M
 *        took_p50_ms P took_p99_ms P" (p50/p99/max of the round trip, from the
 *       request's write to its answer's last byte, then of the
 *       server's own "took_ms" in its answers: the difference is transport and queueing).
 * An answer with an "error" member counts as an error.  Exit status 1 if the
 * server cannot be reached or closes a connection.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer_io.h"

typedef struct {
    int fd;
    char buf[1 << 16];
    size_t start, end;
    char *line; /* the last line read (owned, grown) */
    size_t cap;
} conn;

static int conn_open(conn *c, const char *hostport)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    struct addrinfo hints, *res = NULL;
    int one = 1;

    memset(c, 0, sizeof *c);
    c->fd = -1;
    if (!colon || (size_t)(colon - hostport) >= sizeof host) {
        fprintf(stderr, "lineclient: %s: expected HOST:PORT\n", hostport);
        return -1;
    }
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int e = getaddrinfo(host, colon + 1, &hints, &res);
    if (e) {
        fprintf(stderr, "lineclient: %s: %s\n", hostport, gai_strerror(e));
        return -1;
    }
    c->fd = socket(res->ai_family, SOCK_STREAM, 0);
    if (c->fd < 0 || connect(c->fd, res->ai_addr, res->ai_addrlen) < 0) {
        fprintf(stderr, "lineclient: %s: %s\n", hostport, strerror(errno));
        freeaddrinfo(res);
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
        return -1;
    }
    freeaddrinfo(res);
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

static void conn_close(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->line);
    c->fd = -1;
    c->line = NULL;
}

static int conn_write(conn *c, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(c->fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads one line (without its newline) into c->line.  Returns its length, or -1
 * at end of stream or on error. */
static ssize_t conn_readline(conn *c)
{
    size_t len = 0;
    for (;;) {
        char *nl = memchr(c->buf + c->start, '\n', c->end - c->start);
        size_t take = nl ? (size_t)(nl - (c->buf + c->start)) : c->end - c->start;
        if (len + take + 1 > c->cap) {
            size_t ncap = 2 * (len + take + 1);
            char *nb = realloc(c->line, ncap);
            if (!nb)
                return -1;
            c->line = nb;
            c->cap = ncap;
        }
        memcpy(c->line + len, c->buf + c->start, take);
        len += take;
        c->line[len] = '\0';
        c->start += take;
        if (nl) {
            c->start++;
            return (ssize_t)len;
        }
        ssize_t r = read(c->fd, c->buf, sizeof c->buf);
        if (r < 0 && errno == EINTR)
            r = 0;
        else if (r <= 0)
            return -1;
        c->start = 0;
        c->end = (size_t)r;
    }
}

/* The request line for a question (owned by the caller, free()). */
static char *request_for(const char *text)
{
    json_t *o = json_pack("{s:s, s:i}", "q", text, "limit", 10);
    if (!o)
        return NULL;
    char *js = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!js)
        return NULL;
    size_t n = strlen(js);
    char *req = malloc(n + 9);
    if (req) {
        memcpy(req, "SEARCH ", 7);
        memcpy(req + 7, js, n);
        req[n + 7] = '\n';
        req[n + 8] = '\0';
    }
    free(js);
    return req;
}

/* One request and its answer.  Fills `ids` (space-separated, may be NULL) and
 * *took_ms (the answer's "took_ms", the server's own time; -1 if absent; may be
 * NULL) and returns 0, 1 for an error answer, -1 for a broken connection. */
/* Append s to the space-separated list in *buf (cap *cap).  -1 on OOM. */
static int list_add(char **buf, size_t *cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 2 > *cap) {
        char *nb = realloc(*buf, *cap = 2 * (*len + n + 2));
        if (!nb)
            return -1;
        *buf = nb;
    }
    if (*len)
        (*buf)[(*len)++] = ' ';
    memcpy(*buf + *len, s, n + 1);
    *len += n;
    return 0;
}

/* A growable list of the hits' scores (lineclient ask SCORES). */
typedef struct {
    char *p;
    size_t cap;
} scorelist;

/* Send req and read its answer line: *seconds is the round trip, from the
 * write to the answer's last byte (the client's own parsing of the answer
 * afterwards is not counted: wrk, the HTTP client, does not parse either). */
static int ask_one(conn *c, const char *req, char **ids, size_t *idcap, double *took_ms, scorelist *scores,
                   double *seconds)
{
    double t0 = peer_now();
    if (conn_write(c, req, strlen(req)) < 0 || conn_readline(c) < 0)
        return -1;
    *seconds = peer_now() - t0;
    json_error_t jerr;
    json_t *ans = json_loads(c->line, 0, &jerr);
    json_t *hits = ans ? json_object_get(ans, "hits") : NULL;
    int rc = (!ans || json_object_get(ans, "error") || !json_is_array(hits)) ? 1 : 0;
    if (took_ms) {
        json_t *t = ans ? json_object_get(ans, "took_ms") : NULL;
        *took_ms = json_is_number(t) ? json_number_value(t) : -1.0;
    }
    if (scores) {
        size_t o = 0, i;
        json_t *h;
        char num[32];
        if (list_add(&scores->p, &scores->cap, &o, "") < 0) /* makes it an empty string */
            rc = -1;
        json_array_foreach(hits, i, h)
        {
            snprintf(num, sizeof num, "%.4f", json_number_value(json_object_get(h, "score")));
            if (rc >= 0 && list_add(&scores->p, &scores->cap, &o, num) < 0)
                rc = -1;
        }
    }
    if (ids) {
        size_t o = 0, i;
        json_t *h;
        if (*idcap < 1 && !(*ids = realloc(*ids, *idcap = 256)))
            rc = -1;
        if (*ids)
            (*ids)[0] = '\0';
        json_array_foreach(hits, i, h)
        {
            const char *id = json_string_value(json_object_get(h, "id"));
            size_t n = id ? strlen(id) : 0;
            if (!id || !*ids)
                continue;
            if (o + n + 2 > *idcap) {
                char *nb = realloc(*ids, *idcap = 2 * (o + n + 2));
                if (!nb) {
                    free(*ids);
                    *ids = NULL;
                    rc = -1;
                    break;
                }
                *ids = nb;
            }
            if (o)
                (*ids)[o++] = ' ';
            memcpy(*ids + o, id, n);
            o += n;
            (*ids)[o] = '\0';
        }
    }
    json_decref(ans);
    return rc;
}

static int run_ask(const char *hostport, const char *scores_path)
{
    conn c;
    peer_questions qs;
    char *ids = NULL;
    size_t idcap = 0;
    scorelist scores = {NULL, 0};
    int rc = 1;
    FILE *sf = NULL;

    if (scores_path && !(sf = fopen(scores_path, "w"))) {
        fprintf(stderr, "lineclient: %s: %s\n", scores_path, strerror(errno));
        return 1;
    }
    if (conn_open(&c, hostport) < 0) {
        if (sf)
            fclose(sf);
        return 1;
    }
    peer_questions_start(&qs, stdin);
    while (peer_questions_next(&qs)) {
        const char *qid = qs.qid;
        char *req = request_for(qs.text);
        if (!req) {
            fprintf(stderr, "lineclient: stdin:%ld: cannot encode the question\n", qs.lineno);
            continue;
        }
        double trip = 0;
        int a = ask_one(&c, req, &ids, &idcap, NULL, sf ? &scores : NULL, &trip);
        double us = trip * 1e6;
        free(req);
        if (a < 0) {
            fprintf(stderr, "lineclient: %s: connection lost at %s\n", hostport, qid);
            goto done;
        }
        if (a > 0)
            fprintf(stderr, "lineclient: %s: error answer: %.200s\n", qid, c.line);
        peer_answer(qid, us, ids, a == 0 && ids ? strlen(ids) : 0);
        if (sf)
            fprintf(sf, "%s\t%s\n", qid, a == 0 && scores.p ? scores.p : "");
    }
    rc = 0;
done:
    if (sf && fclose(sf) != 0)
        rc = 1;
    peer_questions_free(&qs);
    free(ids);
    free(scores.p);
    conn_close(&c);
    return rc;
}

typedef struct {
    const char *hostport;
    char **reqs;
    size_t nreqs, first;
    double deadline;
    double *lat;  /* round-trip latencies in ms (owned) */
    double *took; /* the server's took_ms for the same requests (owned; -1 if absent) */
    size_t nlat, latcap;
    long errors;
    int broken;
} worker;

static void *load_worker(void *arg)
{
    worker *w = arg;
    conn c;
    if (conn_open(&c, w->hostport) < 0) {
        w->broken = 1;
        return NULL;
    }
    for (size_t i = w->first;; i = (i + 1) % w->nreqs) {
        double t0 = peer_now();
        if (t0 >= w->deadline)
            break;
        double took, trip = 0;
        int a = ask_one(&c, w->reqs[i], NULL, NULL, &took, NULL, &trip);
        double ms = trip * 1e3;
        if (a < 0) {
            w->broken = 1;
            break;
        }
        w->errors += a;
        if (w->nlat == w->latcap) {
            size_t ncap = w->latcap ? 2 * w->latcap : 4096;
            double *nl = realloc(w->lat, ncap * sizeof *nl);
            if (nl)
                w->lat = nl;
            double *nt = nl ? realloc(w->took, ncap * sizeof *nt) : NULL;
            if (nt)
                w->took = nt;
            if (!nl || !nt) {
                w->broken = 1;
                break;
            }
            w->latcap = ncap;
        }
        w->took[w->nlat] = took;
        w->lat[w->nlat++] = ms;
    }
    conn_close(&c);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run_load(const char *hostport, int nconn, double seconds, const char *file)
{
    FILE *in = fopen(file, "r");
    peer_questions qs;
    char **reqs = NULL;
    size_t n = 0, rcap = 0;
    int rc = 1;
    worker *ws = NULL;
    pthread_t *th = NULL;
    double *all = NULL, *took = NULL;

    if (!in) {
        fprintf(stderr, "lineclient: %s: %s\n", file, strerror(errno));
        return 1;
    }
    peer_questions_start(&qs, in);
    while (peer_questions_next(&qs)) {
        if (n == rcap) {
            rcap = rcap ? 2 * rcap : 1024;
            char **nr = realloc(reqs, rcap * sizeof *nr);
            if (!nr)
                goto done;
            reqs = nr;
        }
        if (!(reqs[n] = request_for(qs.text)))
            goto done;
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "lineclient: %s: no questions\n", file);
        goto done;
    }
    ws = calloc((size_t)nconn, sizeof *ws);
    th = calloc((size_t)nconn, sizeof *th);
    if (!ws || !th)
        goto done;
    double t0 = peer_now();
    for (int i = 0; i < nconn; i++) {
        ws[i].hostport = hostport;
        ws[i].reqs = reqs;
        ws[i].nreqs = n;
        ws[i].first = (size_t)i * n / (size_t)nconn;
        ws[i].deadline = t0 + seconds;
        if (pthread_create(&th[i], NULL, load_worker, &ws[i]) != 0) {
            fprintf(stderr, "lineclient: cannot start a thread\n");
            for (int j = 0; j < i; j++)
                pthread_join(th[j], NULL);
            goto done;
        }
    }
    size_t total = 0;
    long errors = 0;
    int broken = 0;
    for (int i = 0; i < nconn; i++) {
        pthread_join(th[i], NULL);
        total += ws[i].nlat;
        errors += ws[i].errors;
        broken |= ws[i].broken;
    }
    double elapsed = peer_now() - t0;
    if (!(all = malloc((total ? total : 1) * sizeof *all)) ||
        !(took = malloc((total ? total : 1) * sizeof *took)))
        goto done;
    size_t o = 0;
    for (int i = 0; i < nconn; i++) {
        if (ws[i].nlat) {
            memcpy(all + o, ws[i].lat, ws[i].nlat * sizeof *all);
            memcpy(took + o, ws[i].took, ws[i].nlat * sizeof *took);
        }
        o += ws[i].nlat;
    }
    qsort(all, total, sizeof *all, cmp_double);
    qsort(took, total, sizeof *took, cmp_double);
#define PCT(v, p) (total ? (v)[(size_t)((p) * (double)(total - 1) + 0.5)] : 0.0)
    printf("connections %d requests %zu errors %ld seconds %.2f qps %.1f p50_ms %.3f p99_ms %.3f "
           "max_ms %.3f took_p50_ms %.3f took_p99_ms %.3f\n",
           nconn, total, errors, elapsed, (double)total / elapsed, PCT(all, 0.50), PCT(all, 0.99),
           total ? all[total - 1] : 0.0, PCT(took, 0.50), PCT(took, 0.99));
#undef PCT
    if (broken)
        fprintf(stderr, "lineclient: %s: a connection failed or was closed\n", hostport);
    rc = broken ? 1 : 0;
done:
    if (ws)
        for (int i = 0; i < nconn; i++) {
            free(ws[i].lat);
            free(ws[i].took);
        }
    free(ws);
    free(th);
    free(all);
    free(took);
    for (size_t i = 0; i < n; i++)
        free(reqs[i]);
    free(reqs);
    peer_questions_free(&qs);
    fclose(in);
    return rc;
}

int main(int argc, char **argv)
{
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "ask") == 0)
        return run_ask(argv[2], argc == 4 ? argv[3] : NULL);
    if (argc == 6 && strcmp(argv[1], "load") == 0) {
        int nconn = atoi(argv[3]);
        double secs = atof(argv[4]);
        if (nconn < 1 || nconn > 1024 || secs <= 0) {
            fprintf(stderr, "lineclient: load: CONNECTIONS must be 1..1024 and SECONDS > 0\n");
            return 2;
        }
        return run_load(argv[2], nconn, secs, argv[5]);
    }
    fprintf(stderr, "usage: lineclient ask HOST:PORT [SCORES] < questions.tsv\n"
                    "       lineclient load HOST:PORT CONNECTIONS SECONDS questions.tsv\n");
    return 2;
}
