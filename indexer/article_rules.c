/* article_rules.c: see article_rules.h. */
#include "article_rules.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The seed site's (社保网) boilerplate, found in corpus/: its statement line
 * starts the footer, and its disclaimers are single lines such as
 * "温馨提示:本数据仅供参考!…" or "(备注:数据仅供参考,…)".  A line "温馨提示:"
 * alone is a section heading (003), not a disclaimer: it has no 仅供参考. */
const char sou_article_rules_default_text[] = "# The seed site's boilerplate (corpus/README.md).\n"
                                              "footer 社保网声明\n"
                                              "footer 免责声明\n"
                                              "disclaimer 仅供参考 温馨提示 备注 (备注 （备注\n";

typedef struct {
    char *needle;    /* owned */
    char **prefixes; /* owned, n_prefixes of them */
    size_t n_prefixes;
} disclaimer_rule;

struct sou_article_rules {
    char **footers; /* owned */
    size_t n_footers;
    disclaimer_rule *disclaimers;
    size_t n_disclaimers;
};

static int starts_with(const char *s, size_t n, const char *prefix)
{
    size_t m = strlen(prefix);
    return n >= m && memcmp(s, prefix, m) == 0;
}

int sou_article_rules_footer(const sou_article_rules *r, const char *s, size_t n)
{
    for (size_t i = 0; i < r->n_footers; i++)
        if (starts_with(s, n, r->footers[i]))
            return 1;
    return 0;
}

int sou_article_rules_disclaimer(const sou_article_rules *r, const char *s, size_t n)
{
    for (size_t i = 0; i < r->n_disclaimers; i++) {
        const disclaimer_rule *d = &r->disclaimers[i];
        if (!memmem(s, n, d->needle, strlen(d->needle)))
            continue;
        for (size_t k = 0; k < d->n_prefixes; k++)
            if (starts_with(s, n, d->prefixes[k]))
                return 1;
    }
    return 0;
}

void sou_article_rules_free(sou_article_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_footers; i++)
        free(r->footers[i]);
    free(r->footers);
    for (size_t i = 0; i < r->n_disclaimers; i++) {
        free(r->disclaimers[i].needle);
        for (size_t k = 0; k < r->disclaimers[i].n_prefixes; k++)
            free(r->disclaimers[i].prefixes[k]);
        free(r->disclaimers[i].prefixes);
    }
    free(r->disclaimers);
    free(r);
}

/* Split line[0..n) at spaces and tabs into up to max words (NUL-terminated
 * copies in words[]); returns the count, or -1 when out of memory or when
 * there are more than max. */
static int split_words(const char *line, size_t n, char **words, int max)
{
    int count = 0;
    size_t i = 0;

    while (i < n) {
        size_t start;
        while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            i++;
        if (i == n)
            break;
        start = i;
        while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            i++;
        if (count == max || !(words[count] = strndup(line + start, i - start)))
            goto fail;
        count++;
    }
    return count;
fail:
    while (count > 0)
        free(words[--count]);
    return -1;
}

#define MAX_WORDS 64

sou_article_rules *sou_article_rules_parse(const char *text, size_t len, const char *file, char *err,
                                           size_t errlen)
{
    sou_article_rules *r = calloc(1, sizeof *r);
    const char *p = text, *end = text + len;
    unsigned lineno = 0;
    char *words[MAX_WORDS];

    if (!r)
        goto oom;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        int count;
        lineno++;
        if (memchr(p, '\0', n)) {
            snprintf(err, errlen, "%s:%u: NUL byte in line", file, lineno);
            goto fail;
        }
        count = split_words(p, n, words, MAX_WORDS);
        p += n + 1;
        if (count < 0) {
            snprintf(err, errlen, "%s:%u: more than %d words, or out of memory", file, lineno, MAX_WORDS - 1);
            goto fail;
        }
        if (count == 0 || words[0][0] == '#') {
            while (count > 0)
                free(words[--count]);
            continue;
        }
        if (strcmp(words[0], "footer") == 0 && count == 2) {
            char **v = realloc(r->footers, (r->n_footers + 1) * sizeof *v);
            if (!v)
                goto oom_words;
            r->footers = v;
            r->footers[r->n_footers++] = words[1];
            free(words[0]);
        } else if (strcmp(words[0], "disclaimer") == 0 && count >= 3) {
            disclaimer_rule *v = realloc(r->disclaimers, (r->n_disclaimers + 1) * sizeof *v);
            char **prefixes = malloc((size_t)(count - 2) * sizeof *prefixes);
            if (v)
                r->disclaimers = v;
            if (!v || !prefixes) {
                free(prefixes);
                goto oom_words;
            }
            memcpy(prefixes, words + 2, (size_t)(count - 2) * sizeof *prefixes);
            r->disclaimers[r->n_disclaimers++] = (disclaimer_rule){words[1], prefixes, (size_t)(count - 2)};
            free(words[0]);
        } else {
            snprintf(err, errlen, "%s:%u: expected \"footer PREFIX\" or \"disclaimer NEEDLE PREFIX...\"", file,
                     lineno);
            while (count > 0)
                free(words[--count]);
            goto fail;
        }
        continue;
    oom_words:
        while (count > 0)
            free(words[--count]);
        goto oom;
    }
    return r;
oom:
    snprintf(err, errlen, "%s: out of memory", file);
fail:
    sou_article_rules_free(r);
    return NULL;
}

static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static sou_article_rules *default_rules;

static void default_parse(void)
{
    char err[128];
    default_rules =
        sou_article_rules_parse(sou_article_rules_default_text, strlen(sou_article_rules_default_text),
                                "built-in article rules", err, sizeof err);
}

const sou_article_rules *sou_article_rules_default(void)
{
    pthread_once(&default_once, default_parse);
    return default_rules;
}
