/* highlight.c: passages and marks from the tokenizer's byte ranges.
 * The algorithm is described in highlight.h. */
#include "highlight.h"

#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "strbuf.h"
#include "tokenize.h"
#include "utf8.h"

/* ------------------------------------------------------------ term set */

struct sou_hl_terms {
    char **terms;
    size_t *lens;
    uint32_t *hashes; /* hash_bytes of each term: most probes end on it */
    size_t n, cap;
    uint32_t *slots; /* open addressing: term index + 1, 0 = empty */
    size_t nslots;   /* power of two, > 4 * n: a text's tokens mostly miss, on an empty slot */
    int has_unigram;
    /* The pre-filter (step 2): bit (c & 0xFFFF) is set for every code point
     * c of every term, so a clear bit proves a character is in no term.
     * one_char: some term is one character, so one such character can match;
     * otherwise a match needs two neighbouring ones.  no_filter: a term was
     * not valid UTF-8, so every sentence is tokenised. */
    uint64_t chars[0x10000 / 64];
    int one_char, no_filter;
    /* Words of three or more characters (sou_hl_terms_add): their bigrams
     * are marked only where the whole word is, so 结婚证 never marks 婚证 in
     * 离婚证.  whole_only[i]: term i came only from such words; part[] says
     * which word holds it and at which character. */
    unsigned char *whole_only;
    uint32_t **words; /* folded code points of each word */
    uint32_t *word_chars;
    size_t nwords;
    struct { uint32_t term, word, at; } *part;
    size_t nparts;
    int oom;
};

/* Called for every token of every highlighted text: bigrams are 6 bytes,
 * so short terms get one multiply instead of a byte loop. */
static inline uint32_t hash_bytes(const char *s, size_t len)
{
    if (len >= 4 && len <= 8) { /* two overlapping fixed-size loads */
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        uint64_t v = (((uint64_t)a << 32) | b) ^ len;
        v *= 0x9E3779B97F4A7C15ull;
        return (uint32_t)(v >> 32);
    }
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

sou_hl_terms *sou_hl_terms_new(void)
{
    sou_hl_terms *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->nslots = 16;
    t->slots = calloc(t->nslots, sizeof *t->slots);
    if (!t->slots) {
        free(t);
        return NULL;
    }
    return t;
}

void sou_hl_terms_free(sou_hl_terms *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->terms[i]);
    free(t->terms);
    free(t->lens);
    free(t->hashes);
    free(t->whole_only);
    for (size_t i = 0; i < t->nwords; i++)
        free(t->words[i]);
    free(t->words);
    free(t->word_chars);
    free(t->part);
    free(t->slots);
    free(t);
}

size_t sou_hl_terms_count(const sou_hl_terms *t)
{
    return t ? t->n : 0;
}

/* Index of term, or -1. */
static inline long terms_find(const sou_hl_terms *t, const char *term, size_t len)
{
    size_t mask = t->nslots - 1;
    uint32_t h = hash_bytes(term, len);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t s = t->slots[i];
        if (s == 0)
            return -1;
        if (t->hashes[s - 1] == h && t->lens[s - 1] == len && memcmp(t->terms[s - 1], term, len) == 0)
            return (long)(s - 1);
    }
}

static void slots_insert(uint32_t *slots, size_t nslots, uint32_t h, uint32_t value)
{
    size_t mask = nslots - 1;
    size_t i = h & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = value;
}

/* Add one token's term; whole_only: as part of a longer word only.  Its
 * index in *idx.  Returns 0, or -1 when out of memory. */
