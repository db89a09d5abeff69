/* check_ranking.c: what issue 7 made of the answers, through sou_search over
 * an index built by the indexer program from documents made here: word-aware
 * queries, synonyms (the default list and a user file, both ways), a long law
 * cut into passages (the hit opens at its article), versions of a law and
 * copies of a guide shown as one hit, a place's regulation against the
 * national law, and the words that matched nothing. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_build.h"
#include "search.h"
#include "sou_testserver.h"
#include "title_key.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

static char *g_dir;
static char g_db[PATH_MAX], g_copies_db[PATH_MAX];
static sou_searcher *g_s;

/* An article of the test law: a few sentences of filler around a topic. */
static void put_article(FILE *f, int n, const char *topic)
{
    static const char *const CN[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    char num[32] = "";
    if (n >= 10)
        snprintf(num, sizeof num, "%s十%s", n / 10 > 1 ? CN[n / 10] : "", CN[n % 10]);
    else
        snprintf(num, sizeof num, "%s", CN[n]);
    fprintf(f, "第%s条 %s本条所称事项依照有关规定办理，相关部门应当依法履行职责，做好服务和管理工作。\\n", num,
            topic);
}

/* A law of 60 articles (about 3,500 characters: several passages), whose
 * 48th says what 遗产继承顺序 asks. */
static void put_law(FILE *f, const char *id, const char *title, const char *date, const char *extra)
{
    fprintf(f, "{\"id\":\"%s\",\"title\":\"%s\",\"date\":\"%s\",\"body\":\"", id, title, date);
    for (int i = 1; i <= 60; i++) {
        if (i == 48)
            fprintf(f, "第四十八条 遗产按照下列顺序继承：第一顺序为配偶、子女、父母；第二顺序为兄弟姐妹、祖父母、"
                       "外祖父母。%s\\n",
                    extra);
        else
            put_article(f, i, i % 7 == 0 ? "为了保障公民的合法权益，" : "");
    }
    fputs("\"}\n", f);
}

static int build(void)
{
    char in[PATH_MAX], syn[PATH_MAX];
    if (!(g_dir = sou_test_tmpdir("ranking")))
        return -1;
    snprintf(in, sizeof in, "%s/docs.jsonl", g_dir);
    snprintf(g_db, sizeof g_db, "%s/db", g_dir);
    FILE *f = fopen(in, "w");
    if (!f)
        return -1;
    put_law(f, "law_v1", "中华人民共和国测试继承法", "2015-03-01", "");
    put_law(f, "law_v2", "中华人民共和国测试继承法", "2021-01-01", "继承开始后，由第一顺序继承人继承。");
    fputs("{\"id\":\"yb_full\",\"title\":\"门诊费用结算\",\"body\":\"参加医疗保险的人员在定点医院看病，费用按规定结算。\"}\n"
          "{\"id\":\"yb_short\",\"title\":\"异地就医\",\"body\":\"用医保卡在外地看病前，先办理备案手续。\"}\n"
          "{\"id\":\"lawyer_prov\",\"title\":\"律师事务所设立许可\",\"body\":\"实施部门：广东省司法厅\\n办理地点：广州市白云区政民路51号\\n受理标准：申请设立普通合伙律师事务所，要有自己的名称、住所和章程，有书面合伙协议，有三名以上合伙人作为设立人。\"}\n"
          "{\"id\":\"lawyer_city\",\"title\":\"律师事务所设立许可\",\"body\":\"实施部门：广州市司法局\\n办理地点：广州市连新路31号\\n受理标准：申请设立普通合伙律师事务所，要有自己的名称、住所和章程，有书面合伙协议，有三名以上合伙人作为设立人。\"}\n"
          "{\"id\":\"lawyer_hk\",\"title\":\"香港、澳门律师事务所与广东境内律师事务所联营设立许可(香港、澳门律师事务所与广东境内律师事务所协议联营设立审核)\",\"body\":\"实施部门：广东省司法厅\\n受理标准：香港、澳门律师事务所与广东境内律师事务所联营，联营各方均为依法设立的律师事务所。\"}\n"
          "{\"id\":\"marry_again\",\"title\":\"补领结婚证预约\",\"body\":\"实施部门：民政厅\\n受理标准：当事人遗失婚姻登记证件的，可以到原登记机关申请补领。\"}\n"
          "{\"id\":\"vaccine\",\"title\":\"疫苗接种门诊信息查询\",\"body\":\"提供全省门诊的地址和开放时间。\"}\n"
          "{\"id\":\"marry\",\"title\":\"结婚登记预约\",\"body\":\"实施部门：民政厅\\n受理标准：男女双方自愿结婚，到婚姻登记处预约办理登记。\"}\n"
          "{\"id\":\"divorce\",\"title\":\"离婚登记预约\",\"body\":\"实施部门：民政厅\\n受理标准：男女双方自愿离婚，到婚姻登记处预约办理登记。\"}\n"
          "{\"id\":\"minor_nat\",\"title\":\"中华人民共和国测试未成年人保护法\",\"body\":\"学校应当建立学生欺凌防控工作制度，对学生开展防范欺凌的教育。\"}\n"
          "{\"id\":\"minor_sh\",\"title\":\"上海市测试未成年人保护条例\",\"body\":\"本市学校应当建立学生欺凌防控工作制度，对学生开展防范欺凌的教育和培训。\"}\n"
          "{\"id\":\"minor_zj\",\"title\":\"浙江省测试未成年人保护条例\",\"body\":\"本省学校应当建立学生欺凌防控工作制度，对学生开展防范欺凌的教育和培训。\"}\n"
          "{\"id\":\"tidy_nat\",\"title\":\"城市测试市容管理条例\",\"body\":\"临街建筑物的外墙应当保持整洁，不得在树木上悬挂广告牌。\"}\n"
          "{\"id\":\"tidy_jx\",\"title\":\"嘉兴市测试市容管理条例\",\"body\":\"本市临街建筑物的外墙应当保持整洁，不得在树木上悬挂广告牌。\"}\n"
          "{\"id\":\"stall_old\",\"title\":\"测试摊点经营条例\",\"date\":\"2016-02-06\",\"body\":\"第一条 经营摊点应当办理摊位登记，摊位登记免收费用。\"}\n"
          "{\"id\":\"stall_new\",\"title\":\"促进测试摊点发展条例\",\"date\":\"2022-10-01\",\"body\":\"第一条 为了扶持摊点发展，制定本条例。\\n第二条 本条例自2022年11月1日起施行。《测试摊点经营条例》同时废止。\"}\n"
          "{\"id\":\"kiosk_old\",\"title\":\"测试报亭管理条例\",\"date\":\"2015-07-01\",\"body\":\"第一条 报亭设置应当办理报亭登记，报亭登记免收费用。\"}\n"
          "{\"id\":\"kiosk_1993\",\"title\":\"测试报亭规划条例\",\"date\":\"2014-11-01\",\"body\":\"第一条 报亭规划。\\n第二条 本条例自公布之日起施行。1993年的《测试报亭管理条例》同时废止。\"}\n"
          "{\"id\":\"order_law\",\"title\":\"测试秩序法\",\"body\":\"第一条 扰乱公共秩序的，处警告或者罚款。\"}\n"
          "{\"id\":\"order_amend\",\"title\":\"测试秩序法修正案（二）\",\"date\":\"2020-12-26\",\"body\":\"将第一条修改为：扰乱公共秩序、聚众扰乱公共秩序的，处警告或者罚款。\"}\n"
          "{\"id\":\"order_rules\",\"title\":\"测试秩序法实施细则\",\"date\":\"2021-01-01\",\"body\":\"聚众扰乱公共秩序的认定，依照本细则。\"}\n"
          "{\"id\":\"licence_foreign\",\"title\":\"测试驾驶证申领(外国人申领)\",\"body\":\"外国人申领驾驶证应当提交护照和居留证件，并参加考试。\"}\n"
          "{\"id\":\"licence_home\",\"title\":\"测试驾驶证申领(大陆居民申领)\",\"body\":\"申领驾驶证应当提交身份证明，并参加考试。\"}\n"
          "{\"id\":\"dog\",\"title\":\"养犬管理\",\"body\":\"饲养的犬只造成他人损害的，动物饲养人或者管理人应当承担侵权责任，由饲养人负责赔偿。\"}\n"
          "{\"id\":\"pension_zh\",\"title\":\"测试养老保险办法\",\"body\":\"参保人员累计缴费满十五年的，按月领取养老金。\"}\n"
          "{\"id\":\"pension_few\",\"title\":\"测试养老保险须知\",\"body\":\"参保人员累计缴费满五年的，可以申请转移。\"}\n"
          "{\"id\":\"own_words\",\"title\":\"内部术语\",\"body\":\"丙丁流程按季度进行。\"}\n",
          f);
    fclose(f);
    const char *inputs[] = {in, NULL};
    if (sou_test_index(g_db, inputs) != 0)
        return -1;
    /* apart, since they would change which terms are common in the index
     * above: the seed articles (one Q&A template for several cities) and two
     * services whose titles differ in a word and whose bodies are one */
    char seeds[PATH_MAX], two[PATH_MAX];
    snprintf(seeds, sizeof seeds, "%s/corpus", sou_test_source_dir());
    snprintf(two, sizeof two, "%s/two.jsonl", g_dir);
    snprintf(g_copies_db, sizeof g_copies_db, "%s/copies", g_dir);
    if (!(f = fopen(two, "w")))
        return -1;
    fputs("{\"id\":\"resume_biz\",\"title\":\"复业登记\",\"body\":\"实施部门：税务局\\n受理标准：纳税人申请办理登记，提交申请表和有关证件。\"}\n"
          "{\"id\":\"pause_biz\",\"title\":\"停业登记\",\"body\":\"实施部门：税务局\\n受理标准：纳税人申请办理登记，提交申请表和有关证件。\"}\n"
          "{\"id\":\"rank_first\",\"title\":\"评比结果公告\",\"body\":\"本次评比全国第一的单位是甲厂。\"}\n"
          "{\"id\":\"by_chance\",\"title\":\"产业报告\",\"body\":\"我国第二产业发展较快。\"}\n",
          f);
    fclose(f);
    const char *copy_inputs[] = {seeds, two, NULL};
    if (sou_test_index(g_copies_db, copy_inputs) != 0)
        return -1;
    /* a user list beside the default one, written without re-indexing */
    snprintf(syn, sizeof syn, "%s/mine.txt", g_dir);
    if (!(f = fopen(syn, "w")))
        return -1;
    fputs("# a site's own words\n甲乙 => 丙丁\n", f);
    fclose(f);
    char bin[PATH_MAX], def[PATH_MAX];
    snprintf(bin, sizeof bin, "%s/indexer", sou_test_bin_dir());
    snprintf(def, sizeof def, "%s/indexer/synonyms.txt", sou_test_source_dir());
    const char *argv[] = {bin, "--quiet", "--db", g_db, "--synonyms", def, "--synonyms", syn, NULL};
    return sou_test_run(argv, NULL, NULL) == 0 ? 0 : -1;
}

static void setup(void)
{
    sou_error err = {0};
    g_s = sou_searcher_open(g_db, &err);
    ck_assert_msg(g_s != NULL, "%s", err.message);
}

static void teardown(void)
{
    sou_searcher_free(g_s);
}

static json_t *search_in(sou_searcher *s, const char *q, int collapse)
{
    sou_error err = {0};
    json_t *o = json_pack("{s:s,s:b}", "q", q, "collapse", collapse);
    json_t *a = sou_search(s, o, &err);
    json_decref(o);
    ck_assert_msg(a != NULL, "%s: %s", q, err.message);
    return a;
}

static json_t *search(const char *q, int collapse)
{
    return search_in(g_s, q, collapse);
}

/* A searcher of the index of the seed articles and the two services. */
static sou_searcher *open_copies(void)
{
    sou_error err = {0};
    sou_searcher *s = sou_searcher_open(g_copies_db, &err);
    ck_assert_msg(s != NULL, "%s", err.message);
    return s;
}

static const json_t *hit(const json_t *a, size_t i)
{
    return json_array_get(json_object_get(a, "hits"), i);
}

static const char *hit_id(const json_t *a, size_t i)
{
    return json_string_value(json_object_get(hit(a, i), "id"));
}

static int has_hit(const json_t *a, const char *id)
{
    for (size_t i = 0; i < json_array_size(json_object_get(a, "hits")); i++)
        if (!strcmp(hit_id(a, i), id))
            return 1;
    return 0;
}

/* The first hit of a is rep, standing for member alone (its "similar"),
 * which is no hit of its own. */
static void first_stands_for(const json_t *a, const char *rep, const char *member)
{
    ck_assert_str_eq(hit_id(a, 0), rep);
    const json_t *sim = json_object_get(hit(a, 0), "similar");
    ck_assert_uint_eq(json_array_size(sim), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(sim, 0), "id")), member);
    ck_assert(!has_hit(a, member));
}

