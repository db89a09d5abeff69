/* check_hostport.c: HOST:PORT as searchd's listeners and the sou client
 * read it (sou_hostport_split), the good forms and every bad one. */
#include <check.h>
#include <stdlib.h>

#include "hostport.h"

static const struct {
    const char *text, *host;
    unsigned port;
} good[] = {
    {"127.0.0.1:8080", "127.0.0.1", 8080}, {"localhost:7700", "localhost", 7700}, {"[::1]:7700", "::1", 7700},
    {":7700", "", 7700},                    {"0.0.0.0:0", "0.0.0.0", 0},          {"[fe80::1]:65535", "fe80::1", 65535},
    {"a:b:9", "a:b", 9}, /* the last colon splits an unbracketed host */
};

static const char *const bad[] = {
    "",  "8080", "host", "host:", "host:x", "host:65536", "host:-1", "host:+80", "host: 80", "host:80 ",
    "[::1]", "[::1]8080", "[::1:8080", "[]", "host:99999999999999999999",
};

START_TEST(test_good)
{
    char host[64];
    unsigned port = 1;
    ck_assert_int_eq(sou_hostport_split(good[_i].text, host, sizeof host, &port), 0);
    ck_assert_str_eq(host, good[_i].host);
    ck_assert_uint_eq(port, good[_i].port);
}
END_TEST

START_TEST(test_bad)
{
    char host[64];
    unsigned port;
    ck_assert_msg(sou_hostport_split(bad[_i], host, sizeof host, &port) == -1, "accepted \"%s\"", bad[_i]);
}
END_TEST

START_TEST(test_host_too_long)
{
    char host[8];
    unsigned port;
    ck_assert_int_eq(sou_hostport_split("1234567:80", host, sizeof host, &port), 0);
    ck_assert_int_eq(sou_hostport_split("12345678:80", host, sizeof host, &port), -1);
    ck_assert_int_eq(sou_hostport_split("[12345678]:80", host, sizeof host, &port), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostport");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_loop_test(tc, test_good, 0, sizeof good / sizeof good[0]);
    tcase_add_loop_test(tc, test_bad, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(tc, test_host_too_long);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
