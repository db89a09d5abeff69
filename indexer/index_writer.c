/*
 * index_writer.c: the reader in the calling thread, N workers, shards or one
 * shared writer, and the final compaction and swap (see index_writer.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "facets.h"
#include "index_writer.h"

/* Documents waiting per worker: enough to ride over a slow commit, small
 * enough that an interrupt does not have much left to index. */
#define QUEUE_CAP 64
#define MAX_THREADS 64
#define BUILD_SUFFIX ".sou-build"
#define BUILD_MARKER ".sou-build"

typedef struct indexer indexer;

typedef struct {
    indexer *ix;
    unsigned index;
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cond; /* one producer, one consumer: signalled on push, pop, close */
    sou_doc *items[QUEUE_CAP];
    size_t head, count;
    int closed;
    sx_db *shard;        /* fresh build: this worker's own database (owned) */
    char *shard_path;    /* owned */
    unsigned long since_commit;
} worker;

struct indexer {
    sou_index_options opt;
    struct timespec t0, last_progress;
    /* counters the workers update */
    atomic_ulong added, replaced, skipped, problems;
    /* counters only the calling thread updates */
    unsigned long read, deleted, delete_missing;
    uint64_t bytes;
    const char *phase;
    unsigned nworkers;
    worker *workers;
    sx_db *db;                /* DIR, held (and so locked) for the whole run */
    pthread_mutex_t db_mu;    /* update mode: guards db and db_since_commit */
    unsigned long db_since_commit;
    int fresh;
    sou_fields fields;        /* the index's facets and labels, with opt.fields merged in */
    char *build_dir;          /* fresh build: DIR.sou-build (owned) */
    pthread_mutex_t problem_mu; /* one problem callback at a time */
    atomic_int failed;        /* a database write failed: stop */
    pthread_mutex_t fail_mu;
    sx_error fail_err;
    pthread_mutex_t done_mu;
    pthread_cond_t done_cond;
    unsigned done;            /* workers finished */
};

/* ---------------------------------------------------------------- helpers */

static double elapsed(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

static void set_error(sx_error *err, sx_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(sx_error *err, sx_status status, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    err->status = status;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

static void problem(indexer *ix, const char *file, unsigned long line, const char *msg)
{
    atomic_fetch_add(&ix->problems, 1);
    if (!ix->opt.problem)
        return;
    pthread_mutex_lock(&ix->problem_mu);
    ix->opt.problem(file, line, msg, ix->opt.problem_ctx);
    pthread_mutex_unlock(&ix->problem_mu);
}

/* Reader problems come through here (calling thread). */
static void reader_problem(const char *file, unsigned long line, const char *msg, void *ctx)
{
    problem(ctx, file, line, msg);
}

/* Record the first database failure; everyone stops at the next document. */
static void fail(indexer *ix, const sx_error *e)
{
    pthread_mutex_lock(&ix->fail_mu);
    if (!atomic_load(&ix->failed)) {
        ix->fail_err = *e;
        atomic_store(&ix->failed, 1);
    }
    pthread_mutex_unlock(&ix->fail_mu);
}

static void snapshot(indexer *ix, sou_index_stats *s)
{
    memset(s, 0, sizeof *s);
    s->read = ix->read;
    s->added = atomic_load(&ix->added);
    s->replaced = atomic_load(&ix->replaced);
    s->skipped = atomic_load(&ix->skipped);
    s->deleted = ix->deleted;
    s->delete_missing = ix->delete_missing;
    s->problems = atomic_load(&ix->problems);
    s->bytes = ix->bytes;
    s->seconds = elapsed(&ix->t0);
    s->phase = ix->phase;
    s->threads = ix->nworkers;
    s->fresh = ix->fresh;
}

static void progress(indexer *ix, int force)
{
    sou_index_stats s;
    unsigned ms = ix->opt.progress_ms ? ix->opt.progress_ms : 200;

    if (!ix->opt.progress)
        return;
    if (!force && elapsed(&ix->last_progress) * 1000.0 < ms)
        return;
    clock_gettime(CLOCK_MONOTONIC, &ix->last_progress);
    snapshot(ix, &s);
    ix->opt.progress(&s, ix->opt.progress_ctx);
}

static int stopping(indexer *ix)
{
    return (ix->opt.stop && *ix->opt.stop) || atomic_load(&ix->failed);
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    return remove(path);
}

static int remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static uint32_t hash_id(const char *id)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 16777619u;
    return h;
}

/* ---------------------------------------------------------------- workers */

static int queue_push(indexer *ix, worker *w, sou_doc *doc)
{
    pthread_mutex_lock(&w->mu);
    while (w->count == QUEUE_CAP && !atomic_load(&ix->failed)) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&w->cond, &w->mu, &until) == ETIMEDOUT) {
            pthread_mutex_unlock(&w->mu);
            progress(ix, 0);
            pthread_mutex_lock(&w->mu);
        }
    }
    if (atomic_load(&ix->failed)) {
        pthread_mutex_unlock(&w->mu);
        return -1;
    }
    w->items[(w->head + w->count) % QUEUE_CAP] = doc;
    w->count++;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

