/*
 * workers.h: the pool of threads that run searches.
 *
 * Each worker thread owns one sou_searcher (its own read-only database
 * handle) and takes jobs from one shared FIFO queue, so a slow query holds
 * one worker while the others keep answering.  Before each job a worker
 * calls sou_searcher_refresh (an indexer commit becomes visible at the next
 * request) and, when the index could not be opened, tries to open it again
 * (searchd starts without an index and answers 503 until one appears).
 *
 * Finished jobs go on a done list and the event loop is woken with
 * event_active() on a user event (libevent is set up for threads, so that
 * is safe from any thread); the loop thread then calls each job's done
 * callback.  So done callbacks, and everything they touch (connections,
 * stats), live in the event-loop thread only.
 */
#ifndef SOU_WORKERS_H
#define SOU_WORKERS_H

#include <stddef.h>

#include <event2/event.h>
#include <jansson.h>

#include "search.h"

typedef enum {
    SOU_JOB_SEARCH, /* options: the search options object */
    SOU_JOB_GET,    /* options: {"id": "...", "q": "..." (optional)} */
    SOU_JOB_INFO,   /* options: unused; answer is sou_searcher_info's object */
    SOU_JOB_SUGGEST, /* options: {"q": prefix, "limit"?} (sou_suggest) */
} sou_job_kind;

typedef struct sou_job sou_job;
typedef void (*sou_job_done_fn)(sou_job *job);

struct sou_job {
    /* Set by the submitter. */
    sou_job_kind kind;
    json_t *options;      /* owned by the job (decref'ed by sou_job_free) */
    sou_job_done_fn done; /* called in the loop thread; must sou_job_free(job) */
    void *arg;            /* for done */
    double submitted;     /* sou_now() when the request arrived */
    int cancelled;        /* set (sou_job_cancel) when nobody wants the answer any more */

    /* Set by the worker. */
    int status;           /* HTTP status: 200, or the error's */
    char *body;           /* owned: the answer as one line of compact JSON (no newline) */
    size_t body_len;
    json_t *answer;       /* owned: SOU_JOB_INFO's object (NULL on error); other kinds use body */
    sou_error error;      /* why, when status != 200 (body then holds its JSON) */
    sou_job *next;        /* queue link (private) */
};

typedef struct sou_workers sou_workers;

/* Start nthreads workers over the index at db_path (which need not exist
 * yet), a sharded one read with shard_opt (copied; NULL = defaults; each
 * worker starts at its own replica of each shard).  Done jobs are reported
 * through base.  NULL with err on failure. */
sou_workers *sou_workers_new(struct event_base *base, const char *db_path, const sou_shard_options *shard_opt,
                             int nthreads, int max_queue, sou_error *err);

/* A new job of kind, taking options (stolen, may be NULL).  NULL on OOM. */
sou_job *sou_job_new(sou_job_kind kind, json_t *options, sou_job_done_fn done, void *arg);
void sou_job_free(sou_job *job);

/* Nobody will read job's answer (its client left): a worker that has not
 * started it skips it.  The done callback still runs.  Any thread. */
void sou_job_cancel(sou_job *job);

/* Make job fail with err as its answer (for jobs never queued). */
void sou_job_fail(sou_job *job, const sou_error *err);

/* Queue job.  Returns 0; or -1 when the queue is full or the pool is
 * stopping, with the job answered as a 503 error: its done callback still
 * runs, later, from the loop, so callers handle both cases alike. */
int sou_workers_submit(sou_workers *w, sou_job *job);

/* Ask every worker to close and reopen its database before its next job (SIGHUP). */
void sou_workers_reopen(sou_workers *w);

/* Jobs queued or running, not yet handed back. */
size_t sou_workers_pending(sou_workers *w);
/* Jobs waiting for a worker. */
size_t sou_workers_queued(sou_workers *w);

/* Stop: let queued jobs finish, join the threads, run the done callbacks of
 * what finished, free everything.  Call from the loop thread. */
void sou_workers_free(sou_workers *w);


#endif /* SOU_WORKERS_H */
