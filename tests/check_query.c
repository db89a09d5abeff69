/* check_query.c: query syntax, stopwords and query building
 * (searchd/search/query_parse.h, stopwords.h, query_build.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "numerals.h"
#include "query_build.h"
#include "query_parse.h"
#include "stopwords.h"

static void parse_ok(const char *q, sou_parsed_query *pq)
{
    sou_error err = {0};
    int rc = sou_query_parse(q, strlen(q), pq, &err);
    ck_assert_msg(rc == 0, "parse \"%s\": %s", q, err.message);
}

/* Parsing q fails with SOU_EBADREQUEST and a message containing want. */
static void parse_bad(const char *q, size_t len, const char *want)
{
    sou_parsed_query pq;
    sou_error err = {0};
    ck_assert_int_eq(sou_query_parse(q, len, &pq, &err), -1);
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
    ck_assert_msg(strstr(err.message, want) != NULL, "message \"%s\" lacks \"%s\"", err.message, want);
    sou_parsed_query_destroy(&pq);
}

START_TEST(parse_plain)
{
    sou_parsed_query pq;
    parse_ok("天津看牙能用医保报销吗", &pq);
    ck_assert_uint_eq(pq.n, 1);
    ck_assert_int_eq(pq.items[0].kind, SOU_QITEM_TEXT);
    ck_assert_str_eq(pq.items[0].text, "天津看牙能用医保报销吗");
    ck_assert_str_eq(pq.date_from, "");
    sou_parsed_query_destroy(&pq);
}
END_TEST

START_TEST(parse_operators)
{
    sou_parsed_query pq;
    parse_ok("医保 \"参保地\" -兰州 -\"手机 激活\" title:激活 date:2025-01-01..2026-02-06", &pq);
    ck_assert_uint_eq(pq.n, 5);
    ck_assert_int_eq(pq.items[0].kind, SOU_QITEM_TEXT);
    ck_assert_str_eq(pq.items[0].text, "医保");
    ck_assert_int_eq(pq.items[1].kind, SOU_QITEM_PHRASE);
    ck_assert_str_eq(pq.items[1].text, "参保地");
    ck_assert_int_eq(pq.items[2].kind, SOU_QITEM_EXCLUDE);
    ck_assert_str_eq(pq.items[2].text, "兰州");
    ck_assert_int_eq(pq.items[3].kind, SOU_QITEM_EXCLUDE);
    ck_assert_str_eq(pq.items[3].text, "手机 激活");
    ck_assert_int_eq(pq.items[4].kind, SOU_QITEM_TITLE);
    ck_assert_str_eq(pq.items[4].text, "激活");
    ck_assert_str_eq(pq.date_from, "20250101");
    ck_assert_str_eq(pq.date_to, "20260206");
    sou_parsed_query_destroy(&pq);
}
END_TEST

START_TEST(parse_cjk_quotes_and_width)
{
    sou_parsed_query pq;
    parse_ok("“参保地” 「醫保」 ｔｉｔｌｅ：医保 －兰州 \"unterminated phrase", &pq);
    ck_assert_uint_eq(pq.n, 5);
    ck_assert_int_eq(pq.items[0].kind, SOU_QITEM_PHRASE);
    ck_assert_str_eq(pq.items[0].text, "参保地");
    ck_assert_int_eq(pq.items[1].kind, SOU_QITEM_PHRASE);
    ck_assert_str_eq(pq.items[1].text, "医保"); /* traditional folded */
    ck_assert_int_eq(pq.items[2].kind, SOU_QITEM_TITLE);
    ck_assert_str_eq(pq.items[2].text, "医保");
    ck_assert_int_eq(pq.items[3].kind, SOU_QITEM_EXCLUDE);
    ck_assert_int_eq(pq.items[4].kind, SOU_QITEM_PHRASE);
    ck_assert_str_eq(pq.items[4].text, "unterminated phrase");
    sou_parsed_query_destroy(&pq);
}
END_TEST

START_TEST(parse_lone_dash_and_inner_dash)
{
    sou_parsed_query pq;
    parse_ok("covid-19 - 疫苗", &pq);
    ck_assert_uint_eq(pq.n, 3);
    ck_assert_int_eq(pq.items[0].kind, SOU_QITEM_TEXT);
    ck_assert_str_eq(pq.items[0].text, "covid-19");
    ck_assert_int_eq(pq.items[1].kind, SOU_QITEM_TEXT);
    ck_assert_int_eq(pq.items[2].kind, SOU_QITEM_TEXT);
    sou_parsed_query_destroy(&pq);
}
END_TEST