static int add_term(sou_hl_terms *t, const char *term, size_t len, int whole_only, uint32_t *idx)
{
    long found = terms_find(t, term, len);
    if (found >= 0) {
        t->whole_only[found] &= (unsigned char)whole_only;
        *idx = (uint32_t)found;
        return 0;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **terms = realloc(t->terms, cap * sizeof *terms);
        if (!terms)
            return -1;
        t->terms = terms;
        size_t *lens = realloc(t->lens, cap * sizeof *lens);
        if (!lens)
            return -1;
        t->lens = lens;
        uint32_t *hashes = realloc(t->hashes, cap * sizeof *hashes);
        if (!hashes)
            return -1;
        t->hashes = hashes;
        unsigned char *wo = realloc(t->whole_only, cap);
        if (!wo)
            return -1;
        t->whole_only = wo;
        t->cap = cap;
    }
    if (4 * (t->n + 1) >= t->nslots) {
        size_t nslots = t->nslots * 2;
        uint32_t *slots = calloc(nslots, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < t->n; i++)
            slots_insert(slots, nslots, t->hashes[i], (uint32_t)i + 1);
        free(t->slots);
        t->slots = slots;
        t->nslots = nslots;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, term, len);
    copy[len] = '\0';
    t->terms[t->n] = copy;
    t->lens[t->n] = len;
    t->hashes[t->n] = hash_bytes(term, len);
    t->whole_only[t->n] = (unsigned char)whole_only;
    *idx = (uint32_t)t->n;
    t->n++;
    slots_insert(t->slots, t->nslots, t->hashes[t->n - 1], (uint32_t)t->n);
    uint32_t cp;
    if (sou_utf8_decode((const unsigned char *)term, len, &cp) == len && cp >= 0x80)
        t->has_unigram = 1; /* one non-ASCII character: a CJK unigram */
    size_t nchars = 0;
    for (size_t i = 0; i < len; nchars++) {
        size_t k = sou_utf8_decode((const unsigned char *)term + i, len - i, &cp);
        if (k == 0) {
            t->no_filter = 1;
            break;
        }
        t->chars[(cp & 0xFFFF) >> 6] |= 1ull << (cp & 63);
        i += k;
    }
    if (nchars == 1)
        t->one_char = 1;
    return 0;
}

/* A word's bigrams at most (a longer "word" is searched as its tokens) */
#define SOU_HL_WORD_MAX 32

/* The tokens of a would-be word: each bigram's normalised term (two
 * characters, at most 8 bytes) and where it starts and ends. */
typedef struct {
    struct {
        char term[8];
        size_t term_len, start, end;
        uint32_t pos;
        sou_token_kind kind;
    } tok[SOU_HL_WORD_MAX];
    size_t n;
    int too_many; /* more tokens than a word has, or a term longer than a bigram's */
} word_toks;

static int word_tok_cb(const sou_token *tok, void *ctx)
{
    word_toks *w = ctx;
    if (w->n == SOU_HL_WORD_MAX || tok->term_len > sizeof w->tok[0].term) {
        w->too_many = 1;
        return 1;
    }
    memcpy(w->tok[w->n].term, tok->term, tok->term_len);
    w->tok[w->n].term_len = tok->term_len;
    w->tok[w->n].start = tok->start;
    w->tok[w->n].end = tok->end;
    w->tok[w->n].pos = tok->pos;
    w->tok[w->n].kind = tok->kind;
    w->n++;
    return 0;
}

static int each_tok_cb(const sou_token *tok, void *ctx)
{
    sou_hl_terms *t = ctx;
    uint32_t idx;
    if (add_term(t, tok->term, tok->term_len, 0, &idx) < 0) {
        t->oom = 1;
        return 1;
    }
    return 0;
}

/* word[0..len) as a whole word: its bigrams as terms marked only inside it. */
static int add_word(sou_hl_terms *t, const char *word, size_t len, const word_toks *wt)
{
    uint32_t *cp = malloc((wt->n + 1) * sizeof *cp);
    if (!cp)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k = sou_utf8_decode((const unsigned char *)word + i, len - i, &c);
        i += k ? k : 1;
        if (k && (c = sou_fold(c)) != SOU_FOLD_DROP && n < wt->n + 1)
            cp[n++] = c;
    }
    uint32_t **words = realloc(t->words, (t->nwords + 1) * sizeof *words);
    uint32_t *wc = words ? realloc(t->word_chars, (t->nwords + 1) * sizeof *wc) : NULL;
    void *part = wc ? realloc(t->part, (t->nparts + wt->n) * sizeof *t->part) : NULL;
    if (words)
        t->words = words;
    if (wc)
        t->word_chars = wc;
    if (part)
        t->part = part;
    if (!part) {
        free(cp);
        return -1;
    }
    uint32_t w = (uint32_t)t->nwords++;
    t->words[w] = cp;
    t->word_chars[w] = (uint32_t)n;
    for (size_t i = 0; i < wt->n; i++) {
        uint32_t idx;
        if (add_term(t, wt->tok[i].term, wt->tok[i].term_len, 1, &idx) < 0)
            return -1;
        t->part[t->nparts].term = idx;
        t->part[t->nparts].word = w;
        t->part[t->nparts].at = (uint32_t)i;
        t->nparts++;
    }
    return 0;
}

