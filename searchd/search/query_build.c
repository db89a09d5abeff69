/* query_build.c: parsed query -> sx_query (the ranking; see query_build.h). */
#include "query_build.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "normalize.h"
#include "numerals.h"
#include "places.h"
#include "schema.h"
#include "segment.h"
#include "stopwords.h"
#include "tokenize.h"
#include "utf8.h"

void sou_query_limits_init(sou_query_limits *ql)
{
    /* Measured on the 75k xwlb index (docs/limits.md): the cost of a query
     * follows the number of postings it reads, and the expansions of single
     * characters read by far the most (的 alone: 500 terms). */
    ql->max_operators = 32;       /* a person writes a handful; 330 exclusions took 15 s */
    ql->max_terms = 4096;         /* the longest query (SOU_QUERY_MAX_CHARS, 1000 characters) always
                                   * fits: its bigrams in body and title, and synonyms (2,273 seen) */
    ql->max_expansion = 500;      /* ~0.09 ms a term for common characters: 10 excluded at 50 each
                                   * (body and title) took 90 ms, at 25 each 45 ms */
    ql->char_expansion = 200;     /* 的 alone: 41 ms at 500, 33 ms at 200 (docs/limits.md) */
    ql->min_char_expansion = 25;  /* at most 20 expansions (10 characters, body and title) */
    ql->time_limit = 0.5;         /* Xapian checks it between postings: not a hard limit */
}

void sou_rank_params_init(sou_rank_params *rp)
{
    /* Tuned with sou-eval on cmrc2018 + 75k xwlb distractors (README). */
    rp->k1 = 0.6;            /* saturate early: matching more distinct bigrams beats repeating one */
    rp->b = 0.5;             /* passages bound a document's length, so normalising it compares like
                              * with like and a short guide's match counts: b 0.25 / 0.5 / 0.75 all
                              * beat b 0 on gd, laws and the combined index (MRR 0.801 -> 0.820,
                              * 0.742 -> 0.746, 0.690 -> 0.716 at 0.5), cmrc2018 0.970 -> 0.969;
                              * Xapian then reads each candidate's length: +21% CPU per question
                              * (docs/ranking.md) */
    rp->title_weight = 0.25; /* news titles share words with questions: a strong boost misleads */
    rp->phrase_weight = 0;   /* off: costs 50x at p99 and lost 0.3-0.6 points (overlapping bigrams
                              * already reward adjacency) */
    rp->junction_weight = 0.5;
    rp->scope_weight = 0.3; /* the same laws s1 from 0.25 to 0.5 (docs/ranking.md) */
    rp->audience_weight = 0.9;
    rp->title_all_weight = 1; /* gd s1 +0.05, laws +0.05 (with synonyms), cmrc2018 unchanged */
    rp->title_cover_weight = 0.2; /* gd MRR +0.04, laws +0.02, combined +0.04, cmrc2018 unchanged */
    rp->drop_stopwords = 1;
    rp->leftover_unigrams = 1;
    rp->title_elite = 6;     /* the title boost needs only the rarest few: p99 -30%, same relevance */
    rp->common_share = 0.01; /* common terms only add to rarer ones' documents (elite_q): */
    rp->common_docs = 1000;  /* cmrc2018 -25% instructions in Xapian's matching, no answer of
                              * any set changed (docs/ranking.md) */
    rp->elite = 10;          /* long questions: the 10 rarest bigrams; same relevance as all of
                              * them, p99 -20%, max -50% (a pasted paragraph stays cheap); 10
                              * rather than 12: same success@1 and MRR@10 (to 5 decimals, no
                              * first hit changed), -3.5% instructions per query */
    sou_query_limits_init(&rp->limits);
}

/* ------------------------------------------------------------ token lists */

typedef struct {
    char *term;
    size_t len;
    uint32_t pos;
    sou_token_kind kind;
    unsigned wqf; /* for unique lists */
    int junction; /* a bigram across two words (plain_tokens) */
    json_t *alts; /* owned, or NULL: the word's synonyms; term is then the word */
} qtok;

typedef struct {
    qtok *v;
    size_t n, cap;
    int oom;
    int junction; /* the tokens pushed now are junctions */
} qtoks;

static void qtoks_free(qtoks *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].term);
        json_decref(t->v[i].alts);
    }
    free(t->v);
    memset(t, 0, sizeof *t);
}

static int qtoks_push(qtoks *t, const char *term, size_t len, uint32_t pos, sou_token_kind kind)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        qtok *v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return -1;
        t->v = v;
        t->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, term, len);
    copy[len] = '\0';
    t->v[t->n++] = (qtok){copy, len, pos, kind, 1, t->junction, NULL};
    /* t->v owns copy now: cppcheck misses the compound literal. */
    /* cppcheck-suppress memleak */
    return 0;
}

static int collect_cb(const sou_token *tok, void *ctx)
{
    qtoks *t = ctx;
    if (qtoks_push(t, tok->term, tok->term_len, tok->pos, tok->kind) < 0) {
        t->oom = 1;
        return 1;
    }
    return 0;
}

/* Tokenise text from position first; returns the next free position. */
static uint32_t tokenize_into(qtoks *t, const char *text, size_t len, uint32_t first)
{
    sou_tokenize_stats st = {0};
    sou_tokenize(text, len, first, SOU_TOKENIZE_QUERY, collect_cb, t, &st);
    return st.next_pos > first ? st.next_pos : first;
}

/* The entry for term (a word with synonyms or not: has_alts), or -1. */
static ssize_t qtoks_find(const qtoks *t, const char *term, size_t len, int has_alts)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].len == len && memcmp(t->v[i].term, term, len) == 0 && (t->v[i].alts != NULL) == has_alts)
            return (ssize_t)i;
    return -1;
}

/* Term frequencies looked up while building, most of them fetched in one
 * go (tf_prefetch): over remote shards each sx_db_termfreq is a round trip
 * to every shard in turn, sx_db_termfreqs one statistics exchange. */
typedef struct {
    char **terms;
    size_t *lens;
    unsigned *tf;
    size_t n, cap;
    sou_tf_memo *memo; /* borrowed, may be NULL: what earlier queries looked up (tf_memo.h) */
} tf_cache;

static void tf_cache_free(tf_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->terms[i]);
    free(c->terms);
    free(c->lens);
    free(c->tf);
    memset(c, 0, sizeof *c);
}

static ssize_t tf_find(const tf_cache *c, const char *term, size_t len)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->lens[i] == len && memcmp(c->terms[i], term, len) == 0)
            return (ssize_t)i;
    return -1;
}

/* Add term (unique) with frequency tf; -1 when out of memory. */
static int tf_add(tf_cache *c, const char *term, size_t len, unsigned tf)
{
    if (tf_find(c, term, len) >= 0)
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        char **t = realloc(c->terms, cap * sizeof *t);
        if (t)
            c->terms = t;
        size_t *l = realloc(c->lens, cap * sizeof *l);
        if (l)
            c->lens = l;
        unsigned *f = realloc(c->tf, cap * sizeof *f);
        if (f)
            c->tf = f;
        if (!t || !l || !f)
            return -1;
        c->cap = cap;
    }
    if (!(c->terms[c->n] = malloc(len + 1)))
        return -1;
    memcpy(c->terms[c->n], term, len);
    c->terms[c->n][len] = '\0';
    c->lens[c->n] = len;
    c->tf[c->n++] = tf;
    return 0;
}

/* The frequency of term in db, from the cache or asked (and kept). */
static sx_status tf_get(tf_cache *c, sx_db *db, const char *term, size_t len, unsigned *out, sx_error *xe)
{
    ssize_t k = tf_find(c, term, len);
    if (k >= 0) {
        *out = c->tf[k];
        return SX_OK;
    }
    sx_status st = SX_OK;
    if (!c->memo || !sou_tf_memo_get(c->memo, term, len, out)) {
        if ((st = sx_db_termfreq(db, term, len, out, xe)) == SX_OK && c->memo)
            sou_tf_memo_put(c->memo, term, len, *out);
    }
    if (st == SX_OK)
        tf_add(c, term, len, *out); /* out of memory: asked again next time */
    return st;
}

/* ------------------------------------------------------------ query pool */

/* Every sx_query made while building goes into the pool, which frees them
 * all at the end: the combinators copy their arguments, so nothing else
 * needs to track them and there is a single cleanup path. */
typedef struct {
    sx_query **v;
    size_t n, cap;
    sx_error xe;
    int failed;
    sx_db *db; /* borrowed, may be NULL: where single characters are expanded (env->db) */
    const sou_lexicon *lex; /* borrowed, may be NULL: the words of synonyms (env->lex) */
    tf_cache *tfc; /* borrowed: the term frequencies fetched for this build */
    const sou_rank_params *rank; /* borrowed: this build's knobs (is_common) */
    /* The budget's counters for this build (budget_check reads them). */
    unsigned per_char; /* terms each expanding character may stand for */
    unsigned n_chars;  /* expanding characters so far */
    unsigned n_terms;  /* leaf terms so far (expanding characters included) */
} qpool;

