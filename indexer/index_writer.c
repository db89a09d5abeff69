/*
 * index_writer.c: the reader in the calling thread, N workers, per-worker
 * build shards or the writers of the target (DIR, or each shard of a
 * sharded index), and the final compaction and swap (see index_writer.h).
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
#include "title_terms.h"
#include "shard.h"

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

/* A database the run writes documents into, one worker at a time: DIR when
 * updating one index, each shard of a sharded index. */
typedef struct {
    char *name;          /* owned: for messages ("remote HOST:PORT", a path) */
    char *build_path;    /* fresh sharded build: where it is built (owned), else NULL */
    sx_db *db;           /* owned, held to the end (its lock keeps other writers out) */
    pthread_mutex_t mu;  /* guards db and since_commit */
    unsigned long since_commit;
    int durable;         /* commits must survive a crash (not for build shards) */
    int deleted;         /* --delete removed something here: commit it */
} target;

typedef enum {
    MODE_FRESH,         /* new single index: per-worker shards, compacted into DIR */
    MODE_UPDATE,        /* existing index, or the shards of a stub: write in place */
    MODE_SHARDED_FRESH  /* --shards N into a new DIR: build shards, compact, stub, swap */
} write_mode;

struct indexer {
    sou_index_options opt;
    struct timespec t0, last_progress;
    /* counters the workers update */
    atomic_ulong added, replaced, skipped, problems;
    /* counters only the calling thread updates */
    unsigned long read, deleted, delete_missing;
    unsigned long rolled_back; /* see sou_index_stats */
    uint64_t bytes;
    const char *phase;
    unsigned nworkers;
    worker *workers;
    write_mode mode;
    int fresh;                /* MODE_FRESH or MODE_SHARDED_FRESH */
    sx_db *db;                /* fresh builds: DIR, held (and so locked) for the whole run */
    target *targets;          /* MODE_UPDATE: DIR or the stub's shards; sharded fresh: the shards */
    unsigned ntargets;
    int sharded;              /* targets are the shards of a sharded index */
    sx_stub *stub;            /* the stub read (MODE_UPDATE of a sharded index) */
    char run[64];             /* this run's name in the shards' SOU_META_RUN marks */
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
    err->context[0] = '\0';
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

static void warn(indexer *ix, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(indexer *ix, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    if (!ix->opt.warn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&ix->problem_mu);
    ix->opt.warn(msg, ix->opt.warn_ctx);
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
    s->rolled_back = ix->rolled_back;
    s->bytes = ix->bytes;
    s->seconds = elapsed(&ix->t0);
    s->phase = ix->phase;
    s->threads = ix->nworkers;
    s->fresh = ix->fresh;
    s->shards = ix->sharded ? ix->ntargets : 0;
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

/* Commit, then open the next batch; *since (documents not committed) is
 * reset by the commit, not by the attempt. */
static sx_status commit_batch(sx_db *db, int shard, unsigned long *since, sx_error *e)
{
    sx_status st = sx_db_commit_transaction(db, e);
    if (st != SX_OK)
        return st;
    *since = 0;
    return begin_batch(db, shard, e);
}

/* The target an article's documents go to (shard.h: by the ARTICLE id, so
 * that every document of one article lands on one shard). */
static target *target_of(indexer *ix, const sou_doc *doc)
{
    return &ix->targets[sou_shard_of(doc->id, strlen(doc->id), ix->ntargets)];
}

/* Write one document: into the worker's shard, or into its target under
 * the target's mutex. */
static void index_one(worker *w, sou_xpassages *xd, const sou_doc *doc)
{
    indexer *ix = w->ix;
    char idterm[SOU_DOCUMENT_MAX_TERM + 16], msg[400];
    size_t idlen;
    unsigned existed = 0;
    target *t = w->shard ? NULL : target_of(ix, doc);
    sx_db *db = t ? t->db : w->shard;
    unsigned long *since = t ? &t->since_commit : &w->since_commit;
    int durable = t ? t->durable : 0;
    unsigned batch = ix->opt.batch ? ix->opt.batch : SOU_INDEX_DEFAULT_BATCH;
    sx_error e;
    sx_status st;

    st = sou_document_build(doc, ix->opt.unigrams, xd, &e);
    if (st == SX_OK)
        st = sou_facets_add(&ix->fields, doc, xd, &e);
    if (st == SX_OK && xd->n > 0) /* the first passage: one per article */
        st = sou_title_terms_add(ix->opt.lexicon, doc->title, xd->v[0], &e);
    idlen = sou_document_idterm(doc->id, idterm, sizeof idterm);
    if (st != SX_OK || idlen == 0) {
        snprintf(msg, sizeof msg, "document %s not indexed: %s", doc->id,
                 st != SX_OK ? e.message : "id too long");
        atomic_fetch_add(&ix->skipped, 1);
        problem(ix, doc->file, doc->line, msg);
        return;
    }
    if (t)
        pthread_mutex_lock(&t->mu);
    /* Once a write failed, the target's transaction is gone: no other
     * worker may write (its error, "no transaction in progress", would
     * hide the cause).  Checked and recorded under the target's lock. */
    if (atomic_load(&ix->failed)) {
        if (t)
            pthread_mutex_unlock(&t->mu);
        return;
    }
    st = sx_db_termfreq(db, idterm, idlen, &existed, &e);
    if (st == SX_OK)
        st = sou_document_write(db, idterm, xd, &e);
    if (st == SX_OK) {
        /* counted once written; *since says how many of those are not
         * committed yet (rolled back if the run fails: sou_index_stats) */
        atomic_fetch_add(existed ? &ix->replaced : &ix->added, 1);
        if (++*since >= batch)
            st = commit_batch(db, !durable, since, &e);
    }
    if (st != SX_OK)
        fail(ix, &e);
    if (t)
        pthread_mutex_unlock(&t->mu);
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

/* Remote shards: an answer may wait for the server's commit of a whole
 * batch, which takes seconds on a big shard; a server that is gone still
 * fails at once (connection refused or reset). */
#define REMOTE_TIMEOUT_MS 600000u
#define REMOTE_CONNECT_TIMEOUT_MS 10000u

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

/* A name Xapian writes while it creates a glass database, before its
 * version file (iamglass) exists. */
static int xapian_creation_file(const char *name)
{
    size_t n = strlen(name);
    return strcmp(name, "flintlock") == 0 || strcmp(name, "v.tmp") == 0 ||
           (n > 6 && strcmp(name + n - 6, ".glass") == 0);
}

/* Empty, or holding only what Xapian makes first when it creates a
 * database: a run killed right then left that (check_faults saw flintlock
 * alone, and flintlock, postlist.glass, termlist.glass and v.tmp). */
static int dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *de;
    int empty = 1;
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 && !xapian_creation_file(de->d_name))
            empty = 0;
    closedir(d);
    return empty;
}

/* Remove those leftovers (Xapian would take the tables for a database and
 * fail on the missing version file).  Only for a DIR without iamglass. */
static void remove_creation_files(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *de;
    char file[4200];
    if (!d)
        return;
    while ((de = readdir(d)) != NULL)
        if (xapian_creation_file(de->d_name)) {
            snprintf(file, sizeof file, "%s/%s", path, de->d_name);
            unlink(file);
        }
    closedir(d);
}

static sx_status add_targets(indexer *ix, unsigned n, sx_error *err)
{
    ix->targets = calloc(n, sizeof *ix->targets);
    if (!ix->targets) {
        set_error(err, SX_ERR_NO_MEMORY, "out of memory");
        return SX_ERR_NO_MEMORY;
    }
    ix->ntargets = n;
    for (unsigned i = 0; i < n; i++) {
        pthread_mutex_init(&ix->targets[i].mu, NULL);
        ix->targets[i].durable = 1;
    }
    return SX_OK;
}

static sx_status locked_error(const char *name, sx_status s, sx_error *err)
{
    if (s == SX_ERR_LOCKED)
        set_error(err, s, "%s: database is locked (another indexer is writing to it)", name);
    return s;
}

/* Open shard i of the stub for writing: a local path (created if missing),
 * or the server on the shard line (its #sou-replica copies are only read). */
static sx_status open_stub_shard(indexer *ix, unsigned i, sx_error *err)
{
    const sx_shard_spec *spec = &ix->stub->shards[i];
    target *t = &ix->targets[i];
    sx_status s;

    if (asprintf(&t->name, "%s:%u (%s)", ix->stub->path, spec->line, spec->name) < 0) {
        t->name = NULL;
        set_error(err, SX_ERR_NO_MEMORY, "out of memory");
        return SX_ERR_NO_MEMORY;
    }
    switch (spec->kind) {
    case SX_SHARD_LOCAL:
        s = sx_db_open_writable(spec->path, SX_DB_CREATE_OR_OPEN, &t->db, err);
        break;
    case SX_SHARD_REMOTE:
        s = sx_db_open_remote(spec->hosts[0], spec->ports[0], REMOTE_TIMEOUT_MS,
                              REMOTE_CONNECT_TIMEOUT_MS, 1, &t->db, err);
        break;
    default:
        s = sx_db_open_remote_program(spec->path, spec->args, REMOTE_TIMEOUT_MS, 1, &t->db, err);
        break;
    }
    if (s != SX_OK && s != SX_ERR_LOCKED && err) {
        /* Say which line of the stub could not be opened. */
        char why[sizeof err->message];
        memcpy(why, err->message, sizeof why);
        set_error(err, s, "%s: %s", t->name, why);
    }
    return locked_error(t->name, s, err);
}

/* A shard's SOU_META_SHARD mark must say it is shard i of n, or be absent
 * on an empty shard (which then gets it): anything else means the stub's
 * lines were reordered, or the shard is from another set, and routing would
 * put ids where an existing copy is not found (duplicates). */
static sx_status check_shard_mark(indexer *ix, unsigned i, sx_error *err)
{
    target *t = &ix->targets[i];
    char *mark = NULL, want[32];
    unsigned docs = 0, mi, mn;
    sx_status s;

    snprintf(want, sizeof want, "%u/%u", i, ix->ntargets);
    if ((s = sx_db_get_metadata(t->db, SOU_META_SHARD, &mark, NULL, err)) != SX_OK ||
        (s = sx_db_doccount(t->db, &docs, err)) != SX_OK)
        goto done;
    if (!*mark) {
        if (docs > 0) {
            s = SX_ERR_INVALID_ARG;
            set_error(err, s,
                      "%s: holds %u documents but no shard mark (%s): it was not built by sou's "
                      "indexer as shard %u of %u, so its ids are not where routing looks for them; "
                      "index into empty shards",
                      t->name, docs, SOU_META_SHARD, i, ix->ntargets);
        }
    } else if (strcmp(mark, want) != 0) {
        s = SX_ERR_INVALID_ARG;
        if (sscanf(mark, "%u/%u", &mi, &mn) == 2 && mn == ix->ntargets)
            set_error(err, s,
                      "%s: is shard %u of %u but is listed as shard %u: the order of the stub's "
                      "lines decides where each id goes; restore it",
                      t->name, mi, mn, i);
        else if (sscanf(mark, "%u/%u", &mi, &mn) == 2)
            set_error(err, s,
                      "%s: is shard %u of a %u-shard index, but the stub lists %u shards: "
                      "re-shard by indexing everything into a new set of shards",
                      t->name, mi, mn, ix->ntargets);
        else
            set_error(err, s, "%s: unreadable shard mark \"%.32s\"", t->name, mark);
    }
done:
    free(mark);
    return s;
}

/* Before writing to a sharded index: say which shards a previous run left
 * half done, then mark every shard as written by this run (committed), so
 * that a crash before the final commits is seen by the next run. */
static sx_status start_sharded_run(indexer *ix, sx_error *err)
{
    char unfinished[512] = "", prev[64] = "", value[96], mark[32];
    size_t used = 0;
    sx_status s;

    for (unsigned i = 0; i < ix->ntargets; i++) {
        char *run = NULL;
        if ((s = sx_db_get_metadata(ix->targets[i].db, SOU_META_RUN, &run, NULL, err)) != SX_OK)
            return s;
        size_t rl = strlen(run);
        if (rl > 8 && strcmp(run + rl - 8, " running") == 0) {
            snprintf(prev, sizeof prev, "%.*s", (int)(rl - 8), run);
            if (used < sizeof unfinished)
                used += (size_t)snprintf(unfinished + used, sizeof unfinished - used, "%s%u",
                                         used ? ", " : "", i);
        }
        free(run);
    }
    if (*unfinished)
        warn(ix,
             "%s: the last indexer run (%s) did not finish on shard%s %s (killed between shard "
             "commits?): those shards may lack documents it wrote to the others; run the same "
             "inputs again to repair (re-indexing an id replaces it)",
             ix->opt.db_path, prev, strchr(unfinished, ',') ? "s" : "", unfinished);
    snprintf(value, sizeof value, "%s running", ix->run);
    for (unsigned i = 0; i < ix->ntargets; i++) {
        target *t = &ix->targets[i];
        snprintf(mark, sizeof mark, "%u/%u", i, ix->ntargets);
        if ((s = sx_db_set_metadata(t->db, SOU_META_SHARD, mark, err)) != SX_OK ||
            (s = sx_db_set_metadata(t->db, SOU_META_RUN, value, err)) != SX_OK ||
            (s = sx_db_commit(t->db, err)) != SX_OK)
            return s;
    }
    return SX_OK;
}

static sx_status open_stub_targets(indexer *ix, sx_error *err)
{
    sx_status s;

    if ((s = sx_stub_read(ix->opt.db_path, &ix->stub, err)) != SX_OK)
        return s;
    if (ix->stub->n > SOU_SHARD_MAX) {
        set_error(err, SX_ERR_INVALID_ARG, "%s: lists %zu shards, at most %u", ix->stub->path,
                  ix->stub->n, SOU_SHARD_MAX);
        return SX_ERR_INVALID_ARG;
    }
    if (ix->opt.shards && ix->opt.shards != ix->stub->n) {
        set_error(err, SX_ERR_INVALID_ARG,
                  "%s: has %zu shards, --shards asks for %u: re-shard by indexing everything "
                  "into a new directory",
                  ix->opt.db_path, ix->stub->n, ix->opt.shards);
        return SX_ERR_INVALID_ARG;
    }
    if ((s = add_targets(ix, (unsigned)ix->stub->n, err)) != SX_OK)
        return s;
    ix->sharded = 1;
    ix->mode = MODE_UPDATE;
    for (unsigned i = 0; i < ix->ntargets; i++)
        if ((s = open_stub_shard(ix, i, err)) != SX_OK || (s = check_shard_mark(ix, i, err)) != SX_OK)
            return s;
    return start_sharded_run(ix, err);
}

/* DIR.sou-build for DIR (malloc'ed; NULL when out of memory). */
static char *build_dir_of(const char *db_path)
{
    size_t n = strlen(db_path);
    char *dir = NULL;
    while (n > 1 && db_path[n - 1] == '/')
        n--;
    return asprintf(&dir, "%.*s%s", (int)n, db_path, BUILD_SUFFIX) < 0 ? NULL : dir;
}

/* Before anything else: DIR missing and DIR.sou-build (ours) holding old
 * means a run died inside swap_into_place's two renames: finish the swap
 * with new (complete: the swap starts after the compaction), else put old
 * back. */
static void recover_swap(const char *db_path)
{
    char *dir = build_dir_of(db_path), path[4200];
    if (!dir || access(db_path, F_OK) == 0 || errno != ENOENT) {
        free(dir);
        return;
    }
    snprintf(path, sizeof path, "%s/%s", dir, BUILD_MARKER);
    if (access(path, F_OK) == 0) {
        snprintf(path, sizeof path, "%s/new", dir);
        if (rename(path, db_path) != 0) {
            snprintf(path, sizeof path, "%s/old", dir);
            rename(path, db_path); /* nothing there: a new index */
        }
    }
    free(dir);
}

/* Open (creating) what opt.db_path names and keep it: the locks last the
 * whole run.  Decides the mode. */
static sx_status open_target(indexer *ix, sx_error *err)
{
    const char *path = ix->opt.db_path;
    struct stat st;
    unsigned count = 0;
    sx_status s;

    if (sx_stub_is_stub(path))
        return open_stub_targets(ix, err);
    recover_swap(path);
    if (stat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            set_error(err, SX_ERR_INVALID_ARG, "%s: exists and is not a directory", path);
            return SX_ERR_INVALID_ARG;
        }
        if (!is_xapian_dir(path)) {
            if (!dir_is_empty(path)) {
                set_error(err, SX_ERR_INVALID_ARG,
                          "%s: not a Xapian database and not empty; refusing to write there", path);
                return SX_ERR_INVALID_ARG;
            }
            remove_creation_files(path);
        }
    } else if (errno != ENOENT) {
        set_error(err, SX_ERR_IO, "%s: %s", path, strerror(errno));
        return SX_ERR_IO;
    }
    s = sx_db_open_writable(path, SX_DB_CREATE_OR_OPEN, &ix->db, err);
    if (s != SX_OK)
        return locked_error(path, s, err);
    if ((s = sx_db_doccount(ix->db, &count, err)) != SX_OK)
        return s;
    if (ix->opt.shards) {
        if (count > 0) {
            set_error(err, SX_ERR_INVALID_ARG,
                      "%s: holds an index of %u documents in one database; --shards builds a new "
                      "sharded index: give a new directory",
                      path, count);
            return SX_ERR_INVALID_ARG;
        }
        ix->mode = MODE_SHARDED_FRESH;
        ix->fresh = 1;
        ix->sharded = 1;
        return add_targets(ix, ix->opt.shards, err);
    }
    if (count == 0) {
        ix->mode = MODE_FRESH;
        ix->fresh = 1;
        return SX_OK;
    }
    ix->mode = MODE_UPDATE;
    if ((s = add_targets(ix, 1, err)) != SX_OK)
        return s;
    ix->targets[0].db = ix->db; /* the target owns DIR from here */
    ix->db = NULL;
    if (!(ix->targets[0].name = strdup(path))) {
        set_error(err, SX_ERR_NO_MEMORY, "out of memory");
        return SX_ERR_NO_MEMORY;
    }
    return SX_OK;
}

/* Store f as db's metadata (fields.h); commit too when commit is set. */
static sx_status put_fields(sx_db *db, const sou_fields *f, int commit, sx_error *err)
{
    char *text = sou_fields_json(f, NULL);
    sx_status s;
    if (!text) {
        set_error(err, SX_ERR_NO_MEMORY, "out of memory");
        return SX_ERR_NO_MEMORY;
    }
    s = sx_db_set_metadata(db, SOU_FIELDS_KEY, text, err);
    free(text);
    return s == SX_OK && commit ? sx_db_commit(db, err) : s;
}

/* The index's facets and labels: its metadata (DIR's, or the first shard's)
 * with opt.fields merged in and, when there is something to merge, written
 * back at once to DIR or every shard (a fresh build writes them again into
 * what it builds).  A facet new to an index that already holds documents is
 * said: those documents have no value for it. */
static sx_status load_fields(indexer *ix, sx_error *err)
{
    sx_db *from = ix->mode == MODE_UPDATE ? ix->targets[0].db : ix->db;
    char *text = NULL, why[256];
    size_t len = 0;
    sx_status s;

    if ((s = sx_db_get_metadata(from, SOU_FIELDS_KEY, &text, &len, err)) != SX_OK)
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
    for (size_t i = before; i < ix->fields.n && ix->mode == MODE_UPDATE; i++)
        warn(ix, "%s: new facet \"%s\": the documents indexed before have no value for it (index them "
             "again to count them)", ix->opt.db_path, ix->fields.facets[i].name);
    if (ix->mode != MODE_UPDATE)
        return put_fields(ix->db, &ix->fields, 1, err);
    for (unsigned i = 0; i < ix->ntargets; i++)
        if ((s = put_fields(ix->targets[i].db, &ix->fields, 1, err)) != SX_OK)
            return s;
    return SX_OK;
}

/* DIR.sou-build, emptied of what a killed run may have left there. */
static sx_status make_build_dir(indexer *ix, sx_error *err)
{
    char marker[4096];
    int fd;

    if (!(ix->build_dir = build_dir_of(ix->opt.db_path))) {
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

/* The build shards of a sharded fresh build, DIR.sou-build/shard-<i>. */
static sx_status open_build_targets(indexer *ix, sx_error *err)
{
    sx_status s;
    for (unsigned i = 0; i < ix->ntargets; i++) {
        target *t = &ix->targets[i];
        if (asprintf(&t->build_path, "%s/shard-%u", ix->build_dir, i) < 0) {
            t->build_path = NULL;
            set_error(err, SX_ERR_NO_MEMORY, "out of memory");
            return SX_ERR_NO_MEMORY;
        }
        if (!(t->name = strdup(t->build_path))) {
            set_error(err, SX_ERR_NO_MEMORY, "out of memory");
            return SX_ERR_NO_MEMORY;
        }
        t->durable = 0;
        if ((s = sx_db_open_writable(t->build_path, SX_DB_CREATE_OR_OVERWRITE, &t->db, err)) != SX_OK)
            return s;
    }
    return SX_OK;
}

/* Put newdir in DIR's place in one atomic step where the file system allows
 * it: a reader opening DIR sees either the old (empty) database or the new
 * index, never a mix.  The old one ends up in DIR.sou-build (removed).
 * Without RENAME_EXCHANGE (an old kernel; ZFS, NFS and FUSE file systems
 * may refuse it) two renames do it: newdir -> DIR.sou-build/new (a fixed
 * name), DIR -> DIR.sou-build/old, new -> DIR.  A failure of the last one
 * puts old back; a run killed between the two leaves DIR missing, and the
 * next run finishes the swap (recover_swap): DIR is never lost. */
static sx_status swap_into_place(indexer *ix, const char *newdir, sx_error *err)
{
    char *old = NULL, *next = NULL;
    sx_status s = SX_OK;

    if (renameat2(AT_FDCWD, newdir, AT_FDCWD, ix->opt.db_path, RENAME_EXCHANGE) == 0)
        return SX_OK;
    if (asprintf(&old, "%s/old", ix->build_dir) < 0 || asprintf(&next, "%s/new", ix->build_dir) < 0) {
        free(old);
        set_error(err, SX_ERR_NO_MEMORY, "out of memory");
        return SX_ERR_NO_MEMORY;
    }
    if (rename(newdir, next) != 0 || rename(ix->opt.db_path, old) != 0) {
        s = SX_ERR_IO;
        set_error(err, s, "%s: cannot move the new database into place: %s", ix->opt.db_path,
                  strerror(errno));
    } else if (rename(next, ix->opt.db_path) != 0) {
        int e = errno;
        s = SX_ERR_IO;
        if (rename(old, ix->opt.db_path) == 0)
            set_error(err, s, "%s: cannot move the new database into place (%s); the old one is back",
                      ix->opt.db_path, strerror(e));
        else
            set_error(err, s, "%s: cannot move the new database into place (%s), nor the old one back (%s): "
                      "it is in %s", ix->opt.db_path, strerror(e), strerror(errno), old);
    }
    free(old);
    free(next);
    return s;
}

/* Compact the shards into DIR.sou-build/merged and put that in DIR's place. */
static sx_status finish_fresh(indexer *ix, sx_error *err)
{
    const char **src = NULL;
    char *merged = NULL;
    sx_status s = SX_OK;
    unsigned i;

    for (i = 0; i < ix->nworkers; i++) {
        sx_db_close(ix->workers[i].shard); /* committed by the worker */
        ix->workers[i].shard = NULL;
    }
    if (atomic_load(&ix->added) + atomic_load(&ix->replaced) == 0)
        return SX_OK; /* nothing indexed: DIR stays the empty database it is */
    src = malloc(ix->nworkers * sizeof *src);
    if (!src || asprintf(&merged, "%s/merged", ix->build_dir) < 0) {
        merged = NULL;
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
    /* the workers' shards hold no metadata: the merged index gets the fields */
    sx_db *mdb = NULL;
    if ((s = sx_db_open_writable(merged, SX_DB_OPEN, &mdb, err)) != SX_OK)
        goto done;
    s = put_fields(mdb, &ix->fields, 1, err);
    sx_db_close(mdb);
    if (s != SX_OK)
        goto done;
    s = swap_into_place(ix, merged, err);

done:
    free(src);
    free(merged);
    return s;
}

/* Parallel compaction of the build shards: threads take the next shard. */
typedef struct {
    indexer *ix;
    const char *out_dir;
    atomic_uint next;
} compact_pool;

static void *compact_main(void *arg)
{
    compact_pool *cp = arg;
    indexer *ix = cp->ix;
    unsigned i;

    while (!atomic_load(&ix->failed) && (i = atomic_fetch_add(&cp->next, 1)) < ix->ntargets) {
        char *dest = NULL;
        const char *src = ix->targets[i].build_path;
        sx_error e;
        if (asprintf(&dest, "%s/shard-%u", cp->out_dir, i) < 0) {
            set_error(&e, SX_ERR_NO_MEMORY, "out of memory");
            fail(ix, &e);
            break;
        }
        if (sx_db_compact(&src, 1, dest, &e) != SX_OK)
            fail(ix, &e);
        free(dest);
    }
    return NULL;
}

/* The stub that makes DIR one index for Xapian, searchd and every tool. */
static sx_status write_stub(const char *out_dir, unsigned n, sx_error *err)
{
    char path[4096];
    FILE *f;
    int bad;

    snprintf(path, sizeof path, "%s/XAPIANDB", out_dir);
    if (!(f = fopen(path, "w"))) {
        set_error(err, SX_ERR_IO, "%s: %s", path, strerror(errno));
        return SX_ERR_IO;
    }
    fprintf(f,
            "# sou: an index in %u shards, written by indexer --shards %u.\n"
            "# Each article is on shard (FNV-1a of its id) mod %u: keep the lines in this order.\n",
            n, n, n);
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "auto shard-%u\n", i);
    bad = ferror(f) | (fclose(f) != 0);
    if (bad) {
        set_error(err, SX_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        return SX_ERR_IO;
    }
    return SX_OK;
}

/* Mark and commit the build shards, compact them in parallel into
 * DIR.sou-build/out, write its stub and swap it in as DIR. */
static sx_status finish_sharded_fresh(indexer *ix, sx_error *err)
{
    char *out_dir = NULL, mark[32], run[96];
    compact_pool cp;
    pthread_t threads[MAX_THREADS];
    unsigned nthreads, started = 0, i;
    sx_status s = SX_OK;

    snprintf(run, sizeof run, "%s done", ix->run);
    for (i = 0; i < ix->ntargets; i++) {
        target *t = &ix->targets[i];
        snprintf(mark, sizeof mark, "%u/%u", i, ix->ntargets);
        if ((s = sx_db_set_metadata(t->db, SOU_META_SHARD, mark, err)) != SX_OK ||
            (s = sx_db_set_metadata(t->db, SOU_META_RUN, run, err)) != SX_OK ||
            (s = put_fields(t->db, &ix->fields, 0, err)) != SX_OK ||
            (s = sx_db_commit_transaction(t->db, err)) != SX_OK)
            return s;
        sx_db_close(t->db);
        t->db = NULL;
    }
    if (asprintf(&out_dir, "%s/out", ix->build_dir) < 0 || mkdir(out_dir, 0777) != 0) {
        s = SX_ERR_IO;
        set_error(err, s, "%s/out: %s", ix->build_dir, out_dir ? strerror(errno) : "out of memory");
        goto done;
    }
    ix->phase = "compacting";
    progress(ix, 1);
    cp.ix = ix;
    cp.out_dir = out_dir;
    atomic_init(&cp.next, 0);
    nthreads = ix->nworkers < ix->ntargets ? ix->nworkers : ix->ntargets;
    for (i = 1; i < nthreads; i++)
        if (pthread_create(&threads[started], NULL, compact_main, &cp) == 0)
            started++;
    compact_main(&cp); /* this thread compacts too */
    for (i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (atomic_load(&ix->failed)) {
        *err = ix->fail_err;
        s = err->status;
        goto done;
    }
    if ((s = write_stub(out_dir, ix->ntargets, err)) != SX_OK)
        goto done;
    s = swap_into_place(ix, out_dir, err);
done:
    free(out_dir);
    return s;
}

/* Commit every target (MODE_UPDATE), a sharded index's with its "done"
 * mark in the same commit.  A shard that fails to commit does not stop the
 * others; the first failure is returned. */
static sx_status commit_targets(indexer *ix, sx_error *err)
{
    char run[96];
    sx_status first = SX_OK;

    snprintf(run, sizeof run, "%s done", ix->run);
    for (unsigned i = 0; i < ix->ntargets; i++) {
        target *t = &ix->targets[i];
        sx_error e;
        sx_status s = SX_OK;
        if (ix->sharded)
            s = sx_db_set_metadata(t->db, SOU_META_RUN, run, &e);
        if (s == SX_OK && (s = sx_db_commit_transaction(t->db, &e)) == SX_OK)
            t->since_commit = 0;
        if (s != SX_OK && first == SX_OK) {
            first = s;
            *err = e;
        }
    }
    return first;
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
    sou_reader_options ropt = {reader_problem, ix, ix->opt.max_line, ix->opt.article_rules};
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
        /* The same hash as the shards': with N shards and a worker count
         * that divides N, each worker writes to shards of its own. */
        worker *w = &ix->workers[sou_id_hash(doc->id, strlen(doc->id)) % ix->nworkers];
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

/* --delete: each id on the target that holds it (nothing to do in a fresh
 * build, whose DIR is empty); the targets touched are committed at once. */
static sx_status apply_deletes(indexer *ix, const char *const *ids, size_t n, sx_error *err)
{
    char idterm[SOU_DOCUMENT_MAX_TERM + 16];
    sx_status s = SX_OK;

    for (size_t i = 0; i < n && s == SX_OK; i++) {
        size_t len = sou_document_idterm(ids[i], idterm, sizeof idterm);
        int deleted = 0;
        if (len == 0 || ix->mode != MODE_UPDATE) {
            ix->delete_missing++;
            continue;
        }
        /* By the article id, as the documents were routed (shard.h). */
        target *t = &ix->targets[sou_shard_of(ids[i], strlen(ids[i]), ix->ntargets)];
        s = sx_db_delete_by_term(t->db, idterm, &deleted, err);
        t->deleted |= deleted;
        if (deleted)
            ix->deleted++;
        else
            ix->delete_missing++;
    }
    for (unsigned k = 0; s == SX_OK && k < ix->ntargets; k++)
        if (ix->targets[k].deleted)
            s = sx_db_commit(ix->targets[k].db, err);
    return s;
}

/* This run's name for the shards' SOU_META_RUN marks: UTC time and pid. */
static void name_run(indexer *ix)
{
    time_t now = time(NULL);
    struct tm tm;
    char when[32];
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(ix->run, sizeof ix->run, "%s pid %ld", when, (long)getpid());
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
    pthread_mutex_init(&ix->problem_mu, NULL);
    pthread_mutex_init(&ix->fail_mu, NULL);
    pthread_mutex_init(&ix->done_mu, NULL);
    pthread_cond_init(&ix->done_cond, NULL);
    ix->nworkers = opt->threads ? (opt->threads > MAX_THREADS ? MAX_THREADS : opt->threads)
                                : default_threads();
    name_run(ix);

    if (!opt->db_path || !*opt->db_path) {
        set_error(&e, SX_ERR_INVALID_ARG, "no database path");
        goto fatal;
    }
    if (opt->shards > SOU_SHARD_MAX) {
        set_error(&e, SX_ERR_INVALID_ARG, "--shards %u: at most %u", opt->shards, SOU_SHARD_MAX);
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
    if (ix->mode == MODE_SHARDED_FRESH && open_build_targets(ix, &e) != SX_OK)
        goto fatal;
    for (i = 0; i < ix->ntargets; i++)
        if (begin_batch(ix->targets[i].db, !ix->targets[i].durable, &e) != SX_OK)
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
        if (ix->mode == MODE_FRESH) {
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
    if (ix->mode == MODE_FRESH)
        s = finish_fresh(ix, &e);
    else if (ix->mode == MODE_SHARDED_FRESH)
        s = finish_sharded_fresh(ix, &e);
    else
        s = commit_targets(ix, &e);
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
    /* What the summary must not count as indexed: the workers are done (or
     * never started), so the counts hold still. */
    if (ix->mode == MODE_UPDATE) { /* DIR, or each shard, stays at its last commit */
        for (i = 0; i < ix->ntargets; i++) {
            ix->rolled_back += ix->targets[i].since_commit;
            if (ix->targets[i].db)
                sx_db_cancel_transaction(ix->targets[i].db, NULL);
        }
    } else { /* a new index is swapped in whole or not at all */
        ix->rolled_back = atomic_load(&ix->added) + atomic_load(&ix->replaced);
    }
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
    for (i = 0; i < ix->ntargets; i++) {
        target *t = &ix->targets[i];
        sx_db_close(t->db);
        free(t->name);
        free(t->build_path);
        pthread_mutex_destroy(&t->mu);
    }
    free(ix->targets);
    sx_stub_free(ix->stub);
    sx_db_close(ix->db);
    if (ix->build_dir)
        remove_tree(ix->build_dir);
    free(ix->build_dir);
    free(ix->workers);
    sou_fields_destroy(&ix->fields);
    pthread_mutex_destroy(&ix->problem_mu);
    pthread_mutex_destroy(&ix->fail_mu);
    pthread_mutex_destroy(&ix->done_mu);
    pthread_cond_destroy(&ix->done_cond);
    free(ix);
    return result;
}
