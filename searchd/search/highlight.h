/*
 * highlight.h: sou's passage highlighter.
 *
 * Design
 * ------
 * Xapian's MSet::snippet works on bytes and on its own word splitting, so on
 * Chinese it marks one character at a time and counts length in bytes.  sou
 * highlights from its own tokens instead: the stored text is re-tokenised
 * with the very tokenizer that indexed it (indexer/text/tokenize.h), and every
 * token carries the byte range of the original text it came from.  Matching
 * is therefore exact by construction: a span is marked when its normalised
 * term is one of the query's terms, whatever the text's width or script
 * (ＡＰＰ, 醫保).
 *
 * The algorithm is linear in the text (bodies can be 20 KB and more), in
 * one pass plus work proportional to the number of matches:
 *
 *  1. Decode the text once, giving each character an index and its byte
 *     offset (invalid bytes are skipped and never reach the output); a
 *     matched token's byte range becomes characters by binary search.
 *  2. Tokenise; each token whose term is in the query's term set (a hash set)
 *     becomes an occurrence [first char, end char) with its term's number.
 *     Only what can match is tokenised: the tokenizer's state is empty after
 *     a break character, so the text is cut there into pieces that tokenise
 *     alone exactly as in the whole, and the decoding pass keeps a piece
 *     only if a bitmap of the terms' code points says it may hold a term
 *     (two neighbouring term characters, or one when a term is a single
 *     character).  The bitmap can only say yes too often, never no.
 *     Unigrams are only produced, and so only marked, when the query itself
 *     had a one-character term: a question never lights up stray characters.
 *     A bigram that the query has only inside a longer word counts only
 *     where the whole word is (its folded characters compared at the
 *     bigram's place in the word): 婚证 of 结婚证 is not marked in 离婚证.
 *  3. Occurrences that overlap or touch are merged into one span, so the
 *     bigrams 参保 and 保地 of 参保地 give one <mark>参保地</mark>.
 *  4. Passages: candidate windows of at most M characters start at each
 *     sentence start (after 。！？；!?; or a line break) and a little before
 *     each occurrence.  A sliding window over the occurrences (two
 *     pointers, a per-term counter) scores each candidate by the number of
 *     distinct query terms inside, then a sentence-start bonus, then the
 *     number of occurrences, then how close to its start the first match is.  The best non-overlapping candidates are taken,
 *     up to N, and shown in text order.  A window ends at the last sentence
 *     end inside it that keeps its matches, else at M characters but never
 *     inside a marked span.
 *  5. Output: characters are HTML-escaped (& < > " '), spans wrapped in
 *     <mark>…</mark>, white space runs shown as one space; "…" marks text cut
 *     mid-sentence at either end, and passages are joined by " … ".  The
 *     same walk writes the plain text and the marks' character offsets in it.
 *
 * A text with no match gives its first passage.  Lengths are characters
 * (code points), never bytes; the ellipses are not counted in M.
 */
#ifndef SOU_HIGHLIGHT_H
#define SOU_HIGHLIGHT_H

#include <stddef.h>
#include <stdint.h>

/* The query's terms (normalised, as the tokenizer produces them). */
typedef struct sou_hl_terms sou_hl_terms;

/* New empty set; NULL when out of memory.  Free with sou_hl_terms_free. */
sou_hl_terms *sou_hl_terms_new(void);
void sou_hl_terms_free(sou_hl_terms *t);

/* Add term[0..len) (copied, normalised): one token's term, or a word of
 * three or more CJK characters, whose bigrams are then marked only where the
 * whole word is (结婚证 marks 结婚证, never 婚证 in 离婚证; a bigram also
 * added alone is marked anywhere).  Anything else of several tokens adds
 * each token alone.  A term of one CJK character makes the highlighter mark
 * unigrams.  Returns 0, or -1 when out of memory. */
int sou_hl_terms_add(sou_hl_terms *t, const char *term, size_t len);

size_t sou_hl_terms_count(const sou_hl_terms *t);

typedef struct {
    char *html;         /* NUL-terminated, owned; escaped text with <mark>s */
    size_t html_len;
    char *text;         /* NUL-terminated, owned; the same text without markup */
    size_t text_len;
    uint32_t (*marks)[2]; /* owned; [start, end) character offsets in text */
    size_t n_marks;
    uint32_t best_at;   /* sou_highlight_passages: where the best passage starts in the
                         * input text (characters from its start); 0 when there is none */
} sou_hl_result;

/* Up to passages passages (0..) of at most chars characters (>= 1) of
 * text[0..len) (UTF-8, possibly malformed).  out is caller-owned, fully
 * initialised here; release with sou_hl_result_destroy.  Returns 0, or -1
 * when out of memory (out then holds nothing). */
int sou_highlight_passages(const sou_hl_terms *t, const char *text, size_t len, unsigned passages,
                           unsigned chars, sou_hl_result *out);

/* The whole of text[0..len), escaped and marked, white space as is (the
 * title, and sou_get_document's body).  Same contract as above. */
int sou_highlight_whole(const sou_hl_terms *t, const char *text, size_t len, sou_hl_result *out);

void sou_hl_result_destroy(sou_hl_result *r);

/* The share (0..1) of text[0..len)'s characters that the terms mark: how
 * much of a title the question names.  -1 when out of memory. */
double sou_hl_coverage(const sou_hl_terms *t, const char *text, size_t len);

#endif /* SOU_HIGHLIGHT_H */
