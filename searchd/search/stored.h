/*
 * stored.h: reading the document data the indexer stores (schema.h): a
 * flat JSON object of strings ({"id","title","body",...}).
 *
 * A quote-to-quote scanner reads the indexer's own format (jansson's loader
 * costs a sixth of a query for a news article); anything it does not expect
 * (numbers, nesting, bad escapes, control characters) makes it give up and
 * jansson's general parser reads the data instead, so the scanner only has
 * to be right on what it accepts.  Data that is not a JSON object gives no
 * fields.  A "\u0000" (older indexes stored NUL bytes that way; clients and
 * jansson reject NUL) reads as a space: a break, as the NUL was.
 */
#ifndef SOU_STORED_H
#define SOU_STORED_H

#include <stddef.h>

#include <jansson.h>

#include "strbuf.h"

typedef struct {
    size_t key, key_len, val, val_len; /* offsets into the arena (scanner) */
    const char *key_p, *val_p;         /* NUL-terminated, valid until sou_stored_fields_free */
} sou_stored_field;

typedef struct {
    sou_strbuf arena;      /* every decoded string, one allocation */
    sou_stored_field *f;   /* the string members in stored order, a later duplicate key replacing */
    size_t n, cap;
    json_t *fallback;      /* owned: jansson's object when the scanner gave up */
} sou_stored_fields;

/* Read data[0..len) (may be NULL) into d (caller-owned, fully initialised
 * here; release with sou_stored_fields_free, also after a failure).
 * Returns 0, or -1 when out of memory. */
int sou_stored_fields_parse(const char *data, size_t len, sou_stored_fields *d);

/* The value of field key (borrowed from d; "" with *len 0 when absent). */
const char *sou_stored_field_get(const sou_stored_fields *d, const char *key, size_t *len);

void sou_stored_fields_free(sou_stored_fields *d);

/* The data as a JSON object: a new reference ({} when data is NULL or not
 * an object), NULL only when out of memory. */
json_t *sou_stored_object(const char *data, size_t len);

#endif /* SOU_STORED_H */