static sou_doc *queue_pop(worker *w)
{
    sou_doc *doc = NULL;

    pthread_mutex_lock(&w->mu);
    while (w->count == 0 && !w->closed)
        pthread_cond_wait(&w->cond, &w->mu);
    if (w->count) {
        doc = w->items[w->head];
        w->head = (w->head + 1) % QUEUE_CAP;
        w->count--;
        pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&w->mu);
    return doc;
}

static void queue_close(worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->closed = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mu);
}

/* Writes happen inside a transaction, committed every batch documents.
 * Why: Xapian flushes its in-memory changes every XAPIAN_FLUSH_THRESHOLD
 * documents, and outside a transaction each such flush is a full commit with
 * its fsync()s; inside one it only writes the B-tree blocks.  So the flush
 * threshold can be small (small maps in memory: faster) while commits stay
 * rare.  A shard needs no durability at all (flushed = 0); DIR does. */
static sx_status begin_batch(sx_db *db, int shard, sx_error *e)
{
    return sx_db_begin_transaction(db, shard ? 0 : 1, e);
}

static sx_status commit_batch(sx_db *db, int shard, sx_error *e)
{
    sx_status st = sx_db_commit_transaction(db, e);
    return st == SX_OK ? begin_batch(db, shard, e) : st;
}

/* Write one document: into the worker's shard, or into DIR under db_mu. */
static void index_one(worker *w, sou_xpassages *xd, const sou_doc *doc)
{
    indexer *ix = w->ix;
    char idterm[SOU_DOCUMENT_MAX_TERM + 16], msg[400];
    size_t idlen;
    unsigned existed = 0;
    sx_db *db = w->shard ? w->shard : ix->db;
    unsigned long *since = w->shard ? &w->since_commit : &ix->db_since_commit;
    unsigned batch = ix->opt.batch ? ix->opt.batch : SOU_INDEX_DEFAULT_BATCH;
    sx_error e;
    sx_status st;

    st = sou_document_build(doc, ix->opt.unigrams, xd, &e);
    if (st == SX_OK)
        st = sou_facets_add(&ix->fields, doc, xd, &e);
    idlen = sou_document_idterm(doc->id, idterm, sizeof idterm);
    if (st != SX_OK || idlen == 0) {
        snprintf(msg, sizeof msg, "document %s not indexed: %s", doc->id,
                 st != SX_OK ? e.message : "id too long");
        atomic_fetch_add(&ix->skipped, 1);
        problem(ix, doc->file, doc->line, msg);
        return;
    }
    if (!w->shard)
        pthread_mutex_lock(&ix->db_mu);
    st = sx_db_termfreq(db, idterm, idlen, &existed, &e);
    if (st == SX_OK)
        st = sou_document_write(db, idterm, xd, &e);
    if (st == SX_OK && ++*since >= batch) {
        st = commit_batch(db, w->shard != NULL, &e);
        *since = 0;
    }
    if (!w->shard)
        pthread_mutex_unlock(&ix->db_mu);
    if (st != SX_OK) {
        fail(ix, &e);
        return;
    }
    atomic_fetch_add(existed ? &ix->replaced : &ix->added, 1);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    indexer *ix = w->ix;
    sou_xpassages xd = {0};
    sou_doc *doc;
    sx_error e;

    while ((doc = queue_pop(w)) != NULL) {
        if (!atomic_load(&ix->failed))
            index_one(w, &xd, doc);
        sou_doc_free(doc);
    }
    if (w->shard && !atomic_load(&ix->failed) && sx_db_commit_transaction(w->shard, &e) != SX_OK)
        fail(ix, &e);
    sou_xpassages_destroy(&xd);

    pthread_mutex_lock(&ix->done_mu);
    ix->done++;
    pthread_cond_signal(&ix->done_cond);
    pthread_mutex_unlock(&ix->done_mu);
    return NULL;
}

