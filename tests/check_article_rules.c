/*
 * check_article_rules.c: the article format's footer and disclaimer rules
 * as data (article_rules.h): the built-in ones, a rules text of one's own,
 * every bad line, the reader applying them, and indexer --article-rules.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article_rules.h"
#include "reader.h"
#include "sou_testserver.h"

static int footer(const sou_article_rules *r, const char *line)
{
    return sou_article_rules_footer(r, line, strlen(line));
}

static int disclaimer(const sou_article_rules *r, const char *line)
{
    return sou_article_rules_disclaimer(r, line, strlen(line));
}

START_TEST(test_default_rules)
{
    const sou_article_rules *r = sou_article_rules_default();
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_eq(r, sou_article_rules_default()); /* parsed once, shared */
    ck_assert(footer(r, "社保网声明:资讯来源于网络,属作者个人观点"));
    ck_assert(footer(r, "免责声明:本站不对内容负责"));
    ck_assert(!footer(r, "医保参保地变更指参保人需准备……"));
    ck_assert(!footer(r, "本文社保网声明")); /* a prefix, not anywhere */
    ck_assert(disclaimer(r, "温馨提示:本数据仅供参考!具体需以当地有关法规为准!"));
    ck_assert(disclaimer(r, "(备注:数据仅供参考,以当地为准)"));
    ck_assert(disclaimer(r, "（备注：数据仅供参考）"));
    ck_assert(!disclaimer(r, "温馨提示:")); /* a heading: no 仅供参考 */
    ck_assert(!disclaimer(r, "以上数据仅供参考")); /* no listed prefix */
}
END_TEST

