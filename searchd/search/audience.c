/* audience.c: the words that name a special audience (audience.h). */
#include "audience.h"

#include <stdlib.h>
#include <string.h>

#include "tokenize.h"

/* Normalised forms; a word's bit is its audience's. */
static const struct {
    const char *word;
    unsigned audience;
} WORDS[] = {
    {"外国人", 1}, {"外籍", 1},
    {"港澳台", 2}, {"港澳", 2}, {"香港", 2}, {"澳门", 2}, {"台湾", 2}, {"台胞", 2},
    {"华侨", 4}, {"侨胞", 4}, {"归侨", 4},
    {"机关事业单位", 8}, {"事业单位", 8}, {"公务员", 8}, {"机关单位", 8},
    {"军人", 16}, {"军队", 16}, {"部队", 16}, {"解放军", 16}, {"武警", 16}, {"武装警察", 16}, {"现役", 16},
};

/* Every word above has one of these characters, in either script: a text
 * without them names no audience, and is not normalised to find out (the
 * first hits' titles of most questions). */
static const char *const MARKS[] = {"外", "港", "澳", "香", "台", "臺", "颱", "侨", "僑", "事业", "事業", "公务", "公務", "机关", "機關", "军", "軍", "部队", "部隊", "武警", "武装", "武裝", "现役", "現役"};

static int may_name_audience(const char *text, size_t len)
{
    for (size_t i = 0; i < sizeof MARKS / sizeof *MARKS; i++)
        if (memmem(text, len, MARKS[i], strlen(MARKS[i])))
            return 1;
    return 0;
}

unsigned sou_audiences(const char *text, size_t len)
{
    if (!text || !len || !may_name_audience(text, len))
        return 0;
    char stack[1024], *buf = len < sizeof stack ? stack : malloc(len + 1);
    size_t n = buf ? sou_normalize(text, len, buf, len + 1, NULL) : len + 1;
    const char *t = n <= len ? buf : text; /* did not fit (or no memory): the raw text */
    if (t == text)
        n = len;
    unsigned found = 0;
    for (size_t i = 0; i < sizeof WORDS / sizeof *WORDS; i++)
        if (memmem(t, n, WORDS[i].word, strlen(WORDS[i].word)))
            found |= WORDS[i].audience;
    if (buf != stack)
        free(buf);
    return found;
}