/* ---------------------------------------------------------------- the target database */

static int is_xapian_dir(const char *path)
{
    static const char *const marks[] = {"iamglass", "iamchert", "XAPIANDB"};
    char file[4096];
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        snprintf(file, sizeof file, "%s/%s", path, marks[i]);
        if (access(file, F_OK) == 0)
            return 1;
    }
    return 0;
}

static int dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *de;
    int empty = 1;
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            empty = 0;
    closedir(d);
    return empty;
}

/* Store f as db's metadata and commit (outside a transaction). */
static sx_status write_fields(sx_db *db, const sou_fields *f, sx_error *err)
{
    size_t len = 0;
    char *text = sou_fields_json(f, &len);
    sx_status s;
    if (!text) {
        set_error(err, SX_ERR_NO_MEMORY, "out of memory");
        return SX_ERR_NO_MEMORY;
    }
    s = sx_db_set_metadata(db, SOU_FIELDS_KEY, text, len, err);
    free(text);
    return s == SX_OK ? sx_db_commit(db, err) : s;
}

/* Open (creating) DIR and keep it: the lock lasts the whole run. */
static sx_status open_target(indexer *ix, sx_error *err)
{
    const char *path = ix->opt.db_path;
    struct stat st;
    unsigned count = 0;
    sx_status s;

    if (stat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            set_error(err, SX_ERR_INVALID_ARG, "%s: exists and is not a directory", path);
            return SX_ERR_INVALID_ARG;
        }
        if (!is_xapian_dir(path) && !dir_is_empty(path)) {
            set_error(err, SX_ERR_INVALID_ARG,
                      "%s: not a Xapian database and not empty; refusing to write there", path);
            return SX_ERR_INVALID_ARG;
        }
    } else if (errno != ENOENT) {
        set_error(err, SX_ERR_IO, "%s: %s", path, strerror(errno));
        return SX_ERR_IO;
    }
    s = sx_db_open_writable(path, SX_DB_CREATE_OR_OPEN, &ix->db, err);
    if (s == SX_ERR_LOCKED) {
        set_error(err, s, "%s: database is locked (another indexer is writing to it)", path);
        return s;
    }
    if (s != SX_OK)
        return s;
    if ((s = sx_db_doccount(ix->db, &count, err)) != SX_OK)
        return s;
    ix->fresh = count == 0;
    return SX_OK;
}

/* The index's facets and labels: DIR's metadata with opt->fields merged in,
 * written back (committed at once: a fresh build's DIR stays an empty
 * database that knows its facets).  A facet new to an index that already
 * holds documents is said: those documents have no value for it. */
static sx_status load_fields(indexer *ix, sx_error *err)
{
    char *text = NULL, why[256];
    size_t len = 0;
    sx_status s = sx_db_get_metadata(ix->db, SOU_FIELDS_KEY, &text, &len, err);
    if (s != SX_OK)
        return s;
    if (sou_fields_parse(&ix->fields, text, len, why, sizeof why) < 0) {
        free(text);
        set_error(err, SX_ERR_CORRUPT, "%s: %s", ix->opt.db_path, why);
        return SX_ERR_CORRUPT;
    }
    free(text);
    if (!ix->opt.fields)
        return SX_OK; /* nothing to add: the metadata stays as it is */
    size_t before = ix->fields.n;
    if (sou_fields_merge(&ix->fields, ix->opt.fields, why, sizeof why) < 0) {
        set_error(err, SX_ERR_INVALID_ARG, "%s: %s", ix->opt.db_path, why);
        return SX_ERR_INVALID_ARG;
    }
    for (size_t i = before; i < ix->fields.n && !ix->fresh && ix->opt.problem; i++) {
        char msg[300];
        snprintf(msg, sizeof msg, "new facet \"%s\": the documents indexed before have no value for it "
                 "(index them again to count them)", ix->fields.facets[i].name);
        ix->opt.problem(ix->opt.db_path, 0, msg, ix->opt.problem_ctx);
    }
    return write_fields(ix->db, &ix->fields, err);
}

