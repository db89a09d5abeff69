/* replaces.c: finding 《title》...同时废止 in a law's text (replaces.h). */
#include "replaces.h"

#include <string.h>

#include "nearcopy.h"
#include "utf8.h"

#define FORMULA "同时废止"
#define OPEN "《"
#define CLOSE "》"
#define GAP_CHARS 12

/* 1 if the gap s[0..n) between 》 and the formula holds a character that
 * makes it another sentence or an article of the law (第, 《, 。, ；, a
 * line break); a note in brackets (（国务院令第224号）) is passed over. */
static int breaks_gap(const char *s, size_t n)
{
    static const char *const STOP[] = {"第", OPEN, "。", "；", "\n"};
    const char *lp = "（", *rp = "）";
    size_t ll = strlen(lp), rl = strlen(rp);
    const char *open = memmem(s, n, lp, ll);
    const char *close = open ? memmem(open, n - (size_t)(open - s), rp, rl) : NULL;
    if (open && close) /* the gap before the note and after it */
        return breaks_gap(s, (size_t)(open - s)) ||
               breaks_gap(close + rl, n - (size_t)(close + rl - s));
    for (size_t i = 0; i < sizeof STOP / sizeof *STOP; i++)
        if (memmem(s, n, STOP[i], strlen(STOP[i])))
            return 1;
    return 0;
}

/* The start of the character before s + at (UTF-8), at > 0. */
static size_t char_before(const char *s, size_t at)
{
    do
        at--;
    while (at && ((unsigned char)s[at] & 0xC0) == 0x80);
    return at;
}

size_t sou_replaced_titles(const char *body, size_t len, char *out, size_t cap)
{
    size_t w = 0, found = 0, fl = strlen(FORMULA), cl = strlen(CLOSE), ol = strlen(OPEN);
    for (const char *p = body; found < SOU_REPLACES_MAX;) {
        const char *f = memmem(p, len - (size_t)(p - body), FORMULA, fl);
        if (!f)
            break;
        p = f + fl;
        /* back from the formula to 》, over at most GAP_CHARS characters */
        size_t at = (size_t)(f - body), close = 0;
        for (int k = 0; k <= GAP_CHARS && at >= cl; k++) {
            if (!memcmp(body + at - cl, CLOSE, cl)) {
                close = at - cl;
                break;
            }
            at = char_before(body, at);
        }
        if (!close || breaks_gap(body + close + cl, (size_t)(f - body) - close - cl))
            continue;
        /* back from 》 to 《, over at most SOU_REPLACES_TITLE_CHARS characters */
        size_t open = close, start = 0;
        for (int k = 0; k < SOU_REPLACES_TITLE_CHARS && open >= ol; k++) {
            open = char_before(body, open);
            if (open + ol <= close && !memcmp(body + open, OPEN, ol)) {
                start = open + ol;
                break;
            }
            if (!memcmp(body + open, CLOSE, cl) || !open)
                break;
        }
        if (!start || start == close)
            continue;
        size_t tl = close - start;
        if (memmem(body + start, tl, OPEN, ol) || memchr(body + start, '\0', tl) ||
            sou_utf8_valid_prefix(body + start, tl) != tl) /* a field holds no NUL (nearcopy.h) */
            continue;
        if (sou_candidate_field_put(out, &w, cap, SOU_CANDIDATE_REPLACES, body + start, tl) < 0)
            break;
        found++;
    }
    return w;
}
