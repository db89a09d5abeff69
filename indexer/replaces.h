/*
 * replaces.h: the documents a law says it replaces.
 *
 * A law that takes another's place says so in its last article, in one
 * formula: 本条例自2022年11月1日起施行。《个体工商户条例》同时废止。  The
 * replaced law is another version of the same rules under another name
 * (个体工商户条例 -> 促进个体工商户发展条例, 契税暂行条例 -> 契税法), and
 * search shows the two as one, the law in force standing for both
 * (group.h).  Only that formula counts: 予以废止 is how a decision repeals
 * laws it does not replace, and 《...》第十条同时废止 repeals an article.
 */
#ifndef SOU_REPLACES_H
#define SOU_REPLACES_H

#include <stddef.h>

/* At most this many titles are taken from one document, each of at most
 * SOU_REPLACES_TITLE_CHARS characters: SOU_REPLACES_BYTES of fields. */
#define SOU_REPLACES_MAX 8
#define SOU_REPLACES_TITLE_CHARS 80
#define SOU_REPLACES_BYTES (SOU_REPLACES_MAX * (2 + 4 * SOU_REPLACES_TITLE_CHARS))

/* Append to out[0..cap) the candidate-value fields (nearcopy.h:
 * SOU_CANDIDATE_REPLACES) of the titles body[0..len) says it replaces:
 * 《title》 followed by 同时废止, with at most 12 characters between them
 * and no 第, 《, 。, ； or line break among those but in a note in brackets
 * (《...》（国务院令第224号）同时废止).  Returns the bytes
 * written; titles that do not fit are left out. */
size_t sou_replaced_titles(const char *body, size_t len, char *out, size_t cap);

#endif