static sx_query *keep(qpool *p, sx_query *q)
{
    if (!q) {
        p->failed = 1;
        return NULL;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        sx_query **v = realloc(p->v, cap * sizeof *v);
        if (!v) {
            sx_query_free(q);
            p->failed = 1;
            p->xe.status = SX_ERR_NO_MEMORY;
            strcpy(p->xe.message, "out of memory");
            return NULL;
        }
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = q;
    return q;
}

static void qpool_free(qpool *p)
{
    for (size_t i = 0; i < p->n; i++)
        sx_query_free(p->v[i]);
    free(p->v);
}

/* Remove q from the pool (the caller takes ownership). */
static sx_query *detach(qpool *p, sx_query *q)
{
    for (size_t i = p->n; i-- > 0;)
        if (p->v[i] == q) {
            p->v[i] = p->v[--p->n];
            return q;
        }
    return q;
}

/* 1 if term is one CJK character (the tokenizer's unigrams). */
static int is_unigram(const char *term, size_t len)
{
    uint32_t cp;
    return len > 1 && sou_utf8_decode((const unsigned char *)term, len, &cp) == len && cp >= 0x2E80;
}

/* A query term.  With expand, a single CJK character becomes every term that
 * starts with it: the index stores a character alone only at the end of a
 * CJK run (see SOU_TOKENIZE_DOCUMENT); elsewhere it is the first half of a
 * bigram. */
static sx_query *term_q(qpool *p, const char *prefix, const char *term, size_t len, unsigned wqf,
                        unsigned pos, int expand)
{
    if (p->failed)
        return NULL;
    p->n_terms++;
    if (expand && is_unigram(term, len)) {
        char u[16];
        size_t pl = strlen(prefix);
        memcpy(u, prefix, pl);
        memcpy(u + pl, term, len);
        p->n_chars++;
        /* Expanded here, over the whole index, when the database is known:
         * a deferred expansion happens inside each shard, and the scores
         * would then depend on how the documents are split. */
        return keep(p, p->db ? sx_query_prefix_in(p->db, u, pl + len, p->per_char, &p->xe)
                             : sx_query_prefix(u, pl + len, p->per_char, &p->xe));
    }
    char buf[256];
    size_t pl = strlen(prefix);
    if (pl + len > sizeof buf)
        len = sizeof buf - pl; /* Xapian terms are < 245 bytes anyway */
    memcpy(buf, prefix, pl);
    memcpy(buf + pl, term, len);
    return keep(p, sx_query_term(buf, pl + len, wqf, pos, &p->xe));
}

static sx_query *combine(qpool *p, sx_query_op op, sx_query **subs, size_t n, unsigned window)
{
    if (p->failed)
        return NULL;
    if (n == 1 && op != SX_OP_PHRASE && op != SX_OP_NEAR)
        return subs[0];
    return keep(p, sx_query_combine(op, (const sx_query *const *)subs, n, window, &p->xe));
}

static sx_query *combine2(qpool *p, sx_query_op op, sx_query *a, sx_query *b)
{
    sx_query *s[2] = {a, b};
    return combine(p, op, s, 2, 0);
}

static sx_query *scale(qpool *p, sx_query *q, double f)
{
    if (p->failed)
        return NULL;
    if (f == 1.0)
        return q;
    return keep(p, sx_query_scale(q, f, &p->xe));
}

/* 1 if a term in tf of the docs documents is common (sou_rank_params). */
static int is_common(const qpool *p, unsigned tf, unsigned docs)
{
    return p->rank->common_share > 0 && tf > p->rank->common_docs && tf > p->rank->common_share * docs;
}

static sx_query *junction_q(qpool *p, const char *prefix, const qtoks *plain, const qtok *j, double weight);

/* The OR of the `keep` subqueries of subs[0..t->n) (the terms of t, each
 * with prefix, scaled by junction_weight when a junction) that can weigh
 * the most, a kept junction placed beside its words in plain (junction_q).
 * Xapian's ELITE_SET makes that choice inside each shard, from the shard's
 * own bounds (a term's largest wdf there, whether the shard has
 * it at all), so the shards of a sharded index would each search other
 * terms.  With the database known the choice is made here, once, from the
 * whole index's statistics: BM25's term weight as Xapian computes it,
 * log((N - tf + 0.5) / (tf + 0.5)) (raised to tw / 2 + 1 below 2), times
 * the scale; a term no document holds is left out (Xapian gives it no
 * weight either); ties go to the earlier term; a word with synonyms is
 * always kept (it stands for several terms).  Of the kept terms, the
 * common ones (is_common: in more than 1% of the documents and more than
 * 1,000 of them) only add to documents that match a rarer one (AND_MAYBE,
 * Lucene's CommonTermsQuery, Elasticsearch's cutoff_frequency): OR would
 * make Xapian walk their long posting lists for the documents that match
 * nothing else, which never rank (docs/ranking.md).  The frequencies come
 * from the build's cache (tf_prefetch fetched them with the rest).
 * Expanded characters (no single frequency) and queries without a database
 * keep ELITE_SET. */
static sx_query *elite_q(qpool *p, const char *prefix, const qtoks *t, const qtoks *plain, sx_query **subs,
                         double junction_weight, unsigned keep, int expanded)
{
    if (p->failed)
        return NULL;
    if (!p->db || expanded)
        return combine(p, SX_OP_ELITE_SET, subs, t->n, keep);
    size_t n = t->n, pl = strlen(prefix);
    char **terms = calloc(n, sizeof *terms);
    size_t *lens = calloc(n, sizeof *lens);
    unsigned *tf = calloc(n, sizeof *tf), docs = 0;
    double *key = calloc(n, sizeof *key);
    sx_query **kept = calloc(n, sizeof *kept), **common = calloc(n, sizeof *common);
    sx_query *q = NULL;
    int oom = !terms || !lens || !tf || !key || !kept || !common;
    for (size_t i = 0; !oom && i < n; i++) {
        if (!(terms[i] = malloc(pl + t->v[i].len + 1))) {
            oom = 1;
            break;
        }
        memcpy(terms[i], prefix, pl);
        memcpy(terms[i] + pl, t->v[i].term, t->v[i].len);
        lens[i] = pl + t->v[i].len;
    }
    if (oom) {
        p->failed = 1;
        p->xe.status = SX_ERR_NO_MEMORY;
        snprintf(p->xe.message, sizeof p->xe.message, "out of memory");
        goto done;
    }
    if (sx_db_doccount(p->db, &docs, &p->xe) != SX_OK) {
        p->failed = 1;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        /* a word with synonyms stands for several terms: always searched */
        if (t->v[i].alts) {
            key[i] = INFINITY;
            continue;
        }
        if (tf_get(p->tfc, p->db, terms[i], lens[i], &tf[i], &p->xe) != SX_OK) {
            p->failed = 1;
            goto done;
        }
        double tw = ((double)docs - tf[i] + 0.5) / (tf[i] + 0.5);
        if (tw < 2)
            tw = tw * 0.5 + 1;
        key[i] = tf[i] ? log(tw) * (t->v[i].junction ? junction_weight : 1.0) : -1;
    }
    size_t nk = 0, nc = 0;
    for (size_t i = 0; i < n; i++) {
        if (key[i] < 0)
            continue;
        size_t better = 0; /* terms that beat term i: more weight, or as much and earlier */
        for (size_t j = 0; j < n && better < keep; j++)
            if (key[j] > key[i] || (j < i && key[j] == key[i]))
                better++;
        if (better >= keep)
            continue;
        /* a kept junction is placed beside its words (only those: the
         * phrases of every junction of a long question would blow the
         * term budget for nothing) */
        sx_query *sub = t->v[i].junction ? junction_q(p, prefix, plain, &t->v[i], junction_weight) : subs[i];
        if (!t->v[i].alts && is_common(p, tf[i], docs))
            common[nc++] = sub;
        else
            kept[nk++] = sub;
    }
    /* Common terms add to documents that match a rarer one; a question of
     * common terms only searches them all. */
    if (nk && nc)
        q = combine2(p, SX_OP_AND_MAYBE, combine(p, SX_OP_OR, kept, nk, 0), combine(p, SX_OP_OR, common, nc, 0));
    else if (nk || nc)
        q = combine(p, SX_OP_OR, nk ? kept : common, nk ? nk : nc, 0);
    else /* no term of the query is in the index: nothing matches either way */
        q = combine(p, SX_OP_ELITE_SET, subs, n, keep);
done:
    for (size_t i = 0; terms && i < n; i++)
        free(terms[i]);
    free(terms);
    free(lens);
    free(tf);
    free(key);
    free(kept);
    free(common);
    return q;
}

/* The tokens t[0..n) (none a single character) as an exact phrase. */
static sx_query *positional_phrase_q(qpool *p, const char *prefix, const qtok *t, size_t n,
                                     sx_query **subs)
{
    if (n == 1)
        return term_q(p, prefix, t[0].term, t[0].len, 1, t[0].pos + 1, 1);
    for (size_t i = 0; i < n; i++)
        subs[i] = term_q(p, prefix, t[i].term, t[i].len, 1, t[i].pos + 1, 1);
    /* Positions jump over punctuation and spaces; the window spans them. */
    unsigned window = t[n - 1].pos - t[0].pos + 1;
    return combine(p, SX_OP_PHRASE, subs, n, window < n ? (unsigned)n : window);
}

/* The tokens t[0..n) as an exact phrase over prefix-ed terms.  A single
 * character is stored without positions (and searched as a wildcard, which
 * Xapian cannot place in a PHRASE), so it is required but not placed: the
 * phrase becomes the AND of the runs of other tokens, each an exact
 * phrase, and of the characters ("医 保" = 医* AND 保*). */
static sx_query *phrase_q(qpool *p, const char *prefix, const qtok *t, size_t n)
{
    if (n == 1)
        return term_q(p, prefix, t[0].term, t[0].len, 1, t[0].pos + 1, 1);
    sx_query **subs = calloc(2 * n, sizeof *subs), **parts = subs ? subs + n : NULL;
    size_t nparts = 0;
    if (!subs) {
        p->failed = 1;
        p->xe.status = SX_ERR_NO_MEMORY;
        strcpy(p->xe.message, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n;) {
        if (is_unigram(t[i].term, t[i].len)) {
            parts[nparts++] = term_q(p, prefix, t[i].term, t[i].len, 1, t[i].pos + 1, 1);
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && !is_unigram(t[j].term, t[j].len))
            j++;
        parts[nparts++] = positional_phrase_q(p, prefix, t + i, j - i, subs);
        i = j;
    }
    sx_query *q = nparts == 1 ? parts[0] : combine(p, SX_OP_AND, parts, nparts, 0);
    free(subs);
    return q;
}

/* ------------------------------------------------------------ building */

typedef struct {
    json_t *dropped;
    int oom;
} drop_ctx;

static void on_drop(const char *w, size_t len, void *ctx)
{
    drop_ctx *d = ctx;
    size_t i;
    json_t *v;
    json_array_foreach(d->dropped, i, v)
    {
        if (json_string_length(v) == len && memcmp(json_string_value(v), w, len) == 0)
            return;
    }
    if (json_array_append_new(d->dropped, json_stringn(w, len)) < 0)
        d->oom = 1;
}

/* The words of one TEXT item, segmented (segment.h). */
typedef struct {
    size_t start, end; /* bytes in the item's text */
    unsigned chars;
    sou_seg_kind kind;
    int joined; /* no break between it and the previous word */
    int stop;   /* dropped: a question or function word */
    int neg;    /* a negation alone (stopwords.h: sou_is_negation) */
    int lone;   /* one character with synonyms of its own (退 => 退货 ...): a word */
} qword;

typedef struct {
    qword *v;
    size_t n, cap;
} qwords;

static int collect_word(const sou_seg_word *w, void *ctx)
{
    qwords *ws = ctx;
    if (ws->n == ws->cap) {
        size_t cap = ws->cap ? ws->cap * 2 : 16;
        qword *v = realloc(ws->v, cap * sizeof *v);
        if (!v)
            return -1;
        ws->v = v;
        ws->cap = cap;
    }
    ws->v[ws->n++] = (qword){w->start, w->end, w->chars, w->kind, w->joined, 0, 0, 0};
    return 0;
}

/* 怎么办 ends a question as "what can be done" (老板拖欠工资不发怎么办), but
 * inside one it is 怎么 + 办 ("how to get", 怎么办房产证): the segmenter's
 * dictionary word would drop the 办 with the stopword.  Split where a word
 * follows it.  Returns -1 when out of memory. */
static int split_question_verb(const char *text, qwords *ws)
{
    static const char Q[] = "怎么办";
    const size_t qlen = sizeof Q - 1, vlen = qlen / 3; /* 办: one 3-byte character */
    for (size_t k = 0; k + 1 < ws->n; k++) {
        qword *w = &ws->v[k];
        if (w->end - w->start != qlen || memcmp(text + w->start, Q, qlen) != 0 || !ws->v[k + 1].joined ||
            ws->v[k + 1].kind != SOU_SEG_CJK)
            continue;
        if (ws->n == ws->cap) {
            size_t cap = ws->cap * 2;
            qword *v = realloc(ws->v, cap * sizeof *v);
            if (!v)
                return -1;
            ws->v = v;
            ws->cap = cap;
            w = &ws->v[k];
        }
        memmove(&ws->v[k + 2], &ws->v[k + 1], (ws->n - k - 1) * sizeof *ws->v);
        ws->n++;
        ws->v[k + 1] = (qword){w->end - vlen, w->end, 1, SOU_SEG_CJK, 1, 0, 0, 0};
        w->end -= vlen;
        w->chars -= 1;
    }
    return 0;
}

static int collect_synonym(const char *syn, size_t len, void *ctx)
{
    json_t *a = ctx;
    /* a list is short; a pathological one is cut (each costs a query part) */
    return json_array_size(a) >= SOU_MAX_SYNONYMS || json_array_append_new(a, json_stringn(syn, len)) < 0;
}

/* The synonyms of text[0..len) in the table (object: word -> [synonyms]):
 * a new reference, or NULL when it has none. */
static json_t *synonyms_of(const json_t *table, const char *text, size_t len)
{
    char key[256];
    if (!table || len >= sizeof key)
        return NULL;
    memcpy(key, text, len);
    key[len] = '\0';
    json_t *a = json_object_get(table, key);
    return json_array_size(a) ? json_incref(a) : NULL;
}

/* A number typed in digits before a unit, as the laws also write it
 * (numerals.h: 15年 -> 十五年), searched as the word's synonyms: a new
 * array, or NULL when it has no such form (*oom set when out of memory: at
 * most four forms, so collect_synonym stops only then). */
static json_t *numeral_alts(const char *text, size_t start, size_t end, size_t next_end, int *oom)
{
    const char *word = text + start, *next = text + end;
    size_t len = end - start, next_len = next_end - end;
    int ordinal = start >= 3 && memcmp(word - 3, "第", 3) == 0;
    char digits[16];
    size_t dl = sou_normalize(word, len, digits, sizeof digits, NULL); /* １５ is 15 */
    uint32_t cp;
    size_t ul = sou_utf8_decode((const unsigned char *)next, next_len, &cp);
    if (dl >= sizeof digits || ul == 0)
        return NULL;
    json_t *a = json_array();
    if (!a || sou_numeral_forms(digits, dl, next, ul, ordinal, collect_synonym, a) != 0)
        *oom = 1;
    if (json_array_size(a) == 0) {
        json_decref(a);
        return NULL;
    }
    /* A unit word of several characters (周岁, 小时, 天内; 个月: the caller
     * joins 个 to its noun) is the form's whole unit: 18周岁 is 十八周岁, not
     * 十八周 (marked without its 岁).  128 bytes hold the longest number
     * with a unit word of SOU_LEXICON_MAX_CHARS; longer gives no forms,
     * never some with the unit cut and some without. */
    char form[128];
    for (size_t i = 0; next_len > ul && i < json_array_size(a); i++) {
        const json_t *f = json_array_get(a, i);
        size_t fl = json_string_length(f);
        if (fl + next_len - ul > sizeof form) {
            json_decref(a);
            return NULL;
        }
        memcpy(form, json_string_value(f), fl);
        memcpy(form + fl, next + ul, next_len - ul);
        if (json_array_set_new(a, i, json_stringn(form, fl + next_len - ul)) < 0)
            *oom = 1;
    }
    return a;
}

/* The body and title forms of every token of pq's plain text, counted in db
 * at once.  0, -1 when out of memory, -2 with *xe when db failed. */
static int tf_prefetch(tf_cache *c, sx_db *db, const sou_parsed_query *pq, sx_error *xe)
{
    qtoks t = {0};
    char st[256];
    for (size_t i = 0; i < pq->n; i++)
        if (pq->items[i].kind == SOU_QITEM_TEXT)
            tokenize_into(&t, pq->items[i].text, pq->items[i].len, 0);
    int rc = t.oom ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < t.n; i++) {
        size_t n = t.v[i].len < sizeof st - 2 ? t.v[i].len : sizeof st - 2;
        st[0] = SOU_PREFIX_TITLE[0];
        memcpy(st + 1, t.v[i].term, n);
        if (tf_add(c, t.v[i].term, t.v[i].len, 0) < 0 || tf_add(c, st, n + 1, 0) < 0)
            rc = -1;
    }
    qtoks_free(&t);
    if (rc != 0 || !c->n)
        return rc;
    /* Only what the memo does not know is asked, all of it at once. */
    size_t *ask = malloc(c->n * sizeof *ask), na = 0;
    const char **terms = malloc(c->n * sizeof *terms);
    size_t *lens = malloc(c->n * sizeof *lens);
    unsigned *tf = malloc(c->n * sizeof *tf);
    if (!ask || !terms || !lens || !tf)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < c->n; i++)
        if (!c->memo || !sou_tf_memo_get(c->memo, c->terms[i], c->lens[i], &c->tf[i])) {
            terms[na] = c->terms[i];
            lens[na] = c->lens[i];
            ask[na++] = i;
        }
    if (rc == 0 && na && sx_db_termfreqs(db, terms, lens, na, tf, xe) != SX_OK)
        rc = -2;
    for (size_t k = 0; rc == 0 && k < na; k++) {
        c->tf[ask[k]] = tf[k];
        if (c->memo)
            sou_tf_memo_put(c->memo, terms[k], lens[k], tf[k]);
    }
    free(ask);
    free(terms);
    free(lens);
    free(tf);
    return rc;
}