/* DIR.sou-build, emptied of what a killed run may have left there. */
static sx_status make_build_dir(indexer *ix, sx_error *err)
{
    size_t n = strlen(ix->opt.db_path);
    char marker[4096];
    int fd;

    while (n > 1 && ix->opt.db_path[n - 1] == '/')
        n--;
    if (asprintf(&ix->build_dir, "%.*s%s", (int)n, ix->opt.db_path, BUILD_SUFFIX) < 0) {
        ix->build_dir = NULL;
        set_error(err, SX_ERR_NO_MEMORY, "out of memory");
        return SX_ERR_NO_MEMORY;
    }
    snprintf(marker, sizeof marker, "%s/%s", ix->build_dir, BUILD_MARKER);
    if (access(ix->build_dir, F_OK) == 0) {
        /* only ours: we hold DIR's lock, so no other indexer is using it */
        if (access(marker, F_OK) != 0) {
            set_error(err, SX_ERR_IO, "%s: exists and was not made by sou's indexer; remove it",
                      ix->build_dir);
            return SX_ERR_IO;
        }
        remove_tree(ix->build_dir);
    }
    if (mkdir(ix->build_dir, 0777) != 0 ||
        (fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
        set_error(err, SX_ERR_IO, "%s: %s", ix->build_dir, strerror(errno));
        return SX_ERR_IO;
    }
    close(fd);
    return SX_OK;
}

/* Compact the shards into DIR.sou-build/merged and put that in DIR's place. */
static sx_status finish_fresh(indexer *ix, sx_error *err)
{
    const char **src = NULL;
    char *merged = NULL, *old = NULL;
    sx_status s = SX_OK;
    unsigned i;

    for (i = 0; i < ix->nworkers; i++) {
        sx_db_close(ix->workers[i].shard); /* committed by the worker */
        ix->workers[i].shard = NULL;
    }
    if (atomic_load(&ix->added) + atomic_load(&ix->replaced) == 0)
        return SX_OK; /* nothing indexed: DIR stays the empty database it is */
    src = malloc(ix->nworkers * sizeof *src);
    if (!src || asprintf(&merged, "%s/merged", ix->build_dir) < 0 ||
        asprintf(&old, "%s/old", ix->build_dir) < 0) {
        merged = old = NULL;
        s = SX_ERR_NO_MEMORY;
        set_error(err, s, "out of memory");
        goto done;
    }
    for (i = 0; i < ix->nworkers; i++)
        src[i] = ix->workers[i].shard_path;
    ix->phase = "compacting";
    progress(ix, 1);
    if ((s = sx_db_compact(src, ix->nworkers, merged, err)) != SX_OK)
        goto done;
    /* the shards hold no metadata: the merged index gets DIR's */
    sx_db *mdb = NULL;
    if ((s = sx_db_open_writable(merged, SX_DB_OPEN, &mdb, err)) != SX_OK)
        goto done;
    s = write_fields(mdb, &ix->fields, err);
    sx_db_close(mdb);
    if (s != SX_OK)
        goto done;
    /* One atomic step where the file system allows it: a reader opening DIR
     * sees either the old (empty) database or the new one, never a mix. */
    if (renameat2(AT_FDCWD, merged, AT_FDCWD, ix->opt.db_path, RENAME_EXCHANGE) != 0) {
        if (rename(ix->opt.db_path, old) != 0 || rename(merged, ix->opt.db_path) != 0) {
            s = SX_ERR_IO;
            set_error(err, s, "%s: cannot move the new database into place: %s",
                      ix->opt.db_path, strerror(errno));
            goto done;
        }
    }

done:
    free(src);
    free(merged);
    free(old);
    return s;
}

/* ---------------------------------------------------------------- reading */

typedef struct {
    indexer *ix;
    int stopped;
} feed_state;

static int feed_input(const char *path, sou_input_kind kind, void *ctx)
{
    feed_state *f = ctx;
    indexer *ix = f->ix;
    sou_reader_options ropt = {reader_problem, ix, ix->opt.max_line};
    sou_reader *r;
    sou_doc *doc;
    size_t counted = 0;

    if (stopping(ix)) {
        f->stopped = 1;
        return 1;
    }
    r = sou_reader_open(path, kind, &ropt);
    if (!r)
        return 0; /* reported; go on with the next input */
    while (sou_reader_next(r, &doc) == 1) {
        worker *w = &ix->workers[hash_id(doc->id) % ix->nworkers];
        ix->read++;
        ix->bytes += sou_reader_bytes(r) - counted;
        counted = sou_reader_bytes(r);
        if (queue_push(ix, w, doc) != 0) {
            sou_doc_free(doc);
            break;
        }
        progress(ix, 0);
        if (stopping(ix))
            break;
    }
    ix->bytes += sou_reader_bytes(r) - counted;
    atomic_fetch_add(&ix->skipped, sou_reader_skipped(r));
    sou_reader_close(r);
    if (stopping(ix)) {
        f->stopped = 1;
        return 1;
    }
    return 0;
}

/* ---------------------------------------------------------------- the run */

static unsigned default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

static sx_status apply_deletes(indexer *ix, const char *const *ids, size_t n, sx_error *err)
{
    char idterm[SOU_DOCUMENT_MAX_TERM + 16];
    sx_status s = SX_OK;

    for (size_t i = 0; i < n && s == SX_OK; i++) {
        size_t len = sou_document_idterm(ids[i], idterm, sizeof idterm);
        int deleted = 0;
        if (len == 0) {
            ix->delete_missing++;
            continue;
        }
        s = sx_db_delete_by_term(ix->db, idterm, &deleted, err);
        if (deleted)
            ix->deleted++;
        else
            ix->delete_missing++;
    }
    if (s == SX_OK && n)
        s = sx_db_commit(ix->db, err);
    return s;
}

sou_index_result sou_index_run(const sou_index_options *opt, const char *const *inputs,
                               size_t ninputs, const char *const *deletes, size_t ndeletes,
                               sou_index_stats *stats, sx_error *err)
{
    indexer *ix = calloc(1, sizeof *ix);
    feed_state feed = {ix, 0};
    sou_index_result result = SOU_INDEX_FAILED;
    sx_error e;
    sx_status s;
    unsigned i, started = 0;

    if (!ix) {
        set_error(err, SX_ERR_NO_MEMORY, "out of memory");
        return SOU_INDEX_FAILED;
    }
    ix->opt = *opt;
    ix->phase = "indexing";
    clock_gettime(CLOCK_MONOTONIC, &ix->t0);
    ix->last_progress = ix->t0;
    pthread_mutex_init(&ix->db_mu, NULL);
    pthread_mutex_init(&ix->problem_mu, NULL);
    pthread_mutex_init(&ix->fail_mu, NULL);
    pthread_mutex_init(&ix->done_mu, NULL);
    pthread_cond_init(&ix->done_cond, NULL);
    ix->nworkers = opt->threads ? (opt->threads > MAX_THREADS ? MAX_THREADS : opt->threads)
                                : default_threads();

    if (!opt->db_path || !*opt->db_path) {
        set_error(&e, SX_ERR_INVALID_ARG, "no database path");
        goto fatal;
    }
    if (sou_fields_init(&ix->fields) < 0) {
        set_error(&e, SX_ERR_NO_MEMORY, "out of memory");
        goto fatal;
    }
    if (open_target(ix, &e) != SX_OK || load_fields(ix, &e) != SX_OK)
        goto fatal;
    if (apply_deletes(ix, deletes, ndeletes, &e) != SX_OK)
        goto fatal;
    if (ix->fresh && make_build_dir(ix, &e) != SX_OK)
        goto fatal;
    if (!ix->fresh && begin_batch(ix->db, 0, &e) != SX_OK)
        goto fatal;

    ix->workers = calloc(ix->nworkers, sizeof *ix->workers);
    if (!ix->workers) {
        set_error(&e, SX_ERR_NO_MEMORY, "out of memory");
        goto fatal;
    }
    for (i = 0; i < ix->nworkers; i++) {
        worker *w = &ix->workers[i];
        w->ix = ix;
        w->index = i;
        pthread_mutex_init(&w->mu, NULL);
        pthread_cond_init(&w->cond, NULL);
    }
    for (i = 0; i < ix->nworkers; i++) {
        worker *w = &ix->workers[i];
        if (ix->fresh) {
            if (asprintf(&w->shard_path, "%s/shard-%u", ix->build_dir, i) < 0) {
                w->shard_path = NULL;
                set_error(&e, SX_ERR_NO_MEMORY, "out of memory");
                goto stop_workers;
            }
            if (sx_db_open_writable(w->shard_path, SX_DB_CREATE_OR_OVERWRITE, &w->shard, &e) != SX_OK ||
                begin_batch(w->shard, 1, &e) != SX_OK)
                goto stop_workers;
        }
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            set_error(&e, SX_ERR_NO_MEMORY, "cannot start a thread");
            goto stop_workers;
        }
        w->started = 1;
        started++;
    }
    progress(ix, 1);
    for (size_t k = 0; k < ninputs; k++) {
        if (sou_inputs_walk(inputs[k], feed_input, &feed, reader_problem, ix) > 0 || feed.stopped)
            break;
    }
    e.status = SX_OK;

stop_workers:
    for (i = 0; i < ix->nworkers; i++)
        queue_close(&ix->workers[i]);
    pthread_mutex_lock(&ix->done_mu);
    while (ix->done < started) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&ix->done_cond, &ix->done_mu, &until);
        pthread_mutex_unlock(&ix->done_mu);
        progress(ix, 0);
        pthread_mutex_lock(&ix->done_mu);
    }
    pthread_mutex_unlock(&ix->done_mu);
    for (i = 0; i < ix->nworkers; i++)
        if (ix->workers[i].started)
            pthread_join(ix->workers[i].thread, NULL);
    if (e.status != SX_OK)
        goto fatal;
    if (atomic_load(&ix->failed)) {
        e = ix->fail_err;
        goto fatal;
    }
    if (ix->fresh)
        s = finish_fresh(ix, &e);
    else
        s = sx_db_commit_transaction(ix->db, &e);
    if (s != SX_OK)
        goto fatal;
    sx_db_close(ix->db); /* nothing pending: this only drops the handle and the lock */
    ix->db = NULL;
    if (opt->stop && *opt->stop)
        result = SOU_INDEX_INTERRUPTED;
    else if (atomic_load(&ix->problems))
        result = SOU_INDEX_PROBLEMS;
    else
        result = SOU_INDEX_OK;
    goto done;

