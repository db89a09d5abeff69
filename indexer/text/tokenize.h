/*
 * tokenize.h: the one tokenizer sou uses to index, to query and to highlight.
 *
 * Input is UTF-8 text as found (possibly malformed).  Each character is
 * decoded (invalid bytes are skipped and counted, never emitted), normalised
 * (full-width -> half-width, ideographic space -> space, case folded,
 * traditional -> simplified Chinese, character by character) and classified:
 *
 *   - a run of CJK ideographs (all Unified Ideograph blocks and the
 *     compatibility ideographs) gives overlapping bigrams, one per position:
 *     "参保地" -> 参保@p, 保地@p+1; and, depending on the purpose (below),
 *     some characters alone as unigrams at the position of the bigram they
 *     start; a run of one character gives only its unigram (always);
 *   - a run of Latin letters and digits gives one lowercase word ("APP" ->
 *     "app", "１２３" -> "123"); it ends where it meets CJK ("2026年" -> "2026", "年");
 *   - anything else (punctuation, spaces, symbols, emoji) breaks runs: no token
 *     spans it, and positions jump by one so phrases do not span it either.
 *
 * Every token carries its normalised term, its position, and the byte range
 * [start, end) of the original text it came from (what the highlighter needs).
 */
#ifndef SOU_TOKENIZE_H
#define SOU_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SOU_TOKEN_BIGRAM = 1,  /* two CJK characters */
    SOU_TOKEN_UNIGRAM = 2, /* one CJK character */
    SOU_TOKEN_WORD = 4     /* a run of letters and digits */
} sou_token_kind;

typedef struct {
    const char *term;    /* normalised UTF-8, borrowed: valid during the callback only */
    size_t term_len;     /* bytes */
    uint32_t pos;        /* position (first_pos-based) */
    size_t start, end;   /* byte range [start, end) in the original text */
    sou_token_kind kind;
} sou_token;

/* Called once per token, in text order; return non-zero to stop. */
typedef int (*sou_token_fn)(const sou_token *tok, void *ctx);

typedef struct {
    size_t chars;         /* characters decoded */
    size_t invalid_bytes; /* malformed bytes skipped */
    uint32_t next_pos;    /* first free position after the text */
} sou_tokenize_stats;

/* Why text is tokenised.  The purpose decides which CJK characters are also
 * emitted alone (unigrams), in the tokenizer, so the indexer, the query side
 * and the highlighter cannot drift apart (SQLite FTS5 passes
 * FTS5_TOKENIZE_DOCUMENT / QUERY / AUX the same way).  Bigrams and words are
 * the same for every purpose; a one-character run always gives its unigram. */
typedef enum {
    /* A query, or text matched against a query of bigrams and words: no
     * other unigrams. */
    SOU_TOKENIZE_QUERY,
    /* Indexing (schema.h): also the last character of every CJK run.  With
     * the bigrams this covers every occurrence of every character: c at
     * i < end is the first half of bigram c·x, c at the end is a unigram; so
     * "terms starting with c" finds every document with c, at a small
     * fraction of the postings of SOU_TOKENIZE_CHARS. */
    SOU_TOKENIZE_DOCUMENT,
    /* Finding single characters anywhere: every CJK character alone too,
     * at the position of the bigram it starts (the highlighter, for a query
     * that searched a single character; indexer --unigrams terms). */
    SOU_TOKENIZE_CHARS
} sou_tokenize_purpose;

/* Tokenise text[0..len) starting at position first_pos.  stats may be NULL.
 * Returns 0, or the non-zero value fn returned to stop early. */
int sou_tokenize(const char *text, size_t len, uint32_t first_pos, sou_tokenize_purpose purpose,
                 sou_token_fn fn, void *ctx, sou_tokenize_stats *stats);

/* Normalise text[0..len) into out (at most cap bytes, always NUL-terminated
 * when cap > 0): every character through the same folding as sou_tokenize,
 * invalid bytes dropped.  Returns the length the full output needs (like
 * snprintf); *invalid (may be NULL) gets the number of malformed bytes. */
size_t sou_normalize(const char *text, size_t len, char *out, size_t cap, size_t *invalid);

#endif /* SOU_TOKENIZE_H */
