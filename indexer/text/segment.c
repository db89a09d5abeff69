/* segment.c: the lexicon (an open-addressing hash of folded words) and
 * jieba's maximum-probability segmentation (see segment.h). */
#include "segment.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "normalize.h"
#include "tokenize.h"
#include "utf8.h"

typedef struct {
    uint32_t off;  /* into the key arena; 0 = empty slot (the arena starts with one unused byte) */
    uint16_t len;  /* bytes */
    uint16_t place; /* 1 if some entry of the word is tagged ns (a place name) */
    uint64_t freq;
} lex_slot;

struct sou_lexicon {
    lex_slot *slots;
    size_t mask;       /* slots - 1 (a power of two) */
    size_t count;
    char *keys;        /* arena */
    size_t keys_len, keys_cap;
    double log_total;  /* log of the sum of all frequencies */
    unsigned max_chars;
};

static lex_slot *find_slot(const sou_lexicon *lex, const char *w, size_t len)
{
    size_t i = sou_hash_bytes(w, len) & lex->mask;
    for (;;) {
        lex_slot *s = &lex->slots[i];
        if (!s->off || (s->len == len && memcmp(lex->keys + s->off, w, len) == 0))
            return s;
        i = (i + 1) & lex->mask;
    }
}

static int grow(sou_lexicon *lex)
{
    size_t n = (lex->mask + 1) * 2;
    lex_slot *old = lex->slots;
    size_t old_n = lex->mask + 1;
    lex->slots = calloc(n, sizeof *lex->slots);
    if (!lex->slots) {
        lex->slots = old;
        return -1;
    }
    lex->mask = n - 1;
    for (size_t i = 0; i < old_n; i++)
        if (old[i].off)
            *find_slot(lex, lex->keys + old[i].off, old[i].len) = old[i];
    free(old);
    return 0;
}

/* Add freq to word w[0..len) (normalised, all CJK, <= max chars). */
static int lex_add(sou_lexicon *lex, const char *w, size_t len, uint64_t freq, int place)
{
    if ((lex->count + 1) * 2 > lex->mask + 1 && grow(lex) < 0)
        return -1;
    lex_slot *s = find_slot(lex, w, len);
    if (s->off) {
        s->freq += freq;
        s->place |= place;
        return 0;
    }
    if (lex->keys_len + len > lex->keys_cap) {
        size_t cap = lex->keys_cap * 2 + len;
        if (cap > UINT32_MAX)
            return -1;
        char *k = realloc(lex->keys, cap);
        if (!k)
            return -1;
        lex->keys = k;
        lex->keys_cap = cap;
    }
    memcpy(lex->keys + lex->keys_len, w, len);
    *s = (lex_slot){(uint32_t)lex->keys_len, (uint16_t)len, (uint16_t)place, freq};
    lex->keys_len += len;
    lex->count++;
    return 0;
}

/* Characters of s[0..len) if every one is CJK, else 0. */
static unsigned cjk_chars(const char *s, size_t len)
{
    unsigned n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = sou_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (!k || sou_classify(cp) != SOU_CC_CJK)
            return 0;
        i += k;
        n++;
    }
    return n;
}