static const struct {
    const char *q, *from, *to;
} DATES[] = {
    {"date:2025..", "20250101", ""},
    {"date:..2026-02", "", "20260228"},
    {"date:2024-02", "20240201", "20240229"},
    {"date:2025", "20250101", "20251231"},
    {"date:2025-1-5..2025-1-5", "20250105", "20250105"},
    {"date:2000-02-29..", "20000229", ""},
    {"date:2020..2030 date:2025..2026", "20250101", "20261231"}, /* intersection */
};

START_TEST(parse_dates)
{
    sou_parsed_query pq;
    parse_ok(DATES[_i].q, &pq);
    ck_assert_str_eq(pq.date_from, DATES[_i].from);
    ck_assert_str_eq(pq.date_to, DATES[_i].to);
    ck_assert_uint_eq(pq.n, 0);
    sou_parsed_query_destroy(&pq);
}
END_TEST

static const char *const BAD_DATES[] = {
    "date:2025-13-01", "date:2025-02-30", "date:1900-02-29", "date:abc", "date:..", "date:",
    "date:2025-01-01..x", "date:20250101", "date:2025-01-01-",
};

START_TEST(parse_bad_dates)
{
    parse_bad(BAD_DATES[_i], strlen(BAD_DATES[_i]), "date:");
}
END_TEST

START_TEST(parse_errors)
{
    parse_bad("", 0, "empty query");
    parse_bad("   \t ", 5, "empty query");
    parse_bad("\"\"", 2, "empty query");
    parse_bad("医保 title:", strlen("医保 title:"), "title:");
    parse_bad("date:2026..2025", strlen("date:2026..2025"), "range is empty");
    parse_bad("ab\xff", 3, "invalid UTF-8 at byte 2");
    parse_bad("a\0b", 3, "invalid UTF-8 at byte 1");
    char *big = malloc(3 * 1001 + 1);
    for (int i = 0; i < 1001; i++)
        memcpy(big + 3 * i, "医", 3);
    parse_bad(big, 3 * 1001, "at most 1000");
    free(big);
    sou_error err = {0};
    sou_parsed_query pq;
    ck_assert_int_eq(sou_query_parse(NULL, 0, &pq, &err), -1);
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
}
END_TEST

/* ------------------------------------------------------------ stopwords */

/* The process-wide lexicon (jieba's words): what searchd segments with. */
static sou_query_env query_env(void)
{
    sou_error err = {0};
    sou_query_env env = {sou_search_lexicon(&err), NULL, NULL, NULL};
    ck_assert_msg(env.lex != NULL, "%s", err.message);
    return env;
}

/* The lexicon and the synonym table syn (borrowed, checked). */
static sou_query_env synonym_env(const json_t *syn)
{
    ck_assert_ptr_nonnull(syn);
    sou_query_env env = query_env();
    env.synonyms = syn;
    return env;
}

/* q parsed and built in env (its synonyms, if any), both checked. */
static void build_in(const sou_query_env *env, const char *q, sou_parsed_query *pq, sou_built_query *bq)
{
    sou_error err = {0};
    parse_ok(q, pq);
    int rc = sou_query_build(env, pq, NULL, bq, &err);
    ck_assert_msg(rc == 0, "build \"%s\": %s", q, err.message);
}

/* q parsed and built with the lexicon alone. */
static void build_ok(const char *q, sou_parsed_query *pq, sou_built_query *bq)
{
    sou_query_env env = query_env();
    build_in(&env, q, pq, bq);
    ck_assert_ptr_nonnull(bq->query);
}

static int has_str(const json_t *a, const char *s);

/* Questions whose words the ranking must get right: the terms searched
 * (" "-separated; "!x" must NOT be searched) and the words dropped. */
