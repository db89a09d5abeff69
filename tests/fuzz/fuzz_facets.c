/*
 * fuzz_facets.c: the "facets" and "filter" options of a search
 * (sou_facet_request_parse, searchd/facet_search.h) against an index with
 * the facets category and source.  The input is a JSON object {"facets":
 * .., "filter": .., "facet_limit": n}, or else taken whole as one filter
 * string (when it is one: options are valid UTF-8 without NUL).  Promises checked: a request parses into known facets, at most
 * SOU_FILTERS_MAX filter groups of known fields whose values give a filter
 * term and a Xapian filter query, or is a 400 whose message and location are
 * valid text.
 */
#include "facet_search.h"
#include "fuzz.h"
#include "fuzz_check_error.h"

static sou_fields fields;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char why[256];
    if (sou_fields_init(&fields) < 0 || sou_fields_add_facet(&fields, "category", why, sizeof why) < 0 ||
        sou_fields_add_facet(&fields, "source", why, sizeof why) < 0)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *in = json_loadb((const char *)data, size, 0, NULL);
    json_t *whole = NULL;
    const json_t *facets = NULL, *filter = NULL;
    unsigned limit = SOU_FACET_LIMIT_DEFAULT;

    if (json_is_object(in)) {
        facets = json_object_get(in, "facets");
        filter = json_object_get(in, "filter");
        json_int_t l = json_integer_value(json_object_get(in, "facet_limit"));
        if (l >= 1 && l <= SOU_FACET_LIMIT_MAX)
            limit = (unsigned)l;
    } else {
        /* options reach here as jansson strings: valid UTF-8 without NUL */
        filter = whole = memchr(data, '\0', size) ? NULL : json_stringn((const char *)data, size);
    }

    sou_facet_request r;
    sou_error err = {0};
    if (sou_facet_request_parse(&fields, facets, filter, limit, &r, &err) < 0) {
        fuzz_check_error(&err);
        FUZZ_CHECK(err.code == SOU_EBADREQUEST);
    } else {
        FUZZ_CHECK(r.ngroups <= SOU_FILTERS_MAX && r.ncount <= fields.n);
        for (size_t i = 0; i < r.ncount; i++)
            FUZZ_CHECK(sou_fields_facet(&fields, r.count[i]->name) == r.count[i]);
        for (size_t g = 0; g < r.ngroups; g++) {
            FUZZ_CHECK(sou_fields_facet(&fields, r.groups[g].facet->name) == r.groups[g].facet);
            FUZZ_CHECK(r.groups[g].n >= 1 && r.groups[g].n <= SOU_FILTERS_MAX);
        }
        sx_error xe = {SX_OK, "", ""};
        sx_query *q = sou_facet_filter(&r, NULL, &xe);
        FUZZ_CHECK((q != NULL) == (r.ngroups > 0) && xe.status == SX_OK);
        sx_query_free(q);
        if (r.ngroups > 0) {
            q = sou_facet_filter(&r, r.groups[0].facet, &xe);
            FUZZ_CHECK((q != NULL) == (r.ngroups > 1));
            sx_query_free(q);
        }
        FUZZ_CHECK(json_is_array(r.applied));
    }
    sou_facet_request_destroy(&r);
    json_decref(whole);
    json_decref(in);
    return 0;
}
