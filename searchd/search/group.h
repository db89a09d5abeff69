/*
 * group.h: near-copies among the hits of a page, shown as one.
 *
 * The hits are taken in rank order; each joins the group of the first
 * representative it is a near-copy of (nearcopy.h: the same title and a
 * similar passage, from signatures stored with each passage), or becomes a
 * representative.  So a group's representative is its best-matching member
 * and the others are listed under it, in rank order: another version or
 * copy of a law, the same guide from another office.
 *
 * Grouping is deliberately strict: a false merge hides an answer, a missed
 * one only repeats a result.  What was tried and measured (docs/ranking.md):
 * looser titles merged different services of one kind (结婚登记预约 with
 * 离婚登记预约), and shared snippet sentences merged guides through their
 * common boilerplate; the four seed articles, paraphrases of one template,
 * are too far apart by every text measure (Jaccard 0.12-0.45) to be told
 * from those.
 */
#ifndef SOU_GROUP_H
#define SOU_GROUP_H

#include <stddef.h>

/* Hits considered for grouping at most: the page and what follows it; a
 * page deeper than this is shown ungrouped. */
#define SOU_GROUP_WINDOW 200u

typedef struct sou_grouper sou_grouper;

/* A grouper for at most max representatives; NULL when out of memory. */
sou_grouper *sou_grouper_new(size_t max);
void sou_grouper_free(sou_grouper *g);

/* The representative (its index in add order) the hit with signature
 * sig[0..len) (may be NULL) is a near-copy of, or -1. */
long sou_grouper_find(const sou_grouper *g, const unsigned char *sig, size_t len);

/* Representatives added so far. */
size_t sou_grouper_count(const sou_grouper *g);

/* Add a representative with its signature (may be NULL; copied).  Returns
 * its index, or -1 when full. */
long sou_grouper_add(sou_grouper *g, const unsigned char *sig, size_t sig_len);

#endif /* SOU_GROUP_H */