/* 1 if no document has text[0..len) in its body or title: some token of it
 * is in no document (a necessary condition for the words to be there); 0
 * when it may be there or db is NULL; -1 with *xe when db failed (a shard:
 * the caller retries without it). */
static int text_missing(tf_cache *tfc, sx_db *db, const char *text, size_t len, sx_error *xe)
{
    qtoks t = {0};
    int missing = 0;
    if (!db)
        return 0;
    tokenize_into(&t, text, len, 0);
    for (size_t i = 0; i < t.n && missing == 0; i++) {
        char st[256];
        unsigned body = 1, title = 1;
        size_t n = t.v[i].len < sizeof st - 2 ? t.v[i].len : sizeof st - 2;
        st[0] = SOU_PREFIX_TITLE[0];
        memcpy(st + 1, t.v[i].term, n);
        if (tf_get(tfc, db, t.v[i].term, t.v[i].len, &body, xe) != SX_OK ||
            tf_get(tfc, db, st, n + 1, &title, xe) != SX_OK)
            missing = -1;
        else
            missing = body == 0 && title == 0;
    }
    qtoks_free(&t);
    return missing;
}

/* Append w[0..len) to the array a of strings unless a has it; -1 when out of memory. */
static int add_unique(json_t *a, const char *w, size_t len)
{
    drop_ctx d = {a, 0};
    on_drop(w, len, &d); /* the same unique-append */
    return d.oom ? -1 : 0;
}

