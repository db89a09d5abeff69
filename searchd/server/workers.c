/* workers.c: see workers.h. */
#include "workers.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_line.h"
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
    sou_shard_options shard_opt;
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

/* A shard of a sharded index went down or came back. */
static void shard_notify(int warn, const char *msg, void *ctx)
{
    worker *w = ctx;
    if (warn)
        SOU_WARN("worker %d: %s", w->index, msg);
    else
        SOU_INFO("worker %d: %s", w->index, msg);
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
        sou_shard_options opt = pool->shard_opt;
        opt.replica_seed = (unsigned)w->index; /* workers spread over a shard's replicas */
        opt.notify = shard_notify;
        opt.notify_ctx = w;
        opt.keep_values = SOU_KEEP_VALUES_MAX; /* a worker answers many searches */
        w->searcher = sou_searcher_open_with(pool->db_path, &opt, err);
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
    sou_error err = {0};
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
    case SOU_JOB_SUGGEST:
        answer = sou_suggest(s, job->options, &err);
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

sou_workers *sou_workers_new(struct event_base *base, const char *db_path, const sou_shard_options *shard_opt,
                             int nthreads, int max_queue, sou_error *err)
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
    if (shard_opt)
        pool->shard_opt = *shard_opt;
    else
        sou_shard_options_init(&pool->shard_opt);
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
        sou_error_fail(&err, pool->stopping ? SOU_R_SHUTTING_DOWN : SOU_R_OVERLOADED,
                       pool->stopping ? "searchd is shutting down" : "searchd is overloaded (%zu requests queued)",
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
