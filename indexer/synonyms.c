/* synonyms.c: reading synonym rules and writing them into an index (see
 * synonyms.h). */
#include "synonyms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "tokenize.h"

#define MAX_WORDS 64 /* words a rule may have on each side */

typedef struct {
    char w[MAX_WORDS][SOU_SYNONYM_MAX_WORD + 1];
    size_t n;
} word_list;

/* 1 if s[i..] starts with a separator; its length in *k. */
static int is_sep(const char *s, size_t i, size_t *k)
{
    if (s[i] == ',') {
        *k = 1;
        return 1;
    }
    if (!strncmp(s + i, "，", 3) || !strncmp(s + i, "、", 3)) {
        *k = 3;
        return 1;
    }
    return 0;
}

/* Split s[0..len) at separators into normalised words (trimmed; empty ones
 * skipped).  Returns 0, or -1 with a reason in why. */
static int split_words(const char *s, size_t len, word_list *out, const char **why)
{
    out->n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len;) {
        size_t k = 1;
        if (i < len && !is_sep(s, i, &k)) {
            i++;
            continue;
        }
        size_t a = start, b = i;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        if (b > a) {
            if (out->n == MAX_WORDS) {
                *why = "more than 64 words on one side";
                return -1;
            }
            size_t invalid = 0;
            size_t n = sou_normalize(s + a, b - a, out->w[out->n], sizeof out->w[0], &invalid);
            if (invalid) {
                *why = "invalid UTF-8";
                return -1;
            }
            if (n > SOU_SYNONYM_MAX_WORD) {
                *why = "a word longer than 120 bytes";
                return -1;
            }
            /* normalising can leave spaces at the ends (a full-width space) */
            char *w = out->w[out->n];
            while (n && w[n - 1] == ' ')
                w[--n] = '\0';
            size_t lead = strspn(w, " ");
            memmove(w, w + lead, n - lead + 1);
            if (w[0])
                out->n++;
        }
        start = i + k;
        i += k;
    }
    return 0;
}

static int emit(const word_list *from, const word_list *to, sou_synonym_pair_fn fn, void *ctx)
{
    for (size_t i = 0; i < from->n; i++)
        for (size_t j = 0; j < to->n; j++)
            if (strcmp(from->w[i], to->w[j]) != 0 && fn(from->w[i], to->w[j], ctx) != 0)
                return -1;
    return 0;
}

long sou_synonyms_read(const char *const *paths, size_t n, sou_synonym_pair_fn fn, void *ctx, char *err,
                       size_t errlen)
{
    static word_list left, right; /* 500 KB: not on the stack */
    long rules = 0;
    for (size_t f = 0; f < n; f++) {
        FILE *in = fopen(paths[f], "r");
        if (!in) {
            snprintf(err, errlen, "%s: %s", paths[f], strerror(errno));
            return -1;
        }
        char *line = NULL;
        size_t cap = 0, lineno = 0;
        ssize_t len;
        const char *why = NULL;
        while (!why && (len = getline(&line, &cap, in)) >= 0) {
            lineno++;
            char *hash = memchr(line, '#', (size_t)len);
            if (hash)
                len = hash - line;
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
                len--;
            if (memchr(line, '\0', (size_t)len)) {
                why = "a NUL byte";
                break;
            }
            char *arrow = NULL;
            for (ssize_t i = 0; i + 1 < len; i++)
                if (line[i] == '=' && line[i + 1] == '>') {
                    arrow = line + i;
                    break;
                }
            if (arrow) {
                if (split_words(line, (size_t)(arrow - line), &left, &why) < 0 ||
                    split_words(arrow + 2, (size_t)(line + len - arrow - 2), &right, &why) < 0)
                    break;
                if (!left.n || !right.n) {
                    why = "\"=>\" needs words on both sides";
                    break;
                }
                if (emit(&left, &right, fn, ctx) < 0) {
                    why = "out of memory";
                    break;
                }
            } else {
                if (split_words(line, (size_t)len, &left, &why) < 0)
                    break;
                if (left.n == 0)
                    continue; /* blank or comment */
                if (left.n == 1) {
                    why = "a rule needs two words or more (separated by commas)";
                    break;
                }
                if (emit(&left, &left, fn, ctx) < 0) {
                    why = "out of memory";
                    break;
                }
            }
            rules++;
        }
        int read_error = !why && ferror(in);
        free(line);
        fclose(in);
        if (why) {
            snprintf(err, errlen, "%s:%zu: %s", paths[f], lineno, why);
            return -1;
        }
        if (read_error) {
            snprintf(err, errlen, "%s: read error", paths[f]);
            return -1;
        }
    }
    return rules;
}

