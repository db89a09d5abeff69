/* workers.c: see workers.h. */
#include "workers.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

typedef struct {
    sou_workers *pool;
    pthread_t thread;
    int index;
    int started;
    sou_searcher *searcher; /* owned by this thread; NULL until the index opens */
    unsigned generation;    /* pool->generation when searcher was opened */
    int last_ok;            /* whether the last open succeeded (log transitions only) */
} worker;

struct sou_workers {
    struct event_base *base; /* borrowed */
    struct event *wake;      /* user event: done list not empty */
    char *db_path;
    int nthreads;
    int max_queue;
    worker *workers;

    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t cond;
    sou_job *queue_head, *queue_tail;
    size_t queued;
    size_t running;
    sou_job *done_head, *done_tail;
    size_t done_count;
    unsigned generation; /* bumped by sou_workers_reopen */
    int stopping;
};

/* sou_json_line's output buffer. */
typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} jbuf;

static int jb_reserve(jbuf *b, size_t n)
{
    if (b->oom)
        return -1;
    if (b->len + n <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

static void jb_put(jbuf *b, const char *s, size_t n)
{
    if (jb_reserve(b, n) < 0)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* A JSON string as jansson writes it without JSON_ENSURE_ASCII or
 * JSON_ESCAPE_SLASH: UTF-8 as is (a json_t string is valid UTF-8 already),
 * \" \\ \b \f \n \r \t, other control characters as \u00XX. */
static void jb_string(jbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (jb_reserve(b, n + 2) < 0)
        return;
    b->p[b->len++] = '"';
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        /* Eight bytes at a time while none needs escaping (has-zero-byte
         * tests for '"', '\\' and bytes below 0x20). */
        while (run + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + run, 8);
            const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
            uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
            if ((((q - ones) & ~q) | ((bs - ones) & ~bs) | ((w - ones * 0x20) & ~w)) & highs)
                break;
            run += 8;
        }
        while (run < n && (unsigned char)s[run] >= 0x20 && s[run] != '"' && s[run] != '\\')
            run++;
        jb_put(b, s + i, run - i);
        if (run == n)
            break;
        unsigned char c = (unsigned char)s[run];
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
        }
        jb_put(b, esc, el);
        i = run + 1;
    }
    jb_put(b, "\"", 1);
}

/* A real as jansson prints it with JSON_REAL_PRECISION(9): %.9g, ".0" when
 * that looks like an integer, no '+' or leading zeros in the exponent. */
static void jb_real(jbuf *b, double v)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.9g", v);
    if (n < 0 || (size_t)n >= sizeof buf - 3) {
        b->oom = 1;
        return;
    }
    size_t len = (size_t)n;
    for (char *c = buf; *c; c++)
        if (*c == ',') /* a locale's decimal comma */
            *c = '.';
    if (!strchr(buf, '.') && !strchr(buf, 'e')) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }
    char *start = strchr(buf, 'e');
    if (start) {
        start++;
        char *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - buf) + 1);
            len -= (size_t)(end - start);
        }
    }
    jb_put(b, buf, len);
}

static void jb_value(jbuf *b, const json_t *v, int depth)
{
    char num[32];
    if (depth > 2048) { /* jansson's own limit; sou's answers are 4 deep */
        b->oom = 1;
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *m;
        int first = 1;
        jb_put(b, "{", 1);
        json_object_foreach((json_t *)v, key, m)
        {
            if (!first)
                jb_put(b, ",", 1);
            first = 0;
            jb_string(b, key, strlen(key));
            jb_put(b, ":", 1);
            jb_value(b, m, depth + 1);
        }
        jb_put(b, "}", 1);
        break;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        jb_put(b, "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (i)
                jb_put(b, ",", 1);
            jb_value(b, json_array_get(v, i), depth + 1);
        }
        jb_put(b, "]", 1);
        break;
    }
    case JSON_STRING:
        jb_string(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER: {
        int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        jb_put(b, num, (size_t)n);
        break;
    }
    case JSON_REAL:
        jb_real(b, json_real_value(v));
        break;
    case JSON_TRUE:
        jb_put(b, "true", 4);
        break;
    case JSON_FALSE:
        jb_put(b, "false", 5);
        break;
    case JSON_NULL:
        jb_put(b, "null", 4);
        break;
    }
}

char *sou_json_line(const json_t *answer, size_t *len)
{
    /* What json_dumps(answer, JSON_COMPACT | JSON_PRESERVE_ORDER |
     * JSON_REAL_PRECISION(9)) writes, byte for byte (tests/check_json_line.c),
     * at a fifth of its cost: jansson escapes strings a code point at a time
     * through a callback, which was an eighth of a search's CPU.  Compact
     * output never has a newline (strings escape theirs), so one answer is
     * exactly one line.  Non-ASCII stays UTF-8.  Nine significant digits
     * print 0.1 as 0.1, not 0.10000000000000001. */
    jbuf b = {0};
    if (!answer || !(json_is_object(answer) || json_is_array(answer)))
        return NULL; /* json_dumps's rule without JSON_ENCODE_ANY */
    jb_value(&b, answer, 0);
    jb_put(&b, "", 1);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    if (len)
        *len = b.len - 1;
    return b.p;
}

