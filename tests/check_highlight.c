/* check_highlight.c: the passage highlighter (searchd/search/highlight.h). */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "utf8.h"

static size_t nchars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The characters [a, b) of s, copied into buf. */
static const char *substr_chars(const char *s, size_t a, size_t b, char *buf, size_t cap)
{
    size_t c = 0, i = 0, o = 0;
    while (s[i]) {
        size_t k = 1;
        while (((unsigned char)s[i + k] & 0xC0) == 0x80)
            k++;
        if (c >= a && c < b && o + k < cap) {
            memcpy(buf + o, s + i, k);
            o += k;
        }
        c++;
        i += k;
    }
    buf[o] = '\0';
    return buf;
}

static sou_hl_terms *terms(const char *first, ...)
{
    sou_hl_terms *t = sou_hl_terms_new();
    ck_assert_ptr_nonnull(t);
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        ck_assert_int_eq(sou_hl_terms_add(t, s, strlen(s)), 0);
    va_end(ap);
    return t;
}

static int valid_utf8(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = sou_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* Every mark's offsets select, in the plain text, a run of marked text. */
static void check_marks(const sou_hl_result *r)
{
    size_t n = nchars(r->text);
    for (size_t i = 0; i < r->n_marks; i++) {
        ck_assert_uint_lt(r->marks[i][0], r->marks[i][1]);
        ck_assert_uint_le(r->marks[i][1], n);
        if (i)
            ck_assert_uint_ge(r->marks[i][0], r->marks[i - 1][1]);
    }
    ck_assert(valid_utf8(r->html, r->html_len));
    ck_assert(valid_utf8(r->text, r->text_len));
}

/* text highlighted whole with t gives html (its marks checked); how many marks. */
static size_t check_html(const sou_hl_terms *t, const char *text, const char *html)
{
    sou_hl_result r;
    ck_assert_int_eq(sou_highlight_whole(t, text, strlen(text), &r), 0);
    ck_assert_str_eq(r.html, html);
    check_marks(&r);
    size_t n = r.n_marks;
    sou_hl_result_destroy(&r);
    return n;
}

START_TEST(merge_overlapping)
{
    sou_hl_terms *t = terms("参保", "保地", NULL);
    sou_hl_result r;
    const char *text = "怎么修改参保地的方法";
    ck_assert_int_eq(sou_highlight_whole(t, text, strlen(text), &r), 0);
    ck_assert_str_eq(r.html, "怎么修改<mark>参保地</mark>的方法");
    ck_assert_str_eq(r.text, text);
    ck_assert_uint_eq(r.n_marks, 1);
    ck_assert_uint_eq(r.marks[0][0], 4);
    ck_assert_uint_eq(r.marks[0][1], 7);
    check_marks(&r);
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
}
END_TEST

START_TEST(merge_adjacent)
{
    sou_hl_terms *t = terms("医保", "参保", NULL);
    check_html(t, "天津医保参保人", "天津<mark>医保参保</mark>人");
    sou_hl_terms_free(t);
}
END_TEST

START_TEST(no_stray_single_characters)
{
    /* 参 and 保 alone are one-character runs (unigram tokens): a query of
     * bigrams must not light them up. */
    sou_hl_terms *t = terms("参保", NULL);
    check_html(t, "参，保，参保。", "参，保，<mark>参保</mark>。");
    sou_hl_terms_free(t);
}
END_TEST

START_TEST(unigram_when_asked)
{
    sou_hl_terms *t = terms("牙", NULL);
    ck_assert_uint_eq(check_html(t, "看牙医，牙。", "看<mark>牙</mark>医，<mark>牙</mark>。"), 2);
    sou_hl_terms_free(t);
}
END_TEST

START_TEST(folding_width_and_script)
{
    sou_hl_terms *t = terms("app", "医保", NULL);
    sou_hl_result r;
    const char *text = "下載ＡＰＰ查醫保";
    ck_assert_int_eq(sou_highlight_whole(t, text, strlen(text), &r), 0);
    ck_assert_str_eq(r.html, "下載<mark>ＡＰＰ</mark>查<mark>醫保</mark>");
    ck_assert_uint_eq(r.marks[0][0], 2);
    ck_assert_uint_eq(r.marks[0][1], 5);
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
}
END_TEST

START_TEST(escaping)
{
    sou_hl_terms *t = terms("医保", NULL);
    sou_hl_result r;
    const char *text = "<script>alert('x')&\"</script>医保";
    ck_assert_int_eq(sou_highlight_whole(t, text, strlen(text), &r), 0);
    ck_assert_str_eq(r.html, "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;<mark>医保</mark>");
    ck_assert_str_eq(r.text, text);
    ck_assert_uint_eq(r.marks[0][0], nchars("<script>alert('x')&\"</script>"));
    sou_hl_result_destroy(&r);
    ck_assert_int_eq(sou_highlight_passages(t, text, strlen(text), 2, 100, &r), 0);
    ck_assert_ptr_null(strstr(r.html, "<script"));
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
}
END_TEST

static char *repeat(const char *unit, int n)
{
    size_t ul = strlen(unit);
    char *s = malloc(ul * n + 1);
    for (int i = 0; i < n; i++)
        memcpy(s + ul * i, unit, ul);
    s[ul * n] = '\0';
    return s;
}

START_TEST(limit_in_characters)
{
    /* 600 CJK characters without punctuation, the match in the middle. */
    char *a = repeat("天地玄黄宇宙洪荒", 40), *b = repeat("日月盈昃辰宿列张", 40);
    char *text = malloc(strlen(a) + strlen(b) + 16);
    sprintf(text, "%s参保地%s", a, b);
    sou_hl_terms *t = terms("参保", "保地", NULL);
    sou_hl_result r;
    ck_assert_int_eq(sou_highlight_passages(t, text, strlen(text), 1, 50, &r), 0);
    /* at most 50 characters plus an ellipsis at each end */
    ck_assert_uint_le(nchars(r.text), 52);
    ck_assert_uint_ge(nchars(r.text), 40);
    ck_assert(strncmp(r.text, "…", 3) == 0);
    ck_assert(strcmp(r.text + strlen(r.text) - 3, "…") == 0);
    ck_assert_ptr_nonnull(strstr(r.html, "<mark>参保地</mark>"));
    ck_assert_uint_eq(r.n_marks, 1);
    char buf[64];
    ck_assert_str_eq(substr_chars(r.text, r.marks[0][0], r.marks[0][1], buf, sizeof buf), "参保地");
    check_marks(&r);
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
    free(a);
    free(b);
    free(text);
}
END_TEST

START_TEST(sentence_cuts)
{
    const char *text = "第一句话没有任何内容。第二句讲的是医保的报销。第三句也没有什么可说的东西，真的很长很长很长很长很长很长很长很长很长很长很长很长。";
    sou_hl_terms *t = terms("报销", NULL);
    sou_hl_result r;
    ck_assert_int_eq(sou_highlight_passages(t, text, strlen(text), 1, 30, &r), 0);
    /* starts at the sentence, ends at its full stop: no ellipsis needed */
    ck_assert_str_eq(r.text, "第二句讲的是医保的报销。");
    ck_assert_str_eq(r.html, "第二句讲的是医保的<mark>报销</mark>。");
    ck_assert_uint_eq(r.marks[0][0], 9);
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
}
END_TEST

START_TEST(best_passages_in_text_order)
{
    const char *text = "甲地医保。乙地天气很好。丙地报销流程。丁地没有内容。戊地医保报销都可以。";
    sou_hl_terms *t = terms("医保", "报销", NULL);
    sou_hl_result r;
    ck_assert_int_eq(sou_highlight_passages(t, text, strlen(text), 2, 10, &r), 0);
    /* the passage with both terms wins; the second keeps text order */
    ck_assert_ptr_nonnull(strstr(r.text, "戊地医保报销都可以。"));
    ck_assert_ptr_nonnull(strstr(r.text, " … "));
    ck_assert_ptr_null(strstr(r.text, "乙地"));
    ck_assert_ptr_nonnull(strstr(r.html, "<mark>医保报销</mark>"));
    check_marks(&r);
    char buf[64];
    for (size_t i = 0; i < r.n_marks; i++) {
        substr_chars(r.text, r.marks[i][0], r.marks[i][1], buf, sizeof buf);
        ck_assert(!strcmp(buf, "医保") || !strcmp(buf, "报销") || !strcmp(buf, "医保报销"));
    }
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
}
END_TEST

START_TEST(no_match_gives_opening)
{
    const char *text = "  开头的一句话。后面还有别的。";
    sou_hl_terms *t = terms("医保", NULL);
    sou_hl_result r;
    ck_assert_int_eq(sou_highlight_passages(t, text, strlen(text), 2, 100, &r), 0);
    ck_assert_str_eq(r.text, "开头的一句话。后面还有别的。");
    ck_assert_uint_eq(r.n_marks, 0);
    sou_hl_result_destroy(&r);
    ck_assert_int_eq(sou_highlight_passages(t, text, strlen(text), 0, 100, &r), 0);
    ck_assert_str_eq(r.html, "");
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
}
END_TEST

START_TEST(whitespace_collapsed_in_passages)
{
    const char *text = "医保\n\n  报销\t流程";
    sou_hl_terms *t = terms("医保", "报销", NULL);
    sou_hl_result r;
    ck_assert_int_eq(sou_highlight_passages(t, text, strlen(text), 1, 100, &r), 0);
    ck_assert_str_eq(r.text, "医保 报销 流程");
    ck_assert_uint_eq(r.marks[1][0], 3);
    sou_hl_result_destroy(&r);
    ck_assert_int_eq(sou_highlight_whole(t, text, strlen(text), &r), 0);
    ck_assert_str_eq(r.text, text);
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
}
END_TEST

START_TEST(empty_and_invalid_text)
{
    sou_hl_terms *t = terms("医保", NULL);
    sou_hl_result r;
    ck_assert_int_eq(sou_highlight_passages(t, "", 0, 2, 100, &r), 0);
    ck_assert_str_eq(r.html, "");
    ck_assert_str_eq(r.text, "");
    sou_hl_result_destroy(&r);
    ck_assert_int_eq(sou_highlight_whole(t, NULL, 0, &r), 0);
    ck_assert_str_eq(r.html, "");
    sou_hl_result_destroy(&r);
    const char *bad = "\xff医\xfe保\xe5\x8c";
    ck_assert_int_eq(sou_highlight_whole(t, bad, strlen(bad), &r), 0);
    ck_assert(valid_utf8(r.html, r.html_len));
    ck_assert_str_eq(r.text, "医保");
    sou_hl_result_destroy(&r);
    ck_assert_int_eq(sou_highlight_passages(t, bad, strlen(bad), 2, 10, &r), 0);
    check_marks(&r);
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
}
END_TEST

START_TEST(empty_term_set)
{
    sou_hl_terms *t = sou_hl_terms_new();
    sou_hl_result r;
    ck_assert_int_eq(sou_highlight_whole(t, "医保", strlen("医保"), &r), 0);
    ck_assert_str_eq(r.html, "医保");
    sou_hl_result_destroy(&r);
    ck_assert_uint_eq(sou_hl_terms_count(t), 0);
    ck_assert_int_eq(sou_hl_terms_add(t, "医保", 6), 0);
    ck_assert_int_eq(sou_hl_terms_add(t, "医保", 6), 0);
    ck_assert_uint_eq(sou_hl_terms_count(t), 1);
    sou_hl_terms_free(t);
    sou_hl_terms_free(NULL);
}
END_TEST

START_TEST(long_text)
{
    /* 200 KB with a match every sentence: passages stay within bounds. */
    char *text = repeat("这是一段很普通的句子，其中提到医保报销的流程和材料。", 3000);
    sou_hl_terms *t = terms("医保", "报销", "材料", NULL);
    sou_hl_result r;
    ck_assert_int_eq(sou_highlight_passages(t, text, strlen(text), 3, 100, &r), 0);
    ck_assert_uint_le(nchars(r.text), 3 * 100 + 2 * 3 + 2);
    ck_assert_uint_ge(r.n_marks, 6);
    check_marks(&r);
    sou_hl_result_destroy(&r);
    ck_assert_int_eq(sou_highlight_whole(t, text, strlen(text), &r), 0);
    ck_assert_uint_eq(r.n_marks, 3000 * 2);
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
    free(text);
}
END_TEST

/* A word of three characters marks only where it is whole: 结婚证, never
 * 婚证 in 离婚证; folded (結婚證) it still is; across a break it is not. */
START_TEST(whole_words_only)
{
    sou_hl_terms *t = terms("结婚证", NULL);
    const char *text = "离婚证和結婚證，结婚。证";
    ck_assert_uint_eq(check_html(t, text, "离婚证和<mark>結婚證</mark>，结婚。证"), 1);
    /* the word at the text's start and end, and twice overlapping a stray half */
    check_html(t, "结婚证结婚证婚证结婚", "<mark>结婚证结婚证</mark>婚证结婚");
    sou_hl_terms_free(t);
    /* a bigram the query also has alone is marked anywhere */
    t = terms("结婚证", "婚证", NULL);
    check_html(t, text, "离<mark>婚证</mark>和<mark>結婚證</mark>，结婚。证");
    sou_hl_terms_free(t);
    /* of several tokens but not one word (医保 app): each token alone */
    t = terms("医保app", NULL);
    check_html(t, "下载app看医保", "下载<mark>app</mark>看<mark>医保</mark>");
    sou_hl_terms_free(t);
}
END_TEST

static Suite *highlight_suite(void)
{
    Suite *s = suite_create("highlight");
    TCase *core = tcase_create("core");
    tcase_add_test(core, merge_overlapping);
    tcase_add_test(core, merge_adjacent);
    tcase_add_test(core, no_stray_single_characters);
    tcase_add_test(core, unigram_when_asked);
    tcase_add_test(core, folding_width_and_script);
    tcase_add_test(core, escaping);
    tcase_add_test(core, whole_words_only);
    suite_add_tcase(s, core);
    TCase *passages = tcase_create("passages");
    tcase_add_test(passages, limit_in_characters);
    tcase_add_test(passages, sentence_cuts);
    tcase_add_test(passages, best_passages_in_text_order);
    tcase_add_test(passages, no_match_gives_opening);
    tcase_add_test(passages, whitespace_collapsed_in_passages);
    tcase_add_test(passages, long_text);
    suite_add_tcase(s, passages);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, empty_and_invalid_text);
    tcase_add_test(errors, empty_term_set);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(highlight_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
