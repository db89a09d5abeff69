/*
 * query_build.h: a parsed query -> the Xapian query that ranks it.
 *
 * Plain text (after stopwords) is cut by the shared tokenizer and becomes
 *
 *   AND_MAYBE( OR( body terms..., scale(OR(S-title terms...), title_weight) ),
 *              scale(OR( PHRASE(b[i], b[i+1]) for consecutive bigrams ), phrase_weight) )
 *
 * an OR, so a question finds its answer without every bigram being present;
 * BM25 ranks it (k1 and b set on the enquire, see search.c); title matches
 * are boosted.  The AND_MAYBE part (each pair of query bigrams found adjacent
 * in the document, i.e. a three-character string of the query) is only built
 * when phrase_weight > 0, which is not the default: overlapping bigrams
 * already reward the query's order, and on the cmrc2018 evaluation the
 * pairs lost relevance and cost 50-100x at p99 (README).  A query of one
 * bigram is that term alone (民人 never matches 人民); a one-character query
 * is its unigram term.
 *
 * Required parts wrap it: quoted phrases (body or title) and title: words are
 * ANDed in front (the plain part then only ranks, via AND_MAYBE), -words are
 * removed with AND_NOT (body or title), and a date range filters on value
 * slot SOU_VALUE_DATE.  Inside a phrase, a single character (stored without
 * positions) is required but not placed: "医 保" is AND(医*, 保*).
 *
 * Every query has a bounded cost (sou_query_limits, checked in one place,
 * budget_check in query_build.c): the number of operators, of terms, and of
 * the terms single characters expand to, summed over the whole query.  A
 * query past a limit is a 400 (reason too_complex) naming the limit
 * (docs/limits.md).
 */
#ifndef SOU_QUERY_BUILD_H
#define SOU_QUERY_BUILD_H

#include <jansson.h>
#include <stddef.h>

#include "query_parse.h"
#include "search.h"
#include "segment.h"
#include "sou_xapian.h"
#include "tf_memo.h"

/* What one query may cost.  A single CJK character stands for every term
 * that starts with it (a wildcard); those expansions are what makes a query
 * expensive, so they share one budget over the whole query: each expanding
 * character gets min(char_expansion, max_expansion / characters) terms, and
 * a query whose characters would get fewer than min_char_expansion each is
 * refused.  sou_query_limits_init sets the defaults (docs/limits.md). */
typedef struct {
    unsigned max_operators;      /* phrases, exclusions and title: words in one query */
    unsigned max_terms;          /* leaf terms (bigrams, words, characters), whole query */
    unsigned max_expansion;      /* terms all expanding characters together stand for */
    unsigned char_expansion;     /* at most this many for one character */
    unsigned min_char_expansion; /* fewer than this per character: the query is refused */
    double time_limit;           /* seconds: Xapian stops matching then (soft backstop) */
} sou_query_limits;

void sou_query_limits_init(sou_query_limits *ql);

/* Ranking knobs, one struct; sou_rank_params_init sets the defaults. */
typedef struct {
    double k1;             /* BM25 term-frequency saturation */
    double b;              /* BM25 length normalisation */
    double title_weight;   /* scale of title (S-prefixed) matches; 0 = off */
    double phrase_weight;  /* scale of adjacent query-bigram pairs; 0 = off */
    double junction_weight; /* scale of a bigram across two query words (0 = not searched) */
    double title_all_weight; /* scale of the bonus for a title holding every query word; 0 = off */
    double scope_weight;   /* place: on an index of places' regulations the first hits' scores
                            * x (1 + 2 this) for the question's places' own (and their
                            * provinces'), x 1 for other places', x (1 + this) for the rest
                            * (search.c); 0 = off */
    double audience_weight; /* the first hits' scores x this for a title addressed to an
                             * audience the question does not name (audience.h); 1 = off */
    double title_cover_weight; /* the first hits' scores x (1 + this x the share of their title the
                                * question covers: search.c); 0 = off */
    int drop_stopwords;    /* 1: drop question/function words (stopwords.h) */
    int leftover_unigrams; /* 1: a single character left between stopwords is searched */
    unsigned elite;        /* > 0: a query with more body terms than this searches only that
                            * many, the rarest (Xapian's ELITE_SET); 0: all of them */
    unsigned title_elite;  /* the same for the title terms of the boost */
    double common_share;   /* a term in more than this share of the documents ... */
    unsigned common_docs;  /* ... and more than this many is common: it only adds to the score
                            * of documents that match a rarer term (0 share = off) */
    sou_query_limits limits; /* the query's cost budget */
} sou_rank_params;

