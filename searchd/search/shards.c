/* shards.c: one database or the shards of a stub, with per-shard failure
 * handling (see shards.h).
 *
 * Threads: the searcher's thread owns every handle in use (db, the union,
 * retired handles) and alone closes them.  A sharded index also has one
 * connector thread, which opens the connections that would otherwise stall
 * a request: a shard that is down, when its retry time comes, and a remote
 * shard's periodic fresh connection.  It leaves each new handle in
 * shard.pending; the searcher's thread swaps it in before its next request.
 * mu guards pending and the times both threads read (opened, retry_at). */
#include "shards.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "schema.h"

/* A connection opened ahead but not used this long is replaced: below
 * xapian-tcpsrv's default idle timeout (60 s), after which it hangs up. */
#define PENDING_MAX_AGE_MS 30000.0

typedef struct {
    const sx_shard_spec *spec; /* borrowed from the stub */
    sx_db *db;                 /* in use (owned); NULL while down */
    size_t addr;               /* remote: which of spec's addresses db talks to */
    int fresh_open;            /* refreshed by opening anew, not reopen(): remote or a stub */
    int been_up;               /* was up once (so coming back is news) */
    char error[256];           /* down: why */
    /* under mu */
    int up;                    /* db != NULL, for the connector */
    size_t use_addr;           /* addr, for the connector */
    double opened;             /* when db was opened (ms, monotonic) */
    double retry_at;           /* down: when to try again */
    sx_db *pending;            /* opened by the connector, not yet in use (owned) */
    size_t pending_addr;
    double pending_at;
    char pending_error[256];   /* the connector's last failure, while down */
} shard;

struct sou_shards {
    sou_shard_options opt;
    char *path;
    sx_db *single;      /* not sharded: the database (owned) */
    sx_stub *stub;      /* sharded: the stub as read (owned) */
    struct stat stub_st;
    shard *v;
    size_t n;
    sx_db *uni;         /* the union of the shards up (owned; its parts are the shards') */
    size_t up;          /* shards in uni */
    int dirty;          /* a shard went up or down or was reconnected: rebuild uni */
    sx_db **retired;    /* replaced handles, closed once uni no longer holds them */
    size_t nretired;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    pthread_t connector;
    int connector_running;
    int stopping;       /* under mu: the connector ends */
};