static int load_file(sou_lexicon *lex, const char *path, uint64_t *total, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL, norm[256];
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *sp = strchr(line, ' ');
        if (!sp) {
            snprintf(err, errlen, "%s:%zu: expected \"word frequency\"", path, lineno);
            rc = -1;
            break;
        }
        *sp = '\0';
        char *end;
        errno = 0;
        unsigned long long freq = strtoull(sp + 1, &end, 10);
        if (end == sp + 1 || (*end && *end != ' ') || errno || sp[1] == '-') {
            snprintf(err, errlen, "%s:%zu: frequency is not a number", path, lineno);
            rc = -1;
            break;
        }
        *total += freq;
        size_t wl = sou_normalize(line, (size_t)(sp - line), norm, sizeof norm, NULL);
        if (wl >= sizeof norm)
            continue; /* far longer than any word we keep */
        unsigned chars = cjk_chars(norm, wl);
        if (chars == 0 || chars > SOU_LEXICON_MAX_CHARS)
            continue; /* segmentation only looks at CJK runs */
        /* jieba's part-of-speech tag "ns": a place name */
        int place = end[0] == ' ' && end[1] == 'n' && end[2] == 's' && (end[3] == '\0' || end[3] == ' ');
        if (lex_add(lex, norm, wl, freq, place) < 0) {
            snprintf(err, errlen, "%s:%zu: out of memory", path, lineno);
            rc = -1;
            break;
        }
        if (chars > lex->max_chars)
            lex->max_chars = chars;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

sou_lexicon *sou_lexicon_load(const char *const *paths, size_t n, char *err, size_t errlen)
{
    sou_lexicon *lex = calloc(1, sizeof *lex);
    if (!lex || !(lex->slots = calloc(1u << 16, sizeof *lex->slots)) || !(lex->keys = malloc(1u << 20))) {
        snprintf(err, errlen, "out of memory loading the lexicon");
        sou_lexicon_free(lex);
        return NULL;
    }
    lex->mask = (1u << 16) - 1;
    lex->keys_cap = 1u << 20;
    lex->keys_len = 1; /* offset 0 marks an empty slot */
    lex->max_chars = 1;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        if (load_file(lex, paths[i], &total, err, errlen) < 0) {
            sou_lexicon_free(lex);
            return NULL;
        }
    lex->log_total = log(total > 0 ? (double)total : 1.0);
    return lex;
}

void sou_lexicon_free(sou_lexicon *lex)
{
    if (!lex)
        return;
    free(lex->slots);
    free(lex->keys);
    free(lex);
}

size_t sou_lexicon_size(const sou_lexicon *lex)
{
    return lex ? lex->count : 0;
}

uint64_t sou_lexicon_freq(const sou_lexicon *lex, const char *word, size_t len)
{
    if (!lex || len == 0 || len > UINT16_MAX)
        return 0;
    const lex_slot *s = find_slot(lex, word, len);
    return s->off ? s->freq : 0;
}

int sou_lexicon_is_place(const sou_lexicon *lex, const char *word, size_t len)
{
    if (!lex || len == 0 || len > UINT16_MAX)
        return 0;
    const lex_slot *s = find_slot(lex, word, len);
    return s->off && s->place;
}

/* ------------------------------------------------------------ the shared lexicon */

/* One lexicon for the whole process: loading jieba's 349,000 words takes a
 * fifth of a second and 20 MB, and a loaded lexicon is read-only, so every
 * searcher (one per worker thread) and the indexer's workers share it. */
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;
static sou_lexicon *shared;
static char shared_paths[4096];
static char shared_error[512];

int sou_lexicon_set_paths(const char *paths)
{
    if (strlen(paths) >= sizeof shared_paths)
        return -1;
    strcpy(shared_paths, paths);
    return 0;
}

static void shared_load(void)
{
    char list[sizeof shared_paths];
    const char *env = getenv("SOU_LEXICON");
    snprintf(list, sizeof list, "%s", shared_paths[0] ? shared_paths : env && *env ? env : SOU_LEXICON_DEFAULT);
    const char *paths[32];
    size_t n = 0;
    for (char *save = NULL, *p = strtok_r(list, ":", &save); p && n < 32; p = strtok_r(NULL, ":", &save))
        paths[n++] = p;
    shared = sou_lexicon_load(paths, n, shared_error, sizeof shared_error);
}

const sou_lexicon *sou_lexicon_shared(char *err, size_t errlen)
{
    pthread_once(&shared_once, shared_load);
    if (!shared && err && errlen)
        snprintf(err, errlen, "cannot load the lexicon: %s", shared_error);
    return shared;
}

/* ------------------------------------------------------------ segmenting */

/* One CJK run: chars n, cp_off[0..n] byte offsets of its characters in text
 * (cp_off[n] = end).  Emits its words through fn. */
static int segment_run(const sou_lexicon *lex, const char *text, const size_t *off, size_t n, int joined,
                       sou_seg_fn fn, void *ctx)
{
    sou_seg_word whole = {off[0], off[n], (unsigned)n, SOU_SEG_CJK, joined};
    if (!lex)
        return fn(&whole, ctx); /* no lexicon: the run is one word */
    double stack_route[129];
    unsigned stack_next[129];
    double *route = stack_route;
    unsigned *next = stack_next;
    if (n + 1 > 129) {
        route = malloc((n + 1) * sizeof *route);
        next = malloc((n + 1) * sizeof *next);
        if (!route || !next) {
            free(route);
            free(next);
            return fn(&whole, ctx); /* no memory for the lattice: one word */
        }
    }
    /* route[i]: best log-probability of text from character i to the end;
     * next[i]: the character after the first word of that path. */
    route[n] = 0;
    for (size_t i = n; i-- > 0;) {
        size_t maxj = i + lex->max_chars < n ? i + lex->max_chars : n;
        double best = -INFINITY;
        unsigned bestj = (unsigned)i + 1;
        for (size_t j = i + 1; j <= maxj; j++) {
            uint64_t f = sou_lexicon_freq(lex, text + off[i], off[j] - off[i]);
            if (!f && j > i + 1)
                continue;
            /* jieba: log(freq or 1) - log(total); ties go to the longer word */
            double sc = log(f ? (double)f : 1.0) - lex->log_total + route[j];
            if (sc >= best) {
                best = sc;
                bestj = (unsigned)j;
            }
        }
        route[i] = best;
        next[i] = bestj;
    }
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i = next[i]) {
        sou_seg_word w = {off[i], off[next[i]], next[i] - (unsigned)i, SOU_SEG_CJK, i > 0 || joined};
        rc = fn(&w, ctx);
    }
    if (route != stack_route) {
        free(route);
        free(next);
    }
    return rc;
}