static const struct {
    const char *q, *terms, *dropped;
} WORDS[] = {
    /* 怎么 goes, 办理 stays whole (a substring list ate 办 and searched 理居) */
    {"怎么办理居住证", "办理 居住 住证 !理 !办", "怎么"},
    {"残疾人证怎么办理", "残疾 疾人 人证 办理 !理", "怎么"},
    /* 能 and 用 are function words of their own; no 用医 across them */
    {"能用医保吗", "医保 !用医 !能用 !保吗", "能,用,吗"},
    /* 了解 and 目的 are words: their 了 and 的 are not stopwords */
    {"如何了解医保的目的", "了解 医保 目的", "如何,的"},
    {"岳阳医保能报销哪些费用", "岳阳 医保 报销 费用 !些费 !保能", "能,哪些"},
    /* traditional script segments as its simplified form */
    {"醫療事故怎麼賠償", "医疗 疗事 事故 赔偿", "怎么"},
    /* 怎么办 ending a question goes whole; before a word it is 怎么 + 办 */
    {"房产证怎么办", "房产 产证 !办", "怎么办"},
    {"怎么办房产证", "办房 房产 产证", "怎么"},
    /* an unknown word left as characters keeps its bigram */
    {"意定监护", "意定 监护", ""},
    /* 号 is no function character: 摇/号 is such a word (号 of 5月1号 follows a digit) */
    {"买房摇号要公证吗", "摇号 公证", "要,吗"},
    /* colloquial question words go as the standard ones do */
    {"老板不发工资咋办", "老板 工资 !咋办 !资咋", "咋办"},
    {"社保卡怎么弄", "社保 保卡 !么弄 !怎么", "怎么弄"},
    {"工伤认定需要多长时间", "工伤 认定 需要 !多长 !长时", "多长时间"},
};