static int array_has(const json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), s)) return 1;
    return 0;
}

/* 医保 finds what says 医疗保险 and the other way round (the default list's
 * 医保, 医疗保险, 基本医疗保险), and the answer says which were used. */
START_TEST(synonyms_both_ways)
{
    json_t *a = search("医保怎么结算", 1);
    ck_assert(has_hit(a, "yb_full"));
    ck_assert(array_has(json_object_get(json_object_get(json_object_get(a, "query"), "synonyms"), "医保"),
                        "医疗保险"));
    json_decref(a);
    a = search("医疗保险去外地看病", 1);
    ck_assert(has_hit(a, "yb_short"));
    ck_assert_ptr_nonnull(json_object_get(json_object_get(json_object_get(a, "query"), "synonyms"), "医疗保险"));
    /* the synonym is marked in the snippet */
    const char *snip = NULL;
    for (size_t i = 0; i < json_array_size(json_object_get(a, "hits")); i++)
        if (!strcmp(hit_id(a, i), "yb_short"))
            snip = json_string_value(json_object_get(hit(a, i), "snippet"));
    ck_assert_ptr_nonnull(snip);
    ck_assert_ptr_nonnull(strstr(snip ? snip : "", "<mark>医保</mark>"));
    json_decref(a);
}
END_TEST

