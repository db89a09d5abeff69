/*
 * facet_search.h: the "facets" and "filter" options of a search (search.h), over
 * the facets the index records (indexer/schema/fields.h).
 *
 *   "filter": "category:司法解释" or an array of such strings: only articles
 *             whose field has that value; filters on one field are ORed,
 *             different fields ANDed (XF<field>:<value> terms, Xapian FILTER).
 *   "facets": "category,source" or ["category", "source"]: count the
 *             articles matching the query (and the filters) by value:
 *             "facets": {"category": [{"value", "label"?, "count"}, ...]},
 *             most frequent first, at most "facet_limit" values a field.
 *
 * Counts are over every match, not the page: a separate counting run
 * (boolean weight, no collapse, every match checked) with one Xapian
 * ValueCountMatchSpy a field; keys of several-passage articles
 * ("<value>\x1f<id>", fields.h) count once each, so the numbers are
 * articles, not passages.  A field that is itself filtered is counted
 * without its own filter (and with the others), as shops do: the counts
 * then show what choosing another value of it would give; each such field
 * costs one more counting run.
 */
#ifndef SOU_FACET_SEARCH_H
#define SOU_FACET_SEARCH_H

#include <jansson.h>

#include "fields.h"
#include "search.h"
#include "sou_xapian.h"

enum { SOU_FACET_LIMIT_DEFAULT = 20, SOU_FACET_LIMIT_MAX = 100, SOU_FILTERS_MAX = 64 };

typedef struct {
    const sou_facet *facet;          /* borrowed from the searcher's fields */
    const char *values[SOU_FILTERS_MAX]; /* borrowed from the options */
    size_t n;
} sou_filter_group;

typedef struct {
    sou_filter_group groups[SOU_FILTERS_MAX]; /* one a filtered field */
    size_t ngroups;
    const sou_facet *count[SOU_FIELDS_MAX_FACETS]; /* the fields to count, in the order asked */
    size_t ncount;
    unsigned limit;
    json_t *applied; /* owned: the filters as "field:value" strings, for the answer */
} sou_facet_request;

/* Read the "facets" and "filter" option values (either may be NULL) against
 * the index's fields f into r (caller-owned; release with
 * sou_facet_request_destroy, also after a failure).  Strings in r are
 * borrowed from the options.  Returns 0, or -1 with err: unknown_field
 * (not a facet of this index: the message lists those it has), bad_filter
 * (not FIELD:VALUE), bad_option (wrong type, too many). */
int sou_facet_request_parse(const sou_fields *f, const json_t *facets, const json_t *filter, unsigned limit,
                            sou_facet_request *r, sou_error *err);

void sou_facet_request_destroy(sou_facet_request *r);

/* The filters of every group but the one of skip (NULL: all of them) as one
 * query, or NULL with *xe untouched when none applies (check xe->status
 * for failure: set when out of memory).  Caller frees. */
sx_query *sou_facet_filter(const sou_facet_request *r, const sou_facet *skip, sx_error *xe);

/* Count r's fields over the articles matching query (borrowed; without the
 * filters: this applies them), each run stopped after time_limit seconds
 * (0: none; Xapian's backstop, as for the ranked run).  Returns the answer's
 * "facets" object (new reference) or NULL with err, and *xe when Xapian
 * failed (SX_ERR_MODIFIED: the index moved on; search again). */
json_t *sou_facet_count(sx_db *db, const sou_fields *f, const sou_facet_request *r, const sx_query *query,
                        double time_limit, sx_error *xe, sou_error *err);

/* The number of articles matching the query and every filter, from the
 * counts (the answer of sou_facet_count) when a filtered field was counted:
 * the sum of its chosen values' counts.  -1 when no filtered field was. */
long sou_facet_filtered_total(const sou_facet_request *r, const json_t *facets);

/* {"facets": [names], "labels": {...}, "values": {...}}: what a client
 * needs to ask for facets and to show fields by name (new reference). */
json_t *sou_fields_info(const sou_fields *f);

#endif /* SOU_FACET_SEARCH_H */
