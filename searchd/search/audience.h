/*
 * audience.h: the special audiences a document can be addressed to.
 *
 * A service or a rule for foreigners, for the residents of Hong Kong, Macao
 * or Taiwan, for overseas Chinese, for the staff of state organs and public
 * institutions (机关事业单位, 公务员) or for the armed forces answers a
 * question that says it comes from one of them; one that does not is most
 * likely from a resident of the mainland working for an enterprise:
 * 广州考驾照C1怎么报名 wants 机动车驾驶证初次申领(大陆居民…) before the
 * 外国人 and 港澳台居民 variants, whose texts are the same, and
 * 对学校给的处分不服怎么申诉 is not a 行政机关公务员处分条例 question.  The first hits'
 * scores are scaled down for an audience the question does not name
 * (search.c, sou_rank_params.audience_weight), as a place is
 * (docs/ranking.md).
 */
#ifndef SOU_AUDIENCE_H
#define SOU_AUDIENCE_H

#include <stddef.h>

/* The audiences text[0..len) names, a bit each (foreigners; Hong Kong, Macao
 * and Taiwan; overseas Chinese; state organs and public institutions; the
 * armed forces), after the per-character fold (臺灣 is 台湾); 0 when none. */
unsigned sou_audiences(const char *text, size_t len);

#endif /* SOU_AUDIENCE_H */