/* A word's bigram that is also a word with synonyms in the question is
 * that concept once (工资 of 最低工资标准 after 工资 = 劳动报酬 …): it was
 * searched, and listed in the answer's terms, twice. */
START_TEST(synonym_word_once)
{
    const char *qs[] = {"工资低于最低工资标准", "最低工资标准以下的工资"};
    for (size_t k = 0; k < 2; k++) {
        json_t *a = search(qs[k], 1);
        json_t *terms = json_object_get(json_object_get(a, "query"), "terms");
        size_t n = 0;
        for (size_t i = 0; i < json_array_size(terms); i++)
            n += !strcmp(json_string_value(json_array_get(terms, i)), "工资");
        ck_assert_msg(n == 1, "%s: 工资 %zu times", qs[k], n);
        ck_assert(array_has(json_object_get(json_object_get(json_object_get(a, "query"), "synonyms"), "工资"),
                            "劳动报酬"));
        json_decref(a);
    }
}
END_TEST

/* The everyday and official pairs issue 7 names are in the default list,
 * both ways (狗 => 犬 one way only: 犬 does not find 狗肉). */
static const struct {
    const char *a, *b;
    int both;
} ISSUE_PAIRS[] = {
    {"医保", "医疗保险", 1},   {"社保", "社会保险", 1}, {"公积金", "住房公积金", 1},
    {"个体户", "个体工商户", 1}, {"驾照", "机动车驾驶证", 1}, {"身份证", "居民身份证", 1},
    {"失业金", "失业保险金", 1}, {"丢了", "遗失", 1},     {"补办", "补发", 1},
    {"狗", "犬", 0},
};

