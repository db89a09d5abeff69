/*
 * tokenize.c: sou_tokenize() and sou_normalize() (see tokenize.h for the
 * rules).  One pass over the bytes, no allocation: a word's term is built in
 * a fixed buffer inside the state, a bigram's in a small stack buffer.
 *
 * Positions.  `pos` is the next free position.  A CJK run of n characters
 * starting at p gives character i the position p+i: bigram (i,i+1) and
 * unigram i are at p+i, and the run uses positions p..p+n-1.  A word uses one
 * position.  A break (punctuation, space, symbol, emoji, invalid bytes) that
 * follows a token uses one position, however many break characters there
 * are, so no phrase can match across it; breaks before the first token use
 * none.  Runs that touch without a break (医保APP, 2026年) are adjacent.
 */
#include "tokenize.h"

#include <assert.h>
#include <string.h>

#include "normalize.h"
#include "utf8.h"

/* A word longer than this many characters is cut into several words (each at
 * its own position): keeps terms far below Xapian's 245-byte limit and the
 * buffer fixed.  Letters fold to at most 3 UTF-8 bytes. */
#define WORD_MAX_CHARS 64
#define WORD_BUF (WORD_MAX_CHARS * 4 + 8)

enum run_kind { RUN_NONE, RUN_CJK, RUN_WORD };

typedef struct {
    sou_token_fn fn;
    void *ctx;
    int run_end_unigram; /* the last character of a run alone too */
    int every_unigram;   /* every character alone too */
    uint32_t pos;      /* next free position */
    int after_token;   /* a run was seen since the last break */
    enum run_kind run; /* what is open */
    /* RUN_CJK: the previous character of the run */
    uint32_t prev_cp;
    size_t prev_start, prev_end;
    uint32_t prev_pos;
    size_t run_len;
    /* RUN_WORD */
    char word[WORD_BUF];
    size_t word_len, word_chars, word_start, word_end;
    uint32_t word_pos;
    sou_char_class word_last; /* class of the last character added */
} tk_state;

static int emit(tk_state *st, sou_token_kind kind, const char *term, size_t term_len, uint32_t pos,
                size_t start, size_t end)
{
    sou_token tok;
    tok.term = term;
    tok.term_len = term_len;
    tok.pos = pos;
    tok.start = start;
    tok.end = end;
    tok.kind = kind;
    return st->fn(&tok, st->ctx);
}

static int emit_unigram(tk_state *st)
{
    char buf[8];
    size_t n = sou_utf8_encode(st->prev_cp, buf);
    buf[n] = '\0';
    return emit(st, SOU_TOKEN_UNIGRAM, buf, n, st->prev_pos, st->prev_start, st->prev_end);
}

static int end_word(tk_state *st)
{
    st->word[st->word_len] = '\0';
    st->run = RUN_NONE;
    return emit(st, SOU_TOKEN_WORD, st->word, st->word_len, st->word_pos, st->word_start,
                st->word_end);
}

/* Close whatever run is open.  Returns the callback's stop value or 0. */
static int end_run(tk_state *st)
{
    if (st->run == RUN_WORD)
        return end_word(st);
    if (st->run == RUN_CJK) {
        st->run = RUN_NONE;
        if (st->run_len == 1 || (st->run_end_unigram || st->every_unigram))
            return emit_unigram(st);
    }
    return 0;
}

static int add_cjk(tk_state *st, uint32_t cp, size_t start, size_t end)
{
    int rc = 0;
    if (st->run != RUN_CJK) {
        if ((rc = end_run(st)) != 0)
            return rc;
        st->run = RUN_CJK;
        st->run_len = 0;
    } else {
        char buf[12];
        size_t n = sou_utf8_encode(st->prev_cp, buf);
        n += sou_utf8_encode(cp, buf + n);
        buf[n] = '\0';
        if (st->every_unigram) {
            if ((rc = emit_unigram(st)) != 0)
                return rc;
        }
        if ((rc = emit(st, SOU_TOKEN_BIGRAM, buf, n, st->prev_pos, st->prev_start, end)) != 0)
            return rc;
    }
    st->prev_cp = cp;
    st->prev_start = start;
    st->prev_end = end;
    st->prev_pos = st->pos++;
    st->run_len++;
    st->after_token = 1;
    return 0;
}