void sou_shard_options_init(sou_shard_options *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_ms = 2000;        /* a shard answers a query in milliseconds; 2 s means it is stuck */
    o->connect_timeout_ms = 500; /* a LAN connect takes well under a millisecond */
    o->retry_ms = 1000;          /* a server back from a restart is used again within a second */
    o->refresh_ms = 1000;        /* commits on remote shards are seen within a second */
    o->replica_seed = 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void notify(sou_shards *sh, int warn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void notify(sou_shards *sh, int warn, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    if (!sh->opt.notify)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sh->opt.notify(warn, msg, sh->opt.notify_ctx);
}

/* How a shard is named in answers: HOST:PORT, the program, or the path. */
static void shard_address(const sx_shard_spec *spec, size_t addr, char *buf, size_t cap)
{
    if (spec->kind == SX_SHARD_REMOTE)
        snprintf(buf, cap, "%s:%u", spec->hosts[addr], spec->ports[addr]);
    else if (spec->kind == SX_SHARD_PROGRAM)
        snprintf(buf, cap, "%s%s%s", spec->path, *spec->args ? " " : "", spec->args);
    else
        snprintf(buf, cap, "%s", spec->path);
}

static size_t naddrs_of(const sx_shard_spec *spec)
{
    return spec->kind == SX_SHARD_REMOTE ? spec->naddrs : 1;
}

static sx_status open_at(const sou_shard_options *opt, const sx_shard_spec *spec, size_t addr, sx_db **out,
                         sx_error *xe)
{
    switch (spec->kind) {
    case SX_SHARD_REMOTE:
        return sx_db_open_remote(spec->hosts[addr], spec->ports[addr], opt->timeout_ms, opt->connect_timeout_ms,
                                 0, out, xe);
    case SX_SHARD_PROGRAM:
        return sx_db_open_remote_program(spec->path, spec->args, opt->timeout_ms, 0, out, xe);
    case SX_SHARD_LOCAL:
    default:
        return sx_db_open_readonly(spec->path, out, xe);
    }
}

/* Open spec at its addresses in turn, from `from` (skipping it when skip).
 * Returns the handle (*addr_out: the address used) or NULL with why. */
static sx_db *open_any(const sou_shard_options *opt, const sx_shard_spec *spec, size_t from, int skip,
                       size_t *addr_out, char *why, size_t whycap)
{
    size_t n = naddrs_of(spec);
    for (size_t k = skip ? 1 : 0; k < n; k++) {
        size_t a = (from + k) % n;
        sx_error xe = {0};
        sx_db *db = NULL;
        if (open_at(opt, spec, a, &db, &xe) == SX_OK) {
            *addr_out = a;
            return db;
        }
        snprintf(why, whycap, "%s", xe.message);
    }
    return NULL;
}

static void retire(sou_shards *sh, sx_db *db)
{
    sx_db **v;
    if (!db)
        return;
    v = realloc(sh->retired, (sh->nretired + 1) * sizeof *v);
    if (!v) {
        /* Cannot wait for the rebuild: drop the union first, then the part. */
        sx_db_close(sh->uni);
        sh->uni = NULL;
        sh->dirty = 1;
        sx_db_close(db);
        return;
    }
    sh->retired = v;
    sh->retired[sh->nretired++] = db;
}

/* Rebuild the union of the shards up (when they changed), then close what
 * the old union still held. */
static void rebuild(sou_shards *sh)
{
    sx_db **parts;
    sx_db *uni = NULL;
    size_t up = 0;

    if (!sh->dirty && (sh->uni || sh->nretired == 0))
        return;
    parts = calloc(sh->n ? sh->n : 1, sizeof *parts);
    if (parts) {
        for (size_t i = 0; i < sh->n; i++)
            if (sh->v[i].db)
                parts[up++] = sh->v[i].db;
        if (up && sx_db_union(parts, up, &uni, NULL) != SX_OK)
            uni = NULL;
    }
    free(parts);
    sx_db_close(sh->uni);
    sh->uni = uni;
    sh->up = uni ? up : 0;
    sh->dirty = !uni && up; /* out of memory: try again next time */
    for (size_t i = 0; i < sh->nretired; i++)
        sx_db_close(sh->retired[i]);
    sh->nretired = 0;
}

/* Put db (opened at address a) in use for shard i. */
static void shard_use(sou_shards *sh, size_t i, sx_db *db, size_t a)
{
    shard *sd = &sh->v[i];
    if (sd->been_up && (!sd->db || a != sd->addr)) {
        char where[300];
        shard_address(sd->spec, a, where, sizeof where);
        notify(sh, 0, "shard %zu (%s): %s %s", i, sd->spec->name, sd->db ? "now served by" : "answering again, at",
               where);
    }
    retire(sh, sd->db);
    sd->db = db;
    sd->addr = a;
    sd->been_up = 1;
    sd->error[0] = '\0';
    sh->dirty = 1;
    pthread_mutex_lock(&sh->mu);
    sd->opened = now_ms();
    sd->up = 1;
    sd->use_addr = a;
    pthread_cond_signal(&sh->cond); /* its next refresh is due at a new time */
    pthread_mutex_unlock(&sh->mu);
}

/* Open shard i anew now, in this thread (after a failure, for /health).
 * Returns 0, or -1 with sd->error set (the old handle is left alone). */
static int shard_connect(sou_shards *sh, size_t i, int skip_current)
{
    shard *sd = &sh->v[i];
    size_t a = 0;
    sx_db *db = open_any(&sh->opt, sd->spec, sd->addr, skip_current, &a, sd->error, sizeof sd->error);
    if (!db)
        return -1;
    shard_use(sh, i, db, a);
    return 0;
}

static void shard_down(sou_shards *sh, size_t i)
{
    shard *sd = &sh->v[i];
    if (sd->db)
        notify(sh, 1, "shard %zu (%s) left out, trying again in %u ms: %s", i, sd->spec->name, sh->opt.retry_ms,
               sd->error);
    retire(sh, sd->db);
    sd->db = NULL;
    sh->dirty = 1;
    pthread_mutex_lock(&sh->mu);
    sd->up = 0;
    sd->retry_at = now_ms() + sh->opt.retry_ms;
    pthread_cond_signal(&sh->cond);
    pthread_mutex_unlock(&sh->mu);
}

/* ---------------------------------------------------------------- the connector thread */

static void *connector_main(void *arg)
{
    sou_shards *sh = arg;

    pthread_mutex_lock(&sh->mu);
    while (!sh->stopping) {
        double now = now_ms(), next = now + 60000;
        for (size_t i = 0; i < sh->n && !sh->stopping; i++) {
            shard *sd = &sh->v[i];
            int down = !sd->up;
            double due = down ? sd->retry_at : sd->fresh_open ? sd->opened + sh->opt.refresh_ms : -1;
            if (sd->pending && now - sd->pending_at > PENDING_MAX_AGE_MS) {
                /* Nobody searched for a while: the server may have closed
                 * this idle connection; open a newer one instead. */
                sx_db_close(sd->pending);
                sd->pending = NULL;
                due = now;
            }
            if (due < 0 || sd->pending)
                continue;
            if (due > now) {
                next = due < next ? due : next;
                continue;
            }
            char why[256] = "";
            size_t a = 0, from = sd->use_addr;
            pthread_mutex_unlock(&sh->mu);
            sx_db *db = open_any(&sh->opt, sd->spec, from, 0, &a, why, sizeof why);
            pthread_mutex_lock(&sh->mu);
            now = now_ms();
            if (db) {
                sd->pending = db;
                sd->pending_addr = a;
                sd->pending_at = now;
            } else if (down) {
                sd->retry_at = now + sh->opt.retry_ms;
                snprintf(sd->pending_error, sizeof sd->pending_error, "%s", why);
                next = sd->retry_at < next ? sd->retry_at : next;
            } else {
                /* The old connection may still work; the next search tells. */
                sd->opened = now;
            }
        }
        if (sh->stopping)
            break;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        double wait = next - now_ms();
        if (wait < 1)
            wait = 1;
        until.tv_sec += (time_t)(wait / 1000);
        until.tv_nsec += (long)((wait - (double)(long long)(wait / 1000) * 1000) * 1e6);
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&sh->cond, &sh->mu, &until);
    }
    pthread_mutex_unlock(&sh->mu);
    return NULL;
}

static void connector_stop(sou_shards *sh)
{
    if (!sh->connector_running)
        return;
    pthread_mutex_lock(&sh->mu);
    sh->stopping = 1;
    pthread_cond_signal(&sh->cond);
    pthread_mutex_unlock(&sh->mu);
    pthread_join(sh->connector, NULL);
    sh->connector_running = 0;
    sh->stopping = 0;
}

/* Swap in what the connector opened.  Returns 1 if anything changed. */
static int take_pending(sou_shards *sh)
{
    int changed = 0;
    pthread_mutex_lock(&sh->mu);
    for (size_t i = 0; i < sh->n; i++) {
        shard *sd = &sh->v[i];
        if (!sd->db && sd->pending_error[0]) {
            memcpy(sd->error, sd->pending_error, sizeof sd->error);
            sd->pending_error[0] = '\0';
        }
        if (!sd->pending)
            continue;
        sx_db *db = sd->pending;
        size_t a = sd->pending_addr;
        sd->pending = NULL;
        pthread_mutex_unlock(&sh->mu);
        shard_use(sh, i, db, a);
        pthread_mutex_lock(&sh->mu);
        changed = 1;
    }
    pthread_mutex_unlock(&sh->mu);
    return changed;
}

/* ---------------------------------------------------------------- opening and closing */

static void shards_close(sou_shards *sh)
{
    connector_stop(sh);
    sx_db_close(sh->uni);
    sh->uni = NULL;
    for (size_t i = 0; i < sh->n; i++) {
        sx_db_close(sh->v[i].db);
        sx_db_close(sh->v[i].pending);
    }
    for (size_t i = 0; i < sh->nretired; i++)
        sx_db_close(sh->retired[i]);
    free(sh->retired);
    sh->retired = NULL;
    sh->nretired = 0;
    free(sh->v);
    sh->v = NULL;
    sh->n = sh->up = 0;
    sx_stub_free(sh->stub);
    sh->stub = NULL;
}

/* Read the stub and open each shard (those that fail are down), then start
 * the connector. */
static int shards_load(sou_shards *sh, sou_error *err)
{
    sx_error xe = {0};
    char file[4096];

    /* stat() before reading: a change made while reading is seen next time. */
    snprintf(file, sizeof file, "%s", sh->path);
    if (stat(sh->path, &sh->stub_st) == 0 && S_ISDIR(sh->stub_st.st_mode)) {
        snprintf(file, sizeof file, "%s/XAPIANDB", sh->path);
        stat(file, &sh->stub_st);
    }
    if (sx_stub_read(sh->path, &sh->stub, &xe) != SX_OK) {
        sou_error_set(err, SOU_EUNAVAILABLE, "cannot read the stub at %s: %s", sh->path, xe.message);
        return -1;
    }
    sh->v = calloc(sh->stub->n, sizeof *sh->v);
    if (!sh->v) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory opening %s", sh->path);
        return -1;
    }
    sh->n = sh->stub->n;
    for (size_t i = 0; i < sh->n; i++) {
        shard *sd = &sh->v[i];
        sd->spec = &sh->stub->shards[i];
        sd->fresh_open = sd->spec->kind != SX_SHARD_LOCAL || sx_stub_is_stub(sd->spec->path);
        sd->addr = sd->use_addr = sh->opt.replica_seed % naddrs_of(sd->spec);
        if (shard_connect(sh, i, 0) < 0) {
            sd->retry_at = now_ms() + sh->opt.retry_ms;
            notify(sh, 1, "shard %zu (%s) is down, trying again in %u ms: %s", i, sd->spec->name, sh->opt.retry_ms,
                   sd->error);
        }
    }
    sh->dirty = 1;
    rebuild(sh);
    if (pthread_create(&sh->connector, NULL, connector_main, sh) == 0)
        sh->connector_running = 1;
    /* else: shards that fail stay down until /health retries them */
    return 0;
}

