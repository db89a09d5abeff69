/*
 * group.h: near-copies among the hits of a page, shown as one.
 *
 * The hits are taken in rank order; each joins the group of the first
 * representative it is a near-copy of, or becomes a representative.  So a
 * group's representative is its best-matching member (a 兰州 question gets
 * the 兰州 article) and the others are listed under it, in rank order.
 *
 * Two hits are near-copies when their titles are one (title_key.h: equal
 * once a bracketed date, punctuation and synonyms' wording are set aside)
 * and their texts similar (an estimated Jaccard similarity of 3-character
 * shingles, nearcopy.h, of the passages that matched or of the whole
 * articles, of at least SOU_GROUP_BODY_MIN), or when they ask one question
 * for different places (河北石家庄已经交了医保怎么修改参保地? and
 * 已经交了医疗保险怎么修改参保地?) with texts of at least
 * SOU_GROUP_PLACE_BODY_MIN.  The whole articles count because a question
 * that matches the titles makes the best passage the shortest, whichever
 * it is; an index written before they were stored compares passages only.  The title decides, because guides for
 * different services often share their whole body; the body guards against
 * one title over different texts (国际联播快讯 bulletins).  For an index
 * whose candidate values have no title (written before it was stored
 * there), the titles' MinHash must reach 0.95 and the passages 0.5.
 *
 * A law and one it says it replaces (replaces.h: 《个体工商户条例》同时废止
 * in 促进个体工商户发展条例) are versions of one under two names, and
 * grouped whatever their texts, unless the replacing one is the older (it
 * replaced an earlier law of that title); so are a law and its amendments
 * (中华人民共和国刑法修正案（五） amends 中华人民共和国刑法: the law, whose
 * text has them, stands for them).
 *
 * Grouping is deliberately strict: a false merge hides an answer, a missed
 * one only repeats a result.  What was tried and measured is in
 * docs/ranking.md.
 */
#ifndef SOU_GROUP_H
#define SOU_GROUP_H

#include <jansson.h>
#include <stddef.h>

#include "segment.h"

/* Hits considered for grouping at most: the page and what follows it; a
 * page deeper than this is shown ungrouped. */
#define SOU_GROUP_WINDOW 200u

/* Least estimated Jaccard similarity of the texts, in 1/1000: under one
 * title (news under a recurring title reach 0.2-0.5 with different stories,
 * docs/ranking.md), and for one question asked for another place, whose
 * answer has that place's own sections (the seed articles 000 and 001:
 * 0.34, estimated 0.375). */
#define SOU_GROUP_BODY_MIN 500
#define SOU_GROUP_PLACE_BODY_MIN 300

typedef struct sou_grouper sou_grouper;

/* A grouper for at most max representatives, comparing titles with lex
 * and the index's synonym table (both borrowed, may be NULL); NULL when out
 * of memory. */
sou_grouper *sou_grouper_new(size_t max, const sou_lexicon *lex, const json_t *synonyms);
void sou_grouper_free(sou_grouper *g);

/* How a hit is a near-copy of its representative, which decides who stands
 * for the group (search.c). */
typedef enum {
    SOU_GROUP_PLACE = 0,   /* the same article for another place: the best-matching stands */
    SOU_GROUP_VERSION = 1, /* one title (versions, copies): the newest stands */
    SOU_GROUP_REPLACED = 2, /* the representative replaces the hit (replaces.h) or is the law
                             * the hit amends (刑法 for 刑法修正案（五）): it stands */
    SOU_GROUP_REPLACES = 3, /* the other way round: the hit stands */
} sou_group_relation;

/* The representative (its index in add order) the hit with candidate value
 * v[0..len) (nearcopy.h: the signature, then the title; may be NULL) is a
 * near-copy of, or -1; *relation says how. */
long sou_grouper_find(sou_grouper *g, const char *v, size_t len, sou_group_relation *relation);

/* Representatives added so far. */
size_t sou_grouper_count(const sou_grouper *g);

/* Add a representative with its candidate value v[0..len) (may be NULL;
 * copied).  Returns its index, or -1 when full or out of memory. */
long sou_grouper_add(sou_grouper *g, const char *v, size_t len);

#endif /* SOU_GROUP_H */