int sou_segment(const sou_lexicon *lex, const char *text, size_t len, sou_seg_fn fn, void *ctx)
{
    size_t stack_off[129], *off = stack_off, off_cap = 129, n = 0;
    sou_char_class run = SOU_CC_BREAK; /* CJK, or LETTER for a letter/digit run */
    size_t run_start = 0;
    int joined = 0, rc = 0;
    for (size_t i = 0; i <= len && !rc;) {
        uint32_t cp = 0;
        size_t k = 0;
        sou_char_class cc = SOU_CC_BREAK;
        if (i < len) {
            k = sou_utf8_decode((const unsigned char *)text + i, len - i, &cp);
            if (k == 0)
                k = 1; /* malformed (the text should be normalised): a break */
            else
                cc = sou_classify(cp);
            if (cc == SOU_CC_DIGIT)
                cc = SOU_CC_LETTER;
        }
        if (cc != run || i == len) {
            /* the current run ends here */
            if (run == SOU_CC_CJK) {
                off[n] = i;
                rc = segment_run(lex, text, off, n, joined, fn, ctx);
            } else if (run == SOU_CC_LETTER) {
                sou_seg_word w = {run_start, i, (unsigned)n, SOU_SEG_OTHER, joined};
                rc = fn(&w, ctx);
            }
            joined = run != SOU_CC_BREAK && cc != SOU_CC_BREAK;
            run = cc;
            run_start = i;
            n = 0;
        }
        if (i == len)
            break;
        if (run == SOU_CC_CJK || run == SOU_CC_LETTER) {
            if (n + 2 > off_cap) {
                size_t cap = off_cap * 2;
                size_t *o = off == stack_off ? malloc(cap * sizeof *o) : realloc(off, cap * sizeof *o);
                if (!o) {
                    rc = -1;
                    break;
                }
                if (off == stack_off)
                    memcpy(o, stack_off, n * sizeof *o);
                off = o;
                off_cap = cap;
            }
            off[n++] = i;
        }
        i += k;
    }
    if (off != stack_off)
        free(off);
    return rc;
}