/* 1 if w is a place: one the lexicon knows, or a division (places.h: jieba
 * does not tag 嘉兴 or 信阳 as places). */
static int is_place(const sou_lexicon *lex, const char *w, size_t len)
{
    return sou_lexicon_is_place(lex, w, len) || sou_place_is_division(w, sou_place_stem(w, len));
}

/* The place word w of a question as the index names regulations' places
 * (the place field of value 3, nearcopy.h: 广州, not 广州市), and the
 * province that contains it (places.h): a 广州 question is answered by
 * 广东省's regulations too. */
static int add_place(json_t *places, const char *w, size_t len)
{
    len = sou_place_stem(w, len);
    const char *province = sou_place_province(w, len);
    if (add_unique(places, w, len) < 0)
        return -1;
    return province ? add_unique(places, province, strlen(province)) : 0;
}

/* 1 if the word is dropped from the ranking: a stopword (question words,
 * particles), or a lone function character (在, 被, 把, 对 ...). */
static int word_is_stop(const char *w, size_t len, unsigned chars)
{
    return sou_is_stopword(w, len) || (chars == 1 && sou_is_function_char(w, len));
}

/* Where the unit after a number ends: the end of word u (年, 周岁, 小时),
 * or for the classifier 个, which is a unit only with its noun (6个月,
 * 3个工作日), the end of the joined CJK word after it. */
static size_t unit_end(const char *text, const qwords *ws, size_t u)
{
    const qword *w = &ws->v[u];
    int ge = w->end - w->start == strlen("个") && !memcmp(text + w->start, "个", strlen("个"));
    if (ge && u + 1 < ws->n && ws->v[u + 1].joined && ws->v[u + 1].kind == SOU_SEG_CJK)
        return ws->v[u + 1].end;
    return w->end;
}

/* The longest run of at least min_words and up to SOU_SYNONYM_WORDS words
 * from word k of text that the synonym table knows (one word of any kind,
 * or joined CJK words: 退一赔三 may be cut into four): its synonyms (new
 * reference; *span its words), or NULL. */
static json_t *synonym_window(const json_t *syn, const char *text, const qwords *ws, size_t k, size_t min_words,
                              size_t *span)
{
    if (!syn)
        return NULL;
    for (size_t j = SOU_SYNONYM_WORDS; j-- > 0 && j + 1 >= min_words;) {
        if (k + j >= ws->n)
            continue;
        int ok = j == 0 || ws->v[k].kind == SOU_SEG_CJK; /* one word of any kind (CPA), or joined CJK words */
        for (size_t m = k + 1; m <= k + j && ok; m++)
            ok = ws->v[m].joined && ws->v[m].kind == SOU_SEG_CJK;
        json_t *alts = ok ? synonyms_of(syn, text + ws->v[k].start, ws->v[k + j].end - ws->v[k].start) : NULL;
        if (alts) {
            *span = j + 1;
            return alts;
        }
    }
    return NULL;
}

/* 1 if words a and a + 1 of ws are two single characters the lexicon left
 * apart, adjacent: a word it does not know (意/定 of 意定监护), unless one is
 * a negation (钱/不 of 捡到钱不还, 没/留 of 没留遗嘱 are no words). */
static int singles_pair(const qwords *ws, size_t a)
{
    if (a + 1 >= ws->n)
        return 0;
    const qword *x = &ws->v[a], *y = &ws->v[a + 1];
    return x->chars == 1 && y->chars == 1 && !x->stop && !y->stop && !x->neg && !y->neg && x->kind == SOU_SEG_CJK &&
           y->kind == SOU_SEG_CJK && y->joined;
}

/* 1 if the bigram across words k - 1 and k straddles two words: each side
 * a dictionary word, a word the synonym table joined (after_word: prev ends
 * one, 证考 of 社工|证|考试, 社工证 a word there) or a pair of single
 * characters (singles_pair), or one side a lone negation, a word of its own
 * (钱不 of 钱|不|还, 司没 and 没钱 of 打官司|没|钱, 没留 of 没|留), or beside a
 * longer word one character the synonym table knows (购退 of 网|购|退).  So
 * 定监 of 意|定|监护 is a junction; a lone character between two words may be
 * part of a word the lexicon does not know, and its bigrams stay. */
static int is_junction(const qwords *ws, size_t k, int after_word)
{
    const qword *prev = &ws->v[k - 1], *w = &ws->v[k];
    if (w->neg || prev->neg)
        return 1;
    if ((w->lone && (prev->chars > 1 || after_word)) || (prev->lone && w->chars > 1))
        return 1;
    if (prev->chars == 1 && w->chars == 1)
        return 0;
    int left = prev->chars > 1 || after_word || (k >= 2 && singles_pair(ws, k - 2));
    int right = w->chars > 1 || singles_pair(ws, k);
    return left && right;
}

/* The ranked terms of every TEXT item, from its words (query_build.h):
 * a word's own bigrams (or its unigram, or the letter/digit word), plus the
 * bigram across two adjacent kept words when one of them is a single
 * character: segmenters leave unknown words as characters (意定监护 ->
 * 意/定/监护), so 意定 must stay; the bigram straddling two words (理居 in
 * 办理|居住证, is_junction) says only that they are adjacent: it is searched
 * at junction_weight and not marked.  Stopwords are
 * dropped as whole words.  With drop == 0 nothing is dropped.  marks gets
 * what the highlighter marks of them: each word whole, and each pair of
 * characters searched as a word (not the junctions, not words with
 * synonyms: hl_words). */