fatal:
    if (err)
        *err = e;
    if (ix->db && !ix->fresh)
        sx_db_cancel_transaction(ix->db, NULL); /* DIR stays at its last commit */
    result = SOU_INDEX_FAILED;
done:
    ix->phase = "done";
    progress(ix, 1);
    if (stats)
        snapshot(ix, stats);
    if (ix->workers) {
        for (i = 0; i < ix->nworkers; i++) {
            worker *w = &ix->workers[i];
            while (w->count) { /* only when a thread failed to start */
                sou_doc_free(w->items[w->head]);
                w->head = (w->head + 1) % QUEUE_CAP;
                w->count--;
            }
            sx_db_close(w->shard);
            free(w->shard_path);
            pthread_mutex_destroy(&w->mu);
            pthread_cond_destroy(&w->cond);
        }
    }
    sx_db_close(ix->db);
    if (ix->build_dir)
        remove_tree(ix->build_dir);
    free(ix->build_dir);
    free(ix->workers);
    sou_fields_destroy(&ix->fields);
    pthread_mutex_destroy(&ix->db_mu);
    pthread_mutex_destroy(&ix->problem_mu);
    pthread_mutex_destroy(&ix->fail_mu);
    pthread_mutex_destroy(&ix->done_mu);
    pthread_cond_destroy(&ix->done_cond);
    free(ix);
    return result;
}