int sou_hl_terms_add(sou_hl_terms *t, const char *term, size_t len)
{
    if (len == 0)
        return 0;
    word_toks wt;
    memset(&wt, 0, sizeof wt);
    sou_tokenize(term, len, 0, SOU_TOKENIZE_QUERY, word_tok_cb, &wt, NULL);
    /* one CJK run of three or more characters: n - 1 bigrams at positions
     * 0.. n - 2, each starting where the previous one's second character is */
    int word = !wt.too_many && wt.n >= 2;
    for (size_t i = 0; word && i < wt.n; i++)
        word = wt.tok[i].kind == SOU_TOKEN_BIGRAM && wt.tok[i].pos == i &&
               (i == 0 || wt.tok[i].start < wt.tok[i - 1].end);
    if (word)
        return add_word(t, term, len, &wt);
    uint32_t idx;
    if (wt.n <= 1)
        return add_term(t, term, len, 0, &idx);
    sou_tokenize(term, len, 0, SOU_TOKENIZE_QUERY, each_tok_cb, t, NULL); /* several: each alone */
    return t->oom ? -1 : 0;
}

/* ------------------------------------------------------------ the text */

typedef struct {
    uint32_t cs, ce; /* characters [cs, ce) */
    uint32_t term;
} occ_t;

typedef struct {
    uint32_t cs, ce;
} span_t;

typedef struct {
    const sou_hl_terms *t;
    const char *text;
    size_t len;
    size_t base;     /* byte offset of the piece being tokenised */
    size_t (*pieces)[2]; /* byte ranges [start, end) that may hold a term */
    size_t npieces, cappieces;
    uint32_t n;      /* characters */
    uint32_t *cp;    /* code point of each character */
    uint32_t *cbyte; /* byte offset of each character; cbyte[n] = len */
    occ_t *occ;
    size_t nocc, capocc;
    span_t *spans;
    size_t nspans;
    int oom;
    /* output */
    sou_strbuf html, plain;
    uint32_t out_chars; /* characters written to plain */
    uint32_t (*marks)[2];
    size_t nmarks, capmarks;
} hl;

static inline int is_ws(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x3000 ||
           c == 0xA0;
}

static inline int is_break(uint32_t c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B || c == '!' || c == '?' ||
           c == ';' || c == '\n' || c == '\r';
}