static int add_word_char(tk_state *st, uint32_t cp, sou_char_class cls, size_t start, size_t end)
{
    int rc = 0;
    if (st->run == RUN_WORD && st->word_chars >= WORD_MAX_CHARS) {
        if ((rc = end_word(st)) != 0)
            return rc;
    }
    if (st->run != RUN_WORD) {
        if ((rc = end_run(st)) != 0)
            return rc;
        st->run = RUN_WORD;
        st->word_len = 0;
        st->word_chars = 0;
        st->word_start = start;
        st->word_pos = st->pos++;
    }
    st->word_len += sou_utf8_encode(cp, st->word + st->word_len);
    st->word_chars++;
    st->word_end = end;
    st->word_last = cls;
    st->after_token = 1;
    return 0;
}

/* A '.' between digits ("3.5") or an apostrophe between letters ("don't")
 * stays inside a word.  Looks at the character at `next`, skipping dropped ones. */
static int joins_word(const tk_state *st, uint32_t f, const unsigned char *s, size_t len,
                      size_t next)
{
    uint32_t cp;
    size_t n;
    sou_char_class want;
    if (st->run != RUN_WORD || st->word_chars + 2 > WORD_MAX_CHARS)
        return 0;
    if (f == '.' && st->word_last == SOU_CC_DIGIT)
        want = SOU_CC_DIGIT;
    else if (f == '\'' && st->word_last == SOU_CC_LETTER)
        want = SOU_CC_LETTER;
    else
        return 0;
    /* the next character that is not dropped (as sou_normalize() would see it) */
    do {
        if (next >= len || (n = sou_utf8_decode(s + next, len - next, &cp)) == 0)
            return 0;
        next += n;
        cp = sou_fold(cp);
    } while (cp == SOU_FOLD_DROP);
    return sou_classify(cp) == want;
}

static void fill_stats(sou_tokenize_stats *stats, size_t chars, size_t invalid, uint32_t pos)
{
    if (stats) {
        stats->chars = chars;
        stats->invalid_bytes = invalid;
        stats->next_pos = pos;
    }
}

int sou_tokenize(const char *text, size_t len, uint32_t first_pos, sou_tokenize_purpose purpose,
                 sou_token_fn fn, void *ctx, sou_tokenize_stats *stats)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, chars = 0, invalid = 0;
    int rc = 0;
    /* Every other field is zero: set before it is read, but a whole state
     * is what a reader (and cppcheck) can check. */
    tk_state st = {.fn = fn,
                   .ctx = ctx,
                   .run_end_unigram = purpose == SOU_TOKENIZE_DOCUMENT,
                   .every_unigram = purpose == SOU_TOKENIZE_CHARS,
                   .pos = first_pos,
                   .run = RUN_NONE};

    assert(fn != NULL);

    while (i < len) {
        uint32_t cp, f;
        sou_char_class cls;
        size_t n = sou_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            /* a malformed byte: skip it; it breaks runs because we do not
             * know what was meant there */
            invalid++;
            i++;
            cls = SOU_CC_BREAK;
            f = 0;
        } else {
            chars++;
            f = sou_fold(cp);
            if (f == SOU_FOLD_DROP) {
                i += n;
                continue;
            }
            cls = sou_classify(f);
        }
        switch (cls) {
        case SOU_CC_CJK:
            rc = add_cjk(&st, f, i, i + n);
            break;
        case SOU_CC_LETTER:
        case SOU_CC_DIGIT:
            rc = add_word_char(&st, f, cls, i, i + n);
            break;
        case SOU_CC_BREAK:
            if (n != 0 && joins_word(&st, f, s, len, i + n)) {
                st.word[st.word_len++] = (char)f;
                st.word_chars++;
                st.word_end = i + n;
                break;
            }
            rc = end_run(&st);
            if (st.after_token) {
                st.pos++;
                st.after_token = 0;
            }
            break;
        }
        if (rc != 0)
            goto done;
        if (n != 0)
            i += n;
    }
    rc = end_run(&st);

done:
    fill_stats(stats, chars, invalid, st.pos);
    return rc;
}

size_t sou_normalize(const char *text, size_t len, char *out, size_t cap, size_t *invalid)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, need = 0, written = 0, bad = 0;
    int full = (cap == 0); /* once a character does not fit, nothing more is written */
    char buf[4];

    while (i < len) {
        uint32_t cp;
        size_t n = sou_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            bad++;
            i++;
            continue;
        }
        i += n;
        cp = sou_fold(cp);
        if (cp == SOU_FOLD_DROP)
            continue;
        n = sou_utf8_encode(cp, buf);
        /* whole characters only, so a truncated result is still valid UTF-8 */
        if (!full && written + n < cap) {
            memcpy(out + written, buf, n);
            written += n;
        } else {
            full = 1;
        }
        need += n;
    }
    if (cap > 0)
        out[written] = '\0';
    if (invalid)
        *invalid = bad;
    return need;
}