START_TEST(query_words)
{
    sou_parsed_query pq;
    sou_built_query bq;
    build_ok(WORDS[_i].q, &pq, &bq);
    char list[256];
    snprintf(list, sizeof list, "%s", WORDS[_i].terms);
    for (char *save = NULL, *t = strtok_r(list, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (t[0] == '!')
            ck_assert_msg(!has_str(bq.terms, t + 1), "%s: %s searched", WORDS[_i].q, t + 1);
        else
            ck_assert_msg(has_str(bq.terms, t), "%s: %s not searched", WORDS[_i].q, t);
    }
    char joined[256] = "";
    size_t i;
    json_t *v;
    json_array_foreach(bq.dropped, i, v)
    {
        if (i)
            strcat(joined, ",");
        strcat(joined, json_string_value(v));
    }
    ck_assert_str_eq(joined, WORDS[_i].dropped);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
}
END_TEST

/* A bigram across two words ranks but is not marked: 激活医保卡 searches 活医
 * (the words' adjacency) but must not mark 激活医 in 激活医疗保险.  A lone
 * negation is a word of its own: 打官司|没|钱 must not mark 公【司没】有. */
static const struct {
    const char *q, *junction, *word;
} JUNCTIONS[] = {
    {"激活医保卡", "活医", "激活"},
    {"打官司没钱", "司没", "打官司"},
    /* a negation starts what it negates: 钱|不|还 is no word 钱不 */
    {"捡到钱不还犯法吗", "钱不", "犯法"},
    /* and is no word with what it negates: 没|留 (没留 is in no law: it was
     * searched at full weight and shown as 缺少：没留) */
    {"父母没留遗嘱", "没留", "遗嘱"},
};

/* 1 if description d searches junction j as one: at half weight, alone or
 * beside its words. */
static int searched_as_junction(const char *d, const char *j)
{
    char weighed[64], beside[64];
    snprintf(weighed, sizeof weighed, "0.5 * %s@", j);
    snprintf(beside, sizeof beside, "0.5 * (%s@", j);
    return strstr(d, weighed) || strstr(d, beside);
}

START_TEST(junction_not_marked)
{
    sou_parsed_query pq;
    sou_built_query bq;
    const char *q = JUNCTIONS[_i].q;
    build_ok(q, &pq, &bq);
    ck_assert_msg(has_str(bq.terms, JUNCTIONS[_i].junction), "%s: %s not searched", q, JUNCTIONS[_i].junction);
    int marks_junction = 0, marks_word = 0;
    for (size_t i = 0; i < bq.n_hl; i++) {
        marks_junction |= !strcmp(bq.hl_terms[i], JUNCTIONS[_i].junction);
        marks_word |= !strcmp(bq.hl_terms[i], JUNCTIONS[_i].word);
    }
    ck_assert_msg(!marks_junction, "%s: %s marked", q, JUNCTIONS[_i].junction);
    ck_assert_msg(marks_word, "%s: %s not marked", q, JUNCTIONS[_i].word);
    char *d = sx_query_describe(bq.query);
    ck_assert_msg(searched_as_junction(d, JUNCTIONS[_i].junction), "%s: %s not a junction: %s", q,
                  JUNCTIONS[_i].junction, d);
    free(d);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
}
END_TEST

/* A character with synonyms of its own (退 => 退货, 补 => 补办) is a word:
 * the bigram out of it into a longer word is a junction, 购退 of 网|购|退
 * (网购 a word of the synonym table) and 补身 of 补|身份证, not part of a
 * word the lexicon lacks (searched whole, 购退 found 回购退耕).  So is the
 * bigram out of a word the synonym table joined from a word and a character
 * (社工|证 of 社工证考试: 证考 was searched whole and marked in 驾驶证考试). */
START_TEST(junction_of_a_synonym_word)
{
    static const char *const Q[][2] = {{"网购退", "购退"}, {"补身份证", "补身"}, {"社工证考试", "证考"}};
    json_t *syn = json_pack("{s:[s],s:[s],s:[s],s:[s]}", "网购", "网上购物", "退", "退货", "补", "补办", "社工证",
                            "社会工作者职业资格");
    sou_query_env env = synonym_env(syn);
    for (size_t k = 0; k < sizeof Q / sizeof *Q; k++) {
        sou_parsed_query pq;
        sou_built_query bq;
        build_in(&env, Q[k][0], &pq, &bq);
        char *d = sx_query_describe(bq.query);
        ck_assert_msg(searched_as_junction(d, Q[k][1]), "%s: %s not a junction: %s", Q[k][0], Q[k][1], d);
        free(d);
        sou_built_query_destroy(&bq);
        sou_parsed_query_destroy(&pq);
    }
    json_decref(syn);
}
END_TEST

/* Inside a question a character with synonyms stands for the senses they
 * list: 退 of 火车票怎么退 is 退 or 退票, not every word that starts with 退
 * (退休, 退耕: a wildcard); the query 退 alone still is that wildcard. */
START_TEST(synonym_character_not_expanded)
{
    json_t *syn = json_pack("{s:[s]}", "退", "退票");
    sou_query_env env = synonym_env(syn);
    sou_parsed_query pq;
    sou_built_query bq;
    build_in(&env, "火车票怎么退", &pq, &bq);
    char *d = sx_query_describe(bq.query);
    ck_assert_msg(strstr(d, "退@") && strstr(d, "退票") && !strstr(d, "WILDCARD"), "%s", d);
    free(d);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
    build_in(&env, "退", &pq, &bq);
    d = sx_query_describe(bq.query);
    ck_assert_msg(strstr(d, "WILDCARD"), "%s", d);
    free(d);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
    json_decref(syn);
}
END_TEST

/* A stopword that starts a key of the synonym table is part of that word:
 * the segmenter cuts 个税 into 个|税 and 年假 into 年|假, and 个 and 年 alone
 * are function characters; dropped first, they left 税 and 假 searched alone
 * and the keys never matched. */
START_TEST(stopword_starting_a_synonym)
{
    static const char *const Q[][2] = {{"个税怎么算", "个税"}, {"年假有几天", "年假"}};
    json_t *syn = json_pack("{s:[s],s:[s]}", "个税", "个人所得税", "年假", "年休假");
    sou_query_env env = synonym_env(syn);
    for (size_t k = 0; k < sizeof Q / sizeof *Q; k++) {
        sou_parsed_query pq;
        sou_built_query bq;
        build_in(&env, Q[k][0], &pq, &bq);
        ck_assert_msg(json_object_get(bq.synonyms, Q[k][1]), "%s: no synonyms of %s", Q[k][0], Q[k][1]);
        ck_assert_msg(!has_str(bq.dropped, "个") && !has_str(bq.dropped, "年"), "%s: a character of %s dropped",
                      Q[k][0], Q[k][1]);
        sou_built_query_destroy(&bq);
        sou_parsed_query_destroy(&pq);
    }
    json_decref(syn);
}
END_TEST

/* 遗产继承顺序: the bigrams across two words (产继, 承顺) count half, and
 * only beside a bigram of their words: they matched by chance (财产继续) in
 * a long judicial interpretation and ranked it first. */
START_TEST(query_junctions_weigh_less)
{
    sou_query_env env = query_env();
    sou_parsed_query pq;
    sou_built_query bq;
    sou_error err = {0};
    ck_assert_int_eq(sou_query_parse("遗产继承顺序", strlen("遗产继承顺序"), &pq, &err), 0);
    ck_assert_int_eq(sou_query_build(&env, &pq, NULL, &bq, &err), 0);
    char *d = sx_query_describe(bq.query);
    ck_assert_ptr_nonnull(strstr(d, "0.5 * (产继@2 FILTER ((遗产@1 PHRASE 2 产继@2) OR (产继@2 PHRASE 2 继承@3)"));
    ck_assert_ptr_nonnull(strstr(d, "0.5 * (承顺@4 FILTER ((继承@3 PHRASE 2 承顺@4) OR (承顺@4 PHRASE 2 顺序@5)"));
    ck_assert_ptr_null(strstr(d, "0.5 * 遗产"));
    ck_assert_ptr_nonnull(strstr(d, "遗产"));
    free(d);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
}
END_TEST

/* The audience words in either script (audience.h), and none in a title
 * without them: 外国 alone (外国企业) names no audience. */
START_TEST(audience_words)
{
#define S(x) x, strlen(x)
    ck_assert_uint_eq(sou_audiences(S("机动车驾驶证初次申领(外国人申领)")), 1);
    ck_assert_uint_eq(sou_audiences(S("外國人就業許可")), 1);
    ck_assert_uint_eq(sou_audiences(S("臺灣居民來往大陸通行證")), 2);
    ck_assert_uint_eq(sou_audiences(S("香港、澳门律师事务所联营")), 2);
    ck_assert_uint_eq(sou_audiences(S("華僑回國定居")), 4);
    ck_assert_uint_eq(sou_audiences(S("归侨侨眷权益保护法 港澳台")), 6);
    ck_assert_uint_eq(sou_audiences(S("外国企业常驻代表机构登记")), 0);
    ck_assert_uint_eq(sou_audiences(S("颱風預警")), 0);
    ck_assert_uint_eq(sou_audiences(S("公司设立登记")), 0);
    ck_assert_uint_eq(sou_audiences(S("机关事业单位养老保险个人账户一次性待遇申领")), 8);
    ck_assert_uint_eq(sou_audiences(S("行政機關公務員處分條例")), 8);
    ck_assert_uint_eq(sou_audiences(S("企业职工一次性养老保险待遇申领")), 0);
    ck_assert_uint_eq(sou_audiences(S("行政机关执法证件管理")), 0); /* an office, not an audience */
    ck_assert_uint_eq(sou_audiences(S("现役军人和人民武装警察居民身份证申领发放办法")), 16);
    ck_assert_uint_eq(sou_audiences(S("中国人民解放军选举全国人民代表大会代表的办法")), 16);
    ck_assert_uint_eq(sou_audiences(S("联赛冠军")), 0);
    ck_assert_uint_eq(sou_audiences("", 0), 0);
#undef S
}
END_TEST

START_TEST(stopword_lookup)
{
    ck_assert(sou_is_stopword("什么", strlen("什么")));
    ck_assert(sou_is_stopword("吗", strlen("吗")));
    ck_assert(!sou_is_stopword("了解", strlen("了解")));
    ck_assert(!sou_is_stopword("医保", strlen("医保")));
    ck_assert(sou_is_negation("不", strlen("不")) && sou_is_negation("没", strlen("没")));
    ck_assert(!sou_is_negation("不是", strlen("不是")) && !sou_is_negation("还", strlen("还")));
}
END_TEST

/* ------------------------------------------------------------ building */

static int has_str(const json_t *a, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (!strcmp(json_string_value(v), s)) return 1;
    return 0;
}

static int collect_forms(const char *form, size_t len, void *ctx)
{
    strncat(ctx, form, len);
    strcat(ctx, " ");
    return 0;
}

/* d without the filters of its junctions ("X FILTER (...)" becomes "X"). */
static char *strip_filters(char *d)
{
    char *f;
    while ((f = strstr(d, " FILTER ("))) {
        char *e = f + strlen(" FILTER (");
        for (int depth = 1; *e && depth > 0; e++)
            depth += *e == '(' ? 1 : *e == ')' ? -1 : 0;
        memmove(f, e, strlen(e) + 1);
    }
    return d;
}

/* A number's Chinese forms, as a quantity (numerals.h). */
START_TEST(numeral_forms)
{
    static const struct {
        unsigned n;
        const char *zh;
    } ZH[] = {{1, "一"}, {10, "十"}, {12, "十二"}, {15, "十五"}, {20, "二十"}, {99, "九十九"},
              {100, "一百"}, {105, "一百零五"}, {110, "一百一十"}, {115, "一百一十五"}, {1005, "一千零五"},
              {1050, "一千零五十"}, {1500, "一千五百"}, {9999, "九千九百九十九"}};
    char out[48];
    for (size_t i = 0; i < sizeof ZH / sizeof ZH[0]; i++) {
        ck_assert_uint_eq(sou_numeral_zh(ZH[i].n, out, sizeof out), strlen(ZH[i].zh));
        ck_assert_str_eq(out, ZH[i].zh);
    }
    ck_assert_uint_eq(sou_numeral_zh(0, out, sizeof out), 0);
    ck_assert_uint_eq(sou_numeral_zh(10000, out, sizeof out), 0);
    ck_assert_uint_eq(sou_numeral_zh(15, out, 8), 0); /* too small */
    static const struct {
        const char *digits, *unit;
        int ordinal;
        const char *forms;
    } FORMS[] = {{"15", "年", 0, "十五年 "},       {"2", "年", 0, "二年 两年 "},   {"2", "条", 1, "二条 "},
                 {"20", "天", 0, "二十天 二十日 "},       {"200", "元", 0, "二百元 两百元 "}, {"2020", "年", 0, ""},
                 {"1500", "元", 0, "一千五百元 "}, {"015", "年", 0, ""},         {"12345", "元", 0, ""},
                 {"1a", "年", 0, ""},
                 {"15", "天", 0, "十五天 十五日 "}, {"16", "岁", 0, "十六岁 十六周岁 "},
                 {"2", "天", 0, "二天 二日 两天 两日 "}, {"2", "个", 0, "两个 "},
                 {"20", "个", 0, "二十个 "}};
    for (size_t i = 0; i < sizeof FORMS / sizeof FORMS[0]; i++) {
        char got[128] = "";
        ck_assert_int_eq(sou_numeral_forms(FORMS[i].digits, strlen(FORMS[i].digits), FORMS[i].unit,
                                           strlen(FORMS[i].unit), FORMS[i].ordinal, collect_forms, got),
                         0);
        ck_assert_msg(!strcmp(got, FORMS[i].forms), "%s%s: \"%s\", want \"%s\"", FORMS[i].digits, FORMS[i].unit,
                      got, FORMS[i].forms);
    }
}
END_TEST

/* A unit of several characters is the form's whole unit: 18周岁 is 十八周岁
 * and 8小时 八小时 (they were 十八周 and 八小, marked without their last
 * character), and the classifier 个 takes its noun: 6个月 is 六个月. */
START_TEST(numeral_unit_words)
{
    static const char *const Q[][3] = {{"年满18周岁才能结婚吗", "18", "十八周岁"},
                                       {"8小时工作制", "8", "八小时"},
                                       {"试用期超过6个月合法吗", "6", "六个月"},
                                       {"缴费满15年", "15", "十五年"}};
    sou_query_env env = query_env();
    for (size_t k = 0; k < sizeof Q / sizeof *Q; k++) {
        sou_parsed_query pq;
        sou_built_query bq;
        build_in(&env, Q[k][0], &pq, &bq);
        const json_t *forms = json_object_get(bq.synonyms, Q[k][1]);
        ck_assert_msg(json_array_size(forms) >= 1 && !strcmp(json_string_value(json_array_get(forms, 0)), Q[k][2]),
                      "%s: %s is not searched as %s", Q[k][0], Q[k][1], Q[k][2]);
        sou_built_query_destroy(&bq);
        sou_parsed_query_destroy(&pq);
    }
}
END_TEST

START_TEST(build_question)
{
    sou_parsed_query pq;
    sou_built_query bq;
    build_ok("岳阳医保能报销哪些费用", &pq, &bq);
    ck_assert(has_str(bq.terms, "岳阳"));
    ck_assert(has_str(bq.terms, "医保"));
    ck_assert(has_str(bq.terms, "报销"));
    ck_assert(has_str(bq.terms, "费用"));
    ck_assert(!has_str(bq.terms, "些费")); /* no bigram across a dropped word */
    ck_assert(!has_str(bq.terms, "保能"));
    ck_assert(has_str(bq.dropped, "能"));
    ck_assert(has_str(bq.dropped, "哪些"));
    char *d = sx_query_describe(bq.query);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(strstr(d, "OR"));
    ck_assert_ptr_nonnull(strstr(d, "S医保")); /* title boost */
    /* adjacency boosts are off by default: the only phrases are those
     * that place a junction beside its words (阳医 between 岳阳 and 医保) */
    ck_assert_ptr_nonnull(strstr(d, "0.5 * (阳医@2 FILTER ((岳阳@1 PHRASE 2 阳医@2) OR (阳医@2 PHRASE 2 医保@3)"));
    ck_assert_ptr_null(strstr(strip_filters(d), "PHRASE"));
    free(d);
    sou_built_query_destroy(&bq);
    /* with the adjacency boost on: PHRASE of consecutive bigrams, AND_MAYBE */
    sou_query_env env = query_env();
    sou_rank_params rp;
    sou_rank_params_init(&rp);
    rp.phrase_weight = 0.5;
    rp.title_weight = 0; /* and the title boosts off */
    rp.title_all_weight = 0;
    sou_error err = {0};
    ck_assert_int_eq(sou_query_build(&env, &pq, &rp, &bq, &err), 0);
    d = sx_query_describe(bq.query);
    ck_assert_ptr_nonnull(strstr(d, "AND_MAYBE"));
    ck_assert_ptr_nonnull(strstr(d, "(岳阳@1 PHRASE 2 阳医@2)")); /* 岳, 阳: unknown to jieba */
    ck_assert_ptr_null(strstr(d, "PHRASE 2 报销")); /* not adjacent in the query */
    ck_assert_ptr_null(strstr(strip_filters(d), "S医保"));
    free(d);
    sou_built_query_destroy(&bq);
    /* elite: only the rarest few body terms */
    sou_rank_params_init(&rp);
    rp.elite = 3;
    ck_assert_int_eq(sou_query_build(&env, &pq, &rp, &bq, &err), 0);
    d = sx_query_describe(bq.query);
    ck_assert_ptr_nonnull(strstr(d, "ELITE_SET 3"));
    free(d);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
}
END_TEST

START_TEST(build_traditional_question)
{
    sou_parsed_query pq;
    sou_built_query bq;
    build_ok("岳陽醫保能報銷哪些費用", &pq, &bq);
    ck_assert(has_str(bq.terms, "医保"));
    ck_assert(has_str(bq.terms, "报销"));
    ck_assert(has_str(bq.dropped, "哪些"));
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
    build_ok("為什麼天空是藍色的", &pq, &bq);
    ck_assert(has_str(bq.dropped, "为什么"));
    ck_assert(has_str(bq.terms, "天空"));
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
}
END_TEST

START_TEST(build_only_stopwords_falls_back)
{
    sou_parsed_query pq;
    sou_built_query bq;
    build_ok("什么是", &pq, &bq);
    ck_assert_uint_eq(json_array_size(bq.dropped), 0);
    ck_assert(has_str(bq.terms, "什么"));
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
}
END_TEST

START_TEST(build_short_queries)
{
    sou_parsed_query pq;
    sou_built_query bq;
    build_ok("民人", &pq, &bq);
    ck_assert_uint_eq(json_array_size(bq.terms), 1);
    ck_assert(has_str(bq.terms, "民人"));
    char *d = sx_query_describe(bq.query);
    ck_assert_ptr_null(strstr(d, "人民"));
    free(d);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);

    build_ok("牙", &pq, &bq);
    ck_assert_uint_eq(json_array_size(bq.terms), 1);
    ck_assert(has_str(bq.terms, "牙"));
    ck_assert_uint_eq(bq.n_hl, 1);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);

    build_ok("ＡＰＰ 12333", &pq, &bq);
    ck_assert(has_str(bq.terms, "app"));
    ck_assert(has_str(bq.terms, "12333"));
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
}
END_TEST