static int finds_synonym(const char *q, const char *syn)
{
    json_t *a = search(q, 1);
    int has = array_has(json_object_get(json_object_get(json_object_get(a, "query"), "synonyms"), q), syn);
    json_decref(a);
    return has;
}

START_TEST(issue_synonym_pairs)
{
    const char *a = ISSUE_PAIRS[_i].a, *b = ISSUE_PAIRS[_i].b;
    ck_assert_msg(finds_synonym(a, b), "%s does not find %s", a, b);
    ck_assert_msg(finds_synonym(b, a) == ISSUE_PAIRS[_i].both, "%s and %s: wrong way back", b, a);
}
END_TEST

/* A rule from indexer --synonyms FILE, one way: 甲乙 finds 丙丁, not back. */
START_TEST(user_synonyms_one_way)
{
    json_t *a = search("甲乙", 1);
    ck_assert(has_hit(a, "own_words"));
    json_decref(a);
    a = search("丙丁", 1);
    ck_assert(json_object_size(json_object_get(json_object_get(a, "query"), "synonyms")) == 0);
    json_decref(a);
}
END_TEST

/* The long law is passages: the hit is the article that answers, and
 * passage_offset opens the document there. */
START_TEST(law_passage_offset)
{
    json_t *a = search("遗产继承顺序", 0);
    ck_assert(!strncmp(hit_id(a, 0), "law_", 4));
    json_int_t at = json_integer_value(json_object_get(hit(a, 0), "passage_offset"));
    ck_assert_int_gt(at, 1000); /* article 48 of 60: not the start of the law */
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(hit(a, 0), "snippet")), "<mark>继承</mark>"));
    sou_error err = {0};
    json_t *d = sou_get_document(g_s, hit_id(a, 0), NULL, &err);
    ck_assert_ptr_nonnull(d);
    const char *body = json_string_value(json_object_get(d, "body"));
    ck_assert_uint_gt(strlen(body), 5000); /* the whole law, every passage */
    /* the character at passage_offset starts the passage that answers */
    const char *p = body;
    for (json_int_t k = 0; k < at && *p; k++)
        do
            p++;
        while ((*p & 0xC0) == 0x80);
    ck_assert_ptr_nonnull(strstr(p, "遗产按照下列顺序继承"));
    ck_assert_int_lt(strstr(p, "遗产按照下列顺序继承") - p, 1200); /* within the passage */
    json_decref(d);
    json_decref(a);
}
END_TEST

/* Two versions of one law are one hit, the newer standing for both; two
 * offices' copies of one guide too; collapse=false shows them all. */
