/*
 * places.h: China's provinces and their prefecture-level cities, by name.
 *
 * A place's own regulation (上海市生活垃圾管理条例) answers the people of
 * that place, and a province's answers the people of its cities too: a
 * question from 广州 about renting is answered by 广东省城镇房屋租赁条例.
 * The lexicon knows place names (segment.h: sou_lexicon_is_place) but not
 * which contains which, nor which of them are administrative divisions (it
 * tags 城市 and 中华人民共和国 as places too); this table does.
 *
 * Names are short forms, without the unit (广东, not 广东省; 延边, not
 * 延边朝鲜族自治州), in normalised UTF-8 (normalize.h).  The table holds the
 * 34 provincial-level divisions and the prefecture-level ones of 2023, and
 * 莱芜 (merged into 济南 in 2019: regulations still carry its name).  A
 * name two divisions share (吉林, the province and its city; 海南, the
 * province and a prefecture of 青海) is read as the province.
 */
#ifndef SOU_PLACES_H
#define SOU_PLACES_H

#include <stddef.h>

/* 1 if name[0..len) is a provincial or prefecture-level division. */
int sou_place_is_division(const char *name, size_t len);

/* The province that contains the prefecture-level city name[0..len), NUL
 * terminated and static, or NULL (a province, a municipality such as 上海,
 * or a name the table does not hold). */
const char *sou_place_province(const char *name, size_t len);

/* The length of name[0..len) without a trailing administrative unit (省,
 * 市, 自治区 ...) when what is left is a division (广州市 -> 广州), else len. */
size_t sou_place_stem(const char *name, size_t len);

#endif
