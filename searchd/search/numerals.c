/* numerals.c: Chinese forms of a number (numerals.h). */
#include "numerals.h"

#include <string.h>

static const char *const DIGIT[10] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
static const char *const PLACE[4] = {"", "十", "百", "千"};

size_t sou_numeral_zh(unsigned n, char *out, size_t cap)
{
    if (n == 0 || n > SOU_NUMERAL_MAX || cap < 40)
        return 0;
    unsigned d[4] = {n % 10, n / 10 % 10, n / 100 % 10, n / 1000};
    int top = d[3] ? 3 : d[2] ? 2 : d[1] ? 1 : 0;
    size_t len = 0;
    int zero = 0; /* a zero place passed since the last digit written */
    for (int i = top; i >= 0; i--) {
        if (d[i] == 0) {
            zero = 1;
            continue;
        }
        if (zero && len) { /* 一百零五, 一千零五十: one 零 for any run of zero places */
            memcpy(out + len, DIGIT[0], 3);
            len += 3;
        }
        zero = 0;
        if (!(i == 1 && i == top && d[i] == 1)) { /* 十五, not 一十五; but 一百一十 */
            memcpy(out + len, DIGIT[d[i]], 3);
            len += 3;
        }
        size_t pl = strlen(PLACE[i]);
        memcpy(out + len, PLACE[i], pl);
        len += pl;
    }
    out[len] = '\0';
    return len;
}

/* Units that the laws write otherwise: 拘留十五日 for 15天, 十六周岁 for 16岁. */
static const struct {
    const char *typed, *written;
} UNIT_WRITTEN[] = {{"天", "日"}, {"岁", "周岁"}, {"块", "元"}};

static int emit(const char *num, size_t len, const char *unit, size_t unit_len,
                int (*fn)(const char *form, size_t len, void *ctx), void *ctx)
{
    char form[64];
    if (len + unit_len > sizeof form)
        return 0;
    memcpy(form, num, len);
    memcpy(form + len, unit, unit_len);
    return fn(form, len + unit_len, ctx);
}

int sou_numeral_forms(const char *digits, size_t len, const char *unit, size_t unit_len, int ordinal,
                      int (*fn)(const char *form, size_t len, void *ctx), void *ctx)
{
    if (len == 0 || len > 4 || digits[0] == '0' || unit_len == 0 || unit_len > 4)
        return 0;
    unsigned n = 0;
    for (size_t i = 0; i < len; i++) {
        if (digits[i] < '0' || digits[i] > '9')
            return 0;
        n = n * 10 + (unsigned)(digits[i] - '0');
    }
    if (n >= 1000 && unit_len == 3 && memcmp(unit, "年", 3) == 0)
        return 0;
    char num[48];
    size_t nl = sou_numeral_zh(n, num, sizeof num);
    if (nl == 0)
        return 0;
    const char *written = NULL;
    for (size_t i = 0; i < sizeof UNIT_WRITTEN / sizeof UNIT_WRITTEN[0] && !written; i++)
        if (strlen(UNIT_WRITTEN[i].typed) == unit_len && memcmp(UNIT_WRITTEN[i].typed, unit, unit_len) == 0)
            written = UNIT_WRITTEN[i].written;
    /* 两 for a leading 二 counted alone or before a place: 两年, 两百元, 两千 (not 二十) */
    int liang = !ordinal && memcmp(num, "二", 3) == 0 && (n == 2 || n >= 100);
    /* before the classifier 个 a counted 2 is 两 only: 两个月, never 二个月 */
    int only_liang = liang && n == 2 && unit_len == strlen("个") && !memcmp(unit, "个", unit_len);
    int rc = 0;
    for (int v = only_liang; v <= liang && rc == 0; v++) {
        if (v)
            memcpy(num, "两", 3);
        rc = emit(num, nl, unit, unit_len, fn, ctx);
        if (rc == 0 && written)
            rc = emit(num, nl, written, strlen(written), fn, ctx);
    }
    return rc;
}