static int plain_tokens(const sou_query_env *env, tf_cache *tfc, const sou_parsed_query *pq, int drop,
                        int leftovers, qtoks *out, qtoks *marks, json_t *dropped, json_t *missing, json_t *places,
                        sx_error *dbe)
{
    int dbfail = 0; /* the database failed (dbe says why): -2 */
    const sou_lexicon *lex = env ? env->lex : NULL;
    sx_db *db = env ? env->db : NULL;
    const json_t *syn = env ? env->synonyms : NULL;
    uint32_t pos = 0;
    drop_ctx dc = {dropped, 0};
    qwords ws = {0};
    int rc = -1;
    for (size_t i = 0; i < pq->n; i++) {
        const sou_qitem *it = &pq->items[i];
        if (it->kind != SOU_QITEM_TEXT)
            continue;
        ws.n = 0;
        if (sou_segment(lex, it->text, it->len, collect_word, &ws) != 0 || split_question_verb(it->text, &ws) != 0)
            goto done;
        for (size_t k = 0; k < ws.n; k++) {
            qword *w = &ws.v[k];
            const char *t = it->text + w->start;
            size_t tl = w->end - w->start;
            w->neg = sou_is_negation(t, tl);
            json_t *alts = w->chars == 1 ? synonyms_of(syn, t, tl) : NULL;
            w->lone = alts != NULL;
            json_decref(alts);
            if (!drop)
                continue;
            w->stop = word_is_stop(t, tl, w->chars);
        }
        /* A stopword that starts a key of the synonym table is part of that
         * word (个|税 of 个税, 年|假 of 年假: the segmenter cuts them so). */
        for (size_t k = 0; k < ws.n; k++) {
            qword *w = &ws.v[k];
            size_t span;
            json_t *alts = w->stop ? synonym_window(syn, it->text, &ws, k, 2, &span) : NULL;
            w->stop = w->stop && !alts;
            json_decref(alts);
            if (w->stop)
                on_drop(it->text + w->start, w->end - w->start, &dc);
        }
        /* An item made of one kept character ("在" alone) is searched. */
        size_t kept = 0;
        for (size_t k = 0; k < ws.n; k++)
            kept += !ws.v[k].stop;
        size_t syn_end = 0; /* words before this index belong to a synonym window */
        for (size_t k = 0; k < ws.n; k++) {
            const qword *w = &ws.v[k], *prev = k ? &ws.v[k - 1] : NULL;
            if (w->stop)
                continue;
            if (k < syn_end) {
                /* inside a word with synonyms: only the junction out of it */
                continue;
            }
            /* positions are character offsets: bigrams of adjacent
             * characters are adjacent, whatever the word boundaries */
            uint32_t wpos = pos + (uint32_t)sou_utf8_chars(it->text, w->start);
            int cjk = w->kind == SOU_SEG_CJK;
            /* joined to a neighbour: kept, CJK, no break or dropped word between */
            int joins_prev = prev && !prev->stop && w->joined && cjk && prev->kind == SOU_SEG_CJK;
            const qword *next = k + 1 < ws.n ? &ws.v[k + 1] : NULL;
            int joins_next = next && !next->stop && next->joined && cjk && next->kind == SOU_SEG_CJK;
            if (joins_prev) {
                /* the last character of prev and the first of w: a
                 * junction (is_junction), else probably part of a word the
                 * lexicon does not know */
                size_t a = prev->end, b = w->start;
                while (a > prev->start && ((unsigned char)it->text[a - 1] & 0xC0) == 0x80)
                    a--;
                a--;
                uint32_t cp;
                size_t cl = sou_utf8_decode((const unsigned char *)it->text + b, w->end - b, &cp);
                out->junction = is_junction(&ws, k, k == syn_end);
                tokenize_into(out, it->text + a, b + cl - a, wpos - 1);
                if (!out->junction && qtoks_push(marks, it->text + a, b + cl - a, wpos - 1, SOU_TOKEN_BIGRAM) < 0)
                    out->oom = 1;
                /* two characters the lexicon left apart: a word of their own */
                if (!out->junction && prev->chars == 1 && w->chars == 1) {
                    int gone = text_missing(tfc, db, it->text + a, b + cl - a, dbe);
                    dbfail |= gone < 0;
                    if (gone > 0 && add_unique(missing, it->text + a, b + cl - a) < 0)
                        out->oom = 1;
                }
                out->junction = 0;
            }
            if (cjk && is_place(lex, it->text + w->start, w->end - w->start) &&
                add_place(places, it->text + w->start, w->end - w->start) < 0)
                out->oom = 1;
            size_t span = 0, unit = 0; /* unit: the quantity's lone unit character follows */
            json_t *alts = synonym_window(syn, it->text, &ws, k, 1, &span);
            if (!alts && !cjk && next && next->joined && next->kind == SOU_SEG_CJK &&
                next->start == w->end &&
                (alts = numeral_alts(it->text, w->start, w->end, unit_end(it->text, &ws, k + 1), &out->oom))) {
                span = 1;
                unit = next->chars == 1; /* 第48条: 条 alone would mark every article's 条 */
            }
            if (alts) {
                size_t len = ws.v[k + span - 1].end - w->start;
                out->junction = 0;
                if (qtoks_push(out, it->text + w->start, len, wpos, SOU_TOKEN_WORD) < 0) {
                    json_decref(alts);
                    out->oom = 1;
                    goto done;
                }
                out->v[out->n - 1].alts = alts;
                syn_end = k + span + unit;
                int gone = text_missing(tfc, db, it->text + w->start, len, dbe);
                for (size_t m = 0; gone > 0 && m < json_array_size(alts); m++)
                    gone = text_missing(tfc, db, json_string_value(json_array_get(alts, m)),
                                        json_string_length(json_array_get(alts, m)), dbe);
                dbfail |= gone < 0;
                if (gone > 0 && add_unique(missing, it->text + w->start, len) < 0)
                    out->oom = 1;
                continue;
            }
            if (w->chars == 1 && cjk) {
                /* A lone character inside a longer question is a weak signal:
                 * searched only when nothing joins it to a neighbour. */
                if (joins_prev || joins_next)
                    continue;
                if (kept > 1 && !leftovers) {
                    on_drop(it->text + w->start, w->end - w->start, &dc);
                    continue;
                }
            }
            tokenize_into(out, it->text + w->start, w->end - w->start, wpos);
            if (qtoks_push(marks, it->text + w->start, w->end - w->start, wpos, SOU_TOKEN_WORD) < 0)
                out->oom = 1;
            if (w->chars > 1 || !cjk) {
                int gone = text_missing(tfc, db, it->text + w->start, w->end - w->start, dbe);
                dbfail |= gone < 0;
                if (gone > 0 && add_unique(missing, it->text + w->start, w->end - w->start) < 0)
                    out->oom = 1;
            }
        }
        pos += (uint32_t)sou_utf8_chars(it->text, it->len) + 2; /* items never adjacent */
    }
    rc = out->oom || dc.oom ? -1 : dbfail ? -2 : 0;
done:
    free(ws.v);
    return rc;
}

static int add_hl(sou_built_query *bq, const char *term, size_t len)
{
    for (size_t i = 0; i < bq->n_hl; i++)
        if (strlen(bq->hl_terms[i]) == len && memcmp(bq->hl_terms[i], term, len) == 0)
            return 0;
    char **v = realloc(bq->hl_terms, (bq->n_hl + 1) * sizeof *v);
    if (!v)
        return -1;
    bq->hl_terms = v;
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, term, len);
    copy[len] = '\0';
    bq->hl_terms[bq->n_hl++] = copy;
    return 0;
}

/* Marks in junction[i] the bigrams t[i] (of text, tokenized from position
 * pos) that straddle two dictionary words of text; returns how many. */
static size_t mark_junctions(const sou_lexicon *lex, const char *text, size_t len, uint32_t pos,
                             const qtoks *t, char *junction)
{
    qwords ws = {0};
    size_t n = 0;
    memset(junction, 0, t->n);
    if (!lex || sou_segment(lex, text, len, collect_word, &ws) != 0) {
        free(ws.v);
        return 0;
    }
    for (size_t k = 1; k < ws.n; k++) {
        const qword *a = &ws.v[k - 1], *b = &ws.v[k];
        if (!b->joined || a->chars < 2 || b->chars < 2 || a->kind != SOU_SEG_CJK || b->kind != SOU_SEG_CJK)
            continue;
        uint32_t at = pos + (uint32_t)sou_utf8_chars(text, b->start) - 1; /* the bigram's first character */
        for (size_t i = 0; i < t->n; i++)
            if (t->v[i].pos == at && !is_unigram(t->v[i].term, t->v[i].len) && !junction[i]) {
                junction[i] = 1;
                n++;
            }
    }
    free(ws.v);
    return n;
}

/* The tokens t[0..n) of a text of several words, matched as its words near
 * each other in any order: the bigrams that straddle two words are left out
 * and the rest must fall within the text's length and two (疫苗接种 for
 * 接种疫苗, 申领驾驶证 for 驾驶证申领).  NULL when that is not possible:
 * a single character, no junction. */
static sx_query *words_near_q(qpool *p, const char *prefix, const char *text, size_t len, const qtoks *t)
{
    char junction[64];
    sx_query *subs[64];
    if (t->n > sizeof junction)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].kind != SOU_TOKEN_BIGRAM)
            return NULL;
    if (mark_junctions(p->lex, text, len, t->v[0].pos, t, junction) == 0)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        if (!junction[i])
            subs[k++] = term_q(p, prefix, t->v[i].term, t->v[i].len, 1, t->v[i].pos + 1, 1);
    if (k < 2)
        return NULL;
    unsigned window = (unsigned)(t->v[t->n - 1].pos - t->v[0].pos) + 4;
    return combine(p, SX_OP_NEAR, subs, k, window);
}

/* text as searched: its one token's term, the phrase of its tokens, or, for
 * several words, the words near each other (words_near_q).  In the body
 * (prefix ""), it also matches in the title: the body holds the title's
 * terms without positions (index.md), so a guide titled 补领结婚证预约
 * whose text never says 结婚证 is found by it. */