sou_job *sou_job_new(sou_job_kind kind, json_t *options, sou_job_done_fn done, void *arg)
{
    sou_job *job = calloc(1, sizeof *job);
    if (!job) {
        json_decref(options);
        return NULL;
    }
    job->kind = kind;
    job->options = options;
    job->done = done;
    job->arg = arg;
    return job;
}

void sou_job_free(sou_job *job)
{
    if (!job)
        return;
    json_decref(job->options);
    json_decref(job->answer);
    free(job->body);
    free(job);
}

void sou_job_cancel(sou_job *job)
{
    __atomic_store_n(&job->cancelled, 1, __ATOMIC_RELAXED);
}

void sou_job_fail(sou_job *job, const sou_error *err)
{
    json_t *e = sou_error_json(err);
    job->error = *err;
    job->status = sou_error_http_status(err->code);
    json_decref(job->answer);
    job->answer = NULL;
    free(job->body);
    job->body = e ? sou_json_line(e, &job->body_len) : NULL;
    json_decref(e);
    if (!job->body) {
        /* Out of memory: a fixed answer still tells the client something. */
        static const char oom[] = "{\"error\":{\"code\":500,\"message\":\"out of memory\"}}";
        job->status = 500;
        job->body = strdup(oom);
        job->body_len = job->body ? strlen(oom) : 0;
    }
}

/* Make sure w has an up-to-date searcher.  Returns it, or NULL with err. */
static sou_searcher *worker_searcher(worker *w, unsigned generation, sou_error *err)
{
    sou_workers *pool = w->pool;

    if (w->searcher && w->generation != generation) {
        SOU_DEBUG("worker %d: reopening %s", w->index, pool->db_path);
        sou_searcher_free(w->searcher);
        w->searcher = NULL;
    }
    if (w->searcher && sou_searcher_refresh(w->searcher, err) < 0) {
        /* E.g. the database was replaced wholesale: start over with a fresh handle. */
        SOU_WARN("worker %d: refresh failed (%s); reopening", w->index, err->message);
        sou_searcher_free(w->searcher);
        w->searcher = NULL;
    }
    if (!w->searcher) {
        w->searcher = sou_searcher_open(pool->db_path, err);
        w->generation = generation;
        if (!w->searcher && w->last_ok)
            SOU_WARN("worker %d: index unavailable: %s", w->index, err->message);
        else if (w->searcher && !w->last_ok)
            SOU_INFO("worker %d: index %s is available again", w->index, pool->db_path);
        w->last_ok = w->searcher != NULL;
    }
    return w->searcher;
}

static void run_job(worker *w, sou_job *job, unsigned generation)
{
    sou_error err = {SOU_OK, ""};
    sou_searcher *s;
    json_t *answer = NULL;

    if (__atomic_load_n(&job->cancelled, __ATOMIC_RELAXED)) {
        /* The client left: do not spend a worker on it. */
        sou_error_set(&err, SOU_EUNAVAILABLE, "cancelled: the client went away");
        goto fail;
    }
    if (!(s = worker_searcher(w, generation, &err)))
        goto fail;
    switch (job->kind) {
    case SOU_JOB_SEARCH:
        answer = sou_search(s, job->options, &err);
        break;
    case SOU_JOB_GET: {
        const char *id = json_string_value(json_object_get(job->options, "id"));
        const char *q = json_string_value(json_object_get(job->options, "q"));
        if (!id) {
            sou_error_set(&err, SOU_EBADREQUEST, "GET: \"id\" must be a string");
            goto fail;
        }
        answer = sou_get_document(s, id, q, &err);
        break;
    }
    case SOU_JOB_INFO:
        answer = sou_searcher_info(s, &err);
        break;
    }
    if (!answer)
        goto fail;
    job->status = 200;
    if (job->kind == SOU_JOB_INFO) {
        job->answer = answer;
        return;
    }
    job->body = sou_json_line(answer, &job->body_len);
    json_decref(answer);
    if (!job->body) {
        sou_error_set(&err, SOU_EINTERNAL, "out of memory serialising the answer");
        goto fail;
    }
    return;
fail:
    if (err.code == SOU_OK)
        sou_error_set(&err, SOU_EINTERNAL, "search failed without saying why");
    sou_job_fail(job, &err);
}