START_TEST(near_copies_grouped)
{
    json_t *a = search("遗产继承顺序", 1);
    first_stands_for(a, "law_v2", "law_v1");
    json_decref(a);
    a = search("律师事务所设立需要什么条件", 1);
    ck_assert(has_hit(a, "lawyer_prov") != has_hit(a, "lawyer_city"));
    json_decref(a);
    a = search("律师事务所设立需要什么条件", 0);
    ck_assert(has_hit(a, "lawyer_prov") && has_hit(a, "lawyer_city"));
    ck_assert_ptr_null(json_object_get(hit(a, 0), "similar"));
    json_decref(a);
}
END_TEST

/* Different services that share their wording are not copies, nor are
 * titles one word apart over one body (the titles' MinHash alone took
 * 复业登记 for 停业登记). */
START_TEST(different_services_not_grouped)
{
    json_t *a = search("婚姻登记预约", 1);
    ck_assert(has_hit(a, "marry") && has_hit(a, "divorce"));
    json_decref(a);
    sou_searcher *s = open_copies();
    a = search_in(s, "停业登记", 1);
    ck_assert(has_hit(a, "resume_biz") && has_hit(a, "pause_biz"));
    json_decref(a);
    sou_searcher_free(s);
}
END_TEST

/* A law and the one it says it replaces (《测试摊点经营条例》同时废止) are
 * one hit, the law in force standing for both, though the old one matches
 * better; a law older than the one of the title it names replaced an
 * earlier law of that title, and both stay; a law and its amendment are
 * one hit, the law standing. */
START_TEST(replaced_law_grouped)
{
    json_t *a = search("摊点登记", 1);
    first_stands_for(a, "stall_new", "stall_old");
    json_decref(a);
    a = search("摊点登记", 0);
    ck_assert_str_eq(hit_id(a, 0), "stall_old");
    json_decref(a);
    a = search("报亭登记 报亭规划", 1);
    ck_assert(has_hit(a, "kiosk_old") && has_hit(a, "kiosk_1993"));
    json_decref(a);
    /* an amendment and its law: the law (undated: its text has the
     * amendment) stands, though the amendment matches better and is dated;
     * its rules are another document */
    a = search("聚众扰乱公共秩序", 1);
    first_stands_for(a, "order_law", "order_amend");
    ck_assert(has_hit(a, "order_rules"));
    json_decref(a);
}
END_TEST

/* The seed articles 000 (天津, 2026-02-06) and 001 (河北石家庄, 2025-05-17)
 * ask one question for two places: one hit, the best-matching standing for
 * both (the 石家庄 question gets the 石家庄 article, although the other is
 * newer); collapse=false shows every seed article. */
START_TEST(seed_articles_grouped)
{
    const char *tj = "000_ac1cf03b7f701441", *sjz = "001_dd3610d66644acdd";
    sou_searcher *s = open_copies();
    json_t *a = search_in(s, "石家庄医保怎么修改参保地", 1);
    first_stands_for(a, sjz, tj);
    ck_assert(has_hit(a, "002_90e83fe1bcde53a9") && has_hit(a, "003_1bdcc1241bf11e8e"));
    json_decref(a);
    a = search_in(s, "医保缴费明细怎么查询", 1); /* 天津's article matches best: it stands */
    ck_assert(has_hit(a, tj) && !has_hit(a, sjz));
    json_decref(a);
    a = search_in(s, "石家庄医保怎么修改参保地", 0);
    ck_assert(has_hit(a, tj) && has_hit(a, sjz) && has_hit(a, "002_90e83fe1bcde53a9") &&
              has_hit(a, "003_1bdcc1241bf11e8e"));
    for (size_t i = 0; hit(a, i); i++)
        ck_assert_ptr_null(json_object_get(hit(a, i), "similar"));
    json_decref(a);
    sou_searcher_free(s);
}
END_TEST

/* A bigram across two words is their adjacency: 国第 of 全国第一 counts
 * where 全国第 or 国第一 is written, not in 我国第二 by chance (a census
 * regulation had ranked above the advertising law for 广告里说全国第一违法吗). */
START_TEST(junction_beside_its_words)
{
    sou_searcher *s = open_copies();
    json_t *a = search_in(s, "全国第一", 1);
    ck_assert(has_hit(a, "rank_first"));
    ck_assert(!has_hit(a, "by_chance"));
    json_decref(a);
    sou_searcher_free(s);
}
END_TEST

/* The title keys behind grouping: a bracketed date, synonyms' wording and
 * the place a question is asked for are set aside; a statement's leading
 * place (its subject) and an issuer's are not. */
