/*
 * shards.h: the databases one searcher reads, and what it does when some of
 * them fail.
 *
 * One index is one local database, opened as it is.  A sharded index is a
 * stub (a stub file, or a directory holding XAPIANDB; sou_xapian.h reads
 * it) listing N shards: local paths, or xapian-tcpsrv servers each with
 * optional read replicas ("#sou-replica HOST:PORT" lines).  The shards that
 * are up are searched as one Xapian union, so scores, order and highlights
 * are those of one index of all their documents.
 *
 * Failures stay per shard:
 *   - a search that fails because of a shard (connection refused or lost, no
 *     answer within timeout_ms, or an error the shard's server reported) is
 *     traced to that shard (Xapian names the server in the error; without a
 *     name, every remote shard is pinged), which is reconnected at once
 *     (the server may only have dropped an idle connection), or replaced by
 *     its next replica, or else left out: the search is retried without it
 *     and the answer says "partial";
 *   - a shard left out is tried again, on each of its replicas, at the first
 *     request after retry_ms, so searchd recovers without a restart when the
 *     server returns;
 *   - a remote shard is brought up to date by opening a new connection every
 *     refresh_ms (the old one is closed once the new one works): the server
 *     then opens the database afresh.  Xapian's reopen() is not used for
 *     remote shards because a replica that xapian-replicate has swapped in
 *     through its stub is not followed by reopen() (Xapian's replication
 *     guide: close and open instead).  Local shards are reopen()ed before
 *     every request (cheap); the stub itself is stat()ed too, and read again
 *     when it changed, so a shard added to the stub, a new address or a
 *     local replica's swap is picked up without a restart.
 *
 * Not thread-safe: one sou_shards per searcher, one searcher per thread.
 */
#ifndef SOU_SHARDS_H
#define SOU_SHARDS_H

#include <jansson.h>

#include "search.h"
#include "sou_xapian.h"

typedef struct sou_shards sou_shards;

/* Open path: a database (one part, not sharded) or a stub.  NULL with
 * SOU_EUNAVAILABLE in err when the database cannot be opened or the stub
 * cannot be read; shards of a stub that are down are only marked so.  opt
 * is copied. */
sou_shards *sou_shards_open(const char *path, const sou_shard_options *opt, sou_error *err);
void sou_shards_free(sou_shards *sh);

/* 1 for a stub (answers then carry "shards" and "partial"). */
int sou_shards_sharded(const sou_shards *sh);

/* Shards listed (1 for one database). */
size_t sou_shards_count(const sou_shards *sh);

/* The database to search: the one database, or the union of the shards up
 * now.  Borrowed, valid until the next sou_shards_* call; NULL when no
 * shard is up (err then says why each is down). */
sx_db *sou_shards_db(sou_shards *sh, sou_error *err);

/* Before a request: reopen local shards, reconnect remote ones whose
 * refresh time came, retry failed ones whose retry time came, and read the
 * stub again if it changed.  Returns 1 if a newer revision may be visible,
 * 0 if not, -1 with err when the index itself is gone (the stub or the one
 * database cannot be read: reopen from scratch). */
int sou_shards_refresh(sou_shards *sh, sou_error *err);

/* A search over sou_shards_db failed with xe: find the shards responsible,
 * reconnect or fail them over or leave them out.  Returns 1 when the set of
 * shards changed, so the search is worth running again; 0 when the error is
 * not a shard's (a bad query) or nothing could be done. */
int sou_shards_failure(sou_shards *sh, const sx_error *xe);

/* Reopen every shard now (after Xapian's DatabaseModifiedError). */
void sou_shards_reopen(sou_shards *sh);

/* {"total": N, "answered": K, "failed": [shard address, ...]}: the shards
 * the last sou_shards_db covered.  New reference; NULL on OOM. */
json_t *sou_shards_answer_json(const sou_shards *sh);

/* 1 when some shard is left out. */
int sou_shards_partial(const sou_shards *sh);

/* Check every shard now (ping the remote ones, retry those that are down)
 * and describe them: [{"shard": i, "name": the stub line, "status": "up" |
 * "down", "address": what is used, "replicas": [...] (when there are
 * several), "documents": n, "revision": r (local shards), "error": why it
 * is down, "retry_in_ms": ...}, ...].  *up receives the number up.  New
 * reference; NULL on OOM. */
json_t *sou_shards_health_json(sou_shards *sh, unsigned *up);

#endif /* SOU_SHARDS_H */
