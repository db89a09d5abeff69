/*
 * segment.h: Chinese word segmentation of queries, from a word-frequency
 * lexicon.
 *
 * The index stays positional bigrams; only the query side (and, through it,
 * the highlighter) needs to know where a question's words are, so that the
 * bigram straddling two words (产继 in 遗产继承, 理居 in 办理居住证) stops
 * deciding the ranking, and stopwords are dropped as whole words (怎么 in
 * 怎么办理 goes, 办理 stays).
 *
 * The lexicon is jieba's dictionary format, one word a line:
 *     word frequency [part-of-speech]
 * Debian ships jieba's own (python3-jieba: 349,046 words with frequencies
 * from a large corpus); several files may be loaded, later ones adding to the
 * counts (a site's own words).  Words are folded with sou_normalize at load
 * time, so traditional and full-width forms of a query segment the same way.
 *
 * Segmentation is jieba's: within each CJK run, the path through the lattice
 * of dictionary words that maximises the product of the words' unigram
 * probabilities (a character not in the lexicon counts as a word of frequency
 * 1).  Dynamic programming over the run, O(run length x longest word).
 * Letters/digits and breaks are not segmented: each letter/digit run is one
 * word, each break ends a run.
 *
 * A loaded lexicon is read-only: any number of threads may segment with it.
 */
#ifndef SOU_SEGMENT_H
#define SOU_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

typedef struct sou_lexicon sou_lexicon;

/* Longest word the lexicon keeps, in characters (longer entries are idioms
 * and names that a bigram search finds anyway). */
#define SOU_LEXICON_MAX_CHARS 12

/* Load the lexicon files paths[0..n).  Returns a new lexicon (free with
 * sou_lexicon_free), or NULL with a message in err[0..errlen) naming the
 * file and line ("dict.txt:12: frequency is not a number") or the system
 * error.  A line that is empty or starts with '#' is skipped. */
sou_lexicon *sou_lexicon_load(const char *const *paths, size_t n, char *err, size_t errlen);
void sou_lexicon_free(sou_lexicon *lex);

/* Number of distinct words loaded (after folding). */
size_t sou_lexicon_size(const sou_lexicon *lex);

/* Frequency of word[0..len) (normalised UTF-8), 0 if absent. */
uint64_t sou_lexicon_freq(const sou_lexicon *lex, const char *word, size_t len);

/* 1 if word[0..len) is a place name (jieba's tag ns: 上海, 兰州, 广东). */
int sou_lexicon_is_place(const sou_lexicon *lex, const char *word, size_t len);

/* The process-wide lexicon, loaded at the first call from the ':'-separated
 * paths given to sou_lexicon_set_paths, else $SOU_LEXICON, else the built-in
 * default (jieba's dictionary from Debian's python3-jieba).  Borrowed: it
 * lives until exit.  NULL with the file and line in err when it cannot be
 * loaded.  Thread-safe. */
const sou_lexicon *sou_lexicon_shared(char *err, size_t errlen);

/* Set the paths sou_lexicon_shared loads; call before its first call.
 * Returns -1 if the list is too long (4 KiB). */
int sou_lexicon_set_paths(const char *paths);

typedef enum {
    SOU_SEG_CJK = 1,  /* a word of CJK characters */
    SOU_SEG_OTHER = 2 /* a run of letters and digits */
} sou_seg_kind;

typedef struct {
    size_t start, end; /* byte range in the (normalised) text */
    unsigned chars;    /* characters */
    sou_seg_kind kind;
    int joined;        /* 1 if no break separates this word from the previous one */
} sou_seg_word;

/* Called once per word, in text order; return non-zero to stop. */
typedef int (*sou_seg_fn)(const sou_seg_word *w, void *ctx);

/* Segment text[0..len), which must already be normalised (sou_normalize):
 * the query side normalises first.  lex may be NULL: then each CJK run is
 * one word (no dictionary).  Returns 0, or what fn returned to stop. */
int sou_segment(const sou_lexicon *lex, const char *text, size_t len, sou_seg_fn fn, void *ctx);

#endif /* SOU_SEGMENT_H */