static sx_query *text_q(qpool *p, const char *prefix, const char *text, size_t len, unsigned wqf, unsigned pos)
{
    qtoks t = {0};
    sx_query *q = NULL;
    tokenize_into(&t, text, len, pos);
    if (t.oom) {
        p->failed = 1;
        p->xe.status = SX_ERR_NO_MEMORY;
        strcpy(p->xe.message, "out of memory");
    } else if (t.n == 1) {
        q = term_q(p, prefix, t.v[0].term, t.v[0].len, wqf, t.v[0].pos + 1, 1);
    } else if (t.n > 1) {
        q = words_near_q(p, prefix, text, len, &t);
        if (!q)
            q = phrase_q(p, prefix, t.v, t.n);
        if (!*prefix) {
            sx_query *title = words_near_q(p, SOU_PREFIX_TITLE, text, len, &t);
            q = combine2(p, SX_OP_OR, q, title ? title : phrase_q(p, SOU_PREFIX_TITLE, t.v, t.n));
        }
    }
    qtoks_free(&t);
    return q;
}

/* A query term: the term itself, or, for a word with synonyms, the word
 * and every synonym as one concept (OP_SYNONYM: ranked as a single term
 * that occurs wherever any of them does). */
static sx_query *word_q(qpool *p, const char *prefix, const qtok *t, int expand)
{
    if (!t->alts)
        return term_q(p, prefix, t->term, t->len, t->wqf, t->pos + 1, expand);
    size_t n = json_array_size(t->alts) + 1, k = 0;
    sx_query *subs[SOU_MAX_SYNONYMS + 1];
    /* Inside a longer question a character with synonyms stands for the
     * senses they list (退 => 退货, 退款, 退票 ...), not for every word it
     * starts (退休, 退耕): it is expanded only as other characters are, in a
     * query of single characters. */
    sx_query *w = is_unigram(t->term, t->len) ? term_q(p, prefix, t->term, t->len, t->wqf, t->pos + 1, expand)
                                              : text_q(p, prefix, t->term, t->len, t->wqf, t->pos);
    if (w)
        subs[k++] = w;
    for (size_t i = 0; i + 1 < n; i++) {
        json_t *a = json_array_get(t->alts, i);
        sx_query *q = text_q(p, prefix, json_string_value(a), json_string_length(a), t->wqf, t->pos);
        if (q)
            subs[k++] = q;
    }
    if (p->failed || k == 0)
        return NULL;
    return combine(p, SX_OP_SYNONYM, subs, k, 0);
}

/* The bigram of a neighbour of a junction that belongs to its word: a
 * word's own bigram, or the first (right) or last (left) two characters of
 * a word of CJK characters with synonyms.  0 when there is none: a word
 * of one character (the next bigram is the next junction), no neighbour. */
static int word_edge(const qtoks *plain, size_t k, int right, qtok *edge)
{
    if (k >= plain->n)
        return 0;
    const qtok *t = &plain->v[k];
    if (!t->alts) {
        if (t->kind != SOU_TOKEN_BIGRAM || t->junction)
            return 0;
        *edge = *t;
        return 1;
    }
    size_t chars = sou_utf8_chars(t->term, t->len);
    if (chars < 2)
        return 0;
    size_t from = right ? 0 : sou_utf8_offset(t->term, t->len, chars - 2);
    size_t len = sou_utf8_offset(t->term + from, t->len - from, 2);
    for (size_t i = from; i < from + len;) { /* a CJK word's characters: a word of other letters is one term */
        uint32_t c;
        size_t k = sou_utf8_decode((const unsigned char *)t->term + i, from + len - i, &c);
        if (k == 0 || sou_classify(sou_fold(c)) != SOU_CC_CJK)
            return 0;
        i += k;
    }
    *edge = *t;
    edge->term = t->term + from;
    edge->len = len;
    edge->pos = t->pos + (uint32_t)(right ? 0 : chars - 2);
    edge->alts = NULL;
    return 1;
}

/* A bigram across two words (j, a junction of plain) as the evidence it
 * is: the two words side by side.  It counts (x weight) where it stands
 * next to a bigram of either word as in the question, 国第 of 全国第一
 * where 全国第 or 国第一 is written, not in 我国第二 by chance.  The body
 * holds the title's terms without positions, so there the title's
 * adjacency counts too.  Without such a neighbour (two words of one
 * character) it counts wherever it occurs. */
static sx_query *junction_q(qpool *p, const char *prefix, const qtoks *plain, const qtok *j, double weight)
{
    sx_query *q = term_q(p, prefix, j->term, j->len, j->wqf, j->pos + 1, 0);
    const char *where[2] = {prefix, *prefix ? NULL : SOU_PREFIX_TITLE};
    sx_query *sides[4];
    size_t ns = 0;
    for (size_t k = 0; k < plain->n; k++) {
        const qtok *t = &plain->v[k];
        if (t->pos != j->pos || t->len != j->len || memcmp(t->term, j->term, j->len) != 0)
            continue;
        qtok left[2], right[2];
        int has_left = k > 0 && word_edge(plain, k - 1, 0, &left[0]) && left[0].pos + 1 == t->pos;
        int has_right = word_edge(plain, k + 1, 1, &right[1]) && right[1].pos == t->pos + 1;
        left[1] = right[0] = *t;
        for (size_t w = 0; w < 2 && where[w]; w++) {
            if (has_left)
                sides[ns++] = phrase_q(p, where[w], left, 2);
            if (has_right)
                sides[ns++] = phrase_q(p, where[w], right, 2);
        }
        break;
    }
    if (ns)
        q = combine2(p, SX_OP_FILTER, q, ns == 1 ? sides[0] : combine(p, SX_OP_OR, sides, ns, 0));
    return scale(p, q, weight);
}

/* The question's terms t with prefix, ORed (subs: room for t->n): the
 * `elite` of most weight when the index's statistics are known (stats) or
 * there are more (elite_q), else all of them.  A bigram across two words
 * counts less (x junction_weight): it is the words' adjacency, evidence
 * when the document has them side by side, or a chance string (产继 in
 * 遗产继承 found in 财产继续), so it is placed beside its words
 * (junction_q; elite_q places those it keeps). */
static sx_query *terms_q(qpool *p, const char *prefix, const qtoks *t, const qtoks *plain, sx_query **subs,
                         double junction_weight, unsigned elite, int stats, int expand)
{
    int use_elite = stats || (elite && t->n > elite);
    for (size_t i = 0; i < t->n; i++)
        subs[i] = !t->v[i].junction ? word_q(p, prefix, &t->v[i], expand)
                  : use_elite      ? scale(p, word_q(p, prefix, &t->v[i], expand), junction_weight)
                                   : junction_q(p, prefix, plain, &t->v[i], junction_weight);
    return use_elite ? elite_q(p, prefix, t, plain, subs, junction_weight, elite ? elite : t->n, expand)
                     : combine(p, SX_OP_OR, subs, t->n, 0);
}

/* What the highlighter marks of text as text_q searches it: the whole text
 * when it is one word or a phrase, else each of its words (those
 * words_near_q looks for near each other, without the junctions). */
static int hl_text(sou_built_query *bq, const sou_lexicon *lex, const char *text, size_t len)
{
    qtoks t = {0};
    char junction[64];
    tokenize_into(&t, text, len, 0);
    int rc = t.oom ? -1 : 0, bigrams = t.n > 1 && t.n <= sizeof junction;
    for (size_t i = 0; bigrams && i < t.n; i++)
        bigrams = t.v[i].kind == SOU_TOKEN_BIGRAM && t.v[i].pos == i;
    if (rc == 0 && bigrams && mark_junctions(lex, text, len, 0, &t, junction) > 0) {
        for (size_t i = 0; rc == 0 && i < t.n;) {
            if (junction[i]) {
                i++;
                continue;
            }
            size_t j = i;
            while (j + 1 < t.n && !junction[j + 1])
                j++;
            size_t a = sou_utf8_offset(text, len, i), b = sou_utf8_offset(text, len, j + 2);
            rc = add_hl(bq, text + a, b - a);
            i = j + 1;
        }
    } else if (rc == 0 && (bigrams || t.n == 1)) {
        rc = add_hl(bq, text, len);
    } else {
        for (size_t i = 0; rc == 0 && i < t.n; i++)
            rc = add_hl(bq, t.v[i].term, t.v[i].len);
    }
    qtoks_free(&t);
    return rc;
}

/* The highlighter's terms for a word with synonyms: the word and each
 * synonym as they are searched (hl_text). */
static int hl_words(sou_built_query *bq, const sou_lexicon *lex, const qtok *t)
{
    int rc = hl_text(bq, lex, t->term, t->len);
    for (size_t i = 0; rc == 0 && i < json_array_size(t->alts); i++) {
        json_t *a = json_array_get(t->alts, i);
        rc = hl_text(bq, lex, json_string_value(a), json_string_length(a));
    }
    return rc;
}

/* One build of pq with every expanding character standing for at most
 * per_char terms; *n_chars and *n_terms get what it used (budget_check). */
