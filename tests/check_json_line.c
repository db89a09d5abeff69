/* check_json_line.c: sou_json_line (indexer/text/json_line.h) writes exactly what
 * json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9))
 * writes: the answers of every protocol go through it. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_line.h"

/* sou_json_line(v) must equal jansson's text; v is consumed. */
static void same_as_jansson(json_t *v)
{
    ck_assert_ptr_nonnull(v);
    char *want = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
    size_t len = 0;
    char *got = sou_json_line(v, &len);
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    ck_assert_uint_eq(len, strlen(want));
    ck_assert_ptr_null(strchr(got, '\n'));
    free(want);
    free(got);
    json_decref(v);
}

START_TEST(strings_and_escapes)
{
    const char raw[] = "a\"b\\c/d\b\f\n\r\t\x01\x1f\x7f 中文 𝄞 <mark>&amp;</mark> \xe2\x80\xa8";
    json_t *o = json_object();
    json_object_set_new(o, "s", json_string(raw));
    json_object_set_new(o, "with\nnewline \"key\"", json_string(""));
    json_object_set_new(o, "nul", json_stringn("a\0b", 3));
    json_object_set_new(o, "中", json_string("文"));
    same_as_jansson(o);
}
END_TEST

START_TEST(numbers)
{
    const double reals[] = {0.0, -0.0, 1.0, 0.1, 12.3456, 1e21, 1.5e-7, -2.5e+300, 123456789.0,
                            1234567890123.0, 3.14159265358979, 1e-300, 5e-324, 100.0};
    json_t *a = json_array();
    for (size_t i = 0; i < sizeof reals / sizeof *reals; i++)
        json_array_append_new(a, json_real(reals[i]));
    json_array_append_new(a, json_integer(0));
    json_array_append_new(a, json_integer(-42));
    json_array_append_new(a, json_integer(9223372036854775807LL));
    json_array_append_new(a, json_integer(-9223372036854775807LL - 1));
    same_as_jansson(a);
}
END_TEST

START_TEST(nesting_order_and_literals)
{
    json_t *o = json_pack("{s:b,s:b,s:n,s:{},s:[],s:[i,[s,{s:[]}]],s:{s:s,s:i}}", "t", 1, "f", 0, "n", "eo",
                          "ea", "arr", 1, "x", "k", "obj", "z", "last", "a", 2);
    /* insertion order, not key order */
    for (int i = 20; i > 0; i--) {
        char key[8];
        snprintf(key, sizeof key, "k%d", i);
        json_object_set_new(o, key, json_integer(i));
    }
    json_object_set_new(o, "k5", json_string("replaced")); /* keeps its place */
    same_as_jansson(o);
}
END_TEST

START_TEST(a_search_answer_shape)
{
    json_t *hit = json_pack("{s:i,s:s,s:s,s:f,s:s,s:[[i,i],[i,i]]}", "rank", 1, "id", "000", "title",
                            "天津看牙<医保>", "score", 12.34567891234, "snippet", "…<mark>看牙</mark>。",
                            "highlights", 1, 3, 7, 9);
    json_t *o = json_pack("{s:{s:s,s:[s,s]},s:i,s:b,s:f,s:[o]}", "query", "text", "天津看牙能用医保报销吗",
                          "terms", "天津", "看牙", "total", 120, "exact", 0, "took_ms", 1.234, "hits", hit);
    same_as_jansson(o);
}
END_TEST

START_TEST(not_a_container)
{
    json_t *s = json_string("x");
    ck_assert_ptr_null(sou_json_line(s, NULL));
    ck_assert_ptr_null(sou_json_line(NULL, NULL));
    json_decref(s);
}
END_TEST

static Suite *json_line_suite(void)
{
    Suite *s = suite_create("json_line");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, strings_and_escapes);
    tcase_add_test(tc, numbers);
    tcase_add_test(tc, nesting_order_and_literals);
    tcase_add_test(tc, a_search_answer_shape);
    tcase_add_test(tc, not_a_container);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(json_line_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
