/*
 * json_line.h: compact JSON text, byte for byte what jansson's
 * json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(9)) writes, at a fraction of
 * its cost (jansson escapes strings a code point at a time through a
 * callback).  Used for every answer searchd sends and for the document data
 * the indexer stores, so both write JSON one way.
 */
#ifndef SOU_JSON_LINE_H
#define SOU_JSON_LINE_H

#include <stddef.h>

#include <jansson.h>

/* v (an object or array, borrowed) as compact UTF-8 JSON on one line (no
 * newline: strings escape theirs).  Returns a NUL-terminated string the
 * caller frees, its length in *len (may be NULL); NULL when v is not an
 * object or array, or out of memory. */
char *sou_json_line(const json_t *v, size_t *len);

#endif /* SOU_JSON_LINE_H */