/* Hand a finished job to the loop thread.  Caller holds pool->lock. */
static void push_done_locked(sou_workers *pool, sou_job *job)
{
    job->next = NULL;
    if (pool->done_tail)
        pool->done_tail->next = job;
    else
        pool->done_head = job;
    pool->done_tail = job;
    pool->done_count++;
    event_active(pool->wake, EV_READ, 0);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    sou_workers *pool = w->pool;

    pthread_mutex_lock(&pool->lock);
    for (;;) {
        sou_job *job;
        unsigned generation;
        while (!pool->queue_head && !pool->stopping)
            pthread_cond_wait(&pool->cond, &pool->lock);
        if (!pool->queue_head)
            break; /* stopping and nothing left */
        job = pool->queue_head;
        pool->queue_head = job->next;
        if (!pool->queue_head)
            pool->queue_tail = NULL;
        pool->queued--;
        pool->running++;
        generation = pool->generation;
        pthread_mutex_unlock(&pool->lock);

        run_job(w, job, generation);

        pthread_mutex_lock(&pool->lock);
        pool->running--;
        push_done_locked(pool, job);
    }
    pthread_mutex_unlock(&pool->lock);
    sou_searcher_free(w->searcher);
    w->searcher = NULL;
    return NULL;
}

/* Loop thread: run the done callbacks of everything finished so far. */
static void drain_done(sou_workers *pool)
{
    sou_job *list;

    pthread_mutex_lock(&pool->lock);
    list = pool->done_head;
    pool->done_head = pool->done_tail = NULL;
    pool->done_count = 0;
    pthread_mutex_unlock(&pool->lock);
    while (list) {
        sou_job *job = list;
        list = job->next;
        job->next = NULL;
        job->done(job);
    }
}

static void wake_cb(evutil_socket_t fd, short what, void *arg)
{
    drain_done(arg);
}

sou_workers *sou_workers_new(struct event_base *base, const char *db_path, int nthreads, int max_queue,
                             sou_error *err)
{
    sou_workers *pool = calloc(1, sizeof *pool);
    int rc;

    if (!pool)
        goto oom;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->cond, NULL);
    pool->base = base;
    pool->nthreads = nthreads;
    pool->max_queue = max_queue;
    pool->db_path = strdup(db_path);
    pool->workers = calloc((size_t)nthreads, sizeof *pool->workers);
    pool->wake = event_new(base, -1, 0, wake_cb, pool);
    if (!pool->db_path || !pool->workers || !pool->wake)
        goto oom;
    for (int i = 0; i < nthreads; i++) {
        worker *w = &pool->workers[i];
        w->pool = pool;
        w->index = i;
        w->last_ok = 1;
        if ((rc = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
            sou_error_set(err, SOU_EINTERNAL, "cannot start worker thread %d: %s", i, strerror(rc));
            sou_workers_free(pool);
            return NULL;
        }
        w->started = 1;
    }
    return pool;
oom:
    sou_error_set(err, SOU_EINTERNAL, "out of memory starting workers");
    sou_workers_free(pool);
    return NULL;
}

int sou_workers_submit(sou_workers *pool, sou_job *job)
{
    int rc = 0;

    pthread_mutex_lock(&pool->lock);
    if (pool->stopping || pool->queued >= (size_t)pool->max_queue) {
        sou_error err;
        sou_error_set(&err, SOU_EUNAVAILABLE, pool->stopping ? "searchd is shutting down"
                                                             : "searchd is overloaded (%zu requests queued)",
                      pool->queued);
        sou_job_fail(job, &err);
        push_done_locked(pool, job);
        rc = -1;
    } else {
        job->next = NULL;
        if (pool->queue_tail)
            pool->queue_tail->next = job;
        else
            pool->queue_head = job;
        pool->queue_tail = job;
        pool->queued++;
        pthread_cond_signal(&pool->cond);
    }
    pthread_mutex_unlock(&pool->lock);
    return rc;
}

void sou_workers_reopen(sou_workers *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->generation++;
    pthread_mutex_unlock(&pool->lock);
}

size_t sou_workers_pending(sou_workers *pool)
{
    size_t n;
    pthread_mutex_lock(&pool->lock);
    n = pool->queued + pool->running + pool->done_count;
    pthread_mutex_unlock(&pool->lock);
    return n;
}

size_t sou_workers_queued(sou_workers *pool)
{
    size_t n;
    pthread_mutex_lock(&pool->lock);
    n = pool->queued;
    pthread_mutex_unlock(&pool->lock);
    return n;
}

void sou_workers_free(sou_workers *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = 1;
    pthread_cond_broadcast(&pool->cond);
    pthread_mutex_unlock(&pool->lock);
    if (pool->workers)
        for (int i = 0; i < pool->nthreads; i++)
            if (pool->workers[i].started)
                pthread_join(pool->workers[i].thread, NULL);
    drain_done(pool);
    if (pool->wake)
        event_free(pool->wake);
    free(pool->workers);
    free(pool->db_path);
    pthread_cond_destroy(&pool->cond);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}
