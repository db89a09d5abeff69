/*
 * normalize.c: the general cases of sou_fold() and sou_classify().  The
 * inline fast paths in normalize.h handle ASCII and unified ideographs; what
 * reaches here is rarer, so plain range tests are fast enough.
 */
#include "normalize.h"

/* Binary search of the generated ideograph table. */
static uint32_t t2s_lookup(uint32_t cp)
{
    size_t lo = 0, hi = sou_t2s_count;
    if (cp < 0x10000 && !(sou_t2s_bmp_bits[cp >> 5] & (1u << (cp & 31))))
        return cp;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sou_t2s_from[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < sou_t2s_count && sou_t2s_from[lo] == cp)
        return sou_t2s_to[lo];
    return cp;
}

/* Pairs laid out upper, lower, upper, lower... from first to last inclusive:
 * an upper case letter has the parity of first. */
static uint32_t fold_pairs(uint32_t cp, uint32_t first)
{
    return ((cp ^ first) & 1) ? cp : cp + 1;
}

static uint32_t fold_latin_greek_cyrillic(uint32_t cp)
{
    if (cp < 0x100) {
        if (cp == 0xB5)
            return 0x3BC; /* micro sign -> Greek mu */
        if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
            return cp + 32;
        return cp;
    }
    if (cp < 0x180) { /* Latin Extended-A */
        if (cp == 0x130)
            return 'i';
        if (cp == 0x178)
            return 0xFF;
        if (cp == 0x17F)
            return 's';
        if (cp <= 0x137)
            return fold_pairs(cp, 0x100);
        if (cp >= 0x139 && cp <= 0x148)
            return fold_pairs(cp, 0x139);
        if (cp >= 0x14A && cp <= 0x177)
            return fold_pairs(cp, 0x14A);
        if (cp >= 0x179 && cp <= 0x17E)
            return fold_pairs(cp, 0x179);
        return cp;
    }
    if (cp >= 0x370 && cp < 0x400) { /* Greek */
        if (cp == 0x386)
            return 0x3AC;
        if (cp >= 0x388 && cp <= 0x38A)
            return cp + 37;
        if (cp == 0x38C)
            return 0x3CC;
        if (cp == 0x38E || cp == 0x38F)
            return cp + 63;
        if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2)
            return cp + 32;
        if (cp == 0x3C2)
            return 0x3C3; /* final sigma */
        return cp;
    }
    if (cp >= 0x400 && cp < 0x530) { /* Cyrillic */
        if (cp < 0x410)
            return cp + 80;
        if (cp < 0x430)
            return cp + 32;
        if (cp >= 0x460 && cp <= 0x481)
            return fold_pairs(cp, 0x460);
        if (cp >= 0x48A && cp <= 0x4BF)
            return fold_pairs(cp, 0x48A);
        if (cp == 0x4C0)
            return 0x4CF;
        if (cp >= 0x4C1 && cp <= 0x4CE)
            return fold_pairs(cp, 0x4C1);
        if (cp >= 0x4D0)
            return fold_pairs(cp, 0x4D0);
        return cp;
    }
    if (cp >= 0x1E00 && cp < 0x1F00) { /* Latin Extended Additional */
        if (cp == 0x1E9E)
            return 0xDF; /* capital sharp s */
        if (cp <= 0x1E95 || cp >= 0x1EA0)
            return fold_pairs(cp, 0x1E00);
        return cp;
    }
    return cp;
}

uint32_t sou_fold_slow(uint32_t cp)
{
    if (cp < 0x80)
        return (cp - 'A' < 26u) ? cp + 32 : cp;
    if (cp == 0xAD || cp == 0x34F) /* soft hyphen, combining grapheme joiner */
        return SOU_FOLD_DROP;
    if (cp < 0x2000)
        return fold_latin_greek_cyrillic(cp);
    if (cp < 0x2E80) {
        if (cp == 0x2018 || cp == 0x2019)
            return '\'';
        if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060)
            return SOU_FOLD_DROP;
        return cp;
    }
    if (cp == 0x3000)
        return ' ';
    if (cp >= 0xFE00 && cp <= 0xFE0F)
        return SOU_FOLD_DROP;
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
        uint32_t a = cp - 0xFEE0;
        return (a - 'A' < 26u) ? a + 32 : a;
    }
    if (cp >= 0xFFE0 && cp <= 0xFFE6) {
        static const uint32_t signs[] = {0xA2, 0xA3, 0xAC, 0xAF, 0xA6, 0xA5, 0x20A9};
        return signs[cp - 0xFFE0];
    }
    if (cp == 0xFEFF || (cp >= 0xE0100 && cp <= 0xE01EF))
        return SOU_FOLD_DROP;
    if (cp < 0xA000 || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF))
        return t2s_lookup(cp);
    return cp;
}

