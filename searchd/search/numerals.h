/*
 * numerals.h: a quantity typed in digits as the laws also write it.
 *
 * Citizens type 15年, 12分, 3倍, 30天; laws and regulations write 累计缴费满
 * 十五年 and 十五年 as often as 15年 (laws corpus: 91 and 368 times; 三十日
 * 1,441, 30日 1,107).  The index sees 15 as one word and 十五年 as the
 * bigrams 十五 五年, so neither finds the other.  The query side searches a
 * number followed by a unit character also as its Chinese form with that
 * unit: 15年 -> 十五年 (not 十五 alone, which is in every law's 第十五条).
 */
#ifndef SOU_NUMERALS_H
#define SOU_NUMERALS_H

#include <stddef.h>

/* The largest number given a Chinese form (a four-digit number before 年 is
 * a year, written digit by digit: 二〇二〇年; that is not done). */
#define SOU_NUMERAL_MAX 9999u

/* n (1..SOU_NUMERAL_MAX) as Chinese numerals, standard reading, in out
 * (NUL-terminated): 15 -> 十五, 20 -> 二十, 105 -> 一百零五, 110 -> 一百一十,
 * 1500 -> 一千五百.  Returns its length in bytes, or 0 when n is out of range
 * or out is too small (40 bytes always suffice). */
size_t sou_numeral_zh(unsigned n, char *out, size_t cap);

/* digits[0..len), a number in ASCII digits without a leading zero, then the
 * unit (one UTF-8 character, unit[0..unit_len)): calls fn with each Chinese
 * form of the quantity (十五年; for a 2 that counts, also 两: 两年, 两百元;
 * not in an ordinal, 第2条 is 第二条 only), and with the unit the laws write
 * for a typed one (15天 -> 十五天, 十五日; 16岁 -> 十六周岁; 块 -> 元).  Nothing
 * for a number out of range or a four-digit year (年 after 1000..9999).
 * Returns 0, or fn's first non-zero return. */
int sou_numeral_forms(const char *digits, size_t len, const char *unit, size_t unit_len, int ordinal,
                      int (*fn)(const char *form, size_t len, void *ctx), void *ctx);

#endif
