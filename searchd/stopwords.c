/* stopwords.c: the question and function words dropped from queries.
 * Why these words: see stopwords.h and the README. */
#include "stopwords.h"

#include <string.h>

#include "utf8.h"

typedef struct {
    const char *word;
    int drop; /* 1: drop it; 0: a word to keep whole (protects its characters) */
} stop_entry;

/* Normalised (simplified) forms only: the query is normalised first. */
static const stop_entry STOPWORDS[] = {
    /* question phrases */
    {"为什么", 1}, {"什么时候", 1}, {"什么样", 1}, {"什么", 1}, {"怎么样", 1}, {"怎么办", 1},
    {"怎么", 1}, {"怎样", 1}, {"如何", 1}, {"为何", 1}, {"何时", 1}, {"何地", 1}, {"何处", 1},
    {"何种", 1}, {"何人", 1}, {"哪些", 1}, {"哪里", 1}, {"哪儿", 1}, {"哪个", 1}, {"哪位", 1},
    {"哪种", 1}, {"哪国", 1}, {"哪家", 1}, {"哪年", 1}, {"哪一", 1}, {"哪所", 1}, {"哪条", 1},
    {"哪座", 1}, {"哪部", 1}, {"哪支", 1}, {"哪天", 1}, {"哪次", 1}, {"哪项", 1}, {"哪场", 1},
    {"哪两", 1}, {"哪三", 1}, {"哪几", 1}, {"哪方面", 1}, {"哪", 1}, {"多少", 1}, {"多大", 1},
    {"多长", 1}, {"多久", 1}, {"多高", 1}, {"多远", 1}, {"多重", 1}, {"多深", 1}, {"多宽", 1},
    {"几个", 1}, {"几年", 1}, {"几岁", 1}, {"几次", 1}, {"几种", 1}, {"几位", 1}, {"几名", 1},
    {"几座", 1}, {"几条", 1}, {"几部", 1}, {"几天", 1}, {"几届", 1}, {"几项", 1}, {"几类", 1},
    {"第几", 1}, {"是否", 1}, {"能否", 1}, {"可否", 1}, {"有没有", 1}, {"是不是", 1},
    {"能不能", 1}, {"可不可以", 1}, {"可以", 1}, {"能够", 1}, {"请问", 1}, {"一下", 1},
    {"有什么", 1}, {"有哪些", 1}, {"有多少", 1}, {"有几", 1}, {"为了", 1}, {"谁", 1},
    /* particles and the commonest function characters */
    {"吗", 1}, {"呢", 1}, {"吧", 1}, {"啊", 1}, {"呀", 1}, {"嘛", 1}, {"么", 1},
    {"是", 1}, {"了", 1}, {"的", 1}, {"能", 1},
    /* words that only contain a stop character: kept whole */
    {"了解", 0}, {"了不起", 0}, {"了结", 0}, {"目的", 0}, {"的确", 0}, {"的士", 0}, {"标的", 0},
    {"是非", 0}, {"功能", 0}, {"能力", 0}, {"能源", 0}, {"可能", 0}, {"技能", 0}, {"性能", 0},
    {"能量", 0}, {"智能", 0}, {"本能", 0}, {"才能", 0}, {"职能", 0}, {"动能", 0}, {"核能", 0},
    {"热能", 0}, {"电能", 0}, {"效能", 0}, {"体能", 0}, {"潜能", 0}, {"节能", 0}, {"产能", 0},
    {"能耗", 0},
};
enum { NSTOP = sizeof STOPWORDS / sizeof STOPWORDS[0] };

/* Longest entry matching at s[0..avail), or NULL. */
static const stop_entry *match_at(const char *s, size_t avail, size_t *mlen)
{
    const stop_entry *best = NULL;
    size_t best_len = 0;
    for (size_t k = 0; k < NSTOP; k++) {
        const char *w = STOPWORDS[k].word;
        if (w[0] != s[0])
            continue;
        size_t wl = strlen(w);
        if (wl > best_len && wl <= avail && memcmp(w, s, wl) == 0) {
            best = &STOPWORDS[k];
            best_len = wl;
        }
    }
    *mlen = best_len;
    return best;
}

size_t sou_stopwords_strip(const char *text, size_t len, char *out, sou_stop_fn fn, void *ctx)
{
    size_t i = 0, o = 0;
    while (i < len) {
        size_t mlen;
        const stop_entry *e = match_at(text + i, len - i, &mlen);
        if (e && e->drop) {
            if (fn)
                fn(text + i, mlen, ctx);
            out[o++] = ' ';
            i += mlen;
        } else if (e) {
            memcpy(out + o, text + i, mlen);
            o += mlen;
            i += mlen;
        } else {
            uint32_t cp;
            size_t n = sou_utf8_decode((const unsigned char *)text + i, len - i, &cp);
            if (n == 0)
                n = 1;
            memcpy(out + o, text + i, n);
            o += n;
            i += n;
        }
    }
    out[o] = '\0';
    return o;
}

int sou_is_stopword(const char *word, size_t len)
{
    for (size_t k = 0; k < NSTOP; k++)
        if (STOPWORDS[k].drop && strlen(STOPWORDS[k].word) == len &&
            memcmp(STOPWORDS[k].word, word, len) == 0)
            return 1;
    return 0;
}

/* Function characters (normalised forms), one UTF-8 character each. */
static const char FUNCTION_CHARS[] = "在由被把将对从向于与和及之其此该这那个也都还就又而并或有为以让给到"
                                     "做去来说叫称会要用等中上下里时着过地得所年月日号";

int sou_is_function_char(const char *term, size_t len)
{
    if (len < 2 || len > 4)
        return 0;
    uint32_t cp;
    if (sou_utf8_decode((const unsigned char *)term, len, &cp) != len)
        return 0;
    for (size_t i = 0; FUNCTION_CHARS[i];) {
        size_t k = sou_utf8_decode((const unsigned char *)FUNCTION_CHARS + i, sizeof FUNCTION_CHARS - 1 - i, &cp);
        if (k == len && memcmp(FUNCTION_CHARS + i, term, len) == 0)
            return 1;
        i += k ? k : 1;
    }
    return 0;
}