START_TEST(build_operators)
{
    sou_parsed_query pq;
    sou_built_query bq;
    build_ok("\"参保地\" -兰州 title:激活 date:2025..", &pq, &bq);
    ck_assert(has_str(bq.phrases, "参保地"));
    ck_assert(has_str(bq.excluded, "兰州"));
    ck_assert(has_str(bq.title_terms, "激活"));
    ck_assert_uint_eq(json_array_size(bq.terms), 0);
    char *d = sx_query_describe(bq.query);
    ck_assert_ptr_nonnull(strstr(d, "PHRASE"));
    ck_assert_ptr_nonnull(strstr(d, "AND_NOT"));
    ck_assert_ptr_nonnull(strstr(d, "S激活"));
    ck_assert_ptr_nonnull(strstr(d, "20250101000000"));
    free(d);
    /* excluded words are not highlighted; phrase and title words are */
    int saw_lanzhou = 0, saw_canbao = 0;
    for (size_t i = 0; i < bq.n_hl; i++) {
        saw_lanzhou |= !strcmp(bq.hl_terms[i], "兰州");
        saw_canbao |= !strcmp(bq.hl_terms[i], "参保");
    }
    ck_assert(!saw_lanzhou);
    ck_assert(saw_canbao);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);

    build_ok("-兰州", &pq, &bq); /* only an exclusion: everything else */
    d = sx_query_describe(bq.query);
    ck_assert_ptr_nonnull(strstr(d, "AND_NOT"));
    free(d);
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
}
END_TEST

