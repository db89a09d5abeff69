/*
 * nearcopy.h: signatures that tell near-copies apart from merely similar
 * documents.
 *
 * Near-copies flood a result page: one service guide for each office that
 * offers it, one Q&A article per city from the same template, a law in its
 * 2015 and 2018 versions.  They are shown as one result with the others
 * listed as "similar" (search.c).  What makes two hits near-copies was
 * measured on the corpora (docs/ranking.md):
 *   - the bodies alone do not tell: guides for different services share
 *     most of their text (实施部门, 办理地点, 法定办结时限 ... lines), with
 *     Jaccard similarities of 3-gram shingles of 0.3-0.9, while four cities'
 *     versions of one seed article reach only 0.3-0.5;
 *   - the titles alone do not either (各省区党委主要负责同志职务调整 news);
 *   - both together do: the same title (a Jaccard similarity of its bigrams
 *     >= 0.95) AND a similar body (of 3-character shingles >= 0.5); a title
 *     similarity of 1/3 with 0.3 of the body merged different services
 *     (docs/ranking.md).
 * Both are estimated from b-bit MinHash signatures (one-permutation hashing
 * with SOU_NC_BINS bins, 16 bits a bin), computed at index time over the
 * normalised text of the title and of each passage, and stored with the
 * passage (schema.h value SOU_VALUE_CANDIDATE), so that grouping reads no
 * stored text.
 */
#ifndef SOU_NEARCOPY_H
#define SOU_NEARCOPY_H

#include <stddef.h>
#include <stdint.h>

#define SOU_NC_TITLE_BINS 16
#define SOU_NC_BODY_BINS 32
#define SOU_NC_BYTES (2 * (SOU_NC_TITLE_BINS + SOU_NC_BODY_BINS)) /* the stored value */

/* The signature of a title and a body (UTF-8, normalised here) into
 * out[SOU_NC_BYTES]. */
void sou_nearcopy_signature(const char *title, size_t title_len, const char *body, size_t body_len,
                            unsigned char out[SOU_NC_BYTES]);

/* The candidate value of a passage (schema.h SOU_VALUE_CANDIDATE): its
 * signature, then the title, malloc()ed with its length in *len; NULL when
 * out of memory.  sou_candidate_title() reads the title back. */
unsigned char *sou_candidate_value(const char *title, size_t title_len, const char *body, size_t body_len,
                                   size_t *len);

/* The title in a candidate value v[0..len), *title_len bytes; NULL when it
 * has none (an index written before the title moved there).  The signature
 * is v's first SOU_NC_BYTES bytes. */
static inline const char *sou_candidate_title(const char *v, size_t len, size_t *title_len)
{
    *title_len = len > SOU_NC_BYTES ? len - SOU_NC_BYTES : 0;
    return *title_len ? v + SOU_NC_BYTES : NULL;
}

/* 1 if the signatures a and b (SOU_NC_BYTES each) are near-copies (the
 * thresholds above), 0 if not or if either is not a signature (len). */
int sou_nearcopy_similar(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen);

#endif /* SOU_NEARCOPY_H */
