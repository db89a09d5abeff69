/*
 * stopwords.h: question and function words dropped from plain query text.
 *
 * A question such as "岳阳医保能报销哪些费用" carries words the answer never
 * contains (哪些, 什么, 怎么, 吗): searched, they only add noise that matches
 * unrelated documents.  The list was chosen with evidence from the cmrc2018
 * questions (docs/ranking.md): every bigram with 什, 么, 哪, 谁, 怎, 些 (in
 * 哪些) or 是 appears in the relevant passage in under 10% of the questions
 * that contain it, against 60-100% for content bigrams.
 *
 * The query builder drops WORDS (segment.h): the segmenter decides that 怎么办理
 * is 怎么 + 办理 and 了解 one word, and a word is dropped when it is exactly a
 * stopword.  Entries are normalised (simplified) forms: the query is
 * normalised first, so 什麼 is dropped as 什么.
 */
#ifndef SOU_STOPWORDS_H
#define SOU_STOPWORDS_H

#include <stddef.h>

/* 1 if term[0..len) is one function character (在 由 被 把 对 从 于 与 和
 * 之 其 此 该 这 ...).  Inside a word it is harmless (在职, 对象), so it is
 * not a stopword; as a word of its own ("在" in 在手机上) the query builder
 * drops it, as it would match almost every document. */
int sou_is_function_char(const char *term, size_t len);

/* 1 if term[0..len) is a negation alone (不, 没): kept, but it negates what
 * follows and never ends a word (钱/不/还 is no word 钱不). */
int sou_is_negation(const char *term, size_t len);

/* 1 if word[0..len) is exactly one stopword, else 0. */
int sou_is_stopword(const char *word, size_t len);

#endif /* SOU_STOPWORDS_H */
