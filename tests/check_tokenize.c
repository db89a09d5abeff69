/*
 * check_tokenize.c: the tokenizer (indexer/text/tokenize.h, utf8.h, normalize.h).
 *
 * core:   golden files tests/data/tokenize/<case>/{input.txt,expected.txt}
 *         (optional `flags` file: "unigrams"), one token a line as
 *         `kind term pos start end`, then `stats chars invalid_bytes next_pos`;
 *         traditional = simplified, order matters, width, one-character runs.
 * limits: empty input, long words, early stop, positions from first_pos,
 *         sou_normalize() with tiny buffers, the fold over every code point.
 * errors: each kind of malformed UTF-8, and random bytes.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "places.h"
#include "sou_testserver.h"
#include "tokenize.h"
#include "utf8.h"

/* ---- helpers ---------------------------------------------------------- */

/* Render every token as the golden files do, into a growing string. */
typedef struct {
    char *buf;
    size_t len, cap;
    size_t ntok;
    size_t stop_after; /* return 42 from the callback after this many (0: never) */
} dump_t;

static void dump_printf(dump_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void dump_printf(dump_t *d, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    if (d->len + (size_t)n + 1 > d->cap) {
        d->cap = (d->len + (size_t)n + 1) * 2;
        d->buf = realloc(d->buf, d->cap);
        ck_assert_ptr_nonnull(d->buf);
    }
    va_start(ap, fmt);
    vsnprintf(d->buf + d->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    d->len += (size_t)n;
}

static const char *kind_name(sou_token_kind k)
{
    switch (k) {
    case SOU_TOKEN_BIGRAM:
        return "bigram";
    case SOU_TOKEN_UNIGRAM:
        return "unigram";
    case SOU_TOKEN_WORD:
        return "word";
    }
    return "?";
}

static int dump_cb(const sou_token *t, void *ctx)
{
    dump_t *d = ctx;
    dump_printf(d, "%s %.*s %u %zu %zu\n", kind_name(t->kind), (int)t->term_len, t->term, t->pos,
                t->start, t->end);
    d->ntok++;
    return (d->stop_after && d->ntok >= d->stop_after) ? 42 : 0;
}

/* Tokenise and dump; the caller frees the result. */
static char *tokenize_dump(const char *text, size_t len, sou_tokenize_purpose purpose)
{
    dump_t d = {0};
    sou_tokenize_stats st;
    int rc = sou_tokenize(text, len, 0, purpose, dump_cb, &d, &st);
    ck_assert_int_eq(rc, 0);
    dump_printf(&d, "stats %zu %zu %u\n", st.chars, st.invalid_bytes, st.next_pos);
    return d.buf;
}

/* Only the terms, space-separated. */
static int terms_cb(const sou_token *t, void *ctx)
{
    dump_printf(ctx, "%.*s ", (int)t->term_len, t->term);
    return 0;
}

static char *terms_of(const char *text, sou_tokenize_purpose purpose)
{
    dump_t d = {0};
    dump_printf(&d, "%s", "");
    ck_assert_int_eq(sou_tokenize(text, strlen(text), 0, purpose, terms_cb, &d, NULL), 0);
    return d.buf;
}

/* ---- golden files ------------------------------------------------------ */

#define MAX_CASES 64
static char golden_root[4096];
static char *golden_cases[MAX_CASES];
static int n_golden;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_golden_cases(void)
{
    const char *src = getenv("SOU_SOURCE_DIR");
    DIR *dir;
    struct dirent *de;
    snprintf(golden_root, sizeof golden_root, "%s/tests/data/tokenize", src ? src : ".");
    dir = opendir(golden_root);
    if (!dir)
        return;
    while ((de = readdir(dir)) != NULL && n_golden < MAX_CASES) {
        if (de->d_name[0] != '.')
            golden_cases[n_golden++] = strdup(de->d_name);
    }
    closedir(dir);
    qsort(golden_cases, (size_t)n_golden, sizeof golden_cases[0], cmp_str);
}

START_TEST(test_golden_cases_exist)
{
    ck_assert_msg(n_golden >= 10, "expected golden cases in %s (set SOU_SOURCE_DIR), found %d",
                  golden_root, n_golden);
}
END_TEST

START_TEST(test_golden)
{
    char path[4600];
    const char *name = golden_cases[_i];
    size_t in_len, line = 1, k;
    char *input, *expected, *actual, *flags;
    sou_tokenize_purpose purpose = SOU_TOKENIZE_QUERY;

    snprintf(path, sizeof path, "%s/%s/input.txt", golden_root, name);
    input = sou_test_read_file(path, &in_len);
    ck_assert_msg(input != NULL, "%s: cannot read", path);
    snprintf(path, sizeof path, "%s/%s/flags", golden_root, name);
    flags = sou_test_read_file(path, NULL);
    if (flags && strstr(flags, "unigrams"))
        purpose = SOU_TOKENIZE_CHARS;
    snprintf(path, sizeof path, "%s/%s/expected.txt", golden_root, name);
    expected = sou_test_read_file(path, NULL);
    ck_assert_msg(expected != NULL, "%s: cannot read", path);

    actual = tokenize_dump(input, in_len, purpose);
    /* report the first differing line */
    for (k = 0; expected[k] && expected[k] == actual[k]; k++)
        if (expected[k] == '\n')
            line++;
    ck_assert_msg(strcmp(expected, actual) == 0, "%s: line %zu differs; got:\n%s", path, line, actual);
    free(input);
    free(flags);
    free(expected);
    free(actual);
}
END_TEST

/* ---- core -------------------------------------------------------------- */

START_TEST(test_traditional_equals_simplified)
{
    char *t = terms_of("醫療保險，國家發展與後來", 0);
    char *s = terms_of("医疗保险，国家发展与后来", 0);
    ck_assert_str_eq(t, s);
    ck_assert_str_eq(s, "医疗 疗保 保险 国家 家发 发展 展与 与后 后来 ");
    free(t);
    free(s);
}
END_TEST

/* The choices the README documents: OpenCC's first candidate for a
 * character alone; characters that are themselves standard simplified stay. */
START_TEST(test_t2s_choices)
{
    static const char *const pairs[][2] = {
        {"於", "于"}, {"乾", "干"}, {"後", "后"}, {"餘", "余"}, {"麵", "面"}, {"發", "发"}, {"髮", "发"},
        {"著", "著"}, {"藉", "藉"}, {"瞭", "瞭"}, {"覆", "覆"}, {"沈", "沈"}, {"干", "干"}, {"后", "后"},
        {"⽣", "生"}, {"豈", "岂"}, {"𠀀", "𠀀"},
    };
    char out[16];
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        sou_normalize(pairs[i][0], strlen(pairs[i][0]), out, sizeof out, NULL);
        ck_assert_msg(strcmp(out, pairs[i][1]) == 0, "%s -> %s, want %s", pairs[i][0], out,
                      pairs[i][1]);
    }
}
END_TEST

START_TEST(test_order_matters)
{
    char *a = terms_of("人民", 0);
    char *b = terms_of("民人", 0);
    ck_assert_str_eq(a, "人民 ");
    ck_assert_str_eq(b, "民人 ");
    free(a);
    free(b);
}
END_TEST

START_TEST(test_width_and_case)
{
    char *a = terms_of("ＡＰＰ １２３ Ｗｉ－Ｆｉ　ÉCOLE ΣΟΦΙΑ Москва", 0);
    ck_assert_str_eq(a, "app 123 wi fi école σοφια москва ");
    free(a);
    a = terms_of("医保APP 2026年", 0);
    ck_assert_str_eq(a, "医保 app 2026 年 ");
    free(a);
}
END_TEST

START_TEST(test_one_char_run)
{
    char *a = terms_of("年", 0);
    char *b = terms_of("，年。", SOU_TOKENIZE_CHARS);
    ck_assert_str_eq(a, "年 ");
    ck_assert_str_eq(b, "年 ");
    free(a);
    free(b);
}
END_TEST

START_TEST(test_unigram_flag)
{
    char *a = terms_of("参保地", SOU_TOKENIZE_CHARS);
    char *b = terms_of("参保地", 0);
    ck_assert_str_eq(a, "参 参保 保 保地 地 ");
    ck_assert_str_eq(b, "参保 保地 ");
    free(a);
    free(b);
}
END_TEST

START_TEST(test_run_end_flag)
{
    /* the last character of each run alone, and a one-character run */
    char *a = terms_of("参保地，牙。医保APP", SOU_TOKENIZE_DOCUMENT);
    ck_assert_str_eq(a, "参保 保地 地 牙 医保 保 app ");
    free(a);
}
END_TEST

typedef struct {
    const char *text;
    size_t len;
    size_t last_start;
    uint32_t last_pos;
    size_t ntok;
    char err[512]; /* the first violation; checked once (ck_assert per token is slow) */
} range_check_t;

static int range_fail(range_check_t *rc, const sou_token *t, const char *what)
{
    snprintf(rc->err, sizeof rc->err, "token %zu (pos %u, [%zu,%zu)): %s", rc->ntok, t->pos,
             t->start, t->end, what);
    return 1;
}

static int range_cb(const sou_token *t, void *ctx)
{
    range_check_t *rc = ctx;
    char norm[1024];
    size_t need, bad = 99;
    if (t->term_len == 0 || strlen(t->term) != t->term_len)
        return range_fail(rc, t, "empty term or term_len wrong");
    if (!sou_utf8_valid(t->term, t->term_len, NULL))
        return range_fail(rc, t, "term is not valid UTF-8");
    if (!(t->start < t->end && t->end <= rc->len))
        return range_fail(rc, t, "range empty or outside the text");
    if (t->start < rc->last_start || t->pos < rc->last_pos)
        return range_fail(rc, t, "start or position went backwards");
    need = sou_normalize(rc->text + t->start, t->end - t->start, norm, sizeof norm, &bad);
    if (bad != 0)
        return range_fail(rc, t, "range holds malformed bytes");
    if (need != t->term_len || memcmp(norm, t->term, need) != 0)
        return range_fail(rc, t, "range does not normalise to the term");
    rc->last_start = t->start;
    rc->last_pos = t->pos;
    rc->ntok++;
    return 0;
}

/* Every token's byte range, normalised, is exactly its term; ranges are in
 * order and inside the text; terms are valid UTF-8.  Returns the count. */
static size_t check_ranges(const char *text, size_t len, sou_tokenize_purpose purpose)
{
    range_check_t rc = {text, len, 0, 0, 0, ""};
    int stop = sou_tokenize(text, len, 0, purpose, range_cb, &rc, NULL);
    ck_assert_msg(stop == 0 && rc.err[0] == '\0', "%s", rc.err);
    return rc.ntok;
}

START_TEST(test_ranges_cover_original)
{
    const char *t = "﻿医\xe2\x80\x8b保ＡＰＰ，醫療保險v2.0 don’t ３．５ 東京タワー⽣活 ①② 😀👍🏻 end";
    ck_assert_uint_gt(check_ranges(t, strlen(t), 0), 10);
    ck_assert_uint_gt(check_ranges(t, strlen(t), SOU_TOKENIZE_CHARS), 20);
}
END_TEST

/* ---- limits ------------------------------------------------------------ */

START_TEST(test_empty)
{
    sou_tokenize_stats st = {1, 1, 1};
    dump_t d = {0};
    ck_assert_int_eq(sou_tokenize("", 0, 7, SOU_TOKENIZE_QUERY, dump_cb, &d, &st), 0);
    ck_assert_uint_eq(d.ntok, 0);
    ck_assert_uint_eq(st.chars, 0);
    ck_assert_uint_eq(st.invalid_bytes, 0);
    ck_assert_uint_eq(st.next_pos, 7);
    ck_assert_int_eq(sou_tokenize(NULL, 0, 0, SOU_TOKENIZE_QUERY, dump_cb, &d, NULL), 0);
    ck_assert_uint_eq(d.ntok, 0);
    /* only breaks: no token, no position used */
    ck_assert_int_eq(sou_tokenize("，。 !", 8, 3, SOU_TOKENIZE_QUERY, dump_cb, &d, &st), 0);
    ck_assert_uint_eq(d.ntok, 0);
    ck_assert_uint_eq(st.next_pos, 3);
    free(d.buf);
}
END_TEST

START_TEST(test_first_pos_and_next_pos)
{
    dump_t d = {0};
    sou_tokenize_stats st;
    ck_assert_int_eq(sou_tokenize("参保地。", strlen("参保地。"), 100, SOU_TOKENIZE_QUERY, dump_cb, &d, &st), 0);
    ck_assert_str_eq(d.buf, "bigram 参保 100 0 6\nbigram 保地 101 3 9\n");
    ck_assert_uint_eq(st.next_pos, 104); /* 3 characters + the break */
    ck_assert_uint_eq(st.chars, 4);
    free(d.buf);
}
END_TEST

START_TEST(test_early_stop)
{
    const char *t = "参保地 变更 app";
    dump_t d = {0};
    sou_tokenize_stats st;
    d.stop_after = 2;
    ck_assert_int_eq(sou_tokenize(t, strlen(t), 0, SOU_TOKENIZE_QUERY, dump_cb, &d, &st), 42);
    ck_assert_uint_eq(d.ntok, 2);
    ck_assert_str_eq(d.buf, "bigram 参保 0 0 6\nbigram 保地 1 3 9\n");
    /* stopping at the very last token (emitted at the end of the text) */
    free(d.buf);
    memset(&d, 0, sizeof d);
    d.stop_after = 4;
    ck_assert_int_eq(sou_tokenize(t, strlen(t), 0, SOU_TOKENIZE_QUERY, dump_cb, &d, NULL), 42);
    ck_assert_uint_eq(d.ntok, 4);
    free(d.buf);
}
END_TEST

START_TEST(test_long_word_is_cut)
{
    char text[300];
    dump_t d = {0};
    memset(text, 'a', 150);
    ck_assert_int_eq(sou_tokenize(text, 150, 0, SOU_TOKENIZE_QUERY, dump_cb, &d, NULL), 0);
    ck_assert_uint_eq(d.ntok, 3); /* 64 + 64 + 22 */
    ck_assert_ptr_nonnull(strstr(d.buf, " 0 0 64\n"));
    ck_assert_ptr_nonnull(strstr(d.buf, " 1 64 128\n"));
    ck_assert_ptr_nonnull(strstr(d.buf, " 2 128 150\n"));
    ck_assert_uint_eq(check_ranges(text, 150, 0), 3);
    free(d.buf);
}
END_TEST

START_TEST(test_normalize_tiny_cap)
{
    const char *t = "醫A"; /* -> 医a: 3 + 1 bytes */
    char out[8];
    size_t bad = 9;
    memset(out, 'x', sizeof out);
    ck_assert_uint_eq(sou_normalize(t, strlen(t), out, 0, &bad), 4);
    ck_assert_int_eq(out[0], 'x'); /* cap 0: nothing written */
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_eq(sou_normalize(t, strlen(t), NULL, 0, NULL), 4); /* measuring only */
    ck_assert_uint_eq(sou_normalize(t, strlen(t), out, 1, NULL), 4);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(sou_normalize(t, strlen(t), out, 3, NULL), 4);
    ck_assert_str_eq(out, ""); /* 医 needs 3 bytes + NUL: never half a character */
    ck_assert_uint_eq(sou_normalize(t, strlen(t), out, 4, NULL), 4);
    ck_assert_str_eq(out, "医");
    ck_assert_uint_eq(sou_normalize(t, strlen(t), out, 5, NULL), 4);
    ck_assert_str_eq(out, "医a");
    ck_assert_uint_eq(sou_normalize("Ａ\xff\xc0\xafＢ\xe2\x80\x8b", 12, out, sizeof out, &bad), 2);
    ck_assert_str_eq(out, "ab");
    ck_assert_uint_eq(bad, 3);
}
END_TEST

/* The fold is idempotent and maps scalar values to scalar values; so is the
 * class of a folded character stable. */
START_TEST(test_fold_all_code_points)
{
    uint32_t cp, bad_cp = 0;
    size_t changed = 0, bad = 0;
    for (cp = 0; cp <= 0x10FFFF; cp++) {
        uint32_t f;
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        f = sou_fold(cp);
        if (f != sou_fold_slow(cp)) {
            bad_cp = bad++ ? bad_cp : cp;
            continue;
        }
        if (f == SOU_FOLD_DROP)
            continue;
        if (f > 0x10FFFF || (f >= 0xD800 && f <= 0xDFFF) || sou_fold(f) != f ||
            sou_classify(f) != sou_classify_slow(f)) {
            bad_cp = bad++ ? bad_cp : cp;
            continue;
        }
        if (f != cp)
            changed++;
    }
    ck_assert_msg(bad == 0, "%zu code points fold badly, first U+%04X -> U+%04X -> U+%04X", bad,
                  bad_cp, sou_fold(bad_cp), sou_fold(sou_fold(bad_cp)));
    ck_assert_uint_gt(changed, 5000);
    /* the table is sorted, so binary search finds everything */
    for (size_t i = 1; i < sou_t2s_count; i++)
        ck_assert_uint_lt(sou_t2s_from[i - 1], sou_t2s_from[i]);
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

typedef struct {
    const char *name;
    const char *bytes;
    size_t len;
    const char *terms;
    size_t invalid;
} bad_case;

static const bad_case bad_cases[] = {
    {"lone continuation", "医\x80保", 7, "医 保 ", 1},
    {"overlong slash", "a\xc0\xaf" "b", 4, "a b ", 2},
    {"overlong 3-byte", "\xe0\x80\xaf" "参保", 9, "参保 ", 3},
    {"surrogate", "参\xed\xa0\x80保", 9, "参 保 ", 3},
    {"above U+10FFFF", "x\xf4\x90\x80\x80y", 6, "x y ", 4},
    {"F5..FF", "\xf5\xff\xfe" "ab", 5, "ab ", 3},
    {"truncated 3-byte at end", "参保\xe5\x9c", 8, "参保 ", 2},
    {"truncated 4-byte at end", "ok\xf0\x9f\x98", 5, "ok ", 3},
    {"truncated then ASCII", "\xe5\x9c" "abc", 5, "abc ", 2},
};

START_TEST(test_invalid_bytes)
{
    const bad_case *c = &bad_cases[_i];
    dump_t d = {0};
    sou_tokenize_stats st;
    char out[64];
    size_t bad = 0;
    dump_printf(&d, "%s", "");
    ck_assert_int_eq(sou_tokenize(c->bytes, c->len, 0, SOU_TOKENIZE_QUERY, terms_cb, &d, &st), 0);
    ck_assert_msg(strcmp(d.buf, c->terms) == 0, "%s: got '%s', want '%s'", c->name, d.buf, c->terms);
    ck_assert_msg(st.invalid_bytes == c->invalid, "%s: %zu invalid bytes, want %zu", c->name,
                  st.invalid_bytes, c->invalid);
    sou_normalize(c->bytes, c->len, out, sizeof out, &bad);
    ck_assert_uint_eq(bad, c->invalid);
    ck_assert(sou_utf8_valid(out, strlen(out), NULL));
    ck_assert_uint_eq(check_ranges(c->bytes, c->len, SOU_TOKENIZE_CHARS) > 0, 1);
    free(d.buf);
}
END_TEST

START_TEST(test_utf8_valid)
{
    size_t at = 99;
    ck_assert_int_eq(sou_utf8_valid("医保", 6, &at), 1);
    ck_assert_int_eq(sou_utf8_valid("医\xe4\xbf", 5, &at), 0);
    ck_assert_uint_eq(at, 3);
    ck_assert_int_eq(sou_utf8_valid("\xf0\x9f\x98\x80", 4, NULL), 1);
}
END_TEST

/* Deterministic pseudo-random bytes: a mix of noise and pieces of real text,
 * so that both the error paths and the runs are exercised.  Nothing crashes,
 * every term is valid UTF-8 and every range normalises to its term. */
static uint32_t rng_state;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

START_TEST(test_random_bytes)
{
    static const char *pieces[] = {"医", "保", "醫", "Ａ", "a", "Z", "9", ".", "'", "’", "，", " ",
                                   "😀", "\xe2\x80\x8b", "ф", "タ", "⽣", "\xef\xb8\x8f", "É",
                                   "\xc2\xad", "．", "１", "Ｚ", "-"};
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    char text[512];
    /* deterministic by default; SOU_FUZZ_SEED / SOU_FUZZ_ITERS to explore */
    const char *seed = getenv("SOU_FUZZ_SEED"), *iters = getenv("SOU_FUZZ_ITERS");
    int n_iter = iters ? atoi(iters) : 3000;
    rng_state = seed ? (uint32_t)strtoul(seed, NULL, 0) | 1u : 0x9E3779B9u;
    for (int iter = 0; iter < n_iter; iter++) {
        size_t len = 0, target = rng() % 200;
        while (len < target) {
            uint32_t r = rng();
            if (r % 3 == 0 && (iter & 2)) {
                text[len++] = (char)(r >> 8);
            } else {
                const char *p = pieces[(r >> 8) % npieces];
                size_t n = strlen(p);
                memcpy(text + len, p, n);
                len += n;
            }
        }
        check_ranges(text, len, (iter & 1) ? SOU_TOKENIZE_CHARS : SOU_TOKENIZE_QUERY);
        if (!(iter & 2)) {
            /* valid input: the query side may normalise first, then
             * tokenise; that must give the same terms and positions */
            char norm[2048];
            size_t n = sou_normalize(text, len, norm, sizeof norm, NULL);
            char *a, *b, *pa, *pb;
            ck_assert_uint_lt(n, sizeof norm);
            a = tokenize_dump(text, len, iter & 1);
            b = tokenize_dump(norm, n, iter & 1);
            /* compare "kind term pos" of each line, not the byte ranges */
            for (pa = a, pb = b; *pa && *pb; pa = strchr(pa, '\n') + 1, pb = strchr(pb, '\n') + 1) {
                size_t la = 0, lb = 0;
                for (int sp = 0; sp < 3; la++)
                    sp += pa[la] == ' ' || pa[la] == '\n';
                for (int sp = 0; sp < 3; lb++)
                    sp += pb[lb] == ' ' || pb[lb] == '\n';
                if (strncmp(pa, "stats", 5) == 0)
                    break;
                ck_assert_msg(la == lb && memcmp(pa, pb, la) == 0, "normalised text tokenises differently:\n%s\nvs\n%s", a, b);
            }
            free(a);
            free(b);
        }
    }
}
END_TEST

/* ---- suite ------------------------------------------------------------- */

/* The divisions table (places.h): a city's province, units stripped only
 * from divisions, words that merely look like places left alone. */
START_TEST(test_places)
{
#define S(x) x, strlen(x)
    ck_assert_str_eq(sou_place_province(S("广州")), "广东");
    ck_assert_str_eq(sou_place_province(S("嘉兴")), "浙江");
    ck_assert_str_eq(sou_place_province(S("延边")), "吉林");
    ck_assert_ptr_null(sou_place_province(S("广东")));
    ck_assert_ptr_null(sou_place_province(S("上海")));
    ck_assert_ptr_null(sou_place_province(S("城市")));
    ck_assert_ptr_null(sou_place_province(S("广")));
    ck_assert_ptr_null(sou_place_province("", 0));
    ck_assert(sou_place_is_division(S("上海")) && sou_place_is_division(S("内蒙古")));
    ck_assert(!sou_place_is_division(S("中华人民共和国")) && !sou_place_is_division(S("城市")));
    ck_assert_uint_eq(sou_place_stem(S("广州市")), strlen("广州"));
    ck_assert_uint_eq(sou_place_stem(S("广西壮族自治区")), strlen("广西"));
    ck_assert_uint_eq(sou_place_stem(S("锡林郭勒盟")), strlen("锡林郭勒"));
    ck_assert_uint_eq(sou_place_stem(S("城市")), strlen("城市"));
    ck_assert_uint_eq(sou_place_stem(S("市")), strlen("市"));
    ck_assert_uint_eq(sou_place_stem(S("上海")), strlen("上海"));
#undef S
}
END_TEST

static Suite *tokenize_suite(void)
{
    Suite *s = suite_create("tokenize");
    TCase *core = tcase_create("core");
    TCase *limits = tcase_create("limits");
    TCase *errors = tcase_create("errors");

    find_golden_cases();
    tcase_add_test(core, test_golden_cases_exist);
    tcase_add_loop_test(core, test_golden, 0, n_golden);
    tcase_add_test(core, test_traditional_equals_simplified);
    tcase_add_test(core, test_places);
    tcase_add_test(core, test_t2s_choices);
    tcase_add_test(core, test_order_matters);
    tcase_add_test(core, test_width_and_case);
    tcase_add_test(core, test_one_char_run);
    tcase_add_test(core, test_unigram_flag);
    tcase_add_test(core, test_run_end_flag);
    tcase_add_test(core, test_ranges_cover_original);
    suite_add_tcase(s, core);

    tcase_add_test(limits, test_empty);
    tcase_add_test(limits, test_first_pos_and_next_pos);
    tcase_add_test(limits, test_early_stop);
    tcase_add_test(limits, test_long_word_is_cut);
    tcase_add_test(limits, test_normalize_tiny_cap);
    tcase_add_test(limits, test_fold_all_code_points);
    suite_add_tcase(s, limits);

    tcase_add_loop_test(errors, test_invalid_bytes, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(errors, test_utf8_valid);
    tcase_add_test(errors, test_random_bytes);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tokenize_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (int i = 0; i < n_golden; i++)
        free(golden_cases[i]);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