sou_shards *sou_shards_open(const char *path, const sou_shard_options *opt, sou_error *err)
{
    sou_shards *sh = calloc(1, sizeof *sh);
    sx_error xe = {0};

    if (!sh) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory opening %s", path);
        return NULL;
    }
    pthread_condattr_t ca;
    pthread_mutex_init(&sh->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* the connector's deadlines are monotonic */
    pthread_cond_init(&sh->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (!(sh->path = strdup(path))) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory opening %s", path);
        goto fail;
    }
    if (opt)
        sh->opt = *opt;
    else
        sou_shard_options_init(&sh->opt);
    if (!sx_stub_is_stub(path)) {
        if (sx_db_open_readonly(path, &sh->single, &xe) != SX_OK) {
            sou_error_set(err, SOU_EUNAVAILABLE, "cannot open the index at %s: %s", path, xe.message);
            goto fail;
        }
        /* A failure to read them is not one to open: they are then read
         * from the database as needed. */
        if (sh->opt.keep_values)
            sx_db_keep_values(sh->single, SOU_VALUE_CANDIDATE, sh->opt.keep_values, NULL, NULL);
        return sh;
    }
    if (shards_load(sh, err) < 0)
        goto fail;
    return sh;
fail:
    sou_shards_free(sh);
    return NULL;
}

