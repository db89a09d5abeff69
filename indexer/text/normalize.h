/*
 * normalize.h: the per-character fold and classification shared by
 * sou_tokenize() and sou_normalize() (tokenize.h).  One function folds, so
 * index time, query time and highlighting can never disagree.
 *
 * sou_fold(cp) maps one code point to one code point (or drops it):
 *   - full-width ASCII U+FF01-FF5E -> ASCII, full-width signs U+FFE0-FFE6 ->
 *     their ordinary forms, ideographic space U+3000 -> space, curly single
 *     quotes U+2018/2019 -> apostrophe;
 *   - simple case folding to lower case for ASCII, Latin-1, Latin
 *     Extended-A, Latin Extended Additional, Greek and Cyrillic (ß and other
 *     characters whose folding needs two characters are left alone);
 *   - ideographs: compatibility ideographs and Kangxi radicals -> the unified
 *     ideograph (NFKC), traditional -> simplified (OpenCC t2s, one character
 *     alone), from the generated table in t2s_table.c;
 *   - invisible format characters (soft hyphen, zero-width space/joiners,
 *     combining grapheme joiner, word joiner, BOM, variation selectors) ->
 *     SOU_FOLD_DROP: they neither appear in terms nor break runs.
 * The fold is idempotent: sou_fold(sou_fold(c)) == sou_fold(c).
 *
 * sou_classify(cp) says what a FOLDED code point does in the tokenizer.
 */
#ifndef SOU_NORMALIZE_H
#define SOU_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#define SOU_FOLD_DROP 0xFFFFFFFFu /* sou_fold(): the character is dropped */

typedef enum {
    SOU_CC_BREAK = 0, /* punctuation, space, symbol, emoji, unassigned: breaks runs */
    SOU_CC_CJK,       /* ideographs, kana, hangul, bopomofo: bigram runs */
    SOU_CC_LETTER,    /* letters (and combining marks) of alphabetic scripts: words */
    SOU_CC_DIGIT      /* decimal digits: words */
} sou_char_class;

/* The generated table (t2s_table.c): sorted sources, their targets, and a
 * bitmap of the BMP sources so that most lookups cost one bit test. */
extern const size_t sou_t2s_count;
extern const uint32_t sou_t2s_from[];
extern const uint32_t sou_t2s_to[];
extern const uint32_t sou_t2s_bmp_bits[0x10000 / 32];

/* The general case of sou_fold(); call sou_fold() instead. */
uint32_t sou_fold_slow(uint32_t cp);

/* Fold one code point (a Unicode scalar value).  Returns the folded code
 * point, or SOU_FOLD_DROP for a character that is to be ignored. */
static inline uint32_t sou_fold(uint32_t cp)
{
    if (cp < 0x80)
        return (cp - 'A' < 26u) ? cp + 32 : cp;
    /* unified ideographs without a mapping: the bulk of Chinese text */
    if (cp - 0x4E00u < 0x5200u && !(sou_t2s_bmp_bits[cp >> 5] & (1u << (cp & 31))))
        return cp;
    return sou_fold_slow(cp);
}

/* Classify a folded code point. */
sou_char_class sou_classify_slow(uint32_t cp);

static inline sou_char_class sou_classify(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp - '0' < 10u)
            return SOU_CC_DIGIT;
        if ((cp | 0x20) - 'a' < 26u)
            return SOU_CC_LETTER;
        return SOU_CC_BREAK;
    }
    if (cp - 0x4E00u < 0x5200u)
        return SOU_CC_CJK;
    return sou_classify_slow(cp);
}

#endif /* SOU_NORMALIZE_H */
