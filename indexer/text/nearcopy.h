/*
 * nearcopy.h: signatures that tell near-copies apart from merely similar
 * documents.
 *
 * Near-copies flood a result page: one service guide for each office that
 * offers it, one Q&A article per city from the same template, a law in its
 * 2015 and 2018 versions.  They are shown as one result with the others
 * listed as "similar" (searchd's group.h, which decides; docs/ranking.md).
 * What it compares is estimated here: the Jaccard similarity of the
 * 3-character shingles of two passages, and, for an index whose candidate
 * value has no title (written before the title was stored there), of the
 * titles' bigrams.  Both come from b-bit MinHash signatures (one-permutation
 * hashing with SOU_NC_BINS bins, 16 bits a bin), computed at index time over
 * the normalised text of the title and of each passage, and stored with the
 * passage (schema.h value SOU_VALUE_CANDIDATE) together with the title, so
 * that grouping reads no stored text.
 */
#ifndef SOU_NEARCOPY_H
#define SOU_NEARCOPY_H

#include <stddef.h>
#include <string.h>
#include <stdint.h>

#define SOU_NC_TITLE_BINS 16
#define SOU_NC_BODY_BINS 32
#define SOU_NC_BYTES (2 * (SOU_NC_TITLE_BINS + SOU_NC_BODY_BINS)) /* the stored value */

/* The signature of a title and a body (UTF-8, normalised here) into
 * out[SOU_NC_BYTES]. */
void sou_nearcopy_signature(const char *title, size_t title_len, const char *body, size_t body_len,
                            unsigned char out[SOU_NC_BYTES]);

/* The signature of a whole article's body into out[SOU_NC_ARTICLE_BYTES]:
 * its 3-character shingles' bins, as a passage's (computed once an article,
 * stored with each of its passages).  Whether two hits are copies must not
 * depend on which of their passages a question matched best: a title match
 * makes that the shortest one. */
#define SOU_NC_ARTICLE_BYTES (2 * SOU_NC_BODY_BINS)
void sou_nearcopy_article(const char *body, size_t body_len, unsigned char out[SOU_NC_ARTICLE_BYTES]);

/* The candidate value of a passage (schema.h SOU_VALUE_CANDIDATE): its
 * signature, a byte 0xFF and the article's signature, then the title, then
 * fields[0..fields_len) (below), malloc()ed with its length in *len; NULL
 * when out of memory.  (An index written before 2026-12 has the title right
 * after the signature; a title never starts with 0xFF, which is no UTF-8.) */
unsigned char *sou_candidate_value(const char *title, size_t title_len, const char *body, size_t body_len,
                                   const unsigned char article[SOU_NC_ARTICLE_BYTES], const char *fields,
                                   size_t fields_len, size_t *len);

/* Fields after the title, each a NUL, a tag and its bytes (a title holds no
 * NUL): the document's date (YYYYMMDD), the place whose own regulation it
 * is (schema.h XS<place>: search.c ranks by it), and the title of each
 * document it replaces (its text says 《...》同时废止: replaces.h). */
#define SOU_CANDIDATE_DATE 'D'
#define SOU_CANDIDATE_REPLACES 'R'
#define SOU_CANDIDATE_PLACE 'P' /* a place's own regulation: the place (schema.h XS<place>) */

/* Append the field tag with s[0..slen) to out[*n..cap), *n advanced; 0, or
 * -1 with nothing written when it does not fit. */
int sou_candidate_field_put(char *out, size_t *n, size_t cap, char tag, const char *s, size_t slen);

/* The bytes of the first field tagged tag in candidate value v[0..len)
 * (*flen of them), or NULL. */
const char *sou_candidate_field(const char *v, size_t len, char tag, size_t *flen);

/* 1 if v[0..len) has a field tagged tag holding exactly s[0..slen). */
int sou_candidate_has_field(const char *v, size_t len, char tag, const char *s, size_t slen);

#define SOU_NC_ARTICLE_MARK 0xFF

/* 1 if the candidate value v[0..len) holds the article's signature. */
static inline int sou_candidate_has_article(const char *v, size_t len)
{
    return len >= SOU_NC_BYTES + 1 + SOU_NC_ARTICLE_BYTES && (unsigned char)v[SOU_NC_BYTES] == SOU_NC_ARTICLE_MARK;
}

/* The article's signature in a candidate value v[0..len), or NULL when it
 * has none (an older index). */
static inline const unsigned char *sou_candidate_article(const char *v, size_t len)
{
    return sou_candidate_has_article(v, len) ? (const unsigned char *)v + SOU_NC_BYTES + 1 : NULL;
}

/* The title in a candidate value v[0..len), *title_len bytes; NULL when it
 * has none (an index written before the title moved there).  The signature
 * is v's first SOU_NC_BYTES bytes. */
static inline const char *sou_candidate_title(const char *v, size_t len, size_t *title_len)
{
    size_t at = sou_candidate_has_article(v, len) ? SOU_NC_BYTES + 1 + SOU_NC_ARTICLE_BYTES : SOU_NC_BYTES;
    const char *end = len > at ? (const char *)memchr(v + at, '\0', len - at) : NULL;
    *title_len = end ? (size_t)(end - (v + at)) : len > at ? len - at : 0;
    return *title_len ? v + at : NULL;
}

/* The estimated Jaccard similarity, in 1/1000, of the passages (body) or
 * of the titles of the signatures a[0..alen) and b[0..blen) (the first
 * SOU_NC_BYTES bytes of a candidate value); -1 when either is no signature
 * or both texts are empty. */
int sou_nearcopy_body_similarity(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen);
int sou_nearcopy_title_similarity(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen);

/* The same of two articles' signatures (SOU_NC_ARTICLE_BYTES each). */
int sou_nearcopy_article_similarity(const unsigned char *a, const unsigned char *b);

#endif /* SOU_NEARCOPY_H */