START_TEST(title_keys)
{
    const sou_lexicon *lex = sou_search_lexicon(NULL);
    ck_assert_ptr_nonnull(lex);
    json_t *syn = json_pack("{s:[s,s],s:[s,s],s:[s,s]}", "医保", "医疗保险", "基本医疗保险", "医疗保险", "医保",
                            "基本医疗保险", "基本医疗保险", "医保", "医疗保险");
    static const struct {
        const char *a, *b;
        int same;
    } cases[] = {
        {"已经交了医疗保险怎么修改参保地?(2026-02-06)", "河北石家庄已经交了医保怎么修改参保地?(5月17日)", 1},
        {"天津医保怎么修改参保地?", "兰州医保怎么修改参保地", 1},
        {"中华人民共和国测试法（2015年3月1日）", "中华人民共和国测试法", 2},
        {"最高人民法院 最高人民检察院关于办理案件的解释", "最高人民法院、最高人民检察院关于办理案件的解释", 2},
        {"医疗保险怎么把参保地改了呢?(2026年2月3日)", "已经交了医疗保险怎么修改参保地?(2026-02-06)", 0},
        {"秘鲁总统将来华进行国事访问", "智利总统将来华进行国事访问", 0},
        {"上海市未成年人保护条例", "北京市未成年人保护条例", 0},
        {"结婚登记预约", "离婚登记预约", 0},
        {"人体器官肝脏移植医师执业资格认定（2016年9月25日前已从事移植工作的）",
         "人体器官小肠移植医师执业资格认定（2016年9月25日前已从事移植工作的）", 0},
        {"测试法（2016年9月25日前已从事的）", "测试法", 0},
        {"？？", "!!", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sou_title_key a, b;
        ck_assert_int_eq(sou_title_key_make(cases[i].a, strlen(cases[i].a), lex, syn, &a), 0);
        ck_assert_int_eq(sou_title_key_make(cases[i].b, strlen(cases[i].b), lex, syn, &b), 0);
        ck_assert_msg(sou_title_key_same(&a, &b) == cases[i].same, "%s | %s: %d, not %d", cases[i].a, cases[i].b,
                      sou_title_key_same(&a, &b), cases[i].same);
        sou_title_key_destroy(&a);
        sou_title_key_destroy(&b);
    }
    json_decref(syn);
}
END_TEST

/* The highlight covers the question's words whole: 结婚登记 marks in
 * 结婚登记预约, and nothing of it (婚登) in 离婚登记预约, where only the
 * question's 离婚 is marked. */
START_TEST(highlights_whole_words)
{
    json_t *a = search("结婚登记 离婚", 0);
    int seen = 0;
    for (size_t i = 0; i < json_array_size(json_object_get(a, "hits")); i++) {
        const char *id = hit_id(a, i);
        const char *title = json_string_value(json_object_get(hit(a, i), "title_html"));
        const char *snippet = json_string_value(json_object_get(hit(a, i), "snippet"));
        if (!strcmp(id, "marry")) {
            ck_assert_str_eq(title, "<mark>结婚登记</mark>预约");
            seen |= 1;
        } else if (!strcmp(id, "divorce")) {
            ck_assert_str_eq(title, "<mark>离婚</mark>登记预约");
            ck_assert_ptr_null(strstr(snippet, "<mark>婚"));
            ck_assert_ptr_null(strstr(snippet, "<mark>离婚登记"));
            seen |= 2;
        }
    }
    ck_assert_int_eq(seen, 3); /* both hits were looked at */
    json_decref(a);
}
END_TEST

/* A question without a place gets the national law; with 上海, the city's;
 * with 杭州, its province's (places.h).  城市测试市容管理条例 is national
 * (城市 is no division, though 市 follows it) and 嘉兴市's is 嘉兴's own
 * (jieba does not tag 嘉兴 as a place; the divisions table knows it). */
START_TEST(place_scope)
{
    json_t *a = search("学校学生欺凌怎么办", 1);
    ck_assert_str_eq(hit_id(a, 0), "minor_nat");
    json_decref(a);
    a = search("上海学校学生欺凌怎么办", 1);
    ck_assert_str_eq(hit_id(a, 0), "minor_sh");
    json_decref(a);
    a = search("杭州学校学生欺凌怎么办", 1);
    ck_assert_str_eq(hit_id(a, 0), "minor_zj");
    json_decref(a);
    a = search("杭州市学校学生欺凌怎么办", 1);
    ck_assert_str_eq(hit_id(a, 0), "minor_zj");
    json_decref(a);
    a = search("外墙悬挂广告牌", 1);
    ck_assert_str_eq(hit_id(a, 0), "tidy_nat");
    json_decref(a);
    a = search("嘉兴外墙悬挂广告牌", 1);
    ck_assert_str_eq(hit_id(a, 0), "tidy_jx");
    json_decref(a);
}
END_TEST

/* 被狗咬了谁负责: 狗 finds 犬 (狗 => 犬), and 狗咬, in no document, is named. */
START_TEST(missing_words)
{
    json_t *a = search("被狗咬了谁负责", 1);
    const json_t *q = json_object_get(a, "query");
    ck_assert(array_has(json_object_get(q, "missing"), "狗咬"));
    ck_assert(!array_has(json_object_get(q, "missing"), "负责"));
    ck_assert(has_hit(a, "dog"));
    json_decref(a);
    a = search("医保", 1);
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(a, "query"), "missing")), 0);
    json_decref(a);
}
END_TEST