static int in(uint32_t cp, uint32_t lo, uint32_t hi)
{
    return cp >= lo && cp <= hi;
}

sou_char_class sou_classify_slow(uint32_t cp)
{
    if (cp < 0x80)
        return sou_classify(cp);
    if (cp < 0x3000) {
        /* alphabetic scripts */
        if (cp == 0xAA || cp == 0xB5 || cp == 0xBA || in(cp, 0xC0, 0x2AF))
            return (cp == 0xD7 || cp == 0xF7) ? SOU_CC_BREAK : SOU_CC_LETTER;
        if (in(cp, 0x300, 0x36F)) /* combining diacritical marks */
            return SOU_CC_LETTER;
        if (in(cp, 0x370, 0x3FF)) /* Greek: letters except a few signs */
            return (cp == 0x375 || cp == 0x37E || cp == 0x384 || cp == 0x385 || cp == 0x387 ||
                    cp == 0x3F6 || in(cp, 0x378, 0x37A) || in(cp, 0x380, 0x383))
                       ? SOU_CC_BREAK
                       : SOU_CC_LETTER;
        if (in(cp, 0x400, 0x481) || in(cp, 0x483, 0x52F)) /* Cyrillic */
            return SOU_CC_LETTER;
        if (in(cp, 0x531, 0x556) || in(cp, 0x560, 0x588)) /* Armenian */
            return SOU_CC_LETTER;
        if (in(cp, 0x5D0, 0x5EA)) /* Hebrew letters */
            return SOU_CC_LETTER;
        if (in(cp, 0x660, 0x669) || in(cp, 0x6F0, 0x6F9)) /* Arabic-Indic digits */
            return SOU_CC_DIGIT;
        if (in(cp, 0x620, 0x65F) || in(cp, 0x66E, 0x6D3)) /* Arabic letters, marks */
            return SOU_CC_LETTER;
        if (in(cp, 0x1100, 0x11FF)) /* Hangul jamo */
            return SOU_CC_CJK;
        if (in(cp, 0x1E00, 0x1FBC) || in(cp, 0x1FC2, 0x1FCC) || in(cp, 0x1FD0, 0x1FDB) ||
            in(cp, 0x1FE0, 0x1FEC) || in(cp, 0x1FF2, 0x1FFC)) /* Latin/Greek extended */
            return SOU_CC_LETTER;
        return SOU_CC_BREAK;
    }
    if (cp < 0xA000) {
        if (in(cp, 0x3400, 0x4DBF) || in(cp, 0x4E00, 0x9FFF))
            return SOU_CC_CJK;
        if (cp == 0x3005 || cp == 0x3007 || in(cp, 0x3021, 0x3029) || in(cp, 0x3038, 0x303B))
            return SOU_CC_CJK; /* 々 〇 Hangzhou numerals */
        if (in(cp, 0x3041, 0x3096) || in(cp, 0x3099, 0x309F) || in(cp, 0x30A1, 0x30FA) ||
            in(cp, 0x30FC, 0x30FF) || in(cp, 0x31F0, 0x31FF)) /* kana */
            return SOU_CC_CJK;
        if (in(cp, 0x3105, 0x312F) || in(cp, 0x31A0, 0x31BF)) /* bopomofo */
            return SOU_CC_CJK;
        if (in(cp, 0x3131, 0x318E)) /* Hangul compatibility jamo */
            return SOU_CC_CJK;
        return SOU_CC_BREAK;
    }
    if (in(cp, 0xAC00, 0xD7A3) || in(cp, 0xA960, 0xA97C) || in(cp, 0xD7B0, 0xD7FB))
        return SOU_CC_CJK; /* Hangul */
    if (in(cp, 0xF900, 0xFAFF))
        return SOU_CC_CJK;
    if (in(cp, 0xFF66, 0xFF9F) || in(cp, 0xFFA0, 0xFFDC))
        return SOU_CC_CJK; /* half-width katakana and hangul */
    if (in(cp, 0x20000, 0x3FFFF))
        return SOU_CC_CJK; /* extensions B-H and the compatibility supplement */
    return SOU_CC_BREAK;
}