/* ------------------------------------------------------------ writing */

typedef struct {
    char **v; /* term, synonym, term, synonym, ... */
    size_t n, cap;
} pair_list;

static int collect_pair(const char *term, const char *synonym, void *ctx)
{
    pair_list *p = ctx;
    if (p->n + 2 > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        char **v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return -1;
        p->v = v;
        p->cap = cap;
    }
    if (!(p->v[p->n] = strdup(term)) || !(p->v[p->n + 1] = strdup(synonym))) {
        free(p->v[p->n]);
        return -1;
    }
    p->n += 2;
    return 0;
}

long sou_synonyms_write(sx_db *db, const char *const *paths, size_t n, char *err, size_t errlen)
{
    pair_list pairs = {0};
    sx_error xe = {0};
    char sources[4096] = "";
    long rules = sou_synonyms_read(paths, n, collect_pair, &pairs, err, errlen);
    if (rules < 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(sources);
        snprintf(sources + used, sizeof sources - used, "%s%s", i ? " " : "", paths[i]);
    }
    /* Read everything before touching the table: a bad file leaves it as it was. */
    sx_status st = sx_db_clear_synonyms(db, &xe);
    for (size_t i = 0; st == SX_OK && i < pairs.n; i += 2)
        st = sx_db_add_synonym(db, pairs.v[i], pairs.v[i + 1], &xe);
    if (st == SX_OK)
        st = sx_db_set_metadata(db, SOU_META_SYNONYMS, sources, &xe);
    if (st == SX_OK)
        st = sx_db_commit(db, &xe);
    if (st != SX_OK) {
        snprintf(err, errlen, "writing the synonyms: %s", xe.message);
        rules = -1;
    }
done:
    for (size_t i = 0; i < pairs.n; i++)
        free(pairs.v[i]);
    free(pairs.v);
    return rules;
}

int sou_synonyms_update(const char *db_path, const char *const *paths, size_t n, const char *default_path,
                        long *rules, char *err, size_t errlen)
{
    sx_db *db = NULL;
    sx_error xe = {0};
    char *meta = NULL, where[4096];
    size_t mlen = 0;
    int rc = -1;
    *rules = 0;
    /* A sharded index keeps its synonyms beside the stub (schema.h). */
    const char *target = db_path;
    if (sx_stub_is_stub(db_path)) {
        if (!sou_schema_synonyms_path(db_path, where, sizeof where)) {
            snprintf(err, errlen, "%s: path too long", db_path);
            return -1;
        }
        target = where;
    }
    if (sx_db_open_writable(target, SX_DB_CREATE_OR_OPEN, &db, &xe) != SX_OK ||
        sx_db_get_metadata(db, SOU_META_SYNONYMS, &meta, &mlen, &xe) != SX_OK) {
        snprintf(err, errlen, "%s", xe.message);
        goto done;
    }
    if (n == 0 && mlen > 0) {
        rc = 0; /* written before: the user's lists stay */
        goto done;
    }
    const char *def[1] = {default_path};
    *rules = sou_synonyms_write(db, n ? paths : def, n ? n : 1, err, errlen);
    rc = *rules < 0 ? -1 : 0;
done:
    free(meta);
    sx_db_close(db);
    return rc;
}
