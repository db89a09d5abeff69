/* sou_testload.c: see sou_testload.h. */
#include "sou_testload.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "sou_testserver.h"

typedef struct {
    sou_testload *l;
    pthread_t thread;
    int http;
    unsigned first; /* which query this client starts with */
} client;

struct sou_testload {
    int line_port, http_port;
    char **line_requests; /* "SEARCH {...}" a query */
    char **http_targets;  /* "/search?q=...&..." a query */
    size_t nq;
    client *clients;
    unsigned nclients;
    atomic_int stop;
    pthread_mutex_t mu;
    sou_testload_counts counts;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void count(sou_testload *l, int ok, double ms, double took, const char *what)
{
    pthread_mutex_lock(&l->mu);
    if (took > l->counts.max_took_ms)
        l->counts.max_took_ms = took;
    if (ok) {
        l->counts.answers++;
    } else {
        if (l->counts.failures++ == 0)
            snprintf(l->counts.first_failure, sizeof l->counts.first_failure, "%s", what);
    }
    if (ms > l->counts.max_ms)
        l->counts.max_ms = ms;
    pthread_mutex_unlock(&l->mu);
}

/* "" when the answer is good, else what is wrong with it. */
static void judge(const json_t *a, int status, char *why, size_t cap)
{
    const json_t *e = json_object_get(a, "error");
    why[0] = '\0';
    if (!a)
        snprintf(why, cap, "no answer (status %d)", status);
    else if (e)
        snprintf(why, cap, "error %lld: %s", (long long)json_integer_value(json_object_get(e, "code")),
                 json_string_value(json_object_get(e, "message")));
    else if (status != 200)
        snprintf(why, cap, "HTTP status %d", status);
    else if (!json_is_array(json_object_get(a, "hits")))
        snprintf(why, cap, "an answer without hits");
}

static void *client_main(void *arg)
{
    client *c = arg;
    sou_testload *l = c->l;
    sou_testconn conn;
    int open = 0;
    char why[300];

    for (size_t i = c->first; !atomic_load(&l->stop); i++) {
        size_t q = i % l->nq;
        json_t *a = NULL;
        int status = 200;
        double t0 = now_ms();
        if (c->http) {
            a = sou_test_http_json(l->http_port, l->http_targets[q], &status);
        } else {
            if (!open && sou_testconn_open(&conn, l->line_port) == 0)
                open = 1;
            if (open && !(a = sou_testconn_call(&conn, l->line_requests[q]))) {
                sou_testconn_close(&conn); /* broken: the next request reconnects */
                open = 0;
            }
            status = a ? 200 : 0;
        }
        judge(a, status, why, sizeof why);
        count(l, why[0] == '\0', now_ms() - t0, json_number_value(json_object_get(a, "took_ms")), why);
        json_decref(a);
    }
    if (open)
        sou_testconn_close(&conn);
    return NULL;
}

static void free_load(sou_testload *l)
{
    for (size_t i = 0; i < l->nq; i++) {
        free(l->line_requests ? l->line_requests[i] : NULL);
        free(l->http_targets ? l->http_targets[i] : NULL);
    }
    free(l->line_requests);
    free(l->http_targets);
    free(l->clients);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

/* The request line and the HTTP target of q with the extra options. */
static int make_requests(sou_testload *l, size_t i, const char *q, const json_t *extra)
{
    json_t *o = json_pack("{s:s}", "q", q);
    const char *key;
    json_t *v;
    char *line = NULL, *target = NULL, *enc = sou_test_urlencode(q);
    int rc = -1;

    if (!o || !enc || asprintf(&target, "/search?q=%s", enc) < 0)
        goto done;
    json_object_foreach((json_t *)extra, key, v) {
        char *val = json_is_string(v) ? sou_test_urlencode(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY);
        char *t = NULL;
        if (!val || asprintf(&t, "%s&%s=%s", target, key, val) < 0) {
            free(val);
            goto done;
        }
        free(val);
        free(target);
        target = t;
        json_object_set(o, key, v);
    }
    line = json_dumps(o, JSON_COMPACT);
    if (!line || asprintf(&l->line_requests[i], "SEARCH %s", line) < 0)
        goto done;
    l->http_targets[i] = target;
    target = NULL;
    rc = 0;
done:
    free(line);
    free(target);
    free(enc);
    json_decref(o);
    return rc;
}

sou_testload *sou_testload_start(int line_port, int http_port, unsigned clients, const char *const *queries,
                                 size_t nq, const char *extra)
{
    sou_testload *l = calloc(1, sizeof *l);
    json_t *ex = extra ? json_loads(extra, 0, NULL) : json_object();

    if (!l || !json_is_object(ex) || nq == 0 || clients == 0) {
        free(l);
        json_decref(ex);
        return NULL;
    }
    pthread_mutex_init(&l->mu, NULL);
    l->line_port = line_port;
    l->http_port = http_port;
    l->nq = nq;
    l->line_requests = calloc(nq, sizeof *l->line_requests);
    l->http_targets = calloc(nq, sizeof *l->http_targets);
    l->clients = calloc(clients, sizeof *l->clients);
    if (!l->line_requests || !l->http_targets || !l->clients)
        goto fail;
    for (size_t i = 0; i < nq; i++)
        if (make_requests(l, i, queries[i], ex) < 0)
            goto fail;
    json_decref(ex);
    ex = NULL;
    for (unsigned i = 0; i < clients; i++) {
        client *c = &l->clients[i];
        c->l = l;
        c->http = http_port > 0 && i % 2 == 1;
        c->first = i;
        if (pthread_create(&c->thread, NULL, client_main, c) != 0) {
            atomic_store(&l->stop, 1);
            for (unsigned k = 0; k < l->nclients; k++)
                pthread_join(l->clients[k].thread, NULL);
            goto fail;
        }
        l->nclients++;
    }
    return l;
fail:
    json_decref(ex);
    free_load(l);
    return NULL;
}

void sou_testload_read(sou_testload *l, sou_testload_counts *out)
{
    pthread_mutex_lock(&l->mu);
    *out = l->counts;
    pthread_mutex_unlock(&l->mu);
}

void sou_testload_stop(sou_testload *l, sou_testload_counts *out)
{
    if (!l)
        return;
    atomic_store(&l->stop, 1);
    for (unsigned i = 0; i < l->nclients; i++)
        pthread_join(l->clients[i].thread, NULL);
    if (out)
        *out = l->counts;
    free_load(l);
}