/* A quantity typed in digits finds the law that writes it in Chinese
 * numerals (numerals.h): 满15年 is 满十五年, and not 五年 or 第十五条. */
START_TEST(digits_find_numerals)
{
    json_t *a = search("缴费满15年能领养老金吗", 1);
    ck_assert_str_eq(hit_id(a, 0), "pension_zh");
    const json_t *syn = json_object_get(json_object_get(a, "query"), "synonyms");
    ck_assert(array_has(json_object_get(syn, "15"), "十五年"));
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(hit(a, 0), "snippet")), "十五年</mark>")); /* marked (with 缴费满 beside it) */
    json_decref(a);
    a = search("测试继承法第48条", 1); /* an ordinal: 第四十八条, the article on 遗产 */
    ck_assert(!strncmp(hit_id(a, 0), "law_", 4));
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(hit(a, 0), "snippet")), "遗产按照下列顺序继承"));
    json_decref(a);
}
END_TEST

/* A synonym (or the word) that the body never says is found in the title:
 * 补领结婚证预约 for 结婚证; 丢了 (a synonym key, though 了 alone is a
 * stopword) finds 遗失; 补 is searched as 补办 or 补领 too. */
START_TEST(synonym_in_title)
{
    json_t *a = search("结婚证丢了怎么补", 1);
    ck_assert_str_eq(hit_id(a, 0), "marry_again");
    const json_t *syn = json_object_get(json_object_get(a, "query"), "synonyms");
    ck_assert(array_has(json_object_get(syn, "丢了"), "遗失"));
    ck_assert(array_has(json_object_get(syn, "补"), "补领")); /* a one-character verb */
    json_decref(a);
}
END_TEST

/* A synonym of several words matches them near each other in any order:
 * 打疫苗 => 接种疫苗 finds 疫苗接种门诊信息查询. */
START_TEST(synonym_words_any_order)
{
    json_t *a = search("小孩打疫苗的地方", 1);
    ck_assert_str_eq(hit_id(a, 0), "vaccine");
    json_decref(a);
}
END_TEST

/* The score of hit id in a, or -1. */
static double score_of(const json_t *a, const char *id)
{
    for (size_t i = 0; i < json_array_size(json_object_get(a, "hits")); i++)
        if (!strcmp(hit_id(a, i), id))
            return json_real_value(json_object_get(hit(a, i), "score"));
    return -1;
}

/* The place scales the first hits' scores (search.c place_factor): for a
 * question from 杭州 its province's regulation x 1.6, the national law
 * x 1.3, 上海's x 1; the order follows. */
START_TEST(place_factor_rerank)
{
    const char *q = "杭州学校学生欺凌怎么办";
    json_t *a = search(q, 0);
    sou_rank_params rp;
    sou_rank_params_init(&rp);
    rp.scope_weight = 0;
    sou_searcher_set_rank(g_s, &rp);
    json_t *b = search(q, 0);
    ck_assert_double_eq_tol(score_of(a, "minor_zj") / score_of(b, "minor_zj"), 1.6, 0.001);
    ck_assert_double_eq_tol(score_of(a, "minor_nat") / score_of(b, "minor_nat"), 1.3, 0.001);
    ck_assert_double_eq_tol(score_of(a, "minor_sh") / score_of(b, "minor_sh"), 1.0, 0.001);
    for (size_t i = 1; hit(a, i); i++)
        ck_assert_double_ge(json_real_value(json_object_get(hit(a, i - 1), "score")),
                            json_real_value(json_object_get(hit(a, i), "score")));
    json_decref(a);
    json_decref(b);
}
END_TEST

/* A title addressed to an audience the question does not name (外国人)
 * scales its score by 0.9 (audience.h); a question that names it (外國人,
 * folded) leaves it alone, and a title for no audience is never scaled. */
START_TEST(audience_rerank)
{
    const char *qs[] = {"申领驾驶证要参加考试吗", "外國人申领驾驶证要参加考试吗"};
    for (int k = 0; k < 2; k++) {
        sou_rank_params rp;
        sou_rank_params_init(&rp);
        sou_searcher_set_rank(g_s, &rp);
        json_t *a = search(qs[k], 0);
        rp.audience_weight = 1;
        sou_searcher_set_rank(g_s, &rp);
        json_t *b = search(qs[k], 0);
        ck_assert_double_eq_tol(score_of(a, "licence_foreign") / score_of(b, "licence_foreign"), k ? 1.0 : 0.9,
                                0.001);
        ck_assert_double_eq_tol(score_of(a, "licence_home") / score_of(b, "licence_home"), 1.0, 0.001);
        json_decref(a);
        json_decref(b);
    }
}
END_TEST

