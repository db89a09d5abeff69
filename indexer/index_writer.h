/*
 * index_writer.h: indexing inputs into a Xapian database, in parallel.
 *
 * sou_index_run() reads the inputs in the calling thread (reader.h) and
 * hands each document to one of N worker threads, chosen by a hash of its
 * id, so that every version of one id goes through the same worker, in input
 * order, and the last one wins.  Each worker turns documents into Xapian
 * documents (document.h) and writes them:
 *
 *   - fresh build (the database is new, or holds no document): each worker
 *     writes its own shard in DIR.sou-build/shard-<i>, committing every
 *     batch documents; at the end the shards are compacted (sx_db_compact)
 *     into DIR.sou-build/merged, which then takes DIR's place in one atomic
 *     renameat2(RENAME_EXCHANGE) (or two renames where the file system
 *     cannot exchange).  Until then DIR is an empty, valid database;
 *   - update (DIR already holds documents): the workers tokenise in
 *     parallel but write into DIR itself through one shared, mutex-guarded
 *     writable handle, replacing by the unique id term and committing every
 *     batch documents, so a running searchd sees them appear.
 *
 * In both cases DIR is opened as a writable database first and held to the
 * end, so Xapian's lock on DIR keeps any other writer out for the whole
 * run (it gets SX_ERR_LOCKED: "database is locked").
 *
 * The index's facets and labels (fields.h) are read from DIR's metadata,
 * merged with opt->fields and written back before any document, so every
 * document of the run, and of later runs without --facet, gets the same
 * facets.
 *
 * Sharded indexes (shard.h).  When db_path is a stub (a stub file, or a
 * directory holding XAPIANDB), each of its shards is opened writable (local
 * paths, or xapian-tcpsrv --writable servers) and held to the end, and each
 * document goes to shard sou_shard_of(article id): the update case above,
 * with one writer, one batch counter and one commit per shard.  Shards
 * commit one after the other, so a crash between two shard commits leaves
 * some shards with more of the input than others (each document whole on
 * its shard or absent, never on two); the shards' SOU_META_RUN marks tell
 * the next run, which warns, and running the same inputs again repairs it
 * (re-indexing an id replaces it in place).  Before writing, each shard's
 * SOU_META_SHARD mark must match its place in the stub.
 *
 * With shards = N and a new DIR, the fresh build makes N shards in
 * DIR.sou-build (each document to its shard, the workers writing in
 * parallel), compacts them in parallel into DIR.sou-build/out/shard-<i>,
 * writes the stub DIR.sou-build/out/XAPIANDB ("auto shard-<i>" lines) and
 * swaps that directory in as DIR: every Xapian tool and searchd then open
 * DIR as the whole index.
 *
 * Deletions (--delete) are applied first, then the inputs.  Setting *stop
 * (from a signal handler, say) stops the reading; what was read is indexed
 * and committed before sou_index_run returns SOU_INDEX_INTERRUPTED.
 */
#ifndef SOU_INDEX_WRITER_H
#define SOU_INDEX_WRITER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "document.h"
#include "fields.h"
#include "segment.h"
#include "reader.h"
#include "sou_xapian.h"

/* Documents between commits, per writer, unless told otherwise. */
#define SOU_INDEX_DEFAULT_BATCH 20000u

/* Documents between Xapian's flushes of its in-memory changes that the
 * indexer program asks for (XAPIAN_FLUSH_THRESHOLD, unless set): writes are
 * made inside transactions, so a flush is not a commit (see README). */
#define SOU_INDEX_DEFAULT_FLUSH 300u

typedef struct {
    unsigned long read;           /* documents read from the inputs */
    unsigned long added;          /* new ids indexed */
    unsigned long replaced;       /* ids that were already indexed (or repeated in the input) */
    unsigned long skipped;        /* documents not indexed because of a problem */
    unsigned long deleted;        /* --delete ids removed */
    unsigned long delete_missing; /* --delete ids that were not in the index */
    unsigned long problems;       /* problems reported */
    unsigned long rolled_back;    /* of added + replaced: not committed when the run failed, so not in
                                   * the index (the open batch; a new index: all of them) */
    uint64_t bytes;               /* input bytes read */
    double seconds;               /* since the start of the run */
    const char *phase;            /* "indexing", "compacting", "done" (static strings) */
    unsigned threads;             /* workers used */
    int fresh;                    /* 1 when built as shards and compacted */
    unsigned shards;              /* shards of a sharded index written; 0 for one database */
} sou_index_stats;

/* Called from the thread that called sou_index_run, at most every
 * progress_ms milliseconds and at each change of phase. */
typedef void (*sou_progress_fn)(const sou_index_stats *stats, void *ctx);

typedef struct {
    const char *db_path;               /* required */
    unsigned threads;                  /* workers; 0 = number of online processors */
    unsigned batch;                    /* documents between commits; 0 = SOU_INDEX_DEFAULT_BATCH */
    sou_unigram_mode unigrams;         /* SOU_UNIGRAMS_TERMS unless measuring */
    volatile sig_atomic_t *stop;       /* may be NULL; non-zero stops reading */
    sou_problem_fn problem;            /* problems with the input, "file:line" (may be NULL) */
    void *problem_ctx;
    sou_progress_fn progress;          /* may be NULL */
    void *progress_ctx;
    unsigned progress_ms;              /* 0 = 200 */
    size_t max_line;                   /* reader cap; 0 = SOU_READER_MAX_LINE */
    const sou_fields *fields;          /* facets and labels to add to those the index has
                                        * (fields.h); NULL: just the index's own */
    const sou_lexicon *lexicon;        /* borrowed: segments titles for the suggestions
                                        * (title_terms.h); NULL: one word a CJK run */
    unsigned shards;                   /* > 0: a new DIR becomes this many local shards (an
                                        * existing sharded DIR must have as many); 0: as DIR is */
    void (*warn)(const char *msg, void *ctx); /* notices about the index (may be NULL) */
    void *warn_ctx;
    const sou_article_rules *article_rules; /* borrowed; NULL = the built-in ones */
} sou_index_options;

typedef enum {
    SOU_INDEX_OK,          /* everything indexed */
    SOU_INDEX_PROBLEMS,    /* problems with some input were reported; the rest is indexed */
    SOU_INDEX_INTERRUPTED, /* *stop was set; what was read is committed */
    SOU_INDEX_FAILED       /* database error (locked, unwritable, ...): err says what */
} sou_index_result;

/* Delete the ids deletes[0..ndeletes), then index the inputs[0..ninputs)
 * (files, directories, "-") into opt->db_path.  stats (may be NULL) gets the
 * final counts.  On SOU_INDEX_FAILED, err (may be NULL) holds the reason,
 * naming the database. */
sou_index_result sou_index_run(const sou_index_options *opt, const char *const *inputs,
                               size_t ninputs, const char *const *deletes, size_t ndeletes,
                               sou_index_stats *stats, sx_error *err);

#endif /* SOU_INDEX_WRITER_H */
