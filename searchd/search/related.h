/*
 * related.h: the articles most like one article ("more like this"), for
 * the document answer's "related" (GET /doc/<id>, sou get).
 *
 * Xapian's relevance feedback: the article's passages (at most
 * SOU_RELATED_PASSAGES, spread over a long one) are the relevance set
 * (RSet), the expand set (ESet) gives the terms that best tell them from the
 * rest of the index -- in practice their rarest bigrams and words, weighted
 * by how often the article uses them -- and those terms, ORed, are searched
 * with BM25, one hit per article.  The article itself and its near-copies
 * (for now: articles with the same title, the other versions of one law)
 * are left out.  Terms of one character, digits alone and prefixed terms
 * (ids, facets, ...) are never chosen; title terms (S) may be.
 */
#ifndef SOU_RELATED_H
#define SOU_RELATED_H

#include <jansson.h>

#include "search.h"
#include "sou_xapian.h"

enum {
    SOU_RELATED_MAX = 5,      /* articles in "related" */
    SOU_RELATED_TERMS = 20,   /* terms searched */
    SOU_RELATED_PASSAGES = 4  /* passages of a long article that choose them, spread over it */
};

/* Up to limit articles like the one indexed under idterm whose title is
 * title, as [{"id", "title"}, ...] best first (new reference; [] when
 * nothing is alike).  Each run stops after time_limit seconds (0: none).
 * NULL with err, and *xe when Xapian failed (SX_ERR_MODIFIED: the index
 * moved on). */
json_t *sou_related(sx_db *db, const char *idterm, const char *title, unsigned limit, double time_limit,
                    sx_error *xe, sou_error *err);

#endif /* SOU_RELATED_H */
