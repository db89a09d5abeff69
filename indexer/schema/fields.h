/*
 * fields.h: which stored fields an index counts and filters on (its
 * facets), and the names people read for fields and their values.
 *
 * A facet is a stored string field named to `indexer --facet FIELD`
 * (category, source, a department ...).  Its value goes into a value slot
 * of its own, for counting (Xapian's ValueCountMatchSpy), and into a
 * boolean term XF<field>:<value>, for filtering (schema.h).  Slots are
 * given out from SOU_VALUE_FACET_FIRST on, in the order facets were first
 * named, and never change once given: an index remembers its facets.
 *
 * Counting articles, not passages: an article may be several passages
 * (passage.h), and Xapian's match spies see every matching passage before
 * the collapse to one hit per article.  So the slot of an article of
 * several passages holds "<value>\x1f<article id>" in each of them: the
 * spy then sees one distinct key per article, and the reader counts the
 * keys that start "<value>\x1f" once each, next to the plain "<value>" of
 * one-passage articles (counted as the spy counts them).  The same works
 * over Xapian's remote backend, where only Xapian's own spies run.
 *
 * Labels are the names shown for raw field names and codes: `--label
 * category=类别` names a field, `--label category:DLC=地方性法规` one of its
 * values.
 *
 * Both live in the database metadata under SOU_FIELDS_KEY as one JSON
 * object, which the indexer merges into at every run and searchd reads:
 *
 *   {"facets": [{"name": "category", "slot": 11}, ...],
 *    "labels": {"category": "类别", ...},
 *    "values": {"category": {"DLC": "地方性法规", ...}, ...}}
 *
 * Pure C over jansson; nothing here touches Xapian.
 */
#ifndef SOU_FIELDS_H
#define SOU_FIELDS_H

#include <stddef.h>

#include <jansson.h>

#define SOU_FIELDS_KEY "sou:fields"
#define SOU_PREFIX_FACET "XF" /* XF<field>:<value>, see schema.h */
#define SOU_VALUE_FACET_FIRST 11u
#define SOU_FIELDS_MAX_FACETS 64u
#define SOU_FIELD_NAME_MAX 64u   /* bytes of a facet's field name */
#define SOU_FACET_VALUE_MAX 160u /* bytes of a value that is counted and filtered (longer: neither) */

typedef struct {
    char name[SOU_FIELD_NAME_MAX + 1];
    unsigned slot;
} sou_facet;

typedef struct {
    sou_facet facets[SOU_FIELDS_MAX_FACETS];
    size_t n;
    json_t *labels; /* owned: {"field": "name"} */
    json_t *values; /* owned: {"field": {"value": "name"}} */
} sou_fields;

/* An empty set (no facets, no labels) in f (caller-owned; release with
 * sou_fields_destroy).  Returns 0, or -1 when out of memory. */
int sou_fields_init(sou_fields *f);
void sou_fields_destroy(sou_fields *f);

/* Make name a facet (nothing when it is one already), with the next free
 * slot.  Returns 0, or -1 with a message in why (cap bytes): a name that is
 * empty, too long, holds ':' '=' or a control character, or a 65th facet. */
int sou_fields_add_facet(sou_fields *f, const char *name, char *why, size_t cap);

/* Add a label from "FIELD=NAME" or "FIELD:VALUE=NAME" (the later wins).
 * Returns 0, or -1 with a message in why when spec is neither. */
int sou_fields_add_label(sou_fields *f, const char *spec, char *why, size_t cap);

/* Read the metadata text into f (replacing what it held); "" is an empty
 * set.  Returns 0, or -1 with a message in why when it is not the JSON
 * above. */
int sou_fields_parse(sou_fields *f, const char *text, size_t len, char *why, size_t cap);

/* Merge from into f: from's facets that f lacks are added with their own
 * slot when it is free in f, else the next free one; from's labels
 * override f's.  Returns 0, or -1 with why (too many facets, or OOM). */
int sou_fields_merge(sou_fields *f, const sou_fields *from, char *why, size_t cap);

/* The metadata text for f (compact JSON, caller frees); NULL on OOM. */
char *sou_fields_json(const sou_fields *f, size_t *len);

/* The facet called name, or NULL. */
const sou_facet *sou_fields_facet(const sou_fields *f, const char *name);

/* The label of a field / of one of its values, or NULL (borrowed from f). */
const char *sou_fields_label(const sou_fields *f, const char *field);
const char *sou_fields_value_label(const sou_fields *f, const char *field, const char *value);

/* Separates a facet value from the article id in the slot of a
 * several-passage article. */
#define SOU_FACET_ARTICLE_SEP '\x1f'

/* The slot value for value[0..len) of an article with this id: the value
 * alone, or value, SEP, id when the article has several passages.  Into
 * buf (cap bytes); returns the length, 0 when it does not fit or value is
 * longer than SOU_FACET_VALUE_MAX. */
size_t sou_facet_slot_value(const char *value, size_t len, const char *article_id, int several_passages,
                            char *buf, size_t cap);

/* The filter term XF<field>:<value> into buf (cap bytes).  Returns its
 * length, or 0 when it does not fit or value is longer than
 * SOU_FACET_VALUE_MAX. */
size_t sou_fields_filter_term(const char *field, const char *value, size_t value_len, char *buf, size_t cap);

#endif /* SOU_FIELDS_H */