START_TEST(test_own_rules)
{
    static const char text[] = "# my site\n\n  footer\t本站声明  \r\ndisclaimer 广告 【广告】 [AD]\nfooter ----\n";
    char err[256] = "";
    sou_article_rules *r = sou_article_rules_parse(text, sizeof text - 1, "site.rules", err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert(footer(r, "本站声明:转载请注明"));
    ck_assert(footer(r, "-----------"));
    ck_assert(!footer(r, "社保网声明:资讯来源于网络")); /* the built-in rules are replaced */
    ck_assert(disclaimer(r, "【广告】点击领取"));
    ck_assert(disclaimer(r, "[AD] 广告位招租"));
    ck_assert(!disclaimer(r, "[AD] sale"));
    ck_assert(!disclaimer(r, "温馨提示:本数据仅供参考!"));
    sou_article_rules_free(r);

    r = sou_article_rules_parse("", 0, "empty.rules", err, sizeof err); /* no rules at all */
    ck_assert_ptr_nonnull(r);
    ck_assert(!footer(r, "社保网声明"));
    sou_article_rules_free(r);
}
END_TEST

static const struct {
    const char *text;
    size_t len; /* 0: strlen(text) */
    const char *message;
} bad[] = {
    {"footer\n", 0, "bad.rules:1: expected \"footer PREFIX\" or \"disclaimer NEEDLE PREFIX...\""},
    {"footer a b\n", 0, "bad.rules:1: expected"},
    {"# ok\nfooter x\nfrob x\n", 0, "bad.rules:3: expected"},
    {"disclaimer 仅供参考\n", 0, "bad.rules:1: expected"},
    {"footer a\nfooter \0b\n", 19, "bad.rules:2: NUL byte in line"},
};

START_TEST(test_bad_rules)
{
    char err[256] = "";
    size_t len = bad[_i].len ? bad[_i].len : strlen(bad[_i].text);
    ck_assert_ptr_null(sou_article_rules_parse(bad[_i].text, len, "bad.rules", err, sizeof err));
    ck_assert_msg(strncmp(err, bad[_i].message, strlen(bad[_i].message)) == 0, "got \"%s\"", err);
}
END_TEST

static const char article[] = "一篇文章的标题\n"
                              "2026-02-06 08:00:01本站\n"
                              "正文第一段。\n"
                              "【广告】点击领取\n"
                              "正文第二段。\n"
                              "本站声明:转载请注明出处\n"
                              "声明之后的文字\n";

START_TEST(test_reader_applies_rules)
{
    char err[256];
    static const char rules[] = "footer 本站声明\ndisclaimer 广告 【广告】\n";
    sou_article_rules *r = sou_article_rules_parse(rules, strlen(rules), "x", err, sizeof err);
    sou_doc *d;

    ck_assert_ptr_nonnull(r);
    d = sou_article_parse(article, strlen(article), "a1", "a1.txt", strlen(article), r);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(d->body, "正文第一段。\n正文第二段。");
    sou_doc_free(d);
    /* Without rules only the related-article list would end the article. */
    d = sou_article_parse(article, strlen(article), "a1", "a1.txt", strlen(article), NULL);
    ck_assert_ptr_nonnull(strstr(d->body, "本站声明"));
    ck_assert_ptr_nonnull(strstr(d->body, "【广告】"));
    sou_doc_free(d);
    sou_article_rules_free(r);
}
END_TEST

/* The indexer program: a good rules file is used, a bad one is a usage error. */
START_TEST(test_indexer_option)
{
    char *tmp = sou_test_tmpdir("article-rules"), db[4200], rules[4200], bad_rules[4200], input[4200];
    char indexer[4200], *err = NULL;
    FILE *f;

    snprintf(indexer, sizeof indexer, "%s/indexer", sou_test_bin_dir());
    snprintf(db, sizeof db, "%s/db", tmp);
    snprintf(rules, sizeof rules, "%s/site.rules", tmp);
    snprintf(bad_rules, sizeof bad_rules, "%s/bad.rules", tmp);
    snprintf(input, sizeof input, "%s/a1.txt", tmp);
    ck_assert_ptr_nonnull(f = fopen(rules, "w"));
    fputs("footer 本站声明\ndisclaimer 广告 【广告】\n", f);
    fclose(f);
    ck_assert_ptr_nonnull(f = fopen(bad_rules, "w"));
    fputs("footer 本站声明\nfooter\n", f);
    fclose(f);
    ck_assert_ptr_nonnull(f = fopen(input, "w"));
    fputs(article, f);
    fclose(f);
    {
        const char *argv[] = {indexer, "--quiet", "--db", db, "--article-rules", bad_rules, input, NULL};
        ck_assert_int_eq(sou_test_run(argv, NULL, &err), 2);
        ck_assert_ptr_nonnull(strstr(err, "bad.rules:2: expected"));
        free(err);
    }
    {
        const char *argv[] = {indexer, "--quiet", "--db", db, "--article-rules", "/nonexistent.rules", input, NULL};
        ck_assert_int_eq(sou_test_run(argv, NULL, &err), 2);
        ck_assert_ptr_nonnull(strstr(err, "--article-rules /nonexistent.rules: No such file"));
        free(err);
    }
    {
        const char *argv[] = {indexer, "--quiet", "--db", db, "--article-rules", rules, input, NULL};
        char sou[4200], *out = NULL;
        ck_assert_int_eq(sou_test_run(argv, NULL, NULL), 0);
        snprintf(sou, sizeof sou, "%s/sou", sou_test_bin_dir());
        const char *q[] = {sou, "--db", db, "--json", "转载请注明", NULL};
        ck_assert_int_eq(sou_test_run(q, &out, NULL), 0);
        ck_assert_ptr_nonnull(strstr(out, "\"total\":0")); /* the footer was not indexed */
        free(out);
    }
    sou_test_rmtree(tmp);
    free(tmp);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("article_rules");
    TCase *core = tcase_create("core"), *errors = tcase_create("errors");
    SRunner *sr;
    int failed;

    tcase_add_test(core, test_default_rules);
    tcase_add_test(core, test_own_rules);
    tcase_add_test(core, test_reader_applies_rules);
    tcase_add_test(core, test_indexer_option);
    tcase_add_loop_test(errors, test_bad_rules, 0, sizeof bad / sizeof bad[0]);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
