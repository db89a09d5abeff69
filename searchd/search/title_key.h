/*
 * title_key.h: whether two titles ask the same thing, for grouping
 * near-copies (group.h).
 *
 * A title is what tells different services, laws and stories apart: guides
 * for different services often have the very same body (用电服务增容 and
 * 用电服务销户, twenty museum exhibitions: 3-gram Jaccard 1.0), and differ only
 * in a word of the title.  So near-copies must have the same title; but the
 * same article written for another city, or dated in its title, words it
 * differently.  The key of a title drops what such copies change and keeps
 * everything else:
 *   - a trailing bracketed date: 已经交了医疗保险怎么修改参保地?(2026-02-06);
 *   - punctuation and spacing, after the tokenizer's fold (traditional
 *     script, full width);
 *   - in a question (怎么, 如何, 吗, ...?), leading place names: where it is
 *     asked (河北 in 河北石家庄已经交了医保怎么修改参保地?, a lexicon place word,
 *     sou_lexicon_is_place), but not an issuer (上海市..., 广东省...: a place
 *     followed by an administrative unit names whose law or guide it is).
 *     The place that starts a statement is its subject, and stays: 秘鲁总统
 *     将来华... and 智利总统将来华... are two stories (docs/ranking.md);
 *   - everyday words folded to one form of their equivalence group in the
 *     index's synonym table (医疗保险 = 医保: the shortest, then the first).
 * Two keys are the same when equal, or when one is the other after a
 * dropped place and a city of up to SOU_TITLE_KEY_CITY characters that the
 * lexicon does not know as a place (河北 + 石家庄, which jieba tags as a
 * person's name).  Nothing else is forgiven: 结婚登记预约 and 离婚登记预约,
 * 复业登记 and 停业登记 stay apart.
 */
#ifndef SOU_TITLE_KEY_H
#define SOU_TITLE_KEY_H

#include <jansson.h>
#include <stddef.h>

#include "segment.h"

#define SOU_TITLE_KEY_CITY 3u /* characters of a city after a dropped province */

typedef struct {
    char *s;    /* the key, UTF-8 (malloc()ed) */
    size_t len; /* bytes */
    int placed; /* a leading place was dropped */
} sou_title_key;

/* The key of title[0..len) into *out (release with sou_title_key_destroy);
 * lex and synonyms ({"word": ["synonym", ...]}, query_build.h) may be NULL.
 * Returns 0, or -1 when out of memory. */
int sou_title_key_make(const char *title, size_t len, const sou_lexicon *lex, const json_t *synonyms,
                       sou_title_key *out);
void sou_title_key_destroy(sou_title_key *k);

/* 2 if the keys a and b are equal with no place dropped from either: one
 * title, as versions and copies of one document have it; 1 if they ask the
 * same question for different places (above); 0 if neither. */
int sou_title_key_same(const sou_title_key *a, const sou_title_key *b);

#endif /* SOU_TITLE_KEY_H */
