/*
 * tf_memo.h: term frequencies remembered across queries, for one revision
 * of one index.
 *
 * Building a query looks up the frequency of each of its tokens in the body
 * and in the title (which words are missing, which terms are the rarest):
 * about 50 B-tree block reads a cmrc2018 question, a fifth of all it reads,
 * and the same bigrams come back question after question.  A searcher keeps
 * them here; a new revision of the index (a commit, a reopen) forgets them
 * all, as does a full memo, so the figures are always those of the revision
 * searched.  One memo belongs to one searcher (one thread): no locking.
 */
#ifndef SOU_TF_MEMO_H
#define SOU_TF_MEMO_H

#include <stddef.h>
#include <stdint.h>

/* Terms remembered at most (then everything is forgotten and it starts
 * again): about 4 MB a searcher. */
#define SOU_TF_MEMO_MAX 65536u

typedef struct sou_tf_memo sou_tf_memo;

/* An empty memo; NULL when out of memory. */
sou_tf_memo *sou_tf_memo_new(void);
void sou_tf_memo_free(sou_tf_memo *m);

/* The revision about to be searched: a different one than remembered
 * forgets everything. */
void sou_tf_memo_revision(sou_tf_memo *m, uint64_t revision);

/* 1 with *tf when term[0..len) is remembered, else 0. */
int sou_tf_memo_get(const sou_tf_memo *m, const char *term, size_t len, unsigned *tf);

/* Remember term[0..len) (copied) with its frequency; out of memory it is
 * simply not remembered. */
void sou_tf_memo_put(sou_tf_memo *m, const char *term, size_t len, unsigned tf);

/* Terms remembered now (tests). */
size_t sou_tf_memo_size(const sou_tf_memo *m);

#endif /* SOU_TF_MEMO_H */