static int build(const sou_query_env *env, const sou_parsed_query *pq, const sou_rank_params *rp_in,
                 unsigned per_char, sou_built_query *bq, unsigned *n_chars, unsigned *n_terms,
                 sou_error *err)
{
    sou_rank_params rp;
    qtoks plain = {0}, uniq = {0}, item = {0}, marks = {0};
    qpool pool = {0};
    tf_cache tfc = {0};
    /* The memo is of one revision: the one about to be searched. */
    uint64_t rev = 0;
    if (env && env->memo && env->db && sx_db_revision(env->db, &rev, NULL) == SX_OK) {
        sou_tf_memo_revision(env->memo, rev);
        tfc.memo = env->memo;
    }
    json_t *places = json_array(); /* place names among the query's words */
    pool.per_char = per_char;
    sx_query **req = NULL, **excl = NULL, **subs = NULL;
    size_t nreq = 0, nexcl = 0;
    int rc = -1, oom = 0;

    memset(bq, 0, sizeof *bq);
    pool.db = env ? env->db : NULL;
    pool.lex = env ? env->lex : NULL;
    pool.tfc = &tfc;
    if (rp_in)
        rp = *rp_in;
    else
        sou_rank_params_init(&rp);
    pool.rank = &rp;
    bq->terms = json_array();
    bq->dropped = json_array();
    bq->phrases = json_array();
    bq->excluded = json_array();
    bq->title_terms = json_array();
    bq->synonyms = json_object();
    bq->missing = json_array();
    req = calloc(pq->n + 1, sizeof *req);
    excl = calloc(pq->n + 1, sizeof *excl);
    if (!bq->terms || !bq->dropped || !bq->phrases || !bq->excluded || !bq->title_terms || !bq->synonyms || !bq->missing || !places || !req ||
        !excl)
        goto oom;

    /* Plain text: stopwords out; if that leaves nothing of a query made only
     * of plain text ("什么是"), search the words as typed instead. */
    int has_plain = 0, has_required = 0;
    for (size_t i = 0; i < pq->n; i++) {
        has_plain |= pq->items[i].kind == SOU_QITEM_TEXT;
        has_required |= pq->items[i].kind == SOU_QITEM_PHRASE || pq->items[i].kind == SOU_QITEM_TITLE;
    }
    int pt = pool.db ? tf_prefetch(&tfc, pool.db, pq, &pool.xe) : 0;
    if (pt == 0)
        pt = plain_tokens(env, &tfc, pq, rp.drop_stopwords, rp.leftover_unigrams, &plain, &marks, bq->dropped,
                          bq->missing, places, &pool.xe);
    if (pt == 0 && has_plain && plain.n == 0 && !has_required && json_array_size(bq->dropped) > 0) {
        json_array_clear(bq->dropped);
        json_array_clear(bq->missing);
        json_array_clear(places);
        qtoks_free(&marks);
        pt = plain_tokens(env, &tfc, pq, 0, 1, &plain, &marks, bq->dropped, bq->missing, places, &pool.xe);
    }
    if (pt == -1)
        goto oom;
    if (pt == -2) { /* the database failed looking up synonyms or term frequencies */
        pool.failed = 1;
        goto failed;
    }

    /* Unique terms with their within-query frequency.  The highlighter
     * marks the words (marks), not their bigrams: a bigram across two words
     * ranks (their adjacency) but alone it would mark into a word the
     * question does not have (激活医 in 激活医疗保险 for 激活医保卡), and a
     * word's own bigram would mark inside another word (婚证 in 离婚证). */
    for (size_t i = 0; i < plain.n; i++) {
        const qtok *pt = &plain.v[i];
        ssize_t k = qtoks_find(&uniq, pt->term, pt->len, pt->alts != NULL);
        /* a bigram that is also a word with synonyms in the question (工资
         * of 最低工资标准 after or before 工资 = 劳动报酬 …) is that concept */
        ssize_t other = k < 0 ? qtoks_find(&uniq, pt->term, pt->len, pt->alts == NULL) : -1;
        if (other >= 0 && (pt->alts ? uniq.v[other].kind : pt->kind) == SOU_TOKEN_BIGRAM)
            k = other;
        if (k >= 0) {
            uniq.v[k].wqf++;
            uniq.v[k].junction &= pt->junction;
            if (!pt->alts || uniq.v[k].alts)
                continue;
        } else {
            uniq.junction = pt->junction;
            if (qtoks_push(&uniq, pt->term, pt->len, pt->pos, pt->kind) < 0 ||
                json_array_append_new(bq->terms, json_stringn(pt->term, pt->len)) < 0)
                goto oom;
            k = (ssize_t)uniq.n - 1;
        }
        if (pt->alts) {
            uniq.v[k].alts = json_incref(pt->alts);
            if (json_object_setn(bq->synonyms, pt->term, pt->len, pt->alts) < 0 || hl_words(bq, pool.lex, pt) < 0)
                goto oom;
        }
    }
    for (size_t i = 0; i < marks.n; i++)
        if (add_hl(bq, marks.v[i].term, marks.v[i].len) < 0)
            goto oom;

    sx_query *ranked = NULL;
    if (uniq.n) {
        subs = calloc(uniq.n > plain.n ? uniq.n : plain.n, sizeof *subs);
        if (!subs)
            goto oom;
        /* A character left alone inside a longer question (a leftover
         * unigram) is a weak signal: its exact term, not the expansion.
         * Expanding it cost about 12 M instructions (3 ms) per question that
         * has one (Xapian ranks every term starting with it to keep the most
         * frequent), the p99 of the cmrc2018 questions doubled, and on the
         * evaluation index (unigrams stored everywhere) both ways score the
         * same (success@1 0.967, MRR@10 0.97594).  On an index that stores a
         * character alone only at CJK run ends, such a character then only
         * matches there.  A query made only of single characters, a phrase
         * and a title: word still expand. */
        size_t n_unigrams = 0;
        for (size_t i = 0; i < uniq.n; i++)
            n_unigrams += is_unigram(uniq.v[i].term, uniq.v[i].len);
        int expand = n_unigrams == uniq.n;
        /* With the index's statistics elite_q chooses the terms (and makes
         * the common ones optional) however many there are. */
        int stats = pool.db && !expand;
        ranked = terms_q(&pool, "", &uniq, &plain, subs, rp.junction_weight, rp.elite, stats, expand);
        if (rp.title_weight > 0) {
            sx_query *tor = terms_q(&pool, SOU_PREFIX_TITLE, &uniq, &plain, subs, rp.junction_weight, rp.title_elite,
                                    stats, expand);
            ranked = combine2(&pool, SX_OP_OR, ranked, scale(&pool, tor, rp.title_weight));
        }
        /* Adjacent pairs of query bigrams: found adjacent in a document they
         * are the query's three-character string, in the query's order. */
        size_t npairs = 0;
        if (rp.phrase_weight > 0) {
            for (size_t i = 0; i + 1 < plain.n; i++) {
                const qtok *a = &plain.v[i], *b = &plain.v[i + 1];
                if (a->kind != SOU_TOKEN_BIGRAM || b->kind != SOU_TOKEN_BIGRAM || b->pos != a->pos + 1)
                    continue;
                subs[npairs++] = phrase_q(&pool, "", a, 2);
            }
        }
        if (npairs) {
            sx_query *prox = scale(&pool, combine(&pool, SX_OP_OR, subs, npairs, 0), rp.phrase_weight);
            ranked = combine2(&pool, SX_OP_AND_MAYBE, ranked, prox);
        }
        /* A title that names everything the question asks about (every
         * word, or a synonym of it) is the document for it: a guide titled
         * 企业职工社会保险费断缴补缴申报 for 社保断交了能补交吗.  Long questions
         * (cmrc2018's) rarely have such a title, short ones often. */
        size_t nwords = 0;
        if (rp.title_all_weight > 0) {
            for (size_t i = 0; i < uniq.n; i++)
                if (!uniq.v[i].junction)
                    subs[nwords++] = word_q(&pool, SOU_PREFIX_TITLE, &uniq.v[i], expand);
        }
        if (nwords >= 2) {
            sx_query *all = scale(&pool, combine(&pool, SX_OP_AND, subs, nwords, 0), rp.title_all_weight);
            ranked = combine2(&pool, SX_OP_AND_MAYBE, ranked, all);
        }
        bq->ranked = 1;
    }

    /* Phrases, title words and exclusions. */
    for (size_t i = 0; i < pq->n; i++) {
        const sou_qitem *it = &pq->items[i];
        if (it->kind == SOU_QITEM_TEXT)
            continue;
        qtoks_free(&item);
        tokenize_into(&item, it->text, it->len, 0);
        if (item.oom)
            goto oom;
        if (item.n == 0) {
            sou_error_fail(err, SOU_R_NOTHING_SEARCHABLE, "q: \"%.64s\" has nothing searchable (only "
                           "punctuation or symbols)", it->text);
            sou_query_locate(pq, i, err);
            goto done;
        }
        json_t *list = it->kind == SOU_QITEM_PHRASE ? bq->phrases
                       : it->kind == SOU_QITEM_EXCLUDE ? bq->excluded : NULL;
        if (list && json_array_append_new(list, json_stringn(it->text, it->len)) < 0)
            goto oom;
        if (it->kind != SOU_QITEM_EXCLUDE)
            for (size_t k = 0; k < item.n; k++) {
                if (add_hl(bq, item.v[k].term, item.v[k].len) < 0)
                    goto oom;
                if (it->kind == SOU_QITEM_TITLE &&
                    json_array_append_new(bq->title_terms, json_stringn(item.v[k].term, item.v[k].len)) < 0)
                    goto oom;
            }
        sx_query *title = phrase_q(&pool, SOU_PREFIX_TITLE, item.v, item.n);
        if (it->kind == SOU_QITEM_TITLE) {
            req[nreq++] = title;
            bq->ranked = 1;
            continue;
        }
        sx_query *either = combine2(&pool, SX_OP_OR, phrase_q(&pool, "", item.v, item.n), title);
        if (it->kind == SOU_QITEM_PHRASE) {
            req[nreq++] = either;
            bq->ranked = 1;
        } else {
            excl[nexcl++] = either;
        }
    }

    sx_query *q;
    if (nreq) {
        q = combine(&pool, SX_OP_AND, req, nreq, 0);
        if (ranked)
            q = combine2(&pool, SX_OP_AND_MAYBE, q, ranked);
    } else if (ranked) {
        q = ranked;
    } else if (nexcl || pq->date_from[0] || pq->date_to[0]) {
        q = keep(&pool, sx_query_match_all(&pool.xe));
    } else {
        sou_error_fail(err, SOU_R_NOTHING_SEARCHABLE, "q: nothing searchable (only punctuation, symbols or "
                       "spaces)");
        sou_error_where(err, "q", NULL, 0, 0, 0);
        goto done;
    }
    sx_query *ex = NULL;
    if (nexcl) {
        /* Here the passages that contain an excluded word go; the searcher
         * removes the rest of their articles with bq->exclude. */
        ex = scale(&pool, combine(&pool, SX_OP_OR, excl, nexcl, 0), 0.0);
        q = combine2(&pool, SX_OP_AND_NOT, q, ex);
    }
    if (pq->date_from[0] || pq->date_to[0]) {
        char lo[16], hi[16];
        snprintf(lo, sizeof lo, "%s000000", pq->date_from);
        snprintf(hi, sizeof hi, "%s235959", pq->date_to);
        sx_query *range = keep(&pool, sx_query_value_range(SOU_VALUE_DATE, pq->date_from[0] ? lo : NULL,
                                                           pq->date_to[0] ? hi : NULL, &pool.xe));
        q = combine2(&pool, SX_OP_FILTER, q, range);
    }
failed:
    if (pool.failed || !q) {
        /* Only the expansion in db, the synonyms and the term frequencies
         * read the database: their failures are the index's (a shard
         * gone), the caller may retry without it. */
        int db_failed = pool.xe.status != SX_ERR_NO_MEMORY && pool.xe.status != SX_ERR_INVALID_ARG &&
                        pool.xe.status != SX_ERR_QUERY && pool.xe.status != SX_OK && pool.db;
        bq->xe = pool.xe;
        sou_error_set(err, db_failed ? SOU_EUNAVAILABLE : SOU_EINTERNAL, "building the query: %s",
                      pool.xe.message);
        goto done;
    }
    bq->query = detach(&pool, q);
    bq->exclude = ex ? detach(&pool, ex) : NULL;
    rc = 0;
    goto done;
oom:
    oom = 1;
done:
    *n_chars = pool.n_chars;
    *n_terms = pool.n_terms;
    if (oom)
        sou_error_set(err, SOU_EINTERNAL, "out of memory building the query");
    qtoks_free(&plain);
    qtoks_free(&marks);
    qtoks_free(&uniq);
    qtoks_free(&item);
    bq->places = places; /* search.c's place factor reads them, and the audiences */
    bq->audiences = sou_audiences(pq->norm, pq->norm_len);
    qpool_free(&pool);
    tf_cache_free(&tfc);
    free(req);
    free(excl);
    free(subs);
    return rc;
}