/* The first hits' scores grow with the share of their title the question
 * covers (x (1 + 0.2 x share)), and the page is in the new order: 律师事务所
 * and 设立 (开 => 设立) are 7 of the 9 characters of 律师事务所设立许可,
 * 律师事务所 and 设立 less than half of the long title. */
START_TEST(title_coverage_rerank)
{
    const char *q = "开律师事务所需要什么条件";
    json_t *a = search(q, 0);
    sou_rank_params rp;
    sou_rank_params_init(&rp);
    rp.title_cover_weight = 0;
    sou_searcher_set_rank(g_s, &rp);
    json_t *b = search(q, 0);
    double prov = score_of(a, "lawyer_prov") / score_of(b, "lawyer_prov");
    double hk = score_of(a, "lawyer_hk") / score_of(b, "lawyer_hk");
    ck_assert_double_eq_tol(prov, 1 + 0.2 * 7 / 9, 0.001);
    ck_assert(hk > 1 && hk < prov - 0.03);
    for (size_t i = 1; hit(a, i); i++)
        ck_assert_double_ge(json_real_value(json_object_get(hit(a, i - 1), "score")),
                            json_real_value(json_object_get(hit(a, i), "score")));
    json_decref(a);
    json_decref(b);
}
END_TEST

/* A common term (here: in more than a tenth of the passages) only adds to
 * documents that match a rarer one: 依照有关规定养犬 finds the dog rule, not
 * every law article that says 依照有关规定; alone it still finds them. */
START_TEST(common_terms_add_only)
{
    sou_rank_params rp;
    sou_rank_params_init(&rp);
    rp.common_share = 0.1;
    rp.common_docs = 0;
    sou_searcher_set_rank(g_s, &rp);
    json_t *a = search("依照有关规定养犬", 0);
    ck_assert(has_hit(a, "dog"));
    ck_assert(!has_hit(a, "law_v1") && !has_hit(a, "law_v2"));
    json_decref(a);
    a = search("依照有关规定", 0);
    ck_assert(has_hit(a, "law_v1") && has_hit(a, "law_v2"));
    json_decref(a);
    rp.common_share = 0; /* off: every term is searched alike */
    sou_searcher_set_rank(g_s, &rp);
    a = search("依照有关规定养犬", 0);
    ck_assert(has_hit(a, "dog") && has_hit(a, "law_v1"));
    json_decref(a);
}
END_TEST

START_TEST(bad_collapse_option)
{
    sou_error err = {0};
    json_t *o = json_pack("{s:s,s:s}", "q", "医保", "collapse", "maybe");
    ck_assert_ptr_null(sou_search(g_s, o, &err));
    ck_assert_int_eq(err.code, SOU_EBADREQUEST);
    ck_assert_ptr_nonnull(strstr(err.message, "collapse"));
    json_decref(o);
}
END_TEST

static Suite *ranking_suite(void)
{
    Suite *s = suite_create("ranking");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, synonyms_both_ways);
    tcase_add_test(core, synonym_word_once);
    tcase_add_test(core, user_synonyms_one_way);
    tcase_add_loop_test(core, issue_synonym_pairs, 0, sizeof ISSUE_PAIRS / sizeof ISSUE_PAIRS[0]);
    tcase_add_test(core, law_passage_offset);
    tcase_add_test(core, near_copies_grouped);
    tcase_add_test(core, different_services_not_grouped);
    tcase_add_test(core, seed_articles_grouped);
    tcase_add_test(core, replaced_law_grouped);
    tcase_add_test(core, junction_beside_its_words);
    tcase_add_test(core, title_keys);
    tcase_add_test(core, highlights_whole_words);
    tcase_add_test(core, place_scope);
    tcase_add_test(core, place_factor_rerank);
    tcase_add_test(core, audience_rerank);
    tcase_add_test(core, missing_words);
    tcase_add_test(core, synonym_in_title);
    tcase_add_test(core, digits_find_numerals);
    tcase_add_test(core, synonym_words_any_order);
    tcase_add_test(core, title_coverage_rerank);
    tcase_add_test(core, common_terms_add_only);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, bad_collapse_option);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    if (build() < 0) {
        fprintf(stderr, "check_ranking: cannot build the test index in %s\n", g_dir ? g_dir : "?");
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(ranking_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    sou_test_rmtree(g_dir);
    free(g_dir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