void sou_rank_params_init(sou_rank_params *rp);

typedef struct {
    sx_query *query;     /* owned (sx_query_free); NULL only after destroy */
    sx_query *exclude;   /* owned, NULL when nothing is excluded: the -words, boolean;
                          * an article with a passage matching it is excluded (query
                          * only drops the matching passages themselves) */
    json_t *terms;       /* owned arrays of strings, for the answer's "query" object */
    json_t *dropped;
    json_t *phrases;
    json_t *excluded;
    json_t *title_terms;
    json_t *synonyms;    /* owned object: query word -> [its synonyms searched] */
    json_t *missing;     /* owned array: query words in no document (with their synonyms) */
    json_t *places;      /* owned array: the places the question names, and their provinces */
    unsigned audiences;  /* the special audiences the question names (audience.h) */
    char **hl_terms;     /* owned: the positive terms the highlighter marks */
    size_t n_hl;
    int ranked;          /* 1 if some part of the query carries weight */
    sx_error xe;         /* why the database failed, when building fails with SOU_EUNAVAILABLE */
} sou_built_query;

/* What building a query reads besides the query: borrowed, may be NULL. */
typedef struct {
    const sou_lexicon *lex; /* the query's words (segment.h); NULL: each CJK run is one word */
    sx_db *db;              /* the database the query will run on: its term frequencies,
                             * and a single character is expanded in it now
                             * (sx_query_prefix_in), so that a sharded index scores it as one
                             * index would; NULL: none of these, Xapian expands when it runs */
    const json_t *synonyms; /* the index's synonym table, {"word": ["synonym", ...]}
                             * (sou_synonym_table); NULL: no synonyms */
    sou_tf_memo *memo;      /* term frequencies of earlier queries on db (tf_memo.h: forgotten at a
                             * new revision); NULL: every one is asked */
} sou_query_env;

/* Synonyms a query word may bring at most, and the most segmenter words a
 * synonym-table key may span (退一赔三 -> 退/一/赔/三). */
#define SOU_MAX_SYNONYMS 8
#define SOU_SYNONYM_WORDS 4

/* Build the query for pq with rp (NULL = defaults) in env (may be NULL).  out is caller-owned,
 * fully initialised here; release with sou_built_query_destroy (also after
 * a failure).  Returns 0 or -1 with err (SOU_EBADREQUEST when nothing in the
 * query is searchable, e.g. only punctuation; SOU_EUNAVAILABLE when env->db
 * failed during an expansion, its error in out->xe; SOU_EINTERNAL otherwise). */
int sou_query_build(const sou_query_env *env, const sou_parsed_query *pq, const sou_rank_params *rp,
                    sou_built_query *out, sou_error *err);

void sou_built_query_destroy(sou_built_query *bq);

/* The synonym table of db as {"word": ["synonym", ...], ...}: what
 * sou_query_env.synonyms wants, read once per revision instead of a look-up
 * per query word.  New reference ({} when the backend keeps none: Xapian's
 * remote one); NULL when out of memory, or on a database error (xe). */
json_t *sou_synonym_table(sx_db *db, sx_error *xe);

/* Replace the searcher's ranking knobs (sou-eval tunes them; searchd keeps
 * the defaults).  rp is copied. */
void sou_searcher_set_rank(sou_searcher *s, const sou_rank_params *rp);

#endif /* SOU_QUERY_BUILD_H */
