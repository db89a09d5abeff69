/*
 * shard.h: which shard of a sharded index an article lives on, and the
 * marks the indexer leaves in each shard.
 *
 * A sharded index is a Xapian stub (a file, or DIR/XAPIANDB) listing N
 * shards; the indexer puts every document on shard sou_shard_of(article id,
 * N), so re-indexing or deleting an id reaches the shard that holds it.
 * Route by the ARTICLE id: when an article is stored as several documents
 * (passages sharing the article id), all of them must land on one shard, so
 * that replacing or deleting the article finds them all and search-time
 * collapsing sees them together.  This is the only routing function.
 *
 * The hash is part of the on-disk format: changing it, or N, or the order of
 * the stub's lines would send ids to shards that do not hold them.  So it
 * never changes, and each shard records its place (SOU_META_SHARD), which
 * the indexer checks before writing; re-sharding means re-indexing into a
 * new set of shards.
 */
#ifndef SOU_SHARD_H
#define SOU_SHARD_H

#include <stddef.h>
#include <stdint.h>

/* Most shards one stub may list (a sanity bound, not a Xapian limit). */
#define SOU_SHARD_MAX 1024u

/* Metadata in each shard.  SOU_META_SHARD: "I/N", this shard's place (0-based)
 * in an N-shard set.  SOU_META_RUN: "<run> running" while an indexer run is
 * writing, "<run> done" once it committed; a shard left "running" tells the
 * next run that this one was killed between shard commits. */
#define SOU_META_SHARD "sou.shard"
#define SOU_META_RUN "sou.run"

/* FNV-1a (32 bits) of id[0..len): stable across machines and versions. */
uint32_t sou_id_hash(const char *id, size_t len);

/* The shard (0..nshards-1) of the article with this id; 0 when nshards <= 1. */
unsigned sou_shard_of(const char *article_id, size_t len, unsigned nshards);

#endif /* SOU_SHARD_H */