void sou_shards_free(sou_shards *sh)
{
    if (!sh)
        return;
    shards_close(sh);
    sx_db_close(sh->single);
    pthread_mutex_destroy(&sh->mu);
    pthread_cond_destroy(&sh->cond);
    free(sh->path);
    free(sh);
}

int sou_shards_sharded(const sou_shards *sh)
{
    return sh->stub != NULL;
}

size_t sou_shards_count(const sou_shards *sh)
{
    return sh->stub ? sh->n : 1;
}

sx_db *sou_shards_db(sou_shards *sh, sou_error *err)
{
    if (sh->single)
        return sh->single;
    rebuild(sh);
    if (!sh->uni) {
        char why[400] = "";
        for (size_t i = 0; i < sh->n && !why[0]; i++)
            if (!sh->v[i].db)
                snprintf(why, sizeof why, "shard %zu (%s): %s", i, sh->v[i].spec->name, sh->v[i].error);
        sou_error_set(err, SOU_EUNAVAILABLE, "no shard of %s is answering (%zu shards; %s)", sh->path, sh->n,
                      why);
    }
    return sh->uni;
}

/* ---------------------------------------------------------------- keeping up to date */

/* The stub file changed since it was read (replaced, edited, removed). */
static int stub_changed(const sou_shards *sh)
{
    struct stat st;
    if (stat(sh->stub->path, &st) != 0)
        return 1;
    return st.st_ino != sh->stub_st.st_ino || st.st_dev != sh->stub_st.st_dev ||
           st.st_size != sh->stub_st.st_size || st.st_mtim.tv_sec != sh->stub_st.st_mtim.tv_sec ||
           st.st_mtim.tv_nsec != sh->stub_st.st_mtim.tv_nsec;
}