START_TEST(build_nothing_searchable)
{
    sou_parsed_query pq;
    sou_built_query bq;
    sou_error err = {0};
    parse_ok("？！。", &pq);
    ck_assert_int_eq(sou_query_build(NULL, &pq, NULL, &bq, &err), -1);
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
    ck_assert_ptr_nonnull(strstr(err.message, "nothing searchable"));
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
    parse_ok("医保 \"。。\"", &pq);
    ck_assert_int_eq(sou_query_build(NULL, &pq, NULL, &bq, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "nothing searchable"));
    sou_built_query_destroy(&bq);
    sou_parsed_query_destroy(&pq);
}
END_TEST

START_TEST(error_helpers)
{
    sou_error err;
    ck_assert_int_eq(sou_error_set(&err, SOU_ENOTFOUND, "document \"%s\" not found", "x"), SOU_ENOTFOUND);
    ck_assert_str_eq(err.message, "document \"x\" not found");
    ck_assert_int_eq(sou_error_http_status(SOU_EBADREQUEST), 400);
    ck_assert_int_eq(sou_error_http_status(SOU_EUNAVAILABLE), 503);
    json_t *j = sou_error_json(&err);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "error"), "code")), 404);
    json_decref(j);
    /* a message cut inside a UTF-8 character still makes valid JSON */
    char big[400];
    for (int i = 0; i < 133; i++)
        memcpy(big + 3 * i, "医", 3);
    big[399] = '\0';
    sou_error_set(&err, SOU_EBADREQUEST, "x%s", big);
    j = sou_error_json(&err);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(json_object_get(j, "error"), "message")));
    ck_assert_uint_ge(strlen(json_string_value(json_object_get(json_object_get(j, "error"), "message"))), 250);
    json_decref(j);
    ck_assert_int_eq(sou_error_set(NULL, SOU_EINTERNAL, "ignored"), SOU_EINTERNAL);
}
END_TEST

