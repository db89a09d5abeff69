/*
 * suggest.h: completions as you type, and example queries, from the words
 * and phrases of the index's titles (indexer/title_terms.h; prefixes in indexer/schema/schema.h).
 *
 * A prefix of two or more characters is completed from the title phrases
 * (XS terms) that start with it, a one-character prefix from the title
 * words (XW), since a single character starts too many phrases to rank
 * them by looking at a few.  Candidates are ranked by the number of
 * articles whose title holds them, then shorter first; a candidate equal to
 * the prefix is left out.  Xapian's term list is read in order from the
 * prefix and at most SOU_SUGGEST_SCAN terms are looked at, so that every
 * prefix costs about the same (under 2 ms on the 75,055 xwlb titles).
 *
 * The examples (the empty prefix) are title words that this index has more
 * than language in general: the log of a word's number of titles times the
 * square of how rare it is in the lexicon's word counts (jieba's, from a
 * general corpus), so that 医疗保障 and 劳动合同 win over 关于, 若干 and
 * 规定.  Words of two to six characters, in at least two titles and at most
 * a twentieth of them, none inside another one already chosen.
 */
#ifndef SOU_SUGGEST_H
#define SOU_SUGGEST_H

#include <jansson.h>

#include "search.h"
#include "sou_xapian.h"

enum { SOU_SUGGEST_DEFAULT = 8, SOU_SUGGEST_MAX = 20, SOU_SUGGEST_SCAN = 3000, SOU_EXAMPLES_SCAN = 200000 };

/* Up to limit completions of prefix[0..len) (UTF-8 as typed: normalised
 * here), as a new array of strings; NULL with err (and *xe when Xapian
 * failed). */
json_t *sou_suggest_prefix(sx_db *db, const char *prefix, size_t len, unsigned limit, sx_error *xe, sou_error *err);

/* Up to limit example queries; the same contract.  lex (may be NULL: then
 * by titles only) weighs the words. */
struct sou_lexicon;
json_t *sou_suggest_examples(sx_db *db, const struct sou_lexicon *lex, unsigned limit, sx_error *xe,
                             sou_error *err);

#endif /* SOU_SUGGEST_H */