/* Index of the character at or after byte b (binary search in cbyte). */
static inline uint32_t byte_to_char(const hl *h, size_t b)
{
    uint32_t lo = 0, hi = h->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (h->cbyte[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int occ_cb(const sou_token *tok, void *ctx)
{
    hl *h = ctx;
    long idx = terms_find(h->t, tok->term, tok->term_len);
    if (idx < 0)
        return 0;
    if (h->nocc == h->capocc) {
        size_t cap = h->capocc ? h->capocc * 2 : 64;
        occ_t *v = realloc(h->occ, cap * sizeof *v);
        if (!v) {
            h->oom = 1;
            return 1;
        }
        h->occ = v;
        h->capocc = cap;
    }
    h->occ[h->nocc++] =
        (occ_t){byte_to_char(h, h->base + tok->start), byte_to_char(h, h->base + tok->end), (uint32_t)idx};
    return 0;
}

static int occ_cmp(const void *a, const void *b)
{
    const occ_t *x = a, *y = b;
    if (x->cs != y->cs)
        return x->cs < y->cs ? -1 : 1;
    return x->ce < y->ce ? -1 : x->ce > y->ce;
}

/* Step 2 without tokenising what cannot match.  The tokenizer's state is
 * empty after each break character (folded class SOU_CC_BREAK, except '.'
 * and '\'', which can join a word), so the pieces between breaks tokenise
 * alone exactly as inside the whole text.  While decoding, a piece is kept
 * for tokenising only when the term-character bitmap lets it hold a term:
 * one character whose bit is set (when a term is one character), else two
 * such characters in a row (dropped characters are transparent, as in the
 * tokenizer).  Bits are taken modulo 0x10000, so the test can only say yes
 * too often. */
typedef struct {
    const sou_hl_terms *t;
    size_t start; /* byte where the current piece starts */
    int prev_in, hit;
} piece_filter;

/* Remember bytes [start, end) for tokenising.  Returns 0 or -1 (OOM). */
static int piece_add(hl *h, size_t start, size_t end)
{
    if (h->npieces == h->cappieces) {
        size_t cap = h->cappieces ? h->cappieces * 2 : 32;
        size_t(*v)[2] = realloc(h->pieces, cap * sizeof *v);
        if (!v)
            return -1;
        h->pieces = v;
        h->cappieces = cap;
    }
    h->pieces[h->npieces][0] = start;
    h->pieces[h->npieces][1] = end;
    h->npieces++;
    return 0;
}

/* The character c at bytes [i, i + k).  Returns 0 or -1 (OOM). */
static inline int piece_step(hl *h, piece_filter *pf, uint32_t c, size_t i, size_t k)
{
    uint32_t f = sou_fold(c);
    if (f == SOU_FOLD_DROP)
        return 0;
    if (sou_classify(f) == SOU_CC_BREAK && f != '.' && f != '\'') {
        if (pf->hit && piece_add(h, pf->start, i) < 0)
            return -1;
        pf->start = i + k;
        pf->prev_in = pf->hit = 0;
        return 0;
    }
    int in = (int)((pf->t->chars[(f & 0xFFFF) >> 6] >> (f & 63)) & 1);
    if (in && (pf->prev_in || pf->t->one_char))
        pf->hit = 1;
    pf->prev_in = in;
    return 0;
}

/* 1 if word w of the terms starts at character c of the text (folded code
 * points compared; characters the fold drops are skipped, as the tokenizer
 * skips them). */
static int word_at(const hl *h, uint32_t w, uint32_t c)
{
    const uint32_t *cp = h->t->words[w];
    uint32_t n = h->t->word_chars[w], k = 0;
    for (; c < h->n && k < n; c++) {
        uint32_t f = sou_fold(h->cp[c]);
        if (f == SOU_FOLD_DROP && k)
            continue;
        if (f != cp[k++])
            return 0;
    }
    return k == n;
}

/* Drop the occurrences of words' bigrams that are not inside the whole
 * word: the bigram at character c is the word's bigram number `at`, so the
 * word would start at c - at. */
static void keep_whole_words(hl *h)
{
    const sou_hl_terms *t = h->t;
    size_t k = 0;
    for (size_t i = 0; i < h->nocc; i++) {
        const occ_t *o = &h->occ[i];
        int keep = !t->whole_only[o->term];
        for (size_t j = 0; !keep && j < t->nparts; j++)
            keep = t->part[j].term == o->term && o->cs >= t->part[j].at && word_at(h, t->part[j].word, o->cs - t->part[j].at);
        if (keep)
            h->occ[k++] = *o;
    }
    h->nocc = k;
}

/* Steps 1-3: decode, find occurrences, merge them into spans. */
static int hl_prepare(hl *h, const sou_hl_terms *t, const char *text, size_t len)
{
    memset(h, 0, sizeof *h);
    h->t = t;
    h->text = text ? text : "";
    h->len = text ? len : 0;
    len = h->len;
    h->cp = malloc((len + 1) * sizeof *h->cp);
    h->cbyte = malloc((len + 1) * sizeof *h->cbyte);
    if (!h->cp || !h->cbyte)
        return -1;
    const unsigned char *s = (const unsigned char *)h->text;
    uint32_t n = 0;
    int filter = t && t->n && !t->no_filter;
    piece_filter pf = {t, 0, 0, 0};
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k;
        /* Fast paths for what bodies are made of (ASCII, and three-byte
         * characters led by E1-EC or EE-EF, whose only constraint is two
         * continuation bytes); the strict decoder for everything else. */
        unsigned char b0 = s[i];
        if (b0 < 0x80) {
            c = b0;
            k = 1;
        } else if ((unsigned)(b0 - 0xE1) < 15u && b0 != 0xED && len - i >= 3 &&
                   ((s[i + 1] ^ 0x80) | (s[i + 2] ^ 0x80)) < 0x40) { /* E1-EC, EE-EF; 10xxxxxx twice */
            c = ((uint32_t)(b0 & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
            k = 3;
        } else if ((k = sou_utf8_decode(s + i, len - i, &c)) == 0) { /* malformed byte: not a character */
            i++;
            continue;
        }
        h->cp[n] = c;
        h->cbyte[n++] = (uint32_t)i;
        if (filter && piece_step(h, &pf, c, i, k) < 0)
            return -1;
        i += k;
    }
    h->cbyte[n] = (uint32_t)len;
    h->n = n;
    if (filter && pf.hit && piece_add(h, pf.start, len) < 0)
        return -1;

    if (t && t->n && len) {
        /* Every character alone only when the query searched one: else the
         * unigrams would be looked up for nothing (+1.3% instructions over
         * 200 cmrc2018 questions in sou-eval). */
        sou_tokenize_purpose purpose = t->has_unigram ? SOU_TOKENIZE_CHARS : SOU_TOKENIZE_QUERY;
        if (t->no_filter) {
            sou_tokenize(h->text, len, 0, purpose, occ_cb, h, NULL);
        } else {
            for (size_t i = 0; i < h->npieces && !h->oom; i++) {
                h->base = h->pieces[i][0];
                sou_tokenize(h->text + h->base, h->pieces[i][1] - h->base, 0, purpose, occ_cb, h, NULL);
            }
        }
        if (h->oom)
            return -1;
    }
    int sorted = 1;
    for (size_t i = 1; i < h->nocc && sorted; i++)
        sorted = h->occ[i - 1].cs <= h->occ[i].cs;
    if (!sorted)
        qsort(h->occ, h->nocc, sizeof *h->occ, occ_cmp);
    if (t && t->nparts)
        keep_whole_words(h);
    if (h->nocc) {
        h->spans = malloc(h->nocc * sizeof *h->spans);
        if (!h->spans)
            return -1;
        span_t cur = {h->occ[0].cs, h->occ[0].ce};
        for (size_t i = 1; i < h->nocc; i++) {
            if (h->occ[i].cs <= cur.ce) { /* overlapping or touching: one mark */
                if (h->occ[i].ce > cur.ce)
                    cur.ce = h->occ[i].ce;
            } else {
                h->spans[h->nspans++] = cur;
                cur = (span_t){h->occ[i].cs, h->occ[i].ce};
            }
        }
        h->spans[h->nspans++] = cur;
    }
    return 0;
}

static void hl_destroy(hl *h)
{
    free(h->cp);
    free(h->cbyte);
    free(h->pieces);
    free(h->occ);
    free(h->spans);
    sou_strbuf_destroy(&h->html);
    sou_strbuf_destroy(&h->plain);
    free(h->marks);
}

/* ------------------------------------------------------------ output */

static void out_char(hl *h, uint32_t c, const char *bytes, size_t n)
{
    switch (c) {
    case '&': sou_strbuf_puts(&h->html, "&amp;"); break;
    case '<': sou_strbuf_puts(&h->html, "&lt;"); break;
    case '>': sou_strbuf_puts(&h->html, "&gt;"); break;
    case '"': sou_strbuf_puts(&h->html, "&quot;"); break;
    case '\'': sou_strbuf_puts(&h->html, "&#39;"); break;
    default: sou_strbuf_put_small(&h->html, bytes, n);
    }
    sou_strbuf_put_small(&h->plain, bytes, n);
    h->out_chars++;
}

static void out_literal(hl *h, const char *s, uint32_t chars)
{
    sou_strbuf_puts(&h->html, s);
    sou_strbuf_puts(&h->plain, s);
    h->out_chars += chars;
}

static void add_mark(hl *h, uint32_t start, uint32_t end)
{
    if (end <= start)
        return;
    if (h->nmarks == h->capmarks) {
        size_t cap = h->capmarks ? h->capmarks * 2 : 16;
        uint32_t(*v)[2] = realloc(h->marks, cap * sizeof *v);
        if (!v) {
            h->oom = 1;
            return;
        }
        h->marks = v;
        h->capmarks = cap;
    }
    h->marks[h->nmarks][0] = start;
    h->marks[h->nmarks][1] = end;
    h->nmarks++;
}

/* First span whose end is after character c (binary search). */
static size_t span_after(const hl *h, uint32_t c)
{
    size_t lo = 0, hi = h->nspans;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h->spans[mid].ce <= c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Write characters [s, e), marking spans; collapse != 0 shows each run of
 * white space (and control characters) as one space. */
static void emit_range(hl *h, uint32_t s, uint32_t e, int collapse)
{
    size_t sp = span_after(h, s);
    int in_mark = 0, prev_space = 0;
    uint32_t mark_start = 0;
    for (uint32_t c = s; c < e; c++) {
        if (!in_mark && sp < h->nspans && h->spans[sp].cs <= c) {
            sou_strbuf_puts(&h->html, "<mark>");
            in_mark = 1;
            mark_start = h->out_chars;
        }
        uint32_t cp = h->cp[c];
        if (collapse && (is_ws(cp) || cp < 0x20 || cp == 0x7F)) {
            if (!prev_space)
                out_char(h, ' ', " ", 1);
            prev_space = 1;
        } else if (!collapse && cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r') {
            out_char(h, ' ', " ", 1); /* control characters never reach a page */
            prev_space = 0;
        } else {
            /* cp came from the strict decoder, which takes no overlong
             * forms: its length follows from its value. */
            size_t k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            out_char(h, cp, h->text + h->cbyte[c], k);
            prev_space = 0;
        }
        if (in_mark && c + 1 >= h->spans[sp].ce) {
            sou_strbuf_puts(&h->html, "</mark>");
            add_mark(h, mark_start, h->out_chars);
            in_mark = 0;
            sp++;
        }
    }
    if (in_mark) { /* a span cut by the passage's end */
        sou_strbuf_puts(&h->html, "</mark>");
        add_mark(h, mark_start, h->out_chars);
    }
}

static int hl_finish(hl *h, sou_hl_result *out)
{
    if (h->oom || h->html.oom || h->plain.oom)
        return -1;
    if (!h->html.p)
        sou_strbuf_put(&h->html, "", 0);
    if (!h->plain.p)
        sou_strbuf_put(&h->plain, "", 0);
    if (h->html.oom || h->plain.oom)
        return -1;
    out->html = h->html.p;
    out->html_len = h->html.len;
    out->text = h->plain.p;
    out->text_len = h->plain.len;
    out->marks = h->marks;
    out->n_marks = h->nmarks;
    h->html.p = h->plain.p = NULL;
    h->marks = NULL;
    return 0;
}

int sou_highlight_whole(const sou_hl_terms *t, const char *text, size_t len, sou_hl_result *out)
{
    hl h;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (hl_prepare(&h, t, text, len) < 0)
        goto done;
    emit_range(&h, 0, h.n, 0);
    rc = hl_finish(&h, out);
done:
    hl_destroy(&h);
    return rc;
}

double sou_hl_coverage(const sou_hl_terms *t, const char *text, size_t len)
{
    sou_hl_result r;
    if (sou_highlight_whole(t, text, len, &r) < 0)
        return -1;
    size_t chars = sou_utf8_chars(r.text, r.text_len), marked = 0;
    for (size_t i = 0; i < r.n_marks; i++)
        marked += r.marks[i][1] - r.marks[i][0];
    sou_hl_result_destroy(&r);
    return chars ? (double)marked / (double)chars : 0;
}

/* ------------------------------------------------------------ passages */

typedef struct {
    uint32_t s;
    uint32_t score;
} cand_t;

typedef struct {
    uint32_t s, e;
} range_t;

static int cand_cmp(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->s < y->s ? -1 : x->s > y->s;
}

static int range_cmp(const void *a, const void *b)
{
    const range_t *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s;
}

/* Index of the last element < v in the sorted array a[0..n), or -1. */
static long last_below(const uint32_t *a, size_t n, uint32_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

/* Where a passage starting at s (at most m characters) ends. */
static uint32_t passage_end(const hl *h, const uint32_t *breaks, size_t nbreaks, uint32_t s, uint32_t m)
{
    uint32_t limit = s + m < h->n ? s + m : h->n;
    if (limit == h->n)
        return limit;
    /* The end of the last span wholly inside, and a span crossing limit. */
    uint32_t need = s, crossing = 0;
    size_t k = span_after(h, s);
    size_t lo = k, hi = h->nspans; /* last span with cs < limit */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h->spans[mid].cs < limit)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > k) {
        const span_t *last = &h->spans[lo - 1];
        if (last->ce > limit) {
            crossing = last->cs > s ? last->cs : 0;
            if (lo - 1 > k)
                need = h->spans[lo - 2].ce;
        } else {
            need = last->ce;
        }
    }
    long b = last_below(breaks, nbreaks, limit);
    if (b >= 0 && breaks[b] >= s && breaks[b] + 1 >= need && breaks[b] + 1 > s)
        return breaks[b] + 1; /* a sentence end keeps the passage whole */
    if (crossing > s)
        return crossing; /* never cut inside a mark */
    return limit;
}

int sou_highlight_passages(const sou_hl_terms *t, const char *text, size_t len, unsigned passages,
                           unsigned chars, sou_hl_result *out)
{
    hl h;
    int rc = -1;
    uint32_t *breaks = NULL, *starts = NULL, *cnt = NULL;
    cand_t *cands = NULL;
    range_t *chosen = NULL;
    size_t nbreaks = 0, nstarts = 0, ncands = 0, nchosen = 0;
    uint32_t best = 0;

    memset(out, 0, sizeof *out);
    if (chars == 0)
        chars = 1;
    if (passages == 0) /* no tokenising at all: the caller wants no snippet */
        len = 0;
    if (hl_prepare(&h, t, text, len) < 0)
        goto done;
    if (passages == 0 || h.n == 0) {
        rc = hl_finish(&h, out);
        goto done;
    }
    uint32_t n = h.n, m = chars;

    /* Sentence ends, and sentence starts (after a break, past white space). */
    breaks = malloc((n + 1) * sizeof *breaks);
    starts = malloc((n + 1) * sizeof *starts);
    chosen = malloc(passages * sizeof *chosen);
    if (!breaks || !starts || !chosen)
        goto done;
    int at_start = 1;
    for (uint32_t c = 0; c < n; c++) {
        uint32_t cp = h.cp[c];
        if (cp - 0x3003u < 0xFF01u - 0x3003u) { /* CJK and most else: neither break nor space */
            if (at_start) {
                starts[nstarts++] = c;
                at_start = 0;
            }
        } else if (is_break(cp)) {
            breaks[nbreaks++] = c;
            at_start = 1;
        } else if (at_start && !is_ws(cp)) {
            starts[nstarts++] = c;
            at_start = 0;
        }
    }

    if (h.nocc == 0) { /* nothing matched: the text's opening */
        uint32_t s = nstarts ? starts[0] : 0;
        chosen[nchosen++] = (range_t){s, passage_end(&h, breaks, nbreaks, s, m)};
        best = s;
    } else {
        cnt = calloc(t->n, sizeof *cnt);
        cands = malloc((nstarts + h.nocc) * sizeof *cands);
        if (!cnt || !cands)
            goto done;
        /* Candidate starts in increasing order: sentence starts merged with
         * "a little before each occurrence, within its sentence". */
        uint32_t lead = m / 5;
        size_t si = 0, oi = 0, sent = 0;
        size_t lo = 0, hi = 0;
        uint32_t distinct = 0, total = 0, last = UINT32_MAX;
        while (si < nstarts || oi < h.nocc) {
            uint32_t s;
            int sentence_start;
            uint32_t os = UINT32_MAX;
            if (oi < h.nocc) {
                uint32_t cs = h.occ[oi].cs;
                while (sent + 1 < nstarts && starts[sent + 1] <= cs)
                    sent++;
                uint32_t ss = nstarts && starts[sent] <= cs ? starts[sent] : 0;
                os = cs > ss + lead ? cs - lead : ss;
            }
            if (si < nstarts && starts[si] <= os) {
                s = starts[si++];
                sentence_start = 1;
            } else {
                s = os;
                oi++;
                sentence_start = 0;
            }
            if (s == last)
                continue;
            last = s;
            /* Slide: drop occurrences before s, take those starting before s + m. */
            while (hi < h.nocc && h.occ[hi].cs < s + m) {
                if (cnt[h.occ[hi].term]++ == 0)
                    distinct++;
                total++;
                hi++;
            }
            while (lo < hi && h.occ[lo].cs < s) {
                if (--cnt[h.occ[lo].term] == 0)
                    distinct--;
                total--;
                lo++;
            }
            if (distinct == 0)
                continue;
            /* Distinct terms first, then starting a sentence, then more
             * occurrences, then the first match nearer the start (so the
             * passage opens with the sentence that matters). */
            uint32_t gap = h.occ[lo].cs - s, near = 99 - (gap * 99 / m > 99 ? 99 : gap * 99 / m);
            uint32_t score = distinct * 100000u + (sentence_start ? 30000u : 0u) +
                             (total < 99 ? total : 99) * 100u + near;
            cands[ncands++] = (cand_t){s, score};
        }
        qsort(cands, ncands, sizeof *cands, cand_cmp);
        for (size_t i = 0; i < ncands && nchosen < passages; i++) {
            uint32_t s = cands[i].s;
            uint32_t e = passage_end(&h, breaks, nbreaks, s, m);
            int overlaps = 0;
            for (size_t j = 0; j < nchosen; j++)
                if (s < chosen[j].e && chosen[j].s < e)
                    overlaps = 1;
            if (!overlaps)
                chosen[nchosen++] = (range_t){s, e};
        }
        best = nchosen ? chosen[0].s : 0;
        qsort(chosen, nchosen, sizeof *chosen, range_cmp);
    }

    for (size_t i = 0; i < nchosen; i++) {
        uint32_t s = chosen[i].s, e = chosen[i].e;
        while (s < e && is_ws(h.cp[s]))
            s++;
        while (e > s && is_ws(h.cp[e - 1]))
            e--;
        if (s == e)
            continue;
        uint32_t j = s;
        while (j > 0 && is_ws(h.cp[j - 1]))
            j--;
        int cut_before = j > 0 && !is_break(h.cp[j - 1]);
        uint32_t k = e;
        while (k < n && is_ws(h.cp[k]))
            k++;
        int cut_after = k < n && !is_break(h.cp[e - 1]);
        if (i > 0)
            out_literal(&h, " … ", 3);
        else if (cut_before)
            out_literal(&h, "…", 1);
        emit_range(&h, s, e, 1);
        if (i + 1 == nchosen && cut_after)
            out_literal(&h, "…", 1);
    }
    rc = hl_finish(&h, out);
    while (best < n && is_ws(h.cp[best]))
        best++;
    out->best_at = best < n ? best : 0;
done:
    hl_destroy(&h);
    free(breaks);
    free(starts);
    free(cnt);
    free(cands);
    free(chosen);
    return rc;
}

void sou_hl_result_destroy(sou_hl_result *r)
{
    if (!r)
        return;
    free(r->html);
    free(r->text);
    free(r->marks);
    memset(r, 0, sizeof *r);
}
