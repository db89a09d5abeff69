/*
 * synonyms.h: synonym lists -> Xapian's synonym table of an index.
 *
 * People ask with everyday words (社保, 驾照, 被狗咬了) for what documents
 * say officially (社会保险, 机动车驾驶证, 犬只伤人).  searchd looks every query
 * word up in the index's synonym table and searches the word or any of its
 * synonyms as one concept (query_build.h).  The table lives in the index but
 * apart from the documents: `indexer --db DIR --synonyms FILE` rewrites it
 * without re-indexing anything, and searchd sees it at its next reopen.
 *
 * File format (Solr's), UTF-8, one rule a line, '#' starts a comment:
 *     医保, 医疗保险, 基本医疗保险      equivalent: each is a synonym of the others
 *     狗 => 犬                         one way: a query for 狗 also finds 犬
 * Words are separated by commas (also ， and 、); spaces inside a word are
 * kept (a multi-word phrase).  Every word is normalised as the tokenizer does
 * (医療保險 = 医疗保险, ＡＰＰ = app), so the table's keys are what the query
 * side looks up.
 */
#ifndef SOU_SYNONYMS_H
#define SOU_SYNONYMS_H

#include <stddef.h>

#include "sou_xapian.h"

/* Longest word in a rule, in bytes after normalisation. */
#define SOU_SYNONYM_MAX_WORD 120

/* Metadata key recording which lists the table was written from. */
#define SOU_META_SYNONYMS "sou.synonyms"

/* Called for each (term, synonym) entry of the rules, in file order. */
typedef int (*sou_synonym_pair_fn)(const char *term, const char *synonym, void *ctx);

/* Read the rule files paths[0..n), calling fn for every entry.  Returns the
 * number of rules read, or -1 with err[0..errlen) saying "file:line: what"
 * (or the system error); nothing is called for the rest after an error. */
long sou_synonyms_read(const char *const *paths, size_t n, sou_synonym_pair_fn fn, void *ctx, char *err,
                       size_t errlen);

/* Replace the synonym table of the writable db with the rules of paths[0..n)
 * and record them (SOU_META_SYNONYMS = the paths) in one commit.  Returns
 * the number of rules, or -1 with err filled (the table is then unchanged). */
long sou_synonyms_write(sx_db *db, const char *const *paths, size_t n, char *err, size_t errlen);

/* What the indexer does after indexing into db_path: with paths (n > 0),
 * write their rules; without, write the rules of default_path if the table
 * was never written (a new index).  *rules gets the number written (0 when
 * the table was left alone).  Returns 0, or -1 with err filled. */
int sou_synonyms_update(const char *db_path, const char *const *paths, size_t n, const char *default_path,
                        long *rules, char *err, size_t errlen);

#endif /* SOU_SYNONYMS_H */
