/*
 * stopwords.h: question and function words dropped from plain query text
 * before it is cut into bigrams.
 *
 * A question such as "岳阳医保能报销哪些费用" carries words the answer never
 * contains (哪些, 什么, 怎么, 吗): as bigrams they only add noise ("些费",
 * "保能") that matches unrelated documents.  The list was chosen with evidence
 * from the cmrc2018 questions (see the README): every bigram with 什, 么, 哪,
 * 谁, 怎, 些 (in 哪些) or 是 appears in the relevant passage in under 10% of
 * the questions that contain it, against 60-100% for content bigrams.
 *
 * Matching is longest first at each character, on text already normalised by
 * sou_normalize (so 什麼 and 為什麼 are dropped as 什么 and 为什么).  A table of
 * "keep" words protects words that merely contain a stop character: 了解 keeps
 * its 了, 目的 its 的, 功能 its 能.  Each dropped word becomes one space, so
 * no bigram is made across the gap.
 */
#ifndef SOU_STOPWORDS_H
#define SOU_STOPWORDS_H

#include <stddef.h>

/* Called once per dropped word (w[0..len), borrowed for the call). */
typedef void (*sou_stop_fn)(const char *w, size_t len, void *ctx);

/* Copy text[0..len) (normalised UTF-8) to out with every stopword replaced
 * by one space.  out must have room for len + 1 bytes; it is
 * NUL-terminated.  fn (may be NULL) hears each dropped word.  Returns the
 * length written to out. */
size_t sou_stopwords_strip(const char *text, size_t len, char *out, sou_stop_fn fn, void *ctx);

/* 1 if term[0..len) is one function character (在 由 被 把 对 从 于 与 和
 * 之 其 此 该 这 ...).  Such a character is harmless inside a word, so it is
 * not a stopword, but left alone between stopwords ("在…是什么") it would be
 * searched as a unigram matching almost every document: the query builder
 * drops it then. */
int sou_is_function_char(const char *term, size_t len);

/* 1 if word[0..len) is exactly one stopword, else 0. */
int sou_is_stopword(const char *word, size_t len);

#endif /* SOU_STOPWORDS_H */
