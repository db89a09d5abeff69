/*
 * fuzz_query.c: the query parser and builder (searchd/query_parse.h,
 * query_build.h) with the lexicon searchd uses, then the highlighter with
 * the built query's terms over a fixed text: the path every typed query
 * takes before it reaches Xapian.
 *
 * Promises checked: a query either builds (a Xapian query, highlight terms
 * that are normalised UTF-8) or fails with a 400 whose location is valid
 * text (fuzz_check_error.h); it fails the same way twice; with the phrase
 * pairs switched on (what sou-eval tunes) it still builds.  Every build has
 * bounded cost: the number of highlight terms stays under the budget's
 * term limit.
 */
#include "fuzz.h"
#include "fuzz_check_error.h"
#include "highlight.h"
#include "query_build.h"
#include "query_parse.h"
#include "tokenize.h"

static sou_query_env env;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    sou_error err = {0};
    if (!(env.lex = sou_search_lexicon(&err))) {
        fprintf(stderr, "fuzz_query: %s\n", err.message);
        abort();
    }
    return 0;
}

static const char sample[] =
    "天津市医疗保障局:参保人员在定点医疗机构看牙,符合规定的费用可以用医保报销。"
    "APP 2026年3月5日 “医保卡”激活步骤\n第一条 为了保障劳动者的合法权益,制定本法。";

static void check_built(const sou_built_query *bq, const sou_rank_params *rp)
{
    FUZZ_CHECK(bq->query != NULL);
    FUZZ_CHECK(json_is_array(bq->terms) && json_is_array(bq->dropped) && json_is_array(bq->phrases) &&
               json_is_array(bq->excluded) && json_is_array(bq->title_terms));
    FUZZ_CHECK(bq->n_hl <= 2u * rp->limits.max_terms);
    sou_hl_terms *t = sou_hl_terms_new();
    FUZZ_CHECK(t != NULL);
    for (size_t i = 0; i < bq->n_hl; i++) {
        size_t len = strlen(bq->hl_terms[i]);
        char norm[1024];
        FUZZ_CHECK(len > 0 && len < sizeof norm);
        FUZZ_CHECK(sou_normalize(bq->hl_terms[i], len, norm, sizeof norm, NULL) == len);
        FUZZ_CHECK(memcmp(norm, bq->hl_terms[i], len) == 0);
        FUZZ_CHECK(sou_hl_terms_add(t, bq->hl_terms[i], len) == 0);
    }
    sou_hl_result r;
    FUZZ_CHECK(sou_highlight_passages(t, sample, sizeof sample - 1, 2, 100, &r) == 0);
    FUZZ_CHECK(sou_utf8_valid(r.html, r.html_len, NULL));
    sou_hl_result_destroy(&r);
    sou_hl_terms_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = fuzz_strndup(data, size);
    sou_parsed_query pq;
    sou_error err = {0}, err2 = {0};
    sou_rank_params rp;

    sou_rank_params_init(&rp);
    if (sou_query_parse(q, size, &pq, &err) < 0) {
        fuzz_check_error(&err);
        FUZZ_CHECK(err.code == SOU_EBADREQUEST);
        sou_parsed_query_destroy(&pq);
        free(q);
        return 0;
    }
    FUZZ_CHECK(sou_utf8_valid(pq.norm, pq.norm_len, NULL));
    for (size_t i = 0; i < pq.n; i++) {
        FUZZ_CHECK(pq.items[i].from <= pq.items[i].to && pq.items[i].to <= pq.norm_len);
        FUZZ_CHECK(strlen(pq.items[i].text) == pq.items[i].len);
    }

    sou_built_query bq;
    int rc = sou_query_build(&env, &pq, &rp, &bq, &err);
    if (rc == 0) {
        check_built(&bq, &rp);
    } else {
        fuzz_check_error(&err);
        FUZZ_CHECK(err.code == SOU_EBADREQUEST);
    }
    sou_built_query_destroy(&bq);

    /* deterministic: the same answer twice */
    FUZZ_CHECK((sou_query_build(&env, &pq, &rp, &bq, &err2) == 0) == (rc == 0));
    if (rc != 0)
        FUZZ_CHECK(strcmp(err.message, err2.message) == 0);
    sou_built_query_destroy(&bq);

    /* the other shapes the builder knows */
    rp.phrase_weight = 0.5;
    rp.elite = 4;
    rp.title_elite = 2;
    rp.drop_stopwords = 0;
    if (sou_query_build(&env, &pq, &rp, &bq, &err2) == 0)
        check_built(&bq, &rp);
    else
        fuzz_check_error(&err2);
    sou_built_query_destroy(&bq);

    sou_parsed_query_destroy(&pq);
    free(q);
    return 0;
}
