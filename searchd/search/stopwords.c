/* stopwords.c: the question and function words dropped from queries.
 * Why these words: see stopwords.h and the README. */
#include "stopwords.h"

#include <string.h>

#include "utf8.h"


/* Normalised (simplified) forms only: the query is normalised first. */
static const char *const STOPWORDS[] = {
    /* question phrases */
    "为什么", "什么时候", "什么样", "什么", "怎么样", "怎么办",
    "怎么", "怎样", "如何", "为何", "何时", "何地", "何处",
    "何种", "何人", "哪些", "哪里", "哪儿", "哪个", "哪位",
    "哪种", "哪国", "哪家", "哪年", "哪一", "哪所", "哪条",
    "哪座", "哪部", "哪支", "哪天", "哪次", "哪项", "哪场",
    "哪两", "哪三", "哪几", "哪方面", "哪", "多少", "多大",
    "多长", "多久", "多高", "多远", "多重", "多深", "多宽",
    "几个", "几年", "几岁", "几次", "几种", "几位", "几名",
    "几座", "几条", "几部", "几天", "几届", "几项", "几类",
    "第几", "是否", "能否", "可否", "有没有", "是不是",
    "能不能", "可不可以", "可以", "能够", "请问", "一下",
    "有什么", "有哪些", "有多少", "有几", "为了", "谁",
    /* the same asked colloquially, each a word of the lexicon (咋办 was
     * searched, and shown as 缺少：咋办; 怎么弄 searched 么弄) */
    "咋办", "咋样", "咋整", "咋", "为啥", "干啥", "干嘛", "啥时候", "啥样", "啥",
    "多长时间", "多少岁", "几日", "几时", "几点", "怎么弄", "怎么回事", "怎么着",
    /* particles and the commonest function characters */
    "吗", "呢", "吧", "啊", "呀", "嘛", "么",
    "是", "了", "的", "能",
};
enum { NSTOP = sizeof STOPWORDS / sizeof STOPWORDS[0] };

int sou_is_stopword(const char *word, size_t len)
{
    for (size_t k = 0; k < NSTOP; k++)
        if (strlen(STOPWORDS[k]) == len && memcmp(STOPWORDS[k], word, len) == 0)
            return 1;
    return 0;
}

/* Function characters (normalised forms), one UTF-8 character each.  Not 地:
 * the segmenter leaves place words it does not know as word + 地 (参保/地,
 * 户籍/地), and the particle 地 (认真地) is rare in questions.  Not 号: it
 * ends words the segmenter does not know (摇/号, 取/号), and a date's 号
 * (5月1号) follows a digit. */
static const char FUNCTION_CHARS[] = "在由被把将对从向于与和及之其此该这那个也都还就又而并或有为以让给到"
                                     "做去来说叫称会要用等中上下里时着过得所年月日";

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

int sou_is_negation(const char *term, size_t len)
{
    return (len == strlen("不") && !memcmp(term, "不", len)) || (len == strlen("没") && !memcmp(term, "没", len));
}