/* The budget, in one place.  Returns 0 when a build that used n_chars
 * expanding characters (each at *per_char terms) and n_terms terms fits
 * the limits; 1 when it fits with fewer terms per character (*per_char
 * lowered: build again); -1 with a 400 in err when it cannot fit. */
static int budget_check(const sou_query_limits *ql, unsigned n_chars, unsigned n_terms,
                        unsigned *per_char, sou_error *err)
{
    if (n_terms > ql->max_terms) {
        sou_error_fail(err, SOU_R_TOO_COMPLEX, "q: too long: %u terms, at most %u (shorten the query)",
                      n_terms, ql->max_terms);
        return -1;
    }
    if (n_chars == 0 || (unsigned long long)n_chars * *per_char <= ql->max_expansion)
        return 0;
    unsigned fair = ql->max_expansion / n_chars;
    if (fair < ql->min_char_expansion || fair == 0) {
        sou_error_fail(err, SOU_R_TOO_COMPLEX,
                      "q: too many single characters searched alone (%u searches, at most %u; each "
                      "stands for every word that starts with it, in the body and in the title): write "
                      "words of two or more characters",
                      n_chars, ql->max_expansion / (ql->min_char_expansion ? ql->min_char_expansion : 1));
        return -1;
    }
    *per_char = fair;
    return 1;
}

/* Characters of the normalised query. */
static size_t query_chars(const sou_parsed_query *pq)
{
    return sou_utf8_chars(pq->norm, pq->norm_len);
}

int sou_query_build(const sou_query_env *env, const sou_parsed_query *pq, const sou_rank_params *rp,
                    sou_built_query *bq, sou_error *err)
{
    sou_rank_params defaults;
    if (!rp) {
        sou_rank_params_init(&defaults);
        rp = &defaults;
    }
    const sou_query_limits *ql = &rp->limits;
    unsigned operators = 0;
    for (size_t i = 0; i < pq->n; i++)
        operators += pq->items[i].kind != SOU_QITEM_TEXT;
    if (operators > ql->max_operators) {
        memset(bq, 0, sizeof *bq);
        sou_error_fail(err, SOU_R_TOO_COMPLEX,
                      "q: too many operators: %u phrases, exclusions and title: words, at most %u",
                      operators, ql->max_operators);
        return -1;
    }
    unsigned per_char = ql->char_expansion, n_chars, n_terms;
    /* A query that may be over budget is first built without the database
     * (no expansion in the index, no term statistics): its counts are the
     * same, so what is refused is refused in a few ms, not after hundreds of
     * ms of expansions (500 single characters: 216 ms).  Below the
     * character budget no query can be over it. */
    if (env && env->db && query_chars(pq) > ql->max_expansion / (ql->min_char_expansion ? ql->min_char_expansion : 1) / 2) {
        sou_query_env dry = *env;
        dry.db = NULL;
        if (build(&dry, pq, rp, per_char, bq, &n_chars, &n_terms, err) < 0)
            return -1;
        unsigned pc = per_char;
        int fit = budget_check(ql, n_chars, n_terms, &pc, err);
        sou_built_query_destroy(bq);
        if (fit < 0)
            return -1;
    }
    for (int attempt = 0;; attempt++) {
        if (build(env, pq, rp, per_char, bq, &n_chars, &n_terms, err) < 0)
            return -1;
        int fit = budget_check(ql, n_chars, n_terms, &per_char, err);
        if (fit == 0)
            return 0;
        sou_built_query_destroy(bq);
        if (fit < 0)
            return -1;
        if (attempt > 0) { /* cannot happen: the second build has the same characters */
            sou_error_set(err, SOU_EINTERNAL, "building the query: the budget did not converge");
            return -1;
        }
    }
}

void sou_built_query_destroy(sou_built_query *bq)
{
    if (!bq)
        return;
    sx_query_free(bq->query);
    sx_query_free(bq->exclude);
    json_decref(bq->terms);
    json_decref(bq->dropped);
    json_decref(bq->phrases);
    json_decref(bq->excluded);
    json_decref(bq->title_terms);
    json_decref(bq->synonyms);
    json_decref(bq->missing);
    json_decref(bq->places);
    for (size_t i = 0; i < bq->n_hl; i++)
        free(bq->hl_terms[i]);
    free(bq->hl_terms);
    memset(bq, 0, sizeof *bq);
}

typedef struct {
    sx_db *db;
    json_t *table;
    sx_error *xe;
    int failed;
} syn_load;

static int load_key(const char *key, size_t len, void *ctx)
{
    syn_load *l = ctx;
    json_t *a = json_array();
    if (!a || json_object_setn_new(l->table, key, len, a) < 0 ||
        sx_db_each_synonym(l->db, key, len, collect_synonym, a, l->xe) != SX_OK) {
        l->failed = 1;
        return 1;
    }
    return 0;
}

json_t *sou_synonym_table(sx_db *db, sx_error *xe)
{
    syn_load l = {db, json_object(), xe, 0};
    if (!l.table)
        return NULL;
    sx_status st = sx_db_each_synonym_key(db, load_key, &l, xe);
    if (st != SX_OK && !l.failed && strstr(xe->message, "UnimplementedError"))
        return l.table; /* a remote backend: it has no synonym table */
    if (st != SX_OK || l.failed) {
        json_decref(l.table);
        return NULL;
    }
    return l.table;
}