static Suite *query_suite(void)
{
    Suite *s = suite_create("query");
    TCase *core = tcase_create("core");
    tcase_add_test(core, parse_plain);
    tcase_add_test(core, parse_operators);
    tcase_add_test(core, parse_cjk_quotes_and_width);
    tcase_add_test(core, parse_lone_dash_and_inner_dash);
    tcase_add_loop_test(core, parse_dates, 0, sizeof DATES / sizeof DATES[0]);
    tcase_add_loop_test(core, query_words, 0, sizeof WORDS / sizeof WORDS[0]);
    tcase_add_loop_test(core, junction_not_marked, 0, sizeof JUNCTIONS / sizeof JUNCTIONS[0]);
    tcase_add_test(core, junction_of_a_synonym_word);
    tcase_add_test(core, stopword_starting_a_synonym);
    tcase_add_test(core, synonym_character_not_expanded);
    tcase_add_test(core, query_junctions_weigh_less);
    tcase_add_test(core, stopword_lookup);
    tcase_add_test(core, audience_words);
    tcase_add_test(core, numeral_forms);
    tcase_add_test(core, numeral_unit_words);
    tcase_add_test(core, build_question);
    tcase_add_test(core, build_traditional_question);
    tcase_add_test(core, build_only_stopwords_falls_back);
    tcase_add_test(core, build_short_queries);
    tcase_add_test(core, build_operators);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_loop_test(errors, parse_bad_dates, 0, sizeof BAD_DATES / sizeof BAD_DATES[0]);
    tcase_add_test(errors, parse_errors);
    tcase_add_test(errors, build_nothing_searchable);
    tcase_add_test(errors, error_helpers);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    /* Loaded once here, the forked tests inherit the lexicon. */
    sou_error err = {0};
    if (!sou_search_lexicon(&err)) {
        fprintf(stderr, "check_query: %s\n", err.message);
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(query_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
