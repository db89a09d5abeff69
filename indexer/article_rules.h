/*
 * article_rules.h: which lines of an article text file are not the article
 * (corpus/README.md): the footer, where the site's boilerplate starts and
 * everything after it goes, and single disclaimer lines.  These are the
 * site's own strings, so they are data, not code: a rules text in the
 * format below, sou's default (the seed site's, built in) or a file given
 * to `indexer --article-rules FILE`.
 *
 *   # comment; blank lines are ignored
 *   footer PREFIX                  a line starting with PREFIX starts the footer
 *   disclaimer NEEDLE PREFIX...    a line containing NEEDLE and starting with
 *                                  one of the PREFIXes is dropped (that line only)
 *
 * Words are separated by spaces or tabs.  Lines are compared after trimming
 * white space (ASCII and U+3000).  The related-article list at the end of a
 * page (lines ending in " YYYY-MM-DD hh:mm" and a short label) starts the
 * footer whatever the rules: that is the format, not a site's wording.
 */
#ifndef SOU_ARTICLE_RULES_H
#define SOU_ARTICLE_RULES_H

#include <stddef.h>

typedef struct sou_article_rules sou_article_rules;

/* The rules in text[0..len) (from file, for messages).  Returns new rules
 * (free with sou_article_rules_free), or NULL with "file:line: message" in
 * err[0..errlen) for a bad line, or "out of memory". */
sou_article_rules *sou_article_rules_parse(const char *text, size_t len, const char *file, char *err,
                                           size_t errlen);

/* The built-in rules (the seed site's): shared, never freed, NULL only when
 * out of memory.  Thread-safe. */
const sou_article_rules *sou_article_rules_default(void);

/* The text of the built-in rules (what sou_article_rules_default parses). */
extern const char sou_article_rules_default_text[];

void sou_article_rules_free(sou_article_rules *r);

/* Does the (trimmed) line s[0..n) start the footer, or is it a disclaimer? */
int sou_article_rules_footer(const sou_article_rules *r, const char *s, size_t n);
int sou_article_rules_disclaimer(const sou_article_rules *r, const char *s, size_t n);

#endif /* SOU_ARTICLE_RULES_H */
