/*
 * check_web_assets.c: the search page's files as compiled into sou_web.
 *
 * Checks that web.cmake's generated arrays hold exactly the bytes of
 * searchd/web/ (so an edited file really reaches the binary), that "/" is the
 * page, that content types fit, and that unknown or odd paths find nothing.
 * Run by ctest with SOU_SOURCE_DIR set to the repository root.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_assets.h"

/* The whole file at SOU_SOURCE_DIR/rel; caller frees.  Fails the test when
 * the file cannot be read. */
static unsigned char *read_source(const char *rel, size_t *len)
{
    const char *root = getenv("SOU_SOURCE_DIR");
    char path[4096];
    FILE *f;
    unsigned char *buf = NULL;
    long size;

    ck_assert_msg(root != NULL, "SOU_SOURCE_DIR is not set");
    snprintf(path, sizeof path, "%s/%s", root, rel);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s: cannot open", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    ck_assert_int_ge(size, 0);
    rewind(f);
    buf = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return buf;
}

static const struct {
    const char *path;
    const char *file;
    const char *type_prefix;
} expected[] = {
    {"/index.html", "searchd/web/index.html", "text/html; charset=utf-8"},
    {"/app.js", "searchd/web/app.js", "text/javascript; charset=utf-8"},
    {"/style.css", "searchd/web/style.css", "text/css; charset=utf-8"},
};

START_TEST(test_bytes_match_sources)
{
    size_t len;
    unsigned char *src = read_source(expected[_i].file, &len);
    const sou_asset *a = sou_asset_find(expected[_i].path);

    ck_assert_msg(a != NULL, "%s: not embedded", expected[_i].path);
    ck_assert_str_eq(a->path, expected[_i].path);
    ck_assert_str_eq(a->content_type, expected[_i].type_prefix);
    ck_assert_msg(a->len == len, "%s: %zu bytes embedded, %zu in %s (rebuild?)", a->path, a->len, len,
                  expected[_i].file);
    ck_assert_msg(memcmp(a->data, src, len) == 0, "%s: bytes differ from %s", a->path, expected[_i].file);
    ck_assert_uint_eq(a->data[a->len], 0); /* NUL after the data, not counted */
    free(src);
}
END_TEST

START_TEST(test_root_is_the_page)
{
    const sou_asset *root = sou_asset_find("/");
    const sou_asset *index = sou_asset_find("/index.html");

    ck_assert_ptr_nonnull(root);
    ck_assert_ptr_eq(root, index);
    ck_assert_msg(strstr((const char *)root->data, "<script src=\"/app.js\">") != NULL,
                  "index.html does not load /app.js");
    ck_assert_msg(strstr((const char *)root->data, "href=\"/style.css\"") != NULL,
                  "index.html does not load /style.css");
}
END_TEST

START_TEST(test_list)
{
    size_t n = 0;
    const sou_asset *all = sou_asset_list(&n);

    ck_assert_uint_eq(n, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < n; i++)
        ck_assert_ptr_eq(sou_asset_find(all[i].path), &all[i]);
    ck_assert_ptr_eq(sou_asset_list(NULL), all);
}
END_TEST

/* Paths that must find nothing: no prefix, suffix or traversal games. */
static const char *const missing[] = {
    NULL, "", "index.html", "/index.htm", "/index.html/", "/app.js?x=1", "/../searchd/web/app.js",
    "/web/app.js", "//app.js", "/APP.JS", "/favicon.ico", "/search",
};

START_TEST(test_missing)
{
    ck_assert_ptr_null(sou_asset_find(missing[_i]));
}
END_TEST

static Suite *web_suite(void)
{
    Suite *s = suite_create("web_assets");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_loop_test(core, test_bytes_match_sources, 0, (int)(sizeof expected / sizeof expected[0]));
    tcase_add_test(core, test_root_is_the_page);
    tcase_add_test(core, test_list);
    tcase_add_loop_test(errors, test_missing, 0, (int)(sizeof missing / sizeof missing[0]));
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(web_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
