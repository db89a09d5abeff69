/*
 * title_terms.h: what the suggestions and the home page's examples are
 * drawn from (schema.h: XW, XP), the words and phrases of an article's
 * title, added to its first passage only (one per article, so a term's
 * frequency counts articles).
 *
 * The title is normalised (sou_normalize) and cut at punctuation and spaces
 * into phrases; each phrase is segmented into words with the lexicon
 * (segment.h), the same as queries are:
 *   XW<word>    every word of two or more characters (中华人民共和国, 劳动合同法)
 *   XP<phrase>  the phrase from each word start on, at most
 *               SOU_TITLE_PHRASE_CHARS characters and cut at a word's end:
 *               "中华人民共和国劳动合同法" gives that and "劳动合同法", so that
 *               typing 劳动 can be completed to 劳动合同法.
 * Suffixes from word starts only, not from every character: on the 75,055
 * xwlb titles that is 352,000 distinct phrases instead of 684,000.
 */
#ifndef SOU_TITLE_TERMS_H
#define SOU_TITLE_TERMS_H

#include "schema.h" /* SOU_PREFIX_TITLE_WORD, SOU_PREFIX_TITLE_PHRASE, SOU_TITLE_PHRASE_CHARS */
#include "segment.h"
#include "sou_xapian.h"

/* Add title's XW and XP terms to doc (boolean terms: no weight, no
 * length).  lex may be NULL (each CJK run is then one word).  Returns SX_OK
 * or the shim's status with err filled. */
sx_status sou_title_terms_add(const sou_lexicon *lex, const char *title, sx_doc *doc, sx_error *err);

#endif /* SOU_TITLE_TERMS_H */
