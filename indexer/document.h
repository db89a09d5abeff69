/*
 * document.h: a parsed document (reader.h) laid out as Xapian documents, one
 * per passage of its body (passage.h), following schema.h.  Each passage has:
 *
 *   Q<id>           boolean id term of the article (all passages), K on the first
 *   S<term>         title tokens: bigrams and words with positions from 1
 *   <term>          the passage's body tokens: bigrams and words with positions
 *                   from 1
 *   unigrams        the last CJK character of each run alone (S-prefixed in
 *                   the title), without positions: with the bigrams, the
 *                   terms that start with a character find every document
 *                   holding it (see sou_unigram_mode)
 *   value 0         the date as 14 digits YYYYMMDDhhmmss, when it parses
 *   value 1, 2      the article id (collapse key), the passage's character offset
 *   value 10        its digits complemented (9 - d), for oldest-first sorting
 *   data            the document's fields as compact JSON; "body" in it is
 *                   exactly the passage's text that was tokenised
 *
 * Tokens whose term would exceed Xapian's term length limit (a 240-byte
 * Latin run, say) are left out.
 */
#ifndef SOU_DOCUMENT_H
#define SOU_DOCUMENT_H

#include <stddef.h>

#include "reader.h"
#include "sou_xapian.h"

typedef enum {
    SOU_UNIGRAMS_RUN_END = 0, /* run-final unigrams without positions (the default schema) */
    SOU_UNIGRAMS_TERMS,     /* every unigram, without positions (for comparison) */
    SOU_UNIGRAMS_POSITIONS, /* unigrams with positions (bigger, slower; for comparison) */
    SOU_UNIGRAMS_NONE       /* no unigrams at all (single characters then unsearchable) */
} sou_unigram_mode;

/* Longest term added, prefix included (Xapian refuses terms over 245 bytes). */
#define SOU_DOCUMENT_MAX_TERM 240u

/* An article as its passages' Xapian documents.  Caller-owned (zero it
 * first), reused from one article to the next; sou_xpassages_destroy frees. */
typedef struct {
    sx_doc **v; /* v[0..n): this article's passages, in body order */
    size_t n, cap;
} sou_xpassages;

/* Fill out from in (what it held is replaced).  Returns SX_OK, or the shim's
 * status with err filled (out of memory, mostly). */
sx_status sou_document_build(const sou_doc *in, sou_unigram_mode mode, sou_xpassages *out, sx_error *err);

void sou_xpassages_destroy(sou_xpassages *p);

/* Store the article p under its id term: its passages replace every one the
 * index held for that id (sx_db_replace_group). */
sx_status sou_document_write(sx_db *db, const char *idterm, const sou_xpassages *p, sx_error *err);

/* The unique-id term "Q<id>" into buf (cap bytes, NUL-terminated).  Returns
 * its length, or 0 if it does not fit. */
size_t sou_document_idterm(const char *id, char *buf, size_t cap);

/* The date string as value 0: "2026-02-06 08:00:01" -> "20260206080001",
 * "2020-12-29" -> "20201229000000", "2026年2月6日" -> "20260206000000",
 * "20260206" -> "20260206000000".  out gets 14 digits and a NUL.  Returns 1,
 * or 0 when date does not start with a plausible year-month[-day...]. */
int sou_document_date_value(const char *date, char out[15]);

#endif /* SOU_DOCUMENT_H */