int sou_shards_refresh(sou_shards *sh, sou_error *err)
{
    int changed = 0;

    if (sh->single) {
        sx_error xe = {0};
        if (sx_db_reopen(sh->single, &changed, &xe) != SX_OK) {
            sou_error_set(err, SOU_EUNAVAILABLE, "reopening the index: %s", xe.message);
            return -1;
        }
        return changed;
    }
    if (stub_changed(sh)) {
        notify(sh, 0, "%s changed: opening its shards again", sh->stub->path);
        shards_close(sh);
        return shards_load(sh, err) < 0 ? -1 : 1;
    }
    changed = take_pending(sh);
    /* Local databases reopen() in microseconds; remote ones and stubs
     * are opened anew by the connector instead. */
    for (size_t i = 0; i < sh->n; i++) {
        shard *sd = &sh->v[i];
        sx_error xe = {0};
        int c = 0;
        if (!sd->db || sd->fresh_open)
            continue;
        if (sx_db_reopen(sd->db, &c, &xe) == SX_OK) {
            changed |= c;
            continue;
        }
        snprintf(sd->error, sizeof sd->error, "%s", xe.message);
        if (shard_connect(sh, i, 0) < 0)
            shard_down(sh, i);
        changed = 1;
    }
    rebuild(sh);
    return changed;
}

void sou_shards_reopen(sou_shards *sh)
{
    if (sh->single) {
        sx_db_reopen(sh->single, NULL, NULL);
        return;
    }
    for (size_t i = 0; i < sh->n; i++) {
        shard *sd = &sh->v[i];
        if (!sd->db)
            continue;
        if (sd->fresh_open ? shard_connect(sh, i, 0) < 0 : sx_db_reopen(sd->db, NULL, NULL) != SX_OK)
            shard_down(sh, i);
    }
    rebuild(sh);
}

/* ---------------------------------------------------------------- failures */

/* Errors that say something about the shard rather than the query. */
static int shard_trouble(sx_status st)
{
    switch (st) {
    case SX_ERR_NETWORK:
    case SX_ERR_TIMEOUT:
    case SX_ERR_IO:
    case SX_ERR_NOT_FOUND:
    case SX_ERR_CORRUPT:
    case SX_ERR_MODIFIED:
    case SX_ERR_VERSION:
        return 1;
    default:
        return 0;
    }
}

int sou_shards_failure(sou_shards *sh, const sx_error *xe)
{
    size_t *culprits;
    size_t nc = 0;

    if (sh->single || !shard_trouble(xe->status))
        return 0;
    if (!(culprits = calloc(sh->n ? sh->n : 1, sizeof *culprits)))
        return 0;
    for (size_t i = 0; i < sh->n; i++)
        if (sh->v[i].db && sx_error_is_from(xe, sh->v[i].db)) {
            snprintf(sh->v[i].error, sizeof sh->v[i].error, "%s", xe->message);
            culprits[nc++] = i;
        }
    if (nc == 0 && (xe->status == SX_ERR_NETWORK || xe->status == SX_ERR_TIMEOUT)) {
        /* "Connection closed unexpectedly" names no server: ask each. */
        for (size_t i = 0; i < sh->n; i++) {
            sx_error pe = {0};
            if (sh->v[i].db && sx_db_is_remote(sh->v[i].db) && sx_db_ping(sh->v[i].db, &pe) != SX_OK) {
                snprintf(sh->v[i].error, sizeof sh->v[i].error, "%s", pe.message);
                culprits[nc++] = i;
            }
        }
    }
    /* A server that timed out is slow: go to another replica.  Any other
     * failure may be a dropped connection (xapian-tcpsrv closes idle ones):
     * the same server first.  shard_connect leaves its own failure in
     * error, else the search's stays. */
    for (size_t k = 0; k < nc; k++)
        if (shard_connect(sh, culprits[k], xe->status == SX_ERR_TIMEOUT) < 0)
            shard_down(sh, culprits[k]);
    free(culprits);
    if (nc)
        rebuild(sh);
    return nc > 0;
}

/* ---------------------------------------------------------------- describing */

int sou_shards_partial(const sou_shards *sh)
{
    return sh->stub && sh->up < sh->n;
}

json_t *sou_shards_answer_json(const sou_shards *sh)
{
    json_t *failed = json_array();
    char addr[300];

    if (!failed)
        return NULL;
    for (size_t i = 0; i < sh->n; i++)
        if (!sh->v[i].db) {
            shard_address(sh->v[i].spec, 0, addr, sizeof addr);
            json_array_append_new(failed, json_string(addr));
        }
    return json_pack("{s:I,s:I,s:o}", "total", (json_int_t)sh->n, "answered", (json_int_t)sh->up, "failed",
                     failed);
}

json_t *sou_shards_health_json(sou_shards *sh, unsigned *up)
{
    json_t *a = json_array();
    char addr[300];

    *up = 0;
    if (!a)
        return NULL;
    take_pending(sh);
    for (size_t i = 0; i < sh->n; i++) {
        shard *sd = &sh->v[i];
        sx_error xe = {0};
        if (sd->db && sx_db_ping(sd->db, &xe) != SX_OK) {
            snprintf(sd->error, sizeof sd->error, "%s", xe.message);
            if (shard_connect(sh, i, xe.status == SX_ERR_TIMEOUT) < 0)
                shard_down(sh, i);
        } else if (!sd->db && shard_connect(sh, i, 0) < 0) {
            pthread_mutex_lock(&sh->mu);
            sd->retry_at = now_ms() + sh->opt.retry_ms;
            pthread_mutex_unlock(&sh->mu);
        }
    }
    rebuild(sh);
    double now = now_ms();
    for (size_t i = 0; i < sh->n; i++) {
        shard *sd = &sh->v[i];
        json_t *o = json_object();
        if (!o)
            break;
        json_object_set_new(o, "shard", json_integer((json_int_t)i));
        json_object_set_new(o, "name", json_string(sd->spec->name));
        json_object_set_new(o, "status", json_string(sd->db ? "up" : "down"));
        shard_address(sd->spec, sd->addr, addr, sizeof addr);
        json_object_set_new(o, "address", json_string(addr));
        if (naddrs_of(sd->spec) > 1) {
            json_t *r = json_array();
            for (size_t k = 0; r && k < sd->spec->naddrs; k++) {
                shard_address(sd->spec, k, addr, sizeof addr);
                json_array_append_new(r, json_string(addr));
            }
            json_object_set_new(o, "replicas", r ? r : json_null());
        }
        if (sd->db) {
            unsigned docs = 0;
            uint64_t rev = 0;
            (*up)++;
            /* articles, not passages: the first passage of each carries SOU_TERM_ARTICLE */
            if (sx_db_termfreq(sd->db, SOU_TERM_ARTICLE, strlen(SOU_TERM_ARTICLE), &docs, NULL) == SX_OK)
                json_object_set_new(o, "documents", json_integer((json_int_t)docs));
            if (!sx_db_is_remote(sd->db) && sx_db_revision(sd->db, &rev, NULL) == SX_OK)
                json_object_set_new(o, "revision", json_integer((json_int_t)rev));
        } else {
            pthread_mutex_lock(&sh->mu);
            double at = sd->retry_at;
            pthread_mutex_unlock(&sh->mu);
            json_object_set_new(o, "error", json_string(sd->error));
            json_object_set_new(o, "retry_in_ms", json_integer(at > now ? (json_int_t)(at - now) : 0));
        }
        json_array_append_new(a, o);
    }
    return a;
}
